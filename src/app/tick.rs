//! `dalaba tick [--now T]`: one pass of the broadcast engine, for cron.

use std::sync::Arc;

use jiff::tz::TimeZone;

use crate::airing::{Event, Interrupt};
use crate::schedule;
use crate::station::Station;

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
    let runtime = super::runtime()?;
    let engine = super::edges::engine(station, now, false)?;
    let interrupt = Arc::new(Interrupt::default());
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

/// Completes on SIGTERM or SIGINT. The SIGTERM handler is installed when this is called
/// (inside the runtime), not when it is first awaited.
pub(super) fn stop_signal() -> impl std::future::Future<Output = ()> {
    use tokio::signal::unix::{SignalKind, signal};
    let term = signal(SignalKind::terminate());
    async move {
        match term {
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
}
