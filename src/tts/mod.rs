//! Voices and the TTS backends behind them. Every backend turns text into encoded audio
//! bytes; checking and decoding those bytes is the render engine's job. [edge]

pub mod espeak;
pub mod openai;
pub mod profile;

use std::future::Future;
use std::pin::Pin;

pub use profile::{BackendKind, VoiceProfile};

/// A boxed future that can cross threads.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What a backend answered: the body and what it claimed to be.
#[derive(Debug, Clone, Default)]
pub struct EncodedAudio {
    /// The response body.
    pub bytes: Vec<u8>,
    /// The `Content-Type` header, if any.
    pub content_type: Option<String>,
}

/// Why a backend produced no audio.
#[derive(Debug, thiserror::Error)]
pub enum SynthError {
    /// The local engine is not installed.
    #[error("`{program}` is not installed; install it with `sudo apt-get install espeak-ng`")]
    MissingProgram {
        /// The program that was not found.
        program: String,
    },
    /// The local engine ran and failed.
    #[error("`{program}` failed: {message}")]
    Program {
        /// The program.
        program: String,
        /// Its exit status and stderr.
        message: String,
    },
    /// The server could not be reached or the request timed out.
    #[error("cannot reach the server: {0}")]
    Connect(String),
    /// The server answered with an error status.
    #[error("the server answered HTTP {status}: {body}")]
    Status {
        /// HTTP status code.
        status: u16,
        /// The start of the body, which usually says why.
        body: String,
    },
    /// A required setting is missing, e.g. the API key variable is unset.
    #[error("{0}")]
    Config(String),
}

/// A TTS engine: text in, encoded audio out.
pub trait Synthesizer: Send + Sync {
    /// Speaks `text`.
    fn synthesize<'a>(&'a self, text: &'a str) -> BoxFuture<'a, Result<EncodedAudio, SynthError>>;
}

/// Builds the backend a profile describes.
pub fn backend(profile: &VoiceProfile) -> Result<Box<dyn Synthesizer>, SynthError> {
    Ok(match profile.kind {
        BackendKind::Espeak => Box::new(espeak::Espeak::new(profile)),
        BackendKind::Openai => Box::new(openai::OpenAi::new(profile)?),
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
