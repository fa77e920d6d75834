//! Shared test helpers: a temporary station, running the real binary, reading WAVs, and a
//! captured ALSA device that records what rodio plays.

#![allow(dead_code)]

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

/// The repository root (a working sample station).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fixture file under `tests/fixtures/`.
pub fn fixture(rel: &str) -> PathBuf {
    repo().join("tests/fixtures").join(rel)
}

/// A station in a temporary directory, with the repository's voices copied in.
pub struct TestStation {
    /// Keeps the directory alive.
    pub dir: tempfile::TempDir,
}

impl TestStation {
    /// A fresh station with `voices/` copied from the repository and its neural voice's
    /// files linked.
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("dalaba.toml"), "# a test station\n").unwrap();
        let voices = dir.path().join("voices");
        std::fs::create_dir_all(&voices).unwrap();
        for entry in std::fs::read_dir(repo().join("voices")).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file() {
                std::fs::copy(&path, voices.join(path.file_name().unwrap())).unwrap();
            }
        }
        // The default voice's model and library, where the repository has them
        // (`make voice`), without copying 60 MB per test.
        for shared in ["models", "vendor"] {
            if repo().join(shared).exists() {
                std::os::unix::fs::symlink(repo().join(shared), dir.path().join(shared)).unwrap();
            }
        }
        Self { dir }
    }

    /// The station directory.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `station/rel`.
    pub fn join(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Writes `text` to `station/rel`, creating directories.
    pub fn write(&self, rel: &str, text: impl AsRef<[u8]>) -> PathBuf {
        let path = self.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path
    }

    /// A `dalaba` command run in and for this station.
    pub fn cmd(&self) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_dalaba"));
        cmd.current_dir(self.path())
            .arg("--station")
            .arg(self.path())
            .env_remove("DALABA_STATION")
            .env("NO_COLOR", "1")
            // English messages, whatever the developer's locale (tests/i18n.rs sets its own).
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env("LANG", "C.UTF-8");
        cmd
    }

    /// Runs `dalaba ARGS` and returns its output.
    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd().args(args).output().unwrap()
    }
}

/// stdout as text.
pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// stderr as text, without alsa-lib's own diagnostics.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| !l.starts_with("ALSA lib"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A 16-bit WAV read back: its spec and samples scaled to [-1, 1].
pub fn read_wav(path: &Path) -> (hound::WavSpec, Vec<f32>) {
    let reader = hound::WavReader::open(path).unwrap();
    let spec = reader.spec();
    let samples = reader
        .into_samples::<i16>()
        .map(|s| f32::from(s.unwrap()) / 32768.0)
        .collect();
    (spec, samples)
}

/// Stretches of near-silence (|x| below `threshold`) at least `min_seconds` long, as
/// `(start_seconds, length_seconds)`.
pub fn silences(samples: &[f32], rate: u32, threshold: f32, min_seconds: f64) -> Vec<(f64, f64)> {
    let min = (min_seconds * f64::from(rate)) as usize;
    let mut out = Vec::new();
    let mut run_start = None;
    for (i, &s) in samples.iter().chain(std::iter::once(&1.0)).enumerate() {
        match (s.abs() < threshold, run_start) {
            (true, None) => run_start = Some(i),
            (false, Some(start)) => {
                if i - start >= min {
                    out.push((
                        start as f64 / f64::from(rate),
                        (i - start) as f64 / f64::from(rate),
                    ));
                }
                run_start = None;
            }
            _ => {}
        }
    }
    out
}

/// Root-mean-square of `samples`.
pub fn rms(samples: &[f32]) -> f32 {
    let sum: f64 = samples.iter().map(|&s| f64::from(s) * f64::from(s)).sum();
    (sum / samples.len().max(1) as f64).sqrt() as f32
}

/// An ALSA configuration whose default PCM writes every played frame, raw, to a file. Set
/// `ALSA_CONFIG_PATH` to [`CapturedAlsa::config`] in a child's environment; read back with
/// [`CapturedAlsa::samples_f32`]. Self-contained: the system alsa.conf is not included, so
/// no real card is touched.
pub struct CapturedAlsa {
    /// The configuration file.
    pub config: PathBuf,
    /// Where the device writes.
    pub capture: PathBuf,
    _dir: tempfile::TempDir,
}

impl CapturedAlsa {
    /// A fresh captured device.
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let capture = dir.path().join("played.raw");
        let config = dir.path().join("asound.conf");
        std::fs::write(
            &config,
            format!(
                "pcm.!default {{\n  type file\n  slave.pcm \"captured_null\"\n  file \"{}\"\n  format \"raw\"\n}}\npcm.captured_null {{\n  type null\n}}\n",
                capture.display()
            ),
        )
        .unwrap();
        Self {
            config,
            capture,
            _dir: dir,
        }
    }

    /// An ALSA configuration with no default device at all.
    pub fn no_device() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("asound.conf");
        std::fs::write(&config, "# no devices\n").unwrap();
        (dir, config)
    }

    /// What the device received, as 32-bit float samples (rodio's output format).
    pub fn samples_f32(&self) -> Vec<f32> {
        let bytes = std::fs::read(&self.capture).unwrap_or_default();
        bytes
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect()
    }
}

/// Normalized cross-correlation of two equally long signals.
pub fn correlation(a: &[f32], b: &[f32]) -> f64 {
    let n = a.len().min(b.len());
    let (mut ab, mut aa, mut bb) = (0.0f64, 0.0f64, 0.0f64);
    for i in 0..n {
        let (x, y) = (f64::from(a[i]), f64::from(b[i]));
        ab += x * y;
        aa += x * x;
        bb += y * y;
    }
    ab / (aa * bb).sqrt().max(f64::MIN_POSITIVE)
}

/// `dalaba hub serve` as a child, killed when dropped, with the URL it printed first.
pub struct Served {
    /// The process (its stderr piped when asked for).
    pub child: Child,
    /// `http(s)://127.0.0.1:PORT`.
    pub url: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl TestStation {
    /// Starts `dalaba hub serve ARGS` in this station; `stderr` piped keeps its log for the
    /// test to read after a kill.
    pub fn serve(&self, args: &[&str], stderr: Stdio) -> Served {
        let mut child = self
            .cmd()
            .args(["hub", "serve"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .unwrap();
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .trim()
            .strip_prefix("hub: listening on ")
            .unwrap_or_else(|| panic!("hub serve printed {line:?}"))
            .to_owned();
        Served { child, url }
    }
}
