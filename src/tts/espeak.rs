//! The offline voice: local `espeak-ng`, spawned directly (no shell), text passed as a
//! single argument after `--` so nothing in an article is read as an option.

use tokio::process::Command;

use super::{BoxFuture, EncodedAudio, SynthError, Synthesizer, VoiceProfile};

/// espeak-ng's normal rate in words per minute, which `speed = 1.0` maps to.
const NORMAL_WPM: f32 = 175.0;

/// A local espeak-ng voice.
#[derive(Debug, Clone)]
pub struct Espeak {
    program: String,
    voice: String,
    wpm: u32,
}

impl Espeak {
    /// From a profile: `url` may name the program, `voice` the espeak-ng voice.
    pub fn new(profile: &VoiceProfile) -> Self {
        Self {
            program: profile.url.clone().unwrap_or_else(|| "espeak-ng".into()),
            voice: profile
                .voice
                .clone()
                .unwrap_or_else(|| "cmn-latn-pinyin".into()),
            wpm: (NORMAL_WPM * profile.speed).round().clamp(80.0, 450.0) as u32,
        }
    }

    async fn run(&self, text: &str) -> Result<EncodedAudio, SynthError> {
        let output = Command::new(&self.program)
            .args([
                "--stdout",
                "-v",
                &self.voice,
                "-s",
                &self.wpm.to_string(),
                "--",
            ])
            .arg(text)
            .kill_on_drop(true)
            .output()
            .await
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::NotFound => SynthError::MissingProgram {
                    program: self.program.clone(),
                },
                _ => SynthError::Program {
                    program: self.program.clone(),
                    message: e.to_string(),
                },
            })?;
        if !output.status.success() {
            return Err(SynthError::Program {
                program: self.program.clone(),
                message: format!(
                    "{}: {}",
                    output.status,
                    String::from_utf8_lossy(&output.stderr).trim()
                ),
            });
        }
        Ok(EncodedAudio {
            bytes: output.stdout,
            content_type: Some("audio/wav".into()),
        })
    }
}

impl Synthesizer for Espeak {
    fn synthesize<'a>(&'a self, text: &'a str) -> BoxFuture<'a, Result<EncodedAudio, SynthError>> {
        Box::pin(self.run(text))
    }
}
