//! The hub's alerts against recording HTTP servers on 127.0.0.1 and a real SQLite store:
//! each robot's documented body, 钉钉's signature, once-only and recovery, a chat that is
//! down, no secret in the log; and `dalaba hub status` through the real binary.

use std::io::Write;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, Uri};
use dalaba::hub::alerts::{AlertsConfig, round};
use dalaba::hub::enroll;
use dalaba::hub::store::{HubStore, SqliteHubStore};
use dalaba::protocol::{AsRun, AsRunState, Health, WireTime};
use jiff::tz::Offset;
use jiff::{SignedDuration, Timestamp};

const SECRET: &str = "SECtest0123456789";
const T0: &str = "2026-12-02T06:30:00Z";

fn t(minutes: i64) -> Timestamp {
    T0.parse::<Timestamp>().unwrap() + SignedDuration::from_mins(minutes)
}

/// One request a server received: path and query, content type, JSON body.
#[derive(Debug, Clone)]
struct Seen {
    uri: Uri,
    content_type: String,
    body: serde_json::Value,
}

type Log = Arc<Mutex<Vec<Seen>>>;

/// A server on `listener` that records every request and answers like a robot that took it.
fn record_on(listener: tokio::net::TcpListener) -> Log {
    let log: Log = Arc::default();
    let seen = log.clone();
    let app = Router::new().fallback(move |uri: Uri, headers: HeaderMap, body: Bytes| {
        let seen = seen.clone();
        async move {
            let content_type = headers
                .get("content-type")
                .map(|v| v.to_str().unwrap().to_owned())
                .unwrap_or_default();
            let body = serde_json::from_slice(&body).unwrap();
            seen.lock().unwrap().push(Seen {
                uri,
                content_type,
                body,
            });
            r#"{"errcode":0,"errmsg":"ok"}"#
        }
    });
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    log
}

async fn listener() -> (tokio::net::TcpListener, String) {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", l.local_addr().unwrap());
    (l, base)
}

fn health(offset_ms: i64) -> Health {
    Health {
        version: "0.1.0".into(),
        clock_offset_ms: offset_ms,
        device: "present".into(),
        disk_free_bytes: Some(6_123_456_789),
        on_air: None,
        manifest_expired: false,
        refused: vec![],
    }
}

fn row(id: &str, state: AsRunState, reason: Option<&str>) -> AsRun {
    AsRun {
        airing_id: id.into(),
        state,
        started_at: None,
        ended_at: None,
        program_digest: None,
        voice: None,
        reason: reason.map(str::to_owned),
        titles: Vec::new(),
        duration_secs: None,
    }
}

/// A hub store with 张家村 enrolled, and an `alerts.toml` with `sinks` in the same dir.
fn hub(dir: &std::path::Path, sinks: &str) -> (SqliteHubStore, AlertsConfig) {
    let store = SqliteHubStore::open(&dir.join("state/hub.sqlite")).unwrap();
    enroll(
        &store,
        "zhangjiacun".parse().unwrap(),
        "张家村",
        &["东片".into()],
    )
    .unwrap();
    let path = dir.join("alerts.toml");
    std::fs::write(&path, format!("offline_after_minutes = 30\n{sinks}")).unwrap();
    let env = |var: &str| (var == "DINGTALK_SECRET").then(|| SECRET.to_owned());
    (store, AlertsConfig::load(&path, &env).unwrap())
}

fn report(store: &SqliteHubStore, rows: &[AsRun], minutes: i64) {
    let id = "zhangjiacun".parse().unwrap();
    // As the hub server writes it: in the station's time zone.
    let at = WireTime::new(t(minutes), Offset::from_hours(8).unwrap()).to_string();
    store.record_report(&id, rows, &health(-420), &at).unwrap();
}

fn three_sinks(base: &str) -> String {
    format!(
        "[[sink]]\nkind = \"wecom\"\nurl = \"{base}/cgi-bin/webhook/send?key=WECOMKEY\"\n\
         [[sink]]\nkind = \"dingtalk\"\nurl = \"{base}/robot/send?access_token=DTTOKEN\"\nsecret_env = \"DINGTALK_SECRET\"\n\
         [[sink]]\nkind = \"webhook\"\nurl = \"{base}/hook\"\n"
    )
}

