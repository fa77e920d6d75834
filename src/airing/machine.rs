//! One airing's life, the same for a scheduled slot, a play-now, an emergency and a resumed
//! program: **claimed** (this process holds it, exactly once) → **rendered** (its program is
//! ready) → **on air** (approval re-checked in the same transaction) → **finished** with an
//! outcome. Each transition is one typed event in the as-run log
//! ([`crate::store::AiringEvent`]); a claim given back before air leaves no row.

use std::path::Path;

use jiff::Timestamp;

use super::Event;
use super::clock::sleep_until;
use super::engine::Engine;
use super::interrupt::Interrupt;
use super::locks::{AiringLock, PlayerLock};
use crate::audio::Clip;
use crate::player::Played;
use crate::program::{ProgramSummary, VerifiedProgram};
use crate::store::{OnAir, Outcome};

/// Below this share of its length, a playback that "finished" did not really play.
const MIN_PLAYED_SHARE: f64 = 0.5;

/// An occurrence this process holds.
#[derive(Debug)]
pub(super) struct Claimed {
    id: i64,
    slot: String,
    at: Timestamp,
    _lock: AiringLock,
}

/// How an airing ended.
#[derive(Debug, Clone, PartialEq)]
pub struct Finished {
    /// Its outcome (`Claimed` when it was given back before air).
    pub outcome: Outcome,
    /// For the terminal.
    pub detail: String,
    /// Seconds into the program when it was cut off.
    pub stopped_at: Option<f64>,
    /// The articles and seconds of a program that aired.
    pub program: Option<(usize, f64)>,
    /// Where in the program it resumed, seconds (a program cut off before).
    pub resumed_from: Option<f64>,
}

impl Finished {
    /// The terminal line for this airing of `slot` at `at`.
    pub fn event(&self, slot: &str, at: Timestamp) -> Event {
        let what = match self.outcome {
            Outcome::Claimed => "released",
            o => o.as_str(),
        };
        let mut e = Event::new(
            slot,
            at,
            what,
            self.detail.clone(),
            self.outcome == Outcome::Failed,
        );
        e.cut_at = self.stopped_at;
        e.program = self.program;
        e.resumed_from = self.resumed_from;
        e
    }
}

/// What going on air came to.
#[derive(Debug)]
pub(super) enum OnAirResult {
    /// It aired, or ended otherwise.
    Done(Finished),
    /// The approvals no longer match the program: nothing went out, the claim is still held
    /// (to make the program again without the articles at fault).
    Refused(Claimed, String),
}

impl Engine {
    /// Claims `(slot, at)` — again, when `retry`, after a failure. `None` when another
    /// process has it.
    pub(super) async fn claim(
        &self,
        slot: &str,
        at: Timestamp,
        retry: bool,
    ) -> anyhow::Result<Option<Claimed>> {
        let Some(lock) = AiringLock::try_take(&self.station, slot, at)? else {
            return Ok(None);
        };
        let (name, owner, now) = (slot.to_owned(), self.owner.clone(), self.clock.now());
        let id = self
            .db
            .call(move |s| {
                if retry {
                    s.claim_again(&name, at, now, &owner)
                } else {
                    s.claim(&name, at, now, &owner)
                }
            })
            .await?;
        Ok(id.map(|id| Claimed {
            id,
            slot: slot.to_owned(),
            at,
            _lock: lock,
        }))
    }

    /// Ends a claim (skipped, failed before air) with `outcome`.
    pub(super) async fn close(
        &self,
        claimed: Claimed,
        outcome: Outcome,
        reason: String,
        played: Option<f64>,
    ) -> anyhow::Result<Finished> {
        let (id, now, why) = (claimed.id, self.clock.now(), reason.clone());
        self.db
            .call(move |s| s.finish_played(id, outcome, Some(&why), now, played))
            .await?;
        Ok(Finished {
            outcome,
            detail: reason,
            stopped_at: None,
            program: None,
            resumed_from: None,
        })
    }

    /// Gives a claim back before air, so a later pass airs the occurrence.
    async fn release(&self, claimed: Claimed, reason: String) -> anyhow::Result<Finished> {
        let id = claimed.id;
        self.db.call(move |s| s.release(id)).await?;
        Ok(Finished {
            outcome: Outcome::Claimed,
            detail: format!("{reason} before air; the slot is left for the next run"),
            stopped_at: None,
            program: None,
            resumed_from: None,
        })
    }

    /// Records that the claim's program is ready.
    pub(super) async fn rendered(&self, claimed: &Claimed, program: &Path) -> anyhow::Result<()> {
        let (id, now, name) = (claimed.id, self.clock.now(), program.display().to_string());
        self.db.call(move |s| s.mark_rendered(id, now, &name)).await
    }

    /// Puts `program` on air for `claimed`: checks it carries exactly `on_air`'s scripts,
    /// waits for the loudspeaker and for `start`, marks it on air (approvals checked in the
    /// same transaction), plays it from `from` seconds in and records how it ended.
    pub(super) async fn go_on_air(
        &self,
        claimed: Claimed,
        program: &Path,
        mut on_air: OnAir,
        start: Option<Timestamp>,
        from: f64,
        interrupt: &Interrupt,
    ) -> anyhow::Result<OnAirResult> {
        let (clip, summary) = match load_program(program, from) {
            Ok(loaded) => loaded,
            Err(reason) => {
                let f = self.close(claimed, Outcome::Failed, reason, None).await?;
                return Ok(OnAirResult::Done(f));
            }
        };
        let carried: Vec<&str> = summary
            .articles
            .iter()
            .map(|a| a.script_hash.as_str())
            .collect();
        let expected: Vec<&str> = on_air.articles.iter().map(|(_, h)| h.as_str()).collect();
        if carried != expected {
            let why = format!(
                "the program `{}` does not carry the scripts that are approved",
                program.display()
            );
            return Ok(OnAirResult::Refused(claimed, why));
        }
        on_air.duration = Some(clip.duration());
        on_air.lufs = summary.lufs;
        if let Some(spoken_by) = &summary.spoken_by {
            on_air.voice = Some(spoken_by.voice.clone());
        }
        self.air_clip(claimed, clip, on_air, start, from, interrupt)
            .await
    }

