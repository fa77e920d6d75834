//! Content-addressed segment cache: conditioned PCM (mono 32-bit float WAV at the program
//! rate) keyed by everything that changes the sound. Entries are written to a temp file and
//! renamed, so a killed process never leaves a half entry; an entry that does not read back
//! as a complete WAV of the right format is removed and synthesized again. An entry's
//! modification time is its last use, which `dalaba cache prune --older-than` goes by. \[edge\]

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use crate::audio::Clip;
use crate::media::wav::{self, WavError};
use crate::tts::VoiceProfile;

/// Bumped when the entry format or the conditioning changes, so old entries stop matching.
const FORMAT_VERSION: &str = "dalaba-segment-v2";

/// The cache directory.
#[derive(Debug, Clone)]
pub struct SegmentCache {
    dir: PathBuf,
}

/// What is in the cache.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CacheStats {
    /// Complete entries.
    pub entries: usize,
    /// Their total size in bytes.
    pub bytes: u64,
    /// Seconds of audio they hold.
    pub seconds: f64,
    /// Least recent use, when there are entries.
    pub oldest: Option<SystemTime>,
    /// Most recent use.
    pub newest: Option<SystemTime>,
    /// Temp files left by killed writers.
    pub temp_files: usize,
}

/// What a prune removed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PruneReport {
    /// Entries unused for longer than the limit.
    pub stale: usize,
    /// Entries that did not read back.
    pub broken: usize,
    /// Temp files left by killed writers.
    pub temp_files: usize,
    /// Bytes freed.
    pub bytes: u64,
}

impl SegmentCache {
    /// A cache in `dir` (created on first write).
    pub fn new(dir: PathBuf) -> Self {
        Self { dir }
    }

    /// The cache directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The key for `text` spoken by `profile` at `rate`: a hash of every setting that
    /// changes the sound ([`VoiceProfile::sound_fingerprint`]: kind, URL, model, voice,
    /// speed, format, …), the program rate and the text.
    pub fn key(&self, profile: &VoiceProfile, rate: u32, text: &str) -> String {
        let mut hasher = blake3::Hasher::new();
        for part in [
            FORMAT_VERSION,
            &profile.sound_fingerprint(),
            &rate.to_string(),
            text,
        ] {
            hasher.update(part.as_bytes());
            hasher.update(&[0]);
        }
        hasher.finalize().to_hex().to_string()
    }

    /// Where the entry for `key` lives.
    pub fn path(&self, key: &str) -> PathBuf {
        self.dir.join(&key[..2]).join(format!("{key}.wav"))
    }

    /// The entry for `key` and its duration, if present and complete at `rate`. A broken
    /// entry is removed so it is synthesized again; a good one is marked as used now.
    pub fn get(&self, key: &str, rate: u32) -> Option<(PathBuf, f64)> {
        let path = self.path(key);
        if !path.exists() {
            return None;
        }
        match entry_seconds(&path, rate) {
            Some(seconds) => {
                if let Ok(file) = fs::File::options().append(true).open(&path) {
                    let _ = file.set_modified(SystemTime::now());
                }
                Some((path, seconds))
            }
            None => {
                tracing::warn!("discarding the broken cache entry `{}`", path.display());
                let _ = fs::remove_file(&path);
                None
            }
        }
    }

    /// Stores `clip` under `key` atomically and returns its path.
    pub fn put(&self, key: &str, clip: &Clip) -> Result<PathBuf, WavError> {
        let path = self.path(key);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(|source| WavError::Io {
                path: dir.to_owned(),
                source,
            })?;
        }
        wav::write_atomic(&path, |file| {
            let hound_err = |source| WavError::Wav {
                path: path.clone(),
                source,
            };
            let mut writer =
                hound::WavWriter::new(file, entry_spec(clip.rate)).map_err(hound_err)?;
            for &s in &clip.samples {
                writer.write_sample(s).map_err(hound_err)?;
            }
            writer.finalize().map_err(hound_err)
        })?;
        Ok(path)
    }

    /// Counts entries, their size, audio length and ages, and leftover temp files.
    pub fn stats(&self) -> std::io::Result<CacheStats> {
        let mut stats = CacheStats::default();
        for file in self.files()? {
            if is_temp(&file) {
                stats.temp_files += 1;
                continue;
            }
            let meta = fs::metadata(&file)?;
            stats.entries += 1;
            stats.bytes += meta.len();
            stats.seconds += hound::WavReader::open(&file)
                .map(|r| f64::from(r.duration()) / f64::from(r.spec().sample_rate.max(1)))
                .unwrap_or(0.0);
            let used = meta.modified()?;
            stats.oldest = Some(stats.oldest.map_or(used, |o| o.min(used)));
            stats.newest = Some(stats.newest.map_or(used, |n| n.max(used)));
        }
        Ok(stats)
    }

    /// Removes temp files older than a minute (a live writer's are younger), entries that
    /// do not read back, and — when `older_than` is given — entries unused for that long.
    pub fn prune(
        &self,
        older_than: Option<Duration>,
        now: SystemTime,
    ) -> std::io::Result<PruneReport> {
        let mut report = PruneReport::default();
        for file in self.files()? {
            let meta = fs::metadata(&file)?;
            let age = now.duration_since(meta.modified()?).unwrap_or_default();
            let counter = if is_temp(&file) {
                (age > Duration::from_secs(60)).then_some(&mut report.temp_files)
            } else if hound::WavReader::open(&file).is_err() {
                Some(&mut report.broken)
            } else {
                older_than
                    .filter(|limit| age > *limit)
                    .map(|_| &mut report.stale)
            };
            if let Some(counter) = counter {
                fs::remove_file(&file)?;
                *counter += 1;
                report.bytes += meta.len();
            }
        }
        Ok(report)
    }

    /// Every file in the shard directories.
    fn files(&self) -> std::io::Result<Vec<PathBuf>> {
        let mut out = Vec::new();
        let shards = match fs::read_dir(&self.dir) {
            Ok(shards) => shards,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
            Err(e) => return Err(e),
        };
        for shard in shards {
            let shard = shard?.path();
            if !shard.is_dir() {
                continue;
            }
            for file in fs::read_dir(&shard)? {
                out.push(file?.path());
            }
        }
        Ok(out)
    }
}

