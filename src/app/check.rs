//! `dalaba check`: validates the whole station and says what is wrong, all at once.

use crate::service;
use crate::station::Station;
use crate::store::{Status, Store};

pub(super) fn run(station: &Station) -> anyhow::Result<()> {
    let mut problems: Vec<String> = Vec::new();
    let tz = match service::time_zone(station) {
        Ok(tz) => Some(tz),
        Err(e) => {
            problems.push(format!("{e:#}"));
            None
        }
    };
    let voices = match station.voices() {
        Ok(v) => v,
        Err(e) => {
            problems.push(format!("{e:#}"));
            Vec::new()
        }
    };
    for voice in &voices {
        if let Some(fallback) = &voice.fallback
            && let Err(e) = station.voice(Some(fallback))
        {
            problems.push(format!("`voices/{}.toml` `fallback`: {e}", voice.name));
        }
    }
    problems.extend(queued_voices(station));
    if let Err(e) = station.voice(None) {
        problems.push(format!("`dalaba.toml` `default_voice`: {e}"));
    }
    let slots = match service::load_slots(station) {
        Ok(s) => s,
        Err(errors) => {
            problems.extend(errors.iter().map(|e| format!("{e:#}")));
            Vec::new()
        }
    };
    for slot in &slots {
        let at = format!(
            "`{}` line {}: slot `{}`",
            slot.file.display(),
            slot.line,
            slot.name
        );
        if let Some(v) = &slot.voice
            && let Err(e) = station.voice(Some(v))
        {
            problems.push(format!("{at}: `voice`: {e}"));
        }
        for (key, file) in [("intro", &slot.intro), ("outro", &slot.outro)] {
            if let Some(crate::program::ChimeSource::File(file)) =
                file.as_deref().map(crate::program::ChimeSource::parse)
                && !station.root.join(&file).exists()
            {
                let file = file.display();
                problems.push(format!(
                    "{at}: `{key}` `{file}` does not exist (paths are relative to the station)"
                ));
            }
        }
        if let Some(tz) = &tz
            && slot
                .until
                .is_none_or(|u| u >= jiff::Timestamp::now().to_zoned(tz.clone()).date())
            && crate::schedule::next_after(slot, tz, jiff::Timestamp::now()).is_none()
        {
            problems.push(format!("{at}: never airs (check `days`, `from`, `until`)"));
        }
    }
    if !problems.is_empty() {
        for p in &problems {
            eprintln!("{}", super::escape::line(p));
        }
        anyhow::bail!(
            "{} problem(s) in the station `{}`",
            problems.len(),
            station.root.display()
        );
    }
    println!(
        "ok: station `{}`, time zone {}, {} voice(s), {} slot(s){}",
        super::escape::line(&station.root.display().to_string()),
        super::escape::line(&station.settings.timezone),
        voices.len(),
        slots.len(),
        station
            .settings
            .quiet_hours
            .map(|q| format!(", quiet hours {q}"))
            .unwrap_or_default()
    );
    Ok(())
}

/// Queued articles (not withdrawn or rejected) whose front matter names a voice that cannot
/// be loaded. The database is only read when it exists: `check` creates nothing.
fn queued_voices(station: &Station) -> Vec<String> {
    let db = station.state_dir().join("dalaba.db");
    if !db.exists() {
        return Vec::new();
    }
    let rows = match Store::open(&db).and_then(|s| s.articles()) {
        Ok(rows) => rows,
        Err(e) => return vec![format!("{e}")],
    };
    rows.iter()
        .filter(|a| !matches!(a.status, Status::Withdrawn | Status::Rejected))
        .filter_map(|a| {
            let article = service::parse_source(&a.data.source_name, &a.data.source).ok()?;
            let voice = article.front.voice?;
            let e = station.voice(Some(&voice)).err()?;
            Some(format!(
                "article {} (`{}`) front matter `voice`: {e}",
                a.id, a.data.source_name
            ))
        })
        .collect()
}
