//! One function per subcommand. This is the only place concrete edges (backends, devices,
//! files) are built and handed to the core. \[glue\]

mod args;
mod box_run;
mod cache;
mod check;
mod edges;
mod errors;
mod escape;
mod estimate;
mod hub;
mod hub_emergency;
mod hub_plan;
mod init;
mod limits;
mod log;
mod normalize;
mod out_path;
mod plan;
mod preview;
mod queue;
mod render;
mod run;
mod script;
mod tick;
mod voices;

use std::path::{Path, PathBuf};

use anyhow::Context;

pub use args::parse_args;
pub use hub::console as console_router;
pub use log::csv_text as log_csv;

use crate::article::{self, Article};
use crate::cli::{Args, Command};
use crate::station::Station;

/// Exit code for failures the user can fix (bad input, dead server, …).
pub const EXIT_FAILURE: i32 = 1;
/// Exit code when the program was made but there is no sound device to play it on.
pub const EXIT_NO_DEVICE: i32 = 3;

/// Sets up logging to stderr; `verbose` raises the level.
pub fn init_tracing(verbose: u8) {
    let level = match verbose {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("DALABA_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .without_time()
        .try_init();
}

/// Stops quietly when stdout's reader has gone (`dalaba add FILE | head -1`), as Unix
/// tools do. Rust ignores SIGPIPE, so `println!` panics instead; resetting SIGPIPE would
/// also make a TTS server that drops a connection kill the daemon, so the panic is caught
/// here. Every other panic is reported as usual.
pub fn quiet_broken_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .unwrap_or_default();
        if message.starts_with("failed printing to stdout") && message.contains("Broken pipe") {
            std::process::exit(0);
        }
        default(info);
    }));
}

/// Runs one command; on failure prints one plain line to stderr and returns the exit code.
pub fn run(args: Args) -> Result<(), i32> {
    dispatch(args).map_err(|err| {
        let message = escape::line(&errors::localized(&err)).into_owned();
        eprintln!("{}", crate::t!("error-line", message = message));
        let no_device = err.chain().any(|c| {
            matches!(
                c.downcast_ref(),
                Some(crate::player::PlayError::NoDevice(_))
            )
        });
        if no_device {
            EXIT_NO_DEVICE
        } else {
            EXIT_FAILURE
        }
    })
}

fn dispatch(args: Args) -> anyhow::Result<()> {
    let station = || Station::open(&args.station).inspect(restrict_new_files);
    match args.command {
        Command::Render {
            files,
            out,
            voice,
            repeat,
        } => render::run(&station()?, &files, &out, voice.as_deref(), repeat),
        Command::Preview {
            files,
            voice,
            repeat,
            out,
            device,
        } => preview::run(
            &station()?,
            &files,
            voice.as_deref(),
            repeat,
            out.as_deref(),
            device,
        ),
        Command::Script {
            file,
            json,
            pinyin,
            keep_line,
            drop_line,
        } => script::run(&station()?, &file, json, pinyin, keep_line, drop_line),
        Command::Normalize { no_lexicon } => normalize::run(&station()?, no_lexicon),
        Command::Voices { action: None } => voices::list(&station()?),
        Command::Voices {
            action: Some(crate::cli::VoicesAction::Test { name, out, device }),
        } => voices::test(&station()?, &name, out.as_deref(), device),
        Command::Cache { action } => cache::run(&station()?, action),
        Command::Devices => voices::devices(),
        Command::Add {
            file,
            queue,
            from,
            until,
            priority,
        } => queue::add(&station()?, &file, queue, from, until, priority),
        Command::List {
            status,
            queue,
            json,
        } => queue::list(&station()?, status, queue, json),
        Command::Show { id } => queue::show(&station()?, id),
        Command::Approve { id, by, script } => {
            queue::approve(&station()?, id, &by, script.as_deref())
        }
        Command::Reject { id, by, reason } => queue::reject(&station()?, id, &by, &reason),
        Command::Withdraw { id } => queue::withdraw(&station()?, id),
        Command::Update { id, file } => queue::update(&station()?, id, &file),
        Command::Plan {
            hours,
            now,
            json,
            zone,
        } => plan::run(&station()?, hours, now.as_deref(), json, zone.as_deref()),
        Command::Tick { now } => tick::run(&station()?, now.as_deref()),
        Command::Run {
            console,
            tls_cert,
            tls_key,
            behind_proxy,
        } => {
            let tls = tls_cert.zip(tls_key);
            let console = console.map(|listen| hub::ConsoleServe::new(listen, tls, behind_proxy));
            run::daemon(&station()?, console.as_ref())
        }
        Command::PlayNow { id, emergency, by } => {
            run::play_now(&station()?, id, emergency, by.as_deref())
        }
        Command::Log {
            since,
            until,
            csv,
            csv_lang,
            json,
        } => {
            let view = log::View::chosen(csv.then_some(csv_lang), json);
            log::run(&station()?, since.as_deref(), until.as_deref(), view)
        }
        Command::Check => check::run(&station()?),
        Command::Init { dir } => init::run(dir.as_deref().unwrap_or(&args.station)),
        Command::Hub { action } => hub_command(&station()?, action),
        Command::Console {
            action: crate::cli::ConsoleAction::AddUser { name, role },
        } => hub::add_user(&station()?, &name, &role),
        Command::Box { action } => box_command(&station()?, action),
    }
}

