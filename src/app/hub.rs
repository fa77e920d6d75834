//! `dalaba hub …` and `dalaba box sync`: enrol and revoke boxes, publish programs, serve the
//! API, and one sync round of a box. The hub keeps its own database in
//! `state/hub.sqlite` and its programs in `state/hub-programs/`; a box keeps its files in
//! `box/`. \[glue\]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use crate::hub::alerts::AlertsConfig;
use crate::hub::publish::{Issue, PlannedAiring};
use crate::hub::server::HubState;
use crate::hub::store::{HubStore, SqliteHubStore};
use crate::protocol::{BoxId, Credential, Health};
use crate::station::Station;
use crate::village_box::BoxClient;

pub(super) fn store(station: &Station) -> anyhow::Result<SqliteHubStore> {
    SqliteHubStore::open(&station.state_dir().join("hub.sqlite"))
}

pub(super) fn programs_dir(station: &Station) -> std::path::PathBuf {
    station.state_dir().join("hub-programs")
}

pub(super) fn timezone(station: &Station) -> anyhow::Result<TimeZone> {
    let name = &station.settings.timezone;
    TimeZone::get(name).with_context(|| crate::t!("error-bad-timezone", name = format!("{name:?}")))
}

/// `dalaba hub enroll NAME --zone Z…`: prints the credential once.
pub fn enroll(
    station: &Station,
    name: &str,
    id: Option<&str>,
    zones: &[String],
    hub_url: &str,
    json: bool,
) -> anyhow::Result<()> {
    let id_text = id.unwrap_or(name);
    let box_id: BoxId = id_text
        .parse()
        .with_context(|| crate::t!("hub-needs-id", name = name.escape_debug().to_string()))?;
    let credential = crate::hub::enroll(&store(station)?, box_id.clone(), name, zones)?;
    let command = format!(
        "DALABA_CREDENTIAL={} dalaba box sync --hub {hub_url}",
        credential.reveal()
    );
    if json {
        let out = serde_json::json!({ "box_id": box_id, "name": name, "zones": zones,
            "credential": credential.reveal(), "command": command });
        println!("{out}");
    } else {
        let zones = zones.join(&crate::t!("list-separator"));
        let enrolled = crate::t!(
            "hub-enrolled",
            name = name.escape_debug().to_string(),
            id = box_id.to_string(),
            zones = zones.escape_debug().to_string()
        );
        println!("{enrolled}");
        println!("{}", crate::t!("hub-enroll-command"));
        println!("{command}");
    }
    Ok(())
}

/// `dalaba hub revoke BOX_ID`.
pub fn revoke(station: &Station, box_id: &str) -> anyhow::Result<()> {
    let id: BoxId = box_id.parse()?;
    anyhow::ensure!(
        store(station)?.revoke(&id)?,
        crate::t!("hub-not-enrolled", id = id.to_string(), see = "enroll")
    );
    println!("{}", crate::t!("hub-revoked", id = id.to_string()));
    Ok(())
}

/// `dalaba hub publish`: one program file for one slot time, to zones; writes every box's
/// manifest anew. (The engine's planner takes this over later.)
pub fn publish(
    station: &Station,
    program: &Path,
    slot: &str,
    at: &str,
    zones: &[String],
    catch_up_minutes: u32,
) -> anyhow::Result<()> {
    let at: Timestamp = at
        .parse()
        .with_context(|| crate::t!("error-bad-at", at = at.escape_debug().to_string()))?;
    let store = store(station)?;
    let airing = PlannedAiring {
        slot: slot.to_owned(),
        at,
        catch_up_minutes,
        program: program.to_owned(),
        scripts: Vec::new(),
        zones: zones.to_vec(),
    };
    let issue = Issue {
        now: Timestamp::now(),
        tz: timezone(station)?,
        validity: SignedDuration::from_hours(24 * 7),
    };
    for (id, version) in
        crate::hub::publish::publish(&store, &programs_dir(station), &[airing], &issue)?
    {
        println!("{id}\tv{version}");
    }
    Ok(())
}

/// The station's `alerts.toml`, when it has one.
fn alerts_config(station: &Station) -> anyhow::Result<Option<AlertsConfig>> {
    let path = station.root.join("alerts.toml");
    if !path.exists() {
        return Ok(None);
    }
    let config = AlertsConfig::load(&path, &|var| std::env::var(var).ok())?;
    tracing::info!("hub: alerts go to {} group chat(s)", config.sinks.len());
    Ok(Some(config))
}

