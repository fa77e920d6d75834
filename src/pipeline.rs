//! Articles → program WAV: script, segments, render through the voice, lay out, assemble.
//! The one path shared by `render`, `preview`, `tick` and `run`. \[glue\]

use std::path::Path;

use anyhow::Context;

use crate::article::Article;
use crate::audio::chime::Direction;
use crate::audio::layout::{self, Chimes, Cue, PauseGrammar, Sections};
use crate::program::{
    self, ArticleVersion, Assembly, ChimeSource, ProgramDamage, ProgramSettings, ProgramSummary,
};
use crate::render::{self, RenderOptions};
use crate::station::Station;
use crate::text::{self, Lexicon, Segment};
use crate::tts::{VoiceProfile, Voices};

/// What a program is made of beyond its articles. `None` fields take the station's
/// `[program]` settings; a slot or the command line overrides them here.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProgramOptions {
    /// Voice profile name; the article's, else the station default, when `None`.
    pub voice: Option<String>,
    /// How many times the articles are read (0 counts as 1).
    pub repeat: u32,
    /// The opening chime.
    pub intro: Option<ChimeSource>,
    /// The closing chime.
    pub outro: Option<ChimeSource>,
    /// The line before the first reading ("" for none).
    pub preamble: Option<String>,
    /// The line between readings ("" for none).
    pub bridge: Option<String>,
    /// The line after the last reading ("" for none).
    pub closing: Option<String>,
    /// Pause lengths.
    pub pauses: Option<PauseGrammar>,
    /// Never switch to the voice's fallback (for `voices test`, whose point is this voice).
    pub without_fallback: bool,
}

/// The program's segments in one list, and where each section's are.
#[derive(Debug, Default)]
struct Script {
    segments: Vec<Segment>,
    sections: Sections,
}

impl Script {
    /// Appends `segs`, returning their cues.
    fn add(&mut self, segs: Vec<Segment>) -> Vec<Cue> {
        let first = self.segments.len();
        let cues = segs
            .iter()
            .enumerate()
            .map(|(i, s)| Cue {
                id: first + i,
                pause: s.pause,
            })
            .collect();
        self.segments.extend(segs);
        cues
    }
}

/// blake3 (hex) of a script's text: what approval binds and what a program records for each
/// article. The one place this hash is computed.
pub fn script_hash(script: &str) -> String {
    blake3::hash(script.as_bytes()).to_hex().to_string()
}

/// The script text of `article` under the station's `lexicon`, and its [`script_hash`]. A
/// lexicon change that changes the script voids the approval.
pub fn script_of(article: &Article, lexicon: &Lexicon) -> (String, String) {
    let script = text::script(article, lexicon).to_text();
    let hash = script_hash(&script);
    (script, hash)
}

/// Segments of a frame line such as "各位村民请注意", through the same text front-end.
fn line_segments(line: &str, lexicon: &Lexicon, max_chars: usize) -> Vec<Segment> {
    if line.trim().is_empty() {
        return Vec::new();
    }
    let article = Article {
        paragraphs: vec![line.trim().to_owned()],
        ..Default::default()
    };
    text::segment(&text::script(&article, lexicon), max_chars)
}

