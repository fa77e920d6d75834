//! Loudness as a listener hears it: ITU-R BS.1770 / EBU R128 integrated loudness (LUFS) and
//! true peak (dBTP), measured with the `ebur128` crate. Pure. \[core\]

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

    /// A meter for a whole program: integrated loudness only, with the gating blocks kept
    /// as a histogram (0.1 LU bins) instead of one by one, so its memory does not grow with
    /// the program's length.
    pub fn for_program(rate: u32) -> Result<Self, MeterError> {
        EbuR128::new(1, rate, Mode::I | Mode::HISTOGRAM)
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

/// A streaming true-peak meter: sample peaks plus the signal between samples, found by 4×
/// windowed-sinc interpolation (the limiter's interpolator). Only sample pairs that could
/// beat the peak so far are interpolated, which keeps it cheap on long programs.
#[derive(Debug, Clone)]
pub struct TruePeak {
    taps: [[f32; 2 * HALF]; 3],
    /// The last `2 * HALF - 1` samples seen, then the current block.
    scratch: Vec<f32>,
    peak: f32,
}

/// Half-length of the interpolator, samples.
const HALF: usize = super::limiter::HALF_TAPS;

impl Default for TruePeak {
    fn default() -> Self {
        Self::new()
    }
}

impl TruePeak {
    /// A meter that has heard nothing.
    pub fn new() -> Self {
        use super::limiter::interpolation_taps;
        Self {
            taps: [
                interpolation_taps(0.25),
                interpolation_taps(0.5),
                interpolation_taps(0.75),
            ],
            scratch: vec![0.0; 2 * HALF - 1],
            peak: 0.0,
        }
    }

    /// Adds samples to the measurement.
    pub fn add(&mut self, samples: &[f32]) {
        self.scratch.extend_from_slice(samples);
        let x = &self.scratch;
        let mut peak = self.peak;
        // Pair (m, m + 1) needs x[m + 1 - HALF ..= m + HALF].
        for m in HALF - 1..x.len() - HALF {
            let pair = x[m].abs().max(x[m + 1].abs());
            peak = peak.max(pair);
            // A band-limited signal does not rise more than 6 dB between two samples.
            if pair * 2.0 <= peak {
                continue;
            }
            if let Ok(window) = x[m + 1 - HALF..=m + HALF].try_into() {
                peak = peak.max(super::limiter::interpolated_peak(&self.taps, window));
            }
        }
        self.peak = peak;
        let keep = self.scratch.len() - (2 * HALF - 1);
        self.scratch.drain(..keep);
    }

    /// The true peak so far, linear.
    pub fn peak(&self) -> f32 {
        self.peak
    }

    /// The true peak so far in dBTP; `None` after silence only.
    pub fn dbtp(&self) -> Option<f64> {
        (self.peak > 0.0).then(|| 20.0 * f64::from(self.peak).log10())
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
    fn program_meter_agrees_with_the_exact_one() {
        let x: Vec<f32> = sine(24_000, 700.0, 0.3, 3.0)
            .iter()
            .enumerate()
            .map(|(i, v)| if (i / 12_000) % 3 == 2 { v * 0.1 } else { *v })
            .collect();
        let mut exact = Meter::new(24_000, false).unwrap();
        let mut program = Meter::for_program(24_000).unwrap();
        exact.add(&x);
        program.add(&x);
        let (a, b) = (exact.integrated().unwrap(), program.integrated().unwrap());
        assert!((a - b).abs() < 0.05, "{a} vs {b}");
    }

    #[test]
    fn silence_has_no_loudness() {
        assert_eq!(clip_loudness(&[0.0; 48_000], 24_000), None);
    }

    #[test]
    fn own_true_peak_meter_agrees_with_ebur128() {
        // Speech-like material with sharp bursts, fed in odd blocks.
        let x: Vec<f32> = (0..48_000)
            .map(|i| {
                let t = i as f64 / 24_000.0;
                let burst = if (t * 3.0).fract() < 0.02 { 3.0 } else { 0.5 };
                let v: f64 = (1..10)
                    .map(|k| (TAU * 180.0 * k as f64 * t + k as f64).sin() / k as f64)
                    .sum();
                (0.2 * burst * v) as f32
            })
            .collect();
        let mut ours = TruePeak::new();
        for block in x.chunks(777) {
            ours.add(block);
        }
        let mut reference = Meter::new(24_000, true).unwrap();
        reference.add(&x);
        let (a, b) = (ours.dbtp().unwrap(), reference.true_peak_dbtp().unwrap());
        assert!((a - b).abs() < 0.1, "ours {a} dBTP, ebur128 {b} dBTP");
        let quarter: Vec<f32> = (0..24_000)
            .map(|i| (0.5 * (TAU * 0.25 * i as f64 + TAU / 8.0).sin()) as f32)
            .collect();
        let mut ours = TruePeak::new();
        ours.add(&quarter);
        assert!((ours.dbtp().unwrap() - 20.0 * 0.5f64.log10()).abs() < 0.2);
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
