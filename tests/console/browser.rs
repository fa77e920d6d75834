//! The whole flow in a real headless Chromium (Debian's `chromium` + `chromedriver`): an
//! editor pastes and submits, an approver listens and approves, the plan shows it, a tick
//! airs it on a captured device, the log lists it; screenshots of every page at 1366×768
//! and 375 px wide go to `target/screenshots/`.

use std::io::BufRead;
use std::path::PathBuf;
use std::process::{Child, Stdio};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

use super::{ConsoleUnderTest, PASSWORD};
use crate::support::{CapturedAlsa, repo, stderr, stdout};

/// chromedriver on a free local port; killed on drop.
struct Driver {
    child: Child,
    url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn chromedriver() -> Driver {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = std::process::Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver (Debian package chromium-driver; `make deps` installs it)");
    // It says when it listens.
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    while out.read_line(&mut line).unwrap() > 0 && !line.contains("started successfully") {
        line.clear();
    }
    Driver {
        child,
        url: format!("http://127.0.0.1:{port}"),
    }
}

async fn browser(driver: &Driver) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": "/usr/bin/chromium",
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1366,768", "--lang=zh-CN", "--autoplay-policy=no-user-gesture-required"]
        }),
    );
    ClientBuilder::rustls()
        .unwrap()
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .unwrap()
}

fn shots_dir() -> PathBuf {
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| repo().join("target"), PathBuf::from);
    let dir = target.join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Screenshots of the current page at desk and phone width.
async fn shoot(b: &Client, name: &str) {
    for (w, h) in [(1366, 768), (375, 812)] {
        b.set_window_size(w, h).await.unwrap();
        let png = b.screenshot().await.unwrap();
        assert!(png.starts_with(b"\x89PNG"), "{name} at {w}");
        std::fs::write(shots_dir().join(format!("{name}-{w}.png")), png).unwrap();
    }
    b.set_window_size(1366, 768).await.unwrap();
}

