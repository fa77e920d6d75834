//! `dalaba check`: validates the whole station and says what is wrong, all at once.

use crate::airing;
use crate::station::Station;

pub(super) fn run(station: &Station) -> anyhow::Result<()> {
    let mut problems: Vec<String> = Vec::new();
    let tz = match airing::time_zone(station) {
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
    if let Err(e) = station.voice(None) {
        problems.push(format!("`dalaba.toml` `default_voice`: {e}"));
    }
    let slots = match airing::load_slots(station) {
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
            eprintln!("{p}");
        }
        anyhow::bail!(
            "{} problem(s) in the station `{}`",
            problems.len(),
            station.root.display()
        );
    }
    println!(
        "ok: station `{}`, time zone {}, {} voice(s), {} slot(s){}",
        station.root.display(),
        station.settings.timezone,
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
