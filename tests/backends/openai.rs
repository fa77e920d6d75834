//! The OpenAI-compatible backend end to end (issue 2, test 2): the real `dalaba render`
//! against a server that checks every request and answers WAV, streamed WAV and MP3; a 500
//! and a 200 with HTML fail with the voice, URL and sentence named, and leave no file.

use std::sync::Arc;

use super::audio;
use super::server::{Reply, Request, TestServer};
use super::station::{TestStation, read_program};
use super::{NOTICE, segment_texts};

#[derive(Clone, Copy, Debug, PartialEq)]
enum Answer {
    Wav,
    Streamed,
    Mp3,
    Error500,
    Html200,
}

/// Checks the request against the documented shape; `Err` says what is wrong.
fn check_request(req: &Request, format: &str) -> Result<String, String> {
    if req.method != "POST" || req.path != "/v1/audio/speech" {
        return Err(format!("wrong endpoint {} {}", req.method, req.path));
    }
    if !req
        .header("content-type")
        .is_some_and(|t| t.starts_with("application/json"))
    {
        return Err(format!("content-type {:?}", req.header("content-type")));
    }
    if req.header("authorization") != Some("Bearer sk-test-key") {
        return Err(format!("authorization {:?}", req.header("authorization")));
    }
    let body = req.json();
    let field = |name: &str| body.get(name).and_then(|v| v.as_str()).map(str::to_owned);
    if field("model").as_deref() != Some("kokoro")
        || field("voice").as_deref() != Some("zf_xiaoxiao")
        || field("response_format").as_deref() != Some(format)
        || body.get("speed").and_then(|v| v.as_f64()) != Some(1.0)
        || field("lang_code").as_deref() != Some("z")
        || field("instructions").as_deref() != Some("语速平稳，吐字清楚")
        || body.get("stream") != Some(&serde_json::Value::Bool(true))
    {
        return Err(format!("body {body}"));
    }
    field("input")
        .filter(|t| !t.is_empty())
        .ok_or_else(|| "no input".into())
}

async fn server(answer: Answer) -> TestServer {
    let format = if answer == Answer::Mp3 { "mp3" } else { "wav" };
    TestServer::start(move |req, _| {
        let text = match check_request(req, format) {
            Ok(text) => text,
            Err(why) => return Reply::status(400, "application/json", why.into_bytes()),
        };
        match answer {
            Answer::Wav => {
                let samples = audio::speech_for(&text, 22_050);
                Reply::ok("audio/wav", audio::wav(22_050, 2, &samples))
            }
            Answer::Streamed => {
                let samples = audio::speech_for(&text, 24_000);
                Reply::ok(
                    "audio/wav",
                    audio::streamed(audio::wav(24_000, 1, &samples)),
                )
            }
            Answer::Mp3 => Reply::ok("audio/mpeg", audio::mp3_2s()),
            Answer::Error500 => Reply::status(
                500,
                "application/json",
                br#"{"error":{"message":"model overloaded","type":"server_error"}}"#.to_vec(),
            ),
            Answer::Html200 => Reply::ok(
                "text/html",
                b"<html><body><h1>It works!</h1></body></html>".to_vec(),
            ),
        }
    })
    .await
}

fn voice_toml(url: &str, format: &str) -> String {
    format!(
        "kind = \"openai\"\nurl = \"{url}\"\nmodel = \"kokoro\"\nvoice = \"zf_xiaoxiao\"\n\
         response_format = \"{format}\"\nlang_code = \"z\"\nstream = true\n\
         instructions = \"语速平稳，吐字清楚\"\napi_key_env = \"DALABA_TEST_KEY\"\n\
         concurrency = 1\nretries = 1\nretry_base_ms = 10\n"
    )
}

