//! `dalaba run`: the engine as a daemon. It sleeps until the next deadline (computed by the
//! pure [`schedule::next_deadline`]) and wakes early for what it is told through
//! [`Inputs`] — a schedule reload, a play-now request, shutdown — all in one `select!`;
//! nothing is polled. A play-now request breaks into the program on air, which is aired
//! again afterwards from its last paragraph break.

use std::future::Future;
use std::sync::atomic::{AtomicI64, Ordering};

use jiff::{SignedDuration, Timestamp};
use tokio::sync::mpsc;

use super::clock::sleep_until;
use super::engine::Engine;
use super::interrupt::Interrupt;
use super::{Event, PLAY_NOW};
use crate::schedule::{self, plan};

/// How early the daemon wakes before a slot to claim it and load its program.
pub const PREPARE: SignedDuration = SignedDuration::from_secs(2);

/// The longest the daemon sleeps: a wall clock that jumps (NTP setting a box's clock after
/// boot) is noticed within this; everything else wakes it on its own.
const MAX_SLEEP: SignedDuration = SignedDuration::from_mins(5);

/// How long a stop waits for the pass under way (a program on air stops at once; a render
/// is dropped after this).
const STOP_GRACE: std::time::Duration = std::time::Duration::from_secs(3);

/// Leaves nothing behind: what this process held is closed (a claim given back, an airing
/// interrupted) and its temporary files are removed.
async fn stop_cleanly(engine: &Engine, on_event: &mut impl FnMut(&Event)) -> anyhow::Result<()> {
    let mut events = Vec::new();
    let closed = engine.recover(&mut events).await;
    events.iter().for_each(&mut *on_event);
    remove_temporaries(&engine.station.state_dir(), std::process::id());
    closed?;
    engine.db.check_file()
}

/// Deletes this process's `*.PID.tmp` files under `dir` (two levels deep: programs, cache).
fn remove_temporaries(dir: &std::path::Path, pid: u32) {
    let suffix = format!(".{pid}.tmp");
    let mut dirs = vec![(dir.to_owned(), 0)];
    while let Some((dir, depth)) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for path in entries.filter_map(Result::ok).map(|e| e.path()) {
            if path.is_dir() && depth < 2 {
                dirs.push((path, depth + 1));
            } else if path.to_string_lossy().ends_with(&suffix) {
                let _ = std::fs::remove_file(&path);
            }
        }
    }
}

/// What wakes the daemon besides its deadlines. Built by `app` (signals, a file watcher)
/// or by a test.
#[derive(Debug)]
pub struct Inputs<S> {
    /// Read the schedules again (SIGHUP, a schedule file changed).
    pub reload: mpsc::Receiver<()>,
    /// A play-now request is waiting in the database.
    pub requests: mpsc::Receiver<()>,
    /// Completes when the daemon should stop (SIGTERM, Ctrl-C).
    pub shutdown: S,
}

/// A program cut off by an emergency: `(slot, scheduled, seconds in)`.
type Cut = (String, Timestamp, f64);

/// Why the daemon's wait ended.
enum Wake {
    Deadline,
    Reload,
    Request,
    Shutdown,
}

