//! Loudness as a listener hears it: ITU-R BS.1770-4 / EBU R128 integrated loudness (LUFS)
//! and true peak (dBTP). Pure. \[core\]
//!
//! The integrated meter is our own, mono only: the `ebur128` crate (kept as the reference in
//! the tests) filters and gates through generic multi-channel code, squares every sample four
//! times (each 400 ms block is summed afresh every 100 ms) and ran a third of a program's
//! assembly. Here the K-weighting runs once per sample with a short dependency chain and each
//! block is the sum of four running 100 ms sub-block sums.

/// Why a meter could not be made.
#[derive(Debug, thiserror::Error)]
#[error("cannot measure loudness at {rate} Hz: {reason}")]
pub struct MeterError {
    /// The sample rate asked for.
    pub rate: u32,
    /// What is wrong with it.
    pub reason: String,
}

/// Block energy at the absolute gate, −70 LUFS: `10^((−70 + 0.691) / 10)`.
const ABSOLUTE_GATE: f64 = 1.172_465_304_582_298e-7;
/// The relative gate, −10 LU, as an energy factor.
const RELATIVE_GATE: f64 = 0.1;
/// Width of a program meter's bins, LU.
const BIN_LU: f64 = 0.01;
/// The program meter's bins span −70 … +30 LUFS (louder blocks share the last bin).
const BINS: usize = 10_000;
/// Filter state this small is flushed to zero so silence never runs on denormals.
const FLUSH: f64 = 1e-150;
/// Stretches of the signal the K-weighting filters side by side (vector registers).
const LANES: usize = 4;
/// Sub-blocks in each lane's stretch.
const LANE_SUBS: usize = 8;
/// Sub-blocks a lane filters from rest before its stretch, so that its state has settled to
/// what filtering from the start would give: 200 ms, after which the slowest part (the
/// 38 Hz high-pass, a double pole) has decayed by e^-48, far below f64 resolution.
const WARM_SUBS: usize = 2;

fn flush(v: f64) -> f64 {
    if v.abs() < FLUSH { 0.0 } else { v }
}

/// Loudness of a mean-square energy, LUFS.
fn energy_to_lufs(energy: f64) -> f64 {
    10.0 * energy.log10() - 0.691
}

/// The BS.1770 K-weighting (a high shelf then a high-pass) as one fourth-order filter, with
/// the coefficients derived for the actual rate exactly as libebur128 does.
#[derive(Debug, Clone)]
struct KWeighting {
    b: [f64; 5],
    a: [f64; 4],
    /// The last four values of the recursive part, newest first.
    v: [f64; 4],
}

impl KWeighting {
    fn new(rate: u32) -> Self {
        let rate = f64::from(rate);
        let (f0, g, q) = (
            1_681.974_450_955_533,
            3.999_843_853_973_347,
            0.707_175_236_955_419_6,
        );
        let k = (std::f64::consts::PI * f0 / rate).tan();
        let vh = 10f64.powf(g / 20.0);
        let vb = vh.powf(0.499_666_774_154_541_6);
        let a0 = 1.0 + k / q + k * k;
        let pb = [
            (vh + vb * k / q + k * k) / a0,
            2.0 * (k * k - vh) / a0,
            (vh - vb * k / q + k * k) / a0,
        ];
        let pa = [1.0, 2.0 * (k * k - 1.0) / a0, (1.0 - k / q + k * k) / a0];
        let (f0, q) = (38.135_470_876_024_44, 0.500_327_037_323_877_3);
        let k = (std::f64::consts::PI * f0 / rate).tan();
        let d = 1.0 + k / q + k * k;
        let rb = [1.0, -2.0, 1.0];
        let ra = [1.0, 2.0 * (k * k - 1.0) / d, (1.0 - k / q + k * k) / d];
        let convolve = |p: [f64; 3], r: [f64; 3]| {
            [
                p[0] * r[0],
                p[0] * r[1] + p[1] * r[0],
                p[0] * r[2] + p[1] * r[1] + p[2] * r[0],
                p[1] * r[2] + p[2] * r[1],
                p[2] * r[2],
            ]
        };
        let a = convolve(pa, ra);
        Self {
            b: convolve(pb, rb),
            a: [a[1], a[2], a[3], a[4]],
            v: [0.0; 4],
        }
    }

