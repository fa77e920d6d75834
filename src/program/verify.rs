//! A program is checked before it airs: its summary must be there and say it passed
//! pre-flight, and the WAV's bytes must hash to the checksum the summary recorded. A program
//! that fails is discarded (WAV and summary) and rendered again; it never airs. \[glue\]

use std::io::Cursor;
use std::path::{Path, PathBuf};

use crate::audio::Clip;
use crate::media::wav;

use super::summary::{ProgramSummary, summary_path};

/// A program whose bytes are exactly the ones its summary describes.
#[derive(Debug, Clone)]
pub struct VerifiedProgram {
    /// Its audio, decoded from the bytes that were checked.
    pub clip: Clip,
    /// Its summary.
    pub summary: ProgramSummary,
}

/// Why a program may not air.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ProgramDamage {
    /// There is no program WAV.
    #[error("the program `{}` does not exist", .0.display())]
    Missing(PathBuf),
    /// The summary beside it is missing or unreadable.
    #[error("the program `{}` has no usable summary beside it ({reason})", path.display())]
    NoSummary {
        /// The program.
        path: PathBuf,
        /// What was wrong with the summary.
        reason: String,
    },
    /// The summary says it failed pre-flight.
    #[error("the program `{}` did not pass its pre-flight check", .0.display())]
    NotReady(PathBuf),
    /// The bytes are not the ones that were written.
    #[error(
        "the program `{}` is damaged: its checksum is {found}, its summary recorded {recorded}",
        path.display()
    )]
    Checksum {
        /// The program.
        path: PathBuf,
        /// What the summary says.
        recorded: String,
        /// What the file hashes to.
        found: String,
    },
    /// The bytes match but do not decode as the program (a summary written for other bytes).
    #[error("the program `{}` cannot be read: {reason}", path.display())]
    Unreadable {
        /// The program.
        path: PathBuf,
        /// Why.
        reason: String,
    },
}

/// `blake3:HEX` of `bytes`: the checksum a summary records for its WAV.
pub fn checksum(bytes: &[u8]) -> String {
    format!("blake3:{}", blake3::hash(bytes).to_hex())
}

/// [`checksum`] of the file at `path`, read in blocks: a long program is never held in
/// memory whole.
pub fn checksum_file(path: &Path) -> std::io::Result<String> {
    let mut hasher = blake3::Hasher::new();
    hasher.update_reader(std::fs::File::open(path)?)?;
    Ok(format!("blake3:{}", hasher.finalize().to_hex()))
}

/// Reads the program at `path` and checks it against its summary. The audio returned is
/// decoded from the very bytes that were checked.
pub fn load_verified(path: &Path) -> Result<VerifiedProgram, ProgramDamage> {
    let (bytes, summary) = checked(path)?;
    let clip = wav::read_clip_from(Cursor::new(bytes), path)
        .map_err(|e| unreadable(path, e.to_string()))?;
    agrees(path, &summary, clip.rate, clip.duration())?;
    Ok(VerifiedProgram { clip, summary })
}

/// The program's bytes and its summary, once the summary says it passed pre-flight and the
/// bytes hash to the checksum it recorded.
fn checked(path: &Path) -> Result<(Vec<u8>, ProgramSummary), ProgramDamage> {
    let summary = match std::fs::read(summary_path(path)) {
        Ok(bytes) => serde_json::from_slice::<ProgramSummary>(&bytes).map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    };
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(ProgramDamage::Missing(path.to_owned()));
        }
        Err(e) => return Err(unreadable(path, e.to_string())),
    };
    let summary = summary.map_err(|reason| ProgramDamage::NoSummary {
        path: path.to_owned(),
        reason,
    })?;
    if !summary.ready {
        return Err(ProgramDamage::NotReady(path.to_owned()));
    }
    let Some(recorded) = summary.checksum.clone() else {
        return Err(ProgramDamage::NoSummary {
            path: path.to_owned(),
            reason: "it records no checksum".into(),
        });
    };
    let found = checksum(&bytes);
    if found != recorded {
        return Err(ProgramDamage::Checksum {
            path: path.to_owned(),
            recorded,
            found,
        });
    }
    Ok((bytes, summary))
}

/// The audio (its rate and length) is what the summary describes: a summary written for
/// other bytes that happen to hash alike is impossible, one copied beside another WAV is not.
fn agrees(
    path: &Path,
    summary: &ProgramSummary,
    rate: u32,
    duration: f64,
) -> Result<(), ProgramDamage> {
    if rate != summary.sample_rate || (duration - summary.duration).abs() > 0.01 {
        return Err(unreadable(
            path,
            format!(
                "it holds {duration:.2} s at {rate} Hz, its summary says {:.2} s at {} Hz",
                summary.duration, summary.sample_rate
            ),
        ));
    }
    Ok(())
}

fn unreadable(path: &Path, reason: String) -> ProgramDamage {
    ProgramDamage::Unreadable {
        path: path.to_owned(),
        reason,
    }
}

