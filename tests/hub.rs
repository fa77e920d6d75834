//! The hub and a village box over real HTTP on 127.0.0.1, with a real SQLite file:
//! enrol → manifest → resumable verified downloads → refusals → reports → alerts.

use std::path::Path;
use std::sync::Arc;

use dalaba::hub::enroll;
use dalaba::hub::publish::{Issue, PlannedAiring, publish};
use dalaba::hub::server::{HubState, serve};
use dalaba::hub::store::{HubStore, SqliteHubStore};
use dalaba::protocol::{
    Alert, AsRun, AsRunState, Credential, Digest, Health, MsgType, Refusal, Severity, WireTime,
};
use dalaba::village_box::{BoxClient, BoxError, ManifestPoll};
use jiff::tz::{Offset, TimeZone};
use jiff::{SignedDuration, Timestamp};

const NOW: &str = "2026-12-01T22:30:00Z"; // 06:30 in 石庙镇

fn now() -> Timestamp {
    NOW.parse().unwrap()
}

fn beijing() -> TimeZone {
    TimeZone::get("Asia/Shanghai").unwrap()
}

/// A short WAV whose content depends on `seed`.
pub(crate) fn program_wav(path: &Path, seed: u32, seconds: u32) {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: 8000,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(path, spec).unwrap();
    for i in 0..8000 * seconds {
        w.write_sample(((i * seed) % 2000) as i16 - 1000).unwrap();
    }
    w.finalize().unwrap();
}

fn airing(slot: &str, minutes: i64, program: &Path, zones: &[&str]) -> PlannedAiring {
    PlannedAiring {
        slot: slot.into(),
        at: now() + SignedDuration::from_mins(minutes),
        catch_up_minutes: 10,
        program: program.to_owned(),
        scripts: vec![],
        zones: zones.iter().map(|z| z.to_string()).collect(),
    }
}

fn health() -> Health {
    Health {
        version: "test".into(),
        device: "present".into(),
        ..Health::default()
    }
}

fn alert(id: &str, zones: &[&str]) -> Alert {
    let t = |s: &str| WireTime::new(s.parse().unwrap(), Offset::from_hours(8).unwrap());
    Alert {
        protocol: 1,
        alert_id: id.into(),
        msg_type: MsgType::Request,
        severity: Severity::Level(2),
        event_type: "11B03".into(),
        title: "暴雪橙色预警".into(),
        sender: "石庙镇人民政府".into(),
        sent_at: t(NOW),
        start: t(NOW),
        end: t("2026-12-02T10:00:00Z"),
        area_codes: vec![],
        zones: zones.iter().map(|z| z.to_string()).collect(),
        repeat: 1,
        operator: "李站长".into(),
        program: None,
    }
}

fn row(id: &str) -> AsRun {
    AsRun {
        airing_id: id.into(),
        state: AsRunState::Succeeded,
        started_at: None,
        ended_at: None,
        program_digest: None,
        voice: None,
        reason: None,
        titles: Vec::new(),
        duration_secs: None,
    }
}

/// A hub serving on 127.0.0.1 and one box's client, as the phases below share them.
struct Scene {
    hub_dir: tempfile::TempDir,
    box_dir: tempfile::TempDir,
    db: std::path::PathBuf,
    store: Arc<dyn HubStore>,
    cred: Credential,
    west: Credential,
    programs_dir: std::path::PathBuf,
    issue: Issue,
    plan: Vec<PlannedAiring>,
    state: HubState,
    url: String,
    client: BoxClient,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
}

