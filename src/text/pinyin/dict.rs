//! The reading dictionary, built into the program: each character's most common reading,
//! the phrases whose reading differs from it, and the other phrases as plain words
//! (`chars.txt`, `phrases.txt`, `words.txt`, generated from the PyPI package pypinyin —
//! mozillazg's pinyin-data and phrase-pinyin-data, MIT — by `tools/voice/pinyin-data.py`),
//! then dalaba's own corrections and additions (`extra.txt`), which win.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use super::Syllable;

const CHARS: &str = include_str!("chars.txt");
const PHRASES: &str = include_str!("phrases.txt");
const EXTRA: &str = include_str!("extra.txt");
const WORDS: &str = include_str!("words.txt");

struct Dict {
    chars: HashMap<char, Syllable>,
    phrases: HashMap<String, Vec<Syllable>>,
    /// Phrases read as their characters are.
    words: HashSet<&'static str>,
    /// Characters in the longest phrase.
    longest: usize,
}

/// Every syllable spelling in the data, so that a syllable can be checked before the
/// dictionary itself is built.
static INVENTORY: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    [CHARS, PHRASES, EXTRA]
        .iter()
        .flat_map(|t| t.lines())
        .filter(|l| !l.starts_with('#'))
        .flat_map(|l| l.split_whitespace().skip(1))
        .map(|r| r.trim_end_matches(|c: char| c.is_ascii_digit()))
        .collect()
});

static DICT: LazyLock<Dict> = LazyLock::new(|| {
    let words: HashSet<&'static str> = WORDS.lines().filter(|l| !l.starts_with('#')).collect();
    let longest = words.iter().map(|w| w.chars().count()).max().unwrap_or(1);
    let mut dict = Dict {
        chars: HashMap::new(),
        phrases: HashMap::new(),
        words,
        longest,
    };
    for text in [CHARS, PHRASES, EXTRA] {
        for (word, readings) in entries(text) {
            let mut chars = word.chars();
            match (chars.next(), chars.next(), readings.as_slice()) {
                (Some(c), None, [one]) => {
                    dict.chars.insert(c, one.clone());
                }
                _ => {
                    dict.longest = dict.longest.max(word.chars().count());
                    dict.phrases.insert(word.to_owned(), readings);
                }
            }
        }
    }
    dict
});

/// `(word, readings)` of each well-formed line; comments and malformed lines are skipped
/// (the tests check that there are none).
fn entries(text: &str) -> impl Iterator<Item = (&str, Vec<Syllable>)> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|line| {
            let mut parts = line.split_whitespace();
            let word = parts.next()?;
            let readings: Option<Vec<Syllable>> = parts.map(Syllable::parse_numbered).collect();
            let readings = readings?;
            (readings.len() == word.chars().count()).then_some((word, readings))
        })
}

/// A hash of the data and of dalaba's version: what a cached reading depends on.
pub(super) fn fingerprint() -> &'static str {
    static HASH: LazyLock<String> = LazyLock::new(|| {
        let mut hasher = blake3::Hasher::new();
        for text in [CHARS, PHRASES, WORDS, EXTRA, env!("CARGO_PKG_VERSION")] {
            hasher.update(text.as_bytes());
        }
        hasher.finalize().to_hex()[..16].to_owned()
    });
    &HASH
}

/// Whether `letters` (no tone) is a syllable found in the data.
pub(super) fn is_syllable(letters: &str) -> bool {
    INVENTORY.contains(letters)
}

/// The most common reading of `c`.
pub(super) fn char_reading(c: char) -> Option<Syllable> {
    DICT.chars.get(&c).cloned()
}

/// The reading of a phrase whose reading differs from its characters' common ones.
pub(super) fn phrase(word: &str) -> Option<&'static [Syllable]> {
    DICT.phrases.get(word).map(Vec::as_slice)
}

/// dalaba's own phrases (`extra.txt`): words the segmenter must keep whole.
pub(super) fn extra_phrases() -> impl Iterator<Item = &'static str> {
    entries(EXTRA)
        .map(|(word, _)| word)
        .filter(|w| w.chars().count() > 1)
}

/// Whether `word` is a phrase read as its characters are.
pub(super) fn is_word(word: &str) -> bool {
    DICT.words.contains(word)
}

/// Characters in the longest phrase or word.
pub(super) fn longest_phrase() -> usize {
    DICT.longest
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_data_line_is_well_formed() {
        for (name, text) in [("chars", CHARS), ("phrases", PHRASES), ("extra", EXTRA)] {
            let lines = text
                .lines()
                .filter(|l| !l.starts_with('#') && !l.is_empty());
            let good = entries(text).count();
            assert_eq!(lines.count(), good, "a malformed line in {name}.txt");
        }
        assert!(DICT.chars.len() > 20_000, "{}", DICT.chars.len());
        assert!(DICT.phrases.len() > 8_000, "{}", DICT.phrases.len());
        assert!(DICT.words.len() > 30_000, "{}", DICT.words.len());
        assert!(is_word("长期") && !is_word("村长"));
    }

    #[test]
    fn extra_entries_override_the_generated_data() {
        assert_eq!(
            char_reading('长').map(|s| s.numbered()),
            Some("chang2".into())
        );
        let reading: Vec<String> = phrase("还款")
            .unwrap()
            .iter()
            .map(Syllable::numbered)
            .collect();
        assert_eq!(reading, ["huan2", "kuan3"]);
    }
}
