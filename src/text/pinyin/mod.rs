//! Toned pinyin for a script: what dalaba tells its built-in neural voice to say, and what
//! `dalaba script --pinyin` shows an approver. Pure: text in, readings out. \[core\]
//!
//! - Words first: the script is cut into words (jieba, with its built-in dictionary), and
//!   each word into the pinyin dictionary's phrases, so a 多音字 takes its reading from the
//!   word it is in (银行 háng, 行人 xíng); a character on its own takes its most common
//!   reading, or the one its neighbours call for (`context.rs`: 认真地 de, 种玉米 zhòng).
//! - Pinyin written in the script (a lexicon reading such as `单县 = "shàn xiàn"`) is read
//!   as written; other Latin letters are spelled the way Chinese speakers say them.
//! - Tone sandhi ([`sandhi`]): 一 and 不 by the next tone, runs of third tones; 儿 after a
//!   syllable where the word is 儿化 (这儿, 一会儿) joins that syllable.
//! - Punctuation inside a segment becomes a [`Break`]: the prosody marks the voice knows.

mod context;
mod dict;
pub mod sandhi;
pub mod syllable;

pub use syllable::{Syllable, parse_written, respell};

use std::sync::LazyLock;

use super::chars::is_cjk;

/// The word segmenter, with dalaba's own phrases (place names) added as words.
static JIEBA: LazyLock<jieba_rs::Jieba> = LazyLock::new(|| {
    let mut jieba = jieba_rs::Jieba::new();
    for word in dict::extra_phrases() {
        let freq = jieba.suggest_freq(word);
        jieba.add_word(word, Some(freq), None);
    }
    jieba
});

/// The words of a run of characters: jieba's words, each cut into dictionary phrases.
fn words(chars: &[char]) -> Vec<Word> {
    let run: String = chars.iter().collect();
    let mut out = Vec::new();
    for token in JIEBA.cut(&run, true) {
        let end = token.end.min(chars.len());
        out.extend(segment(&chars[token.start..end]).into_iter().map(|w| Word {
            start: w.start + token.start,
            ..w
        }));
    }
    out
}

/// A break inside a segment, from its punctuation: the prosody marks `#1`–`#3` of the
/// Baker corpus the voice was trained on (`#0`, no break, sits between other syllables).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Break {
    /// Quotes, brackets, spaces: a prosodic word boundary (`#1`).
    Word,
    /// 、 between items of a list (`#2`).
    Phrase,
    /// ，：；— and sentence ends inside a segment (`#3`).
    Clause,
}

/// One spoken syllable: what was written and how it is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    /// The character(s) or letters it was read from (`花儿` for an 儿化 syllable).
    pub text: String,
    /// The syllable with the tone that is spoken.
    pub syllable: Syllable,
    /// 儿化: the syllable ends in r (`huār`).
    pub erhua: bool,
}

/// A piece of a segment's reading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unit {
    /// A syllable.
    Syllable(Reading),
    /// A break between syllables.
    Break(Break),
}

/// What `text` is spoken as, tone sandhi applied.
pub fn read(text: &str) -> Vec<Unit> {
    let mut units = build(text, true);
    sandhi::apply(&mut units);
    units
}

/// What `text` is spoken as, with each syllable's own tone (no sandhi): the reading a
/// dictionary gives, which is what the polyphone table checks.
pub fn lexical(text: &str) -> Vec<Unit> {
    build(text, false)
}

fn build(text: &str, sandhi: bool) -> Vec<Unit> {
    let chars: Vec<char> = text.chars().collect();
    let mut units = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let end = if is_cjk(c) {
            let end = run_end(&chars, i, is_cjk);
            read_cjk(&chars[i..end], sandhi, &mut units);
            end
        } else if is_latin(c) {
            let end = latin_end(&chars, i);
            let run: String = chars[i..end].iter().collect();
            read_latin(&run, &mut units);
            end
        } else {
            if let Some(b) = break_of(c) {
                push_break(&mut units, b);
            }
            i + 1
        };
        i = end;
    }
    while matches!(units.last(), Some(Unit::Break(_))) {
        units.pop();
    }
    units
}

/// Changes whenever the reading dictionary or dalaba's version changes: part of the cache
/// key of voices that take dalaba's reading, so a corrected reading is not served stale.
pub fn fingerprint() -> &'static str {
    dict::fingerprint()
}

/// The reading as an approver reads it: `gè wèi cūn mín, qǐng zhù yì`.
pub fn show(units: &[Unit]) -> String {
    let mut out = String::new();
    for unit in units {
        match unit {
            Unit::Syllable(r) => {
                if !out.is_empty() && !out.ends_with(' ') {
                    out.push(' ');
                }
                out.push_str(&r.syllable.marked());
                if r.erhua {
                    out.push('r');
                }
            }
            Unit::Break(Break::Word) => out.push_str(" ·"),
            Unit::Break(Break::Phrase | Break::Clause) => out.push(','),
        }
    }
    out
}

