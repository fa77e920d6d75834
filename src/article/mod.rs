//! Articles as staff paste them: bytes in UTF-8 or GBK, optional TOML front matter, page
//! furniture around the body, paragraphs that may be hard-wrapped. Pure: takes bytes or
//! text, returns data. \[core\]
//!
//! - [`ingest`]: bytes → text, refusing anything that would go on air as mojibake;
//! - [`front`]: the `+++` front matter;
//! - [`furniture`]: banners, bylines, timestamps and markup, each removal with its reason;
//! - [`parse`]: title, paragraphs (re-joining lines hard-wrapped mid-sentence).

mod fields;
pub mod front;
pub mod furniture;
pub mod ingest;

use std::path::{Path, PathBuf};

pub use front::FrontMatter;
pub use ingest::{MAX_ARTICLE_BYTES, decode};

use crate::toml_file::TomlError;

/// Why an article cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ArticleError {
    /// Neither UTF-8 nor GBK/GB18030.
    #[error("`{}` is not UTF-8 or GBK text: {why}; save it as UTF-8 and add it again", path.display())]
    Encoding {
        /// The file.
        path: PathBuf,
        /// What the bytes look like instead.
        why: &'static str,
    },
    /// Bigger than any article (see [`ingest::MAX_ARTICLE_BYTES`]).
    #[error("`{}` is {size} bytes, over the limit of {limit} bytes for one article; check that it is the right file, or split it into several articles", path.display())]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size in bytes.
        size: usize,
        /// The limit in bytes.
        limit: usize,
    },
    /// Nothing to say once furniture and blank lines are gone.
    #[error("`{}` has no text to broadcast once page furniture is removed", path.display())]
    Empty {
        /// The file.
        path: PathBuf,
    },
    /// Bad front matter.
    #[error(transparent)]
    FrontMatter(#[from] TomlError),
    /// A kept or dropped line that is not in the article, or both kept and dropped.
    #[error("`{}`: `{key}` names line {line}, but {why}; use the line numbers `dalaba script` lists", path.display())]
    LineChoice {
        /// The file.
        path: PathBuf,
        /// `keep_lines` or `drop_lines` (the command-line flags use the same lists).
        key: &'static str,
        /// The line named.
        line: usize,
        /// What is wrong with it.
        why: String,
    },
    /// A `+++` line opens front matter that never closes.
    #[error("`{}` line 1: front matter opened with `+++` is never closed; add a `+++` line after the settings", path.display())]
    UnclosedFrontMatter {
        /// The file.
        path: PathBuf,
    },
}

/// A line taken out of the article, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct RemovedLine {
    /// 1-based line in the file.
    pub line: usize,
    /// The line as it was (or, for a kept line, the fragment taken out of it: markup, a
    /// trailing byline).
    pub text: String,
    /// Which rule removed it.
    pub reason: &'static str,
}

/// A parsed article: title, body paragraphs and what was removed on the way.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Article {
    /// Title, from front matter or the first line.
    pub title: Option<String>,
    /// Front matter as written.
    pub front: FrontMatter,
    /// Body paragraphs, in order.
    pub paragraphs: Vec<String>,
    /// Furniture removed from the text.
    pub removed: Vec<RemovedLine>,
}

/// A body line that survived furniture removal.
#[derive(Debug)]
struct Kept {
    text: String,
    /// A blank or removed line came before it: it starts a new block.
    after_break: bool,
}

/// The approver's corrections to the furniture guess, as 1-based file lines (the numbers
/// `dalaba script` lists): from the command line, or `keep_lines`/`drop_lines` in the front
/// matter so that the stored article gives the same script.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LineChoices {
    /// Lines to read even though a rule took them out.
    pub keep: Vec<usize>,
    /// Lines to leave out even though no rule did.
    pub drop: Vec<usize>,
}

/// Parses article text. `path` only labels errors.
pub fn parse(path: &Path, text: &str) -> Result<Article, ArticleError> {
    parse_with(path, text, &LineChoices::default())
}

/// Parses article text with the approver's `choices` added to those of its front matter.
pub fn parse_with(path: &Path, text: &str, choices: &LineChoices) -> Result<Article, ArticleError> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let (front, body, body_line) = front::split(path, &text)?;
    let choices = merge_choices(path, &front, choices, text.lines().count())?;
    let (mut kept, removed) = sort_lines(body, body_line, &choices);
    let mut title = front.title.clone();
    if let Some(first) = kept.first() {
        let same_as_front = title.as_deref().is_some_and(|t| t.trim() == first.text);
        if same_as_front || (title.is_none() && looks_like_title(&first.text)) {
            title = Some(kept.remove(0).text);
            if let Some(next) = kept.first_mut() {
                next.after_break = true;
            }
        }
    }
    let paragraphs = paragraphs(&kept);
    if paragraphs.is_empty() && title.is_none() {
        return Err(ArticleError::Empty {
            path: path.to_owned(),
        });
    }
    Ok(Article {
        title,
        front,
        paragraphs,
        removed,
    })
}

