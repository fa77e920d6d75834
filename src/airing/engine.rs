//! The engine: a station, its slots, and the edges it was handed.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use super::clock::Clock;
use super::prepare::{Prepared, prepare_one};
use super::slots::{join_errors, load_slots, time_zone};
use crate::article::Article;
use crate::pipeline::{self, ProgramOptions};
use crate::player::Speaker;
use crate::program::ChimeSource;
use crate::schedule::{Candidate, Selection, Slot, plan};
use crate::station::Station;
use crate::store::StoreHandle;
use crate::text::Lexicon;
use crate::tts::Voices;

/// The edges the engine works through, built by `app` (or by a test).
#[derive(Debug, Clone)]
pub struct Edges {
    /// What time it is.
    pub clock: Arc<dyn Clock>,
    /// The loudspeaker.
    pub speaker: Arc<dyn Speaker>,
    /// The station database.
    pub db: StoreHandle,
    /// Where programs' synthesizers come from.
    pub voices: Arc<dyn Voices>,
}

/// The engine: a station, its slots, and the edges it needs.
#[derive(Debug)]
pub struct Engine {
    /// The station.
    pub station: Station,
    /// Its time zone.
    pub tz: TimeZone,
    /// Its slots.
    pub slots: Vec<Slot>,
    /// How long before a slot its program is rendered.
    pub lead: SignedDuration,
    /// The clock.
    pub clock: Arc<dyn Clock>,
    /// The loudspeaker.
    pub speaker: Arc<dyn Speaker>,
    /// The database.
    pub db: StoreHandle,
    /// The TTS voices.
    pub voices: Arc<dyn Voices>,
    /// Who this process is, for the log.
    pub owner: String,
    /// The hour the lock folder was last swept in.
    pub(super) swept_hour: std::sync::atomic::AtomicI64,
    /// When each coming occurrence's program was last checked for rendering ahead.
    pub(super) looked_ahead:
        std::sync::Mutex<std::collections::HashMap<(String, Timestamp), Timestamp>>,
}

/// What one occurrence of a slot will play.
#[derive(Debug, Clone)]
pub struct PlannedProgram {
    /// The slot.
    pub slot: Slot,
    /// Scheduled time.
    pub at: Timestamp,
    /// The selection and its reasons.
    pub selection: Selection,
    /// Why nothing airs, when nothing does.
    pub skip: Option<plan::Skip>,
    /// The chosen articles, in order.
    pub articles: Vec<Prepared>,
    /// Where its program WAV is (or will be) rendered.
    pub program: PathBuf,
}

impl Engine {
    /// Builds the engine for `station` on `edges`: time zone, slots and settings, all checked.
    pub fn new(station: Station, edges: Edges) -> anyhow::Result<Engine> {
        let tz = time_zone(&station)?;
        let slots = load_slots(&station).map_err(join_errors)?;
        let lead = SignedDuration::from_mins(i64::from(station.settings.lead_minutes));
        Ok(Engine {
            station,
            tz,
            slots,
            lead,
            clock: edges.clock,
            speaker: edges.speaker,
            db: edges.db,
            voices: edges.voices,
            owner: format!("pid {}", std::process::id()),
            looked_ahead: Default::default(),
            swept_hour: std::sync::atomic::AtomicI64::new(i64::MIN),
        })
    }

    /// Reads the schedules again.
    pub fn reload(&mut self) -> anyhow::Result<()> {
        self.slots = load_slots(&self.station).map_err(join_errors)?;
        Ok(())
    }

    /// The station's pronunciation lexicon, read afresh: the script approvers sign off is
    /// the one spoken with it.
    pub fn lexicon(&self) -> anyhow::Result<Lexicon> {
        Ok(self.station.lexicon()?)
    }

    pub(super) fn slot(&self, name: &str) -> Option<&Slot> {
        self.slots.iter().find(|s| s.name == name)
    }

    /// The articles that may air in `queues`, judged afresh.
    pub async fn prepare(&self, queues: Vec<String>) -> anyhow::Result<Vec<Prepared>> {
        let rows = self.db.call(move |s| s.articles_in(&queues)).await?;
        let lexicon = self.lexicon()?;
        Ok(rows.into_iter().map(|r| prepare_one(r, &lexicon)).collect())
    }

