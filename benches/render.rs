//! Render-engine throughput against an in-process OpenAI-compatible server with a fixed
//! latency of 100 ms per request. Renders the long report from `../shared/articles/` (or a
//! generated text of the same size) at concurrency 1, 4 and 8 and prints, for each: the
//! segments N, the wall time, the ideal ⌈N/C⌉ × 100 ms and their ratio (goal ≤ 1.05 at
//! C = 8; at C = 8 five alternating runs of the engine and of a bare reqwest client, with
//! medians); CPU seconds beside each; then the warm-cache re-render time and its request count.
//!
//! Run with `make bench` or `cargo bench --bench render`.

// The test server is shared with the integration tests, where a panic is the report.
#![allow(clippy::unwrap_used, dead_code)]

#[path = "../tests/backends/server.rs"]
mod server;

mod cpu;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use dalaba::render::{self, RenderOptions};
use dalaba::text::{self, Lexicon, Segment};
use dalaba::tts::{BackendKind, Backends, VoiceProfile};
use server::{Reply, TestServer};

const LATENCY: Duration = Duration::from_millis(100);
const RATE: u32 = 24_000;
const REPORT: &str = "binzhou-report-2022-07-01.txt";
/// Seconds of audio per character in the answers (about 4 characters a second, as Mandarin TTS speaks).
const SECONDS_PER_CHAR: f32 = 0.25;

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    // `cargo bench` passes `--bench`; `cargo test --all-targets` runs this binary without it,
    // where a short smoke run proves the bench still works without slowing the suite.
    let full = std::env::args().any(|a| a == "--bench");
    runtime.block_on(bench(full));
}

async fn bench(full: bool) {
    let (source, article) = load_article();
    let mut segments = text::segment(&text::script(&article, &Lexicon::default()), 4096);
    if !full {
        segments.truncate(8);
        println!("smoke run (8 segments); `cargo bench --bench render` for the figures");
    }
    let answers = Arc::new(answers(&segments));
    let server = {
        let answers = answers.clone();
        TestServer::start(move |req, _| {
            let text = req.json()["input"].as_str().unwrap_or_default().to_owned();
            let body = answers.get(&text).cloned().unwrap_or_default();
            Reply::Delay(LATENCY, Box::new(Reply::ok("audio/wav", body)))
        })
        .await
    };
    println!(
        "render engine against a server with {} ms latency",
        LATENCY.as_millis()
    );
    println!("text: {source}, {} segments", segments.len());
    println!();
    println!(
        "{:>3} {:>5} {:>9} {:>9} {:>6}",
        "C", "N", "wall", "ideal", "ratio"
    );
    // One set of voices and one bare client for the whole run, as a daemon keeps them.
    let voices = Backends::default();
    let client = reqwest::Client::new();
    for concurrency in [1, 4] {
        let (_dir, run) = render_once(&voices, &server, &segments, concurrency).await;
        print_row(concurrency, run.requests, run.wall, &run.cpu_note());
    }
    // C = 8 is the goal's figure: engine and bare client alternate, so load that comes and
    // goes hits both alike, and the medians are compared.
    let rounds = if full { 5 } else { 1 };
    let (mut engine, mut floor) = (Vec::new(), Vec::new());
    let mut warm_dir = None;
    for _ in 0..rounds {
        let (dir, run) = render_once(&voices, &server, &segments, 8).await;
        print_row(8, run.requests, run.wall, &run.cpu_note());
        engine.push(run.wall);
        warm_dir = Some(dir);
        let bare = plain_requests(&client, &server.url, &segments, 8).await;
        print_row(
            8,
            segments.len(),
            bare.wall,
            &format!("{}  bare reqwest, no checks, no cache", bare.cpu_note()),
        );
        floor.push(bare.wall);
    }
    let n = segments.len();
    println!();
    print_row(8, n, median(&mut engine), "  median, engine");
    print_row(8, n, median(&mut floor), "  median, floor: bare reqwest");
    let (_dir, profile, options) = warm_dir.unwrap();
    let before = server.count();
    let start = Instant::now();
    let rendered = render::render_with_report(&voices, &profile, &segments, &options)
        .await
        .unwrap();
    let wall = start.elapsed();
    println!();
    println!(
        "warm cache re-render: {:.3} s, {} requests, {} of {} segments from the cache",
        wall.as_secs_f64(),
        server.count() - before,
        rendered.report.cached,
        rendered.report.segments
    );
}

/// The same requests with a bare reqwest client (kept across runs, as the engine keeps its
/// voices) and `concurrency` workers: what the machine and the test server allow before the
/// engine does anything.
async fn plain_requests(
    client: &reqwest::Client,
    url: &str,
    segments: &[Segment],
    concurrency: usize,
) -> Run {
    let url = format!("{url}/v1/audio/speech");
    let queue = Arc::new(std::sync::Mutex::new(
        segments.iter().map(|s| s.text.clone()).collect::<Vec<_>>(),
    ));
    let (start, cpu) = (Instant::now(), cpu::own());
    let workers: Vec<_> = (0..concurrency)
        .map(|_| {
            let (client, url, queue) = (client.clone(), url.clone(), queue.clone());
            tokio::spawn(async move {
                loop {
                    let Some(text) = queue.lock().unwrap().pop() else {
                        break;
                    };
                    let body =
                        serde_json::json!({"model": "tts-1", "input": text, "voice": "alloy"});
                    let response = client.post(&url).json(&body).send().await.unwrap();
                    response.bytes().await.unwrap();
                }
            })
        })
        .collect();
    for worker in workers {
        worker.await.unwrap();
    }
    Run {
        requests: segments.len(),
        wall: start.elapsed(),
        cpu: cpu::own() - cpu,
    }
}

