//! The render engine in-process: requests in flight never exceed the voice's
//! `concurrency` and do reach it; repeated texts are synthesized once.

use std::time::Duration;

use dalaba::render::{self, RenderOptions};
use dalaba::text::{Pause, Segment};
use dalaba::tts::{BackendKind, Backends, VoiceProfile};

use super::audio;
use super::server::{Reply, TestServer};

fn segments(n: usize) -> Vec<Segment> {
    let places = "东南西北中前后上下左右";
    (0..n)
        .map(|i| Segment {
            text: format!(
                "{}{}村请注意防火。",
                places.chars().nth(i % 11).unwrap_or('东'),
                places.chars().nth(i / 11).unwrap_or('东')
            ),
            pause: Pause::Sentence,
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_in_flight_are_bounded_by_the_voice_concurrency() {
    let server = TestServer::start(|req, _| {
        let text = req.json()["input"].as_str().unwrap_or_default().to_owned();
        let body = audio::wav(24_000, 1, &audio::speech_for(&text, 24_000));
        Reply::Delay(
            Duration::from_millis(40),
            Box::new(Reply::ok("audio/wav", body)),
        )
    })
    .await;
    let mut segs = segments(12);
    // A repeated sentence is asked for once and used twice.
    segs.push(segs[0].clone());
    for concurrency in [1, 3] {
        let dir = tempfile::tempdir().unwrap();
        let mut profile = VoiceProfile::new("v", BackendKind::Openai);
        profile.url = Some(server.url.clone());
        profile.concurrency = concurrency;
        let before = server.count();
        let options = RenderOptions::new(24_000, dir.path().to_owned());
        let rendered = render::render_with_report(&Backends::default(), &profile, &segs, &options)
            .await
            .unwrap();
        assert_eq!(server.count() - before, 12);
        assert_eq!(rendered.report.requests, 12);
        assert_eq!(rendered.segments.len(), 13);
        assert_eq!(rendered.segments[0].path, rendered.segments[12].path);
        assert_eq!(
            server.max_in_flight(),
            concurrency.max(1),
            "C = {concurrency}"
        );
    }
}
