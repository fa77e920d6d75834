//! Segments at −35 and −8 LUFS come out even, and the program meets −16 LUFS and −1 dBTP in
//! an outside meter (ffmpeg's `ebur128`).

use std::f64::consts::TAU;
use std::sync::Arc;

use super::support::{self, Program, SERVER_RATE, ToneServer};

/// A voiced sound with a syllable rhythm and sharp plosive-like bursts (high crest factor).
fn speechlike(seconds: f64) -> Vec<f32> {
    let rate = f64::from(SERVER_RATE);
    (0..(seconds * rate) as usize)
        .map(|i| {
            let t = i as f64 / rate;
            let env = 0.6 + 0.4 * (TAU * 3.0 * t).sin();
            let voiced = (TAU * 220.0 * t).sin()
                + 0.5 * (TAU * 440.0 * t + 0.3).sin()
                + 0.3 * (TAU * 660.0 * t + 0.9).sin();
            let plosive = if (t % 0.5) < 0.015 {
                6.0 * (TAU * 3000.0 * t).sin()
            } else {
                0.0
            };
            (0.1 * (env * voiced + plosive)) as f32
        })
        .collect()
}

#[test]
fn very_different_voices_are_leveled_and_normalized() {
    let dir = tempfile::tempdir().unwrap();
    // Calibrate the test voice with ffmpeg so the sources really are at −35 and −8 LUFS.
    let unit = speechlike(1.6);
    let probe = support::write_float_wav(dir.path(), "unit.wav", &unit, SERVER_RATE);
    let (unit_lufs, _) = support::ffmpeg_loudness(&probe);
    let scaled = |lufs: f64| -> Vec<f32> {
        let g = 10f64.powf((lufs - unit_lufs) / 20.0) as f32;
        unit.iter().map(|v| v * g).collect()
    };
    for (lufs, name) in [(-35.0, "quiet.wav"), (-8.0, "loud.wav")] {
        let path = support::write_float_wav(dir.path(), name, &scaled(lufs), SERVER_RATE);
        let (measured, _) = support::ffmpeg_loudness(&path);
        assert!(
            (measured - lufs).abs() < 0.3,
            "source {name}: {measured} LUFS"
        );
    }
    let quiet = scaled(-35.0);
    let loud = scaled(-8.0);
    let middle = scaled(-20.0);
    let server = ToneServer::start_float(Arc::new(move |text: &str, k: usize| {
        let sound = if text.contains("轻") {
            quiet.clone()
        } else if text.contains("响") {
            loud.clone()
        } else {
            middle.clone()
        };
        support::with_engine_silence(sound, k as u64)
    }));
    let (_station_dir, station) = support::station(&server.url, "");
    let a = support::article(
        dir.path(),
        "a.txt",
        "轻声通知\n\n轻的第一句。轻的第二句。\n",
    );
    let b = support::article(
        dir.path(),
        "b.txt",
        "响亮通知\n\n响的第一句。响的第二句。\n",
    );
    let out = dir.path().join("program.wav");
    let summary = support::build(&station, &[a, b], 2, &out).unwrap();

    let (lufs, true_peak) = support::ffmpeg_loudness(&out);
    assert!((lufs + 16.0).abs() <= 0.5, "ffmpeg: {lufs} LUFS");
    assert!(true_peak <= -1.0, "ffmpeg: true peak {true_peak} dBTP");
    assert!(summary.ready);
    assert!((summary.lufs.unwrap() - lufs).abs() < 0.2, "{summary:?}");
    assert!(
        summary.limiter_reduction_db > 0.5,
        "the bursts needed limiting: {summary:?}"
    );

    // Quiet and loud articles now sound alike: same shape, so compare RMS per part.
    let program = Program::open(&out);
    let bursts = program.bursts(104, 0.3);
    // chime, preamble, A×3, B×3, bridge, A×3, B×3, closing, chime
    assert_eq!(bursts.len(), 17, "{bursts:?}");
    let db = |r: &std::ops::Range<usize>| 20.0 * program.rms(r).log10();
    let mean = |idx: &[usize]| idx.iter().map(|&i| db(&bursts[i])).sum::<f64>() / idx.len() as f64;
    let quiet_db = mean(&[2, 3, 4, 9, 10, 11]);
    let loud_db = mean(&[5, 6, 7, 12, 13, 14]);
    assert!(
        (quiet_db - loud_db).abs() < 1.0,
        "quiet source {quiet_db:.1} dB vs loud source {loud_db:.1} dB"
    );
}

#[test]
fn optional_high_pass_removes_hum() {
    // A 50 Hz hum under a 1 kHz tone: with `highpass_hz = 150` the hum is gone.
    let server = ToneServer::start(Arc::new(|_text: &str, k: usize| {
        let hum = support::tone(50.0, 0.2, 1.0);
        let voice = support::tone(1000.0, 0.2, 1.0);
        let mixed = hum.iter().zip(&voice).map(|(a, b)| a + b).collect();
        support::with_engine_silence(mixed, k as u64)
    }));
    let hum_ratio = |program: &str| {
        let (dir, station) = support::station(&server.url, program);
        let a = support::article(dir.path(), "a.txt", "通知\n\n一句话。\n");
        let out = dir.path().join("p.wav");
        support::build(&station, &[a], 1, &out).unwrap();
        let samples: Vec<f32> = Program::open(&out)
            .samples
            .iter()
            .map(|&s| f32::from(s) / 32768.0)
            .collect();
        support::band_level(&samples, 24_000, 50.0) / support::band_level(&samples, 24_000, 1000.0)
    };
    let base = "intro = \"none\"\noutro = \"none\"\npreamble = \"\"\nclosing = \"\"\n";
    let flat = hum_ratio(base);
    let filtered = hum_ratio(&format!("{base}highpass_hz = 150.0\n"));
    assert!(flat > 0.5, "hum present without the filter: {flat}");
    assert!(filtered < 0.15, "hum left with the filter: {filtered}");
}
