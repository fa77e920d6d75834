//! Program assembly end to end: layout and pause lengths measured in the output, loudness
//! measured by ffmpeg, chime files in every supported format, the `render` command with
//! several articles and `--repeat`.

// Test helpers outside `#[test]` functions: a failed unwrap is a failed test, which is what
// we want.
#![allow(clippy::unwrap_used)]

mod chimes;
mod cli;
mod integrity;
mod layout;
mod loudness;
mod support;
