//! A village that runs alone: `dalaba run --console ADDR` serves the same console beside
//! its airing loop, under the same rule as `hub serve` (plain HTTP only on loopback).

use std::io::BufRead;
use std::process::{Child, Stdio};

use reqwest::StatusCode;

use super::{ACCOUNTS, MORNING, PASSWORD, Session};
use crate::support::{TestStation, stderr};

/// The daemon, killed when the test ends, and the lines it prints (an airing's end is one).
struct Daemon {
    child: Child,
    lines: std::sync::mpsc::Receiver<String>,
}

impl Daemon {
    /// Waits for the daemon to print a line that `pred` accepts; at most `secs` seconds,
    /// which only turns a hang into a failure.
    fn wait_for_line(&self, secs: u64, pred: impl Fn(&str) -> bool) -> String {
        let give_up = std::time::Instant::now() + std::time::Duration::from_secs(secs);
        loop {
            let left = give_up.saturating_duration_since(std::time::Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) if pred(&line) => return line,
                Ok(_) => {}
                Err(e) => panic!("the daemon printed no such line: {e}"),
            }
        }
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
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

/// Starts `dalaba run --console 127.0.0.1:0` (rehearsal: no device); the URL it prints.
fn start(station: &TestStation) -> (Daemon, String) {
    let (daemon, url) = spawn(station.cmd());
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    (daemon, url)
}

/// Runs `cmd run --console 127.0.0.1:0` and reads the console's address off its stdout;
/// the lines it prints after that (stdout and stderr) go to [`Daemon::wait_for_line`].
fn spawn(mut cmd: std::process::Command) -> (Daemon, String) {
    let mut child = cmd
        .args(["run", "--console", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let url = out
        .by_ref()
        .map(Result::unwrap)
        .find_map(|l| l.strip_prefix("console: listening on ").map(str::to_owned))
        .expect("the console's address on stdout");
    // Both streams are read to the end, so the daemon never blocks on a full pipe.
    let (tx, lines) = std::sync::mpsc::channel();
    let err = std::io::BufReader::new(child.stderr.take().unwrap()).lines();
    let forward = |stream: Box<dyn Iterator<Item = std::io::Result<String>> + Send>| {
        let tx = tx.clone();
        std::thread::spawn(move || {
            for line in stream.map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
    };
    forward(Box::new(out));
    forward(Box::new(err));
    (Daemon { child, lines }, url)
}

/// The station's play-now row that `pred` accepts, from one look at its as-run log.
fn play_now_row(
    station: &TestStation,
    pred: impl Fn(&serde_json::Value) -> bool,
) -> serde_json::Value {
    let out = station.run(&["log", "--json"]);
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap_or_default();
    rows.into_iter()
        .find(|r| r["slot"] == "play-now" && pred(r))
        .unwrap_or_else(|| panic!("no such row; log: {}", crate::support::stdout(&out)))
}

/// A line the daemon prints when a play-now airing ends, however it ends.
fn play_now_ended(line: &str) -> bool {
    line.contains("  play-now  ")
        && ["aired", "failed", "interrupted", "skipped", "cancelled"]
            .iter()
            .any(|what| line.contains(&format!("  {what}:")))
}

#[tokio::test]
async fn a_lone_station_serves_the_console_beside_its_daemon() {
    let station = lone_station();
    let (_daemon, url) = start(&station);
    let chief = Session::login(&url, "李站长").await;
    for path in [
        "/console/articles",
        "/console/plan",
        "/console/log",
        "/console/audit",
    ] {
        let (status, page) = chief.get(path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(
            !page.contains("href=\"/console/boxes\""),
            "no 终端 tab: {path}"
        );
        assert!(page.contains("李站长（站长）"), "{path}: {page}");
    }
    let (_, plan) = chief.get("/console/plan").await;
    assert!(plan.contains("早间广播"), "the station's own slots: {plan}");
    let (_, log) = chief.get("/console/log").await;
    assert!(!log.contains("id=\"box\""), "no box filter alone: {log}");
    // The hub's box API is not served by a lone station.
    let res = chief
        .http
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

/// A lone station on a device: the captured one, or a FIFO read in real time.
fn start_on(station: &TestStation, alsa_config: &std::path::Path) -> (Daemon, String) {
    let mut cmd = station.cmd();
    cmd.env("ALSA_CONFIG_PATH", alsa_config);
    spawn(cmd)
}

/// Adds an unapproved notice to the `alerts` queue; its id.
fn add_notice(station: &TestStation, title: &str, paragraphs: usize) -> String {
    let body: String = (1..=paragraphs)
        .map(|i| format!("第{i}段：各位村民请注意，水库下游请立即转移到高处。\n\n"))
        .collect();
    let text = format!("+++\ntitle = \"{title}\"\nqueue = \"alerts\"\n+++\n{body}");
    let path = station.write("in/notice.txt", text);
    let out = station.run(&["add", path.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    crate::support::stdout(&out)
        .lines()
        .next()
        .unwrap()
        .trim()
        .to_owned()
}

fn not_open(r: &serde_json::Value) -> bool {
    r["outcome"] != "airing" && r["outcome"] != "claimed"
}

#[tokio::test]
async fn a_lone_station_cuts_in_from_its_console_and_names_the_operator() {
    let station = lone_station();
    let alsa = crate::support::CapturedAlsa::new();
    let id = add_notice(&station, "<b>水库</b>泄洪通知", 1);
    let (daemon, url) = start_on(&station, &alsa.config);
    let chief = Session::login(&url, "李站长").await;
    let (_, page) = chief.get("/console/emergency").await;
    assert!(page.contains("id=\"send\""), "the cut-in form: {page}");
    assert!(!page.contains("dalaba play-now"), "{page}");
    assert!(page.contains("&#60;b&#62;水库") || page.contains("&lt;b&gt;水库"));
    let order = |confirm: bool| {
        let mut form = vec![
            ("csrf", chief.csrf.clone()),
            ("op", "request".to_owned()),
            ("article", id.clone()),
            ("severity", "2".to_owned()),
            ("reason", "水库泄洪".to_owned()),
        ];
        if confirm {
            form.push(("confirm", "1".to_owned()));
        }
        form
    };
    // Without the confirmation nothing is handed over.
    let res = chief.post("/console/emergency", &order(false), &url).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.text().await.unwrap().contains("确认立即插播"));
    // An editor may not cut in, whatever the page shows.
    let editor = Session::login(&url, "王编辑").await;
    let mut form = order(true);
    form[0].1.clone_from(&editor.csrf);
    let res = editor.post("/console/emergency", &form, &url).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = chief.post("/console/emergency", &order(true), &url).await;
    assert_eq!(res.status(), StatusCode::OK);
    let said = res.text().await.unwrap();
    assert!(said.contains("已交给播出程序"), "{said}");
    daemon.wait_for_line(120, play_now_ended);
    let row = play_now_row(&station, not_open);
    assert_eq!(row["outcome"], "aired", "{row:#}");
    assert_eq!(row["operator"], "李站长", "{row:#}");
    assert_eq!(
        row["emergency_by"], "李站长",
        "unsigned on her order: {row:#}"
    );
    assert_eq!(row["articles"][0]["id"].to_string(), id);
    let samples = alsa.samples_f32();
    assert!(
        samples.iter().any(|s| s.abs() > 0.01),
        "it reached the device"
    );
    let (_, audit) = chief.get("/console/audit").await;
    assert!(audit.contains("emergency"), "{audit}");
    assert!(
        audit.contains("水库泄洪"),
        "the reason is in the audit log: {audit}"
    );
    assert!(!audit.contains("<b>"), "escaped: {audit}");
}

#[tokio::test]
async fn a_cut_in_on_air_is_cancelled_from_the_console() {
    let station = lone_station();
    let fifo = crate::station::FifoAlsa::new();
    let id = add_notice(&station, "山洪预警", 12);
    let (daemon, url) = start_on(&station, &fifo.config);
    // The FIFO is read in real time: the program stays on air long enough to cancel.
    let reader = fifo.read_paced(96_000);
    let chief = Session::login(&url, "李站长").await;
    let request = vec![
        ("csrf", chief.csrf.clone()),
        ("op", "request".to_owned()),
        ("article", id),
        ("severity", "test".to_owned()),
        ("reason", "演练".to_owned()),
        ("confirm", "1".to_owned()),
    ];
    let res = chief.post("/console/emergency", &request, &url).await;
    assert_eq!(res.status(), StatusCode::OK);
    reader.wait_on_air(120);
    play_now_row(&station, |r| r["outcome"] == "airing");
    let (_, page) = chief.get("/console/emergency").await;
    assert!(page.contains("正在播出"), "{page}");
    assert!(
        page.contains("取消插播"),
        "a cancel for the cut-in on air: {page}"
    );
    let cancel = [
        ("csrf", chief.csrf.as_str()),
        ("op", "cancel"),
        ("alert_id", "1"),
        ("reason", "取消"),
    ];
    let res = chief.post("/console/emergency", &cancel, &url).await;
    assert_eq!(res.status(), StatusCode::OK);
    let said = res.text().await.unwrap();
    assert!(said.contains("已取消插播请求 1"), "{said}");
    daemon.wait_for_line(60, play_now_ended);
    let row = play_now_row(&station, not_open);
    reader.finish();
    assert_eq!(row["outcome"], "interrupted", "{row:#}");
    let reason = row["reason"].as_str().unwrap_or_default();
    assert!(reason.contains("cancelled by 李站长"), "{row:#}");
    assert_eq!(row["operator"], "李站长");
}
