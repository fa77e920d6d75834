//! Broadcast slots and schedule arithmetic. Pure: `now` is always a parameter and the time
//! zone is handed in, already resolved. \[core\]
//!
//! A slot file (`schedules/*.toml`) holds `[[slot]]` tables. Times are local wall-clock
//! times in the station's zone: a slot at `07:00` airs at 07:00 on both sides of a DST
//! change. A wall time that does not exist (spring forward) airs at the first instant after
//! the gap; one that happens twice (fall back) airs once, at the first.

mod calendar;
pub mod held;
mod occur;
pub mod plan;
mod select;
mod spec;

pub use calendar::{
    BUILT_IN as BUILT_IN_CALENDAR, Calendar, DayKind, DayOff, MissingYear, calendar_gaps, days_off,
    use_calendar,
};
pub use occur::{
    Due, ON_TIME, Occurrence, airs_on, classify, next_after, next_deadline, occurrences,
    slot_occurrences,
};
pub use select::{
    Approval, Bound, CHARS_PER_SECOND, Candidate, Exclusion, Selection, Validity, estimate_seconds,
    select,
};
pub use spec::{DayRule, Days, Priority, QuietHours, TimeOfDay, Times};

use std::path::{Path, PathBuf};

use jiff::civil::Date;
use serde::Deserialize;

use crate::toml_file::{self, TomlError};

/// The most times a slot may read its program (`repeat`), as for `--repeat`.
pub const MAX_REPEAT: u32 = 10;

/// Why a schedule file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ScheduleError {
    /// Malformed TOML or a bad value; names file, line and key.
    #[error(transparent)]
    Toml(#[from] TomlError),
    /// A slot that parsed but does not make sense.
    #[error("`{}` line {line}: slot `{slot}`: {message}", path.display())]
    Slot {
        /// The file.
        path: PathBuf,
        /// Line of the slot's `name`.
        line: usize,
        /// The slot's name.
        slot: String,
        /// What is wrong, naming the key.
        message: String,
    },
}

/// A `[[slot]]` table as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct SlotSpec {
    name: String,
    title: Option<String>,
    at: Option<Vec<TimeOfDay>>,
    cron: Option<spec::CronSpec>,
    #[serde(default)]
    days: Days,
    from: Option<spec::DateSpec>,
    until: Option<spec::DateSpec>,
    queue: String,
    voice: Option<String>,
    repeat: Option<u32>,
    max_articles: Option<usize>,
    max_minutes: Option<f64>,
    intro: Option<String>,
    outro: Option<String>,
    preamble: Option<String>,
    closing: Option<String>,
    #[serde(default)]
    catch_up_minutes: u32,
    #[serde(default)]
    priority: Priority,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScheduleFile {
    #[serde(default)]
    slot: Vec<SlotSpec>,
}

/// A validated broadcast slot.
#[derive(Debug, Clone, PartialEq)]
pub struct Slot {
    /// Unique name; the as-run log's key together with the scheduled time.
    pub name: String,
    /// Title announced and shown in plans.
    pub title: String,
    /// When in the day it airs.
    pub times: Times,
    /// Which days.
    pub days: Days,
    /// First day it airs, inclusive.
    pub from: Option<Date>,
    /// Last day it airs, inclusive.
    pub until: Option<Date>,
    /// The queue whose approved articles it plays.
    pub queue: String,
    /// Voice profile; the station default when `None`.
    pub voice: Option<String>,
    /// How many times the articles are read.
    pub repeat: u32,
    /// At most this many articles.
    pub max_articles: Option<usize>,
    /// At most this many minutes of speech (estimated before rendering).
    pub max_minutes: Option<f64>,
    /// Intro chime (a file), passed on to the program.
    pub intro: Option<String>,
    /// Outro chime (a file), passed on to the program.
    pub outro: Option<String>,
    /// Spoken preamble.
    pub preamble: Option<String>,
    /// Spoken closing.
    pub closing: Option<String>,
    /// How late the slot may still air when the box comes up after its time.
    pub catch_up_minutes: u32,
    /// `emergency` slots air inside quiet hours.
    pub priority: Priority,
    /// The file it came from.
    pub file: PathBuf,
    /// Line of its `name` key.
    pub line: usize,
}

