//! What every HTTP backend shares: a client with connect and total timeouts, one request
//! turned into an [`Answer`] or a classified [`SynthError`], secrets read from the
//! environment, and the backoff schedule the render engine retries on.

use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

use super::{SynthError, VoiceProfile, excerpt};

/// The longest `Retry-After` honoured; a server asking for more is treated as down.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);
/// The longest computed backoff between two tries.
pub const MAX_BACKOFF: Duration = Duration::from_secs(10);

/// A server's answer, read to the end.
#[derive(Debug, Clone)]
pub struct Answer {
    /// HTTP status.
    pub status: u16,
    /// `Content-Type`, if sent.
    pub content_type: Option<String>,
    /// `Retry-After` in seconds, if sent.
    pub retry_after: Option<Duration>,
    /// The whole body.
    pub body: Vec<u8>,
}

impl Answer {
    /// True when the content type is JSON (how Aliyun and Baidu report errors with 200).
    pub fn is_json(&self) -> bool {
        self.content_type
            .as_deref()
            .is_some_and(|t| t.contains("json"))
    }

    /// The start of the body as text, for messages.
    pub fn body_excerpt(&self) -> String {
        excerpt(String::from_utf8_lossy(&self.body).trim(), 200)
    }
}

/// An HTTP client for one voice: the request URL and the timeouts from the profile.
#[derive(Debug, Clone)]
pub struct Http {
    /// The reqwest client (connection pool).
    pub client: reqwest::Client,
    /// Where requests go (the profile's endpoint).
    pub url: String,
    timeout_secs: u64,
}

impl Http {
    /// A client for `profile`; fails when the profile has no URL.
    pub fn new(profile: &VoiceProfile) -> Result<Self, SynthError> {
        let url = profile.endpoint();
        if !url.starts_with("http://") && !url.starts_with("https://") {
            return Err(SynthError::Config(format!(
                "voice `{}` needs `url = \"http://HOST:PORT\"` (got `{}`)",
                profile.name,
                super::profile::redact_url(&url)
            )));
        }
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(profile.connect_timeout_secs.max(1)))
            .timeout(Duration::from_secs(profile.timeout_secs.max(1)))
            .user_agent(concat!("dalaba/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| SynthError::Config(e.to_string()))?;
        Ok(Self {
            client,
            url,
            timeout_secs: profile.timeout_secs,
        })
    }

    /// Sends `request` and reads the whole answer; transport trouble becomes `Connect` or
    /// `Timeout`. The status is not judged here.
    pub async fn send(&self, request: reqwest::RequestBuilder) -> Result<Answer, SynthError> {
        let response = request.send().await.map_err(|e| self.transport(e))?;
        let header = |name| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let content_type = header(reqwest::header::CONTENT_TYPE);
        let retry_after = header(reqwest::header::RETRY_AFTER).and_then(|v| parse_retry_after(&v));
        let status = response.status().as_u16();
        let body = response.bytes().await.map_err(|e| self.transport(e))?;
        Ok(Answer {
            status,
            content_type,
            retry_after,
            body: body.into(),
        })
    }

    fn transport(&self, err: reqwest::Error) -> SynthError {
        if err.is_timeout() {
            return SynthError::Timeout {
                seconds: self.timeout_secs,
            };
        }
        // The URL may carry credentials; the caller names the (redacted) endpoint.
        let err = err.without_url();
        let mut text = err.to_string();
        let mut source = std::error::Error::source(&err);
        while let Some(cause) = source {
            text = format!("{text}: {cause}");
            source = cause.source();
        }
        SynthError::Connect(text)
    }
}

/// Judges the status: 2xx passes; 401/403 are credential errors (never retried, with
/// `hint` saying what to check); everything else is a `Status` error carrying `Retry-After`.
pub fn expect_success(answer: Answer, hint: &str) -> Result<Answer, SynthError> {
    match answer.status {
        200..=299 => Ok(answer),
        401 | 403 => Err(SynthError::Auth {
            status: answer.status,
            hint: hint.to_owned(),
            body: answer.body_excerpt(),
        }),
        status => Err(SynthError::Status {
            status,
            body: answer.body_excerpt(),
            retry_after: answer.retry_after,
        }),
    }
}

/// `Retry-After` as delay-seconds (the form rate limiters send). HTTP dates are ignored.
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// The value of environment variable `var`, or a message naming the voice and variable.
pub fn env_secret(profile: &VoiceProfile, var: &str, what: &str) -> Result<String, SynthError> {
    match std::env::var(var) {
        Ok(value) if !value.trim().is_empty() => Ok(value.trim().to_owned()),
        _ => Err(SynthError::Config(format!(
            "voice `{}` needs {what}: set the environment variable `{var}`",
            profile.name
        ))),
    }
}

/// The hint added to credential errors.
pub fn key_hint(var: Option<&str>) -> String {
    match var {
        Some(var) => format!(" — check the key in `${var}`"),
        None => " — the server wants a key: set `api_key_env` in the voice file".into(),
    }
}

/// Percent-encodes per RFC 3986: everything but `A–Z a–z 0–9 - . _ ~` (space → `%20`).
pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// When to try again: exponential backoff from `base`, doubled per try, with jitter, capped
/// at [`MAX_BACKOFF`]; a server's `Retry-After` is honoured up to [`MAX_RETRY_AFTER`].
#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    /// Delay before the first retry, before jitter.
    pub base: Duration,
}

impl Backoff {
    /// From the profile's `retry_base_ms`.
    pub fn new(profile: &VoiceProfile) -> Self {
        Self {
            base: Duration::from_millis(profile.retry_base_ms),
        }
    }

    /// The wait before retry number `retry` (0 for the first retry).
    pub fn delay(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(wait) = retry_after {
            return wait.min(MAX_RETRY_AFTER);
        }
        let full = self
            .base
            .saturating_mul(1u32 << retry.min(16))
            .min(MAX_BACKOFF);
        // Equal jitter: half fixed, half random, so concurrent retries spread out.
        full / 2 + full.mul_f64(jitter() / 2.0)
    }
}

/// A number in `[0, 1)`, different on every call (std's randomly keyed hasher).
fn jitter() -> f64 {
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(0);
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_encoding_follows_rfc_3986() {
        assert_eq!(percent_encode("a b+c"), "a%20b%2Bc");
        assert_eq!(percent_encode("村"), "%E6%9D%91");
        assert_eq!(percent_encode("A-z_0.~"), "A-z_0.~");
    }

    #[test]
    fn backoff_doubles_with_jitter_and_honours_retry_after() {
        let b = Backoff {
            base: Duration::from_millis(100),
        };
        for retry in 0..4 {
            let full = Duration::from_millis(100 << retry);
            let d = b.delay(retry, None);
            assert!(d >= full / 2 && d <= full, "{retry}: {d:?}");
        }
        assert!(b.delay(30, None) <= MAX_BACKOFF);
        assert_eq!(
            b.delay(0, Some(Duration::from_secs(3))),
            Duration::from_secs(3)
        );
        assert_eq!(b.delay(0, Some(Duration::from_secs(3600))), MAX_RETRY_AFTER);
    }

    #[test]
    fn retry_after_seconds_parse() {
        assert_eq!(parse_retry_after(" 2 "), Some(Duration::from_secs(2)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
    }
}
