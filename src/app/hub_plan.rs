//! The hub plans its own manifests: `dalaba hub plan-publish` (one round, for cron and
//! tests) and the loop inside `dalaba hub serve`. One round asks the engine's planner what
//! each slot occurrence of the horizon plays (approvals judged as for a single box), renders
//! each distinct program once through the engine's render path and cache, imports it by
//! digest, and writes a box's manifest only when what it lists changed
//! ([`crate::hub::plan`]). A program that cannot be made is left out and raised as a
//! pre-flight alert. \[glue\]

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use jiff::{SignedDuration, Timestamp};

use crate::airing::{Edges, Engine, PlannedProgram};
use crate::hub::plan::{Target, ZonedAiring, distinct, entries_for, needs_new};
use crate::hub::store::HubStore;
use crate::player::NullSpeaker;
use crate::protocol::{BoxId, Digest, Manifest, PROTOCOL, ProgramRef, ScriptRef, WireTime};
use crate::schedule::{self, plan::window_of};
use crate::station::Station;
use crate::store::StoreHandle;

/// How long a manifest the planner writes stays valid: a box cut off from its hub keeps
/// airing what it holds for this long.
pub const VALIDITY: SignedDuration = SignedDuration::from_hours(24 * 7);

/// What one planning round did.
#[derive(Debug, Default, serde::Serialize)]
pub struct RoundReport {
    /// The hub's time for the round (RFC 3339).
    pub now: String,
    /// Slot occurrences with something to air.
    pub airings: usize,
    /// Distinct programs they need.
    pub programs: usize,
    /// Of those, rendered in this round (the rest were already there).
    pub rendered: usize,
    /// Programs that could not be made: (slot, reason).
    pub failed: Vec<(String, String)>,
    /// Boxes given a new manifest: (box, version, airings listed).
    pub published: Vec<(String, u64, usize)>,
    /// Boxes whose manifest stays as it is.
    pub unchanged: usize,
    /// The station has no slots: nothing was planned and no manifest touched.
    pub no_schedules: bool,
}

/// The engine at the hub: the station's slots and articles, no loudspeaker.
pub(super) fn engine(station: &Station, now: Option<&str>) -> anyhow::Result<Engine> {
    let edges = Edges {
        clock: super::edges::clock(station, now, false)?,
        speaker: Arc::new(NullSpeaker),
        db: StoreHandle::new(super::queue::open(station)?),
        voices: super::edges::voices(),
    };
    Engine::new(station.clone(), edges)
}

/// The engine's choice for every occurrence whose window is still open and that starts
/// within `hours`; occurrences with nothing to air are left out.
async fn planned(engine: &Engine, hours: u32) -> anyhow::Result<Vec<PlannedProgram>> {
    let now = engine.clock.now();
    let widest = engine
        .slots
        .iter()
        .map(window_of)
        .max()
        .unwrap_or(SignedDuration::ZERO);
    let from = now.checked_sub(widest)?;
    let until = now.checked_add(SignedDuration::from_hours(i64::from(hours)))?;
    let queues: Vec<String> = engine.slots.iter().map(|s| s.queue.clone()).collect();
    let prepared = engine.prepare(queues).await?;
    let mut out = Vec::new();
    for occ in schedule::occurrences(&engine.slots, &engine.tz, from, until) {
        let Some(slot) = engine.slots.iter().find(|s| s.name == occ.slot) else {
            continue;
        };
        if occ.at.checked_add(window_of(slot))? <= now {
            continue;
        }
        let plan = engine.plan(slot, occ.at, &prepared);
        if plan.skip.is_none() && !plan.articles.is_empty() {
            out.push(plan);
        }
    }
    Ok(out)
}

/// The approved scripts `plan` speaks, as a manifest names them.
fn scripts(plan: &PlannedProgram) -> Vec<ScriptRef> {
    plan.articles
        .iter()
        .filter_map(|p| {
            Some(ScriptRef {
                article: p.row.id,
                title: p.row.data.title.clone().unwrap_or_default(),
                script_hash: Digest::try_from(format!("blake3:{}", p.hash)).ok()?,
                approved_by: p.row.approval.as_ref()?.by.clone(),
                submitted_by: String::new(),
            })
        })
        .collect()
}

fn zoned(plan: &PlannedProgram) -> ZonedAiring<PathBuf> {
    ZonedAiring {
        slot: plan.slot.name.clone(),
        at: plan.at,
        catch_up_minutes: plan.slot.catch_up_minutes,
        zones: plan.slot.target_zones(),
        program: plan.program.clone(),
        scripts: scripts(plan),
    }
}

