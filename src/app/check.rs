//! `dalaba check`: runs every validation a render or a tick would run, without rendering,
//! and says what is wrong, all at once; then warns about what is legal but surely wrong.

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use super::escape;
use crate::airing;
use crate::audio::chime::Direction;
use crate::program::ChimeSource;
use crate::schedule::{self, Priority, Slot};
use crate::station::Station;
use crate::store::{Status, Store};

/// How far ahead `check` looks for slots that collide, overlap or always fall in quiet hours.
const LOOK_AHEAD_DAYS: i64 = 14;

pub(super) fn run(station: &Station) -> anyhow::Result<()> {
    let mut problems: Vec<String> = Vec::new();
    let tz = airing::time_zone(station)
        .map_err(|e| problems.push(super::errors::problem(&e)))
        .ok();
    problems.extend(settings_problems(station));
    let voices = voice_problems(station, &mut problems);
    problems.extend(queued_problems(station));
    let slots = match airing::load_slots(station) {
        Ok(s) => s,
        Err(errors) => {
            problems.extend(errors.iter().map(super::errors::problem));
            Vec::new()
        }
    };
    for slot in &slots {
        problems.extend(slot_problems(station, slot, tz.as_ref()));
    }
    let warnings = tz
        .as_ref()
        .map(|tz| warnings(station, &slots, tz))
        .unwrap_or_default();
    for w in &warnings {
        let message = escape::line(w).into_owned();
        eprintln!("{}", crate::t!("warning-line", message = message));
    }
    if let Some(tz) = &tz {
        // Warn a year ahead, while there is time to add the State Council's notice.
        let today = jiff::Timestamp::now().to_zoned(tz.clone()).date();
        let ahead = today
            .checked_add(jiff::Span::new().days(365))
            .unwrap_or(today);
        for gap in crate::schedule::calendar_gaps(&slots, today, ahead) {
            eprintln!("{}", crate::t!("warning-line", message = gap.to_string()));
        }
    }
    if !problems.is_empty() {
        for p in &problems {
            eprintln!("{}", escape::line(p));
        }
        anyhow::bail!(crate::t!(
            "check-problems",
            count = problems.len(),
            dir = station.root.display().to_string()
        ));
    }
    let quiet = station
        .settings
        .quiet_hours
        .map(|q| crate::t!("check-quiet", hours = q.to_string()))
        .unwrap_or_default();
    let warned = match warnings.len() {
        0 => String::new(),
        n => crate::t!("check-warnings", count = n),
    };
    let ok = crate::t!(
        "check-ok",
        dir = escape::line(&station.root.display().to_string()).into_owned(),
        tz = escape::line(&station.settings.timezone).into_owned(),
        voices = voices,
        slots = slots.len(),
        quiet = quiet,
        warnings = warned
    );
    println!("{ok}");
    Ok(())
}

/// `dalaba.toml`: the `[program]` ranges, the chimes (read and decoded), the lexicon.
fn settings_problems(station: &Station) -> Vec<String> {
    let settings = &station.settings;
    let mut out = Vec::new();
    if let Err(e) = settings.program.check(settings.sample_rate) {
        out.push(format!("`dalaba.toml` `[program]`: {e}"));
    }
    for (key, chime, direction) in [
        ("intro", &settings.program.intro, Direction::Rising),
        ("outro", &settings.program.outro, Direction::Falling),
    ] {
        if let Err(e) = chime.load(&station.root, settings.sample_rate, direction) {
            out.push(format!("`dalaba.toml` `[program]` `{key}`: {e}"));
        }
    }
    if let Err(e) = station.lexicon() {
        out.push(e.to_string());
    }
    out
}

/// Every voice file loads, its fallback names a voice, and the default voice exists.
/// Returns how many voices load.
fn voice_problems(station: &Station, problems: &mut Vec<String>) -> usize {
    let names = match station.voice_names() {
        Ok(names) => names,
        Err(e) => {
            problems.push(e.to_string());
            return 0;
        }
    };
    let mut loaded = 0;
    for name in names {
        match station.voice(Some(&name)) {
            Ok(voice) => {
                loaded += 1;
                if let Some(fallback) = &voice.fallback
                    && let Err(e) = station.voice(Some(fallback))
                {
                    problems.push(format!("`voices/{name}.toml` `fallback`: {e}"));
                }
            }
            Err(e) => problems.push(e.to_string()),
        }
    }
    if let Err(e) = station.voice(None) {
        problems.push(format!("`dalaba.toml` `default_voice`: {e}"));
    }
    loaded
}

