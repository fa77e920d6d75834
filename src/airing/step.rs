//! One pass of the engine: close what dead processes left open, ask the planner what to do
//! now, and do it.

use jiff::{SignedDuration, Timestamp};

use super::Event;
use super::engine::{Engine, PlannedProgram};
use super::interrupt::Interrupt;
use super::locks::{AiringLock, remove_old_locks};
use super::machine::{Claimed, Finished, OnAirResult};
use crate::schedule::plan::{self, Action, LogView, Logged, Situation};
use crate::schedule::{Occurrence, Slot};
use crate::store::{OnAir, Outcome};

/// A pass prints at most this many missed occurrences one by one, then a count.
const MISSES_SHOWN: usize = 20;

/// A coming program already rendered is looked at again (for articles approved since)
/// after this long.
const LOOK_AGAIN: SignedDuration = SignedDuration::from_mins(5);

/// An idle pass moves the stored settled mark only when it is this far behind.
const SETTLE_EVERY: SignedDuration = SignedDuration::from_hours(1);

/// How often an airing whose approvals changed under it is made again without the articles
/// at fault.
const REMAKES: usize = 3;

impl Engine {
    /// One pass: recover, log misses, air what is due (up to `ahead` early, waiting for its
    /// time), render what is coming within the lead time.
    pub async fn step(
        &self,
        ahead: SignedDuration,
        interrupt: &Interrupt,
    ) -> anyhow::Result<Vec<Event>> {
        self.db.check_file()?;
        let mut events = Vec::new();
        self.recover(&mut events).await?;
        let (decided, stored) = self.decide(ahead).await?;
        let (misses, rest): (Vec<Action>, Vec<Action>) = decided
            .actions
            .into_iter()
            .partition(|a| matches!(a, Action::Miss { .. }));
        // An idle pass writes nothing: the settled mark moves with the misses, or hourly.
        let behind = decided
            .settled
            .zip(stored)
            .is_none_or(|(new, old)| new.duration_since(old) > SETTLE_EVERY);
        if !misses.is_empty() || behind {
            self.log_misses(misses, decided.settled, &mut events)
                .await?;
        }
        for action in rest {
            if interrupt.raised() {
                break;
            }
            match action {
                Action::Air { slot, at, retry } => {
                    let Some(slot) = self.slot(&slot).cloned() else {
                        continue;
                    };
                    if let Some(e) = self.air(&slot, at, retry, interrupt).await? {
                        events.push(e);
                    }
                }
                Action::PreRender { slot, at } => {
                    events.extend(self.prerender(&Occurrence { slot, at }).await?);
                }
                Action::Miss { .. } => {}
            }
        }
        Ok(events)
    }

    /// Asks the planner, with what the log holds over its window; also returns the settled
    /// mark as stored.
    async fn decide(
        &self,
        ahead: SignedDuration,
    ) -> anyhow::Result<(plan::Plan, Option<Timestamp>)> {
        let now = self.clock.now();
        let (first_seen, settled) = self
            .db
            .call(move |s| {
                let first = match s.meta("first_seen_ms")? {
                    Some(v) => v,
                    None => s.meta_default("first_seen_ms", &now.as_millisecond().to_string())?,
                };
                Ok((first, s.meta("settled_ms")?))
            })
            .await?;
        let parse = |v: &str| {
            v.parse::<i64>()
                .ok()
                .and_then(|ms| Timestamp::from_millisecond(ms).ok())
        };
        let empty = LogView::new();
        let mut situation = Situation {
            now,
            slots: &self.slots,
            tz: &self.tz,
            first_seen: parse(&first_seen).unwrap_or(now),
            settled: settled.as_deref().and_then(parse),
            ahead,
            lead: self.lead,
            log: &empty,
        };
        let (after, until) = situation.window();
        let rows = self.db.call(move |s| s.log_view(after, until)).await?;
        let log: LogView = rows
            .into_iter()
            .map(|(slot, at, outcome, ended)| ((slot, at), logged(outcome, ended, now)))
            .collect();
        situation.log = &log;
        Ok((plan::plan(&situation), situation.settled))
    }

