//! `dalaba cache stats` and `dalaba cache prune [--older-than D]`.

use std::time::{Duration, SystemTime};

use anyhow::Context;

use crate::cache::SegmentCache;
use crate::cli::CacheAction;
use crate::station::Station;

pub(super) fn run(station: &Station, action: CacheAction) -> anyhow::Result<()> {
    let cache = SegmentCache::new(station.state_dir().join("cache"));
    let context = || format!("reading the cache `{}`", cache.dir().display());
    match action {
        CacheAction::Stats => {
            let stats = cache.stats().with_context(context)?;
            let now = SystemTime::now();
            let dir = cache.dir().display().to_string();
            println!("{}", crate::t!("cache-dir", dir = dir));
            let entries = crate::t!(
                "cache-entries",
                count = stats.entries,
                size = megabytes(stats.bytes),
                seconds = format!("{:.1}", stats.seconds)
            );
            println!("{entries}");
            if let (Some(oldest), Some(newest)) = (stats.oldest, stats.newest) {
                let (oldest, newest) = (age(now, oldest), age(now, newest));
                println!(
                    "{}",
                    crate::t!("cache-used", oldest = oldest, newest = newest)
                );
            }
            println!("{}", crate::t!("cache-temp", count = stats.temp_files));
        }
        CacheAction::Prune { older_than } => {
            let limit = older_than.as_deref().map(parse_age).transpose()?;
            let now = SystemTime::now();
            let report = cache.prune(limit, now).with_context(context)?;
            let mut outputs = Leftovers::default();
            for dir in ["programs", "preview"] {
                outputs.prune(&station.state_dir().join(dir), limit, now)?;
            }
            let (by_age, old_outputs) = match older_than.as_deref() {
                Some(age) => (
                    crate::t!("cache-stale", count = report.stale, age = age),
                    crate::t!("cache-old-outputs", count = outputs.old),
                ),
                None => (String::new(), crate::t!("cache-no-age")),
            };
            let removed = crate::t!(
                "cache-removed",
                by_age = by_age,
                broken = report.broken,
                temp = report.temp_files + outputs.temp,
                old_outputs = old_outputs,
                size = megabytes(report.bytes + outputs.bytes)
            );
            println!("{removed}");
        }
    }
    Ok(())
}

/// What `cache prune` removed from `state/programs` and `state/preview`.
#[derive(Debug, Default)]
struct Leftovers {
    /// Programs and previews older than the limit.
    old: usize,
    /// Temp files an interrupted render left.
    temp: usize,
    /// Bytes freed.
    bytes: u64,
}

impl Leftovers {
    /// Removes from `dir` temp files older than a minute (a live writer's are younger) and,
    /// with `older_than`, files not modified for that long.
    fn prune(
        &mut self,
        dir: &std::path::Path,
        older_than: Option<Duration>,
        now: SystemTime,
    ) -> anyhow::Result<()> {
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => {
                return Err(e).with_context(|| {
                    crate::t!("error-cannot-read", path = dir.display().to_string())
                });
            }
        };
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            let Ok(meta) = std::fs::symlink_metadata(&path) else {
                continue;
            };
            if !meta.is_file() {
                continue;
            }
            let age = meta
                .modified()
                .ok()
                .and_then(|m| now.duration_since(m).ok())
                .unwrap_or_default();
            let temp = path.extension().is_some_and(|e| e == "tmp");
            let counter = if temp {
                (age > Duration::from_secs(60)).then_some(&mut self.temp)
            } else {
                older_than.filter(|l| age > *l).map(|_| &mut self.old)
            };
            if let Some(counter) = counter {
                std::fs::remove_file(&path).with_context(|| {
                    crate::t!("error-cannot-remove", path = path.display().to_string())
                })?;
                *counter += 1;
                self.bytes += meta.len();
            }
        }
        Ok(())
    }
}

/// `30d`, `12h`, `90m`, `45s`, `2w` → a duration.
pub(super) fn parse_age(text: &str) -> anyhow::Result<Duration> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let seconds = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3_600,
        "d" => 86_400,
        "w" => 7 * 86_400,
        _ => 0,
    };
    match number.parse::<u64>() {
        Ok(n) if seconds > 0 => Ok(Duration::from_secs(n * seconds)),
        _ => anyhow::bail!(crate::t!("cache-bad-age", age = text)),
    }
}

fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1_000_000.0)
}

fn age(now: SystemTime, then: SystemTime) -> String {
    let secs = now.duration_since(then).unwrap_or_default().as_secs();
    match secs {
        0..120 => format!("{secs} s"),
        120..7_200 => format!("{} min", secs / 60),
        7_200..172_800 => format!("{} h", secs / 3_600),
        _ => crate::t!("cache-days", count = secs / 86_400),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_parse_with_units() {
        assert_eq!(parse_age("30d").unwrap(), Duration::from_secs(30 * 86_400));
        assert_eq!(parse_age("90m").unwrap(), Duration::from_secs(5_400));
        assert_eq!(parse_age("2w").unwrap(), Duration::from_secs(14 * 86_400));
        let err = parse_age("30 days").unwrap_err().to_string();
        assert!(err.contains("`30 days`"), "{err}");
        assert!(parse_age("d").is_err());
    }
}
