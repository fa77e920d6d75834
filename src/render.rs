//! Script segments → conditioned PCM (mono, program rate) through one voice. [glue]
//!
//! Every answer is decoded before it is used, so an HTML error page or an empty body with
//! status 200 fails here with the voice, the URL and the sentence named.

use crate::audio::{Clip, resample};
use crate::media::decode;
use crate::text::Segment;
use crate::tts::{SynthError, Synthesizer, VoiceProfile, excerpt};

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

/// Renders each segment in order into a clip at `rate`.
pub async fn render_segments(
    profile: &VoiceProfile,
    synth: &dyn Synthesizer,
    segments: &[Segment],
    rate: u32,
) -> Result<Vec<Clip>, RenderError> {
    let mut clips = Vec::with_capacity(segments.len());
    for (i, segment) in segments.iter().enumerate() {
        let fail = |reason: String| RenderError {
            voice: profile.name.clone(),
            endpoint: profile.endpoint(),
            number: i + 1,
            text: excerpt(&segment.text, 20),
            reason,
        };
        let answer = synth
            .synthesize(&segment.text)
            .await
            .map_err(|e: SynthError| fail(e.to_string()))?;
        let clip = decode(&answer.bytes).map_err(|e| fail(e.to_string()))?;
        clips.push(resample::to_rate(&clip, rate).map_err(|e| fail(e.to_string()))?);
    }
    Ok(clips)
}
