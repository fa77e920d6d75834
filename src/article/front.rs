//! Optional TOML front matter between `+++` lines at the top of an article. Pure.

use std::path::Path;

use serde::Deserialize;

use super::ArticleError;
use crate::toml_file;

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
    /// File lines to read although a furniture rule removed them (`dalaba script` lists
    /// them with their numbers).
    pub keep_lines: Option<Vec<usize>>,
    /// File lines to leave out although no rule removed them.
    pub drop_lines: Option<Vec<usize>>,
}

/// Splits `+++` front matter off `text`: the front matter, the body, and the 1-based file line
/// the body starts on. Text without an opening `+++` line has no front matter; an opening line
/// without a closing one is an error, since the body would otherwise be read as settings.
pub fn split<'a>(
    path: &Path,
    text: &'a str,
) -> Result<(FrontMatter, &'a str, usize), ArticleError> {
    let first = text.lines().next().unwrap_or("");
    if first.trim_end() != "+++" {
        return Ok((FrontMatter::default(), text, 1));
    }
    let rest = &text[first.len()..];
    let rest = rest.strip_prefix('\n').unwrap_or(rest);
    let mut offset = 0;
    for (n, line) in rest.split_inclusive('\n').enumerate() {
        if line.trim_end() == "+++" {
            let front = toml_file::parse_at(path, &rest[..offset], 1)?;
            return Ok((front, &rest[offset + line.len()..], n + 3));
        }
        offset += line.len();
    }
    Err(ArticleError::UnclosedFrontMatter {
        path: path.to_owned(),
    })
}
