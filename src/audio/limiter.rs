//! A look-ahead peak limiter that holds the true peak (between samples too) under a ceiling
//! without hard clipping. It sees every peak a few milliseconds before it plays it and lowers
//! the gain smoothly in time, then lets it recover slowly. Streaming: state carries across
//! blocks, memory is a few hundred samples. Pure. \[core\]

use std::collections::VecDeque;

/// Half-length, in samples, of the 4× interpolator that finds peaks between samples.
pub const HALF_TAPS: usize = 8;
/// Inter-sample points checked between two samples (¼, ½, ¾).
pub const PHASES: usize = 3;

/// Sample pairs the limiter looks at together when skipping quiet ones.
const RUN: usize = 64;

/// A gain reduction this small is ended (−0.0001 dB; a third of a 16-bit step at full
/// scale), so the release tail ends and the limiter goes back to copying.
pub const UNITY_SNAP: f32 = 1e-5;

/// Limiter settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LimiterSettings {
    /// Sample rate in Hz.
    pub rate: u32,
    /// Highest allowed (true) peak, linear.
    pub ceiling: f32,
    /// How far ahead the limiter looks, in seconds; also its attack time.
    pub lookahead: f64,
    /// Time constant of the gain's return to unity, in seconds.
    pub release: f64,
}

impl LimiterSettings {
    /// 5 ms look-ahead, 80 ms release, at `rate` with `ceiling` (linear).
    pub fn new(rate: u32, ceiling: f32) -> Self {
        Self {
            rate,
            ceiling,
            lookahead: 0.005,
            release: 0.08,
        }
    }

    /// Look-ahead in samples (at least 1).
    pub fn lookahead_frames(&self) -> usize {
        ((self.lookahead * f64::from(self.rate)).round() as usize).max(1)
    }

    /// Per-sample release coefficient.
    pub fn release_coeff(&self) -> f32 {
        (-1.0 / (self.release * f64::from(self.rate)).max(1.0)).exp() as f32
    }

    /// Samples between a sample going in and coming out.
    pub fn delay(&self) -> usize {
        HALF_TAPS + self.lookahead_frames() - 1
    }
}

/// Windowed-sinc weights for the value at `phase` (0..1) between sample 0 and sample 1,
/// applied to samples `-HALF_TAPS+1 ..= HALF_TAPS`.
pub fn interpolation_taps(phase: f64) -> [f32; 2 * HALF_TAPS] {
    let mut taps = [0.0f32; 2 * HALF_TAPS];
    for (j, tap) in taps.iter_mut().enumerate() {
        let k = j as f64 - (HALF_TAPS as f64 - 1.0);
        let t = k - phase;
        let sinc = if t.abs() < 1e-12 {
            1.0
        } else {
            (std::f64::consts::PI * t).sin() / (std::f64::consts::PI * t)
        };
        // Hann window over ±HALF_TAPS.
        let w = 0.5 + 0.5 * (std::f64::consts::PI * t / HALF_TAPS as f64).cos();
        *tap = (sinc * w) as f32;
    }
    taps
}

/// Largest magnitude of the three interpolated points (¼, ½, ¾) between the middle two
/// samples of `window`. Sums run in eight independent lanes so the compiler can vectorize
/// them (a single running sum would be a chain of dependent additions).
#[inline]
pub fn interpolated_peak(
    taps: &[[f32; 2 * HALF_TAPS]; PHASES],
    window: &[f32; 2 * HALF_TAPS],
) -> f32 {
    let mut best = 0.0f32;
    for phase in taps {
        let mut lanes = [0.0f32; 8];
        for (l, lane) in lanes.iter_mut().enumerate() {
            *lane = phase[l] * window[l] + phase[l + 8] * window[l + 8];
        }
        let v = ((lanes[0] + lanes[4]) + (lanes[1] + lanes[5]))
            + ((lanes[2] + lanes[6]) + (lanes[3] + lanes[7]));
        best = best.max(v.abs());
    }
    best
}

/// One step of the gain's recovery, as the reduction `1 − gain`: it decays with
/// coefficient `coeff` but is never less than `1 − hold`, and ends below [`UNITY_SNAP`].
/// Kept as the reduction because in f32 the gain itself stalls: near 1, `1 − (1 − g)·c`
/// rounds back to `g` once the step is under half a float step, which left the gain at
/// 0.99994 for ever after the first reduction.
pub fn release_step(hold: f32, reduction: f32, coeff: f32) -> f32 {
    let next = (1.0 - hold).max(reduction * coeff);
    if next < UNITY_SNAP { 0.0 } else { next }
}

