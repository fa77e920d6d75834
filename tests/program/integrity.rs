//! The audit of state files, as tests: every way a program WAV, its summary or a cache entry
//! can be damaged (truncated, zeroed, noise or silence spliced in, NaN, deleted, a full disk
//! while writing) ends with the damage found before air, the file discarded and rebuilt, and
//! the rebuilt program exactly the one a healthy station renders: 0 damaged programs used,
//! 0 permanent failures.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use dalaba::program::{self, ProgramDamage, ProgramSummary};

use super::support::{self, ToneServer};

/// One state-file fault and how to cause it.
type Damage = (&'static str, fn(&Path));

fn tone_voice() -> ToneServer {
    ToneServer::start(Arc::new(|_text: &str, k: usize| {
        support::with_engine_silence(support::tone(support::tone_hz(k), 0.3, 0.4), k as u64)
    }))
}

fn article(dir: &Path) -> dalaba::article::Article {
    support::article(dir, "a.txt", "停水通知\n\n东村明天停水。请提前储水。\n")
}

/// Bytes where the audio starts in a program WAV (after hound's header).
const HEADER: usize = 44;

/// Overwrites 0.1 s around the loudest sample (so the splice is never over a pause).
fn splice(path: &Path, fill: impl Fn(usize) -> u8) {
    let mut bytes = std::fs::read(path).unwrap();
    let loudest = bytes[HEADER..]
        .chunks_exact(2)
        .enumerate()
        .max_by_key(|(_, b)| i16::from_le_bytes([b[0], b[1]]).unsigned_abs())
        .map_or(0, |(i, _)| HEADER + i * 2);
    let start = loudest.saturating_sub(2400).max(HEADER);
    let before = bytes.clone();
    for (i, b) in bytes[start..start + 4800].iter_mut().enumerate() {
        *b = fill(i);
    }
    assert_ne!(before, bytes, "the splice changed nothing");
    std::fs::write(path, bytes).unwrap();
}

const PROGRAM_DAMAGES: [Damage; 6] = [
    ("wav deleted", |p| std::fs::remove_file(p).unwrap()),
    ("wav truncated", |p| {
        let bytes = std::fs::read(p).unwrap();
        std::fs::write(p, &bytes[..bytes.len() * 2 / 3]).unwrap();
    }),
    ("wav zeroed", |p| {
        let len = std::fs::metadata(p).unwrap().len() as usize;
        std::fs::write(p, vec![0u8; len]).unwrap();
    }),
    ("silence spliced in", |p| splice(p, |_| 0)),
    ("noise spliced in", |p| {
        splice(p, |i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
    }),
    ("header only", |p| {
        let bytes = std::fs::read(p).unwrap();
        std::fs::write(p, &bytes[..HEADER]).unwrap();
    }),
];

const SUMMARY_DAMAGES: [Damage; 5] = [
    ("summary deleted", |p| {
        std::fs::remove_file(program::summary::summary_path(p)).unwrap()
    }),
    ("summary truncated", |p| {
        let s = program::summary::summary_path(p);
        let bytes = std::fs::read(&s).unwrap();
        std::fs::write(&s, &bytes[..bytes.len() / 2]).unwrap();
    }),
    ("summary zeroed", |p| {
        let s = program::summary::summary_path(p);
        let len = std::fs::metadata(&s).unwrap().len() as usize;
        std::fs::write(&s, vec![0u8; len]).unwrap();
    }),
    ("summary without checksum", |p| {
        let mut summary = ProgramSummary::load(p).unwrap();
        summary.checksum = None;
        summary.store(p).unwrap();
    }),
    ("summary of other bytes", |p| {
        let mut summary = ProgramSummary::load(p).unwrap();
        summary.checksum = Some(program::verify::checksum(b"another program"));
        summary.store(p).unwrap();
    }),
];

#[test]
fn every_damaged_program_is_found_discarded_and_rebuilt() {
    let server = tone_voice();
    let (dir, station) = support::station(&server.url, "");
    let a = article(dir.path());
    let out = dir.path().join("programs/p.wav");
    std::fs::create_dir_all(out.parent().unwrap()).unwrap();
    let first = support::build(&station, std::slice::from_ref(&a), 1, &out).unwrap();
    let good = std::fs::read(&out).unwrap();
    assert_eq!(first.checksum, Some(program::verify::checksum(&good)));
    let rt = tokio::runtime::Runtime::new().unwrap();
    assert!(rt.block_on(dalaba::pipeline::reusable(
        &station,
        &dalaba::tts::Backends::default(),
        &out
    )));
    let (mut used, mut permanent) = (0, 0);
    for (what, damage) in PROGRAM_DAMAGES.iter().chain(&SUMMARY_DAMAGES) {
        damage(&out);
        match program::load_verified(&out) {
            Ok(_) => used += 1,
            Err(e) => assert!(!e.to_string().is_empty(), "{what}"),
        }
        // The airing path's check: a damaged program is not reused, and its files go.
        assert!(
            !rt.block_on(dalaba::pipeline::reusable(
                &station,
                &dalaba::tts::Backends::default(),
                &out
            )),
            "{what} was kept"
        );
        assert!(!out.exists(), "{what} left the program");
        // Rebuilt from the cache: the very program a healthy station has.
        match support::build(&station, std::slice::from_ref(&a), 1, &out) {
            Ok(_) if std::fs::read(&out).unwrap() == good => {}
            _ => permanent += 1,
        }
        program::load_verified(&out).unwrap_or_else(|e| panic!("{what}: {e}"));
    }
    assert_eq!(
        (used, permanent),
        (0, 0),
        "damaged programs used, permanent failures"
    );
}

#[test]
fn a_verified_program_is_decoded_from_the_bytes_that_were_checked() {
    let server = tone_voice();
    let (dir, station) = support::station(&server.url, "");
    let out = dir.path().join("p.wav");
    let summary = support::build(&station, &[article(dir.path())], 1, &out).unwrap();
    let verified = program::load_verified(&out).unwrap();
    assert_eq!(verified.summary, summary);
    assert_eq!(verified.clip.rate, 24_000);
    assert!((verified.clip.duration() - summary.duration).abs() < 1e-3);
    assert_eq!(
        program::load_verified(&dir.path().join("none.wav")).unwrap_err(),
        ProgramDamage::Missing(dir.path().join("none.wav"))
    );
}

#[test]
fn damaged_cache_entries_are_synthesized_again_and_never_reach_a_program() {
    let server = tone_voice();
    let (dir, station) = support::station(&server.url, "");
    let a = article(dir.path());
    let out = dir.path().join("p.wav");
    support::build(&station, std::slice::from_ref(&a), 1, &out).unwrap();
    let good = std::fs::read(&out).unwrap();
    let entries = cache_entries(&station.state_dir().join("cache"));
    assert!(entries.len() >= 2, "{entries:?}");
    let damages: [Damage; 4] = [
        ("noise", |p| {
            write_entry_like(p, |i| ((i * 7919 % 2001) as f32 - 1000.0) / 1000.0)
        }),
        ("nan", |p| {
            write_entry_like(p, |i| if i == 100 { f32::NAN } else { 0.1 })
        }),
        ("zeroed", |p| {
            let len = std::fs::metadata(p).unwrap().len() as usize;
            std::fs::write(p, vec![0u8; len]).unwrap();
        }),
        ("truncated", |p| {
            let bytes = std::fs::read(p).unwrap();
            std::fs::write(p, &bytes[..bytes.len() / 3]).unwrap();
        }),
    ];
    for (what, damage) in damages {
        for entry in &entries {
            damage(entry);
        }
        let before = server.texts.lock().unwrap().len();
        let again = dir.path().join(format!("again-{what}.wav"));
        support::build(&station, std::slice::from_ref(&a), 1, &again)
            .unwrap_or_else(|e| panic!("{what}: a damaged entry failed the render: {e:#}"));
        assert_eq!(
            std::fs::read(&again).unwrap(),
            good,
            "{what} reached the program"
        );
        // Same texts asked again (the server numbers texts by first request).
        assert_eq!(server.texts.lock().unwrap().len(), before, "{what}");
    }
}

/// Overwrites a cache entry with a well-formed float WAV of the same length.
fn write_entry_like(path: &Path, sample: impl Fn(usize) -> f32) {
    let n = hound::WavReader::open(path).map_or(2400, |r| r.len() as usize);
    let samples: Vec<f32> = (0..n).map(sample).collect();
    std::fs::write(path, support::float_wav_bytes(&samples, 24_000)).unwrap();
}

fn cache_entries(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for shard in std::fs::read_dir(dir).unwrap() {
        for f in std::fs::read_dir(shard.unwrap().path()).unwrap() {
            out.push(f.unwrap().path());
        }
    }
    out.sort();
    out
}

/// A small tmpfs mounted for the test, unmounted when dropped.
struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    /// Mounts a tmpfs of `kib` KiB, or says why it cannot (not root, no `mount`).
    fn mount(kib: usize) -> Result<Tmpfs, String> {
        let uid = Command::new("id")
            .arg("-u")
            .output()
            .map_err(|e| e.to_string())?;
        if String::from_utf8_lossy(&uid.stdout).trim() != "0" {
            return Err("not running as root, so no tmpfs can be mounted".into());
        }
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={kib}k"), "tmpfs"])
            .arg(dir.path())
            .status()
            .map_err(|e| e.to_string())?;
        if !status.success() {
            return Err(format!("`mount -t tmpfs` failed ({status})"));
        }
        Ok(Tmpfs { dir })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Changes the size.
    fn resize(&self, kib: usize) {
        let status = Command::new("mount")
            .args(["-o", &format!("remount,size={kib}k")])
            .arg(self.dir.path())
            .status()
            .unwrap();
        assert!(status.success());
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.dir.path()).status();
    }
}

/// A disk that fills up while the program or its summary is written: the build fails with
/// an error naming the file, no WAV stands without a verified summary, and once there is
/// room again the same build succeeds.
#[test]
fn a_full_disk_while_writing_never_leaves_a_program_that_cannot_air() {
    let server = tone_voice();
    let (dir, station) = support::station(&server.url, "");
    let a = article(dir.path());
    // The program's size, from a build on the ordinary disk (it also fills the cache).
    support::build(
        &station,
        std::slice::from_ref(&a),
        1,
        &dir.path().join("s.wav"),
    )
    .unwrap();
    let wav_kib = std::fs::metadata(dir.path().join("s.wav")).unwrap().len() as usize / 1024;
    // Too small for the WAV; exactly the WAV's pages, with no room for its summary; a little
    // more than both.
    let pages = wav_kib.div_ceil(4) * 4;
    let disk = match Tmpfs::mount(pages.max(8) - 4) {
        Ok(disk) => disk,
        Err(why) => {
            println!("skipped: {why}");
            return;
        }
    };
    let out = disk.path().join("p.wav");
    let mut seen = Vec::new();
    for kib in [pages.max(8) - 4, pages, pages + 4, pages + 64] {
        // Each size starts from an empty disk.
        for file in std::fs::read_dir(disk.path()).unwrap() {
            std::fs::remove_file(file.unwrap().path()).unwrap();
        }
        disk.resize(kib);
        let result = support::build(&station, std::slice::from_ref(&a), 1, &out);
        let verified = program::load_verified(&out);
        match (&result, &verified) {
            (Ok(_), Ok(_)) => seen.push("built"),
            (Err(e), Err(ProgramDamage::Missing(_))) => {
                let e = format!("{e:#}");
                assert!(e.contains(&disk.path().display().to_string()), "{e}");
                seen.push("refused");
            }
            _ => panic!(
                "{kib} KiB: build {:?}, program {:?}",
                result
                    .as_ref()
                    .map(|_| "built")
                    .map_err(|e| format!("{e:#}")),
                verified.as_ref().map(|_| "verified")
            ),
        }
        // Nothing half-written is left for a later run to trip on.
        let leftovers: Vec<_> = std::fs::read_dir(disk.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }
    println!("sizes {wav_kib} KiB program: {seen:?}");
    assert_eq!(seen.last(), Some(&"built"), "{seen:?}");
    assert!(seen.contains(&"refused"), "the disk never filled: {seen:?}");
}

/// A program read by the fallback voice stays while the main voice is down, and is discarded
/// (so it is rendered again in the main voice) as soon as the main voice answers.
#[test]
fn a_fallback_program_is_rendered_again_once_the_main_voice_answers() {
    let server = tone_voice();
    let (dir, station) = support::station(&server.url, "");
    let out = dir.path().join("p.wav");
    support::build(&station, &[article(dir.path())], 1, &out).unwrap();
    let mut summary = ProgramSummary::load(&out).unwrap();
    summary.spoken_by = Some(program::SpokenBy {
        voice: "backup".into(),
        fallback_for: Some("tts".into()),
    });
    summary.store(&out).unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    // The main voice `tts` is down: the fallback program is what can air.
    let down = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let refused = format!("http://{}", down.local_addr().unwrap());
    drop(down);
    let voice = dir.path().join("voices/tts.toml");
    let healthy = std::fs::read_to_string(&voice).unwrap();
    std::fs::write(&voice, healthy.replace(&server.url, &refused)).unwrap();
    assert!(rt.block_on(dalaba::pipeline::reusable(
        &station,
        &dalaba::tts::Backends::default(),
        &out
    )));
    // It answers again: the program goes, to be rendered in the main voice before air.
    std::fs::write(&voice, &healthy).unwrap();
    assert!(!rt.block_on(dalaba::pipeline::reusable(
        &station,
        &dalaba::tts::Backends::default(),
        &out
    )));
    assert!(!out.exists());
    let rebuilt = support::build(&station, &[article(dir.path())], 1, &out).unwrap();
    let spoken_by = rebuilt.spoken_by.unwrap();
    assert_eq!(
        (spoken_by.voice.as_str(), spoken_by.fallback_for),
        ("tts", None)
    );
}
