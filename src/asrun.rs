//! The as-run row both ways between the log and the wire: a box's log row as the row it
//! sends its hub ([`row_of`]; the same log row always gives the same wire row, so a row sent
//! again after a restart changes nothing), and a received wire row back as a log row at the
//! hub ([`outcome_of`], [`log_keys`], [`airing_of`]). Both directions live here, beside
//! the wording they share, so neither the hub nor the box depends on the other. \[glue\]

use jiff::tz::Offset;

use crate::protocol::{AsRun, AsRunState, Digest, WireTime};
use crate::store::{Airing, Outcome};

/// The interrupt reason a cancel from the hub gives; an airing stopped with it is
/// `cancelled` on the wire.
pub const CANCELLED: &str = "cancelled by the hub";

/// How a missed airing's reason starts on the wire (the wire has no `missed` state).
const MISSED: &str = "missed: ";
/// How an interrupted airing's reason starts on the wire.
const INTERRUPTED: &str = "interrupted: ";

/// The wire state of a finished log row; `None` while it is still claimed or on air.
pub fn state_of(outcome: Outcome, reason: Option<&str>) -> Option<AsRunState> {
    let cancelled = reason.is_some_and(|r| r.starts_with(CANCELLED));
    Some(match outcome {
        Outcome::Claimed | Outcome::Airing => return None,
        Outcome::Aired => AsRunState::Succeeded,
        Outcome::Skipped | Outcome::Interrupted if cancelled => AsRunState::Cancelled,
        Outcome::Missed | Outcome::Failed | Outcome::Interrupted | Outcome::Skipped => {
            AsRunState::Failed
        }
    })
}

/// The wire row for airing `airing_id` from the log row `row`, whose program carried the
/// articles `titles`; `None` while unfinished.
pub fn row_of(
    airing_id: &str,
    row: &Airing,
    digest: Option<&Digest>,
    titles: &[String],
) -> Option<AsRun> {
    let state = state_of(row.outcome, row.reason.as_deref())?;
    let time = |t: jiff::Timestamp| WireTime::new(t, Offset::UTC);
    let reason = match (row.outcome, &row.reason) {
        (Outcome::Missed, Some(r)) => Some(format!("{MISSED}{r}")),
        (Outcome::Interrupted, Some(r)) => Some(format!("{INTERRUPTED}{r}")),
        (_, r) => r.clone(),
    };
    Some(AsRun {
        airing_id: airing_id.to_owned(),
        state,
        started_at: row.started.map(time),
        ended_at: row.ended.map(time),
        program_digest: digest.cloned(),
        voice: row.voice.clone(),
        reason,
        titles: titles.to_vec(),
        duration_secs: row
            .started
            .zip(row.ended)
            .map(|(from, to)| to.duration_since(from).as_secs_f64())
            .filter(|d| *d >= 0.0),
    })
}

/// The log outcome of a box's wire row: the inverse of [`state_of`] and [`row_of`], read
/// at the hub, whose log shows the boxes' rows beside its own.
pub fn outcome_of(state: AsRunState, reason: Option<&str>) -> Outcome {
    match state {
        AsRunState::Waiting => Outcome::Claimed,
        AsRunState::Playing => Outcome::Airing,
        AsRunState::Succeeded => Outcome::Aired,
        AsRunState::Cancelled => Outcome::Interrupted,
        AsRunState::Failed => match reason {
            Some(r) if r.starts_with(MISSED) => Outcome::Missed,
            Some(r) if r.starts_with(INTERRUPTED) => Outcome::Interrupted,
            _ => Outcome::Failed,
        },
    }
}

/// Where a box's row sits in the hub's log: its slot and scheduled time from its airing id
/// (`slot@time`; an alert's id stands for both when it has no `@`; else when it started or
/// when the hub received it), and its log outcome. Stored beside the row so the log is
/// filtered in SQL.
pub fn log_keys(row: &AsRun, received_at: &str) -> (String, jiff::Timestamp, Outcome) {
    let (slot, at) = row
        .airing_id
        .split_once('@')
        .unwrap_or((row.airing_id.as_str(), ""));
    let scheduled = at
        .parse::<jiff::Timestamp>()
        .ok()
        .or(row.started_at.as_ref().map(WireTime::at))
        .or_else(|| received_at.parse().ok())
        .unwrap_or_default();
    let outcome = outcome_of(row.state, row.reason.as_deref());
    (slot.to_owned(), scheduled, outcome)
}

/// A box's row as the hub received it, as a row of the station's log (for the console's
/// page and the CSV): placed by [`log_keys`], its titles as articles, the box named as the
/// device.
pub fn airing_of(r: &crate::hub::store::LoggedRow) -> Airing {
    let row = &r.row;
    let (slot, scheduled, outcome) = log_keys(row, &r.received_at);
    let articles = row
        .titles
        .iter()
        .map(|t| crate::store::AiredArticle {
            id: 0,
            title: Some(t.clone()),
            version: 0,
            hash: String::new(),
            approved_by: None,
            countersigned_by: None,
        })
        .collect();
    Airing {
        id: 0,
        slot,
        scheduled,
        started: row.started_at.as_ref().map(WireTime::at),
        ended: row.ended_at.as_ref().map(WireTime::at),
        outcome,
        reason: row.reason.clone(),
        voice: row.voice.clone(),
        duration: row.duration_secs,
        lufs: None,
        device: Some(format!("{}（{}）", r.box_name, r.box_id)),
        emergency_by: None,
        operator: None,
        events: Vec::new(),
        articles,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_box_wire_state_maps_back_onto_the_log_outcome() {
        let f = |s, r| outcome_of(s, r);
        assert_eq!(f(AsRunState::Succeeded, None), Outcome::Aired);
        assert_eq!(f(AsRunState::Failed, Some("missed: late")), Outcome::Missed);
        assert_eq!(f(AsRunState::Failed, Some("no device")), Outcome::Failed);
        assert_eq!(f(AsRunState::Cancelled, None), Outcome::Interrupted);
    }

    #[test]
    fn engine_outcomes_map_onto_the_ebm_states() {
        assert_eq!(state_of(Outcome::Aired, None), Some(AsRunState::Succeeded));
        assert_eq!(state_of(Outcome::Airing, None), None);
        assert_eq!(
            state_of(
                Outcome::Interrupted,
                Some("cancelled by the hub (alert e-1)")
            ),
            Some(AsRunState::Cancelled)
        );
        assert_eq!(
            state_of(Outcome::Interrupted, Some("the box was stopped")),
            Some(AsRunState::Failed)
        );
        assert_eq!(
            state_of(Outcome::Missed, Some("x")),
            Some(AsRunState::Failed)
        );
    }
}
