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
    #[command(after_help = "Example:\n  dalaba script notice.txt")]
    Script {
        /// The article.
        file: PathBuf,
    },
    /// List the voice profiles in voices/.
    #[command(after_help = "Example:\n  dalaba voices")]
    Voices,
    /// List the sound output devices.
    #[command(after_help = "Example:\n  dalaba devices")]
    Devices,
}
