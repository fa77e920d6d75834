//! `check` runs every validation a render or tick would, and warns about the surely wrong.

use crate::support::{TestStation, stderr, stdout};

#[test]
fn check_finds_what_a_render_or_tick_would_trip_on() {
    let s = TestStation::new();
    s.write(
        "dalaba.toml",
        "[program]\nloudness_lufs = 5.0\nintro = \"chimes/missing.wav\"\noutro = \"chimes/bad.ogg\"\n",
    );
    s.write("chimes/bad.ogg", "this is not audio");
    s.write("voices/lexicon.toml", "[words]\n\"\" = \"空\"\n");
    s.write(
        "state/dalaba.db",
        "this is not a database, it is a text file of some length",
    );
    s.write(
        "schedules/main.toml",
        "[[slot]]\nname = \"m\"\nat = [\"07:00\"]\nqueue = \"news\"\nintro = \"chimes/nope.wav\"\n",
    );
    let out = s.run(&["check"]);
    let err = stderr(&out);
    assert!(!out.status.success(), "check said ok:\n{}", stdout(&out));
    for needle in [
        "`loudness_lufs` is 5",
        "`intro`",
        "missing.wav",
        "bad.ogg",
        "lexicon.toml",
        "dalaba.db",
        "slot `m`: `intro`",
        "nope.wav",
    ] {
        assert!(err.contains(needle), "no {needle:?} in:\n{err}");
    }
    for rate in ["7", "1000000"] {
        s.write("dalaba.toml", format!("sample_rate = {rate}\n"));
        let out = s.run(&["check"]);
        assert!(
            stderr(&out).contains("`sample_rate`: ") && stderr(&out).contains("8000 to 96000"),
            "{}",
            stderr(&out)
        );
    }
}

#[test]
fn check_warns_about_the_legal_but_surely_wrong() {
    let s = TestStation::new();
    s.write(
        "dalaba.toml",
        "quiet_hours = { from = \"22:00\", until = \"06:00\" }\n",
    );
    s.write(
        "schedules/main.toml",
        "[[slot]]\nname = \"a\"\nat = [\"07:00\"]\nqueue = \"news\"\nmax_minutes = 30\n\n\
         [[slot]]\nname = \"b\"\nat = [\"07:00\"]\nqueue = \"weather\"\n\n\
         [[slot]]\nname = \"c\"\nat = [\"07:10\"]\nqueue = \"news\"\n\n\
         [[slot]]\nname = \"night\"\nat = [\"23:00\"]\nqueue = \"news\"\n",
    );
    let out = s.run(&["check"]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(
        stdout(&out).contains("warning(s) above"),
        "{}",
        stdout(&out)
    );
    assert!(
        err.contains("slot `a` and") && err.contains("slot `b` both start at"),
        "{err}"
    );
    assert!(
        err.contains("may run 30 minutes") && err.contains("10 minutes later"),
        "{err}"
    );
    assert!(
        err.contains("slot `night` always falls in the quiet hours"),
        "{err}"
    );
}
