//! A station directory in a tempdir, driven in-process (`pipeline::build`) or through the
//! real `dalaba` binary.

use std::path::{Path, PathBuf};

use dalaba::program::ProgramSummary;
use dalaba::station::Station;

/// The offline voice every station has.
pub const ESPEAK_VOICE: &str = "kind = \"espeak\"\nvoice = \"cmn-latn-pinyin\"\n";

/// A station in a temporary directory.
pub struct TestStation {
    dir: tempfile::TempDir,
}

impl TestStation {
    /// A station with `voices/default.toml` (espeak-ng).
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("voices")).unwrap();
        // Only the article's own segments: no chimes or frame lines, so request counts and
        // segment numbers are the article's.
        std::fs::write(
            dir.path().join("dalaba.toml"),
            "[program]\nintro = \"none\"\noutro = \"none\"\npreamble = \"\"\nclosing = \"\"\n",
        )
        .unwrap();
        let station = Self { dir };
        station.voice("default", ESPEAK_VOICE);
        station
    }

    /// The station directory.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `voices/NAME.toml`.
    pub fn voice(&self, name: &str, toml: &str) {
        std::fs::write(self.root().join(format!("voices/{name}.toml")), toml).unwrap();
    }

    /// Writes `article.txt`.
    pub fn article(&self, text: &str) -> PathBuf {
        let path = self.root().join("article.txt");
        std::fs::write(&path, text).unwrap();
        path
    }

    /// Where programs are written.
    pub fn out(&self) -> PathBuf {
        self.root().join("out.wav")
    }

    /// Complete cache entries.
    pub fn cache_entries(&self) -> Vec<PathBuf> {
        let mut out = Vec::new();
        let Ok(shards) = std::fs::read_dir(self.root().join("state/cache")) else {
            return out;
        };
        for shard in shards {
            for file in std::fs::read_dir(shard.unwrap().path()).unwrap() {
                let path = file.unwrap().path();
                if path.extension().is_some_and(|e| e == "wav") {
                    out.push(path);
                }
            }
        }
        out.sort();
        out
    }

    /// Files in the cache that are not complete entries (temp files).
    pub fn cache_leftovers(&self) -> usize {
        let Ok(shards) = std::fs::read_dir(self.root().join("state/cache")) else {
            return 0;
        };
        shards
            .flat_map(|s| std::fs::read_dir(s.unwrap().path()).unwrap())
            .filter(|f| {
                f.as_ref()
                    .unwrap()
                    .path()
                    .extension()
                    .is_none_or(|e| e != "wav")
            })
            .count()
    }

    /// Renders `article.txt` with `voice` into [`Self::out`] in-process.
    pub async fn build(&self, voice: &str) -> anyhow::Result<ProgramSummary> {
        let station = Station::open(self.root())?;
        let article = dalaba::app::load_article(&self.root().join("article.txt"))?;
        let options = dalaba::pipeline::ProgramOptions {
            voice: Some(voice.to_owned()),
            repeat: 1,
            ..Default::default()
        };
        dalaba::pipeline::build(
            &station,
            &dalaba::tts::Backends::default(),
            &[article],
            &options,
            &self.out(),
        )
        .await
    }

    /// The `dalaba` binary with `--station` set and a clean environment for keys.
    pub fn command(&self, args: &[&str]) -> tokio::process::Command {
        let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_dalaba"));
        cmd.arg("--station").arg(self.root()).args(args);
        cmd.env_remove("DALABA_LOG").kill_on_drop(true);
        cmd
    }

    /// Runs `dalaba render article.txt --out out.wav --voice VOICE` with `env`.
    pub async fn render(&self, voice: &str, env: &[(&str, &str)]) -> Output {
        let mut cmd = self.command(&[
            "render",
            "article.txt",
            "--out",
            "out.wav",
            "--voice",
            voice,
        ]);
        cmd.current_dir(self.root());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let output = cmd.output().await.unwrap();
        Output {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

/// What the binary did.
#[derive(Debug)]
pub struct Output {
    /// Exit code.
    pub code: Option<i32>,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

/// Reads a program WAV: (rate, channels, samples as f32).
pub fn read_program(path: &Path) -> (u32, u16, Vec<f32>) {
    let mut reader = hound::WavReader::open(path).unwrap();
    let spec = reader.spec();
    let samples = reader
        .samples::<i16>()
        .map(|s| f32::from(s.unwrap()) / 32768.0)
        .collect();
    (spec.sample_rate, spec.channels, samples)
}
