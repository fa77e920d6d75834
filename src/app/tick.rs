//! `dalaba tick [--now T]`: one pass of the broadcast engine, for cron.

use std::sync::Arc;

use jiff::tz::TimeZone;

use crate::airing::{Event, Interrupt};
use crate::schedule;
use crate::station::Station;

/// One event as a line: local scheduled time, slot, what happened, details.
pub(super) fn line(e: &Event, tz: &TimeZone) -> String {
    let at = e.at.to_zoned(tz.clone()).strftime("%Y-%m-%d %H:%M:%S %:z");
    let detail = super::escape::line(&detail(e)).into_owned();
    let what = event_word(&e.what);
    if e.slot.is_empty() {
        crate::t!(
            "event-line",
            at = at.to_string(),
            what = what,
            detail = detail
        )
    } else {
        let slot = super::escape::line(&e.slot).into_owned();
        crate::t!(
            "event-slot-line",
            at = at.to_string(),
            slot = slot,
            what = what,
            detail = detail
        )
    }
}

/// The event's details; a program that aired in the process's language.
fn detail(e: &Event) -> String {
    let Some((count, seconds)) = e.program else {
        return crate::i18n::reason_in(crate::i18n::lang(), &e.detail);
    };
    let seconds = format!("{seconds:.1}");
    let mut text = crate::t!("event-program", count = count, seconds = seconds);
    if let Some(from) = e.resumed_from {
        let from = format!("{from:.1}");
        let resumed = crate::t!("reason-resumed", from = from);
        text.push_str(&crate::t!("event-note", note = resumed));
    }
    text
}

/// What the engine did (`aired`, `render failed`, …) in the process's language; a word
/// the catalogue lacks as it is.
fn event_word(what: &str) -> String {
    let id = format!("event-{}", what.replace(' ', "-"));
    crate::i18n::lookup(crate::i18n::lang(), &id).unwrap_or_else(|| what.to_owned())
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
    anyhow::ensure!(failures == 0, crate::t!("tick-problems", count = failures));
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
