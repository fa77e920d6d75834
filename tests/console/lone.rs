//! A village that runs alone: `dalaba run --console ADDR` serves the same console beside
//! its airing loop, under the same rule as `hub serve` (plain HTTP only on loopback).

use std::io::BufRead;
use std::process::{Child, Stdio};

use reqwest::StatusCode;
use reqwest::header::{COOKIE, ORIGIN, SET_COOKIE};

use super::{ACCOUNTS, MORNING, PASSWORD};
use crate::support::{TestStation, stderr};

/// The daemon, killed when the test ends.
struct Daemon(Child);

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A rehearsal station (no sound card) with the test accounts.
fn lone_station() -> TestStation {
    let station = TestStation::new();
    station.write(
        "dalaba.toml",
        "rehearsal = true\ndevice_realtime = false\ndefault_voice = \"espeak\"\n",
    );
    station.write("schedules/main.toml", MORNING);
    for (name, role) in ACCOUNTS {
        let out = station
            .cmd()
            .args(["console", "add-user", name, "--role", role])
            .env("DALABA_PASSWORD", PASSWORD)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
    }
    station
}

/// Starts `dalaba run --console 127.0.0.1:0`; the URL it prints.
fn start(station: &TestStation) -> (Daemon, String) {
    let mut child = station
        .cmd()
        .args(["run", "--console", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let url = lines
        .by_ref()
        .map(Result::unwrap)
        .find_map(|l| l.strip_prefix("console: listening on ").map(str::to_owned))
        .expect("the console's address on stdout");
    // Keep draining stdout so the daemon never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    (Daemon(child), url)
}

#[tokio::test]
async fn a_lone_station_serves_the_console_beside_its_daemon() {
    let station = lone_station();
    let (_daemon, url) = start(&station);
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = http
        .post(format!("{url}/console/login"))
        .header(ORIGIN, &url)
        .form(&[("name", "李站长"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let cookie = res.headers()[SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let get = |path: &str| {
        http.get(format!("{url}{path}"))
            .header(COOKIE, &cookie)
            .send()
    };
    for path in [
        "/console/articles",
        "/console/plan",
        "/console/log",
        "/console/audit",
    ] {
        let res = get(path).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        let page = res.text().await.unwrap();
        assert!(
            !page.contains("href=\"/console/boxes\""),
            "no 终端 tab: {path}"
        );
        assert!(page.contains("李站长（站长）"), "{path}: {page}");
    }
    let plan = get("/console/plan").await.unwrap().text().await.unwrap();
    assert!(plan.contains("早间广播"), "the station's own slots: {plan}");
    let log = get("/console/log").await.unwrap().text().await.unwrap();
    assert!(!log.contains("id=\"box\""), "no box filter alone: {log}");
    // The hub's box API is not served by a lone station.
    let res = http
        .get(format!("{url}/api/v1/manifest"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[test]
fn a_lone_console_refuses_plain_http_off_loopback() {
    let station = lone_station();
    let out = station.run(&["run", "--console", "0.0.0.0:0"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("refusing plain HTTP on `0.0.0.0:0`"), "{err}");
    assert!(err.contains("--behind-proxy"), "{err}");
    let out = station.run(&["run", "--behind-proxy"]);
    assert!(!out.status.success(), "--behind-proxy needs --console");
}
