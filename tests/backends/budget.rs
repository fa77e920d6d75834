//! A segment's time budget and a program in one voice, in-process against real servers on
//! 127.0.0.1. Time is tokio's paused clock: the budget is checked on the virtual clock, so
//! the test neither waits nor depends on the machine's speed.

use std::time::Duration;

use dalaba::cache::SegmentCache;
use dalaba::render::{self, RenderOptions};
use dalaba::text::{Pause, Segment};
use dalaba::tts::{BackendKind, Backends, VoiceProfile};

use super::audio;
use super::server::{Reply, TestServer};

fn segments(texts: &[&str]) -> Vec<Segment> {
    texts
        .iter()
        .map(|t| Segment {
            text: (*t).to_owned(),
            pause: Pause::Sentence,
        })
        .collect()
}

fn voice(name: &str, url: &str) -> VoiceProfile {
    let mut profile = VoiceProfile::new(name, BackendKind::Openai);
    profile.url = Some(url.to_owned());
    profile.retry_base_ms = 10;
    profile
}

fn good(req: &super::server::Request) -> Reply {
    let text = req.json()["input"].as_str().unwrap_or_default().to_owned();
    Reply::ok(
        "audio/wav",
        audio::wav(24_000, 1, &audio::speech_for(&text, 24_000)),
    )
}

/// A server that never answers, with 10 retries of 5 s each, gives up at the segment budget
/// (12 s of virtual time), not after retries × timeout (≥ 55 s).
#[tokio::test(start_paused = true)]
async fn a_hung_server_holds_a_segment_no_longer_than_its_budget() {
    let server = TestServer::start(|_, _| Reply::Hang).await;
    let mut profile = voice("hung", &server.url);
    profile.timeout_secs = 5;
    profile.retries = 10;
    profile.segment_budget_secs = Some(12);
    let dir = tempfile::tempdir().unwrap();
    let options = RenderOptions::new(24_000, dir.path().to_owned());
    let started = tokio::time::Instant::now();
    let err = render::render_with_report(
        &Backends::default(),
        &profile,
        &segments(&["请注意。"]),
        &options,
    )
    .await
    .unwrap_err()
    .to_string();
    let took = started.elapsed();
    assert!(err.contains("segment_budget_secs"), "{err}");
    assert!(err.contains("`hung`") && err.contains("请注意"), "{err}");
    assert!(
        took >= Duration::from_secs(12) && took < Duration::from_secs(13),
        "held the render {took:?}"
    );
}

/// The main server fails on one sentence only: the whole program is read by the fallback,
/// never half and half, and the render says which voice spoke.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_sentence_needing_the_fallback_puts_the_whole_program_in_the_fallback_voice() {
    let main = TestServer::start(|req, _| {
        if req.json()["input"]
            .as_str()
            .unwrap_or_default()
            .contains("第二")
        {
            Reply::status(503, "text/plain", b"busy".to_vec())
        } else {
            good(req)
        }
    })
    .await;
    let backup = TestServer::start(|req, _| good(req)).await;
    let mut profile = voice("main", &main.url);
    profile.retries = 1;
    let mut options = RenderOptions::new(24_000, tempfile::tempdir().unwrap().keep());
    options.fallback = Some(voice("backup", &backup.url));
    let texts = ["第一句。", "第二句。", "第三句。"];
    let (rendered, spoken_by) =
        render::render_in_one_voice(&Backends::default(), &profile, &segments(&texts), &options)
            .await
            .unwrap();
    assert_eq!(spoken_by.voice, "backup");
    assert_eq!(spoken_by.fallback_for.as_deref(), Some("main"));
    let cache = SegmentCache::new(options.cache_dir.clone());
    let fallback = options.fallback.as_ref().unwrap();
    for (segment, text) in rendered.iter().zip(texts) {
        assert_eq!(
            segment.path,
            cache.path(&cache.key(fallback, 24_000, text)),
            "“{text}” was not read by the fallback"
        );
    }
    // With the main voice healthy the program is in the main voice, and the probe says so.
    assert!(render::probe(&Backends::default(), &profile).await);
    let (_, spoken_by) = render::render_in_one_voice(
        &Backends::default(),
        &profile,
        &segments(&["第一句。"]),
        &options,
    )
    .await
    .unwrap();
    assert_eq!(
        (spoken_by.voice.as_str(), spoken_by.fallback_for),
        ("main", None)
    );
    let down = voice("down", &super::server::refused_url().await);
    assert!(!render::probe(&Backends::default(), &down).await);
}
