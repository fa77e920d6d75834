//! OpenAI-compatible speech: `POST {url}/v1/audio/speech` with JSON
//! `{model, input, voice, response_format, speed}` and an optional bearer key read from the
//! environment variable the profile names.

use std::time::Duration;

use serde::Serialize;

use super::{BoxFuture, EncodedAudio, SynthError, Synthesizer, VoiceProfile};

/// An OpenAI-compatible server.
#[derive(Debug, Clone)]
pub struct OpenAi {
    client: reqwest::Client,
    url: String,
    model: String,
    voice: String,
    format: String,
    speed: f32,
    key: Option<String>,
}

#[derive(Serialize)]
struct Request<'a> {
    model: &'a str,
    input: &'a str,
    voice: &'a str,
    response_format: &'a str,
    speed: f32,
}

impl OpenAi {
    /// From a profile; fails when the key variable is named but unset.
    pub fn new(profile: &VoiceProfile) -> Result<Self, SynthError> {
        let key = match &profile.api_key_env {
            Some(var) => Some(std::env::var(var).map_err(|_| {
                SynthError::Config(format!(
                    "voice `{}` needs an API key: set the environment variable `{var}`",
                    profile.name
                ))
            })?),
            None => None,
        };
        let base = profile
            .url
            .clone()
            .ok_or_else(|| SynthError::Config(format!("voice `{}` has no `url`", profile.name)))?;
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(profile.timeout_secs))
            .build()
            .map_err(|e| SynthError::Config(e.to_string()))?;
        Ok(Self {
            client,
            url: format!("{}/v1/audio/speech", base.trim_end_matches('/')),
            model: profile.model.clone().unwrap_or_else(|| "tts-1".into()),
            voice: profile.voice.clone().unwrap_or_else(|| "alloy".into()),
            format: profile
                .response_format
                .clone()
                .unwrap_or_else(|| "wav".into()),
            speed: profile.speed,
            key,
        })
    }

    async fn post(&self, text: &str) -> Result<EncodedAudio, SynthError> {
        let mut request = self.client.post(&self.url).json(&Request {
            model: &self.model,
            input: text,
            voice: &self.voice,
            response_format: &self.format,
            speed: self.speed,
        });
        if let Some(key) = &self.key {
            request = request.bearer_auth(key);
        }
        let response = request
            .send()
            .await
            .map_err(|e| SynthError::Connect(e.to_string()))?;
        let status = response.status();
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let bytes = response
            .bytes()
            .await
            .map_err(|e| SynthError::Connect(e.to_string()))?;
        if !status.is_success() {
            return Err(SynthError::Status {
                status: status.as_u16(),
                body: super::excerpt(&String::from_utf8_lossy(&bytes), 200),
            });
        }
        Ok(EncodedAudio {
            bytes: bytes.to_vec(),
            content_type,
        })
    }
}

impl Synthesizer for OpenAi {
    fn synthesize<'a>(&'a self, text: &'a str) -> BoxFuture<'a, Result<EncodedAudio, SynthError>> {
        Box::pin(self.post(text))
    }
}
