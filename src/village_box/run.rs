//! `dalaba box run`: the long-running village box. Three tasks share one process:
//!
//! - **sync** (every `every`, and at once after the alert stream reconnects): manifest,
//!   programs, then a report with the outbox rows and the box's health;
//! - **alerts**: the hub's server-sent-events stream, kept open; an emergency's program is
//!   fetched and verified at once and handed to the air loop;
//! - **air** (this module's loop): airs what the held manifest lists at its time through the
//!   airing engine, whether or not the link is up; an emergency cuts in at once and the
//!   program it cut off is aired again afterwards. What is due is decided by the pure
//!   [`plan_held`]. Every outcome goes to the box's as-run log, and from it to the outbox.
//!
//! \[edge\]

use std::collections::VecDeque;
use std::future::Future;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use tokio::sync::{Notify, mpsc};

use super::{BoxClient, BoxError, ManifestPoll};
use crate::airing::{Clock, Engine, HeldProgram, Interrupt, paragraph_start, sleep_until};
use crate::asrun::{self, CANCELLED};
use crate::audio::Clip;
use crate::protocol::{Alert, Credential, Digest, Health, Manifest, MsgType, Severity};
use crate::schedule::held::{HeldAction, HeldAiring, plan_held};
use crate::store::Outcome;

/// How early the box claims an airing and waits for its time.
const PREPARE: SignedDuration = SignedDuration::from_secs(2);

/// The longest the air loop sleeps without news (a wall clock that jumps is noticed).
const MAX_SLEEP: SignedDuration = SignedDuration::from_mins(5);

/// The longest wait before the alert stream is opened again.
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// How far back a restart looks in its own log for rows to send again (the hub dedups).
const RESEND: SignedDuration = SignedDuration::from_hours(24 * 7);

/// Says whether the output device is there (`present` / `absent`), for the health report.
pub type DeviceProbe = Arc<dyn Fn() -> String + Send + Sync>;

/// Prints one line for the box's operator (stdout or a test's capture).
pub type Say = Arc<dyn Fn(&str) + Send + Sync>;

/// What `dalaba box run` was given.
pub struct BoxSettings {
    /// The hub's URL.
    pub hub: String,
    /// This box's credential.
    pub credential: Credential,
    /// The station directory (`box/` inside holds manifest, programs, outbox).
    pub station: PathBuf,
    /// The hub's own CA certificate (PEM), when it has a private one (`--hub-ca`).
    pub hub_ca: Option<PathBuf>,
    /// How often to sync.
    pub every: Duration,
    /// The output device check.
    pub device: DeviceProbe,
    /// Whether test alerts (`severity: "test"`) air here.
    pub test_alerts: bool,
}

/// What the tasks share.
#[derive(Default)]
struct Shared {
    /// The airing on air now, for the health report.
    on_air: Mutex<Option<String>>,
    /// Hub clock − box clock, in milliseconds, as last measured.
    offset_ms: AtomicI64,
    /// A new manifest or program arrived: the air loop looks again.
    news: Notify,
    /// Sync (and report) now.
    sync_now: Notify,
}

impl Shared {
    fn set_on_air(&self, airing: Option<String>) {
        if let Ok(mut on_air) = self.on_air.lock() {
            *on_air = airing;
        }
        self.sync_now.notify_one();
    }

    fn offset(&self) -> SignedDuration {
        SignedDuration::from_millis(self.offset_ms.load(Ordering::Relaxed))
    }
}

/// An alert from the stream, its program already verified on disk.
#[derive(Debug)]
enum FromHub {
    Request(Box<Alert>, PathBuf),
    Cancel(String),
}

/// What kind of airing is on air, for what an alert does to it.
#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Scheduled,
    Emergency(String),
    Resumed,
}

/// One airing to put on air, with where its program is.
#[derive(Debug, Clone)]
struct Item {
    held: HeldProgram,
    kind: Kind,
    airing_id: String,
    program: PathBuf,
    digest: Digest,
    repeat: u32,
    /// The articles' titles (an alert's title), for the as-run row.
    titles: Vec<String>,
}

