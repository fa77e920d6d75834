//! What a village box does now with the airings its hub's manifest lists: the same
//! catch-up rules as the station planner ([`super::plan`]), over concrete airings instead of
//! slot rules. Pure: the caller hands in the airings, the as-run log and the time.
//!
//! - An airing may start from its time until `catch_up_minutes` (at least [`ON_TIME`]) after
//!   it, and never after its own `valid_until`.
//! - After a gap only the latest due airing of a slot airs; earlier ones are logged missed.
//! - A failed airing is tried again inside its window, at most every [`RETRY_AFTER`].
//! - An airing whose program is not on disk (verified) is not aired; when its window closes
//!   it is logged missed with that reason.

use jiff::{SignedDuration, Timestamp};

use super::plan::{LogView, Logged, RETRY_AFTER};
use super::{Due, ON_TIME, classify};

/// One airing from the manifest, as the planner needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct HeldAiring {
    /// The slot's name (the as-run log's key, with `at`).
    pub slot: String,
    /// When it airs.
    pub at: Timestamp,
    /// How late it may still start.
    pub catch_up_minutes: u32,
    /// It never starts after this.
    pub valid_until: Timestamp,
    /// Its program is on disk with the right digest.
    pub ready: bool,
}

impl HeldAiring {
    /// The last instant it may start.
    pub fn closes(&self) -> Timestamp {
        let window = SignedDuration::from_mins(i64::from(self.catch_up_minutes)).max(ON_TIME);
        self.at
            .checked_add(window)
            .unwrap_or(self.at)
            .min(self.valid_until)
    }

    fn due(&self, now: Timestamp) -> Due {
        if now > self.closes() {
            return Due::Missed;
        }
        match classify(self.at, now, self.catch_up_minutes.max(1)) {
            Due::Missed => Due::CatchUp,
            due => due,
        }
    }
}

/// Why a held airing is logged missed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeldMiss {
    /// Its window closed with the box off or not running.
    Outage,
    /// Its window closed before its program arrived (or while it failed verification).
    NoProgram,
    /// A later airing of the same slot came due inside its window and airs instead.
    Superseded(Timestamp),
}

impl std::fmt::Display for HeldMiss {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HeldMiss::Outage => write!(
                f,
                "not aired within its catch-up window (the box was off or not running)"
            ),
            HeldMiss::NoProgram => write!(
                f,
                "its program had not arrived from the hub (or did not match its digest) before its window closed"
            ),
            HeldMiss::Superseded(by) => write!(
                f,
                "the box was off; only the latest airing of the slot inside its window airs (the one at {by})"
            ),
        }
    }
}

/// One thing to do, by index into the airings handed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeldAction {
    /// Log it as missed.
    Miss(usize, HeldMiss),
    /// Air it (waiting for its time when it is ahead); `true` when it failed before.
    Air(usize, bool),
}

/// What the box does now, and when it must look again.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HeldPlan {
    /// Misses first, then airings in time order.
    pub actions: Vec<HeldAction>,
    /// The next instant something changes without news from the hub.
    pub next: Option<Timestamp>,
}

/// Decides what to do at `now` with `airings`, given the as-run log; airings up to `ahead`
/// in the future are handed out to be claimed and waited for.
pub fn plan_held(
    airings: &[HeldAiring],
    log: &LogView,
    now: Timestamp,
    ahead: SignedDuration,
) -> HeldPlan {
    let mut misses = Vec::new();
    let mut airs: Vec<(Timestamp, usize, bool)> = Vec::new();
    let mut next: Option<Timestamp> = None;
    let mut wake = |t: Timestamp| next = Some(next.map_or(t, |n: Timestamp| n.min(t)));
    for (i, airing) in airings.iter().enumerate() {
        let logged = log.get(&(airing.slot.clone(), airing.at)).copied();
        match (airing.due(now), logged) {
            (Due::Missed, None) => {
                let why = if airing.ready {
                    HeldMiss::Outage
                } else {
                    HeldMiss::NoProgram
                };
                misses.push(HeldAction::Miss(i, why));
            }
            (Due::Missed, Some(_)) => {}
            (_, Some(Logged::Failed(ended))) => {
                let retry_at = ended.checked_add(RETRY_AFTER).unwrap_or(ended);
                if retry_at <= now && airing.ready {
                    airs.push((airing.at, i, true));
                } else if retry_at <= airing.closes() {
                    wake(retry_at.max(now));
                }
            }
            (_, Some(_)) => {}
            (Due::NotYet, None) => {
                let early = airing.at.checked_sub(ahead).unwrap_or(airing.at);
                if early <= now && airing.ready {
                    airs.push((airing.at, i, false));
                } else {
                    wake(early.max(now));
                }
            }
            (Due::OnTime | Due::CatchUp, None) => {
                if let Some(by) = later_due(airings, i, now) {
                    misses.push(HeldAction::Miss(i, HeldMiss::Superseded(by)));
                } else if airing.ready {
                    airs.push((airing.at, i, false));
                } else {
                    // Waiting for the program; log the miss when the window closes.
                    let closes = airing.closes();
                    wake(
                        closes
                            .checked_add(SignedDuration::from_millis(1))
                            .unwrap_or(closes),
                    );
                }
            }
        }
    }
    airs.sort();
    let mut actions = misses;
    actions.extend(
        airs.into_iter()
            .map(|(_, i, retry)| HeldAction::Air(i, retry)),
    );
    HeldPlan { actions, next }
}

