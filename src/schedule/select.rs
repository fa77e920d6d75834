//! Which articles a slot plays, and why the others are left out.

use std::fmt;

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

use super::{Priority, Slot};

/// Mandarin read aloud runs at about four characters a second.
pub const CHARS_PER_SECOND: f64 = 4.0;

/// Estimated seconds of speech for `chars` characters read `repeat` times.
pub fn estimate_seconds(chars: usize, repeat: u32) -> f64 {
    chars as f64 / CHARS_PER_SECOND * f64::from(repeat.max(1))
}

/// One end of a validity window: a whole local day or an exact instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    /// A calendar day in the station's zone (inclusive).
    Day(Date),
    /// An exact instant.
    Instant(Timestamp),
}

impl Bound {
    /// Parses `YYYY-MM-DD` or an RFC 3339 time.
    pub fn parse(s: &str) -> Result<Bound, String> {
        let s = s.trim();
        if let Ok(t) = s.parse::<Timestamp>() {
            return Ok(Bound::Instant(t));
        }
        s.parse::<Date>().map(Bound::Day).map_err(|_| {
            format!("`{s}` is not a date; write `YYYY-MM-DD` or an RFC 3339 time such as `2026-12-01T07:00:00+08:00`")
        })
    }

    /// As people at the station read it: a day as written, an instant in the station's
    /// zone (not UTC).
    pub fn shown(&self, tz: &TimeZone) -> String {
        match self {
            Bound::Day(d) => d.to_string(),
            Bound::Instant(t) => tz.to_datetime(*t).strftime("%Y-%m-%d %H:%M").to_string(),
        }
    }

    /// The first instant it covers (a day: its midnight in `tz`).
    fn first(&self, tz: &TimeZone) -> Option<Timestamp> {
        match self {
            Bound::Day(d) => d.to_zoned(tz.clone()).ok().map(|z| z.timestamp()),
            Bound::Instant(t) => Some(*t),
        }
    }

    /// The last instant it covers (a day: the end of it in `tz`).
    fn last(&self, tz: &TimeZone) -> Option<Timestamp> {
        match self {
            Bound::Day(d) => d
                .tomorrow()
                .ok()?
                .to_zoned(tz.clone())
                .ok()?
                .timestamp()
                .checked_sub(jiff::SignedDuration::from_nanos(1))
                .ok(),
            Bound::Instant(t) => Some(*t),
        }
    }
}

impl fmt::Display for Bound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Bound::Day(d) => write!(f, "{d}"),
            Bound::Instant(t) => write!(f, "{t}"),
        }
    }
}

/// When an article may air.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Validity {
    /// First day or instant, inclusive.
    pub from: Option<Bound>,
    /// Last day or instant, inclusive.
    pub until: Option<Bound>,
}

impl Validity {
    /// Parses optional `from` and `until` strings.
    pub fn parse(from: Option<&str>, until: Option<&str>) -> Result<Validity, String> {
        Ok(Validity {
            from: from.map(Bound::parse).transpose()?,
            until: until.map(Bound::parse).transpose()?,
        })
    }

    /// True when `from` comes after `until`: no instant is inside the window.
    pub fn is_empty(&self, tz: &TimeZone) -> bool {
        match (self.from, self.until) {
            (Some(from), Some(until)) => from
                .first(tz)
                .zip(until.last(tz))
                .is_some_and(|(f, u)| f > u),
            _ => false,
        }
    }

    /// `Ok` when `at` is inside the window, else why not.
    pub fn check(&self, at: Timestamp, tz: &TimeZone) -> Result<(), Exclusion> {
        let day = tz.to_datetime(at).date();
        let early = match self.from {
            Some(Bound::Day(d)) => day < d,
            Some(Bound::Instant(t)) => at < t,
            None => false,
        };
        if early {
            return Err(Exclusion::NotYet(
                self.from.map(|b| b.shown(tz)).unwrap_or_default(),
            ));
        }
        let late = match self.until {
            Some(Bound::Day(d)) => day > d,
            Some(Bound::Instant(t)) => at > t,
            None => false,
        };
        if late {
            return Err(Exclusion::Expired(
                self.until.map(|b| b.shown(tz)).unwrap_or_default(),
            ));
        }
        Ok(())
    }
}

