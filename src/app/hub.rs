//! `dalaba hub …` and `dalaba box sync`: enrol and revoke boxes, publish programs, serve the
//! API, and one sync round of a box. The hub keeps its own database in
//! `state/hub.sqlite` and its programs in `state/hub-programs/`; a box keeps its files in
//! `box/`. \[glue\]

use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use crate::hub::publish::{Issue, PlannedAiring};
use crate::hub::server::HubState;
use crate::hub::store::{HubStore, SqliteHubStore};
use crate::protocol::{BoxId, Credential, Health};
use crate::station::Station;
use crate::village_box::BoxClient;

fn store(station: &Station) -> anyhow::Result<SqliteHubStore> {
    SqliteHubStore::open(&station.state_dir().join("hub.sqlite"))
}

fn programs_dir(station: &Station) -> std::path::PathBuf {
    station.state_dir().join("hub-programs")
}

fn timezone(station: &Station) -> anyhow::Result<TimeZone> {
    let name = &station.settings.timezone;
    TimeZone::get(name)
        .with_context(|| format!("`timezone = {name:?}` in dalaba.toml is not a known time zone"))
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
    let box_id: BoxId = id_text.parse().with_context(|| {
        format!(
            "box `{}` needs a plain id: add `--id zhangjiacun` (lowercase letters, digits, `-`)",
            name.escape_debug()
        )
    })?;
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
        println!(
            "已登记 {} ({box_id})，片区：{}",
            name.escape_debug(),
            zones.join("、").escape_debug()
        );
        println!("在村里的喇叭箱上运行（密钥只显示这一次，请妥善保管）：");
        println!("{command}");
    }
    Ok(())
}

/// `dalaba hub revoke BOX_ID`.
pub fn revoke(station: &Station, box_id: &str) -> anyhow::Result<()> {
    let id: BoxId = box_id.parse()?;
    anyhow::ensure!(
        store(station)?.revoke(&id)?,
        "box `{id}` is not enrolled at this hub (see `dalaba hub enroll`)"
    );
    println!("已吊销 {id}：它的密钥立即失效");
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
        .with_context(|| format!("`--at {at}` is not RFC 3339 with an offset"))?;
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

/// `dalaba hub serve --listen ADDR`: prints the bound address, serves until Ctrl-C/SIGTERM.
pub fn serve(station: &Station, listen: &str) -> anyhow::Result<()> {
    let store: Arc<dyn HubStore> = Arc::new(store(station)?);
    let state = HubState::new(
        store,
        programs_dir(station),
        Arc::new(Timestamp::now),
        timezone(station)?,
    );
    super::runtime()?.block_on(async {
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .with_context(|| format!("cannot listen on `{listen}`"))?;
        println!("hub: listening on http://{}", listener.local_addr()?);
        let shutdown = async {
            let mut term =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
            let term = async move {
                match term.as_mut() {
                    Some(t) => t.recv().await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! { _ = tokio::signal::ctrl_c() => {}, _ = term => {} }
        };
        crate::hub::server::serve(listener, state, shutdown)
            .await
            .context("hub server failed")
    })
}

/// `dalaba box sync --hub URL`: one round: manifest, programs, report.
pub fn box_sync(station: &Station, hub: &str, credential: &str) -> anyhow::Result<()> {
    let credential = Credential::parse(credential)?;
    let mut client = BoxClient::new(hub, credential, station.root.clone())?;
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
        println!("manifest: {poll:?}; programs fetched: {fetched}; ready airings: {}; as-run rows sent: {sent}", client.ready()?.len());
        Ok(())
    })
}
