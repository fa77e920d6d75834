//! `dalaba run` as a process, a smoke test: a real device, real signals (SIGTERM, SIGUSR1 from
//! `play-now`), a real file watcher. The engine's timing is tested in process, on paused
//! time, in `station::engine`.

use std::process::Stdio;

use jiff::{SignedDuration, Timestamp, tz::TimeZone};

use super::{BoxUnderTest, FifoAlsa, Reaped, aired, notice, terminate};

/// A station with one slot `secs` seconds from now (station time, Asia/Shanghai), and one
/// approved article; returns the box and the slot's scheduled time.
fn slot_soon(secs: i64) -> (BoxUnderTest, Timestamp) {
    let at = Timestamp::now()
        .checked_add(SignedDuration::from_secs(secs))
        .unwrap();
    let local = at.to_zoned(TimeZone::get("Asia/Shanghai").unwrap());
    let at = local
        .with()
        .subsec_nanosecond(0)
        .build()
        .unwrap()
        .timestamp();
    let b = BoxUnderTest::new(&format!(
        "[[slot]]\nname = \"soon\"\nat = [\"{}\"]\nqueue = \"news\"\nvoice = \"default\"\ncatch_up_minutes = 5\n",
        local.strftime("%H:%M:%S")
    ));
    let (id, _) = b.add("a.txt", &notice(1, 1), &[]);
    b.ok(&["approve", &id.to_string(), "--by", "王书记"]);
    (b, at)
}

fn start(b: &BoxUnderTest) -> Reaped {
    Reaped(Some(
        b.cmd(&["run"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    ))
}

fn stop(mut daemon: Reaped) -> std::process::Output {
    let child = daemon.0.take().unwrap();
    terminate(&child);
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn parse(t: &serde_json::Value) -> Timestamp {
    t.as_str().unwrap().parse().unwrap()
}

#[test]
fn the_daemon_airs_a_slot_on_time_through_the_device() {
    let (b, at) = slot_soon(8);
    let child = start(&b);
    let row = b.wait_for(60, |r| {
        r["slot"] == "soon" && r["outcome"] != "airing" && r["outcome"] != "claimed"
    });
    let out = stop(child);
    assert_eq!(
        row["outcome"],
        "aired",
        "{row:#}\n{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(parse(&row["scheduled"]), at);
    let late = parse(&row["started"]).duration_since(at);
    println!("started {} ms after the slot time", late.as_millis());
    assert!(late >= SignedDuration::ZERO, "never early: {late:?}");
    // To the millisecond in `station::engine` (paused time); here only: inside its window.
    assert!(late < SignedDuration::from_mins(5), "on time: {late:?}");
    let samples = b.alsa.samples_f32();
    assert!(
        samples.iter().any(|s| s.abs() > 0.01),
        "the program reached the device"
    );
    assert_eq!(aired(&row).len(), 1);
}

#[test]
fn play_now_under_the_daemon_breaks_in_then_the_slot_airs_again() {
    let (mut b, _) = slot_soon(6);
    let (urgent, _) = b.add("fire.txt", &notice(9, 1), &["--queue", "alerts"]);
    let fifo = FifoAlsa::new();
    b.alsa_config = fifo.config.clone();
    let child = start(&b);
    let reader = fifo.read_paced(96_000);
    b.wait_for(60, |r| r["slot"] == "soon" && r["outcome"] == "airing");
    // Let a few seconds of the program go out (the reader takes it in real time), so the
    // cut falls past the first paragraph break.
    std::thread::sleep(std::time::Duration::from_secs(6));
    let out = b.ok(&[
        "play-now",
        &urgent.to_string(),
        "--emergency",
        "--by",
        "李站长",
    ]);
    assert!(out.contains("handed"), "{out}");
    b.wait_for(120, |r| {
        r["slot"] == "soon (resumed)" && r["outcome"] != "airing" && r["outcome"] != "claimed"
    });
    stop(child);
    reader.finish();
    let log = b.log();
    let by_slot = |name: &str| log.iter().find(|r| r["slot"] == name).unwrap().clone();
    let first = by_slot("soon");
    assert_eq!(first["outcome"], "interrupted");
    assert!(
        first["reason"].as_str().unwrap().contains("emergency"),
        "{first:#}"
    );
    let emergency = by_slot("play-now");
    assert_eq!(emergency["outcome"], "aired");
    assert_eq!(aired(&emergency)[0].0, urgent);
    assert!(
        emergency["articles"][0]["approved_by"].is_null(),
        "unsigned: {emergency:#}"
    );
    let again = by_slot("soon (resumed)");
    assert_eq!(again["outcome"], "aired");
    let reason = again["reason"].as_str().unwrap_or("");
    assert!(reason.starts_with("resumed from"), "{again:#}");
    let shorter = again["duration_s"].as_f64().unwrap() < first["duration_s"].as_f64().unwrap();
    assert!(shorter, "picked up mid-program: {again:#} vs {first:#}");
    assert!(parse(&emergency["started"]) < parse(&again["started"]));
}

#[test]
fn the_daemon_picks_up_an_edited_schedule() {
    let (b, _) = slot_soon(3600);
    let daemon = start(&b);
    b.wait_for_daemon();
    // Move the slot to a few seconds from now while the daemon sleeps.
    let at = Timestamp::now()
        .checked_add(SignedDuration::from_secs(6))
        .unwrap()
        .to_zoned(TimeZone::get("Asia/Shanghai").unwrap());
    b.station.write(
        "schedules/main.toml",
        format!(
            "[[slot]]\nname = \"moved\"\nat = [\"{}\"]\nqueue = \"news\"\nvoice = \"default\"\ncatch_up_minutes = 5\n",
            at.strftime("%H:%M:%S")
        ),
    );
    let row = b.wait_for(60, |r| {
        r["slot"] == "moved" && r["outcome"] != "airing" && r["outcome"] != "claimed"
    });
    stop(daemon);
    assert_eq!(row["outcome"], "aired", "{row:#}");
}

#[test]
fn play_now_handed_to_the_daemon_is_judged_at_the_keyboard() {
    // Quiet all day: a normal article must be refused to the person who typed the command,
    // not only in the daemon's own output.
    let (b, _) = slot_soon(3_600);
    b.station.write(
        "dalaba.toml",
        "device_realtime = false\nquiet_hours = { from = \"00:00\", until = \"23:59:59\" }\n",
    );
    let child = start(&b);
    // Its pid file, not only its lock: a SIGTERM before its handlers are in place kills it.
    b.wait_for_daemon();
    let out = b.run(&["play-now", "1"]);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    stop(child);
    assert!(
        !out.status.success(),
        "a quiet-hours play-now was handed over"
    );
    assert!(err.contains("quiet hours"), "{err}");
    assert!(
        b.log().iter().all(|r| r["slot"] != "play-now"),
        "{:#?}",
        b.log()
    );
}
