//! The hub plans its own manifests, end to end with real parts: a hub station directory with
//! schedules, enrolled boxes in three zones, approved articles, a speech server on
//! 127.0.0.1 counting its requests, `dalaba hub plan-publish --now` and `dalaba hub serve`
//! as processes, manifests fetched over HTTP with each box's credential.

use std::collections::BTreeMap;
use std::process::Stdio;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::Json;
use axum::http::header;
use axum::routing::post;
use jiff::Timestamp;

use crate::support::{Served, TestStation, stderr, stdout};

const NOW: &str = "2026-12-02T06:00:00+08:00";

/// Two slots: one for 东片 at 07:00, one for three zones at noon.
const SCHEDULE: &str = r#"
[[slot]]
name = "east-news"
title = "东片通知"
at = ["07:00"]
queue = "east"
zones = ["东片"]
catch_up_minutes = 10

[[slot]]
name = "town-noon"
title = "全镇午间"
at = ["12:00"]
queue = "town"
zones = ["东片", "西片", "全镇"]
catch_up_minutes = 10
"#;

/// An OpenAI-compatible speech server and a webhook recorder on 127.0.0.1, on their own
/// thread and runtime. A text holding `静音` gets four seconds of dead air in the middle.
pub(crate) struct Servers {
    pub(crate) url: String,
    pub(crate) speech_requests: Arc<AtomicUsize>,
    pub(crate) texts: Arc<Mutex<Vec<String>>>,
    hooks: Arc<Mutex<Vec<serde_json::Value>>>,
}

fn speech(text: &str) -> Vec<f32> {
    let rate = 24_000.0;
    let tone = |secs: f64, hz: f64| -> Vec<f32> {
        (0..(secs * rate) as usize)
            .map(|i| (0.3 * (std::f64::consts::TAU * hz * i as f64 / rate).sin()) as f32)
            .collect()
    };
    let hz = 300.0 + 40.0 * (text.chars().count() % 9) as f64;
    let secs = 0.06 * text.chars().count() as f64 + 0.2;
    let mut out = tone(secs, hz);
    if text.contains("静音") {
        out.extend(std::iter::repeat_n(0.0, 4 * 24_000));
        out.extend(tone(0.5, hz));
    }
    out
}

pub(crate) fn servers() -> Servers {
    let speech_requests = Arc::new(AtomicUsize::new(0));
    let texts: Arc<Mutex<Vec<String>>> = Arc::default();
    let hooks: Arc<Mutex<Vec<serde_json::Value>>> = Arc::default();
    let (count, seen, hooked) = (speech_requests.clone(), texts.clone(), hooks.clone());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let app = axum::Router::new()
                .route(
                    "/v1/audio/speech",
                    post(move |Json(body): Json<serde_json::Value>| async move {
                        count.fetch_add(1, Ordering::SeqCst);
                        let text = body["input"].as_str().unwrap_or_default().to_owned();
                        seen.lock().unwrap().push(text.clone());
                        let mut wav = std::io::Cursor::new(Vec::new());
                        dalaba::media::wav::write_i16(&mut wav, 24_000, &speech(&text)).unwrap();
                        ([(header::CONTENT_TYPE, "audio/wav")], wav.into_inner())
                    }),
                )
                .route(
                    "/hook",
                    post(move |Json(body): Json<serde_json::Value>| async move {
                        hooked.lock().unwrap().push(body);
                        "{}"
                    }),
                );
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(format!("http://{}", listener.local_addr().unwrap()))
                .unwrap();
            axum::serve(listener, app).await.unwrap();
        });
    });
    Servers {
        url: rx.recv().unwrap(),
        speech_requests,
        texts,
        hooks,
    }
}

/// A rehearsal hub station whose one voice is the speech server, with `schedule`.
pub(crate) fn hub_station(url: &str, schedule: &str) -> TestStation {
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let hub = TestStation::new();
    hub.write("dalaba.toml", "rehearsal = true\ndefault_voice = \"tts\"\n");
    hub.write(
        "voices/tts.toml",
        format!(
            "kind = \"openai\"\nurl = \"{url}\"\nmodel = \"test\"\nvoice = \"test\"\nresponse_format = \"wav\"\nmax_chars = 100\n"
        ),
    );
    hub.write("schedules/hub.toml", schedule);
    hub
}

pub(crate) fn ok(hub: &TestStation, args: &[&str]) -> String {
    let out = hub.run(args);
    assert!(
        out.status.success(),
        "dalaba {args:?} failed: {}\n{}",
        stderr(&out),
        stdout(&out)
    );
    stdout(&out)
}

