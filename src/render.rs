//! Script segments → conditioned PCM (mono, program rate) through one voice, kept in the
//! segment cache. \[glue\]
//!
//! - Cached segments make no request; identical texts are synthesized once.
//! - Requests run concurrently, at most the voice's `concurrency` at once (a semaphore), in
//!   segment order, so a killed render has cached the start of the article.
//! - Every answer is checked ([`tts::answer::check`]) before it is used or cached. A failed
//!   check, a connection error, a timeout, 429 or 5xx is retried with exponential backoff
//!   and jitter (honouring `Retry-After`); other errors fail at once.
//! - One segment's tries together get at most the voice's segment budget
//!   (`segment_budget_secs`), so a hung server cannot hold a render for retries × timeout.
//! - When the server stays unreachable, segments go to the voice's fallback, and the report
//!   says which.
//! - On failure the error names the voice, the URL, the segment number and its first
//!   characters; what was rendered stays cached, so the next run resumes.

use std::collections::{HashMap, VecDeque};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{Semaphore, SemaphorePermit};
use tokio::task::JoinSet;

use crate::audio::{Clip, resample};
use crate::cache::SegmentCache;
use crate::program::SpokenBy;
use crate::station::{Station, StationError};
use crate::text::{Pause, Segment};
use crate::tts::http::Backoff;
use crate::tts::{self, SynthError, Synthesizer, VoiceProfile, Voices, answer, excerpt};

/// A segment that could not be rendered, or a voice that could not be used at all.
#[derive(Debug, thiserror::Error)]
pub struct RenderError {
    /// Voice profile name.
    pub voice: String,
    /// URL or program.
    pub endpoint: String,
    /// 1-based segment number; 0 when the voice failed before any segment.
    pub number: usize,
    /// The first characters of the segment.
    pub text: String,
    /// What went wrong.
    pub reason: String,
}

impl std::fmt::Display for RenderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.number == 0 {
            return write!(
                f,
                "voice `{}` ({}) cannot be used: {}",
                self.voice, self.endpoint, self.reason
            );
        }
        write!(
            f,
            "voice `{}` ({}) failed on segment {} “{}”: {}",
            self.voice, self.endpoint, self.number, self.text, self.reason
        )
    }
}

/// Where and how segments are rendered.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    /// Program sample rate in Hz.
    pub rate: u32,
    /// The segment cache directory (`state/cache`).
    pub cache_dir: PathBuf,
    /// The voice's fallback, resolved ([`resolve_fallback`]); used when its server is down.
    pub fallback: Option<VoiceProfile>,
    /// Show progress: a bar when stderr is a terminal, a few plain lines otherwise.
    pub progress: bool,
}

impl RenderOptions {
    /// Options with no fallback and no progress display.
    pub fn new(rate: u32, cache_dir: PathBuf) -> Self {
        Self {
            rate,
            cache_dir,
            fallback: None,
            progress: false,
        }
    }
}

/// One rendered segment: its audio in the cache and the pause after it.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderedSegment {
    /// Cache entry: a mono WAV at the program rate (16-bit or 32-bit float, see [`crate::cache`]).
    pub path: PathBuf,
    /// The break after it.
    pub pause: Pause,
    /// Length in seconds.
    pub duration: f64,
}

/// How a render went.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RenderReport {
    /// Segments asked for.
    pub segments: usize,
    /// Segments found in the cache (including repeats of a text).
    pub cached: usize,
    /// Distinct texts synthesized.
    pub synthesized: usize,
    /// Requests sent, retries included.
    pub requests: usize,
    /// Of those, retries.
    pub retries: usize,
    /// The fallback voice, when any segment used it.
    pub fallback_voice: Option<String>,
    /// 1-based numbers of the segments spoken by the fallback voice.
    pub fallback_segments: Vec<usize>,
}

/// Rendered segments and the report.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// In script order.
    pub segments: Vec<RenderedSegment>,
    /// What it took.
    pub report: RenderReport,
}

