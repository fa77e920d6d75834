//! One test server per HTTP backend, checking the request against the service's documented
//! shape (path, method, headers, body fields and their encoding) and answering real audio in
//! the service's real format — or its real error shape. Each drives the real binary.

use std::sync::Arc;

use super::audio;
use super::segment_texts;
use super::server::{Reply, Request, TestServer, percent_decode};
use super::station::{Output, TestStation};

const SHORT: &str = "通知\n\n请注意安全。\n";

/// A 400 naming what the request got wrong, so the render fails saying so.
fn wrong(why: String) -> Reply {
    Reply::status(
        400,
        "text/plain",
        format!("test server: {why}").into_bytes(),
    )
}

fn wav_for(text: &str, rate: u32) -> Vec<u8> {
    audio::wav(rate, 1, &audio::speech_for(text, rate))
}

async fn render(voice: &str, article: &str, env: &[(&str, &str)]) -> (TestStation, Output) {
    let station = TestStation::new();
    station.voice("v", voice);
    station.article(article);
    let output = station.render("v", env).await;
    (station, output)
}

/// Asserts success and that the server was asked exactly the article's segments.
fn assert_rendered(
    output: &Output,
    station: &TestStation,
    server: &TestServer,
    text_of: impl Fn(&Request) -> String,
    article: &str,
    max_chars: usize,
) {
    assert_eq!(output.code, Some(0), "{}", output.stderr);
    let mut asked: Vec<String> = server.requests().iter().map(text_of).collect();
    asked.sort();
    let mut want = segment_texts(article, max_chars);
    want.sort();
    assert_eq!(asked, want);
    assert_eq!(station.cache_entries().len(), want.len());
    assert!(station.out().exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn piper_speaks_all_three_request_shapes() {
    // piper 1.8: POST /synthesize, JSON only (Flask answers 500 to anything else), and a
    // WAV labelled text/html.
    let server = TestServer::start(|req, _| {
        let text = match (req.method.as_str(), req.path.as_str()) {
            ("POST", "/synthesize") => {
                if req.header("content-type") != Some("application/json") {
                    return Reply::status(
                        500,
                        "text/html",
                        b"<h1>Internal Server Error</h1>".to_vec(),
                    );
                }
                let body = req.json();
                if body["voice"] != "zh_CN-huayan-medium"
                    || body["length_scale"]
                        .as_f64()
                        .map(|s| (s - 0.8).abs() < 1e-6)
                        != Some(true)
                {
                    return wrong(format!("body {body}"));
                }
                body["text"].as_str().unwrap_or_default().to_owned()
            }
            ("POST", "/") => req.text(),
            ("GET", "/") => req.query_param("text").unwrap_or_default(),
            _ => return Reply::status(405, "text/html", b"<h1>405</h1>".to_vec()),
        };
        Reply::ok("text/html; charset=utf-8", wav_for(&text, 22_050))
    })
    .await;
    let server = Arc::new(server);
    let base = format!("kind = \"piper\"\nurl = \"{}\"\n", server.url);
    let shapes = [
        (
            "voice = \"zh_CN-huayan-medium\"\nspeed = 1.25\n",
            "POST",
            "/synthesize",
        ),
        ("api = \"post\"\n", "POST", "/"),
        ("api = \"get\"\n", "GET", "/"),
    ];
    let mut seen = 0;
    for (extra, method, path) in shapes {
        let (station, output) = render(&format!("{base}{extra}"), SHORT, &[]).await;
        assert_eq!(output.code, Some(0), "{extra}: {}", output.stderr);
        let requests = &server.requests()[seen..];
        assert_eq!(requests.len(), 2, "{extra}");
        for r in requests {
            assert_eq!((r.method.as_str(), r.path.as_str()), (method, path));
        }
        let mut asked: Vec<String> = requests
            .iter()
            .map(|r| match path {
                "/synthesize" => r.json()["text"].as_str().unwrap_or_default().to_owned(),
                _ if method == "GET" => r.query_param("text").unwrap_or_default(),
                _ => r.text(),
            })
            .collect();
        asked.sort();
        let mut want = segment_texts(SHORT, 500);
        want.sort();
        assert_eq!(asked, want, "{extra}");
        assert_eq!(station.cache_entries().len(), 2);
        seen += 2;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn marytts_gets_its_form_fields() {
    let server = TestServer::start(|req, _| {
        let form = |k| req.form(k).unwrap_or_default();
        if req.method != "POST"
            || req.path != "/process"
            || req.header("content-type") != Some("application/x-www-form-urlencoded")
            || form("INPUT_TYPE") != "TEXT"
            || form("OUTPUT_TYPE") != "AUDIO"
            || form("AUDIO") != "WAVE_FILE"
            || form("LOCALE") != "zh_CN"
            || form("VOICE") != "bits1"
        {
            return Reply::status(
                500,
                "text/html",
                b"<h1>Internal server error</h1><p>Processing failed.".to_vec(),
            );
        }
        Reply::ok("audio/x-wav", wav_for(&form("INPUT_TEXT"), 16_000))
    })
    .await;
    let voice = format!(
        "kind = \"marytts\"\nurl = \"{}\"\nlang = \"zh_CN\"\nvoice = \"bits1\"\n",
        server.url
    );
    let (station, output) = render(&voice, SHORT, &[]).await;
    assert_rendered(
        &output,
        &station,
        &server,
        |r| r.form("INPUT_TEXT").unwrap_or_default(),
        SHORT,
        500,
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn opentts_gets_voice_in_the_query_and_text_in_the_body() {
    let server = TestServer::start(|req, _| {
        if req.method != "POST"
            || req.path != "/api/tts"
            || req.query_param("voice").as_deref() != Some("espeak:cmn")
            || req.query_param("lang").as_deref() != Some("zh")
        {
            return Reply::status(
                500,
                "text/plain",
                b"AssertionError: No voice provided".to_vec(),
            );
        }
        Reply::ok("audio/wav", wav_for(&req.text(), 22_050))
    })
    .await;
    let voice = format!(
        "kind = \"opentts\"\nurl = \"{}\"\nvoice = \"espeak:cmn\"\nlang = \"zh\"\n",
        server.url
    );
    let (station, output) = render(&voice, SHORT, &[]).await;
    assert_rendered(&output, &station, &server, Request::text, SHORT, 500);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn coqui_gets_text_and_speaker_in_the_query() {
    let server = TestServer::start(|req, _| {
        if req.method != "GET"
            || req.path != "/api/tts"
            || req.query_param("speaker_id").as_deref() != Some("p225")
        {
            return Reply::status(
                400,
                "application/json",
                br#"{"error":"bad request"}"#.to_vec(),
            );
        }
        Reply::ok(
            "audio/wav",
            wav_for(&req.query_param("text").unwrap_or_default(), 22_050),
        )
    })
    .await;
    let voice = format!(
        "kind = \"coqui\"\nurl = \"{}\"\nspeaker = \"p225\"\n",
        server.url
    );
    let (station, output) = render(&voice, SHORT, &[]).await;
    assert_rendered(
        &output,
        &station,
        &server,
        |r| r.query_param("text").unwrap_or_default(),
        SHORT,
        500,
    );
}

/// Aliyun NLS: JSON POST with appkey and token, text not encoded, ≤ 300 characters (the
/// test server cuts longer text silently, as the service does).
fn aliyun(req: &Request) -> Reply {
    let body = req.json();
    if req.method != "POST" || req.path != "/stream/v1/tts" || body["appkey"] != "app-key" {
        return wrong(format!("{} {} {body}", req.method, req.path));
    }
    if body["token"] != "nls-token" {
        return Reply::status(
            400,
            "application/json",
            br#"{"task_id":"8f2c","result":"","status":40000001,"message":"Gateway:ACCESS_DENIED:The token 'bad' is invalid!"}"#.to_vec(),
        );
    }
    if body["format"] != "wav"
        || body["sample_rate"] != 16000
        || body["voice"] != "xiaoyun"
        || body["speech_rate"] != 0
    {
        return wrong(format!("body {body}"));
    }
    let text: String = body["text"]
        .as_str()
        .unwrap_or_default()
        .chars()
        .take(300)
        .collect();
    // Success is `audio/mpeg` whatever the format.
    Reply::ok("audio/mpeg", wav_for(&text, 16_000))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aliyun_gets_json_with_credentials_and_never_more_than_300_characters() {
    let server = TestServer::start(|req, _| aliyun(req)).await;
    let voice = format!(
        "kind = \"aliyun\"\nurl = \"{}\"\nappkey_env = \"T_APPKEY\"\ntoken_env = \"T_TOKEN\"\nretry_base_ms = 10\n",
        server.url
    );
    let long_sentence = "各位村民请注意防火安全".repeat(40);
    let article = format!("{SHORT}{long_sentence}。\n");
    let env = [("T_APPKEY", "app-key"), ("T_TOKEN", "nls-token")];
    let (station, output) = render(&voice, &article, &env).await;
    assert_rendered(
        &output,
        &station,
        &server,
        |r| r.json()["text"].as_str().unwrap_or_default().to_owned(),
        &article,
        300,
    );
    assert!(
        server
            .requests()
            .iter()
            .all(|r| r.json()["text"].as_str().unwrap().chars().count() <= 300)
    );
    assert!(server.count() >= 4, "the 440-character sentence was split");

    let before = server.count();
    let (_, bad) = render(
        &voice,
        SHORT,
        &[("T_APPKEY", "app-key"), ("T_TOKEN", "bad")],
    )
    .await;
    assert_eq!(bad.code, Some(1));
    assert!(
        bad.stderr.contains("40000001") && bad.stderr.contains("$T_TOKEN"),
        "{}",
        bad.stderr
    );
    assert_not_retried(&server, before, |r| r.json()["text"].to_string());
}

/// Fails when any text was asked for twice since request `before`: credential errors are
/// final.
fn assert_not_retried(server: &TestServer, before: usize, text_of: impl Fn(&Request) -> String) {
    let asked: Vec<String> = server.requests()[before..].iter().map(text_of).collect();
    assert!(!asked.is_empty());
    let unique: std::collections::HashSet<&String> = asked.iter().collect();
    assert_eq!(
        unique.len(),
        asked.len(),
        "a credential error was retried: {asked:?}"
    );
}

/// Baidu: form POST, `tex` URL-encoded twice, success judged by Content-Type.
fn baidu(req: &Request) -> Reply {
    if req.method != "POST"
        || req.path != "/text2audio"
        || req.header("content-type") != Some("application/x-www-form-urlencoded")
    {
        return wrong(format!(
            "{} {} {:?}",
            req.method,
            req.path,
            req.header("content-type")
        ));
    }
    let form = |k| req.form(k).unwrap_or_default();
    if form("tok") != "baidu-token" {
        return Reply::ok("application/json", br#"{"err_no":502,"err_msg":"access token invalid or no longer valid","err_subcode":16,"tts_logid":123}"#.to_vec());
    }
    // Decoded once by the form, `tex` must still be percent-encoded.
    let once = form("tex");
    if once.contains(|c: char| !c.is_ascii()) || !once.contains('%') {
        return Reply::ok(
            "application/json",
            br#"{"err_no":501,"err_msg":"parameter error."}"#.to_vec(),
        );
    }
    if form("ctp") != "1"
        || form("lan") != "zh"
        || form("per") != "4"
        || form("spd") != "5"
        || form("cuid").is_empty()
    {
        return wrong(format!("form {}", req.text()));
    }
    match form("aue").as_str() {
        "3" => Reply::ok("audio/mp3", audio::mp3_2s()),
        "4" => {
            let text = percent_decode(&once);
            Reply::ok(
                "audio/basic;codec=pcm;rate=16000;channel=1",
                audio::pcm(&audio::speech_for(&text, 16_000)),
            )
        }
        aue => wrong(format!("aue {aue}")),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn baidu_gets_tex_encoded_twice_and_errors_by_content_type() {
    let server = TestServer::start(|req, _| baidu(req)).await;
    let text_of = |r: &Request| percent_decode(&r.form("tex").unwrap_or_default());
    for format in ["mp3", "pcm"] {
        let voice = format!(
            "kind = \"baidu\"\nurl = \"{}\"\nvoice = \"4\"\nresponse_format = \"{format}\"\ntoken_env = \"T_BAIDU\"\n",
            server.url
        );
        let before = server.count();
        let (station, output) = render(&voice, SHORT, &[("T_BAIDU", "baidu-token")]).await;
        assert_eq!(output.code, Some(0), "{format}: {}", output.stderr);
        let mut asked: Vec<String> = server.requests()[before..].iter().map(text_of).collect();
        asked.sort();
        let mut want = segment_texts(SHORT, 511);
        want.sort();
        assert_eq!(asked, want, "{format}");
        assert_eq!(station.cache_entries().len(), 2);
        if format == "pcm" {
            // Raw PCM at the rate the Content-Type names: 0.2 s per character.
            let seconds: f64 = station
                .cache_entries()
                .iter()
                .map(|e| dalaba::media::wav::read_clip(e).unwrap().duration())
                .sum();
            assert!((seconds - 0.2 * 7.0).abs() < 0.01, "{seconds}");
        }
    }
    let voice = format!(
        "kind = \"baidu\"\nurl = \"{}\"\nvoice = \"4\"\ntoken_env = \"T_BAIDU\"\n",
        server.url
    );
    let before = server.count();
    let (station, bad) = render(&voice, SHORT, &[("T_BAIDU", "expired")]).await;
    assert_eq!(bad.code, Some(1));
    assert!(
        bad.stderr.contains("access token invalid") && bad.stderr.contains("$T_BAIDU"),
        "{}",
        bad.stderr
    );
    assert_not_retried(&server, before, text_of);
    assert!(station.cache_entries().is_empty());
}

/// Azure: SSML with the text XML-escaped, key, output format and User-Agent headers.
fn azure(req: &Request) -> Reply {
    let header = |k| req.header(k).unwrap_or_default();
    if header("ocp-apim-subscription-key") != "azure-key" {
        return Reply::status(401, "text/plain", Vec::new());
    }
    if req.method != "POST"
        || req.path != "/cognitiveservices/v1"
        || header("content-type") != "application/ssml+xml"
    {
        return Reply::status(415, "text/plain", Vec::new());
    }
    if header("x-microsoft-outputformat") != "riff-24khz-16bit-mono-pcm"
        || header("user-agent").is_empty()
    {
        return Reply::status(400, "text/plain", Vec::new());
    }
    match ssml_text(&req.text()) {
        Some(text) => Reply::ok("audio/x-wav", wav_for(&text, 24_000)),
        None => Reply::status(400, "text/plain", Vec::new()),
    }
}

/// The spoken text of an SSML body with one voice element and no markup inside it.
fn ssml_text(body: &str) -> Option<String> {
    let open = "<voice name='zh-CN-YunxiNeural'>";
    if !body.starts_with("<speak ")
        || body.matches("<voice").count() != 1
        || !body.contains("xml:lang='zh-CN'")
    {
        return None;
    }
    let inner = body.split_once(open)?.1.split_once("</voice></speak>")?.0;
    if inner.contains('<') || inner.contains('>') {
        return None;
    }
    Some(
        inner
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&apos;", "'")
            .replace("&amp;", "&"),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn azure_gets_ssml_with_the_text_escaped() {
    let server = TestServer::start(|req, _| azure(req)).await;
    let voice = format!(
        "kind = \"azure\"\nurl = \"{}\"\nvoice = \"zh-CN-YunxiNeural\"\napi_key_env = \"T_AZURE\"\n",
        server.url
    );
    // Article text that would be SSML if it were not escaped.
    let article = "通知\n\n请注意</voice><voice name='evil'>安全 & \"防火\"。\n";
    let (station, output) = render(&voice, article, &[("T_AZURE", "azure-key")]).await;
    assert_rendered(
        &output,
        &station,
        &server,
        |r| ssml_text(&r.text()).unwrap_or_default(),
        article,
        1000,
    );
    assert!(
        server
            .requests()
            .iter()
            .any(|r| r.text().contains("&lt;voice name") && !r.text().contains("<voice name等于"))
    );

    let before = server.count();
    let (_, bad) = render(&voice, SHORT, &[("T_AZURE", "wrong")]).await;
    assert_eq!(bad.code, Some(1));
    assert!(
        bad.stderr.contains("HTTP 401") && bad.stderr.contains("$T_AZURE"),
        "{}",
        bad.stderr
    );
    assert_not_retried(&server, before, Request::text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_command_voice_runs_a_local_program_that_writes_a_file() {
    let voice = "kind = \"command\"\nprogram = \"espeak-ng\"\n\
                 args = [\"-w\", \"{out}\", \"-v\", \"cmn-latn-pinyin\", \"--\", \"{text}\"]\n";
    let (station, output) = render(voice, SHORT, &[]).await;
    assert_eq!(output.code, Some(0), "{}", output.stderr);
    let entries = station.cache_entries();
    assert_eq!(entries.len(), 2);
    let seconds: f64 = entries
        .iter()
        .map(|e| dalaba::media::wav::read_clip(e).unwrap().duration())
        .sum();
    // espeak-ng speaks roughly 3–5 characters a second; 7 characters here.
    assert!((1.0..5.0).contains(&seconds), "{seconds}");

    let missing = "kind = \"command\"\nprogram = \"no-such-tts\"\nargs = [\"{text}\"]\n";
    let (_, output) = render(missing, SHORT, &[]).await;
    assert_eq!(output.code, Some(1));
    assert!(
        output.stderr.contains("`no-such-tts` is not installed"),
        "{}",
        output.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openai_raw_pcm_is_read_at_the_documented_24_khz() {
    let server = TestServer::start(|req, _| {
        let body = req.json();
        if body["response_format"] != "pcm" {
            return wrong(format!("body {body}"));
        }
        let text = body["input"].as_str().unwrap_or_default().to_owned();
        Reply::ok("audio/pcm", audio::pcm(&audio::speech_for(&text, 24_000)))
    })
    .await;
    let voice = format!(
        "kind = \"openai\"\nurl = \"{}\"\nresponse_format = \"pcm\"\n",
        server.url
    );
    let (station, output) = render(&voice, SHORT, &[]).await;
    assert_rendered(
        &output,
        &station,
        &server,
        |r| r.json()["input"].as_str().unwrap_or_default().to_owned(),
        SHORT,
        4096,
    );
    let seconds: f64 = station
        .cache_entries()
        .iter()
        .map(|e| dalaba::media::wav::read_clip(e).unwrap().duration())
        .sum();
    assert!((seconds - 0.2 * 7.0).abs() < 0.01, "{seconds}");
}
