//! `dalaba render FILE… --out OUT.wav [--repeat N]`: articles → program WAV.

use std::path::{Path, PathBuf};

use anyhow::Context;

use super::out_path::{self, OutPath};
use crate::pipeline::{self, ProgramOptions};
use crate::program::ProgramSummary;
use crate::station::Station;

pub(super) fn run(
    station: &Station,
    files: &[PathBuf],
    out: &Path,
    voice: Option<&str>,
    repeat: Option<u32>,
) -> anyhow::Result<()> {
    match out_path::check(out)? {
        OutPath::File(path) => {
            let summary = render_files(station, files, &path, voice, repeat)?;
            let shown = super::escape::line(&out.display().to_string()).into_owned();
            println!(
                "{}",
                crate::t!("wrote", out = shown, summary = describe(&summary))
            );
        }
        OutPath::Stdout => {
            let dir = tempfile::tempdir().with_context(|| crate::t!("error-temp-folder"))?;
            let path = dir.path().join("program.wav");
            let summary = render_files(station, files, &path, voice, repeat)?;
            out_path::copy_to_stdout(&path)?;
            let out = crate::t!("standard-output");
            eprintln!(
                "{}",
                crate::t!("wrote", out = out, summary = describe(&summary))
            );
        }
    }
    Ok(())
}

/// One line about a finished program: length, segments, loudness, true peak.
pub(super) fn describe(summary: &ProgramSummary) -> String {
    let db = |v: Option<f64>| v.map_or_else(|| "n/a".to_owned(), |v| format!("{v:.1}"));
    crate::t!(
        "program-summary",
        seconds = format!("{:.1}", summary.duration),
        segments = summary.segments,
        lufs = db(summary.lufs),
        peak = db(summary.true_peak_dbtp)
    )
}

/// Renders `files` in order, read `repeat` times (else the largest `repeat` their front
/// matter asks for, else once), into `out`. Nothing is written when any segment fails; a
/// program that fails pre-flight is not left at `out`.
pub(super) fn render_files(
    station: &Station,
    files: &[PathBuf],
    out: &Path,
    voice: Option<&str>,
    repeat: Option<u32>,
) -> anyhow::Result<ProgramSummary> {
    let articles = files
        .iter()
        .map(|f| super::load_article_or_id(station, f))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let repeat = repeat
        .or_else(|| articles.iter().filter_map(|a| a.front.repeat).max())
        .unwrap_or(1);
    let options = ProgramOptions {
        voice: voice.map(str::to_owned),
        repeat,
        ..Default::default()
    };
    let voices = super::edges::voices();
    super::runtime()?.block_on(pipeline::build(
        station,
        voices.as_ref(),
        &articles,
        &options,
        out,
    ))
}