/// Plain HTTP only where no credential crosses a network: a loopback `listen` address.
fn check_plain_http(listen: &str) -> anyhow::Result<()> {
    refuse_plain_http_off_loopback(
        "--listen",
        listen,
        "0.0.0.0:8443",
        "box credentials and programs would cross it unencrypted. Give the hub its certificate \
         with `--tls-cert hub.pem --tls-key hub-key.pem` (DALABA_TLS_CERT and DALABA_TLS_KEY \
         in /etc/dalaba/hub.env)",
    )
}

/// Refuses to serve plain HTTP on `listen` (given as `flag`) unless every address it names
/// is loopback; `exposed` says what would cross the network and how to give it TLS.
fn refuse_plain_http_off_loopback(
    flag: &str,
    listen: &str,
    example: &str,
    exposed: &str,
) -> anyhow::Result<()> {
    use std::net::ToSocketAddrs;
    let addrs: Vec<std::net::SocketAddr> = listen
        .to_socket_addrs()
        .with_context(|| {
            let listen = listen.escape_debug().to_string();
            crate::t!(
                "error-bad-address",
                flag = flag,
                listen = listen,
                example = example
            )
        })?
        .collect();
    anyhow::ensure!(
        crate::hub::tls::loopback_only(&addrs),
        "refusing plain HTTP on `{listen}`, which is reachable from the network: {exposed}, \
         or add `--behind-proxy` when a TLS reverse proxy in front terminates HTTPS"
    );
    Ok(())
}

/// Ctrl-C or SIGTERM, heard once and told to every part of a long-running command (the
/// server, the planner, the airing loop). Made inside the runtime.
#[derive(Clone)]
pub(super) struct Stop(tokio::sync::watch::Receiver<bool>);

impl Stop {
    /// Starts listening for the signals.
    pub(super) fn on_signal() -> Self {
        let (stop, stopped) = tokio::sync::watch::channel(false);
        // Handlers are installed here, not in the task: a pid file written next must
        // never meet a SIGTERM that still has its default, killing action.
        let signalled = super::tick::stop_signal();
        tokio::spawn(async move {
            signalled.await;
            let _ = stop.send(true);
        });
        Self(stopped)
    }

    /// Resolves once a signal came.
    pub(super) fn wait(&self) -> impl std::future::Future<Output = ()> + Send + 'static {
        let mut rx = self.0.clone();
        async move {
            let _ = rx.wait_for(|s| *s).await;
        }
    }
}

/// How `hub serve` plans: the horizon, and the rehearsal clock's start.
#[derive(Debug, Clone, Copy)]
pub struct PlanOptions<'a> {
    /// Hours ahead the manifests list.
    pub hours: u32,
    /// `--now` (rehearsal stations only).
    pub now: Option<&'a str>,
}

/// `dalaba hub serve --listen ADDR [--tls-cert PEM --tls-key PEM | --behind-proxy]`: prints
/// the URL it serves on, serves (and plans, when the station has slots) until
/// Ctrl-C/SIGTERM.
pub fn serve(
    station: &Station,
    listen: &str,
    tls: Option<&(PathBuf, PathBuf)>,
    behind_proxy: bool,
    plan: PlanOptions<'_>,
) -> anyhow::Result<()> {
    if tls.is_none() && !behind_proxy {
        check_plain_http(listen)?;
    }
    let store: Arc<dyn HubStore> = Arc::new(store(station)?);
    let alerts = alerts_config(station)?;
    let engine = super::hub_plan::engine(station, plan.now)
        .with_context(|| crate::t!("error-hub-planner"))?;
    let engine_clock = engine.clock.clone();
    let clock: crate::hub::server::Clock = Arc::new(move || engine_clock.now());
    let state = HubState::new(
        store.clone(),
        programs_dir(station),
        clock.clone(),
        timezone(station)?,
    );
    let console = console(station, &state, &store, tls.is_some())?;
    super::runtime()?.block_on(async {
        let (listener, tls) = bind("hub", listen, tls).await?;
        super::hub_emergency::announce_on_signal(station, state.clone())?;
        if let Some(config) = alerts {
            let every = std::time::Duration::from_secs(30);
            tokio::spawn(crate::hub::alerts::watch(
                store.clone(),
                config,
                clock,
                every,
            ));
        }
        let stop = Stop::on_signal();
        let planner = super::hub_plan::keep_planning(
            engine,
            store,
            programs_dir(station),
            plan.hours,
            std::time::Duration::from_secs(60),
            stop.wait(),
        );
        let routes = crate::hub::server::router(state).merge(console);
        let server = crate::hub::server::serve_routes(listener, tls, routes, stop.wait());
        let (served, ()) = tokio::join!(server, planner);
        let _ = std::fs::remove_file(super::hub_emergency::pid_file(station));
        served.with_context(|| crate::t!("error-hub-server"))
    })
}

