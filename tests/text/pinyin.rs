//! The pinyin front-end on its table: 多音字 in village-notice sentences must take the
//! reading their words give them (`tests/fixtures/pinyin/polyphones.tsv`).

use dalaba::text::pinyin::{self, Unit};

use super::fixture;

/// Each character of `text` and the syllable read for it (儿化: 儿 reads `r`).
fn readings(text: &str) -> Vec<(char, String)> {
    let mut out = Vec::new();
    for unit in pinyin::lexical(text) {
        if let Unit::Syllable(r) = unit {
            let mut chars = r.text.chars();
            if let Some(first) = chars.next() {
                out.push((first, r.syllable.numbered()));
            }
            out.extend(chars.map(|c| (c, "r".to_owned())));
        }
    }
    out
}

#[test]
fn polyphones_take_the_reading_of_their_word() {
    let table = std::fs::read_to_string(fixture("pinyin/polyphones.tsv")).unwrap();
    let (mut right, mut total, mut sentences) = (0, 0, 0);
    let mut wrong = Vec::new();
    for line in table
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let (marked, want) = line.split_once('\t').expect("sentence TAB readings");
        let want: Vec<&str> = want.split_whitespace().collect();
        let plain: String = marked.chars().filter(|c| !matches!(c, '[' | ']')).collect();
        let read = readings(&plain);
        let mut targets = Vec::new();
        let mut index = 0;
        for c in marked.chars() {
            if c == '[' {
                targets.push(index);
                continue;
            }
            if c != ']' && dalaba::text::chars::is_cjk(c) {
                index += 1;
            }
        }
        assert_eq!(targets.len(), want.len(), "{line}");
        sentences += 1;
        let cjk: Vec<&(char, String)> = read
            .iter()
            .filter(|(c, _)| dalaba::text::chars::is_cjk(*c))
            .collect();
        for (at, want) in targets.iter().zip(want) {
            total += 1;
            match cjk.get(*at) {
                Some((_, got)) if got == want => right += 1,
                got => wrong.push(format!("{marked}: want {want}, got {got:?}")),
            }
        }
    }
    let share = f64::from(right) / f64::from(total);
    assert!(
        sentences >= 200 && total >= 200,
        "{sentences} sentences, {total} targets"
    );
    assert!(
        share >= 0.97,
        "{right}/{total} = {:.1} % right; wrong:\n{}",
        share * 100.0,
        wrong.join("\n")
    );
    eprintln!(
        "polyphones: {right}/{total} right; wrong:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn surface_readings_apply_tone_sandhi() {
    let said = |t: &str| pinyin::numbered(&pinyin::read(t)).join(" ");
    let cases = [
        ("一个人", "yi2 ge4 ren2"),
        ("一起来", "yi4 qi3 lai2"),
        ("第一名", "di4 yi1 ming2"),
        ("不去", "bu2 qu4"),
        ("不来", "bu4 lai2"),
        ("请你马上", "qing2 ni2 ma3 shang4"),
        ("一点儿", "yi4 dian3r"),
    ];
    for (text, want) in cases {
        assert_eq!(said(text), want, "{text}");
    }
}
