//! The command line follows the locale (issue 11): with `LANG=zh_CN.UTF-8` (or `LC_ALL`,
//! `LC_MESSAGES`) help, status words and common errors are Chinese, English otherwise; the
//! as-run CSV is Chinese by default, for Excel on Chinese Windows, and `--csv-lang en`
//! keeps the English format. The real binary, with the locale set per run.

use std::process::Output;

use crate::station::{BoxUnderTest, MORNING};
use crate::support::{TestStation, stderr, stdout};

const ZH: &str = "zh_CN.UTF-8";

/// `dalaba ARGS` in `station` under exactly the locale variables `locale` gives.
fn run_in(station: &TestStation, locale: &[(&str, &str)], args: &[&str]) -> Output {
    let mut cmd = station.cmd();
    for var in ["LC_ALL", "LC_MESSAGES", "LANG"] {
        cmd.env_remove(var);
    }
    cmd.envs(locale.iter().copied())
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn help_follows_the_locale() {
    let s = TestStation::new();
    let zh = stdout(&run_in(&s, &[("LANG", ZH)], &["--help"]));
    for word in ["用法：", "命令", "选项", "播出记录", "显示帮助", "站点目录"] {
        assert!(zh.contains(word), "`{word}` missing from:\n{zh}");
    }
    assert!(
        !zh.contains("Usage:") && !zh.contains("The as-run log"),
        "{zh}"
    );
    let log = stdout(&run_in(&s, &[("LC_MESSAGES", ZH)], &["log", "--help"]));
    for word in ["CSV 的语言", "示例：", "显示版本"] {
        assert!(log.contains(word), "`{word}` missing from:\n{log}");
    }
    assert!(!log.contains("Options:") && !log.contains("Print"), "{log}");

    let en = stdout(&run_in(&s, &[("LANG", "C.UTF-8")], &["--help"]));
    assert!(
        en.contains("Usage:") && en.contains("The as-run log (播出记录)"),
        "{en}"
    );
    let posix = stdout(&run_in(&s, &[("LC_ALL", "C"), ("LANG", ZH)], &["--help"]));
    assert!(posix.contains("Usage:"), "LC_ALL=C wins over LANG: {posix}");
}

#[test]
fn common_errors_follow_the_locale() {
    let s = TestStation::new();
    let out = run_in(&s, &[("LANG", ZH)], &["show", "99"]);
    assert!(!out.status.success());
    assert_eq!(
        stderr(&out).trim(),
        "错误：没有编号为 99 的稿件；用 `dalaba list` 查看全部稿件"
    );
    let out = run_in(&s, &[("LANG", "C")], &["show", "99"]);
    assert_eq!(
        stderr(&out).trim(),
        "error: there is no article 99; see `dalaba list`"
    );
    let nowhere = s.join("nowhere");
    let nowhere = nowhere.to_str().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_dalaba"))
        .args(["--station", nowhere, "list"])
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", ZH)
        .output()
        .unwrap();
    assert!(
        stderr(&out).contains(&format!("`{nowhere}` 不是站点目录")),
        "{}",
        stderr(&out)
    );
}

#[test]
fn status_words_and_the_csv_are_chinese_for_a_clerk() {
    let b = BoxUnderTest::new(MORNING);
    let (id, _) = b.add(
        "a.txt",
        "+++\nqueue = \"news\"\n+++\n各位村民请注意，明天停水。\n",
        &[],
    );
    let id = id.to_string();
    let zh = [("LANG", ZH)];
    let list = stdout(&run_in(&b.station, &zh, &["list"]));
    assert!(list.contains("状态") && list.contains("草稿"), "{list}");
    let en = stdout(&run_in(&b.station, &[("LANG", "C")], &["list"]));
    assert!(en.contains("status") && en.contains("draft"), "{en}");

    let plan = stdout(&run_in(
        &b.station,
        &zh,
        &["plan", "--now", "2026-12-01T06:00:00+08:00", "--hours", "2"],
    ));
    assert!(
        plan.contains("队列 `news`") && plan.contains("没有可播的稿件"),
        "{plan}"
    );

    b.ok(&["play-now", &id, "--emergency", "--by", "李站长"]);
    let log = stdout(&run_in(&b.station, &zh, &["log"]));
    assert!(log.contains("已播出") && log.contains("未审核"), "{log}");

    // The CSV is Chinese whatever the locale: BOM, Chinese headers and words, CRLF.
    let csv = run_in(&b.station, &[("LANG", "C")], &["log", "--csv"]).stdout;
    let text = String::from_utf8(csv).unwrap();
    assert!(
        text.starts_with("\u{feff}时段,计划时间,开始时间,结束时间,结果,"),
        "{text}"
    );
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines.iter().all(|l| l.ends_with("\r\n")), "CRLF: {text:?}");
    assert!(
        lines[1].contains(",已播出,") && lines[1].contains("李站长"),
        "{text}"
    );

    // `--csv-lang en`: the English format of before (BOM, LF).
    let csv = run_in(&b.station, &zh, &["log", "--csv", "--csv-lang", "en"]).stdout;
    let text = String::from_utf8(csv).unwrap();
    assert!(
        text.starts_with("\u{feff}slot,scheduled,started,ended,outcome,"),
        "{text}"
    );
    assert!(!text.contains('\r') && text.contains(",aired,"), "{text:?}");
}