/// Renders (or finds) each distinct program once and imports it under its digest.
/// Returns the imported programs by file, and the ones that failed as (slot, reason).
async fn make_programs(
    engine: &Engine,
    plans: &[PlannedProgram],
    programs_dir: &Path,
    report: &mut RoundReport,
) -> Vec<(PathBuf, ProgramRef)> {
    let zoned: Vec<ZonedAiring<PathBuf>> = plans.iter().map(zoned).collect();
    let mut made = Vec::new();
    for path in distinct(&zoned) {
        let Some(plan) = plans.iter().find(|p| p.program == path) else {
            continue;
        };
        let label = format!("{}（{}）", plan.slot.title, plan.slot.name);
        let result = match engine.render(plan).await {
            Ok(fresh) => {
                report.rendered += usize::from(fresh.is_some());
                crate::hub::publish::import_program(programs_dir, &path)
            }
            Err(err) => Err(err),
        };
        match result {
            Ok(mut program) => {
                program.voice = Some(
                    plan.slot
                        .voice
                        .clone()
                        .unwrap_or_else(|| engine.station.settings.default_voice.clone()),
                );
                made.push((path, program));
            }
            Err(err) => {
                tracing::error!("hub: the program of {label} cannot be made: {err:#}");
                report.failed.push((label, format!("{err:#}")));
            }
        }
    }
    report.programs = made.len() + report.failed.len();
    made
}

/// One planning round at the engine's `now`: plan, render, import, publish what changed.
pub async fn round(
    engine: &Engine,
    store: &dyn HubStore,
    programs_dir: &Path,
    hours: u32,
) -> anyhow::Result<RoundReport> {
    let now = engine.clock.now();
    let mut report = RoundReport {
        now: WireTime::new(now, engine.tz.to_offset(now)).to_string(),
        ..Default::default()
    };
    if engine.slots.is_empty() {
        // A hub without schedules is fed by hand (`dalaba hub publish`): leave it alone.
        report.no_schedules = true;
        return Ok(report);
    }
    let plans = planned(engine, hours).await?;
    let made = make_programs(engine, &plans, programs_dir, &mut report).await;
    store.set_preflight_failures(&report.failed)?;
    let airings: Vec<ZonedAiring<ProgramRef>> = plans
        .iter()
        .filter_map(|p| {
            let (_, program) = made.iter().find(|(path, _)| *path == p.program)?;
            let z = zoned(p);
            Some(ZonedAiring {
                program: program.clone(),
                slot: z.slot,
                at: z.at,
                catch_up_minutes: z.catch_up_minutes,
                zones: z.zones,
                scripts: z.scripts,
            })
        })
        .collect();
    report.airings = airings.len();
    publish(engine, store, &airings, now, &mut report)?;
    Ok(report)
}

/// Writes a new manifest for each unrevoked box whose airings changed.
fn publish(
    engine: &Engine,
    store: &dyn HubStore,
    airings: &[ZonedAiring<ProgramRef>],
    now: Timestamp,
    report: &mut RoundReport,
) -> anyhow::Result<()> {
    let timezone = engine.tz.iana_name().unwrap_or("UTC").to_owned();
    let time = |t: Timestamp| WireTime::new(t, engine.tz.to_offset(t));
    for record in store.boxes()?.into_iter().filter(|b| !b.revoked) {
        let target = Target {
            box_id: record.box_id.clone(),
            zones: record.zones.clone(),
            revoked: record.revoked,
        };
        let entries = entries_for(&target, airings, &engine.tz);
        let held = held_manifest(store, &record.box_id)?;
        if !needs_new(held.as_ref(), &entries, &timezone, now) {
            report.unchanged += 1;
            continue;
        }
        let count = entries.len();
        let make = |version: u64| -> anyhow::Result<String> {
            let manifest = Manifest {
                protocol: PROTOCOL,
                box_id: record.box_id.clone(),
                version,
                issued_at: time(now),
                expires: time(now.checked_add(VALIDITY)?),
                hub_time: time(now),
                timezone: timezone.clone(),
                airings: entries.clone(),
            };
            Ok(serde_json::to_string(&manifest)?)
        };
        let version = store.put_manifest(&record.box_id, &make)?;
        tracing::info!(
            "hub: manifest v{version} for `{}`: {count} airing(s)",
            record.box_id
        );
        report
            .published
            .push((record.box_id.to_string(), version, count));
    }
    Ok(())
}