/// One line of the body as read from the file.
struct Line<'a> {
    /// 1-based line in the file.
    n: usize,
    raw: &'a str,
    /// Without markup, trimmed; a list bullet is still there.
    clean: String,
    had_markup: bool,
}

impl Line<'_> {
    /// The words of the line: no markup, no bullet.
    fn core(&self) -> &str {
        furniture::strip_bullet(&self.clean).trim()
    }
}

/// Splits body lines into kept lines and removed furniture, the approver's choices last.
fn sort_lines(
    body: &str,
    first_line: usize,
    choices: &LineChoices,
) -> (Vec<Kept>, Vec<RemovedLine>) {
    let lines: Vec<Line> = body
        .lines()
        .enumerate()
        .map(|(k, raw)| {
            let (clean, had_markup) = furniture::strip_markup(raw);
            Line {
                n: first_line + k,
                raw,
                clean: clean.trim().to_owned(),
                had_markup,
            }
        })
        .collect();
    let reasons = guess(&lines);
    let mut kept = Vec::new();
    let mut removed = Vec::new();
    let mut after_break = true;
    for (line, reason) in lines.iter().zip(reasons) {
        let reason = if choices.drop.contains(&line.n) {
            Some("dropped by approver")
        } else if choices.keep.contains(&line.n) {
            None
        } else {
            reason
        };
        let mut remove = |text: &str, reason: &'static str| {
            removed.push(RemovedLine {
                line: line.n,
                text: text.trim_end().to_owned(),
                reason,
            });
        };
        if line.raw.trim().is_empty() {
            after_break = true;
            continue;
        }
        if line.core().is_empty() || reason.is_some() {
            remove(line.raw, reason.unwrap_or("markup"));
            after_break = true;
            continue;
        }
        if line.had_markup {
            remove(line.raw, "markup in line");
        }
        let text = match furniture::split_trailing_byline(line.core()) {
            Some((body, fragment, why)) if !choices.keep.contains(&line.n) => {
                remove(fragment, why);
                body
            }
            _ => line.core(),
        };
        kept.push(Kept {
            text: text.to_owned(),
            after_break,
        });
        after_break = false;
    }
    (kept, removed)
}

/// The furniture guess for every line: the head until the first sentence, the body, a
/// related-news or comments block that ends it, and the foot after its last sentence.
fn guess(lines: &[Line]) -> Vec<Option<&'static str>> {
    use furniture::Zone;
    let mut reasons = vec![None; lines.len()];
    let mut zone = Zone::Head;
    let mut label_before = false;
    let mut block = None;
    for (i, line) in lines.iter().enumerate() {
        let core = line.core();
        if core.is_empty() {
            continue;
        }
        if zone == Zone::Body
            && let Some(reason) = furniture::block_end(core)
        {
            block = Some((i, reason));
            break;
        }
        let mut reason = furniture::classify(&line.clean, zone);
        // `索引号:` on one line and its value on the next: a table of metadata.
        if reason.is_none() && label_before && core.chars().count() <= 40 {
            reason = Some("metadata");
        }
        label_before = zone == Zone::Head && fields::is_lone_label(core);
        // The first full sentence ends the head (a title has none).
        if reason.is_none() && core.contains('。') {
            zone = Zone::Body;
        }
        reasons[i] = reason;
    }
    let end = block.map_or(lines.len(), |(i, _)| i);
    if let Some((start, why)) = block {
        for (line, reason) in lines[start..].iter().zip(&mut reasons[start..]) {
            let prompt = furniture::is_prompt(line.core()).then_some("prompt");
            *reason = furniture::classify(&line.clean, Zone::Body)
                .or(prompt)
                .or(Some(why));
        }
        reasons[start] = Some(why);
    }
    let is_sentence = |i: usize| {
        let core = lines[i].core();
        reasons[i].is_none() && core.contains(['。', '！', '？']) && !furniture::is_prompt(core)
    };
    if let Some(last) = (0..end).rev().find(|&i| is_sentence(i)) {
        for i in last + 1..end {
            if reasons[i].is_none() {
                reasons[i] = furniture::classify(&lines[i].clean, Zone::Foot);
            }
        }
    }
    reasons
}

