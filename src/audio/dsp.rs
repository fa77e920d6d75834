//! Sample-level DSP on `&mut [f32]`: gain, fades, peaks, and finding where a clip's own
//! silence ends. Pure. \[core\]

use std::ops::Range;

/// Decibels → linear amplitude factor.
pub fn db_to_gain(db: f64) -> f64 {
    10f64.powf(db / 20.0)
}

/// Linear amplitude factor → decibels (−∞ for 0).
pub fn gain_to_db(gain: f64) -> f64 {
    20.0 * gain.log10()
}

/// Multiplies every sample by `gain` (linear).
pub fn apply_gain(samples: &mut [f32], gain: f32) {
    for s in samples {
        *s *= gain;
    }
}

/// Largest absolute sample value; 0 for an empty slice. In eight lanes the compiler turns
/// into vector maxima: the meters and the limiter call it on every run of every program.
#[inline]
pub fn peak(samples: &[f32]) -> f32 {
    let mut lanes = [0.0f32; 8];
    let chunks = samples.chunks_exact(8);
    let tail = chunks.remainder();
    for chunk in chunks {
        for (lane, &s) in lanes.iter_mut().zip(chunk) {
            let a = s.abs();
            *lane = if a > *lane { a } else { *lane };
        }
    }
    lanes
        .iter()
        .chain(tail)
        .fold(0.0f32, |m, &s| m.max(s.abs()))
}

/// 2^23: at this size a float has no bits left for a fraction.
const TWO_TO_23: f32 = 8_388_608.0;

/// `magnitude` (0 ≤ `magnitude` < 2^23) rounded to the nearest whole number, ties to even.
/// Adding 2^23 rounds away the fraction and the sum's bits then read the whole number:
/// unlike `f32::round` (a libm call on baseline x86-64) or a float-to-integer `as` (which
/// saturates one lane at a time) this vectorizes, and it runs for every sample written.
#[inline]
pub fn nearest_whole(magnitude: f32) -> i32 {
    (magnitude + TWO_TO_23).to_bits() as i32 - TWO_TO_23.to_bits() as i32
}

/// Raised-cosine weight for step `i` of an `n`-step fade in (0 → 1, exclusive of 1).
fn fade_weight(i: usize, n: usize) -> f32 {
    let x = (i as f64 + 0.5) / n as f64;
    (0.5 - 0.5 * (std::f64::consts::PI * x).cos()) as f32
}

/// Fades the first `frames` samples in with a raised-cosine ramp (all of them when shorter).
pub fn fade_in(samples: &mut [f32], frames: usize) {
    let n = frames.min(samples.len());
    for (i, s) in samples[..n].iter_mut().enumerate() {
        *s *= fade_weight(i, n);
    }
}

/// Fades the last `frames` samples out with a raised-cosine ramp (all of them when shorter).
pub fn fade_out(samples: &mut [f32], frames: usize) {
    let n = frames.min(samples.len());
    let len = samples.len();
    for (i, s) in samples[len - n..].iter_mut().rev().enumerate() {
        *s *= fade_weight(i, n);
    }
}

/// Where a clip's audible content is, with a little of its own lead-in and tail kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trim {
    /// The frames to keep.
    pub keep: Range<usize>,
    /// Frames of near-silence kept before the first audible sample.
    pub head_pad: usize,
    /// Frames of near-silence kept after the last audible sample.
    pub tail_pad: usize,
}

impl Trim {
    /// Frames kept.
    pub fn len(&self) -> usize {
        self.keep.len()
    }

    /// True when nothing audible was found.
    pub fn is_empty(&self) -> bool {
        self.keep.is_empty()
    }
}

/// Finds the audible part of `samples`: from the first to the last sample whose magnitude
/// reaches `threshold_db` below the clip's peak (and at least `floor`, linear), widened by up
/// to `pad` frames of the clip's own audio on each side so soft onsets survive. An all-silent
/// clip yields an empty range.
pub fn trim_bounds(samples: &[f32], threshold_db: f64, floor: f32, pad: usize) -> Trim {
    let threshold = (peak(samples) * db_to_gain(-threshold_db.abs()) as f32).max(floor);
    let audible = |s: &f32| s.abs() >= threshold;
    let (Some(first), Some(last)) = (
        samples.iter().position(audible),
        samples.iter().rposition(audible),
    ) else {
        return Trim {
            keep: 0..0,
            head_pad: 0,
            tail_pad: 0,
        };
    };
    let start = first.saturating_sub(pad);
    let end = (last + 1 + pad).min(samples.len());
    Trim {
        keep: start..end,
        head_pad: first - start,
        tail_pad: end - (last + 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decibels_round_trip() {
        for db in [-35.0, -8.0, 0.0, 6.0] {
            assert!((gain_to_db(db_to_gain(db)) - db).abs() < 1e-9);
        }
        assert!((db_to_gain(-6.0206) - 0.5).abs() < 1e-4);
    }

    #[test]
    fn nearest_whole_rounds_ties_to_even() {
        let cases = [
            (0.0, 0),
            (0.4, 0),
            (0.5, 0),
            (1.5, 2),
            (2.5, 2),
            (2.6, 3),
            (32_767.0, 32_767),
            (32_767.5, 32_768),
        ];
        for (x, want) in cases {
            assert_eq!(nearest_whole(x), want, "{x}");
        }
    }

    #[test]
    fn fades_start_and_end_near_zero_and_leave_the_middle() {
        let mut s = vec![1.0f32; 100];
        fade_in(&mut s, 10);
        fade_out(&mut s, 10);
        assert!(s[0] < 0.05 && s[99] < 0.05);
        assert!(s[5] > 0.4 && s[5] < 0.6);
        assert_eq!(&s[10..90], &[1.0; 80][..]);
        assert!(s[..10].windows(2).all(|w| w[0] <= w[1]));
    }

    #[test]
    fn trim_keeps_the_audible_part_and_pads() {
        let mut s = vec![0.0f32; 1000];
        for v in &mut s[300..600] {
            *v = 0.5;
        }
        s[100] = 0.001; // −54 dB below the peak: engine noise, trimmed
        let t = trim_bounds(&s, 45.0, 1e-5, 20);
        assert_eq!(t.keep, 280..620);
        assert_eq!((t.head_pad, t.tail_pad), (20, 20));
    }

    #[test]
    fn trim_pads_stop_at_the_clip_ends() {
        let s = [0.5f32, 0.0, 0.0, 0.5];
        let t = trim_bounds(&s, 45.0, 1e-5, 20);
        assert_eq!(t.keep, 0..4);
        assert_eq!((t.head_pad, t.tail_pad), (0, 0));
    }

    #[test]
    fn silent_clip_trims_to_nothing() {
        assert!(trim_bounds(&[0.0; 50], 45.0, 1e-5, 20).is_empty());
    }
}
