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

/// Completes when playback should stop.
pub type StopSignal<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send + 'a>>;

/// A playback in progress.
pub type Playing<'a> =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<Played, PlayError>> + Send + 'a>>;

/// The loudspeaker as the broadcast engine sees it: plays a clip to its end (in the
/// runtime's time) unless `stop` completes first. Built in `app`: rodio on a device, a
/// WAV file per clip, or nothing at all.
pub trait Speaker: Send + Sync + std::fmt::Debug {
    /// Plays `clip`.
    fn play<'a>(&'a self, clip: Clip, stop: StopSignal<'a>) -> Playing<'a>;

    /// The device name for the as-run log.
    fn device(&self) -> String;
}

/// rodio on a named device or the system default, on a blocking thread.
#[derive(Debug, Clone, Default)]
pub struct RodioSpeaker {
    /// The device; the default when `None`.
    pub device: Option<String>,
}

impl Speaker for RodioSpeaker {
    fn play<'a>(&'a self, clip: Clip, stop: StopSignal<'a>) -> Playing<'a> {
        Box::pin(async move {
            let flag = std::sync::Arc::new(AtomicBool::new(false));
            let raised = flag.clone();
            let device = self.device.clone();
            let mut handle =
                tokio::task::spawn_blocking(move || RodioSink::new(device).play(&clip, &raised));
            let joined = tokio::select! {
                r = &mut handle => r,
                () = stop => {
                    flag.store(true, std::sync::atomic::Ordering::SeqCst);
                    handle.await
                }
            };
            joined.map_err(|e| PlayError::Device(format!("the player thread failed: {e}")))?
        })
    }

    fn device(&self) -> String {
        self.device.clone().unwrap_or_else(|| "default".into())
    }
}

/// Writes every clip it is given to `dir/NNNN.wav` and takes the clip's length to "play"
/// it: a loudspeaker for rehearsals and tests.
#[derive(Debug)]
pub struct WavSpeaker {
    dir: std::path::PathBuf,
    count: std::sync::atomic::AtomicUsize,
}

impl WavSpeaker {
    /// A speaker writing into `dir` (created when needed), numbering on after the files
    /// already there, so a restarted process never overwrites what an earlier one played.
    pub fn new(dir: &std::path::Path) -> WavSpeaker {
        let existing = std::fs::read_dir(dir).map_or(0, |entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| e.path().extension().is_some_and(|x| x == "wav"))
                .count()
        });
        WavSpeaker {
            dir: dir.to_owned(),
            count: std::sync::atomic::AtomicUsize::new(existing),
        }
    }
}

impl Speaker for WavSpeaker {
    fn play<'a>(&'a self, clip: Clip, stop: StopSignal<'a>) -> Playing<'a> {
        Box::pin(async move {
            let n = self.count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let path = self.dir.join(format!("{n:04}.wav"));
            std::fs::create_dir_all(&self.dir)
                .map_err(|e| PlayError::NoDevice(format!("`{}`: {e}", self.dir.display())))?;
            // A record of what played, not state: written plainly, not synced.
            let failed = |e: String| PlayError::Device(format!("`{}`: {e}", path.display()));
            let file = std::fs::File::create(&path).map_err(|e| failed(e.to_string()))?;
            crate::media::wav::write_i16(std::io::BufWriter::new(file), clip.rate, &clip.samples)
                .map_err(|e| failed(e.to_string()))?;
            play_for(clip.duration(), stop).await
        })
    }

    fn device(&self) -> String {
        format!("wav:{}", self.dir.display())
    }
}

/// Plays into nothing, taking the clip's length.
#[derive(Debug, Clone, Copy, Default)]
pub struct NullSpeaker;

impl Speaker for NullSpeaker {
    fn play<'a>(&'a self, clip: Clip, stop: StopSignal<'a>) -> Playing<'a> {
        Box::pin(play_for(clip.duration(), stop))
    }

    fn device(&self) -> String {
        "null".into()
    }
}

/// Waits `seconds` unless `stop` comes first.
async fn play_for(seconds: f64, stop: StopSignal<'_>) -> Result<Played, PlayError> {
    let length = std::time::Duration::from_secs_f64(seconds.max(0.0));
    tokio::select! {
        () = tokio::time::sleep(length) => Ok(Played::Finished),
        () = stop => Ok(Played::Stopped),
    }
}