async fn login(b: &Client, url: &str, name: &str) {
    b.goto(&format!("{url}/console/login")).await.unwrap();
    b.find(Locator::Css("#name"))
        .await
        .unwrap()
        .send_keys(name)
        .await
        .unwrap();
    b.find(Locator::Css("#password"))
        .await
        .unwrap()
        .send_keys(PASSWORD)
        .await
        .unwrap();
    b.find(Locator::Css("#login"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.wait()
        .for_element(Locator::Css("header .who"))
        .await
        .unwrap();
}

async fn logout(b: &Client) {
    b.find(Locator::Css("header form button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.wait().for_element(Locator::Css("#login")).await.unwrap();
}

async fn text_of(b: &Client, css: &str) -> String {
    b.find(Locator::Css(css))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// The `<audio>` element's duration once its metadata has loaded (event-driven, no polling).
async fn audio_duration(b: &Client) -> f64 {
    let script = "const a = document.getElementById('program'); const done = arguments[0];
        if (a.readyState >= 1) { done(a.duration); }
        else { a.addEventListener('loadedmetadata', () => done(a.duration));
               a.addEventListener('error', () => done(-1)); a.load(); }";
    b.execute_async(script, vec![])
        .await
        .unwrap()
        .as_f64()
        .unwrap()
}

#[tokio::test]
async fn clerks_queue_approve_and_follow_the_air_in_a_real_browser() {
    let c = ConsoleUnderTest::start();
    let driver = chromedriver();
    let b = browser(&driver).await;
    b.update_timeouts(fantoccini::wd::TimeoutConfiguration::new(
        Some(std::time::Duration::from_secs(180)),
        None,
        None,
    ))
    .await
    .unwrap();
    b.goto(&format!("{}/console/login", c.url)).await.unwrap();
    shoot(&b, "login").await;

    // The editor pastes a notice, sees the script, submits.
    login(&b, &c.url, "王编辑").await;
    let notice = "停水通知\n来源：东岗村委会\n\n明天上午9:00至下午3:00东岗村停水，请提前储水。\n";
    b.find(Locator::Css("#text"))
        .await
        .unwrap()
        .send_keys(notice)
        .await
        .unwrap();
    b.find(Locator::Css("#preview"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.wait().for_element(Locator::Css("#script")).await.unwrap();
    let script = text_of(&b, "#script").await;
    assert!(
        script.contains("东岗村停水") && script.contains("九点"),
        "{script}"
    );
    assert!(
        text_of(&b, "#removed").await.contains("来源"),
        "the byline is shown as removed"
    );
    shoot(&b, "articles-compose").await;
    b.find(Locator::Css("#submit"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.wait().for_element(Locator::Css("#own")).await.unwrap();
    let id = b
        .current_url()
        .await
        .unwrap()
        .path()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    assert!(
        b.find(Locator::Css("#approve")).await.is_err(),
        "no approve button for the author"
    );
    logout(&b).await;

    // The approver listens to the exact program and approves.
    login(&b, &c.url, "张审核").await;
    b.goto(&format!("{}/console/articles/{id}", c.url))
        .await
        .unwrap();
    let duration = audio_duration(&b).await;
    let wavs: Vec<PathBuf> = std::fs::read_dir(c.station.join("state/console-audio"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "wav"))
        .collect();
    assert_eq!(wavs.len(), 1, "{wavs:?}, audio element says {duration}");
    let reader = hound::WavReader::open(&wavs[0]).unwrap();
    let expected = f64::from(reader.duration()) / f64::from(reader.spec().sample_rate);
    assert!(
        expected > 3.0 && (duration - expected).abs() < 0.05,
        "audio {duration} s, WAV {expected} s"
    );
    shoot(&b, "review").await;
    b.find(Locator::Css("#approve"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.wait()
        .for_element(Locator::Css("#verdicts"))
        .await
        .unwrap();
    assert_eq!(text_of(&b, "#status").await, "已批准");

    // The plan shows it in the coming mornings.
    b.goto(&format!("{}/console/plan", c.url)).await.unwrap();
    assert!(text_of(&b, "#plan").await.contains("停水通知"));
    shoot(&b, "plan").await;

    // A tick on the rehearsal station airs it on a captured device; the log lists it.
    let alsa = CapturedAlsa::new();
    let out = c
        .station
        .cmd()
        .args(["tick", "--now", "2026-12-01T07:00:05+08:00"])
        .env("ALSA_CONFIG_PATH", &alsa.config)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!alsa.samples_f32().is_empty(), "the device played it");
    b.goto(&format!(
        "{}/console/log?from=2026-12-01&to=2026-12-01",
        c.url
    ))
    .await
    .unwrap();
    let log = text_of(&b, "#log").await;
    assert!(log.contains("已播出") && log.contains("停水通知"), "{log}");
    shoot(&b, "log").await;
    let cli = c.station.run(&[
        "log",
        "--csv",
        "--since",
        "2026-12-01",
        "--until",
        "2026-12-01",
    ]);
    let csv = b
        .find(Locator::Css("#csv"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        fetch_as(&c, "张审核", &csv).await,
        stdout(&cli),
        "the export is the CLI's CSV"
    );
    logout(&b).await;

    // The station manager's pages.
    login(&b, &c.url, "李站长").await;
    for (page, name) in [
        ("boxes", "boxes"),
        ("emergency", "emergency"),
        ("users", "users"),
        ("audit", "audit"),
        ("articles", "articles"),
    ] {
        b.goto(&format!("{}/console/{page}", c.url)).await.unwrap();
        b.wait().for_element(Locator::Css("main h1")).await.unwrap();
        shoot(&b, name).await;
    }
    assert!(text_of(&b, "#articles").await.contains("已批准"));
    b.close().await.unwrap();
}

/// GET `path` as `name` over plain HTTP (the session cookie is HttpOnly: the page's own
/// scripts could not read it, and neither can this test through the browser).
async fn fetch_as(c: &ConsoleUnderTest, name: &str, path: &str) -> String {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = http
        .post(format!("{}/console/login", c.url))
        .header("origin", &c.url)
        .form(&[("name", name), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    let cookie = res.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let res = http
        .get(format!("{}{path}", c.url))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    res.text().await.unwrap()
}
