//! Encoded audio bytes (WAV of any depth, streamed WAV with placeholder sizes, MP3, FLAC,
//! Ogg/Vorbis) → a mono [`Clip`] at the file's own rate.

use std::io::Cursor;

use symphonia::core::codecs::audio::AudioDecoderOptions;
use symphonia::core::errors::Error as SymphoniaError;
use symphonia::core::formats::probe::Hint;
use symphonia::core::formats::{FormatOptions, TrackType};
use symphonia::core::io::MediaSourceStream;
use symphonia::core::meta::MetadataOptions;

use crate::audio::{Clip, mix_to_mono};

/// Why bytes could not be turned into audio.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    /// No bytes at all.
    #[error("the answer is empty (0 bytes)")]
    Empty,
    /// Not a format we can read (HTML pages and JSON errors end here).
    #[error("not audio ({len} bytes starting {start:?}): {reason}")]
    NotAudio {
        /// Body length.
        len: usize,
        /// The first bytes, as text, to show what came back instead.
        start: String,
        /// What the decoder said.
        reason: String,
    },
    /// A container with no audio track, or one whose codec we lack.
    #[error("unsupported audio: {0}")]
    Unsupported(String),
    /// The stream broke off before a single frame decoded.
    #[error("audio decodes to nothing")]
    NoFrames,
}

/// Decodes `bytes` to mono at the stream's own rate.
pub fn decode(bytes: &[u8]) -> Result<Clip, DecodeError> {
    if bytes.is_empty() {
        return Err(DecodeError::Empty);
    }
    match pcm16_wav(bytes) {
        Some(clip) => Ok(clip),
        None => with_symphonia(bytes),
    }
}

/// Any format symphonia reads, through its probe and packet loop.
fn with_symphonia(bytes: &[u8]) -> Result<Clip, DecodeError> {
    let bytes = fix_streamed_wav_sizes(bytes);
    let not_audio = |reason: String| DecodeError::NotAudio {
        len: bytes.len(),
        start: String::from_utf8_lossy(&bytes[..bytes.len().min(24)]).into_owned(),
        reason,
    };
    let mss = MediaSourceStream::new(Box::new(Cursor::new(bytes.clone())), Default::default());
    let mut format = symphonia::default::get_probe()
        .probe(
            &Hint::new(),
            mss,
            FormatOptions::default(),
            MetadataOptions::default(),
        )
        .map_err(|e| not_audio(e.to_string()))?;
    let track = format
        .default_track(TrackType::Audio)
        .ok_or_else(|| DecodeError::Unsupported("no audio track".into()))?;
    let track_id = track.id;
    let params = track
        .codec_params
        .as_ref()
        .and_then(|p| p.audio())
        .ok_or_else(|| DecodeError::Unsupported("no audio codec parameters".into()))?
        .clone();
    let mut decoder = symphonia::default::get_codecs()
        .make_audio_decoder(&params, &AudioDecoderOptions::default())
        .map_err(|e| DecodeError::Unsupported(e.to_string()))?;

    let mut rate = params.sample_rate.unwrap_or(0);
    let mut mono = Vec::new();
    let mut frame = Vec::new();
    loop {
        let packet = match format.next_packet() {
            Ok(Some(packet)) => packet,
            Ok(None) => break,
            // A truncated stream ends here; keep what decoded.
            Err(_) => break,
        };
        if packet.track_id != track_id {
            continue;
        }
        match decoder.decode(&packet) {
            Ok(buf) => {
                rate = buf.spec().rate();
                let channels = buf.spec().channels().count();
                frame.resize(buf.samples_interleaved(), 0.0f32);
                buf.copy_to_slice_interleaved(&mut frame);
                mono.extend(mix_to_mono(&frame, channels));
            }
            Err(SymphoniaError::DecodeError(_)) => continue,
            Err(_) => break,
        }
    }
    if mono.is_empty() || rate == 0 {
        return Err(DecodeError::NoFrames);
    }
    Ok(Clip::new(rate, mono))
}

/// The common answer, 16-bit PCM WAV, read straight from the bytes: the same samples the
/// general decoder gives (a test holds them equal), without its copies and packet loop. A data
/// chunk longer than what arrived (streamed placeholder sizes) is read as far as whole frames
/// go. `None` for anything else, which the general decoder takes.
fn pcm16_wav(bytes: &[u8]) -> Option<Clip> {
    if bytes.len() < 12 || &bytes[..4] != b"RIFF" || &bytes[8..12] != b"WAVE" {
        return None;
    }
    let (mut format, mut at) = (None, 12);
    while at + 8 <= bytes.len() {
        let id = &bytes[at..at + 4];
        let size = u32::from_le_bytes(bytes[at + 4..at + 8].try_into().ok()?) as usize;
        let body = &bytes[at + 8..];
        if id == b"fmt " {
            format = Some(Pcm16Format::parse(body.get(..size)?)?);
        } else if id == b"data" {
            let format = format?;
            let frame = 2 * format.channels;
            let whole = size.min(body.len()) / frame * frame;
            let interleaved: Vec<f32> = body[..whole]
                .chunks_exact(2)
                .map(|b| f32::from(i16::from_le_bytes([b[0], b[1]])) / 32_768.0)
                .collect();
            if interleaved.is_empty() {
                return None;
            }
            let mono = if format.channels == 1 {
                interleaved
            } else {
                mix_to_mono(&interleaved, format.channels)
            };
            return Some(Clip::new(format.rate, mono));
        }
        at += 8 + size + (size & 1);
    }
    None
}