/// The titles of a manifest airing's articles.
fn titles_of(airing: &crate::protocol::AiringEntry) -> Vec<String> {
    airing.scripts.iter().map(|s| s.title.clone()).collect()
}

/// Runs the box until `shutdown` completes.
pub async fn run(
    engine: Engine,
    settings: BoxSettings,
    shutdown: impl Future<Output = ()>,
    say: Say,
) -> anyhow::Result<()> {
    let client = |s: &BoxSettings| {
        BoxClient::with_hub_ca(
            &s.hub,
            s.credential.clone(),
            s.station.clone(),
            s.hub_ca.as_deref(),
        )
    };
    let shared = Arc::new(Shared::default());
    let (tx, rx) = mpsc::channel(64);
    let sync = tokio::spawn(sync_loop(
        client(&settings)?,
        shared.clone(),
        engine.clock.clone(),
        settings.every,
        settings.device.clone(),
        say.clone(),
    ));
    let alerts = tokio::spawn(alert_loop(
        client(&settings)?,
        client(&settings)?,
        tx,
        shared.clone(),
        say.clone(),
    ));
    let mut air = AirLoop {
        engine,
        local: client(&settings)?,
        shared,
        say,
        rx,
        queue: VecDeque::new(),
        cuts: Vec::new(),
        test_alerts: settings.test_alerts,
    };
    let result = air.run(shutdown).await;
    sync.abort();
    alerts.abort();
    result
}

/// The air loop's state.
struct AirLoop {
    engine: Engine,
    local: BoxClient,
    shared: Arc<Shared>,
    say: Say,
    rx: mpsc::Receiver<FromHub>,
    queue: VecDeque<(Box<Alert>, PathBuf)>,
    cuts: Vec<(Item, f64)>,
    test_alerts: bool,
}

impl AirLoop {
    async fn run(&mut self, shutdown: impl Future<Output = ()>) -> anyhow::Result<()> {
        tokio::pin!(shutdown);
        let mut events = Vec::new();
        self.engine.recover(&mut events).await?;
        self.tell(&events);
        self.resend().await?;
        loop {
            self.engine.db.check_file()?;
            match self.next_work().await? {
                Ok(item) => {
                    if self.air(item, shutdown.as_mut()).await? {
                        return self.engine.db.check_file();
                    }
                }
                Err(next) => {
                    let cap = self.engine.clock.now() + MAX_SLEEP;
                    let (clock, shared) = (self.engine.clock.clone(), self.shared.clone());
                    let woke = tokio::select! {
                        () = sleep_until(clock.as_ref(), next.min(cap)) => None,
                        () = shared.news.notified() => None,
                        Some(msg) = self.rx.recv() => Some(msg),
                        () = &mut shutdown => return self.engine.db.check_file(),
                    };
                    if let Some(msg) = woke {
                        self.take(msg).await?;
                    }
                }
            }
        }
    }

    fn tell(&self, events: &[crate::airing::Event]) {
        for e in events {
            (self.say)(&format!("{}  {}: {}: {}", e.at, e.slot, e.what, e.detail));
        }
    }

    /// The next airing to put on air now, or when to look again: emergencies first, then
    /// the programs they cut off, then the manifest.
    async fn next_work(&mut self) -> anyhow::Result<Result<Item, Timestamp>> {
        while let Some((alert, path)) = self.queue.pop_front() {
            if let Some(item) = self.emergency(&alert, path).await? {
                return Ok(Ok(item));
            }
        }
        if let Some((item, cut)) = self.cuts.pop() {
            return Ok(Ok(self.resumed(item, cut)));
        }
        let Some(manifest) = self.local.held()? else {
            return Ok(Err(self.engine.clock.now() + MAX_SLEEP));
        };
        self.manifest_work(&manifest).await
    }

