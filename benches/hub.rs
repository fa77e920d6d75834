//! The hub under many boxes, in one process over 127.0.0.1: N open alert streams and the
//! time for one alert to reach all of them, and N boxes polling their manifest (`304`).
//!
//! Then the same load against `dalaba hub serve` as a process of its own, so the CPU and
//! memory reported are the hub's alone: its RSS with N streams open, its CPU for one round
//! of N polls (the load of N boxes polling every 30 s), and an emergency sent through
//! `dalaba hub emergency` timed from its `sent_at` to each box.
//!
//! Run with `cargo bench --bench hub` (N = 500). Under `cargo test --all-targets` (no
//! `--bench` argument) it does a short smoke run with N = 20.

#![allow(clippy::unwrap_used)]

mod cpu;

use std::sync::Arc;
use std::time::{Duration, Instant};

use dalaba::hub::publish::{Issue, publish};
use dalaba::hub::server::{HubState, serve};
use dalaba::hub::store::{HubStore, SqliteHubStore};
use dalaba::protocol::{Alert, Credential, MsgType, Severity, WireTime};
use dalaba::village_box::{BoxClient, ManifestPoll};
use jiff::tz::{Offset, TimeZone};
use jiff::{SignedDuration, Timestamp};

fn alert(id: &str) -> Alert {
    let t = |s: Timestamp| WireTime::new(s, Offset::from_hours(8).unwrap());
    let now = Timestamp::now();
    Alert {
        protocol: 1,
        alert_id: id.into(),
        msg_type: MsgType::Request,
        severity: Severity::Level(2),
        event_type: "11B03".into(),
        title: "暴雪橙色预警".into(),
        sender: "石庙镇人民政府".into(),
        sent_at: t(now),
        start: t(now),
        end: t(now + SignedDuration::from_hours(1)),
        area_codes: vec![],
        zones: vec!["全镇".into()],
        repeat: 1,
        operator: "李站长".into(),
        program: None,
    }
}

fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let n = if full { 500 } else { 20 };
    let dir = tempfile::tempdir().unwrap();
    let (state, creds) = hub_state(n, dir.path());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let server = tokio::spawn(serve(listener, state.clone(), std::future::pending()));
        in_process_fan_out(&url, &state, &creds, dir.path()).await;
        let clients = first_polls(&url, &creds, dir.path()).await;
        let all = poll_once(clients).await;
        println!(
            "{n} concurrent manifest polls (304): {all:?} in all, {:?} per poll",
            all / n as u32
        );
        server.abort();
        hub_process(n, &dir.path().join("process")).await;
    });
}

/// An in-process hub with `n` enrolled boxes and a first (empty) manifest for each.
fn hub_state(n: usize, dir: &std::path::Path) -> (HubState, Vec<Credential>) {
    let store = Arc::new(SqliteHubStore::open(&dir.join("hub.sqlite")).unwrap());
    let creds: Vec<_> = (0..n)
        .map(|i| {
            let id = format!("box-{i}").parse().unwrap();
            dalaba::hub::enroll(&*store, id, "村", &["全镇".into()]).unwrap()
        })
        .collect();
    let issue = Issue {
        now: Timestamp::now(),
        tz: TimeZone::UTC,
        validity: SignedDuration::from_hours(24),
    };
    publish(&*store, &dir.join("programs"), &[], &issue).unwrap();
    let store: Arc<dyn HubStore> = store;
    let clock = Arc::new(Timestamp::now);
    let state = HubState::new(store, dir.join("programs"), clock, TimeZone::UTC);
    (state, creds)
}

/// One box per credential with its alert stream open; each first alert is sent on the
/// channel with the time it arrived.
fn open_streams(
    url: &str,
    creds: &[Credential],
    dir: &std::path::Path,
) -> tokio::sync::mpsc::UnboundedReceiver<(Timestamp, Alert)> {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    for cred in creds {
        let client = BoxClient::new(url, cred.clone(), dir.join(cred.box_id().as_str())).unwrap();
        let tx = tx.clone();
        tokio::spawn(async move {
            let got = client.alerts().next().await.unwrap();
            tx.send((Timestamp::now(), got)).unwrap();
        });
    }
    rx
}

