//! Voices and the TTS backends behind them. Every backend turns text into encoded audio
//! bytes and says what went wrong in a [`SynthError`] that knows whether a retry can help;
//! [`answer::check`] decides whether the bytes are audio worth keeping; pacing, retries and
//! caching are the render engine's job. \[edge\]
//!
//! One small module per protocol; the exact request shapes and quirks they follow are in
//! `../shared/TTS_APIS.md`.

pub mod aliyun;
pub mod answer;
pub mod azure;
pub mod baidu;
pub mod coqui;
pub mod espeak;
pub mod http;
pub mod marytts;
pub mod neural;
pub mod openai;
pub mod opentts;
pub mod piper;
pub mod profile;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

pub use profile::{BackendKind, VoiceProfile};

/// A boxed future that can cross threads.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Headerless PCM: signed 16-bit little-endian samples, interleaved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawPcm {
    /// Samples per second, from the service's documentation or header.
    pub rate: u32,
    /// Interleaved channels.
    pub channels: u16,
}

/// What a backend answered: the body and what it claimed to be.
#[derive(Debug, Clone, Default)]
pub struct EncodedAudio {
    /// The response body.
    pub bytes: Vec<u8>,
    /// The `Content-Type` header, if any.
    pub content_type: Option<String>,
    /// Set when the body is headerless PCM; its format comes from the service, not the bytes.
    pub raw_pcm: Option<RawPcm>,
}

/// Why a backend produced no usable audio.
#[derive(Debug, thiserror::Error)]
pub enum SynthError {
    /// The local engine is not installed.
    #[error("`{program}` is not installed; install it with `sudo apt-get install {package}`")]
    MissingProgram {
        /// The program that was not found.
        program: String,
        /// The Debian package that provides it (a guess for `command` voices).
        package: String,
    },
    /// The local engine ran and failed.
    #[error("`{program}` failed: {message}")]
    Program {
        /// The program.
        program: String,
        /// Its exit status and stderr.
        message: String,
    },
    /// The server could not be reached, or the connection broke.
    #[error("cannot reach the server: {0}")]
    Connect(String),
    /// No complete answer in time.
    #[error("no complete answer within {seconds} s (raise `timeout_secs` if the server is slow)")]
    Timeout {
        /// The limit that was hit.
        seconds: u64,
    },
    /// The server refused the credentials; retrying cannot help.
    #[error("the server refused the credentials (HTTP {status}){hint}: {body}")]
    Auth {
        /// HTTP status code (401, 403) or the service's own code.
        status: u16,
        /// What to check, e.g. ` — check the key in `$DALABA_OPENAI_KEY``.
        hint: String,
        /// The start of the body.
        body: String,
    },
    /// The server answered with an error status.
    #[error("the server answered HTTP {status}: {body}")]
    Status {
        /// HTTP status code.
        status: u16,
        /// The start of the body, which usually says why.
        body: String,
        /// How long the server asked us to wait (`Retry-After`).
        retry_after: Option<Duration>,
    },
    /// The service reported an error in its own format (JSON with its own codes).
    #[error("the service said `{code}`: {message}")]
    Service {
        /// The service's error code.
        code: String,
        /// Its message.
        message: String,
        /// Whether the service's documentation says trying again may succeed.
        retryable: bool,
    },
    /// The answer was not audio worth keeping (HTML, empty, truncated, silent, too short).
    #[error("{0}")]
    Rejected(String),
    /// The text cannot be sent to this service as it is.
    #[error("{0}")]
    Text(String),
    /// A required setting is missing, e.g. the API key variable is unset.
    #[error("{0}")]
    Config(String),
    /// A local voice cannot run on this machine (model files or library missing); the
    /// fallback voice can stand in, but retrying cannot help.
    #[error("the voice cannot run here: {0}")]
    Unavailable(String),
}

impl SynthError {
    /// True when trying again may succeed: connection errors, timeouts, 429, 5xx, answers
    /// that were not usable audio, and service codes documented as transient.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Connect(_) | Self::Timeout { .. } | Self::Rejected(_) => true,
            Self::Status { status, .. } => *status == 429 || *status >= 500,
            Self::Service { retryable, .. } => *retryable,
            _ => false,
        }
    }

    /// True when the server is down rather than misconfigured: what sends segments to the
    /// fallback voice once retries are used up.
    pub fn is_unreachable(&self) -> bool {
        self.is_retryable() || matches!(self, Self::Unavailable(_))
    }

    /// The delay the server asked for, if any.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::Status { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