/// Enrols a box; returns its credential.
pub(crate) fn enroll(hub: &TestStation, name: &str, id: &str, zones: &[&str]) -> String {
    let mut args = vec!["hub", "enroll", name, "--id", id, "--json"];
    for z in zones {
        args.extend(["--zone", z]);
    }
    let out: serde_json::Value = serde_json::from_str(&ok(hub, &args)).unwrap();
    out["credential"].as_str().unwrap().to_owned()
}

/// Adds and approves an article in `queue`; returns its id.
pub(crate) fn approved(hub: &TestStation, name: &str, text: &str, queue: &str) -> String {
    let path = hub.write(&format!("in/{name}"), text);
    let out = ok(hub, &["add", path.to_str().unwrap(), "--queue", queue]);
    let id = out.lines().next().unwrap().trim().to_owned();
    ok(hub, &["approve", &id, "--by", "王书记"]);
    id
}

fn plan_publish(hub: &TestStation) -> serde_json::Value {
    let out = ok(
        hub,
        &[
            "hub",
            "plan-publish",
            "--now",
            NOW,
            "--hours",
            "12",
            "--json",
        ],
    );
    serde_json::from_str(&out).unwrap()
}

/// The rendered programs in the hub station (failed ones excluded).
fn programs(hub: &TestStation) -> usize {
    std::fs::read_dir(hub.join("state/programs"))
        .map(|d| {
            d.filter_map(Result::ok)
                .filter(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    name.ends_with(".wav") && !name.ends_with(".failed.wav")
                })
                .count()
        })
        .unwrap_or(0)
}

fn serve(hub: &TestStation) -> Served {
    serve_at(hub, NOW, 12)
}

/// `dalaba hub serve --now NOW --hours HOURS`: it plans at once and on every change.
pub fn serve_at(hub: &TestStation, now: &str, hours: u32) -> Served {
    let hours = hours.to_string();
    let args = ["--listen", "127.0.0.1:0", "--hours", &hours, "--now", now];
    let served = hub.serve(&args, Stdio::null());
    assert!(
        served.url.starts_with("http://127.0.0.1:"),
        "{}",
        served.url
    );
    served
}