/// Where an article stands with its approver.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Approval {
    /// Waiting for an approver.
    Pending,
    /// Approved, and the script today still hashes to what was approved.
    Valid,
    /// Approved once, but the script is no longer what was approved.
    Changed,
    /// Rejected by an approver.
    Rejected,
    /// Taken out of circulation.
    Withdrawn,
}

/// An article as the selection sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// Article id.
    pub id: i64,
    /// Its queue.
    pub queue: String,
    /// Approval state.
    pub approval: Approval,
    /// When it may air.
    pub validity: Validity,
    /// Its priority.
    pub priority: Priority,
    /// Characters in its script, for the length estimate.
    pub chars: usize,
}

/// Why an article of the slot's queue is not in the program.
#[derive(Debug, Clone, PartialEq)]
pub enum Exclusion {
    /// Nobody has approved it.
    Unapproved,
    /// The script changed after approval.
    Changed,
    /// An approver rejected it.
    Rejected,
    /// It was withdrawn.
    Withdrawn,
    /// Its window has not opened (the `from` bound).
    NotYet(String),
    /// Its window has closed (the `until` bound).
    Expired(String),
    /// The slot's `max_articles` is reached.
    OverArticles(usize),
    /// It would take the program over the slot's `max_minutes`.
    OverMinutes(f64),
}

impl fmt::Display for Exclusion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Exclusion::Unapproved => f.write_str("not approved"),
            Exclusion::Changed => f.write_str("script changed after approval; approve it again"),
            Exclusion::Rejected => f.write_str("rejected"),
            Exclusion::Withdrawn => f.write_str("withdrawn"),
            Exclusion::NotYet(b) => write!(f, "not yet valid (from {b})"),
            Exclusion::Expired(b) => write!(f, "expired (until {b})"),
            Exclusion::OverArticles(n) => write!(f, "over the limit of {n} articles"),
            Exclusion::OverMinutes(m) => write!(f, "over the limit of {m} minutes"),
        }
    }
}

/// What a slot plays at one time.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Selection {
    /// Article ids in program order.
    pub chosen: Vec<i64>,
    /// The queue's other articles and why they are left out.
    pub excluded: Vec<(i64, Exclusion)>,
    /// Estimated seconds of speech.
    pub estimate: f64,
}

/// Picks the articles `slot` plays at `at`: its queue's approved, current articles, most
/// urgent first, then oldest first, within the slot's limits.
pub fn select(slot: &Slot, candidates: &[Candidate], at: Timestamp, tz: &TimeZone) -> Selection {
    let mut queue: Vec<&Candidate> = candidates
        .iter()
        .filter(|c| c.queue == slot.queue)
        .collect();
    queue.sort_by(|a, b| b.priority.cmp(&a.priority).then(a.id.cmp(&b.id)));
    let mut out = Selection::default();
    for c in queue {
        let approval = match c.approval {
            Approval::Valid => Ok(()),
            Approval::Pending => Err(Exclusion::Unapproved),
            Approval::Changed => Err(Exclusion::Changed),
            Approval::Rejected => Err(Exclusion::Rejected),
            Approval::Withdrawn => Err(Exclusion::Withdrawn),
        };
        if let Err(why) = approval.and_then(|()| c.validity.check(at, tz)) {
            out.excluded.push((c.id, why));
            continue;
        }
        if let Some(max) = slot.max_articles
            && out.chosen.len() >= max
        {
            out.excluded.push((c.id, Exclusion::OverArticles(max)));
            continue;
        }
        let seconds = estimate_seconds(c.chars, slot.repeat);
        if let Some(max) = slot.max_minutes
            && out.estimate + seconds > max * 60.0
        {
            out.excluded.push((c.id, Exclusion::OverMinutes(max)));
            continue;
        }
        out.estimate += seconds;
        out.chosen.push(c.id);
    }
    out
}
