//! Two short articles read twice: the parts come in the right order and every silence in the
//! file is the grammar's, whatever silence the engine added.

use std::sync::Arc;

use super::support::{self, Program, ToneServer};

const PROGRAM: &str = r#"preamble = "请注意。"
bridge = "再播一遍。"
closing = "播送完毕。"
[program.pauses]
title = 0.9
paragraph = 0.7
sentence = 0.4
clause = 0.25
article = 1.6
section = 1.1
chime = 0.6
"#;

const TONE_SECONDS: f64 = 0.5;

fn tone_voice() -> ToneServer {
    ToneServer::start(Arc::new(|_text: &str, k: usize| {
        support::with_engine_silence(
            support::tone(support::tone_hz(k), 0.3, TONE_SECONDS),
            k as u64,
        )
    }))
}

#[test]
fn two_articles_repeated_twice_have_the_expected_order_and_pauses() {
    let server = tone_voice();
    let (dir, station) = support::station(&server.url, PROGRAM);
    let a = support::article(
        dir.path(),
        "a.txt",
        "修路通知\n\n东村明天修路。车辆绕行。\n\n谢谢配合。\n",
    );
    let b = support::article(dir.path(), "b.txt", "开会通知\n\n今晚七点开会。\n");
    let out = dir.path().join("program.wav");
    let summary = support::build(&station, &[a, b], 2, &out).unwrap();

    let program = Program::open(&out);
    assert_eq!(program.rate, 24_000);
    let bursts = program.bursts(104, 0.15); // −50 dBFS
    let reading = [
        "修路通知",
        "东村明天修路",
        "车辆绕行",
        "谢谢配合",
        "开会通知",
        "今晚七点开会",
    ];
    let mut speech = vec!["请注意"];
    speech.extend(reading);
    speech.push("再播一遍");
    speech.extend(reading);
    speech.push("播送完毕");
    assert_eq!(bursts.len(), speech.len() + 2, "{bursts:?}");
    assert_eq!(summary.segments, speech.len());

    // Chimes first and last, as long as the built-in bell.
    for chime in [&bursts[0], bursts.last().unwrap()] {
        let seconds = program.seconds(chime.len());
        assert!((seconds - 2.86).abs() < 0.06, "chime lasts {seconds} s");
    }
    // Each spoken part is the tone the server made for that text, in reading order, and
    // keeps its whole length: trimming took only the engine's silence.
    for (burst, needle) in bursts[1..bursts.len() - 1].iter().zip(&speech) {
        let want = support::tone_hz(server.index_of(needle));
        let got = program.frequency(burst);
        assert!(
            (got - want).abs() < 5.0,
            "{needle}: {got} Hz, want {want} Hz"
        );
        let seconds = program.seconds(burst.len());
        assert!(
            (seconds - TONE_SECONDS).abs() < 0.004,
            "{needle}: {seconds} s"
        );
    }

    let (chime, section, title, sentence, paragraph, article) = (0.6, 1.1, 0.9, 0.4, 0.7, 1.6);
    let one = [title, sentence, paragraph, article, title, section];
    let mut expected = vec![chime, section];
    expected.extend(one);
    expected.push(section);
    expected.extend(one);
    expected.push(chime);
    let gaps: Vec<f64> = bursts
        .windows(2)
        .map(|w| program.seconds(w[1].start - w[0].end))
        .collect();
    assert_eq!(gaps.len(), expected.len());
    for (i, (got, want)) in gaps.iter().zip(&expected).enumerate() {
        // A chime's ring fades out under the detector's threshold a little early.
        let tolerance = if i == 0 || i + 1 == gaps.len() {
            0.015
        } else {
            0.003
        };
        assert!(
            (got - want).abs() <= tolerance,
            "gap {i}: {got:.4} s, want {want} s (all: {gaps:.3?})"
        );
    }
    assert!(summary.ready);
    assert!((summary.duration - program.seconds(program.samples.len())).abs() < 1e-9);
    assert!((summary.expected_duration - summary.duration).abs() < 0.001);
}

#[test]
fn a_segment_that_comes_back_silent_fails_preflight() {
    // The server's answer for "静音" passes the engine's checks (audible at both ends,
    // plausible length) but has a 3 s hole inside: only the pre-flight can catch it.
    let server = ToneServer::start(Arc::new(|text: &str, k: usize| {
        let mut sound = support::tone(support::tone_hz(k), 0.3, 0.5);
        if text.contains("静音") {
            sound.extend(std::iter::repeat_n(0.0, 3 * support::SERVER_RATE as usize));
            sound.extend(support::tone(support::tone_hz(k), 0.3, 0.5));
        }
        support::with_engine_silence(sound, 1)
    }));
    let (dir, station) = support::station(&server.url, "intro = \"none\"\noutro = \"none\"\n");
    let a = support::article(
        dir.path(),
        "a.txt",
        "通知\n\n第一句话。静音。静音。静音。静音。静音。最后一句。\n",
    );
    let out = dir.path().join("p.wav");
    std::fs::write(&out, b"an older program").unwrap();
    let err = support::build(&station, &[a], 1, &out).unwrap_err();
    let not_ready = err
        .downcast_ref::<dalaba::program::AssembleError>()
        .expect("a pre-flight failure");
    let dalaba::program::AssembleError::NotReady { kept, summary, .. } = not_ready else {
        panic!("{err:#}");
    };
    let message = format!("{err:#}");
    assert!(message.contains("silence"), "{message}");
    assert!(message.contains("not ready"), "{message}");
    assert!(
        !out.exists(),
        "a failed program must not stand at the ready path"
    );
    assert!(kept.exists());
    assert!(!summary.ready);
    let stored = dalaba::program::ProgramSummary::load(&out).unwrap();
    assert!(!stored.ready);
    assert!(stored.problems.iter().any(|p| p.contains("silence")));
}