/// N open streams in process, one alert pushed to all: its latency percentiles, against
/// one alert to one stream (the peer), and the process's RSS before and after.
async fn in_process_fan_out(
    url: &str,
    state: &HubState,
    creds: &[Credential],
    dir: &std::path::Path,
) {
    let n = creds.len();
    let rss_before = rss_kib();
    let mut rx = open_streams(url, creds, dir);
    while state.open_alert_streams() < n {
        tokio::task::yield_now().await;
    }
    let rss_streams = rss_kib();
    let start = Timestamp::now();
    state.push_alert(&alert("e-1")).unwrap();
    let mut latencies = Vec::new();
    for _ in 0..n {
        let (at, got) = rx.recv().await.unwrap();
        assert_eq!(got.alert_id, "e-1");
        latencies.push(Duration::try_from(at.duration_since(start)).unwrap_or_default());
    }
    latencies.sort();
    let single = one_stream(url, &creds[0], state, dir).await;
    println!(
        "alert to {n} open streams: p50 {:?}, p99 {:?}, max {:?}; one stream (peer): {single:?}; RSS {} KiB → {} KiB with {n} streams",
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99),
        latencies.last().unwrap(),
        rss_before,
        rss_streams,
    );
}

/// The time for one alert to reach one open stream (after it caught up on `e-1`).
async fn one_stream(
    url: &str,
    cred: &Credential,
    state: &HubState,
    dir: &std::path::Path,
) -> Duration {
    let client = BoxClient::new(url, cred.clone(), dir.join("single")).unwrap();
    let mut stream = client.alerts();
    stream.next().await.unwrap();
    let s = state.clone();
    let (got, t0) = tokio::join!(stream.next(), async move {
        while s.open_alert_streams() < 1 {
            tokio::task::yield_now().await;
        }
        let t0 = Instant::now();
        s.push_alert(&alert("e-2")).unwrap();
        t0
    });
    got.unwrap();
    t0.elapsed()
}

/// A client per box, each past its first poll (a `200` with manifest 1 or later).
async fn first_polls(url: &str, creds: &[Credential], dir: &std::path::Path) -> Vec<BoxClient> {
    let mut clients: Vec<BoxClient> = creds
        .iter()
        .map(|c| BoxClient::new(url, c.clone(), dir.join(format!("poll-{}", c.box_id()))).unwrap())
        .collect();
    for c in &mut clients {
        assert!(matches!(
            c.poll_manifest(Timestamp::now()).await.unwrap(),
            ManifestPoll::Updated(_)
        ));
    }
    clients
}

/// Every client polls at once; each gets `304`. The wall time of the round.
async fn poll_once(clients: Vec<BoxClient>) -> Duration {
    let start = Instant::now();
    let polls: Vec<_> = clients
        .into_iter()
        .map(|mut c| tokio::spawn(async move { c.poll_manifest(Timestamp::now()).await.unwrap() }))
        .collect();
    for p in polls {
        assert_eq!(p.await.unwrap(), ManifestPoll::Unchanged);
    }
    start.elapsed()
}

/// `VmRSS` or `VmHWM` of process `pid`, KiB.
fn memory_kib(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with(field)).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// Open sockets of process `pid`: how the bench knows the streams have reached the hub.
fn sockets(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .unwrap()
        .filter_map(|e| std::fs::read_link(e.unwrap().path()).ok())
        .filter(|target| target.to_string_lossy().starts_with("socket:"))
        .count()
}

/// `dalaba hub serve` as a child, killed when dropped.
struct HubProcess(std::process::Child);

impl Drop for HubProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn dalaba(station: &std::path::Path) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_dalaba"));
    cmd.arg("--station").arg(station).env("LANG", "C.UTF-8");
    cmd
}

