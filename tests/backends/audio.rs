//! Real audio for the test servers: deterministic tones with a syllable-like envelope, as
//! WAV (sizes right, or streamed with `0xFFFFFFFF` placeholders), raw PCM, and a small MP3
//! fixture made with ffmpeg.

use std::io::Cursor;
use std::path::PathBuf;

/// Seconds of "speech" a test server answers per spoken character.
pub const SECONDS_PER_CHAR: f32 = 0.2;

/// Spoken characters in `text` (letters and digits, hanzi included).
pub fn spoken_chars(text: &str) -> usize {
    text.chars().filter(|c| c.is_alphanumeric()).count()
}

/// A tone whose pitch depends on `text` and whose length is [`SECONDS_PER_CHAR`] per
/// spoken character, at `rate`.
pub fn speech_for(text: &str, rate: u32) -> Vec<f32> {
    let seed = text
        .chars()
        .map(|c| c as u32)
        .fold(0u32, |a, c| a.wrapping_mul(31).wrapping_add(c));
    let hz = 180.0 + (seed % 200) as f32;
    let seconds = SECONDS_PER_CHAR * spoken_chars(text).max(1) as f32;
    tone(rate, hz, seconds)
}

/// A tone of `hz` for `seconds`, pulsing four times a second like syllables.
pub fn tone(rate: u32, hz: f32, seconds: f32) -> Vec<f32> {
    let n = (rate as f32 * seconds) as usize;
    (0..n)
        .map(|i| {
            let t = i as f32 / rate as f32;
            let envelope = 0.6 + 0.4 * (t * 4.0 * std::f32::consts::TAU).sin();
            0.4 * envelope * (t * hz * std::f32::consts::TAU).sin()
        })
        .collect()
}

/// 16-bit WAV with correct sizes.
pub fn wav(rate: u32, channels: u16, samples: &[f32]) -> Vec<u8> {
    let spec = hound::WavSpec {
        channels,
        sample_rate: rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut cursor = Cursor::new(Vec::new());
    let mut writer = hound::WavWriter::new(&mut cursor, spec).unwrap();
    for &s in samples {
        for _ in 0..channels {
            writer.write_sample((s * 32767.0) as i16).unwrap();
        }
    }
    writer.finalize().unwrap();
    cursor.into_inner()
}

/// The WAV as a streaming server sends it: RIFF and data sizes `0xFFFFFFFF`.
pub fn streamed(mut wav: Vec<u8>) -> Vec<u8> {
    wav[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
    let data = wav.windows(4).position(|w| w == b"data").unwrap();
    wav[data + 4..data + 8].copy_from_slice(&u32::MAX.to_le_bytes());
    wav
}

/// Headerless signed 16-bit little-endian PCM.
pub fn pcm(samples: &[f32]) -> Vec<u8> {
    samples
        .iter()
        .flat_map(|s| ((s * 32767.0) as i16).to_le_bytes())
        .collect()
}

/// `tests/fixtures/audio/NAME`.
pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/audio")
        .join(name)
}

/// A 2 s, 16 kHz mono MP3 tone (made with ffmpeg, 6 KB).
pub fn mp3_2s() -> Vec<u8> {
    std::fs::read(fixture("mono-16000Hz-tone-2s.mp3")).unwrap()
}
