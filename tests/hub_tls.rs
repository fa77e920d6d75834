//! The hub's own HTTPS (rustls) with a private CA made here (rcgen): a hub process and a box
//! process over TLS on 127.0.0.1, the alert stream over TLS, and the refusals of plain HTTP
//! across a network.

use std::path::PathBuf;
use std::process::Stdio;
use std::sync::Arc;

use dalaba::hub::server::{HubState, serve_tls};
use dalaba::hub::store::{HubStore, SqliteHubStore};
use dalaba::protocol::{Alert, MsgType, Severity, WireTime};
use dalaba::village_box::BoxClient;
use jiff::Timestamp;
use jiff::tz::{Offset, TimeZone};
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};

use crate::support::{Served, TestStation, stderr, stdout};

/// A private CA, the hub's certificate for 127.0.0.1 issued by it, and a second CA that
/// issued nothing the hub has, as PEM files.
struct Pki {
    dir: tempfile::TempDir,
    ca: PathBuf,
    cert: PathBuf,
    key: PathBuf,
    other_ca: PathBuf,
}

fn ca(name: &str) -> CertifiedIssuer<'static, KeyPair> {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, name);
    CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap()
}

fn pki() -> Pki {
    let dir = tempfile::tempdir().unwrap();
    let township = ca("石庙镇 dalaba CA");
    let key = KeyPair::generate().unwrap();
    let cert = CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
        .unwrap()
        .signed_by(&key, &township)
        .unwrap();
    let write = |name: &str, text: String| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    Pki {
        ca: write("ca.pem", township.pem()),
        cert: write("hub.pem", cert.pem()),
        key: write("hub-key.pem", key.serialize_pem()),
        other_ca: write("other-ca.pem", ca("another CA").pem()),
        dir,
    }
}

/// Kills the hub process when the test ends, even on a panic.
/// Starts `dalaba hub serve ARGS` and returns it with the URL it prints.
fn serve(hub: &TestStation, args: &[&str]) -> (Served, String) {
    let served = hub.serve(args, Stdio::null());
    let url = served.url.clone();
    (served, url)
}