/// The database opens and reads, and queued articles (not withdrawn or rejected) name
/// voices that load. Read-only: `check` creates and changes nothing.
fn queued_problems(station: &Station) -> Vec<String> {
    let db = station.state_dir().join("dalaba.db");
    if !db.exists() {
        return Vec::new();
    }
    let rows = match Store::open_read_only(&db).and_then(|s| s.articles()) {
        Ok(rows) => rows,
        Err(e) => return vec![e.to_string()],
    };
    rows.iter()
        .filter(|a| !matches!(a.status, Status::Withdrawn | Status::Rejected))
        .filter_map(|a| {
            let article = airing::parse_source(&a.data.source_name, &a.data.source).ok()?;
            let voice = article.front.voice?;
            let e = station.voice(Some(&voice)).err()?;
            Some(format!(
                "article {} (`{}`) front matter `voice`: {e}",
                a.id, a.data.source_name
            ))
        })
        .collect()
}

/// `state/` (made by an older dalaba, or by hand) readable by more people than `state_mode`
/// allows.
fn exposed_state(station: &Station) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let dir = station.state_dir();
    let mode = std::fs::metadata(&dir).ok()?.permissions().mode() & 0o777;
    let allowed = 0o777 & !station.settings.state_mode.umask();
    (mode & !allowed != 0).then(|| {
        format!(
            "`{}` is readable by others ({mode:o}); `chmod {allowed:o} {}` keeps the database and programs to the station (see `state_mode` in `dalaba.toml`)",
            dir.display(),
            dir.display()
        )
    })
}

/// Where a slot is written, for messages.
fn place(slot: &Slot) -> String {
    format!(
        "`{}` line {}: slot `{}`",
        slot.file.display(),
        slot.line,
        slot.name
    )
}

/// A slot's voice loads, its chimes read and decode, and it airs at all.
fn slot_problems(station: &Station, slot: &Slot, tz: Option<&TimeZone>) -> Vec<String> {
    let at = place(slot);
    let mut out = Vec::new();
    if let Some(v) = &slot.voice
        && let Err(e) = station.voice(Some(v))
    {
        out.push(format!("{at}: `voice`: {e}"));
    }
    for (key, chime, direction) in [
        ("intro", &slot.intro, Direction::Rising),
        ("outro", &slot.outro, Direction::Falling),
    ] {
        let Some(chime) = chime.as_deref().map(ChimeSource::parse) else {
            continue;
        };
        if let Err(e) = chime.load(&station.root, station.settings.sample_rate, direction) {
            out.push(format!(
                "{at}: `{key}`: {e} (paths are relative to the station)"
            ));
        }
    }
    let now = Timestamp::now();
    if let Some(tz) = tz
        && slot
            .until
            .is_none_or(|u| u >= now.to_zoned(tz.clone()).date())
        && schedule::next_after(slot, tz, now).is_none()
    {
        out.push(format!("{at}: never airs (check `days`, `from`, `until`)"));
    }
    out
}

/// What is legal but surely wrong, over the next [`LOOK_AHEAD_DAYS`]: two slots at the same
/// moment, a slot that starts before the one before it can have ended, a slot that always
/// falls in quiet hours (and so never airs anything but emergencies).
fn warnings(station: &Station, slots: &[Slot], tz: &TimeZone) -> Vec<String> {
    let now = Timestamp::now();
    let Ok(until) = now.checked_add(SignedDuration::from_hours(24 * LOOK_AHEAD_DAYS)) else {
        return Vec::new();
    };
    let occurrences = schedule::occurrences(slots, tz, now, until);
    let slot = |name: &str| slots.iter().find(|s| s.name == name);
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (i, a) in occurrences.iter().enumerate() {
        let Some(first) = slot(&a.slot) else {
            continue;
        };
        let runs = SignedDuration::from_secs_f64(first.max_minutes.unwrap_or(0.0) * 60.0);
        for b in &occurrences[i + 1..] {
            let gap = b.at.duration_since(a.at);
            if (!gap.is_zero() && gap >= runs) || b.slot == a.slot {
                break;
            }
            let Some(second) = slot(&b.slot) else {
                continue;
            };
            if !seen.insert((a.slot.as_str(), b.slot.as_str())) {
                continue;
            }
            let shown = a.at.to_zoned(tz.clone()).strftime("%Y-%m-%d %H:%M");
            out.push(if gap.is_zero() {
                format!(
                    "{} and {} both start at {shown} (and maybe more often); one will wait for the other",
                    place(first),
                    place(second)
                )
            } else {
                format!(
                    "{} may run {} minutes from {shown}, but {} starts {} minutes later",
                    place(first),
                    first.max_minutes.unwrap_or_default(),
                    place(second),
                    gap.as_secs() / 60
                )
            });
        }
    }
    out.extend(exposed_state(station));
    if let Some(quiet) = station.settings.quiet_hours {
        for s in slots.iter().filter(|s| s.priority != Priority::Emergency) {
            let mut times = occurrences.iter().filter(|o| o.slot == s.name).peekable();
            if times.peek().is_some()
                && times.all(|o| quiet.contains(o.at.to_zoned(tz.clone()).time()))
            {
                out.push(format!(
                    "{} always falls in the quiet hours {quiet}: only emergency articles will air in it",
                    place(s)
                ));
            }
        }
    }
    out
}
