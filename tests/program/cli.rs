//! `dalaba render` with several articles and `--repeat`, through the real espeak-ng voice,
//! measured by ffmpeg: the "done" check.

use std::process::Command;

use super::support;

fn espeak_station() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("voices")).unwrap();
    std::fs::write(dir.path().join("dalaba.toml"), "").unwrap();
    std::fs::write(
        dir.path().join("voices/default.toml"),
        "kind = \"espeak\"\nvoice = \"cmn-latn-pinyin\"\nspeed = 1.0\nmax_chars = 120\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("water.txt"),
        "停水通知\n\n因水厂检修，明天上午全村停水。\n\n请各户提前储水。\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("meeting.txt"),
        "开会通知\n\n今晚七点在村委会开会，请户主参加。\n",
    )
    .unwrap();
    dir
}

fn dalaba(station: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dalaba"));
    cmd.arg("--station").arg(station).current_dir(station);
    cmd
}

#[test]
fn render_two_notices_twice_meets_broadcast_loudness() {
    let dir = espeak_station();
    // Issue 14 item 2: `--out` no longer creates missing folders.
    std::fs::create_dir(dir.path().join("out")).unwrap();
    let output = dalaba(dir.path())
        .args([
            "render",
            "water.txt",
            "meeting.txt",
            "--repeat",
            "2",
            "--out",
            "out/evening.wav",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stderr}");
    assert!(stdout.contains("LUFS"), "{stdout}");
    let out = dir.path().join("out/evening.wav");
    let (lufs, true_peak) = support::ffmpeg_loudness(&out);
    assert!((lufs + 16.0).abs() <= 0.5, "ffmpeg: {lufs} LUFS");
    assert!(true_peak <= -1.0, "ffmpeg: {true_peak} dBTP");
    let summary = dalaba::program::ProgramSummary::load(&out).unwrap();
    assert!(summary.ready);
    assert_eq!(summary.articles.len(), 2);
    assert_eq!(summary.sample_rate, 24_000);

    // The same notices read once make a program a little over half as long.
    let once = dalaba(dir.path())
        .args([
            "render",
            "water.txt",
            "meeting.txt",
            "--out",
            "out/once.wav",
        ])
        .output()
        .unwrap();
    assert!(once.status.success());
    let single = dalaba::program::ProgramSummary::load(&dir.path().join("out/once.wav")).unwrap();
    let ratio = summary.duration / single.duration;
    assert!(
        (1.4..1.95).contains(&ratio),
        "repeat 2 / repeat 1 = {ratio}"
    );
}

#[test]
fn a_missing_chime_file_is_named() {
    let dir = espeak_station();
    std::fs::write(
        dir.path().join("dalaba.toml"),
        "[program]\nintro = \"chimes/bell.ogg\"\n",
    )
    .unwrap();
    let output = dalaba(dir.path())
        .args(["render", "water.txt", "--out", "x.wav"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("chimes/bell.ogg"), "{stderr}");
    assert!(!dir.path().join("x.wav").exists());
}
