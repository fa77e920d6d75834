//! `dalaba init [DIR]`: a new station, ready for `dalaba check`: the settings with their
//! defaults, the offline voice, a sample lexicon, the example voices (not loaded) and a
//! schedule whose slots are commented out, so nothing airs until someone chooses to.

use std::path::Path;

use anyhow::Context;

/// Files of a new station, relative to it, with their contents.
const FILES: &[(&str, &str)] = &[
    ("dalaba.toml", include_str!("../../dalaba.toml")),
    (
        "voices/default.toml",
        include_str!("../../voices/default.toml"),
    ),
    (
        "voices/espeak.toml",
        include_str!("../../voices/espeak.toml"),
    ),
    (
        "voices/lexicon.toml",
        include_str!("../../voices/lexicon.toml"),
    ),
    (
        "voices/examples/README.md",
        include_str!("../../voices/examples/README.md"),
    ),
    (
        "voices/examples/openai.toml",
        include_str!("../../voices/examples/openai.toml"),
    ),
    (
        "voices/examples/piper.toml",
        include_str!("../../voices/examples/piper.toml"),
    ),
    (
        "voices/examples/command.toml",
        include_str!("../../voices/examples/command.toml"),
    ),
    (
        "voices/examples/aliyun.toml",
        include_str!("../../voices/examples/aliyun.toml"),
    ),
    (
        "voices/examples/baidu.toml",
        include_str!("../../voices/examples/baidu.toml"),
    ),
    (
        "voices/examples/azure.toml",
        include_str!("../../voices/examples/azure.toml"),
    ),
    (
        "voices/examples/coqui.toml",
        include_str!("../../voices/examples/coqui.toml"),
    ),
    (
        "voices/examples/marytts.toml",
        include_str!("../../voices/examples/marytts.toml"),
    ),
    (
        "voices/examples/opentts.toml",
        include_str!("../../voices/examples/opentts.toml"),
    ),
];

/// The sample schedule, every line commented out.
const SCHEDULE: &str = include_str!("../../schedules/news.toml");

pub(super) fn run(dir: &Path) -> anyhow::Result<()> {
    let settings = dir.join("dalaba.toml");
    let shown = super::escape::line(&dir.display().to_string()).into_owned();
    anyhow::ensure!(
        !settings.exists(),
        crate::t!("init-already", dir = shown.clone())
    );
    for (rel, text) in FILES {
        write_new(&dir.join(rel), text)?;
    }
    write_new(&dir.join("schedules/news.toml"), &commented(SCHEDULE))?;
    println!("{}", crate::t!("init-done", dir = shown));
    Ok(())
}

/// `text` with every line commented out, under a note saying how to turn it on.
fn commented(text: &str) -> String {
    let mut out = String::from(
        "# A sample schedule: remove the leading `# ` of a [[slot]] block to air it, then run\n# `dalaba check`. Nothing airs while every line here is a comment.\n#\n",
    );
    for line in text.lines() {
        if line.is_empty() || line.starts_with('#') {
            out.push_str(line);
        } else {
            out.push_str("# ");
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

/// Writes `text` to `path`, making its folder; never replaces a file already there.
fn write_new(path: &Path, text: &str) -> anyhow::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .with_context(|| crate::t!("error-cannot-create", path = dir.display().to_string()))?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .with_context(|| crate::t!("error-cannot-create", path = path.display().to_string()))?;
    std::io::Write::write_all(&mut file, text.as_bytes())
        .with_context(|| crate::t!("error-cannot-write", path = path.display().to_string()))
}
