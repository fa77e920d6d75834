//! How long a slot's program will run, for `plan`: the whole program — chimes, preamble,
//! the articles read `repeat` times with their pauses, bridges and closing — not the
//! articles' speech alone. Once the program is rendered, its measured length is used.

use crate::airing::PlannedProgram;
use crate::article::Article;
use crate::audio::chime::Direction;
use crate::program::{ChimeSource, ProgramSummary};
use crate::schedule::{CHARS_PER_SECOND, Slot};
use crate::station::Station;

/// Seconds the program of `plan` runs, and whether that is measured (`true`: the program is
/// rendered) or estimated.
pub(super) fn program_seconds(station: &Station, plan: &PlannedProgram) -> (f64, bool) {
    if let Ok(summary) = ProgramSummary::load(&plan.program)
        && summary.ready
    {
        return (summary.duration, true);
    }
    let articles: Vec<&Article> = plan
        .articles
        .iter()
        .filter_map(|p| p.article.as_ref())
        .collect();
    (estimate(station, &plan.slot, &articles), false)
}

/// The estimate from text lengths, the pause grammar and the chimes' real lengths.
fn estimate(station: &Station, slot: &Slot, articles: &[&Article]) -> f64 {
    if articles.is_empty() {
        return 0.0;
    }
    let settings = &station.settings.program;
    let pauses = &settings.pauses;
    let repeat = f64::from(slot.repeat.max(1));
    let speech = |text: &str| text.chars().filter(|c| !c.is_whitespace()).count() as f64;
    let mut once = 0.0;
    for article in articles {
        let title = article.title.as_deref().unwrap_or("");
        once += speech(title) / CHARS_PER_SECOND + pauses.title;
        for paragraph in &article.paragraphs {
            let sentences = paragraph.matches(['。', '！', '？', '；']).count().max(1);
            once += speech(paragraph) / CHARS_PER_SECOND
                + pauses.paragraph
                + sentences as f64 * pauses.sentence;
        }
    }
    once += pauses.article * (articles.len() as f64 - 1.0);
    let preamble = slot.preamble.as_deref().unwrap_or(&settings.preamble);
    let closing = slot.closing.as_deref().unwrap_or(&settings.closing);
    let frame = (speech(preamble) + speech(closing) + speech(&settings.bridge) * (repeat - 1.0))
        / CHARS_PER_SECOND
        + pauses.section * 2.0 * (1.0 + repeat);
    let chimes: f64 = [
        (&slot.intro, &settings.intro),
        (&slot.outro, &settings.outro),
    ]
    .into_iter()
    .map(|(own, default)| {
        let source = own
            .as_deref()
            .map_or_else(|| default.clone(), ChimeSource::parse);
        source
            .load(
                &station.root,
                station.settings.sample_rate,
                Direction::Rising,
            )
            .ok()
            .flatten()
            .map_or(0.0, |clip| clip.duration() + pauses.chime)
    })
    .sum();
    once * repeat + frame + chimes
}
