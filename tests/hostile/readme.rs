//! The README's 快速上手, followed literally: every command in its `sh` blocks runs as
//! written in a copy of a fresh clone, with `dalaba` on the PATH as `make install` puts it
//! (here: the test build). Offline: the voice is espeak-ng, the speaker a captured device.

use std::path::Path;
use std::process::Command;

use crate::support::{CapturedAlsa, repo, stderr, stdout};

/// The commands of the `sh` blocks of the section `## 快速上手`, comments cut off, without
/// the clone and `make` steps (which this test stands in for).
fn quick_start_commands() -> Vec<String> {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let start = readme.find("## 快速上手").expect("a 快速上手 section");
    let section = &readme[start..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |i| i + 3)];
    let mut commands = Vec::new();
    let mut in_sh = false;
    for line in section.lines().map(str::trim) {
        match line {
            "```sh" => in_sh = true,
            "```" => in_sh = false,
            _ if in_sh => {
                let command = line.split("  #").next().unwrap_or("").trim();
                if !command.is_empty()
                    && !command.starts_with("git clone")
                    && !command.starts_with("make ")
                {
                    commands.push(command.to_owned());
                }
            }
            _ => {}
        }
    }
    commands
}

/// Copies `rel` (a file or folder of the repository) into `station`.
fn copy(rel: &str, station: &Path) {
    let from = repo().join(rel);
    let to = station.join(rel);
    if from.is_dir() {
        for entry in std::fs::read_dir(&from).unwrap() {
            let name = entry.unwrap().file_name();
            copy(&format!("{rel}/{}", name.to_string_lossy()), station);
        }
    } else {
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(from, to).unwrap();
    }
}

#[test]
fn every_quick_start_command_runs_as_written() {
    let commands = quick_start_commands();
    assert!(commands.len() >= 8, "{commands:?}");
    let clone = tempfile::tempdir().unwrap();
    for rel in [
        "dalaba.toml",
        "voices",
        "schedules",
        "samples",
        "tests/fixtures/articles",
    ] {
        copy(rel, clone.path());
    }
    let alsa = CapturedAlsa::new();
    let bin = Path::new(env!("CARGO_BIN_EXE_dalaba")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for command in &commands {
        let out = Command::new("sh")
            .args(["-c", command])
            .current_dir(clone.path())
            .env("PATH", &path)
            .env("ALSA_CONFIG_PATH", &alsa.config)
            .env_remove("DALABA_STATION")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "`{command}` failed:\n{}\n{}",
            stderr(&out),
            stdout(&out)
        );
    }
    let csv = std::fs::read(clone.path().join("播出记录.csv")).unwrap();
    assert!(
        csv.starts_with("\u{feff}时段,".as_bytes()),
        "the log was not written"
    );
    assert!(!alsa.samples_f32().is_empty(), "the preview played nothing");
}
