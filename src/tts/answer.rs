//! Every answer is checked before it is used or cached: it must really be audio (magic bytes,
//! decodes), not cut short, long enough and not absurdly long for its text, and not silent.
//! A failed check is a [`SynthError::Rejected`], which the engine retries like a server error.

use crate::audio::{Clip, mix_to_mono};
use crate::media::decode;

use super::{EncodedAudio, RawPcm, SynthError, excerpt};

/// Shortest plausible speech per spoken unit (a hanzi, a digit, three Latin letters).
pub const MIN_SECONDS_PER_UNIT: f64 = 0.05;
/// Longest plausible speech per spoken unit, plus [`SLACK_SECONDS`].
pub const MAX_SECONDS_PER_UNIT: f64 = 2.0;
/// Allowance for leading and trailing silence.
pub const SLACK_SECONDS: f64 = 5.0;
/// Peak level below which an answer counts as silent (−60 dBFS).
pub const SILENT_PEAK: f32 = 0.001;

/// Checks `audio` as the speech of `text` and decodes it to mono at its own rate.
pub fn check(audio: &EncodedAudio, text: &str) -> Result<Clip, SynthError> {
    let reject = |reason: String| SynthError::Rejected(reason);
    let bytes = &audio.bytes;
    if bytes.is_empty() {
        return Err(reject("the answer is empty (0 bytes)".into()));
    }
    let clip = match audio.raw_pcm {
        Some(format) => pcm_clip(bytes, format)?,
        None => {
            if !has_audio_magic(bytes) {
                return Err(reject(format!(
                    "the answer is not audio ({} bytes, {}): “{}”",
                    bytes.len(),
                    audio.content_type.as_deref().unwrap_or("no Content-Type"),
                    excerpt(String::from_utf8_lossy(bytes).trim(), 80)
                )));
            }
            if let Some(reason) = truncated_wav(bytes) {
                return Err(reject(reason));
            }
            decode(bytes).map_err(|e| reject(format!("the audio does not decode: {e}")))?
        }
    };
    check_clip(&clip, text)?;
    Ok(clip)
}

/// Duration and level checks on decoded speech.
pub fn check_clip(clip: &Clip, text: &str) -> Result<(), SynthError> {
    let units = spoken_units(text);
    let seconds = clip.duration();
    let shortest = units * MIN_SECONDS_PER_UNIT;
    let longest = units * MAX_SECONDS_PER_UNIT + SLACK_SECONDS;
    if seconds < shortest {
        return Err(SynthError::Rejected(format!(
            "the audio is too short for the text: {seconds:.2} s for {} characters (at least {shortest:.2} s expected)",
            text.chars().count()
        )));
    }
    if seconds > longest {
        return Err(SynthError::Rejected(format!(
            "the audio is too long for the text: {seconds:.1} s for {} characters (at most {longest:.1} s expected)",
            text.chars().count()
        )));
    }
    let peak = crate::audio::dsp::peak(&clip.samples);
    if peak < SILENT_PEAK {
        return Err(SynthError::Rejected(format!(
            "the audio is silent ({seconds:.2} s, peak {peak:.5})"
        )));
    }
    Ok(())
}

/// How much speech `text` holds: one unit per hanzi or digit, one per three Latin letters.
pub fn spoken_units(text: &str) -> f64 {
    let mut units = 0.0;
    for c in text.chars() {
        if c.is_ascii_alphabetic() {
            units += 1.0 / 3.0;
        } else if c.is_alphanumeric() {
            units += 1.0;
        }
    }
    units
}

/// WAV, MP3 (ID3 tag or frame sync), FLAC or Ogg.
fn has_audio_magic(bytes: &[u8]) -> bool {
    bytes.starts_with(b"RIFF")
        || bytes.starts_with(b"ID3")
        || bytes.starts_with(b"fLaC")
        || bytes.starts_with(b"OggS")
        || (bytes.len() > 1 && bytes[0] == 0xFF && bytes[1] & 0xE0 == 0xE0)
}

