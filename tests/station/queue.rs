//! Articles in and out of the queue, `check` and `plan`.

use super::{BoxUnderTest, MORNING, notice};
use crate::support::{stderr, stdout};

#[test]
fn add_prints_the_id_first_then_the_script_and_list_show_follow() {
    let b = BoxUnderTest::new(MORNING);
    let (id, hash) = b.add("a.txt", &notice(1, 1), &["--until", "2026-12-31"]);
    assert_eq!(id, 1);
    let (id2, _) = b.add(
        "b.txt",
        &notice(2, 1),
        &["--queue", "weather", "--priority", "urgent"],
    );
    assert_eq!(id2, 2);
    let out = b.ok(&["add", b.station.join("in/a.txt").to_str().unwrap()]);
    assert!(
        out.contains("各位村民请注意。") && out.contains("通知的第"),
        "{out}"
    );
    let list = b.ok(&["list", "--queue", "news"]);
    assert!(
        list.contains("第1号通知") && !list.contains("第2号通知"),
        "{list}"
    );
    assert!(list.contains(&hash), "{list}");
    let show = b.ok(&["show", "2"]);
    assert!(
        show.contains("queue:    weather") && show.contains("priority: urgent"),
        "{show}"
    );
    assert!(show.contains("approved: no"), "{show}");
}

#[test]
fn approve_reject_withdraw_update_move_the_status() {
    let b = BoxUnderTest::new(MORNING);
    let (id, _) = b.add("a.txt", &notice(1, 1), &[]);
    let id = id.to_string();
    let out = b.ok(&["approve", &id, "--by", "王书记"]);
    assert!(
        out.contains("approved article 1") && out.contains("王书记"),
        "{out}"
    );
    assert!(
        b.ok(&["list", "--status", "approved"])
            .contains("第1号通知")
    );
    let out = b.ok(&[
        "update",
        &id,
        b.station.write("in/a2.txt", notice(1, 2)).to_str().unwrap(),
    ]);
    assert!(
        out.contains("version 2") && out.contains("approval is void"),
        "{out}"
    );
    assert!(b.ok(&["list", "--status", "draft"]).contains("第1号通知"));
    b.ok(&["reject", &id, "--by", "王书记", "--reason", "日期有误"]);
    let show = b.ok(&["show", &id]);
    assert!(
        show.contains("rejected by 王书记") && show.contains("日期有误"),
        "{show}"
    );
    b.ok(&["withdraw", &id]);
    let out = b.run(&["approve", &id, "--by", "王书记"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("withdrawn"), "{}", stderr(&out));
    let out = b.run(&["show", "99"]);
    assert!(!out.status.success() && stderr(&out).contains("no article 99"));
}

#[test]
fn add_without_a_queue_or_with_a_bad_date_is_refused_plainly() {
    let b = BoxUnderTest::new(MORNING);
    let path = b.station.write("in/x.txt", "通知\n明天开会。\n");
    let out = b.run(&["add", path.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("names no queue"), "{}", stderr(&out));
    let out = b.run(&[
        "add",
        path.to_str().unwrap(),
        "--queue",
        "news",
        "--until",
        "明天",
    ]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("`明天` is not a date"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn check_passes_on_the_repository_and_names_file_line_and_key() {
    let repo = crate::support::repo();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_dalaba"))
        .args(["--station", repo.to_str().unwrap(), "check"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("slot(s)"));
    let b = BoxUnderTest::new(MORNING);
    b.station.write(
        "schedules/bad.toml",
        "[[slot]]\nname = \"x\"\nqueue = \"q\"\nat = [\"7:00\", \"19:75\"]\n",
    );
    b.station.write(
        "schedules/worse.toml",
        "[[slot]]\nname = \"y\"\nqueue = \"q\"\nat = [\"07:00\"]\nvoice = \"nobody\"\n",
    );
    let out = b.run(&["check"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("bad.toml` line 4") && err.contains("19:75"),
        "{err}"
    );
}

#[test]
fn plan_says_what_airs_and_why_others_do_not() {
    let b = BoxUnderTest::new(MORNING);
    let (a, _) = b.add("a.txt", &notice(1, 1), &[]);
    b.add("b.txt", &notice(2, 1), &[]);
    b.add("c.txt", &notice(3, 1), &["--until", "2026-11-30"]);
    b.ok(&["approve", &a.to_string(), "--by", "王书记"]);
    b.ok(&["approve", "3", "--by", "王书记"]);
    let plan = b.ok(&[
        "plan",
        "--hours",
        "24",
        "--now",
        "2026-12-01T06:00:00+08:00",
    ]);
    assert!(
        plan.contains("2026-12-01 07:00:00 +08:00  morning"),
        "{plan}"
    );
    assert!(plan.contains("+   1 第1号通知"), "{plan}");
    assert!(plan.contains("-   2 第2号通知: not approved"), "{plan}");
    assert!(
        plan.contains("-   3 第3号通知: expired (until 2026-11-30)"),
        "{plan}"
    );
    assert_eq!(
        plan.matches("morning").count(),
        1,
        "one morning in 24 hours: {plan}"
    );
}

#[test]
fn list_and_plan_speak_json_for_scripts() {
    let b = BoxUnderTest::new(MORNING);
    let (a, hash) = b.add("a.txt", &notice(1, 1), &[]);
    b.add("b.txt", &notice(2, 1), &[]);
    b.ok(&["approve", &a.to_string(), "--by", "王书记"]);

    let list: serde_json::Value = serde_json::from_str(&b.ok(&["list", "--json"])).unwrap();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2, "{list:?}");
    assert_eq!(list[0]["id"], 1);
    assert_eq!(list[0]["status"], "approved");
    assert_eq!(list[0]["approved_by"], "王书记");
    assert!(hash.starts_with(list[0]["script_hash"].as_str().unwrap().get(..12).unwrap()));
    assert_eq!(list[1]["status"], "draft");
    assert!(list[1]["approved_by"].is_null());

    let plan = b.ok(&[
        "plan",
        "--hours",
        "24",
        "--now",
        "2026-12-01T06:00:00+08:00",
        "--json",
    ]);
    let plan: serde_json::Value = serde_json::from_str(&plan).unwrap();
    let plan = plan.as_array().unwrap();
    assert_eq!(plan.len(), 1, "{plan:?}");
    assert_eq!(plan[0]["at"], "2026-12-01T07:00:00+08:00");
    assert_eq!(plan[0]["slot"], "morning");
    assert_eq!(plan[0]["articles"][0]["id"], 1);
    assert_eq!(plan[0]["excluded"][0]["id"], 2);
    assert_eq!(plan[0]["excluded"][0]["reason"], "not approved");
}

#[test]
fn script_and_render_take_the_id_of_a_queued_article() {
    let b = BoxUnderTest::new(MORNING);
    let (id, _) = b.add("a.txt", &notice(1, 1), &[]);
    let id = id.to_string();
    let script = b.ok(&["script", &id]);
    assert!(script.contains("第一号通知"), "{script}");
    let out = b.station.join("one.wav");
    let rendered = b.ok(&["render", &id, "--out", out.to_str().unwrap()]);
    assert!(rendered.contains("wrote"), "{rendered}");
    assert!(hound::WavReader::open(&out).unwrap().duration() > 24_000);
    let missing = b.station.run(&["script", "99"]);
    assert!(!missing.status.success());
    assert!(
        stderr(&missing).contains("no article 99"),
        "{}",
        stderr(&missing)
    );
}
