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
        "东片各村：明天上午九点在村委会发放取暖补贴。\n",
        "east",
    );
    let served = serve_at(&hub, START, 2);
    let url = served.1.clone();
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
