//! WAV files written the safe way: to `NAME.tmp` beside the target, synced, then renamed, so a
//! killed process never leaves a file that looks finished.

use std::fs::File;
use std::io::{BufWriter, Seek, Write};
use std::path::{Path, PathBuf};

use crate::audio::Clip;

/// A WAV file could not be written or read.
#[derive(Debug, thiserror::Error)]
pub enum WavError {
    /// Filesystem trouble.
    #[error("cannot write `{}`: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// hound refused.
    #[error("`{}`: {source}", path.display())]
    Wav {
        /// The file.
        path: PathBuf,
        /// What hound said.
        source: hound::Error,
    },
}

/// The program format: 16-bit PCM, mono.
pub fn spec_i16(rate: u32) -> hound::WavSpec {
    hound::WavSpec {
        channels: 1,
        sample_rate: rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    }
}

/// Converts a float sample to 16-bit with rounding and saturation.
pub fn to_i16(sample: f32) -> i16 {
    (sample.clamp(-1.0, 1.0) * 32767.0).round() as i16
}

/// Writes `samples` as 16-bit mono into any seekable writer.
pub fn write_i16<W: Write + Seek>(writer: W, rate: u32, samples: &[f32]) -> hound::Result<()> {
    let mut wav = hound::WavWriter::new(writer, spec_i16(rate))?;
    let mut i16_writer = wav.get_i16_writer(samples.len() as u32);
    for &s in samples {
        i16_writer.write_sample(to_i16(s));
    }
    i16_writer.flush()?;
    wav.finalize()
}

/// Atomically writes a WAV file at `path`: `fill` writes into a temp file beside it, which is
/// synced and renamed only when `fill` succeeded. On failure nothing is left behind.
pub fn write_atomic<T>(
    path: &Path,
    fill: impl FnOnce(&mut BufWriter<File>) -> Result<T, WavError>,
) -> Result<T, WavError> {
    let tmp = temp_path(path);
    let io = |source| WavError::Io {
        path: path.to_owned(),
        source,
    };
    let result = (|| {
        let mut file = BufWriter::new(File::create(&tmp).map_err(io)?);
        let value = fill(&mut file)?;
        let file = file.into_inner().map_err(|e| io(e.into_error()))?;
        file.sync_all().map_err(io)?;
        std::fs::rename(&tmp, path).map_err(io)?;
        Ok(value)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Atomically writes `clip` as 16-bit mono at `path`.
pub fn write_clip(path: &Path, clip: &Clip) -> Result<(), WavError> {
    write_atomic(path, |file| {
        write_i16(file, clip.rate, &clip.samples).map_err(|source| WavError::Wav {
            path: path.to_owned(),
            source,
        })
    })
}

/// Reads a mono or multi-channel WAV file of any integer or float depth into a mono clip.
pub fn read_clip(path: &Path) -> Result<Clip, WavError> {
    let wav_err = |source| WavError::Wav {
        path: path.to_owned(),
        source,
    };
    let reader = hound::WavReader::open(path).map_err(wav_err)?;
    let spec = reader.spec();
    let samples: Vec<f32> = match spec.sample_format {
        hound::SampleFormat::Float => reader
            .into_samples::<f32>()
            .collect::<Result<_, _>>()
            .map_err(wav_err)?,
        hound::SampleFormat::Int => {
            let scale = 1.0 / (1u64 << (spec.bits_per_sample - 1)) as f32;
            reader
                .into_samples::<i32>()
                .map(|s| s.map(|s| s as f32 * scale))
                .collect::<Result<_, _>>()
                .map_err(wav_err)?
        }
    };
    Ok(Clip::new(
        spec.sample_rate,
        crate::audio::mix_to_mono(&samples, spec.channels as usize),
    ))
}

/// `dir/name.wav` → `dir/.name.wav.tmp`: same directory, so the rename is atomic.
pub fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.{}.tmp", std::process::id()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_is_within_one_lsb() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.wav");
        let clip = Clip::new(24_000, vec![0.0, 0.5, -0.5, 1.0, -1.0]);
        write_clip(&path, &clip).unwrap();
        let back = read_clip(&path).unwrap();
        assert_eq!(back.rate, 24_000);
        for (a, b) in clip.samples.iter().zip(&back.samples) {
            assert!((a - b).abs() < 1.0 / 16_000.0);
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn failed_fill_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.wav");
        let result: Result<(), _> = write_atomic(&path, |_| {
            Err(WavError::Io {
                path: path.clone(),
                source: std::io::Error::other("boom"),
            })
        });
        assert!(result.is_err());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