/// The daemon: airs every slot at its time until `inputs.shutdown` completes. `on_event`
/// sees every event. A stop during an airing closes it as interrupted.
pub async fn run<S: Future<Output = ()>>(
    mut engine: Engine,
    inputs: Inputs<S>,
    mut on_event: impl FnMut(&Event),
) -> anyhow::Result<()> {
    let Inputs {
        mut reload,
        mut requests,
        shutdown,
    } = inputs;
    tokio::pin!(shutdown);
    let interrupt = Interrupt::default();
    let mut cuts: Vec<Cut> = Vec::new();
    loop {
        // Writing on into a database deleted under us would lose everything: stop.
        engine.db.check_file()?;
        let step_start = engine.clock.now();
        let taken = std::mem::take(&mut cuts);
        let round = watch_pass(
            &engine,
            &interrupt,
            taken,
            &mut reload,
            &mut requests,
            shutdown.as_mut(),
        )
        .await;
        let failed = match round.result {
            Ok((events, cut)) => {
                events.iter().for_each(&mut on_event);
                cuts = cut;
                events.iter().any(|e| e.failure)
            }
            Err(e) => {
                let now = engine.clock.now();
                on_event(&Event::new("", now, "error", format!("{e:#}"), true));
                true
            }
        };
        let (stopping, reload_due) = (round.stopping, round.reload_due);
        interrupt.clear();
        if stopping {
            return stop_cleanly(&engine, &mut on_event).await;
        }
        if reload_due {
            reload_schedules(&mut engine, &mut on_event);
        }
        if !cuts.is_empty() || engine.db.call(|s| s.pending_requests()).await? > 0 {
            continue;
        }
        let mut next = next_wake(&engine, step_start);
        if failed {
            // A failed airing is tried again inside its window (see the planner).
            let retry = engine.clock.now().checked_add(plan::RETRY_AFTER)?;
            next = next.min(retry);
        }
        let wake = tokio::select! {
            () = sleep_until(engine.clock.as_ref(), next) => Wake::Deadline,
            Some(()) = reload.recv() => Wake::Reload,
            Some(()) = requests.recv() => Wake::Request,
            () = &mut shutdown => Wake::Shutdown,
        };
        match wake {
            Wake::Shutdown => return stop_cleanly(&engine, &mut on_event).await,
            Wake::Reload => reload_schedules(&mut engine, &mut on_event),
            Wake::Deadline | Wake::Request => {}
        }
    }
}

/// How one round of work went.
struct Round {
    result: anyhow::Result<(Vec<Event>, Vec<Cut>)>,
    stopping: bool,
    reload_due: bool,
}

/// Runs one [`pass`] while watching the inputs: a stop interrupts what is on air (and drops
/// a render after [`STOP_GRACE`]), a request breaks in, a reload is noted for afterwards.
async fn watch_pass<S: Future<Output = ()>>(
    engine: &Engine,
    interrupt: &Interrupt,
    cuts: Vec<Cut>,
    reload: &mut mpsc::Receiver<()>,
    requests: &mut mpsc::Receiver<()>,
    mut shutdown: std::pin::Pin<&mut S>,
) -> Round {
    let (mut stopping, mut reload_due) = (false, false);
    let grace = tokio::time::sleep(STOP_GRACE);
    tokio::pin!(grace);
    // The request on air (0: none), so a cancel of it stops it.
    let on_air = AtomicI64::new(0);
    let pass = pass(engine, interrupt, cuts, &on_air);
    tokio::pin!(pass);
    let result = loop {
        tokio::select! {
            r = &mut pass => break r,
            () = &mut shutdown, if !stopping => {
                stopping = true;
                interrupt.raise("the daemon was stopped (SIGTERM or Ctrl-C)");
                grace.as_mut().reset(tokio::time::Instant::now() + STOP_GRACE);
            }
            () = &mut grace, if stopping => {
                // A render does not stop for an interrupt: drop it (and its claim).
                break Ok((Vec::new(), Vec::new()));
            }
            Some(()) = requests.recv() => {
                if let Some(why) = break_in(engine, on_air.load(Ordering::SeqCst)).await {
                    interrupt.raise(&why);
                }
            }
            Some(()) = reload.recv() => reload_due = true,
        }
    };
    Round {
        result,
        stopping,
        reload_due,
    }
}

