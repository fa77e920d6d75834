//! The audio device behind a small trait, so the broadcast loop can be driven by rodio on a
//! real device, or by anything else in tests. \[edge\]

pub mod device;

use std::sync::atomic::AtomicBool;

use crate::audio::Clip;

pub use device::{OutputDevice, RodioSink, output_devices};

/// Why playback did not happen or did not finish.
#[derive(Debug, thiserror::Error)]
pub enum PlayError {
    /// No output device could be opened.
    #[error("there is no sound device on this machine ({0})")]
    NoDevice(String),
    /// The station or the command named a device this machine does not have.
    #[error(
        "there is no output device `{name}`; the devices here are: {known} (see `dalaba devices`)"
    )]
    NoSuchDevice {
        /// The name asked for.
        name: String,
        /// The names that work.
        known: String,
    },
    /// The device opened but failed while playing.
    #[error("the sound device failed: {0}")]
    Device(String),
}

/// How a playback ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Played {
    /// The whole clip went out.
    Finished,
    /// `stop` was raised before the end.
    Stopped,
}

/// Something that plays a clip to the end, blocking, unless `stop` is raised.
pub trait AudioSink {
    /// Plays `clip`; returns when it has finished or `stop` became true.
    fn play(&mut self, clip: &Clip, stop: &AtomicBool) -> Result<Played, PlayError>;
}
