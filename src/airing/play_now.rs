//! `play-now` (an article on air at once, approved or as an emergency) and the resumption
//! of a program an emergency cut off. Both go through the same airing state machine.

use std::path::PathBuf;

use anyhow::Context;
use jiff::{SignedDuration, Timestamp};

use super::engine::{Engine, PlannedProgram};
use super::interrupt::Interrupt;
use super::machine::{Finished, OnAirResult};
use super::prepare::{Prepared, prepare_one};
use super::{Event, PLAY_NOW};
use crate::article::Article;
use crate::media::wav;
use crate::pipeline::ProgramOptions;
use crate::schedule::{self, Approval, Priority, Selection, Slot};
use crate::store::Outcome;

impl Engine {
    /// Whether article `article_id` may air at once, and why not: it must be approved
    /// (or aired unsigned on an explicit emergency order), not rejected or withdrawn, outside
    /// quiet hours unless urgent, and its script still the stored one. Returns the article.
    pub async fn check_play_now(
        &self,
        article_id: i64,
        emergency_by: Option<&str>,
    ) -> anyhow::Result<(Prepared, Article)> {
        let row = self.db.call(move |s| s.article(article_id)).await?;
        let prepared = prepare_one(row, &self.lexicon()?);
        match (prepared.candidate.approval, emergency_by) {
            (Approval::Valid, _) | (Approval::Pending | Approval::Changed, Some(_)) => {}
            (Approval::Rejected | Approval::Withdrawn, _) => anyhow::bail!(
                "article {article_id} is {}; it cannot air",
                prepared.row.status
            ),
            (_, None) => anyhow::bail!(
                "article {article_id} is not approved; approve it with `dalaba approve {article_id} --by NAME`, or in an emergency air it unsigned with `--emergency --by NAME`"
            ),
        }
        let urgent = emergency_by.is_some() || prepared.candidate.priority == Priority::Emergency;
        let quiet = self.station.settings.quiet_hours;
        if let Some(hours) =
            quiet.filter(|q| q.contains(self.tz.to_datetime(self.clock.now()).time()))
            && !urgent
        {
            anyhow::bail!(
                "it is quiet hours ({hours}): only emergencies air; if article {article_id} is one, add `--emergency --by NAME`"
            );
        }
        let article = prepared.article.clone().with_context(|| {
            format!("article {article_id} no longer parses; fix it with `dalaba update`")
        })?;
        if prepared.hash != prepared.row.data.hash {
            anyhow::bail!(
                "article {article_id}'s script is no longer what was stored; run `dalaba update {article_id} FILE` and approve it again"
            );
        }
        Ok((prepared, article))
    }

    /// Airs article `article_id` at once (see [`Engine::check_play_now`]); `operator` is who
    /// ordered it, `emergency` whether it may air unsigned.
    pub async fn play_now(
        &self,
        article_id: i64,
        operator: Option<&str>,
        emergency: bool,
        interrupt: &Interrupt,
    ) -> anyhow::Result<Event> {
        let emergency_by = operator.filter(|_| emergency);
        let (prepared, article) = self.check_play_now(article_id, emergency_by).await?;
        let mut at = self.clock.now();
        // Two play-now calls in the same millisecond get distinct keys.
        let claimed = loop {
            if let Some(c) = self.claim(PLAY_NOW, at, false).await? {
                break c;
            }
            at = at.checked_add(SignedDuration::from_millis(1))?;
        };
        let plan = self.play_now_plan(prepared, &article, at);
        let finished = match self.render(&plan).await {
            Err(e) => {
                self.close(claimed, Outcome::Failed, format!("{e:#}"), None)
                    .await?
            }
            Ok(_) => {
                self.rendered(&claimed, &plan.program).await?;
                let on_air = self.on_air(&plan, emergency_by, operator);
                match self
                    .go_on_air(claimed, &plan.program, on_air, None, 0.0, interrupt)
                    .await?
                {
                    OnAirResult::Done(f) => f,
                    OnAirResult::Refused(back, why) => {
                        let why = format!("not aired: {why}");
                        self.close(back, Outcome::Failed, why, None).await?
                    }
                }
            }
        };
        Ok(finished.event(PLAY_NOW, at))
    }

    /// Renders, ahead of need, the program `play-now` would air for `article_id`, so an
    /// emergency notice prepared in advance breaks in without waiting for the voice.
    pub async fn render_play_now(&self, article_id: i64) -> anyhow::Result<PathBuf> {
        let row = self.db.call(move |s| s.article(article_id)).await?;
        let prepared = prepare_one(row, &self.lexicon()?);
        let article = prepared
            .article
            .clone()
            .with_context(|| format!("article {article_id} no longer parses"))?;
        let plan = self.play_now_plan(prepared, &article, self.clock.now());
        self.render(&plan).await?;
        Ok(plan.program)
    }