fn box_command(station: &Station, action: crate::cli::BoxAction) -> anyhow::Result<()> {
    use crate::cli::BoxAction;
    match action {
        BoxAction::Sync {
            hub,
            credential,
            hub_ca,
        } => hub::box_sync(station, &hub, &credential, hub_ca.as_deref()),
        BoxAction::Run {
            hub,
            credential,
            hub_ca,
            every,
            now,
        } => box_run::run(
            station,
            &hub,
            &credential,
            hub_ca.as_deref(),
            every,
            now.as_deref(),
        ),
    }
}

fn hub_command(station: &Station, action: crate::cli::HubAction) -> anyhow::Result<()> {
    use crate::cli::HubAction;
    match action {
        HubAction::Enroll {
            name,
            id,
            zone,
            hub_url,
            json,
        } => hub::enroll(station, &name, id.as_deref(), &zone, &hub_url, json),
        HubAction::Revoke { box_id } => hub::revoke(station, &box_id),
        HubAction::Status { json } => hub::status(station, json, jiff::Timestamp::now()),
        HubAction::Publish {
            program,
            slot,
            at,
            zone,
            catch_up_minutes,
        } => hub::publish(station, &program, &slot, &at, &zone, catch_up_minutes),
        HubAction::Serve {
            listen,
            tls_cert,
            tls_key,
            behind_proxy,
            hours,
            now,
        } => {
            let tls = tls_cert.zip(tls_key);
            let plan = hub::PlanOptions {
                hours,
                now: now.as_deref(),
            };
            hub::serve(station, &listen, tls.as_ref(), behind_proxy, plan)
        }
        HubAction::Emergency {
            program,
            text,
            zone,
            reason,
            by,
            severity,
            minutes,
            repeat,
            json,
        } => hub_emergency::emergency(
            station,
            &hub_emergency::Order {
                program,
                text,
                zones: zone,
                reason,
                by,
                severity,
                minutes,
                repeat,
            },
            json,
        ),
        HubAction::Cancel { alert_id, by } => hub_emergency::cancel(station, &alert_id, &by),
        HubAction::PlanPublish { now, hours, json } => {
            hub::plan_publish(station, now.as_deref(), hours, json)
        }
        HubAction::Log { box_id, json, csv } => hub::log(station, box_id.as_deref(), json, csv),
    }
}

/// Everything this process creates gets the station's `state_mode` permissions (0700/0600
/// by default): the umask is the one setting that also covers SQLite's WAL files and the
/// cache, whoever creates them.
fn restrict_new_files(station: &Station) {
    let mask = station.settings.state_mode.umask();
    rustix::process::umask(rustix::fs::Mode::from_raw_mode(mask));
}

/// Reads and parses an article file.
pub fn load_article(path: &Path) -> anyhow::Result<Article> {
    let text = read_article_text(path)?;
    let parsed = article::parse(path, &text)?;
    limits::check_article(path, &text, &parsed)?;
    Ok(parsed)
}

/// An article file's text (UTF-8 or GBK), refused by size before it is read.
pub(super) fn read_article_text(path: &Path) -> anyhow::Result<String> {
    limits::check_size(path)?;
    let bytes = std::fs::read(path)
        .with_context(|| crate::t!("error-cannot-read", path = path.display().to_string()))?;
    Ok(article::decode(path, &bytes)?)
}

/// An article from a file, or from the queue when `arg` is the id of a stored article and
/// no file of that name exists (`dalaba preview 3`).
pub fn load_article_or_id(station: &Station, arg: &Path) -> anyhow::Result<Article> {
    load_article_with(station, arg, &article::LineChoices::default())
}

/// [`load_article_or_id`] with the approver's line choices applied on top of the article's.
pub fn load_article_with(
    station: &Station,
    arg: &Path,
    choices: &article::LineChoices,
) -> anyhow::Result<Article> {
    let (name, text) = if !arg.exists()
        && let Some(id) = arg.to_str().and_then(|s| s.parse::<i64>().ok())
    {
        let row = queue::open(station)?.article(id)?;
        (PathBuf::from(row.data.source_name), row.data.source)
    } else {
        (arg.to_owned(), read_article_text(arg)?)
    };
    let parsed = article::parse_with(&name, &text, choices)?;
    limits::check_article(&name, &text, &parsed)?;
    Ok(parsed)
}

/// A tokio runtime for the commands that talk to servers.
fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}
