//! The built-in chime: a four-tone bell that dalaba synthesizes itself, rising before the
//! program and falling after it. No recordings. Pure. \[core\]

use std::f64::consts::TAU;

use super::Clip;

/// Which way the four tones go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// G4 C5 E5 G5: the opening chime.
    Rising,
    /// G5 E5 C5 G4: the closing chime.
    Falling,
}

/// Fundamentals of the four tones, in Hz (G4, C5, E5, G5).
const NOTES: [f64; 4] = [392.00, 523.25, 659.26, 783.99];
/// Seconds between strikes.
const STRIDE: f64 = 0.42;
/// How long the last tone rings.
const RING: f64 = 1.6;
/// Bell partials: (frequency ratio, relative amplitude, decay time constant in seconds).
const PARTIALS: [(f64, f64, f64); 5] = [
    (1.0, 1.0, 0.55),
    (2.0, 0.45, 0.35),
    (2.4, 0.25, 0.25),
    (3.0, 0.18, 0.18),
    (4.2, 0.08, 0.10),
];

/// The built-in chime at `rate`, peaking at 0.5 (−6 dBFS).
pub fn chime(rate: u32, direction: Direction) -> Clip {
    let notes: Vec<f64> = match direction {
        Direction::Rising => NOTES.to_vec(),
        Direction::Falling => NOTES.iter().rev().copied().collect(),
    };
    let seconds = STRIDE * (notes.len() - 1) as f64 + RING;
    let frames = super::frames_in(rate, seconds);
    let mut samples = vec![0.0f32; frames];
    for (k, &f0) in notes.iter().enumerate() {
        strike(&mut samples, rate, STRIDE * k as f64, f0);
    }
    let peak = super::dsp::peak(&samples);
    if peak > 0.0 {
        super::dsp::apply_gain(&mut samples, 0.5 / peak);
    }
    // End exactly at zero.
    super::dsp::fade_out(&mut samples, super::frames_in(rate, 0.05));
    Clip::new(rate, samples)
}

/// Adds one bell strike of fundamental `f0` starting at `start` seconds.
fn strike(samples: &mut [f32], rate: u32, start: f64, f0: f64) {
    let first = super::frames_in(rate, start);
    let attack = 0.004;
    let nyquist = f64::from(rate) / 2.0;
    for (i, s) in samples.iter_mut().enumerate().skip(first) {
        let t = (i - first) as f64 / f64::from(rate);
        let onset = (t / attack).min(1.0);
        let mut v = 0.0;
        for &(ratio, amp, tau) in &PARTIALS {
            let f = f0 * ratio;
            if f < nyquist * 0.9 {
                v += amp * (-t / tau).exp() * (TAU * f * t).sin();
            }
        }
        *s += (onset * v * 0.3) as f32;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chime_has_four_strikes_and_a_tail() {
        let c = chime(24_000, Direction::Rising);
        assert!((c.duration() - (3.0 * STRIDE + RING)).abs() < 0.01);
        assert!((crate::audio::dsp::peak(&c.samples) - 0.5).abs() < 0.01);
        assert!(c.samples.last().unwrap().abs() < 1e-3);
        // Each strike is a fresh onset: the level just after it beats the level just before.
        let rms_at = |t: f64| {
            let i = (t * 24_000.0) as usize;
            crate::audio::rms(&c.samples[i..i + 480])
        };
        for k in 1..4 {
            let t = STRIDE * k as f64;
            assert!(rms_at(t + 0.01) > 1.3 * rms_at(t - 0.03), "strike {k}");
        }
    }

    #[test]
    fn rising_and_falling_differ() {
        let up = chime(24_000, Direction::Rising);
        let down = chime(24_000, Direction::Falling);
        assert_eq!(up.samples.len(), down.samples.len());
        assert_ne!(up, down);
    }
}