#[tokio::test]
async fn each_robot_gets_its_documented_body_once_then_a_recovery() {
    let dir = tempfile::tempdir().unwrap();
    let (l, base) = listener().await;
    let seen = record_on(l);
    let (store, config) = hub(dir.path(), &three_sinks(&base));
    let client = reqwest::Client::new();
    report(&store, &[], 0);

    assert_eq!(round(&store, &config, &client, t(30)).await.unwrap(), 0);
    assert_eq!(round(&store, &config, &client, t(36)).await.unwrap(), 3);
    assert_eq!(
        round(&store, &config, &client, t(37)).await.unwrap(),
        0,
        "sent once"
    );
    let got = seen.lock().unwrap().clone();
    assert_eq!(got.len(), 3);
    for s in &got {
        assert_eq!(s.content_type, "application/json");
    }
    let text = |s: &Seen| s.body["text"]["content"].as_str().unwrap().to_owned();
    assert_eq!(got[0].uri.to_string(), "/cgi-bin/webhook/send?key=WECOMKEY");
    assert_eq!(got[0].body["msgtype"], "text");
    assert!(
        text(&got[0]).contains("张家村（zhangjiacun） 已离线 36 分钟"),
        "{}",
        text(&got[0])
    );
    // 钉钉 signed: `timestamp` (ms) and `sign` in the query, the sign verified here with the
    // known secret; the raw query carries it URL-encoded.
    assert_eq!(got[1].uri.path(), "/robot/send");
    let url = reqwest::Url::parse(&format!("http://x{}", got[1].uri)).unwrap();
    let q: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
    assert_eq!(q["access_token"], "DTTOKEN");
    let ms = t(36).as_millisecond().to_string();
    assert_eq!(q["timestamp"], ms);
    let mut mac =
        <hmac::Hmac<sha2::Sha256> as hmac::Mac>::new_from_slice(SECRET.as_bytes()).unwrap();
    hmac::Mac::update(&mut mac, format!("{ms}\n{SECRET}").as_bytes());
    let expected = base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        hmac::Mac::finalize(mac).into_bytes(),
    );
    assert_eq!(q["sign"], expected);
    let raw_sign = got[1].uri.query().unwrap().split("sign=").nth(1).unwrap();
    assert!(
        !raw_sign.contains(['/', '+', '=']),
        "not URL-encoded: {raw_sign}"
    );
    assert_eq!(text(&got[1]), text(&got[0]));
    assert_eq!(got[2].uri.path(), "/hook");
    assert_eq!(got[2].body["kind"], "problem");
    assert_eq!(got[2].body["key"], "offline:zhangjiacun");

    report(&store, &[], 38);
    assert_eq!(round(&store, &config, &client, t(38)).await.unwrap(), 3);
    let got = seen.lock().unwrap().clone();
    assert_eq!(got[5].body["kind"], "recovered");
    assert!(
        text(&got[3]).starts_with("【大喇叭】已恢复：张家村"),
        "{}",
        text(&got[3])
    );
}

/// 钉钉's signature for a known secret and time, against a value computed independently
/// (Python: `base64.b64encode(hmac.new(secret, f"{ts}\n{secret}", sha256).digest())`).
#[test]
fn dingtalk_sign_matches_a_known_value() {
    let sign = dalaba::hub::alerts::dingtalk_sign(1_796_193_000_000, SECRET);
    assert_eq!(sign, "a4tu6TEaNhWnWdX4/0bHX8gQoQWGKPN5QlNMJj5iQzg=");
}