    /// Logs the manifest's misses; returns the first airing due, or when to look again.
    async fn manifest_work(
        &mut self,
        manifest: &Manifest,
    ) -> anyhow::Result<Result<Item, Timestamp>> {
        let held: Vec<HeldAiring> = manifest
            .airings
            .iter()
            .map(|a| HeldAiring {
                slot: a.slot.clone(),
                at: a.at.at(),
                catch_up_minutes: a.catch_up_minutes,
                valid_until: a.valid_until.at(),
                ready: self.local.program_path(&a.program.digest).exists(),
            })
            .collect();
        let now = self.engine.clock.now();
        let (Some(first), Some(last)) = (
            held.iter().map(|a| a.at).min(),
            held.iter().map(|a| a.at).max(),
        ) else {
            return Ok(Err(now + MAX_SLEEP));
        };
        let log = self
            .engine
            .log_view(first - SignedDuration::from_millis(1), last)
            .await?;
        let plan = plan_held(&held, &log, now, PREPARE);
        let mut misses = Vec::new();
        for action in plan.actions {
            match action {
                HeldAction::Miss(i, why) => misses.push((i, why.to_string())),
                HeldAction::Air(i, retry) => {
                    self.log_misses(manifest, misses).await?;
                    let entry = &manifest.airings[i];
                    return Ok(Ok(Item {
                        held: HeldProgram {
                            slot: entry.slot.clone(),
                            at: entry.at.at(),
                            start: Some(entry.at.at()),
                            retry,
                            from: 0.0,
                            operator: None,
                            voice: entry.program.voice.clone(),
                            source: format!("hub program {}", entry.program.digest),
                        },
                        kind: Kind::Scheduled,
                        airing_id: entry.airing_id.clone(),
                        program: self.local.program_path(&entry.program.digest),
                        digest: entry.program.digest.clone(),
                        repeat: 1,
                        titles: titles_of(entry),
                    }));
                }
            }
        }
        self.log_misses(manifest, misses).await?;
        Ok(Err(plan.next.unwrap_or(now + MAX_SLEEP)))
    }

    async fn log_misses(
        &mut self,
        manifest: &Manifest,
        misses: Vec<(usize, String)>,
    ) -> anyhow::Result<()> {
        if misses.is_empty() {
            return Ok(());
        }
        let rows = misses
            .iter()
            .map(|(i, why)| {
                let a = &manifest.airings[*i];
                (a.slot.clone(), a.at.at(), Outcome::Missed, why.clone())
            })
            .collect();
        let events = self.engine.log_decided(rows).await?;
        self.tell(&events);
        for (i, _) in misses {
            let a = &manifest.airings[i];
            let digest = Some(&a.program.digest);
            self.export(&a.airing_id, &a.slot, a.at.at(), digest, &titles_of(a))
                .await?;
        }
        Ok(())
    }

    /// An emergency from the queue as an airing, or `None` when it is not aired (expired,
    /// a test this station does not air), which is logged.
    async fn emergency(&mut self, alert: &Alert, path: PathBuf) -> anyhow::Result<Option<Item>> {
        let slot = format!("emergency {}", alert.alert_id);
        let at = alert.start.at();
        let hub_now = self.engine.clock.now() + self.shared.offset();
        let refusal = if alert.end.at() <= hub_now {
            Some("its valid-until had passed when it reached the box: not aired".to_owned())
        } else if alert.severity == Severity::Test && !self.test_alerts {
            Some("a test alert; this station does not air test alerts".to_owned())
        } else {
            None
        };
        if let Some(why) = refusal {
            let events = self
                .engine
                .log_decided(vec![(slot.clone(), at, Outcome::Skipped, why)])
                .await?;
            self.tell(&events);
            let titles = [alert.title.clone()];
            self.export(&alert.alert_id, &slot, at, None, &titles)
                .await?;
            return Ok(None);
        }
        let Some(program) = &alert.program else {
            return Ok(None);
        };
        Ok(Some(Item {
            held: HeldProgram {
                slot,
                at,
                start: None,
                retry: false,
                from: 0.0,
                operator: Some(alert.operator.clone()),
                voice: program.voice.clone(),
                source: format!("hub alert {} program {}", alert.alert_id, program.digest),
            },
            kind: Kind::Emergency(alert.alert_id.clone()),
            airing_id: alert.alert_id.clone(),
            program: path,
            digest: program.digest.clone(),
            repeat: alert.repeat.max(1),
            titles: vec![alert.title.clone()],
        }))
    }

