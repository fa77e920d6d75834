//! `dalaba script` and `dalaba normalize`, run as a user runs them, against a station in a
//! temporary directory.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use super::fixture;

fn dalaba(station: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dalaba"))
        .arg("--station")
        .arg(station)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("dalaba starts");
    // A command that fails before reading stdin closes it: a broken pipe here is expected.
    let _ = child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(stdin.as_bytes());
    child.wait_with_output().expect("dalaba finishes")
}

fn station_with_lexicon(lexicon: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join("voices")).expect("voices dir");
    std::fs::write(dir.path().join("dalaba.toml"), "").expect("settings written");
    std::fs::write(dir.path().join("voices/lexicon.toml"), lexicon).expect("lexicon written");
    dir
}

const LEXICON: &str = "[words]\n\"单县\" = \"善县\"\n\"单县城\" = \"善县城\"\n";

#[test]
fn normalize_is_one_line_in_one_line_out() {
    let station = station_with_lexicon(LEXICON);
    let input = "增长2.8%\n\n单县城有110名民警，报警请拨打110\n今天天气很好。\n";
    let out = dalaba(station.path(), &["normalize"], input);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8(out.stdout).expect("utf-8"),
        "增长百分之二点八\n\n善县城有一百一十名民警，报警请拨打幺幺零\n今天天气很好。\n"
    );
}

#[test]
fn normalize_can_leave_the_lexicon_out() {
    let station = station_with_lexicon(LEXICON);
    let out = dalaba(station.path(), &["normalize", "--no-lexicon"], "单县2个\n");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "单县两个\n");
}

#[test]
fn script_shows_segments_removed_lines_and_lexicon_hits() {
    let station = station_with_lexicon(LEXICON);
    let article = station.path().join("notice.txt");
    std::fs::write(
        &article,
        "单县停水通知\n\n发布时间：2026-12-01 09:30\n明天8:00至18:00单县城区停水。请提前储水。\n责任编辑：张红\n",
    )
    .expect("article written");
    let out = dalaba(
        station.path(),
        &["script", article.to_str().expect("path")],
        "",
    );
    let stdout = String::from_utf8(out.stdout).expect("utf-8");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.starts_with("善县停水通知\n\n"), "{stdout}");
    assert!(
        stdout.contains("明天八点至十八点善县城区停水。 | 请提前储水。"),
        "{stdout}"
    );
    assert!(
        stdout.contains("line   3  timestamp    发布时间：2026-12-01 09:30"),
        "{stdout}"
    );
    assert!(
        stdout.contains("line   5  editor       责任编辑：张红"),
        "{stdout}"
    );
    assert!(stdout.contains("title        单县 → 善县"), "{stdout}");
    assert!(stdout.contains("paragraph 1  单县城 → 善县城"), "{stdout}");
}

#[test]
fn script_json_is_for_tools() {
    let station = station_with_lexicon(LEXICON);
    let article = fixture("articles/newspaper-page-pasted.txt");
    let out = dalaba(
        station.path(),
        &["script", article.to_str().expect("path"), "--json"],
        "",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    assert_eq!(v["title"], "河口县：小蘑菇撑起致富“大产业”");
    let segments = v["segments"].as_array().expect("segments");
    assert_eq!(segments[0]["pause"], "title");
    assert_eq!(segments.last().expect("a segment")["pause"], "paragraph");
    assert!(
        segments
            .iter()
            .all(|s| !s["text"].as_str().expect("text").is_empty())
    );
    let removed = v["removed"].as_array().expect("removed");
    assert_eq!(removed.len(), 13);
    assert_eq!(removed[0]["line"], 1);
    assert_eq!(removed[0]["reason"], "banner");
    assert_eq!(v["lexicon"].as_array().expect("lexicon").len(), 0);
    let paragraphs = v["paragraphs"].as_array().expect("paragraphs");
    assert!(paragraphs.iter().all(|p| {
        !p.as_str()
            .expect("text")
            .chars()
            .any(|c| c.is_ascii_digit())
    }));
}

#[test]
fn a_broken_lexicon_is_named() {
    let station = station_with_lexicon("[words]\n\"单县\" = 5\n");
    let out = dalaba(station.path(), &["normalize"], "单县\n");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("lexicon.toml") && stderr.contains("line 2"),
        "{stderr}"
    );
}

#[test]
fn an_undecodable_article_is_refused_with_its_name() {
    let station = station_with_lexicon(LEXICON);
    let article = fixture("articles/notice-latin1.txt");
    let out = dalaba(
        station.path(),
        &["script", article.to_str().expect("path")],
        "",
    );
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("notice-latin1.txt") && stderr.contains("not UTF-8 or GBK"),
        "{stderr}"
    );
}

#[test]
fn script_keeps_and_drops_lines_the_approver_names() {
    let station = station_with_lexicon(LEXICON);
    let article = fixture("pages/11-county-notice-water.txt");
    let path = article.to_str().expect("path");
    let out = dalaba(
        station.path(),
        &["script", path, "--keep-line", "11", "--drop-line", "8"],
        "",
    );
    let stdout = String::from_utf8(out.stdout).expect("utf-8");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Line 11 (a link to the previous notice) is read; line 8 (the signature) is not.
    assert!(
        stdout.contains("上一篇：关于开展冬季征兵工作的通告"),
        "{stdout}"
    );
    assert!(!stdout.contains("\n河口县自来水公司"), "{stdout}");
    assert!(
        stdout.contains("line   8  dropped by approver 河口县自来水公司"),
        "{stdout}"
    );
    assert!(stdout.contains("keep_lines = [11]"), "{stdout}");
    let out = dalaba(station.path(), &["script", path, "--keep-line", "400"], "");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("11-county-notice-water.txt") && stderr.contains("line 400"),
        "{stderr}"
    );
}

#[test]
fn script_pinyin_shows_the_reading_a_lexicon_gives_a_place_name() {
    let station =
        station_with_lexicon("[words]\n\"单县\" = \"shan4 xian4\"\n\"莘县\" = \"shēn xiàn\"\n");
    let article = station.path().join("a.txt");
    std::fs::write(&article, "通知\n\n单县和莘县的银行明天照常营业。\n").expect("article written");
    let path = article.to_str().expect("utf-8 path");
    let out = dalaba(station.path(), &["script", path, "--pinyin"], "");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("shàn xiàn hé shēn xiàn de yín háng míng tiān zhào cháng yíng yè"),
        "{stdout}"
    );
    // Tone numbers in the lexicon reach the script as tone marks, so no digit is read.
    assert!(stdout.contains("shàn xiàn和shēn xiàn的银行"), "{stdout}");
    let json = dalaba(station.path(), &["script", path, "--json", "--pinyin"], "");
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON");
    assert_eq!(report["segments"][0]["pinyin"], "tōng zhī");
}