#[tokio::test]
async fn a_failed_airing_is_told_once_and_cleared_by_the_next_success() {
    let dir = tempfile::tempdir().unwrap();
    let (l, base) = listener().await;
    let seen = record_on(l);
    let (store, config) = hub(
        dir.path(),
        &format!("[[sink]]\nkind = \"webhook\"\nurl = \"{base}/hook\"\n"),
    );
    let client = reqwest::Client::new();
    let missed = row(
        "morning@07:00",
        AsRunState::Failed,
        Some("missed: box was off"),
    );
    report(&store, std::slice::from_ref(&missed), 1);
    assert_eq!(round(&store, &config, &client, t(1)).await.unwrap(), 1);
    report(&store, &[missed], 2); // sent again by the box: not a new problem
    assert_eq!(round(&store, &config, &client, t(2)).await.unwrap(), 0);
    report(&store, &[row("noon@12:00", AsRunState::Succeeded, None)], 3);
    assert_eq!(round(&store, &config, &client, t(3)).await.unwrap(), 1);
    let got = seen.lock().unwrap().clone();
    assert_eq!(got[0].body["key"], "airing:zhangjiacun:morning@07:00");
    assert!(
        got[0].body["text"]
            .as_str()
            .unwrap()
            .contains("missed: box was off")
    );
    assert_eq!(got[1].body["kind"], "recovered");
}

/// A log writer the test reads back.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn a_chat_that_is_down_gets_the_notice_when_it_is_back_and_no_secret_is_logged() {
    let logs = Captured::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let dir = tempfile::tempdir().unwrap();
    let (l, base) = listener().await;
    let addr = l.local_addr().unwrap();
    drop(l); // down: connections are refused
    let (store, config) = hub(dir.path(), &three_sinks(&base));
    let client = reqwest::Client::new();
    report(&store, &[], 0);
    assert_eq!(round(&store, &config, &client, t(31)).await.unwrap(), 0);
    assert_eq!(round(&store, &config, &client, t(32)).await.unwrap(), 0);
    assert_eq!(store.pending_notices().unwrap().len(), 3, "kept for later");

    let seen = record_on(tokio::net::TcpListener::bind(addr).await.unwrap());
    assert_eq!(round(&store, &config, &client, t(33)).await.unwrap(), 3);
    assert_eq!(seen.lock().unwrap().len(), 3);
    assert!(store.pending_notices().unwrap().is_empty());

    let text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(text.contains("did not take notice"), "{text}");
    assert!(text.contains("retrying next round"), "{text}");
    for secret in [SECRET, "WECOMKEY", "DTTOKEN", "sign="] {
        assert!(!text.contains(secret), "`{secret}` in the log:\n{text}");
    }
}

/// The example in the README's 「一个乡镇的部署」 is a valid `alerts.toml`.
#[test]
fn the_readme_alerts_toml_is_valid() {
    let readme = std::fs::read_to_string(crate::support::repo().join("README.md")).unwrap();
    let start = readme.find("  ```toml\n  offline_after_minutes").unwrap();
    let block = &readme[start..];
    let block = &block[block.find('\n').unwrap() + 1..block.find("  ```\n").unwrap()];
    let text: String = block
        .lines()
        .map(|l| format!("{}\n", l.trim_start()))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("alerts.toml");
    std::fs::write(&path, text).unwrap();
    let env = |var: &str| (var == "DALABA_DINGTALK_SECRET").then(|| SECRET.to_owned());
    let config = AlertsConfig::load(&path, &env).unwrap();
    let names: Vec<&str> = config.sinks.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["wecom", "dingtalk", "webhook"]);
}

#[test]
fn alerts_toml_errors_name_the_file_line_key_or_variable() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("alerts.toml");
    let cases = [
        (
            "offline_after_minutes = 30\n[[sink]]\nkind = \"wecom\"\nurl = \"https://x.example/\"\ntoken = \"t\"\n",
            "line 5",
        ),
        (
            "[[sink]]\nkind = \"feishu\"\nurl = \"https://x.example/\"\n",
            "line 2",
        ),
        (
            "[[sink]]\nkind = \"webhook\"\nurl = \"not a url\"\n",
            "`url` is not a URL",
        ),
        (
            "[[sink]]\nkind = \"dingtalk\"\nurl = \"https://x.example/\"\nsecret_env = \"NOPE\"\n",
            "`secret_env = \"NOPE\"`",
        ),
        (
            "[[sink]]\nkind = \"webhook\"\nurl = \"https://a.example/\"\n[[sink]]\nkind = \"webhook\"\nurl = \"https://b.example/\"\n",
            "already named `webhook`",
        ),
    ];
    for (text, expected) in cases {
        std::fs::write(&path, text).unwrap();
        let err = format!("{:#}", AlertsConfig::load(&path, &|_| None).unwrap_err());
        assert!(err.contains("alerts.toml"), "{err}");
        assert!(err.contains(expected), "{expected} not in: {err}");
    }
}