/// The staff console's routes, over this station's database, the hub and the planner; its
/// cookies are `Secure` when the hub serves TLS itself (`over_tls`) or behind a TLS proxy.
pub fn console(
    station: &Station,
    state: &HubState,
    store: &Arc<dyn HubStore>,
    over_tls: bool,
) -> anyhow::Result<axum::Router> {
    let hub = crate::console::HubLink {
        state: state.clone(),
        store: store.clone(),
        programs_dir: programs_dir(station),
    };
    console_over(station, Some(hub), None, over_tls)
}

/// The console's routes over this station and, in a hub, the hub.
fn console_over(
    station: &Station,
    hub: Option<crate::console::HubLink>,
    daemon: Option<Arc<dyn crate::console::Daemon>>,
    over_tls: bool,
) -> anyhow::Result<axum::Router> {
    let edges = crate::console::ConsoleEdges {
        station: station.clone(),
        db: crate::store::StoreHandle::new(super::queue::open(station)?),
        voices: super::edges::voices(),
        hub,
        daemon,
        clock: Arc::new(Timestamp::now),
        tz: timezone(station)?,
        planner: super::plan::console_planner(station)?,
        secure_cookies: over_tls || std::env::var_os("DALABA_SECURE_COOKIES").is_some(),
    };
    Ok(crate::console::router(crate::console::Console::new(edges)))
}

/// Where `dalaba run --console ADDR` serves the console of a village that runs alone.
#[derive(Debug, Clone, PartialEq)]
pub struct ConsoleServe {
    /// The address.
    pub listen: String,
    /// `(certificate, key)` PEM files: serve HTTPS.
    pub tls: Option<(PathBuf, PathBuf)>,
    /// Plain HTTP off loopback is allowed: a TLS reverse proxy is in front.
    pub behind_proxy: bool,
}

impl ConsoleServe {
    /// `--console ADDR`, with `--tls-cert`/`--tls-key` paired and `--behind-proxy`.
    pub fn new(listen: String, tls: Option<(PathBuf, PathBuf)>, behind_proxy: bool) -> Self {
        Self {
            listen,
            tls,
            behind_proxy,
        }
    }
}

/// The console of a lone station, under the rules of `hub serve`: plain HTTP only on
/// loopback unless TLS or `--behind-proxy`. Checked and built before the daemon starts.
pub(super) fn lone_console(
    station: &Station,
    serve: &ConsoleServe,
) -> anyhow::Result<axum::Router> {
    if serve.tls.is_none() && !serve.behind_proxy {
        refuse_plain_http_off_loopback(
            "--console",
            &serve.listen,
            "127.0.0.1:8080",
            "console passwords and session cookies would cross it unencrypted. Give the \
             console a certificate with `--tls-cert console.pem --tls-key console-key.pem`",
        )?;
    }
    let daemon = Arc::new(super::run::LoneDaemon(station.clone()));
    console_over(station, None, Some(daemon), serve.tls.is_some())
}

/// Binds `listen` (and loads the certificate of `tls`) and prints the URL it serves as
/// `what: listening on URL`: done before anything is served or aired, so a bad address or
/// certificate stops the command at once.
pub(super) async fn bind(
    what: &str,
    listen: &str,
    tls: Option<&(PathBuf, PathBuf)>,
) -> anyhow::Result<(
    tokio::net::TcpListener,
    Option<axum_server::tls_rustls::RustlsConfig>,
)> {
    let tls = match tls {
        Some((cert, key)) => Some(crate::hub::tls::load(cert, key).await?),
        None => None,
    };
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| crate::t!("error-cannot-listen", listen = listen.to_string()))?;
    let scheme = if tls.is_some() { "https" } else { "http" };
    let url = format!("{scheme}://{}", listener.local_addr()?);
    println!("{}", crate::t!("listening", what = what, url = url));
    Ok((listener, tls))
}

/// `dalaba console add-user NAME --role R`: the password from `DALABA_PASSWORD` or the
/// first line of standard input.
pub fn add_user(station: &Station, name: &str, role: &str) -> anyhow::Result<()> {
    let role = crate::console::Role::parse(role)
        .with_context(|| crate::t!("console-bad-role", role = role.escape_debug().to_string()))?;
    let password = match std::env::var("DALABA_PASSWORD") {
        Ok(p) => p,
        Err(_) => {
            let mut line = String::new();
            std::io::stdin()
                .read_line(&mut line)
                .with_context(|| crate::t!("error-read-password"))?;
            line.trim_end_matches(['\r', '\n']).to_owned()
        }
    };
    let mut db = super::queue::open(station)?;
    crate::console::add_user(&mut db, name, role, &password, Timestamp::now())?;
    let added = crate::t!(
        "console-user-added",
        name = name.escape_debug().to_string(),
        role = role.to_string()
    );
    println!("{added}");
    Ok(())
}

