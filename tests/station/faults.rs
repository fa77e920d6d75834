//! Issue 9's faults, each through the real binary: replays on a live station, outages,
//! gaps, the operator of a play-now, lost and damaged databases, signals, a withdrawal
//! during a render.

use std::process::Stdio;

use super::{BoxUnderTest, MORNING, Reaped, aired, notice, terminate};
use crate::support::stderr;

fn approved(schedule: &str) -> BoxUnderTest {
    let b = BoxUnderTest::new(schedule);
    let (id, _) = b.add("a.txt", &notice(1, 1), &[]);
    b.ok(&["approve", &id.to_string(), "--by", "王书记"]);
    b
}

#[test]
fn a_live_station_refuses_a_replay_and_says_how_to_rehearse() {
    let b = approved(MORNING);
    b.station.write("dalaba.toml", "device_realtime = false\n");
    let out = b.run(&["tick", "--now", "2030-01-01T07:00:05+08:00"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("cp -r") && err.contains("rehearsal = true"),
        "{err}"
    );
    // Nothing was written: no first-seen time in the future, no rows.
    assert!(b.log().is_empty());
    // `plan` only reads: it may look at any time, and writes nothing either.
    let plan = b.ok(&["plan", "--now", "2030-01-01T06:00:00+08:00"]);
    assert!(plan.contains("morning"), "{plan}");
    assert!(b.log().is_empty());
}

#[test]
fn an_outage_of_days_logs_every_missed_slot() {
    let b = approved(MORNING);
    b.ok(&["tick", "--now", "2026-11-01T06:00:00+08:00"]);
    let out = b.ok(&["tick", "--now", "2026-11-05T12:00:00+08:00"]);
    let missed: Vec<String> = b
        .log()
        .iter()
        .filter(|r| r["outcome"] == "missed")
        .map(|r| r["scheduled"].as_str().unwrap()[..10].to_owned())
        .collect();
    assert_eq!(
        missed,
        [
            "2026-11-01",
            "2026-11-02",
            "2026-11-03",
            "2026-11-04",
            "2026-11-05"
        ],
        "{out}"
    );
}

#[test]
fn after_a_gap_only_the_latest_occurrence_airs() {
    // A fresh station's first tick airs nothing from before it, even inside the window.
    let fresh = approved(MORNING);
    fresh.ok(&["tick", "--now", "2026-12-01T07:05:00+08:00"]);
    assert!(fresh.log().is_empty(), "{:#?}", fresh.log());
    let b = approved(
        "[[slot]]\nname = \"often\"\ncron = \"*/2 * * * *\"\nqueue = \"news\"\nvoice = \"default\"\ncatch_up_minutes = 10\n",
    );
    b.ok(&["tick", "--now", "2026-12-01T07:00:30+08:00"]);
    b.ok(&["tick", "--now", "2026-12-01T07:10:30+08:00"]);
    let log = b.log();
    let outcomes: Vec<(String, String)> = log
        .iter()
        .map(|r| {
            (
                r["scheduled"].as_str().unwrap()[11..16].to_owned(),
                r["outcome"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expect: Vec<(String, String)> = [
        ("07:00", "aired"),
        ("07:02", "missed"),
        ("07:04", "missed"),
        ("07:06", "missed"),
        ("07:08", "missed"),
        ("07:10", "aired"),
    ]
    .iter()
    .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
    .collect();
    assert_eq!(outcomes, expect);
}

#[test]
fn play_now_records_its_operator() {
    let b = approved(MORNING);
    b.ok(&["play-now", "1", "--by", "张会计"]);
    let log = b.log();
    assert_eq!(log[0]["outcome"], "aired");
    assert_eq!(log[0]["operator"], "张会计");
    assert!(log[0]["emergency_by"].is_null());
    assert_eq!(aired(&log[0])[0].2, "王书记", "a name, not a sentence");
    assert!(log[0]["articles"][0]["countersigned_by"].is_null());
}

#[test]
fn an_empty_or_missing_database_is_an_error_not_a_fresh_start() {
    let b = approved(MORNING);
    let db = b.station.join("state/dalaba.db");
    std::fs::write(&db, b"").unwrap();
    for args in [&["tick"][..], &["list"][..]] {
        let out = b.run(args);
        assert!(!out.status.success(), "{args:?} started afresh");
        let err = stderr(&out);
        assert!(
            err.contains("dalaba.db") && err.contains("0 bytes") && err.contains("backup"),
            "{err}"
        );
    }
    std::fs::remove_dir_all(b.station.join("state")).unwrap();
    let out = b.run(&["tick"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("is missing"), "{}", stderr(&out));
    assert!(!db.exists(), "no empty database was made");
}

#[test]
fn a_damaged_database_says_what_to_do() {
    let b = approved(MORNING);
    std::fs::write(b.station.join("state/dalaba.db"), vec![0x5a; 8192]).unwrap();
    let _ = std::fs::remove_file(b.station.join("state/dalaba.db-wal"));
    let out = b.run(&["list"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("damaged") && err.contains("backup"), "{err}");
}

fn daemon(b: &BoxUnderTest) -> Reaped {
    Reaped(Some(
        b.cmd(&["run"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    ))
}

#[test]
fn a_second_daemon_cannot_start_even_after_state_is_deleted() {
    let b = approved(MORNING);
    let mut first = daemon(&b);
    b.wait_for_daemon();
    std::fs::remove_dir_all(b.station.join("state")).unwrap();
    let second = b.run(&["run"]);
    assert!(!second.status.success(), "two daemons on one station");
    let err = stderr(&second);
    assert!(
        err.contains("already running") || err.contains("is missing"),
        "{err}"
    );
    // The first notices its database is gone and stops, saying so.
    terminate(first.0.as_ref().unwrap());
    let out = first.0.take().unwrap().wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() || text.contains("deleted"), "{text}");
}

#[test]
fn sighup_reloads_the_schedules_and_does_not_kill() {
    use std::io::BufRead;
    let b = approved(MORNING);
    let mut d = daemon(&b);
    b.wait_for_daemon();
    let child = d.0.as_mut().unwrap();
    let hup = std::process::Command::new("kill")
        .args(["-HUP", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(hup.success());
    // Stop it only once it said it reloaded: a SIGTERM racing the SIGHUP may rightly win.
    let (said, heard) = std::sync::mpsc::channel();
    let stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    std::thread::spawn(move || {
        for line in stdout.lines().map_while(Result::ok) {
            let _ = said.send(line);
        }
    });
    let mut seen = Vec::new();
    while !seen.iter().any(|l: &String| l.contains("reloaded")) {
        match heard.recv_timeout(std::time::Duration::from_secs(60)) {
            Ok(line) => seen.push(line),
            Err(e) => panic!("no `reloaded` line ({e}); it printed {seen:#?}"),
        }
    }
    terminate(d.0.as_ref().unwrap());
    let out = d.0.take().unwrap().wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{:?}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A voice that runs `before` (a shell line) before each sentence, then speaks it with
/// espeak-ng. Slots with `voice = "hooked"` use it.
fn hooked_voice(b: &BoxUnderTest, before: &str) {
    let script = format!("{before}; exec espeak-ng -w \"$1\" -v cmn-latn-pinyin -- \"$2\"");
    let args = toml::Value::Array(
        ["-c", &script, "sh", "{out}", "{text}"]
            .iter()
            .map(|a| toml::Value::String((*a).to_owned()))
            .collect(),
    );
    b.station.write(
        "voices/hooked.toml",
        format!("kind = \"command\"\nprogram = \"sh\"\nargs = {args}\nconcurrency = 1\n"),
    );
}

const HOOKED: &str = "[[slot]]\nname = \"morning\"\nat = [\"07:00\"]\nqueue = \"news\"\nvoice = \"hooked\"\ncatch_up_minutes = 10\n";

#[test]
fn withdrawing_an_article_during_the_render_drops_it_and_the_rest_airs() {
    let b = BoxUnderTest::new(HOOKED);
    for n in 1..=2 {
        let (id, _) = b.add(&format!("{n}.txt"), &notice(n, 1), &[]);
        b.ok(&["approve", &id.to_string(), "--by", "王书记"]);
    }
    let station = b.station.path().display().to_string();
    hooked_voice(
        &b,
        &format!(
            "'{}' --station '{station}' withdraw 1 >/dev/null 2>&1",
            env!("CARGO_BIN_EXE_dalaba")
        ),
    );
    let out = b.ok(&["tick", "--now", "2026-12-01T07:00:01+08:00"]);
    let log = b.log();
    assert_eq!(log[0]["outcome"], "aired", "{out}\n{log:#?}");
    let ids: Vec<i64> = aired(&log[0]).iter().map(|a| a.0).collect();
    assert_eq!(
        ids,
        vec![2],
        "the withdrawn article dropped out, the other aired"
    );
}

#[test]
fn sigterm_during_a_render_stops_soon_and_leaves_no_temporary_file() {
    // A slot ten minutes from now: the daemon renders it ahead at once.
    let at = jiff::Timestamp::now()
        .checked_add(jiff::SignedDuration::from_mins(10))
        .unwrap()
        .to_zoned(jiff::tz::TimeZone::get("Asia/Shanghai").unwrap());
    let b = BoxUnderTest::new(&HOOKED.replace("07:00", &at.strftime("%H:%M").to_string()));
    let (id, _) = b.add("a.txt", &notice(1, 1), &[]);
    b.ok(&["approve", &id.to_string(), "--by", "王书记"]);
    // A voice that hangs: the render is under way when the stop comes.
    let started = b.station.join("render-started");
    // It writes its pid first, so the test can end it afterwards.
    hooked_voice(
        &b,
        &format!("echo $$ > '{}'; exec sleep 600", started.display()),
    );
    let mut d = daemon(&b);
    let wait = std::time::Instant::now();
    let voice_pid = loop {
        let pid = std::fs::read_to_string(&started).unwrap_or_default();
        if pid.ends_with('\n') {
            break pid.trim().to_owned();
        }
        assert!(wait.elapsed().as_secs() < 60, "the render never started");
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    terminate(d.0.as_ref().unwrap());
    let out = d.0.take().unwrap().wait_with_output().unwrap();
    // The hung voice is the test's own child's child: end it (dalaba leaves it to the TTS
    // backend, which does not kill its process when a render is dropped).
    let _ = std::process::Command::new("kill").arg(&voice_pid).status();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let leftovers: Vec<_> = walk(&b.station.join("state"))
        .into_iter()
        .filter(|p| p.to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    assert!(b.log().is_empty(), "{:#?}", b.log());
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
fn a_failed_airing_records_its_real_length_and_is_retried_inside_its_window() {
    let mut b = approved(MORNING);
    b.ok(&["tick", "--now", "2026-12-01T06:50:00+08:00"]);
    let (_dir, none) = crate::support::CapturedAlsa::no_device();
    b.alsa_config = none;
    let out = b.run(&["tick", "--now", "2026-12-01T07:00:01+08:00"]);
    assert!(!out.status.success());
    let failed = b.log()[0].clone();
    assert_eq!(failed["outcome"], "failed");
    let length = failed["duration_s"].as_f64().unwrap_or(0.0);
    assert!(length < 5.0, "not the program's length: {failed:#}");
    // The device is back two minutes later, inside the ten-minute window: aired then.
    b.alsa_config = b.alsa.config.clone();
    b.ok(&["tick", "--now", "2026-12-01T07:02:00+08:00"]);
    let log = b.log();
    assert_eq!(log.len(), 1, "{log:#?}");
    assert_eq!(log[0]["outcome"], "aired", "{log:#?}");
    // Each transition of the airing is one event in the log.
    let events: Vec<&str> = log[0]["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(
        events,
        [
            "claimed", "rendered", "on air", "failed", "retried", "rendered", "on air", "aired"
        ]
    );
}
