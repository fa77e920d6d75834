//! `dalaba box run` as real processes against a real `dalaba hub serve` on 127.0.0.1: zones,
//! a link cut, an emergency cut-in with resume, a revoked box, a tampered program, kill -9.
//!
//! Every box has its own station directory and a WAV-file loudspeaker (`device =
//! "wav:played"`): each airing writes one numbered file, so the files count the airings.
//! Tests wait for conditions (a hang guard, not a timing assertion) and assert on what the
//! hub and the boxes logged and on the order of events.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use jiff::{SignedDuration, Timestamp};

use crate::support::{TestStation, stderr, stdout};

/// The longest any condition is waited for before the test fails as hung.
const HANG: Duration = Duration::from_secs(180);

pub(crate) fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < HANG, "hung waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A tone WAV of `seconds` whose content depends on `seed`.
fn program_wav(path: &Path, seed: u32, seconds: u32) {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: 8000,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(path, spec).unwrap();
    for i in 0..8000 * seconds {
        w.write_sample((((i * seed) % 2000) as i16 - 1000) / 2)
            .unwrap();
    }
    w.finalize().unwrap();
}

/// A child process killed (SIGKILL) when dropped, with its output in files.
struct Proc {
    child: std::process::Child,
    out: PathBuf,
    err: PathBuf,
}

impl Proc {
    fn spawn(mut cmd: Command, logs: &Path, name: &str) -> Proc {
        let out = logs.join(format!("{name}.out"));
        let err = logs.join(format!("{name}.err"));
        let open = |p: &Path| {
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(p)
                .unwrap()
        };
        let child = cmd
            .stdout(Stdio::from(open(&out)))
            .stderr(Stdio::from(open(&err)))
            .spawn()
            .unwrap();
        Proc { child, out, err }
    }

    fn stdout(&self) -> String {
        std::fs::read_to_string(&self.out).unwrap_or_default()
    }

    fn stderr(&self) -> String {
        std::fs::read_to_string(&self.err).unwrap_or_default()
    }

    fn kill9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        self.kill9();
    }
}

/// A hub station with enrolled boxes, serving on a fixed port once started.
struct Hub {
    station: TestStation,
    logs: tempfile::TempDir,
    proc: Option<Proc>,
    listen: String,
}

impl Hub {
    fn new() -> Hub {
        Hub {
            station: TestStation::new(),
            logs: tempfile::tempdir().unwrap(),
            proc: None,
            listen: "127.0.0.1:0".into(),
        }
    }

    fn enroll(&self, id: &str, zones: &[&str]) -> String {
        let mut args = vec!["hub", "enroll", id, "--json"];
        for z in zones {
            args.extend(["--zone", z]);
        }
        let out = self.station.run(&args);
        assert!(out.status.success(), "{}", stderr(&out));
        let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
        v["credential"].as_str().unwrap().to_owned()
    }

    /// Starts `hub serve` (again on the same port after a stop); returns its URL.
    fn start(&mut self) -> String {
        let mut cmd = self.station.cmd();
        cmd.args(["hub", "serve", "--listen", &self.listen]);
        let n = std::fs::read_dir(self.logs.path()).unwrap().count();
        let proc = Proc::spawn(cmd, self.logs.path(), &format!("hub{n}"));
        let mut url = String::new();
        wait_for("the hub to listen", || {
            url = proc
                .stdout()
                .lines()
                .find_map(|l| l.strip_prefix("hub: listening on "))
                .unwrap_or_default()
                .to_owned();
            !url.is_empty()
        });
        wait_for("the hub's pid file", || {
            self.station.join("state/hub.pid").exists()
        });
        self.listen = url.trim_start_matches("http://").to_owned();
        self.proc = Some(proc);
        url
    }

    fn stop(&mut self) -> String {
        let mut proc = self.proc.take().unwrap();
        proc.kill9();
        let _ = std::fs::remove_file(self.station.join("state/hub.pid"));
        proc.stderr()
    }

    fn publish(&self, program: &Path, slot: &str, at: Timestamp, zone: &str) {
        let at = at.to_string();
        let started = Instant::now();
        let out = self.station.run(&[
            "hub",
            "publish",
            program.to_str().unwrap(),
            "--slot",
            slot,
            "--at",
            &at,
            "--zone",
            zone,
        ]);
        assert!(
            out.status.success(),
            "after {:?}: {}",
            started.elapsed(),
            stderr(&out)
        );
    }

