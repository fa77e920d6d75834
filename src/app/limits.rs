//! Limits on what a user file may ask for, checked when it is read, before anything is
//! stored or rendered: a 50 MB article, a megabyte-long line or `repeat = 1000000` is a
//! mistake, and would otherwise fill the disk or run for hours.

use std::path::Path;

use crate::article::Article;
use crate::schedule::MAX_REPEAT;

/// The largest article file, in bytes: the limit the article reader itself enforces,
/// checked here before the file is even read.
pub(super) const MAX_ARTICLE_BYTES: u64 = crate::article::MAX_ARTICLE_BYTES as u64;

/// The longest line of an article, in characters: a paragraph written on one line is a
/// few hundred.
pub(super) const MAX_LINE_CHARS: usize = 5_000;

/// Refuses an article file larger than [`MAX_ARTICLE_BYTES`] before it is read.
pub(super) fn check_size(path: &Path) -> anyhow::Result<()> {
    let len = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    anyhow::ensure!(
        len <= MAX_ARTICLE_BYTES,
        "`{}` is {} kB; an article may be at most {} kB. Is it the right file? Split a long text into several articles",
        path.display(),
        len / 1024,
        MAX_ARTICLE_BYTES / 1024
    );
    Ok(())
}

/// Refuses text that is too large, a line that is too long, and a front-matter `repeat`
/// outside 1…[`MAX_REPEAT`].
pub(super) fn check_article(path: &Path, text: &str, article: &Article) -> anyhow::Result<()> {
    anyhow::ensure!(
        text.len() as u64 <= MAX_ARTICLE_BYTES,
        "`{}` is {} kB; an article may be at most {} kB; split a long text into several articles",
        path.display(),
        text.len() / 1024,
        MAX_ARTICLE_BYTES / 1024
    );
    if let Some((n, line)) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.chars().count() > MAX_LINE_CHARS)
    {
        anyhow::bail!(
            "`{}` line {}: {} characters on one line, more than {MAX_LINE_CHARS}; is it text? Break it into paragraphs",
            path.display(),
            n + 1,
            line.chars().count()
        );
    }
    if let Some(repeat) = article.front.repeat {
        anyhow::ensure!(
            (1..=MAX_REPEAT).contains(&repeat),
            "`{}` front matter `repeat = {repeat}`: use 1 to {MAX_REPEAT}",
            path.display()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(text: &str) -> anyhow::Result<()> {
        let path = Path::new("a.txt");
        let parsed = crate::article::parse(path, text)?;
        check_article(path, text, &parsed)
    }

    #[test]
    fn repeats_outside_one_to_ten_are_refused_with_the_file_and_key() {
        assert!(article("+++\nrepeat = 10\n+++\n通知\n").is_ok());
        for bad in ["0", "11", "1000000"] {
            let err = article(&format!("+++\nrepeat = {bad}\n+++\n通知\n"))
                .unwrap_err()
                .to_string();
            assert!(
                err.contains("`a.txt` front matter `repeat") && err.contains("1 to 10"),
                "{err}"
            );
        }
    }

    #[test]
    fn huge_texts_and_lines_are_refused() {
        let long_line = "停".repeat(MAX_LINE_CHARS + 1);
        let err = article(&format!("通知\n\n{long_line}\n"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("`a.txt` line 3"), "{err}");
        let huge = "停水通知。\n".repeat(20_000);
        let err = article(&huge).unwrap_err().to_string();
        assert!(err.contains("at most 256 kB"), "{err}");
    }
}
