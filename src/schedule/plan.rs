//! The airing planner: given the time, the slots and what the as-run log already holds, what
//! to do now. Pure: no I/O, no clock.
//!
//! The rules, in one place:
//!
//! - **Look-back** reaches back to the station's first-seen time (less [`ON_TIME`], so a
//!   fresh station's first tick still airs a slot due this minute) or to the point up to
//!   which an earlier pass settled everything, whichever is later. There is no fixed limit:
//!   an outage of a week logs every occurrence of that week as missed, one row each.
//! - **Catch-up**: an occurrence may air until `catch_up_minutes` (at least [`ON_TIME`])
//!   after its time. After a gap only the *latest* due occurrence of a slot inside its window
//!   airs; the earlier ones are logged missed, never aired back to back.
//! - **Retry**: an occurrence whose airing failed is tried again while it is still inside
//!   its window and no later occurrence of the slot has come due, at most every
//!   [`RETRY_AFTER`].
//! - **Quiet hours and empty queues** are judged by [`choose`] when the program is made:
//!   inside quiet hours only emergency articles air, unless the slot is itself an
//!   emergency slot.

use std::collections::BTreeMap;

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use super::{
    Candidate, Due, ON_TIME, Priority, QuietHours, Selection, Slot, classify, select,
    slot_occurrences,
};

/// A failed airing is tried again no sooner than this after it ended.
pub const RETRY_AFTER: SignedDuration = SignedDuration::from_secs(60);

/// Where an occurrence stands in the as-run log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Logged {
    /// Claimed or on air: someone is at it.
    InProgress,
    /// Played to the end.
    Aired,
    /// Logged as missed.
    Missed,
    /// Skipped on purpose.
    Skipped,
    /// Interrupted.
    Interrupted,
    /// Failed; ended at this time.
    Failed(Timestamp),
}

/// What the as-run log holds, by `(slot, scheduled)`.
pub type LogView = BTreeMap<(String, Timestamp), Logged>;

/// Everything the planner looks at.
#[derive(Debug, Clone, Copy)]
pub struct Situation<'a> {
    /// The time now.
    pub now: Timestamp,
    /// The station's slots.
    pub slots: &'a [Slot],
    /// The station's time zone.
    pub tz: &'a TimeZone,
    /// When the station first ran; nothing before it is aired or logged.
    pub first_seen: Timestamp,
    /// Everything scheduled at or before this is in the log already (from an earlier pass).
    pub settled: Option<Timestamp>,
    /// How far ahead an occurrence is claimed to wait for its time.
    pub ahead: SignedDuration,
    /// How far ahead programs are rendered.
    pub lead: SignedDuration,
    /// The as-run log over [`Situation::window`].
    pub log: &'a LogView,
}

/// Why an occurrence is logged missed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MissReason {
    /// The box was off or not ticking for the whole catch-up window.
    Outage {
        /// The slot's window.
        catch_up_minutes: u32,
    },
    /// A later occurrence of the same slot came due inside its window and airs instead.
    Superseded {
        /// The occurrence that airs.
        by: Timestamp,
    },
}

impl std::fmt::Display for MissReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MissReason::Outage { catch_up_minutes } => write!(
                f,
                "not aired within its catch-up window of {catch_up_minutes} minutes (the box was off or not ticking)"
            ),
            MissReason::Superseded { by } => write!(
                f,
                "the box was off; only the latest occurrence inside the catch-up window airs (the one at {by})"
            ),
        }
    }
}

/// One thing to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Log this occurrence as missed.
    Miss {
        /// Slot name.
        slot: String,
        /// Scheduled time.
        at: Timestamp,
        /// Why.
        why: MissReason,
    },
    /// Claim and air this occurrence (waiting for its time if it is ahead).
    Air {
        /// Slot name.
        slot: String,
        /// Scheduled time.
        at: Timestamp,
        /// It failed before and is tried again.
        retry: bool,
    },
    /// Render this occurrence's program now; it airs within the lead time.
    PreRender {
        /// Slot name.
        slot: String,
        /// Scheduled time.
        at: Timestamp,
    },
}

/// What the planner decided.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Plan {
    /// Misses first, then airings in time order, then renders.
    pub actions: Vec<Action>,
    /// Once the misses are logged, everything up to here is settled (see
    /// [`Situation::settled`]).
    pub settled: Option<Timestamp>,
}

impl Situation<'_> {
    /// The scheduled times the planner considers: `(after, until]`. The log must cover it.
    pub fn window(&self) -> (Timestamp, Timestamp) {
        let fresh = self
            .first_seen
            .checked_sub(ON_TIME)
            .unwrap_or(self.first_seen);
        let after = self.settled.map_or(fresh, |s| s.max(fresh));
        let until = self.now.checked_add(self.ahead).unwrap_or(self.now);
        (after, until.max(after))
    }
}

/// The catch-up window of `slot`: never shorter than [`ON_TIME`].
pub fn window_of(slot: &Slot) -> SignedDuration {
    SignedDuration::from_mins(i64::from(slot.catch_up_minutes)).max(ON_TIME)
}

