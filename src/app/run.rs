//! `dalaba run` (the daemon) and `dalaba play-now ID`.
//!
//! The daemon is woken by signals and file-change notices, never by polling: SIGTERM or
//! Ctrl-C stops it (closing what is on air as interrupted), SIGHUP and any change in
//! `schedules/` (inotify) reload the schedules, SIGUSR1 — sent by `play-now` to the pid in
//! `state/daemon.pid` — says a play-now request waits in the database.

use std::io::Write;
use std::os::fd::OwnedFd;
use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use jiff::Timestamp;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;

use super::tick::{line, stop_signal};
use crate::airing::{self, DaemonLock, Inputs, Interrupt};
use crate::station::Station;
use crate::tts::{BackendKind, neural};

pub(super) fn daemon(
    station: &Station,
    console: Option<&super::hub::ConsoleServe>,
) -> anyhow::Result<()> {
    let Some(_lock) = DaemonLock::try_take(station)? else {
        anyhow::bail!(crate::t!(
            "run-already",
            dir = station.root.display().to_string()
        ));
    };
    let console = console
        .map(|serve| {
            Ok::<_, anyhow::Error>((serve.clone(), super::hub::lone_console(station, serve)?))
        })
        .transpose()?;
    let preloading = preload_voice(station);
    let runtime = super::runtime()?;
    let engine = super::edges::engine(station, None, false)?;
    let pid_file = station.state_dir().join("daemon.pid");
    let tz = engine.tz.clone();
    let result = runtime.block_on(async {
        // One stop for the airing loop and the console: SIGTERM or Ctrl-C ends both.
        let stop = super::hub::Stop::on_signal();
        let mut served = None;
        if let Some((serve, routes)) = console {
            let (listener, tls) =
                super::hub::bind("console", &serve.listen, serve.tls.as_ref()).await?;
            served = Some(tokio::spawn(crate::hub::server::serve_routes(
                listener,
                tls,
                routes,
                stop.wait(),
            )));
        }
        let inputs = Inputs {
            reload: reload_notices(station)?,
            requests: forward(SignalKind::user_defined1())?,
            shutdown: stop.wait(),
        };
        // Written once the signals are handled: `play-now` may signal this pid at once.
        std::fs::write(&pid_file, std::process::id().to_string()).with_context(|| {
            crate::t!("error-cannot-write", path = pid_file.display().to_string())
        })?;
        let started = crate::t!(
            "run-started",
            slots = engine.slots.len(),
            tz = tz.iana_name().unwrap_or("?").to_owned()
        );
        println!("{started}");
        let aired = airing::run(engine, inputs, |e| {
            let text = line(e, &tz);
            if e.failure {
                eprintln!("{text}");
            } else {
                println!("{text}");
            }
            let _ = std::io::stdout().flush();
        })
        .await;
        if let Some(served) = served {
            served
                .await?
                .with_context(|| crate::t!("error-console-server"))?;
        }
        aired
    });
    let _ = std::fs::remove_file(&pid_file);
    if let Some(preloading) = preloading {
        let _ = preloading.join();
    }
    result
}

/// A channel fed by each delivery of signal `kind`.
fn forward(kind: SignalKind) -> anyhow::Result<mpsc::Receiver<()>> {
    let mut signals = signal(kind)?;
    let (tx, rx) = mpsc::channel(4);
    tokio::spawn(async move {
        while signals.recv().await.is_some() {
            let _ = tx.try_send(());
        }
    });
    Ok(rx)
}

/// SIGHUP and changes in `schedules/`, as one channel.
fn reload_notices(station: &Station) -> anyhow::Result<mpsc::Receiver<()>> {
    let mut hup = signal(SignalKind::hangup())?;
    let (tx, rx) = mpsc::channel(4);
    let on_hup = tx.clone();
    tokio::spawn(async move {
        while hup.recv().await.is_some() {
            let _ = on_hup.try_send(());
        }
    });
    match watch_dir(&station.schedules_dir()) {
        Ok(fd) => {
            let spawned = std::thread::Builder::new()
                .name("dalaba-watch".into())
                .spawn(move || forward_changes(&fd, &tx));
            if let Err(e) = spawned {
                tracing::warn!("cannot start the schedule watcher ({e}); reload with SIGHUP");
            }
        }
        Err(e) => tracing::warn!(
            "cannot watch `{}` ({e}); reload the schedules with SIGHUP",
            station.schedules_dir().display()
        ),
    }
    Ok(rx)
}

