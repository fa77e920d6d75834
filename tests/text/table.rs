//! The normalization tables in `tests/fixtures/normalize/*.tsv`: input, tab, expected reading.

use dalaba::text::{Lexicon, normalize};

use super::fixture;

/// Checks one row; the panic names the caller's line (for inline rows).
#[track_caller]
fn check(input: &str, want: &str) {
    assert_eq!(
        normalize(input, &Lexicon::default()),
        want,
        "input: {input}"
    );
}

/// Runs every row of a table and reports all mismatches at once, with file and line.
#[track_caller]
fn check_table(name: &str) -> usize {
    let path = fixture(&format!("normalize/{name}"));
    let text = std::fs::read_to_string(&path).expect("table is readable");
    let mut failures = Vec::new();
    let mut rows = 0;
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let (input, want) = line
            .split_once('\t')
            .unwrap_or_else(|| panic!("{name}:{}: no tab in row {line:?}", n + 1));
        rows += 1;
        let got = normalize(input, &Lexicon::default());
        if got != want {
            failures.push(format!(
                "{name}:{}: {input}\n    got  {got}\n    want {want}",
                n + 1
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {rows} rows differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
    rows
}

#[test]
fn cardinals() {
    check_table("cardinals.tsv");
}

#[test]
fn liang_and_er() {
    check_table("liang.tsv");
}

#[test]
fn decimals_percent_fractions() {
    check_table("decimals.tsv");
}

#[test]
fn dates() {
    check_table("dates.tsv");
}

#[test]
fn times() {
    check_table("times.tsv");
}

#[test]
fn ranges() {
    check_table("ranges.tsv");
}

#[test]
fn phone_numbers_rooms_ids() {
    check_table("phones.tsv");
}

#[test]
fn money_and_units() {
    check_table("units.tsv");
}

#[test]
fn codes_lists_and_latin() {
    check_table("codes.tsv");
}

#[test]
fn numbers_in_context_numbering_digit_strings_and_code_names() {
    assert!(check_table("context.tsv") >= 200);
}

#[test]
fn latin_words_ordinals_and_addresses() {
    check_table("latin.tsv");
}

#[test]
fn the_station_lexicon_overrides_the_latin_table() {
    let lexicon = Lexicon::new([
        ("WiFi".to_string(), "歪fai".to_string()),
        ("GDP".to_string(), "国内生产总值".to_string()),
    ]);
    assert_eq!(normalize("村里有WiFi", &lexicon), "村里有歪fai");
    assert_eq!(normalize("GDP增长5%", &lexicon), "国内生产总值增长百分之五");
    assert_eq!(normalize("Wi-Fi", &lexicon), "无线网");
}

#[test]
fn chinese_text_is_unchanged() {
    check_table("unchanged.tsv");
}

#[test]
fn whole_sentences() {
    check_table("sentences.tsv");
}

#[test]
fn there_are_at_least_400_rows() {
    let files = std::fs::read_dir(fixture("normalize")).unwrap();
    let mut rows = 0;
    for f in files {
        let path = f.unwrap().path();
        if path.extension().is_some_and(|e| e == "tsv") {
            rows += check_table(path.file_name().unwrap().to_str().unwrap());
        }
    }
    assert!(rows >= 400, "only {rows} rows");
}

#[test]
fn lexicon_applies_first_and_longest_match_wins() {
    let lexicon = Lexicon::new([
        ("单县".to_string(), "善县".to_string()),
        ("单县城".to_string(), "善县城".to_string()),
        ("5G".to_string(), "五G".to_string()),
    ]);
    assert_eq!(
        normalize("单县城有5G基站2座", &lexicon),
        "善县城有五G基站两座"
    );
    assert_eq!(normalize("单位", &lexicon), "单位");
}

#[test]
fn inline_rows() {
    check("", "");
    check("   ", "");
    check("共 5 人", "共五人");
    check("增长 2.8 %", "增长百分之二点八");
}
