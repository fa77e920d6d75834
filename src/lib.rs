//! dalaba (大喇叭) turns approved articles into spoken Mandarin and airs them, on schedule,
//! through village loudspeakers.
//!
//! # Layout
//!
//! The crate is split into a pure core and thin edges, so the parts that decide what is said
//! and when are tested as plain functions.
//!
//! | module | role | owns |
//! | --- | --- | --- |
//! | [`article`] | core | bytes → text (UTF-8/GBK), front matter, page furniture |
//! | [`text`] | core | normalization into speakable Mandarin, lexicon, segmentation |
//! | [`audio`] | core | `Clip`, DSP (resample, gain, fades, loudness), program layout |
//! | [`schedule`] | core | slots, recurrence, quiet hours; [`schedule::plan`]: the airing planner (catch-up, look-back, retries) |
//! | [`media`] | edge | symphonia decoding and hound WAV writing |
//! | [`tts`] | edge | voice profiles and TTS backends behind the `Synthesizer` trait |
//! | [`cache`] | edge | content-addressed segment cache (checksummed entries) |
//! | [`atomic`] | edge | files that appear whole or not at all (temp, fsync, rename, fsync dir) |
//! | [`player`] | edge | the loudspeaker behind the `Speaker` trait (rodio, WAV files, null) |
//! | [`store`] | edge | SQLite state: articles, approvals, as-run log; one connection on its own thread |
//! | [`station`] | glue | the station directory: `dalaba.toml`, `voices/`, `schedules/` |
//! | [`render`] | glue | script segments → conditioned PCM through a voice and the cache |
//! | [`program`] | glue | rendered segments → program WAV (chimes, pauses, loudness) |
//! | [`pipeline`] | glue | articles → script → segments → render → program: the one path every command uses |
//! | [`airing`] | glue | the airing state machine, one pass (`tick`), the daemon (`run`), play-now; edges handed in |
//! | [`asrun`] | glue | the as-run row between the log and the wire, both ways (box → hub, hub's log) |
//! | [`protocol`] | core | hub–box wire types (manifest, alert, report) and the box's manifest acceptance rules |
//! | [`hub`] | edge | the township hub: box enrolment, its own SQLite store, publishing manifests, the HTTP API |
//! | [`village_box`] | edge | a village box's side: manifest sync, resumable verified downloads, as-run outbox, alerts |
//! | [`console`] | edge | the staff console (工作台) under `/console`: accounts, sessions, roles, audit; askama pages |
//! | [`app`] | glue | one function per subcommand; the only place edges are built |
//! | [`cli`] | edge | clap argument types, no logic |
//! | [`i18n`] | core | the command line in the locale's language: Fluent messages (English, Chinese) and localized `--help` |
//!
//! Core modules never use the edge modules and never read the clock or the filesystem;
//! `make lint` checks this with a grep.

pub mod airing;
pub mod app;
pub mod article;
pub mod asrun;
pub mod atomic;
pub mod audio;
pub mod cache;
pub mod cli;
pub mod console;
pub mod hub;
pub mod i18n;
pub mod media;
pub mod pipeline;
pub mod player;
pub mod program;
pub mod protocol;
pub mod render;
pub mod schedule;
pub mod station;
pub mod store;
pub mod text;
pub mod toml_file;
pub mod tts;
pub mod village_box;