/// The syllables of `units`, for tables: `["ge4", "wei4", …]`.
pub fn numbered(units: &[Unit]) -> Vec<String> {
    units
        .iter()
        .filter_map(|u| match u {
            Unit::Syllable(r) => Some(r.syllable.numbered() + if r.erhua { "r" } else { "" }),
            Unit::Break(_) => None,
        })
        .collect()
}

fn run_end(chars: &[char], from: usize, keep: impl Fn(char) -> bool) -> usize {
    from + chars[from..].iter().take_while(|c| keep(**c)).count()
}

/// Letters of pinyin or of an acronym, with tone marks, ü and tone digits.
fn is_latin(c: char) -> bool {
    c.is_ascii_alphabetic() || "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü".contains(c)
}

/// The end of a Latin run; spaces and apostrophes inside it (`shàn xiàn`, `Xi'an`) and
/// tone digits after letters belong to it.
fn latin_end(chars: &[char], from: usize) -> usize {
    let mut end = from;
    let mut i = from;
    while i < chars.len() {
        let c = chars[i];
        let inside =
            matches!(c, ' ' | '\'' | '’') && chars.get(i + 1).is_some_and(|&n| is_latin(n));
        let digit = c.is_ascii_digit() && i > from && is_latin(chars[i - 1]);
        if is_latin(c) || digit {
            end = i + 1;
        } else if !inside {
            break;
        }
        i += 1;
    }
    end
}

fn break_of(c: char) -> Option<Break> {
    match c {
        '、' => Some(Break::Phrase),
        '，' | ',' | '：' | ':' | '；' | ';' | '—' | '。' | '！' | '？' | '!' | '?' | '…' => {
            Some(Break::Clause)
        }
        '“' | '”' | '‘' | '’' | '"' | '《' | '》' | '（' | '）' | '(' | ')' | '「' | '」'
        | '【' | '】' | '·' | ' ' | '/' => Some(Break::Word),
        _ => None,
    }
}

/// Adds a break, keeping only the strongest of several in a row and none at the start.
fn push_break(units: &mut Vec<Unit>, b: Break) {
    match units.last_mut() {
        None => {}
        Some(Unit::Break(last)) => *last = (*last).max(b),
        Some(Unit::Syllable(_)) => units.push(Unit::Break(b)),
    }
}

/// A word of a run of characters: a phrase with its own reading, a word read as its
/// characters are, or a single character.
struct Word {
    start: usize,
    len: usize,
    readings: Option<&'static [Syllable]>,
}

