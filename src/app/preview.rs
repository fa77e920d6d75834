//! `dalaba preview FILE… [--repeat N]`: render, then play now, blocking until the end; Ctrl-C stops cleanly.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Context;

use super::out_path::{self, OutPath};
use crate::media::wav;
use crate::player::{AudioSink, RodioSink};
use crate::station::Station;

pub(super) fn run(
    station: &Station,
    files: &[PathBuf],
    voice: Option<&str>,
    repeat: Option<u32>,
    out: Option<&Path>,
    device: Option<String>,
) -> anyhow::Result<()> {
    let dest = out.map(out_path::check).transpose()?;
    let scratch = tempfile::tempdir().with_context(|| crate::t!("error-temp-folder"))?;
    let (path, keep) = match &dest {
        Some(OutPath::File(path)) => (path.clone(), true),
        Some(OutPath::Stdout) => (scratch.path().join("preview.wav"), false),
        None => {
            let path = default_out(
                station,
                files.first().map_or(Path::new("preview"), |f| f.as_path()),
            );
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).with_context(|| {
                    crate::t!("error-cannot-create", path = dir.display().to_string())
                })?;
            }
            (path, false)
        }
    };
    let summary = super::render::render_files(station, files, &path, voice, repeat)?;
    let described = super::render::describe(&summary);
    if dest == Some(OutPath::Stdout) {
        out_path::copy_to_stdout(&path)?;
        let out = crate::t!("standard-output");
        eprintln!("{}", crate::t!("wrote", out = out, summary = described));
    } else {
        let shown = super::escape::line(&path.display().to_string()).into_owned();
        println!("{}", crate::t!("wrote", out = shown, summary = described));
    }
    let clip = wav::read_clip(&path)?;
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    std::thread::spawn(move || {
        if let Ok(rt) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            let _ = rt.block_on(tokio::signal::ctrl_c());
            flag.store(true, Ordering::SeqCst);
        }
    });
    let device = device.or_else(|| station.settings.device.clone());
    let played = RodioSink::new(device)
        .play(&clip, &stop)
        .with_context(|| crate::t!("preview-unplayable", path = path.display().to_string()))?;
    let said = super::voices::played(played, &clip);
    if dest == Some(OutPath::Stdout) {
        eprintln!("{said}");
    } else {
        println!("{said}");
    }
    if !keep {
        tracing::info!("preview kept at {}", path.display());
    }
    Ok(())
}

/// `state/preview/STEM.wav` in the station.
fn default_out(station: &Station, file: &Path) -> PathBuf {
    let stem = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "preview".into());
    station
        .state_dir()
        .join("preview")
        .join(format!("{stem}.wav"))
}