/// Parses one schedule file's text; `path` labels errors and is kept in each slot.
pub fn parse(path: &Path, text: &str) -> Result<Vec<Slot>, ScheduleError> {
    let file: ScheduleFile = toml_file::parse(path, text)?;
    file.slot
        .into_iter()
        .map(|spec| validate(path, text, spec))
        .collect()
}

/// Checks slots gathered from several files together: names must be unique.
pub fn check_unique(slots: &[Slot]) -> Result<(), ScheduleError> {
    for (i, slot) in slots.iter().enumerate() {
        if let Some(first) = slots[..i].iter().find(|s| s.name == slot.name) {
            return Err(ScheduleError::Slot {
                path: slot.file.clone(),
                line: slot.line,
                slot: slot.name.clone(),
                message: format!(
                    "`name` is already used by the slot at `{}` line {}; give each slot its own name",
                    first.file.display(),
                    first.line
                ),
            });
        }
    }
    Ok(())
}

fn validate(path: &Path, text: &str, spec: SlotSpec) -> Result<Slot, ScheduleError> {
    let line = name_line(text, &spec.name);
    let fail = |message: String| ScheduleError::Slot {
        path: path.to_owned(),
        line,
        slot: spec.name.clone(),
        message,
    };
    if spec.name.trim().is_empty() {
        return Err(fail(
            "`name` is empty; name the slot, e.g. `morning`".into(),
        ));
    }
    let times = match (spec.at.clone(), spec.cron.clone()) {
        (Some(at), None) if !at.is_empty() => {
            let mut at: Vec<_> = at.into_iter().map(|t| t.0).collect();
            at.sort();
            at.dedup();
            Times::At(at)
        }
        (Some(_), None) => return Err(fail("`at` is empty; list at least one time".into())),
        (None, Some(cron)) => Times::Cron(Box::new(cron.0)),
        (None, None) => {
            return Err(fail(
                "has neither `at` nor `cron`; add `at = [\"07:00\"]` or `cron = \"0 7 * * *\"`"
                    .into(),
            ));
        }
        (Some(_), Some(_)) => {
            return Err(fail("has both `at` and `cron`; keep one of them".into()));
        }
    };
    let from = spec.from.map(|d| d.0);
    let until = spec.until.map(|d| d.0);
    if let (Some(f), Some(u)) = (from, until)
        && u < f
    {
        return Err(fail(format!("`until` ({u}) is before `from` ({f})")));
    }
    if spec.repeat == Some(0) {
        return Err(fail("`repeat` is 0; use 1 or more".into()));
    }
    if let Some(repeat) = spec.repeat.filter(|&r| r > MAX_REPEAT) {
        return Err(fail(format!(
            "`repeat = {repeat}` reads the program {repeat} times; use 1 to {MAX_REPEAT}"
        )));
    }
    if spec.max_articles == Some(0) {
        return Err(fail(
            "`max_articles` is 0; use 1 or more, or leave it out".into(),
        ));
    }
    if spec.max_minutes.is_some_and(|m| m.is_nan() || m <= 0.0) {
        return Err(fail("`max_minutes` must be above 0".into()));
    }
    if spec.queue.trim().is_empty() {
        return Err(fail("`queue` is empty; name the queue it plays".into()));
    }
    Ok(Slot {
        title: spec.title.unwrap_or_else(|| spec.name.clone()),
        name: spec.name,
        times,
        days: spec.days,
        from,
        until,
        queue: spec.queue,
        voice: spec.voice,
        repeat: spec.repeat.unwrap_or(1),
        max_articles: spec.max_articles,
        max_minutes: spec.max_minutes,
        intro: spec.intro,
        outro: spec.outro,
        preamble: spec.preamble,
        closing: spec.closing,
        catch_up_minutes: spec.catch_up_minutes,
        priority: spec.priority,
        file: path.to_owned(),
        line,
    })
}

/// 1-based line of `name = "NAME"` in `text`, or 1.
fn name_line(text: &str, name: &str) -> usize {
    text.lines()
        .position(|l| {
            let l = l.trim_start();
            l.starts_with("name")
                && l.split_once('=').is_some_and(|(k, v)| {
                    k.trim() == "name" && v.trim().trim_matches(['"', '\'']) == name
                })
        })
        .map_or(1, |i| i + 1)
}

#[cfg(test)]
mod tests;
