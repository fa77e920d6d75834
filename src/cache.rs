//! Content-addressed segment cache: conditioned PCM (mono, program rate) keyed by everything
//! that changes the sound. Entries are written to a temp file and renamed, so a killed
//! process never leaves a half entry. [edge]

use std::path::PathBuf;

use crate::audio::Clip;
use crate::media::wav::{self, WavError};
use crate::tts::VoiceProfile;

/// The cache directory.
#[derive(Debug, Clone)]
pub struct SegmentCache {
    dir: PathBuf,
}

impl SegmentCache {
    /// A cache in `dir` (created on first write).
    pub fn new(dir: PathBuf) -> Self {
        Self { dir }
    }

    /// The key for `text` spoken by `profile` at `rate`: a hash of every setting that
    /// changes the sound, and the text.
    pub fn key(&self, profile: &VoiceProfile, rate: u32, text: &str) -> String {
        let mut hasher = blake3::Hasher::new();
        for part in [
            profile.kind.name(),
            &profile.endpoint(),
            profile.model.as_deref().unwrap_or(""),
            profile.voice.as_deref().unwrap_or(""),
            profile.response_format.as_deref().unwrap_or(""),
            &profile.speed.to_string(),
            &rate.to_string(),
            text,
        ] {
            hasher.update(part.as_bytes());
            hasher.update(&[0]);
        }
        hasher.finalize().to_hex().to_string()
    }

    fn path(&self, key: &str) -> PathBuf {
        self.dir.join(&key[..2]).join(format!("{key}.wav"))
    }

    /// The entry for `key` and its duration, if present and readable. An unreadable entry
    /// is removed so it is synthesized again.
    pub fn get(&self, key: &str) -> Option<(PathBuf, f64)> {
        let path = self.path(key);
        if !path.exists() {
            return None;
        }
        match hound::WavReader::open(&path) {
            Ok(reader) if reader.duration() > 0 => {
                let seconds = f64::from(reader.duration()) / f64::from(reader.spec().sample_rate);
                Some((path, seconds))
            }
            _ => {
                let _ = std::fs::remove_file(&path);
                None
            }
        }
    }

    /// Stores `clip` under `key` atomically and returns its path.
    pub fn put(&self, key: &str, clip: &Clip) -> Result<PathBuf, WavError> {
        let path = self.path(key);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|source| WavError::Io {
                path: dir.to_owned(),
                source,
            })?;
        }
        wav::write_atomic(&path, |file| {
            let spec = hound::WavSpec {
                channels: 1,
                sample_rate: clip.rate,
                bits_per_sample: 32,
                sample_format: hound::SampleFormat::Float,
            };
            let hound_err = |source| WavError::Wav {
                path: path.clone(),
                source,
            };
            let mut writer = hound::WavWriter::new(file, spec).map_err(hound_err)?;
            for &s in &clip.samples {
                writer.write_sample(s).map_err(hound_err)?;
            }
            writer.finalize().map_err(hound_err)
        })?;
        Ok(path)
    }
}
