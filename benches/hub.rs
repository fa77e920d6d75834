//! The hub under many boxes, in one process over 127.0.0.1: N open alert streams and the
//! time for one alert to reach all of them, and N boxes polling their manifest (`304`).
//!
//! Run with `cargo bench --bench hub` (N = 500). Under `cargo test --all-targets` (no
//! `--bench` argument) it does a short smoke run with N = 20.

#![allow(clippy::unwrap_used)]

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
    });
}
