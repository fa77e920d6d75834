//! The township end to end, every part real: a hub process that plans from its own schedule
//! and approvals, renders through a speech server on 127.0.0.1, and box processes in two
//! zones that air what their manifests hold. An article approved at the hub for 东片 airs on
//! exactly the 东片 boxes, once each, and the hub's merged log names each of them.

use jiff::Timestamp;

use crate::box_run::{VillageBox, wait_for};
use crate::hub_plan::{approved, enroll, hub_station, ok, serve_at, servers};

/// The hub's clock and the boxes' clocks start here: ten seconds before the 东片 slot.
const START: &str = "2026-12-02T06:59:50+08:00";

const SCHEDULE: &str = r#"
[[slot]]
name = "east-news"
title = "东片通知"
at = ["07:00"]
queue = "east"
zones = ["东片"]
catch_up_minutes = 10
"#;

#[test]
fn an_article_approved_at_the_hub_for_one_zone_airs_on_exactly_its_boxes() {
    let speech = servers();
    let hub = hub_station(&speech.url, SCHEDULE);
    let zones: [(&str, &[&str]); 3] = [
        ("east1", &["东片", "全镇"]),
        ("east2", &["东片", "全镇"]),
        ("west1", &["西片", "全镇"]),
    ];
    let mut boxes: Vec<VillageBox> = zones
        .iter()
        .map(|(id, z)| VillageBox::new(id, enroll(&hub, id, id, z)))
        .collect();
    approved(
        &hub,
        "east.txt",
        "+++\ntitle = \"取暖补贴<发放>通知\"\n+++\n东片各村：明天上午九点在村委会发放取暖补贴。\n",
        "east",
    );
    let out = hub
        .cmd()
        .args(["console", "add-user", "李站长", "--role", "站长"])
        .env("DALABA_PASSWORD", crate::console::PASSWORD)
        .output()
        .unwrap();
    assert!(out.status.success());
    let served = serve_at(&hub, START, 2);
    let url = served.url.clone();
    let start: Timestamp = START.parse().unwrap();
    for b in &mut boxes {
        b.start(&url, Some(start));
    }
    let (east, west) = boxes.split_at(2);
    for b in east {
        wait_for("each 东片 box to air the slot", || b.played() == 1);
    }
    wait_for("the west box to hold a manifest", || {
        west[0].holds("\"box_id\"")
    });
    let hub_log = || -> Vec<serde_json::Value> {
        serde_json::from_str(&ok(&hub, &["hub", "log", "--json"])).unwrap()
    };
    wait_for("both airings reported to the hub", || {
        hub_log()
            .iter()
            .filter(|r| r["state"] == "succeeded")
            .count()
            == 2
    });
    let rows = hub_log();
    let mut aired_on: Vec<&str> = rows.iter().map(|r| r["box_id"].as_str().unwrap()).collect();
    aired_on.sort_unstable();
    assert_eq!(aired_on, ["east1", "east2"], "{rows:#?}");
    let slot_of =
        |r: &serde_json::Value| r["airing_id"].as_str().unwrap().starts_with("east-news@");
    assert!(rows.iter().all(slot_of), "{rows:#?}");
    for r in &rows {
        // Protocol 1.1: the box reports what it aired and for how long.
        assert_eq!(
            r["titles"],
            serde_json::json!(["取暖补贴<发放>通知"]),
            "{r:#}"
        );
        let secs = r["duration_secs"].as_f64().unwrap();
        assert!(secs > 0.5 && secs < 60.0, "{r:#}");
    }
    let zh = hub
        .cmd()
        .env("LANG", "zh_CN.UTF-8")
        .args(["hub", "log"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&zh.stdout);
    assert!(text.contains("「取暖补贴<发放>通知」  已播出  "), "{text}");
    assert!(text.contains(" 秒"), "{text}");
    let text = ok(&hub, &["hub", "log"]);
    assert!(text.contains("「取暖补贴<发放>通知」  aired  "), "{text}");
    assert!(text.contains(" s\n"), "{text}");
    let csv = ok(&hub, &["hub", "log", "--csv"]);
    assert_eq!(csv.matches("取暖补贴<发放>通知").count(), 2, "{csv}");
    assert!(csv.contains("east1（east1）"), "{csv}");
    let page = console_log(&url);
    assert_eq!(
        page.matches("「取暖补贴&#60;发放&#62;通知」").count(),
        2,
        "{page}"
    );
    assert!(!page.contains("<发放>"), "escaped: {page}");
    let secs = rows[0]["duration_secs"].as_f64().unwrap();
    assert!(page.contains(&format!("{secs:.1} 秒")), "{page}");
    assert_eq!(west[0].played(), 0, "西片 never airs the 东片 slot");
    assert!(
        !west[0].holds("east-news"),
        "西片's manifest does not list it"
    );
    for b in east {
        assert!(
            b.log().contains("east-news"),
            "each box logs its own airing"
        );
    }
    let texts = speech.texts.lock().unwrap().clone();
    let mut distinct = texts.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert!(!texts.is_empty());
    assert_eq!(
        texts.len(),
        distinct.len(),
        "rendered once at the hub for both boxes: {texts:?}"
    );
}

/// The console's 播出记录 page for 2026-12-02, read by the 站长.
fn console_log(url: &str) -> String {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let chief = crate::console::Session::login(url, "李站长").await;
        let (status, page) = chief
            .get("/console/log?from=2026-12-02&to=2026-12-02")
            .await;
        assert_eq!(status, 200);
        page
    })
}