    /// The program `item` again, from the start of the paragraph cut off `cut` seconds in.
    fn resumed(&self, mut item: Item, cut: f64) -> Item {
        let min_gap = self.engine.station.settings.program.pauses.paragraph * 0.95;
        let from = load_clip(&item.program, &item.digest, 1, 0.0)
            .map(|c| paragraph_start(&c.samples, c.rate, cut, min_gap))
            .unwrap_or(0.0);
        item.held.slot = format!("{} (resumed)", item.held.slot);
        item.held.start = None;
        item.held.retry = false;
        item.held.from = from;
        item.kind = Kind::Resumed;
        item
    }

    /// Handles an alert that arrived while nothing was on air.
    async fn take(&mut self, msg: FromHub) -> anyhow::Result<()> {
        match msg {
            FromHub::Request(alert, path) => self.queue.push_back((alert, path)),
            FromHub::Cancel(id) => self.cancel_queued(&id).await?,
        }
        Ok(())
    }

    /// A cancel for an alert still waiting: it is logged as cancelled and not aired.
    async fn cancel_queued(&mut self, id: &str) -> anyhow::Result<()> {
        let Some(pos) = self.queue.iter().position(|(a, _)| a.alert_id == id) else {
            return Ok(());
        };
        let Some((alert, _)) = self.queue.remove(pos) else {
            return Ok(());
        };
        let slot = format!("emergency {id}");
        let why = format!("{CANCELLED} (alert {id}) before it aired");
        let rows = vec![(slot.clone(), alert.start.at(), Outcome::Skipped, why)];
        let events = self.engine.log_decided(rows).await?;
        self.tell(&events);
        let titles = [alert.title];
        self.export(id, &slot, alert.start.at(), None, &titles)
            .await
    }

    /// Airs `item` while watching the alert stream and `shutdown`: a request breaks into a
    /// scheduled program (which is aired again afterwards), a cancel stops its alert.
    /// Returns whether the box is stopping.
    async fn air(
        &mut self,
        item: Item,
        mut shutdown: Pin<&mut impl Future<Output = ()>>,
    ) -> anyhow::Result<bool> {
        let interrupt = Interrupt::default();
        self.shared.set_on_air(Some(item.airing_id.clone()));
        let (path, digest, repeat, from) = (
            item.program.clone(),
            item.digest.clone(),
            item.repeat,
            item.held.from,
        );
        let load = move || load_clip(&path, &digest, repeat, from);
        let (mut stopping, mut broke_in) = (false, false);
        let mut cancels = Vec::new();
        let finished = {
            let playing = self.engine.air_held(&item.held, load, &interrupt);
            tokio::pin!(playing);
            loop {
                tokio::select! {
                    r = &mut playing => break r?,
                    () = &mut shutdown, if !stopping => {
                        stopping = true;
                        interrupt.raise("the box was stopped (SIGTERM or Ctrl-C)");
                    }
                    Some(msg) = self.rx.recv() => match msg {
                        FromHub::Request(alert, path) => {
                            if !matches!(item.kind, Kind::Emergency(_)) {
                                let why = format!("emergency alert {} broke in", alert.alert_id);
                                interrupt.raise(&why);
                                broke_in = true;
                            }
                            self.queue.push_back((alert, path));
                        }
                        FromHub::Cancel(id) if item.kind == Kind::Emergency(id.clone()) => {
                            interrupt.raise(&format!("{CANCELLED} (alert {id})"));
                        }
                        FromHub::Cancel(id) => cancels.push(id),
                    },
                }
            }
        };
        self.shared.set_on_air(None);
        for id in cancels {
            self.cancel_queued(&id).await?;
        }
        let Some(finished) = finished else {
            return Ok(stopping);
        };
        self.tell(&[finished.event(&item.held.slot, item.held.at)]);
        match (finished.outcome, finished.stopped_at) {
            (Outcome::Interrupted, Some(cut))
                if broke_in && !stopping && item.kind == Kind::Scheduled =>
            {
                self.cuts.push((item, cut));
            }
            (Outcome::Claimed, _) => {}
            _ => {
                let digest = (!matches!(item.kind, Kind::Emergency(_))).then_some(&item.digest);
                let (id, slot) = (&item.airing_id, &item.held.slot);
                self.export(id, slot, item.held.at, digest, &item.titles)
                    .await?;
            }
        }
        Ok(stopping)
    }

