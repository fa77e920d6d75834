//! Occurrences of slots in time, lateness and the next instant the service must wake.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use super::{Slot, Times};

/// Anything starting within this long of its time counts as on time: cron starts `tick`
/// once a minute.
pub const ON_TIME: SignedDuration = SignedDuration::from_secs(60);

/// How far apart the search steps in [`next_after`] are, in days.
const SEARCH_DAYS: [i64; 3] = [2, 40, 800];

/// One airing of one slot.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Occurrence {
    /// When it is scheduled.
    pub at: Timestamp,
    /// The slot's name.
    pub slot: String,
}

/// How a scheduled instant stands against `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    /// Not yet.
    NotYet,
    /// Due now, within a minute of its time.
    OnTime,
    /// Late, but inside the slot's catch-up window: air it now.
    CatchUp,
    /// Too late: log it as missed.
    Missed,
}

/// Whether `slot` airs on the local date `date` (its days and date range).
pub fn airs_on(slot: &Slot, date: Date) -> bool {
    slot.days.includes(date)
        && slot.from.is_none_or(|f| date >= f)
        && slot.until.is_none_or(|u| date <= u)
}

/// The instants `slot` airs at in `(after, until]`, in order.
pub fn slot_occurrences(
    slot: &Slot,
    tz: &TimeZone,
    after: Timestamp,
    until: Timestamp,
) -> Vec<Timestamp> {
    if until <= after {
        return Vec::new();
    }
    let mut out = Vec::new();
    match &slot.times {
        Times::At(times) => {
            // A wall time maps to an instant up to a few hours off its date's midnight when
            // a DST change is near, so look one day either side.
            let first = tz.to_datetime(after).date().yesterday().ok();
            let last = tz.to_datetime(until).date().tomorrow().ok();
            let (Some(mut day), Some(last)) = (first, last) else {
                return out;
            };
            while day <= last {
                if airs_on(slot, day) {
                    for &t in times {
                        let Ok(ts) = tz.to_ambiguous_timestamp(day.to_datetime(t)).compatible()
                        else {
                            continue;
                        };
                        if after < ts && ts <= until {
                            out.push(ts);
                        }
                    }
                }
                match day.tomorrow() {
                    Ok(next) => day = next,
                    Err(_) => break,
                }
            }
        }
        Times::Cron(cron) => {
            let mut cursor = after.to_zoned(tz.clone());
            // A cron matching every minute over the search horizon stays well under this.
            for _ in 0..2_000_000 {
                let Ok(next) = cron.find_next_occurrence(&cursor, false) else {
                    break;
                };
                let ts = next.timestamp();
                if ts > until {
                    break;
                }
                if ts > after && airs_on(slot, next.date()) {
                    out.push(ts);
                }
                cursor = next;
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Every occurrence of every slot in `(after, until]`, ordered by time, then slot name.
pub fn occurrences(
    slots: &[Slot],
    tz: &TimeZone,
    after: Timestamp,
    until: Timestamp,
) -> Vec<Occurrence> {
    let mut out: Vec<Occurrence> = slots
        .iter()
        .flat_map(|slot| {
            slot_occurrences(slot, tz, after, until)
                .into_iter()
                .map(|at| Occurrence {
                    at,
                    slot: slot.name.clone(),
                })
        })
        .collect();
    out.sort();
    out
}

/// The first instant after `after` that `slot` airs at, within about two years.
pub fn next_after(slot: &Slot, tz: &TimeZone, after: Timestamp) -> Option<Timestamp> {
    let mut from = after;
    for days in SEARCH_DAYS {
        let until = from
            .checked_add(SignedDuration::from_hours(24 * days))
            .ok()?;
        if let Some(&first) = slot_occurrences(slot, tz, from, until).first() {
            return Some(first);
        }
        from = until;
    }
    None
}

/// How the occurrence at `scheduled` of a slot with a `catch_up_minutes` window stands at
/// `now`.
pub fn classify(scheduled: Timestamp, now: Timestamp, catch_up_minutes: u32) -> Due {
    let late = now.duration_since(scheduled);
    if late < SignedDuration::ZERO {
        Due::NotYet
    } else if late <= ON_TIME {
        Due::OnTime
    } else if late <= SignedDuration::from_mins(i64::from(catch_up_minutes)) {
        Due::CatchUp
    } else {
        Due::Missed
    }
}

/// The next instant strictly after `after` at which the service has work: a slot's time,
/// or `lead` before it, when its program should be rendered. `None` when no slot airs again.
pub fn next_deadline(
    slots: &[Slot],
    tz: &TimeZone,
    after: Timestamp,
    lead: SignedDuration,
) -> Option<Timestamp> {
    let ahead = after.checked_add(lead).ok()?;
    slots
        .iter()
        .flat_map(|slot| {
            let air = next_after(slot, tz, after);
            let render = next_after(slot, tz, ahead).and_then(|t| t.checked_sub(lead).ok());
            [air, render]
        })
        .flatten()
        .min()
}
