//! rodio on the system's default output (or a named one).
//!
//! The stream is opened at the clip's own rate and channel count so samples pass through
//! without rodio resampling them. Two measured rodio 0.23 habits are handled: the queue is
//! filled before it joins the mixer (appending to a connected player corrupts the first
//! milliseconds), and the sink stays open a little after the mixer drains, because
//! `sleep_until_end` returns before the device has played the last buffer.

use std::io::{Read, Seek, SeekFrom};
use std::num::NonZero;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use rodio::buffer::SamplesBuffer;
use rodio::cpal::traits::HostTrait;
use rodio::{DeviceSinkBuilder, DeviceTrait, MixerDeviceSink, Player};

use super::{AudioSink, PlayError, Played};
use crate::audio::Clip;

/// How long the device stays open after the mixer has pulled the last sample.
const DRAIN: Duration = Duration::from_millis(300);

/// A rodio output on a named device, or the default one.
#[derive(Debug, Clone, Default)]
pub struct RodioSink {
    device: Option<String>,
}

impl RodioSink {
    /// Plays on `device` (a name from [`output_devices`]) or the system default.
    pub fn new(device: Option<String>) -> Self {
        Self { device }
    }

    fn open(&self, rate: u32) -> Result<MixerDeviceSink, PlayError> {
        quiet_alsa(|| self.open_noisy(rate))
    }

    fn open_noisy(&self, rate: u32) -> Result<MixerDeviceSink, PlayError> {
        let builder = match self.device.as_deref() {
            None | Some(DEFAULT) => DeviceSinkBuilder::from_default_device(),
            Some(name) => DeviceSinkBuilder::from_device(find_device(name)?),
        }
        .map_err(|e| PlayError::NoDevice(e.to_string()))?;
        let rate = NonZero::new(rate).ok_or_else(|| PlayError::Device("sample rate 0".into()))?;
        builder
            .with_sample_rate(rate)
            .with_channels(NonZero::<u16>::MIN)
            .open_stream()
            .or_else(|_| DeviceSinkBuilder::open_default_sink())
            .map_err(|e| PlayError::NoDevice(e.to_string()))
    }
}

impl AudioSink for RodioSink {
    fn play(&mut self, clip: &Clip, stop: &AtomicBool) -> Result<Played, PlayError> {
        let mut sink = self.open(clip.rate)?;
        sink.log_on_drop(false);
        let rate =
            NonZero::new(clip.rate).ok_or_else(|| PlayError::Device("sample rate 0".into()))?;
        let (player, queue) = Player::new();
        player.append(SamplesBuffer::new(
            NonZero::<u16>::MIN,
            rate,
            clip.samples.clone(),
        ));
        sink.mixer().add(queue);
        while !player.empty() {
            if stop.load(Ordering::SeqCst) {
                player.stop();
                return Ok(Played::Stopped);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        std::thread::sleep(DRAIN);
        Ok(Played::Finished)
    }
}

/// The name that always means the system's default output.
const DEFAULT: &str = "default";

/// An output device: the name `--device` and `device =` take, and what it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputDevice {
    /// What to pass as `--device` (the ALSA PCM name, e.g. `default`, `hw:CARD=PCH,DEV=0`).
    pub name: String,
    /// The system's description of it.
    pub description: String,
}

/// The output devices the system offers, `default` first.
pub fn output_devices() -> Vec<OutputDevice> {
    let mut devices = vec![OutputDevice {
        name: DEFAULT.into(),
        description: "the system's default output".into(),
    }];
    for device in quiet_alsa(output_devices_noisy) {
        if device.name != DEFAULT {
            devices.push(device);
        }
    }
    devices
}

fn output_devices_noisy() -> Vec<OutputDevice> {
    let host = rodio::cpal::default_host();
    host.output_devices()
        .map(|devices| devices.filter_map(|d| describe(&d)).collect())
        .unwrap_or_default()
}

fn describe(device: &rodio::Device) -> Option<OutputDevice> {
    let name = device.id().ok()?.id().to_owned();
    let description = device
        .description()
        .map(|d| d.name().to_owned())
        .unwrap_or_default();
    Some(OutputDevice { name, description })
}

fn find_device(name: &str) -> Result<rodio::Device, PlayError> {
    let host = rodio::cpal::default_host();
    quiet_alsa(|| host.output_devices())
        .map_err(|e| PlayError::NoDevice(e.to_string()))?
        .find(|d| describe(d).is_some_and(|o| o.name == name || o.description == name))
        .ok_or_else(|| PlayError::NoSuchDevice {
            name: name.to_owned(),
            known: output_devices()
                .into_iter()
                .map(|d| d.name)
                .collect::<Vec<_>>()
                .join(", "),
        })
}

/// Runs `f` with stderr diverted: alsa-lib prints its own diagnostics there while devices
/// are probed ("ALSA lib … Unknown PCM default"). The user gets one plain sentence from us
/// instead; alsa-lib's lines go to the debug log.
fn quiet_alsa<T>(f: impl FnOnce() -> T) -> T {
    let (Ok(saved), Ok(mut capture)) = (rustix::io::dup(std::io::stderr()), tempfile::tempfile())
    else {
        return f();
    };
    if rustix::stdio::dup2_stderr(&capture).is_err() {
        return f();
    }
    let value = f();
    let _ = rustix::stdio::dup2_stderr(&saved);
    let mut noise = String::new();
    let _ = capture.seek(SeekFrom::Start(0));
    let _ = capture.read_to_string(&mut noise);
    for line in noise.lines() {
        tracing::debug!("{line}");
    }
    value
}
