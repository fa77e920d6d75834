//! The broadcast box: queue, approval and airing, driven through the real binary against
//! real SQLite files, real espeak-ng renders and a captured ALSA device.

mod airing;
mod approval;
mod audit;
mod daemon;
mod engine;
mod faults;
mod integrity;
mod queue;

use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::support::{CapturedAlsa, TestStation, stderr, stdout};

/// A station whose loudspeaker is a captured ALSA device.
pub struct BoxUnderTest {
    /// The station directory.
    pub station: TestStation,
    /// The captured device.
    pub alsa: CapturedAlsa,
    /// The ALSA configuration the children use (the captured one unless replaced).
    pub alsa_config: PathBuf,
}

/// One slot airing every two minutes from the `news` queue, no catch-up. (Not every
/// minute: `tick` waits for a slot starting within the next minute, which would make each
/// replayed tick wait for the next one.)
pub const EVERY_TWO_MINUTES: &str = r#"
[[slot]]
name = "often"
title = "测试广播"
cron = "*/2 * * * *"
queue = "news"
voice = "default"
repeat = 1
"#;

/// A morning slot at 07:00 with a ten-minute catch-up window.
pub const MORNING: &str = r#"
[[slot]]
name = "morning"
title = "早间广播"
at = ["07:00"]
days = "daily"
queue = "news"
voice = "default"
repeat = 1
catch_up_minutes = 10
"#;

impl BoxUnderTest {
    /// A station with `schedule` as `schedules/main.toml`.
    pub fn new(schedule: &str) -> Self {
        let station = TestStation::new();
        station.write("schedules/main.toml", schedule);
        // Replayed days (`tick --now`) need a rehearsal station; a live one refuses them.
        // The captured device records to a file faster than real time.
        station.write("dalaba.toml", "rehearsal = true\ndevice_realtime = false\n");
        let alsa = CapturedAlsa::new();
        let alsa_config = alsa.config.clone();
        Self {
            station,
            alsa,
            alsa_config,
        }
    }