    /// The merged as-run log: `(box, airing_id, state, row)`.
    fn rows(&self) -> Vec<(String, String, String, serde_json::Value)> {
        let db = rusqlite::Connection::open(self.station.join("state/hub.sqlite")).unwrap();
        db.busy_timeout(Duration::from_secs(5)).unwrap();
        let mut stmt = db
            .prepare("SELECT box_id, airing_id, state, json FROM hub_as_run ORDER BY box_id")
            .unwrap();
        stmt.query_map([], |r| {
            let json: String = r.get(3)?;
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                serde_json::from_str(&json).unwrap(),
            ))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect()
    }

    fn state_of(&self, box_id: &str, airing: &str) -> Option<String> {
        self.rows()
            .into_iter()
            .find(|(b, a, _, _)| b == box_id && a.starts_with(airing))
            .map(|r| r.2)
    }
}

/// A village box: its station (rehearsal, WAV loudspeaker) and its process.
pub(crate) struct VillageBox {
    id: String,
    credential: String,
    station: TestStation,
    proc: Option<Proc>,
}

impl VillageBox {
    pub(crate) fn new(id: &str, credential: String) -> VillageBox {
        let station = TestStation::new();
        station.write(
            "dalaba.toml",
            "rehearsal = true\ndevice = \"wav:played\"\ntimezone = \"Asia/Shanghai\"\n",
        );
        VillageBox {
            id: id.into(),
            credential,
            station,
            proc: None,
        }
    }

    pub(crate) fn start(&mut self, url: &str, now: Option<Timestamp>) {
        let mut cmd = self.station.cmd();
        cmd.args(["box", "run", "--hub", url, "--every", "1"])
            .env("DALABA_CREDENTIAL", &self.credential);
        if let Some(now) = now {
            cmd.args(["--now", &now.to_string()]);
        }
        let logs = self.station.join("logs");
        std::fs::create_dir_all(&logs).unwrap();
        let n = std::fs::read_dir(&logs).unwrap().count();
        self.proc = Some(Proc::spawn(cmd, &logs, &format!("run{n}")));
    }

    /// How many programs this box has played (one file each).
    pub(crate) fn played(&self) -> usize {
        std::fs::read_dir(self.station.join("played")).map_or(0, |d| d.count())
    }

    pub(crate) fn holds(&self, text: &str) -> bool {
        std::fs::read_to_string(self.station.join("box/manifest.json"))
            .is_ok_and(|m| m.contains(text))
    }

    fn output(&self) -> String {
        let proc = self.proc.as_ref().unwrap();
        format!("{}{}", proc.stdout(), proc.stderr())
    }

    /// Its own as-run log, as `dalaba log --json` shows it.
    pub(crate) fn log(&self) -> String {
        let out = self.station.run(&["log", "--json"]);
        assert!(out.status.success(), "{}", stderr(&out));
        stdout(&out)
    }
}

fn at(value: &serde_json::Value, key: &str) -> Timestamp {
    value[key].as_str().unwrap().parse().unwrap()
}

#[test]
fn a_hub_and_five_boxes_air_by_zone_through_a_link_cut_and_an_emergency() {
    let mut hub = Hub::new();
    let zones: [(&str, &[&str]); 5] = [
        ("east1", &["东片", "全镇"]),
        ("east2", &["东片", "全镇"]),
        ("east3", &["东片", "全镇"]),
        ("west1", &["西片", "全镇"]),
        ("west2", &["西片", "全镇"]),
    ];
    let mut boxes: Vec<VillageBox> = zones
        .iter()
        .map(|(id, z)| VillageBox::new(id, hub.enroll(id, z)))
        .collect();
    let mut revoked = VillageBox::new("gone", hub.enroll("gone", &["全镇"]));
    assert!(hub.station.run(&["hub", "revoke", "gone"]).status.success());
    let url = hub.start();
    a_slot_airs_in_its_zone_only(&hub, &mut boxes, &mut revoked, &url);
    let first_hub_log = a_link_cut_loses_no_airing_and_no_row(&mut hub, &boxes);
    an_emergency_cuts_in_and_the_program_resumes(&mut hub, &boxes);
    a_revoked_box_gets_nothing(&revoked, &first_hub_log);
    an_altered_program_is_refused_on_both_sides(&mut hub, &boxes);
}

