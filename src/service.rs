//! The broadcast loop shared by `tick` and `run`. \[glue\]
//!
//! One engine decides and airs: it closes airings whose process died, logs what was missed
//! or skipped, airs what is due and renders what is coming. `tick` runs it once; [`run`]
//! runs it as a daemon that sleeps until the next deadline (computed by the pure
//! [`schedule::next_deadline`]) and `select!`s on that timer, a reload notification and the
//! injected shutdown future, like tokio-rs/mini-redis's purge task.
//!
//! Exactly once: an airing is claimed in a transaction, unique on slot and scheduled time,
//! while this process holds an advisory lock on a per-airing lock file. The lock dies with
//! the process, so a later tick that finds an unfinished airing whose lock it can take knows
//! its owner is gone and records it as interrupted (or failed, if it never reached the air).
//!
//! Approval integrity: the script is derived again from the stored article source at air
//! time and must hash to the approved hash; [`Store::begin_airing`] re-checks the approval
//! in the same transaction that marks the airing as on air.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use crate::article::{self, Article};
use crate::audio::Clip;
use crate::media::wav;
use crate::pipeline::{self, ProgramOptions};
use crate::player::{AudioSink, Played, RodioSink};
use crate::program::ChimeSource;
use crate::schedule::{self, Approval, Candidate, Due, Priority, Selection, Slot, Validity};
use crate::station::Station;
use crate::store::{ArticleRow, OnAir, Outcome, Status, Store};
use crate::text::Lexicon;

/// The slot name used for `play-now` airings.
pub const PLAY_NOW: &str = "play-now";

/// How far back missed slots are looked for, at most.
const LOOKBACK: SignedDuration = SignedDuration::from_hours(24);

/// A clock that may be shifted, so `--now` replays a day in seconds while sleeping and
/// playing in real time.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    offset: SignedDuration,
}

impl Clock {
    /// The system clock.
    pub fn system() -> Clock {
        Clock {
            offset: SignedDuration::ZERO,
        }
    }

    /// A clock that reads `start` now and runs on from there.
    pub fn starting_at(start: Timestamp) -> Clock {
        Clock {
            offset: start.duration_since(Timestamp::now()),
        }
    }

    /// The current time on this clock.
    pub fn now(&self) -> Timestamp {
        Timestamp::now()
            .checked_add(self.offset)
            .unwrap_or_else(|_| Timestamp::now())
    }

    /// The monotonic instant at which this clock reads `at`.
    pub fn instant_at(&self, at: Timestamp) -> Instant {
        let wait = at.duration_since(self.now());
        if wait <= SignedDuration::ZERO {
            Instant::now()
        } else {
            Instant::now() + wait.unsigned_abs()
        }
    }
}

/// A stop request for the program on air, with the reason that goes in the log.
#[derive(Debug, Default)]
pub struct Interrupt {
    flag: AtomicBool,
    reason: Mutex<String>,
}

impl Interrupt {
    /// Asks the program on air to stop, for `reason`.
    pub fn raise(&self, reason: &str) {
        if let Ok(mut r) = self.reason.lock() {
            *r = reason.to_owned();
        }
        self.flag.store(true, Ordering::SeqCst);
    }

    /// Clears a handled request.
    pub fn clear(&self) {
        self.flag.store(false, Ordering::SeqCst);
    }

    /// Whether a stop was asked for.
    pub fn raised(&self) -> bool {
        self.flag.load(Ordering::SeqCst)
    }

    fn reason(&self) -> String {
        self.reason
            .lock()
            .map(|r| r.clone())
            .unwrap_or_else(|_| "stopped".into())
    }
}

/// An article from the database with its script derived again from its source.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The stored row.
    pub row: ArticleRow,
    /// The article parsed from the stored source; `None` if it no longer parses.
    pub article: Option<Article>,
    /// blake3 of the script derived now.
    pub hash: String,
    /// What the selection needs.
    pub candidate: Candidate,
}

pub use crate::pipeline::script_of;

/// Parses a stored article source again.
pub fn parse_source(source_name: &str, source: &str) -> anyhow::Result<Article> {
    Ok(article::parse(Path::new(source_name), source)?)
}

/// Every stored article, with its script derived again and its approval judged.
pub fn prepare(store: &Store, lexicon: &Lexicon) -> anyhow::Result<Vec<Prepared>> {
    Ok(store
        .articles()?
        .into_iter()
        .map(|row| prepare_one(row, lexicon))
        .collect())
}

