//! The example profiles in `voices/examples/` are documentation that works: the OpenAI
//! example, copied as the README says, speaks through a local server that wants no key.
//! `dalaba voices` calls such a server healthy, and one broken file hides no other voice.

use super::audio;
use super::server::{Reply, TestServer};
use super::station::TestStation;
use super::{NOTICE, segment_texts};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openai_example_speaks_through_a_local_keyless_server() {
    let server = TestServer::start(|req, _| {
        if req.header("authorization").is_some() {
            return Reply::status(400, "text/plain", b"no key expected".to_vec());
        }
        let text = req.json()["input"].as_str().unwrap_or_default().to_owned();
        Reply::ok(
            "audio/wav",
            audio::wav(24_000, 1, &audio::speech_for(&text, 24_000)),
        )
    })
    .await;
    let example = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("voices/examples/openai.toml"),
    )
    .unwrap();
    let local = example.replace("http://127.0.0.1:8880", &server.url);
    assert_ne!(
        local, example,
        "the example names no local server to replace"
    );
    let station = TestStation::new();
    station.voice("kokoro", &local);
    station.article(NOTICE);
    let out = station.render("kokoro", &[]).await;
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let segments = segment_texts(NOTICE, 300).len();
    assert!(
        server.count() >= segments,
        "{} requests for {segments} segments: the voice was not used ({})",
        server.count(),
        out.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn voices_calls_a_healthy_openai_server_healthy_and_survives_a_broken_file() {
    // A real OpenAI-compatible server: `GET /v1/models` lists models, `GET /` is a 501.
    let server = TestServer::start(|req, _| match (req.method.as_str(), req.path.as_str()) {
        ("GET", "/v1/models") => Reply::ok("application/json", br#"{"data":[]}"#.to_vec()),
        _ => Reply::status(501, "text/plain", b"not implemented".to_vec()),
    })
    .await;
    let station = TestStation::new();
    station.voice(
        "kokoro",
        &format!("kind = \"openai\"\nurl = \"{}\"\n", server.url),
    );
    station.voice("broken", "kind = \"openai\"\nurl = 3\n");
    let out = station.command(&["voices"]).output().await.unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line = |name: &str| {
        stdout
            .lines()
            .find(|l| l.split_whitespace().any(|w| w == name))
            .unwrap_or_else(|| panic!("no `{name}` in {stdout}"))
            .to_owned()
    };
    assert!(line("kokoro").trim_end().ends_with("answers"), "{stdout}");
    assert!(line("broken").contains("broken.toml` line 2"), "{stdout}");
    assert!(line("default").contains("installed"), "{stdout}");
}
