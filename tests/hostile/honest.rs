//! Every command says what is true: `add` speaks up about what cannot air, approving or
//! withdrawing twice is no news, `log` ranges and CSV, `cache prune`, `devices`.

use std::process::Command;

use crate::station::{BoxUnderTest, MORNING, notice};
use crate::support::{TestStation, stderr, stdout};

#[test]
fn add_refuses_or_warns_about_what_cannot_air_as_meant() {
    let b = BoxUnderTest::new(MORNING);
    let file = b.station.write("in/a.txt", notice(1, 1));
    let file = file.to_str().unwrap();
    let out = b.run(&["add", file, "--from", "2026-12-20", "--until", "2026-12-10"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("ends before it starts"),
        "{}",
        stderr(&out)
    );
    let out = b.run(&["add", file, "--queue", " "]);
    assert!(
        stderr(&out).contains("queue name is empty"),
        "{}",
        stderr(&out)
    );
    assert!(
        !b.station.join("state/dalaba.db").exists(),
        "a refused add stored something"
    );
    let out = b.run(&["add", file, "--queue", "nobody-plays-this"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("no slot plays the queue `nobody-plays-this` (slots play: news)"),
        "{}",
        stderr(&out)
    );
    let out = b.run(&["add", file, "--until", "2020-01-01"]);
    assert!(stderr(&out).contains("which is past"), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("article 1 (draft) has the same script"),
        "{}",
        stderr(&out)
    );
    b.ok(&["add", file, "--from", "2099-01-01T07:00:00+08:00"]);
    let list = b.ok(&["list"]);
    assert!(list.contains("2099-01-01 07:00"), "shown in UTC: {list}");
}

#[test]
fn log_csv_opens_in_excel_and_a_backwards_range_is_an_error() {
    let b = BoxUnderTest::new(MORNING);
    let csv = b.run(&["log", "--csv"]);
    assert!(csv.status.success(), "{}", stderr(&csv));
    assert_eq!(
        &csv.stdout[..3],
        b"\xef\xbb\xbf",
        "no UTF-8 byte-order mark"
    );
    let out = b.run(&["log", "--since", "2026-12-10", "--until", "2026-12-01"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("is after `--until 2026-12-01`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn cache_prune_says_what_it_did_and_cleans_programs_and_leftovers() {
    let s = TestStation::new();
    let old_program = s.write("state/programs/morning-20261001.wav", "RIFF");
    let leftover = s.write("state/preview/.x.wav.123.tmp", "half");
    let fresh = s.write("state/programs/tomorrow.wav", "RIFF");
    for path in [&old_program, &leftover] {
        let ok = Command::new("touch")
            .args(["-d", "40 days ago"])
            .arg(path)
            .status()
            .unwrap();
        assert!(ok.success());
    }
    let out = s.run(&["cache", "prune"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let said = stdout(&out);
    assert!(
        !said.contains("no limit given") && said.contains("nothing by age"),
        "{said}"
    );
    assert!(said.contains("1 temp files"), "{said}");
    assert!(!leftover.exists() && old_program.exists());
    let said = stdout(&s.run(&["cache", "prune", "--older-than", "30d"]));
    assert!(
        said.contains("30d, 0 broken entries, 0 temp files, 1 old programs"),
        "{said}"
    );
    assert!(!old_program.exists() && fresh.exists());
}

#[test]
fn devices_lists_usable_names_and_an_unknown_one_is_named_as_such() {
    let s = TestStation::new();
    let out = s.run(&["devices"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out)
            .lines()
            .next()
            .unwrap_or("")
            .starts_with("default "),
        "{}",
        stdout(&out)
    );
    let article = s.write("in/a.txt", "通知\n\n今天停水。\n");
    let out = s.run(&["preview", article.to_str().unwrap(), "--device", "nosuch"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("there is no output device `nosuch`; the devices here are: default"),
        "{err}"
    );
    assert!(!err.contains("no sound device on this machine"), "{err}");
}
