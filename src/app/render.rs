//! `dalaba render FILE --out OUT.wav`: article → program WAV.

use std::path::Path;

use crate::pipeline::{self, ProgramOptions};
use crate::program::ProgramSummary;
use crate::station::Station;

pub(super) fn run(
    station: &Station,
    file: &Path,
    out: &Path,
    voice: Option<&str>,
) -> anyhow::Result<()> {
    let summary = render_file(station, file, out, voice)?;
    println!(
        "wrote {} ({:.1} s, {} segments)",
        out.display(),
        summary.duration,
        summary.segments
    );
    Ok(())
}

/// Renders `file` with `voice` into `out`; nothing is written when any segment fails.
pub(super) fn render_file(
    station: &Station,
    file: &Path,
    out: &Path,
    voice: Option<&str>,
) -> anyhow::Result<ProgramSummary> {
    let article = super::load_article(file)?;
    let options = ProgramOptions {
        voice: voice.map(str::to_owned),
        repeat: article.front.repeat.unwrap_or(1),
    };
    super::runtime()?.block_on(pipeline::build(station, &[article], &options, out))
}