    /// Puts the log's row for `(slot, at)`, a program of the articles `titles`, into the
    /// outbox as airing `airing_id`.
    async fn export(
        &self,
        airing_id: &str,
        slot: &str,
        at: Timestamp,
        digest: Option<&Digest>,
        titles: &[String],
    ) -> anyhow::Result<()> {
        let Some(row) = self.engine.log_row(slot, at).await? else {
            return Ok(());
        };
        if let Some(wire) = asrun::row_of(airing_id, &row, digest, titles) {
            self.local.outbox().push(&wire)?;
            self.shared.sync_now.notify_one();
        }
        Ok(())
    }

    /// After a start: every finished row of the held manifest's airings and of the week's
    /// emergencies goes to the outbox again (a row may have been lost to a kill between
    /// the log and the outbox; the hub keeps one row per airing).
    async fn resend(&self) -> anyhow::Result<()> {
        if let Some(manifest) = self.local.held()? {
            for a in &manifest.airings {
                let at = a.at.at();
                let (digest, titles) = (Some(&a.program.digest), titles_of(a));
                self.export(&a.airing_id, &a.slot, at, digest, &titles)
                    .await?;
                let resumed = format!("{} (resumed)", a.slot);
                self.export(&a.airing_id, &resumed, at, digest, &titles)
                    .await?;
            }
        }
        let now = self.engine.clock.now();
        let (since, until) = (now - RESEND, now + RESEND);
        let rows = self
            .engine
            .db
            .call(move |s| s.airings(Some(since), Some(until)))
            .await?;
        for row in rows {
            if let Some(id) = row.slot.strip_prefix("emergency ")
                // The alert's title is gone with the process: the hub keeps the one it holds.
                && let Some(wire) = asrun::row_of(id, &row, None, &[])
            {
                self.local.outbox().push(&wire)?;
            }
        }
        Ok(())
    }
}

/// Reads the program at `path`, refuses it unless its bytes hash to `digest` (a refused
/// file is deleted, so the next sync fetches it again), decodes it from the very bytes
/// checked, repeats it `repeat` times and starts it `from` seconds in.
fn load_clip(path: &Path, digest: &Digest, repeat: u32, from: f64) -> Result<Clip, String> {
    let bytes = std::fs::read(path)
        .map_err(|e| format!("cannot read the program `{}`: {e}", path.display()))?;
    let got = Digest::of(&bytes);
    if &got != digest {
        let _ = std::fs::remove_file(path);
        return Err(format!(
            "refused: the program `{}` has digest `{got}`, the manifest says `{digest}`; deleted, the next sync fetches it again",
            path.display()
        ));
    }
    let clip = crate::media::wav::read_clip_from(Cursor::new(bytes), path)
        .map_err(|e| format!("the program `{}` cannot be read: {e}", path.display()))?;
    let samples = clip.samples.repeat(repeat.max(1) as usize);
    let skip = ((from * f64::from(clip.rate)) as usize).min(samples.len());
    Ok(Clip::new(clip.rate, samples[skip..].to_vec()))
}

/// Syncs every `every` (or when asked) until aborted.
async fn sync_loop(
    mut client: BoxClient,
    shared: Arc<Shared>,
    clock: Arc<dyn Clock>,
    every: Duration,
    device: DeviceProbe,
    say: Say,
) {
    let mut last_error = String::new();
    loop {
        match sync_round(&mut client, &shared, clock.as_ref(), &device).await {
            Ok(Some(line)) => {
                say(&line);
                last_error.clear();
            }
            Ok(None) => last_error.clear(),
            Err(err) => {
                let text = format!("{err:#}");
                if text != last_error {
                    say(&format!("box: sync with the hub failed: {text}"));
                }
                last_error = text;
            }
        }
        tokio::select! {
            () = tokio::time::sleep(every) => {}
            () = shared.sync_now.notified() => {}
        }
    }
}

