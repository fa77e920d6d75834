//! Program assembly benchmark (prints figures; not a timed test). Run with `make bench` or
//! `cargo bench --bench program`.
//!
//! Builds a cache of synthesized speech-like segments (no TTS needed), then:
//! 1. assembles a 1-hour program from them and prints wall time and real-time factor, next to
//!    the equivalent sox chain (concatenate the same segment WAVs, resample, apply gain) and
//!    the ratio dalaba/sox, once from segments at the program rate and once from segments at
//!    an engine's 22 050 Hz; five alternating runs of each, medians compared;
//! 2. assembles 10-minute, 1-hour and 3-hour programs, each in a child process, and prints
//!    each one's peak resident memory (VmHWM), which should stay flat.
//!
//! `DALABA_BENCH_QUICK=1` shortens everything tenfold, for a smoke run. Without `--bench`
//! (as under `cargo test --all-targets`) it only says how to run it.

mod cpu;

use std::f64::consts::TAU;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use dalaba::audio::chime::{self, Direction};
use dalaba::audio::layout::{self, Chimes, Cue, PauseGrammar, Sections};
use dalaba::program::{self, Assembly};
use dalaba::text::Pause;

const PROGRAM_RATE: u32 = 24_000;
const ENGINE_RATE: u32 = 22_050;
/// Distinct sentences: about a third of an hour-long program, the rest repeats (readings
/// twice or three times are the norm).
const DISTINCT: usize = 300;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|a| a == "--child") {
        return child(&args[at + 1..]);
    }
    if let Some(at) = args.iter().position(|a| a == "--segments") {
        // For profiling: just write the segment cache into DIR/RATE/.
        let dir = Path::new(args.get(at + 1).ok_or("usage: --segments DIR")?);
        for rate in [PROGRAM_RATE, ENGINE_RATE] {
            synthesize_segments(&dir.join(rate.to_string()), rate)?;
        }
        return Ok(());
    }
    if !args.iter().any(|a| a == "--bench") {
        // `cargo test --all-targets` runs bench binaries without `--bench`: only check that
        // it builds, the figures come from `cargo bench`.
        println!("program bench: run with `cargo bench --bench program`");
        return Ok(());
    }
    let quick = std::env::var_os("DALABA_BENCH_QUICK").is_some();
    let scale = if quick { 0.1 } else { 1.0 };
    let work = tempfile::tempdir()?;
    println!(
        "program assembly benchmark (segments synthesized in {})",
        work.path().display()
    );
    for rate in [PROGRAM_RATE, ENGINE_RATE] {
        synthesize_segments(&work.path().join(rate.to_string()), rate)?;
    }

    hour_against_sox(work.path(), scale)?;
    memory_by_length(work.path(), scale)?;
    Ok(())
}

/// Runs of each side per rate: they alternate, so load that comes and goes on a shared
/// machine hits both alike, and the medians are compared.
const ROUNDS: usize = 5;