fn prepare_one(row: ArticleRow, lexicon: &Lexicon) -> Prepared {
    // Withdrawn and rejected articles never air: no need to read them again.
    let retired = matches!(row.status, Status::Withdrawn | Status::Rejected);
    let article = (!retired)
        .then(|| parse_source(&row.data.source_name, &row.data.source).ok())
        .flatten();
    let (script, hash) = article
        .as_ref()
        .map(|a| script_of(a, lexicon))
        .unwrap_or_default();
    let approval = match row.status {
        Status::Withdrawn => Approval::Withdrawn,
        Status::Rejected => Approval::Rejected,
        Status::Draft => Approval::Pending,
        Status::Approved => match &row.approval {
            Some(v) if article.is_some() && v.hash == hash && row.data.hash == hash => {
                Approval::Valid
            }
            Some(_) => Approval::Changed,
            None => Approval::Pending,
        },
    };
    let candidate = Candidate {
        id: row.id,
        queue: row.data.queue.clone(),
        approval,
        validity: Validity::parse(
            row.data.valid_from.as_deref(),
            row.data.valid_until.as_deref(),
        )
        .unwrap_or_default(),
        priority: row.data.priority.parse().unwrap_or(Priority::Normal),
        chars: script.chars().filter(|c| !c.is_whitespace()).count(),
    };
    Prepared {
        row,
        article,
        hash,
        candidate,
    }
}

/// What one occurrence of a slot will play.
#[derive(Debug, Clone)]
pub struct PlannedProgram {
    /// The slot.
    pub slot: Slot,
    /// Scheduled time.
    pub at: Timestamp,
    /// Inside quiet hours (then only emergency articles play, unless the slot is an
    /// emergency slot).
    pub quiet: bool,
    /// The selection and its reasons.
    pub selection: Selection,
    /// The chosen articles, in order.
    pub articles: Vec<Prepared>,
    /// Where its program WAV is (or will be) rendered.
    pub program: PathBuf,
    /// The voice.
    pub voice: Option<String>,
}

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
    pub clock: Clock,
    /// Output device (`None` = system default).
    pub device: Option<String>,
    /// Who this process is, for the log.
    pub owner: String,
    /// Programs cut off by an interruption: `(slot, scheduled, seconds in)`.
    stops: Mutex<Vec<(String, Timestamp, f64)>>,
}

/// Loads every `schedules/*.toml`; all problems are returned, not only the first.
pub fn load_slots(station: &Station) -> Result<Vec<Slot>, Vec<anyhow::Error>> {
    let dir = station.schedules_dir();
    let mut files: Vec<PathBuf> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => {
            return Err(vec![anyhow::anyhow!(
                "cannot read `{}`: {e}",
                dir.display()
            )]);
        }
    };
    files.sort();
    let mut slots = Vec::new();
    let mut errors = Vec::new();
    for file in files {
        let text = match std::fs::read_to_string(&file) {
            Ok(t) => t,
            Err(e) => {
                errors.push(anyhow::anyhow!("cannot read `{}`: {e}", file.display()));
                continue;
            }
        };
        match schedule::parse(&file, &text) {
            Ok(s) => slots.extend(s),
            Err(e) => errors.push(e.into()),
        }
    }
    if errors.is_empty()
        && let Err(e) = schedule::check_unique(&slots)
    {
        errors.push(e.into());
    }
    match station.calendar() {
        Ok(calendar) => schedule::use_calendar(&mut slots, &std::sync::Arc::new(calendar)),
        Err(e) => errors.push(e.into()),
    }
    if errors.is_empty() {
        Ok(slots)
    } else {
        Err(errors)
    }
}

/// Resolves the station's time zone.
pub fn time_zone(station: &Station) -> anyhow::Result<TimeZone> {
    let name = &station.settings.timezone;
    TimeZone::get(name).map_err(|e| {
        anyhow::anyhow!(
            "`dalaba.toml`: `timezone` `{name}` is not a known time zone ({e}); use an IANA name such as `Asia/Shanghai`"
        )
    })
}

/// Modification times of the schedule files, to notice edits.
pub fn schedules_stamp(station: &Station) -> Vec<(PathBuf, Option<std::time::SystemTime>)> {
    let mut out: Vec<_> = std::fs::read_dir(station.schedules_dir())
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| (e.path(), e.metadata().and_then(|m| m.modified()).ok()))
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

impl Engine {
    /// Builds the engine for `station`: time zone, slots and settings, all checked.
    pub fn new(station: Station, clock: Clock) -> anyhow::Result<Engine> {
        let tz = time_zone(&station)?;
        let slots = load_slots(&station).map_err(join_errors)?;
        let lead = SignedDuration::from_mins(i64::from(station.settings.lead_minutes));
        let device = station.settings.device.clone();
        Ok(Engine {
            station,
            tz,
            slots,
            lead,
            clock,
            device,
            owner: format!("pid {}", std::process::id()),
            stops: Mutex::new(Vec::new()),
        })
    }

    /// Reads the schedules again.
    pub fn reload(&mut self) -> anyhow::Result<()> {
        self.slots = load_slots(&self.station).map_err(join_errors)?;
        Ok(())
    }

    /// The station database.
    pub fn db_path(&self) -> PathBuf {
        self.station.state_dir().join("dalaba.db")
    }

    /// The station's pronunciation lexicon, read afresh: the script approvers sign off is
    /// the one spoken with it.
    pub fn lexicon(&self) -> anyhow::Result<Lexicon> {
        Ok(self.station.lexicon()?)
    }

    /// Opens the station database.
    pub fn store(&self) -> anyhow::Result<Store> {
        Ok(Store::open(&self.db_path())?)
    }

    fn slot(&self, name: &str) -> Option<&Slot> {
        self.slots.iter().find(|s| s.name == name)
    }

