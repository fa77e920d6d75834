//! The station directory: `dalaba.toml` settings, `voices/*.toml`, `schedules/*.toml` and
//! `state/`. The repository itself is a working station. \[glue\]

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::program::ProgramSettings;
use crate::schedule::{Calendar, QuietHours, ScheduleError};
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
    /// Who may read what dalaba creates in `state/` (and the files it writes).
    pub state_mode: StateMode,
}

/// Permissions of what dalaba creates: the database holds who approved what, the programs
/// what will air, so nobody else on a shared box reads them unless the station says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StateMode {
    /// Only the station's owner: folders 0700, files 0600.
    #[default]
    Private,
    /// The owner, and the group read-only (a viewer who runs `list` and `log`): folders
    /// 0750, files 0640.
    Group,
}

impl StateMode {
    /// The process umask that gives this mode.
    pub fn umask(self) -> u32 {
        match self {
            Self::Private => 0o077,
            Self::Group => 0o027,
        }
    }
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
            state_mode: StateMode::Private,
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
    /// A voice name that is not a plain name: it could reach outside `voices/`.
    #[error(
        "`{name}` is not a voice name: a voice is named by a file `voices/NAME.toml`, and NAME is letters, digits, `-` and `_`{hint}"
    )]
    BadVoiceName {
        /// The name as given.
        name: String,
        /// A suggestion, when one is obvious (`default.toml` → `default`).
        hint: String,
    },
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
    /// The directory has no `dalaba.toml`: it is not a station.
    #[error(
        "`{}` is not a station: it has no `dalaba.toml`; make one there with `dalaba init {}`, or pass `--station DIR` (or set `DALABA_STATION`) to use another",
        path.display(),
        path.display()
    )]
    NotAStation {
        /// The directory.
        path: PathBuf,
    },
    /// A setting is outside what dalaba can work with.
    #[error("`{}` `{key}`: {message}", path.display())]
    BadSetting {
        /// `dalaba.toml`.
        path: PathBuf,
        /// The key.
        key: &'static str,
        /// What is wrong and what to write.
        message: String,
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
    /// Opens the station at `root`: a directory with a `dalaba.toml`. Anything else is
    /// refused, so a cron line missing its `cd` fails loudly instead of making a database
    /// wherever it runs.
    pub fn open(root: &Path) -> Result<Self, StationError> {
        let file = root.join("dalaba.toml");
        if !file.is_file() {
            return Err(StationError::NotAStation {
                path: root.to_owned(),
            });
        }
        let settings: Settings = toml_file::load(&file)?;
        if !(8_000..=96_000).contains(&settings.sample_rate) {
            return Err(StationError::BadSetting {
                path: file,
                key: "sample_rate",
                message: format!(
                    "{} Hz is not a program rate; use 8000 to 96000 (24000 suits speech)",
                    settings.sample_rate
                ),
            });
        }
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

    /// Loads the voice called `name` (or the default voice). Only plain names
    /// ([`check_voice_name`]) are looked up, and only inside `voices/`.
    pub fn voice(&self, name: Option<&str>) -> Result<VoiceProfile, StationError> {
        let name = name.unwrap_or(&self.settings.default_voice);
        check_voice_name(name)?;
        let path = self.voices_dir().join(format!("{name}.toml"));
        if !path.is_file() {
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

    /// The working calendar for `days = "workdays"` / `"holidays"`: the built-in one,
    /// extended by the station's `calendar/cn.toml` when there is one.
    pub fn calendar(&self) -> Result<Calendar, ScheduleError> {
        let path = self.root.join("calendar").join("cn.toml");
        match std::fs::read_to_string(&path) {
            Ok(text) => Ok(Calendar::built_in().extended_by(Calendar::parse(&path, &text)?)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Calendar::built_in()),
            Err(source) => Err(ScheduleError::Toml(TomlError::Read { path, source })),
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
        Ok(toml_stems(&self.voices_dir(), NOT_VOICES)?
            .into_iter()
            .filter(|n| check_voice_name(n).is_ok())
            .collect())
    }
}

/// Files in `voices/` that are not voices.
const NOT_VOICES: &[&str] = &["lexicon"];

/// Refuses any voice name but a plain one: letters, digits, `-` and `_`, not a file that is
/// not a voice (`lexicon`). A name is joined onto `voices/`, so a `/`, `..` or absolute
/// path would load a profile, and run its program, from anywhere.
pub fn check_voice_name(name: &str) -> Result<(), StationError> {
    let plain = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_');
    if plain && !NOT_VOICES.contains(&name) {
        return Ok(());
    }
    let hint = match name.strip_suffix(".toml") {
        Some(stem) if check_voice_name(stem).is_ok() => format!("; write `{stem}`"),
        _ if NOT_VOICES.contains(&name) => {
            "; `voices/lexicon.toml` is the pronunciation lexicon, not a voice".into()
        }
        _ => String::new(),
    };
    Err(StationError::BadVoiceName {
        name: name.to_owned(),
        hint,
    })
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
        .filter(|p| p.extension().is_some_and(|x| x == "toml") && p.is_file())
        .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .filter(|n| !skip.contains(&n.as_str()))
        .collect();
    names.sort();
    Ok(names)
}