/// The time of a later airing of the same slot that is due at `now`, if any.
fn later_due(airings: &[HeldAiring], i: usize, now: Timestamp) -> Option<Timestamp> {
    let me = &airings[i];
    airings
        .iter()
        .filter(|a| a.slot == me.slot && a.at > me.at)
        .filter(|a| matches!(a.due(now), Due::OnTime | Due::CatchUp))
        .map(|a| a.at)
        .max()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn airing(slot: &str, at: &str, catch_up: u32, ready: bool) -> HeldAiring {
        let at = ts(at);
        HeldAiring {
            slot: slot.into(),
            at,
            catch_up_minutes: catch_up,
            valid_until: at + SignedDuration::from_mins(i64::from(catch_up)),
            ready,
        }
    }

    const AHEAD: SignedDuration = SignedDuration::from_secs(2);

    #[test]
    fn a_coming_airing_waits_then_is_handed_out_just_before_its_time() {
        let airings = [airing("morning", "2026-12-02T07:00:00+08:00", 10, true)];
        let log = LogView::new();
        let early = plan_held(&airings, &log, ts("2026-12-02T06:59:00+08:00"), AHEAD);
        assert!(early.actions.is_empty());
        assert_eq!(early.next, Some(ts("2026-12-02T06:59:58+08:00")));
        let near = plan_held(&airings, &log, ts("2026-12-02T06:59:59+08:00"), AHEAD);
        assert_eq!(near.actions, vec![HeldAction::Air(0, false)]);
    }

    #[test]
    fn catch_up_airs_late_once_and_never_after_its_window() {
        let airings = [airing("morning", "2026-12-02T07:00:00+08:00", 10, true)];
        let mut log = LogView::new();
        let late = plan_held(&airings, &log, ts("2026-12-02T07:09:00+08:00"), AHEAD);
        assert_eq!(late.actions, vec![HeldAction::Air(0, false)]);
        let after = plan_held(&airings, &log, ts("2026-12-02T07:11:00+08:00"), AHEAD);
        assert_eq!(after.actions, vec![HeldAction::Miss(0, HeldMiss::Outage)]);
        log.insert(("morning".into(), airings[0].at), Logged::Aired);
        let aired = plan_held(&airings, &log, ts("2026-12-02T07:09:00+08:00"), AHEAD);
        assert!(aired.actions.is_empty(), "aired once: {aired:?}");
        log.insert(("morning".into(), airings[0].at), Logged::Interrupted);
        let cut = plan_held(&airings, &log, ts("2026-12-02T07:05:00+08:00"), AHEAD);
        assert!(
            cut.actions.is_empty(),
            "an interrupted airing is not aired again"
        );
    }

    #[test]
    fn valid_until_closes_the_window_before_catch_up_does() {
        let mut a = airing("morning", "2026-12-02T07:00:00+08:00", 30, true);
        a.valid_until = ts("2026-12-02T07:05:00+08:00");
        let plan = plan_held(
            &[a],
            &LogView::new(),
            ts("2026-12-02T07:06:00+08:00"),
            AHEAD,
        );
        assert_eq!(plan.actions, vec![HeldAction::Miss(0, HeldMiss::Outage)]);
    }

    #[test]
    fn after_a_gap_only_the_latest_due_airing_of_a_slot_airs() {
        let airings = [
            airing("news", "2026-12-02T07:00:00+08:00", 30, true),
            airing("news", "2026-12-02T07:20:00+08:00", 30, true),
            airing("other", "2026-12-02T07:10:00+08:00", 30, true),
        ];
        let plan = plan_held(
            &airings,
            &LogView::new(),
            ts("2026-12-02T07:25:00+08:00"),
            AHEAD,
        );
        assert_eq!(
            plan.actions,
            vec![
                HeldAction::Miss(0, HeldMiss::Superseded(airings[1].at)),
                HeldAction::Air(2, false),
                HeldAction::Air(1, false),
            ]
        );
    }

    #[test]
    fn an_airing_without_its_program_waits_and_is_missed_with_that_reason() {
        let airings = [airing("morning", "2026-12-02T07:00:00+08:00", 10, false)];
        let log = LogView::new();
        let due = plan_held(&airings, &log, ts("2026-12-02T07:01:00+08:00"), AHEAD);
        assert!(due.actions.is_empty());
        assert_eq!(
            due.next,
            Some(ts("2026-12-02T07:10:00.001+08:00")),
            "looks again when its window closes"
        );
        let closed = plan_held(&airings, &log, ts("2026-12-02T07:10:01+08:00"), AHEAD);
        assert_eq!(
            closed.actions,
            vec![HeldAction::Miss(0, HeldMiss::NoProgram)]
        );
    }

    #[test]
    fn a_failed_airing_is_retried_inside_its_window_only() {
        let airings = [airing("morning", "2026-12-02T07:00:00+08:00", 10, true)];
        let mut log = LogView::new();
        let failed_at = ts("2026-12-02T07:00:30+08:00");
        log.insert(("morning".into(), airings[0].at), Logged::Failed(failed_at));
        let soon = plan_held(&airings, &log, ts("2026-12-02T07:01:00+08:00"), AHEAD);
        assert!(soon.actions.is_empty());
        assert_eq!(soon.next, Some(ts("2026-12-02T07:01:30+08:00")));
        let later = plan_held(&airings, &log, ts("2026-12-02T07:01:30+08:00"), AHEAD);
        assert_eq!(later.actions, vec![HeldAction::Air(0, true)]);
        let gone = plan_held(&airings, &log, ts("2026-12-02T07:11:00+08:00"), AHEAD);
        assert!(
            gone.actions.is_empty(),
            "a logged failure is not logged again"
        );
    }
}