/// An inotify descriptor watching `dir` for files written, moved, created or deleted.
fn watch_dir(dir: &Path) -> std::io::Result<OwnedFd> {
    use rustix::fs::inotify;
    let fd = inotify::init(inotify::CreateFlags::CLOEXEC)?;
    let flags = inotify::WatchFlags::CLOSE_WRITE
        | inotify::WatchFlags::MOVED_TO
        | inotify::WatchFlags::MOVED_FROM
        | inotify::WatchFlags::CREATE
        | inotify::WatchFlags::DELETE;
    inotify::add_watch(&fd, dir, flags)?;
    Ok(fd)
}

/// Sends a notice for every batch of inotify events on `fd` (a thread that blocks in
/// `read` until the kernel has news), until the daemon is gone.
fn forward_changes(fd: &OwnedFd, tx: &mpsc::Sender<()>) {
    let mut buf = [0u8; 4096];
    while rustix::io::read(fd, &mut buf).is_ok() {
        if tx.blocking_send(()).is_err() {
            return;
        }
    }
}

/// Loads the default voice's model in the background when it is the built-in neural voice,
/// so the first render after boot does not wait for it; the daemon keeps it loaded. The
/// caller joins the thread before exiting: a process that exits while the model loads
/// crashes (SIGSEGV) in the runtime library's teardown.
fn preload_voice(station: &Station) -> Option<std::thread::JoinHandle<()>> {
    let voice = station.voice(None).ok()?;
    (voice.kind == BackendKind::Neural).then(|| {
        std::thread::spawn(move || {
            if let Err(why) = neural::availability(&voice) {
                tracing::warn!("the default voice `{}` cannot run: {why}", voice.name);
            }
        })
    })
}

pub(super) fn play_now(
    station: &Station,
    id: i64,
    emergency: bool,
    by: Option<&str>,
) -> anyhow::Result<()> {
    let emergency_by = by.filter(|_| emergency);
    let runtime = super::runtime()?;
    let engine = super::edges::engine(station, None, false)?;
    if DaemonLock::held(station) {
        // Check here so the person at the keyboard hears about a refusal at once.
        runtime.block_on(engine.check_play_now(id, emergency_by))?;
        super::queue::open(station)?.request(id, emergency_by, by, Timestamp::now())?;
        wake_daemon(station);
        println!("{}", crate::t!("play-now-handed", id = id));
        return Ok(());
    }
    let interrupt = Arc::new(Interrupt::default());
    let flag = interrupt.clone();
    runtime.spawn(async move {
        stop_signal().await;
        flag.raise("`dalaba play-now` was stopped (SIGTERM or Ctrl-C)");
    });
    let event = runtime.block_on(engine.play_now(id, by, emergency, &interrupt))?;
    println!("{}", line(&event, &engine.tz));
    anyhow::ensure!(
        !event.failure,
        crate::t!(
            "play-now-failed",
            id = id,
            detail = crate::i18n::reason_in(crate::i18n::lang(), &event.detail)
        )
    );
    Ok(())
}

/// The daemon as the console of a lone station (`run --console`) hands it cut-ins: the
/// same request row and wake-up as `play-now --emergency --by`.
pub(super) struct LoneDaemon(pub Station);

impl crate::console::Daemon for LoneDaemon {
    fn cut_in(&self, order: &crate::store::CutIn, now: Timestamp) -> anyhow::Result<i64> {
        let engine = super::edges::engine(&self.0, None, false)?;
        let check = engine.check_play_now(order.article_id, Some(&order.by));
        tokio::runtime::Handle::current().block_on(check)?;
        let id = super::queue::open(&self.0)?.cut_in(order, now)?;
        wake_daemon(&self.0);
        Ok(id)
    }

    fn wake(&self) {
        wake_daemon(&self.0);
    }
}

/// Tells the daemon (SIGUSR1) that a request waits; it also finds it on its next pass.
fn wake_daemon(station: &Station) {
    let pid = std::fs::read_to_string(station.state_dir().join("daemon.pid"))
        .ok()
        .and_then(|s| s.trim().parse::<i32>().ok())
        .and_then(rustix::process::Pid::from_raw);
    match pid {
        Some(pid) => {
            if let Err(e) = rustix::process::kill_process(pid, rustix::process::Signal::USR1) {
                tracing::warn!("cannot signal the daemon (pid {pid:?}): {e}");
            }
        }
        None => tracing::warn!(
            "the daemon left no `state/daemon.pid`; it finds the request within a minute"
        ),
    }
}
