//! Rendered segments → the program WAV a loudspeaker plays: speech joined by the pause
//! grammar, written atomically. [glue]

use std::path::Path;

use serde::Deserialize;

use crate::audio::Clip;
use crate::media::wav::{self, WavError};
use crate::render::RenderedSegment;
use crate::text::Pause;

/// Lengths of silence, in seconds, after each kind of break.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PauseGrammar {
    /// After the title.
    pub title: f64,
    /// Between paragraphs.
    pub paragraph: f64,
    /// Between sentences.
    pub sentence: f64,
    /// Where a long sentence was split.
    pub clause: f64,
}

impl Default for PauseGrammar {
    fn default() -> Self {
        Self {
            title: 1.2,
            paragraph: 0.8,
            sentence: 0.45,
            clause: 0.2,
        }
    }
}

impl PauseGrammar {
    /// Seconds of silence after `pause`.
    pub fn seconds(&self, pause: Pause) -> f64 {
        match pause {
            Pause::Title => self.title,
            Pause::Paragraph => self.paragraph,
            Pause::Sentence => self.sentence,
            Pause::Clause => self.clause,
        }
    }
}

/// What was written.
#[derive(Debug, Clone, PartialEq)]
pub struct ProgramSummary {
    /// Length in seconds.
    pub duration: f64,
    /// Spoken segments in the program.
    pub segments: usize,
    /// Integrated loudness in LUFS, when measured.
    pub lufs: Option<f64>,
    /// True peak in dBTP, when measured.
    pub true_peak_dbtp: Option<f64>,
}

/// Lays rendered segments out at `rate` (each followed by its pause, the last by none),
/// reading each from the cache in turn, and writes the WAV atomically.
pub fn assemble(
    path: &Path,
    rate: u32,
    parts: &[RenderedSegment],
    grammar: &PauseGrammar,
) -> Result<ProgramSummary, WavError> {
    let mut samples = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        samples.extend_from_slice(&wav::read_clip(&part.path)?.samples);
        if i + 1 < parts.len() {
            samples.extend(Clip::silence(rate, grammar.seconds(part.pause)).samples);
        }
    }
    let program = Clip::new(rate, samples);
    wav::write_clip(path, &program)?;
    Ok(ProgramSummary {
        duration: program.duration(),
        segments: parts.len(),
        lufs: None,
        true_peak_dbtp: None,
    })
}