/// Decides what to do now.
pub fn plan(s: &Situation<'_>) -> Plan {
    let (after, until) = s.window();
    let mut misses = Vec::new();
    let mut airs = Vec::new();
    for slot in s.slots {
        let times = slot_occurrences(slot, s.tz, after, until);
        plan_slot(s, slot, &times, &mut misses, &mut airs);
    }
    airs.sort_by_key(|a| match a {
        Action::Air { at, slot, .. } => (*at, slot.clone()),
        _ => (Timestamp::MAX, String::new()),
    });
    let mut actions = misses;
    actions.extend(airs);
    actions.extend(prerender(s));
    Plan {
        actions,
        settled: settled(s, after),
    }
}

/// The actions for one slot's occurrences `times` (in order).
fn plan_slot(
    s: &Situation<'_>,
    slot: &Slot,
    times: &[Timestamp],
    misses: &mut Vec<Action>,
    airs: &mut Vec<Action>,
) {
    // The latest occurrence that has come due and is still inside its window.
    let latest = times
        .iter()
        .rev()
        .find(|&&at| {
            matches!(
                classify(at, s.now, slot.catch_up_minutes),
                Due::OnTime | Due::CatchUp
            )
        })
        .copied();
    for &at in times {
        let logged = s.log.get(&(slot.name.clone(), at)).copied();
        let miss = |why| Action::Miss {
            slot: slot.name.clone(),
            at,
            why,
        };
        let air = |retry| Action::Air {
            slot: slot.name.clone(),
            at,
            retry,
        };
        match classify(at, s.now, slot.catch_up_minutes) {
            Due::Missed => {
                if logged.is_none() {
                    misses.push(miss(MissReason::Outage {
                        catch_up_minutes: slot.catch_up_minutes,
                    }));
                }
            }
            Due::OnTime | Due::CatchUp if Some(at) != latest => {
                if let (None, Some(by)) = (logged, latest) {
                    misses.push(miss(MissReason::Superseded { by }));
                }
            }
            Due::OnTime | Due::CatchUp | Due::NotYet => match logged {
                None => airs.push(air(false)),
                Some(Logged::Failed(ended)) if retry_due(ended, s.now) => airs.push(air(true)),
                Some(_) => {}
            },
        }
    }
}

fn retry_due(ended: Timestamp, now: Timestamp) -> bool {
    now.duration_since(ended) >= RETRY_AFTER
}

/// The occurrences within the lead time whose programs should be ready.
fn prerender(s: &Situation<'_>) -> Vec<Action> {
    let Ok(until) = s.now.checked_add(s.lead.max(s.ahead) + s.ahead) else {
        return Vec::new();
    };
    super::occurrences(s.slots, s.tz, s.now, until)
        .into_iter()
        .filter(|o| !s.log.contains_key(&(o.slot.clone(), o.at)))
        .map(|o| Action::PreRender {
            slot: o.slot,
            at: o.at,
        })
        .collect()
}

/// Up to where everything is decided once this plan's misses are logged: every occurrence
/// at or before it is past its window now.
fn settled(s: &Situation<'_>, after: Timestamp) -> Option<Timestamp> {
    let widest = s.slots.iter().map(window_of).max().unwrap_or(ON_TIME);
    let edge = s
        .now
        .checked_sub(widest + SignedDuration::from_millis(1))
        .ok()?;
    Some(edge.max(after))
}

/// Why an occurrence airs nothing.
#[derive(Debug, Clone, PartialEq)]
pub enum Skip {
    /// Inside quiet hours with no emergency article.
    Quiet {
        /// The quiet hours.
        hours: QuietHours,
        /// The slot's queue.
        queue: String,
    },
    /// Nothing approved and valid in the queue.
    Nothing {
        /// The slot's queue.
        queue: String,
        /// Each article left out, and why.
        why: Vec<String>,
    },
}

impl std::fmt::Display for Skip {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Skip::Quiet { hours, queue } => write!(
                f,
                "quiet hours ({hours}): no emergency article in queue `{queue}`"
            ),
            Skip::Nothing { queue, why } if why.is_empty() => {
                write!(f, "queue `{queue}` has no articles")
            }
            Skip::Nothing { queue, why } => {
                write!(f, "nothing to air in queue `{queue}` ({})", why.join("; "))
            }
        }
    }
}

/// Whether `at` is inside `quiet` hours in `tz` for `slot` (emergency slots are never quiet).
pub fn is_quiet(slot: &Slot, quiet: Option<QuietHours>, tz: &TimeZone, at: Timestamp) -> bool {
    slot.priority != Priority::Emergency
        && quiet.is_some_and(|q| q.contains(tz.to_datetime(at).time()))
}

/// What `slot` plays at `at` from `candidates`: the selection, or why nothing airs.
pub fn choose(
    slot: &Slot,
    at: Timestamp,
    quiet: Option<QuietHours>,
    tz: &TimeZone,
    candidates: &[Candidate],
) -> (Selection, Option<Skip>) {
    let in_quiet = is_quiet(slot, quiet, tz, at);
    let allowed: Vec<Candidate> = candidates
        .iter()
        .filter(|c| !in_quiet || c.priority == Priority::Emergency)
        .cloned()
        .collect();
    let selection = select(slot, &allowed, at, tz);
    if !selection.chosen.is_empty() {
        return (selection, None);
    }
    let skip = match quiet {
        Some(hours) if in_quiet => Skip::Quiet {
            hours,
            queue: slot.queue.clone(),
        },
        _ => Skip::Nothing {
            queue: slot.queue.clone(),
            why: selection
                .excluded
                .iter()
                .map(|(id, e)| format!("article {id} {e}"))
                .collect(),
        },
    };
    (selection, Some(skip))
}

#[cfg(test)]
mod tests;
