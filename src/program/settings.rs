//! Program settings: the `[program]` section of `dalaba.toml` (loudness target, true-peak
//! ceiling, high-pass, pause grammar, chimes and the spoken frame lines), and the chimes they
//! name, loaded at the program rate. \[glue\]

use std::path::{Path, PathBuf};

use serde::{Deserialize, Deserializer};

use crate::audio::chime::{self, Direction};
use crate::audio::layout::PauseGrammar;
use crate::audio::{Clip, resample};
use crate::media;

/// A chime slot: nothing, dalaba's own bell, or a sound file (WAV, MP3, FLAC, Ogg/Vorbis).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ChimeSource {
    /// No chime.
    None,
    /// The built-in four-tone bell (`"builtin"`).
    #[default]
    BuiltIn,
    /// A file, relative to the station directory unless absolute.
    File(PathBuf),
}

impl ChimeSource {
    /// Reads `"builtin"`, `"none"` (or an empty string) or a file path.
    pub fn parse(text: &str) -> Self {
        match text.trim() {
            "builtin" | "built-in" => Self::BuiltIn,
            "" | "none" | "off" => Self::None,
            path => Self::File(PathBuf::from(path)),
        }
    }

    /// True unless this is [`ChimeSource::None`].
    pub fn is_some(&self) -> bool {
        !matches!(self, Self::None)
    }
}

impl<'de> Deserialize<'de> for ChimeSource {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Self::parse(&String::deserialize(deserializer)?))
    }
}

/// A chime that could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ChimeError {
    /// The file is missing or unreadable.
    #[error("cannot read the chime `{}`: {source}; name a WAV, MP3, FLAC or Ogg file, or use \"builtin\"", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// The file is not audio we can decode.
    #[error("the chime `{}` is not usable audio: {reason}", path.display())]
    Decode {
        /// The file.
        path: PathBuf,
        /// What the decoder said.
        reason: String,
    },
}

impl ChimeSource {
    /// The chime's audio at `rate`, or `None` for no chime. Relative paths are taken from
    /// `root` (the station directory).
    pub fn load(
        &self,
        root: &Path,
        rate: u32,
        direction: Direction,
    ) -> Result<Option<Clip>, ChimeError> {
        let path = match self {
            Self::None => return Ok(None),
            Self::BuiltIn => return Ok(Some(chime::chime(rate, direction))),
            Self::File(path) => root.join(path),
        };
        let bytes = std::fs::read(&path).map_err(|source| ChimeError::Read {
            path: path.clone(),
            source,
        })?;
        let decode_err = |reason: String| ChimeError::Decode {
            path: path.clone(),
            reason,
        };
        let clip = media::decode(&bytes).map_err(|e| decode_err(e.to_string()))?;
        let clip = resample::to_rate(&clip, rate).map_err(|e| decode_err(e.to_string()))?;
        Ok(Some(clip))
    }
}

/// The `[program]` section of `dalaba.toml`; every field has a default:
///
/// ```toml
/// [program]
/// loudness_lufs = -16.0      # EBU R128 integrated target
/// true_peak_dbtp = -1.0      # ceiling, held by a look-ahead limiter
/// highpass_hz = 150.0        # for horns without bass; off when left out
/// intro = "builtin"          # or "none", or a WAV/MP3/FLAC/Ogg file (station-relative)
/// outro = "chimes/end.ogg"
/// preamble = "各位村民请注意，各位村民请注意。"
/// bridge = "下面再播送一遍。"
/// closing = "本次广播到此结束，谢谢大家。"
///
/// [program.pauses]           # seconds
/// title = 1.2
/// paragraph = 0.8
/// sentence = 0.45
/// clause = 0.2
/// article = 2.0              # between articles
/// section = 1.2              # around preamble, bridge and closing
/// chime = 0.8                # after the intro chime, before the outro chime
/// ```
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ProgramSettings {
    /// Integrated loudness target, LUFS (EBU R128).
    pub loudness_lufs: f64,
    /// True-peak ceiling, dBTP.
    pub true_peak_dbtp: f64,
    /// High-pass corner in Hz for horn loudspeakers; off when unset.
    pub highpass_hz: Option<f64>,
    /// Pause lengths.
    pub pauses: PauseGrammar,
    /// The chime before the program.
    pub intro: ChimeSource,
    /// The chime after the program.
    pub outro: ChimeSource,
    /// Spoken before the first reading; nothing when empty.
    pub preamble: String,
    /// Spoken between readings; nothing when empty.
    pub bridge: String,
    /// Spoken after the last reading; nothing when empty.
    pub closing: String,
}