/// A TTS engine: text in, encoded audio out.
pub trait Synthesizer: Send + Sync {
    /// Speaks `text`.
    fn synthesize<'a>(&'a self, text: &'a str) -> BoxFuture<'a, Result<EncodedAudio, SynthError>>;
}

/// The TTS voices as an edge: where the render engine gets a synthesizer for a profile. Built
/// at the command layer ([`Backends`] there, a stand-in in tests) and handed down, so render
/// and airing code never construct a backend themselves.
pub trait Voices: Send + Sync + std::fmt::Debug {
    /// A synthesizer speaking as `profile` says. Fails when a required setting or environment
    /// variable is missing.
    fn synthesizer(&self, profile: &VoiceProfile) -> Result<Arc<dyn Synthesizer>, SynthError>;
}

/// The real voices: each profile's own backend ([`backend`]), built once per profile and
/// kept, so a daemon's renders share one HTTP client and its open (TLS) connections, and
/// building a client (3–80 ms: it loads the TLS roots) is not paid again per render.
#[derive(Default)]
pub struct Backends {
    made: std::sync::Mutex<Vec<(VoiceProfile, Arc<dyn Synthesizer>)>>,
}

impl std::fmt::Debug for Backends {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Backends")
    }
}

impl Voices for Backends {
    fn synthesizer(&self, profile: &VoiceProfile) -> Result<Arc<dyn Synthesizer>, SynthError> {
        let mut made = self
            .made
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((_, synth)) = made.iter().find(|(p, _)| p == profile) {
            return Ok(synth.clone());
        }
        let synth: Arc<dyn Synthesizer> = backend(profile)?.into();
        made.push((profile.clone(), synth.clone()));
        Ok(synth)
    }
}

/// Builds the backend a profile describes. Fails when a required setting or environment
/// variable is missing. Only the command layer calls this (through [`Backends`]).
pub fn backend(profile: &VoiceProfile) -> Result<Box<dyn Synthesizer>, SynthError> {
    Ok(match profile.kind {
        BackendKind::Espeak | BackendKind::Command => Box::new(espeak::Espeak::new(profile)?),
        BackendKind::Openai => Box::new(openai::OpenAi::new(profile)?),
        BackendKind::Piper => Box::new(piper::Piper::new(profile)?),
        BackendKind::Marytts => Box::new(marytts::MaryTts::new(profile)?),
        BackendKind::Opentts => Box::new(opentts::OpenTts::new(profile)?),
        BackendKind::Coqui => Box::new(coqui::Coqui::new(profile)?),
        BackendKind::Aliyun => Box::new(aliyun::Aliyun::new(profile)?),
        BackendKind::Baidu => Box::new(baidu::Baidu::new(profile)?),
        BackendKind::Azure => Box::new(azure::Azure::new(profile)?),
        BackendKind::Neural => Box::new(neural::Neural::new(profile)),
    })
}

/// The first `n` characters of `text`, with an ellipsis when cut: for error messages.
pub fn excerpt(text: &str, n: usize) -> String {
    let mut out: String = text.chars().take(n).collect();
    if text.chars().count() > n {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(status: u16) -> SynthError {
        SynthError::Status {
            status,
            body: String::new(),
            retry_after: None,
        }
    }

    #[test]
    fn a_voice_is_built_once_per_profile_and_again_when_it_changes() {
        let voices = Backends::default();
        let mut profile = VoiceProfile::new("local", BackendKind::Openai);
        profile.url = Some("http://127.0.0.1:9/".into());
        let first = voices.synthesizer(&profile).unwrap();
        let again = voices.synthesizer(&profile.clone()).unwrap();
        assert!(Arc::ptr_eq(&first, &again));
        profile.url = Some("http://127.0.0.1:10/".into());
        let changed = voices.synthesizer(&profile).unwrap();
        assert!(!Arc::ptr_eq(&first, &changed));
    }

    #[test]
    fn only_transient_failures_are_retried() {
        let cases = [
            (SynthError::Connect("refused".into()), true),
            (SynthError::Timeout { seconds: 30 }, true),
            (SynthError::Rejected("empty".into()), true),
            (status(429), true),
            (status(500), true),
            (status(503), true),
            (status(400), false),
            (status(404), false),
            (status(422), false),
            (
                SynthError::Auth {
                    status: 401,
                    hint: String::new(),
                    body: String::new(),
                },
                false,
            ),
            (SynthError::Config("no key".into()), false),
            (SynthError::Text("not GBK".into()), false),
            (
                SynthError::MissingProgram {
                    program: "espeak-ng".into(),
                    package: "espeak-ng".into(),
                },
                false,
            ),
        ];
        for (err, retry) in cases {
            assert_eq!(err.is_retryable(), retry, "{err}");
        }
    }
}
