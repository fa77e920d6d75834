//! Local engines, spawned directly (no shell): `espeak` runs espeak-ng with the text as one
//! argument after `--`, so nothing in an article is read as an option; `command` runs any
//! program with `{text}` and `{out}` placeholders in its argument list.

use std::path::PathBuf;

use tokio::process::Command;

use super::{BackendKind, BoxFuture, EncodedAudio, SynthError, Synthesizer, VoiceProfile};

/// espeak-ng's normal rate in words per minute, which `speed = 1.0` maps to.
const NORMAL_WPM: f32 = 175.0;

/// A local program that writes WAV to stdout or to a file.
#[derive(Debug, Clone)]
pub struct Espeak {
    program: String,
    /// Arguments with `{text}` / `{out}` placeholders.
    args: Vec<String>,
    package: String,
}

impl Espeak {
    /// From a profile: `espeak` builds espeak-ng's arguments from `voice` and `speed`;
    /// `command` takes `program` and `args` as written.
    pub fn new(profile: &VoiceProfile) -> Result<Self, SynthError> {
        let program = profile.endpoint();
        if profile.kind == BackendKind::Command {
            if program.is_empty() || !profile.args.iter().any(|a| a.contains("{text}")) {
                return Err(SynthError::Config(format!(
                    "voice `{}` of kind `command` needs `program` and `args` with a `{{text}}` placeholder",
                    profile.name
                )));
            }
            return Ok(Self {
                package: program.clone(),
                program,
                args: profile.args.clone(),
            });
        }
        let voice = profile
            .voice
            .clone()
            .unwrap_or_else(|| "cmn-latn-pinyin".into());
        let wpm = (NORMAL_WPM * profile.speed).round().clamp(80.0, 450.0) as u32;
        let args = [
            "--stdout",
            "-v",
            &voice,
            "-s",
            &wpm.to_string(),
            "--",
            "{text}",
        ]
        .map(str::to_owned)
        .to_vec();
        Ok(Self {
            program,
            args,
            package: "espeak-ng".into(),
        })
    }

    async fn run(&self, text: &str) -> Result<EncodedAudio, SynthError> {
        let out_file = self
            .args
            .iter()
            .any(|a| a.contains("{out}"))
            .then(temp_wav)
            .transpose()
            .map_err(|e| SynthError::Program {
                program: self.program.clone(),
                message: format!("cannot make a temporary file: {e}"),
            })?;
        let out_path = out_file
            .as_ref()
            .map(|f| f.path().to_string_lossy().into_owned());
        let args = self.args.iter().map(|a| {
            let a = a.replace("{text}", text);
            match &out_path {
                Some(p) => a.replace("{out}", p),
                None => a,
            }
        });
        let output = Command::new(&self.program)
            .args(args)
            .kill_on_drop(true)
            .output()
            .await
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::NotFound => SynthError::MissingProgram {
                    program: self.program.clone(),
                    package: self.package.clone(),
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
        let bytes = match &out_file {
            Some(file) => std::fs::read(file.path()).map_err(|e| SynthError::Program {
                program: self.program.clone(),
                message: format!("wrote no `{{out}}` file: {e}"),
            })?,
            None => output.stdout,
        };
        Ok(EncodedAudio {
            bytes,
            content_type: Some("audio/wav".into()),
            raw_pcm: None,
        })
    }
}

/// A temporary file that is removed when dropped.
struct TempWav(PathBuf);

impl TempWav {
    fn path(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for TempWav {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn temp_wav() -> std::io::Result<TempWav> {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let path = std::env::temp_dir().join(format!("dalaba-{}-{n}.wav", std::process::id()));
    std::fs::File::create(&path)?;
    Ok(TempWav(path))
}

impl Synthesizer for Espeak {
    fn synthesize<'a>(&'a self, text: &'a str) -> BoxFuture<'a, Result<EncodedAudio, SynthError>> {
        Box::pin(self.run(text))
    }
}