/// The fallback profile of `profile`, loaded from the station, if it names one other than
/// itself. A built-in neural fallback that cannot run here (files missing) hands over to
/// its own fallback, so espeak-ng stays the last resort behind it.
pub fn resolve_fallback(
    station: &Station,
    profile: &VoiceProfile,
) -> Result<Option<VoiceProfile>, StationError> {
    let mut seen = vec![profile.name.clone()];
    let mut current = profile.fallback.clone();
    while let Some(name) = current.filter(|n| !seen.contains(n)) {
        let fallback = station.voice(Some(&name))?;
        if fallback.kind != tts::BackendKind::Neural {
            return Ok(Some(fallback));
        }
        match tts::neural::availability(&fallback) {
            Ok(()) => return Ok(Some(fallback)),
            Err(why) if fallback.fallback.is_some() => {
                tracing::warn!(
                    "the fallback voice `{name}` cannot run ({why}); using its fallback"
                );
            }
            Err(_) => return Ok(Some(fallback)),
        }
        seen.push(name);
        current = fallback.fallback.clone();
    }
    Ok(None)
}

/// Renders every segment through `profile` (its synthesizer from `voices`), reusing cached
/// audio, and logs which segments used the fallback voice. Fails as a whole: on error
/// nothing but good cache entries is left behind.
pub async fn render(
    voices: &dyn Voices,
    profile: &VoiceProfile,
    segments: &[Segment],
    options: &RenderOptions,
) -> Result<Vec<RenderedSegment>, RenderError> {
    let rendered = render_with_report(voices, profile, segments, options).await?;
    log_report(profile, &rendered.report);
    Ok(rendered.segments)
}

/// Renders every segment in one voice: `profile`'s, or, when any segment needed the fallback,
/// the fallback's for all of them, so a program never mixes two voices. Says which voice
/// spoke.
pub async fn render_in_one_voice(
    voices: &dyn Voices,
    profile: &VoiceProfile,
    segments: &[Segment],
    options: &RenderOptions,
) -> Result<(Vec<RenderedSegment>, SpokenBy), RenderError> {
    let first = render_with_report(voices, profile, segments, options).await?;
    log_report(profile, &first.report);
    let fallback = options
        .fallback
        .as_ref()
        .filter(|_| first.report.fallback_voice.is_some());
    let Some(fallback) = fallback else {
        let spoken_by = SpokenBy {
            voice: profile.name.clone(),
            fallback_for: None,
        };
        return Ok((first.segments, spoken_by));
    };
    tracing::warn!(
        "the whole program is read by the fallback voice `{}`, so it is in one voice; it is rendered again in `{}` before it airs once that voice answers",
        fallback.name,
        profile.name
    );
    let alone = RenderOptions {
        fallback: None,
        ..options.clone()
    };
    let again = render_with_report(voices, fallback, segments, &alone).await?;
    log_report(fallback, &again.report);
    let spoken_by = SpokenBy {
        voice: fallback.name.clone(),
        fallback_for: Some(profile.name.clone()),
    };
    Ok((again.segments, spoken_by))
}

/// Logs how a render went and which segments the fallback voice spoke.
fn log_report(profile: &VoiceProfile, report: &RenderReport) {
    if let Some(fallback) = &report.fallback_voice {
        tracing::warn!(
            "voice `{}` did not answer; segments {} were spoken by the fallback voice `{fallback}`",
            profile.name,
            number_list(&report.fallback_segments)
        );
    }
    tracing::info!(
        "rendered {} segments through `{}`: {} cached, {} synthesized, {} requests ({} retries)",
        report.segments,
        profile.name,
        report.cached,
        report.synthesized,
        report.requests,
        report.retries
    );
}

/// A short text a health probe asks a voice to say.
const PROBE_TEXT: &str = "测试。";

/// Whether `profile` answers now with usable audio: one short request, its own timeout, no
/// retries. Tells the airing path when a program read by a fallback voice can be rendered
/// again in its main voice.
pub async fn probe(voices: &dyn Voices, profile: &VoiceProfile) -> bool {
    let Ok(synth) = voices.synthesizer(profile) else {
        return false;
    };
    let limit = Duration::from_secs(profile.timeout_secs.max(1));
    match tokio::time::timeout(limit, synth.synthesize(PROBE_TEXT)).await {
        Ok(Ok(audio)) => {
            tokio::task::spawn_blocking(move || answer::check(&audio, PROBE_TEXT).is_ok())
                .await
                .unwrap_or(false)
        }
        _ => false,
    }
}

