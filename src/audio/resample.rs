//! Band-limited sample-rate conversion of whole clips (rubato's FFT resampler). [core]

use rubato::audioadapter_buffers::direct::InterleavedSlice;
use rubato::{Fft, FixedSync, Resampler};

use super::Clip;

/// Why a clip could not be resampled.
#[derive(Debug, thiserror::Error)]
pub enum ResampleError {
    /// A rate was zero or the converter could not be built.
    #[error("cannot resample from {from} Hz to {to} Hz: {reason}")]
    Unsupported {
        /// Source rate.
        from: u32,
        /// Target rate.
        to: u32,
        /// What rubato said.
        reason: String,
    },
}

/// Converts `clip` to `rate`, band-limited (no aliasing from sample dropping).
/// Returns the clip unchanged when it is already at `rate`.
pub fn to_rate(clip: &Clip, rate: u32) -> Result<Clip, ResampleError> {
    if clip.rate == rate || clip.samples.is_empty() {
        return Ok(Clip::new(rate, clip.samples.clone()));
    }
    let fail = |reason: String| ResampleError::Unsupported {
        from: clip.rate,
        to: rate,
        reason,
    };
    let mut resampler =
        Fft::<f32>::new(clip.rate as usize, rate as usize, 1024, 1, FixedSync::Input)
            .map_err(|e| fail(e.to_string()))?;
    let frames = clip.samples.len();
    let input =
        InterleavedSlice::new(&clip.samples[..], 1, frames).map_err(|e| fail(e.to_string()))?;
    let output = resampler
        .process_all(&input, frames, None)
        .map_err(|e| fail(e.to_string()))?;
    Ok(Clip::new(rate, output.take_data()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sine(rate: u32, hz: f32, seconds: f32) -> Clip {
        let n = (rate as f32 * seconds) as usize;
        let samples = (0..n)
            .map(|i| (i as f32 / rate as f32 * hz * std::f32::consts::TAU).sin() * 0.5)
            .collect();
        Clip::new(rate, samples)
    }

    #[test]
    fn length_scales_with_rate() {
        let out = to_rate(&sine(22_050, 440.0, 1.0), 24_000).unwrap();
        assert_eq!(out.rate, 24_000);
        assert!(
            (out.samples.len() as i64 - 24_000).abs() <= 2,
            "{}",
            out.samples.len()
        );
    }

    #[test]
    fn level_is_preserved_in_band() {
        let out = to_rate(&sine(22_050, 440.0, 1.0), 24_000).unwrap();
        let mid = &out.samples[2_000..22_000];
        let rms = crate::audio::rms(mid);
        assert!((rms - 0.5 / 2f32.sqrt()).abs() < 0.01, "{rms}");
    }

    #[test]
    fn content_above_new_nyquist_is_removed() {
        // 15 kHz cannot exist at 24 kHz; a band-limited converter removes it.
        let out = to_rate(&sine(48_000, 15_000.0, 1.0), 24_000).unwrap();
        let rms = crate::audio::rms(&out.samples[2_000..22_000]);
        assert!(rms < 0.01, "{rms}");
    }
}
