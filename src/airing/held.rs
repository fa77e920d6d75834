//! Airings a village box holds from its hub's manifest (or an emergency from its alert
//! stream): the program arrives rendered and digest-checked, so there is nothing to select
//! or render; the airing goes through the same state machine — claimed exactly once, on
//! air, finished — into the box's own as-run log.

use jiff::Timestamp;

use super::Event;
use super::engine::Engine;
use super::interrupt::Interrupt;
use super::machine::{Finished, OnAirResult};
use crate::audio::Clip;
use crate::store::{OnAir, Outcome};

/// One held airing to put on air.
#[derive(Debug, Clone)]
pub struct HeldProgram {
    /// The as-run log's slot name.
    pub slot: String,
    /// Its scheduled time (the exactly-once key, with `slot`).
    pub at: Timestamp,
    /// Wait for this time before going on air (a scheduled airing); `None`: at once.
    pub start: Option<Timestamp>,
    /// It failed before and is tried again.
    pub retry: bool,
    /// Where the clip begins in its program (a resumed airing), for the log.
    pub from: f64,
    /// Who ordered it (an emergency).
    pub operator: Option<String>,
    /// The voice it was rendered with, when the hub said.
    pub voice: Option<String>,
    /// Where the program came from, for the log.
    pub source: String,
}

impl Engine {
    /// Claims and airs `held`; `load` reads and checks its program (its error is the log's
    /// reason). `None` when the airing is already claimed or in the log.
    pub async fn air_held(
        &self,
        held: &HeldProgram,
        load: impl FnOnce() -> Result<Clip, String>,
        interrupt: &Interrupt,
    ) -> anyhow::Result<Option<Finished>> {
        let Some(claimed) = self.claim(&held.slot, held.at, held.retry).await? else {
            return Ok(None);
        };
        let clip = match load() {
            Ok(clip) => clip,
            Err(why) => {
                let finished = self.close(claimed, Outcome::Failed, why, None).await?;
                return Ok(Some(finished));
            }
        };
        self.rendered(&claimed, std::path::Path::new(&held.source))
            .await?;
        let on_air = OnAir {
            articles: Vec::new(),
            emergency_by: held.operator.clone(),
            operator: held.operator.clone(),
            voice: held.voice.clone(),
            device: Some(self.speaker.device()),
            duration: Some(clip.duration()),
            lufs: None,
        };
        let result = self
            .air_clip(claimed, clip, on_air, held.start, held.from, interrupt)
            .await?;
        Ok(Some(match result {
            OnAirResult::Done(finished) => finished,
            OnAirResult::Refused(back, why) => {
                self.close(back, Outcome::Failed, format!("not aired: {why}"), None)
                    .await?
            }
        }))
    }

    /// Logs decided outcomes (missed, skipped) for airings nobody claimed, in one
    /// transaction.
    pub async fn log_decided(
        &self,
        rows: Vec<(String, Timestamp, Outcome, String)>,
    ) -> anyhow::Result<Vec<Event>> {
        let now = self.clock.now();
        let events = rows
            .iter()
            .map(|(slot, at, outcome, why)| {
                Event::new(slot, *at, outcome.as_str(), why.clone(), false)
            })
            .collect();
        self.db
            .call(move |s| s.record_all(&rows, now, None))
            .await?;
        Ok(events)
    }
}

impl Engine {
    /// What the as-run log holds for airings scheduled in `(after, until]`, as the planners
    /// see it.
    pub async fn log_view(
        &self,
        after: Timestamp,
        until: Timestamp,
    ) -> anyhow::Result<crate::schedule::plan::LogView> {
        let now = self.clock.now();
        let rows = self.db.call(move |s| s.log_view(after, until)).await?;
        Ok(rows
            .into_iter()
            .map(|(slot, at, outcome, ended)| {
                ((slot, at), super::step::logged(outcome, ended, now))
            })
            .collect())
    }

    /// The as-run log's row for `(slot, at)`, if any.
    pub async fn log_row(
        &self,
        slot: &str,
        at: Timestamp,
    ) -> anyhow::Result<Option<crate::store::Airing>> {
        let rows = self.db.call(move |s| s.airings(Some(at), Some(at))).await?;
        Ok(rows.into_iter().find(|a| a.slot == slot))
    }
}