#[test]
fn clap_texts_usage_errors_and_show_follow_the_locale() {
    let s = TestStation::new();
    let zh = [("LANG", ZH)];
    let c = [("LANG", "C")];
    let help = stdout(&run_in(&s, &zh, &["--help"]));
    for word in ["显示本说明", "[默认：.]", "[环境变量：DALABA_STATION]"] {
        assert!(help.contains(word), "`{word}` missing from:\n{help}");
    }
    for english in ["Print", "[default", "[env", "Options:"] {
        assert!(!help.contains(english), "`{english}` in:\n{help}");
    }
    let render = stdout(&run_in(&s, &zh, &["render", "--help"]));
    assert!(
        render.contains("WAV 写到哪里") && render.contains("稿件读几遍"),
        "{render}"
    );
    assert!(!render.contains("Where to write"), "{render}");
    let render = stdout(&run_in(&s, &c, &["render", "--help"]));
    assert!(
        render.contains("Where to write the WAV") && render.contains("Print help"),
        "{render}"
    );

    // A wrong flag: the message, usage and hint in Chinese; clap's exit status either way.
    let out = run_in(&s, &zh, &["list", "--bogus"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.starts_with("错误：不认识的参数 `--bogus`")
            && err.contains("用法： dalaba list")
            && err.contains("查看用法"),
        "{err}"
    );
    let out = run_in(&s, &c, &["list", "--bogus"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("error: unexpected argument '--bogus' found"),
        "{}",
        stderr(&out)
    );
    let out = run_in(&s, &zh, &["approve", "3"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("缺少必需的参数：--by <BY>"),
        "{}",
        stderr(&out)
    );
    let out = run_in(&s, &zh, &["log", "--csv-lang", "fr", "--csv"]);
    assert!(
        stderr(&out).contains("`fr` 不对（可以用：zh、en）"),
        "{}",
        stderr(&out)
    );

    let file = s.write(
        "notice.txt",
        "+++\nqueue = \"news\"\n+++\n# 停水通知\n\n责任编辑：张三\n\n明天上午停水。\n",
    );
    let file = file.to_str().unwrap();
    assert!(run_in(&s, &c, &["add", file]).status.success());
    let approve = run_in(&s, &c, &["approve", "1", "--by", "王书记"]);
    assert!(approve.status.success(), "{}", stderr(&approve));
    let show = stdout(&run_in(&s, &zh, &["show", "1"]));
    for word in [
        "稿件 1：停水通知",
        "状态：  已审核（第 1 版）",
        "优先级：普通",
        "王书记 于 ",
    ] {
        assert!(show.contains(word), "`{word}` missing from:\n{show}");
    }
    let show = stdout(&run_in(&s, &c, &["show", "1"]));
    for word in [
        "article 1: 停水通知",
        "status:   approved (version 1)",
        "approved: by 王书记",
    ] {
        assert!(show.contains(word), "`{word}` missing from:\n{show}");
    }
    let script = stdout(&run_in(&s, &zh, &["script", file]));
    assert!(
        script.contains("去掉了 1 行") && script.contains("责任编辑     责任编辑：张三"),
        "{script}"
    );
    let out = run_in(&s, &zh, &["script", "nope.txt"]);
    assert_eq!(
        stderr(&out).trim(),
        "错误：读不了 `nope.txt`：没有这个文件或目录"
    );
    let out = run_in(
        &s,
        &zh,
        &["approve", "1", "--by", "王书记", "--script", "deadbeefdead"],
    );
    assert!(
        stderr(&out).contains("已不是你看过的那一版"),
        "{}",
        stderr(&out)
    );
    let json = stdout(&run_in(&s, &zh, &["script", file, "--json"]));
    assert!(
        json.contains("\"reason\": \"editor\""),
        "--json stays machine-stable: {json}"
    );
}

/// `dalaba ARGS` on `b` (its captured sound device) under exactly the locale `locale` gives.
fn box_in(b: &BoxUnderTest, locale: &[(&str, &str)], args: &[&str]) -> Output {
    let mut cmd = b.cmd(args);
    for var in ["LC_ALL", "LC_MESSAGES", "LANG"] {
        cmd.env_remove(var);
    }
    cmd.envs(locale.iter().copied()).output().unwrap()
}

#[test]
fn tick_and_plan_follow_the_locale() {
    let b = BoxUnderTest::new(MORNING);
    let text = "+++\nqueue = \"news\"\n+++\n各位村民请注意，明天停水。\n";
    let (id, _) = b.add("a.txt", text, &[]);
    b.ok(&["approve", &id.to_string(), "--by", "王书记"]);
    b.add("b.txt", "+++\nqueue = \"news\"\n+++\n明天上午开会。\n", &[]);
    let (zh, c) = ([("LANG", ZH)], [("LANG", "C")]);
    let plan = ["plan", "--now", "2026-12-01T06:00:00+08:00", "--hours", "2"];
    let out = stdout(&box_in(&b, &zh, &plan));
    assert!(out.contains("：还没审核"), "{out}");
    let out = stdout(&box_in(&b, &c, &plan));
    assert!(out.contains(": not approved"), "{out}");

    b.ok(&["tick", "--now", "2026-11-30T20:00:00+08:00"]);
    let out = box_in(&b, &zh, &["tick", "--now", "2026-12-01T07:20:00+08:00"]);
    let missed = stdout(&out);
    assert!(missed.contains("morning  错过："), "{missed}");
    assert!(
        missed.contains("在补播时限 10 分钟内没有播出（喇叭箱关着或没有运行）"),
        "the engine's reason in the clerk's words: {missed}"
    );
    let log = stdout(&box_in(&b, &zh, &["log", "--csv"]));
    assert!(log.contains("在补播时限 10 分钟内没有播出"), "{log}");
    let log = stdout(&box_in(&b, &zh, &["log", "--json"]));
    assert!(
        log.contains("not aired within its catch-up window"),
        "--json keeps the record: {log}"
    );
    b.ok(&["tick", "--now", "2026-12-01T20:00:00+08:00"]);
    let out = box_in(&b, &c, &["tick", "--now", "2026-12-02T07:20:00+08:00"]);
    assert!(
        stdout(&out).contains("morning  missed: "),
        "{}",
        stdout(&out)
    );
    let out = box_in(&b, &zh, &["tick", "--now", "2026-12-03T07:00:02+08:00"]);
    let aired = stdout(&out);
    assert!(
        aired.contains("morning  已播出：1 篇稿件，"),
        "{aired}{}",
        stderr(&out)
    );
}

/// Asserts `dalaba ARGS` prints `zh` under a Chinese locale and `en` under `C` (stdout and
/// stderr together: status lines and errors alike).
fn says(s: &TestStation, args: &[&str], zh: &str, en: &str) {
    for (locale, word) in [(ZH, zh), ("C", en)] {
        let out = run_in(s, &[("LANG", locale)], args);
        let text = format!("{}{}", stdout(&out), stderr(&out));
        assert!(
            text.contains(word),
            "{args:?} under {locale}: `{word}` missing from:\n{text}"
        );
    }
}

#[test]
fn station_commands_follow_the_locale() {
    let b = BoxUnderTest::new(MORNING);
    let s = &b.station;
    says(s, &["check"], "没问题：站点", "ok: station");
    says(s, &["cache", "stats"], "缓存目录", "cache      ");
    says(
        s,
        &["cache", "prune", "--older-than", "2x"],
        "看不懂时长",
        "cannot read the age",
    );
    let dir = s.join("new");
    let (new, made) = (dir.to_str().unwrap(), s.join("made"));
    says(s, &["init", new], "新建站点", "already a station");
    let made = made.to_str().unwrap();
    let out = stdout(&run_in(s, &[("LANG", "C")], &["init", made]));
    assert!(out.contains("made a station in"), "{out}");
    says(s, &["init", made], "已经是站点了", "already a station");
    let file = s.write("a.txt", "+++\nqueue = \"news\"\n+++\n明天停水。\n");
    let out = s.join("a.wav");
    let render = [
        "render",
        file.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    says(s, &render, "段，响度", " segments, ");
    says(s, &render, "已写出", "wrote ");
}

#[test]
fn hub_and_console_commands_follow_the_locale() {
    let s = TestStation::new();
    says(
        &s,
        &["hub", "status"],
        "还没有登记任何喇叭箱",
        "no boxes enrolled yet",
    );
    says(
        &s,
        &["hub", "log"],
        "还没有收到任何播出记录",
        "no as-run rows received yet",
    );
    says(
        &s,
        &["hub", "revoke", "nobody"],
        "没有在这个中心登记",
        "is not enrolled at this hub",
    );
    let enroll =
        |id: &str| ["hub", "enroll", "张家村", "--id", id, "--zone", "东片"].map(str::to_owned);
    let (a, b) = (enroll("zhangjiacun"), enroll("zhangjiacun2"));
    let out = stdout(&run_in(
        &s,
        &[("LANG", ZH)],
        &a.each_ref().map(String::as_str),
    ));
    assert!(
        out.contains("已登记 张家村") && out.contains("密钥只显示这一次"),
        "{out}"
    );
    let out = stdout(&run_in(
        &s,
        &[("LANG", "C")],
        &b.each_ref().map(String::as_str),
    ));
    assert!(
        out.contains("enrolled 张家村") && out.contains("shown only this once"),
        "{out}"
    );
    says(&s, &["hub", "status"], "从未联系", "never in contact");
    let emergency = [
        "hub",
        "emergency",
        "--zone",
        "东片",
        "--reason",
        "r",
        "--by",
        "李站长",
    ];
    let emergency = [&emergency[..], &["--minutes", "0", "--text", "z"]].concat();
    says(&s, &emergency, "错误：", "error: ");
    says(
        &s,
        &["hub", "cancel", "e-1", "--by", "李站长"],
        "这个中心没有紧急广播",
        "no emergency `e-1`",
    );
    let add = |locale: &str, name: &str| {
        let mut cmd = s.cmd();
        cmd.env("LANG", locale)
            .env("DALABA_PASSWORD", "a-long-enough-one");
        stdout(
            &cmd.args(["console", "add-user", name, "--role", "站长"])
                .output()
                .unwrap(),
        )
    };
    assert!(add(ZH, "李站长").contains("已添加工作台用户 李站长（站长）"));
    assert!(add("C", "王站长").contains("added console user 王站长 (站长)"));
    says(
        &s,
        &["console", "add-user", "x", "--role", "boss"],
        "不是角色",
        "is not a role",
    );
}

#[test]
fn typed_errors_follow_the_locale_and_keep_their_names() {
    let s = TestStation::new();
    s.write(
        "schedules/main.toml",
        "[[slot]]\nname = \"morning\"\nat = [\"25:00\"]\nqueue = \"news\"\n",
    );
    says(&s, &["check"], "main.toml` 第 ", "main.toml` line ");
    std::fs::remove_file(s.join("schedules/main.toml")).unwrap();
    let file = s.write("a.txt", "+++\nqueue = \"news\"\n明天停水。\n");
    let file = file.to_str().unwrap();
    says(
        &s,
        &["script", file],
        "第 1 行：用 `+++` 开始的稿件设置没有结束",
        "line 1: front matter opened",
    );
    let empty = s.write("b.txt", "\n\n");
    says(
        &s,
        &["script", empty.to_str().unwrap()],
        "去掉网页杂项后没有可播的文字",
        "has no text to broadcast",
    );
    let out = s.join("a.wav");
    let good = s.write("c.txt", "明天停水。\n");
    let render = [
        "render",
        good.to_str().unwrap(),
        "--voice",
        "nobody",
        "--out",
        out.to_str().unwrap(),
    ];
    says(&s, &render, "没有声音 `nobody`", "no voice `nobody`");
    s.write("dalaba.toml", "timezone = 3\n");
    says(
        &s,
        &["list"],
        "dalaba.toml` 第 1 行：",
        "dalaba.toml` line 1: ",
    );
}

#[test]
fn the_command_layers_own_errors_follow_the_locale() {
    let s = TestStation::new();
    says(
        &s,
        &["hub", "log", "--box", "no such box!"],
        "`--box no such box!` 不是喇叭箱编号",
        "`--box no such box!` is not a box id",
    );
    says(
        &s,
        &["hub", "serve", "--listen", "nowhere"],
        "`--listen nowhere` 不是地址",
        "`--listen nowhere` is not an address",
    );
    let wav = s.join("missing-dir/out.wav");
    let file = s.write("a.txt", "明天停水。\n");
    s.write("missing-dir", "a file where a folder should be");
    let folder = s.write("folder/x.txt", "").parent().unwrap().to_owned();
    says(
        &s,
        &[
            "render",
            file.to_str().unwrap(),
            "--out",
            wav.to_str().unwrap(),
        ],
        "查看不了 `",
        "cannot examine `",
    );
    says(
        &s,
        &[
            "render",
            file.to_str().unwrap(),
            "--out",
            folder.to_str().unwrap(),
        ],
        "是文件夹，不是普通文件",
        "is a folder, not a regular file",
    );
}
