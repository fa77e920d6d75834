//! The station directory: `dalaba.toml` settings, `voices/*.toml`, `schedules/*.toml` and
//! `state/`. The repository itself is a working station. \[glue\]

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::program::ProgramSettings;
use crate::schedule::QuietHours;
use crate::text::{Lexicon, LexiconError, lexicon};
use crate::toml_file::{self, TomlError};
use crate::tts::VoiceProfile;

/// Station-wide settings from `dalaba.toml`; every field has a default.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// Program sample rate in Hz.
    pub sample_rate: u32,
    /// Output device name; the system default when unset.
    pub device: Option<String>,
    /// Voice used when none is named.
    pub default_voice: String,
    /// How programs are put together: loudness, chimes, pauses, frame lines.
    pub program: ProgramSettings,
    /// IANA time zone the schedules are written in.
    pub timezone: String,
    /// Hours in which nothing but emergencies airs, e.g. `{ from = "22:00", until = "06:00" }`.
    pub quiet_hours: Option<QuietHours>,
    /// How many minutes before a slot its program is rendered.
    pub lead_minutes: u32,
    /// A rehearsal copy of a station: it runs at the times given with `--now` (and airs,
    /// logs and renders as a live one would). A live station runs on the real clock only.
    pub rehearsal: bool,
    /// The output device plays in real time (a loudspeaker): a program that "played" in
    /// far less than its length is logged failed. `false` for a device that records to a
    /// file as fast as it can.
    pub device_realtime: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            sample_rate: 24_000,
            device: None,
            default_voice: "default".into(),
            program: ProgramSettings::default(),
            timezone: "Asia/Shanghai".into(),
            quiet_hours: None,
            lead_minutes: 30,
            rehearsal: false,
            device_realtime: true,
        }
    }
}

/// Problems with the station's files.
#[derive(Debug, thiserror::Error)]
pub enum StationError {
    /// A TOML file is malformed.
    #[error(transparent)]
    Toml(#[from] TomlError),
    /// No such voice profile.
    #[error("no voice `{name}`: there is no `{}` (voices here: {known})", path.display())]
    UnknownVoice {
        /// The name asked for.
        name: String,
        /// Where it was looked for.
        path: PathBuf,
        /// Voices that do exist.
        known: String,
    },
    /// A directory could not be listed.
    #[error("cannot read `{}`: {source}", path.display())]
    Io {
        /// The directory.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
}

/// A station rooted at a directory.
#[derive(Debug, Clone)]
pub struct Station {
    /// The station directory.
    pub root: PathBuf,
    /// Its settings.
    pub settings: Settings,
}

impl Station {
    /// Opens the station at `root`, reading `dalaba.toml` when present.
    pub fn open(root: &Path) -> Result<Self, StationError> {
        let file = root.join("dalaba.toml");
        let settings = if file.exists() {
            toml_file::load(&file)?
        } else {
            Settings::default()
        };
        Ok(Self {
            root: root.to_owned(),
            settings,
        })
    }

    /// `voices/`.
    pub fn voices_dir(&self) -> PathBuf {
        self.root.join("voices")
    }

    /// `state/`, where the database, cache and programs live.
    pub fn state_dir(&self) -> PathBuf {
        self.root.join("state")
    }

    /// `state/dalaba.db`, the station database.
    pub fn db_path(&self) -> PathBuf {
        self.state_dir().join("dalaba.db")
    }

    /// `.dalaba-station`, outside `state/`: written when the database is first made, so a
    /// lost database is noticed instead of replaced by an empty one.
    pub fn used_marker(&self) -> PathBuf {
        self.root.join(".dalaba-station")
    }

    /// `schedules/`, where the broadcast slots are.
    pub fn schedules_dir(&self) -> PathBuf {
        self.root.join("schedules")
    }

    /// Loads the voice called `name` (or the default voice).
    pub fn voice(&self, name: Option<&str>) -> Result<VoiceProfile, StationError> {
        let name = name.unwrap_or(&self.settings.default_voice);
        let path = self.voices_dir().join(format!("{name}.toml"));
        if !path.exists() {
            return Err(StationError::UnknownVoice {
                name: name.to_owned(),
                path,
                known: self.voice_names()?.join(", "),
            });
        }
        Ok(VoiceProfile::load(&path)?)
    }

    /// The pronunciation lexicon `voices/lexicon.toml`; empty when the file does not exist.
    pub fn lexicon(&self) -> Result<Lexicon, LexiconError> {
        let path = self.voices_dir().join("lexicon.toml");
        match std::fs::read_to_string(&path) {
            Ok(text) => lexicon::parse(&path, &text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Lexicon::default()),
            Err(source) => Err(LexiconError::Read { path, source }),
        }
    }

    /// Every voice profile, sorted by name.
    pub fn voices(&self) -> Result<Vec<VoiceProfile>, StationError> {
        self.voice_names()?
            .iter()
            .map(|n| self.voice(Some(n)))
            .collect()
    }

    /// Names of the voice profiles in `voices/` (lexicon files excluded).
    pub fn voice_names(&self) -> Result<Vec<String>, StationError> {
        toml_stems(&self.voices_dir(), &["lexicon"])
    }
}

/// Stems of `dir/*.toml`, sorted, except those in `skip`.
fn toml_stems(dir: &Path, skip: &[&str]) -> Result<Vec<String>, StationError> {
    let entries = std::fs::read_dir(dir).map_err(|source| StationError::Io {
        path: dir.to_owned(),
        source,
    })?;
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .filter(|n| !skip.contains(&n.as_str()))
        .collect();
    names.sort();
    Ok(names)
}