    /// Filters `samples` and returns the sum of the squared output. Direct form II as in
    /// libebur128, but the older feedback terms are subtracted first, so only one multiply
    /// and one subtraction stand between one sample's state and the next.
    fn energy(&mut self, samples: &[f32]) -> f64 {
        let [b0, b1, b2, b3, b4] = self.b;
        let [a1, a2, a3, a4] = self.a;
        let [mut v1, mut v2, mut v3, mut v4] = self.v;
        let mut sum = 0.0;
        for &x in samples {
            let older = f64::from(x) - a4 * v4 - a3 * v3 - a2 * v2;
            let v0 = older - a1 * v1;
            let y = (b0 * v0 + b1 * v1) + (b2 * v2 + (b3 * v3 + b4 * v4));
            sum += y * y;
            (v4, v3, v2, v1) = (v3, v2, v1, v0);
        }
        self.v = [v1, v2, v3, v4].map(flush);
        sum
    }
}

/// The K-weighting `b`, `a` over [`LANES`] equally long stretches in lock step, from and to
/// the lanes' states `v` (newest first); returns each lane's sum of squared output. One
/// sample depends on the last, so one stretch cannot use vector registers; several side by
/// side can. Also compiled for AVX2 and chosen at run time when the CPU has it: the four
/// lanes then fit one register, and the program meter and pass one spend half the time
/// here. Without fused multiply-adds, so both versions give the same bits.
#[multiversion::multiversion(targets("x86_64+avx2"))]
fn lanes_energy(
    b: &[f64; 5],
    a: &[f64; 4],
    lanes: [&[f32]; LANES],
    v: &mut [[f64; LANES]; 4],
) -> [f64; LANES] {
    let [b0, b1, b2, b3, b4] = *b;
    let [a1, a2, a3, a4] = *a;
    let [mut v1, mut v2, mut v3, mut v4] = *v;
    let mut sum = [0.0; LANES];
    let frames = lanes[0].iter().zip(lanes[1]).zip(lanes[2]).zip(lanes[3]);
    for (((&x0, &x1), &x2), &x3) in frames {
        let x = [x0, x1, x2, x3];
        let mut v0 = [0.0; LANES];
        for l in 0..LANES {
            let older = f64::from(x[l]) - a4 * v4[l] - a3 * v3[l] - a2 * v2[l];
            v0[l] = older - a1 * v1[l];
            let y = (b0 * v0[l] + b1 * v1[l]) + (b2 * v2[l] + (b3 * v3[l] + b4 * v4[l]));
            sum[l] += y * y;
        }
        (v4, v3, v2, v1) = (v3, v2, v1, v0);
    }
    *v = [v1, v2, v3, v4].map(|lanes| lanes.map(flush));
    sum
}

/// The energies of the gating blocks that passed the absolute gate.
#[derive(Debug, Clone)]
enum Blocks {
    /// Every block, for clips: exact.
    Listed(Vec<f64>),
    /// Blocks binned by loudness (0.01 LU), each bin with its count and exact energy sum, so
    /// a program's memory does not grow with its length. Only the bin the relative gate
    /// falls in is classified as a whole, by its mean.
    Binned { counts: Vec<u32>, sums: Vec<f64> },
}

impl Blocks {
    fn bin(energy: f64) -> usize {
        let above = (energy_to_lufs(energy) + 70.0) / BIN_LU;
        (above.max(0.0) as usize).min(BINS - 1)
    }

    fn add(&mut self, energy: f64) {
        match self {
            Self::Listed(list) => list.push(energy),
            Self::Binned { counts, sums } => {
                let i = Self::bin(energy);
                counts[i] += 1;
                sums[i] += energy;
            }
        }
    }