/// A slot for 东片 airs on exactly the three 东片 boxes, once each.
fn a_slot_airs_in_its_zone_only(
    hub: &Hub,
    boxes: &mut [VillageBox],
    revoked: &mut VillageBox,
    url: &str,
) {
    let morning = hub.station.join("morning.wav");
    program_wav(&morning, 3, 2);
    let t = Timestamp::now() + SignedDuration::from_secs(3);
    hub.publish(&morning, "morning", t, "东片");
    for b in boxes.iter_mut() {
        b.start(url, None);
    }
    revoked.start(url, None);
    wait_for("the east boxes to report the morning slot", || {
        boxes[..3]
            .iter()
            .all(|b| hub.state_of(&b.id, "morning@").as_deref() == Some("succeeded"))
    });
    for b in &boxes[..3] {
        assert_eq!(b.played(), 1, "{} aired it once", b.id);
    }
    for b in &boxes[3..] {
        assert_eq!(b.played(), 0, "{} is not in 东片", b.id);
        assert_eq!(hub.state_of(&b.id, "morning@"), None);
    }
}

/// Link cut: every box holds the noon slot, the hub goes away, the boxes air it
/// anyway; when the hub is back, each row arrives once. Returns the first hub's log.
fn a_link_cut_loses_no_airing_and_no_row(hub: &mut Hub, boxes: &[VillageBox]) -> String {
    let noon = hub.station.join("noon.wav");
    program_wav(&noon, 5, 2);
    let t = Timestamp::now() + SignedDuration::from_secs(4);
    hub.publish(&noon, "noon", t, "全镇");
    let noon_digest = dalaba::protocol::Digest::of(&std::fs::read(&noon).unwrap());
    wait_for("every box to hold the noon program", || {
        boxes.iter().all(|b| {
            b.holds("\"noon\"")
                && b.station
                    .join(&format!("box/programs/{}.wav", noon_digest.hex()))
                    .exists()
        })
    });
    let hub_log = hub.stop();
    wait_for("every box to air noon with the hub down", || {
        boxes[..3].iter().all(|b| b.played() == 2) && boxes[3..].iter().all(|b| b.played() == 1)
    });
    for b in boxes {
        assert!(b.log().contains("noon"), "{}: {}", b.id, b.log());
        assert_eq!(hub.state_of(&b.id, "noon@"), None, "the hub is down");
    }
    hub.start();
    wait_for("the noon rows to arrive after the link is back", || {
        boxes
            .iter()
            .all(|b| hub.state_of(&b.id, "noon@").as_deref() == Some("succeeded"))
    });
    let noon_rows = hub
        .rows()
        .into_iter()
        .filter(|r| r.1.starts_with("noon@"))
        .count();
    assert_eq!(
        noon_rows, 5,
        "one noon row per box, none lost, none duplicated"
    );
    hub_log
}

