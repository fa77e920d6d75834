//! `dalaba voices` (each voice and whether its server answers), `dalaba voices test NAME`
//! (a fixed sentence through one voice, played or written) and `dalaba devices`.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use anyhow::Context;

use super::out_path::{self, OutPath};
use crate::article::Article;
use crate::media::wav;
use crate::pipeline::{self, ProgramOptions};
use crate::player::{self, AudioSink, Played, RodioSink};
use crate::program::ChimeSource;
use crate::station::Station;
use crate::tts::{BackendKind, VoiceProfile, neural};

/// What `voices test` says: a greeting, clause breaks and a count from one to five.
pub const TEST_SENTENCE: &str = "各位村民请注意，这是大喇叭的试音，一二三四五。";

/// How long `dalaba voices` waits for each server.
const PROBE_TIMEOUT: Duration = Duration::from_secs(3);

pub(super) fn list(station: &Station) -> anyhow::Result<()> {
    // One broken file is reported on its line; the other voices are still listed.
    let (voices, broken): (Vec<_>, Vec<_>) = station
        .voice_names()?
        .into_iter()
        .map(|name| station.voice(Some(&name)).map_err(|e| (name, e)))
        .partition(Result::is_ok);
    let voices: Vec<VoiceProfile> = voices.into_iter().filter_map(Result::ok).collect();
    let default = &station.settings.default_voice;
    let states = super::runtime()?.block_on(async {
        let probes = voices.iter().map(|v| tokio::spawn(probe(v.clone())));
        let mut states = Vec::new();
        for probe in probes.collect::<Vec<_>>() {
            states.push(probe.await.unwrap_or_else(|e| e.to_string()));
        }
        states
    });
    for (voice, state) in voices.iter().zip(states) {
        let mark = if &voice.name == default { "*" } else { " " };
        println!(
            "{mark} {:<18} {:<8} {:<48} {state}",
            voice.name,
            voice.kind.name(),
            super::escape::line(&voice.shown_endpoint()),
            state = super::escape::line(&state),
        );
    }
    for (name, err) in broken.into_iter().filter_map(Result::err) {
        println!(
            "! {:<18} {}",
            name,
            super::escape::line(&crate::t!("voices-unusable", error = err.to_string()))
        );
    }
    Ok(())
}

/// Whether a voice's server answers: any HTTP status counts as an answer; for local
/// engines, whether the program is installed.
async fn probe(voice: VoiceProfile) -> String {
    if voice.kind == BackendKind::Neural {
        return match neural::Files::of(&voice).missing() {
            None => crate::t!("voices-neural-installed"),
            Some(missing) => crate::t!("voices-not-installed", why = missing.to_string()),
        };
    }
    if !voice.kind.is_http() {
        let program = voice.endpoint();
        return match find_program(&program) {
            Some(path) => crate::t!("voices-installed", path = path.display().to_string()),
            None => crate::t!("voices-not-on-path", program = program),
        };
    }
    let base = voice
        .url
        .clone()
        .or_else(|| voice.kind.default_base().map(str::to_owned))
        .unwrap_or_default();
    let client = match reqwest::Client::builder().timeout(PROBE_TIMEOUT).build() {
        Ok(client) => client,
        Err(e) => return e.to_string(),
    };
    // An OpenAI-compatible server lists its models; the others have no documented probe,
    // so any HTTP answer at the base URL shows a server is there.
    let probe = match voice.kind {
        crate::tts::BackendKind::Openai => format!("{}/v1/models", base.trim_end_matches('/')),
        _ => base.clone(),
    };
    match client.get(&probe).send().await {
        Ok(response) if response.status().is_success() => crate::t!("voices-answers"),
        Ok(response) => crate::t!(
            "voices-server-answers",
            status = response.status().as_u16(),
            path = reqwest::Url::parse(&probe)
                .map(|u| u.path().to_owned())
                .unwrap_or(probe),
            voice = voice.name
        ),
        Err(e) if e.is_timeout() => {
            crate::t!("voices-no-answer-within", seconds = PROBE_TIMEOUT.as_secs())
        }
        Err(e) => crate::t!("voices-no-answer", why = root_cause(&e)),
    }
}

/// The innermost cause, e.g. `Connection refused (os error 111)`.
fn root_cause(err: &dyn std::error::Error) -> String {
    let mut cause = err;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

fn find_program(program: &str) -> Option<PathBuf> {
    let path = Path::new(program);
    if path.components().count() > 1 {
        return path.is_file().then(|| path.to_owned());
    }
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
}

pub(super) fn test(
    station: &Station,
    name: &str,
    out: Option<&Path>,
    device: Option<String>,
) -> anyhow::Result<()> {
    station.voice(Some(name))?;
    let dest = out.map(out_path::check).transpose()?;
    let scratch = tempfile::tempdir().with_context(|| crate::t!("error-temp-folder"))?;
    let path = match &dest {
        Some(OutPath::File(path)) => path.clone(),
        Some(OutPath::Stdout) => scratch.path().join("voice-test.wav"),
        None => {
            let dir = station.state_dir().join("preview");
            std::fs::create_dir_all(&dir).with_context(|| {
                crate::t!("error-cannot-create", path = dir.display().to_string())
            })?;
            dir.join(format!("voice-test-{name}.wav"))
        }
    };
    let article = Article {
        paragraphs: vec![TEST_SENTENCE.to_owned()],
        ..Article::default()
    };
    let options = ProgramOptions {
        voice: Some(name.to_owned()),
        repeat: 1,
        intro: Some(ChimeSource::None),
        outro: Some(ChimeSource::None),
        preamble: Some(String::new()),
        closing: Some(String::new()),
        without_fallback: true,
        ..ProgramOptions::default()
    };
    let voices = super::edges::voices();
    let summary = super::runtime()?.block_on(pipeline::build(
        station,
        voices.as_ref(),
        &[article],
        &options,
        &path,
    ))?;
    if dest == Some(OutPath::Stdout) {
        out_path::copy_to_stdout(&path)?;
        let said = crate::t!(
            "voices-said",
            voice = name,
            sentence = TEST_SENTENCE,
            seconds = format!("{:.1}", summary.duration),
            out = crate::t!("standard-output")
        );
        eprintln!("{said}");
        return Ok(());
    }
    let said = crate::t!(
        "voices-said",
        voice = name,
        sentence = TEST_SENTENCE,
        seconds = format!("{:.1}", summary.duration),
        out = super::escape::line(&path.display().to_string()).into_owned()
    );
    println!("{said}");
    if dest.is_some() {
        return Ok(());
    }
    let clip = wav::read_clip(&path)?;
    let device = device.or_else(|| station.settings.device.clone());
    let stop = Arc::new(AtomicBool::new(false));
    println!(
        "{}",
        played(RodioSink::new(device).play(&clip, &stop)?, &clip)
    );
    Ok(())
}

/// How a playback ended, for the terminal.
pub(super) fn played(played: Played, clip: &crate::audio::Clip) -> String {
    match played {
        Played::Finished => crate::t!(
            "played-seconds",
            seconds = format!("{:.1}", clip.duration())
        ),
        Played::Stopped => crate::t!("played-stopped"),
    }
}

pub(super) fn devices() -> anyhow::Result<()> {
    let devices = player::output_devices();
    if devices.len() == 1 {
        println!("{}", crate::t!("devices-none"));
    }
    for device in devices {
        println!(
            "{:<32} {}",
            super::escape::line(&device.name),
            super::escape::line(&device.description)
        );
    }
    Ok(())
}
