//! Strings from files and users reach the terminal with control characters escaped.

use crate::station::{BoxUnderTest, MORNING};
use crate::support::{stderr, stdout};

const BY: &str = "王\x1b[2J书记";

fn assert_clean(what: &str, text: &str) {
    for bad in ['\x1b', '\x07', '\r', '\u{202e}', '\u{9b}'] {
        assert!(
            !text.contains(bad),
            "{what} printed {bad:?} raw:\n{}",
            text.escape_debug()
        );
    }
}

#[test]
fn titles_and_names_are_printed_escaped_by_every_command() {
    let b = BoxUnderTest::new(MORNING);
    // The same title as TOML escapes: the article file itself is plain text.
    let article = "+++\ntitle = \"停水\\u001b]0;pwned\\u0007\\r\\u202e通知\"\nqueue = \"news\"\n+++\n各位村民请注意。今天停水。\n";
    let file = b.station.write("in/evil.txt", article);
    let file = file.to_str().unwrap();
    let add = b.run(&["add", file]);
    assert!(add.status.success(), "{}", stderr(&add));
    assert_clean("add", &stdout(&add));
    assert!(stdout(&add).contains("\\x1b]"), "{}", stdout(&add));
    let approve = b.ok(&["approve", "1", "--by", BY]);
    assert_clean("approve", &approve);
    assert!(
        approve.contains("\\x1b]0;pwned\\x07\\r\\u{202e}"),
        "{approve}"
    );
    b.ok(&["tick", "--now", "2026-12-01T06:50:00+08:00"]);
    b.ok(&["tick", "--now", "2026-12-01T07:00:02+08:00"]);
    for args in [
        &["list"][..],
        &["show", "1"],
        &["script", "1"],
        &["script", file],
        &["plan", "--now", "2026-12-01T06:00:00+08:00"],
        &["log"],
        &["log", "--csv"],
    ] {
        let out = b.ok(args);
        // The CSV's lines end in CRLF (for Excel); no other carriage return may pass.
        let out = match args {
            ["log", "--csv"] => out.replace("\r\n", "\n"),
            _ => out,
        };
        assert_clean(&format!("{args:?}"), &out);
        assert!(out.contains("\\x1b"), "{args:?} lost the text:\n{out}");
    }
    let reject = b.run(&["reject", "1", "--by", BY, "--reason", "\x1b[5m日期有误"]);
    assert_clean("reject", &stdout(&reject));
    let err = b.run(&["approve", "99", "--by", BY]);
    assert_clean("an error", &stderr(&err));
}

#[test]
fn csv_cells_cannot_be_spreadsheet_formulas() {
    let b = BoxUnderTest::new(MORNING);
    let file = b
        .station
        .write("in/a.txt", "+++\nqueue = \"news\"\n+++\n各位村民请注意。\n");
    b.ok(&["add", file.to_str().unwrap()]);
    b.ok(&[
        "play-now",
        "1",
        "--emergency",
        "--by",
        "=HYPERLINK(\"http://evil\")",
    ]);
    let csv = b.ok(&["log", "--csv"]);
    let row = csv.lines().find(|l| l.contains("play-now")).unwrap();
    assert!(
        row.ends_with("\"'=HYPERLINK(\"\"http://evil\"\")\""),
        "{row}"
    );
}
