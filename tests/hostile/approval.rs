//! Approval binds what the approver read, and every command says when it no longer holds.

use crate::station::{BoxUnderTest, MORNING, notice};
use crate::support::stderr;

#[test]
fn approve_with_the_script_read_refuses_a_changed_article() {
    let b = BoxUnderTest::new(MORNING);
    let (id, _) = b.add("a.txt", &notice(1, 1), &[]);
    let id = id.to_string();
    let read = shown_hash(&b.ok(&["show", &id]));
    let now = b.update(1, "other.txt", &notice(1, 2));
    assert_ne!(read, now);
    let out = b.run(&["approve", &id, "--by", "王书记", "--script", &read]);
    let err = stderr(&out);
    assert!(!out.status.success(), "a changed article was approved");
    assert!(
        err.contains(&format!("you read script {read}, it is now {now}"))
            && err.contains(&format!("dalaba approve 1 --by NAME --script {now}")),
        "{err}"
    );
    assert!(b.ok(&["list", "--status", "draft"]).contains("第1号通知"));
    let out = b.ok(&["approve", &id, "--by", "王书记", "--script", &now]);
    assert!(out.contains("approved article 1"), "{out}");
    let again = b.ok(&["approve", &id, "--by", "王书记", "--script", &now]);
    assert!(again.contains("already approved"), "{again}");
    let bad = b.run(&["approve", &id, "--by", "王书记", "--script", "xyz"]);
    assert!(
        stderr(&bad).contains("not a script hash"),
        "{}",
        stderr(&bad)
    );
}

#[test]
fn list_and_show_say_when_a_lexicon_change_voided_the_approval() {
    let b = BoxUnderTest::new(MORNING);
    let (id, old) = b.add("a.txt", &notice(1, 1), &[]);
    b.ok(&["approve", &id.to_string(), "--by", "王书记"]);
    b.station
        .write("voices/lexicon.toml", "[words]\n\"村民\" = \"乡亲\"\n");
    let list = b.ok(&["list"]);
    let row = list.lines().find(|l| l.contains("第1号通知")).unwrap();
    assert!(row.contains("void") && !row.contains(&old), "{list}");
    let show = b.ok(&["show", "1"]);
    assert!(
        show.contains("approved: no") && show.contains("void"),
        "{show}"
    );
    let shown = shown_hash(&show);
    assert_ne!(
        shown, old,
        "show prints the old hash above the new text:\n{show}"
    );
    assert!(show.contains("乡亲"), "{show}");
    let plan = b.ok(&["plan", "--now", "2026-12-01T06:00:00+08:00"]);
    assert!(!plan.contains("+   1"), "{plan}");
    let withdraw = b.ok(&["withdraw", "1"]);
    assert!(withdraw.contains("withdrew"), "{withdraw}");
    let again = b.ok(&["withdraw", "1"]);
    assert!(again.contains("already withdrawn"), "{again}");
}

/// The first 12 characters of the hash on `show`'s `script:` line.
fn shown_hash(show: &str) -> String {
    let line = show.lines().find(|l| l.starts_with("script:")).unwrap();
    line["script:".len()..].trim()[..12].to_owned()
}
