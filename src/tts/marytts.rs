//! MaryTTS 5.x: `POST /process` with form fields `INPUT_TEXT`, `INPUT_TYPE=TEXT`,
//! `OUTPUT_TYPE=AUDIO`, `AUDIO=WAVE_FILE`, `LOCALE` and `VOICE`. Answers `audio/x-wav`;
//! errors are HTML pages with 400 or 500.

use super::http::{self, Http};
use super::{BoxFuture, EncodedAudio, SynthError, Synthesizer, VoiceProfile};

/// A MaryTTS server (or OpenTTS's MaryTTS shim).
#[derive(Debug, Clone)]
pub struct MaryTts {
    http: Http,
    locale: String,
    voice: Option<String>,
}

impl MaryTts {
    /// From a profile: `lang` is the `LOCALE` (default `en_US`), `voice` the `VOICE`.
    pub fn new(profile: &VoiceProfile) -> Result<Self, SynthError> {
        Ok(Self {
            http: Http::new(profile)?,
            locale: profile.lang.clone().unwrap_or_else(|| "en_US".into()),
            voice: profile.voice.clone(),
        })
    }

    async fn request(&self, text: &str) -> Result<EncodedAudio, SynthError> {
        let mut form = vec![
            ("INPUT_TEXT", text),
            ("INPUT_TYPE", "TEXT"),
            ("OUTPUT_TYPE", "AUDIO"),
            ("AUDIO", "WAVE_FILE"),
            ("LOCALE", &self.locale),
        ];
        if let Some(voice) = &self.voice {
            form.push(("VOICE", voice));
        }
        let request = self.http.client.post(&self.http.url).form(&form);
        let answer = http::expect_success(self.http.send(request).await?, "")?;
        Ok(EncodedAudio {
            bytes: answer.body,
            content_type: answer.content_type,
            raw_pcm: None,
        })
    }
}

impl Synthesizer for MaryTts {
    fn synthesize<'a>(&'a self, text: &'a str) -> BoxFuture<'a, Result<EncodedAudio, SynthError>> {
        Box::pin(self.request(text))
    }
}
