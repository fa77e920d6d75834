//! Content-addressed segment cache: conditioned PCM (mono WAV at the program rate, 16-bit
//! when that holds it exactly, else 32-bit float) keyed by everything that changes the
//! sound. Entries are written atomically ([`crate::atomic`]), so a killed process never
//! leaves a half entry. Each entry carries the blake3 of its audio in a chunk of its own
//! after the audio (WAV readers skip it); an entry whose audio does not hash to it, that is
//! not a complete WAV of the right format, or that holds a sample that is not a finite
//! number is removed, logged and synthesized again. An entry's modification time is its
//! last use, which `dalaba cache prune --older-than` goes by. \[edge\]

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use crate::audio::Clip;
use crate::audio::dsp::nearest_whole;
use crate::media::wav::WavError;
use crate::tts::VoiceProfile;

/// Bumped when the entry format or the conditioning changes, so old entries stop matching.
const FORMAT_VERSION: &str = "dalaba-segment-v3";

/// The RIFF chunk after the audio that holds the blake3 of the `data` chunk's bytes.
const SUM_CHUNK: &[u8; 4] = b"dlbs";

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

    /// The entry for `key` and its duration, if present, complete at `rate` and intact. A
    /// damaged entry is removed and logged, so it is synthesized again; a good one is marked
    /// as used now.
    pub fn get(&self, key: &str, rate: u32) -> Option<(PathBuf, f64)> {
        let path = self.path(key);
        let bytes = match fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
            Err(e) => {
                tracing::warn!("cannot read the cache entry `{}`: {e}", path.display());
                return None;
            }
        };
        match decode(&bytes, rate) {
            Ok(samples) => {
                if let Ok(file) = fs::File::options().append(true).open(&path) {
                    let _ = file.set_modified(SystemTime::now());
                }
                Some((path, samples as f64 / f64::from(rate)))
            }
            Err(fault) => {
                tracing::warn!(
                    "discarding the cache entry `{}`: {fault}; it will be synthesized again",
                    path.display()
                );
                let _ = crate::atomic::remove(&path);
                None
            }
        }
    }

    /// Stores `clip` under `key` atomically, with its checksum, and returns its path.
    pub fn put(&self, key: &str, clip: &Clip) -> Result<PathBuf, WavError> {
        let path = self.path(key);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(|source| WavError::Io {
                path: dir.to_owned(),
                source,
            })?;
        }
        let bytes = encode(clip).map_err(|source| WavError::Wav {
            path: path.clone(),
            source,
        })?;
        // The entry carries the blake3 of its audio and every read checks it, so it needs no
        // sync: a torn entry after a power cut is rejected and synthesized again.
        crate::atomic::write_unsynced(&path, &bytes).map_err(|source| WavError::Io {
            path: path.clone(),
            source,
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
            } else if fs::read(&file).map_or(true, |b| decode_any_rate(&b).is_err()) {
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

/// An entry's format: 16-bit PCM when that holds the audio exactly (an answer in 16-bit at
/// the program rate, as most voices give), else 32-bit float. The sound is the same to the
/// bit either way; the smaller entry halves the bytes a render writes and the disk it takes.
fn entry_spec(rate: u32, pcm16: bool) -> hound::WavSpec {
    let (bits_per_sample, sample_format) = if pcm16 {
        (16, hound::SampleFormat::Int)
    } else {
        (32, hound::SampleFormat::Float)
    };
    hound::WavSpec {
        channels: 1,
        sample_rate: rate,
        bits_per_sample,
        sample_format,
    }
}

/// Whether every sample is exactly a 16-bit step (what reading a 16-bit WAV gives: the step
/// over 32768), so a 16-bit entry holds the audio to the bit. Written for vector registers
/// ([`nearest_whole`]): a long segment is millions of samples.
fn is_pcm16(samples: &[f32]) -> bool {
    samples.iter().fold(true, |all, &s| {
        let step = s * 32768.0;
        let magnitude = step.abs();
        all & (-32768.0..=32767.0).contains(&step) & (nearest_whole(magnitude) as f32 == magnitude)
    })
}

/// Appends `samples` (all 16-bit steps, see [`is_pcm16`]) as little-endian 16-bit PCM.
fn extend_pcm16(bytes: &mut Vec<u8>, samples: &[f32]) {
    let at = bytes.len();
    bytes.resize(at + samples.len() * 2, 0);
    for (out, &s) in bytes[at..].chunks_exact_mut(2).zip(samples) {
        let step = s * 32768.0;
        let magnitude = nearest_whole(step.abs());
        let value = (if step < 0.0 { -magnitude } else { magnitude }) as i16;
        out.copy_from_slice(&value.to_le_bytes());
    }
}

/// Appends `samples` as little-endian 32-bit floats.
fn extend_float(bytes: &mut Vec<u8>, samples: &[f32]) {
    let at = bytes.len();
    bytes.resize(at + samples.len() * 4, 0);
    for (out, s) in bytes[at..].chunks_exact_mut(4).zip(samples) {
        out.copy_from_slice(&s.to_le_bytes());
    }
}

/// Why a stored entry cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EntryFault {
    /// Not a WAV, or cut short.
    #[error("it is not a complete WAV file ({0})")]
    Unreadable(String),
    /// A WAV of another format or rate, or with no audio.
    #[error("it is not mono 16-bit or 32-bit float audio at {0} Hz")]
    Format(u32),
    /// It carries no checksum, or its audio does not hash to it.
    #[error("its audio does not match its checksum")]
    Checksum,
    /// A sample is NaN or infinite.
    #[error("sample {0} is not a finite number")]
    NotFinite(usize),
}

/// An entry's bytes: the WAV hound writes, then [`SUM_CHUNK`] with the blake3 of the audio.
fn encode(clip: &Clip) -> Result<Vec<u8>, hound::Error> {
    // hound writes the header (no samples); the audio goes in as one block of little-endian
    // samples, which is what hound would write sample by sample, only faster.
    let pcm16 = is_pcm16(&clip.samples);
    let mut cursor = std::io::Cursor::new(Vec::new());
    hound::WavWriter::new(&mut cursor, entry_spec(clip.rate, pcm16))?.finalize()?;
    let mut bytes = cursor.into_inner();
    let header = bytes.len();
    bytes.reserve(clip.samples.len() * if pcm16 { 2 } else { 4 } + 8 + 32);
    if pcm16 {
        extend_pcm16(&mut bytes, &clip.samples);
    } else {
        extend_float(&mut bytes, &clip.samples);
    }
    let data_len = bytes.len() - header;
    let size_at = header - 4;
    bytes[size_at..header].copy_from_slice(&(data_len as u32).to_le_bytes());
    let sum = *blake3::hash(&bytes[header..]).as_bytes();
    bytes.extend_from_slice(SUM_CHUNK);
    bytes.extend_from_slice(&(sum.len() as u32).to_le_bytes());
    bytes.extend_from_slice(&sum);
    let riff = (bytes.len() - 8) as u32;
    bytes[4..8].copy_from_slice(&riff.to_le_bytes());
    Ok(bytes)
}

/// The number of samples in an intact entry at `rate`, or why it cannot be used.
fn decode(bytes: &[u8], rate: u32) -> Result<usize, EntryFault> {
    let reader = hound::WavReader::new(bytes).map_err(|e| EntryFault::Unreadable(e.to_string()))?;
    let spec = reader.spec();
    let pcm16 = spec == entry_spec(rate, true);
    if !(pcm16 || spec == entry_spec(rate, false)) || reader.len() == 0 {
        return Err(EntryFault::Format(rate));
    }
    let width = usize::from(spec.bits_per_sample / 8);
    let data = chunk(bytes, b"data")
        .filter(|d| d.len() == reader.len() as usize * width)
        .ok_or_else(|| EntryFault::Unreadable("the audio is cut short".into()))?;
    match chunk(bytes, SUM_CHUNK) {
        Some(sum) if sum == blake3::hash(data).as_bytes() => {}
        _ => return Err(EntryFault::Checksum),
    }
    // Every 16-bit value is a sample; a float may not be a number.
    let not_finite = if pcm16 {
        None
    } else {
        data.chunks_exact(4)
            .position(|b| !f32::from_le_bytes([b[0], b[1], b[2], b[3]]).is_finite())
    };
    match not_finite {
        Some(i) => Err(EntryFault::NotFinite(i)),
        None => Ok(data.len() / width),
    }
}

/// [`decode`] at the rate the entry says it has (for pruning, which knows no rate).
fn decode_any_rate(bytes: &[u8]) -> Result<usize, EntryFault> {
    let rate = hound::WavReader::new(bytes)
        .map_err(|e| EntryFault::Unreadable(e.to_string()))?
        .spec()
        .sample_rate;
    decode(bytes, rate)
}

/// The payload of the first RIFF chunk named `id`, if the file has a whole one.
fn chunk<'a>(bytes: &'a [u8], id: &[u8; 4]) -> Option<&'a [u8]> {
    let mut at = 12;
    while at + 8 <= bytes.len() {
        let size = u32::from_le_bytes(bytes[at + 4..at + 8].try_into().ok()?) as usize;
        let body = bytes.get(at + 8..at + 8 + size)?;
        if &bytes[at..at + 4] == id {
            return Some(body);
        }
        at += 8 + size + size % 2;
    }
    None
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
    fn an_entry_holds_the_bytes_hound_writes_sample_by_sample() {
        let samples: Vec<f32> = (0..4801).map(|i| ((i as f32) * 0.37).sin() * 0.8).collect();
        let clip = Clip::new(22_050, samples.clone());
        let mut cursor = std::io::Cursor::new(Vec::new());
        let mut writer = hound::WavWriter::new(&mut cursor, entry_spec(22_050, false)).unwrap();
        for &s in &samples {
            writer.write_sample(s).unwrap();
        }
        writer.finalize().unwrap();
        let by_hound = cursor.into_inner();
        let entry = encode(&clip).unwrap();
        assert_eq!(&entry[8..by_hound.len()], &by_hound[8..]);
        assert_eq!(decode(&entry, 22_050), Ok(samples.len()));
    }

    #[test]
    fn audio_made_of_16_bit_steps_is_stored_in_16_bits_and_reads_back_the_same() {
        let (_dir, cache) = cache();
        let profile = VoiceProfile::new("v", BackendKind::Espeak);
        let steps: Vec<f32> = (0..4800)
            .map(|i| f32::from(((i * 7919) % 65_536 - 32_768) as i16) / 32768.0)
            .collect();
        let mut off_step = steps.clone();
        off_step[4000] += 1e-7;
        let mut loud = steps.clone();
        loud[10] = 1.5;
        for (what, samples, bits) in [
            ("steps", &steps, 16),
            ("off a step", &off_step, 32),
            ("above full scale", &loud, 32),
        ] {
            let key = cache.key(&profile, 24_000, what);
            let path = cache
                .put(&key, &Clip::new(24_000, samples.clone()))
                .unwrap();
            let spec = hound::WavReader::open(&path).unwrap().spec();
            assert_eq!(spec.bits_per_sample, bits, "{what}");
            assert!(cache.get(&key, 24_000).is_some(), "{what}");
            let back = crate::media::wav::read_clip(&path).unwrap();
            assert_eq!(&back.samples, samples, "{what}");
        }
    }

    /// One way to damage an entry.
    type Damage<'a> = Box<dyn Fn(&Path) + 'a>;

    /// Writes `samples` over `path` as a well-formed entry-format WAV without a checksum,
    /// as noise or a stray tool would.
    fn overwrite_plain(path: &Path, rate: u32, samples: &[f32]) {
        let mut w = hound::WavWriter::create(path, entry_spec(rate, false)).unwrap();
        for &s in samples {
            w.write_sample(s).unwrap();
        }
        w.finalize().unwrap();
    }

    #[test]
    fn noise_zeros_and_nan_in_an_entry_are_discarded() {
        let (_dir, cache) = cache();
        let profile = VoiceProfile::new("v", BackendKind::Espeak);
        let key = cache.key(&profile, 8_000, "停水通知");
        let clip = Clip::new(8_000, vec![0.25; 800]);
        let noise: Vec<f32> = (0..800)
            .map(|i| ((i * 7919 % 201) as f32 - 100.0) / 100.0)
            .collect();
        let mut nan = clip.samples.clone();
        nan[400] = f32::NAN;
        let damages: [(&str, Damage); 5] = [
            ("noise", Box::new(|p| overwrite_plain(p, 8_000, &noise))),
            ("nan", Box::new(|p| overwrite_plain(p, 8_000, &nan))),
            (
                "zeroed",
                Box::new(|p| {
                    let len = fs::metadata(p).unwrap().len() as usize;
                    fs::write(p, vec![0u8; len]).unwrap();
                }),
            ),
            (
                "flipped",
                Box::new(|p| {
                    let mut b = fs::read(p).unwrap();
                    b[200] ^= 0x40;
                    fs::write(p, b).unwrap();
                }),
            ),
            (
                "nan with a matching checksum",
                Box::new(|p| {
                    fs::write(p, encode(&Clip::new(8_000, nan.clone())).unwrap()).unwrap();
                }),
            ),
        ];
        for (what, damage) in damages {
            let path = cache.put(&key, &clip).unwrap();
            assert!(cache.get(&key, 8_000).is_some(), "{what}");
            damage(&path);
            assert!(cache.get(&key, 8_000).is_none(), "{what} was used");
            assert!(!path.exists(), "{what} was kept");
        }
        // Synthesized again, the entry is good.
        cache.put(&key, &clip).unwrap();
        assert!(cache.get(&key, 8_000).is_some());
    }

    #[test]
    fn prune_counts_damaged_entries_as_broken() {
        let (_dir, cache) = cache();
        let profile = VoiceProfile::new("v", BackendKind::Espeak);
        let key = cache.key(&profile, 8_000, "一");
        let path = cache.put(&key, &Clip::new(8_000, vec![0.1; 80])).unwrap();
        overwrite_plain(&path, 8_000, &[0.9; 80]);
        let report = cache.prune(None, SystemTime::now()).unwrap();
        assert_eq!(report.broken, 1);
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
