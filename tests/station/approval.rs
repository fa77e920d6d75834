//! Nothing unapproved, and nothing changed after approval, ever airs.

use std::collections::BTreeMap;

use super::{BoxUnderTest, EVERY_TWO_MINUTES, MORNING, aired, notice};

/// A small deterministic generator, so a failing interleaving can be replayed by its seed.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n
    }
}

/// What the test believes about one article.
#[derive(Debug, Clone)]
struct Model {
    hash: String,
    version: usize,
    approved: bool,
    withdrawn: bool,
}

/// Random interleavings of add / approve / update / withdraw / tick. After every tick the
/// log must show exactly the articles the model says are approved, each with the hash of
/// the very script that was approved.
#[test]
fn interleavings_of_add_approve_update_tick_air_only_approved_scripts() {
    for seed in 1..=4u64 {
        let b = BoxUnderTest::new(EVERY_TWO_MINUTES);
        let mut rng = Lcg(seed);
        let mut model: BTreeMap<i64, Model> = BTreeMap::new();
        let mut minute = 0;
        for step in 0..12 {
            let op = if model.is_empty() { 0 } else { rng.below(10) };
            let ids: Vec<i64> = model.keys().copied().collect();
            let pick = |rng: &mut Lcg| ids[rng.below(ids.len())];
            match op {
                0 | 1 => {
                    let n = model.len() + 1;
                    let (id, hash) = b.add(&format!("{n}.txt"), &notice(n, 1), &[]);
                    model.insert(
                        id,
                        Model {
                            hash,
                            version: 1,
                            approved: false,
                            withdrawn: false,
                        },
                    );
                }
                2..=4 => {
                    let id = pick(&mut rng);
                    let ok = b
                        .run(&["approve", &id.to_string(), "--by", "王书记"])
                        .status
                        .success();
                    let m = model.get_mut(&id).unwrap();
                    assert_eq!(ok, !m.withdrawn, "seed {seed} step {step}: approve {id}");
                    m.approved |= ok;
                }
                5 | 6 => {
                    let id = pick(&mut rng);
                    let m = model.get_mut(&id).unwrap();
                    if !m.withdrawn {
                        m.version += 1;
                        m.hash = b.update(
                            id,
                            &format!("{id}-{}.txt", m.version),
                            &notice(id as usize, m.version),
                        );
                        m.approved = false;
                    }
                }
                7 => {
                    let id = pick(&mut rng);
                    b.ok(&["withdraw", &id.to_string()]);
                    let m = model.get_mut(&id).unwrap();
                    m.withdrawn = true;
                    m.approved = false;
                }
                _ => {
                    minute += 2;
                    let now = format!("2026-12-01T08:{minute:02}:02+08:00");
                    b.ok(&["tick", "--now", &now]);
                    let scheduled = format!("2026-12-01T08:{minute:02}:00.000+08:00");
                    let log = b.log();
                    let row = log
                        .iter()
                        .find(|r| r["scheduled"] == scheduled.as_str())
                        .unwrap_or_else(|| panic!("seed {seed}: no row for {scheduled}: {log:#?}"));
                    let expected: Vec<(i64, String, String)> = model
                        .iter()
                        .filter(|(_, m)| m.approved && !m.withdrawn)
                        .map(|(id, m)| (*id, m.hash.clone(), "王书记".to_owned()))
                        .collect();
                    if expected.is_empty() {
                        assert_eq!(row["outcome"], "skipped", "seed {seed}: {row:#}");
                    } else {
                        assert_eq!(row["outcome"], "aired", "seed {seed}: {row:#}");
                    }
                    assert_eq!(aired(row), expected, "seed {seed} step {step}: {row:#}");
                }
            }
        }
    }
}

/// A program rendered ahead for an approved article must not air once the article has
/// changed, even though the file is ready.
#[test]
fn a_change_after_the_program_was_rendered_stops_it_airing() {
    let b = BoxUnderTest::new(MORNING);
    let (id, _) = b.add("a.txt", &notice(1, 1), &[]);
    b.ok(&["approve", &id.to_string(), "--by", "王书记"]);
    let out = b.ok(&["tick", "--now", "2026-12-01T06:45:00+08:00"]);
    assert!(out.contains("rendered"), "rendered ahead: {out}");
    b.update(id, "a2.txt", &notice(1, 2));
    b.ok(&["tick", "--now", "2026-12-01T07:00:01+08:00"]);
    let log = b.log();
    assert_eq!(log.len(), 1, "{log:#?}");
    assert_eq!(log[0]["outcome"], "skipped");
    assert!(log[0]["articles"].as_array().unwrap().is_empty());
    assert!(
        log[0]["reason"].as_str().unwrap().contains("not approved"),
        "{:#}",
        log[0]
    );
}

/// The script is derived again at air time; a stored text altered behind dalaba's back no
/// longer hashes to what was approved, and does not air.
#[test]
fn a_source_altered_in_the_database_does_not_air() {
    let b = BoxUnderTest::new(MORNING);
    let (id, _) = b.add("a.txt", &notice(1, 1), &[]);
    b.ok(&["approve", &id.to_string(), "--by", "王书记"]);
    let db = rusqlite::Connection::open(b.station.join("state/dalaba.db")).unwrap();
    db.execute(
        "UPDATE articles SET source = replace(source, '第1版', '假消息') WHERE id = ?1",
        [id],
    )
    .unwrap();
    drop(db);
    b.ok(&["tick", "--now", "2026-12-01T07:00:01+08:00"]);
    let log = b.log();
    assert_eq!(log[0]["outcome"], "skipped", "{:#}", log[0]);
    assert!(
        log[0]["reason"]
            .as_str()
            .unwrap()
            .contains("changed after approval"),
        "{:#}",
        log[0]
    );
}

