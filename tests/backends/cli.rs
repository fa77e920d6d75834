//! `dalaba voices`, `dalaba voices test NAME` and `dalaba cache stats|prune` through the
//! real binary.

use std::time::{Duration, SystemTime};

use super::NOTICE;
use super::audio;
use super::server::{Reply, TestServer, refused_url};
use super::station::TestStation;

async fn speech_server() -> TestServer {
    TestServer::start(|req, _| {
        if req.path != "/v1/audio/speech" {
            return Reply::status(404, "text/plain", b"not found".to_vec());
        }
        let text = req.json()["input"].as_str().unwrap_or_default().to_owned();
        Reply::ok(
            "audio/wav",
            audio::wav(24_000, 1, &audio::speech_for(&text, 24_000)),
        )
    })
    .await
}

async fn run(station: &TestStation, args: &[&str]) -> (Option<i32>, String, String) {
    let output = station.command(args).output().await.unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn voices_says_which_servers_answer_and_test_speaks_through_one() {
    let server = speech_server().await;
    let station = TestStation::new();
    station.voice(
        "live",
        &format!("kind = \"openai\"\nurl = \"{}\"\n", server.url),
    );
    station.voice(
        "dead",
        &format!("kind = \"openai\"\nurl = \"{}\"\n", refused_url().await),
    );
    let (code, stdout, stderr) = run(&station, &["voices"]).await;
    assert_eq!(code, Some(0), "{stderr}");
    let line = |name: &str| {
        stdout
            .lines()
            .find(|l| l.split_whitespace().any(|w| w == name))
            .unwrap_or_else(|| panic!("no `{name}` in {stdout}"))
            .to_owned()
    };
    // Issue 14 item 18: a 404 to the probe says a server is there, not that it is healthy.
    assert!(
        line("live").contains("a server answers (HTTP 404 to GET /v1/models)"),
        "{stdout}"
    );
    assert!(line("dead").contains("no answer"), "{stdout}");
    assert!(
        line("default").starts_with('*') && line("default").contains("installed"),
        "{stdout}"
    );

    let out = station.root().join("test.wav");
    let (code, stdout, stderr) = run(
        &station,
        &["voices", "test", "live", "--out", out.to_str().unwrap()],
    )
    .await;
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("voice `live` said"), "{stdout}");
    let spoken = server
        .requests()
        .iter()
        .filter_map(|r| r.json()["input"].as_str().map(str::to_owned))
        .collect::<Vec<_>>();
    assert_eq!(
        spoken,
        vec!["各位村民请注意，这是大喇叭的试音，一二三四五。".to_owned()]
    );
    let clip = dalaba::media::wav::read_clip(&out).unwrap();
    assert!(clip.duration() > 3.0, "{}", clip.duration());

    let (code, _, stderr) = run(&station, &["voices", "test", "dead", "--out", "x.wav"]).await;
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("voice `dead`") && stderr.contains("cannot reach"),
        "{stderr}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cache_stats_and_prune_by_last_use() {
    let server = speech_server().await;
    let station = TestStation::new();
    station.voice(
        "v",
        &format!("kind = \"openai\"\nurl = \"{}\"\n", server.url),
    );
    station.article(NOTICE);
    assert_eq!(station.render("v", &[]).await.code, Some(0));
    let entries = station.cache_entries();
    assert_eq!(entries.len(), 4);

    let (code, stdout, _) = run(&station, &["cache", "stats"]).await;
    assert_eq!(code, Some(0));
    assert!(stdout.contains("entries    4 ("), "{stdout}");

    // Two entries last used 40 days ago, a temp file left by a killed writer, a broken entry.
    let old = SystemTime::now() - Duration::from_secs(40 * 86_400);
    for entry in &entries[..2] {
        std::fs::File::options()
            .append(true)
            .open(entry)
            .unwrap()
            .set_modified(old)
            .unwrap();
    }
    let shard = entries[0].parent().unwrap();
    let tmp = shard.join(".x.wav.1.tmp");
    std::fs::write(&tmp, b"half").unwrap();
    std::fs::File::options()
        .append(true)
        .open(&tmp)
        .unwrap()
        .set_modified(old)
        .unwrap();
    std::fs::write(shard.join("broken.wav"), b"not a wav").unwrap();

    let (code, stdout, stderr) = run(&station, &["cache", "prune", "--older-than", "30d"]).await;
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout.contains("removed 2 entries unused for over 30d, 1 broken entries, 1 temp files"),
        "{stdout}"
    );
    assert_eq!(station.cache_entries().len(), 2);
    assert_eq!(station.cache_leftovers(), 0);

    // The pruned segments are synthesized again, the kept ones are not.
    let before = server.count();
    assert_eq!(station.render("v", &[]).await.code, Some(0));
    assert_eq!(server.count() - before, 2);

    let (code, _, stderr) = run(&station, &["cache", "prune", "--older-than", "soon"]).await;
    assert_eq!(code, Some(1));
    assert!(stderr.contains("cannot read the age `soon`"), "{stderr}");
}