    /// Whether `at` falls in the station's quiet hours.
    pub fn is_quiet(&self, at: Timestamp) -> bool {
        self.station
            .settings
            .quiet_hours
            .is_some_and(|q| q.contains(self.tz.to_datetime(at).time()))
    }

    /// What `slot` plays at `at`, given the prepared articles.
    pub fn plan(&self, slot: &Slot, at: Timestamp, prepared: &[Prepared]) -> PlannedProgram {
        let quiet = self.is_quiet(at) && slot.priority != Priority::Emergency;
        let candidates: Vec<Candidate> = prepared
            .iter()
            .map(|p| p.candidate.clone())
            .filter(|c| !quiet || c.priority == Priority::Emergency)
            .collect();
        let selection = schedule::select(slot, &candidates, at, &self.tz);
        let articles: Vec<Prepared> = selection
            .chosen
            .iter()
            .filter_map(|id| prepared.iter().find(|p| p.row.id == *id).cloned())
            .collect();
        let voice = slot.voice.clone();
        let program = self.program_path(&program_options(slot), &articles);
        PlannedProgram {
            slot: slot.clone(),
            at,
            quiet,
            selection,
            articles,
            program,
            voice,
        }
    }

    /// A program's file, named by everything that goes into it, so a changed article or
    /// voice never reuses a stale program.
    fn program_path(&self, options: &ProgramOptions, articles: &[Prepared]) -> PathBuf {
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

    /// Renders `plan`'s program unless it is already there.
    pub async fn render(&self, plan: &PlannedProgram) -> anyhow::Result<Option<f64>> {
        if pipeline::reusable(&self.station, &plan.program).await {
            return Ok(None);
        }
        if let Some(dir) = plan.program.parent() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create `{}`", dir.display()))?;
        }
        let articles: Vec<Article> = plan
            .articles
            .iter()
            .filter_map(|p| p.article.clone())
            .collect();
        let options = program_options(&plan.slot);
        let summary = pipeline::build(&self.station, &articles, &options, &plan.program)
            .await
            .with_context(|| format!("rendering slot `{}`", plan.slot.name))?;
        Ok(Some(summary.duration))
    }

    /// Closes airings whose process has died, and clears lock files of airings long over.
    pub fn recover(&self, events: &mut Vec<Event>) -> anyhow::Result<()> {
        remove_old_locks(&self.station.state_dir().join("locks"));
        let mut store = self.store()?;
        for (id, slot, at, outcome) in store.unfinished()? {
            let Some(_lock) = AiringLock::try_take(&self.station, &slot, at)? else {
                continue; // its owner is alive
            };
            if outcome == Outcome::Claimed {
                // Its process died before air: open the slot again, so it still airs
                // inside its catch-up window (or is logged as missed after it).
                if store.release(id)? {
                    events.push(Event {
                        slot,
                        at,
                        what: "released".into(),
                        detail: "the process preparing it stopped before air".into(),
                        failure: false,
                    });
                }
            } else if store.close_abandoned(id, self.clock.now())? {
                events.push(Event {
                    slot,
                    at,
                    what: "interrupted".into(),
                    detail: "its process stopped mid-program".into(),
                    failure: false,
                });
            }
        }
        Ok(())
    }

    /// One pass: recover, log misses, air what is due (up to `ahead` early, waiting for
    /// its time), render what is coming within the lead time.
    pub async fn step(
        &self,
        ahead: SignedDuration,
        interrupt: &Interrupt,
    ) -> anyhow::Result<Vec<Event>> {
        let mut events = Vec::new();
        self.recover(&mut events)?;
        let now = self.clock.now();
        let first_seen = {
            let mut store = self.store()?;
            let v = store.meta_default("first_seen_ms", &now.as_millisecond().to_string())?;
            v.parse::<i64>()
                .ok()
                .and_then(|ms| Timestamp::from_millisecond(ms).ok())
                .unwrap_or(now)
        };
        let widest = self
            .slots
            .iter()
            .map(|s| SignedDuration::from_mins(i64::from(s.catch_up_minutes)))
            .max()
            .unwrap_or(SignedDuration::ZERO)
            .max(schedule::ON_TIME);
        let back = now.checked_sub(LOOKBACK.max(widest))?;
        let since = back.max(first_seen.checked_sub(widest)?);
        let until = now.checked_add(ahead)?;
        for occ in schedule::occurrences(&self.slots, &self.tz, since, until) {
            if interrupt.raised() {
                break;
            }
            let Some(slot) = self.slot(&occ.slot) else {
                continue;
            };
            let now = self.clock.now();
            match schedule::classify(occ.at, now, slot.catch_up_minutes) {
                Due::Missed => {
                    if occ.at < first_seen {
                        continue;
                    }
                    let mut store = self.store()?;
                    if !store.has_airing(&slot.name, occ.at)? {
                        let reason = format!(
                            "not aired within its catch-up window of {} minutes (the box was off or not ticking)",
                            slot.catch_up_minutes
                        );
                        if store.record(&slot.name, occ.at, now, Outcome::Missed, &reason)? {
                            events.push(Event {
                                slot: slot.name.clone(),
                                at: occ.at,
                                what: "missed".into(),
                                detail: reason,
                                failure: false,
                            });
                        }
                    }
                }
                Due::OnTime | Due::CatchUp | Due::NotYet => {
                    if self.store()?.has_airing(&slot.name, occ.at)? {
                        continue;
                    }
                    if let Some(event) = self.air(slot, occ.at, interrupt).await? {
                        events.push(event);
                    }
                }
            }
        }
        if !interrupt.raised() {
            self.prerender(ahead, &mut events).await?;
        }
        Ok(events)
    }

