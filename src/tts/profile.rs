//! Voice profiles: `voices/NAME.toml`, one per voice a station can use.

use std::path::Path;

use serde::Deserialize;

use crate::toml_file::{self, TomlError};

/// Which protocol a voice speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BackendKind {
    /// Local `espeak-ng`, spawned without a shell.
    Espeak,
    /// `POST /v1/audio/speech` (OpenAI, Kokoro-FastAPI, LocalAI, …).
    Openai,
}

impl BackendKind {
    /// The name used in profiles.
    pub fn name(self) -> &'static str {
        match self {
            Self::Espeak => "espeak",
            Self::Openai => "openai",
        }
    }
}

/// A voice profile as written in its TOML file.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VoiceProfile {
    /// File stem; set by the loader, not written in the file.
    #[serde(skip)]
    pub name: String,
    /// Backend protocol.
    pub kind: BackendKind,
    /// Server base URL (HTTP backends) or program (espeak).
    #[serde(default)]
    pub url: Option<String>,
    /// Model name sent to the server.
    #[serde(default)]
    pub model: Option<String>,
    /// Voice name (server voice, or espeak-ng voice such as `cmn-latn-pinyin`).
    #[serde(default)]
    pub voice: Option<String>,
    /// Speaking rate; 1.0 is the engine's normal speed.
    #[serde(default = "default_speed")]
    pub speed: f32,
    /// Longest text sent in one request, in characters.
    #[serde(default = "default_max_chars")]
    pub max_chars: usize,
    /// Requests in flight at once.
    #[serde(default = "default_concurrency")]
    pub concurrency: usize,
    /// Seconds before one request is abandoned.
    #[serde(default = "default_timeout")]
    pub timeout_secs: u64,
    /// Further tries after a failed request.
    #[serde(default = "default_retries")]
    pub retries: u32,
    /// Name of the environment variable that holds the API key (never the key itself).
    #[serde(default)]
    pub api_key_env: Option<String>,
    /// Audio format asked of the server (`wav`, `mp3`, …).
    #[serde(default)]
    pub response_format: Option<String>,
    /// Voice to use when this one's server is down.
    #[serde(default)]
    pub fallback: Option<String>,
}

fn default_speed() -> f32 {
    1.0
}
fn default_max_chars() -> usize {
    120
}
fn default_concurrency() -> usize {
    2
}
fn default_timeout() -> u64 {
    30
}
fn default_retries() -> u32 {
    2
}

impl VoiceProfile {
    /// Loads `path`; the profile is named after the file stem.
    pub fn load(path: &Path) -> Result<Self, TomlError> {
        let mut profile: Self = toml_file::load(path)?;
        profile.name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        Ok(profile)
    }

    /// Where requests go, for messages: the URL, or the program for local engines.
    pub fn endpoint(&self) -> String {
        match self.kind {
            BackendKind::Espeak => self.url.clone().unwrap_or_else(|| "espeak-ng".into()),
            BackendKind::Openai => self.url.clone().unwrap_or_default(),
        }
    }
}