    /// Count and energy sum of the blocks at or above `threshold` (all for 0).
    fn above(&self, threshold: f64) -> (u64, f64) {
        match self {
            Self::Listed(list) => list
                .iter()
                .filter(|&&e| e >= threshold)
                .fold((0, 0.0), |(n, s), &e| (n + 1, s + e)),
            Self::Binned { counts, sums } => {
                let from = if threshold > 0.0 {
                    Self::bin(threshold)
                } else {
                    0
                };
                let mut n: u64 = 0;
                let mut s = 0.0;
                for (i, (&c, &e)) in counts.iter().zip(sums).enumerate().skip(from) {
                    if i > from || threshold == 0.0 || e >= threshold * f64::from(c) {
                        n += u64::from(c);
                        s += e;
                    }
                }
                (n, s)
            }
        }
    }

    /// Integrated loudness of the gated blocks, LUFS.
    fn integrated(&self) -> Option<f64> {
        let (n, sum) = self.above(0.0);
        if n == 0 {
            return None;
        }
        let (n, sum) = self.above(sum / n as f64 * RELATIVE_GATE);
        let lufs = energy_to_lufs(sum / n as f64);
        (n > 0 && lufs.is_finite()).then_some(lufs)
    }
}

/// A streaming integrated-loudness meter for mono audio.
#[derive(Debug, Clone)]
pub struct Meter {
    filter: KWeighting,
    /// Samples per 100 ms sub-block, as libebur128 rounds it.
    sub_len: usize,
    /// Samples and squared-output sum of the sub-block being filled.
    sub_fill: usize,
    sub_sum: f64,
    /// The last four finished sub-blocks' sums, and how many have finished.
    recent: [f64; 4],
    finished: usize,
    blocks: Blocks,
    true_peak: Option<TruePeak>,
    /// The last [`WARM_SUBS`] sub-blocks already measured (zeros at the start: the filter
    /// starts from rest), then samples waiting for a whole group of lanes.
    pending: Vec<f32>,
}

impl Meter {
    /// A meter for mono audio at `rate` that keeps every gating block (for clips); with
    /// `true_peak` it also tracks the true peak ([`TruePeak`]).
    pub fn new(rate: u32, true_peak: bool) -> Result<Self, MeterError> {
        Self::with_blocks(rate, Blocks::Listed(Vec::new()), true_peak)
    }

    /// A meter for a whole program: integrated loudness only, with the gating blocks kept
    /// in 0.01 LU bins instead of one by one, so its memory does not grow with the
    /// program's length.
    pub fn for_program(rate: u32) -> Result<Self, MeterError> {
        let bins = Blocks::Binned {
            counts: vec![0; BINS],
            sums: vec![0.0; BINS],
        };
        Self::with_blocks(rate, bins, false)
    }

    fn with_blocks(rate: u32, blocks: Blocks, true_peak: bool) -> Result<Self, MeterError> {
        if !(16..=2_822_400).contains(&rate) {
            return Err(MeterError {
                rate,
                reason: "the rate must lie between 16 Hz and 2.8224 MHz".into(),
            });
        }
        let sub_len = (rate as usize + 5) / 10;
        Ok(Self {
            filter: KWeighting::new(rate),
            sub_len,
            sub_fill: 0,
            sub_sum: 0.0,
            recent: [0.0; 4],
            finished: 0,
            blocks,
            true_peak: true_peak.then(TruePeak::new),
            pending: vec![0.0; WARM_SUBS * sub_len],
        })
    }

    /// Adds samples to the measurement. They are filtered a group of lanes at a time;
    /// [`Meter::integrated`] measures what is left over one sample after another.
    pub fn add(&mut self, samples: &[f32]) {
        if let Some(tp) = &mut self.true_peak {
            tp.add(samples);
        }
        let warm = WARM_SUBS * self.sub_len;
        let group = LANES * LANE_SUBS * self.sub_len;
        let mut rest = samples;
        while !rest.is_empty() {
            let (now, later) = rest.split_at(rest.len().min(warm + group - self.pending.len()));
            self.pending.extend_from_slice(now);
            if self.pending.len() == warm + group {
                self.filter_group(LANE_SUBS);
                self.pending.drain(..group);
            }
            rest = later;
        }
    }