/// A station with `n` enrolled boxes and a running `hub serve`; its URL and credentials.
fn start_hub(n: usize, station: &std::path::Path) -> (HubProcess, String, Vec<Credential>) {
    use std::io::BufRead;
    assert!(
        dalaba(station)
            .arg("init")
            .output()
            .unwrap()
            .status
            .success()
    );
    let store = SqliteHubStore::open(&station.join("state/hub.sqlite")).unwrap();
    let creds = (0..n)
        .map(|i| {
            let id = format!("box-{i}").parse().unwrap();
            dalaba::hub::enroll(&store, id, "村", &["全镇".into()]).unwrap()
        })
        .collect();
    drop(store);
    // Each box's first manifest: one slot, no airings (no approved articles).
    let slot = "[[slot]]\nname = \"news\"\nat = [\"07:00\"]\nqueue = \"news\"\n";
    std::fs::write(station.join("schedules/bench.toml"), slot).unwrap();
    let publish = dalaba(station)
        .args(["hub", "plan-publish"])
        .output()
        .unwrap();
    assert!(
        publish.status.success(),
        "{}",
        String::from_utf8_lossy(&publish.stderr)
    );
    let mut child = dalaba(station)
        .args(["hub", "serve", "--listen", "127.0.0.1:0"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("hub: listening on ")
        .unwrap()
        .to_owned();
    (HubProcess(child), url, creds)
}

/// A one-second 440 Hz WAV for the emergency.
fn alert_wav(path: &std::path::Path) {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: 24_000,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut writer = hound::WavWriter::create(path, spec).unwrap();
    for i in 0..24_000 {
        let t = i as f32 / 24_000.0;
        writer
            .write_sample(((t * 440.0 * std::f32::consts::TAU).sin() * 8_000.0) as i16)
            .unwrap();
    }
    writer.finalize().unwrap();
}

async fn hub_process(n: usize, dir: &std::path::Path) {
    let station = dir.join("station");
    let (hub, url, creds) = start_hub(n, &station);
    let pid = hub.0.id();
    let idle = (memory_kib(pid, "VmRSS:"), sockets(pid));
    let mut rx = open_streams(&url, &creds, dir);
    // Every stream has reached the hub. One connected but not yet subscribed still gets
    // the alert (a box is sent the valid alerts it missed), later: the figure can only grow.
    while sockets(pid) < idle.1 + n {
        tokio::task::yield_now().await;
    }
    let streams_rss = memory_kib(pid, "VmRSS:");
    let wav = dir.join("alert.wav");
    alert_wav(&wav);
    let out = dalaba(&station)
        .args([
            "hub",
            "emergency",
            "--zone",
            "全镇",
            "--reason",
            "bench",
            "--by",
            "bench",
        ])
        .arg(&wav)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut latencies = Vec::new();
    for _ in 0..n {
        let (got, alert) = rx.recv().await.unwrap();
        let sent = alert.sent_at.at();
        latencies.push(Duration::try_from(got.duration_since(sent)).unwrap_or_default());
    }
    latencies.sort();
    println!(
        "\nhub as its own process, {n} boxes: RSS {} KiB idle, {} KiB with {n} streams open",
        idle.0, streams_rss
    );
    println!(
        "emergency via `dalaba hub emergency`, sent_at to each box: p50 {:?}, p99 {:?}, max {:?}",
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99),
        latencies.last().unwrap()
    );
    poll_round(n, &url, &creds, pid, dir).await;
}

/// Every box polls once (304 after a first 200): the hub's CPU for one such round is its
/// load from N boxes polling every 30 s.
async fn poll_round(n: usize, url: &str, creds: &[Credential], pid: u32, dir: &std::path::Path) {
    let clients = first_polls(url, creds, dir).await;
    let stat = format!("/proc/{pid}/stat");
    let before = cpu::cpu_seconds(&stat, 11);
    let wall = poll_once(clients).await;
    let used = cpu::cpu_seconds(&stat, 11) - before;
    println!(
        "{n} polls (304) in {wall:?}: hub CPU {used:.2} s, {:.2} % of one core at one poll per box per 30 s; hub peak RSS {} KiB",
        used / 30.0 * 100.0,
        memory_kib(pid, "VmHWM:")
    );
}
