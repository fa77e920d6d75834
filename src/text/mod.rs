//! The script: what the loudspeaker will say, as speakable Mandarin, and its segmentation
//! into requests for a TTS engine. Pure: text in, text out; no I/O, no clock. \[core\]
//!
//! Stage order, fixed: the station [`Lexicon`] replaces words first (longest match wins);
//! [`chars::prepare`] folds full-width forms and whitespace; [`normalize::read`] replaces
//! numbers, units and symbols by their readings; [`segment()`] cuts the result into
//! sentences and clauses that fit the voice.
//!
//! # Conventions
//!
//! An announcer's readings, chosen once (the tables in `tests/fixtures/normalize/` pin them):
//! 两 for a bare 2 before a measure word, a 2 in the 千 place and a 2 before 万/亿; 二 in the
//! 百 place, in ordinals, numbering, months, decimals, percentages and before ℃; years digit
//! by digit with 零; `8:30` as 八点三十分 and `14:00` as 十四点; numbers to call, rooms, IDs and
//! plates digit by digit with 1 as 幺 (110/119/120/122 only when called, not when counting);
//! ranges with 至 and the unit said once, a percent sign on both ends; Latin letters kept for
//! the engine to spell, except the abbreviations and brand words of the reading table
//! (capitals, or the Chinese name where usual: WiFi → 无线网); text with nothing to read
//! unchanged.

pub mod chars;
pub mod datetime;
mod dial;
mod latin;
pub mod lexicon;
pub mod normalize;
pub mod numbers;
pub mod pinyin;
pub mod segment;
pub mod units;

pub use lexicon::{Lexicon, LexiconError, LexiconHit};
pub use segment::{Pause, Segment, segment};

use crate::article::Article;

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

/// Where in an article a lexicon entry fired.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ScriptHit {
    /// `None` for the title, else the 0-based paragraph.
    pub paragraph: Option<usize>,
    /// The replacement.
    #[serde(flatten)]
    pub hit: LexiconHit,
}

/// Builds the script of `article` with `lexicon` applied.
pub fn script(article: &Article, lexicon: &Lexicon) -> Script {
    script_with_hits(article, lexicon).0
}

/// Builds the script and lists every place the lexicon fired, for `dalaba script`.
pub fn script_with_hits(article: &Article, lexicon: &Lexicon) -> (Script, Vec<ScriptHit>) {
    let mut hits = Vec::new();
    let mut run = |text: &str, paragraph: Option<usize>| {
        let (spoken, found) = normalize_with_hits(text, lexicon);
        hits.extend(found.into_iter().map(|hit| ScriptHit { paragraph, hit }));
        spoken
    };
    let title = article.title.as_deref().map(|t| run(t, None));
    let paragraphs = article
        .paragraphs
        .iter()
        .enumerate()
        .map(|(n, p)| run(p, Some(n)))
        .collect();
    (Script { title, paragraphs }, hits)
}

/// Normalizes one line into speakable Mandarin: no ASCII digit survives, Chinese characters
/// keep their order, text with nothing to read is returned unchanged (up to whitespace).
pub fn normalize(line: &str, lexicon: &Lexicon) -> String {
    normalize_with_hits(line, lexicon).0
}

/// [`normalize()`], also returning where the lexicon fired.
pub fn normalize_with_hits(line: &str, lexicon: &Lexicon) -> (String, Vec<LexiconHit>) {
    let (replaced, hits) = lexicon.apply(line);
    let prepared = chars::prepare(&replaced);
    (normalize::read(&prepared), hits)
}
