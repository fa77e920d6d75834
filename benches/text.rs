//! The text front-end's cost per kilobyte from 10 KB to 20 MB: furniture and paragraphs
//! (`article::parse`), normalization (`text::script`) and segmentation (`text::segment`), on
//! two generated shapes: a pasted page (furniture, then paragraphs between blank lines) and
//! one hard-wrapped block (every line joined into a single paragraph, the worst case for
//! anything that looks back along a line). Prints µs per KB for each stage and size, and the
//! ratio of the largest size's per-KB cost to the smallest's: flat (≈ 1) means linear time.
//! Asserts nothing about time.
//!
//! Run with `make bench` or `cargo bench --bench text`; without `--bench` (as
//! `cargo test --all-targets` runs it) only the two smallest sizes run once, as a smoke test.

use std::path::Path;
use std::time::Instant;

use dalaba::article;
use dalaba::text::{self, Lexicon};

const SIZES: &[usize] = &[10_000, 100_000, 1_000_000, 5_000_000, 20_000_000];

const SENTENCES: &[&str] = &[
    "今年以来，全镇新建标准化大棚326个，带动1200余户群众增收。",
    "1—5月份一般公共预算收入增长2.8%，列全省第4位。",
    "咨询电话：0543-3166666，工作时间为9:00-17:00。",
    "全市日核酸检测能力达到40.41万管，储备床位4513张，东岗村2组尾号1702的住户请注意。",
    "坚定落实“1+11868”工作体系和“141”基层治理体系，推动高质量发展。",
    "各级党组织书记要带头学习，把精神传达到每一位党员，定于2026-12-05上午8:30开会。",
];

const HEAD: &str = "首页 > 通知公告\n生成的测试文章\n发布时间：2026-11-24 16:02 浏览次数：2317 字体：[大 中 小]\n\n";

/// A page of about `size` bytes: furniture, then paragraphs of four sentences; or, with
/// `wrapped`, one block of lines of about 60 characters without a blank line.
fn page(size: usize, wrapped: bool) -> String {
    let mut text = String::from(HEAD);
    let mut i = 0;
    while text.len() < size {
        let sentence = SENTENCES[i % SENTENCES.len()];
        if wrapped {
            let cut = sentence
                .char_indices()
                .nth(14)
                .map_or(sentence.len(), |(b, _)| b);
            text.push_str(&sentence[..cut]);
            text.push('\n');
            text.push_str(&sentence[cut..]);
        } else {
            text.push_str(sentence);
            if i % 4 == 3 {
                text.push_str("\n\n");
            }
        }
        i += 1;
    }
    text.push_str("\n相关新闻\n东岗村修路\n");
    text
}

/// Milliseconds per round of the three stages.
fn measure(raw: &str, rounds: usize) -> [f64; 3] {
    let path = Path::new("bench.txt");
    let lexicon = Lexicon::new([("单县".to_string(), "善县".to_string())]);
    let time = |f: &mut dyn FnMut()| {
        let t = Instant::now();
        for _ in 0..rounds {
            f();
        }
        t.elapsed().as_secs_f64() * 1000.0 / rounds as f64
    };
    let mut a = article::parse(path, raw).expect("the bench text parses");
    let parse = time(&mut || a = article::parse(path, std::hint::black_box(raw)).expect("parses"));
    let mut script = text::script(&a, &lexicon);
    let normalize = time(&mut || script = text::script(std::hint::black_box(&a), &lexicon));
    let mut segments = 0;
    let segment = time(&mut || segments = text::segment(std::hint::black_box(&script), 120).len());
    std::hint::black_box(segments);
    [parse, normalize, segment]
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let sizes = if full { SIZES } else { &SIZES[..2] };
    println!("text front-end, µs per KB (ms per run):");
    for (shape, wrapped) in [("pasted page", false), ("one wrapped block", true)] {
        println!("  {shape}");
        println!("      size      parse          normalize        segment");
        let mut per_kb = Vec::new();
        for &size in sizes {
            let raw = page(size, wrapped);
            let rounds = if full {
                (4_000_000 / size).clamp(1, 50)
            } else {
                1
            };
            let ms = measure(&raw, rounds);
            let kb = raw.len() as f64 / 1000.0;
            let us: Vec<f64> = ms.iter().map(|m| m * 1000.0 / kb).collect();
            println!(
                "  {:>8} KB  {:6.2} ({:8.1})  {:6.2} ({:8.1})  {:6.2} ({:8.1})",
                raw.len() / 1000,
                us[0],
                ms[0],
                us[1],
                ms[1],
                us[2],
                ms[2]
            );
            per_kb.push(us);
        }
        if let (Some(first), Some(last)) = (per_kb.first(), per_kb.last()) {
            let ratio: Vec<String> = (0..3)
                .map(|k| format!("{:.2}", last[k] / first[k]))
                .collect();
            println!(
                "  per-KB cost at the largest size / the smallest: parse {}, normalize {}, segment {}",
                ratio[0], ratio[1], ratio[2]
            );
        }
    }
}