/// One round: manifest, programs, report. A line when something changed.
async fn sync_round(
    client: &mut BoxClient,
    shared: &Shared,
    clock: &dyn Clock,
    device: &DeviceProbe,
) -> anyhow::Result<Option<String>> {
    let poll = match client.poll_manifest(clock.now()).await {
        Ok(poll) => poll,
        Err(err) if matches!(err.downcast_ref(), Some(BoxError::Refused(_))) => {
            ManifestPoll::Unchanged
        }
        // No manifest published for this box yet: it still reports (health, alerts aired).
        Err(err)
            if err
                .downcast_ref::<reqwest::Error>()
                .and_then(reqwest::Error::status)
                == Some(reqwest::StatusCode::NOT_FOUND) =>
        {
            ManifestPoll::Unchanged
        }
        Err(err) => return Err(err),
    };
    let offset = client.clock_offset();
    shared
        .offset_ms
        .store(offset.as_millis() as i64, Ordering::Relaxed);
    let fetched = match client.fetch_programs().await {
        Ok(n) => n,
        Err(err) => {
            tracing::warn!("box `{}`: {err:#}", client.box_id());
            0
        }
    };
    if poll != ManifestPoll::Unchanged || fetched > 0 {
        shared.news.notify_one();
    }
    let hub_now = clock.now() + offset;
    let health = Health {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        clock_offset_ms: offset.as_millis() as i64,
        device: device(),
        disk_free_bytes: disk_free(client),
        on_air: shared.on_air.lock().ok().and_then(|g| g.clone()),
        manifest_expired: client.held()?.is_some_and(|m| m.expires.at() <= hub_now),
        refused: Vec::new(),
    };
    let sent = client.report(health, clock.now()).await?;
    let changed = poll != ManifestPoll::Unchanged || fetched > 0 || sent > 0;
    Ok(changed.then(|| {
        format!("box: manifest {poll:?}; programs fetched: {fetched}; as-run rows accepted by the hub: {sent}")
    }))
}

/// Free bytes where the box keeps its files.
fn disk_free(client: &BoxClient) -> Option<u64> {
    let dir = client.program_path(&Digest::of(b""));
    let dir = dir.parent()?.parent()?;
    let stat = rustix::fs::statvfs(dir).ok()?;
    Some(stat.f_bavail.saturating_mul(stat.f_frsize))
}

/// Keeps the alert stream open until aborted, handing each alert (its program verified)
/// to the air loop; reconnects with a growing pause, and asks for a sync after each.
async fn alert_loop(
    stream_client: BoxClient,
    mut fetcher: BoxClient,
    tx: mpsc::Sender<FromHub>,
    shared: Arc<Shared>,
    say: Say,
) {
    let mut stream = stream_client.alerts();
    let mut backoff = Duration::from_secs(1);
    let mut last_error = String::new();
    loop {
        match stream.next().await {
            Ok(alert) => {
                backoff = Duration::from_secs(1);
                last_error.clear();
                let msg = match alert.msg_type {
                    MsgType::Cancel => FromHub::Cancel(alert.alert_id.clone()),
                    MsgType::Request => match fetch_alert(&mut fetcher, &alert).await {
                        Ok(path) => FromHub::Request(Box::new(alert.clone()), path),
                        Err(err) => {
                            say(&format!("box: alert {} not aired: {err:#}", alert.alert_id));
                            continue;
                        }
                    },
                };
                say(&format!(
                    "box: alert {} ({:?}) received from the hub",
                    alert.alert_id, alert.msg_type
                ));
                if tx.send(msg).await.is_err() {
                    return;
                }
            }
            Err(err) => {
                let text = format!("{err:#}");
                if text != last_error {
                    say(&format!("box: alert stream: {text}; reconnecting"));
                }
                last_error = text;
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(MAX_BACKOFF);
                shared.sync_now.notify_one();
            }
        }
    }
}

async fn fetch_alert(fetcher: &mut BoxClient, alert: &Alert) -> anyhow::Result<PathBuf> {
    let program = alert
        .program
        .as_ref()
        .ok_or_else(|| anyhow::anyhow!("the request carries no program"))?;
    fetcher.fetch_program(program).await
}