    /// Logs the planner's misses in one transaction and moves the settled mark.
    async fn log_misses(
        &self,
        misses: Vec<Action>,
        settled: Option<Timestamp>,
        events: &mut Vec<Event>,
    ) -> anyhow::Result<()> {
        let rows: Vec<(String, Timestamp, Outcome, String)> = misses
            .into_iter()
            .filter_map(|a| match a {
                Action::Miss { slot, at, why } => {
                    Some((slot, at, Outcome::Missed, why.to_string()))
                }
                _ => None,
            })
            .collect();
        let now = self.clock.now();
        let shown: Vec<Event> = rows
            .iter()
            .take(MISSES_SHOWN)
            .map(|(slot, at, _, why)| Event::new(slot, *at, "missed", why.clone(), false))
            .collect();
        let count = rows.len();
        self.db
            .call(move |s| s.record_all(&rows, now, settled))
            .await?;
        events.extend(shown);
        if count > MISSES_SHOWN {
            events.push(Event::new(
                "",
                now,
                "missed",
                format!(
                    "… and {} more occurrences while the box was off (see `dalaba log`)",
                    count - MISSES_SHOWN
                ),
                false,
            ));
        }
        Ok(())
    }

    /// Closes airings whose process has died, and clears lock files of airings long over.
    pub async fn recover(&self, events: &mut Vec<Event>) -> anyhow::Result<()> {
        if self.sweep_due() {
            remove_old_locks(&self.station.state_dir().join("locks"));
        }
        let open = self.db.call(|s| s.unfinished()).await?;
        for (id, slot, at, outcome) in open {
            let Some(_lock) = AiringLock::try_take(&self.station, &slot, at)? else {
                continue; // its owner is alive
            };
            let now = self.clock.now();
            if outcome == Outcome::Claimed {
                // Its process died before air: open the occurrence again, so it still airs
                // inside its catch-up window (or is logged as missed after it).
                if self.db.call(move |s| s.release(id)).await? {
                    let why = "the process preparing it stopped before air".to_owned();
                    events.push(Event::new(&slot, at, "released", why, false));
                }
            } else if self.db.call(move |s| s.close_abandoned(id, now)).await? {
                let why = "its process stopped mid-program".to_owned();
                events.push(Event::new(&slot, at, "interrupted", why, false));
            }
        }
        Ok(())
    }

    /// Whether the lock folder is due for its hourly sweep (the first pass sweeps it).
    fn sweep_due(&self) -> bool {
        let hour = self.clock.now().as_second() / 3600;
        self.swept_hour
            .swap(hour, std::sync::atomic::Ordering::Relaxed)
            != hour
    }

    /// Whether this process looked at `occ`'s program less than [`LOOK_AGAIN`] ago;
    /// notes that it looks now.
    fn looked_lately(&self, occ: &Occurrence) -> bool {
        let now = self.clock.now();
        let Ok(mut seen) = self.looked_ahead.lock() else {
            return false;
        };
        seen.retain(|(_, at), _| *at >= now);
        let last = seen.insert((occ.slot.clone(), occ.at), now);
        last.is_some_and(|t| now.duration_since(t) < LOOK_AGAIN)
    }

