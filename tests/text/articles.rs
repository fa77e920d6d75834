//! Article fixtures written by us: a pasted newspaper page, notices in the shapes found in the
//! field, GBK and BOM/CRLF files, and the long shared report when it is present.

use std::path::Path;

use dalaba::article::{self, Article};
use dalaba::text::{self, Lexicon, chars::is_cjk};

use super::{fixture, shared_articles};

fn load(path: &Path) -> Article {
    let bytes = std::fs::read(path).expect("fixture is readable");
    let text = article::decode(path, &bytes).expect("fixture decodes");
    article::parse(path, &text).expect("fixture parses")
}

fn cjk(s: &str) -> String {
    s.chars().filter(|&c| is_cjk(c)).collect()
}

/// The Chinese characters of every paragraph and the title, in order.
fn spoken_cjk(a: &Article) -> String {
    a.title
        .iter()
        .chain(a.paragraphs.iter())
        .map(|p| cjk(p))
        .collect()
}

#[test]
fn newspaper_page_loses_its_furniture_and_keeps_every_sentence() {
    let a = load(&fixture("articles/newspaper-page-pasted.txt"));
    assert_eq!(a.title.as_deref(), Some("河口县：小蘑菇撑起致富“大产业”"));
    let removed: Vec<(usize, &str)> = a.removed.iter().map(|r| (r.line, r.reason)).collect();
    assert_eq!(
        removed,
        [
            (1, "banner"),
            (2, "banner"),
            (4, "breadcrumb"),
            (8, "timestamp"),
            (9, "byline"),
            (10, "source"),
            (11, "banner"),
            (23, "byline"),
            (27, "editor"),
            (28, "print"),
            (29, "share"),
            (30, "copyright"),
            (31, "markup"),
        ]
    );
    // Every body sentence of the page, including those that begin like furniture
    // (记者从…, 编辑部…, 来源于…).
    let body = [
        "河口网讯 近日,记者走进河口县柳林镇食用菌产业园,一排排大棚整齐排列,工人们正忙着采摘、分拣、装箱。",
        "今年以来,全镇新建标准化大棚326个,带动1200余户群众增收。",
        "记者从县农业农村局了解到,2026年1—9月份,全县食用菌产量达到4.8万吨,同比增长12.5%;产值3.6亿元,列全市第2位。",
        "选准一个产业,带富一方百姓",
        "“过去种玉米,一亩地一年收入不到1000元;现在种蘑菇,一个大棚一年能挣3万元。”柳林镇东岗村村民李大山算起了收入账。",
        "编辑部门前的那棵老槐树,见证了村庄的变化。",
        "村里2户困难群众通过入股合作社,年底每户可分红5000元。",
        "镇党委书记王建国介绍,下一步将围绕“1+3+N”发展思路,力争到2028年产值突破10亿元。",
        "咨询电话:0543-8812345。",
        "来源于群众、服务于群众,是产业园建设的初衷。",
    ];
    let all = a.paragraphs.concat();
    for sentence in body {
        assert!(all.contains(sentence), "lost: {sentence}");
    }
    assert_eq!(a.paragraphs.len(), 7);
}

#[test]
fn newspaper_page_script_has_no_digits_and_reads_its_numbers() {
    let a = load(&fixture("articles/newspaper-page-pasted.txt"));
    let script = text::script(&a, &Lexicon::default()).to_text();
    assert!(!script.chars().any(|c| c.is_ascii_digit()), "{script}");
    for reading in [
        "三百二十六个",
        "一千二百余户",
        "二零二六年一至九月份",
        "四点八万吨",
        "百分之十二点五",
        "第二位",
        "“一加三加N”",
        "零五四三，八八幺二三四五",
        "两户",
        "五千元",
        "二零二八年",
        "十亿元",
    ] {
        assert!(script.contains(reading), "missing {reading} in {script}");
    }
}

#[test]
fn one_paragraph_per_line_notices_stay_apart() {
    let a = load(&fixture("articles/notice-one-paragraph-per-line.txt"));
    assert_eq!(a.title.as_deref(), Some("村民代表会议通知"));
    assert_eq!(
        a.paragraphs,
        [
            "定于12月3日晚上7点半，在村委会二楼会议室召开村民代表会议。",
            "请各位村民代表准时参加，不得缺席。",
            "有事请假的，请提前向村委会报告。",
            "东岗村村民委员会",
            "2026年12月1日",
        ]
    );
    assert!(a.removed.is_empty());
}

#[test]
fn hard_wrapped_lines_are_joined_into_their_sentence() {
    let a = load(&fixture("articles/notice-hard-wrapped.txt"));
    assert_eq!(
        a.paragraphs,
        [
            "因供水管网改造，定于2026年12月5日8:00至18:00对东岗村、西岗村、柳林村停止供水，请各户提前做好储水准备。如有疑问，请拨打供水所电话8812345。",
            "给大家带来不便，敬请谅解。",
        ]
    );
    let script = text::script(&a, &Lexicon::default());
    assert!(script.paragraphs[0].contains("八点至十八点"), "{script:?}");
    assert!(
        script.paragraphs[0].contains("电话八八幺二三四五"),
        "{script:?}"
    );
}

#[test]
fn gbk_file_is_decoded() {
    let a = load(&fixture("articles/notice-gbk.txt"));
    assert_eq!(a.title.as_deref(), Some("森林防火提示"));
    let script = text::script(&a, &Lexicon::default()).to_text();
    assert!(
        script.contains("拨打幺幺九或镇防火办电话八八幺二幺幺九"),
        "{script}"
    );
    assert!(script.contains("二百元以上三千元以下"), "{script}");
}