/// `dalaba hub plan-publish`: one planning round (see [`super::hub_plan`]).
pub fn plan_publish(
    station: &Station,
    now: Option<&str>,
    hours: u32,
    json: bool,
) -> anyhow::Result<()> {
    let store = store(station)?;
    super::hub_plan::plan_publish(station, &programs_dir(station), &store, now, hours, json)
}

/// One row of `dalaba hub log --json`.
#[derive(Debug, serde::Serialize)]
struct LogRow {
    box_id: String,
    box_name: String,
    received_at: String,
    #[serde(flatten)]
    row: crate::protocol::AsRun,
}

/// `dalaba hub log [--box ID] [--json | --csv]`: every box's as-run rows, merged in time
/// order (when it started, else when the hub received it), each naming its box.
pub fn log(station: &Station, box_id: Option<&str>, json: bool, csv: bool) -> anyhow::Result<()> {
    let only: Option<BoxId> = box_id
        .map(|id| {
            id.parse()
                .with_context(|| crate::t!("error-bad-box-id", id = id.escape_debug().to_string()))
        })
        .transpose()?;
    let store = store(station)?;
    if let Some(id) = &only {
        anyhow::ensure!(
            store.boxes()?.iter().any(|b| &b.box_id == id),
            crate::t!("hub-not-enrolled", id = id.to_string(), see = "status")
        );
    }
    let mut logged = store.as_run_log(only.as_ref())?;
    let when = |r: &crate::hub::store::LoggedRow| -> Option<Timestamp> {
        r.row
            .started_at
            .as_ref()
            .map(crate::protocol::WireTime::at)
            .or_else(|| r.received_at.parse().ok())
    };
    logged.sort_by_key(when);
    if csv {
        let airings = logged.iter().map(crate::asrun::airing_of).collect();
        let tz = timezone(station)?;
        print!("{}", super::log_csv(airings, &tz, crate::cli::CsvLang::Zh));
        return Ok(());
    }
    let rows: Vec<LogRow> = logged
        .into_iter()
        .map(|r| LogRow {
            box_id: r.box_id.to_string(),
            box_name: r.box_name,
            received_at: r.received_at,
            row: r.row,
        })
        .collect();
    if json {
        println!("{}", serde_json::to_string_pretty(&rows)?);
    } else if rows.is_empty() {
        println!("{}", crate::t!("hub-log-none"));
    } else {
        rows.iter().for_each(|r| println!("{}", log_line(r)));
    }
    Ok(())
}

/// The line a clerk reads for one as-run row; every reported string escaped.
fn log_line(r: &LogRow) -> String {
    use super::escape::line;
    let state = crate::t!(match r.row.state {
        crate::protocol::AsRunState::Waiting => "asrun-waiting",
        crate::protocol::AsRunState::Playing => "asrun-playing",
        crate::protocol::AsRunState::Succeeded => "asrun-succeeded",
        crate::protocol::AsRunState::Failed => "asrun-failed",
        crate::protocol::AsRunState::Cancelled => "asrun-cancelled",
    });
    let started = r
        .row
        .started_at
        .as_ref()
        .map_or_else(|| "—".to_owned(), |t| line(&t.to_string()).into_owned());
    let reason = r
        .row
        .reason
        .as_deref()
        .map(|why| {
            let why = crate::i18n::reason_in(crate::i18n::lang(), why);
            crate::t!("hub-log-reason", reason = line(&why).into_owned())
        })
        .unwrap_or_default();
    let titles = if r.row.titles.is_empty() {
        String::new()
    } else {
        format!("  「{}」", line(&r.row.titles.join("」「")))
    };
    let duration = r
        .row
        .duration_secs
        .map(|d| crate::t!("hub-log-duration", seconds = format!("{d:.1}")))
        .unwrap_or_default();
    crate::t!(
        "hub-log-line",
        started = started,
        name = line(&r.box_name).into_owned(),
        id = r.box_id.to_string(),
        airing = line(&r.row.airing_id).into_owned(),
        titles = titles,
        state = state,
        duration = duration,
        reason = reason
    )
}

