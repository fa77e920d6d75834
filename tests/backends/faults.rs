//! The fault matrix: one server told to misbehave in each way servers do. Every case either
//! recovers with the right output (equal to a render from a healthy server) or fails with
//! an error naming the voice, the URL, the segment and the cause; in every case nothing bad
//! is cached and no program file is left behind.

use std::time::Duration;

use super::NOTICE;
use super::audio;
use super::server::{Reply, Request, TestServer, refused_url};
use super::station::TestStation;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Fault {
    Refused,
    Error500Once,
    Error500Always,
    Unavailable503RetryAfter,
    TooMany429Once,
    TimeoutOnce,
    SlowDripOnce,
    Html200Always,
    CutOffTransferOnce,
    TruncatedWavAlways,
    Empty200Always,
    TooShortAlways,
    Unauthorized401,
}

/// `Ok(())` when the render must recover, `Err(cause)` when it must fail saying `cause`.
fn expectation(fault: Fault) -> Result<(), &'static str> {
    match fault {
        Fault::Refused => Err("cannot reach the server"),
        Fault::Error500Always => Err("HTTP 500"),
        Fault::Html200Always => Err("not audio"),
        Fault::TruncatedWavAlways => Err("cut short"),
        Fault::Empty200Always => Err("empty"),
        Fault::TooShortAlways => Err("too short"),
        Fault::Unauthorized401 => Err("refused the credentials"),
        _ => Ok(()),
    }
}

fn good(req: &Request) -> Vec<u8> {
    let text = req.json()["input"].as_str().unwrap_or_default().to_owned();
    audio::wav(22_050, 1, &audio::speech_for(&text, 22_050))
}

fn reply(fault: Fault, req: &Request, n: usize) -> Reply {
    let first = n == 0;
    let ok = || Reply::ok("audio/wav", good(req));
    match fault {
        Fault::Refused => ok(),
        Fault::Error500Once if first => Reply::status(500, "text/html", b"<h1>500</h1>".to_vec()),
        Fault::Error500Always => Reply::status(500, "text/html", b"<h1>boom</h1>".to_vec()),
        Fault::Unavailable503RetryAfter if first => {
            Reply::status(503, "text/plain", b"busy".to_vec()).with_header("Retry-After", "1")
        }
        Fault::TooMany429Once if first => Reply::status(
            429,
            "application/json",
            br#"{"error":"rate limit"}"#.to_vec(),
        ),
        Fault::TimeoutOnce if first => Reply::Hang,
        Fault::SlowDripOnce if first => Reply::Drip {
            body: good(req),
            every: Duration::from_millis(100),
        },
        Fault::Html200Always => Reply::ok("text/html", b"<html>maintenance</html>".to_vec()),
        Fault::CutOffTransferOnce if first => Reply::CutShort {
            sent: good(req).len() / 2,
            body: good(req),
        },
        Fault::TruncatedWavAlways => {
            let mut body = good(req);
            body.truncate(body.len() / 2);
            Reply::ok("audio/wav", body)
        }
        Fault::Empty200Always => Reply::ok("audio/wav", Vec::new()),
        Fault::TooShortAlways => Reply::ok(
            "audio/wav",
            audio::wav(22_050, 1, &audio::tone(22_050, 300.0, 0.05)),
        ),
        Fault::Unauthorized401 => Reply::status(401, "application/json", b"{}".to_vec()),
        _ => ok(),
    }
}