/// The front matter's choices and `extra`, checked against the file's `lines`.
fn merge_choices(
    path: &Path,
    front: &FrontMatter,
    extra: &LineChoices,
    lines: usize,
) -> Result<LineChoices, ArticleError> {
    let keep: Vec<usize> = front
        .keep_lines
        .iter()
        .flatten()
        .chain(&extra.keep)
        .copied()
        .collect();
    let drop: Vec<usize> = front
        .drop_lines
        .iter()
        .flatten()
        .chain(&extra.drop)
        .copied()
        .collect();
    let bad = |key: &'static str, line: usize, why: String| ArticleError::LineChoice {
        path: path.to_owned(),
        key,
        line,
        why,
    };
    for (key, list) in [("keep_lines", &keep), ("drop_lines", &drop)] {
        if let Some(&n) = list.iter().find(|&&n| n == 0 || n > lines) {
            return Err(bad(key, n, format!("the file has {lines} lines")));
        }
    }
    if let Some(&n) = keep.iter().find(|n| drop.contains(n)) {
        return Err(bad("drop_lines", n, "the same line is also kept".into()));
    }
    Ok(LineChoices { keep, drop })
}

/// A first line that reads as a heading: not a sentence, not a salutation, not too long.
fn looks_like_title(line: &str) -> bool {
    let last = line.chars().last().unwrap_or('。');
    line.chars().count() <= 60 && !matches!(last, '。' | '：' | ':' | '；' | '，' | ',')
}

/// Groups kept lines into paragraphs: each line is its own paragraph unless it was clearly
/// hard-wrapped in the middle of a sentence, which needs both an unfinished line and either a
/// trailing comma or a line as wide as the block's widest (the wrap width). One pass to
/// measure the blocks, one to join: linear in the number of lines.
fn paragraphs(kept: &[Kept]) -> Vec<String> {
    let mut widths = vec![0; kept.len()];
    let mut block_start = 0;
    for i in 0..=kept.len() {
        if i == kept.len() || (i > 0 && kept[i].after_break) {
            let width = kept[block_start..i]
                .iter()
                .map(|k| columns(&k.text))
                .max()
                .unwrap_or(0);
            widths[block_start..i].fill(width);
            block_start = i;
        }
    }
    let mut out: Vec<String> = Vec::new();
    for (i, line) in kept.iter().enumerate() {
        let joins_previous =
            i > 0 && !line.after_break && is_wrapped(&kept[i - 1].text, &line.text, widths[i]);
        match out.last_mut() {
            Some(prev) if joins_previous => {
                let ascii_seam = prev.ends_with(|c: char| c.is_ascii_alphanumeric())
                    && line.text.starts_with(|c: char| c.is_ascii_alphanumeric());
                if ascii_seam {
                    prev.push(' ');
                }
                prev.push_str(&line.text);
            }
            _ => out.push(line.text.clone()),
        }
    }
    out
}

/// Whether `next` continues `line`, which was cut by a hard wrap.
fn is_wrapped(line: &str, next: &str, width: usize) -> bool {
    let Some(last) = line.chars().last() else {
        return false;
    };
    let finished = matches!(
        last,
        '。' | '！'
            | '？'
            | '!'
            | '?'
            | '；'
            | ';'
            | '：'
            | ':'
            | '…'
            | '”'
            | '」'
            | '』'
            | '）'
            | ')'
    );
    let starts_item = next
        .starts_with(|c: char| c.is_ascii_digit() || "（(一二三四五六七八九十【".contains(c))
        && next.chars().take(4).any(|c| "、.．)）】".contains(c));
    if finished || starts_item {
        return false;
    }
    let len = columns(line);
    matches!(last, '，' | ',' | '、') || (width >= 32 && len * 5 >= width * 4)
}