/// [`render`], returning the report instead of logging it.
pub async fn render_with_report(
    voices: &dyn Voices,
    profile: &VoiceProfile,
    segments: &[Segment],
    options: &RenderOptions,
) -> Result<Rendered, RenderError> {
    let shared = Arc::new(Shared::new(voices, profile, options, segments.len())?);
    let groups = group_by_key(&shared.cache, profile, segments, options.rate);
    let mut slots: Vec<Option<(PathBuf, f64)>> = vec![None; segments.len()];
    let mut report = RenderReport {
        segments: segments.len(),
        ..RenderReport::default()
    };
    let missing = take_cached(&shared, &groups, &mut slots, &mut report);
    let mut tasks = spawn_missing(&shared, missing);
    while let Some(joined) = tasks.join_next().await {
        let joined = joined.map_err(|e| setup_error(profile, SynthError::Config(e.to_string())))?;
        let Some((g, result)) = joined else {
            continue;
        };
        let done = match result {
            Ok(done) => done,
            Err(err) => {
                tasks.abort_all();
                shared.progress.finish();
                return Err(err);
            }
        };
        let indices = &groups[g].indices;
        report.synthesized += 1;
        if done.fallback {
            report
                .fallback_segments
                .extend(indices.iter().map(|i| i + 1));
        }
        for &i in indices {
            slots[i] = Some((done.path.clone(), done.duration));
        }
        let in_flight = shared.in_flight.load(Ordering::Relaxed);
        shared.progress.advance(indices.len(), false, in_flight);
    }
    shared.progress.finish();
    report.requests = shared.requests.load(Ordering::Relaxed);
    report.retries = shared.retries.load(Ordering::Relaxed);
    report.fallback_segments.sort_unstable();
    if !report.fallback_segments.is_empty() {
        report.fallback_voice = options.fallback.as_ref().map(|p| p.name.clone());
    }
    let segments = segments
        .iter()
        .zip(slots)
        .map(|(segment, slot)| {
            let (path, duration) = slot.unwrap_or_default();
            RenderedSegment {
                path,
                pause: segment.pause,
                duration,
            }
        })
        .collect();
    Ok(Rendered { segments, report })
}

/// A text still to synthesize: its group, 1-based segment number, text and cache key.
type Job = (usize, usize, String, String);

/// Fills `slots` from the cache and returns the texts still to synthesize, in script order.
fn take_cached(
    shared: &Shared,
    groups: &[Group],
    slots: &mut [Option<(PathBuf, f64)>],
    report: &mut RenderReport,
) -> VecDeque<Job> {
    let mut missing = VecDeque::new();
    for (g, group) in groups.iter().enumerate() {
        match shared.cache.get(&group.key, shared.rate) {
            Some(hit) => {
                for &i in &group.indices {
                    slots[i] = Some(hit.clone());
                }
                report.cached += group.indices.len();
                shared.progress.advance(group.indices.len(), true, 0);
            }
            None => missing.push_back((
                g,
                group.indices[0] + 1,
                group.text.clone(),
                group.key.clone(),
            )),
        }
    }
    missing
}

/// One task per missing text. A task takes the next text in script order only once it
/// holds a request permit, so requests go out in segment order whatever order the runtime
/// starts tasks in: a killed render has cached the start of the article.
fn spawn_missing(
    shared: &Arc<Shared>,
    missing: VecDeque<Job>,
) -> JoinSet<Option<(usize, Result<Done, RenderError>)>> {
    let count = missing.len();
    let queue = Arc::new(Mutex::new(missing));
    let mut tasks = JoinSet::new();
    for _ in 0..count {
        let (shared, queue) = (shared.clone(), queue.clone());
        tasks.spawn(async move {
            let permit = shared.primary.permits.acquire().await.ok();
            let (g, number, text, key) = queue.lock().ok()?.pop_front()?;
            let result = produce(&shared, number, &text, &key, permit).await;
            // Only the first failure is reported; later ones are segments that stopped
            // because of it.
            if result.is_err() && shared.failed.swap(true, Ordering::Relaxed) {
                return None;
            }
            Some((g, result))
        });
    }
    tasks
}

