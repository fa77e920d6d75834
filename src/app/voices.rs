//! `dalaba voices` and `dalaba devices`.

use crate::player;
use crate::station::Station;

pub(super) fn list(station: &Station) -> anyhow::Result<()> {
    for voice in station.voices()? {
        println!(
            "{:<16} {:<8} {}",
            voice.name,
            voice.kind.name(),
            voice.endpoint()
        );
    }
    Ok(())
}

pub(super) fn devices() -> anyhow::Result<()> {
    let devices = player::output_devices();
    if devices.is_empty() {
        println!("no sound output devices found");
    }
    for name in devices {
        println!("{name}");
    }
    Ok(())
}
