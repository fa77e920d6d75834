//! Damaged state files at air time, through the real binary: a program rendered ahead is
//! damaged before its slot, and what reaches the loudspeaker is the good program, rendered
//! again — never the damage, never a failed slot.

use std::path::{Path, PathBuf};

use super::{BoxUnderTest, MORNING, notice};
use crate::support::{correlation, read_wav};

/// The one program WAV in `state/programs`.
fn program(root: &Path) -> PathBuf {
    let dir = root.join("state/programs");
    let mut wavs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "wav"))
        .filter(|p| !p.to_string_lossy().ends_with(".failed.wav"))
        .collect();
    assert_eq!(wavs.len(), 1, "{wavs:?}");
    wavs.remove(0)
}

/// A way a program on disk goes bad between its render and its slot.
type Damage = (&'static str, fn(&Path));

/// Every such way.
const DAMAGES: [Damage; 4] = [
    ("noise spliced in", |p| {
        let mut bytes = std::fs::read(p).unwrap();
        let mid = bytes.len() / 2;
        for (i, b) in bytes[mid..mid + 9600].iter_mut().enumerate() {
            *b = (i.wrapping_mul(2_654_435_761) >> 11) as u8;
        }
        std::fs::write(p, bytes).unwrap();
    }),
    ("truncated", |p| {
        let bytes = std::fs::read(p).unwrap();
        std::fs::write(p, &bytes[..bytes.len() / 2]).unwrap();
    }),
    ("summary deleted", |p| {
        std::fs::remove_file(dalaba::program::summary::summary_path(p)).unwrap();
    }),
    ("summary garbage", |p| {
        std::fs::write(
            dalaba::program::summary::summary_path(p),
            b"{\"duration\": 1",
        )
        .unwrap();
    }),
];

#[test]
fn a_program_damaged_before_its_slot_is_rendered_again_and_the_good_one_airs() {
    let b = BoxUnderTest::new(MORNING);
    let (id, _) = b.add("a.txt", &notice(1, 1), &[]);
    b.ok(&["approve", &id.to_string(), "--by", "王书记"]);
    let (mut damaged_aired, mut permanent_failures) = (0, 0);
    for (day, (what, damage)) in DAMAGES.iter().enumerate() {
        let date = format!("2026-12-{:02}", day + 1);
        b.ok(&["tick", "--now", &format!("{date}T06:55:00+08:00")]);
        let path = program(b.station.path());
        let (_, good) = read_wav(&path);
        damage(&path);
        let out = b.run(&["tick", "--now", &format!("{date}T07:00:02+08:00")]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        if !stdout.contains("morning  aired") {
            permanent_failures += 1;
            eprintln!("{what}: {stdout}{}", String::from_utf8_lossy(&out.stderr));
            continue;
        }
        // What the device got (the capture file starts afresh with each playback) is the
        // good program, whole.
        let played = b.alsa.samples_f32();
        let first = |s: &[f32]| s.iter().position(|x| x.abs() > 0.01).unwrap_or(0);
        let (p0, d0) = (first(&good), first(&played));
        let body = &good[p0..];
        let whole = played.len() >= d0 + body.len();
        if !whole || correlation(body, &played[d0..d0 + body.len()]) < 0.999 {
            damaged_aired += 1;
            eprintln!("{what}: the device got something else than the good program");
        }
        dalaba::program::load_verified(&program(b.station.path()))
            .unwrap_or_else(|e| panic!("{what}: {e}"));
    }
    let log = b.log();
    assert_eq!(log.len(), DAMAGES.len(), "{log:#?}");
    assert!(log.iter().all(|r| r["outcome"] == "aired"), "{log:#?}");
    assert_eq!(
        (damaged_aired, permanent_failures),
        (0, 0),
        "damaged programs aired, permanent failures"
    );
}

/// `plan` says why a `workdays` slot is silent on a holiday and why it airs on a Sunday, and
/// warns about a year the calendar lacks.
#[test]
fn plan_explains_holidays_and_missing_calendar_years() {
    let b = BoxUnderTest::new(
        "[[slot]]\nname = \"morning\"\nat = [\"07:00\"]\ndays = \"workdays\"\nqueue = \"news\"\n",
    );
    let out = b.ok(&[
        "plan",
        "--hours",
        "96",
        "--now",
        "2025-09-27T12:00:00+08:00",
    ]);
    assert!(
        out.contains("2025-09-28  morning  airs: 国庆节调休上班"),
        "{out}"
    );
    assert!(
        out.contains("2025-10-01  morning  off: 国庆节（法定节假日）"),
        "{out}"
    );
    // Sunday 28 September airs (a make-up working day); 1 October does not.
    assert!(out.contains("2025-09-28 07:00:00"), "{out}");
    assert!(!out.contains("2025-10-01 07:00:00"), "{out}");
    let later = b.run(&[
        "plan",
        "--hours",
        "24",
        "--now",
        "2031-03-02T12:00:00+08:00",
    ]);
    let err = String::from_utf8_lossy(&later.stderr);
    assert!(later.status.success(), "{err}");
    assert!(
        err.contains("no year 2031") && err.contains("[years.2031]"),
        "{err}"
    );
}