/// Segments that share a text (and so a cache key).
struct Group {
    key: String,
    text: String,
    indices: Vec<usize>,
}

fn group_by_key(
    cache: &SegmentCache,
    profile: &VoiceProfile,
    segments: &[Segment],
    rate: u32,
) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    let mut by_key: HashMap<String, usize> = HashMap::new();
    for (i, segment) in segments.iter().enumerate() {
        let key = cache.key(profile, rate, &segment.text);
        match by_key.get(&key) {
            Some(&g) => groups[g].indices.push(i),
            None => {
                by_key.insert(key.clone(), groups.len());
                groups.push(Group {
                    key,
                    text: segment.text.clone(),
                    indices: vec![i],
                });
            }
        }
    }
    groups
}

/// One voice in use: its backend, its request limit, whether its server is down.
struct Voice {
    profile: VoiceProfile,
    synth: Arc<dyn Synthesizer>,
    permits: Semaphore,
    backoff: Backoff,
    /// Set when the server stayed unreachable through all retries: later segments go
    /// straight to the fallback instead of waiting out their own retries.
    down: AtomicBool,
}

impl Voice {
    fn new(voices: &dyn Voices, profile: &VoiceProfile) -> Result<Self, SynthError> {
        Ok(Self {
            profile: profile.clone(),
            synth: voices.synthesizer(profile)?,
            permits: Semaphore::new(profile.concurrency.max(1)),
            backoff: Backoff::new(profile),
            down: AtomicBool::new(false),
        })
    }

    fn error(&self, number: usize, text: &str, reason: String) -> RenderError {
        RenderError {
            voice: self.profile.name.clone(),
            endpoint: self.profile.shown_endpoint(),
            number,
            text: excerpt(text, 20),
            reason,
        }
    }
}

struct Shared {
    primary: Voice,
    fallback: Option<Result<Voice, String>>,
    cache: SegmentCache,
    rate: u32,
    requests: AtomicUsize,
    retries: AtomicUsize,
    in_flight: AtomicUsize,
    progress: Progress,
    /// Set when a segment failed for good: queued requests are not sent.
    failed: AtomicBool,
}

impl Shared {
    fn new(
        voices: &dyn Voices,
        profile: &VoiceProfile,
        options: &RenderOptions,
        total: usize,
    ) -> Result<Self, RenderError> {
        let fallback = options.fallback.as_ref().map(|p| {
            Voice::new(voices, p).map_err(|e| {
                tracing::warn!("the fallback voice `{}` cannot be used: {e}", p.name);
                e.to_string()
            })
        });
        Ok(Self {
            primary: Voice::new(voices, profile).map_err(|e| setup_error(profile, e))?,
            fallback,
            cache: SegmentCache::new(options.cache_dir.clone()),
            rate: options.rate,
            requests: AtomicUsize::new(0),
            retries: AtomicUsize::new(0),
            in_flight: AtomicUsize::new(0),
            progress: Progress::new(options.progress, total),
            failed: AtomicBool::new(false),
        })
    }
}

/// A segment in the cache.
struct Done {
    path: PathBuf,
    duration: f64,
    fallback: bool,
}

/// Synthesizes, checks and caches one text: through the primary voice, or through the
/// fallback when the primary's server is down.
async fn produce(
    shared: &Shared,
    number: usize,
    text: &str,
    key: &str,
    permit: Option<SemaphorePermit<'_>>,
) -> Result<Done, RenderError> {
    let primary = &shared.primary;
    let primary_err = if primary.down.load(Ordering::Relaxed) {
        // The fallback has permits of its own.
        drop(permit);
        SynthError::Connect("the server was found down earlier in this render".into())
    } else {
        match within_budget(primary, attempt(shared, primary, text, permit)).await {
            Ok(clip) => return store(shared, primary, number, text, key, clip, false).await,
            Err(e) => e,
        }
    };
    let fallback = match &shared.fallback {
        Some(fallback) if primary_err.is_unreachable() => fallback,
        _ => return Err(primary.error(number, text, primary_err.to_string())),
    };
    let fallback = fallback.as_ref().map_err(|why| {
        primary.error(
            number,
            text,
            format!("{primary_err}; the fallback voice cannot be used: {why}"),
        )
    })?;
    primary.down.store(true, Ordering::Relaxed);
    let key = shared.cache.key(&fallback.profile, shared.rate, text);
    if let Some((path, duration)) = shared.cache.get(&key, shared.rate) {
        return Ok(Done {
            path,
            duration,
            fallback: true,
        });
    }
    match within_budget(fallback, attempt(shared, fallback, text, None)).await {
        Ok(clip) => store(shared, fallback, number, text, &key, clip, true).await,
        Err(e) => Err(fallback.error(
            number,
            text,
            format!(
                "{e} (it was standing in for `{}`, which failed: {primary_err})",
                primary.profile.name
            ),
        )),
    }
}

