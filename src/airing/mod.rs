//! The broadcast engine used by `tick`, `run` and `play-now`. \[glue\]
//!
//! | file | owns |
//! | --- | --- |
//! | [`crate::schedule::plan`] (core) | *what* to do now: air, log missed, skip, render ahead |
//! | `machine` | *how* one airing goes: claimed → rendered → on air → finished |
//! | `step` | one pass: recover, ask the planner, carry out its actions |
//! | `daemon` | `run`: waits on deadlines, reloads, play-now requests and shutdown |
//! | `play_now` | `play-now` and resuming a program an emergency cut off |
//! | `held` | a village box's airings: programs from its hub, already rendered and checked |
//! | `clock`, `interrupt`, `locks` | time, stop requests, the locks between processes |
//! | `prepare`, `slots` | articles judged for air; schedules and time zone loaded |
//!
//! The edges — the clock, the loudspeaker ([`crate::player::Speaker`]), the database
//! ([`crate::store::StoreHandle`]) — are handed in by `app` as [`Edges`].
//!
//! Exactly once: an airing is claimed in a transaction, unique on slot and scheduled time,
//! while this process holds an advisory lock on a per-airing lock file. The lock dies with
//! the process, so a later pass that finds an unfinished airing whose lock it can take knows
//! its owner is gone and records it as interrupted (or gives it back, if it never aired).
//!
//! Approval integrity: the script is derived again from the stored article source at air
//! time and must hash to the approved hash; [`crate::store::Store::begin_airing`] re-checks
//! the approval in the same transaction that marks the airing as on air.

mod clock;
mod daemon;
mod engine;
mod held;
mod interrupt;
mod locks;
mod machine;
mod play_now;
mod prepare;
mod slots;
mod step;

pub use clock::{Clock, NowRefused, RunningClock, SystemClock, check_now, sleep_until};
pub use daemon::{Inputs, run};
pub use engine::{Edges, Engine, PlannedProgram};
pub use held::HeldProgram;
pub use interrupt::Interrupt;
pub use locks::{AiringLock, DaemonLock};
pub use machine::Finished;
pub use play_now::paragraph_start;
pub use prepare::{Prepared, parse_source, prepare_one, script_of};
pub use slots::{MAX_SLOTS, load_slots, schedules_stamp, time_zone};

use jiff::Timestamp;

/// The slot name used for `play-now` airings.
pub const PLAY_NOW: &str = "play-now";

/// One line of what the engine did, for the terminal.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// Slot name.
    pub slot: String,
    /// Scheduled time.
    pub at: Timestamp,
    /// What happened (`aired`, `failed`, `missed`, …, or `rendered`).
    pub what: String,
    /// Details.
    pub detail: String,
    /// Whether it is a failure that makes `tick` exit non-zero.
    pub failure: bool,
    /// Seconds into the program when an emergency or a stop cut it off.
    pub cut_at: Option<f64>,
    /// For a program that aired: its articles and seconds, so the terminal can word the
    /// line in its own language (`detail` says the same in English).
    pub program: Option<(usize, f64)>,
    /// Where in the program it resumed, seconds (a program cut off before).
    pub resumed_from: Option<f64>,
}

impl Event {
    /// An event about `slot` at `at`.
    pub fn new(slot: &str, at: Timestamp, what: &str, detail: String, failure: bool) -> Event {
        Event {
            slot: slot.to_owned(),
            at,
            what: what.to_owned(),
            detail,
            failure,
            cut_at: None,
            program: None,
            resumed_from: None,
        }
    }
}
