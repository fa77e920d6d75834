//! Splitting a script into TTS requests, each carrying the pause that follows it. Pure.
//!
//! Sentences end at 。！？；… (with the closing quotes that follow them). A sentence longer
//! than the voice's `max_chars` is cut at clause marks (，、：), clauses packed greedily up to
//! the limit; a clause that alone is too long is cut where no number reading is broken.
//! Pieces with nothing to say are folded into their neighbours.

use super::Script;
use super::chars::{is_cjk, is_clause_mark, is_closing, is_sentence_end};

/// The kind of break after a segment; the program turns each into silence of its own length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Pause {
    /// After the title.
    Title,
    /// At the end of a paragraph.
    Paragraph,
    /// At the end of a sentence.
    Sentence,
    /// Where a long sentence was split at a comma or semicolon.
    Clause,
}

/// One request's worth of text and the pause after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// Text to speak, never longer than the voice's `max_chars`.
    pub text: String,
    /// The break that follows.
    pub pause: Pause,
}

/// Fewer speakable characters than this and a piece is merged with its neighbour.
const MIN_SPOKEN: usize = 2;

/// Splits `script` into segments of at most `max_chars` characters (at least 1).
pub fn segment(script: &Script, max_chars: usize) -> Vec<Segment> {
    let max = max_chars.max(1);
    let mut out = Vec::new();
    if let Some(title) = &script.title {
        out.extend(block(title, max, Pause::Title));
    }
    for paragraph in &script.paragraphs {
        out.extend(block(paragraph, max, Pause::Paragraph));
    }
    out
}

/// The segments of one title or paragraph; the last carries `last`.
fn block(text: &str, max: usize, last: Pause) -> Vec<Segment> {
    let mut pieces: Vec<Segment> = Vec::new();
    for sentence in sentences(text) {
        if len(sentence) <= max {
            pieces.push(seg(sentence, Pause::Sentence));
            continue;
        }
        let mut parts = pack(&clauses(sentence), max);
        if let Some(p) = parts.last_mut() {
            p.pause = Pause::Sentence;
        }
        pieces.extend(parts);
    }
    let mut pieces = merge_fragments(pieces, max);
    if let Some(p) = pieces.last_mut() {
        p.pause = last;
    }
    pieces
}

fn seg(text: &str, pause: Pause) -> Segment {
    Segment {
        text: text.trim().to_owned(),
        pause,
    }
}

fn len(s: &str) -> usize {
    s.chars().count()
}

fn spoken(s: &str) -> usize {
    s.chars()
        .filter(|c| c.is_alphanumeric() || is_cjk(*c))
        .count()
}

/// Splits after sentence ends, keeping runs of end marks and closing quotes together.
fn sentences(text: &str) -> Vec<&str> {
    split_after(text, |chars, i| {
        is_sentence_end(chars[i])
            && !chars
                .get(i + 1)
                .is_some_and(|&n| is_sentence_end(n) || is_closing(n))
            || (is_closing(chars[i])
                && i > 0
                && (is_sentence_end(chars[i - 1]) || is_closing(chars[i - 1]))
                && !chars
                    .get(i + 1)
                    .is_some_and(|&n| is_closing(n) || is_sentence_end(n))
                && ends_sentence_before(chars, i))
    })
}

/// Whether the run of closing marks ending at `i` follows a sentence end.
fn ends_sentence_before(chars: &[char], i: usize) -> bool {
    let mut k = i;
    while k > 0 && is_closing(chars[k]) {
        k -= 1;
    }
    is_sentence_end(chars[k])
}

fn clauses(sentence: &str) -> Vec<&str> {
    split_after(sentence, |chars, i| {
        let next = chars.get(i + 1).copied();
        is_clause_mark(chars[i])
            && !is_number_comma(chars, i)
            && !next.is_some_and(|n| is_clause_mark(n) || is_closing(n))
    })
}

