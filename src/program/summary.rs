//! What a program is and how it measured: kept as JSON next to the program WAV for the
//! as-run log, with the checksum of the WAV it describes. The summary is written and synced
//! before the WAV is renamed into place, so a program WAV never stands without one.
//! \[glue\]

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// Which version of an article a program carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleVersion {
    /// Its title, if it has one.
    pub title: Option<String>,
    /// blake3 of the exact script that was spoken.
    pub script_hash: String,
}

/// Which voice spoke a program. A program is in one voice: when any segment needed the
/// fallback, the whole program was rendered with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpokenBy {
    /// The voice profile that spoke every segment.
    pub voice: String,
    /// The voice it stood in for, when it was the fallback.
    pub fallback_for: Option<String>,
}

/// What was written and how it measured.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ProgramSummary {
    /// Length in seconds.
    pub duration: f64,
    /// Spoken segments in the program, repeats included.
    pub segments: usize,
    /// Integrated loudness in LUFS, when measured.
    pub lufs: Option<f64>,
    /// True peak in dBTP, when measured.
    pub true_peak_dbtp: Option<f64>,
    /// Sample rate of the WAV, Hz.
    pub sample_rate: u32,
    /// Loudness the program was normalized to, LUFS.
    pub target_lufs: f64,
    /// True-peak ceiling, dBTP.
    pub ceiling_dbtp: f64,
    /// Length the layout called for, seconds.
    pub expected_duration: f64,
    /// Longest stretch of silence in the file, seconds.
    pub longest_silence: f64,
    /// Samples at full scale.
    pub clipped_samples: u64,
    /// Deepest gain reduction by the limiter, dB (0 when it never acted).
    pub limiter_reduction_db: f64,
    /// The articles, in reading order.
    pub articles: Vec<ArticleVersion>,
    /// True when the program passed its pre-flight check.
    pub ready: bool,
    /// Why it did not, one line each.
    pub problems: Vec<String>,
    /// `blake3:HEX` of the program WAV's bytes, checked before it airs.
    #[serde(default)]
    pub checksum: Option<String>,
    /// The voice that spoke it.
    #[serde(default)]
    pub spoken_by: Option<SpokenBy>,
}

/// `dir/NAME.wav` → `dir/NAME.wav.json`: where a program's summary lives.
pub fn summary_path(program: &Path) -> PathBuf {
    let mut name = program.file_name().unwrap_or_default().to_os_string();
    name.push(".json");
    program.with_file_name(name)
}

/// `dir/NAME.wav` → `dir/NAME.failed.wav`: where a program that failed pre-flight is kept
/// for listening.
pub fn failed_path(program: &Path) -> PathBuf {
    let stem = program.file_stem().unwrap_or_default().to_string_lossy();
    program.with_file_name(format!("{stem}.failed.wav"))
}

impl ProgramSummary {
    /// Writes the summary as pretty JSON beside `program`, atomically and synced.
    pub fn store(&self, program: &Path) -> std::io::Result<PathBuf> {
        let path = summary_path(program);
        let json = serde_json::to_vec_pretty(self).map_err(std::io::Error::other)?;
        crate::atomic::write(&path, &json)?;
        Ok(path)
    }

    /// Reads the summary stored beside `program`.
    pub fn load(program: &Path) -> std::io::Result<Self> {
        let bytes = std::fs::read(summary_path(program))?;
        serde_json::from_slice(&bytes).map_err(std::io::Error::other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_sit_beside_the_program() {
        let p = Path::new("/s/state/programs/morning.wav");
        assert_eq!(
            summary_path(p),
            Path::new("/s/state/programs/morning.wav.json")
        );
        assert_eq!(
            failed_path(p),
            Path::new("/s/state/programs/morning.failed.wav")
        );
    }

    #[test]
    fn summary_round_trips_through_json() {
        let dir = tempfile::tempdir().unwrap();
        let program = dir.path().join("p.wav");
        let summary = ProgramSummary {
            duration: 12.5,
            segments: 4,
            lufs: Some(-16.1),
            ready: true,
            articles: vec![ArticleVersion {
                title: Some("停水通知".into()),
                script_hash: "ab12".into(),
            }],
            ..Default::default()
        };
        summary.store(&program).unwrap();
        assert_eq!(ProgramSummary::load(&program).unwrap(), summary);
    }
}
