use std::collections::BTreeMap;
use std::path::Path;

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;

use super::*;
use crate::schedule::{Approval, Validity, parse};

fn shanghai() -> TimeZone {
    TimeZone::get("Asia/Shanghai").unwrap()
}

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn slots(text: &str) -> Vec<Slot> {
    parse(Path::new("schedules/t.toml"), text).unwrap()
}

const EVERY_TWO: &str =
    "[[slot]]\nname = \"often\"\ncron = \"*/2 * * * *\"\nqueue = \"news\"\ncatch_up_minutes = 10\n";
const MORNING: &str =
    "[[slot]]\nname = \"morning\"\nat = [\"07:00\"]\nqueue = \"news\"\ncatch_up_minutes = 10\n";

/// A simulated station: its slots, first-seen time, log and settled mark.
struct Sim {
    slots: Vec<Slot>,
    tz: TimeZone,
    first_seen: Option<Timestamp>,
    settled: Option<Timestamp>,
    log: LogView,
}

impl Sim {
    fn new(text: &str) -> Sim {
        Sim {
            slots: slots(text),
            tz: shanghai(),
            first_seen: None,
            settled: None,
            log: BTreeMap::new(),
        }
    }

    fn plan(&mut self, now: Timestamp) -> Plan {
        let first_seen = *self.first_seen.get_or_insert(now);
        plan(&Situation {
            now,
            slots: &self.slots,
            tz: &self.tz,
            first_seen,
            settled: self.settled,
            ahead: ON_TIME,
            lead: SignedDuration::from_mins(30),
            log: &self.log,
        })
    }

    /// One tick at `now`: every airing ends in `outcome`, misses are logged.
    fn tick(&mut self, now: Timestamp, outcome: impl Fn(Timestamp) -> Logged) -> Plan {
        let p = self.plan(now);
        for a in &p.actions {
            match a {
                Action::Miss { slot, at, .. } => {
                    assert!(
                        self.log
                            .insert((slot.clone(), *at), Logged::Missed)
                            .is_none()
                    );
                }
                Action::Air { slot, at, .. } => {
                    self.log.insert((slot.clone(), *at), outcome(*at));
                }
                Action::PreRender { .. } => {}
            }
        }
        self.settled = p.settled;
        p
    }
}

/// The occurrences a plan made at `now` airs that are already due (not those it waits for).
fn airs(p: &Plan, now: Timestamp) -> Vec<Timestamp> {
    p.actions
        .iter()
        .filter_map(|a| match a {
            Action::Air { at, .. } if *at <= now => Some(*at),
            _ => None,
        })
        .collect()
}

fn misses(p: &Plan) -> Vec<(Timestamp, MissReason)> {
    p.actions
        .iter()
        .filter_map(|a| match a {
            Action::Miss { at, why, .. } => Some((*at, *why)),
            _ => None,
        })
        .collect()
}

#[test]
fn after_a_gap_only_the_latest_occurrence_in_its_window_airs() {
    let mut sim = Sim::new(EVERY_TWO);
    sim.tick(ts("2026-12-01T07:00:30+08:00"), |_| Logged::Aired);
    let now = ts("2026-12-01T07:09:30+08:00");
    let p = sim.tick(now, |_| Logged::Aired);
    assert_eq!(airs(&p, now), vec![ts("2026-12-01T07:08:00+08:00")]);
    let missed = misses(&p);
    assert_eq!(missed.len(), 3, "{missed:?}");
    assert!(
        missed
            .iter()
            .all(|(_, w)| matches!(w, MissReason::Superseded { .. }))
    );
}