/// Tries `voice` until an answer passes the checks, the error is final, or retries run out.
/// Returns the audio at the program rate.
/// `permit`, when given, is a request permit of `voice` already held for the first try.
async fn attempt(
    shared: &Shared,
    voice: &Voice,
    text: &str,
    mut permit: Option<SemaphorePermit<'_>>,
) -> Result<Clip, SynthError> {
    let retries = voice.profile.retries;
    let limit = Duration::from_secs(voice.profile.timeout_secs.max(1)) + Duration::from_secs(1);
    let mut retry = 0;
    loop {
        let answer = {
            let _permit = match permit.take() {
                Some(permit) => permit,
                None => voice
                    .permits
                    .acquire()
                    .await
                    .map_err(|e| SynthError::Config(e.to_string()))?,
            };
            if shared.failed.load(Ordering::Relaxed) {
                return Err(SynthError::Config("the render already failed".into()));
            }
            if retry > 0 && voice.down.load(Ordering::Relaxed) {
                return Err(SynthError::Connect(
                    "the server was found down earlier in this render".into(),
                ));
            }
            shared.requests.fetch_add(1, Ordering::Relaxed);
            let in_flight = shared.in_flight.fetch_add(1, Ordering::Relaxed) + 1;
            shared.progress.in_flight(in_flight);
            let answer = tokio::time::timeout(limit, voice.synth.synthesize(text))
                .await
                .unwrap_or(Err(SynthError::Timeout {
                    seconds: voice.profile.timeout_secs,
                }));
            shared.in_flight.fetch_sub(1, Ordering::Relaxed);
            answer
        };
        let result = match answer {
            Ok(audio) => condition(audio, text, shared.rate).await,
            Err(e) => Err(e),
        };
        let err = match result {
            Ok(clip) => return Ok(clip),
            Err(err) => err,
        };
        if !err.is_retryable() || retry >= retries {
            return Err(if retry > 0 {
                with_tries(err, retry + 1)
            } else {
                err
            });
        }
        let wait = voice.backoff.delay(retry, err.retry_after());
        tracing::debug!(
            "voice `{}`: {err}; retrying in {} ms",
            voice.profile.name,
            wait.as_millis()
        );
        shared.retries.fetch_add(1, Ordering::Relaxed);
        tokio::time::sleep(wait).await;
        retry += 1;
    }
}

/// Runs `tries` (every try of one segment through `voice`) within the voice's segment budget,
/// so a hung server holds a render for the budget, not for retries × timeout.
async fn within_budget(
    voice: &Voice,
    tries: impl std::future::Future<Output = Result<Clip, SynthError>>,
) -> Result<Clip, SynthError> {
    let budget = voice.profile.segment_budget();
    tokio::time::timeout(budget, tries)
        .await
        .unwrap_or_else(|_| {
            Err(SynthError::Connect(format!(
                "no usable answer within the segment budget of {} s (`segment_budget_secs`)",
                budget.as_secs()
            )))
        })
}

/// Adds the number of tries to an error's message.
fn with_tries(err: SynthError, tries: u32) -> SynthError {
    match err {
        SynthError::Rejected(m) => SynthError::Rejected(format!("{m} (after {tries} tries)")),
        SynthError::Connect(m) => SynthError::Connect(format!("{m} (after {tries} tries)")),
        SynthError::Status {
            status,
            body,
            retry_after,
        } => SynthError::Status {
            status,
            body: format!("{body} (after {tries} tries)"),
            retry_after,
        },
        other => other,
    }
}