/// A `fmt ` chunk that [`pcm16_wav`] reads: integer PCM (plain or extensible), 16 bits.
#[derive(Clone, Copy)]
struct Pcm16Format {
    channels: usize,
    rate: u32,
}

impl Pcm16Format {
    fn parse(fmt: &[u8]) -> Option<Self> {
        let u16_at = |i: usize| fmt.get(i..i + 2).map(|b| u16::from_le_bytes([b[0], b[1]]));
        let tag = u16_at(0)?;
        let channels = usize::from(u16_at(2)?);
        let rate = u32::from_le_bytes(fmt.get(4..8)?.try_into().ok()?);
        let bits = u16_at(14)?;
        // WAVE_FORMAT_EXTENSIBLE names its real format in the first two bytes of the GUID.
        let pcm = tag == 1 || (tag == 0xFFFE && u16_at(24)? == 1);
        (pcm && bits == 16 && (1..=8).contains(&channels) && rate > 0)
            .then_some(Self { channels, rate })
    }
}

/// Streamed WAVs (OpenAI, Kokoro, anything piped through ffmpeg, `espeak-ng --stdout`) carry
/// placeholder RIFF and data sizes. When the data chunk is the last one, rewrite both sizes
/// from the real byte count so every reader agrees on the length.
fn fix_streamed_wav_sizes(bytes: &[u8]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    if bytes.len() < 12 || &bytes[..4] != b"RIFF" || &bytes[8..12] != b"WAVE" {
        return out;
    }
    let mut at = 12;
    while at + 8 <= bytes.len() {
        let id = &bytes[at..at + 4];
        let size = u32::from_le_bytes([bytes[at + 4], bytes[at + 5], bytes[at + 6], bytes[at + 7]]);
        let body = at + 8;
        if id == b"data" {
            let real = (bytes.len() - body) as u32;
            if size > real {
                out[at + 4..at + 8].copy_from_slice(&(real & !1).to_le_bytes());
                let riff = (bytes.len() - 8) as u32;
                out[4..8].copy_from_slice(&riff.to_le_bytes());
            }
            return out;
        }
        at = body + size as usize + (size as usize & 1);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wav_bytes(rate: u32, channels: u16, frames: usize) -> Vec<u8> {
        let spec = hound::WavSpec {
            channels,
            sample_rate: rate,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let mut cursor = Cursor::new(Vec::new());
        let mut writer = hound::WavWriter::new(&mut cursor, spec).unwrap();
        for i in 0..frames * channels as usize {
            writer.write_sample(((i % 100) as i16 - 50) * 300).unwrap();
        }
        writer.finalize().unwrap();
        cursor.into_inner()
    }

    #[test]
    fn the_pcm16_fast_path_gives_the_general_decoders_samples() {
        let mono = wav_bytes(24_000, 1, 2400);
        let stereo = wav_bytes(16_000, 2, 1600);
        let mut streamed = wav_bytes(22_050, 1, 2205);
        streamed[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
        streamed[40..44].copy_from_slice(&u32::MAX.to_le_bytes());
        let mut odd = wav_bytes(24_000, 1, 999);
        odd.truncate(odd.len() - 1);
        let mut loud = Vec::new();
        for i in 0..4000i32 {
            loud.push(((i * 7919) % 65_536 - 32_768) as i16);
        }
        let full_scale = {
            let mut cursor = Cursor::new(Vec::new());
            let spec = hound::WavSpec {
                channels: 1,
                sample_rate: 24_000,
                bits_per_sample: 16,
                sample_format: hound::SampleFormat::Int,
            };
            let mut writer = hound::WavWriter::new(&mut cursor, spec).unwrap();
            loud.iter().for_each(|&s| writer.write_sample(s).unwrap());
            writer.finalize().unwrap();
            cursor.into_inner()
        };
        for (name, bytes) in [
            ("mono", mono),
            ("stereo", stereo),
            ("streamed", streamed),
            ("odd length", odd),
            ("full scale", full_scale),
        ] {
            let fast = pcm16_wav(&bytes).expect(name);
            let general = with_symphonia(&bytes).unwrap();
            assert_eq!(fast.rate, general.rate, "{name}");
            assert_eq!(fast.samples, general.samples, "{name}");
        }
    }

    #[test]
    fn decodes_stereo_wav_to_mono() {
        let clip = decode(&wav_bytes(16_000, 2, 1600)).unwrap();
        assert_eq!(clip.rate, 16_000);
        assert_eq!(clip.samples.len(), 1600);
    }

    #[test]
    fn decodes_streamed_wav_with_placeholder_sizes() {
        let mut bytes = wav_bytes(24_000, 1, 2400);
        bytes[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
        bytes[40..44].copy_from_slice(&u32::MAX.to_le_bytes());
        let clip = decode(&bytes).unwrap();
        assert_eq!(clip.samples.len(), 2400);
    }

    #[test]
    fn html_is_not_audio() {
        let err = decode(b"<html><body>500 Internal Server Error</body></html>").unwrap_err();
        assert!(matches!(err, DecodeError::NotAudio { .. }), "{err}");
        assert!(err.to_string().contains("<html>"));
    }

    #[test]
    fn empty_is_empty() {
        assert!(matches!(decode(b""), Err(DecodeError::Empty)));
    }
}
