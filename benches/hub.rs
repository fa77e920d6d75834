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
use dalaba::protocol::{Alert, MsgType, Severity, WireTime};
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
    let store = Arc::new(SqliteHubStore::open(&dir.path().join("hub.sqlite")).unwrap());
    let creds: Vec<_> = (0..n)
        .map(|i| {
            dalaba::hub::enroll(
                &*store,
                format!("box-{i}").parse().unwrap(),
                "村",
                &["全镇".into()],
            )
            .unwrap()
        })
        .collect();
    let issue = Issue {
        now: Timestamp::now(),
        tz: TimeZone::UTC,
        validity: SignedDuration::from_hours(24),
    };
    publish(&*store, &dir.path().join("programs"), &[], &issue).unwrap();
    let store: Arc<dyn HubStore> = store;
    let state = HubState::new(
        store,
        dir.path().join("programs"),
        Arc::new(Timestamp::now),
        TimeZone::UTC,
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let server = tokio::spawn(serve(listener, state.clone(), std::future::pending()));
        let rss_before = rss_kib();

        // N boxes, each with its alert stream open.
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        for cred in &creds {
            let client = BoxClient::new(&url, cred.clone(), dir.path().join(cred.box_id().as_str())).unwrap();
            let tx = tx.clone();
            tokio::spawn(async move {
                let mut stream = client.alerts();
                let got = stream.next().await.unwrap();
                tx.send((Instant::now(), got.alert_id)).unwrap();
            });
        }
        while state.open_alert_streams() < n {
            tokio::task::yield_now().await;
        }
        let rss_streams = rss_kib();
        // The peer: one alert to one box is the floor the fan-out is measured against.
        let start = Instant::now();
        state.push_alert(&alert("e-1")).unwrap();
        let mut latencies = Vec::new();
        for _ in 0..n {
            let (at, id) = rx.recv().await.unwrap();
            assert_eq!(id, "e-1");
            latencies.push(at - start);
        }
        latencies.sort();
        let single = {
            let client = BoxClient::new(&url, creds[0].clone(), dir.path().join("single")).unwrap();
            let mut stream = client.alerts();
            // Catch up on e-1 first, then time e-2 alone.
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
        };
        println!(
            "alert to {n} open streams: p50 {:?}, p99 {:?}, max {:?}; one stream (peer): {single:?}; RSS {} KiB → {} KiB with {n} streams",
            percentile(&latencies, 0.5),
            percentile(&latencies, 0.99),
            latencies.last().unwrap(),
            rss_before,
            rss_streams,
        );

        // N boxes polling: first a 200, then the 304 every 30 s poll costs.
        let mut clients: Vec<BoxClient> = creds
            .iter()
            .map(|c| BoxClient::new(&url, c.clone(), dir.path().join(format!("poll-{}", c.box_id()))).unwrap())
            .collect();
        for c in &mut clients {
            assert!(matches!(c.poll_manifest(Timestamp::now()).await.unwrap(), ManifestPoll::Updated(1)));
        }
        let start = Instant::now();
        let polls = clients.into_iter().map(|mut c| {
            tokio::spawn(async move { c.poll_manifest(Timestamp::now()).await.unwrap() })
        });
        for p in polls.collect::<Vec<_>>() {
            assert_eq!(p.await.unwrap(), ManifestPoll::Unchanged);
        }
        let all = start.elapsed();
        println!("{n} concurrent manifest polls (304): {all:?} in all, {:?} per poll", all / n as u32);
        server.abort();
        hub_process(n, &dir.path().join("process")).await;
    });
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
fn start_hub(
    n: usize,
    station: &std::path::Path,
) -> (HubProcess, String, Vec<dalaba::protocol::Credential>) {
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
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    for cred in &creds {
        let client = BoxClient::new(&url, cred.clone(), dir.join(cred.box_id().as_str())).unwrap();
        let tx = tx.clone();
        tokio::spawn(async move {
            let got = client.alerts().next().await.unwrap();
            tx.send((Timestamp::now(), got.sent_at.at())).unwrap();
        });
    }
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
        let (got, sent) = rx.recv().await.unwrap();
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
async fn poll_round(
    n: usize,
    url: &str,
    creds: &[dalaba::protocol::Credential],
    pid: u32,
    dir: &std::path::Path,
) {
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
    let stat = format!("/proc/{pid}/stat");
    let before = cpu::cpu_seconds(&stat, 11);
    let start = Instant::now();
    let polls: Vec<_> = clients
        .into_iter()
        .map(|mut c| tokio::spawn(async move { c.poll_manifest(Timestamp::now()).await.unwrap() }))
        .collect();
    for p in polls {
        assert_eq!(p.await.unwrap(), ManifestPoll::Unchanged);
    }
    let wall = start.elapsed();
    let used = cpu::cpu_seconds(&stat, 11) - before;
    println!(
        "{n} polls (304) in {wall:?}: hub CPU {used:.2} s, {:.2} % of one core at one poll per box per 30 s; hub peak RSS {} KiB",
        used / 30.0 * 100.0,
        memory_kib(pid, "VmHWM:")
    );
}
