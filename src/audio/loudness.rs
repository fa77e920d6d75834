//! Loudness as a listener hears it: ITU-R BS.1770 / EBU R128 integrated loudness (LUFS) and
//! true peak (dBTP), measured with the `ebur128` crate. Pure. [core]

use ebur128::{EbuR128, Mode};

/// A streaming loudness meter for mono audio.
pub struct Meter {
    inner: EbuR128,
}

impl std::fmt::Debug for Meter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Meter")
            .field("rate", &self.inner.rate())
            .finish_non_exhaustive()
    }
}

/// Why a meter could not be made.
#[derive(Debug, thiserror::Error)]
#[error("cannot measure loudness at {rate} Hz: {reason}")]
pub struct MeterError {
    /// The sample rate asked for.
    pub rate: u32,
    /// What ebur128 said.
    pub reason: String,
}

impl Meter {
    /// A meter for mono audio at `rate`; with `true_peak` it also tracks the true peak
    /// (about twice the work).
    pub fn new(rate: u32, true_peak: bool) -> Result<Self, MeterError> {
        let mode = if true_peak {
            Mode::I | Mode::TRUE_PEAK
        } else {
            Mode::I
        };
        EbuR128::new(1, rate, mode)
            .map(|inner| Self { inner })
            .map_err(|e| MeterError {
                rate,
                reason: e.to_string(),
            })
    }

    /// Adds samples to the measurement.
    pub fn add(&mut self, samples: &[f32]) {
        // Only allocation failure can make this fail; the measurement then stays partial.
        let _ = self.inner.add_frames_f32(samples);
    }

    /// Integrated loudness in LUFS; `None` when nothing rose above the absolute gate.
    pub fn integrated(&self) -> Option<f64> {
        self.inner.loudness_global().ok().filter(|l| l.is_finite())
    }

    /// True peak in dBTP; `None` when the meter does not track it or heard only silence.
    pub fn true_peak_dbtp(&self) -> Option<f64> {
        self.inner
            .true_peak(0)
            .ok()
            .filter(|p| *p > 0.0)
            .map(|p| 20.0 * p.log10())
    }
}

/// Integrated loudness of one clip in LUFS. Clips shorter than the 400 ms gating block are
/// measured looped to a few blocks' length, so a short word still gets a level. `None` for
/// silence.
pub fn clip_loudness(samples: &[f32], rate: u32) -> Option<f64> {
    if samples.is_empty() {
        return None;
    }
    let mut meter = Meter::new(rate, false).ok()?;
    let wanted = rate as usize * 6 / 5;
    let mut fed = 0;
    loop {
        meter.add(samples);
        fed += samples.len();
        if fed >= wanted {
            break;
        }
    }
    meter.integrated()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::TAU;

    fn sine(rate: u32, hz: f64, amp: f64, seconds: f64) -> Vec<f32> {
        (0..(f64::from(rate) * seconds) as usize)
            .map(|i| (amp * (TAU * hz * i as f64 / f64::from(rate)).sin()) as f32)
            .collect()
    }

    #[test]
    fn full_scale_1k_sine_reads_about_minus_3_lufs() {
        // BS.1770: a 0 dBFS 997 Hz sine in one channel reads −3.01 LKFS.
        let l = clip_loudness(&sine(48_000, 997.0, 1.0, 3.0), 48_000).unwrap();
        assert!((l + 3.01).abs() < 0.1, "{l}");
    }

    #[test]
    fn ten_db_quieter_reads_ten_lu_lower() {
        let a = clip_loudness(&sine(24_000, 500.0, 0.5, 2.0), 24_000).unwrap();
        let b = clip_loudness(&sine(24_000, 500.0, 0.5 / 10f64.sqrt(), 2.0), 24_000).unwrap();
        assert!((a - b - 10.0).abs() < 0.05, "{a} {b}");
    }

    #[test]
    fn short_clips_still_get_a_level() {
        let long = clip_loudness(&sine(24_000, 500.0, 0.5, 2.0), 24_000).unwrap();
        let short = clip_loudness(&sine(24_000, 500.0, 0.5, 0.25), 24_000).unwrap();
        assert!((long - short).abs() < 0.3, "{long} {short}");
    }

    #[test]
    fn silence_has_no_loudness() {
        assert_eq!(clip_loudness(&[0.0; 48_000], 24_000), None);
    }

    #[test]
    fn true_peak_sees_between_samples() {
        // A quarter-rate sine sampled at ±45° peaks 3 dB above its samples.
        let x: Vec<f32> = (0..24_000)
            .map(|i| (0.5 * (TAU * 0.25 * i as f64 + TAU / 8.0).sin()) as f32)
            .collect();
        let mut m = Meter::new(24_000, true).unwrap();
        m.add(&x);
        let sample_peak = 20.0 * f64::from(crate::audio::dsp::peak(&x)).log10();
        let tp = m.true_peak_dbtp().unwrap();
        assert!(tp - sample_peak > 2.5, "{tp} vs {sample_peak}");
    }
}
