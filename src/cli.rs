//! Command-line arguments (clap). Types only: no logic, no I/O. [edge]

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// dalaba (大喇叭): approved articles → spoken Mandarin → the village loudspeakers.
#[derive(Debug, Parser)]
#[command(version, about, long_about = None, propagate_version = true)]
pub struct Args {
    /// Station directory (holds dalaba.toml, voices/, schedules/, state/).
    #[arg(long, global = true, default_value = ".", env = "DALABA_STATION")]
    pub station: PathBuf,
    /// More log output (-v info, -vv debug).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Render articles into a program WAV: chimes, preamble, the articles, repeats, closing.
    #[command(
        after_help = "Example:\n  dalaba render notice.txt --out notice.wav --voice default\n  dalaba render water.txt meeting.txt --repeat 2 --out evening.wav"
    )]
    Render {
        /// The articles (UTF-8 or GBK text), read in this order.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Where to write the WAV.
        #[arg(long, short)]
        out: PathBuf,
        /// Voice profile from voices/ (default: the station's default voice).
        #[arg(long)]
        voice: Option<String>,
        /// Read the articles this many times (default: the articles' own `repeat`, else 1).
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=10))]
        repeat: Option<u32>,
    },
    /// Render articles and play them now on this machine.
    #[command(
        after_help = "Example:\n  dalaba preview notice.txt\n  dalaba preview notice.txt --out keep.wav --device default\n  dalaba preview water.txt meeting.txt --repeat 2"
    )]
    Preview {
        /// The articles (UTF-8 or GBK text), read in this order.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Voice profile from voices/.
        #[arg(long)]
        voice: Option<String>,
        /// Read the articles this many times (default: the articles' own `repeat`, else 1).
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=10))]
        repeat: Option<u32>,
        /// Also keep the WAV here.
        #[arg(long, short)]
        out: Option<PathBuf>,
        /// Output device name (see `dalaba devices`); the system default when omitted.
        #[arg(long)]
        device: Option<String>,
    },
    /// Print the speakable script of an article: what the loudspeaker will say.
    #[command(
        after_help = "Example:\n  dalaba script notice.txt\n  dalaba script notice.txt --json"
    )]
    Script {
        /// The article.
        file: PathBuf,
        /// Print JSON for tools: title, segments with pauses, removed lines, lexicon hits.
        #[arg(long)]
        json: bool,
    },
    /// Normalize text from stdin into speakable Mandarin, one line in, one line out.
    #[command(after_help = "Example:\n  echo '增长2.8%' | dalaba normalize")]
    Normalize {
        /// Do not apply the station lexicon (voices/lexicon.toml).
        #[arg(long)]
        no_lexicon: bool,
    },
    /// List the voice profiles in voices/ and whether their servers answer.
    #[command(after_help = "Example:\n  dalaba voices\n  dalaba voices test kokoro --out test.wav")]
    Voices {
        /// `test NAME`: speak a test sentence through one voice.
        #[command(subcommand)]
        action: Option<VoicesAction>,
    },
    /// Inspect or prune the segment cache (state/cache).
    #[command(after_help = "Example:\n  dalaba cache stats\n  dalaba cache prune --older-than 30d")]
    Cache {
        /// What to do with the cache.
        #[command(subcommand)]
        action: CacheAction,
    },
    /// List the sound output devices.
    #[command(after_help = "Example:\n  dalaba devices")]
    Devices,
}

/// `dalaba voices …`.
#[derive(Debug, Subcommand)]
pub enum VoicesAction {
    /// Speak a fixed test sentence through one voice, then play it (or write it with --out).
    #[command(
        after_help = "Example:\n  dalaba voices test default\n  dalaba voices test kokoro --out kokoro.wav"
    )]
    Test {
        /// Voice profile name (a file in voices/).
        name: String,
        /// Write the WAV here instead of playing it.
        #[arg(long, short)]
        out: Option<PathBuf>,
        /// Output device name (see `dalaba devices`).
        #[arg(long)]
        device: Option<String>,
    },
}

/// `dalaba cache …`.
#[derive(Debug, Subcommand)]
pub enum CacheAction {
    /// Entries, size, seconds of audio and ages.
    Stats,
    /// Remove broken entries and leftover temp files, and entries unused for longer than
    /// --older-than.
    Prune {
        /// Age limit such as `30d`, `12h`, `90m` or `2w`.
        #[arg(long)]
        older_than: Option<String>,
    },
}