/// Assembles a 1-hour program from segments at each rate and runs the sox chain on the same
/// segments right after it, [`ROUNDS`] times alternating; prints the medians and their ratios.
fn hour_against_sox(work: &Path, scale: f64) -> Result<(), Box<dyn std::error::Error>> {
    println!(
        "\n1-hour program vs the sox chain (concatenate, resample to {PROGRAM_RATE} Hz, gain)"
    );
    println!(
        "(medians of {ROUNDS} alternating runs; wall = elapsed time; cpu = user + system time of all threads)"
    );
    println!(
        "{:<22} {:>9} {:>8} {:>8} {:>8} {:>8} {:>10} {:>10} {:>8}",
        "segments",
        "program s",
        "wall s",
        "cpu s",
        "RTF",
        "sox wall",
        "wall ratio",
        "cpu ratio",
        "LUFS"
    );
    for rate in [PROGRAM_RATE, ENGINE_RATE] {
        let dir = work.join(rate.to_string());
        let seconds = 3600.0 * scale;
        let files = segment_sequence(&dir, seconds);
        let mut runs = Vec::new();
        let mut sox = Vec::new();
        for _ in 0..ROUNDS {
            runs.push(run_child(&dir, seconds, &work.join("hour.wav"))?);
            sox.push(sox_chain(&files, &work.join("sox.wav"))?);
        }
        let wall = median(runs.iter().map(|r| r.wall));
        let cpu = median(runs.iter().map(|r| r.cpu));
        let sox_wall = median(sox.iter().map(|s| s.0));
        let sox_cpu = median(sox.iter().map(|s| s.1));
        println!(
            "{:<22} {:>9.0} {:>8.2} {:>8.2} {:>8.4} {:>8.2} {:>10.2} {:>10.2} {:>8.2}",
            format!("{} at {rate} Hz", files.len()),
            runs[0].program,
            wall,
            cpu,
            wall / runs[0].program,
            sox_wall,
            wall / sox_wall,
            cpu / sox_cpu,
            runs[0].lufs
        );
        let walls: Vec<String> = runs.iter().map(|r| format!("{:.2}", r.wall)).collect();
        let sox_walls: Vec<String> = sox.iter().map(|s| format!("{:.2}", s.0)).collect();
        println!(
            "{:<22} runs: dalaba {} | sox {} (sox cpu s: {sox_cpu:.2})",
            "",
            walls.join(" "),
            sox_walls.join(" ")
        );
    }

    Ok(())
}

/// The median of `values`.
fn median(values: impl Iterator<Item = f64>) -> f64 {
    let mut values: Vec<f64> = values.collect();
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// Peak resident memory of 10-minute, 1-hour and 3-hour assemblies, each in a child.
fn memory_by_length(work: &Path, scale: f64) -> Result<(), Box<dyn std::error::Error>> {
    println!("\npeak resident memory by program length (child process, VmHWM)");
    println!(
        "{:<10} {:>10} {:>10} {:>10}",
        "program", "seconds", "wall s", "peak MB"
    );
    for (label, minutes) in [("10 min", 10.0), ("1 h", 60.0), ("3 h", 180.0)] {
        let dir = work.join(PROGRAM_RATE.to_string());
        let run = run_child(&dir, minutes * 60.0 * scale, &work.join("rss.wav"))?;
        println!(
            "{label:<10} {:>10.0} {:>10.2} {:>10.1}",
            run.program,
            run.wall,
            run.peak_kb as f64 / 1024.0
        );
    }
    Ok(())
}

/// What one child assembly reported.
struct Run {
    wall: f64,
    cpu: f64,
    program: f64,
    lufs: f64,
    peak_kb: u64,
}

fn run_child(dir: &Path, seconds: f64, out: &Path) -> Result<Run, Box<dyn std::error::Error>> {
    let output = Command::new(std::env::current_exe()?)
        .arg("--child")
        .arg(dir)
        .arg(seconds.to_string())
        .arg(out)
        .output()?;
    if !output.status.success() {
        return Err(format!(
            "the assembly child failed: {}",
            String::from_utf8_lossy(&output.stderr)
        )
        .into());
    }
    let text = String::from_utf8(output.stdout)?;
    let fields: Vec<f64> = text
        .split_whitespace()
        .map(str::parse)
        .collect::<Result<_, _>>()?;
    let _ = std::fs::remove_file(out);
    Ok(Run {
        wall: fields[0],
        program: fields[1],
        lufs: fields[2],
        peak_kb: fields[3] as u64,
        cpu: fields[4],
    })
}

/// In the child: assemble `seconds` of program from the segments in `dir` into `out`, print
/// wall time, program length, loudness and peak RSS.
fn child(args: &[String]) -> Result<(), Box<dyn std::error::Error>> {
    let [dir, seconds, out] = args else {
        return Err("usage: --child DIR SECONDS OUT".into());
    };
    let files = segment_sequence(Path::new(dir), seconds.parse()?);
    let pauses = PauseGrammar::default();
    let cues: Vec<Cue> = (0..files.len())
        .map(|id| Cue {
            id,
            pause: if id % 4 == 3 {
                Pause::Paragraph
            } else {
                Pause::Sentence
            },
        })
        .collect();
    let sections = Sections {
        articles: vec![cues],
        ..Default::default()
    };
    let assembly = Assembly {
        rate: PROGRAM_RATE,
        parts: layout::layout(
            &sections,
            1,
            Chimes {
                intro: true,
                outro: true,
            },
            &pauses,
        ),
        speech: files,
        intro: Some(chime::chime(PROGRAM_RATE, Direction::Rising)),
        outro: Some(chime::chime(PROGRAM_RATE, Direction::Falling)),
        target_lufs: -16.0,
        ceiling_dbtp: -1.0,
        highpass_hz: None,
        longest_pause: pauses.longest(),
        articles: Vec::new(),
        spoken_by: None,
    };
    let start = Instant::now();
    let summary = program::assemble(Path::new(out), &assembly)?;
    let wall = start.elapsed().as_secs_f64();
    let cpu = cpu::own();
    println!(
        "{wall} {} {} {} {cpu}",
        summary.duration,
        summary.lufs.unwrap_or(f64::NAN),
        peak_rss_kb()
    );
    Ok(())
}

/// VmHWM of this process, kB.
fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// Segment files in program order, cycling through the distinct ones, for about `seconds`
/// of speech plus pauses.
fn segment_sequence(dir: &Path, seconds: f64) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut total = 0.0;
    let mut k = 0;
    while total < seconds {
        files.push(dir.join(format!("seg-{:03}.wav", k % DISTINCT)));
        total += segment_seconds(k % DISTINCT) + 0.55;
        k += 1;
    }
    files
}

