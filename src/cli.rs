//! Command-line arguments (clap). Types only: no logic, no I/O. \[edge\]

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
        /// The articles, read in this order: files (UTF-8 or GBK text) or ids of queued
        /// articles.
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
        /// The articles, read in this order: files (UTF-8 or GBK text) or ids of queued
        /// articles.
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
        after_help = "Example:\n  dalaba script notice.txt\n  dalaba script notice.txt --json\n  dalaba script notice.txt --pinyin\n  dalaba script notice.txt --keep-line 3 --drop-line 12"
    )]
    Script {
        /// The article: a file, or the id of a queued article.
        file: PathBuf,
        /// Print JSON for tools: title, segments with pauses, removed lines, lexicon hits.
        #[arg(long)]
        json: bool,
        /// Read file line N although it was removed as furniture (repeatable); to keep the
        /// choice for airing, add `keep_lines = [N]` to the article's front matter.
        #[arg(long = "keep-line", value_name = "N")]
        keep_line: Vec<usize>,
        /// Leave file line N out of the script (repeatable); `drop_lines = [N]` in the
        /// front matter does the same for airing.
        #[arg(long = "drop-line", value_name = "N")]
        drop_line: Vec<usize>,
        /// Under each segment, the toned pinyin the built-in voice will say (check place
        /// names here; give a reading in voices/lexicon.toml, e.g. "单县" = "shàn xiàn").
        #[arg(long)]
        pinyin: bool,
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
    /// Queue an article: store it as a draft, print its id (first line) and its script.
    #[command(
        after_help = "Example:\n  dalaba add notice.txt --queue news --until 2026-12-31 --priority urgent"
    )]
    Add {
        /// The article (UTF-8 or GBK text, optional +++ front matter).
        file: PathBuf,
        /// Queue (default: front matter `queue`).
        #[arg(long)]
        queue: Option<String>,
        /// First day it may air, `YYYY-MM-DD` or RFC 3339 (default: front matter `from`).
        #[arg(long)]
        from: Option<String>,
        /// Last day it may air (default: front matter `until`).
        #[arg(long)]
        until: Option<String>,
        /// `normal`, `urgent` or `emergency` (default: front matter, else normal).
        #[arg(long)]
        priority: Option<String>,
    },
    /// List queued articles.
    #[command(after_help = "Example:\n  dalaba list --status draft --queue news")]
    List {
        /// Only this status: draft, approved, rejected, withdrawn.
        #[arg(long)]
        status: Option<String>,
        /// Only this queue.
        #[arg(long)]
        queue: Option<String>,
        /// Print JSON (an array of articles) for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Show an article: its script, approvals and airings.
    #[command(after_help = "Example:\n  dalaba show 3")]
    Show {
        /// Article id.
        id: i64,
    },
    /// Approve the exact script of an article.
    #[command(after_help = "Example:\n  dalaba approve 3 --by 王书记 --script 1a2b3c4d5e6f")]
    Approve {
        /// Article id.
        id: i64,
        /// Who approves.
        #[arg(long)]
        by: String,
        /// The script (hash, or its first characters as `show` prints them) the approver
        /// read; refused when the article's script is no longer that one.
        #[arg(long)]
        script: Option<String>,
    },
    /// Reject an article.
    #[command(after_help = "Example:\n  dalaba reject 3 --by 王书记 --reason \"日期有误\"")]
    Reject {
        /// Article id.
        id: i64,
        /// Who rejects.
        #[arg(long)]
        by: String,
        /// Why.
        #[arg(long)]
        reason: String,
    },
    /// Take an article out of circulation.
    #[command(after_help = "Example:\n  dalaba withdraw 3")]
    Withdraw {
        /// Article id.
        id: i64,
    },
    /// Replace an article's text; its approval is void until approved again.
    #[command(after_help = "Example:\n  dalaba update 3 notice-v2.txt")]
    Update {
        /// Article id.
        id: i64,
        /// The new text.
        file: PathBuf,
    },
    /// Print what will air when, with which articles, and why others are left out.
    #[command(
        after_help = "Example:\n  dalaba plan --hours 48\n  dalaba plan --now 2026-12-01T06:00:00+08:00"
    )]
    Plan {
        /// How many hours ahead.
        #[arg(long, default_value_t = 24)]
        hours: u32,
        /// Pretend it is this time (RFC 3339).
        #[arg(long)]
        now: Option<String>,
        /// Print JSON (an array of upcoming airings) for scripts.
        #[arg(long)]
        json: bool,
        /// Only slots that reach this zone (a slot without `zones` reaches 全镇).
        #[arg(long)]
        zone: Option<String>,
    },
    /// Cron entry point: render what is coming, air what is due, log what was missed.
    #[command(after_help = "Example (crontab):\n  * * * * * cd /srv/station && dalaba tick")]
    Tick {
        /// Pretend it is this time (RFC 3339), to replay a day.
        #[arg(long)]
        now: Option<String>,
    },
    /// Daemon: air every slot on time until SIGTERM or Ctrl-C.
    #[command(
        after_help = "Example:\n  dalaba run --station /srv/station\n  dalaba run --console 127.0.0.1:8080"
    )]
    Run {
        /// Also serve the staff console (工作台) on this address, for a village that runs
        /// alone; plain HTTP only on loopback unless --tls-cert or --behind-proxy.
        #[arg(long, value_name = "ADDR")]
        console: Option<String>,
        /// The console's certificate (PEM).
        #[arg(
            long,
            requires_all = ["tls_key", "console"],
            value_name = "PEM"
        )]
        tls_cert: Option<PathBuf>,
        /// The certificate's private key (PEM).
        #[arg(long, requires = "tls_cert", value_name = "PEM")]
        tls_key: Option<PathBuf>,
        /// Serve the console in plain HTTP on a non-loopback address: a TLS reverse proxy
        /// terminates HTTPS.
        #[arg(long, conflicts_with = "tls_cert", requires = "console")]
        behind_proxy: bool,
    },
    /// Air an article at once (interrupting the program on air under `dalaba run`).
    #[command(
        name = "play-now",
        after_help = "Example:\n  dalaba play-now 3\n  dalaba play-now 7 --emergency --by 李站长"
    )]
    PlayNow {
        /// Article id.
        id: i64,
        /// Air it even though it is not approved yet (logged unsigned until approved).
        #[arg(long, requires = "by")]
        emergency: bool,
        /// Who orders the emergency airing.
        #[arg(long)]
        by: Option<String>,
    },
    /// The as-run log (播出记录).
    #[command(after_help = "Example:\n  dalaba log --since 2026-12-01 --csv > 2026-12.csv")]
    Log {
        /// From this day (`YYYY-MM-DD`, station time) or instant (RFC 3339).
        #[arg(long)]
        since: Option<String>,
        /// Up to and including this day or instant.
        #[arg(long)]
        until: Option<String>,
        /// CSV, for filing upward: Chinese headers and outcome words, UTF-8 with a
        /// byte-order mark and CRLF lines, as Excel on Chinese Windows opens it.
        #[arg(long, conflicts_with = "json")]
        csv: bool,
        /// The CSV's language: `zh` (default) or `en` (the English format of before).
        #[arg(
            long,
            value_enum,
            default_value = "zh",
            requires = "csv",
            value_name = "LANG"
        )]
        csv_lang: CsvLang,
        /// JSON.
        #[arg(long)]
        json: bool,
    },
    /// Validate the whole station: settings, voices, schedules.
    #[command(after_help = "Example:\n  dalaba check")]
    Check,
    /// Make a new station: `dalaba.toml`, the offline voice, a lexicon, a commented schedule.
    #[command(
        after_help = "Example:\n  dalaba init /srv/station\n  cd /srv/station && dalaba check"
    )]
    Init {
        /// Where (default: `--station`, else the current directory). Created if missing.
        dir: Option<PathBuf>,
    },
    /// The township hub: enrol boxes, publish programs, serve the boxes.
    #[command(
        after_help = "Example:\n  dalaba hub enroll 张家村 --id zhangjiacun --zone 东片 --zone 全镇\n  dalaba hub serve --listen 0.0.0.0:8443\n  dalaba hub status"
    )]
    Hub {
        /// What to do.
        #[command(subcommand)]
        action: HubAction,
    },
    /// The staff console (工作台) served by `dalaba hub serve` under `/console`.
    #[command(
        after_help = "Example:\n  echo '一个好密码123' | dalaba console add-user 李站长 --role 站长\n  DALABA_PASSWORD=... dalaba console add-user 王会计 --role 编辑"
    )]
    Console {
        /// What to do.
        #[command(subcommand)]
        action: ConsoleAction,
    },
    /// A village box: talk to its hub.
    #[command(
        name = "box",
        after_help = "Example:\n  DALABA_CREDENTIAL=zhangjiacun.… dalaba box run --hub https://hub.example:8443 --hub-ca ca.pem\n  DALABA_CREDENTIAL=zhangjiacun.… dalaba box sync --hub https://hub.example:8443 --hub-ca ca.pem"
    )]
    Box {
        /// What to do.
        #[command(subcommand)]
        action: BoxAction,
    },
}

