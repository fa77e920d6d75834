//! `dalaba plan [--hours N] [--now T] [--json]`: what will air when, with which articles, and
//! why the others are left out.

use jiff::SignedDuration;
use serde::Serialize;

use super::queue::short;
use crate::schedule;
use crate::station::Station;

/// One upcoming airing as `plan` reports it.
#[derive(Debug, Serialize)]
struct Upcoming {
    /// RFC 3339, for scripts.
    at: String,
    /// The same, for people.
    #[serde(skip)]
    shown_at: String,
    slot: String,
    title: String,
    queue: String,
    voice: String,
    repeat: u32,
    estimate_s: f64,
    quiet: bool,
    already: Option<String>,
    articles: Vec<Planned>,
    excluded: Vec<Excluded>,
}

/// An article that will air.
#[derive(Debug, Serialize)]
struct Planned {
    id: i64,
    title: String,
    script: String,
    approved_by: String,
}

/// An article left out, and why.
#[derive(Debug, Serialize)]
struct Excluded {
    id: i64,
    title: String,
    reason: String,
}

pub(super) fn run(
    station: &Station,
    hours: u32,
    now: Option<&str>,
    json: bool,
) -> anyhow::Result<()> {
    let upcoming = upcoming(station, hours, now)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&upcoming)?);
    } else if upcoming.is_empty() {
        println!("nothing airs in the next {hours} hours");
    } else {
        upcoming.iter().for_each(print);
    }
    Ok(())
}

fn upcoming(station: &Station, hours: u32, now: Option<&str>) -> anyhow::Result<Vec<Upcoming>> {
    let runtime = super::runtime()?;
    let engine = super::edges::engine(station, now, true)?;
    let now = engine.clock.now();
    // Include a slot due this very second.
    let from = now.checked_sub(SignedDuration::from_millis(1))?;
    let until = now.checked_add(SignedDuration::from_hours(i64::from(hours)))?;
    let queues: Vec<String> = engine.slots.iter().map(|s| s.queue.clone()).collect();
    let prepared = runtime.block_on(engine.prepare(queues))?;
    let title = |id: i64| {
        prepared
            .iter()
            .find(|p| p.row.id == id)
            .and_then(|p| p.row.data.title.clone())
            .unwrap_or_default()
    };
    let mut out = Vec::new();
    for occ in schedule::occurrences(&engine.slots, &engine.tz, from, until) {
        let Some(slot) = engine.slots.iter().find(|s| s.name == occ.slot) else {
            continue;
        };
        let plan = engine.plan(slot, occ.at, &prepared);
        let at = occ.at;
        let already = runtime
            .block_on(engine.db.call(move |s| s.airings(Some(at), Some(at))))?
            .into_iter()
            .find(|a| a.slot == slot.name)
            .map(|a| a.outcome.to_string());
        let zoned = occ.at.to_zoned(engine.tz.clone());
        out.push(Upcoming {
            at: zoned.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string(),
            shown_at: zoned.strftime("%Y-%m-%d %H:%M:%S %:z").to_string(),
            slot: slot.name.clone(),
            title: slot.title.clone(),
            queue: slot.queue.clone(),
            voice: slot
                .voice
                .clone()
                .unwrap_or_else(|| station.settings.default_voice.clone()),
            repeat: slot.repeat,
            estimate_s: plan.selection.estimate.round(),
            quiet: matches!(plan.skip, Some(schedule::plan::Skip::Quiet { .. }))
                || schedule::plan::is_quiet(slot, station.settings.quiet_hours, &engine.tz, occ.at),
            already,
            articles: plan
                .articles
                .iter()
                .map(|p| Planned {
                    id: p.row.id,
                    title: p.row.data.title.clone().unwrap_or_default(),
                    script: short(&p.hash).to_owned(),
                    approved_by: p
                        .row
                        .approval
                        .as_ref()
                        .map(|v| v.by.clone())
                        .unwrap_or_default(),
                })
                .collect(),
            excluded: plan
                .selection
                .excluded
                .iter()
                .map(|(id, why)| Excluded {
                    id: *id,
                    title: title(*id),
                    reason: why.to_string(),
                })
                .collect(),
        });
    }
    Ok(out)
}

fn print(u: &Upcoming) {
    let already = u
        .already
        .as_deref()
        .map(|o| format!("  [already {o}]"))
        .unwrap_or_default();
    println!(
        "{}  {}  {}  queue `{}`  voice {}  ×{}  ~{:.0} s{already}",
        u.shown_at, u.slot, u.title, u.queue, u.voice, u.repeat, u.estimate_s
    );
    if u.quiet {
        println!("    quiet hours: only emergency articles air");
    }
    for a in &u.articles {
        println!(
            "    + {:>3} {} (script {}, approved by {})",
            a.id, a.title, a.script, a.approved_by
        );
    }
    for e in &u.excluded {
        println!("    - {:>3} {}: {}", e.id, e.title, e.reason);
    }
    if u.articles.is_empty() {
        println!("    (nothing to air: the slot will be logged as skipped)");
    }
}