fn segment_seconds(k: usize) -> f64 {
    2.0 + (k % 7) as f64 * 0.6
}

/// Writes DISTINCT speech-like segments (32-bit float mono, like the cache) at `rate`, each
/// at its own level between about −35 and −10 LUFS, with engine silence at both ends.
fn synthesize_segments(dir: &Path, rate: u32) -> Result<(), Box<dyn std::error::Error>> {
    std::fs::create_dir_all(dir)?;
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: rate,
        bits_per_sample: 32,
        sample_format: hound::SampleFormat::Float,
    };
    for k in 0..DISTINCT {
        let mut writer = hound::WavWriter::create(dir.join(format!("seg-{k:03}.wav")), spec)?;
        let level = 10f64.powf(-(((k * 7) % 26) as f64) / 20.0) * 0.5;
        let f0 = 110.0 + (k % 11) as f64 * 12.0;
        let speech = (segment_seconds(k) * f64::from(rate)) as usize;
        let lead = (0.25 * f64::from(rate)) as usize;
        for i in 0..lead + speech + lead {
            let v = if (lead..lead + speech).contains(&i) {
                let t = (i - lead) as f64 / f64::from(rate);
                let syllable = (TAU * 2.7 * t).sin().abs().powf(0.7);
                let voiced: f64 = (1..9)
                    .map(|h| (TAU * f0 * h as f64 * t + h as f64).sin() / h as f64)
                    .sum();
                level * syllable * voiced * 0.4
            } else {
                0.0
            };
            writer.write_sample(v as f32)?;
        }
        writer.finalize()?;
    }
    Ok(())
}

/// Runs `sox FILES… out.wav rate 24000 gain -3` and returns its wall and CPU time (read
/// from the shell that waited for it).
fn sox_chain(files: &[PathBuf], out: &Path) -> Result<(f64, f64), Box<dyn std::error::Error>> {
    let start = Instant::now();
    let output = Command::new("sh")
        .arg("-c")
        .arg("sox -V1 \"$@\" && cat /proc/$$/stat")
        .arg("sh")
        .args(files)
        .args(["-b", "16"])
        .arg(out)
        .args(["rate", &PROGRAM_RATE.to_string(), "gain", "-3"])
        .output()?;
    let wall = start.elapsed().as_secs_f64();
    if !output.status.success() {
        return Err(format!("sox failed: {}", String::from_utf8_lossy(&output.stderr)).into());
    }
    let _ = std::fs::remove_file(out);
    Ok((
        wall,
        cpu::cpu_from_stat(&String::from_utf8_lossy(&output.stdout), 13),
    ))
}
