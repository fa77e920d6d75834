//! `dalaba run` (the daemon) and `dalaba play-now ID`.

use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;

use super::tick::{line, stop_signal};
use crate::service::{self, Clock, DaemonLock, Engine, Interrupt};
use crate::station::Station;
use crate::tts::{BackendKind, neural};

pub(super) fn daemon(station: &Station) -> anyhow::Result<()> {
    let engine = Engine::new(station.clone(), Clock::system())?;
    let Some(_lock) = DaemonLock::try_take(station)? else {
        anyhow::bail!(
            "another `dalaba run` is already running on `{}`; stop it first",
            station.root.display()
        );
    };
    preload_voice(station);
    let tz = engine.tz.clone();
    let runtime = super::runtime()?;
    runtime.block_on(async move {
        let (tx, rx) = tokio::sync::watch::channel(());
        let watched = station.clone();
        tokio::spawn(async move {
            let mut seen = service::schedules_stamp(&watched);
            loop {
                tokio::time::sleep(Duration::from_secs(1)).await;
                let now = service::schedules_stamp(&watched);
                if now != seen {
                    seen = now;
                    if tx.send(()).is_err() {
                        break;
                    }
                }
            }
        });
        println!(
            "dalaba run: {} slot(s), time zone {}; stop with Ctrl-C or SIGTERM",
            engine.slots.len(),
            tz.iana_name().unwrap_or("?")
        );
        service::run(engine, rx, stop_signal(), |e| {
            let text = line(e, &tz);
            if e.failure {
                eprintln!("{text}");
            } else {
                println!("{text}");
            }
            let _ = std::io::stdout().flush();
        })
        .await
    })
}

/// Loads the default voice's model in the background when it is the built-in neural voice,
/// so the first render after boot does not wait for it; the daemon keeps it loaded.
fn preload_voice(station: &Station) {
    if let Ok(voice) = station.voice(None)
        && voice.kind == BackendKind::Neural
    {
        std::thread::spawn(move || {
            if let Err(why) = neural::availability(&voice) {
                tracing::warn!("the default voice `{}` cannot run: {why}", voice.name);
            }
        });
    }
}

pub(super) fn play_now(
    station: &Station,
    id: i64,
    emergency: bool,
    by: Option<&str>,
) -> anyhow::Result<()> {
    let emergency_by = if emergency { by } else { None };
    if DaemonLock::held(station) {
        // Check here so the person at the keyboard hears about a refusal at once.
        Engine::new(station.clone(), Clock::system())?.check_play_now(id, emergency_by)?;
        super::queue::open(station)?.request(id, emergency_by, Timestamp::now())?;
        println!("handed article {id} to the running `dalaba run`; it breaks in at once");
        return Ok(());
    }
    let engine = Engine::new(station.clone(), Clock::system())?;
    let interrupt = Arc::new(Interrupt::default());
    let runtime = super::runtime()?;
    let flag = interrupt.clone();
    runtime.spawn(async move {
        stop_signal().await;
        flag.raise("`dalaba play-now` was stopped (SIGTERM or Ctrl-C)");
    });
    let event = runtime.block_on(engine.play_now(id, emergency_by, &interrupt))?;
    println!("{}", line(&event, &engine.tz));
    anyhow::ensure!(!event.failure, "article {id} did not air: {}", event.detail);
    Ok(())
}