/// `零五四三，三幺六六六六六`: the comma the normalizer puts between the groups of a telephone
/// number or code, so the engine pauses there. Both sides are runs of at least three digit
/// names and one of them holds 零 or 幺, which ordinary text between commas hardly does.
fn is_number_comma(chars: &[char], i: usize) -> bool {
    const DIGIT_NAMES: &str = "零一二三四五六七八九幺";
    if chars[i] != '，' {
        return false;
    }
    let left: String = chars[..i]
        .iter()
        .rev()
        .take_while(|c| DIGIT_NAMES.contains(**c))
        .collect();
    let right: String = chars[i + 1..]
        .iter()
        .take_while(|c| DIGIT_NAMES.contains(**c))
        .collect();
    let both = format!("{left}{right}");
    left.chars().count() >= 3
        && right.chars().count() >= 3
        && (both.contains('零') || both.contains('幺'))
}

/// Splits `text` after every character index where `cut` says so.
fn split_after(text: &str, cut: impl Fn(&[char], usize) -> bool) -> Vec<&str> {
    let chars: Vec<char> = text.chars().collect();
    let mut parts = Vec::new();
    let mut begin = 0;
    let mut byte = 0;
    for i in 0..chars.len() {
        byte += chars[i].len_utf8();
        if cut(&chars, i) {
            parts.push(&text[begin..byte]);
            begin = byte;
        }
    }
    if begin < text.len() {
        parts.push(&text[begin..]);
    }
    parts.retain(|p| !p.trim().is_empty());
    parts
}

/// Packs clauses greedily into pieces of at most `max` characters.
fn pack(clauses: &[&str], max: usize) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::new();
    let mut current = String::new();
    for clause in clauses {
        if len(&current) + len(clause) <= max {
            current.push_str(clause);
            continue;
        }
        if !current.trim().is_empty() {
            out.push(seg(&current, Pause::Clause));
        }
        current.clear();
        if len(clause) <= max {
            current.push_str(clause);
        } else {
            let mut cuts = hard_cut(clause, max);
            current = cuts.pop().unwrap_or_default();
            out.extend(cuts.iter().map(|c| seg(c, Pause::Clause)));
        }
    }
    if !current.trim().is_empty() {
        out.push(seg(&current, Pause::Clause));
    }
    out
}

/// Characters of number readings; a cut between two of them could split a number.
fn is_numeral(c: char) -> bool {
    "零一二三四五六七八九十百千万亿点幺两负之分".contains(c) || c.is_ascii_alphanumeric()
}

/// Cuts a clause with no clause marks into pieces of at most `max` characters, preferring a
/// space, and never between two numeral characters when another place exists.
fn hard_cut(clause: &str, max: usize) -> Vec<String> {
    let chars: Vec<char> = clause.chars().collect();
    let mut out = Vec::new();
    let mut start = 0;
    while chars.len() - start > max {
        let window = start + 1..=start + max;
        let at = |k: usize| chars.get(k).copied().unwrap_or(' ');
        // A space between numerals (`八六 幺三九…`) is inside a number's reading.
        // The characters either side of a cut, looking through one space or comma.
        let sides = |k: usize| {
            let gap = |j: usize| at(j) == ' ' || (j < chars.len() && is_number_comma(&chars, j));
            let before = if gap(k - 1) {
                at(k.saturating_sub(2))
            } else {
                at(k - 1)
            };
            let after = if gap(k) { at(k + 1) } else { at(k) };
            (is_numeral(before), is_numeral(after))
        };
        let inside_number = |k: usize| sides(k) == (true, true);
        let space = window
            .clone()
            .rev()
            .find(|&k| at(k) == ' ' && !inside_number(k));
        let edge = window.clone().rev().find(|&k| {
            let (before, after) = sides(k);
            before != after && at(k) != ' '
        });
        let safe = window.clone().rev().find(|&k| !inside_number(k));
        let cut = space.or(edge).or(safe).unwrap_or(start + max);
        out.push(chars[start..cut].iter().collect::<String>());
        start = cut;
    }
    out.push(chars[start..].iter().collect());
    out
}