/// `dalaba hub status` through the real binary, on a hub store written by the library:
/// one box reporting now (online), one silent since 2020 (offline), one never seen.
#[test]
fn hub_status_shows_every_box_from_the_store() {
    let station = crate::support::TestStation::new();
    let store = SqliteHubStore::open(&station.join("state/hub.sqlite")).unwrap();
    for (id, name) in [
        ("zhangjiacun", "张家村"),
        ("lijiazhuang", "李家庄\u{1b}[2J"),
        ("wangtun", "王屯"),
    ] {
        enroll(&store, id.parse().unwrap(), name, &["全镇".into()]).unwrap();
    }
    let aired = AsRun {
        ended_at: Some("2026-12-02T07:02:56+08:00".to_owned().try_into().unwrap()),
        ..row(
            "morning@2026-12-02T07:00:00+08:00",
            AsRunState::Succeeded,
            None,
        )
    };
    let zhang = "zhangjiacun".parse().unwrap();
    let now = Timestamp::now().to_string();
    store
        .record_report(&zhang, &[aired], &health(-420), &now)
        .unwrap();
    let li = "lijiazhuang".parse().unwrap();
    let long_ago = "2020-01-01T00:00:00+08:00";
    store
        .record_report(&li, &[], &health(90_000), long_ago)
        .unwrap();
    drop(store);

    let out = station.run(&["hub", "status", "--json"]);
    assert!(out.status.success(), "{}", crate::support::stderr(&out));
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let by_id = |id: &str| {
        rows.as_array()
            .unwrap()
            .iter()
            .find(|r| r["box_id"] == id)
            .unwrap()
            .clone()
    };
    let z = by_id("zhangjiacun");
    assert_eq!(z["online"], true);
    assert_eq!(
        z["last_airing"]["airing_id"],
        "morning@2026-12-02T07:00:00+08:00"
    );
    assert_eq!(z["last_airing"]["state"], "succeeded");
    assert_eq!(z["device"], "present");
    assert_eq!(z["clock_offset_ms"], -420);
    assert_eq!(z["disk_free_bytes"], 6_123_456_789u64);
    assert_eq!(z["version"], "0.1.0");
    let l = by_id("lijiazhuang");
    assert_eq!(l["online"], false);
    assert_eq!(l["last_contact"], long_ago);
    let w = by_id("wangtun");
    assert_eq!(
        (w["online"].clone(), w["last_contact"].clone()),
        (false.into(), serde_json::Value::Null)
    );

    // The clerk's view: Chinese under a Chinese locale (English under others).
    let out = station
        .cmd()
        .env("LANG", "zh_CN.UTF-8")
        .args(["hub", "status"])
        .output()
        .unwrap();
    let text = crate::support::stdout(&out);
    assert!(text.contains("张家村（zhangjiacun）  在线"), "{text}");
    assert!(
        text.contains("上次播出 morning@2026-12-02T07:00:00+08:00 succeeded"),
        "{text}"
    );
    assert!(text.contains("时钟偏差 -0.4 秒  磁盘剩余 6.1 GB"), "{text}");
    assert!(text.contains(&format!("离线，自 {long_ago} 起")), "{text}");
    assert!(text.contains("王屯（wangtun）  从未联系"), "{text}");
    assert!(
        !text.contains('\u{1b}'),
        "a box name reached the terminal unescaped: {text}"
    );
}