    /// A one-article program, airing at once.
    fn play_now_plan(
        &self,
        prepared: Prepared,
        article: &Article,
        at: Timestamp,
    ) -> PlannedProgram {
        let voice = article.front.voice.clone();
        let repeat = article.front.repeat.unwrap_or(1);
        let program = self.program_path(
            &ProgramOptions {
                voice: voice.clone(),
                repeat,
                ..Default::default()
            },
            std::slice::from_ref(&prepared),
        );
        let slot = Slot {
            name: PLAY_NOW.into(),
            title: prepared.row.data.title.clone().unwrap_or_default(),
            times: schedule::Times::At(Vec::new()),
            days: schedule::Days::DAILY,
            from: None,
            until: None,
            queue: prepared.row.data.queue.clone(),
            voice,
            repeat,
            max_articles: None,
            max_minutes: None,
            intro: None,
            outro: None,
            preamble: None,
            closing: None,
            catch_up_minutes: 0,
            priority: Priority::Emergency,
            zones: Vec::new(),
            file: PathBuf::new(),
            line: 0,
        };
        PlannedProgram {
            slot,
            at,
            selection: Selection::default(),
            skip: None,
            articles: vec![prepared],
            program,
        }
    }

    /// Airs an interrupted slot's program again after an emergency, as its own log entry,
    /// from the start of the paragraph that was cut off `cut` seconds in.
    pub async fn resume(
        &self,
        slot: &str,
        at: Timestamp,
        cut: f64,
        interrupt: &Interrupt,
    ) -> anyhow::Result<Option<Event>> {
        let Some(slot) = self.slot(slot).cloned() else {
            return Ok(None);
        };
        let name = format!("{} (resumed)", slot.name);
        let Some(claimed) = self.claim(&name, at, false).await? else {
            return Ok(None);
        };
        let prepared = self.prepare(vec![slot.queue.clone()]).await?;
        let plan = self.plan(&slot, at, &prepared);
        let min_gap = self.station.settings.program.pauses.paragraph * 0.95;
        let from = wav::read_clip(&plan.program)
            .map(|c| paragraph_start(&c.samples, c.rate, cut, min_gap))
            .unwrap_or(0.0);
        let on_air = self.on_air(&plan, None, None);
        let finished: Finished = match self
            .go_on_air(claimed, &plan.program, on_air, None, from, interrupt)
            .await?
        {
            OnAirResult::Done(f) => f,
            OnAirResult::Refused(back, why) => {
                let why = format!("not aired: {why}");
                self.close(back, Outcome::Failed, why, None).await?
            }
        };
        Ok(Some(finished.event(&name, at)))
    }
}

/// Where to pick a program up again that was cut off `at` seconds in: the end of the
/// last pause of at least `min_gap` seconds (a paragraph break or longer) before `at`,
/// less a short lead-in; 0 when there is none.
pub fn paragraph_start(samples: &[f32], rate: u32, at: f64, min_gap: f64) -> f64 {
    const QUIET: f32 = 1e-3;
    const LEAD_IN: f64 = 0.3;
    let rate_f = f64::from(rate);
    let end = ((at * rate_f) as usize).min(samples.len());
    let min = (min_gap * rate_f).ceil() as usize;
    let mut best = 0.0;
    let mut run = 0usize;
    for (i, s) in samples[..end].iter().enumerate() {
        if s.abs() < QUIET {
            run += 1;
        } else {
            if run >= min.max(1) {
                let gap = run as f64 / rate_f;
                best = (i as f64 / rate_f - LEAD_IN.min(gap)).max(0.0);
            }
            run = 0;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resumes_at_the_last_paragraph_break_before_the_cut() {
        let rate = 100;
        let tone = |secs: usize| vec![0.5f32; secs * rate as usize / 10];
        let quiet = |secs: usize| vec![0.0f32; secs * rate as usize / 10];
        // 1 s speech, 1 s paragraph pause, 1 s speech, 0.3 s sentence pause, 1 s speech.
        let samples: Vec<f32> = [tone(10), quiet(10), tone(10), quiet(3), tone(10)].concat();
        let from = paragraph_start(&samples, rate, 3.8, 0.76);
        assert!((from - 1.7).abs() < 1e-9, "{from}");
        assert_eq!(paragraph_start(&samples, rate, 0.5, 0.76), 0.0);
        // A cut inside the pause itself goes back to the paragraph before it.
        assert_eq!(paragraph_start(&samples, rate, 1.5, 0.76), 0.0);
    }
}