    /// Renders the programs of the slots within the lead time.
    async fn prerender(
        &self,
        ahead: SignedDuration,
        events: &mut Vec<Event>,
    ) -> anyhow::Result<()> {
        let now = self.clock.now();
        let until = now.checked_add(self.lead.max(ahead) + ahead)?;
        let upcoming = schedule::occurrences(&self.slots, &self.tz, now, until);
        if upcoming.is_empty() {
            return Ok(());
        }
        let prepared = prepare(&self.store()?, &self.lexicon()?)?;
        for occ in upcoming {
            let Some(slot) = self.slot(&occ.slot) else {
                continue;
            };
            let plan = self.plan(slot, occ.at, &prepared);
            if plan.articles.is_empty() {
                continue;
            }
            match self.render(&plan).await {
                Ok(Some(seconds)) => events.push(Event {
                    slot: slot.name.clone(),
                    at: occ.at,
                    what: "rendered".into(),
                    detail: format!("{seconds:.1} s → {}", plan.program.display()),
                    failure: false,
                }),
                Ok(None) => {}
                Err(e) => events.push(Event {
                    slot: slot.name.clone(),
                    at: occ.at,
                    what: "render failed".into(),
                    detail: format!("{e:#}; it will be tried again at air time"),
                    failure: true,
                }),
            }
        }
        Ok(())
    }

    /// Claims and airs one occurrence. `None` when someone else has it.
    pub async fn air(
        &self,
        slot: &Slot,
        at: Timestamp,
        interrupt: &Interrupt,
    ) -> anyhow::Result<Option<Event>> {
        let Some(lock) = AiringLock::try_take(&self.station, &slot.name, at)? else {
            return Ok(None);
        };
        let Some(id) = self
            .store()?
            .claim(&slot.name, at, self.clock.now(), &self.owner)?
        else {
            return Ok(None);
        };
        let event = |what: &str, detail: String, failure: bool| Event {
            slot: slot.name.clone(),
            at,
            what: what.into(),
            detail,
            failure,
        };
        let finish = |outcome: Outcome, reason: Option<&str>| -> anyhow::Result<()> {
            self.store()?
                .finish(id, outcome, reason, self.clock.now())?;
            Ok(())
        };
        let prepared = prepare(&self.store()?, &self.lexicon()?)?;
        let plan = self.plan(slot, at, &prepared);
        if plan.articles.is_empty() {
            let reason = if plan.quiet {
                let q = self.station.settings.quiet_hours.map(|q| q.to_string());
                format!(
                    "quiet hours ({}): no emergency article in queue `{}`",
                    q.unwrap_or_default(),
                    slot.queue
                )
            } else {
                nothing_reason(slot, &plan.selection)
            };
            finish(Outcome::Skipped, Some(&reason))?;
            return Ok(Some(event("skipped", reason, false)));
        }
        if let Err(e) = self.render(&plan).await {
            let reason = format!("{e:#}");
            finish(Outcome::Failed, Some(&reason))?;
            return Ok(Some(event("failed", reason, true)));
        }
        let on_air = self.on_air(&plan, plan_articles(&plan), None);
        let result = self
            .play(id, &plan.program, on_air, Some(at), 0.0, interrupt)
            .await;
        drop(lock);
        if let Ok(Playback {
            stopped_at: Some(secs),
            ..
        }) = &result
            && let Ok(mut stops) = self.stops.lock()
        {
            stops.push((slot.name.clone(), at, *secs));
        }
        let result = result.map(|p| (p.outcome, p.detail));
        Ok(Some(match result {
            Ok((Outcome::Aired, detail)) => event("aired", detail, false),
            Ok((Outcome::Claimed, detail)) => event("released", detail, false),
            Ok((outcome, detail)) => {
                let failure = outcome == Outcome::Failed;
                event(outcome.as_str(), detail, failure)
            }
            Err(e) => {
                let reason = format!("{e:#}");
                let _ = finish(Outcome::Failed, Some(&reason));
                event("failed", reason, true)
            }
        }))
    }