/// The manifest a box holds now; one the hub cannot read again counts as none (a new one
/// replaces it).
fn held_manifest(store: &dyn HubStore, box_id: &BoxId) -> anyhow::Result<Option<Manifest>> {
    Ok(store
        .manifest(box_id)?
        .and_then(|(_, json)| serde_json::from_str(&json).ok()))
}

/// What changes between rounds without the schedules changing: the articles, their
/// versions, statuses and approvals.
async fn articles_stamp(engine: &Engine) -> anyhow::Result<String> {
    let queues: Vec<String> = engine.slots.iter().map(|s| s.queue.clone()).collect();
    let rows = engine.db.call(move |s| s.articles_in(&queues)).await?;
    Ok(rows
        .iter()
        .map(|r| {
            let approval = r.approval.as_ref().map(|v| v.hash.as_str());
            format!("{}:{}:{:?}:{approval:?};", r.id, r.version, r.status)
        })
        .collect())
}

/// What a re-plan watches between rounds: the schedule files' times, the articles' stamp.
type Stamp = (Vec<(PathBuf, Option<std::time::SystemTime>)>, String);

/// `hub serve`'s planner: a round at once, then every `every`, and within seconds of a
/// change to the schedules or to an article or approval; until `stop` resolves. A failed
/// round is logged and tried again next time.
pub async fn keep_planning(
    mut engine: Engine,
    store: Arc<dyn HubStore>,
    programs_dir: PathBuf,
    hours: u32,
    every: Duration,
    stop: impl std::future::Future<Output = ()>,
) {
    const LOOK: Duration = Duration::from_secs(5);
    tokio::pin!(stop);
    let mut seen: Option<Stamp> = None;
    let mut last_round = tokio::time::Instant::now();
    loop {
        let schedules = crate::airing::schedules_stamp(&engine.station);
        let articles = articles_stamp(&engine).await.unwrap_or_default();
        let stamp = Some((schedules, articles));
        if stamp != seen || last_round.elapsed() >= every {
            if let Err(err) = engine.reload() {
                tracing::error!("hub: schedules not reloaded, planning with the old ones: {err:#}");
            }
            match round(&engine, store.as_ref(), &programs_dir, hours).await {
                Ok(r) => tracing::info!(
                    "hub: planned {} airing(s), {} program(s) ({} rendered), {} new manifest(s)",
                    r.airings,
                    r.programs,
                    r.rendered,
                    r.published.len()
                ),
                Err(err) => tracing::error!("hub: planning round failed: {err:#}"),
            }
            seen = stamp;
            last_round = tokio::time::Instant::now();
        }
        tokio::select! {
            _ = tokio::time::sleep(LOOK) => {}
            _ = &mut stop => return,
        }
    }
}

/// `dalaba hub plan-publish [--now T] [--hours N] [--json]`: one round, then a summary.
pub fn plan_publish(
    station: &Station,
    programs_dir: &Path,
    store: &dyn HubStore,
    now: Option<&str>,
    hours: u32,
    json: bool,
) -> anyhow::Result<()> {
    let engine = engine(station, now)?;
    let report = super::runtime()?
        .block_on(round(&engine, store, programs_dir, hours))
        .with_context(|| crate::t!("error-hub-manifests"))?;
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_report(&report);
    }
    anyhow::ensure!(
        report.failed.is_empty(),
        crate::t!("hub-plan-failed", count = report.failed.len())
    );
    Ok(())
}

fn print_report(r: &RoundReport) {
    use super::escape::line;
    if r.no_schedules {
        println!("{}", crate::t!("hub-plan-no-slots"));
        return;
    }
    let head = crate::t!(
        "hub-plan-head",
        now = r.now.to_string(),
        airings = r.airings,
        programs = r.programs,
        rendered = r.rendered
    );
    println!("{head}");
    for (slot, why) in &r.failed {
        let (slot, why) = (line(slot).into_owned(), line(why).into_owned());
        println!(
            "  {}",
            crate::t!("hub-plan-preflight", slot = slot, why = why)
        );
    }
    for (id, version, count) in &r.published {
        let airings = crate::t!("hub-plan-airings", count = *count);
        println!("  {id}\tv{version}\t{airings}");
    }
    println!("  {}", crate::t!("hub-plan-unchanged", count = r.unchanged));
}