    /// `dalaba ARGS` as a command, not yet started.
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = self.station.cmd();
        cmd.args(args).env("ALSA_CONFIG_PATH", &self.alsa_config);
        cmd
    }

    /// Runs `dalaba ARGS`.
    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().unwrap()
    }

    /// Runs `dalaba ARGS`, asserts success, returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "dalaba {args:?} failed: {}\n{}",
            stderr(&out),
            stdout(&out)
        );
        stdout(&out)
    }

    /// Adds an article written to `name`; returns its id and short script hash.
    pub fn add(&self, name: &str, text: &str, extra: &[&str]) -> (i64, String) {
        let path = self.station.write(&format!("in/{name}"), text);
        let mut args = vec!["add", path.to_str().unwrap()];
        args.extend_from_slice(extra);
        let out = self.ok(&args);
        let id = out.lines().next().unwrap().trim().parse().unwrap();
        (id, short_hash(&out))
    }

    /// Replaces article `id`'s text; returns the new short hash.
    pub fn update(&self, id: i64, name: &str, text: &str) -> String {
        let path = self.station.write(&format!("in/{name}"), text);
        short_hash(&self.ok(&["update", &id.to_string(), path.to_str().unwrap()]))
    }

    /// The as-run log as JSON rows.
    pub fn log(&self) -> Vec<serde_json::Value> {
        serde_json::from_str(&self.ok(&["log", "--json"])).unwrap()
    }

    /// Polls the log until `pred` holds for some row, for up to `secs` seconds.
    pub fn wait_for(
        &self,
        secs: u64,
        pred: impl Fn(&serde_json::Value) -> bool,
    ) -> serde_json::Value {
        let start = Instant::now();
        loop {
            if let Some(row) = self.log().into_iter().find(|r| pred(r)) {
                return row;
            }
            assert!(
                start.elapsed() < Duration::from_secs(secs),
                "timed out; log: {:#?}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl BoxUnderTest {
    /// Waits until a just-started daemon wrote its pid file: its schedules are loaded and its
    /// file watcher is in place by then (both come first, in `app::run::daemon`).
    pub fn wait_for_daemon(&self) {
        let start = Instant::now();
        while !self.station.join("state/daemon.pid").exists() {
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "the daemon did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// The 12-hex script hash printed after `script `.
pub fn short_hash(out: &str) -> String {
    let at = out.find("script ").expect("a script hash in the output") + "script ".len();
    out[at..at + 12].to_owned()
}

/// A plain notice, distinct per `n` and `version`.
pub fn notice(n: usize, version: usize) -> String {
    format!(
        "+++\ntitle = \"第{n}号通知\"\nqueue = \"news\"\n+++\n各位村民请注意。\n这是第{n}号通知的第{version}版。\n"
    )
}

/// Articles of a log row as `(id, short hash, approver)`.
pub fn aired(row: &serde_json::Value) -> Vec<(i64, String, String)> {
    row["articles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["id"].as_i64().unwrap(),
                a["hash"].as_str().unwrap()[..12].to_owned(),
                a["approved_by"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

/// An ALSA device that writes into a FIFO, so playback goes as fast as the test reads —
/// or blocks for ever when nobody reads.
pub struct FifoAlsa {
    /// The configuration file.
    pub config: PathBuf,
    /// The FIFO.
    pub fifo: PathBuf,
    _dir: tempfile::TempDir,
}

impl FifoAlsa {
    /// A fresh FIFO device (needs `mkfifo`, from coreutils).
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("speaker.fifo");
        let status = Command::new("mkfifo").arg(&fifo).status().unwrap();
        assert!(status.success(), "mkfifo failed");
        let config = dir.path().join("asound.conf");
        std::fs::write(
            &config,
            format!(
                "pcm.!default {{\n  type file\n  slave.pcm \"fifo_null\"\n  file \"{}\"\n  format \"raw\"\n}}\npcm.fifo_null {{\n  type null\n}}\n",
                fifo.display()
            ),
        )
        .unwrap();
        Self {
            config,
            fifo,
            _dir: dir,
        }
    }

    /// Reads the FIFO in a thread at about `bytes_per_second`, opening it again each time a
    /// program closes it, until [`PacedReader::finish`].
    pub fn read_paced(&self, bytes_per_second: usize) -> PacedReader {
        let fifo = self.fifo.clone();
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let (heard, first_sound) = std::sync::mpsc::sync_channel(1);
        let handle = std::thread::spawn(move || {
            use std::io::Read;
            let chunk = (bytes_per_second / 20).max(1);
            let mut buf = vec![0u8; chunk];
            let mut total = 0;
            while !flag.load(Ordering::SeqCst) {
                let Ok(mut f) = std::fs::File::open(&fifo) else {
                    return total;
                };
                while let Ok(n) = f.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    // The device may be fed silence before the program starts.
                    if buf[..n].iter().any(|&b| b != 0) {
                        let _ = heard.try_send(());
                    }
                    total += n;
                    std::thread::sleep(Duration::from_millis(50));
                }
            }
            total
        });
        PacedReader {
            stop,
            handle,
            fifo: self.fifo.clone(),
            first_sound,
        }
    }
}

/// A thread playing the part of a loudspeaker that takes samples in real time.
pub struct PacedReader {
    stop: Arc<AtomicBool>,
    handle: std::thread::JoinHandle<usize>,
    fifo: PathBuf,
    first_sound: std::sync::mpsc::Receiver<()>,
}

impl PacedReader {
    /// Waits until the first sound (not silence) reaches the loudspeaker: a program is on
    /// air; at most `secs` seconds, which only turns a hang into a failure.
    pub fn wait_on_air(&self, secs: u64) {
        self.first_sound
            .recv_timeout(Duration::from_secs(secs))
            .expect("no sound reached the loudspeaker");
    }

    /// Stops reading (once the writers are gone); returns the bytes read.
    pub fn finish(self) -> usize {
        use std::os::unix::fs::OpenOptionsExt;
        self.stop.store(true, Ordering::SeqCst);
        // Wake a reader waiting in open(): a non-blocking writer that closes at once
        // (O_NONBLOCK; fails harmlessly when nobody is reading).
        let _ = std::fs::OpenOptions::new()
            .write(true)
            .custom_flags(0o4000)
            .open(&self.fifo);
        self.handle.join().unwrap()
    }
}

/// A child process killed when the test ends, pass or fail.
pub struct Reaped(pub Option<std::process::Child>);

impl Drop for Reaped {
    fn drop(&mut self) {
        if let Some(child) = &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Sends SIGTERM to a child.
pub fn terminate(child: &std::process::Child) {
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}