    /// Plays the program of claimed airing `id`: waits for the player and for `start`,
    /// checks approvals and marks it on air in one transaction, plays, records the end.
    pub async fn play(
        &self,
        id: i64,
        program: &Path,
        mut on_air: OnAir,
        start: Option<Timestamp>,
        from: f64,
        interrupt: &Interrupt,
    ) -> anyhow::Result<Playback> {
        let verified = match crate::program::load_verified(program) {
            Ok(verified) => verified,
            Err(damage) => {
                crate::program::verify::discard(program, &damage.to_string());
                let reason =
                    format!("not aired: {damage}; it was discarded and will be rendered again");
                self.store()?
                    .finish(id, Outcome::Failed, Some(&reason), self.clock.now())?;
                return Ok(Playback::new(Outcome::Failed, reason));
            }
        };
        let (mut clip, summary) = (verified.clip, verified.summary);
        let skip = ((from * f64::from(clip.rate)) as usize).min(clip.samples.len());
        if skip > 0 {
            clip = Clip::new(clip.rate, clip.samples[skip..].to_vec());
        }
        on_air.duration = Some(clip.duration());
        // The program's own record of the scripts it carries must be exactly the scripts
        // about to be approved on air.
        let carried: Vec<&str> = summary
            .articles
            .iter()
            .map(|a| a.script_hash.as_str())
            .collect();
        let expected: Vec<&str> = on_air.articles.iter().map(|(_, h)| h.as_str()).collect();
        if carried != expected {
            let reason = format!(
                "not aired: the program `{}` does not carry the scripts that are approved",
                program.display()
            );
            self.store()?
                .finish(id, Outcome::Failed, Some(&reason), self.clock.now())?;
            return Ok(Playback::new(Outcome::Failed, reason));
        }
        on_air.lufs = summary.lufs;
        if let Some(spoken_by) = &summary.spoken_by {
            on_air.voice = Some(spoken_by.voice.clone());
        }
        let player = PlayerLock::take(&self.station).await?;
        if let Some(start) = start {
            let until = self.clock.instant_at(start);
            while Instant::now() < until && !interrupt.raised() {
                let next = (Instant::now() + Duration::from_millis(20)).min(until);
                tokio::time::sleep_until(next.into()).await;
            }
        }
        let mut store = self.store()?;
        if interrupt.raised() {
            // Stopped before its time: give the slot back, so the next run airs it.
            store.release(id)?;
            return Ok(Playback::new(
                Outcome::Claimed,
                format!(
                    "{} before air; the slot is left for the next run",
                    interrupt.reason()
                ),
            ));
        }
        if let Err(refused) = store.begin_airing(id, &on_air, self.clock.now())? {
            let reason = refused
                .iter()
                .map(|(a, why)| format!("article {a}: {why}"))
                .collect::<Vec<_>>()
                .join("; ");
            let reason = format!("not aired: {reason}");
            store.finish(id, Outcome::Failed, Some(&reason), self.clock.now())?;
            return Ok(Playback::new(Outcome::Failed, reason));
        }
        let device = self.device.clone();
        let began = Instant::now();
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let handle = tokio::task::spawn_blocking(move || RodioSink::new(device).play(&clip, &flag));
        tokio::pin!(handle);
        let played = loop {
            tokio::select! {
                r = &mut handle => break r.context("the player thread failed")?,
                _ = tokio::time::sleep(Duration::from_millis(20)) => {
                    if interrupt.raised() {
                        stop.store(true, Ordering::SeqCst);
                    }
                }
            }
        };
        drop(player);
        let now = self.clock.now();
        let seconds = on_air.duration.unwrap_or_default();
        let resumed = (from > 0.0).then(|| {
            format!("resumed from {from:.1} s, the start of the paragraph that was cut off")
        });
        let (outcome, reason) = match played {
            Ok(Played::Finished) => (Outcome::Aired, resumed),
            Ok(Played::Stopped) => (Outcome::Interrupted, Some(interrupt.reason())),
            Err(e) => (Outcome::Failed, Some(e.to_string())),
        };
        store.finish(id, outcome, reason.as_deref(), now)?;
        let count = on_air.articles.len();
        let detail = match (&reason, outcome) {
            (Some(r), Outcome::Aired) => format!("{count} article(s), {seconds:.1} s; {r}"),
            (None, _) => format!("{count} article(s), {seconds:.1} s"),
            (Some(r), _) => r.clone(),
        };
        let stopped_at =
            (outcome == Outcome::Interrupted).then(|| from + began.elapsed().as_secs_f64());
        Ok(Playback {
            outcome,
            detail,
            stopped_at,
        })
    }

    /// Airs article `id` at once (`play-now`), approved — or, with `emergency_by`, unsigned.
    /// What goes on air for `plan`: the articles as rendered, the voice (the station's
    /// default when the slot names none) and the device, for the as-run log.
    fn on_air(
        &self,
        plan: &PlannedProgram,
        articles: Vec<(i64, String)>,
        emergency_by: Option<&str>,
    ) -> OnAir {
        OnAir {
            articles,
            emergency_by: emergency_by.map(str::to_owned),
            voice: Some(
                plan.voice
                    .clone()
                    .unwrap_or_else(|| self.station.settings.default_voice.clone()),
            ),
            device: Some(self.device.clone().unwrap_or_else(|| "default".into())),
            duration: None,
            lufs: None,
        }
    }