/// Emergency to 全镇 while the evening slot is on air: it cuts in on every box, and
/// the evening program airs again after it.
fn an_emergency_cuts_in_and_the_program_resumes(hub: &mut Hub, boxes: &[VillageBox]) {
    let evening = hub.station.join("evening.wav");
    program_wav(&evening, 7, 20);
    let t = Timestamp::now() + SignedDuration::from_secs(3);
    hub.publish(&evening, "evening", t, "全镇");
    let before: Vec<usize> = boxes.iter().map(VillageBox::played).collect();
    wait_for("the evening slot to be on air everywhere", || {
        boxes.iter().zip(&before).all(|(b, n)| b.played() == n + 1)
    });
    let alert_wav = hub.station.join("alert.wav");
    program_wav(&alert_wav, 11, 1);
    let out = hub.station.run(&[
        "hub",
        "emergency",
        "--zone",
        "全镇",
        "--reason",
        "暴雪橙色预警",
        "--by",
        "李站长",
        alert_wav.to_str().unwrap(),
        "--json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let sent: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(sent["hub_running"], true);
    let alert_id = sent["alert_id"].as_str().unwrap().to_owned();
    let sent_at: Timestamp = sent["sent_at"].as_str().unwrap().parse().unwrap();
    wait_for(
        "the alert and the resumed evening program on every box",
        || {
            boxes.iter().all(|b| {
                hub.state_of(&b.id, &alert_id).as_deref() == Some("succeeded")
                    && hub.state_of(&b.id, "evening@").as_deref() == Some("succeeded")
            })
        },
    );
    let rows = hub.rows();
    let row = |b: &str, a: &str| {
        rows.iter()
            .find(|r| r.0 == b && r.1.starts_with(a))
            .unwrap()
            .3
            .clone()
    };
    let mut delays = Vec::new();
    for b in boxes {
        let alert = row(&b.id, &alert_id);
        let resumed = row(&b.id, "evening@");
        let started = at(&alert, "started_at");
        assert!(
            started >= sent_at,
            "{}: the alert aired after it was sent",
            b.id
        );
        assert!(
            at(&alert, "ended_at") <= at(&resumed, "started_at"),
            "{}: the evening program resumed after the alert: {alert} {resumed}",
            b.id
        );
        let log = b.log();
        assert!(log.contains("interrupted"), "{}: {log}", b.id);
        assert!(log.contains("evening (resumed)"), "{}: {log}", b.id);
        assert_eq!(
            b.played(),
            before[boxes.iter().position(|x| x.id == b.id).unwrap()] + 3
        );
        delays.push(started.duration_since(sent_at).as_millis());
    }
    delays.sort_unstable();
    eprintln!(
        "emergency: sent → on air per box (ms, box clocks = the hub's clock here): {delays:?}"
    );
}

/// The revoked box got nothing and said why; the hub logged the refusal too.
fn a_revoked_box_gets_nothing(revoked: &VillageBox, hub_log: &str) {
    assert_eq!(revoked.played(), 0);
    assert!(revoked.output().contains("401"), "{}", revoked.output());
    assert!(
        hub_log.contains("box `gone` from 127.0.0.1:") && hub_log.contains("refused (401)"),
        "{hub_log}"
    );
}

/// A program whose bytes were altered at the hub is refused by the boxes, on both
/// sides in the log, and not aired.
fn an_altered_program_is_refused_on_both_sides(hub: &mut Hub, boxes: &[VillageBox]) {
    let tampered = hub.station.join("tampered.wav");
    program_wav(&tampered, 13, 1);
    let bytes = std::fs::read(&tampered).unwrap();
    let digest = dalaba::protocol::Digest::of(&bytes);
    let mut altered = bytes.clone();
    let last = altered.len() - 1;
    altered[last] ^= 0x55;
    hub.station.write(
        &format!("state/hub-programs/{}.wav", digest.hex()),
        &altered,
    );
    let played: Vec<usize> = boxes.iter().map(VillageBox::played).collect();
    hub.publish(
        &tampered,
        "tampered",
        Timestamp::now() + SignedDuration::from_secs(2),
        "东片",
    );
    wait_for(
        "the east boxes to refuse the altered program, on both sides",
        || {
            let hub_log = hub.proc.as_ref().unwrap().stderr();
            boxes[..3].iter().all(|b| {
                b.output().contains("has digest")
                    && hub_log.contains(&format!("box `{}` reports a refusal", b.id))
            })
        },
    );
    let hub_log = hub.stop();
    assert!(hub_log.contains("reports a refusal"), "{hub_log}");
    for (b, n) in boxes.iter().zip(played) {
        assert_eq!(b.played(), n, "{} aired nothing new", b.id);
        assert!(
            !b.station
                .join(&format!("box/programs/{}.wav", digest.hex()))
                .exists()
        );
    }
}

#[test]
fn kill_9_during_download_and_during_airing_never_airs_twice() {
    let mut hub = Hub::new();
    let mut b = VillageBox::new("east1", hub.enroll("east1", &["东片"]));
    let url = hub.start();

    // A big program, so that the box is likely still downloading when it is killed.
    let big = hub.station.join("big.wav");
    program_wav(&big, 3, 1500);
    let digest = dalaba::protocol::Digest::of(&std::fs::read(&big).unwrap());
    let size = std::fs::metadata(&big).unwrap().len();
    let t = Timestamp::now() + SignedDuration::from_secs(5);
    hub.publish(&big, "long", t, "东片");
    b.start(&url, None);
    let part = b
        .station
        .join(&format!("box/programs/{}.wav.part", digest.hex()));
    let whole = b
        .station
        .join(&format!("box/programs/{}.wav", digest.hex()));
    wait_for("the download to begin", || part.exists() || whole.exists());
    b.proc.as_mut().unwrap().kill9();
    let cut = std::fs::metadata(&part).map_or(size, |m| m.len());
    eprintln!("kill -9 during download: {cut} of {size} bytes were on disk");

    b.start(&url, None);
    wait_for("the long program to go on air", || b.played() == 1);
    b.proc.as_mut().unwrap().kill9();
    b.start(&url, None);
    wait_for("the interrupted airing to reach the hub", || {
        hub.state_of("east1", "long@").is_some()
    });
    let rows = hub.rows();
    let row = &rows.iter().find(|r| r.1.starts_with("long@")).unwrap().3;
    assert_eq!(row["state"], "failed", "{row}");
    assert!(
        row["reason"]
            .as_str()
            .unwrap()
            .contains("stopped mid-program"),
        "{row}"
    );
    assert_eq!(b.played(), 1, "not aired again after the restart");
    assert_eq!(std::fs::read(&whole).unwrap().len() as u64, size);
}

#[test]
fn a_box_restarted_with_its_clock_moved_on_logs_the_slot_missed_and_does_not_air_it() {
    let mut hub = Hub::new();
    let mut b = VillageBox::new("east1", hub.enroll("east1", &["东片"]));
    let url = hub.start();
    let t0: Timestamp = "2026-12-02T07:00:00+08:00".parse().unwrap();
    let program = hub.station.join("morning.wav");
    program_wav(&program, 3, 1);
    hub.publish(
        &program,
        "morning",
        t0 + SignedDuration::from_mins(30),
        "东片",
    );
    b.start(&url, Some(t0));
    wait_for("the box to hold the morning program", || {
        b.holds("morning")
            && std::fs::read_dir(b.station.join("box/programs")).is_ok_and(|d| d.count() > 0)
    });
    b.proc.as_mut().unwrap().kill9();
    // Power back an hour later: the slot's window (10 minutes) is over.
    b.start(&url, Some(t0 + SignedDuration::from_mins(90)));
    wait_for("the missed row to reach the hub", || {
        hub.state_of("east1", "morning@").is_some()
    });
    let rows = hub.rows();
    let row = &rows[0].3;
    assert_eq!(row["state"], "failed", "{row}");
    assert!(
        row["reason"].as_str().unwrap().starts_with("missed"),
        "{row}"
    );
    assert_eq!(b.played(), 0);
    assert!(b.log().contains("missed"), "{}", b.log());
}

#[test]
fn a_cancel_stops_the_emergency_on_air_and_the_box_logs_it_cancelled() {
    let mut hub = Hub::new();
    let mut boxes = vec![
        VillageBox::new("east1", hub.enroll("east1", &["全镇"])),
        VillageBox::new("east2", hub.enroll("east2", &["全镇"])),
    ];
    let url = hub.start();
    for b in boxes.iter_mut() {
        b.start(&url, None);
    }
    let long = hub.station.join("long-alert.wav");
    program_wav(&long, 3, 120);
    let out = hub.station.run(&[
        "hub",
        "emergency",
        "--zone",
        "全镇",
        "--reason",
        "停水通知",
        "--by",
        "李站长",
        long.to_str().unwrap(),
        "--json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let sent: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let alert_id = sent["alert_id"].as_str().unwrap().to_owned();
    wait_for("the alert on air on both boxes", || {
        boxes.iter().all(|b| b.played() == 1)
    });
    let out = hub
        .station
        .run(&["hub", "cancel", &alert_id, "--by", "李站长"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let start = Instant::now();
    while !boxes
        .iter()
        .all(|b| hub.state_of(&b.id, &alert_id).as_deref() == Some("cancelled"))
    {
        let outputs: Vec<String> = boxes.iter().map(VillageBox::output).collect();
        let hub_log = hub.proc.as_ref().unwrap().stderr();
        assert!(
            start.elapsed() < HANG,
            "hung waiting for the cancel: {outputs:#?} {hub_log} {:?}",
            hub.rows()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    for (_, _, _, row) in hub.rows() {
        let took = at(&row, "ended_at").duration_since(at(&row, "started_at"));
        assert!(
            took < SignedDuration::from_secs(120),
            "stopped early: {row}"
        );
        assert!(
            row["reason"]
                .as_str()
                .unwrap()
                .contains("cancelled by the hub"),
            "{row}"
        );
    }
    for b in boxes {
        assert_eq!(b.played(), 1, "{} aired it once", b.id);
    }
}
