//! Voice names are plain names resolved only inside `voices/`.

use std::path::Path;

use crate::support::{TestStation, stderr};

/// A `command` profile outside `voices/` that would leave a mark if it ever ran.
fn plant_evil_profile(station: &TestStation) -> std::path::PathBuf {
    let mark = station.join("PWNED");
    station.write(
        "elsewhere/evil.toml",
        format!(
            "kind = \"command\"\nprogram = \"/bin/sh\"\nargs = [\"-c\", \"touch {}\", \"{{text}}\"]\n",
            mark.display()
        ),
    );
    mark
}

fn fails_with(station: &TestStation, args: &[&str], needle: &str) -> String {
    let out = station.run(args);
    let err = stderr(&out);
    assert!(!out.status.success(), "dalaba {args:?} succeeded: {err}");
    assert!(err.contains(needle), "dalaba {args:?}: {err}");
    err
}

#[test]
fn voice_names_from_the_command_line_cannot_leave_voices() {
    let s = TestStation::new();
    let mark = plant_evil_profile(&s);
    let article = s.write("in/a.txt", "通知\n\n今天停水。\n");
    let article = article.to_str().unwrap();
    let outside = s.join("elsewhere/evil");
    for voice in ["../elsewhere/evil", outside.to_str().unwrap(), "./default"] {
        fails_with(
            &s,
            &["render", article, "--out", "x.wav", "--voice", voice],
            "is not a voice name",
        );
    }
    fails_with(
        &s,
        &["voices", "test", "../elsewhere/evil"],
        "is not a voice name",
    );
    let err = fails_with(
        &s,
        &["render", article, "--out", "x.wav", "--voice", "lexicon"],
        "is not a voice name",
    );
    assert!(err.contains("lexicon, not a voice"), "{err}");
    let err = fails_with(
        &s,
        &[
            "render",
            article,
            "--out",
            "x.wav",
            "--voice",
            "default.toml",
        ],
        "is not a voice name",
    );
    assert!(err.contains("write `default`"), "{err}");
    assert!(!mark.exists(), "a profile outside voices/ ran");
    assert!(!s.join("x.wav").exists());
    // The same profile inside voices/ does run: the mark is a working detector.
    std::fs::copy(s.join("elsewhere/evil.toml"), s.join("voices/inside.toml")).unwrap();
    s.run(&["render", article, "--out", "x.wav", "--voice", "inside"]);
    assert!(
        mark.exists(),
        "the planted profile never runs, so the test proves nothing"
    );
}

#[test]
fn voice_names_in_front_matter_cannot_leave_voices() {
    let s = TestStation::new();
    let mark = plant_evil_profile(&s);
    let file = s.write(
        "in/evil.txt",
        "+++\nqueue = \"news\"\nvoice = \"../elsewhere/evil\"\n+++\n通知\n\n今天停水。\n",
    );
    let file = file.to_str().unwrap();
    let err = fails_with(&s, &["add", file], "is not a voice name");
    assert!(err.contains("evil.txt") && err.contains("`voice`"), "{err}");
    fails_with(
        &s,
        &["render", file, "--out", "x.wav"],
        "is not a voice name",
    );
    assert!(!mark.exists(), "a profile outside voices/ ran");
}

#[test]
fn check_names_every_place_a_bad_voice_name_is_written() {
    let s = TestStation::new();
    let mark = plant_evil_profile(&s);
    s.write("dalaba.toml", "default_voice = \"../elsewhere/evil\"\n");
    s.write(
        "schedules/main.toml",
        "[[slot]]\nname = \"morning\"\nat = [\"07:00\"]\nqueue = \"news\"\nvoice = \"/tmp/evil\"\n",
    );
    s.write(
        "voices/cloud.toml",
        "kind = \"openai\"\nurl = \"http://127.0.0.1:9\"\nfallback = \"../elsewhere/evil\"\n",
    );
    queue_raw(
        &s.join("state/dalaba.db"),
        "+++\nvoice = \"../../x\"\n+++\n通知\n\n今天停水。\n",
    );
    let err = fails_with(&s, &["check"], "problem(s)");
    for place in [
        "`dalaba.toml` `default_voice`: `../elsewhere/evil` is not a voice name",
        "main.toml` line 2: slot `morning`: `voice`: `/tmp/evil` is not a voice name",
        "`voices/cloud.toml` `fallback`: `../elsewhere/evil` is not a voice name",
        "article 1 (`old.txt`) front matter `voice`: `../../x` is not a voice name",
    ] {
        assert!(err.contains(place), "missing {place:?} in:\n{err}");
    }
    assert!(!mark.exists(), "a profile outside voices/ ran");
}

/// Stores an article the way an older dalaba did, without the checks `add` makes now.
fn queue_raw(db: &Path, source: &str) {
    let mut store = dalaba::store::Store::open(db).unwrap();
    let article = dalaba::store::NewArticle {
        source_name: "old.txt".into(),
        source: source.into(),
        script: "通知".into(),
        hash: "0".repeat(64),
        queue: "news".into(),
        priority: "normal".into(),
        ..Default::default()
    };
    store.add_article(&article, jiff::Timestamp::now()).unwrap();
}