    /// Measures a group of `lane_subs` (at most [`LANE_SUBS`]) sub-blocks per lane at the
    /// start of `pending`, after its warm-up: each lane filters its stretch after warming up
    /// on the samples before it, then its sub-blocks are closed in the signal's order.
    fn filter_group(&mut self, lane_subs: usize) {
        let sub = self.sub_len;
        let stride = lane_subs * sub;
        let mut v = [[0.0; LANES]; 4];
        let mut sums = [[0.0; LANES]; WARM_SUBS + LANE_SUBS];
        let sums = &mut sums[..WARM_SUBS + lane_subs];
        for (k, sum) in sums.iter_mut().enumerate() {
            // Sub-block k of every lane, side by side.
            let lanes = std::array::from_fn(|l| {
                let at = l * stride + k * sub;
                &self.pending[at..at + sub]
            });
            *sum = lanes_energy(&self.filter.b, &self.filter.a, lanes, &mut v);
        }
        for l in 0..LANES {
            for sum in &sums[WARM_SUBS..] {
                self.sub_sum = sum[l];
                self.finish_sub_block();
            }
        }
        // The last lane ends where the signal does: the serial filter goes on from there.
        self.filter.v = v.map(|lanes| lanes[LANES - 1]);
    }

    /// Filters `samples` one after another, closing sub-blocks as they fill.
    fn add_serial(&mut self, samples: &[f32]) {
        let mut rest = samples;
        while !rest.is_empty() {
            let (now, later) = rest.split_at(rest.len().min(self.sub_len - self.sub_fill));
            self.sub_sum += self.filter.energy(now);
            self.sub_fill += now.len();
            if self.sub_fill == self.sub_len {
                self.finish_sub_block();
            }
            rest = later;
        }
    }

    /// Closes a 100 ms sub-block; from the fourth on, each closes a 400 ms gating block
    /// (75 % overlap), which counts when it passes the absolute gate.
    fn finish_sub_block(&mut self) {
        self.recent[self.finished % 4] = self.sub_sum;
        self.finished += 1;
        self.sub_fill = 0;
        self.sub_sum = 0.0;
        if self.finished >= 4 {
            let [a, b, c, d] = self.recent;
            let energy = ((a + b) + (c + d)) / (4 * self.sub_len) as f64;
            if energy >= ABSOLUTE_GATE {
                self.blocks.add(energy);
            }
        }
    }

    /// Integrated loudness in LUFS; `None` when nothing rose above the absolute gate. What
    /// waits for a whole group is measured here: as many whole sub-blocks as share evenly
    /// among the lanes in one shorter group, the rest one sample after another (a clip
    /// shorter than a group is mostly measured here).
    pub fn integrated(&self) -> Option<f64> {
        let warm = WARM_SUBS * self.sub_len;
        let mut all = Self {
            filter: self.filter.clone(),
            blocks: self.blocks.clone(),
            true_peak: None,
            pending: self.pending.clone(),
            ..*self
        };
        let lane_subs = (self.pending.len() - warm) / self.sub_len / LANES;
        if lane_subs > 0 {
            all.filter_group(lane_subs);
        }
        let measured = warm + LANES * lane_subs * self.sub_len;
        let rest = std::mem::take(&mut all.pending);
        all.add_serial(&rest[measured..]);
        all.blocks.integrated()
    }

