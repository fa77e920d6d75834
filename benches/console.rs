//! The staff console over a big station: 10,000 articles and 100,000 as-run rows, every
//! page fetched over 127.0.0.1 by a logged-in client; median and slowest latency per page.
//!
//! Run with `cargo bench --bench console`. Under `cargo test --all-targets` (no `--bench`
//! argument) it does a short smoke run with 200 articles and 2,000 rows.

#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use dalaba::hub::server::{HubState, serve_with};
use dalaba::hub::store::{HubStore, SqliteHubStore};
use dalaba::station::Station;
use dalaba::store::Store;
use jiff::Timestamp;
use jiff::tz::TimeZone;

const SCHEDULE: &str = r#"
[[slot]]
name = "morning"
title = "早间广播"
at = ["07:00"]
days = "daily"
queue = "news"
voice = "espeak"
repeat = 1
"#;

/// Fills the station database: `articles` notices (most with their window past, as in a
/// station used for years) and `airings` as-run rows over the last `airings / 4` days.
fn fill(db: &std::path::Path, articles: usize, airings: usize, now: Timestamp) {
    let mut conn = rusqlite::Connection::open(db).unwrap();
    let tx = conn.transaction().unwrap();
    let now_ms = now.as_millisecond();
    for i in 0..articles {
        let text = format!("通知{i}\n\n明天上午9:00在村委会开会，第{i}号议题，请准时参加。\n");
        let until = if i % 20 == 0 {
            None
        } else {
            Some("2020-01-01")
        };
        tx.execute(
            "INSERT INTO articles (source_name, source, script, hash, version, title, queue,
               valid_from, valid_until, priority, status, created_ms, updated_ms)
             VALUES ('a.txt', ?1, ?1, ?2, 1, ?3, 'news', NULL, ?4, 'normal', 'approved', ?5, ?5)",
            rusqlite::params![text, format!("{i:064x}"), format!("通知{i}"), until, now_ms],
        )
        .unwrap();
    }
    let day = 24 * 3600 * 1000;
    for i in 0..airings {
        let at = now_ms - (i as i64 / 4) * day - (i as i64 % 4) * 3_600_000;
        tx.execute(
            "INSERT INTO airings (slot, scheduled_ms, claimed_ms, started_ms, ended_ms, outcome, voice, duration)
             VALUES ('morning', ?1, ?1, ?1, ?1 + 60000, 'aired', 'espeak', 60.0)",
            [at],
        )
        .unwrap();
        let id = tx.last_insert_rowid();
        tx.execute(
            "INSERT INTO airing_articles (airing_id, position, article_id, version, hash, approved_by)
             VALUES (?1, 0, ?2, 1, 'h', '张审核')",
            rusqlite::params![id, (i % articles) as i64 + 1],
        )
        .unwrap();
    }
    tx.commit().unwrap();
}

/// Enrols 50 boxes in two zones and has them report `rows` as-run rows (one in ten
/// failed) over the last `rows / 200` days, as `box run` reports them.
fn fill_hub(store: &SqliteHubStore, rows: usize, now: Timestamp) {
    use dalaba::protocol::{AsRun, AsRunState, BoxId, Health, WireTime};
    let offset = jiff::tz::Offset::constant(8);
    let health = Health {
        version: "bench".into(),
        device: "present".into(),
        ..Health::default()
    };
    let received = now.to_string();
    for b in 0..50 {
        let id: BoxId = format!("box{b}").parse().unwrap();
        let zone = if b % 2 == 0 { "东片" } else { "西片" };
        dalaba::hub::enroll(store, id.clone(), &format!("{b}号村"), &[zone.to_owned()]).unwrap();
        let batch: Vec<AsRun> = (0..rows / 50)
            .map(|i| {
                let at = now - jiff::SignedDuration::from_mins(30 * i as i64 + b);
                let at = WireTime::new(at, offset);
                let failed = i % 10 == 0;
                AsRun {
                    airing_id: format!("morning@{at}"),
                    state: if failed {
                        AsRunState::Failed
                    } else {
                        AsRunState::Succeeded
                    },
                    started_at: Some(at.clone()),
                    ended_at: Some(at),
                    program_digest: None,
                    voice: Some("espeak".into()),
                    reason: failed.then(|| "没有音频设备".to_owned()),
                    titles: vec![format!("通知{i}")],
                    duration_secs: Some(60.0),
                }
            })
            .collect();
        for chunk in batch.chunks(1000) {
            store.record_report(&id, chunk, &health, &received).unwrap();
        }
    }
}