/// The language of `dalaba log --csv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CsvLang {
    /// Chinese headers and outcome words (the default).
    Zh,
    /// The English headers and words of before.
    En,
}

/// `dalaba hub …`.
#[derive(Debug, Subcommand)]
pub enum HubAction {
    /// Enrol a box: prints its credential once.
    Enroll {
        /// The village's name (张家村).
        name: String,
        /// A plain id (default: the name, when it is one).
        #[arg(long)]
        id: Option<String>,
        /// A zone the box belongs to (repeat for several).
        #[arg(long, required = true)]
        zone: Vec<String>,
        /// The hub's URL as the box reaches it.
        #[arg(long, default_value = "https://hub.example:8443")]
        hub_url: String,
        /// Print JSON for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Make a box's credential worthless at once.
    Revoke {
        /// The box id.
        box_id: String,
    },
    /// Every box: online or offline since when, last airing, device, clock, disk, version.
    Status {
        /// Print JSON for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Publish a rendered program for one slot time to zones (new manifests for every box).
    Publish {
        /// The program WAV.
        program: PathBuf,
        /// Slot name.
        #[arg(long)]
        slot: String,
        /// When it airs (RFC 3339).
        #[arg(long)]
        at: String,
        /// Target zone (repeat for several).
        #[arg(long, required = true)]
        zone: Vec<String>,
        /// How late it may still start.
        #[arg(long, default_value_t = 10)]
        catch_up_minutes: u32,
    },
    /// Serve the boxes: HTTPS with `--tls-cert`/`--tls-key`; plain HTTP only on a loopback
    /// address or `--behind-proxy`.
    /// With slots in schedules/, also plans: every minute, and within seconds of a change
    /// to the schedules or an approval, as `hub plan-publish` does once.
    #[command(
        after_help = "Example:\n  dalaba hub serve --listen 0.0.0.0:8443 --tls-cert hub.pem --tls-key hub-key.pem\n  dalaba hub serve --listen 127.0.0.1:8443   # a TLS reverse proxy on this machine in front"
    )]
    Serve {
        /// Address to listen on (port 0: any free port, printed on stdout).
        #[arg(long, default_value = "127.0.0.1:8443")]
        listen: String,
        /// The hub's certificate (PEM; the hub's own first, then any intermediate CAs).
        #[arg(
            long,
            env = "DALABA_TLS_CERT",
            requires = "tls_key",
            value_name = "PEM"
        )]
        tls_cert: Option<PathBuf>,
        /// The certificate's private key (PEM).
        #[arg(
            long,
            env = "DALABA_TLS_KEY",
            requires = "tls_cert",
            value_name = "PEM"
        )]
        tls_key: Option<PathBuf>,
        /// Serve plain HTTP on a non-loopback address: a TLS reverse proxy terminates HTTPS.
        #[arg(long, env = "DALABA_BEHIND_PROXY", conflicts_with = "tls_cert")]
        behind_proxy: bool,
        /// How many hours ahead manifests list airings.
        #[arg(long, default_value_t = 36, value_parser = clap::value_parser!(u32).range(1..=168))]
        hours: u32,
        /// Run the hub's clock from this time (RFC 3339; rehearsal stations only).
        #[arg(long)]
        now: Option<String>,
    },
    /// Plan once: what every slot of the next hours airs, for which zones; render each
    /// distinct program once; give each box whose airings changed a new manifest.
    #[command(
        name = "plan-publish",
        after_help = "Example (crontab):\n  * * * * * cd /srv/hub && dalaba hub plan-publish\n  dalaba hub plan-publish --now 2026-12-02T06:00:00+08:00 --json"
    )]
    PlanPublish {
        /// Pretend it is this time (RFC 3339; rehearsal stations only).
        #[arg(long)]
        now: Option<String>,
        /// How many hours ahead manifests list airings.
        #[arg(long, default_value_t = 36, value_parser = clap::value_parser!(u32).range(1..=168))]
        hours: u32,
        /// Print JSON for scripts.
        #[arg(long)]
        json: bool,
    },
    /// The as-run log of all boxes, merged, with the box named on each row.
    #[command(
        after_help = "Example:\n  dalaba hub log\n  dalaba hub log --box zhangjiacun --json\n  dalaba hub log --csv > 播出记录.csv"
    )]
    Log {
        /// Only this box.
        #[arg(long = "box", value_name = "BOX_ID")]
        box_id: Option<String>,
        /// Print JSON for scripts.
        #[arg(long)]
        json: bool,
        /// CSV as `dalaba log --csv` writes it (Chinese), the box named in the device column.
        #[arg(long, conflicts_with = "json")]
        csv: bool,
    },
    /// An emergency cut-in to zones: every online box airs it at once (offline boxes when
    /// they reconnect, while it is valid).
    #[command(
        after_help = "Example:\n  dalaba hub emergency --zone 全镇 --reason 暴雪橙色预警 --by 李站长 blizzard.wav\n  dalaba hub emergency --zone 东片 --reason 停水通知 --by 李站长 --text '今天下午两点到五点停水。'\n  dalaba hub cancel e-20261202-140311-3f2a"
    )]
    Emergency {
        /// The program WAV (or `--text`).
        #[arg(required_unless_present = "text", conflicts_with = "text")]
        program: Option<PathBuf>,
        /// Speak this text in the station's default voice instead of a WAV.
        #[arg(long)]
        text: Option<String>,
        /// Target zone (repeat for several).
        #[arg(long, required = true)]
        zone: Vec<String>,
        /// Why (its title, e.g. 暴雪橙色预警).
        #[arg(long)]
        reason: String,
        /// Who orders it.
        #[arg(long)]
        by: String,
        /// Severity: 1 (red) … 4 (blue), or `test`.
        #[arg(long, default_value = "2")]
        severity: String,
        /// How long it stays valid for boxes that are offline now.
        #[arg(long, default_value_t = 60)]
        minutes: u32,
        /// How many times each box reads it.
        #[arg(long, default_value_t = 1)]
        repeat: u32,
        /// Print JSON for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Cancel an emergency: boxes airing it stop, boxes that have not aired it never will.
    Cancel {
        /// The alert id `hub emergency` printed.
        alert_id: String,
        /// Who cancels it.
        #[arg(long, default_value = "hub")]
        by: String,
    },
}

