//! One toned pinyin syllable, written with tone marks (`zhōng`, for people) or tone numbers
//! (`zhong1`, for tables and models). `v` stands for ü; tone 5 is the neutral tone.

use std::fmt;

use super::dict;

/// A pinyin syllable the dictionary knows, with its tone.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Syllable {
    letters: String,
    tone: u8,
}

/// Vowels with their four tone marks, in tone order.
const MARKED: [(char, [char; 4]); 6] = [
    ('a', ['ā', 'á', 'ǎ', 'à']),
    ('e', ['ē', 'é', 'ě', 'è']),
    ('i', ['ī', 'í', 'ǐ', 'ì']),
    ('o', ['ō', 'ó', 'ǒ', 'ò']),
    ('u', ['ū', 'ú', 'ǔ', 'ù']),
    ('v', ['ǖ', 'ǘ', 'ǚ', 'ǜ']),
];

impl Syllable {
    /// `letters` (lowercase, `v` for ü) with `tone` 1–5, when the dictionary knows the
    /// syllable.
    pub fn new(letters: &str, tone: u8) -> Option<Self> {
        let letters = letters.to_ascii_lowercase().replace('ü', "v");
        ((1..=5).contains(&tone) && dict::is_syllable(&letters)).then_some(Self { letters, tone })
    }

    /// The letters without the tone (`v` for ü).
    pub fn letters(&self) -> &str {
        &self.letters
    }

    /// 1–4, or 5 for the neutral tone.
    pub fn tone(&self) -> u8 {
        self.tone
    }

    /// The same letters with another tone.
    pub fn with_tone(&self, tone: u8) -> Self {
        Self {
            letters: self.letters.clone(),
            tone,
        }
    }

    /// `zhong1`, `lv4`, `de5`.
    pub fn numbered(&self) -> String {
        format!("{}{}", self.letters, self.tone)
    }

    /// Parses `zhong1`, `lv4`, `lü4`; a syllable without a digit is neutral.
    pub fn parse_numbered(text: &str) -> Option<Self> {
        let (letters, tone) = match text.char_indices().last()? {
            (i, d @ '1'..='5') => (&text[..i], d as u8 - b'0'),
            _ => (text, 5),
        };
        Self::new(letters, tone)
    }

    /// Parses `zhōng`, `lǜ`, `ma` (no mark: neutral).
    pub fn parse_marked(text: &str) -> Option<Self> {
        let mut tone = 5;
        let mut letters = String::with_capacity(text.len());
        for c in text.chars().flat_map(char::to_lowercase) {
            match unmark(c) {
                Some((base, t)) => {
                    if tone != 5 {
                        return None;
                    }
                    tone = t;
                    letters.push(base);
                }
                None if c == 'ü' => letters.push('v'),
                None if c.is_ascii_lowercase() => letters.push(c),
                None => return None,
            }
        }
        Self::new(&letters, tone)
    }

    /// `zhōng`, `lǜ`, `de`: the tone mark on the vowel the rules of Hanyu Pinyin give it.
    pub fn marked(&self) -> String {
        let at = self.mark_position();
        self.letters
            .char_indices()
            .map(|(i, c)| match (Some(i) == at, self.tone) {
                (true, t @ 1..=4) => MARKED
                    .iter()
                    .find(|(v, _)| *v == c)
                    .map_or(c, |(_, marks)| marks[usize::from(t - 1)]),
                _ if c == 'v' => 'ü',
                _ => c,
            })
            .collect()
    }

    /// a or e if present, o of `ou`, else the last vowel.
    fn mark_position(&self) -> Option<usize> {
        let l = &self.letters;
        l.find('a')
            .or_else(|| l.find('e'))
            .or_else(|| l.find("ou"))
            .or_else(|| l.rfind(['i', 'o', 'u', 'v']))
    }
}

impl fmt::Display for Syllable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.marked())
    }
}

