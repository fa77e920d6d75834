//! Chime files in every supported format load at the program rate and open the program.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use dalaba::audio::chime::Direction;
use dalaba::program::ChimeSource;

use super::support::{self, Program, ToneServer};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/audio")
        .join(name)
}

const FIXTURES: [&str; 4] = [
    "chime-880hz-0.6s-22050hz-mono.wav",
    "chime-880hz-0.6s-24000hz-mono.mp3",
    "chime-880hz-0.6s-16000hz-mono.flac",
    "chime-880hz-0.6s-44100hz-stereo.ogg",
];

#[test]
fn a_chime_file_in_each_format_loads_at_the_program_rate() {
    for name in FIXTURES {
        let source = ChimeSource::parse(fixture(name).to_str().unwrap());
        let clip = source
            .load(Path::new("/"), 24_000, Direction::Rising)
            .unwrap()
            .unwrap();
        assert_eq!(clip.rate, 24_000, "{name}");
        // MP3 encoders pad the end a little.
        assert!(
            (clip.duration() - 0.6).abs() < 0.06,
            "{name}: {} s",
            clip.duration()
        );
        let middle = &clip.samples[2_400..12_000];
        let crossings = middle
            .windows(2)
            .filter(|w| (w[0] < 0.0) != (w[1] < 0.0))
            .count();
        let hz = crossings as f64 / 2.0 / (middle.len() as f64 / 24_000.0);
        assert!((hz - 880.0).abs() < 5.0, "{name}: {hz} Hz");
        let rms = dalaba::audio::rms(middle);
        assert!((rms - 0.5 / 2f32.sqrt()).abs() < 0.05, "{name}: rms {rms}");
    }
}

#[test]
fn a_missing_chime_names_the_file() {
    let err = ChimeSource::parse("chimes/nope.ogg")
        .load(Path::new("/tmp"), 24_000, Direction::Rising)
        .unwrap_err()
        .to_string();
    assert!(err.contains("`/tmp/chimes/nope.ogg`"), "{err}");
}

#[test]
fn station_chime_files_open_and_close_the_program() {
    let server = ToneServer::start(Arc::new(|_text: &str, k: usize| {
        support::with_engine_silence(support::tone(300.0, 0.3, 0.5), k as u64)
    }));
    for (intro, outro) in [(FIXTURES[3], FIXTURES[1]), (FIXTURES[2], FIXTURES[0])] {
        let program = format!(
            "intro = \"{}\"\noutro = \"{}\"\npreamble = \"\"\nclosing = \"\"\n",
            fixture(intro).display(),
            fixture(outro).display()
        );
        let (dir, station) = support::station(&server.url, &program);
        let a = support::article(dir.path(), "a.txt", "通知\n\n一句话。\n");
        let out = dir.path().join("p.wav");
        let summary = support::build(&station, &[a], 1, &out).unwrap();
        assert!(summary.ready);
        let program = Program::open(&out);
        let bursts = program.bursts(104, 0.15);
        assert_eq!(bursts.len(), 4, "chime, title, sentence, chime: {bursts:?}");
        for chime in [&bursts[0], &bursts[3]] {
            let hz = program.frequency(chime);
            assert!(
                (hz - 880.0).abs() < 5.0,
                "{intro}/{outro}: chime at {hz} Hz"
            );
        }
        assert!((program.frequency(&bursts[1]) - 300.0).abs() < 5.0);
    }
}