/// A box's manifest over HTTP: (version, slot names, program digests by slot).
fn manifest(
    rt: &tokio::runtime::Runtime,
    url: &str,
    credential: &str,
) -> (u64, Vec<String>, BTreeMap<String, String>) {
    let body: serde_json::Value = rt.block_on(async {
        reqwest::Client::new()
            .get(format!("{url}/api/v1/manifest"))
            .bearer_auth(credential)
            .send()
            .await
            .unwrap()
            .error_for_status()
            .unwrap()
            .json()
            .await
            .unwrap()
    });
    let airings = body["airings"].as_array().unwrap();
    let slots = airings
        .iter()
        .map(|a| a["slot"].as_str().unwrap().to_owned())
        .collect();
    let digests = airings
        .iter()
        .map(|a| {
            (
                a["slot"].as_str().unwrap().to_owned(),
                a["program"]["digest"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    (body["version"].as_u64().unwrap(), slots, digests)
}

#[test]
fn the_hub_plans_renders_once_and_publishes_per_zone() {
    let servers = servers();
    let hub = hub_station(&servers.url, SCHEDULE);
    let boxes = [
        ("张家村", "zhangjiacun", &["东片", "全镇"][..]),
        ("李家村", "lijiacun", &["东片"][..]),
        ("王家村", "wangjiacun", &["西片", "全镇"][..]),
        ("赵家村", "zhaojiacun", &["北片"][..]),
    ];
    let creds: Vec<String> = boxes
        .iter()
        .map(|(name, id, zones)| enroll(&hub, name, id, zones))
        .collect();
    let east = approved(
        &hub,
        "east.txt",
        "停水通知\n\n东片各村请注意。明天上午八点到十二点停水，请提前储水。\n",
        "east",
    );
    approved(
        &hub,
        "town.txt",
        "防火通知\n\n全镇各村请注意。冬季风大，严禁野外用火。\n",
        "town",
    );

    // One round: two airings, two programs, each rendered once although the noon program
    // reaches three zones and three boxes.
    let first = plan_publish(&hub);
    assert_eq!(first["airings"], 2, "{first:#}");
    assert_eq!(first["programs"], 2, "{first:#}");
    assert_eq!(first["rendered"], 2, "{first:#}");
    assert_eq!(first["published"].as_array().unwrap().len(), 4, "{first:#}");
    assert_eq!(programs(&hub), 2);
    let asked = servers.speech_requests.load(Ordering::SeqCst);
    let mut distinct = servers.texts.lock().unwrap().clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(asked, distinct.len(), "each text spoken once");

    // The same round again: nothing rendered, no speech asked for, no new version.
    let again = plan_publish(&hub);
    assert_eq!(again["rendered"], 0, "{again:#}");
    assert_eq!(again["published"], serde_json::json!([]), "{again:#}");
    assert_eq!(again["unchanged"], 4, "{again:#}");
    assert_eq!(servers.speech_requests.load(Ordering::SeqCst), asked);

    // Served over HTTP: each box lists exactly the airings of its zones, at version 1.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let served = serve(&hub);
    let got: Vec<_> = creds
        .iter()
        .map(|c| manifest(&rt, &served.url, c))
        .collect();
    let slots: Vec<(u64, Vec<String>)> = got.iter().map(|(v, s, _)| (*v, s.clone())).collect();
    let both = vec!["east-news".to_owned(), "town-noon".to_owned()];
    assert_eq!(
        slots,
        [
            (1, both.clone()),
            (1, both),
            (1, vec!["town-noon".to_owned()]),
            (1, vec![]),
        ]
    );
    assert_eq!(got[0].2["east-news"], got[1].2["east-news"]);
    assert_eq!(got[0].2["town-noon"], got[2].2["town-noon"]);
    assert_ne!(got[0].2["east-news"], got[0].2["town-noon"]);
    let digest = &got[1].2["east-news"];
    let bytes = rt.block_on(async {
        reqwest::Client::new()
            .get(format!("{}/api/v1/programs/{digest}", served.url))
            .bearer_auth(&creds[1])
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap()
    });
    assert_eq!(&dalaba::protocol::Digest::of(&bytes).to_string(), digest);

    // What airs where, from the command line.
    let zone = ok(
        &hub,
        &["plan", "--zone", "东片", "--now", NOW, "--hours", "12"],
    );
    assert!(
        zone.contains("zone 东片: 李家村 (lijiacun), 张家村 (zhangjiacun)"),
        "{zone}"
    );
    assert!(
        zone.contains("east-news") && zone.contains("town-noon"),
        "{zone}"
    );
    let west = ok(
        &hub,
        &["plan", "--zone", "西片", "--now", NOW, "--hours", "12"],
    );
    assert!(
        !west.contains("east-news") && west.contains("town-noon"),
        "{west}"
    );

    // Withdrawn: `hub serve` re-plans by itself, and only the 东片 boxes get a new version.
    ok(&hub, &["withdraw", &east]);
    crate::box_run::wait_for("hub serve to re-plan after the withdrawal", || {
        manifest(&rt, &served.url, &creds[0]).0 != 1
    });
    let after: Vec<(u64, Vec<String>)> = creds
        .iter()
        .map(|c| {
            let (v, s, _) = manifest(&rt, &served.url, c);
            (v, s)
        })
        .collect();
    let noon = vec!["town-noon".to_owned()];
    assert_eq!(
        after,
        [(2, noon.clone()), (2, noon.clone()), (1, noon), (1, vec![])]
    );
    let last = plan_publish(&hub);
    assert_eq!(last["published"], serde_json::json!([]), "{last:#}");
    drop(served);
}

#[test]
fn the_hub_log_merges_every_box_and_names_it() {
    let servers = servers();
    let hub = hub_station(&servers.url, "");
    let zhang = enroll(&hub, "张家村", "zhangjiacun", &["东片"]);
    let wang = enroll(&hub, "王家村", "wangjiacun", &["西片"]);
    let served = serve(&hub);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let report = |cred: &str, id: &str, airing: &str, started: &str, state: &str| {
        let body = serde_json::json!({
            "protocol": 1, "box_id": id, "sent_at": started, "manifest_version": 1,
            "health": { "version": "t", "clock_offset_ms": 0, "device": "present" },
            "as_run": [{ "airing_id": airing, "state": state, "started_at": started,
                         "reason": if state == "failed" { Some("无声卡\u{1b}[31m") } else { None } }]
        });
        rt.block_on(async {
            reqwest::Client::new()
                .post(format!("{}/api/v1/report", served.url))
                .bearer_auth(cred)
                .json(&body)
                .send()
                .await
                .unwrap()
                .error_for_status()
                .unwrap();
        });
    };
    report(
        &wang,
        "wangjiacun",
        "noon@2026-12-02T12:00:00+08:00",
        "2026-12-02T12:00:01+08:00",
        "failed",
    );
    report(
        &zhang,
        "zhangjiacun",
        "east@2026-12-02T07:00:00+08:00",
        "2026-12-02T07:00:00+08:00",
        "succeeded",
    );

    let all: Vec<serde_json::Value> =
        serde_json::from_str(&ok(&hub, &["hub", "log", "--json"])).unwrap();
    let rows: Vec<(&str, &str, &str)> = all
        .iter()
        .map(|r| {
            (
                r["box_id"].as_str().unwrap(),
                r["box_name"].as_str().unwrap(),
                r["state"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("zhangjiacun", "张家村", "succeeded"),
            ("wangjiacun", "王家村", "failed")
        ],
        "merged in airing order"
    );
    let one: Vec<serde_json::Value> =
        serde_json::from_str(&ok(&hub, &["hub", "log", "--box", "wangjiacun", "--json"])).unwrap();
    assert_eq!(one.len(), 1);
    assert_eq!(one[0]["airing_id"], "noon@2026-12-02T12:00:00+08:00");
    let zh = hub
        .cmd()
        .env("LANG", "zh_CN.UTF-8")
        .args(["hub", "log"])
        .output();
    let text = stdout(&zh.unwrap());
    assert!(
        text.contains("张家村（zhangjiacun）  east@2026-12-02T07:00:00+08:00  已播出"),
        "{text}"
    );
    assert!(text.contains("王家村（wangjiacun）"), "{text}");
    assert!(
        !text.contains('\u{1b}'),
        "a box's text reaches no terminal unescaped: {text}"
    );
    let out = hub.run(&["hub", "log", "--box", "nobody"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("box `nobody` is not enrolled"),
        "{}",
        stderr(&out)
    );
    assert!(servers.hooks.lock().unwrap().is_empty());
}

#[test]
fn a_program_that_fails_preflight_is_left_out_and_alerted_once() {
    let servers = servers();
    let hub = hub_station(&servers.url, SCHEDULE);
    hub.write(
        "alerts.toml",
        format!(
            "[[sink]]\nkind = \"webhook\"\nurl = \"{}/hook\"\n",
            servers.url
        ),
    );
    let zhang = enroll(&hub, "张家村", "zhangjiacun", &["东片"]);
    approved(
        &hub,
        "east.txt",
        "停水通知\n\n东片各村请注意，静音测试。\n",
        "east",
    );
    approved(&hub, "town.txt", "防火通知\n\n全镇各村请注意。\n", "town");

    let out = hub.run(&["hub", "plan-publish", "--now", NOW, "--hours", "12"]);
    assert!(!out.status.success(), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("东片通知（east-news）"),
        "{}",
        stdout(&out)
    );
    assert!(
        stderr(&out).contains("could not be made"),
        "{}",
        stderr(&out)
    );

    let store = dalaba::hub::store::SqliteHubStore::open(&hub.join("state/hub.sqlite")).unwrap();
    use dalaba::hub::store::HubStore;
    let failures = store.preflight_failures().unwrap();
    assert_eq!(failures.len(), 1, "{failures:?}");
    assert_eq!(failures[0].0, "东片通知（east-news）");
    assert!(failures[0].1.contains("s of silence"), "{failures:?}");
    let (_, json) = store
        .manifest(&"zhangjiacun".parse().unwrap())
        .unwrap()
        .unwrap();
    let manifest: dalaba::protocol::Manifest = serde_json::from_str(&json).unwrap();
    let slots: Vec<&str> = manifest.airings.iter().map(|a| a.slot.as_str()).collect();
    assert_eq!(slots, ["town-noon"], "the good program still goes out");
    drop(zhang);

    let config =
        dalaba::hub::alerts::AlertsConfig::load(&hub.join("alerts.toml"), &|_| None).unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let now: Timestamp = NOW.parse().unwrap();
    let client = reqwest::Client::new();
    for _ in 0..2 {
        rt.block_on(dalaba::hub::alerts::round(&store, &config, &client, now))
            .unwrap();
    }
    let hooks = servers.hooks.lock().unwrap().clone();
    assert_eq!(hooks.len(), 1, "once: {hooks:#?}");
    assert_eq!(hooks[0]["key"], "preflight:东片通知（east-news）");
    assert!(
        hooks[0]["text"]
            .as_str()
            .unwrap()
            .contains("未通过播前检查"),
        "{hooks:#?}"
    );
}

#[test]
fn slot_zones_errors_name_file_line_and_key() {
    let servers = servers();
    let hub = hub_station(
        &servers.url,
        "[[slot]]\nname = \"east\"\nqueue = \"east\"\nat = [\"07:00\"]\nzones = []\n",
    );
    let out = hub.run(&["hub", "plan-publish", "--now", NOW]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("hub.toml` line 5: slot `east`: `zones` is empty"),
        "{err}"
    );
}
