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

/// The zone a slot without `zones` targets at a hub: the whole township.
pub const WHOLE_TOWN: &str = "全镇";

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
    zones: Option<Vec<String>>,
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
    /// The zones a hub sends it to (`zones = ["东片", "全镇"]`), in the order written,
    /// without repeats; empty when the file leaves `zones` out, which a hub reads as
    /// [`WHOLE_TOWN`] and a single box ignores.
    pub zones: Vec<String>,
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
    let times = slot_times(&spec).map_err(fail)?;
    check_limits(&spec).map_err(fail)?;
    let zones = match spec.zones.as_deref().map(check_zones) {
        None => Vec::new(),
        Some(Ok(zones)) => zones,
        Some(Err(message)) => {
            return Err(ScheduleError::Slot {
                path: path.to_owned(),
                line: key_line(text, line, "zones").unwrap_or(line),
                slot: spec.name.clone(),
                message,
            });
        }
    };
    Ok(Slot {
        title: spec.title.unwrap_or_else(|| spec.name.clone()),
        name: spec.name,
        times,
        days: spec.days,
        from: spec.from.map(|d| d.0),
        until: spec.until.map(|d| d.0),
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
        zones,
        file: path.to_owned(),
        line,
    })
}

/// When in the day a slot airs: exactly one of `at` (sorted, without repeats) and `cron`.
fn slot_times(spec: &SlotSpec) -> Result<Times, String> {
    match (&spec.at, &spec.cron) {
        (Some(at), None) if !at.is_empty() => {
            let mut at: Vec<_> = at.iter().map(|t| t.0).collect();
            at.sort();
            at.dedup();
            Ok(Times::At(at))
        }
        (Some(_), None) => Err("`at` is empty; list at least one time".into()),
        (None, Some(cron)) => Ok(Times::Cron(Box::new(cron.0.clone()))),
        (None, None) => Err(
            "has neither `at` nor `cron`; add `at = [\"07:00\"]` or `cron = \"0 7 * * *\"`".into(),
        ),
        (Some(_), Some(_)) => Err("has both `at` and `cron`; keep one of them".into()),
    }
}

/// The date range, counts and queue of a slot: each out-of-range value, with the fix.
fn check_limits(spec: &SlotSpec) -> Result<(), String> {
    if let (Some(f), Some(u)) = (&spec.from, &spec.until)
        && u.0 < f.0
    {
        return Err(format!("`until` ({}) is before `from` ({})", u.0, f.0));
    }
    if spec.repeat == Some(0) {
        return Err("`repeat` is 0; use 1 or more".into());
    }
    if let Some(repeat) = spec.repeat.filter(|&r| r > MAX_REPEAT) {
        return Err(format!(
            "`repeat = {repeat}` reads the program {repeat} times; use 1 to {MAX_REPEAT}"
        ));
    }
    if spec.max_articles == Some(0) {
        return Err("`max_articles` is 0; use 1 or more, or leave it out".into());
    }
    if spec.max_minutes.is_some_and(|m| m.is_nan() || m <= 0.0) {
        return Err("`max_minutes` must be above 0".into());
    }
    if spec.queue.trim().is_empty() {
        return Err("`queue` is empty; name the queue it plays".into());
    }
    Ok(())
}

impl Slot {
    /// The zones this slot reaches at a hub: its `zones`, or [`WHOLE_TOWN`] without them.
    pub fn target_zones(&self) -> Vec<String> {
        if self.zones.is_empty() {
            vec![WHOLE_TOWN.to_owned()]
        } else {
            self.zones.clone()
        }
    }
}

/// `zones` as written → the zones without repeats, or what is wrong, naming the key.
fn check_zones(zones: &[String]) -> Result<Vec<String>, String> {
    if zones.is_empty() {
        return Err(format!(
            "`zones` is empty; list at least one zone, e.g. `zones = [\"{WHOLE_TOWN}\"]`, or leave `zones` out to reach {WHOLE_TOWN}"
        ));
    }
    let mut out: Vec<String> = Vec::new();
    for zone in zones {
        let name = zone.trim();
        if name.is_empty() || name.chars().any(char::is_control) || name.chars().count() > 32 {
            return Err(format!(
                "`zones` entry {zone:?} is not a zone name (1–32 characters, no control characters), e.g. \"东片\""
            ));
        }
        if !out.iter().any(|z| z == name) {
            out.push(name.to_owned());
        }
    }
    Ok(out)
}

/// 1-based line of the first `KEY =` at or after line `from` (a slot's `name` line), before
/// the next `[[slot]]`.
fn key_line(text: &str, from: usize, key: &str) -> Option<usize> {
    text.lines()
        .enumerate()
        .skip(from.saturating_sub(1))
        .take_while(|(i, l)| *i + 1 == from || !l.trim_start().starts_with("[["))
        .find(|(_, l)| l.split_once('=').is_some_and(|(k, _)| k.trim() == key))
        .map(|(i, _)| i + 1)
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