#[test]
fn bom_crlf_and_front_matter() {
    let a = load(&fixture("articles/front-matter-bom-crlf.txt"));
    assert_eq!(a.title.as_deref(), Some("寒潮预警"));
    assert_eq!(a.front.queue.as_deref(), Some("urgent"));
    assert_eq!(a.front.until.as_deref(), Some("2026-12-10"));
    assert_eq!(a.front.repeat, Some(3));
    assert_eq!(a.paragraphs.len(), 2);
    let script = text::script(&a, &Lexicon::default());
    assert_eq!(
        script.paragraphs[0],
        "预计十二月八日至十日，我县气温将下降八至十摄氏度，最低气温降至零下九摄氏度。"
    );
}

#[test]
fn other_encodings_are_refused_by_name() {
    let path = fixture("articles/notice-latin1.txt");
    let bytes = std::fs::read(&path).expect("fixture is readable");
    let err = article::decode(&path, &bytes).unwrap_err().to_string();
    assert!(
        err.contains("notice-latin1.txt") && err.contains("not UTF-8 or GBK"),
        "{err}"
    );
}

#[test]
fn unknown_front_matter_key_names_file_line_and_key() {
    let path = fixture("articles/front-matter-unknown-key.txt");
    let text = std::fs::read_to_string(&path).expect("fixture is readable");
    let err = article::parse(&path, &text).unwrap_err().to_string();
    assert!(err.contains("front-matter-unknown-key.txt"), "{err}");
    assert!(err.contains("line 3") && err.contains("repet"), "{err}");
}

/// The long shared report: every body sentence kept, furniture gone, no digits in the script.
#[test]
fn shared_long_report_keeps_every_body_sentence() {
    let Some(dir) = shared_articles() else {
        eprintln!("../shared/articles is absent; skipped");
        return;
    };
    let path = dir.join("binzhou-report-2022-07-01.txt");
    let a = load(&path);
    let raw = std::fs::read_to_string(&path).expect("report is readable");
    let kept = spoken_cjk(&a);
    // Body sentences: every line from the dateline paragraph to the last paragraph.
    let lines: Vec<&str> = raw.lines().map(str::trim).collect();
    let first = lines
        .iter()
        .position(|l| l.contains("网讯"))
        .expect("dateline");
    let last = lines
        .iter()
        .rposition(|l| l.ends_with(['！', '!']))
        .expect("last paragraph");
    for line in lines[first..=last].iter().filter(|l| !l.is_empty()) {
        for sentence in line.split_inclusive(['。', '！', '？', '?', '!']) {
            assert!(kept.contains(&cjk(sentence)), "lost: {sentence}");
        }
    }
    let reasons: Vec<&str> = a.removed.iter().map(|r| r.reason).collect();
    assert_eq!(
        reasons,
        [
            "banner",
            "banner",
            "timestamp",
            "byline",
            "source",
            "banner",
            "editor",
            "markup"
        ]
    );
    assert!(a.title.as_deref().is_some_and(|t| t.contains("活动综述")));
    let script = text::script(&a, &Lexicon::default()).to_text();
    assert!(!script.chars().any(|c| c.is_ascii_digit()));
    for reading in [
        "一万四千一百四十六个",
        "百分之二点八",
        "四十点四一万管",
        "“二加一加一加N”",
    ] {
        assert!(script.contains(reading), "missing {reading}");
    }
}

/// Every shared sample gives a script with no digits and no Latin percent or slash left.
#[test]
fn shared_samples_read_cleanly() {
    let Some(dir) = shared_articles() else {
        return;
    };
    for entry in std::fs::read_dir(dir).expect("shared dir lists") {
        let path = entry.expect("entry").path();
        let a = load(&path);
        let script = text::script(&a, &Lexicon::default()).to_text();
        let bad: Vec<char> = script
            .chars()
            .filter(|c| c.is_ascii_digit() || matches!(c, '%' | '℃' | '/' | '¥' | '‰'))
            .collect();
        assert!(bad.is_empty(), "{}: {bad:?} in {script}", path.display());
    }
}

#[test]
fn government_page_loses_widgets_and_keeps_the_notice() {
    let a = load(&fixture("articles/government-page-pasted.txt"));
    assert_eq!(a.title.as_deref(), Some("关于做好冬季安全生产工作的通知"));
    let removed: Vec<(usize, &str)> = a.removed.iter().map(|r| (r.line, r.reason)).collect();
    assert_eq!(
        removed,
        [
            (1, "markup in line"),
            (2, "timestamp"),
            (3, "font size"),
            (12, "byline"),
            (13, "qr code"),
            (14, "page chrome"),
            (17, "related list"),
            (18, "page chrome"),
            (19, "page chrome"),
            (20, "copyright"),
        ]
    );
    assert_eq!(
        a.paragraphs,
        [
            "各镇（街道）、各有关部门：",
            "为切实做好冬季安全生产工作，现将有关事项通知如下：",
            "一、高度重视。各单位要充分认识冬季安全生产工作的重要性。",
            "二、加强排查。重点检查燃气、取暖设施，发现隐患立即整改。",
            "三、严格值班。实行24小时值班制度，值班电话：0543-8812345。",
            "编者按：冬季是安全事故易发期，请大家务必重视。",
            "县应急管理局",
            "2026年11月20日",
        ]
    );
}
