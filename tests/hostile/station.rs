//! A station is a directory with a `dalaba.toml`; `dalaba init` makes one.

use std::process::Command;

use crate::support::{stderr, stdout};

fn dalaba(station: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_dalaba"))
        .arg("--station")
        .arg(station)
        .args(args)
        .env_remove("DALABA_STATION")
        .output()
        .unwrap()
}

#[test]
fn a_directory_without_settings_is_not_a_station_and_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let article = dir.path().join("a.txt");
    std::fs::write(&article, "+++\nqueue = \"news\"\n+++\n通知\n").unwrap();
    let missing = dir.path().join("no/such/station");
    for (station, args) in [
        (dir.path(), vec!["add", article.to_str().unwrap()]),
        (dir.path(), vec!["plan"]),
        (dir.path(), vec!["tick"]),
        (dir.path(), vec!["list"]),
        (missing.as_path(), vec!["plan"]),
        (missing.as_path(), vec!["check"]),
    ] {
        let out = dalaba(station, &args);
        let err = stderr(&out);
        assert!(!out.status.success(), "{args:?} in {station:?} succeeded");
        assert!(
            err.contains(&format!("`{}` is not a station", station.display()))
                && err.contains("dalaba init"),
            "{args:?}: {err}"
        );
    }
    assert!(!dir.path().join("state").exists(), "state/ was created");
    assert!(!missing.exists(), "a missing station was created");
}

#[test]
fn init_makes_a_station_that_checks_and_airs_nothing_until_told() {
    let dir = tempfile::tempdir().unwrap();
    let station = dir.path().join("村广播站");
    let out = dalaba(dir.path(), &["init", station.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let check = dalaba(&station, &["check"]);
    assert!(check.status.success(), "{}", stderr(&check));
    assert!(
        stdout(&check).contains("2 voice(s), 0 slot(s)"),
        "{}",
        stdout(&check)
    );
    let plan = dalaba(&station, &["plan"]);
    assert!(stdout(&plan).contains("nothing airs"), "{}", stdout(&plan));
    // Uncommenting the sample schedule gives working slots.
    let schedule = std::fs::read_to_string(station.join("schedules/news.toml")).unwrap();
    let on: String = schedule
        .lines()
        .map(|l| match l.strip_prefix("# ") {
            Some(code) if code.starts_with("[[") || code.contains(" = ") => code.to_owned(),
            _ => l.to_owned(),
        } + "\n")
        .collect();
    std::fs::write(station.join("schedules/news.toml"), on).unwrap();
    let check = dalaba(&station, &["check"]);
    assert!(check.status.success(), "{}", stderr(&check));
    assert!(stdout(&check).contains("2 slot(s)"), "{}", stdout(&check));
    let again = dalaba(dir.path(), &["init", station.to_str().unwrap()]);
    assert!(!again.status.success());
    assert!(
        stderr(&again).contains("already a station"),
        "{}",
        stderr(&again)
    );
}