impl Default for ProgramSettings {
    fn default() -> Self {
        Self {
            loudness_lufs: -16.0,
            true_peak_dbtp: -1.0,
            highpass_hz: None,
            pauses: PauseGrammar::default(),
            intro: ChimeSource::BuiltIn,
            outro: ChimeSource::BuiltIn,
            preamble: "各位村民请注意，各位村民请注意。".into(),
            bridge: "下面再播送一遍。".into(),
            closing: "本次广播到此结束，谢谢大家。".into(),
        }
    }
}

impl ProgramSettings {
    /// Checks that the numbers make sense for a loudspeaker program at `rate`.
    pub fn check(&self, rate: u32) -> Result<(), String> {
        if !(-40.0..=-5.0).contains(&self.loudness_lufs) {
            return Err(format!(
                "`loudness_lufs` is {}; use a target between -40 and -5 LUFS (broadcast: -16)",
                self.loudness_lufs
            ));
        }
        if !(-12.0..=0.0).contains(&self.true_peak_dbtp) {
            return Err(format!(
                "`true_peak_dbtp` is {}; use a ceiling between -12 and 0 dBTP (broadcast: -1)",
                self.true_peak_dbtp
            ));
        }
        if let Some(hz) = self.highpass_hz
            && !(hz >= 10.0 && hz < f64::from(rate) / 4.0)
        {
            return Err(format!(
                "`highpass_hz` is {hz}; use a corner between 10 Hz and {} Hz (horns: about 150)",
                rate / 4
            ));
        }
        self.pauses.check()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chime_sources_parse() {
        assert_eq!(ChimeSource::parse("builtin"), ChimeSource::BuiltIn);
        assert_eq!(ChimeSource::parse("none"), ChimeSource::None);
        assert_eq!(
            ChimeSource::parse("chimes/bell.ogg"),
            ChimeSource::File("chimes/bell.ogg".into())
        );
    }

    #[test]
    fn section_parses_from_toml_with_defaults() {
        let s: ProgramSettings = toml::from_str(
            "loudness_lufs = -18.0\nhighpass_hz = 150.0\nintro = \"none\"\n[pauses]\nsentence = 0.5\n",
        )
        .unwrap();
        assert_eq!(s.loudness_lufs, -18.0);
        assert_eq!(s.highpass_hz, Some(150.0));
        assert_eq!(s.intro, ChimeSource::None);
        assert_eq!(s.outro, ChimeSource::BuiltIn);
        assert_eq!(s.pauses.sentence, 0.5);
        assert_eq!(s.pauses.title, 1.2);
        assert_eq!(s.bridge, "下面再播送一遍。");
        assert!(s.check(24_000).is_ok());
    }

    #[test]
    fn unknown_keys_and_bad_numbers_are_refused() {
        assert!(toml::from_str::<ProgramSettings>("loudnes = -16.0").is_err());
        let loud = ProgramSettings {
            loudness_lufs: 3.0,
            ..Default::default()
        };
        assert!(loud.check(24_000).unwrap_err().contains("`loudness_lufs`"));
        let bass = ProgramSettings {
            highpass_hz: Some(9000.0),
            ..Default::default()
        };
        assert!(bass.check(24_000).unwrap_err().contains("`highpass_hz`"));
    }
}
