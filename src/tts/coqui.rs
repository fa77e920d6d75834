//! Coqui `tts-server`: `GET /api/tts?text=…&speaker_id=…&language_id=…` (the shape both the
//! original server and the idiap fork accept). Answers `audio/wav`; errors are an HTML 500
//! (original) or `{"error": …}` with 400/500 (idiap).

use super::http::{self, Http};
use super::{BoxFuture, EncodedAudio, SynthError, Synthesizer, VoiceProfile};

/// A Coqui TTS server.
#[derive(Debug, Clone)]
pub struct Coqui {
    http: Http,
    speaker: Option<String>,
    lang: Option<String>,
}

impl Coqui {
    /// From a profile: `speaker` is `speaker_id`, `lang` is `language_id`.
    pub fn new(profile: &VoiceProfile) -> Result<Self, SynthError> {
        Ok(Self {
            http: Http::new(profile)?,
            speaker: profile.speaker.clone(),
            lang: profile.lang.clone(),
        })
    }

    async fn request(&self, text: &str) -> Result<EncodedAudio, SynthError> {
        let mut query = vec![("text", text)];
        if let Some(speaker) = &self.speaker {
            query.push(("speaker_id", speaker));
        }
        if let Some(lang) = &self.lang {
            query.push(("language_id", lang));
        }
        let request = self.http.client.get(&self.http.url).query(&query);
        let answer = http::expect_success(self.http.send(request).await?, "")?;
        Ok(EncodedAudio {
            bytes: answer.body,
            content_type: answer.content_type,
            raw_pcm: None,
        })
    }
}

impl Synthesizer for Coqui {
    fn synthesize<'a>(&'a self, text: &'a str) -> BoxFuture<'a, Result<EncodedAudio, SynthError>> {
        Box::pin(self.request(text))
    }
}
