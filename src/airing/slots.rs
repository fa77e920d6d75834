//! The station's schedules and time zone, loaded and checked.

use std::path::PathBuf;

use jiff::tz::TimeZone;

use crate::schedule::{self, Slot};
use crate::station::Station;

/// At most this many slots per station: each is planned on every pass.
pub const MAX_SLOTS: usize = 200;

/// Loads every `schedules/*.toml`; all problems are returned, not only the first.
pub fn load_slots(station: &Station) -> Result<Vec<Slot>, Vec<anyhow::Error>> {
    let dir = station.schedules_dir();
    let mut files: Vec<PathBuf> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => {
            return Err(vec![anyhow::anyhow!(
                "cannot read `{}`: {e}",
                dir.display()
            )]);
        }
    };
    files.sort();
    let mut slots = Vec::new();
    let mut errors = Vec::new();
    for file in files {
        let text = match std::fs::read_to_string(&file) {
            Ok(t) => t,
            Err(e) => {
                errors.push(anyhow::anyhow!("cannot read `{}`: {e}", file.display()));
                continue;
            }
        };
        match schedule::parse(&file, &text) {
            Ok(s) => slots.extend(s),
            Err(e) => errors.push(e.into()),
        }
    }
    if errors.is_empty()
        && let Err(e) = schedule::check_unique(&slots)
    {
        errors.push(e.into());
    }
    match station.calendar() {
        Ok(calendar) => schedule::use_calendar(&mut slots, &std::sync::Arc::new(calendar)),
        Err(e) => errors.push(e.into()),
    }
    if errors.is_empty() && slots.len() > MAX_SLOTS {
        errors.push(anyhow::anyhow!(
            "`{}` holds {} slots; a station takes at most {MAX_SLOTS}: merge slots with `at = [\"07:00\", \"12:00\"]` or a `cron` line",
            dir.display(),
            slots.len()
        ));
    }
    if errors.is_empty() {
        Ok(slots)
    } else {
        Err(errors)
    }
}

/// Resolves the station's time zone.
pub fn time_zone(station: &Station) -> anyhow::Result<TimeZone> {
    let name = &station.settings.timezone;
    TimeZone::get(name).map_err(|e| {
        anyhow::anyhow!(
            "`dalaba.toml`: `timezone` `{name}` is not a known time zone ({e}); use an IANA name such as `Asia/Shanghai`"
        )
    })
}

/// Modification times of the schedule files, to notice edits.
pub fn schedules_stamp(station: &Station) -> Vec<(PathBuf, Option<std::time::SystemTime>)> {
    let mut out: Vec<_> = std::fs::read_dir(station.schedules_dir())
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| (e.path(), e.metadata().and_then(|m| m.modified()).ok()))
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// Several errors as one.
pub(super) fn join_errors(errors: Vec<anyhow::Error>) -> anyhow::Error {
    anyhow::anyhow!(
        "{}",
        errors
            .iter()
            .map(|e| format!("{e:#}"))
            .collect::<Vec<_>>()
            .join("\n")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn too_many_slots_is_a_plain_error() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("schedules")).unwrap();
        std::fs::write(dir.path().join("dalaba.toml"), "").unwrap();
        let text: String = (0..=MAX_SLOTS)
            .map(|i| format!("[[slot]]\nname = \"s{i}\"\nat = [\"07:00\"]\nqueue = \"news\"\n"))
            .collect();
        std::fs::write(dir.path().join("schedules/many.toml"), text).unwrap();
        let station = Station::open(dir.path()).unwrap();
        let errors = load_slots(&station).unwrap_err();
        let text = format!("{:#}", join_errors(errors));
        assert!(text.contains("at most 200"), "{text}");
    }
}
