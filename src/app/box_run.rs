//! `dalaba box run --hub URL`: the village box as a long-running process. Builds the edges
//! (the engine on the station's clock and loudspeaker, the hub clients) and hands them to
//! [`crate::village_box::run`]. SIGTERM or Ctrl-C stops it, closing what is on air. \[glue\]

use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use crate::airing::DaemonLock;
use crate::protocol::Credential;
use crate::station::Station;
use crate::village_box::run::{BoxSettings, DeviceProbe, Say};

pub(super) fn run(
    station: &Station,
    hub: &str,
    credential: &str,
    hub_ca: Option<&std::path::Path>,
    every: u64,
    now: Option<&str>,
) -> anyhow::Result<()> {
    let Some(_lock) = DaemonLock::try_take(station)? else {
        anyhow::bail!(crate::t!(
            "box-run-already",
            dir = station.root.display().to_string()
        ));
    };
    let credential = Credential::parse(credential)?;
    anyhow::ensure!(every > 0, "`--every` is at least 1 second");
    let runtime = super::runtime()?;
    let engine = super::edges::engine(station, now, false)?;
    let settings = BoxSettings {
        hub: hub.to_owned(),
        credential,
        station: station.root.clone(),
        hub_ca: hub_ca.map(std::path::Path::to_path_buf),
        every: Duration::from_secs(every),
        device: device_probe(station),
        test_alerts: station.settings.rehearsal,
    };
    let say: Say = Arc::new(|line: &str| {
        println!("{}", super::escape::line(line));
        let _ = std::io::stdout().flush();
    });
    runtime.block_on(async {
        say(&crate::t!(
            "box-run-started",
            id = settings.credential.box_id().to_string(),
            hub = hub,
            every = every
        ));
        let shutdown = super::tick::stop_signal();
        crate::village_box::run::run(engine, settings, shutdown, say).await
    })
}

/// Whether the station's output device is there: a WAV folder or `null` always is; a
/// sound device when ALSA lists one (the named one, when `device` names one).
fn device_probe(station: &Station) -> DeviceProbe {
    let device = station.settings.device.clone();
    Arc::new(move || {
        let present = match device.as_deref() {
            Some("null") => true,
            Some(d) if d.starts_with("wav:") => true,
            Some(name) => crate::player::output_devices()
                .iter()
                .any(|d| d.name == name),
            None => {
                use rodio::cpal::traits::HostTrait;
                rodio::cpal::default_host()
                    .default_output_device()
                    .is_some()
            }
        };
        if present { "present" } else { "absent" }.to_owned()
    })
}
