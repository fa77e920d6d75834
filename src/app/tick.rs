//! `dalaba tick [--now T]`: one pass of the broadcast engine, for cron.

use std::sync::Arc;

use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::schedule;
use crate::service::{Clock, Engine, Event, Interrupt};
use crate::station::Station;

/// Parses `--now`: an RFC 3339 time such as `2026-12-01T07:00:05+08:00`.
pub(super) fn parse_now(now: Option<&str>) -> anyhow::Result<Clock> {
    match now {
        None => Ok(Clock::system()),
        Some(s) => s.parse::<Timestamp>().map(Clock::starting_at).map_err(|e| {
            anyhow::anyhow!(
                "`--now {s}` is not an RFC 3339 time ({e}); write e.g. `2026-12-01T07:00:05+08:00`"
            )
        }),
    }
}

/// One event as a line: local scheduled time, slot, what happened, details.
pub(super) fn line(e: &Event, tz: &TimeZone) -> String {
    let at = e.at.to_zoned(tz.clone()).strftime("%Y-%m-%d %H:%M:%S %:z");
    let detail = super::escape::line(&e.detail);
    if e.slot.is_empty() {
        format!("{at}  {}: {detail}", e.what)
    } else {
        format!(
            "{at}  {}  {}: {detail}",
            super::escape::line(&e.slot),
            e.what
        )
    }
}

pub(super) fn run(station: &Station, now: Option<&str>) -> anyhow::Result<()> {
    let engine = Engine::new(station.clone(), parse_now(now)?)?;
    let interrupt = Arc::new(Interrupt::default());
    let runtime = super::runtime()?;
    let flag = interrupt.clone();
    runtime.spawn(async move {
        stop_signal().await;
        flag.raise("`dalaba tick` was stopped (SIGTERM or Ctrl-C)");
    });
    let events = runtime.block_on(engine.step(schedule::ON_TIME, &interrupt))?;
    let mut failures = 0;
    for e in &events {
        if e.failure {
            failures += 1;
            eprintln!("{}", line(e, &engine.tz));
        } else {
            println!("{}", line(e, &engine.tz));
        }
    }
    anyhow::ensure!(
        failures == 0,
        "{failures} problem(s) this tick (see above and `dalaba log`)"
    );
    Ok(())
}

/// Completes on SIGTERM or SIGINT.
pub(super) async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
