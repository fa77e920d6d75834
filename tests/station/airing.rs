//! Exactly once, across overlapping and killed ticks; missed slots, quiet hours, failures
//! and the CSV a township files.

use std::process::Stdio;

use super::{BoxUnderTest, FifoAlsa, MORNING, Reaped, aired, notice};
use crate::support::{CapturedAlsa, stderr, stdout};

fn approved_morning() -> BoxUnderTest {
    let b = BoxUnderTest::new(MORNING);
    let (id, _) = b.add("a.txt", &notice(1, 1), &[]);
    b.ok(&["approve", &id.to_string(), "--by", "王书记"]);
    b
}

#[test]
fn twenty_ticks_started_together_air_a_due_slot_once() {
    let b = approved_morning();
    // Render ahead, as cron would have in the minutes before.
    b.ok(&["tick", "--now", "2026-12-01T06:50:00+08:00"]);
    let children: Vec<_> = (0..20)
        .map(|_| {
            b.cmd(&["tick", "--now", "2026-12-01T07:00:02+08:00"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let outs: Vec<_> = children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect();
    for o in &outs {
        assert!(o.status.success(), "{}", stderr(o));
    }
    let aired_lines = outs
        .iter()
        .filter(|o| stdout(o).contains("morning  aired"))
        .count();
    assert_eq!(aired_lines, 1, "exactly one tick aired it");
    let log = b.log();
    let morning: Vec<_> = log.iter().filter(|r| r["slot"] == "morning").collect();
    assert_eq!(morning.len(), 1, "{log:#?}");
    assert_eq!(morning[0]["outcome"], "aired");
    assert_eq!(aired(morning[0]).len(), 1);
}

#[test]
fn a_tick_killed_mid_airing_is_logged_interrupted_and_never_aired_twice() {
    let mut b = approved_morning();
    // Nobody reads the FIFO: playback blocks, so the tick is caught on air.
    let fifo = FifoAlsa::new();
    b.alsa_config = fifo.config.clone();
    let mut tick = Reaped(Some(
        b.cmd(&["tick", "--now", "2026-12-01T07:00:02+08:00"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    ));
    b.wait_for(120, |r| r["outcome"] == "airing");
    let mut child = tick.0.take().unwrap();
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    // The next tick, still inside the slot's catch-up window, finds the dead airing.
    b.alsa_config = b.alsa.config.clone();
    let out = b.ok(&["tick", "--now", "2026-12-01T07:01:30+08:00"]);
    assert!(out.contains("morning  interrupted"), "{out}");
    assert!(!out.contains("aired"), "not aired again: {out}");
    let log = b.log();
    assert_eq!(log.len(), 1, "{log:#?}");
    assert_eq!(log[0]["outcome"], "interrupted");
    assert!(log[0]["started"].is_string() && log[0]["ended"].is_string());
    assert!(
        log[0]["reason"]
            .as_str()
            .unwrap()
            .contains("stopped mid-program")
    );
    // And the tick after that leaves it alone.
    b.ok(&["tick", "--now", "2026-12-01T07:02:30+08:00"]);
    assert_eq!(b.log(), log);
}

#[test]
fn a_slot_past_its_catch_up_window_is_missed_inside_it_airs_late() {
    let b = approved_morning();
    b.ok(&["tick", "--now", "2026-11-30T20:00:00+08:00"]); // the box was up yesterday
    let out = b.ok(&["tick", "--now", "2026-12-01T07:20:00+08:00"]);
    assert!(out.contains("morning  missed"), "{out}");
    b.ok(&["tick", "--now", "2026-12-02T07:09:00+08:00"]);
    let log = b.log();
    assert_eq!(log.len(), 2, "{log:#?}");
    assert_eq!(log[0]["outcome"], "missed");
    assert!(log[0]["reason"].as_str().unwrap().contains("10 minutes"));
    assert_eq!(log[1]["outcome"], "aired");
    assert!(
        log[1]["started"]
            .as_str()
            .unwrap()
            .starts_with("2026-12-02T07:09:")
    );
}

#[test]
fn quiet_hours_let_only_emergencies_through() {
    let b = BoxUnderTest::new(
        "[[slot]]\nname = \"late\"\nat = [\"22:30\", \"23:30\"]\nqueue = \"news\"\nvoice = \"default\"\n",
    );
    b.station.write(
        "dalaba.toml",
        "rehearsal = true\ndevice_realtime = false\nquiet_hours = { from = \"22:00\", until = \"06:00\" }\n",
    );
    let (id, _) = b.add("a.txt", &notice(1, 1), &[]);
    b.ok(&["approve", &id.to_string(), "--by", "王书记"]);
    b.ok(&["tick", "--now", "2026-12-01T22:30:01+08:00"]);
    let (urgent, _) = b.add("b.txt", &notice(2, 1), &["--priority", "emergency"]);
    b.ok(&["approve", &urgent.to_string(), "--by", "王书记"]);
    b.ok(&["tick", "--now", "2026-12-01T23:30:01+08:00"]);
    let log = b.log();
    assert_eq!(log[0]["outcome"], "skipped");
    assert!(
        log[0]["reason"]
            .as_str()
            .unwrap()
            .contains("quiet hours (22:00–06:00)")
    );
    assert_eq!(log[1]["outcome"], "aired");
    let ids: Vec<i64> = aired(&log[1]).iter().map(|a| a.0).collect();
    assert_eq!(ids, vec![urgent], "only the emergency article");
}

#[test]
fn a_missing_device_fails_loudly_and_the_next_slot_still_airs() {
    let mut b = approved_morning();
    let (_dir, none) = CapturedAlsa::no_device();
    b.alsa_config = none;
    let out = b.run(&["tick", "--now", "2026-12-01T07:00:01+08:00"]);
    assert!(!out.status.success(), "tick exits non-zero");
    assert!(stderr(&out).contains("morning  failed"), "{}", stderr(&out));
    b.alsa_config = b.alsa.config.clone();
    b.ok(&["tick", "--now", "2026-12-02T07:00:01+08:00"]);
    let log = b.log();
    assert_eq!(log[0]["outcome"], "failed");
    assert!(
        log[0]["reason"].as_str().unwrap().contains("sound device"),
        "{:#}",
        log[0]
    );
    assert_eq!(log[1]["outcome"], "aired");
}

#[test]
fn the_csv_tells_the_whole_story() {
    let b = approved_morning();
    b.ok(&["tick", "--now", "2026-11-30T20:00:00+08:00"]);
    b.ok(&["tick", "--now", "2026-12-01T07:00:01+08:00"]);
    b.ok(&["tick", "--now", "2026-12-02T08:00:00+08:00"]);
    // The English format (`--csv-lang en`); tests/i18n.rs checks the Chinese default.
    let csv = b.ok(&[
        "log",
        "--csv",
        "--csv-lang",
        "en",
        "--since",
        "2026-12-01",
        "--until",
        "2026-12-02",
    ]);
    let lines: Vec<&str> = csv.lines().collect();
    // Issue 14 item 17: a UTF-8 byte-order mark first, for Excel.
    assert_eq!(
        lines[0],
        "\u{feff}slot,scheduled,started,ended,outcome,reason,articles,voice,duration_s,lufs,device,emergency_by,operator"
    );
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(
        lines[1].starts_with("morning,2026-12-01T07:00:00.000+08:00,2026-12-01T07:00:"),
        "{csv}"
    );
    assert!(
        lines[1].contains(",aired,") && lines[1].contains("approved by 王书记"),
        "{csv}"
    );
    assert!(lines[2].contains(",missed,"), "{csv}");
    let only_first = b.ok(&["log", "--csv", "--csv-lang", "en", "--until", "2026-12-01"]);
    assert_eq!(only_first.lines().count(), 2, "{only_first}");
}

#[test]
fn tick_with_nothing_to_do_says_nothing() {
    let b = approved_morning();
    b.ok(&["tick", "--now", "2026-12-01T09:00:00+08:00"]);
    let out = b.ok(&["tick", "--now", "2026-12-01T09:01:00+08:00"]);
    assert!(out.is_empty(), "{out}");
    assert!(b.log().is_empty());
}

#[test]
fn a_tick_killed_before_air_leaves_the_slot_to_the_next_tick() {
    let b = approved_morning();
    // Thirty seconds early: the tick claims the slot, renders and waits for 07:00.
    let mut tick = Reaped(Some(
        b.cmd(&["tick", "--now", "2026-12-01T06:59:30+08:00"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    ));
    b.wait_for(60, |r| r["outcome"] == "claimed");
    let mut child = tick.0.take().unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    let out = b.ok(&["tick", "--now", "2026-12-01T07:00:05+08:00"]);
    assert!(out.contains("morning  released"), "{out}");
    assert!(out.contains("morning  aired"), "{out}");
    let log = b.log();
    assert_eq!(log.len(), 1, "{log:#?}");
    assert_eq!(log[0]["outcome"], "aired");
}

#[test]
fn play_now_in_quiet_hours_needs_an_emergency() {
    let b = approved_morning();
    // Quiet all day long (but the day's last second).
    b.station.write(
        "dalaba.toml",
        "rehearsal = true\ndevice_realtime = false\nquiet_hours = { from = \"00:00\", until = \"23:59:59\" }\n",
    );
    let out = b.run(&["play-now", "1"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("quiet hours"), "{}", stderr(&out));
    assert!(b.log().is_empty());
    b.ok(&["play-now", "1", "--emergency", "--by", "李站长"]);
    assert_eq!(b.log()[0]["outcome"], "aired");
}