/// A WAV whose data chunk claims more bytes than arrived. Streamed WAVs carry placeholder
/// sizes (`0xFFFFFFFF`, espeak-ng's `0x7FFFF000`, or 0) and are not truncated.
fn truncated_wav(bytes: &[u8]) -> Option<String> {
    if bytes.len() < 12 || &bytes[8..12] != b"WAVE" {
        return None;
    }
    let mut at = 12;
    while at + 8 <= bytes.len() {
        let size = u32::from_le_bytes([bytes[at + 4], bytes[at + 5], bytes[at + 6], bytes[at + 7]]);
        let body = at + 8;
        if &bytes[at..at + 4] == b"data" {
            let placeholder = size == 0 || size >= 0x7FFF_0000;
            let real = bytes.len() - body;
            if !placeholder && (size as usize) > real + 1 {
                return Some(format!(
                    "the WAV is cut short: its header promises {size} bytes of audio, {real} arrived"
                ));
            }
            return None;
        }
        at = body + size as usize + (size as usize & 1);
    }
    Some("the WAV has no audio data".into())
}

/// Headerless signed 16-bit little-endian PCM in `format`.
fn pcm_clip(bytes: &[u8], format: RawPcm) -> Result<Clip, SynthError> {
    if bytes.starts_with(b"{") || bytes.starts_with(b"<") {
        return Err(SynthError::Rejected(format!(
            "expected raw PCM, got text: “{}”",
            excerpt(String::from_utf8_lossy(bytes).trim(), 80)
        )));
    }
    let samples: Vec<f32> = bytes
        .chunks_exact(2)
        .map(|b| f32::from(i16::from_le_bytes([b[0], b[1]])) / 32768.0)
        .collect();
    let channels = usize::from(format.channels.max(1));
    Ok(Clip::new(format.rate, mix_to_mono(&samples, channels)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone_wav(rate: u32, seconds: f32, amplitude: f32) -> Vec<u8> {
        let spec = hound::WavSpec {
            channels: 1,
            sample_rate: rate,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let mut cursor = std::io::Cursor::new(Vec::new());
        let mut w = hound::WavWriter::new(&mut cursor, spec).unwrap();
        for i in 0..(rate as f32 * seconds) as usize {
            let s = (i as f32 * 440.0 * std::f32::consts::TAU / rate as f32).sin() * amplitude;
            w.write_sample((s * 32767.0) as i16).unwrap();
        }
        w.finalize().unwrap();
        cursor.into_inner()
    }

    fn wav(bytes: Vec<u8>) -> EncodedAudio {
        EncodedAudio {
            bytes,
            content_type: Some("audio/wav".into()),
            raw_pcm: None,
        }
    }

    #[test]
    fn speech_of_plausible_length_passes() {
        let clip = check(&wav(tone_wav(16_000, 2.0, 0.3)), "各位村民请注意").unwrap();
        assert_eq!(clip.rate, 16_000);
    }

    #[test]
    fn rejections_say_why() {
        let cases: Vec<(EncodedAudio, &str)> = vec![
            (wav(Vec::new()), "empty"),
            (wav(b"<html><body>oops</body></html>".to_vec()), "not audio"),
            (wav(tone_wav(16_000, 0.1, 0.3)), "too short"),
            (wav(tone_wav(16_000, 60.0, 0.3)), "too long"),
            (wav(tone_wav(16_000, 2.0, 0.0)), "silent"),
            (
                {
                    let mut b = tone_wav(16_000, 2.0, 0.3);
                    b.truncate(b.len() / 2);
                    wav(b)
                },
                "cut short",
            ),
        ];
        for (audio, want) in cases {
            let err = check(&audio, "各位村民请注意").unwrap_err();
            assert!(matches!(err, SynthError::Rejected(_)), "{err}");
            assert!(err.to_string().contains(want), "{want}: {err}");
        }
    }

    #[test]
    fn streamed_wav_is_not_truncated() {
        let mut b = tone_wav(16_000, 2.0, 0.3);
        b[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
        b[40..44].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(check(&wav(b), "各位村民请注意").is_ok());
    }

    #[test]
    fn raw_pcm_uses_the_documented_rate() {
        let wav_bytes = tone_wav(8_000, 2.0, 0.3);
        let audio = EncodedAudio {
            bytes: wav_bytes[44..].to_vec(),
            content_type: Some("audio/basic;codec=pcm;rate=8000;channel=1".into()),
            raw_pcm: Some(RawPcm {
                rate: 8_000,
                channels: 1,
            }),
        };
        let clip = check(&audio, "各位村民").unwrap();
        assert_eq!(clip.rate, 8_000);
        assert!((clip.duration() - 2.0).abs() < 0.01);
    }

    #[test]
    fn latin_letters_count_a_third() {
        assert!((spoken_units("PM2.5 今天") - (2.0 / 3.0 + 2.0 + 2.0)).abs() < 1e-9);
    }
}