    /// True peak in dBTP; `None` when the meter does not track it or heard only silence.
    pub fn true_peak_dbtp(&self) -> Option<f64> {
        self.true_peak.as_ref().and_then(TruePeak::dbtp)
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
/// Sample pairs the true-peak meter looks at together: a run's sample peak, then its loud
/// pairs as a bit mask.
const QUIET_RUN: usize = 64;

/// The larger of `peak` and the true peak of `x`'s pairs that have their interpolator's
/// taps in `x`. Also compiled for AVX2 and chosen at run time when the CPU has it: the
/// interpolator's eight lanes then fit one register. Same bits either way.
#[multiversion::multiversion(targets("x86_64+avx2"))]
fn true_peak(taps: &[[f32; 2 * HALF]; 3], x: &[f32], mut peak: f32) -> f32 {
    // Pair (m, m + 1) needs x[m + 1 - HALF ..= m + HALF].
    let (mut from, end) = (HALF - 1, x.len().saturating_sub(HALF));
    while from < end {
        let to = end.min(from + QUIET_RUN);
        // The run's sample peak, in vector instructions; then, since a band-limited signal
        // does not rise more than 6 dB between two samples, only the pairs with a sample
        // above half the peak can beat it between their samples. Most runs have none; the
        // others are found without a branch per pair.
        let top = super::dsp::peak(&x[from..=to]);
        peak = peak.max(top);
        let mut loud = if top > peak * 0.5 {
            loud_pairs(&x[from..=to], peak * 0.5)
        } else {
            0
        };
        while loud != 0 {
            let m = from + loud.trailing_zeros() as usize;
            loud &= loud - 1;
            if let Ok(window) = x[m + 1 - HALF..=m + HALF].try_into() {
                peak = peak.max(super::limiter::interpolated_peak(taps, window));
            }
        }
        from = to;
    }
    peak
}

/// The pairs of `x` (samples `i` and `i + 1`; `x` holds at most [`QUIET_RUN`] + 1 samples)
/// with a sample louder than `half`, as bit `i`.
fn loud_pairs(x: &[f32], half: f32) -> u64 {
    let Some((&last, pairs)) = x.split_last().filter(|(_, pairs)| !pairs.is_empty()) else {
        return 0;
    };
    let above = pairs
        .iter()
        .enumerate()
        .fold(0u64, |bits, (i, s)| bits | u64::from(s.abs() > half) << i);
    above | above >> 1 | u64::from(last.abs() > half) << (pairs.len() - 1)
}

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
        self.peak = true_peak(&self.taps, &self.scratch, self.peak);
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

    /// Integrated loudness by the `ebur128` crate (block list, exact), the reference.
    fn reference_lufs(x: &[f32], rate: u32) -> Option<f64> {
        let mut m = ebur128::EbuR128::new(1, rate, ebur128::Mode::I).unwrap();
        m.add_frames_f32(x).unwrap();
        m.loudness_global().ok().filter(|l| l.is_finite())
    }

    /// Deterministic white noise in ±`amp` (a small LCG: no crate, same on every machine).
    fn noise(n: usize, amp: f32, seed: u64) -> Vec<f32> {
        let mut state = seed;
        (0..n)
            .map(|_| {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                amp * ((state >> 40) as f32 / (1u64 << 24) as f32 * 2.0 - 1.0)
            })
            .collect()
    }

    /// Speech-like bursts: voiced syllables of varying level, with silences long enough that
    /// both the absolute and the relative gate drop blocks.
    fn bursts(rate: u32, seconds: f64) -> Vec<f32> {
        let r = f64::from(rate);
        (0..(r * seconds) as usize)
            .map(|i| {
                let t = i as f64 / r;
                let phrase = (t / 1.7) as usize;
                let level = [0.3, 0.05, 0.5, 0.01, 0.2, 0.0][phrase % 6];
                let on = (t % 1.7) < 1.1;
                let syllable = (TAU * 3.1 * t).sin().abs().powf(0.7);
                let voiced: f64 = (1..7)
                    .map(|h| (TAU * 150.0 * h as f64 * t + h as f64).sin() / h as f64)
                    .sum();
                if on {
                    (level * syllable * voiced) as f32
                } else {
                    0.0
                }
            })
            .collect()
    }

    #[test]
    fn own_meter_agrees_with_ebur128_within_a_thousandth_of_a_lu() {
        let mut cases: Vec<(&str, u32, Vec<f32>)> = Vec::new();
        for rate in [8_000, 16_000, 22_050, 24_000, 44_100, 48_000] {
            // Lengths not a multiple of the 100 ms sub-block.
            cases.push(("noise", rate, noise(rate as usize * 3 + 777, 0.4, 7)));
            cases.push(("sine", rate, sine(rate, 997.0, 0.25, 2.345)));
            cases.push(("bursts", rate, bursts(rate, 13.3)));
            cases.push(("low sine", rate, sine(rate, 40.0, 0.8, 1.05)));
            // Long enough for several groups of lanes, and a part group at the end.
            cases.push(("long noise", rate, noise(rate as usize * 11 + 777, 0.3, 5)));
        }
        for (name, rate, x) in &cases {
            let want = reference_lufs(x, *rate).unwrap();
            for block in [x.len(), 1_000, 333] {
                let mut exact = Meter::new(*rate, false).unwrap();
                let mut program = Meter::for_program(*rate).unwrap();
                for piece in x.chunks(block) {
                    exact.add(piece);
                    program.add(piece);
                }
                for got in [exact.integrated().unwrap(), program.integrated().unwrap()] {
                    assert!(
                        (got - want).abs() < 0.001,
                        "{name} at {rate} Hz in blocks of {block}: ours {got}, ebur128 {want}"
                    );
                }
            }
        }
    }

    #[test]
    fn gates_agree_with_ebur128() {
        // Too short for one block, and too quiet for the absolute gate: no loudness.
        let mut m = Meter::new(24_000, false).unwrap();
        m.add(&sine(24_000, 500.0, 0.5, 0.39));
        assert_eq!(m.integrated(), None);
        let quiet = sine(24_000, 500.0, 0.000_1, 2.0);
        assert_eq!(reference_lufs(&quiet, 24_000), None);
        let mut m = Meter::for_program(24_000).unwrap();
        m.add(&quiet);
        assert_eq!(m.integrated(), None);
        // A loud minute then a long quiet stretch 20 LU down: the relative gate drops the
        // quiet blocks in both.
        let mut x = noise(24_000 * 60, 0.5, 3);
        x.extend(noise(24_000 * 300, 0.05, 4));
        let want = reference_lufs(&x, 24_000).unwrap();
        let mut m = Meter::for_program(24_000).unwrap();
        m.add(&x);
        let got = m.integrated().unwrap();
        assert!((got - want).abs() < 0.001, "ours {got}, ebur128 {want}");
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
        let mut reference = ebur128::EbuR128::new(1, 24_000, ebur128::Mode::TRUE_PEAK).unwrap();
        reference.add_frames_f32(&x).unwrap();
        let b = 20.0 * reference.true_peak(0).unwrap().log10();
        let a = ours.dbtp().unwrap();
        assert!((a - b).abs() < 0.1, "ours {a} dBTP, ebur128 {b} dBTP");
        let quarter: Vec<f32> = (0..24_000)
            .map(|i| (0.5 * (TAU * 0.25 * i as f64 + TAU / 8.0).sin()) as f32)
            .collect();
        let mut ours = TruePeak::new();
        ours.add(&quarter);
        assert!((ours.dbtp().unwrap() - 20.0 * 0.5f64.log10()).abs() < 0.2);
    }

    #[test]
    fn true_peak_skipping_quiet_runs_finds_what_every_pair_finds() {
        // Bursts over a quiet bed, fed in odd blocks: the peak must be exactly the one the
        // pair-by-pair scan (interpolating every pair) finds.
        let mut x = noise(50_000, 0.05, 11);
        for (i, v) in x.iter_mut().enumerate() {
            if (i / 3_000) % 5 == 2 {
                *v *= 12.0 + (i % 7) as f32;
            }
        }
        let taps = [0.25, 0.5, 0.75].map(crate::audio::limiter::interpolation_taps);
        let mut want = 0.0f32;
        for m in HALF - 1..x.len() - HALF {
            want = want.max(x[m].abs()).max(x[m + 1].abs());
            let window = x[m + 1 - HALF..=m + HALF].try_into().unwrap();
            want = want.max(crate::audio::limiter::interpolated_peak(&taps, window));
        }
        let mut ours = TruePeak::new();
        for block in x.chunks(1_234) {
            ours.add(block);
        }
        assert_eq!(ours.peak(), want);
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
