//! Audio as plain data: mono clips of `f32` samples at a known rate, and the pure DSP that
//! works on them. No codec crates, no files, no devices. \[core\]

pub mod chime;
pub mod dsp;
pub mod filter;
pub mod layout;
pub mod limiter;
pub mod loudness;
pub mod resample;

/// Mono PCM in `[-1.0, 1.0]` at `rate` samples per second.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Clip {
    /// Samples per second.
    pub rate: u32,
    /// One sample per frame.
    pub samples: Vec<f32>,
}

impl Clip {
    /// A clip of `samples` at `rate`.
    pub fn new(rate: u32, samples: Vec<f32>) -> Self {
        Self { rate, samples }
    }

    /// `seconds` of digital silence at `rate`.
    pub fn silence(rate: u32, seconds: f64) -> Self {
        Self::new(rate, vec![0.0; frames_in(rate, seconds)])
    }

    /// Length in seconds.
    pub fn duration(&self) -> f64 {
        if self.rate == 0 {
            return 0.0;
        }
        self.samples.len() as f64 / f64::from(self.rate)
    }

    /// Root-mean-square level, linear.
    pub fn rms(&self) -> f32 {
        rms(&self.samples)
    }
}

/// Number of frames in `seconds` at `rate`, rounded to the nearest frame.
pub fn frames_in(rate: u32, seconds: f64) -> usize {
    (seconds * f64::from(rate)).round().max(0.0) as usize
}

/// Root-mean-square of `samples`, linear; 0 for an empty slice.
pub fn rms(samples: &[f32]) -> f32 {
    if samples.is_empty() {
        return 0.0;
    }
    let sum: f64 = samples.iter().map(|&s| f64::from(s) * f64::from(s)).sum();
    (sum / samples.len() as f64).sqrt() as f32
}

/// Averages interleaved frames of `channels` channels into one channel.
pub fn mix_to_mono(interleaved: &[f32], channels: usize) -> Vec<f32> {
    if channels <= 1 {
        return interleaved.to_vec();
    }
    interleaved
        .chunks_exact(channels)
        .map(|frame| frame.iter().sum::<f32>() / channels as f32)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mono_mix_averages_frames() {
        assert_eq!(mix_to_mono(&[1.0, 0.0, 0.5, 0.5], 2), vec![0.5, 0.5]);
    }

    #[test]
    fn silence_has_the_asked_length() {
        let clip = Clip::silence(24_000, 0.45);
        assert_eq!(clip.samples.len(), 10_800);
        assert_eq!(clip.rms(), 0.0);
    }
}
