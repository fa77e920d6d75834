//! The walking skeleton end to end: a real article through real espeak-ng into a WAV, and
//! that WAV through rodio into a captured ALSA device; bad input fails plainly.

use std::path::Path;

use crate::support::{self, CapturedAlsa, TestStation, read_wav, silences, stderr};

/// The script of an article: what will be spoken.
fn script_of(article: &Path) -> dalaba::text::Script {
    let bytes = std::fs::read(article).unwrap();
    let text = dalaba::article::decode(article, &bytes).unwrap();
    let parsed = dalaba::article::parse(article, &text).unwrap();
    dalaba::text::script(&parsed, &dalaba::text::Lexicon::default())
}

#[test]
fn sample_notice_renders_with_espeak() {
    let station = TestStation::new();
    let article = support::repo().join("samples/notice-water.txt");
    let out = station.join("notice.wav");
    let run = station.run(&["render", article.to_str().unwrap(), "--out", "notice.wav"]);
    assert!(run.status.success(), "{}", stderr(&run));

    let (spec, samples) = read_wav(&out);
    assert_eq!(
        (spec.sample_rate, spec.channels, spec.bits_per_sample),
        (24_000, 1, 16)
    );
    let seconds = samples.len() as f64 / 24_000.0;
    // espeak-ng speaks roughly 3–5 Chinese characters a second; pauses add a little.
    let script = script_of(&article);
    let chars = script
        .to_text()
        .chars()
        .filter(|c| c.is_alphanumeric())
        .count() as f64;
    assert!(
        seconds > chars / 5.5 && seconds < chars / 2.5 + 15.0,
        "{seconds:.1} s for {chars} characters"
    );
    assert!(
        support::rms(&samples) > 0.02,
        "too quiet: {}",
        support::rms(&samples)
    );
    // Every join between segments is a sentence pause (0.45 s) or longer.
    let joins = dalaba::text::segment(&script, 120).len() - 1;
    assert!(joins >= 3, "the sample should have several sentences");
    let gaps = silences(&samples, 24_000, 0.004, 0.4);
    assert!(
        gaps.len() >= joins,
        "{} pauses for {joins} joins: {gaps:?}",
        gaps.len()
    );
    assert!(
        gaps.iter().all(|&(_, len)| len < 3.0),
        "a silence longer than any pause: {gaps:?}"
    );
}

#[test]
fn preview_plays_the_program_through_the_device() {
    let station = TestStation::new();
    let alsa = CapturedAlsa::new();
    let article = station.write("a.txt", "试播通知\n\n这是一次试播。请大家注意收听。\n");
    let run = station
        .cmd()
        .args(["preview", article.to_str().unwrap(), "--out", "p.wav"])
        .env("ALSA_CONFIG_PATH", &alsa.config)
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", stderr(&run));

    let (_, program) = read_wav(&station.join("p.wav"));
    let played = alsa.samples_f32();
    // The device got the program: align on the first audible sample, then compare.
    let first = |s: &[f32]| s.iter().position(|x| x.abs() > 0.01).unwrap();
    let (p0, d0) = (first(&program), first(&played));
    let body = &program[p0..];
    assert!(
        played.len() >= d0 + body.len(),
        "device got only part of the program"
    );
    let got = &played[d0..d0 + body.len()];
    let corr = support::correlation(body, got);
    assert!(corr > 0.999, "correlation {corr}");
    let audible = |s: &[f32]| s.iter().rposition(|x| x.abs() > 0.01).unwrap();
    assert_eq!(audible(got), audible(body), "played length differs");
}

#[test]
fn preview_without_a_sound_device_says_so_and_keeps_the_wav() {
    let station = TestStation::new();
    let (_dir, config) = CapturedAlsa::no_device();
    let article = station.write("a.txt", "试播通知\n\n这是一次试播。\n");
    let run = station
        .cmd()
        .args(["preview", article.to_str().unwrap(), "--out", "kept.wav"])
        .env("ALSA_CONFIG_PATH", &config)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(3), "{}", stderr(&run));
    let err = stderr(&run);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("no sound device") && err.contains("kept.wav"),
        "{err}"
    );
    let (spec, samples) = read_wav(&station.join("kept.wav"));
    assert_eq!(spec.channels, 1);
    assert!(samples.len() > 24_000);
}

/// Runs `render FILE --out out.wav` and checks it fails with one line naming `culprit`.
#[track_caller]
fn assert_bad_input(station: &TestStation, file: &str, culprit: &str) {
    let run = station.run(&["render", file, "--out", "out.wav"]);
    let err = stderr(&run);
    assert!(!run.status.success(), "succeeded on {file}");
    assert_eq!(err.lines().count(), 1, "not one line: {err}");
    assert!(err.starts_with("error: "), "{err}");
    assert!(err.contains(culprit), "`{culprit}` not named in: {err}");
    assert!(
        !station.join("out.wav").exists(),
        "output written for {file}"
    );
    let leftovers: Vec<_> = std::fs::read_dir(station.path())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains("tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temp files left: {leftovers:?}");
}

#[test]
fn missing_file_is_named() {
    assert_bad_input(&TestStation::new(), "nowhere.txt", "nowhere.txt");
}

#[test]
fn empty_article_is_named() {
    let station = TestStation::new();
    station.write("empty.txt", "\n  \n\n");
    assert_bad_input(&station, "empty.txt", "empty.txt");
}

#[test]
fn text_in_no_known_encoding_is_named() {
    let station = TestStation::new();
    station.write(
        "binary.txt",
        [0xFFu8, 0xFE, 0x00, 0x81, 0xFF, 0x30, 0xFF, 0xFF],
    );
    assert_bad_input(&station, "binary.txt", "binary.txt");
}

#[test]
fn voice_file_with_a_typo_names_file_line_and_key() {
    let station = TestStation::new();
    station.write(
        "voices/default.toml",
        "kind = \"espeak\"\nvoice = \"cmn-latn-pinyin\"\nsped = 1.0\n",
    );
    station.write("a.txt", "通知\n\n今天开会。\n");
    assert_bad_input(&station, "a.txt", "default.toml` line 3");
    let run = station.run(&["render", "a.txt", "--out", "out.wav"]);
    assert!(stderr(&run).contains("sped"));
}

#[test]
fn a_reader_that_leaves_early_is_not_a_crash() {
    // `dalaba add FILE | head -1` reads the id and closes the pipe.
    let station = TestStation::new();
    station.write("a.txt", "通知\n\n今天开会。\n");
    let mut child = station
        .cmd()
        .args(["add", "a.txt", "--queue", "news"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let err = stderr(&out);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(out.status.code(), Some(0), "{err}");
}