/// One timed render: its requests, wall time and the process's CPU time meanwhile.
struct Run {
    requests: usize,
    wall: Duration,
    cpu: f64,
}

impl Run {
    fn cpu_note(&self) -> String {
        format!("  cpu {:.2} s", self.cpu)
    }
}

/// Renders every segment into a fresh cache at `concurrency`; the cache directory is kept
/// for the warm re-render.
async fn render_once(
    voices: &Backends,
    server: &TestServer,
    segments: &[Segment],
    concurrency: usize,
) -> (WarmCache, Run) {
    let dir = tempfile::tempdir().unwrap();
    let profile = profile(&server.url, concurrency);
    let options = RenderOptions::new(RATE, dir.path().join("cache"));
    let before = server.count();
    let (start, cpu) = (Instant::now(), cpu::own());
    let rendered = render::render_with_report(voices, &profile, segments, &options)
        .await
        .unwrap();
    let run = Run {
        requests: server.count() - before,
        wall: start.elapsed(),
        cpu: cpu::own() - cpu,
    };
    assert_eq!(run.requests, rendered.report.synthesized);
    ((dir, profile, options), run)
}

/// A rendered cache, with the voice and options that made it.
type WarmCache = (tempfile::TempDir, VoiceProfile, RenderOptions);

fn median(walls: &mut [Duration]) -> Duration {
    walls.sort();
    walls[walls.len() / 2]
}

fn profile(url: &str, concurrency: usize) -> VoiceProfile {
    let mut profile = VoiceProfile::new("bench", BackendKind::Openai);
    profile.url = Some(url.to_owned());
    profile.concurrency = concurrency;
    profile.retries = 0;
    profile
}

/// The long report when `../shared` is present, else generated text of the same size.
fn load_article() -> (String, dalaba::article::Article) {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let candidates: Vec<PathBuf> = ["../shared/articles", "../../shared/articles"]
        .iter()
        .map(|d| manifest.join(d).join(REPORT))
        .collect();
    for path in candidates {
        if let Ok(bytes) = std::fs::read(&path) {
            let text = dalaba::article::decode(&path, &bytes).unwrap();
            let article = dalaba::article::parse(&path, &text).unwrap();
            return (path.display().to_string(), article);
        }
    }
    let text = generated(4_200);
    let article = dalaba::article::parse(Path::new("generated.txt"), &text).unwrap();
    ("generated text (4 200 characters)".into(), article)
}

/// Unique sentences of ordinary length until `chars` characters.
fn generated(chars: usize) -> String {
    let words = [
        "村委会",
        "乡亲们",
        "合作社",
        "粮食",
        "果园",
        "道路",
        "学校",
        "卫生室",
        "防汛",
        "春耕",
    ];
    let mut text = String::from("全镇工作综述\n\n");
    let mut i = 0usize;
    while text.chars().count() < chars {
        let (a, b, c) = (words[i % 10], words[(i / 10) % 10], words[(i / 100) % 10]);
        text.push_str(&format!(
            "{a}和{b}一起推进{c}工作，取得了新的进展，群众满意度不断提高。"
        ));
        if i % 5 == 4 {
            text.push('\n');
        }
        i += 1;
    }
    text
}

/// A WAV answer per segment text: a tone of [`SECONDS_PER_CHAR`] per character at the
/// program rate.
fn answers(segments: &[Segment]) -> HashMap<String, Vec<u8>> {
    segments
        .iter()
        .map(|s| {
            let chars = s
                .text
                .chars()
                .filter(|c| c.is_alphanumeric())
                .count()
                .max(1);
            let n = (RATE as f32 * SECONDS_PER_CHAR * chars as f32) as usize;
            let spec = hound::WavSpec {
                channels: 1,
                sample_rate: RATE,
                bits_per_sample: 16,
                sample_format: hound::SampleFormat::Int,
            };
            let mut cursor = std::io::Cursor::new(Vec::new());
            let mut writer = hound::WavWriter::new(&mut cursor, spec).unwrap();
            for i in 0..n {
                let t = i as f32 / RATE as f32;
                writer
                    .write_sample(((t * 220.0 * std::f32::consts::TAU).sin() * 12_000.0) as i16)
                    .unwrap();
            }
            writer.finalize().unwrap();
            (s.text.clone(), cursor.into_inner())
        })
        .collect()
}

/// One table row: concurrency, requests, wall time, the ideal ⌈N/C⌉ × latency, their ratio.
fn print_row(concurrency: usize, n: usize, wall: Duration, note: &str) {
    let ideal = LATENCY * n.div_ceil(concurrency) as u32;
    println!(
        "{concurrency:>3} {n:>5} {:>8.2}s {:>8.2}s {:>6.3}{note}",
        wall.as_secs_f64(),
        ideal.as_secs_f64(),
        wall.as_secs_f64() / ideal.as_secs_f64()
    );
}
