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
    /// The zones a hub sends it to (a slot without `zones` reaches 全镇).
    zones: Vec<String>,
    /// The slot names its zones (a single box ignores them; only then are they printed).
    #[serde(skip)]
    zoned: bool,
    /// The whole program: chimes, frame lines, repeats and pauses included.
    estimate_s: f64,
    /// `estimate_s` is the rendered program's measured length.
    measured: bool,
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
    /// In English, for scripts.
    reason: String,
    /// In the process's language, for people.
    #[serde(skip)]
    shown: String,
}

pub(super) fn run(
    station: &Station,
    hours: u32,
    now: Option<&str>,
    json: bool,
    zone: Option<&str>,
) -> anyhow::Result<()> {
    let mut upcoming = upcoming(station, hours, now)?;
    if let Some(zone) = zone {
        upcoming.retain(|u| u.zones.iter().any(|z| z == zone));
        if !json {
            print_zone(station, zone)?;
        }
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&upcoming)?);
        return Ok(());
    }
    if upcoming.is_empty() {
        println!("{}", crate::t!("plan-nothing", hours = hours));
    } else {
        upcoming.iter().for_each(print);
    }
    print_calendar(station, hours, now)
}

/// `--zone Z` at a hub: which boxes the zone reaches, before the airings.
fn print_zone(station: &Station, zone: &str) -> anyhow::Result<()> {
    let e = super::escape::line;
    let path = station.state_dir().join("hub.sqlite");
    if !path.exists() {
        return Ok(());
    }
    let store = crate::hub::store::SqliteHubStore::open(&path)?;
    let boxes: Vec<String> = crate::hub::store::HubStore::boxes(&store)?
        .into_iter()
        .filter(|b| !b.revoked && b.zones.iter().any(|z| z == zone))
        .map(|b| {
            crate::t!(
                "plan-box",
                name = e(&b.name).into_owned(),
                id = b.box_id.to_string()
            )
        })
        .collect();
    let zone = e(zone).into_owned();
    if boxes.is_empty() {
        println!("{}", crate::t!("plan-zone-empty", zone = zone));
    } else {
        let boxes = boxes.join(&crate::t!("list-separator"));
        println!("{}", crate::t!("plan-zone", zone = zone, boxes = boxes));
    }
    Ok(())
}

/// The days in the window on which a `workdays` / `holidays` slot follows the holiday
/// calendar rather than the plain week, and why; and any year the calendar lacks.
fn print_calendar(station: &Station, hours: u32, now: Option<&str>) -> anyhow::Result<()> {
    let engine = super::edges::engine(station, now, true)?;
    let now = engine.clock.now();
    let until = now.checked_add(SignedDuration::from_hours(i64::from(hours)))?;
    let first = engine.tz.to_datetime(now).date();
    let last = engine.tz.to_datetime(until).date();
    for off in schedule::days_off(&engine.slots, first, last) {
        let id = if off.airs {
            "plan-day-airs"
        } else {
            "plan-day-off"
        };
        let line = crate::t!(
            id,
            date = off.date.to_string(),
            slot = super::escape::line(&off.slot).into_owned(),
            reason = off.reason
        );
        println!("{line}");
    }
    for gap in schedule::calendar_gaps(&engine.slots, first, last) {
        eprintln!("{}", crate::t!("warning-line", message = gap.to_string()));
    }
    Ok(())
}

fn upcoming(station: &Station, hours: u32, now: Option<&str>) -> anyhow::Result<Vec<Upcoming>> {
    Ok(upcoming_in(station, hours, now, Closed::Listed)?.0)
}

/// What a plan does with the articles whose window closed before it starts.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Closed {
    /// Each is listed under every airing as expired (`dalaba plan`).
    Listed,
    /// Only counted (the console: a station used for years has thousands).
    Counted,
}

/// The airings of the next `hours`, and how many closed articles were only counted.
fn upcoming_in(
    station: &Station,
    hours: u32,
    now: Option<&str>,
    closed: Closed,
) -> anyhow::Result<(Vec<Upcoming>, usize)> {
    let runtime = super::runtime()?;
    let engine = super::edges::engine(station, now, true)?;
    let now = engine.clock.now();
    upcoming_at(&engine, runtime.handle(), hours, now, closed)
}