async fn render(answer: Answer) -> (TestStation, Arc<TestServer>, super::station::Output) {
    let server = Arc::new(server(answer).await);
    let station = TestStation::new();
    let format = if answer == Answer::Mp3 { "mp3" } else { "wav" };
    station.voice("openai", &voice_toml(&server.url, format));
    station.article(NOTICE);
    let output = station
        .render("openai", &[("DALABA_TEST_KEY", "sk-test-key")])
        .await;
    (station, server, output)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wav_streamed_wav_and_mp3_all_render_right() {
    let texts = segment_texts(NOTICE, 4096);
    assert_eq!(texts.len(), 4, "{texts:?}");
    for answer in [Answer::Wav, Answer::Streamed, Answer::Mp3] {
        let (station, server, output) = render(answer).await;
        assert_eq!(output.code, Some(0), "{answer:?}: {}", output.stderr);
        assert!(output.stdout.contains("4 segments"), "{}", output.stdout);
        let mut asked: Vec<String> = server
            .requests()
            .iter()
            .map(|r| r.json()["input"].as_str().unwrap_or_default().to_owned())
            .collect();
        asked.sort();
        let mut want = texts.clone();
        want.sort();
        assert_eq!(asked, want, "{answer:?}: every segment asked exactly once");

        // Each cache entry is the answer decoded, mixed to mono and resampled to 24 kHz.
        let entries = station.cache_entries();
        assert_eq!(entries.len(), 4, "{answer:?}");
        let mut speech = 0.0;
        for entry in &entries {
            let clip = dalaba::media::wav::read_clip(entry).unwrap();
            assert_eq!(clip.rate, 24_000);
            let seconds = clip.duration();
            if answer == Answer::Mp3 {
                assert!((1.9..2.15).contains(&seconds), "{answer:?}: {seconds}");
            }
            speech += seconds;
        }
        if answer != Answer::Mp3 {
            let want: f32 = texts
                .iter()
                .map(|t| audio::SECONDS_PER_CHAR * audio::spoken_chars(t) as f32)
                .sum();
            assert!(
                (speech as f32 - want).abs() < 0.01,
                "{answer:?}: {speech} vs {want}"
            );
        }

        let (rate, channels, samples) = read_program(&station.out());
        assert_eq!((rate, channels), (24_000, 1), "{answer:?}");
        let seconds = samples.len() as f64 / 24_000.0;
        assert!(seconds >= speech, "{answer:?}: {seconds} < {speech}");
        let rms = (samples.iter().map(|s| s * s).sum::<f32>() / samples.len() as f32).sqrt();
        assert!(rms > 0.05, "{answer:?}: rms {rms}");

        // A second render with a warm cache asks nothing.
        let before = server.count();
        let again = station
            .render("openai", &[("DALABA_TEST_KEY", "sk-test-key")])
            .await;
        assert_eq!(again.code, Some(0), "{}", again.stderr);
        assert_eq!(
            server.count(),
            before,
            "{answer:?}: warm cache made requests"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_errors_name_voice_url_and_sentence_and_leave_no_file() {
    for (answer, cause) in [
        (Answer::Error500, "HTTP 500"),
        (Answer::Html200, "not audio"),
    ] {
        let (station, server, output) = render(answer).await;
        assert_eq!(output.code, Some(1), "{answer:?}");
        let err = output.stderr.trim();
        assert_eq!(err.lines().count(), 1, "{answer:?}: one line: {err}");
        for needle in [
            "voice `openai`",
            &format!("{}/v1/audio/speech", server.url),
            cause,
        ] {
            assert!(
                err.contains(needle),
                "{answer:?}: `{needle}` missing from: {err}"
            );
        }
        let why = if answer == Answer::Html200 {
            "It works"
        } else {
            "model overloaded"
        };
        assert!(err.contains(why), "{err}");
        // The sentence is named by number and text; it was tried retries + 1 = 2 times.
        let texts = segment_texts(NOTICE, 4096);
        let (number, text) = super::named_segment(err, &texts)
            .unwrap_or_else(|| panic!("{answer:?}: no segment named in: {err}"));
        let tries = server
            .requests()
            .iter()
            .filter(|r| r.json()["input"].as_str() == Some(text.as_str()))
            .count();
        assert_eq!(
            tries,
            2,
            "{answer:?}: segment {} tried {tries} times",
            number + 1
        );
        assert!(!station.out().exists(), "{answer:?}: a program was written");
        assert!(
            station.cache_entries().is_empty(),
            "{answer:?}: a bad answer was cached"
        );
        assert_eq!(station.cache_leftovers(), 0);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_key_fails_fast_saying_so() {
    let server = TestServer::start(|req, _| {
        if req.header("authorization") == Some("Bearer right") {
            Reply::ok(
                "audio/wav",
                audio::wav(24_000, 1, &audio::tone(24_000, 300.0, 2.0)),
            )
        } else {
            Reply::status(
                401,
                "application/json",
                br#"{"error":{"message":"Incorrect API key provided"}}"#.to_vec(),
            )
        }
    })
    .await;
    let station = TestStation::new();
    station.voice("openai", &voice_toml(&server.url, "wav"));
    station.article(NOTICE);
    let output = station
        .render("openai", &[("DALABA_TEST_KEY", "wrong")])
        .await;
    assert_eq!(output.code, Some(1));
    assert!(
        output.stderr.contains("refused the credentials"),
        "{}",
        output.stderr
    );
    assert!(
        output.stderr.contains("$DALABA_TEST_KEY"),
        "{}",
        output.stderr
    );
    assert_eq!(server.count(), 1, "a 401 must not be retried");

    let unset = station.render("openai", &[]).await;
    assert_eq!(unset.code, Some(1));
    assert!(
        unset
            .stderr
            .contains("set the environment variable `DALABA_TEST_KEY`"),
        "{}",
        unset.stderr
    );
    assert_eq!(server.count(), 1);
}