/// The summary of the program at `path` once its bytes hash to the summary's checksum and
/// its header agrees with it: all that [`load_verified`] checks but decoding the audio, so
/// the daemon can ask on every pass whether a program it will air is still good.
pub fn verified_summary(path: &Path) -> Result<ProgramSummary, ProgramDamage> {
    let (bytes, summary) = checked(path)?;
    let (rate, duration) =
        wav::header_of(&bytes, path).map_err(|e| unreadable(path, e.to_string()))?;
    agrees(path, &summary, rate, duration)?;
    Ok(summary)
}

/// Whether the program at `path` may be used as it is. A damaged one is discarded (its WAV
/// and summary removed) and logged, so the caller renders it again; a missing one is simply
/// not there.
pub fn keep_if_verified(path: &Path) -> bool {
    match verified_summary(path) {
        Ok(_) => true,
        Err(ProgramDamage::Missing(_)) => false,
        Err(damage) => {
            discard(path, &damage.to_string());
            false
        }
    }
}

/// Whether a verified program must be rendered again before it airs: it was read by a
/// fallback voice and its main voice (`main_answers`, from [`crate::render::probe`]) answers
/// again. Pure, so the airing path's rule is tested as data.
pub fn in_main_voice_again(summary: &ProgramSummary, main_answers: bool) -> bool {
    main_answers
        && summary
            .spoken_by
            .as_ref()
            .is_some_and(|s| s.fallback_for.is_some())
}

/// Removes a damaged program and its summary, logging why, so it is rendered again.
pub fn discard(path: &Path, why: &str) {
    tracing::warn!("{why}; discarding it so it is rendered again");
    for file in [path.to_owned(), summary_path(path)] {
        if let Err(e) = crate::atomic::remove(&file) {
            tracing::warn!("cannot remove `{}`: {e}", file.display());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::program::SpokenBy;

    #[test]
    fn a_file_streamed_through_the_checksum_hashes_as_its_bytes_do() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.wav");
        // Longer than one read block, and not a multiple of it.
        let bytes: Vec<u8> = (0..200_001u32).map(|i| (i * 7 % 251) as u8).collect();
        std::fs::write(&path, &bytes).unwrap();
        assert_eq!(checksum_file(&path).unwrap(), checksum(&bytes));
    }

    #[test]
    fn only_a_fallback_program_whose_main_voice_answers_is_rendered_again() {
        let spoken = |fallback_for: Option<&str>| ProgramSummary {
            spoken_by: Some(SpokenBy {
                voice: "v".into(),
                fallback_for: fallback_for.map(str::to_owned),
            }),
            ..Default::default()
        };
        let cases = [
            (spoken(Some("main")), true, true),
            (spoken(Some("main")), false, false),
            (spoken(None), true, false),
            (spoken(None), false, false),
            (ProgramSummary::default(), true, false),
        ];
        for (summary, main_answers, again) in cases {
            assert_eq!(
                in_main_voice_again(&summary, main_answers),
                again,
                "{:?} {main_answers}",
                summary.spoken_by
            );
        }
    }

    #[test]
    fn the_summary_check_finds_what_decoding_would() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.wav");
        wav::write_clip(&path, &Clip::new(8_000, vec![0.25; 800])).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        let summary = ProgramSummary {
            duration: 0.1,
            sample_rate: 8_000,
            ready: true,
            checksum: Some(checksum(&bytes)),
            ..Default::default()
        };
        summary.store(&path).unwrap();
        assert_eq!(verified_summary(&path).unwrap(), summary);
        // Same length, other bytes, written in place: found, not remembered.
        let mut damaged = bytes.clone();
        damaged[60..100].fill(0x7f);
        std::fs::write(&path, &damaged).unwrap();
        assert!(matches!(
            verified_summary(&path),
            Err(ProgramDamage::Checksum { .. })
        ));
        // The good bytes renamed into place again (a rebuild) verify again.
        let fresh = dir.path().join("fresh.wav");
        std::fs::write(&fresh, &bytes).unwrap();
        std::fs::rename(&fresh, &path).unwrap();
        assert_eq!(verified_summary(&path).unwrap(), summary);
    }

    #[test]
    fn a_summary_of_other_bytes_or_without_checksum_is_damage() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.wav");
        wav::write_clip(&path, &Clip::new(8_000, vec![0.25; 800])).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        let mut summary = ProgramSummary {
            duration: 0.1,
            sample_rate: 8_000,
            ready: true,
            checksum: Some(checksum(&bytes)),
            ..Default::default()
        };
        summary.store(&path).unwrap();
        assert!(load_verified(&path).is_ok());
        summary.ready = false;
        summary.store(&path).unwrap();
        assert_eq!(
            load_verified(&path).unwrap_err(),
            ProgramDamage::NotReady(path.clone())
        );
        summary.ready = true;
        summary.checksum = None;
        summary.store(&path).unwrap();
        assert!(matches!(
            load_verified(&path),
            Err(ProgramDamage::NoSummary { .. })
        ));
        summary.checksum = Some(checksum(&bytes));
        summary.duration = 5.0;
        summary.store(&path).unwrap();
        assert!(matches!(
            load_verified(&path),
            Err(ProgramDamage::Unreadable { .. })
        ));
        assert!(!keep_if_verified(&path));
        assert!(!path.exists() && !summary_path(&path).exists());
    }
}
