//! `dalaba hub emergency` and `dalaba hub cancel`: an alert stored in the hub's database
//! and announced to the running `hub serve` (SIGUSR1 to the pid in `state/hub.pid`), which
//! pushes it down every open alert stream of the boxes in its zones. A box that is offline
//! gets it when it reconnects, while it is still valid. \[glue\]

use std::path::{Path, PathBuf};

use anyhow::Context;
use jiff::{SignedDuration, Timestamp};
use tokio::signal::unix::{SignalKind, signal};

use super::hub::{programs_dir, store, timezone};
use crate::hub::server::HubState;
use crate::hub::store::HubStore;
use crate::protocol::{Alert, MsgType, PROTOCOL, Severity, WireTime};
use crate::station::Station;

/// What the clerk ordered.
#[derive(Debug, Clone)]
pub(super) struct Order {
    pub program: Option<PathBuf>,
    pub text: Option<String>,
    pub zones: Vec<String>,
    pub reason: String,
    pub by: String,
    pub severity: String,
    pub minutes: u32,
    pub repeat: u32,
}

/// Where `hub serve` writes its pid.
pub(super) fn pid_file(station: &Station) -> PathBuf {
    station.state_dir().join("hub.pid")
}

/// `dalaba hub emergency`: stores the alert and wakes the serving hub.
pub(super) fn emergency(station: &Station, order: &Order, json: bool) -> anyhow::Result<()> {
    let severity: Severity = order.severity.parse().map_err(|_| {
        anyhow::anyhow!(
            "`--severity {}`: give 1 (特别重大/红), 2 (重大/橙), 3 (较大/黄), 4 (一般/蓝) or `test`",
            order.severity.escape_debug()
        )
    })?;
    anyhow::ensure!(order.minutes > 0, "`--minutes` is at least 1");
    let wav = match (&order.program, &order.text) {
        (Some(path), _) => path.clone(),
        (None, Some(text)) => speak(station, &order.reason, text)?,
        (None, None) => anyhow::bail!(crate::t!("error-wav-or-text")),
    };
    let program = crate::hub::publish::import_program(&programs_dir(station), &wav)?;
    let now = Timestamp::now();
    let tz = timezone(station)?;
    let time = |t: Timestamp| WireTime::new(t, tz.to_offset(t));
    let end = now.checked_add(SignedDuration::from_mins(i64::from(order.minutes)))?;
    let alert = Alert {
        protocol: PROTOCOL,
        alert_id: alert_id(now, &tz),
        msg_type: MsgType::Request,
        severity,
        event_type: String::new(),
        title: order.reason.clone(),
        sender: order.by.clone(),
        sent_at: time(now),
        start: time(now),
        end: time(end),
        area_codes: Vec::new(),
        zones: order.zones.clone(),
        repeat: order.repeat.max(1),
        operator: order.by.clone(),
        program: Some(program),
    };
    let seq = store(station)?.add_alert(&alert)?;
    let woke = wake_hub(station);
    if json {
        let out = serde_json::json!({ "alert_id": alert.alert_id, "seq": seq,
            "sent_at": alert.sent_at.to_string(), "end": alert.end.to_string(), "hub_running": woke });
        println!("{out}");
    } else {
        let zones = order.zones.join(&crate::t!("list-separator"));
        let sent = crate::t!(
            "emergency-sent",
            id = alert.alert_id.clone(),
            zones = zones.escape_debug().to_string(),
            end = alert.end.to_string()
        );
        println!("{sent}");
        if !woke {
            println!("{}", crate::t!("emergency-hub-down"));
        }
        let cancel = crate::t!("emergency-cancel-with", id = alert.alert_id.clone());
        println!("{cancel}");
    }
    Ok(())
}

/// `dalaba hub cancel ID`: stores the cancel of a request the hub sent.
pub(super) fn cancel(station: &Station, alert_id: &str, by: &str) -> anyhow::Result<()> {
    let store = store(station)?;
    let request = store
        .alerts_after(0)?
        .into_iter()
        .map(|(_, a)| a)
        .find(|a| a.alert_id == alert_id && a.msg_type == MsgType::Request)
        .with_context(|| {
            crate::t!(
                "emergency-unknown",
                id = alert_id.escape_debug().to_string()
            )
        })?;
    let now = Timestamp::now();
    let tz = timezone(station)?;
    let mut cancel = request;
    cancel.msg_type = MsgType::Cancel;
    cancel.sent_at = WireTime::new(now, tz.to_offset(now));
    cancel.operator = by.to_owned();
    cancel.program = None;
    store.add_alert(&cancel)?;
    wake_hub(station);
    println!("{}", crate::t!("emergency-cancelled", id = alert_id));
    Ok(())
}

/// A readable, unique-enough id: `e-YYYYMMDD-HHMMSS-xxxx` (local time, 16 random bits).
fn alert_id(now: Timestamp, tz: &jiff::tz::TimeZone) -> String {
    let mut random = [0u8; 2];
    let _ = getrandom::fill(&mut random);
    let local = now.to_zoned(tz.clone()).strftime("%Y%m%d-%H%M%S");
    format!("e-{local}-{:02x}{:02x}", random[0], random[1])
}

/// Renders `text` (titled `reason`) in the station's default voice into `state/`.
fn speak(station: &Station, reason: &str, text: &str) -> anyhow::Result<PathBuf> {
    let source = format!("{reason}\n\n{text}\n");
    let article = crate::article::parse(Path::new("emergency"), &source)?;
    let out = station.state_dir().join("emergency.wav");
    std::fs::create_dir_all(station.state_dir())?;
    let options = crate::pipeline::ProgramOptions::default();
    super::runtime()?.block_on(crate::pipeline::build(
        station,
        super::edges::voices().as_ref(),
        &[article],
        &options,
        &out,
    ))?;
    Ok(out)
}

/// Signals the serving hub; false when none runs.
fn wake_hub(station: &Station) -> bool {
    let pid = std::fs::read_to_string(pid_file(station))
        .ok()
        .and_then(|s| s.trim().parse::<i32>().ok())
        .and_then(rustix::process::Pid::from_raw);
    pid.is_some_and(|pid| rustix::process::kill_process(pid, rustix::process::Signal::USR1).is_ok())
}

/// In `hub serve`: writes the pid file and, on each SIGUSR1, pushes the alerts stored since.
pub(super) fn announce_on_signal(station: &Station, state: HubState) -> anyhow::Result<()> {
    let mut wake = signal(SignalKind::user_defined1())?;
    let mut last = store(station)?
        .alerts_after(0)?
        .last()
        .map_or(0, |(seq, _)| *seq);
    tokio::spawn(async move {
        while wake.recv().await.is_some() {
            match state.announce_stored(last) {
                Ok(seq) => last = seq,
                Err(err) => tracing::error!("hub: cannot announce the stored alerts: {err:#}"),
            }
        }
    });
    let pid = pid_file(station);
    std::fs::write(&pid, std::process::id().to_string())
        .with_context(|| crate::t!("error-cannot-write", path = pid.display().to_string()))
}