#[test]
fn a_fresh_station_does_not_air_the_past() {
    let mut sim = Sim::new(EVERY_TWO);
    let now = ts("2026-12-01T07:09:30+08:00");
    let p = sim.tick(now, |_| Logged::Aired);
    assert!(airs(&p, now).is_empty(), "{p:?}");
    assert!(misses(&p).is_empty(), "{p:?}");
    // But a slot due this very minute airs (cron starts `tick` once a minute).
    let mut sim = Sim::new(MORNING);
    let now = ts("2026-12-01T07:00:05+08:00");
    let p = sim.tick(now, |_| Logged::Aired);
    assert_eq!(airs(&p, now), vec![ts("2026-12-01T07:00:00+08:00")]);
}

#[test]
fn a_failed_airing_is_retried_inside_its_window_only() {
    let mut sim = Sim::new(MORNING);
    sim.tick(ts("2026-12-01T06:00:00+08:00"), |_| Logged::Aired);
    let failed_at = ts("2026-12-01T07:00:01+08:00");
    let p = sim.tick(failed_at, |_| Logged::Failed(failed_at));
    assert_eq!(airs(&p, failed_at).len(), 1);
    // Too soon after the failure.
    let soon = ts("2026-12-01T07:00:30+08:00");
    assert!(airs(&sim.plan(soon), soon).is_empty());
    let p = sim.plan(ts("2026-12-01T07:02:00+08:00"));
    assert_eq!(
        p.actions[0],
        Action::Air {
            slot: "morning".into(),
            at: ts("2026-12-01T07:00:00+08:00"),
            retry: true
        }
    );
    // Past the window the failure stands: no retry, no second row.
    let late = ts("2026-12-01T07:11:00+08:00");
    let p = sim.plan(late);
    assert!(airs(&p, late).is_empty() && misses(&p).is_empty(), "{p:?}");
}

#[test]
fn an_outage_of_days_logs_every_occurrence_missed() {
    let mut sim = Sim::new(MORNING);
    sim.tick(ts("2026-11-01T06:00:00+08:00"), |_| Logged::Aired);
    let p = sim.tick(ts("2026-11-04T12:00:00+08:00"), |_| Logged::Aired);
    let days: Vec<Timestamp> = misses(&p).into_iter().map(|(t, _)| t).collect();
    assert_eq!(
        days,
        vec![
            ts("2026-11-01T07:00:00+08:00"),
            ts("2026-11-02T07:00:00+08:00"),
            ts("2026-11-03T07:00:00+08:00"),
            ts("2026-11-04T07:00:00+08:00"),
        ]
    );
    // Settled: the next pass does not look at them again.
    let (after, _) = Situation {
        now: ts("2026-11-04T12:01:00+08:00"),
        slots: &sim.slots,
        tz: &sim.tz,
        first_seen: sim.first_seen.unwrap(),
        settled: sim.settled,
        ahead: ON_TIME,
        lead: SignedDuration::ZERO,
        log: &sim.log,
    }
    .window();
    assert!(after > ts("2026-11-04T07:00:00+08:00"), "{after}");
}

#[test]
fn nothing_before_the_first_seen_time_is_logged() {
    let mut sim = Sim::new(MORNING);
    sim.first_seen = Some(ts("2026-11-03T12:00:00+08:00"));
    let p = sim.tick(ts("2026-11-05T12:00:00+08:00"), |_| Logged::Aired);
    let days: Vec<Timestamp> = misses(&p).into_iter().map(|(t, _)| t).collect();
    assert_eq!(
        days,
        vec![
            ts("2026-11-04T07:00:00+08:00"),
            ts("2026-11-05T07:00:00+08:00")
        ]
    );
}

#[test]
fn renders_ahead_within_the_lead_time() {
    let mut sim = Sim::new(MORNING);
    let p = sim.plan(ts("2026-12-01T06:40:00+08:00"));
    assert_eq!(
        p.actions,
        vec![Action::PreRender {
            slot: "morning".into(),
            at: ts("2026-12-01T07:00:00+08:00")
        }]
    );
}

fn candidate(id: i64, priority: Priority) -> Candidate {
    Candidate {
        id,
        queue: "news".into(),
        approval: Approval::Valid,
        validity: Validity::default(),
        priority,
        chars: 40,
    }
}

