//! TTS backends and the render engine against real HTTP servers on 127.0.0.1:0 that speak
//! each service's documented protocol, answer real audio, and misbehave on request.

// Helpers outside #[test] functions: a panic is the failure report we want here too.
#![allow(clippy::unwrap_used)]

pub(crate) mod audio;
mod budget;
mod cli;
mod engine;
mod examples;
mod faults;
mod neural;
mod openai;
mod protocols;
mod resume;
mod server;
mod station;

use dalaba::text::{self, Lexicon};

/// A notice without digits or symbols, so its segments do not depend on normalization.
pub const NOTICE: &str = "开会通知\n\n各位村民请注意。今天下午村委会开会，请大家准时参加。\n会后发放春季种子，请带好证件。\n";

/// The texts the pipeline sends for `article` with `max_chars`.
pub fn segment_texts(article: &str, max_chars: usize) -> Vec<String> {
    let article = dalaba::article::parse(std::path::Path::new("a.txt"), article).unwrap();
    text::segment(&text::script(&article, &Lexicon::default()), max_chars)
        .into_iter()
        .map(|s| s.text)
        .collect()
}

/// The segment (1-based number, text) an error names as `segment N “TEXT”`.
pub fn named_segment(err: &str, texts: &[String]) -> Option<(usize, String)> {
    texts
        .iter()
        .enumerate()
        .find(|(i, t)| err.contains(&format!("segment {} “{t}”", i + 1)))
        .map(|(i, t)| (i + 1, t.clone()))
}
