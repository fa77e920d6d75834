//! Band-limited sample-rate conversion of whole clips (rubato's FFT resampler). \[core\]

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

#[cfg(test)]
mod reference {
    use super::*;
    use std::f64::consts::{PI, TAU};

    /// The obvious slow version: every output sample is a windowed-sinc sum over the input,
    /// with the cut-off at the lower of the two Nyquist frequencies.
    fn naive(x: &[f32], from: u32, to: u32) -> Vec<f32> {
        let ratio = f64::from(from) / f64::from(to);
        let cutoff = (f64::from(to) / f64::from(from)).min(1.0) * 0.95;
        let half = 64.0 / cutoff;
        let n_out = (x.len() as f64 / ratio).round() as usize;
        (0..n_out)
            .map(|j| {
                let t = j as f64 * ratio;
                let lo = (t - half).ceil().max(0.0) as usize;
                let hi = ((t + half).floor() as usize).min(x.len() - 1);
                (lo..=hi)
                    .map(|i| {
                        let d = t - i as f64;
                        let arg = PI * cutoff * d;
                        let sinc = if arg.abs() < 1e-12 {
                            1.0
                        } else {
                            arg.sin() / arg
                        };
                        let w = 0.42 + 0.5 * (PI * d / half).cos() + 0.08 * (TAU * d / half).cos();
                        f64::from(x[i]) * cutoff * sinc * w
                    })
                    .sum::<f64>() as f32
            })
            .collect()
    }

    fn signal(rate: u32, seconds: f64) -> Vec<f32> {
        (0..(f64::from(rate) * seconds) as usize)
            .map(|i| {
                let t = i as f64 / f64::from(rate);
                let env = 0.5 + 0.5 * (TAU * 2.0 * t).sin();
                (env * (0.3 * (TAU * 220.0 * t).sin()
                    + 0.2 * (TAU * 1330.0 * t + 0.4).sin()
                    + 0.1 * (TAU * 4100.0 * t + 1.1).sin())) as f32
            })
            .collect()
    }

    #[track_caller]
    fn check(from: u32, to: u32) {
        let x = signal(from, 0.5);
        let fast = to_rate(&Clip::new(from, x.clone()), to).unwrap().samples;
        let slow = naive(&x, from, to);
        assert!(
            fast.len().abs_diff(slow.len()) <= 2,
            "{} vs {}",
            fast.len(),
            slow.len()
        );
        // Compare away from the ends, where both sides see the whole kernel.
        let n = fast.len().min(slow.len());
        let (a, b) = (&fast[n / 8..n * 7 / 8], &slow[n / 8..n * 7 / 8]);
        let err: Vec<f32> = a.iter().zip(b).map(|(p, q)| p - q).collect();
        let ratio = crate::audio::rms(&err) / crate::audio::rms(b);
        assert!(ratio < 0.001, "{from} → {to}: error {ratio} of the signal");
    }

    #[test]
    fn matches_the_naive_sinc_resampler() {
        check(22_050, 24_000);
        check(16_000, 24_000);
        check(48_000, 24_000);
    }
}