/// Display width: a wrap width counts Chinese characters double and ASCII single.
fn columns(line: &str) -> usize {
    line.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(text: &str) -> Article {
        parse(Path::new("a.txt"), text).unwrap()
    }

    #[test]
    fn first_line_is_the_title() {
        let a = parse_ok("通知\n\n明天开会。\n");
        assert_eq!(a.title.as_deref(), Some("通知"));
        assert_eq!(a.paragraphs, vec!["明天开会。"]);
    }

    #[test]
    fn a_sentence_first_line_is_not_a_title() {
        let a = parse_ok("明天上午停水，请各户提前储水。\n");
        assert_eq!(a.title, None);
        assert_eq!(a.paragraphs.len(), 1);
    }

    #[test]
    fn front_matter_unknown_key_names_line() {
        let err = parse(
            Path::new("a.txt"),
            "+++\ntitle = \"x\"\nqueu = \"news\"\n+++\n正文。\n",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("line 3") && err.contains("queu"), "{err}");
    }

    #[test]
    fn front_matter_fields_and_crlf() {
        let a = parse_ok("+++\r\ntitle = \"停水通知\"\r\nrepeat = 2\r\n+++\r\n明天停水。\r\n");
        assert_eq!(a.title.as_deref(), Some("停水通知"));
        assert_eq!(a.front.repeat, Some(2));
        assert_eq!(a.paragraphs, vec!["明天停水。"]);
    }

    #[test]
    fn unclosed_front_matter_is_an_error() {
        let err = parse(Path::new("a.txt"), "+++\ntitle = \"x\"\n正文。\n").unwrap_err();
        assert!(err.to_string().contains("never closed"), "{err}");
    }

    #[test]
    fn one_paragraph_per_line_stays_apart() {
        let a = parse_ok("通知\n第一段说完了。\n第二段也说完了。\n石庙镇卫生院\n2026年11月26日\n");
        assert_eq!(a.paragraphs.len(), 4);
    }

    #[test]
    fn hard_wrapped_lines_are_joined() {
        let text = "通知\n\n为做好今冬明春的防火工作，全镇各村要\n组织人员巡查，发现火情立即报告，并\n做好记录。\n请各位村民相互转告。\n";
        let a = parse_ok(text);
        assert_eq!(
            a.paragraphs,
            vec![
                "为做好今冬明春的防火工作，全镇各村要组织人员巡查，发现火情立即报告，并做好记录。",
                "请各位村民相互转告。"
            ]
        );
    }

    const PAGE: &str = "首页 > 通知公告\n停水通知\n发布时间：2026-11-24 16:02 浏览次数：23\n明天停水。\n请各户储水。\n相关新闻\n东岗村修路\n";

    #[test]
    fn a_related_block_ends_the_body() {
        let a = parse_ok(PAGE);
        assert_eq!(a.paragraphs, vec!["明天停水。", "请各户储水。"]);
        let lines: Vec<(usize, &str)> = a.removed.iter().map(|r| (r.line, r.reason)).collect();
        assert_eq!(
            lines,
            vec![
                (1, "breadcrumb"),
                (3, "timestamp"),
                (6, "related list"),
                (7, "related list")
            ]
        );
    }

    #[test]
    fn the_approver_keeps_and_drops_lines() {
        let choices = LineChoices {
            keep: vec![7],
            drop: vec![5],
        };
        let a = parse_with(Path::new("a.txt"), PAGE, &choices).unwrap();
        assert_eq!(a.paragraphs, vec!["明天停水。", "东岗村修路"]);
        assert!(
            a.removed
                .iter()
                .any(|r| r.line == 5 && r.reason == "dropped by approver")
        );
        let front = format!("+++\nkeep_lines = [11]\ndrop_lines = [9]\n+++\n{PAGE}");
        let a = parse_ok(&front);
        assert_eq!(a.paragraphs, vec!["明天停水。", "东岗村修路"]);
    }

    #[test]
    fn a_line_choice_outside_the_file_is_named() {
        let choices = LineChoices {
            keep: vec![99],
            drop: vec![],
        };
        let err = parse_with(Path::new("a.txt"), PAGE, &choices)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("`a.txt`") && err.contains("keep_lines") && err.contains("line 99"),
            "{err}"
        );
        let both = LineChoices {
            keep: vec![2],
            drop: vec![2],
        };
        let err = parse_with(Path::new("a.txt"), PAGE, &both)
            .unwrap_err()
            .to_string();
        assert!(err.contains("also kept"), "{err}");
    }

    #[test]
    fn removed_lines_are_reported_with_line_numbers() {
        let a = parse_ok(
            "XX日报社出品\n\n标题在此\n\n  • 作者:记者 王红\n正文一句。\n责任编辑:李明\n-->\n",
        );
        assert_eq!(a.title.as_deref(), Some("标题在此"));
        assert_eq!(a.paragraphs, vec!["正文一句。"]);
        let lines: Vec<(usize, &str)> = a.removed.iter().map(|r| (r.line, r.reason)).collect();
        assert_eq!(
            lines,
            vec![(1, "banner"), (5, "byline"), (7, "editor"), (8, "markup")]
        );
    }
}
