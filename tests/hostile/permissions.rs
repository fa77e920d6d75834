//! State is private by default; `state_mode = "group"` lets a read-only viewer `list` and
//! `log`.

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::process::Command;

use crate::support::{TestStation, stderr, stdout};

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn add_one(s: &TestStation) {
    let file = s.write(
        "in/a.txt",
        "+++\nqueue = \"news\"\n+++\n通知\n\n今天停水。\n",
    );
    let out = s.run(&["add", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn state_is_private_by_default() {
    let s = TestStation::new();
    add_one(&s);
    assert_eq!(mode(&s.join("state")), 0o700);
    assert_eq!(mode(&s.join("state/dalaba.db")), 0o600);
    let article = s.join("in/a.txt");
    let out = s.run(&["render", article.to_str().unwrap(), "--out", "a.wav"]);
    assert!(out.status.success(), "{}", stderr(&out));
    for entry in walk(&s.join("state")) {
        let m = mode(&entry);
        assert_eq!(m & 0o077, 0, "`{}` is {m:o}", entry.display());
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = vec![dir.to_owned()];
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// `dalaba ARGS` run as another user (`nobody`) in the group `gid`, when the tests run as
/// root; otherwise as this user, who then has the same read-only access.
fn as_viewer(s: &TestStation, gid: u32, args: &[&str]) -> std::process::Output {
    let bin = env!("CARGO_BIN_EXE_dalaba");
    let mut cmd = if is_root() {
        let mut c = Command::new("setpriv");
        c.args([
            "--reuid=65534",
            &format!("--regid={gid}"),
            "--clear-groups",
            bin,
        ]);
        c
    } else {
        Command::new(bin)
    };
    cmd.arg("--station").arg(s.path()).args(args);
    cmd.env_remove("DALABA_STATION").output().unwrap()
}

fn is_root() -> bool {
    std::fs::metadata("/proc/self")
        .map(|m| m.uid())
        .unwrap_or(1)
        == 0
}

#[test]
fn a_viewer_in_the_group_can_list_and_log_without_write_access() {
    let s = TestStation::new();
    s.write("dalaba.toml", "state_mode = \"group\"\n");
    add_one(&s);
    assert_eq!(mode(&s.join("state")), 0o750);
    assert_eq!(mode(&s.join("state/dalaba.db")), 0o640);
    // The viewer's group owns the state; the station folder itself is world-readable.
    let gid = 65534;
    std::fs::set_permissions(s.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    if is_root() {
        for path in walk(&s.join("state")) {
            std::os::unix::fs::chown(&path, None, Some(gid)).unwrap();
        }
    } else {
        for path in walk(&s.join("state")) {
            let m = mode(&path) & !0o222;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(m)).unwrap();
        }
    }
    let list = as_viewer(&s, gid, &["list"]);
    assert!(list.status.success(), "list: {}", stderr(&list));
    assert!(stdout(&list).contains("通知"), "{}", stdout(&list));
    let log = as_viewer(&s, gid, &["log", "--csv"]);
    assert!(log.status.success(), "log: {}", stderr(&log));
    let show = as_viewer(&s, gid, &["show", "1"]);
    assert!(show.status.success(), "show: {}", stderr(&show));
    // Writing is still refused, with the file named.
    let approve = as_viewer(&s, gid, &["approve", "1", "--by", "路人"]);
    assert!(!approve.status.success());
    assert!(
        stderr(&approve).contains("dalaba.db"),
        "{}",
        stderr(&approve)
    );
}

#[test]
fn check_warns_about_a_state_folder_others_can_read() {
    let s = TestStation::new();
    std::fs::create_dir(s.join("state")).unwrap();
    std::fs::set_permissions(s.join("state"), std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = s.run(&["check"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("is readable by others (755); `chmod 700"),
        "{}",
        stderr(&out)
    );
}