/// Renders `articles` into the program WAV `out`, through the synthesizers `voices` gives.
/// Nothing is written unless every segment rendered; a program that fails pre-flight is kept
/// as `NAME.failed.wav` and the error is a [`program::AssembleError::NotReady`].
pub async fn build(
    station: &Station,
    voices: &dyn Voices,
    articles: &[Article],
    options: &ProgramOptions,
    out: &Path,
) -> anyhow::Result<ProgramSummary> {
    if articles.is_empty() {
        anyhow::bail!("there is nothing to broadcast: the program has no articles");
    }
    let rate = station.settings.sample_rate;
    let settings = &station.settings.program;
    settings.check(rate).map_err(|e| {
        anyhow::anyhow!("the `[program]` settings in `dalaba.toml` are not usable: {e}")
    })?;
    let pauses = options
        .pauses
        .clone()
        .unwrap_or_else(|| settings.pauses.clone());
    pauses
        .check()
        .map_err(|e| anyhow::anyhow!("the program's pauses are not usable: {e}"))?;
    let voice = options
        .voice
        .as_deref()
        .or_else(|| articles.iter().find_map(|a| a.front.voice.as_deref()));
    let profile = station.voice(voice)?;
    let lexicon = station.lexicon()?;
    let repeat = options.repeat.max(1);
    let (script, versions) = program_script(articles, options, settings, &lexicon, &profile);

    let render_options = RenderOptions {
        rate,
        cache_dir: station.state_dir().join("cache"),
        fallback: if options.without_fallback {
            None
        } else {
            render::resolve_fallback(station, &profile)?
        },
        progress: true,
    };
    let (rendered, spoken_by) =
        render::render_in_one_voice(voices, &profile, &script.segments, &render_options).await?;

    let intro = options.intro.as_ref().unwrap_or(&settings.intro);
    let outro = options.outro.as_ref().unwrap_or(&settings.outro);
    let chimes = Chimes {
        intro: intro.is_some(),
        outro: outro.is_some(),
    };
    let assembly = Assembly {
        rate,
        parts: layout::layout(&script.sections, repeat, chimes, &pauses),
        speech: rendered.into_iter().map(|r| r.path).collect(),
        intro: intro.load(&station.root, rate, Direction::Rising)?,
        outro: outro.load(&station.root, rate, Direction::Falling)?,
        target_lufs: settings.loudness_lufs,
        ceiling_dbtp: settings.true_peak_dbtp,
        highpass_hz: settings.highpass_hz,
        longest_pause: pauses.longest(),
        articles: versions,
        spoken_by: Some(spoken_by),
    };
    let target = out.to_owned();
    tokio::task::spawn_blocking(move || program::assemble(&target, &assembly))
        .await
        .context("the assembler stopped unexpectedly")?
        .with_context(|| format!("writing the program `{}`", out.display()))
}

/// The program's script: preamble, each article (with the version approval binds), the
/// bridge when it repeats, and the closing, in `profile`'s segment size.
fn program_script(
    articles: &[Article],
    options: &ProgramOptions,
    settings: &ProgramSettings,
    lexicon: &Lexicon,
    profile: &VoiceProfile,
) -> (Script, Vec<ArticleVersion>) {
    let pick = |o: &Option<String>, d: &String| o.clone().unwrap_or_else(|| d.clone());
    let mut script = Script::default();
    let preamble = line_segments(
        &pick(&options.preamble, &settings.preamble),
        lexicon,
        profile.max_chars,
    );
    script.sections.preamble = script.add(preamble);
    let mut versions = Vec::new();
    for article in articles {
        let spoken = text::script(article, lexicon);
        versions.push(ArticleVersion {
            title: article.title.clone(),
            script_hash: script_hash(&spoken.to_text()),
        });
        let cues = script.add(text::segment(&spoken, profile.max_chars));
        script.sections.articles.push(cues);
    }
    if options.repeat > 1 {
        let bridge = line_segments(
            &pick(&options.bridge, &settings.bridge),
            lexicon,
            profile.max_chars,
        );
        script.sections.bridge = script.add(bridge);
    }
    let closing = line_segments(
        &pick(&options.closing, &settings.closing),
        lexicon,
        profile.max_chars,
    );
    script.sections.closing = script.add(closing);
    (script, versions)
}

/// Whether the program at `path` can air as it is. A damaged one is discarded
/// ([`program::verify`]); so is one read by a fallback voice whose main voice answers again
/// ([`program::verify::in_main_voice_again`]), so it is rendered again in the main voice.
/// The main voice is asked through `voices`.
pub async fn reusable(station: &Station, voices: &dyn Voices, path: &Path) -> bool {
    let summary = match program::verify::verified_summary(path) {
        Ok(summary) => summary,
        Err(ProgramDamage::Missing(_)) => return false,
        Err(damage) => {
            program::verify::discard(path, &damage.to_string());
            return false;
        }
    };
    let Some(main) = summary
        .spoken_by
        .as_ref()
        .and_then(|s| s.fallback_for.clone())
    else {
        return true;
    };
    let answers = match station.voice(Some(&main)) {
        Ok(profile) => render::probe(voices, &profile).await,
        Err(_) => false,
    };
    if program::verify::in_main_voice_again(&summary, answers) {
        program::verify::discard(
            path,
            &format!(
                "the program `{}` was read by a fallback voice and `{main}` answers again",
                path.display()
            ),
        );
        return false;
    }
    true
}
