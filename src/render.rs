//! Script segments → conditioned PCM (mono, program rate) through one voice, kept in the
//! segment cache. [glue]
//!
//! Every answer is decoded before it is used, so an HTML error page or an empty body with
//! status 200 fails here with the voice, the URL and the sentence named.

use std::path::PathBuf;

use crate::audio::resample;
use crate::cache::SegmentCache;
use crate::media::decode;
use crate::text::{Pause, Segment};
use crate::tts::{self, VoiceProfile, excerpt};

/// A segment that could not be rendered.
#[derive(Debug, thiserror::Error)]
#[error("voice `{voice}` ({endpoint}) failed on segment {number} “{text}”: {reason}")]
pub struct RenderError {
    /// Voice profile name.
    pub voice: String,
    /// URL or program.
    pub endpoint: String,
    /// 1-based segment number.
    pub number: usize,
    /// The first characters of the segment.
    pub text: String,
    /// What went wrong.
    pub reason: String,
}

/// Where and how segments are rendered.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    /// Program sample rate in Hz.
    pub rate: u32,
    /// The segment cache directory (`state/cache`).
    pub cache_dir: PathBuf,
}

/// One rendered segment: its audio in the cache and the pause after it.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderedSegment {
    /// Cache entry: a mono 32-bit float WAV at the program rate.
    pub path: PathBuf,
    /// The break after it.
    pub pause: Pause,
    /// Length in seconds.
    pub duration: f64,
}

/// Renders every segment through `profile`, reusing cached audio. Fails as a whole: on
/// error nothing but good cache entries is left behind.
pub async fn render(
    profile: &VoiceProfile,
    segments: &[Segment],
    options: &RenderOptions,
) -> Result<Vec<RenderedSegment>, RenderError> {
    let fail = |number: usize, text: &str, reason: String| RenderError {
        voice: profile.name.clone(),
        endpoint: profile.endpoint(),
        number,
        text: excerpt(text, 20),
        reason,
    };
    let synth = tts::backend(profile).map_err(|e| fail(0, "", e.to_string()))?;
    let cache = SegmentCache::new(options.cache_dir.clone());
    let mut out = Vec::with_capacity(segments.len());
    for (i, segment) in segments.iter().enumerate() {
        let fail = |reason: String| fail(i + 1, &segment.text, reason);
        let key = cache.key(profile, options.rate, &segment.text);
        let (path, duration) = match cache.get(&key) {
            Some(hit) => hit,
            None => {
                let answer = synth
                    .synthesize(&segment.text)
                    .await
                    .map_err(|e| fail(e.to_string()))?;
                let clip = decode(&answer.bytes).map_err(|e| fail(e.to_string()))?;
                let clip =
                    resample::to_rate(&clip, options.rate).map_err(|e| fail(e.to_string()))?;
                let path = cache.put(&key, &clip).map_err(|e| fail(e.to_string()))?;
                (path, clip.duration())
            }
        };
        out.push(RenderedSegment {
            path,
            pause: segment.pause,
            duration,
        });
    }
    Ok(out)
}
