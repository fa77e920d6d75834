//! Baidu short-text TTS `text2audio`: a form-urlencoded POST of `tex, tok, cuid, ctp=1,
//! lan=zh, spd, pit, vol, per, aue`. `tex` is URL-encoded twice (the documented way; the
//! form encoding is the second layer), must be GBK-encodable and under 1024 GBK bytes.
//! Success is decided by the Content-Type (`audio/*`), never the status: errors come as
//! `application/json` `{err_no, err_msg, …}`.

use serde::Deserialize;

use super::http::{self, Answer, Http};
use super::{BoxFuture, EncodedAudio, RawPcm, SynthError, Synthesizer, VoiceProfile};

/// `tex` must be shorter than this many GBK bytes.
pub const MAX_GBK_BYTES: usize = 1024;
const DEFAULT_TOKEN_ENV: &str = "BAIDU_TTS_TOKEN";

/// Baidu's TTS gateway.
#[derive(Debug, Clone)]
pub struct Baidu {
    http: Http,
    token: String,
    token_env: String,
    per: String,
    spd: String,
    pit: String,
    vol: String,
    aue: String,
}

#[derive(Deserialize)]
struct ErrorBody {
    #[serde(default)]
    err_no: i64,
    #[serde(default)]
    err_msg: String,
}

impl Baidu {
    /// From a profile: the access token from `token_env` (default `BAIDU_TTS_TOKEN`),
    /// `voice` is `per`, `response_format` `mp3` (default), `pcm` or `wav`.
    pub fn new(profile: &VoiceProfile) -> Result<Self, SynthError> {
        let token_env = profile.token_env.as_deref().unwrap_or(DEFAULT_TOKEN_ENV);
        let aue = match profile.response_format.as_deref() {
            None | Some("mp3") => "3",
            Some("pcm") | Some("pcm-16k") => "4",
            Some("pcm-8k") => "5",
            Some("wav") => "6",
            Some(other) => {
                return Err(SynthError::Config(format!(
                    "voice `{}`: Baidu has no `response_format = \"{other}\"`; use `mp3`, `pcm`, `pcm-8k` or `wav`",
                    profile.name
                )));
            }
        };
        let spd = (5.0 * profile.speed).round().clamp(0.0, 15.0) as i32;
        Ok(Self {
            http: Http::new(profile)?,
            token: http::env_secret(profile, token_env, "a Baidu access token")?,
            token_env: token_env.to_owned(),
            per: profile.voice.clone().unwrap_or_else(|| "0".into()),
            spd: spd.to_string(),
            pit: profile.pitch.unwrap_or(5).to_string(),
            vol: profile.volume.unwrap_or(5).to_string(),
            aue: aue.into(),
        })
    }

    async fn post(&self, text: &str) -> Result<EncodedAudio, SynthError> {
        check_gbk(text)?;
        let tex = http::percent_encode(text);
        let form = [
            ("tex", tex.as_str()),
            ("tok", &self.token),
            ("cuid", "dalaba"),
            ("ctp", "1"),
            ("lan", "zh"),
            ("spd", &self.spd),
            ("pit", &self.pit),
            ("vol", &self.vol),
            ("per", &self.per),
            ("aue", &self.aue),
        ];
        let request = self.http.client.post(&self.http.url).form(&form);
        let answer = self.http.send(request).await?;
        let content_type = answer.content_type.clone().unwrap_or_default();
        if !content_type.starts_with("audio") {
            return Err(self.error(answer));
        }
        Ok(EncodedAudio {
            raw_pcm: pcm_format(&content_type),
            bytes: answer.body,
            content_type: Some(content_type),
        })
    }

    /// A JSON error: 502 is a bad token, 13/15 are QPS/concurrency limits (retried), the
    /// rest are input errors.
    fn error(&self, answer: Answer) -> SynthError {
        if !answer.is_json() {
            return match http::expect_success(answer, "") {
                Ok(answer) => SynthError::Rejected(format!(
                    "Baidu answered `{}` instead of audio: “{}”",
                    answer.content_type.as_deref().unwrap_or("no Content-Type"),
                    answer.body_excerpt()
                )),
                Err(e) => e,
            };
        }
        let body: ErrorBody = match serde_json::from_slice(&answer.body) {
            Ok(body) => body,
            Err(_) => return SynthError::Rejected(answer.body_excerpt()),
        };
        if body.err_no == 502 {
            return SynthError::Auth {
                status: 502,
                hint: format!(
                    " — check the access token in `${}` (tokens last 30 days)",
                    self.token_env
                ),
                body: body.err_msg,
            };
        }
        SynthError::Service {
            code: body.err_no.to_string(),
            message: body.err_msg,
            retryable: matches!(body.err_no, 13 | 15) || answer.status >= 500,
        }
    }
}

/// Refuses text Baidu cannot take: characters outside GBK, or 1024 GBK bytes or more.
pub fn check_gbk(text: &str) -> Result<(), SynthError> {
    if let Some(c) = text
        .chars()
        .find(|c| encoding_rs::GBK.encode(&c.to_string()).2)
    {
        return Err(SynthError::Text(format!(
            "Baidu takes GBK text only and `{c}` (U+{:04X}) is not in GBK; replace it in the lexicon",
            c as u32
        )));
    }
    let bytes = encoding_rs::GBK.encode(text).0.len();
    if bytes >= MAX_GBK_BYTES {
        return Err(SynthError::Text(format!(
            "Baidu takes under {MAX_GBK_BYTES} GBK bytes per call; this segment has {bytes} (lower `max_chars`)"
        )));
    }
    Ok(())
}

/// `audio/basic;codec=pcm;rate=16000;channel=1` → raw PCM at that rate.
fn pcm_format(content_type: &str) -> Option<RawPcm> {
    if !content_type.contains("pcm") {
        return None;
    }
    let field = |name: &str| {
        content_type
            .split(';')
            .filter_map(|p| p.trim().strip_prefix(name))
            .find_map(|v| v.parse::<u32>().ok())
    };
    Some(RawPcm {
        rate: field("rate=").unwrap_or(16_000),
        channels: field("channel=").unwrap_or(1) as u16,
    })
}

impl Synthesizer for Baidu {
    fn synthesize<'a>(&'a self, text: &'a str) -> BoxFuture<'a, Result<EncodedAudio, SynthError>> {
        Box::pin(self.post(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gbk_limits_are_checked_in_bytes() {
        assert!(check_gbk("各位村民请注意").is_ok());
        assert!(check_gbk(&"村".repeat(511)).is_ok());
        assert!(check_gbk(&"村".repeat(512)).is_err());
        let err = check_gbk("天气😀").unwrap_err().to_string();
        assert!(err.contains("😀"), "{err}");
    }

    #[test]
    fn pcm_rate_comes_from_the_content_type() {
        assert_eq!(
            pcm_format("audio/basic;codec=pcm;rate=8000;channel=1"),
            Some(RawPcm {
                rate: 8000,
                channels: 1
            })
        );
        assert_eq!(pcm_format("audio/mp3"), None);
    }
}
