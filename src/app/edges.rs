//! The engine's edges, built here and nowhere else: the clock (real, or a rehearsal's
//! `--now`), the loudspeaker, the database handle, the TTS voices.

use std::sync::Arc;

use jiff::Timestamp;

use crate::airing::{self, Clock, Edges, Engine, RunningClock, SystemClock};
use crate::player::{NullSpeaker, RodioSpeaker, Speaker, WavSpeaker};
use crate::station::Station;
use crate::store::StoreHandle;
use crate::tts::{Backends, Voices};

/// The clock a command runs on: see [`airing::check_now`]. A command that only reads
/// (`plan`) may look at any time: `read_only`.
pub(super) fn clock(
    station: &Station,
    now: Option<&str>,
    read_only: bool,
) -> anyhow::Result<Arc<dyn Clock>> {
    let asked = now
        .map(|s| {
            s.parse::<Timestamp>().map_err(|e| {
                anyhow::anyhow!(
                    "`--now {s}` is not an RFC 3339 time ({e}); write e.g. `2026-12-01T07:00:05+08:00`"
                )
            })
        })
        .transpose()?;
    let shown = station.root.display().to_string();
    let free = station.settings.rehearsal || read_only;
    let start = airing::check_now(free, asked, Timestamp::now(), &shown)?;
    Ok(match start {
        Some(t) => Arc::new(RunningClock::starting_at(t)),
        None => Arc::new(SystemClock),
    })
}

/// The loudspeaker `dalaba.toml`'s `device` names: `null`, `wav:DIR` (a WAV file per
/// airing, for rehearsals) or a sound device (the default one when unset).
pub(super) fn speaker(station: &Station) -> Arc<dyn Speaker> {
    match station.settings.device.as_deref() {
        Some("null") => Arc::new(NullSpeaker),
        Some(d) if d.starts_with("wav:") => {
            Arc::new(WavSpeaker::new(&station.root.join(&d["wav:".len()..])))
        }
        device => Arc::new(RodioSpeaker {
            device: device.map(str::to_owned),
        }),
    }
}

/// The TTS voices: each profile's real backend (HTTP servers, espeak-ng, the neural voice).
pub(super) fn voices() -> Arc<dyn Voices> {
    Arc::new(Backends::default())
}

/// The engine for `station`, on the clock `now` asks for (any time when `read_only`).
pub(super) fn engine(
    station: &Station,
    now: Option<&str>,
    read_only: bool,
) -> anyhow::Result<Engine> {
    let edges = Edges {
        clock: clock(station, now, read_only)?,
        speaker: speaker(station),
        db: StoreHandle::new(super::queue::open(station)?),
        voices: voices(),
    };
    Engine::new(station.clone(), edges)
}
