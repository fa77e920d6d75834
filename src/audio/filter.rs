//! High-pass filtering for horn loudspeakers that cannot reproduce bass: a second-order
//! Butterworth section (12 dB per octave) that keeps its state across blocks, so a stream
//! can be filtered piece by piece. Pure. \[core\]

/// A streaming second-order Butterworth high-pass filter.
#[derive(Debug, Clone, PartialEq)]
pub struct HighPass {
    b: [f64; 3],
    a: [f64; 2],
    z: [f64; 2],
}

impl HighPass {
    /// A filter with its −3 dB corner at `cutoff_hz` for audio at `rate`.
    ///
    /// # Panics
    /// When `cutoff_hz` is not between 0 and half of `rate` (exclusive).
    pub fn new(rate: u32, cutoff_hz: f64) -> Self {
        let nyquist = f64::from(rate) / 2.0;
        assert!(
            cutoff_hz > 0.0 && cutoff_hz < nyquist,
            "high-pass corner {cutoff_hz} Hz must lie between 0 and {nyquist} Hz"
        );
        // Audio EQ cookbook (R. Bristow-Johnson), Q = 1/√2 for a Butterworth response.
        let w0 = std::f64::consts::TAU * cutoff_hz / f64::from(rate);
        let alpha = w0.sin() / std::f64::consts::SQRT_2;
        let cos = w0.cos();
        let a0 = 1.0 + alpha;
        let b0 = (1.0 + cos) / 2.0 / a0;
        Self {
            b: [b0, -2.0 * b0, b0],
            a: [-2.0 * cos / a0, (1.0 - alpha) / a0],
            z: [0.0; 2],
        }
    }

    /// Filters `samples` in place, carrying the state on to the next call.
    pub fn process(&mut self, samples: &mut [f32]) {
        let [b0, b1, b2] = self.b;
        let [a1, a2] = self.a;
        let [mut z1, mut z2] = self.z;
        // Transposed direct form II: two state variables, good numerical behaviour.
        for s in samples {
            let x = f64::from(*s);
            let y = b0 * x + z1;
            z1 = b1 * x - a1 * y + z2;
            z2 = b2 * x - a2 * y;
            *s = y as f32;
        }
        self.z = [z1, z2];
    }

    /// Forgets the signal seen so far.
    pub fn reset(&mut self) {
        self.z = [0.0; 2];
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::{PI, SQRT_2, TAU};

    /// The obvious slow version: coefficients from the analog Butterworth prototype through
    /// the bilinear transform, and the difference equation over the whole signal in f64.
    fn naive_highpass(x: &[f32], rate: u32, fc: f64) -> Vec<f64> {
        let k = (PI * fc / f64::from(rate)).tan();
        let norm = 1.0 / (1.0 + SQRT_2 * k + k * k);
        let (b0, b1, b2) = (norm, -2.0 * norm, norm);
        let a1 = 2.0 * (k * k - 1.0) * norm;
        let a2 = (1.0 - SQRT_2 * k + k * k) * norm;
        let mut y = vec![0.0f64; x.len()];
        let at = |v: &[f32], i: isize| if i < 0 { 0.0 } else { f64::from(v[i as usize]) };
        for n in 0..x.len() {
            let i = n as isize;
            let ym1 = if n >= 1 { y[n - 1] } else { 0.0 };
            let ym2 = if n >= 2 { y[n - 2] } else { 0.0 };
            y[n] = b0 * at(x, i) + b1 * at(x, i - 1) + b2 * at(x, i - 2) - a1 * ym1 - a2 * ym2;
        }
        y
    }

    fn test_signal(rate: u32, n: usize) -> Vec<f32> {
        (0..n)
            .map(|i| {
                let t = i as f64 / f64::from(rate);
                (0.4 * (TAU * 60.0 * t).sin()
                    + 0.3 * (TAU * 440.0 * t).sin()
                    + 0.2 * (TAU * 3100.0 * t + 1.0).sin()) as f32
            })
            .collect()
    }

    #[test]
    fn streaming_filter_matches_the_naive_reference() {
        let rate = 24_000;
        let x = test_signal(rate, 12_000);
        let reference = naive_highpass(&x, rate, 150.0);
        let mut hp = HighPass::new(rate, 150.0);
        let mut y = x.clone();
        // Odd block sizes: state must carry over between calls.
        let mut at = 0;
        for size in [1, 7, 100, 333, 4096].iter().cycle() {
            if at >= y.len() {
                break;
            }
            let end = (at + size).min(y.len());
            hp.process(&mut y[at..end]);
            at = end;
        }
        let worst = y
            .iter()
            .zip(&reference)
            .map(|(a, b)| (f64::from(*a) - b).abs())
            .fold(0.0, f64::max);
        assert!(worst < 1e-5, "worst difference {worst}");
    }

    #[test]
    fn response_follows_the_butterworth_magnitude() {
        let rate = 24_000;
        let fc = 150.0;
        for f in [40.0, 75.0, 150.0, 300.0, 1000.0, 5000.0] {
            let n = rate as usize * 2;
            let mut x: Vec<f32> = (0..n)
                .map(|i| (TAU * f * i as f64 / f64::from(rate)).sin() as f32)
                .collect();
            HighPass::new(rate, fc).process(&mut x);
            let tail = &x[n / 2..];
            let measured = f64::from(crate::audio::rms(tail)) * SQRT_2;
            let ratio = (PI * fc / f64::from(rate)).tan() / (PI * f / f64::from(rate)).tan();
            let expected = 1.0 / (1.0 + ratio.powi(4)).sqrt();
            assert!(
                (measured - expected).abs() < 0.01,
                "{f} Hz: {measured} vs {expected}"
            );
        }
    }
}