    /// Puts `clip` (already checked by the caller) on air for `claimed`: waits for the
    /// loudspeaker and for `start`, marks it on air (approvals checked in the same
    /// transaction), plays it and records how it ended. `from` is where `clip` begins in
    /// its program, for the log.
    pub(super) async fn air_clip(
        &self,
        claimed: Claimed,
        clip: Clip,
        on_air: OnAir,
        start: Option<Timestamp>,
        from: f64,
        interrupt: &Interrupt,
    ) -> anyhow::Result<OnAirResult> {
        let player = tokio::select! {
            p = PlayerLock::take(&self.station) => p?,
            () = interrupt.wait() => {
                return Ok(OnAirResult::Done(self.release(claimed, interrupt.reason()).await?));
            }
        };
        if let Some(start) = start {
            tokio::select! {
                () = sleep_until(self.clock.as_ref(), start) => {}
                () = interrupt.wait() => {}
            }
        }
        if interrupt.raised() {
            return Ok(OnAirResult::Done(
                self.release(claimed, interrupt.reason()).await?,
            ));
        }
        let (id, now, record) = (claimed.id, self.clock.now(), on_air.clone());
        if let Err(refused) = self
            .db
            .call(move |s| s.begin_airing(id, &record, now))
            .await?
        {
            let why = refused
                .iter()
                .map(|(a, why)| format!("article {a}: {why}"))
                .collect::<Vec<_>>()
                .join("; ");
            return Ok(OnAirResult::Refused(claimed, why));
        }
        let finished = self.play(claimed, clip, &on_air, from, interrupt).await;
        drop(player);
        Ok(OnAirResult::Done(finished?))
    }

    /// Plays the clip of an airing now on air and finishes it.
    async fn play(
        &self,
        claimed: Claimed,
        clip: Clip,
        on_air: &OnAir,
        from: f64,
        interrupt: &Interrupt,
    ) -> anyhow::Result<Finished> {
        let length = clip.duration();
        let started = self.clock.now();
        let played = self.speaker.play(clip, Box::pin(interrupt.wait())).await;
        let took = self.clock.now().duration_since(started).as_secs_f64();
        let resumed = (from > 0.0).then(|| {
            format!("resumed from {from:.1} s, the start of the paragraph that was cut off")
        });
        let (outcome, reason) = match played {
            Ok(Played::Finished)
                if self.station.settings.device_realtime && took < length * MIN_PLAYED_SHARE =>
            {
                (
                    Outcome::Failed,
                    Some(format!(
                        "the sound device took the {length:.1} s program in {took:.2} s: it cannot have played it; check the device"
                    )),
                )
            }
            Ok(Played::Finished) => (Outcome::Aired, resumed),
            Ok(Played::Stopped) => (Outcome::Interrupted, Some(interrupt.reason())),
            Err(e) => (Outcome::Failed, Some(e.to_string())),
        };
        let real = (outcome == Outcome::Failed).then_some(took);
        let (id, now, why) = (claimed.id, self.clock.now(), reason.clone());
        self.db
            .call(move |s| s.finish_played(id, outcome, why.as_deref(), now, real))
            .await?;
        let count = on_air.articles.len();
        let detail = match (&reason, outcome) {
            (Some(r), Outcome::Aired) => format!("{count} article(s), {length:.1} s; {r}"),
            (None, _) => format!("{count} article(s), {length:.1} s"),
            (Some(r), _) => r.clone(),
        };
        let stopped_at = (outcome == Outcome::Interrupted).then_some(from + took);
        let sized = reason.is_none() || outcome == Outcome::Aired;
        let program = sized.then_some((count, length));
        let resumed_from = (outcome == Outcome::Aired && from > 0.0).then_some(from);
        tracing::debug!(slot = %claimed.slot, at = %claimed.at, "{detail}");
        Ok(Finished {
            outcome,
            detail,
            stopped_at,
            program,
            resumed_from,
        })
    }
}

/// The program's clip from `from` seconds in, and its summary, both verified against the
/// summary's checksum; why not, as a log reason. A damaged program is discarded here, so the
/// next pass renders it again instead of failing its slot for good.
fn load_program(program: &Path, from: f64) -> Result<(Clip, ProgramSummary), String> {
    let VerifiedProgram { mut clip, summary } = match crate::program::load_verified(program) {
        Ok(verified) => verified,
        Err(damage) => {
            crate::program::verify::discard(program, &damage.to_string());
            return Err(format!(
                "not aired: {damage}; it was discarded and will be rendered again"
            ));
        }
    };
    let skip = ((from * f64::from(clip.rate)) as usize).min(clip.samples.len());
    if skip > 0 {
        clip = Clip::new(clip.rate, clip.samples[skip..].to_vec());
    }
    Ok((clip, summary))
}