async fn start() -> Scene {
    let hub_dir = tempfile::tempdir().unwrap();
    let box_dir = tempfile::tempdir().unwrap();
    let db = hub_dir.path().join("state/hub.sqlite");
    let store: Arc<dyn HubStore> = Arc::new(SqliteHubStore::open(&db).unwrap());
    let cred = enroll(
        &*store,
        "zhangjiacun".parse().unwrap(),
        "张家村",
        &["东片".into(), "全镇".into()],
    )
    .unwrap();
    let west = enroll(
        &*store,
        "lijiazhuang".parse().unwrap(),
        "李家庄",
        &["西片".into(), "全镇".into()],
    )
    .unwrap();

    // Two programs; the 东片 slot and the 全镇 slot share the first, so it is stored once.
    let (p1, p2) = (hub_dir.path().join("p1.wav"), hub_dir.path().join("p2.wav"));
    program_wav(&p1, 7, 2);
    program_wav(&p2, 11, 1);
    let programs_dir = hub_dir.path().join("state/programs");
    let issue = Issue {
        now: now(),
        tz: beijing(),
        validity: SignedDuration::from_hours(24 * 7),
    };
    let plan = vec![
        airing("morning", 30, &p1, &["东片"]),
        airing("noon", 300, &p1, &["全镇"]),
        airing("west", 60, &p2, &["西片"]),
    ];
    let versions = publish(&*store, &programs_dir, &plan, &issue).unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(
        std::fs::read_dir(&programs_dir).unwrap().count(),
        2,
        "each distinct program stored once"
    );

    let state = HubState::new(
        store.clone(),
        programs_dir.clone(),
        Arc::new(now),
        beijing(),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(serve(listener, state.clone(), std::future::pending()));

    let client = BoxClient::new(&url, cred.clone(), box_dir.path().to_owned()).unwrap();
    Scene {
        hub_dir,
        box_dir,
        db,
        store,
        cred,
        west,
        programs_dir,
        issue,
        plan,
        state,
        url,
        client,
        server,
    }
}

async fn manifest_and_downloads(s: &mut Scene) {
    let p1 = s.hub_dir.path().join("p1.wav");
    let (url, cred, state, client) = (&s.url, &s.cred, &s.state, &mut s.client);
    // Manifest, then 304.
    assert_eq!(
        client.poll_manifest(now()).await.unwrap(),
        ManifestPoll::Updated(1)
    );
    assert_eq!(
        client.poll_manifest(now()).await.unwrap(),
        ManifestPoll::Unchanged
    );
    let manifest = client.held().unwrap().unwrap();
    assert_eq!(manifest.airings.len(), 2, "东片 + 全镇, not 西片");
    assert_eq!(manifest.programs().len(), 1);
    assert_eq!(
        manifest.airings[0].at.to_string(),
        "2026-12-02T07:00:00+08:00"
    );
    let program = manifest.programs()[0].clone();
    let original = std::fs::read(&p1).unwrap();
    assert_eq!(program.digest, Digest::of(&original));
    assert!(
        client.ready().unwrap().is_empty(),
        "nothing is ready before its program is"
    );

    // A download cut half-way (the first half only, as a dropped link leaves it) …
    let half = program.size / 2;
    let cut = reqwest::Client::new()
        .get(format!("{url}/api/v1/programs/{}", program.digest))
        .bearer_auth(cred.reveal())
        .header("range", format!("bytes=0-{}", half - 1))
        .send()
        .await
        .unwrap();
    assert_eq!(cut.status(), 206);
    let target = client.program_path(&program.digest);
    std::fs::create_dir_all(target.parent().unwrap()).unwrap();
    std::fs::write(
        target.with_extension("wav.part"),
        cut.bytes().await.unwrap(),
    )
    .unwrap();
    // … resumes with Range: the hub sends only the rest, and the result matches the digest.
    assert_eq!(client.fetch_programs().await.unwrap(), 1);
    assert_eq!(
        state.program_bytes_served(),
        program.size,
        "the program crossed the link once"
    );
    assert_eq!(std::fs::read(&target).unwrap(), original);
    assert_eq!(client.ready().unwrap().len(), 2);
    assert_eq!(
        client.fetch_programs().await.unwrap(),
        0,
        "a verified program is not fetched again"
    );

    // A tampered program is deleted and fetched again.
    let mut bytes = original.clone();
    bytes[100] ^= 0xff;
    std::fs::write(&target, &bytes).unwrap();
    assert_eq!(client.fetch_programs().await.unwrap(), 1);
    assert_eq!(std::fs::read(&target).unwrap(), original);
    // A tampered half-download is refused too, and fetched again whole.
    std::fs::remove_file(&target).unwrap();
    std::fs::write(target.with_extension("wav.part"), &bytes[..half as usize]).unwrap();
    assert_eq!(client.fetch_programs().await.unwrap(), 1);
    assert_eq!(std::fs::read(&target).unwrap(), original);
}

async fn rollback_is_refused(s: &mut Scene) {
    let (store, cred, programs_dir, plan, issue, db, client) = (
        &*s.store,
        &s.cred,
        &s.programs_dir,
        &s.plan,
        &s.issue,
        &s.db,
        &mut s.client,
    );
    // A newer manifest is taken; an older one (a hub restored from a backup) is refused.
    let (_, v1_json) = store.manifest(cred.box_id()).unwrap().unwrap();
    publish(store, programs_dir, &plan[..1], issue).unwrap();
    assert_eq!(
        client.poll_manifest(now()).await.unwrap(),
        ManifestPoll::Updated(2)
    );
    rusqlite::Connection::open(db)
        .unwrap()
        .execute(
            "UPDATE hub_manifest SET version = 1, json = ?1 WHERE box_id = 'zhangjiacun'",
            [&v1_json],
        )
        .unwrap();
    let err = client.poll_manifest(now()).await.unwrap_err();
    assert!(
        matches!(
            err.downcast_ref::<BoxError>(),
            Some(BoxError::Refused(Refusal::Rollback {
                held: 2,
                offered: 1
            }))
        ),
        "{err:#}"
    );
    assert_eq!(
        client.held().unwrap().unwrap().version,
        2,
        "the held manifest stays"
    );
}

async fn reports_arrive_once(s: &mut Scene) {
    let (store, cred, client) = (&*s.store, &s.cred, &mut s.client);
    // Reports: accepted once, not duplicated by a retry; the refusals travel in the health.
    let outbox = client.outbox();
    outbox
        .push(&row("morning@2026-12-02T07:00:00+08:00"))
        .unwrap();
    outbox.push(&row("noon@2026-12-02T11:30:00+08:00")).unwrap();
    assert_eq!(client.report(health(), now()).await.unwrap(), 2);
    assert!(
        outbox.pending().unwrap().is_empty(),
        "accepted rows leave the outbox"
    );
    outbox
        .push(&row("morning@2026-12-02T07:00:00+08:00"))
        .unwrap(); // a retry after a crash
    assert_eq!(client.report(health(), now()).await.unwrap(), 1);
    assert_eq!(
        store.as_run(cred.box_id()).unwrap().len(),
        2,
        "no duplicate row"
    );
}

async fn alerts_reach_the_box(s: &mut Scene) {
    let (state, client) = (&s.state, &s.client);
    // Alerts: a pushed alert reaches the subscribed box; after a cut, the box reconnects
    // with Last-Event-ID and gets only what it missed, for its own zones.
    let mut alerts = client.alerts();
    let (got, seq) = tokio::join!(alerts.next(), async {
        state.push_alert(&alert("e-1", &["全镇"])).unwrap()
    });
    assert_eq!(got.unwrap().alert_id, "e-1");
    assert_eq!(alerts.last_event_id(), Some(seq.to_string().as_str()));
    alerts.disconnect();
    state.push_alert(&alert("e-2", &["西片"])).unwrap();
    state.push_alert(&alert("e-3", &["东片"])).unwrap();
    assert_eq!(alerts.next().await.unwrap().alert_id, "e-3");
    drop(alerts);
}

async fn bad_credentials_get_401(s: Scene) {
    let Scene {
        store,
        cred,
        west,
        url,
        box_dir,
        server,
        ..
    } = s;
    // Revoked, unknown and wrong credentials get 401.
    assert!(store.revoke(cred.box_id()).unwrap());
    for bad in [
        cred.clone(),
        Credential::new("nobody".parse().unwrap(), [1; 32]),
        Credential::new("lijiazhuang".parse().unwrap(), [1; 32]),
    ] {
        let mut c = BoxClient::new(&url, bad.clone(), box_dir.path().to_owned()).unwrap();
        let err = c.poll_manifest(now()).await.unwrap_err();
        assert!(
            matches!(
                err.downcast_ref::<BoxError>(),
                Some(BoxError::Unauthorized { .. })
            ),
            "{bad:?}: {err:#}"
        );
    }
    let mut ok =
        BoxClient::new(&url, west, tempfile::tempdir().unwrap().path().to_owned()).unwrap();
    assert!(
        matches!(
            ok.poll_manifest(now()).await.unwrap(),
            ManifestPoll::Updated(_)
        ),
        "the other box still works"
    );
    server.abort();
}

#[tokio::test]
async fn hub_and_box_over_http() {
    let mut scene = start().await;
    manifest_and_downloads(&mut scene).await;
    rollback_is_refused(&mut scene).await;
    reports_arrive_once(&mut scene).await;
    alerts_reach_the_box(&mut scene).await;
    bad_credentials_get_401(scene).await;
}

/// `dalaba hub enroll` and `dalaba hub publish` as processes: the credential and the program.
pub(crate) fn enrol_and_publish(hub: &crate::support::TestStation) -> (String, std::path::PathBuf) {
    use crate::support::{stderr, stdout};
    let out = hub.run(&[
        "hub",
        "enroll",
        "张家村",
        "--id",
        "zhangjiacun",
        "--zone",
        "东片",
        "--json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let enrolled: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let credential = enrolled["credential"].as_str().unwrap().to_owned();
    let out = hub.run(&["hub", "enroll", "张家村", "--zone", "东片"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("--id"), "{}", stderr(&out));

    let program = hub.join("morning.wav");
    program_wav(&program, 5, 1);
    let out = hub.run(&[
        "hub",
        "publish",
        program.to_str().unwrap(),
        "--slot",
        "morning",
        "--at",
        "2026-12-02T07:00:00+08:00",
        "--zone",
        "东片",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out).trim(), "zhangjiacun\tv1");

    (credential, program)
}

#[test]
fn hub_and_box_processes_enrol_publish_sync_revoke() {
    use std::io::Read;
    use std::process::Stdio;

    use crate::support::{TestStation, stderr, stdout};

    let hub = TestStation::new();
    let village = TestStation::new();
    let (credential, program) = enrol_and_publish(&hub);
    let secret = credential.split_once('.').unwrap().1.to_owned();
    let mut server = hub.serve(&["--listen", "127.0.0.1:0"], Stdio::piped());
    let url = server.url.clone();

    let sync = |cred: &str| {
        village
            .cmd()
            .args(["box", "sync", "--hub", &url])
            .env("DALABA_CREDENTIAL", cred)
            .output()
            .unwrap()
    };
    let out = sync(&credential);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("programs fetched: 1; ready airings: 1"),
        "{}",
        stdout(&out)
    );
    let digest = Digest::of(&std::fs::read(&program).unwrap());
    assert_eq!(
        std::fs::read(village.join(&format!("box/programs/{}.wav", digest.hex()))).unwrap(),
        std::fs::read(&program).unwrap()
    );

    let out = hub.run(&["hub", "revoke", "zhangjiacun"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = sync(&credential);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("401"), "{}", stderr(&out));
    assert!(
        !stderr(&out).contains(&secret),
        "the box never prints its secret"
    );

    let _ = server.child.kill();
    let _ = server.child.wait();
    let mut log = String::new();
    server
        .child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut log)
        .unwrap();
    assert!(log.contains("box `zhangjiacun` from 127.0.0.1:"), "{log}");
    assert!(!log.contains(&secret), "the hub never logs a secret: {log}");
}
