//! `dalaba script FILE [--json]`: what the loudspeaker will say, cut into the segments the
//! voice will get, with what was removed from the article and where the lexicon fired.

use std::io::Write;
use std::path::Path;

use anyhow::Context;

use crate::article::{Article, LineChoices, RemovedLine};
use crate::station::Station;
use crate::t;
use crate::text::{self, Pause, ScriptHit, Segment, pinyin};

pub(super) fn run(
    station: &Station,
    file: &Path,
    json: bool,
    pinyin: bool,
    keep: Vec<usize>,
    drop: Vec<usize>,
) -> anyhow::Result<()> {
    let choices = &LineChoices { keep, drop };
    let article = super::load_article_with(station, file, choices)?;
    let lexicon = station.lexicon()?;
    let (script, hits) = text::script_with_hits(&article, &lexicon);
    // The segment size of the voice the article would be read with.
    let max_chars = station
        .voice(article.front.voice.as_deref())
        .map(|v| v.max_chars)
        .unwrap_or(DEFAULT_MAX_CHARS);
    let segments = text::segment(&script, max_chars);
    let out = if json {
        serde_json::to_string_pretty(&report(&article, &script, &segments, &hits, pinyin))
            .context("encoding the script as JSON")?
    } else {
        super::escape::text(&human(&article, &segments, &hits, pinyin, choices)).into_owned()
    };
    print_all(&out)
}

/// Prints `text`; a reader that stops early (`| head`) is not an error.
fn print_all(text: &str) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    match writeln!(stdout, "{text}") {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(e).with_context(|| crate::t!("error-stdout"))
        }
        _ => Ok(()),
    }
}

/// Used when the station has no voice profile to take `max_chars` from.
const DEFAULT_MAX_CHARS: usize = 120;

/// The `--json` shape: what tools read.
#[derive(serde::Serialize)]
struct Report<'a> {
    title: Option<&'a str>,
    paragraphs: &'a [String],
    segments: Vec<JsonSegment<'a>>,
    removed: Vec<JsonRemoved<'a>>,
    lexicon: &'a [ScriptHit],
}

#[derive(serde::Serialize)]
struct JsonSegment<'a> {
    text: &'a str,
    pause: Pause,
    /// With `--pinyin`: what the built-in voice says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pinyin: Option<String>,
}

/// The toned pinyin of a segment, as the built-in voice will say it.
fn pinyin_of(text: &str) -> String {
    pinyin::show(&pinyin::read(text))
}

#[derive(serde::Serialize)]
struct JsonRemoved<'a> {
    line: usize,
    text: &'a str,
    reason: &'a str,
}

fn report<'a>(
    article: &'a Article,
    script: &'a text::Script,
    segments: &'a [Segment],
    hits: &'a [ScriptHit],
    pinyin: bool,
) -> Report<'a> {
    Report {
        title: script.title.as_deref(),
        paragraphs: &script.paragraphs,
        segments: segments
            .iter()
            .map(|s| JsonSegment {
                text: &s.text,
                pause: s.pause,
                pinyin: pinyin.then(|| pinyin_of(&s.text)),
            })
            .collect(),
        removed: article
            .removed
            .iter()
            .map(|r| JsonRemoved {
                line: r.line,
                text: &r.text,
                reason: r.reason,
            })
            .collect(),
        lexicon: hits,
    }
}

/// The lines left out of the script and why, in the process's language (the reasons are
/// stable English words in `--json`).
fn removed(lines: &[RemovedLine]) -> String {
    if lines.is_empty() {
        return String::new();
    }
    let mut out = format!("\n{}\n", t!("script-removed", count = lines.len()));
    for RemovedLine { line, text, reason } in lines {
        let id = format!("removed-{}", reason.replace(' ', "-"));
        let reason = crate::i18n::lookup(crate::i18n::lang(), &id).unwrap_or((*reason).to_owned());
        let line = t!("script-line", line = format!("{line:>3}"));
        out.push_str(&format!("  {line}  {} {text}\n", pad(&reason, 12)));
    }
    out
}

/// `s` padded with spaces to `width` terminal columns (a Chinese character takes two).
fn pad(s: &str, width: usize) -> String {
    let used: usize = s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum();
    format!("{s}{}", " ".repeat(width.saturating_sub(used)))
}

fn human(
    article: &Article,
    segments: &[Segment],
    hits: &[ScriptHit],
    pinyin: bool,
    choices: &LineChoices,
) -> String {
    let mut out = String::new();
    for seg in segments {
        out.push_str(&seg.text);
        if pinyin {
            // One segment a line, its reading beneath it.
            out.push_str(&format!("\n    {}\n", pinyin_of(&seg.text)));
            if matches!(seg.pause, Pause::Title | Pause::Paragraph) {
                out.push('\n');
            }
            continue;
        }
        out.push_str(match seg.pause {
            Pause::Title => "\n\n",
            Pause::Paragraph => "\n\n",
            Pause::Sentence => " | ",
            Pause::Clause => " / ",
        });
    }
    out.push_str(&if pinyin {
        t!("script-legend-pinyin")
    } else {
        t!("script-legend")
    });
    out.push('\n');
    out.push_str(&removed(&article.removed));
    if choices != &LineChoices::default() {
        let (keep, drop) = (format!("{:?}", choices.keep), format!("{:?}", choices.drop));
        out.push_str(&format!(
            "\n{}\n",
            t!("script-choices", keep = keep, drop = drop)
        ));
    }
    if !hits.is_empty() {
        out.push_str(&format!("\n{}\n", t!("script-lexicon", count = hits.len())));
        for h in hits {
            let place = match h.paragraph {
                None => t!("script-place-title"),
                Some(n) => t!("script-place-paragraph", n = n + 1),
            };
            out.push_str(&format!(
                "  {} {} → {}\n",
                pad(&place, 12),
                h.hit.written,
                h.hit.spoken
            ));
        }
    }
    out.trim_end().to_owned()
}