/// [`upcoming_in`] on an engine already built, from `now`, through `runtime`.
fn upcoming_at(
    engine: &crate::airing::Engine,
    runtime: &tokio::runtime::Handle,
    hours: u32,
    now: jiff::Timestamp,
    closed: Closed,
) -> anyhow::Result<(Vec<Upcoming>, usize)> {
    let station = &engine.station;
    // Include a slot due this very second.
    let from = now.checked_sub(SignedDuration::from_millis(1))?;
    let until = now.checked_add(SignedDuration::from_hours(i64::from(hours)))?;
    let queues: Vec<String> = engine.slots.iter().map(|s| s.queue.clone()).collect();
    let (prepared, counted) = match closed {
        Closed::Listed => (runtime.block_on(engine.prepare(queues))?, 0),
        Closed::Counted => runtime.block_on(engine.prepare_open(queues, from))?,
    };
    let titles: std::collections::HashMap<i64, &str> = prepared
        .iter()
        .map(|p| (p.row.id, p.row.data.title.as_deref().unwrap_or_default()))
        .collect();
    let title = |id: i64| titles.get(&id).copied().unwrap_or_default().to_owned();
    let mut out = Vec::new();
    for occ in schedule::occurrences(&engine.slots, &engine.tz, from, until) {
        let Some(slot) = engine.slots.iter().find(|s| s.name == occ.slot) else {
            continue;
        };
        let plan = engine.plan(slot, occ.at, &prepared);
        let (seconds, measured) = super::estimate::program_seconds(station, &plan);
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
            zones: slot.target_zones(),
            zoned: !slot.zones.is_empty(),
            estimate_s: (seconds * 10.0).round() / 10.0,
            measured,
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
                    shown: exclusion(why),
                })
                .collect(),
        });
    }
    Ok((out, counted))
}

fn print(u: &Upcoming) {
    use crate::t;
    let e = |s: &str| super::escape::line(s).into_owned();
    let length = if u.measured {
        t!("plan-rendered", seconds = format!("{:.1}", u.estimate_s))
    } else {
        t!("plan-estimate", seconds = format!("{:.0}", u.estimate_s))
    };
    let already = u
        .already
        .as_deref()
        .map(|o| {
            let word = crate::i18n::message_in(crate::i18n::lang(), &format!("outcome-{o}"), &[]);
            format!("  [{}]", t!("plan-already", outcome = word))
        })
        .unwrap_or_default();
    let line = t!(
        "plan-slot",
        at = u.shown_at.clone(),
        slot = e(&u.slot),
        title = e(&u.title),
        queue = e(&u.queue),
        voice = e(&u.voice),
        repeat = u.repeat.to_string(),
        length = length,
    );
    println!("{line}{already}");
    if u.zoned {
        let zones: Vec<String> = u.zones.iter().map(|z| e(z)).collect();
        let zones = zones.join(&t!("list-separator"));
        println!("    {}", t!("plan-zones", zones = zones));
    }
    if u.quiet {
        println!("    {}", t!("plan-quiet"));
    }
    for a in &u.articles {
        let line = t!(
            "plan-article",
            id = format!("{:>3}", a.id),
            title = e(&a.title),
            script = a.script.clone(),
            by = e(&a.approved_by),
        );
        println!("    {line}");
    }
    for x in &u.excluded {
        let line = t!(
            "plan-excluded",
            id = format!("{:>3}", x.id),
            title = e(&x.title),
            reason = e(&x.shown)
        );
        println!("    {line}");
    }
    if u.articles.is_empty() {
        println!("    {}", t!("plan-empty-slot"));
    }
}

/// Why an article is left out, in the process's language.
fn exclusion(why: &schedule::Exclusion) -> String {
    use crate::t;
    use schedule::Exclusion;
    match why {
        Exclusion::Unapproved => t!("exclusion-unapproved"),
        Exclusion::Changed => t!("exclusion-changed"),
        Exclusion::Rejected => t!("exclusion-rejected"),
        Exclusion::Withdrawn => t!("exclusion-withdrawn"),
        Exclusion::NotYet(b) => t!("exclusion-not-yet", from = b.clone()),
        Exclusion::Expired(b) => t!("exclusion-expired", until = b.clone()),
        Exclusion::OverArticles(n) => t!("exclusion-over-articles", max = *n),
        Exclusion::OverMinutes(m) => t!("exclusion-over-minutes", max = m.to_string()),
    }
}

/// The console's planner: one engine for the console's life (no database opened and no
/// runtime started per page), its schedules read again on every call. Called on a blocking
/// thread of the console's runtime.
pub(super) fn console_planner(station: &Station) -> anyhow::Result<crate::console::Planner> {
    let engine = std::sync::Mutex::new(super::edges::engine(station, None, true)?);
    Ok(std::sync::Arc::new(move |now, hours| {
        let mut engine = engine
            .lock()
            .map_err(|_| anyhow::anyhow!("the console's planner failed earlier"))?;
        engine.reload()?;
        console_rows(&engine, now, hours)
    }))
}

/// The plan from `now` for `hours`, as the console's 节目单 page shows it.
fn console_rows(
    engine: &crate::airing::Engine,
    now: jiff::Timestamp,
    hours: u32,
) -> anyhow::Result<crate::console::Plan> {
    let runtime = tokio::runtime::Handle::current();
    let (upcoming, closed) = upcoming_at(engine, &runtime, hours, now, Closed::Counted)?;
    let rows = upcoming
        .into_iter()
        .map(|u| crate::console::PlanRow {
            at: u.shown_at.chars().take(16).collect(),
            slot: u.slot,
            title: u.title,
            queue: u.queue,
            quiet: u.quiet,
            already: u.already,
            articles: u
                .articles
                .into_iter()
                .map(|a| (a.id, a.title, a.approved_by))
                .collect(),
            excluded: u
                .excluded
                .into_iter()
                .map(|x| (x.id, x.title, x.reason))
                .collect(),
        })
        .collect();
    Ok(crate::console::Plan { rows, closed })
}
