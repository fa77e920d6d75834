//! OpenAI-compatible speech: `POST {url}/v1/audio/speech` with JSON
//! `{model, input, voice, response_format, speed}` plus `instructions`, `lang_code` and
//! `stream` when the profile sets them (Kokoro-FastAPI, LocalAI, CosyVoice/Qwen wrappers), and
//! an optional bearer key read from the environment variable the profile names.

use serde::Serialize;

use super::http::{self, Http};
use super::{BoxFuture, EncodedAudio, RawPcm, SynthError, Synthesizer, VoiceProfile};

/// The rate of OpenAI's headerless `pcm` format.
const PCM_RATE: u32 = 24_000;

/// An OpenAI-compatible server.
#[derive(Debug, Clone)]
pub struct OpenAi {
    http: Http,
    model: String,
    voice: String,
    format: String,
    speed: f32,
    instructions: Option<String>,
    lang_code: Option<String>,
    stream: Option<bool>,
    key: Option<String>,
    key_env: Option<String>,
    pcm_rate: u32,
}

#[derive(Serialize)]
struct Request<'a> {
    model: &'a str,
    input: &'a str,
    voice: &'a str,
    response_format: &'a str,
    speed: f32,
    #[serde(skip_serializing_if = "Option::is_none")]
    instructions: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    lang_code: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    stream: Option<bool>,
}

impl OpenAi {
    /// From a profile; fails when the key variable is named but unset.
    pub fn new(profile: &VoiceProfile) -> Result<Self, SynthError> {
        let key = match &profile.api_key_env {
            Some(var) => Some(http::env_secret(profile, var, "an API key")?),
            None => None,
        };
        Ok(Self {
            http: Http::new(profile)?,
            model: profile.model.clone().unwrap_or_else(|| "tts-1".into()),
            voice: profile.voice.clone().unwrap_or_else(|| "alloy".into()),
            format: profile
                .response_format
                .clone()
                .unwrap_or_else(|| "wav".into()),
            speed: profile.speed,
            instructions: profile.instructions.clone(),
            lang_code: profile.lang_code.clone(),
            stream: profile.stream,
            key,
            key_env: profile.api_key_env.clone(),
            pcm_rate: profile.sample_rate.unwrap_or(PCM_RATE),
        })
    }

    async fn post(&self, text: &str) -> Result<EncodedAudio, SynthError> {
        let mut request = self.http.client.post(&self.http.url).json(&Request {
            model: &self.model,
            input: text,
            voice: &self.voice,
            response_format: &self.format,
            speed: self.speed,
            instructions: self.instructions.as_deref(),
            lang_code: self.lang_code.as_deref(),
            stream: self.stream,
        });
        if let Some(key) = &self.key {
            request = request.bearer_auth(key);
        }
        let answer = self.http.send(request).await?;
        let answer = http::expect_success(answer, &http::key_hint(self.key_env.as_deref()))?;
        Ok(EncodedAudio {
            bytes: answer.body,
            content_type: answer.content_type,
            raw_pcm: (self.format == "pcm").then_some(RawPcm {
                rate: self.pcm_rate,
                channels: 1,
            }),
        })
    }
}

impl Synthesizer for OpenAi {
    fn synthesize<'a>(&'a self, text: &'a str) -> BoxFuture<'a, Result<EncodedAudio, SynthError>> {
        Box::pin(self.post(text))
    }
}
