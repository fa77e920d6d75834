//! Property tests, used as the fuzzer (cargo-fuzz needs nightly): random mixtures of Chinese
//! text, digits, symbols and punctuation through the normalizer, the segmenter, the article
//! parser and the decoder. Failures proptest finds are kept in `proptest-regressions/` and
//! replayed on every run. `PROPTEST_CASES=100000 cargo test --test integration text::props`
//! runs a long session.

use std::path::Path;

use dalaba::article;
use dalaba::text::{self, Lexicon, Script, chars::is_cjk};
use proptest::prelude::*;

/// Pieces real notices are made of, and some they should never contain.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[\u{4E00}-\u{9FA5}]{1,6}",
        3 => "[0-9]{1,12}",
        1 => "[０-９]{1,4}",
        1 => "[a-zA-Z]{1,4}",
        2 => prop::sample::select(vec![
            "%", "‰", "℃", "°C", "¥", "$", "/", ".", ":", "：", "-", "—", "–", "~", "～", "+",
            "=", ",", "，", "。", "；", "！", "？", "、", "（", "）", "(", ")", "“", "”", "《",
            "》", "〔", "〕", "#", "×", "km", "kg", "m²", "km/h", "μg/m³", " ", "\u{3000}",
            "\u{a0}", "①", "…", "·", "℉", "±", "≥", "&", "@", "*", "^", "\\", "|", "<", ">",
        ])
        .prop_map(str::to_owned),
        2 => prop::sample::select(vec![
            "年", "月", "日", "号", "时", "分", "秒", "点", "个", "人", "元", "万", "亿", "第",
            "电话", "拨打", "热线", "室", "级", "至", "到", "余", "多", "岁", "次", "度",
        ])
        .prop_map(str::to_owned),
    ]
}

/// Common characters of notices (all in GB2312), for GBK round trips.
const COMMON: &[char] = &[
    '各', '位', '村', '民', '请', '注', '意', '通', '知', '明', '天', '上', '午', '开', '会', '在',
    '委', '大', '院', '接', '种', '疫', '苗', '带', '好', '身', '份', '证', '电', '话', '防', '火',
    '水', '停', '元', '年', '月', '日', '号', '，', '。', '、', '：', '1', '2', '9', 'a', ' ',
];

fn mixture() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..40).prop_map(|v| v.concat())
}

fn cjk(s: &str) -> Vec<char> {
    s.chars().filter(|&c| is_cjk(c)).collect()
}

/// Whether `needle` appears in `hay` in order (not necessarily contiguous).
fn is_subsequence(needle: &[char], hay: &[char]) -> bool {
    let mut it = hay.iter();
    needle.iter().all(|c| it.any(|h| h == c))
}

/// Lines dense with numbers and the marks around them, to exercise every recognizer.
fn numeric() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        3 => "[0-9]{1,5}",
        2 => prop::sample::select(vec![
            ".", ":", "-", "/", "%", "—", "~", "+", ",", "年", "月", "日", "号", "时", "分", "点",
            "个", "元", "万", "第", "电话", "室", "℃", "km", "“", "”", "〔", "〕", "(", ")",
            "至", "单元", "后", "晚会", "次", "PM", "N", "鲁M", "@", "#",
        ])
        .prop_map(str::to_owned),
    ];
    prop::collection::vec(piece, 1..16).prop_map(|v| v.concat())
}

proptest! {
    #[test]
    fn number_dense_lines_lose_no_digit_and_no_character(line in numeric()) {
        let out = text::normalize(&line, &Lexicon::default());
        prop_assert!(!out.chars().any(|c| c.is_ascii_digit()), "digit left in {out:?}");
        prop_assert!(is_subsequence(&cjk(&line), &cjk(&out)), "{line:?} → {out:?}");
    }

    #[test]
    fn normalization_keeps_every_chinese_character_and_no_digit(line in mixture()) {
        let out = text::normalize(&line, &Lexicon::default());
        prop_assert!(!out.chars().any(|c| c.is_ascii_digit()), "digit left in {out:?}");
        prop_assert!(
            is_subsequence(&cjk(&line), &cjk(&out)),
            "Chinese characters lost: {line:?} → {out:?}"
        );
    }

    #[test]
    fn normalization_is_idempotent_on_its_own_output(line in mixture()) {
        let once = text::normalize(&line, &Lexicon::default());
        let twice = text::normalize(&once, &Lexicon::default());
        prop_assert_eq!(cjk(&once), cjk(&twice));
    }

    #[test]
    fn segments_fit_and_lose_nothing(
        paragraphs in prop::collection::vec(mixture(), 0..6),
        max in 1usize..60,
    ) {
        let script = Script {
            title: Some("通知".into()),
            paragraphs: paragraphs
                .iter()
                .map(|p| text::normalize(p, &Lexicon::default()))
                .collect(),
        };
        let segments = text::segment(&script, max);
        let all: String = segments.iter().map(|s| s.text.as_str()).collect();
        let want: String = std::iter::once("通知")
            .chain(script.paragraphs.iter().map(String::as_str))
            .collect();
        prop_assert_eq!(cjk(&all), cjk(&want));
        for s in &segments {
            prop_assert!(s.text.chars().count() <= max, "{:?} longer than {max}", s.text);
            prop_assert!(!s.text.trim().is_empty());
        }
    }

    #[test]
    fn article_parser_never_panics_and_keeps_sentences(
        lines in prop::collection::vec(mixture(), 0..12),
    ) {
        let text = lines.join("\n");
        if let Ok(a) = article::parse(Path::new("fuzz.txt"), &text) {
            // Every line that reads as prose (two sentences) is in the body or the title.
            let body: String = a.title.iter().chain(a.paragraphs.iter()).cloned().collect();
            for line in &lines {
                let prose = line.matches('。').count() >= 2 && !line.contains("-->") && !line.contains('<');
                if prose {
                    let kept = cjk(line);
                    prop_assert!(is_subsequence(&kept, &cjk(&body)), "lost {line:?}");
                }
            }
        }
    }

    #[test]
    fn decoder_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        if let Ok(text) = article::decode(Path::new("fuzz.bin"), &bytes) {
            let control = text.chars().any(|ch| ch.is_control() && !"\n\r\t\u{c}".contains(ch));
            prop_assert!(!control, "control characters in {:?}", text);
        }
    }

    #[test]
    fn gbk_round_trips(chars in prop::collection::vec(prop::sample::select(COMMON), 1..40)) {
        let line: String = chars.into_iter().collect();
        let (bytes, _, _) = encoding_rs::GBK.encode(&line);
        let back = article::decode(Path::new("gbk.txt"), &bytes);
        prop_assert_eq!(back.ok(), Some(line));
    }
}

#[test]
fn common_gbk_text_decodes() {
    let line = "各位村民请注意，明天上午九点在村委会大院开会，请准时参加。";
    let (bytes, _, _) = encoding_rs::GBK.encode(line);
    assert_eq!(article::decode(Path::new("gbk.txt"), &bytes).unwrap(), line);
}
