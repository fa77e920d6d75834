//! OpenTTS: `POST /api/tts?voice=tts:name&lang=…` with the raw text as the body (plus
//! `lengthScale` when the speed is not 1). Answers `audio/wav`; errors are plain text
//! `"ExceptionName: message"` with HTTP 500.

use super::http::{self, Http};
use super::{BoxFuture, EncodedAudio, SynthError, Synthesizer, VoiceProfile};

/// An OpenTTS server.
#[derive(Debug, Clone)]
pub struct OpenTts {
    http: Http,
    voice: String,
    lang: Option<String>,
    length_scale: Option<String>,
}

impl OpenTts {
    /// From a profile: `voice` is `tts:name` (default `espeak:cmn`), `lang` optional.
    pub fn new(profile: &VoiceProfile) -> Result<Self, SynthError> {
        Ok(Self {
            http: Http::new(profile)?,
            voice: profile.voice.clone().unwrap_or_else(|| "espeak:cmn".into()),
            lang: profile.lang.clone(),
            length_scale: (profile.speed != 1.0)
                .then(|| format!("{:.3}", 1.0 / profile.speed.max(0.1))),
        })
    }

    async fn request(&self, text: &str) -> Result<EncodedAudio, SynthError> {
        let mut query = vec![("voice", self.voice.as_str())];
        if let Some(lang) = &self.lang {
            query.push(("lang", lang));
        }
        if let Some(scale) = &self.length_scale {
            query.push(("lengthScale", scale));
        }
        let request = self
            .http
            .client
            .post(&self.http.url)
            .query(&query)
            .header(reqwest::header::CONTENT_TYPE, "text/plain; charset=utf-8")
            .body(text.to_owned());
        let answer = http::expect_success(self.http.send(request).await?, "")?;
        Ok(EncodedAudio {
            bytes: answer.body,
            content_type: answer.content_type,
            raw_pcm: None,
        })
    }
}

impl Synthesizer for OpenTts {
    fn synthesize<'a>(&'a self, text: &'a str) -> BoxFuture<'a, Result<EncodedAudio, SynthError>> {
        Box::pin(self.request(text))
    }
}
