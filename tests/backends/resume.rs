//! A render killed with SIGKILL half way resumes from the cache: it makes no request for a
//! segment already cached, and the program equals an uninterrupted render. A warm cache
//! makes no requests at all, and a damaged entry is synthesized again. Drives the real
//! `dalaba render` binary.

use std::collections::HashSet;
use std::time::Duration;

use dalaba::cache::SegmentCache;
use dalaba::tts::VoiceProfile;

use super::audio;
use super::segment_texts;
use super::server::{Reply, TestServer};
use super::station::TestStation;

/// A long notice of unique sentences, without digits.
fn long_article() -> String {
    let places = "东南西北中前后上下左";
    let things = ["防火", "防汛", "防疫", "安全"];
    let mut text = String::from("安全通知\n\n");
    for (i, place) in places.chars().enumerate() {
        for thing in &things[..3] {
            text.push_str(&format!("{place}片的乡亲们请注意{thing}工作。"));
        }
        if i % 3 == 2 {
            text.push('\n');
        }
    }
    text.push('\n');
    text
}

fn voice(url: &str) -> String {
    format!("kind = \"openai\"\nurl = \"{url}\"\nconcurrency = 2\nretries = 0\n")
}

fn asked(server: &TestServer, from: usize) -> Vec<String> {
    server.requests()[from..]
        .iter()
        .map(|r| r.json()["input"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_render_resumes_from_the_cache() {
    let server = TestServer::start(|req, _| {
        let text = req.json()["input"].as_str().unwrap_or_default().to_owned();
        let body = audio::wav(22_050, 1, &audio::speech_for(&text, 22_050));
        Reply::Delay(
            Duration::from_millis(60),
            Box::new(Reply::ok("audio/wav", body)),
        )
    })
    .await;
    let article = long_article();
    let texts = segment_texts(&article, 4096);
    let n = texts.len();
    assert_eq!(
        texts.iter().collect::<HashSet<_>>().len(),
        n,
        "texts must be unique"
    );
    assert!(n >= 30, "{n}");

    let station = TestStation::new();
    station.voice("openai", &voice(&server.url));
    station.article(&article);

    // Run 1: killed (SIGKILL) once a third of the segments were asked for.
    let mut child = station
        .command(&[
            "render",
            "article.txt",
            "--out",
            "out.wav",
            "--voice",
            "openai",
        ])
        .current_dir(station.root())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    while server.count() < n / 3 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    child.start_kill().unwrap();
    let status = child.wait().await.unwrap();
    assert!(!status.success());
    assert!(!station.out().exists(), "a killed render left a program");

    let profile = VoiceProfile::load(&station.root().join("voices/openai.toml")).unwrap();
    let cache = SegmentCache::new(station.root().join("state/cache"));
    let cached: HashSet<&String> = texts
        .iter()
        .filter(|t| cache.get(&cache.key(&profile, 24_000, t), 24_000).is_some())
        .collect();
    assert!(
        !cached.is_empty() && cached.len() < n,
        "cached {} of {n}",
        cached.len()
    );
    assert_eq!(station.cache_entries().len(), cached.len());

    // Run 2: finishes, asking only for what was not cached.
    let before = server.count();
    let output = station.render("openai", &[]).await;
    assert_eq!(output.code, Some(0), "{}", output.stderr);
    // Not a terminal: progress comes as plain lines, the last one complete.
    let last = format!("rendering: {n}/{n} segments ({} cached", cached.len());
    assert!(output.stderr.contains(&last), "{}", output.stderr);
    let second = asked(&server, before);
    assert_eq!(second.len(), n - cached.len());
    assert!(
        second.iter().all(|t| !cached.contains(t)),
        "asked again for a cached segment"
    );

    // The same program as an uninterrupted render.
    let fresh = TestStation::new();
    fresh.voice("openai", &voice(&server.url));
    fresh.article(&article);
    let uninterrupted = fresh.render("openai", &[]).await;
    assert_eq!(uninterrupted.code, Some(0), "{}", uninterrupted.stderr);
    let want = std::fs::read(fresh.out()).unwrap();
    assert!(
        std::fs::read(station.out()).unwrap() == want,
        "resumed program differs"
    );

    // Warm cache: zero requests.
    let before = server.count();
    let warm = station.render("openai", &[]).await;
    assert_eq!(warm.code, Some(0), "{}", warm.stderr);
    assert_eq!(server.count(), before, "a warm render made requests");

    // A damaged entry is discarded and synthesized again; nothing else is asked.
    let entry = cache.path(&cache.key(&profile, 24_000, &texts[5]));
    std::fs::write(&entry, b"RIFF garbage").unwrap();
    let before = server.count();
    let repaired = station.render("openai", &[]).await;
    assert_eq!(repaired.code, Some(0), "{}", repaired.stderr);
    assert_eq!(asked(&server, before), vec![texts[5].clone()]);
    assert!(std::fs::read(station.out()).unwrap() == want);
}