/// Checks and decodes an answer, then resamples it to the program rate (off the runtime).
async fn condition(audio: tts::EncodedAudio, text: &str, rate: u32) -> Result<Clip, SynthError> {
    let text = text.to_owned();
    tokio::task::spawn_blocking(move || {
        let clip = answer::check(&audio, &text)?;
        if clip.rate == rate {
            // Already at the program rate: no copy.
            return Ok(clip);
        }
        resample::to_rate(&clip, rate).map_err(|e| SynthError::Rejected(e.to_string()))
    })
    .await
    .map_err(|e| SynthError::Rejected(format!("checking the answer failed: {e}")))?
}

/// Writes `clip` to the cache under `key` (off the runtime).
async fn store(
    shared: &Shared,
    voice: &Voice,
    number: usize,
    text: &str,
    key: &str,
    clip: Clip,
    fallback: bool,
) -> Result<Done, RenderError> {
    let cache = shared.cache.clone();
    let key_owned = key.to_owned();
    let duration = clip.duration();
    // The clip moves to the writer: a long segment is not copied.
    let path = tokio::task::spawn_blocking(move || cache.put(&key_owned, &clip))
        .await
        .map_err(|e| voice.error(number, text, e.to_string()))?
        .map_err(|e| voice.error(number, text, format!("cannot cache the audio: {e}")))?;
    Ok(Done {
        path,
        duration,
        fallback,
    })
}

fn setup_error(profile: &VoiceProfile, err: SynthError) -> RenderError {
    RenderError {
        voice: profile.name.clone(),
        endpoint: profile.shown_endpoint(),
        number: 0,
        text: String::new(),
        reason: err.to_string(),
    }
}

/// `1, 2, 5–9`: segment numbers with runs collapsed.
pub fn number_list(numbers: &[usize]) -> String {
    let mut parts = Vec::new();
    let mut i = 0;
    while i < numbers.len() {
        let start = numbers[i];
        while i + 1 < numbers.len() && numbers[i + 1] == numbers[i] + 1 {
            i += 1;
        }
        parts.push(if numbers[i] == start {
            start.to_string()
        } else {
            format!("{start}–{}", numbers[i])
        });
        i += 1;
    }
    parts.join(", ")
}

/// Progress on stderr: an indicatif bar on a terminal; otherwise a plain line at each
/// quarter of a long render.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    plain: bool,
    total: usize,
    state: Mutex<(usize, usize)>,
}

impl Progress {
    /// Renders shorter than this print no plain lines.
    const PLAIN_MIN: usize = 20;

    fn new(enabled: bool, total: usize) -> Self {
        let terminal = std::io::stderr().is_terminal();
        let bar = (enabled && terminal && total > 1).then(|| {
            let bar = indicatif::ProgressBar::new(total as u64);
            if let Ok(style) = indicatif::ProgressStyle::with_template(
                "{bar:30} {pos}/{len} segments · {msg} · ETA {eta}",
            ) {
                bar.set_style(style);
            }
            bar
        });
        Self {
            bar,
            plain: enabled && !terminal && total >= Self::PLAIN_MIN,
            total,
            state: Mutex::new((0, 0)),
        }
    }

    fn in_flight(&self, n: usize) {
        if let Some(bar) = &self.bar
            && let Ok(state) = self.state.lock()
        {
            bar.set_message(format!("{n} in flight, {} cached", state.1));
        }
    }

    fn advance(&self, n: usize, cached: bool, in_flight: usize) {
        let Ok(mut state) = self.state.lock() else {
            return;
        };
        let before = state.0;
        state.0 += n;
        if cached {
            state.1 += n;
        }
        if let Some(bar) = &self.bar {
            bar.set_message(format!("{in_flight} in flight, {} cached", state.1));
            bar.inc(n as u64);
        }
        let quarter = |done: usize| done * 4 / self.total.max(1);
        if self.plain && quarter(state.0) > quarter(before) {
            eprintln!(
                "rendering: {}/{} segments ({} cached, {in_flight} in flight)",
                state.0, self.total, state.1
            );
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_lists_collapse_runs() {
        assert_eq!(number_list(&[1, 2, 3, 5, 7, 8]), "1–3, 5, 7–8");
        assert_eq!(number_list(&[]), "");
    }
}