fn station(articles: usize, airings: usize) -> (tempfile::TempDir, Station) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("dalaba.toml"), "default_voice = \"espeak\"\n").unwrap();
    std::fs::create_dir_all(root.join("schedules")).unwrap();
    std::fs::write(root.join("schedules/main.toml"), SCHEDULE).unwrap();
    std::fs::create_dir_all(root.join("voices")).unwrap();
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for f in ["espeak.toml", "lexicon.toml"] {
        std::fs::copy(repo.join("voices").join(f), root.join("voices").join(f)).unwrap();
    }
    let station = Station::open(root).unwrap();
    let mut store = Store::open(&station.db_path()).unwrap();
    dalaba::console::add_user(
        &mut store,
        "李站长",
        dalaba::console::Role::Manager,
        "bench-password",
        Timestamp::now(),
    )
    .unwrap();
    drop(store);
    fill(&station.db_path(), articles, airings, Timestamp::now());
    (dir, station)
}

fn median(mut times: Vec<Duration>) -> (Duration, Duration) {
    times.sort();
    (times[times.len() / 2], *times.last().unwrap())
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let (articles, airings, runs) = if full {
        (10_000, 100_000, 10)
    } else {
        (200, 2_000, 2)
    };
    let started = Instant::now();
    let (_dir, station) = station(articles, airings);
    eprintln!(
        "filled {articles} articles, {airings} as-run rows in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let store = SqliteHubStore::open(&station.state_dir().join("hub.sqlite")).unwrap();
    let started = Instant::now();
    fill_hub(&store, airings, Timestamp::now());
    eprintln!(
        "reported {airings} box as-run rows from 50 boxes in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let hub: Arc<dyn HubStore> = Arc::new(store);
    let state = HubState::new(
        hub.clone(),
        station.state_dir().join("hub-programs"),
        Arc::new(Timestamp::now),
        TimeZone::get("Asia/Shanghai").unwrap(),
    );
    let console = dalaba::app::console_router(&station, &state, &hub, false).unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(serve_with(listener, state, console, std::future::pending()));
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let res = http
            .post(format!("{url}/console/login"))
            .header("origin", &url)
            .form(&[("name", "李站长"), ("password", "bench-password")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303);
        let cookie = res.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned();
        let middle = format!("/console/articles/{}", articles / 2);
        let pages = [
            "/console/articles",
            middle.as_str(),
            "/console/articles?status=draft",
            "/console/plan",
            "/console/log",
            "/console/log?csv=1",
            "/console/log?page=50",
            "/console/log?outcome=failed",
            "/console/log?zone=%E4%B8%9C%E7%89%87",
            "/console/log?box=box7",
            "/console/log?from=2020-01-01&csv=1",
            "/console/boxes",
            "/console/emergency",
            "/console/users",
            "/console/audit",
        ];
        println!("{:<36} {:>10} {:>10}", "page", "median ms", "max ms");
        for page in pages {
            let mut times = Vec::new();
            for _ in 0..=runs {
                let t = Instant::now();
                let res = http
                    .get(format!("{url}{page}"))
                    .header("cookie", &cookie)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(res.status(), 200, "{page}");
                let _ = res.bytes().await.unwrap();
                times.push(t.elapsed());
            }
            times.remove(0); // the first fetch warms caches
            let (mid, max) = median(times);
            println!(
                "{page:<36} {:>10.1} {:>10.1}",
                mid.as_secs_f64() * 1e3,
                max.as_secs_f64() * 1e3
            );
        }
    });
}