#[test]
fn a_box_process_syncs_over_https_trusting_the_hubs_ca() {
    let pki = pki();
    let hub = TestStation::new();
    let village = TestStation::new();
    let (credential, program) = crate::hub::enrol_and_publish(&hub);
    let (cert, key) = (pki.cert.to_str().unwrap(), pki.key.to_str().unwrap());
    let (_server, url) = serve(
        &hub,
        &[
            "--listen",
            "127.0.0.1:0",
            "--tls-cert",
            cert,
            "--tls-key",
            key,
        ],
    );
    assert!(url.starts_with("https://127.0.0.1:"), "{url}");

    let sync = |extra: &[&std::ffi::OsStr]| {
        village
            .cmd()
            .args(["box", "sync", "--hub", &url])
            .args(extra)
            .env("DALABA_CREDENTIAL", &credential)
            .env_remove("DALABA_HUB_CA")
            .output()
            .unwrap()
    };
    // Without the CA: refused, naming the hub and what to do.
    let out = sync(&[]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains(&format!("hub `{url}`")), "{err}");
    assert!(
        err.contains("not trusted") && err.contains("--hub-ca"),
        "{err}"
    );
    assert!(!village.join("box/manifest.json").exists());

    // With a CA that did not issue the hub's certificate: refused, naming that file.
    let out = sync(&["--hub-ca".as_ref(), pki.other_ca.as_os_str()]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains(&format!("hub `{url}`")) && err.contains("other-ca.pem"),
        "{err}"
    );

    // With the township's CA: the manifest and the program arrive, verified.
    let out = sync(&["--hub-ca".as_ref(), pki.ca.as_os_str()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("programs fetched: 1; ready airings: 1"),
        "{}",
        stdout(&out)
    );
    let digest = dalaba::protocol::Digest::of(&std::fs::read(&program).unwrap());
    assert_eq!(
        std::fs::read(village.join(&format!("box/programs/{}.wav", digest.hex()))).unwrap(),
        std::fs::read(&program).unwrap()
    );
    drop(pki.dir);
}

#[test]
fn plain_http_is_refused_across_a_network_and_bad_pem_named() {
    let hub = TestStation::new();
    // The hub: plain HTTP on an address reachable from the network is refused before binding.
    let out = hub.run(&["hub", "serve", "--listen", "0.0.0.0:0"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("`0.0.0.0:0`") && err.contains("--tls-cert") && err.contains("--behind-proxy"),
        "{err}"
    );
    // … unless a TLS reverse proxy terminates HTTPS.
    let (mut proxied, url) = serve(&hub, &["--listen", "0.0.0.0:0", "--behind-proxy"]);
    assert!(url.starts_with("http://0.0.0.0:"), "{url}");
    proxied.child.kill().unwrap();

    // A certificate file that holds no certificate, a key that is not the certificate's.
    let pki = pki();
    let junk = hub.write("junk.pem", "not a certificate\n");
    let out = hub.run(&[
        "hub",
        "serve",
        "--tls-cert",
        junk.to_str().unwrap(),
        "--tls-key",
        pki.key.to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("junk.pem") && stderr(&out).contains("no PEM certificate"),
        "{}",
        stderr(&out)
    );
    let out = hub.run(&[
        "hub",
        "serve",
        "--tls-cert",
        pki.cert.to_str().unwrap(),
        "--tls-key",
        pki.ca.to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("ca.pem"), "{}", stderr(&out));

    // The box: no credential in the clear to a hub elsewhere (refused before connecting).
    let village = TestStation::new();
    let out = village
        .cmd()
        .args(["box", "sync", "--hub", "http://hub.example:8443"])
        .env(
            "DALABA_CREDENTIAL",
            format!("zhangjiacun.{}", "ab".repeat(32)),
        )
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("http://hub.example:8443") && err.contains("https://"),
        "{err}"
    );
}

#[tokio::test]
async fn the_alert_stream_works_over_tls() {
    let pki = pki();
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn HubStore> =
        Arc::new(SqliteHubStore::open(&dir.path().join("hub.sqlite")).unwrap());
    let cred = dalaba::hub::enroll(
        &*store,
        "zhangjiacun".parse().unwrap(),
        "张家村",
        &["全镇".into()],
    )
    .unwrap();
    let now: Timestamp = "2026-12-01T22:30:00Z".parse().unwrap();
    let state = HubState::new(
        store,
        dir.path().join("programs"),
        Arc::new(move || now),
        TimeZone::get("Asia/Shanghai").unwrap(),
    );
    let tls = dalaba::hub::tls::load(&pki.cert, &pki.key).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("https://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve_tls(listener, tls, state.clone(), async {
        let _ = stopped.await;
    }));

    let client = BoxClient::with_hub_ca(&url, cred, dir.path().join("box"), Some(&pki.ca)).unwrap();
    let mut alerts = client.alerts();
    let t = |s: &str| WireTime::new(s.parse().unwrap(), Offset::from_hours(8).unwrap());
    let alert = Alert {
        protocol: 1,
        alert_id: "e-tls".into(),
        msg_type: MsgType::Request,
        severity: Severity::Level(2),
        event_type: "11B03".into(),
        title: "暴雪橙色预警".into(),
        sender: "石庙镇人民政府".into(),
        sent_at: t("2026-12-01T22:30:00Z"),
        start: t("2026-12-01T22:30:00Z"),
        end: t("2026-12-02T10:00:00Z"),
        area_codes: vec![],
        zones: vec!["全镇".into()],
        repeat: 1,
        operator: "李站长".into(),
        program: None,
    };
    let (got, seq) = tokio::join!(alerts.next(), async { state.push_alert(&alert).unwrap() });
    assert_eq!(got.unwrap().alert_id, "e-tls");
    assert_eq!(alerts.last_event_id(), Some(seq.to_string().as_str()));
    drop(alerts);
    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
}
