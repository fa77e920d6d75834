//! `dalaba plan [--hours N] [--now T]`: what will air when, with which articles, and why the
//! others are left out.

use jiff::SignedDuration;

use super::queue::short;
use super::tick::parse_now;
use crate::schedule;
use crate::service::{Engine, prepare};
use crate::station::Station;

pub(super) fn run(station: &Station, hours: u32, now: Option<&str>) -> anyhow::Result<()> {
    let engine = Engine::new(station.clone(), parse_now(now)?)?;
    let now = engine.clock.now();
    // Include a slot due this very second.
    let from = now.checked_sub(SignedDuration::from_millis(1))?;
    let until = now.checked_add(SignedDuration::from_hours(i64::from(hours)))?;
    let store = engine.store()?;
    let prepared = prepare(&store, &engine.lexicon()?)?;
    let title = |id: i64| {
        prepared
            .iter()
            .find(|p| p.row.id == id)
            .and_then(|p| p.row.data.title.clone())
            .unwrap_or_default()
    };
    let occurrences = schedule::occurrences(&engine.slots, &engine.tz, from, until);
    if occurrences.is_empty() {
        println!("nothing airs in the next {hours} hours");
    }
    for occ in occurrences {
        let Some(slot) = engine.slots.iter().find(|s| s.name == occ.slot) else {
            continue;
        };
        let plan = engine.plan(slot, occ.at, &prepared);
        let at = occ
            .at
            .to_zoned(engine.tz.clone())
            .strftime("%Y-%m-%d %H:%M:%S %:z");
        let logged = store
            .airings(Some(occ.at), Some(occ.at))?
            .into_iter()
            .find(|a| a.slot == slot.name)
            .map(|a| format!("  [already {}]", a.outcome))
            .unwrap_or_default();
        println!(
            "{at}  {}  {}  queue `{}`  voice {}  ×{}  ~{:.0} s{logged}",
            slot.name,
            slot.title,
            slot.queue,
            slot.voice
                .as_deref()
                .unwrap_or(&station.settings.default_voice),
            slot.repeat,
            plan.selection.estimate
        );
        if plan.quiet {
            println!("    quiet hours: only emergency articles air");
        }
        for p in &plan.articles {
            let by = p
                .row
                .approval
                .as_ref()
                .map(|v| v.by.clone())
                .unwrap_or_default();
            println!(
                "    + {:>3} {} (script {}, approved by {by})",
                p.row.id,
                p.row.data.title.as_deref().unwrap_or(""),
                short(&p.hash)
            );
        }
        for (id, why) in &plan.selection.excluded {
            println!("    - {id:>3} {}: {why}", title(*id));
        }
        if plan.articles.is_empty() {
            println!("    (nothing to air: the slot will be logged as skipped)");
        }
    }
    Ok(())
}