    /// Renders the program of an occurrence coming within the lead time.
    async fn prerender(&self, occ: &Occurrence) -> anyhow::Result<Option<Event>> {
        let Some(slot) = self.slot(&occ.slot) else {
            return Ok(None);
        };
        if self.looked_lately(occ) {
            return Ok(None);
        }
        let prepared = self.prepare(vec![slot.queue.clone()]).await?;
        let plan = self.plan(slot, occ.at, &prepared);
        if plan.articles.is_empty() {
            return Ok(None);
        }
        Ok(match self.render(&plan).await {
            Ok(Some(seconds)) => Some(Event::new(
                &slot.name,
                occ.at,
                "rendered",
                format!("{seconds:.1} s → {}", plan.program.display()),
                false,
            )),
            Ok(None) => None,
            Err(e) => Some(Event::new(
                &slot.name,
                occ.at,
                "render failed",
                format!("{e:#}; it will be tried again at air time"),
                true,
            )),
        })
    }

    /// Claims and airs one occurrence. `None` when someone else has it.
    pub async fn air(
        &self,
        slot: &Slot,
        at: Timestamp,
        retry: bool,
        interrupt: &Interrupt,
    ) -> anyhow::Result<Option<Event>> {
        let Some(claimed) = self.claim(&slot.name, at, retry).await? else {
            return Ok(None);
        };
        let finished = self.air_claimed(slot, at, claimed, interrupt).await?;
        Ok(Some(finished.event(&slot.name, at)))
    }

    /// Makes and airs the program of a claimed occurrence. When approvals change while it is
    /// made (an article withdrawn), it is made again without the articles at fault.
    async fn air_claimed(
        &self,
        slot: &Slot,
        at: Timestamp,
        mut claimed: Claimed,
        interrupt: &Interrupt,
    ) -> anyhow::Result<Finished> {
        let mut refusal = String::new();
        for _ in 0..REMAKES {
            let prepared = self.prepare(vec![slot.queue.clone()]).await?;
            let plan = self.plan(slot, at, &prepared);
            if let Some(skip) = &plan.skip {
                return self
                    .close(claimed, Outcome::Skipped, skip.to_string(), None)
                    .await;
            }
            if let Err(e) = self.render(&plan).await {
                return self
                    .close(claimed, Outcome::Failed, format!("{e:#}"), None)
                    .await;
            }
            self.rendered(&claimed, &plan.program).await?;
            let on_air = self.on_air(&plan, None, None);
            match self
                .go_on_air(claimed, &plan.program, on_air, Some(at), 0.0, interrupt)
                .await?
            {
                OnAirResult::Done(finished) => return Ok(finished),
                OnAirResult::Refused(back, why) => {
                    claimed = back;
                    refusal = why;
                }
            }
        }
        let reason = format!("not aired: {refusal}");
        self.close(claimed, Outcome::Failed, reason, None).await
    }

    /// What goes on air for `plan`, for the as-run log: the articles as rendered, the voice
    /// (the station's default when the slot names none), the device, who ordered it.
    pub(super) fn on_air(
        &self,
        plan: &PlannedProgram,
        emergency_by: Option<&str>,
        operator: Option<&str>,
    ) -> OnAir {
        OnAir {
            articles: plan
                .articles
                .iter()
                .map(|p| (p.row.id, p.hash.clone()))
                .collect(),
            emergency_by: emergency_by.map(str::to_owned),
            operator: operator.map(str::to_owned),
            voice: Some(
                plan.slot
                    .voice
                    .clone()
                    .unwrap_or_else(|| self.station.settings.default_voice.clone()),
            ),
            device: Some(self.speaker.device()),
            duration: None,
            lufs: None,
        }
    }
}

/// An as-run row as the planner sees it. A claim or airing is in progress; a failure that
/// never recorded its end counts as ended now.
pub(super) fn logged(outcome: Outcome, ended: Option<Timestamp>, now: Timestamp) -> Logged {
    match outcome {
        Outcome::Claimed | Outcome::Airing => Logged::InProgress,
        Outcome::Aired => Logged::Aired,
        Outcome::Missed => Logged::Missed,
        Outcome::Skipped => Logged::Skipped,
        Outcome::Interrupted => Logged::Interrupted,
        Outcome::Failed => Logged::Failed(ended.unwrap_or(now)),
    }
}