/// `dalaba box sync --hub URL [--hub-ca PEM]`: one round: manifest, programs, report.
pub fn box_sync(
    station: &Station,
    hub: &str,
    credential: &str,
    hub_ca: Option<&Path>,
) -> anyhow::Result<()> {
    let credential = Credential::parse(credential)?;
    let mut client = BoxClient::with_hub_ca(hub, credential, station.root.clone(), hub_ca)?;
    super::runtime()?.block_on(async {
        let poll = client.poll_manifest(Timestamp::now()).await?;
        let fetched = client.fetch_programs().await?;
        let health = Health {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            clock_offset_ms: 0,
            device: "unknown".to_owned(),
            disk_free_bytes: None,
            on_air: None,
            manifest_expired: false,
            refused: Vec::new(),
        };
        let sent = client.report(health, Timestamp::now()).await?;
        let synced = crate::t!(
            "box-synced",
            manifest = format!("{poll:?}"),
            fetched = fetched,
            ready = client.ready()?.len(),
            sent = sent
        );
        println!("{synced}");
        Ok(())
    })
}

/// A box counts as online when its last report is at most this old (four 30 s polls).
const ONLINE_WITHIN: SignedDuration = SignedDuration::from_mins(2);

/// One box in `dalaba hub status --json`.
#[derive(Debug, serde::Serialize)]
struct StatusRow {
    box_id: String,
    name: String,
    zones: Vec<String>,
    revoked: bool,
    online: bool,
    last_contact: Option<String>,
    last_airing: Option<crate::protocol::AsRun>,
    device: Option<String>,
    clock_offset_ms: Option<i64>,
    disk_free_bytes: Option<u64>,
    version: Option<String>,
}

fn status_row(status: crate::hub::store::BoxStatus, now: Timestamp) -> StatusRow {
    let seen: Option<Timestamp> = status.last_contact.as_deref().and_then(|t| t.parse().ok());
    let health = status.health;
    StatusRow {
        box_id: status.record.box_id.to_string(),
        name: status.record.name,
        zones: status.record.zones,
        revoked: status.record.revoked,
        online: seen.is_some_and(|t| now.duration_since(t) <= ONLINE_WITHIN),
        last_contact: status.last_contact,
        last_airing: status.last_airing,
        device: health.as_ref().map(|h| h.device.clone()),
        clock_offset_ms: health.as_ref().map(|h| h.clock_offset_ms),
        disk_free_bytes: health.as_ref().and_then(|h| h.disk_free_bytes),
        version: health.map(|h| h.version),
    }
}

/// The Chinese line a clerk reads for one box; every reported string escaped.
fn status_line(row: &StatusRow) -> String {
    use super::escape::line;
    let or_dash = |s: &Option<String>| s.as_deref().map_or("—".into(), |s| line(s).into_owned());
    let contact = match (&row.last_contact, row.online, row.revoked) {
        (_, _, true) => crate::t!("hub-box-revoked"),
        (None, _, _) => crate::t!("hub-box-never"),
        (Some(t), true, _) => crate::t!("hub-box-online", at = line(t).into_owned()),
        (Some(t), false, _) => crate::t!("hub-box-offline", at = line(t).into_owned()),
    };
    let airing = row.last_airing.as_ref().map_or("—".to_owned(), |a| {
        let state = serde_json::to_value(a.state).ok();
        let state = state.as_ref().and_then(|v| v.as_str()).unwrap_or("?");
        format!("{} {state}", line(&a.airing_id))
    });
    let clock = row.clock_offset_ms.map_or("—".to_owned(), |ms| {
        let seconds = format!("{:+.1}", ms as f64 / 1000.0);
        crate::t!("hub-box-seconds", seconds = seconds)
    });
    let disk = row
        .disk_free_bytes
        .map_or("—".to_owned(), |b| format!("{:.1} GB", b as f64 / 1e9));
    crate::t!(
        "hub-box-line",
        name = line(&row.name).into_owned(),
        id = row.box_id.clone(),
        contact = contact,
        airing = airing,
        device = or_dash(&row.device),
        clock = clock,
        disk = disk,
        version = or_dash(&row.version)
    )
}

/// `dalaba hub status [--json]`: every box as the hub's store knows it at `now`.
pub fn status(station: &Station, json: bool, now: Timestamp) -> anyhow::Result<()> {
    let rows: Vec<StatusRow> = store(station)?
        .box_statuses()?
        .into_iter()
        .map(|s| status_row(s, now))
        .collect();
    if json {
        println!("{}", serde_json::to_string_pretty(&rows)?);
    } else if rows.is_empty() {
        println!("{}", crate::t!("hub-no-boxes"));
    } else {
        for row in &rows {
            println!("{}", status_line(row));
        }
    }
    Ok(())
}
