//! `--out` replaces only regular files; `-` is standard output.

use std::os::unix::fs::FileTypeExt;

use crate::support::{TestStation, stderr, stdout};

fn article(s: &TestStation) -> String {
    s.write("in/a.txt", "通知\n\n今天停水。\n")
        .to_str()
        .unwrap()
        .to_owned()
}

#[test]
fn out_refuses_devices_fifos_folders_and_missing_folders() {
    let s = TestStation::new();
    let a = article(&s);
    let fifo = s.join("pipe.wav");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let to_null = s.join("null.wav");
    std::os::unix::fs::symlink("/dev/null", &to_null).unwrap();
    std::fs::create_dir(s.join("folder")).unwrap();
    let cases = [
        ("/dev/null", "is a device"),
        (to_null.to_str().unwrap(), "is a device"),
        (fifo.to_str().unwrap(), "FIFO"),
        ("folder", "is a folder"),
        ("no/such/dir/x.wav", "does not exist"),
    ];
    for (out, needle) in cases {
        for cmd in [
            vec!["render", &a, "--out", out],
            vec!["preview", &a, "--out", out],
            vec!["voices", "test", "default", "--out", out],
        ] {
            let run = s.run(&cmd);
            let err = stderr(&run);
            assert!(!run.status.success(), "{cmd:?} succeeded");
            assert!(err.contains(needle), "{cmd:?}: {err}");
        }
    }
    assert!(
        std::fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device()
    );
    assert!(
        std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo()
    );
    assert!(
        std::fs::symlink_metadata(&to_null)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(!s.join("no").exists(), "a missing folder was created");
}

#[test]
fn out_dash_writes_the_wav_to_standard_output() {
    let s = TestStation::new();
    let a = article(&s);
    let run = s.run(&["render", &a, "--out", "-"]);
    assert!(run.status.success(), "{}", stderr(&run));
    assert_eq!(&run.stdout[..4], b"RIFF", "{}", stdout(&run));
    assert!(stderr(&run).contains("wrote standard output"));
    assert!(!s.join("-").exists(), "a file named `-` was written");
}

#[test]
fn out_through_a_symlink_to_a_file_writes_the_file_and_keeps_the_link() {
    let s = TestStation::new();
    let a = article(&s);
    let real = s.write("programs/real.wav", "old");
    let link = s.join("link.wav");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let run = s.run(&["render", &a, "--out", link.to_str().unwrap()]);
    assert!(run.status.success(), "{}", stderr(&run));
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(&std::fs::read(&real).unwrap()[..4], b"RIFF");
}
