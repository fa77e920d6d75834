//! The acceptance rules and value checks, as tables of cases.

use jiff::{SignedDuration, Timestamp};

use super::*;

const DIGEST: &str = "blake3:9f2c000000000000000000000000000000000000000000000000000000000000";

fn manifest(box_id: &str, version: u64, expires: &str) -> Manifest {
    let json = serde_json::json!({
        "protocol": 1, "box_id": box_id, "version": version,
        "issued_at": "2026-12-02T06:30:00+08:00", "expires": expires,
        "hub_time": "2026-12-02T06:30:00+08:00", "timezone": "Asia/Shanghai",
        "airings": [{
            "airing_id": "morning@2026-12-02T07:00:00+08:00", "slot": "morning",
            "at": "2026-12-02T07:00:00+08:00", "catch_up_minutes": 10,
            "valid_until": "2026-12-02T07:10:00+08:00",
            "program": {"digest": DIGEST, "size": 8467244, "duration_secs": 176.4}
        }]
    });
    serde_json::from_value(json).expect("fixture manifest parses")
}

fn at(text: &str) -> Timestamp {
    text.parse().expect("fixture time")
}

/// (case, manifest, held version, box clock, offset, expected: Ok or a word of the error)
type Case = (
    &'static str,
    Manifest,
    Option<u64>,
    Timestamp,
    SignedDuration,
    Result<(), &'static str>,
);

#[test]
fn manifest_acceptance_rules() {
    let own: BoxId = "zhangjiacun".parse().expect("id");
    let expires = "2026-12-09T06:30:00+08:00";
    let now = at("2026-12-02T06:31:00+08:00");
    let zero = SignedDuration::ZERO;
    let hour = SignedDuration::from_hours(1);
    let cases: Vec<Case> = vec![
        (
            "first manifest",
            manifest("zhangjiacun", 5, expires),
            None,
            now,
            zero,
            Ok(()),
        ),
        (
            "same version again",
            manifest("zhangjiacun", 5, expires),
            Some(5),
            now,
            zero,
            Ok(()),
        ),
        (
            "newer",
            manifest("zhangjiacun", 6, expires),
            Some(5),
            now,
            zero,
            Ok(()),
        ),
        (
            "rollback",
            manifest("zhangjiacun", 4, expires),
            Some(5),
            now,
            zero,
            Err("rollback"),
        ),
        (
            "other box",
            manifest("lijiazhuang", 6, expires),
            Some(5),
            now,
            zero,
            Err("lijiazhuang"),
        ),
        (
            "expired",
            manifest("zhangjiacun", 6, "2026-12-02T06:00:00+08:00"),
            None,
            now,
            zero,
            Err("expired"),
        ),
        (
            "expires exactly now",
            manifest("zhangjiacun", 6, "2026-12-02T06:31:00+08:00"),
            None,
            now,
            zero,
            Err("expired"),
        ),
        // The box's clock is an hour slow; corrected by the offset the manifest has expired.
        (
            "expired by hub clock",
            manifest("zhangjiacun", 6, "2026-12-02T07:00:00+08:00"),
            None,
            now,
            hour,
            Err("expired"),
        ),
        (
            "valid by hub clock",
            manifest("zhangjiacun", 6, "2026-12-02T07:00:00+08:00"),
            None,
            now,
            -hour,
            Ok(()),
        ),
    ];
    for (case, m, held, box_now, offset, expected) in cases {
        let got = judge_manifest(&m, &own, held, box_now, offset).map_err(|e| e.to_string());
        match (expected, got) {
            (Ok(()), Ok(())) => {}
            (Err(word), Err(message)) => {
                assert!(message.contains(word), "{case}: `{message}` lacks `{word}`")
            }
            (expected, got) => panic!("{case}: expected {expected:?}, got {got:?}"),
        }
    }
}

#[test]
fn other_protocol_and_duplicate_airings_are_refused() {
    let own: BoxId = "zhangjiacun".parse().expect("id");
    let now = at("2026-12-02T06:31:00+08:00");
    let mut m = manifest("zhangjiacun", 1, "2026-12-09T06:30:00+08:00");
    m.protocol = 2;
    let err = judge_manifest(&m, &own, None, now, SignedDuration::ZERO).expect_err("protocol 2");
    assert_eq!(err, Refusal::Protocol { found: 2 });
    m.protocol = 1;
    m.airings.push(m.airings[0].clone());
    let err = judge_manifest(&m, &own, None, now, SignedDuration::ZERO).expect_err("dup");
    assert!(matches!(err, Refusal::DuplicateAiring(_)), "{err}");
}

