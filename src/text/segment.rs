//! Splitting a script into TTS requests, each carrying the pause that follows it.

use super::Script;

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

const SENTENCE_END: &[char] = &['。', '！', '？', '!', '?', '；', ';', '…'];
const CLAUSE_END: &[char] = &['，', ',', '、', '：', ':'];

/// Splits `script` into segments of at most `max_chars` characters.
pub fn segment(script: &Script, max_chars: usize) -> Vec<Segment> {
    let mut out = Vec::new();
    if let Some(title) = &script.title {
        push_sentences(&mut out, title, max_chars, Pause::Title);
    }
    for paragraph in &script.paragraphs {
        push_sentences(&mut out, paragraph, max_chars, Pause::Paragraph);
    }
    out
}

fn push_sentences(out: &mut Vec<Segment>, text: &str, max_chars: usize, last: Pause) {
    let start = out.len();
    for sentence in split_after(text, SENTENCE_END) {
        if sentence.chars().count() <= max_chars {
            push(out, sentence, Pause::Sentence);
            continue;
        }
        for clause in split_after(sentence, CLAUSE_END) {
            for piece in chunk_chars(clause, max_chars.max(1)) {
                push(out, &piece, Pause::Clause);
            }
        }
        if let Some(seg) = out.last_mut() {
            seg.pause = Pause::Sentence;
        }
    }
    if out.len() > start
        && let Some(seg) = out.last_mut()
    {
        seg.pause = last;
    }
}

fn push(out: &mut Vec<Segment>, text: &str, pause: Pause) {
    let text = text.trim();
    if text.chars().any(char::is_alphanumeric) {
        out.push(Segment {
            text: text.to_owned(),
            pause,
        });
    }
}

fn split_after<'a>(text: &'a str, marks: &[char]) -> Vec<&'a str> {
    let mut parts = Vec::new();
    let mut begin = 0;
    for (i, c) in text.char_indices() {
        if marks.contains(&c) {
            let end = i + c.len_utf8();
            parts.push(&text[begin..end]);
            begin = end;
        }
    }
    if begin < text.len() {
        parts.push(&text[begin..]);
    }
    parts
}

fn chunk_chars(text: &str, max: usize) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    chars.chunks(max).map(|c| c.iter().collect()).collect()
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

    #[test]
    fn sentences_and_paragraphs_get_their_pauses() {
        let segs = segment(&script(&["今天开会。请准时到。", "谢谢。"]), 100);
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
        assert_eq!(segs.len(), 4);
    }

    #[test]
    fn punctuation_only_pieces_are_dropped() {
        let segs = segment(&script(&["好。。！"]), 100);
        assert_eq!(segs.len(), 2);
    }
}
