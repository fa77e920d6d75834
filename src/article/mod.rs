//! Articles as staff paste them: bytes in UTF-8 or GBK, optional TOML front matter, page
//! furniture around the body. Pure: takes bytes or text, returns data. [core]

use std::path::Path;

use serde::Deserialize;

use crate::toml_file::{self, TomlError};

/// Why an article cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ArticleError {
    /// Neither UTF-8 nor GBK/GB18030.
    #[error("`{}` is not UTF-8 or GBK text", path.display())]
    Encoding {
        /// The file.
        path: std::path::PathBuf,
    },
    /// Nothing to say once furniture and blank lines are gone.
    #[error("`{}` has no text to broadcast", path.display())]
    Empty {
        /// The file.
        path: std::path::PathBuf,
    },
    /// Bad front matter.
    #[error(transparent)]
    FrontMatter(#[from] TomlError),
}

/// Settings an article may carry between `+++` lines at its top.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    /// Title to announce (else the first line).
    pub title: Option<String>,
    /// Queue the article goes into.
    pub queue: Option<String>,
    /// First day it may air (`YYYY-MM-DD` or RFC 3339).
    pub from: Option<String>,
    /// Last day it may air.
    pub until: Option<String>,
    /// `normal`, `urgent` or `emergency`.
    pub priority: Option<String>,
    /// Voice profile name.
    pub voice: Option<String>,
    /// How many times the body is read.
    pub repeat: Option<u32>,
}

/// A line taken out of the article, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct RemovedLine {
    /// 1-based line in the file.
    pub line: usize,
    /// The line as it was.
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

/// Decodes file bytes: UTF-8 (with or without BOM), else GB18030 (a superset of GBK).
pub fn decode(path: &Path, bytes: &[u8]) -> Result<String, ArticleError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(text.to_owned());
    }
    let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    if had_errors {
        return Err(ArticleError::Encoding {
            path: path.to_owned(),
        });
    }
    Ok(text.into_owned())
}

/// Parses article text. `path` only labels errors.
pub fn parse(path: &Path, text: &str) -> Result<Article, ArticleError> {
    let (front, body, body_line) = split_front_matter(path, text)?;
    let mut lines = body
        .lines()
        .enumerate()
        .map(|(i, l)| (i + body_line, l.trim()))
        .filter(|(_, l)| !l.is_empty());
    let mut title = front.title.clone();
    if title.is_none() {
        title = lines.next().map(|(_, l)| l.to_owned());
    }
    let paragraphs: Vec<String> = lines.map(|(_, l)| l.to_owned()).collect();
    if paragraphs.is_empty() && title.is_none() {
        return Err(ArticleError::Empty {
            path: path.to_owned(),
        });
    }
    Ok(Article {
        title,
        front,
        paragraphs,
        removed: Vec::new(),
    })
}

/// Splits `+++` front matter off; returns it, the body and the body's first line number.
fn split_front_matter<'a>(
    path: &Path,
    text: &'a str,
) -> Result<(FrontMatter, &'a str, usize), ArticleError> {
    let Some(rest) = text.strip_prefix("+++\n") else {
        return Ok((FrontMatter::default(), text, 1));
    };
    let Some(end) = rest.find("\n+++") else {
        return Ok((FrontMatter::default(), text, 1));
    };
    let front = toml_file::parse_at(path, &rest[..end], 1)?;
    let after = &rest[end + 4..];
    let after = after.strip_prefix('\n').unwrap_or(after);
    let body_line = text[..text.len() - after.len()].lines().count() + 1;
    Ok((front, after, body_line))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_line_is_the_title() {
        let a = parse(Path::new("a.txt"), "通知\n\n明天开会。\n").unwrap();
        assert_eq!(a.title.as_deref(), Some("通知"));
        assert_eq!(a.paragraphs, vec!["明天开会。"]);
    }

    #[test]
    fn gbk_is_decoded() {
        let (bytes, _, _) = encoding_rs::GBK.encode("森林防火");
        assert_eq!(decode(Path::new("a"), &bytes).unwrap(), "森林防火");
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
}
