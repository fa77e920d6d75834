//! The broadcast box's speed: schedule arithmetic, and `dalaba tick` with nothing to do
//! against a station holding many approved articles (the cron case, once a minute).
//!
//! Run with `cargo bench --bench station`. Under `cargo test --all-targets` (no `--bench`
//! argument) it does a short smoke run.

#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use dalaba::schedule;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

const SLOTS: &str = r#"
[[slot]]
name = "morning"
at = ["07:00", "12:00:30"]
queue = "news"
catch_up_minutes = 10

[[slot]]
name = "evening"
at = ["18:30"]
days = "mon-fri"
queue = "news"

[[slot]]
name = "weather"
cron = "0 12 * * mon-fri"
queue = "weather"

[[slot]]
name = "fire"
at = ["06:45"]
from = "2026-11-01"
until = "2027-04-30"
queue = "fire"
"#;

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    arithmetic(full);
    idle_tick(full);
}

fn arithmetic(full: bool) {
    let slots = schedule::parse(Path::new("bench.toml"), SLOTS).unwrap();
    let tz = TimeZone::get("Asia/Shanghai").unwrap();
    let start: Timestamp = "2026-12-01T00:00:00+08:00".parse().unwrap();
    let year = start.checked_add(SignedDuration::from_hours(24 * 365)).unwrap();
    let rounds = if full { 20 } else { 1 };
    let t = Instant::now();
    let mut n = 0;
    for _ in 0..rounds {
        n = schedule::occurrences(&slots, &tz, start, year).len();
    }
    let per = t.elapsed().as_secs_f64() / f64::from(rounds);
    println!("occurrences of 4 slots over a year: {n} in {:.2} ms", per * 1e3);
    let calls = if full { 10_000 } else { 100 };
    let lead = SignedDuration::from_mins(30);
    let t = Instant::now();
    let mut at = start;
    for _ in 0..calls {
        at = schedule::next_deadline(&slots, &tz, at, lead).unwrap();
    }
    let per = t.elapsed().as_secs_f64() / f64::from(calls);
    println!(
        "next_deadline: {:.1} µs a call ({calls} deadlines, up to {})",
        per * 1e6,
        at.to_zoned(tz.clone()).date()
    );
}

fn idle_tick(full: bool) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("schedules")).unwrap();
    std::fs::write(root.join("schedules/main.toml"), SLOTS).unwrap();
    let voices = Path::new(env!("CARGO_MANIFEST_DIR")).join("voices");
    std::fs::create_dir_all(root.join("voices")).unwrap();
    for entry in std::fs::read_dir(voices).unwrap() {
        let p = entry.unwrap().path();
        std::fs::copy(&p, root.join("voices").join(p.file_name().unwrap())).unwrap();
    }
    let dalaba = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_dalaba"))
            .arg("--station")
            .arg(root)
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let articles = if full { 200 } else { 5 };
    for i in 0..articles {
        let file = root.join(format!("{i}.txt"));
        std::fs::write(
            &file,
            format!("+++\ntitle = \"通知{i}\"\nqueue = \"news\"\n+++\n各位村民请注意。\n这是第{i}条通知。\n"),
        )
        .unwrap();
        let id = dalaba(&["add", file.to_str().unwrap()]);
        let id = id.lines().next().unwrap();
        dalaba(&["approve", id, "--by", "bench"]);
    }
    dalaba(&["tick", "--now", "2026-12-01T09:00:00+08:00"]);
    let runs = if full { 50 } else { 3 };
    let mut times = Vec::new();
    for i in 0..runs {
        let now = format!("2026-12-01T09:{:02}:10+08:00", 1 + i % 50);
        let t = Instant::now();
        let out = dalaba(&["tick", "--now", &now]);
        times.push(t.elapsed().as_secs_f64() * 1e3);
        assert!(out.is_empty(), "nothing to do: {out}");
    }
    times.sort_by(f64::total_cmp);
    println!(
        "idle tick, {articles} approved articles: median {:.1} ms, max {:.1} ms ({runs} runs)",
        times[times.len() / 2],
        times[times.len() - 1]
    );
}
