//! Normalization speed on the long report (`../shared/articles/binzhou-report-2022-07-01.txt`)
//! or, when the shared samples are absent, on a generated text of the same size and mix.
//! Prints figures; asserts nothing about time.

use std::path::Path;
use std::time::Instant;

use dalaba::article;
use dalaba::text::{self, Lexicon};

fn main() {
    let (label, raw) = input();
    let path = Path::new(&label);
    let a = article::parse(path, &raw).expect("the bench text parses");
    let lexicon = Lexicon::new([("单县".to_string(), "善县".to_string())]);
    let rounds = 200;

    let t = Instant::now();
    for _ in 0..rounds {
        std::hint::black_box(article::parse(path, std::hint::black_box(&raw)).ok());
    }
    let parse_ms = t.elapsed().as_secs_f64() * 1000.0 / rounds as f64;

    let t = Instant::now();
    let mut script = text::script(&a, &lexicon);
    for _ in 0..rounds {
        script = text::script(std::hint::black_box(&a), &lexicon);
    }
    let normalize_ms = t.elapsed().as_secs_f64() * 1000.0 / rounds as f64;

    let t = Instant::now();
    let mut segments = 0;
    for _ in 0..rounds {
        segments = text::segment(std::hint::black_box(&script), 120).len();
    }
    let segment_ms = t.elapsed().as_secs_f64() * 1000.0 / rounds as f64;

    println!(
        "text front-end on {label} ({} bytes, {} paragraphs)",
        raw.len(),
        a.paragraphs.len()
    );
    println!("  parse + furniture  {parse_ms:8.3} ms");
    println!("  normalize (script) {normalize_ms:8.3} ms");
    println!("  segment ({segments} segs) {segment_ms:8.3} ms");
}

/// The long report when present, else generated text of the same size.
fn input() -> (String, String) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for shared in ["../shared", "../../shared"] {
        let path = root
            .join(shared)
            .join("articles/binzhou-report-2022-07-01.txt");
        if let Ok(text) = std::fs::read_to_string(&path) {
            return ("binzhou-report-2022-07-01.txt".into(), text);
        }
    }
    let sentences = [
        "今年以来，全镇新建标准化大棚326个，带动1200余户群众增收。",
        "1—5月份一般公共预算收入增长2.8%，列全省第4位。",
        "咨询电话：0543-3166666，工作时间为9:00-17:00。",
        "全市日核酸检测能力达到40.41万管，储备床位4513张。",
        "坚定落实“1+11868”工作体系，推动高质量发展。",
        "各级党组织书记要带头学习，把精神传达到每一位党员。",
    ];
    let mut text = String::from("生成的测试文章\n\n");
    let mut i = 0;
    while text.len() < 11_756 {
        text.push_str(sentences[i % sentences.len()]);
        if i % 4 == 3 {
            text.push_str("\n\n");
        }
        i += 1;
    }
    ("generated text".into(), text)
}