/// Why a wake-up during a pass stops what is on air, if it does: a waiting request breaks
/// in; a cancel of the request on air (`on_air`, 0 for none) stops it; anything else (a
/// waiting request cancelled before it was taken) leaves the air alone.
async fn break_in(engine: &Engine, on_air: i64) -> Option<String> {
    let waiting = engine.db.call(|s| s.pending_requests()).await;
    if waiting.as_ref().map_or(true, |n| *n > 0) {
        return Some("an emergency broadcast (play-now) broke in".into());
    }
    if on_air == 0 {
        return None;
    }
    match engine.db.call(move |s| s.cancelled_by(on_air)).await {
        Ok(Some(by)) => Some(format!("the emergency broadcast was cancelled by {by}")),
        Ok(None) => None,
        Err(e) => Some(format!(
            "an emergency broadcast request could not be read: {e}"
        )),
    }
}

/// When to wake after a pass that began at `step_start`: everything due up to
/// `step_start + PREPARE` was handled by it, so a slot whose time came while a long program
/// ran is still aired at once.
fn next_wake(engine: &Engine, step_start: Timestamp) -> Timestamp {
    let now = engine.clock.now();
    let cap = now.checked_add(MAX_SLEEP).unwrap_or(now);
    let from = step_start.checked_add(PREPARE).unwrap_or(step_start);
    schedule::next_deadline(&engine.slots, &engine.tz, from, engine.lead)
        .map(|t| t.checked_sub(PREPARE).unwrap_or(t))
        .unwrap_or(cap)
        .min(cap)
}

fn reload_schedules(engine: &mut Engine, on_event: &mut impl FnMut(&Event)) {
    let now = engine.clock.now();
    match engine.reload() {
        Ok(()) => on_event(&Event::new(
            "",
            now,
            "reloaded",
            format!("{} slot(s)", engine.slots.len()),
            false,
        )),
        Err(e) => on_event(&Event::new(
            "",
            now,
            "reload failed",
            format!("{e:#}; keeping the schedules loaded before"),
            true,
        )),
    }
}

/// One round of work: play-now requests first, then the programs they cut off, then the
/// schedule. Returns the events and the programs cut off this round.
async fn pass(
    engine: &Engine,
    interrupt: &Interrupt,
    cuts: Vec<Cut>,
    on_air: &AtomicI64,
) -> anyhow::Result<(Vec<Event>, Vec<Cut>)> {
    let mut events = Vec::new();
    while let Some(request) = {
        let now = engine.clock.now();
        engine.db.call(move |s| s.take_request(now)).await?
    } {
        interrupt.clear();
        let operator = request.operator.clone().or(request.emergency_by.clone());
        let emergency = request.emergency_by.is_some();
        on_air.store(request.id, Ordering::SeqCst);
        // A cancel that came while the request was being taken was not seen by the watch.
        let (id, now) = (request.id, engine.clock.now());
        if let Some(by) = engine.db.call(move |s| s.cancelled_by(id)).await? {
            on_air.store(0, Ordering::SeqCst);
            let why = format!("request {id} was cancelled by {by} before it aired");
            events.push(Event::new(PLAY_NOW, now, "cancelled", why, false));
            continue;
        }
        let aired = engine
            .play_now(
                request.article_id,
                operator.as_deref(),
                emergency,
                interrupt,
            )
            .await;
        on_air.store(0, Ordering::SeqCst);
        match aired {
            Ok(e) => events.push(e),
            Err(e) => events.push(Event::new(
                PLAY_NOW,
                engine.clock.now(),
                "failed",
                format!("{e:#}"),
                true,
            )),
        }
    }
    for (slot, at, cut) in cuts {
        interrupt.clear();
        if let Some(e) = engine.resume(&slot, at, cut, interrupt).await? {
            events.push(e);
        }
    }
    let stepped = engine.step(PREPARE, interrupt).await?;
    let cut = stepped
        .iter()
        .filter(|e| e.slot != PLAY_NOW && !e.slot.ends_with("(resumed)"))
        .filter_map(|e| e.cut_at.map(|secs| (e.slot.clone(), e.at, secs)))
        .collect();
    events.extend(stepped);
    Ok((events, cut))
}