    /// Whether article `article_id` may air at once, and why not: it must be approved
    /// (or aired unsigned on an explicit emergency order), not rejected or withdrawn, outside
    /// quiet hours unless urgent, and its script still the stored one. Returns the article.
    pub fn check_play_now(
        &self,
        article_id: i64,
        emergency_by: Option<&str>,
    ) -> anyhow::Result<(Prepared, Article)> {
        let store = self.store()?;
        let row = store.article(article_id)?;
        let prepared = prepare_one(row, &self.lexicon()?);
        match (prepared.candidate.approval, emergency_by) {
            (Approval::Valid, _) => {}
            (Approval::Pending | Approval::Changed, Some(_)) => {}
            (Approval::Rejected | Approval::Withdrawn, _) => anyhow::bail!(
                "article {article_id} is {}; it cannot air",
                prepared.row.status
            ),
            (_, None) => anyhow::bail!(
                "article {article_id} is not approved; approve it with `dalaba approve {article_id} --by NAME`, or in an emergency air it unsigned with `--emergency --by NAME`"
            ),
        }
        let urgent = emergency_by.is_some() || prepared.candidate.priority == Priority::Emergency;
        if self.is_quiet(self.clock.now()) && !urgent {
            let hours = self
                .station
                .settings
                .quiet_hours
                .map(|q| q.to_string())
                .unwrap_or_default();
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

    /// Airs article `article_id` at once (see [`Engine::check_play_now`]).
    pub async fn play_now(
        &self,
        article_id: i64,
        emergency_by: Option<&str>,
        interrupt: &Interrupt,
    ) -> anyhow::Result<Event> {
        let (prepared, article) = self.check_play_now(article_id, emergency_by)?;
        let now = self.clock.now();
        let mut at = now;
        // Two play-now calls in the same millisecond get distinct keys.
        let (id, lock) = loop {
            if let Some(lock) = AiringLock::try_take(&self.station, PLAY_NOW, at)?
                && let Some(id) = self.store()?.claim(PLAY_NOW, at, now, &self.owner)?
            {
                break (id, lock);
            }
            at = at.checked_add(SignedDuration::from_millis(1))?;
        };
        let voice = article.front.voice.clone();
        let options_voice = voice.clone();
        let program = self.program_path(
            &ProgramOptions {
                voice: voice.clone(),
                repeat: article.front.repeat.unwrap_or(1),
                ..Default::default()
            },
            std::slice::from_ref(&prepared),
        );
        let plan = PlannedProgram {
            slot: Slot {
                name: PLAY_NOW.into(),
                title: prepared.row.data.title.clone().unwrap_or_default(),
                times: schedule::Times::At(Vec::new()),
                days: schedule::Days::DAILY,
                from: None,
                until: None,
                queue: prepared.row.data.queue.clone(),
                voice: options_voice,
                repeat: article.front.repeat.unwrap_or(1),
                max_articles: None,
                max_minutes: None,
                intro: None,
                outro: None,
                preamble: None,
                closing: None,
                catch_up_minutes: 0,
                priority: Priority::Emergency,
                file: PathBuf::new(),
                line: 0,
            },
            at,
            quiet: false,
            selection: Selection::default(),
            articles: vec![prepared.clone()],
            program,
            voice,
        };
        if let Err(e) = self.render(&plan).await {
            let reason = format!("{e:#}");
            self.store()?
                .finish(id, Outcome::Failed, Some(&reason), self.clock.now())?;
            anyhow::bail!(reason);
        }
        let on_air = self.on_air(
            &plan,
            vec![(article_id, prepared.hash.clone())],
            emergency_by,
        );
        let Playback {
            outcome, detail, ..
        } = self
            .play(id, &plan.program, on_air, None, 0.0, interrupt)
            .await?;
        drop(lock);
        Ok(Event {
            slot: PLAY_NOW.into(),
            at,
            what: outcome.as_str().into(),
            detail,
            failure: outcome == Outcome::Failed,
        })
    }
}

/// How a playback ended.
#[derive(Debug, Clone, PartialEq)]
pub struct Playback {
    /// Its outcome (`Claimed` when it was given back before air).
    pub outcome: Outcome,
    /// For the terminal.
    pub detail: String,
    /// Seconds into the program when it was cut off.
    pub stopped_at: Option<f64>,
}

impl Playback {
    fn new(outcome: Outcome, detail: String) -> Playback {
        Playback {
            outcome,
            detail,
            stopped_at: None,
        }
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

fn nothing_reason(slot: &Slot, selection: &Selection) -> String {
    if selection.excluded.is_empty() {
        format!("queue `{}` has no articles", slot.queue)
    } else {
        let why: Vec<String> = selection
            .excluded
            .iter()
            .map(|(id, e)| format!("article {id} {e}"))
            .collect();
        format!(
            "nothing to air in queue `{}` ({})",
            slot.queue,
            why.join("; ")
        )
    }
}

fn join_errors(errors: Vec<anyhow::Error>) -> anyhow::Error {
    anyhow::anyhow!(
        "{}",
        errors
            .iter()
            .map(|e| format!("{e:#}"))
            .collect::<Vec<_>>()
            .join("\n")
    )
}

/// Lock files older than this belong to airings long finished.
const OLD_LOCK: Duration = Duration::from_secs(3 * 24 * 3600);

/// Deletes lock files created more than [`OLD_LOCK`] ago. Airings only lock occurrences
/// within the last day, so nobody holds these.
fn remove_old_locks(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > OLD_LOCK);
        if old {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// An exclusive advisory lock on `state/locks/…` for one airing, held while this process
/// owns it; the OS releases it when the process dies.
#[derive(Debug)]
pub struct AiringLock {
    _file: File,
}

impl AiringLock {
    /// Takes the lock of `(slot, at)` unless another process holds it.
    pub fn try_take(
        station: &Station,
        slot: &str,
        at: Timestamp,
    ) -> anyhow::Result<Option<AiringLock>> {
        let key = blake3::hash(format!("{slot}\0{}", at.as_millisecond()).as_bytes()).to_hex();
        let path = station
            .state_dir()
            .join("locks")
            .join(format!("{}.lock", &key[..20]));
        Ok(try_lock_file(&path)?.map(|file| AiringLock { _file: file }))
    }
}

/// Opens `path` (creating it and its folder) and takes an exclusive lock on it without
/// waiting; `None` when another process holds it. The OS drops the lock with the process.
fn try_lock_file(path: &Path) -> anyhow::Result<Option<File>> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create `{}`", dir.display()))?;
    }
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .with_context(|| format!("cannot open the lock `{}`", path.display()))?;
    match file.try_lock() {
        Ok(()) => Ok(Some(file)),
        Err(std::fs::TryLockError::WouldBlock) => Ok(None),
        Err(std::fs::TryLockError::Error(e)) => {
            Err(e).with_context(|| format!("cannot lock `{}`", path.display()))
        }
    }
}

/// The loudspeaker is one: programs play one after another, never over each other.
#[derive(Debug)]
struct PlayerLock {
    _file: File,
}

impl PlayerLock {
    async fn take(station: &Station) -> anyhow::Result<PlayerLock> {
        let dir = station.state_dir();
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create `{}`", dir.display()))?;
        let path = dir.join("player.lock");
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .with_context(|| format!("cannot open the lock `{}`", path.display()))?;
        let file = tokio::task::spawn_blocking(move || file.lock().map(|()| file))
            .await
            .context("the lock thread failed")?
            .with_context(|| format!("cannot lock `{}`", path.display()))?;
        Ok(PlayerLock { _file: file })
    }
}

/// Holds `state/daemon.lock` while `run` is up, so `play-now` can tell a daemon is there.
#[derive(Debug)]
pub struct DaemonLock {
    _file: File,
}

impl DaemonLock {
    /// Takes the daemon lock; `None` when another daemon runs.
    pub fn try_take(station: &Station) -> anyhow::Result<Option<DaemonLock>> {
        let path = station.state_dir().join("daemon.lock");
        Ok(try_lock_file(&path)?.map(|file| DaemonLock { _file: file }))
    }

    /// Whether a daemon is running on `station`.
    pub fn held(station: &Station) -> bool {
        matches!(DaemonLock::try_take(station), Ok(None))
    }
}

/// How early the daemon wakes before a slot to claim it and load its program.
pub const PREPARE: SignedDuration = SignedDuration::from_secs(2);

/// The longest the daemon sleeps, so approvals made after a slot's render time still get
/// rendered ahead.
const MAX_SLEEP: SignedDuration = SignedDuration::from_secs(60);

/// The daemon: airs every slot at its time until `shutdown` completes; reloads schedules
/// when `reload` fires; airs `play-now` requests at once, interrupting the program on air
/// and airing the interrupted slot again after them. `on_event` sees every event.
pub async fn run(
    mut engine: Engine,
    mut reload: tokio::sync::watch::Receiver<()>,
    shutdown: impl std::future::Future<Output = ()>,
    mut on_event: impl FnMut(&Event),
) -> anyhow::Result<()> {
    tokio::pin!(shutdown);
    let interrupt = Interrupt::default();
    let mut poll = tokio::time::interval(Duration::from_millis(200));
    poll.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut stopping = false;
    let mut to_resume: Vec<(String, Timestamp, f64)> = Vec::new();
    loop {
        let resume_now = std::mem::take(&mut to_resume);
        // Everything due up to `step_start + PREPARE` is handled by this pass; the next
        // deadline is counted from there, not from when the pass ends, so a slot whose time
        // came while a long render or program ran is still aired at once.
        let step_start = engine.clock.now();
        let result = {
            // Work: first any play-now requests, then what they interrupted, then the
            // schedule.
            let engine = &engine;
            let interrupt = &interrupt;
            let work = async move {
                let mut events = Vec::new();
                while let Some(request) = engine.store()?.take_request(engine.clock.now())? {
                    interrupt.clear();
                    match engine
                        .play_now(
                            request.article_id,
                            request.emergency_by.as_deref(),
                            interrupt,
                        )
                        .await
                    {
                        Ok(e) => events.push(e),
                        Err(e) => events.push(Event {
                            slot: PLAY_NOW.into(),
                            at: engine.clock.now(),
                            what: "failed".into(),
                            detail: format!("{e:#}"),
                            failure: true,
                        }),
                    }
                }
                for (slot, at, cut) in resume_now {
                    if let Some(e) = engine.resume(&slot, at, cut, interrupt).await {
                        events.push(e);
                    }
                }
                interrupt.clear();
                let stepped = engine.step(PREPARE, interrupt).await?;
                let resumed = engine.take_stops();
                events.extend(stepped);
                anyhow::Ok((events, resumed))
            };
            tokio::pin!(work);
            loop {
                tokio::select! {
                    r = &mut work => break r,
                    _ = &mut shutdown, if !stopping => {
                        stopping = true;
                        interrupt.raise("the daemon was stopped (SIGTERM or Ctrl-C)");
                    }
                    _ = poll.tick() => {
                        if !stopping && engine.pending_requests() > 0 {
                            interrupt.raise("an emergency broadcast (play-now) broke in");
                        }
                    }
                }
            }
        };
        match result {
            Ok((events, resumed)) => {
                events.iter().for_each(&mut on_event);
                to_resume = resumed;
            }
            Err(e) => on_event(&Event {
                slot: String::new(),
                at: engine.clock.now(),
                what: "error".into(),
                detail: format!("{e:#}"),
                failure: true,
            }),
        }
        if stopping {
            return Ok(());
        }
        let now = engine.clock.now();
        let from = step_start.checked_add(PREPARE)?;
        let next = schedule::next_deadline(&engine.slots, &engine.tz, from, engine.lead)
            .map(|t| t.checked_sub(PREPARE).unwrap_or(t))
            .unwrap_or(now.checked_add(MAX_SLEEP)?)
            .min(now.checked_add(MAX_SLEEP)?);
        let wake = engine.clock.instant_at(next);
        loop {
            tokio::select! {
                _ = tokio::time::sleep_until(wake.into()) => break,
                changed = reload.changed() => {
                    if changed.is_ok()
                        && let Err(e) = engine.reload()
                    {
                            on_event(&Event {
                                slot: String::new(),
                                at: engine.clock.now(),
                                what: "reload failed".into(),
                                detail: format!("{e:#}; keeping the schedules loaded before"),
                                failure: true,
                            });
                    }
                    break;
                }
                _ = &mut shutdown, if !stopping => return Ok(()),
                _ = poll.tick() => {
                    if !to_resume.is_empty() || engine.pending_requests() > 0 {
                        break;
                    }
                }
            }
        }
    }
}

impl Engine {
    /// How many `play-now` requests wait for the daemon (0 when the database cannot tell).
    pub fn pending_requests(&self) -> usize {
        self.store()
            .ok()
            .and_then(|s| s.pending_requests().ok())
            .unwrap_or(0)
    }

    /// Takes the list of programs cut off since the last call: `(slot, scheduled, seconds
    /// into the program)`.
    pub fn take_stops(&self) -> Vec<(String, Timestamp, f64)> {
        self.stops
            .lock()
            .map(|mut s| std::mem::take(&mut *s))
            .unwrap_or_default()
    }

    /// Airs an interrupted slot's program again after an emergency, as its own log entry,
    /// from the start of the paragraph that was cut off `cut` seconds in.
    async fn resume(
        &self,
        slot: &str,
        at: Timestamp,
        cut: f64,
        interrupt: &Interrupt,
    ) -> Option<Event> {
        let slot = self.slot(slot)?.clone();
        let mut again = slot.clone();
        again.name = format!("{} (resumed)", slot.name);
        interrupt.clear();
        let prepared = prepare(&self.store().ok()?, &self.lexicon().ok()?).ok()?;
        let plan = self.plan(&slot, at, &prepared);
        let _lock = AiringLock::try_take(&self.station, &again.name, at).ok()??;
        let id = self
            .store()
            .ok()?
            .claim(&again.name, at, self.clock.now(), &self.owner)
            .ok()??;
        let on_air = self.on_air(&plan, plan_articles(&plan), None);
        let min_gap = self.station.settings.program.pauses.paragraph * 0.95;
        let from = wav::read_clip(&plan.program)
            .map(|c| paragraph_start(&c.samples, c.rate, cut, min_gap))
            .unwrap_or(0.0);
        let result = self
            .play(id, &plan.program, on_air, None, from, interrupt)
            .await;
        let (outcome, detail) = match result {
            Ok(r) => (r.outcome, r.detail),
            Err(e) => {
                let reason = format!("{e:#}");
                let _ = self
                    .store()
                    .map(|mut s| s.finish(id, Outcome::Failed, Some(&reason), self.clock.now()));
                (Outcome::Failed, reason)
            }
        };
        Some(Event {
            slot: again.name,
            at,
            what: outcome.as_str().into(),
            detail,
            failure: outcome == Outcome::Failed,
        })
    }
}

/// The program a slot asks for; what it leaves unset comes from the station's `[program]`
/// settings.
fn program_options(slot: &Slot) -> ProgramOptions {
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

/// `(article id, script hash)` of a plan's articles, in program order.
fn plan_articles(plan: &PlannedProgram) -> Vec<(i64, String)> {
    plan.articles
        .iter()
        .map(|p| (p.row.id, p.hash.clone()))
        .collect()
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
