//! A real OpenAI-compatible speech server on 127.0.0.1 that answers with synthetic audio, a
//! station around it, and tools to look at a program WAV from outside.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

/// What the server says for one text: mono samples at [`SERVER_RATE`].
pub type Voice = dyn Fn(&str, usize) -> Vec<f32> + Send + Sync;

/// The rate the test server answers at (not the program rate, so resampling is exercised).
pub const SERVER_RATE: u32 = 22_050;

/// A speech server on 127.0.0.1:0 speaking the OpenAI `/v1/audio/speech` protocol.
pub struct ToneServer {
    pub url: String,
    /// Distinct texts in order of first request; a text's index picks its sound.
    pub texts: Arc<Mutex<Vec<String>>>,
}

impl ToneServer {
    /// Starts a server whose answer for text number `k` is `voice(text, k)`, as 16-bit WAV.
    pub fn start(voice: Arc<Voice>) -> Self {
        Self::start_with(voice, false)
    }

    /// The same, answering 32-bit float WAV (levels above full scale survive).
    pub fn start_float(voice: Arc<Voice>) -> Self {
        Self::start_with(voice, true)
    }

    fn start_with(voice: Arc<Voice>, float: bool) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let texts = Arc::new(Mutex::new(Vec::<String>::new()));
        let seen = texts.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let voice = voice.clone();
                let seen = seen.clone();
                std::thread::spawn(move || serve(stream, &*voice, &seen, float));
            }
        });
        Self { url, texts }
    }

    /// Index of `text` among the texts asked for.
    pub fn index_of(&self, needle: &str) -> usize {
        let texts = self.texts.lock().unwrap();
        texts
            .iter()
            .position(|t| t.contains(needle))
            .unwrap_or_else(|| panic!("no text with {needle:?} was requested: {texts:?}"))
    }
}

fn serve(stream: TcpStream, voice: &Voice, seen: &Mutex<Vec<String>>, float: bool) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut writer = stream;
    loop {
        let mut head = String::new();
        let mut length = 0usize;
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = v.trim().parse().unwrap_or(0);
            }
            if line == "\r\n" {
                break;
            }
            head.push_str(&line);
        }
        let mut body = vec![0u8; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        if !head.starts_with("POST /v1/audio/speech") {
            let _ = writer.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
            continue;
        }
        let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
        let text = json["input"].as_str().unwrap_or_default().to_owned();
        let index = {
            let mut seen = seen.lock().unwrap();
            match seen.iter().position(|t| *t == text) {
                Some(i) => i,
                None => {
                    seen.push(text.clone());
                    seen.len() - 1
                }
            }
        };
        let samples = voice(&text, index);
        let wav = if float {
            float_wav_bytes(&samples, SERVER_RATE)
        } else {
            wav_bytes(&samples, SERVER_RATE)
        };
        let head = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: audio/wav\r\nContent-Length: {}\r\n\r\n",
            wav.len()
        );
        if writer.write_all(head.as_bytes()).is_err() || writer.write_all(&wav).is_err() {
            return;
        }
    }
}

/// 16-bit mono WAV bytes.
pub fn wav_bytes(samples: &[f32], rate: u32) -> Vec<u8> {
    let mut cursor = std::io::Cursor::new(Vec::new());
    dalaba::media::wav::write_i16(&mut cursor, rate, samples).unwrap();
    cursor.into_inner()
}

/// 32-bit float mono WAV bytes.
pub fn float_wav_bytes(samples: &[f32], rate: u32) -> Vec<u8> {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: rate,
        bits_per_sample: 32,
        sample_format: hound::SampleFormat::Float,
    };
    let mut cursor = std::io::Cursor::new(Vec::new());
    let mut writer = hound::WavWriter::new(&mut cursor, spec).unwrap();
    for &s in samples {
        writer.write_sample(s).unwrap();
    }
    writer.finalize().unwrap();
    cursor.into_inner()
}

/// Writes `samples` as a 32-bit float WAV in `dir` and returns its path.
pub fn write_float_wav(dir: &Path, name: &str, samples: &[f32], rate: u32) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, float_wav_bytes(samples, rate)).unwrap();
    path
}

/// Amplitude of the `hz` component of `samples` (one DFT bin over the whole signal).
pub fn band_level(samples: &[f32], rate: u32, hz: f64) -> f64 {
    let w = std::f64::consts::TAU * hz / f64::from(rate);
    let (re, im) = samples
        .iter()
        .enumerate()
        .fold((0.0, 0.0), |(re, im), (i, &s)| {
            let phase = w * i as f64;
            (
                re + f64::from(s) * phase.cos(),
                im - f64::from(s) * phase.sin(),
            )
        });
    2.0 * (re * re + im * im).sqrt() / samples.len() as f64
}

/// Deterministic noise in [-1, 1].
pub fn noise(seed: u64, n: usize) -> Vec<f32> {
    let mut x = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
    (0..n)
        .map(|_| {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ((x >> 33) as f64 / (1u64 << 31) as f64 * 2.0 - 1.0) as f32
        })
        .collect()
}

/// The way TTS engines answer: some silence (with a faint noise floor), the sound, more
/// silence.
pub fn with_engine_silence(sound: Vec<f32>, seed: u64) -> Vec<f32> {
    let lead = (0.3 * f64::from(SERVER_RATE)) as usize;
    let tail = (0.5 * f64::from(SERVER_RATE)) as usize;
    let mut out: Vec<f32> = noise(seed, lead).iter().map(|v| v * 2e-4).collect();
    out.extend(sound);
    out.extend(noise(seed + 1, tail).iter().map(|v| v * 2e-4));
    out
}

