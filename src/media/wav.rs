//! WAV files written the safe way ([`crate::atomic`]), so a killed process never leaves a
//! file that looks finished, and read back into clips.

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

/// Converts a float sample to 16-bit with rounding (half away from zero) and saturation;
/// NaN becomes 0.
#[inline]
pub fn to_i16(sample: f32) -> i16 {
    // Written for vector registers, as this runs for every sample of every program:
    // floor(|v| + 0.5) is half away from zero, and the nearest whole number (ties to even)
    // is one too many exactly where it rounded up.
    let v = sample.clamp(-1.0, 1.0) * 32767.0;
    let magnitude = v.abs() + 0.5;
    let nearest = crate::audio::dsp::nearest_whole(magnitude);
    let whole = if nearest as f32 > magnitude {
        nearest - 1
    } else {
        nearest
    };
    let signed = if v < 0.0 { -whole } else { whole };
    if v.is_nan() { 0 } else { signed as i16 }
}

/// Appends `samples` as 16-bit ([`to_i16`]) to `pcm`. Also compiled for AVX2 and chosen at
/// run time when the CPU has it, where the conversion vectorizes; same values either way.
#[multiversion::multiversion(targets("x86_64+avx2"))]
pub fn extend_i16(pcm: &mut Vec<i16>, samples: &[f32]) {
    pcm.extend(samples.iter().map(|&s| to_i16(s)));
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

/// Atomically writes a WAV file at `path` ([`crate::atomic::write_with`]): `fill` writes into
/// a temp file beside it, which becomes `path` only when `fill` succeeded.
pub fn write_atomic<T>(
    path: &Path,
    fill: impl FnOnce(&mut BufWriter<File>) -> Result<T, WavError>,
) -> Result<T, WavError> {
    crate::atomic::write_with(path, fill, |source| WavError::Io {
        path: path.to_owned(),
        source,
    })
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
    let file = File::open(path).map_err(|source| WavError::Io {
        path: path.to_owned(),
        source,
    })?;
    read_clip_from(std::io::BufReader::new(file), path)
}

/// A WAV's sample rate and length in seconds, from its header alone (no samples decoded).
pub fn header_of(bytes: &[u8], path: &Path) -> Result<(u32, f64), WavError> {
    let reader =
        hound::WavReader::new(std::io::Cursor::new(bytes)).map_err(|source| WavError::Wav {
            path: path.to_owned(),
            source,
        })?;
    let rate = reader.spec().sample_rate;
    Ok((rate, f64::from(reader.duration()) / f64::from(rate.max(1))))
}

/// [`read_clip`] from any reader (e.g. bytes already in memory); `path` labels errors.
pub fn read_clip_from<R: std::io::Read>(reader: R, path: &Path) -> Result<Clip, WavError> {
    let wav_err = |source| WavError::Wav {
        path: path.to_owned(),
        source,
    };
    let reader = hound::WavReader::new(reader).map_err(wav_err)?;
    let spec = reader.spec();
    let samples: Vec<f32> = match (spec.sample_format, spec.bits_per_sample) {
        (hound::SampleFormat::Float, 32) | (hound::SampleFormat::Int, 16) => {
            read_plain(reader, path)?
        }
        (hound::SampleFormat::Float, _) => reader
            .into_samples::<f32>()
            .collect::<Result<_, _>>()
            .map_err(wav_err)?,
        (hound::SampleFormat::Int, bits) => {
            let scale = 1.0 / (1u64 << (bits - 1)) as f32;
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

/// The common layouts (32-bit float and 16-bit PCM, as in the segment cache) read in bulk,
/// which is several times faster than sample by sample.
fn read_plain<R: std::io::Read>(
    reader: hound::WavReader<R>,
    path: &Path,
) -> Result<Vec<f32>, WavError> {
    let spec = reader.spec();
    let width = usize::from(spec.bits_per_sample / 8);
    let count = reader.len() as usize;
    // hound has read the header; the data chunk follows.
    let mut bytes = vec![0u8; count * width];
    reader
        .into_inner()
        .read_exact(&mut bytes)
        .map_err(|source| WavError::Io {
            path: path.to_owned(),
            source,
        })?;
    Ok(if width == 4 {
        bytes
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect()
    } else {
        bytes
            .chunks_exact(2)
            .map(|b| f32::from(i16::from_le_bytes([b[0], b[1]])) / 32768.0)
            .collect()
    })
}

/// Multiplies every sample of a 16-bit WAV file by `gain`, in place, with rounding and
/// saturation. Used to trim a finished program's level without writing it again. The caller
/// syncs the file.
pub fn scale_i16_in_place(path: &Path, gain: f32) -> Result<(), WavError> {
    use std::io::{Read, SeekFrom};
    let io = |source| WavError::Io {
        path: path.to_owned(),
        source,
    };
    let reader = hound::WavReader::open(path).map_err(|source| WavError::Wav {
        path: path.to_owned(),
        source,
    })?;
    let spec = reader.spec();
    if spec.sample_format != hound::SampleFormat::Int || spec.bits_per_sample != 16 {
        return Err(io(std::io::Error::other("not a 16-bit PCM WAV")));
    }
    let mut left = reader.len() as usize * 2;
    let mut data = reader.into_inner();
    let mut at = data.stream_position().map_err(io)?;
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .map_err(io)?;
    drop(data);
    let mut block = vec![0u8; 1 << 16];
    while left > 0 {
        let n = left.min(block.len());
        file.seek(SeekFrom::Start(at)).map_err(io)?;
        file.read_exact(&mut block[..n]).map_err(io)?;
        for pair in block[..n].chunks_exact_mut(2) {
            let s = f32::from(i16::from_le_bytes([pair[0], pair[1]])) / 32767.0;
            pair.copy_from_slice(&to_i16(s * gain).to_le_bytes());
        }
        file.seek(SeekFrom::Start(at)).map_err(io)?;
        file.write_all(&block[..n]).map_err(io)?;
        at += n as u64;
        left -= n;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sixteen_bit_conversion_rounds_half_away_from_zero_and_saturates() {
        // The obvious version: round half away from zero, then a saturating cast.
        let reference = |s: f32| {
            let v = s.clamp(-1.0, 1.0) * 32767.0;
            (v + 0.5f32.copysign(v)) as i16
        };
        // Every 16-bit step, the ties between steps and the floats either side of each.
        let mut probes = vec![
            f32::NAN,
            f32::INFINITY,
            -f32::INFINITY,
            1.5,
            -7.0,
            0.0,
            -0.0,
        ];
        for k in -32_768..=32_768 {
            for offset in [0.0f32, 0.5, -0.5] {
                let v = (k as f32 + offset) / 32_767.0;
                probes.extend([v, v.next_up(), v.next_down()]);
            }
        }
        for s in probes {
            assert_eq!(to_i16(s), reference(s), "{s:e}");
        }
        let mut pcm = Vec::new();
        extend_i16(&mut pcm, &[0.5, -1.0, 2.0, f32::NAN]);
        assert_eq!(pcm, [16_384, -32_767, 32_767, 0]);
    }

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
    fn bulk_reads_match_hound_sample_by_sample() {
        let dir = tempfile::tempdir().unwrap();
        let samples: Vec<f32> = (0..1000).map(|i| ((i as f32) * 0.01).sin() * 0.7).collect();
        for (bits, format) in [
            (32, hound::SampleFormat::Float),
            (16, hound::SampleFormat::Int),
        ] {
            let path = dir.path().join(format!("x{bits}.wav"));
            let spec = hound::WavSpec {
                channels: 2,
                sample_rate: 16_000,
                bits_per_sample: bits,
                sample_format: format,
            };
            let mut w = hound::WavWriter::create(&path, spec).unwrap();
            for &s in &samples {
                if bits == 32 {
                    w.write_sample(s).unwrap();
                } else {
                    w.write_sample((s * 32768.0) as i16).unwrap();
                }
            }
            w.finalize().unwrap();
            let clip = read_clip(&path).unwrap();
            assert_eq!(clip.rate, 16_000);
            assert_eq!(clip.samples.len(), 500);
            let want = (samples[10] + samples[11]) / 2.0;
            assert!((clip.samples[5] - want).abs() < 1e-4, "{bits} bits");
        }
    }

    #[test]
    fn scaling_in_place_changes_only_the_level() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.wav");
        let clip = Clip::new(24_000, vec![0.5, -0.25, 0.0, 0.9]);
        write_clip(&path, &clip).unwrap();
        scale_i16_in_place(&path, 0.5).unwrap();
        let back = read_clip(&path).unwrap();
        assert_eq!(back.samples.len(), 4);
        for (a, b) in clip.samples.iter().zip(&back.samples) {
            assert!((a * 0.5 - b).abs() < 2.0 / 32768.0, "{a} {b}");
        }
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