fn profile(url: &str) -> String {
    format!(
        "kind = \"openai\"\nurl = \"{url}\"\nconcurrency = 1\nretries = 2\nretry_base_ms = 10\n\
         timeout_secs = 1\nconnect_timeout_secs = 1\n"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_fault_recovers_right_or_fails_clearly() {
    let healthy = TestServer::start(|req, _| Reply::ok("audio/wav", good(req))).await;
    let reference = TestStation::new();
    reference.voice("flaky", &profile(&healthy.url));
    reference.article(NOTICE);
    reference.build("flaky").await.unwrap();
    let want = std::fs::read(reference.out()).unwrap();

    for fault in [
        Fault::Refused,
        Fault::Error500Once,
        Fault::Error500Always,
        Fault::Unavailable503RetryAfter,
        Fault::TooMany429Once,
        Fault::TimeoutOnce,
        Fault::SlowDripOnce,
        Fault::Html200Always,
        Fault::CutOffTransferOnce,
        Fault::TruncatedWavAlways,
        Fault::Empty200Always,
        Fault::TooShortAlways,
        Fault::Unauthorized401,
    ] {
        let server = TestServer::start(move |req, n| reply(fault, req, n)).await;
        let url = match fault {
            Fault::Refused => refused_url().await,
            _ => server.url.clone(),
        };
        let station = TestStation::new();
        station.voice("flaky", &profile(&url));
        station.article(NOTICE);
        let result = station.build("flaky").await;
        assert_eq!(station.cache_leftovers(), 0, "{fault:?}: temp files left");
        match expectation(fault) {
            Ok(()) => {
                result.unwrap_or_else(|e| panic!("{fault:?} should recover: {e:#}"));
                let got = std::fs::read(station.out()).unwrap();
                assert!(
                    got == want,
                    "{fault:?}: output differs from a healthy render"
                );
                assert_eq!(station.cache_entries().len(), 4, "{fault:?}");
                assert_eq!(server.count(), 5, "{fault:?}: one retry, four segments");
            }
            Err(cause) => {
                let err = format!(
                    "{:#}",
                    result
                        .err()
                        .unwrap_or_else(|| panic!("{fault:?} should fail"))
                );
                for needle in ["voice `flaky`", &url, cause] {
                    assert!(
                        err.contains(needle),
                        "{fault:?}: `{needle}` missing from: {err}"
                    );
                }
                assert!(
                    !station.out().exists(),
                    "{fault:?}: a program file was left"
                );
                assert!(
                    station.cache_entries().is_empty(),
                    "{fault:?}: something was cached"
                );
                let want_requests = match fault {
                    Fault::Refused => 0,
                    Fault::Unauthorized401 => 1,
                    _ => 3,
                };
                let (number, text) =
                    super::named_segment(&err, &super::segment_texts(NOTICE, 4096))
                        .unwrap_or_else(|| panic!("{fault:?}: no segment named in: {err}"));
                let tries = server
                    .requests()
                    .iter()
                    .filter(|r| r.json()["input"].as_str() == Some(text.as_str()))
                    .count();
                assert_eq!(tries, want_requests, "{fault:?}: tries of segment {number}");
            }
        }
        if fault == Fault::Unavailable503RetryAfter {
            let requests = server.requests();
            let retry = requests[1..]
                .iter()
                .find(|r| r.body == requests[0].body)
                .expect("the refused segment was retried");
            let gap = retry.at - requests[0].at;
            assert!(
                gap >= Duration::from_millis(950),
                "Retry-After ignored: {gap:?}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_server_falls_back_to_the_offline_voice_and_says_which_segments() {
    let station = TestStation::new();
    let url = refused_url().await;
    station.voice(
        "cloud",
        &format!("{}fallback = \"default\"\n", profile(&url)),
    );
    station.article(NOTICE);
    let output = station.render("cloud", &[]).await;
    assert_eq!(output.code, Some(0), "{}", output.stderr);
    assert!(
        output
            .stderr
            .contains("segments 1–4 were spoken by the fallback voice `default`"),
        "{}",
        output.stderr
    );
    // The fallback's audio is cached under the fallback voice, not the dead one.
    let default =
        dalaba::tts::VoiceProfile::load(&station.root().join("voices/default.toml")).unwrap();
    let cache = dalaba::cache::SegmentCache::new(station.root().join("state/cache"));
    for text in super::segment_texts(NOTICE, 120) {
        assert!(
            cache.path(&cache.key(&default, 24_000, &text)).exists(),
            "{text}"
        );
    }
    assert_eq!(station.cache_entries().len(), 4);
}