/// A sine burst with 2 ms ramps.
pub fn tone(hz: f64, amplitude: f64, seconds: f64) -> Vec<f32> {
    let n = (seconds * f64::from(SERVER_RATE)) as usize;
    let ramp = (0.002 * f64::from(SERVER_RATE)) as usize;
    (0..n)
        .map(|i| {
            let edge = (i.min(n - 1 - i) as f64 / ramp as f64).min(1.0);
            let t = i as f64 / f64::from(SERVER_RATE);
            (amplitude * edge * (std::f64::consts::TAU * hz * t).sin()) as f32
        })
        .collect()
}

/// The frequency of text number `k` in the tone voice.
pub fn tone_hz(k: usize) -> f64 {
    300.0 + 70.0 * k as f64
}

/// A station directory with one voice, `tts`, pointing at `url`, and `program` as the
/// `[program]` section of `dalaba.toml`.
pub fn station(url: &str, program: &str) -> (tempfile::TempDir, dalaba::station::Station) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("voices")).unwrap();
    std::fs::write(
        dir.path().join("voices/tts.toml"),
        format!(
            "kind = \"openai\"\nurl = \"{url}\"\nmodel = \"test\"\nvoice = \"test\"\nresponse_format = \"wav\"\nmax_chars = 100\n"
        ),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("dalaba.toml"),
        format!("default_voice = \"tts\"\n\n[program]\n{program}"),
    )
    .unwrap();
    let station = dalaba::station::Station::open(dir.path()).unwrap();
    (dir, station)
}

/// Writes an article file and parses it.
pub fn article(dir: &Path, name: &str, text: &str) -> dalaba::article::Article {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    dalaba::article::parse(&path, text).unwrap()
}

/// Runs the pipeline on a fresh runtime.
pub fn build(
    station: &dalaba::station::Station,
    articles: &[dalaba::article::Article],
    repeat: u32,
    out: &Path,
) -> anyhow::Result<dalaba::program::ProgramSummary> {
    let options = dalaba::pipeline::ProgramOptions {
        repeat,
        ..Default::default()
    };
    tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(dalaba::pipeline::build(
            station,
            &dalaba::tts::Backends::default(),
            articles,
            &options,
            out,
        ))
}

/// A program WAV as the test sees it.
pub struct Program {
    pub rate: u32,
    pub samples: Vec<i16>,
}

impl Program {
    pub fn open(path: &Path) -> Self {
        let mut reader = hound::WavReader::open(path).unwrap();
        let spec = reader.spec();
        assert_eq!(spec.channels, 1, "mono");
        assert_eq!(spec.bits_per_sample, 16, "16-bit");
        assert_eq!(spec.sample_format, hound::SampleFormat::Int);
        let samples = reader.samples::<i16>().map(Result::unwrap).collect();
        Self {
            rate: spec.sample_rate,
            samples,
        }
    }

    pub fn seconds(&self, frames: usize) -> f64 {
        frames as f64 / f64::from(self.rate)
    }

    /// Runs of sound separated by at least `min_gap` seconds below `threshold` (16-bit).
    pub fn bursts(&self, threshold: i16, min_gap: f64) -> Vec<std::ops::Range<usize>> {
        let min_gap = (min_gap * f64::from(self.rate)) as usize;
        let mut bursts: Vec<std::ops::Range<usize>> = Vec::new();
        for (i, s) in self.samples.iter().enumerate() {
            if s.unsigned_abs() <= threshold as u16 {
                continue;
            }
            match bursts.last_mut() {
                Some(b) if i - b.end < min_gap => b.end = i + 1,
                _ => bursts.push(i..i + 1),
            }
        }
        bursts
    }

    /// The frequency of a steady tone inside `range`, from its zero crossings.
    pub fn frequency(&self, range: &std::ops::Range<usize>) -> f64 {
        let inner = &self.samples[range.start + range.len() / 10..range.end - range.len() / 10];
        let crossings = inner
            .windows(2)
            .filter(|w| (w[0] < 0) != (w[1] < 0))
            .count();
        crossings as f64 / 2.0 / self.seconds(inner.len())
    }

    pub fn rms(&self, range: &std::ops::Range<usize>) -> f64 {
        let s = &self.samples[range.clone()];
        (s.iter().map(|&v| f64::from(v).powi(2)).sum::<f64>() / s.len() as f64).sqrt()
    }
}

/// Integrated loudness (LUFS) and true peak (dBTP) of a file, measured by ffmpeg's
/// `ebur128` filter: an outside meter, not dalaba's.
pub fn ffmpeg_loudness(path: &Path) -> (f64, f64) {
    let output = Command::new("ffmpeg")
        .args(["-hide_banner", "-nostats", "-i"])
        .arg(path)
        .args(["-af", "ebur128=peak=true", "-f", "null", "-"])
        .output()
        .expect("ffmpeg must be installed (see .ci/run)");
    let text = String::from_utf8_lossy(&output.stderr);
    let summary = text
        .rsplit_once("Summary:")
        .unwrap_or_else(|| panic!("no ebur128 summary from ffmpeg: {text}"))
        .1;
    let value = |key: &str| -> f64 {
        let at = summary
            .find(key)
            .unwrap_or_else(|| panic!("no {key} in {summary}"));
        summary[at + key.len()..]
            .split_whitespace()
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    (value("I:"), value("Peak:"))
}