/// The streaming limiter. Feed blocks with [`Limiter::process`], then [`Limiter::flush`];
/// the output has exactly as many samples as the input.
///
/// Each block goes through three passes: the interpolated peak between every pair of
/// samples, the gain each sample needs (a vectorizable loop), then the gain itself. While the
/// gain rests at unity and nothing in reach needs limiting, the last pass copies the delayed
/// input through untouched, so only sounds that do reach the ceiling cost per-sample work.
#[derive(Debug, Clone)]
pub struct Limiter {
    settings: LimiterSettings,
    taps: [[f32; 2 * HALF_TAPS]; PHASES],
    lookahead: usize,
    release: f32,
    /// Input still needed (for the interpolator or the delay) followed by the current block;
    /// `buf[0]` is stream sample `base`.
    buf: Vec<f32>,
    base: usize,
    /// Samples taken in so far.
    n: usize,
    /// Peak of the interpolated points between the previous two detected samples.
    last_between: f32,
    /// Scratch for one block: peaks between samples, then the gain each sample needs.
    between: Vec<f32>,
    need: Vec<f32>,
    /// Monotonic queue of (index, required gain) for the sliding minimum; only gains under
    /// 1 are queued (an empty queue means 1).
    minimum: VecDeque<(usize, f32)>,
    /// Released gain values of the last `lookahead` samples, and their sum.
    smooth: Vec<f32>,
    smooth_at: usize,
    smooth_sum: f64,
    released: f32,
    /// `1 − released`, which is what decays.
    reduction: f32,
    /// How many released gains in a row were exactly 1.
    unity_run: usize,
    /// Lowest gain applied so far.
    lowest: f32,
    /// Whether idle stretches are copied through (false only in tests, to check the copy
    /// against the per-sample path).
    copy_idle: bool,
}

impl Limiter {
    /// A limiter with `settings`.
    pub fn new(settings: LimiterSettings) -> Self {
        let lookahead = settings.lookahead_frames();
        let taps = [
            interpolation_taps(0.25),
            interpolation_taps(0.5),
            interpolation_taps(0.75),
        ];
        Self {
            settings,
            taps,
            lookahead,
            release: settings.release_coeff(),
            buf: Vec::new(),
            base: 0,
            n: 0,
            last_between: 0.0,
            between: Vec::new(),
            need: Vec::new(),
            minimum: VecDeque::new(),
            smooth: vec![1.0; lookahead],
            smooth_at: 0,
            smooth_sum: lookahead as f64,
            released: 1.0,
            reduction: 0.0,
            unity_run: lookahead,
            lowest: 1.0,
            copy_idle: true,
        }
    }

    /// Samples between a sample going in and coming out.
    pub fn delay(&self) -> usize {
        self.settings.delay()
    }

    /// The lowest gain applied so far (1 when the limiter never acted), linear.
    pub fn lowest_gain(&self) -> f32 {
        self.lowest
    }

    /// True when the gain is at unity and nothing within reach needs less.
    fn is_idle(&self) -> bool {
        self.unity_run >= self.lookahead && self.minimum.is_empty()
    }

    /// Limits `input`, appending the samples that are ready to `out`.
    pub fn process(&mut self, input: &[f32], out: &mut Vec<f32>) {
        if input.is_empty() {
            return;
        }
        out.reserve(input.len());
        self.buf.extend_from_slice(input);
        let first = self.n.saturating_sub(HALF_TAPS);
        self.n += input.len();
        // Detection runs HALF_TAPS behind the input so the interpolator has its future taps.
        let end = self.n.saturating_sub(HALF_TAPS);
        if end > first {
            self.find_between(first, end);
            self.find_need(first, end);
            self.apply(first, out);
        }
        // Keep what the interpolator and the delay still need.
        let keep = HALF_TAPS + self.lookahead.max(HALF_TAPS);
        let drop = (self.n - self.base).saturating_sub(keep);
        self.buf.drain(..drop);
        self.base += drop;
    }