#[test]
fn malformed_values_are_refused_when_parsed() {
    let digest = |s: &str| serde_json::from_value::<Digest>(serde_json::json!(s));
    assert!(digest(DIGEST).is_ok());
    for bad in [
        "blake3:9F2C000000000000000000000000000000000000000000000000000000000000",
        "blake3:9f2c",
        "sha256:9f2c000000000000000000000000000000000000000000000000000000000000",
        "blake3:../../etc/passwd000000000000000000000000000000000000000000000",
        "",
    ] {
        let err = digest(bad).expect_err(bad).to_string();
        assert!(err.contains("blake3:"), "{bad}: {err}");
    }
    for bad in ["", "-a", "Zhang", "张家村", "a/b", &"a".repeat(33)] {
        assert!(bad.parse::<BoxId>().is_err(), "{bad}");
    }
    assert!("box-7".parse::<BoxId>().is_ok());
    for bad in ["2026-12-02 07:00", "2026-12-02T07:00:00", "tomorrow"] {
        let got = serde_json::from_value::<WireTime>(serde_json::json!(bad));
        assert!(got.is_err(), "{bad}");
    }
    let sev = |v: serde_json::Value| serde_json::from_value::<Severity>(v).ok();
    assert_eq!(sev(serde_json::json!(2)), Some(Severity::Level(2)));
    assert_eq!(sev(serde_json::json!("test")), Some(Severity::Test));
    assert_eq!(sev(serde_json::json!(0)), None);
    assert_eq!(sev(serde_json::json!(5)), None);
    assert_eq!(sev(serde_json::json!("red")), None);
}

#[test]
fn wire_time_keeps_the_offset_it_was_written_with() {
    let t = WireTime::new(
        at("2026-12-01T23:00:00Z"),
        jiff::tz::Offset::from_hours(8).expect("offset"),
    );
    assert_eq!(t.to_string(), "2026-12-02T07:00:00+08:00");
    let json = serde_json::to_string(&t).expect("json");
    let back: WireTime = serde_json::from_str(&json).expect("back");
    assert_eq!(back, t);
}

#[test]
fn credential_round_trips_and_never_prints_its_secret() {
    let id: BoxId = "zhangjiacun".parse().expect("id");
    let cred = Credential::new(id.clone(), [7; 32]);
    let text = cred.reveal();
    let back = Credential::parse(&text).expect("parse");
    assert_eq!(back.hash(), cred.hash());
    assert_eq!(back.box_id(), &id);
    let secret = text.split_once('.').expect("dot").1;
    assert!(!format!("{cred:?}").contains(secret));
    let other = Credential::new(id, [8; 32]);
    assert_ne!(other.hash(), cred.hash());
    for bad in [
        "zhangjiacun",
        "zhangjiacun.abc",
        "张.0707070707070707070707070707070707070707070707070707070707070707",
    ] {
        assert!(Credential::parse(bad).is_err(), "{bad}");
    }
}

#[test]
fn docs_examples_parse() {
    let doc = include_str!("../../docs/protocol.md");
    let blocks: Vec<&str> = doc
        .split("```json")
        .skip(1)
        .filter_map(|b| b.split("```").next())
        .collect();
    assert_eq!(blocks.len(), 3, "manifest, alert and report examples");
    serde_json::from_str::<Manifest>(blocks[0]).expect("manifest example");
    serde_json::from_str::<Alert>(blocks[1]).expect("alert example");
    serde_json::from_str::<Report>(blocks[2]).expect("report example");
}

#[test]
fn a_report_of_a_box_before_1_1_is_accepted_without_titles_or_duration() {
    let doc = include_str!("../../docs/protocol.md");
    let example = doc
        .split("```json")
        .nth(3)
        .unwrap()
        .split("```")
        .next()
        .unwrap();
    let new: Report = serde_json::from_str(example).unwrap();
    assert_eq!(new.protocol_minor, PROTOCOL_MINOR);
    assert_eq!(new.as_run[0].titles, ["关于冬季防火的通知"]);
    assert_eq!(new.as_run[0].duration_secs, Some(176.406));
    // A 1.0 box's report: the same without the fields 1.1 added.
    let mut old: serde_json::Value = serde_json::from_str(example).unwrap();
    old.as_object_mut().unwrap().remove("protocol_minor");
    for key in ["titles", "duration_secs"] {
        old["as_run"][0].as_object_mut().unwrap().remove(key);
    }
    let old: Report = serde_json::from_value(old).unwrap();
    assert_eq!(old.protocol_minor, 0);
    assert!(old.as_run[0].titles.is_empty());
    assert_eq!(old.as_run[0].duration_secs, None);
    assert_eq!(old.as_run[0].airing_id, new.as_run[0].airing_id);
}
