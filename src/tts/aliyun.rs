//! Aliyun Intelligent Speech Interaction, RESTful TTS: `POST /stream/v1/tts` with JSON
//! `{appkey, token, text, format, sample_rate, voice, volume, speech_rate, pitch_rate}`
//! (POST text is sent as is, not URL-encoded). Success is binary audio labelled
//! `audio/mpeg` whatever the format; failure is `application/json`
//! `{task_id, result, status, message}`, sometimes with status 200 — so success is decided
//! by the Content-Type, not the status. The service silently cuts text beyond 300
//! characters, so the profile's `max_chars` defaults to 300 and longer text is refused here.

use serde::{Deserialize, Serialize};

use super::http::{self, Answer, Http};
use super::{BoxFuture, EncodedAudio, RawPcm, SynthError, Synthesizer, VoiceProfile};

/// Characters the service speaks per call; the rest is dropped without an error.
pub const MAX_CHARS: usize = 300;
const DEFAULT_APPKEY_ENV: &str = "ALIYUN_NLS_APPKEY";
const DEFAULT_TOKEN_ENV: &str = "ALIYUN_NLS_TOKEN";

/// An Aliyun NLS gateway.
#[derive(Debug, Clone)]
pub struct Aliyun {
    http: Http,
    appkey: String,
    token: String,
    token_env: String,
    format: String,
    sample_rate: u32,
    voice: String,
    volume: i32,
    speech_rate: i32,
    pitch_rate: i32,
}

#[derive(Serialize)]
struct Request<'a> {
    appkey: &'a str,
    token: &'a str,
    text: &'a str,
    format: &'a str,
    sample_rate: u32,
    voice: &'a str,
    volume: i32,
    speech_rate: i32,
    pitch_rate: i32,
}

#[derive(Deserialize)]
struct ErrorBody {
    #[serde(default)]
    status: serde_json::Value,
    #[serde(default)]
    message: String,
    #[serde(default)]
    task_id: String,
}

impl Aliyun {
    /// From a profile: appkey and token from the environment variables it names
    /// (`ALIYUN_NLS_APPKEY`, `ALIYUN_NLS_TOKEN` by default).
    pub fn new(profile: &VoiceProfile) -> Result<Self, SynthError> {
        let appkey_env = profile.appkey_env.as_deref().unwrap_or(DEFAULT_APPKEY_ENV);
        let token_env = profile.token_env.as_deref().unwrap_or(DEFAULT_TOKEN_ENV);
        Ok(Self {
            http: Http::new(profile)?,
            appkey: http::env_secret(profile, appkey_env, "an Aliyun appkey")?,
            token: http::env_secret(profile, token_env, "an Aliyun NLS token")?,
            token_env: token_env.to_owned(),
            format: profile
                .response_format
                .clone()
                .unwrap_or_else(|| "wav".into()),
            sample_rate: profile.sample_rate.unwrap_or(16_000),
            voice: profile.voice.clone().unwrap_or_else(|| "xiaoyun".into()),
            volume: profile.volume.unwrap_or(50),
            speech_rate: speech_rate(profile.speed),
            pitch_rate: profile.pitch.unwrap_or(0),
        })
    }

    async fn post(&self, text: &str) -> Result<EncodedAudio, SynthError> {
        let chars = text.chars().count();
        if chars > MAX_CHARS {
            return Err(SynthError::Text(format!(
                "Aliyun speaks at most {MAX_CHARS} characters per call and cuts the rest silently; this segment has {chars} (lower `max_chars`)"
            )));
        }
        let request = self.http.client.post(&self.http.url).json(&Request {
            appkey: &self.appkey,
            token: &self.token,
            text,
            format: &self.format,
            sample_rate: self.sample_rate,
            voice: &self.voice,
            volume: self.volume,
            speech_rate: self.speech_rate,
            pitch_rate: self.pitch_rate,
        });
        let answer = self.http.send(request).await?;
        if answer.is_json() {
            return Err(self.service_error(&answer));
        }
        let answer = http::expect_success(answer, &self.hint())?;
        Ok(EncodedAudio {
            bytes: answer.body,
            content_type: answer.content_type,
            raw_pcm: (self.format == "pcm").then_some(RawPcm {
                rate: self.sample_rate,
                channels: 1,
            }),
        })
    }

    fn hint(&self) -> String {
        format!(
            " — check the token in `${}` (NLS tokens expire)",
            self.token_env
        )
    }

    /// The JSON error: token problems are credential errors; `TOO_MANY_REQUESTS`
    /// (40000005) and server-side codes (5xxxxxxx) are worth retrying.
    fn service_error(&self, answer: &Answer) -> SynthError {
        let Ok(body) = serde_json::from_slice::<ErrorBody>(&answer.body) else {
            return http::expect_success(
                Answer {
                    status: answer.status.max(500),
                    ..answer.clone()
                },
                "",
            )
            .err()
            .unwrap_or_else(|| SynthError::Rejected(answer.body_excerpt()));
        };
        let code = match &body.status {
            serde_json::Value::Number(n) => n.to_string(),
            serde_json::Value::String(s) => s.clone(),
            _ => answer.status.to_string(),
        };
        if code == "40000001" || answer.status == 401 || answer.status == 403 {
            return SynthError::Auth {
                status: answer.status,
                hint: self.hint(),
                body: format!("{code} {}", body.message),
            };
        }
        let retryable = code == "40000005" || code.starts_with('5') || answer.status >= 500;
        SynthError::Service {
            code,
            message: format!("{} (task_id {})", body.message, body.task_id),
            retryable,
        }
    }
}

/// Aliyun's `speech_rate` (−500…500, 0 normal): −500 is half speed, 500 double speed.
pub fn speech_rate(speed: f32) -> i32 {
    let speed = speed.clamp(0.5, 2.0);
    let rate = if speed >= 1.0 {
        (1.0 - 1.0 / speed) / 0.001
    } else {
        (1.0 - 1.0 / speed) / 0.002
    };
    rate.round() as i32
}

impl Synthesizer for Aliyun {
    fn synthesize<'a>(&'a self, text: &'a str) -> BoxFuture<'a, Result<EncodedAudio, SynthError>> {
        Box::pin(self.post(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speech_rate_maps_the_documented_range() {
        assert_eq!(speech_rate(1.0), 0);
        assert_eq!(speech_rate(2.0), 500);
        assert_eq!(speech_rate(0.5), -500);
        assert_eq!(speech_rate(9.0), 500);
    }
}