    /// Pass one: the largest interpolated magnitude between samples `m` and `m + 1`, for
    /// every `m` in `first..end`. The larger sample of each pair first, in vector
    /// instructions; then the points between the samples of the loud pairs only: overs of
    /// more than 6 dB between two samples need energy at Nyquist that speech and chimes do
    /// not have, so a pair under half the ceiling cannot reach it.
    fn find_between(&mut self, first: usize, end: usize) {
        let half_ceiling = self.settings.ceiling * 0.5;
        let x = &self.buf[first - self.base..=end - self.base];
        self.between.clear();
        self.between
            .extend(x.iter().zip(&x[1..]).map(|(a, b)| a.abs().max(b.abs())));
        for (run_at, run) in self.between.chunks_mut(RUN).enumerate() {
            if super::dsp::peak(run) < half_ceiling {
                continue;
            }
            for (j, pair) in run.iter_mut().enumerate() {
                let m = first + run_at * RUN + j;
                if *pair < half_ceiling || m + 1 < HALF_TAPS {
                    continue;
                }
                let start = m + 1 - HALF_TAPS - self.base;
                if let Ok(window) = self.buf[start..start + 2 * HALF_TAPS].try_into() {
                    *pair = pair.max(interpolated_peak(&self.taps, window));
                }
            }
        }
    }

    /// Pass two: the gain each sample in `first..end` needs to stay under the ceiling, in
    /// vector instructions: the sample, or the points on either side of it.
    fn find_need(&mut self, first: usize, end: usize) {
        let ceiling = self.settings.ceiling;
        let samples = &self.buf[first - self.base..end - self.base];
        let need = |x: f32, before: f32, after: f32| {
            // ceiling / peak ≥ 1 whenever the peak is under the ceiling (∞ for 0).
            (ceiling / x.abs().max(before).max(after)).min(1.0)
        };
        self.need.clear();
        if let (Some(&x), Some(&after)) = (samples.first(), self.between.first()) {
            self.need.push(need(x, self.last_between, after));
            let around = self.between.iter().zip(&self.between[1..]);
            self.need.extend(
                samples[1..]
                    .iter()
                    .zip(around)
                    .map(|(&x, (&before, &after))| need(x, before, after)),
            );
        }
        self.last_between = self.between.last().copied().unwrap_or(self.last_between);
    }

    /// Pass three: gains for the detected samples from `first` on, and the delayed output.
    fn apply(&mut self, first: usize, out: &mut Vec<f32>) {
        let lookahead = self.lookahead;
        let mut i = 0;
        while i < self.need.len() {
            if self.copy_idle && self.is_idle() {
                // Nothing to limit within reach and the gain is back at unity: copy the
                // delayed input through until a sample needs less than unity.
                let run = self.need[i..]
                    .iter()
                    .position(|&g| g < 1.0)
                    .unwrap_or(self.need.len() - i);
                let (from, to) = (first + i, first + i + run);
                let from = (from + 1).saturating_sub(lookahead);
                let to = (to + 1).saturating_sub(lookahead);
                out.extend_from_slice(&self.buf[from - self.base..to - self.base]);
                i += run;
                if i == self.need.len() {
                    break;
                }
            }
            let m = first + i;
            let gain = self.gain_at(m, self.need[i]);
            if let Some(at) = (m + 1).checked_sub(lookahead) {
                out.push(self.buf[at - self.base] * gain);
            }
            i += 1;
        }
    }

    /// The gain for detected sample `m`, which needs `need`: the minimum over the look-ahead
    /// window, released slowly, smoothed over the look-ahead.
    fn gain_at(&mut self, m: usize, need: f32) -> f32 {
        if need < 1.0 {
            while self.minimum.back().is_some_and(|&(_, g)| g >= need) {
                self.minimum.pop_back();
            }
            self.minimum.push_back((m, need));
        }
        while self
            .minimum
            .front()
            .is_some_and(|&(i, _)| i + self.lookahead <= m)
        {
            self.minimum.pop_front();
        }
        let hold = self.minimum.front().map_or(1.0, |&(_, g)| g);
        self.reduction = release_step(hold, self.reduction, self.release);
        self.released = 1.0 - self.reduction;
        self.unity_run = if self.released == 1.0 {
            self.unity_run + 1
        } else {
            0
        };
        let old = std::mem::replace(&mut self.smooth[self.smooth_at], self.released);
        self.smooth_at += 1;
        if self.smooth_at == self.lookahead {
            self.smooth_at = 0;
        }
        self.smooth_sum += f64::from(self.released) - f64::from(old);
        if m.is_multiple_of(4096) {
            // Re-sum now and then so rounding never drifts.
            self.smooth_sum = self.smooth.iter().map(|&g| f64::from(g)).sum();
        }
        let gain = ((self.smooth_sum / self.lookahead as f64) as f32).min(1.0);
        self.lowest = self.lowest.min(gain);
        gain
    }

