//! `dalaba render FILE --out OUT.wav`: article → program WAV.

use std::path::Path;

use anyhow::Context;

use crate::program::{self, ProgramSummary};
use crate::render::render_segments;
use crate::station::Station;
use crate::text::{self, Lexicon};
use crate::tts;

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
    let profile = station.voice(voice.or(article.front.voice.as_deref()))?;
    let script = text::script(&article, &Lexicon::default());
    let segments = text::segment(&script, profile.max_chars);
    let synth = tts::backend(&profile).with_context(|| format!("voice `{}`", profile.name))?;
    let rate = station.settings.sample_rate;
    let clips =
        super::runtime()?.block_on(render_segments(&profile, synth.as_ref(), &segments, rate))?;
    let parts: Vec<_> = clips
        .into_iter()
        .zip(segments.iter().map(|s| s.pause))
        .collect();
    Ok(program::write_program(
        out,
        rate,
        &parts,
        &station.settings.pauses,
    )?)
}
