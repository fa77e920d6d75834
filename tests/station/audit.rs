//! The fault audit of issue 9 as a test suite, through the real binary: ticks killed at
//! seeded random points, clock jumps from seconds to days, 50 ticks at once. Each trial
//! counts double airings and lost slots; both must be 0. `DALABA_AUDIT_TRIALS` raises the
//! number of trials (CI runs a few; `make bench` or a long night runs more).

use std::collections::BTreeMap;
use std::process::Stdio;
use std::time::Duration;

use super::{BoxUnderTest, aired, notice};
use crate::support::stderr;

/// Trials per audit: a few in CI, more on request.
fn trials(default: u64) -> u64 {
    std::env::var("DALABA_AUDIT_TRIALS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A small deterministic generator (SplitMix64): the seed is printed, so a failure replays.
struct Seeded(u64);

impl Seeded {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn seed() -> u64 {
    std::env::var("DALABA_AUDIT_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_261_201)
}

const SLOT: &str = "[[slot]]\nname = \"morning\"\nat = [\"07:00\"]\nqueue = \"news\"\nvoice = \"default\"\ncatch_up_minutes = 10\n";

fn station() -> BoxUnderTest {
    let b = BoxUnderTest::new(SLOT);
    let (id, _) = b.add("a.txt", &notice(1, 1), &[]);
    b.ok(&["approve", &id.to_string(), "--by", "王书记"]);
    b
}

/// Rows per `(slot, scheduled)` and the double airings among them.
fn tally(b: &BoxUnderTest) -> (BTreeMap<(String, String), Vec<String>>, usize) {
    let mut rows: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for r in b.log() {
        let key = (
            r["slot"].as_str().unwrap().to_owned(),
            r["scheduled"].as_str().unwrap().to_owned(),
        );
        rows.entry(key)
            .or_default()
            .push(r["outcome"].as_str().unwrap().to_owned());
    }
    let doubles = rows
        .values()
        .filter(|o| o.iter().filter(|x| *x == "aired").count() > 1 || o.len() > 1)
        .count();
    (rows, doubles)
}

#[test]
fn ticks_killed_at_random_points_never_air_twice_nor_lose_the_slot() {
    let mut rng = Seeded(seed());
    let (mut doubles, mut lost) = (0, 0);
    for trial in 0..trials(4) {
        let b = station();
        b.ok(&["tick", "--now", "2026-12-01T06:00:00+08:00"]);
        // Killed somewhere in render, transaction or airing: the render is not done ahead.
        let mut child = b
            .cmd(&["tick", "--now", "2026-12-01T07:00:01+08:00"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let at = rng.below(2_500);
        std::thread::sleep(Duration::from_millis(at));
        let _ = child.kill();
        let _ = child.wait();
        // The next ticks inside the catch-up window and after it settle the occurrence.
        b.ok(&["tick", "--now", "2026-12-01T07:03:00+08:00"]);
        b.ok(&["tick", "--now", "2026-12-01T07:30:00+08:00"]);
        let (rows, d) = tally(&b);
        doubles += d;
        let outcome = rows
            .get(&(
                "morning".to_owned(),
                "2026-12-01T07:00:00.000+08:00".to_owned(),
            ))
            .cloned()
            .unwrap_or_default();
        if !matches!(outcome.as_slice(), [o] if o == "aired" || o == "interrupted") {
            lost += 1;
            println!("trial {trial} (kill at {at} ms): {outcome:?}");
        }
    }
    println!(
        "killed ticks: {} trials, {doubles} double airings, {lost} lost slots",
        trials(4)
    );
    assert_eq!((doubles, lost), (0, 0));
}

#[test]
fn clock_jumps_of_seconds_to_days_log_every_occurrence_once() {
    let mut rng = Seeded(seed() ^ 0x5eed);
    let b = station();
    let mut now = "2026-12-01T06:00:00+08:00"
        .parse::<jiff::Timestamp>()
        .unwrap();
    let first = now;
    for _ in 0..trials(6) {
        let jump = match rng.below(3) {
            0 => rng.below(120) + 1,            // seconds
            1 => rng.below(6 * 3600) + 60,      // hours
            _ => rng.below(4 * 86_400) + 3_600, // days
        };
        now = now
            .checked_add(jiff::SignedDuration::from_secs(jump as i64))
            .unwrap();
        let out = b.run(&["tick", "--now", &now.to_string()]);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    // Every occurrence from the first tick to the window before the last is in the log once.
    let (rows, doubles) = tally(&b);
    assert_eq!(doubles, 0, "{rows:#?}");
    let tz = jiff::tz::TimeZone::get("Asia/Shanghai").unwrap();
    let mut day = first.to_zoned(tz.clone()).date();
    let closed = now
        .checked_sub(jiff::SignedDuration::from_mins(11))
        .unwrap();
    let mut expected = 0;
    loop {
        let at = day.at(7, 0, 0, 0).to_zoned(tz.clone()).unwrap().timestamp();
        if at > closed {
            break;
        }
        if at > first {
            expected += 1;
            let key = (
                "morning".to_owned(),
                at.to_zoned(tz.clone())
                    .strftime("%Y-%m-%dT%H:%M:%S%.3f%:z")
                    .to_string(),
            );
            assert!(rows.contains_key(&key), "{key:?} lost: {rows:#?}");
        }
        day = day.tomorrow().unwrap();
    }
    println!(
        "clock jumps: {} ticks, {expected} occurrences, all logged once",
        trials(6)
    );
}

#[test]
fn fifty_ticks_at_once_air_the_slot_exactly_once() {
    let b = station();
    b.ok(&["tick", "--now", "2026-12-01T06:50:00+08:00"]);
    let children: Vec<_> = (0..50)
        .map(|_| {
            b.cmd(&["tick", "--now", "2026-12-01T07:00:02+08:00"])
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for c in children {
        let out = c.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let log = b.log();
    assert_eq!(log.len(), 1, "{log:#?}");
    assert_eq!(log[0]["outcome"], "aired");
    assert_eq!(aired(&log[0]).len(), 1);
}