/// A vowel with a tone mark → the bare vowel (`v` for ü) and the tone.
fn unmark(c: char) -> Option<(char, u8)> {
    MARKED.iter().find_map(|(base, marks)| {
        marks
            .iter()
            .position(|m| *m == c)
            .map(|t| (*base, t as u8 + 1))
    })
}

/// Splits written pinyin into syllables: `shàn xiàn`, `shan4 xian4`, `shànxiàn`, `Xi'an`.
/// `None` when any part is not pinyin.
pub fn parse_written(text: &str) -> Option<Vec<Syllable>> {
    let mut out = Vec::new();
    for chunk in text.split(|c: char| c.is_whitespace() || matches!(c, '\'' | '’' | '-')) {
        let chars: Vec<char> = chunk.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let (syllable, len) = (1..=(chars.len() - i).min(7)).rev().find_map(|n| {
                let piece: String = chars[i..i + n].iter().collect();
                let syllable = if piece.ends_with(|c: char| c.is_ascii_digit()) {
                    Syllable::parse_numbered(&piece)
                } else {
                    Syllable::parse_marked(&piece)
                };
                syllable.map(|s| (s, n))
            })?;
            out.push(syllable);
            i += len;
        }
    }
    (!out.is_empty()).then_some(out)
}

/// A reading written with tone numbers (`shan4 xian4`) rewritten with tone marks
/// (`shàn xiàn`), so that no digit of it is read as a number; other text unchanged.
pub fn respell(text: &str) -> String {
    let has_digit = text.chars().any(|c| c.is_ascii_digit());
    match parse_written(text) {
        Some(syllables) if has_digit => syllables
            .iter()
            .map(Syllable::marked)
            .collect::<Vec<_>>()
            .join(" "),
        _ => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_and_numbers_round_trip() {
        let cases = [
            ("zhong1", "zhōng"),
            ("lv4", "lǜ"),
            ("nv3", "nǚ"),
            ("gui4", "guì"),
            ("liu2", "liú"),
            ("shou3", "shǒu"),
            ("xue2", "xué"),
            ("de5", "de"),
            ("er2", "ér"),
            ("jiong3", "jiǒng"),
        ];
        for (numbered, marked) in cases {
            let s = Syllable::parse_numbered(numbered).expect(numbered);
            assert_eq!(s.marked(), marked, "{numbered}");
            assert_eq!(Syllable::parse_marked(marked), Some(s.clone()), "{marked}");
            assert_eq!(s.numbered(), numbered);
        }
        assert_eq!(
            Syllable::parse_numbered("lü4").map(|s| s.numbered()),
            Some("lv4".into())
        );
    }

    #[test]
    fn non_syllables_are_refused() {
        for text in ["xx1", "zhong6", "abc", "", "shàǹ", "PM"] {
            assert_eq!(Syllable::parse_numbered(text), None, "{text}");
            assert_eq!(Syllable::parse_marked(text), None, "{text}");
        }
    }

    #[test]
    fn written_pinyin_splits_into_syllables() {
        let numbered = |t: &str| {
            parse_written(t).map(|v| v.iter().map(Syllable::numbered).collect::<Vec<_>>())
        };
        assert_eq!(numbered("shàn xiàn").unwrap(), ["shan4", "xian4"]);
        assert_eq!(numbered("shànxiàn").unwrap(), ["shan4", "xian4"]);
        assert_eq!(numbered("shan4xian4").unwrap(), ["shan4", "xian4"]);
        assert_eq!(numbered("Xī'ān").unwrap(), ["xi1", "an1"]);
        assert_eq!(numbered("bèng bù").unwrap(), ["beng4", "bu4"]);
        assert_eq!(numbered("PM2.5"), None);
        assert_eq!(respell("shan4 xian4"), "shàn xiàn");
        assert_eq!(respell("善县"), "善县");
        assert_eq!(respell("shàn xiàn"), "shàn xiàn");
    }
}