fn is_temp(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "tmp")
}

fn entry_spec(rate: u32) -> hound::WavSpec {
    hound::WavSpec {
        channels: 1,
        sample_rate: rate,
        bits_per_sample: 32,
        sample_format: hound::SampleFormat::Float,
    }
}

/// Seconds in a complete entry of the expected format, or `None`: wrong format, no audio,
/// or a file shorter than its header promises.
fn entry_seconds(path: &Path, rate: u32) -> Option<f64> {
    let reader = hound::WavReader::open(path).ok()?;
    if reader.spec() != entry_spec(rate) || reader.len() == 0 {
        return None;
    }
    let data_bytes = u64::from(reader.len()) * 4;
    let file_len = fs::metadata(path).ok()?.len();
    if file_len < data_bytes + 44 {
        return None;
    }
    Some(f64::from(reader.duration()) / f64::from(rate))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tts::BackendKind;

    fn cache() -> (tempfile::TempDir, SegmentCache) {
        let dir = tempfile::tempdir().unwrap();
        let cache = SegmentCache::new(dir.path().join("cache"));
        (dir, cache)
    }

    #[test]
    fn round_trip_and_broken_entries() {
        let (_dir, cache) = cache();
        let profile = VoiceProfile::new("v", BackendKind::Espeak);
        let key = cache.key(&profile, 24_000, "你好");
        assert!(cache.get(&key, 24_000).is_none());
        let clip = Clip::new(24_000, vec![0.25; 2400]);
        let path = cache.put(&key, &clip).unwrap();
        let (hit, seconds) = cache.get(&key, 24_000).unwrap();
        assert_eq!(hit, path);
        assert!((seconds - 0.1).abs() < 1e-9);
        // Another rate does not match; a cut-off file is discarded.
        assert!(cache.get(&key, 16_000).is_none());
        let path = cache.put(&key, &clip).unwrap();
        let bytes = fs::read(&path).unwrap();
        fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
        assert!(cache.get(&key, 24_000).is_none());
        assert!(!path.exists());
    }

    #[test]
    fn keys_differ_by_text_rate_and_voice() {
        let (_dir, cache) = cache();
        let a = VoiceProfile::new("a", BackendKind::Espeak);
        let mut b = a.clone();
        b.voice = Some("cmn".into());
        let k = cache.key(&a, 24_000, "你好");
        assert_ne!(k, cache.key(&a, 24_000, "你好。"));
        assert_ne!(k, cache.key(&a, 16_000, "你好"));
        assert_ne!(k, cache.key(&b, 24_000, "你好"));
        assert_eq!(k, cache.key(&a.clone(), 24_000, "你好"));
    }

    #[test]
    fn stats_and_prune() {
        let (_dir, cache) = cache();
        let profile = VoiceProfile::new("v", BackendKind::Espeak);
        for text in ["一", "二", "三"] {
            let key = cache.key(&profile, 8_000, text);
            cache
                .put(&key, &Clip::new(8_000, vec![0.1; 8_000]))
                .unwrap();
        }
        let stats = cache.stats().unwrap();
        assert_eq!(stats.entries, 3);
        assert!((stats.seconds - 3.0).abs() < 1e-9);
        let now = SystemTime::now();
        let kept = cache.prune(Some(Duration::from_secs(3600)), now).unwrap();
        assert_eq!(kept.stale, 0);
        let later = now + Duration::from_secs(7200);
        let pruned = cache.prune(Some(Duration::from_secs(3600)), later).unwrap();
        assert_eq!(pruned.stale, 3);
        assert!(pruned.bytes > 3 * 32_000);
        assert_eq!(cache.stats().unwrap().entries, 0);
    }
}