    /// [`Engine::prepare`] without the articles whose window closed before `from`, and how
    /// many those were. They are left out of every occurrence from `from` on (a window
    /// only closes further as time goes on), so a plan over them chooses the same.
    pub async fn prepare_open(
        &self,
        queues: Vec<String>,
        from: Timestamp,
    ) -> anyhow::Result<(Vec<Prepared>, usize)> {
        let tz = self.tz.clone();
        let (rows, closed) = self
            .db
            .call(move |s| s.articles_in_kept(&queues, |r| !closed_before(r, from, &tz)))
            .await?;
        let lexicon = self.lexicon()?;
        let prepared = rows.into_iter().map(|r| prepare_one(r, &lexicon)).collect();
        Ok((prepared, closed))
    }

    /// What `slot` plays at `at`, given the prepared articles.
    pub fn plan(&self, slot: &Slot, at: Timestamp, prepared: &[Prepared]) -> PlannedProgram {
        let candidates: Vec<Candidate> = prepared.iter().map(|p| p.candidate.clone()).collect();
        let quiet = self.station.settings.quiet_hours;
        let (selection, skip) = plan::choose(slot, at, quiet, &self.tz, &candidates);
        let articles: Vec<Prepared> = selection
            .chosen
            .iter()
            .filter_map(|id| prepared.iter().find(|p| p.row.id == *id).cloned())
            .collect();
        let program = self.program_path(&program_options(slot), &articles);
        PlannedProgram {
            slot: slot.clone(),
            at,
            selection,
            skip,
            articles,
            program,
        }
    }

    /// A program's file, named by everything that goes into it, so a changed article or
    /// voice never reuses a stale program.
    pub(super) fn program_path(&self, options: &ProgramOptions, articles: &[Prepared]) -> PathBuf {
        let profile = self
            .station
            .voice(options.voice.as_deref())
            .map(|p| format!("{p:?}"))
            .unwrap_or_default();
        let mut h = blake3::Hasher::new();
        h.update(profile.as_bytes());
        h.update(format!("{:?}", self.station.settings.program).as_bytes());
        if let Ok(lexicon) = self.station.lexicon() {
            h.update(format!("{lexicon:?}").as_bytes());
        }
        h.update(&self.station.settings.sample_rate.to_le_bytes());
        h.update(format!("{options:?}").as_bytes());
        for a in articles {
            h.update(a.hash.as_bytes());
        }
        let key = h.finalize().to_hex();
        self.station
            .state_dir()
            .join("programs")
            .join(format!("{}.wav", &key[..24]))
    }

    /// Renders `plan`'s program unless it is already there; its length when rendered now.
    pub async fn render(&self, plan: &PlannedProgram) -> anyhow::Result<Option<f64>> {
        let options = program_options(&plan.slot);
        let articles: Vec<Article> = plan
            .articles
            .iter()
            .filter_map(|p| p.article.clone())
            .collect();
        self.render_program(&plan.program, &articles, &options)
            .await
            .with_context(|| format!("rendering slot `{}`", plan.slot.name))
    }

    /// Renders `articles` into `program` unless it is already there.
    pub(super) async fn render_program(
        &self,
        program: &std::path::Path,
        articles: &[Article],
        options: &ProgramOptions,
    ) -> anyhow::Result<Option<f64>> {
        if pipeline::reusable(&self.station, self.voices.as_ref(), program).await {
            return Ok(None);
        }
        if let Some(dir) = program.parent() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create `{}`", dir.display()))?;
        }
        let summary = pipeline::build(
            &self.station,
            self.voices.as_ref(),
            articles,
            options,
            program,
        )
        .await?;
        Ok(Some(summary.duration))
    }
}

/// The program a slot asks for; what it leaves unset comes from the station's `[program]`
/// settings.
pub(super) fn program_options(slot: &Slot) -> ProgramOptions {
    ProgramOptions {
        voice: slot.voice.clone(),
        repeat: slot.repeat,
        intro: slot.intro.as_deref().map(ChimeSource::parse),
        outro: slot.outro.as_deref().map(ChimeSource::parse),
        preamble: slot.preamble.clone(),
        closing: slot.closing.clone(),
        ..Default::default()
    }
}

/// The article's window closed before `from` (an unreadable bound counts as none, as in
/// [`prepare_one`]).
fn closed_before(row: &crate::store::ArticleRow, from: Timestamp, tz: &TimeZone) -> bool {
    let validity = crate::schedule::Validity::parse(
        row.data.valid_from.as_deref(),
        row.data.valid_until.as_deref(),
    )
    .unwrap_or_default();
    matches!(
        validity.check(from, tz),
        Err(crate::schedule::Exclusion::Expired(_))
    )
}