/// `play-now` refuses an unapproved article unless it is an explicit emergency, which is
/// logged unsigned until someone approves the same script.
#[test]
fn play_now_needs_approval_or_an_explicit_emergency() {
    let b = BoxUnderTest::new(MORNING);
    let (id, _) = b.add("a.txt", &notice(1, 1), &[]);
    let id = id.to_string();
    let out = b.run(&["play-now", &id]);
    assert!(!out.status.success());
    assert!(crate::support::stderr(&out).contains("not approved"));
    assert!(b.log().is_empty(), "nothing aired");
    b.ok(&["play-now", &id, "--emergency", "--by", "李站长"]);
    let log = b.log();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["outcome"], "aired");
    assert_eq!(log[0]["emergency_by"], "李站长");
    // `approved_by` is a name or null (issue 9: it used to carry a sentence).
    assert!(log[0]["articles"][0]["approved_by"].is_null(), "{log:#?}");
    assert_eq!(log[0]["operator"], "李站长");
    b.ok(&["approve", &id, "--by", "王书记"]);
    let log = b.log();
    assert!(log[0]["articles"][0]["approved_by"].is_null());
    assert_eq!(log[0]["articles"][0]["countersigned_by"], "王书记");
    let text = b.ok(&["log"]);
    assert!(text.contains("unsigned, countersigned by 王书记"), "{text}");
    assert!(
        !b.alsa.samples_f32().iter().all(|s| *s == 0.0),
        "sound reached the device"
    );
}

/// The program file's own record of the scripts it carries is checked against the approved
/// hashes before air: a program that is not what was approved is refused.
#[test]
fn a_program_that_does_not_carry_the_approved_script_is_refused() {
    let b = BoxUnderTest::new(MORNING);
    let (id, hash) = b.add("a.txt", &notice(1, 1), &[]);
    b.ok(&["approve", &id.to_string(), "--by", "王书记"]);
    b.ok(&["tick", "--now", "2026-12-01T06:45:00+08:00"]);
    let summaries: Vec<_> = std::fs::read_dir(b.station.join("state/programs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".wav.json"))
        .collect();
    assert_eq!(summaries.len(), 1, "{summaries:?}");
    let text = std::fs::read_to_string(&summaries[0]).unwrap();
    assert!(text.contains(&hash), "{text}");
    let forged = text.replace(&hash, "000000000000");
    std::fs::write(&summaries[0], forged).unwrap();
    let out = b.run(&["tick", "--now", "2026-12-01T07:00:01+08:00"]);
    assert!(!out.status.success());
    let log = b.log();
    assert_eq!(log[0]["outcome"], "failed", "{:#}", log[0]);
    assert!(
        log[0]["reason"]
            .as_str()
            .unwrap()
            .contains("does not carry"),
        "{:#}",
        log[0]
    );
    assert!(
        b.alsa.samples_f32().is_empty(),
        "nothing reached the device"
    );
}

/// An edit racing a tick: whichever wins, what airs (if anything) is the approved script,
/// never the edited one.
#[test]
fn an_edit_racing_a_tick_never_airs_the_edit() {
    let b = BoxUnderTest::new(EVERY_TWO_MINUTES);
    let (id, mut approved) = b.add("a.txt", &notice(1, 1), &[]);
    let id_s = id.to_string();
    let mut outcomes = Vec::new();
    for round in 1..=4usize {
        b.ok(&["approve", &id_s, "--by", "王书记"]);
        let minute = round * 2;
        let tick = b
            .cmd(&[
                "tick",
                "--now",
                &format!("2026-12-01T08:{minute:02}:01+08:00"),
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let edited = b.update(id, &format!("a{round}.txt"), &notice(1, round + 1));
        tick.wait_with_output().unwrap();
        let scheduled = format!("2026-12-01T08:{minute:02}:00.000+08:00");
        let log = b.log();
        let row = log
            .iter()
            .find(|r| r["scheduled"] == scheduled.as_str())
            .unwrap();
        let outcome = row["outcome"].as_str().unwrap().to_owned();
        if outcome == "aired" {
            assert_eq!(
                aired(row),
                vec![(id, approved.clone(), "王书记".to_owned())]
            );
        } else {
            assert!(aired(row).iter().all(|a| a.1 != edited), "{row:#}");
        }
        outcomes.push(outcome);
        approved = edited;
    }
    println!("race outcomes: {outcomes:?}");
}

/// The script includes the station's pronunciation lexicon: a lexicon edit that changes
/// what would be said voids the approval until someone approves the new script.
#[test]
fn a_lexicon_edit_that_changes_the_script_voids_the_approval() {
    let b = BoxUnderTest::new(MORNING);
    let text = "+++\ntitle = \"通知\"\nqueue = \"news\"\n+++\n请到单县开会。\n";
    let (id, _) = b.add("a.txt", text, &[]);
    b.ok(&["approve", &id.to_string(), "--by", "王书记"]);
    b.station
        .write("voices/lexicon.toml", "[words]\n\"开会\" = \"开大会\"\n");
    b.ok(&["tick", "--now", "2026-12-01T07:00:01+08:00"]);
    let row = &b.log()[0];
    assert_eq!(row["outcome"], "skipped", "{row:#}");
    assert!(
        row["reason"]
            .as_str()
            .unwrap()
            .contains("changed after approval"),
        "{row:#}"
    );
    let show = b.ok(&["show", &id.to_string()]);
    assert!(
        show.contains("请到单县开大会。"),
        "show gives the script as it would be said: {show}"
    );
    b.ok(&["approve", &id.to_string(), "--by", "王书记"]);
    b.ok(&["tick", "--now", "2026-12-02T07:00:01+08:00"]);
    assert_eq!(b.log()[1]["outcome"], "aired");
}
