//! Limits with plain messages: article size, line length, repeats.

use crate::support::{TestStation, stderr};

fn refused(s: &TestStation, args: &[&str], needle: &str) {
    let out = s.run(args);
    let err = stderr(&out);
    assert!(!out.status.success(), "{args:?} succeeded");
    assert!(err.contains(needle), "{args:?}: {err}");
}

#[test]
fn huge_articles_long_lines_and_wild_repeats_are_refused_before_any_work() {
    let s = TestStation::new();
    let huge = s.write("in/huge.txt", "停水通知。\n".repeat(100_000));
    let huge = huge.to_str().unwrap();
    refused(
        &s,
        &["add", huge, "--queue", "news"],
        "an article may be at most 256 kB",
    );
    refused(&s, &["script", huge], "huge.txt");
    let line = s.write("in/line.txt", format!("通知\n\n{}\n", "停".repeat(6_000)));
    refused(
        &s,
        &["add", line.to_str().unwrap(), "--queue", "news"],
        "line.txt` line 3",
    );
    for repeat in ["0", "11", "1000000"] {
        let file = s.write(
            "in/repeat.txt",
            format!("+++\nrepeat = {repeat}\nqueue = \"news\"\n+++\n通知\n\n今天停水。\n"),
        );
        let file = file.to_str().unwrap();
        refused(
            &s,
            &["render", file, "--out", "x.wav"],
            "front matter `repeat",
        );
        refused(&s, &["add", file], "use 1 to 10");
    }
    assert!(!s.join("x.wav").exists());
    assert!(!s.join("state/dalaba.db").exists(), "something was stored");
    s.write(
        "schedules/main.toml",
        "[[slot]]\nname = \"morning\"\nat = [\"07:00\"]\nqueue = \"news\"\nrepeat = 500\n",
    );
    refused(&s, &["check"], "`repeat = 500`");
}
