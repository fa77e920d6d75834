//! The pre-flight check a program must pass before it counts as ready: the file is as long as
//! its layout, it has no dead air, it is as loud as the target, and nothing clips. Pure: it
//! judges measurements. \[glue\]

/// How far a program may stray and still air.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tolerances {
    /// Allowed difference between layout and file length, seconds.
    pub duration: f64,
    /// Silence allowed beyond the grammar's longest pause, seconds.
    pub silence_margin: f64,
    /// Allowed distance from the loudness target, LU.
    pub loudness: f64,
    /// Allowed excess over the true-peak ceiling, dB (measurement slack).
    pub true_peak: f64,
}

impl Default for Tolerances {
    fn default() -> Self {
        Self {
            duration: 0.05,
            silence_margin: 0.5,
            loudness: 0.5,
            true_peak: 0.05,
        }
    }
}

/// What the program should be.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Expected {
    /// Length from the layout, seconds.
    pub duration: f64,
    /// Longest pause in the grammar, seconds.
    pub longest_pause: f64,
    /// Loudness target, LUFS.
    pub lufs: f64,
    /// True-peak ceiling, dBTP.
    pub ceiling_dbtp: f64,
}

/// What the written file measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measured {
    /// Length of the file, seconds.
    pub duration: f64,
    /// Longest silence, seconds.
    pub longest_silence: f64,
    /// Integrated loudness, LUFS; `None` for a silent program.
    pub lufs: Option<f64>,
    /// True peak, dBTP.
    pub true_peak_dbtp: Option<f64>,
    /// Samples at full scale.
    pub clipped: u64,
}

/// Every reason the program is not ready; empty when it may air.
pub fn check(expected: &Expected, measured: &Measured, tol: &Tolerances) -> Vec<String> {
    let mut problems = Vec::new();
    if (measured.duration - expected.duration).abs() > tol.duration {
        problems.push(format!(
            "the file is {:.2} s long but its layout calls for {:.2} s",
            measured.duration, expected.duration
        ));
    }
    let allowed = expected.longest_pause + tol.silence_margin;
    if measured.longest_silence > allowed {
        problems.push(format!(
            "it has {:.1} s of silence, more than the longest pause plus margin ({allowed:.1} s): a segment may have come back empty",
            measured.longest_silence
        ));
    }
    match measured.lufs {
        None => problems.push("it is silent: no loudness could be measured".into()),
        Some(l) if (l - expected.lufs).abs() > tol.loudness => problems.push(format!(
            "its loudness is {l:.1} LUFS, outside {:.1} ± {:.1}",
            expected.lufs, tol.loudness
        )),
        Some(_) => {}
    }
    if let Some(tp) = measured.true_peak_dbtp
        && tp > expected.ceiling_dbtp + tol.true_peak
    {
        problems.push(format!(
            "its true peak is {tp:.2} dBTP, above the {:.1} dBTP ceiling",
            expected.ceiling_dbtp
        ));
    }
    if measured.clipped > 0 {
        problems.push(format!("{} samples are clipped", measured.clipped));
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expected() -> Expected {
        Expected {
            duration: 60.0,
            longest_pause: 2.0,
            lufs: -16.0,
            ceiling_dbtp: -1.0,
        }
    }

    fn good() -> Measured {
        Measured {
            duration: 60.01,
            longest_silence: 2.0,
            lufs: Some(-16.2),
            true_peak_dbtp: Some(-1.3),
            clipped: 0,
        }
    }

    #[track_caller]
    fn fails_with(m: Measured, word: &str) {
        let problems = check(&expected(), &m, &Tolerances::default());
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains(word), "{problems:?}");
    }

    #[test]
    fn a_good_program_passes() {
        assert!(check(&expected(), &good(), &Tolerances::default()).is_empty());
    }

    #[test]
    fn each_fault_is_named() {
        fails_with(
            Measured {
                duration: 58.0,
                ..good()
            },
            "layout",
        );
        fails_with(
            Measured {
                longest_silence: 3.0,
                ..good()
            },
            "silence",
        );
        fails_with(
            Measured {
                lufs: Some(-17.0),
                ..good()
            },
            "loudness",
        );
        fails_with(
            Measured {
                lufs: None,
                ..good()
            },
            "silent",
        );
        fails_with(
            Measured {
                true_peak_dbtp: Some(-0.5),
                ..good()
            },
            "true peak",
        );
        fails_with(
            Measured {
                clipped: 3,
                ..good()
            },
            "clipped",
        );
    }
}
