//! Articles → program WAV: script, segments, render through the voice, assemble. The one
//! path shared by `render`, `preview`, `tick` and `run`. [glue]

use std::path::Path;

use anyhow::Context;

use crate::article::Article;
use crate::program::{self, ProgramSummary};
use crate::render::{self, RenderOptions};
use crate::station::Station;
use crate::text;

/// What a program is made of beyond its articles.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProgramOptions {
    /// Voice profile name; the station default when `None`.
    pub voice: Option<String>,
    /// How many times the articles are read.
    pub repeat: u32,
}

/// Renders `articles` into the program WAV `out`. Nothing is written unless every segment
/// rendered.
pub async fn build(
    station: &Station,
    articles: &[Article],
    options: &ProgramOptions,
    out: &Path,
) -> anyhow::Result<ProgramSummary> {
    let voice = options
        .voice
        .as_deref()
        .or_else(|| articles.iter().find_map(|a| a.front.voice.as_deref()));
    let profile = station.voice(voice)?;
    let lexicon = station.lexicon()?;
    let segments: Vec<_> = articles
        .iter()
        .flat_map(|a| text::segment(&text::script(a, &lexicon), profile.max_chars))
        .collect();
    let render_options = RenderOptions {
        rate: station.settings.sample_rate,
        cache_dir: station.state_dir().join("cache"),
    };
    let rendered = render::render(&profile, &segments, &render_options).await?;
    program::assemble(
        out,
        render_options.rate,
        &rendered,
        &station.settings.pauses,
    )
    .with_context(|| format!("writing the program `{}`", out.display()))
}
