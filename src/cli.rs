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
    /// Render an article into a program WAV.
    #[command(after_help = "Example:\n  dalaba render notice.txt --out notice.wav --voice default")]
    Render {
        /// The article (UTF-8 or GBK text).
        file: PathBuf,
        /// Where to write the WAV.
        #[arg(long, short)]
        out: PathBuf,
        /// Voice profile from voices/ (default: the station's default voice).
        #[arg(long)]
        voice: Option<String>,
    },
    /// Render an article and play it now on this machine.
    #[command(
        after_help = "Example:\n  dalaba preview notice.txt\n  dalaba preview notice.txt --out keep.wav --device default"
    )]
    Preview {
        /// The article (UTF-8 or GBK text).
        file: PathBuf,
        /// Voice profile from voices/.
        #[arg(long)]
        voice: Option<String>,
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
    /// List the voice profiles in voices/.
    #[command(after_help = "Example:\n  dalaba voices")]
    Voices,
    /// List the sound output devices.
    #[command(after_help = "Example:\n  dalaba devices")]
    Devices,
}
