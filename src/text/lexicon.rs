//! The station pronunciation lexicon: written words mapped to what should be spoken instead
//! (place names, people's names, 多音字 such as 单县 → 善县). Parsing takes the file's text;
//! reading the file is the station's job. \[core\]

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::toml_file::{self, TomlError};

/// Station pronunciation lexicon: words mapped to what should be spoken instead.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Lexicon {
    /// `(written, spoken)` pairs. Order does not matter: the longest match wins.
    pub entries: Vec<(String, String)>,
}

/// A lexicon file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum LexiconError {
    /// The file could not be read.
    #[error("cannot read the lexicon `{}`: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// Not valid TOML, or keys other than `[words]`.
    #[error(transparent)]
    Toml(#[from] TomlError),
    /// An entry with an empty side.
    #[error("`{}`: the entry `{written}` is empty on one side; write `\"词\" = \"读法\"`", path.display())]
    EmptyEntry {
        /// The file.
        path: PathBuf,
        /// The written side as found.
        written: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LexiconFile {
    #[serde(default)]
    words: BTreeMap<String, String>,
}

/// Parses a lexicon file's text. `path` only labels errors.
///
/// ```toml
/// [words]
/// "单县" = "善县"
/// ```
pub fn parse(path: &Path, text: &str) -> Result<Lexicon, LexiconError> {
    let file: LexiconFile = toml_file::parse(path, text)?;
    let mut entries = Vec::with_capacity(file.words.len());
    for (written, spoken) in file.words {
        if written.trim().is_empty() || spoken.trim().is_empty() {
            return Err(LexiconError::EmptyEntry {
                path: path.to_owned(),
                written,
            });
        }
        // A reading in tone numbers (`shan4 xian4`) goes into the script with tone marks.
        entries.push((written, super::pinyin::respell(&spoken)));
    }
    Ok(Lexicon { entries })
}

/// One place where the lexicon replaced a word.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LexiconHit {
    /// The word as written.
    pub written: String,
    /// What is spoken instead.
    pub spoken: String,
    /// Character offset of the word in the text it was found in.
    pub at: usize,
}

impl Lexicon {
    /// A lexicon from `(written, spoken)` pairs.
    pub fn new(entries: impl IntoIterator<Item = (String, String)>) -> Self {
        Self {
            entries: entries.into_iter().collect(),
        }
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Replaces every entry in `text`, scanning left to right; at each position the longest
    /// written form wins and replaced text is not scanned again.
    pub fn apply(&self, text: &str) -> (String, Vec<LexiconHit>) {
        if self.entries.is_empty() {
            return (text.to_owned(), Vec::new());
        }
        let index = self.index();
        let chars: Vec<char> = text.chars().collect();
        let mut out = String::with_capacity(text.len());
        let mut hits = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            match index.get(&chars[i]).and_then(|c| longest(c, &chars[i..])) {
                Some((written, spoken, len)) => {
                    hits.push(LexiconHit {
                        written: written.to_owned(),
                        spoken: spoken.to_owned(),
                        at: i,
                    });
                    out.push_str(spoken);
                    i += len;
                }
                None => {
                    out.push(chars[i]);
                    i += 1;
                }
            }
        }
        (out, hits)
    }

    /// Entries grouped by first character.
    fn index(&self) -> HashMap<char, Vec<(&str, &str, usize)>> {
        let mut index: HashMap<char, Vec<(&str, &str, usize)>> = HashMap::new();
        for (written, spoken) in &self.entries {
            if let Some(first) = written.chars().next() {
                let len = written.chars().count();
                index.entry(first).or_default().push((written, spoken, len));
            }
        }
        index
    }
}

fn longest<'a>(
    candidates: &[(&'a str, &'a str, usize)],
    text: &[char],
) -> Option<(&'a str, &'a str, usize)> {
    candidates
        .iter()
        .filter(|(w, _, len)| *len <= text.len() && w.chars().zip(text).all(|(a, b)| a == *b))
        .max_by_key(|(_, _, len)| *len)
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lex(pairs: &[(&str, &str)]) -> Lexicon {
        Lexicon::new(pairs.iter().map(|(a, b)| (a.to_string(), b.to_string())))
    }

    #[test]
    fn longest_match_wins() {
        let l = lex(&[("单县", "善县"), ("单县城", "善县城区"), ("单", "丹")]);
        let (out, hits) = l.apply("单县城和单县，单");
        assert_eq!(out, "善县城区和善县，丹");
        assert_eq!(hits.len(), 3);
        assert_eq!(hits[1].at, 4);
    }

    #[test]
    fn replacements_are_not_rescanned() {
        let l = lex(&[("甲", "甲乙"), ("乙", "丙")]);
        assert_eq!(l.apply("甲乙").0, "甲乙丙");
    }

    #[test]
    fn parse_reads_words_and_names_bad_keys() {
        let l = parse(Path::new("lexicon.toml"), "[words]\n\"单县\" = \"善县\"\n").unwrap();
        assert_eq!(l.entries, vec![("单县".into(), "善县".into())]);
        let err = parse(Path::new("lexicon.toml"), "[word]\n\"单县\" = \"善县\"\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("lexicon.toml") && err.contains("word"),
            "{err}"
        );
        let err = parse(Path::new("l.toml"), "[words]\n\"单县\" = \"\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("单县") && err.contains("empty"), "{err}");
    }
}