#[test]
fn quiet_hours_let_only_emergencies_through() {
    let slot = slots(MORNING).remove(0);
    let quiet: QuietHours = toml::from_str("from = \"06:00\"\nuntil = \"08:00\"").unwrap();
    let at = ts("2026-12-01T07:00:00+08:00");
    let tz = shanghai();
    let (_, skip) = choose(
        &slot,
        at,
        Some(quiet),
        &tz,
        &[candidate(1, Priority::Normal)],
    );
    assert!(
        skip.unwrap().to_string().starts_with("quiet hours"),
        "a normal article waits"
    );
    let (sel, skip) = choose(
        &slot,
        at,
        Some(quiet),
        &tz,
        &[
            candidate(1, Priority::Normal),
            candidate(2, Priority::Emergency),
        ],
    );
    assert_eq!((sel.chosen, skip), (vec![2], None));
    let (_, skip) = choose(&slot, at, None, &tz, &[]);
    assert_eq!(skip.unwrap().to_string(), "queue `news` has no articles");
}

/// A random life of a station: runs of ticks a minute apart broken by outages.
fn life() -> impl Strategy<Value = (u32, Vec<(u32, i64)>, u64)> {
    (
        0u32..30,
        prop::collection::vec((1u32..12, 60i64..4 * 86_400), 1..6),
        any::<u64>(),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn every_occurrence_ends_once_and_a_gap_airs_only_the_latest((catch_up, runs, seed) in life()) {
        let text = format!(
            "{EVERY_TWO}\n[[slot]]\nname = \"hourly\"\ncron = \"15 * * * *\"\nqueue = \"news\"\ncatch_up_minutes = {catch_up}\n\n[[slot]]\nname = \"morning\"\nat = [\"07:00\"]\nqueue = \"news\"\ncatch_up_minutes = {catch_up}\n"
        );
        let mut sim = Sim::new(&text);
        let start = ts("2026-10-31T06:30:00+08:00");
        let mut now = start;
        let mut n = seed;
        for (ticks, outage) in runs {
            for _ in 0..ticks {
                n = n.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                let pick = n >> 61;
                let before = sim.log.clone();
                let p = sim.tick(now, |_| match pick {
                    0 => Logged::Failed(now),
                    1 => Logged::Skipped,
                    2 => Logged::Interrupted,
                    _ => Logged::Aired,
                });
                for slot in &sim.slots {
                    let due = p.actions.iter().filter(|a| matches!(a,
                        Action::Air { slot: s, at, .. } if *s == slot.name && *at <= now)).count();
                    prop_assert!(due <= 1, "slot {} aired {due} past occurrences at {now}", slot.name);
                }
                for a in &p.actions {
                    if let Action::Air { slot, at, .. } = a {
                        let was = before.get(&(slot.clone(), *at));
                        prop_assert!(was.is_none() || matches!(was, Some(Logged::Failed(_))),
                            "{slot} at {at} aired again after {was:?}");
                    }
                }
                now = now.checked_add(SignedDuration::from_secs(60)).unwrap();
            }
            now = now.checked_add(SignedDuration::from_secs(outage)).unwrap();
        }
        // Once every window has closed, every occurrence since first seen is in the log once.
        let end = now.checked_add(SignedDuration::from_hours(1)).unwrap();
        sim.tick(end, |_| Logged::Aired);
        let first = sim.first_seen.unwrap();
        let closed = end.checked_sub(SignedDuration::from_mins(31)).unwrap();
        for slot in &sim.slots {
            for at in slot_occurrences(slot, &sim.tz, first, closed) {
                let logged = sim.log.get(&(slot.name.clone(), at));
                prop_assert!(
                    matches!(logged, Some(Logged::Aired | Logged::Missed | Logged::Skipped
                        | Logged::Interrupted | Logged::Failed(_))),
                    "{} at {at} ended as {logged:?}", slot.name
                );
            }
        }
    }
}