    /// Pushes the samples still held back out into `out`; the limiter is then spent.
    pub fn flush(&mut self, out: &mut Vec<f32>) {
        let zeros = vec![0.0; self.delay()];
        self.process(&zeros, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::TAU;

    /// The obvious slow version over a whole signal: explicit windows, no queues.
    fn naive_limit(x: &[f32], s: LimiterSettings) -> Vec<f32> {
        let l = s.lookahead_frames();
        let h = HALF_TAPS;
        let get = |i: isize| {
            if i < 0 || i as usize >= x.len() {
                0.0
            } else {
                x[i as usize]
            }
        };
        let between = |m: isize| -> f32 {
            let (a, b) = (get(m).abs(), get(m + 1).abs());
            let mut best = a.max(b);
            if best < s.ceiling * 0.5 || m + 1 < h as isize {
                return best;
            }
            for phase in [0.25, 0.5, 0.75] {
                let taps = interpolation_taps(phase);
                let v: f32 = (0..2 * h)
                    .map(|j| taps[j] * get(m + 1 - h as isize + j as isize))
                    .sum();
                best = best.max(v.abs());
            }
            best
        };
        let total = x.len() + s.delay();
        let detected = total - h;
        let need: Vec<f32> = (0..detected as isize)
            .map(|m| {
                let prev = if m >= 1 { between(m - 1) } else { 0.0 };
                let p = get(m).abs().max(prev).max(between(m));
                if p > s.ceiling { s.ceiling / p } else { 1.0 }
            })
            .collect();
        let hold: Vec<f32> = (0..detected)
            .map(|m| {
                need[(m + 1).saturating_sub(l)..=m]
                    .iter()
                    .fold(1.0f32, |a, &b| a.min(b))
            })
            .collect();
        let coeff = s.release_coeff();
        let mut released = vec![0.0f32; detected];
        let mut r = 0.0f32;
        for m in 0..detected {
            r = release_step(hold[m], r, coeff);
            released[m] = 1.0 - r;
        }
        let mut out = Vec::new();
        for m in 0..detected {
            let Some(at) = (m + 1).checked_sub(l) else {
                continue;
            };
            let window: f64 = (0..l)
                .map(|k| {
                    if m >= k {
                        f64::from(released[m - k])
                    } else {
                        1.0
                    }
                })
                .sum();
            out.push(get(at as isize) * ((window / l as f64) as f32).min(1.0));
        }
        out.truncate(x.len());
        out
    }

    /// Speech-like: a buzz with syllable envelope, some loud bursts, some quiet passages.
    fn test_signal(rate: u32, seconds: f64) -> Vec<f32> {
        let n = (f64::from(rate) * seconds) as usize;
        (0..n)
            .map(|i| {
                let t = i as f64 / f64::from(rate);
                let env = (TAU * 3.0 * t).sin().abs().powi(2);
                let burst = if (t * 2.0).fract() < 0.1 { 2.5 } else { 0.6 };
                let tone: f64 = (1..8)
                    .map(|k| (TAU * 170.0 * k as f64 * t + k as f64).sin() / k as f64)
                    .sum();
                (tone * env * burst * 0.5) as f32
            })
            .collect()
    }

    fn run(x: &[f32], s: LimiterSettings, blocks: &[usize]) -> Vec<f32> {
        let mut limiter = Limiter::new(s);
        let mut out = Vec::new();
        let mut at = 0;
        for size in blocks.iter().cycle() {
            if at >= x.len() {
                break;
            }
            let end = (at + size).min(x.len());
            limiter.process(&x[at..end], &mut out);
            at = end;
        }
        limiter.flush(&mut out);
        out
    }

    /// Peak of a signal upsampled 16× with a long windowed sinc: the reference true peak.
    fn true_peak(x: &[f32]) -> f32 {
        let mut best = 0.0f32;
        for m in 0..x.len() {
            best = best.max(x[m].abs());
            for q in 1..16 {
                let phase = q as f64 / 16.0;
                let v: f64 = (-32i64..=32)
                    .filter_map(|k| {
                        let i = m as i64 + k;
                        (0..x.len() as i64).contains(&i).then(|| {
                            let t = k as f64 - phase;
                            let w = 0.5 + 0.5 * (std::f64::consts::PI * t / 33.0).cos();
                            f64::from(x[i as usize]) * w * (std::f64::consts::PI * t).sin()
                                / (std::f64::consts::PI * t)
                        })
                    })
                    .sum();
                best = best.max(v.abs() as f32);
            }
        }
        best
    }

    #[test]
    fn streaming_limiter_matches_the_naive_reference() {
        let s = LimiterSettings::new(24_000, 0.8);
        let x = test_signal(24_000, 1.5);
        let fast = run(&x, s, &[1, 17, 512, 4096, 3]);
        let slow = naive_limit(&x, s);
        assert_eq!(fast.len(), x.len());
        assert_eq!(slow.len(), x.len());
        let worst = fast
            .iter()
            .zip(&slow)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0f32, f32::max);
        assert!(worst < 1e-4, "worst difference {worst}");
    }

    fn run_per_sample(x: &[f32], s: LimiterSettings, blocks: &[usize]) -> Vec<f32> {
        let mut limiter = Limiter::new(s);
        limiter.copy_idle = false;
        let mut out = Vec::new();
        let mut at = 0;
        for size in blocks.iter().cycle() {
            if at >= x.len() {
                break;
            }
            let end = (at + size).min(x.len());
            limiter.process(&x[at..end], &mut out);
            at = end;
        }
        limiter.flush(&mut out);
        out
    }

    #[test]
    fn copying_idle_stretches_gives_the_same_samples_as_the_per_sample_path() {
        let s = LimiterSettings::new(24_000, 0.8);
        let l = s.lookahead_frames();
        let mut x: Vec<f32> = test_signal(24_000, 0.5).iter().map(|v| v * 0.1).collect();
        // A burst far over the ceiling, then quiet audio for the whole release tail and
        // beyond, then another burst.
        x.extend(test_signal(24_000, 0.3));
        x.extend(test_signal(24_000, 2.5).iter().map(|v| v * 0.1));
        x.extend(test_signal(24_000, 0.2));
        // Blocks that start under the ceiling, one that ends exactly where a tail ends, odd
        // sizes across the look-ahead.
        for blocks in [&[4096][..], &[1, 17, 512, 4096, 3], &[l, l - 1, 7 * l + 3]] {
            let fast = run(&x, s, blocks);
            let slow = run_per_sample(&x, s, blocks);
            assert_eq!(fast.len(), x.len());
            assert!(fast == slow, "block sizes {blocks:?}");
        }
        // The tail does end: the gain is back at unity long before the second burst.
        let mut limiter = Limiter::new(s);
        let mut out = Vec::new();
        let loud_end = (0.8 * 24_000.0) as usize;
        limiter.process(&x[..loud_end], &mut out);
        assert!(!limiter.is_idle());
        limiter.process(&x[loud_end..loud_end + 2 * 24_000], &mut out);
        assert!(limiter.is_idle());
        assert!(limiter.lowest_gain() < 0.9);
    }

    #[test]
    fn loud_peaks_stay_under_the_ceiling_between_samples_too() {
        let ceiling = 0.8f32;
        let x = test_signal(24_000, 1.0);
        assert!(true_peak(&x) > 1.5 * ceiling);
        let y = run(&x, LimiterSettings::new(24_000, ceiling), &[4096]);
        let tp = true_peak(&y);
        assert!(
            tp <= ceiling * 1.01,
            "true peak {tp} above ceiling {ceiling}"
        );
    }

    #[test]
    fn quiet_audio_passes_unchanged_after_the_delay() {
        let s = LimiterSettings::new(24_000, 0.9);
        let x: Vec<f32> = test_signal(24_000, 0.5).iter().map(|v| v * 0.2).collect();
        let mut limiter = Limiter::new(s);
        let y = run(&x, s, &[999]);
        assert_eq!(y, x);
        limiter.process(&x, &mut Vec::new());
        assert_eq!(limiter.lowest_gain(), 1.0);
    }
}