/// Folds pieces with almost nothing to say into a neighbour when the result still fits.
fn merge_fragments(pieces: Vec<Segment>, max: usize) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::new();
    for piece in pieces {
        let small = spoken(&piece.text) < MIN_SPOKEN;
        match out.last_mut() {
            Some(prev) if small && len(&prev.text) + len(&piece.text) <= max => {
                prev.text.push_str(&piece.text);
                prev.pause = piece.pause;
            }
            Some(prev)
                if spoken(&prev.text) < MIN_SPOKEN && len(&prev.text) + len(&piece.text) <= max =>
            {
                prev.text.push_str(&piece.text);
                prev.pause = piece.pause;
            }
            _ if spoken(&piece.text) == 0 => {}
            _ => out.push(piece),
        }
    }
    out.retain(|s| spoken(&s.text) > 0);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn script(paragraphs: &[&str]) -> Script {
        Script {
            title: Some("通知".into()),
            paragraphs: paragraphs.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn texts(segs: &[Segment]) -> Vec<&str> {
        segs.iter().map(|s| s.text.as_str()).collect()
    }

    #[test]
    fn sentences_and_paragraphs_get_their_pauses() {
        let segs = segment(&script(&["今天开会。请准时到。", "谢谢大家。"]), 100);
        let pauses: Vec<_> = segs.iter().map(|s| s.pause).collect();
        assert_eq!(
            pauses,
            [
                Pause::Title,
                Pause::Sentence,
                Pause::Paragraph,
                Pause::Paragraph
            ]
        );
    }

    #[test]
    fn long_sentences_split_at_clauses_under_the_limit() {
        let segs = segment(&script(&["一二三四五，六七八九十，甲乙丙丁戊。"]), 8);
        assert!(segs.iter().all(|s| s.text.chars().count() <= 8));
        assert_eq!(
            texts(&segs),
            ["通知", "一二三四五，", "六七八九十，", "甲乙丙丁戊。"]
        );
        assert_eq!(segs[1].pause, Pause::Clause);
    }

    #[test]
    fn clauses_are_packed_up_to_the_limit() {
        let segs = segment(&script(&["甲乙，丙丁，戊己，庚辛。"]), 7);
        assert_eq!(texts(&segs)[1..], ["甲乙，丙丁，", "戊己，庚辛。"]);
    }

    #[test]
    fn closing_quotes_stay_with_their_sentence() {
        let segs = segment(&script(&["他说：“我们带头！”大家鼓掌。"]), 100);
        assert_eq!(texts(&segs)[1..], ["他说：“我们带头！”", "大家鼓掌。"]);
    }

    #[test]
    fn punctuation_only_and_tiny_pieces_are_folded() {
        let segs = segment(&script(&["好。。！", "是。我们明天见。"]), 100);
        assert_eq!(texts(&segs)[1..], ["好。。！", "是。我们明天见。"]);
    }

    #[test]
    fn hard_cuts_keep_phone_numbers_whole() {
        let text = "请拨打电话八六 幺三九零五四三幺二三四咨询";
        let segs = segment(&script(&[text]), 18);
        assert!(segs.iter().all(|s| s.text.chars().count() <= 18));
        assert_eq!(
            texts(&segs)[1..],
            ["请拨打电话", "八六 幺三九零五四三幺二三四咨询"]
        );
    }

    #[test]
    fn the_comma_inside_a_phone_number_is_not_a_split_point() {
        let text = "如有疑问请拨打电话零五四三，三幺六六六六六，或到村委会咨询。";
        let segs = segment(&script(&[text]), 24);
        assert_eq!(
            texts(&segs)[1..],
            [
                "如有疑问请拨打电话零五四三，三幺六六六六六，",
                "或到村委会咨询。"
            ]
        );
        let segs = segment(&script(&[text]), 20);
        assert_eq!(
            texts(&segs)[1..],
            [
                "如有疑问请拨打电话",
                "零五四三，三幺六六六六六，",
                "或到村委会咨询。"
            ]
        );
    }

    #[test]
    fn hard_cuts_avoid_number_readings() {
        let text = "甲乙丙丁戊己庚辛壬癸一千二百三十四";
        let segs = segment(&script(&[text]), 12);
        assert!(segs.iter().all(|s| s.text.chars().count() <= 12));
        assert_eq!(
            texts(&segs)[1..],
            ["甲乙丙丁戊己庚辛壬癸", "一千二百三十四"]
        );
    }
}
