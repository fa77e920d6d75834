//! Time, injected: the real clock on a live station; a clock that starts at a given time
//! and runs at the runtime's pace for rehearsals and tests (under tokio's paused time a
//! simulated week passes in milliseconds).

use jiff::{SignedDuration, Timestamp};

/// What time it is.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// Now.
    fn now(&self) -> Timestamp;
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// A clock that reads `start` when made and runs on at the pace of tokio's clock.
#[derive(Debug, Clone, Copy)]
pub struct RunningClock {
    start: Timestamp,
    origin: tokio::time::Instant,
}

impl RunningClock {
    /// Starts at `start`.
    pub fn starting_at(start: Timestamp) -> RunningClock {
        RunningClock {
            start,
            origin: tokio::time::Instant::now(),
        }
    }
}

impl Clock for RunningClock {
    fn now(&self) -> Timestamp {
        let run = SignedDuration::try_from(self.origin.elapsed()).unwrap_or(SignedDuration::MAX);
        self.start.checked_add(run).unwrap_or(self.start)
    }
}

/// Sleeps until `clock` reads `at` (at once when it is past).
pub async fn sleep_until(clock: &dyn Clock, at: Timestamp) {
    let wait = at.duration_since(clock.now());
    if wait > SignedDuration::ZERO {
        tokio::time::sleep(wait.unsigned_abs()).await;
    }
}

/// How far `--now` may be from the real time on a live station.
pub const NOW_TOLERANCE: SignedDuration = SignedDuration::from_secs(60);

/// `--now` refused on a live station.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error(
    "`--now {asked}` is {off} away from the real time, and this station is live: replaying another time here would change its as-run log and its future. Rehearse on a copy: `cp -r {station} rehearsal && echo 'rehearsal = true' >> rehearsal/dalaba.toml`, then `dalaba --station rehearsal tick --now {asked}`"
)]
pub struct NowRefused {
    /// What was asked.
    pub asked: Timestamp,
    /// How far off, rounded.
    pub off: String,
    /// The station directory, as typed.
    pub station: String,
}

/// The time a command runs at: on a rehearsal station `--now` as given; on a live station the
/// real time, and `--now` only when it is within a minute of it.
/// `Ok(None)` means the real clock.
pub fn check_now(
    rehearsal: bool,
    asked: Option<Timestamp>,
    real: Timestamp,
    station: &str,
) -> Result<Option<Timestamp>, NowRefused> {
    let Some(asked) = asked else {
        return Ok(None);
    };
    if rehearsal {
        return Ok(Some(asked));
    }
    let off = asked.duration_since(real).abs();
    if off <= NOW_TOLERANCE {
        return Ok(None);
    }
    let rounded = SignedDuration::from_secs(off.as_secs());
    Err(NowRefused {
        asked,
        off: format!("{rounded:#}"),
        station: station.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn a_live_station_refuses_a_far_now_and_says_how_to_rehearse() {
        let real = ts("2026-12-01T07:00:00+08:00");
        let far = ts("2026-12-03T07:00:00+08:00");
        let e = check_now(false, Some(far), real, "station").unwrap_err();
        let text = e.to_string();
        assert!(text.contains("cp -r station rehearsal"), "{text}");
        assert!(text.contains("rehearsal = true"), "{text}");
        let near = ts("2026-12-01T07:00:30+08:00");
        assert_eq!(check_now(false, Some(near), real, "station"), Ok(None));
        assert_eq!(check_now(true, Some(far), real, "station"), Ok(Some(far)));
        assert_eq!(check_now(false, None, real, "station"), Ok(None));
    }

    #[tokio::test(start_paused = true)]
    async fn a_running_clock_follows_tokio_time() {
        let start = ts("2026-12-01T07:00:00+08:00");
        let clock = RunningClock::starting_at(start);
        sleep_until(&clock, ts("2026-12-08T07:00:00+08:00")).await;
        assert_eq!(clock.now(), ts("2026-12-08T07:00:00+08:00"));
    }
}