/// `dalaba console …`.
#[derive(Debug, Subcommand)]
pub enum ConsoleAction {
    /// Add a console account (the first 站长 is made this way); the password is read from
    /// `DALABA_PASSWORD` or the first line of standard input, never from the command line.
    AddUser {
        /// Login name.
        name: String,
        /// 编辑, 审核, 站长 or 只读 (or editor, approver, manager, reader).
        #[arg(long)]
        role: String,
    },
}

/// `dalaba box …`.
#[derive(Debug, Subcommand)]
pub enum BoxAction {
    /// One round: fetch the manifest and programs, send the as-run outbox.
    Sync {
        /// The hub's URL.
        #[arg(long)]
        hub: String,
        /// The credential printed by `dalaba hub enroll` (prefer the environment variable).
        #[arg(long, env = "DALABA_CREDENTIAL", hide_env_values = true)]
        credential: String,
        /// Trust only this CA certificate (PEM) for the hub: its private CA, or its
        /// self-signed certificate.
        #[arg(long, env = "DALABA_HUB_CA", value_name = "PEM")]
        hub_ca: Option<PathBuf>,
    },
    /// Run the box: sync every `--every` seconds, keep the alert stream open, and air what
    /// the hub's manifest lists at its time, whether or not the link is up.
    Run {
        /// The hub's URL.
        #[arg(long)]
        hub: String,
        /// The credential printed by `dalaba hub enroll` (prefer the environment variable).
        #[arg(long, env = "DALABA_CREDENTIAL", hide_env_values = true)]
        credential: String,
        /// Trust only this CA certificate (PEM) for the hub: its private CA, or its
        /// self-signed certificate.
        #[arg(long, env = "DALABA_HUB_CA", value_name = "PEM")]
        hub_ca: Option<PathBuf>,
        /// Seconds between syncs.
        #[arg(long, default_value_t = 30)]
        every: u64,
        /// Run as if it were this time (RFC 3339); only on a rehearsal station.
        #[arg(long)]
        now: Option<String>,
    },
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
