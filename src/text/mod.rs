//! The script: what the loudspeaker will say, as speakable Mandarin, and its segmentation
//! into requests for a TTS engine. Pure. [core]

pub mod segment;

pub use segment::{Pause, Segment, segment};

use crate::article::Article;

/// Station pronunciation lexicon: words mapped to what should be spoken instead.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Lexicon {
    /// `(written, spoken)` pairs.
    pub entries: Vec<(String, String)>,
}

/// The speakable text of an article: exactly what the approver signs off.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Script {
    /// Spoken title, if any.
    pub title: Option<String>,
    /// Spoken body paragraphs.
    pub paragraphs: Vec<String>,
}

impl Script {
    /// The script as one text: title, blank line, paragraphs one per line.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        if let Some(title) = &self.title {
            out.push_str(title);
            out.push_str("\n\n");
        }
        for p in &self.paragraphs {
            out.push_str(p);
            out.push('\n');
        }
        out
    }
}

/// Builds the script of `article` with `lexicon` applied.
pub fn script(article: &Article, lexicon: &Lexicon) -> Script {
    Script {
        title: article.title.as_deref().map(|t| normalize(t, lexicon)),
        paragraphs: article
            .paragraphs
            .iter()
            .map(|p| normalize(p, lexicon))
            .collect(),
    }
}

/// Normalizes one line into speakable Mandarin.
pub fn normalize(line: &str, lexicon: &Lexicon) -> String {
    let mut out = line.to_owned();
    for (written, spoken) in &lexicon.entries {
        out = out.replace(written, spoken);
    }
    out
}