/// Cuts a run of characters into the fewest pieces, each a dictionary phrase or word or one
/// character. A plain word that starts or ends with a particle (地、的、得、了、着) counts
/// half a piece more, so 积极|地|参加 beats 积|极地|参加. On a tie the shorter first piece
/// wins, favouring long words late in the run as backward maximum matching does
/// (为|人民|服务, not 为人|民|服务).
fn segment(chars: &[char]) -> Vec<Word> {
    const PARTICLES: &str = "地的得了着";
    let n = chars.len();
    let longest = dict::longest_phrase();
    // best[i]: cost of chars[i..] in half pieces, and the first piece's length and reading.
    let mut best: Vec<(usize, usize, Option<&'static [Syllable]>)> = vec![(0, 0, None); n + 1];
    for i in (0..n).rev() {
        let mut choice = (best[i + 1].0 + 2, 1, None);
        for len in 2..=longest.min(n - i) {
            let word: String = chars[i..i + len].iter().collect();
            let reading = dict::phrase(&word);
            if reading.is_none() && !dict::is_word(&word) {
                continue;
            }
            let particle = PARTICLES.contains(chars[i]) || PARTICLES.contains(chars[i + len - 1]);
            let piece = if reading.is_none() && particle { 3 } else { 2 };
            let cost = best[i + len].0 + piece;
            if cost < choice.0 {
                choice = (cost, len, reading);
            }
        }
        best[i] = choice;
    }
    let mut words = Vec::new();
    let mut i = 0;
    while i < n {
        let (_, len, readings) = best[i];
        words.push(Word {
            start: i,
            len,
            readings,
        });
        i += len;
    }
    words
}

/// Reads a run of Chinese characters into `units`.
fn read_cjk(chars: &[char], sandhi: bool, units: &mut Vec<Unit>) {
    let mut readings: Vec<(char, Syllable, bool)> = Vec::with_capacity(chars.len());
    for word in words(chars) {
        let last = |k: usize| k + 1 == word.len && word.len > 1;
        match word.readings {
            Some(phrase) => {
                for (k, s) in phrase.iter().enumerate() {
                    readings.push((chars[word.start + k], s.clone(), last(k)));
                }
            }
            None if word.len > 1 => {
                for k in 0..word.len {
                    let c = chars[word.start + k];
                    // 这儿、哪儿: the word's 儿 is 儿化 when its neighbour says so.
                    let erhua = (c == '儿' && last(k))
                        .then(|| context::reading(c, Some(chars[word.start + k - 1]), None))
                        .flatten();
                    if let Some(s) = erhua.or_else(|| dict::char_reading(c)) {
                        readings.push((c, s, last(k)));
                    }
                }
            }
            None => {
                let i = word.start;
                let c = chars[i];
                let prev = i.checked_sub(1).map(|p| chars[p]);
                let next = chars.get(i + 1).copied();
                let reading = context::reading(c, prev, next).or_else(|| dict::char_reading(c));
                if let Some(s) = reading {
                    readings.push((c, s, false));
                }
            }
        }
    }
    if sandhi {
        sandhi::yi_bu(&mut readings);
    }
    for (c, syllable, _) in readings {
        let joins = c == '儿' && syllable.letters() == "er" && syllable.tone() == 5;
        if joins
            && let Some(Unit::Syllable(prev)) = units.last_mut()
            && !prev.erhua
        {
            prev.text.push(c);
            prev.erhua = true;
            continue;
        }
        units.push(Unit::Syllable(Reading {
            text: c.to_string(),
            syllable,
            erhua: false,
        }));
    }
}

/// How Chinese speakers spell Latin letters and say digits.
const LETTERS: [&str; 26] = [
    "ei1",
    "bi4",
    "xi1",
    "di4",
    "yi4",
    "ai2 fu5",
    "ji4",
    "ai1 qi1",
    "ai4",
    "jie4",
    "kai4",
    "ai2 le5",
    "ai2 mu5",
    "en1",
    "ou1",
    "pi4",
    "qiu1",
    "a4",
    "ai2 si5",
    "ti4",
    "you1",
    "wei1",
    "da2 bu5 liu5",
    "ai2 ke4 si5",
    "wai4",
    "zei4",
];
const DIGITS: [&str; 10] = [
    "ling2", "yi1", "er4", "san1", "si4", "wu3", "liu4", "qi1", "ba1", "jiu3",
];

/// Reads written pinyin as written; spells anything else letter by letter.
fn read_latin(run: &str, units: &mut Vec<Unit>) {
    if let Some(syllables) = parse_written(run) {
        for syllable in syllables {
            units.push(Unit::Syllable(Reading {
                text: syllable.marked(),
                syllable,
                erhua: false,
            }));
        }
        return;
    }
    for c in run.chars() {
        let spelled = match c.to_ascii_uppercase() {
            l @ 'A'..='Z' => LETTERS[usize::from(l as u8 - b'A')],
            d @ '0'..='9' => DIGITS[usize::from(d as u8 - b'0')],
            _ => {
                push_break(units, Break::Word);
                continue;
            }
        };
        for s in spelled.split(' ').filter_map(Syllable::parse_numbered) {
            units.push(Unit::Syllable(Reading {
                text: c.to_string(),
                syllable: s,
                erhua: false,
            }));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn say(text: &str) -> String {
        numbered(&read(text)).join(" ")
    }

    #[test]
    fn words_decide_the_reading_of_a_polyphone() {
        let cases = [
            ("银行", "yin2 hang2"),
            ("行人", "xing2 ren2"),
            ("村长", "cun1 zhang3"),
            ("长期", "chang2 qi1"),
            ("重新", "chong2 xin1"),
            ("重要", "zhong4 yao4"),
            ("还款", "huan2 kuan3"),
            ("单县", "shan4 xian4"),
            ("认真地学习", "ren4 zhen1 de5 xue2 xi2"),
            ("种玉米", "zhong4 yu4 mi3"),
            ("这种", "zhe4 zhong3"),
        ];
        for (text, want) in cases {
            assert_eq!(say(text), want, "{text}");
        }
    }

    #[test]
    fn written_pinyin_is_read_as_written_and_letters_are_spelled() {
        assert_eq!(say("shàn xiàn县城"), "shan4 xian4 xian4 cheng2");
        assert_eq!(say("PM"), "pi4 ai2 mu5");
        assert_eq!(say("五G"), "wu3 ji4");
    }

    #[test]
    fn punctuation_becomes_breaks() {
        let units = read("各位，请注意、谢谢。");
        let breaks: Vec<Break> = units
            .iter()
            .filter_map(|u| match u {
                Unit::Break(b) => Some(*b),
                Unit::Syllable(_) => None,
            })
            .collect();
        assert_eq!(breaks, [Break::Clause, Break::Phrase]);
        assert_eq!(show(&units), "gè wèi, qǐng zhù yì, xiè xie");
    }

    #[test]
    fn erhua_joins_the_syllable_before() {
        let units = read("这儿");
        assert_eq!(numbered(&units), ["zhe4r"]);
        assert_eq!(show(&units), "zhèr");
        assert_eq!(say("儿童"), "er2 tong2");
        assert_eq!(say("女儿"), "nv3 er2");
    }
}
