//! Errors as a clerk reads them: under a Chinese locale the typed library errors a clerk
//! meets most are worded from the catalogue, by variant, keeping the names of files, lines,
//! keys and voices as they are; the core's own `Display` stays English (the core knows no
//! locale). Any other error, and every error in English, prints as its chain. \[glue\]

use std::error::Error;

use crate::article::ArticleError;
use crate::i18n::{self, Lang};
use crate::media::wav::WavError;
use crate::player::PlayError;
use crate::program::AssembleError;
use crate::schedule::ScheduleError;
use crate::station::StationError;
use crate::store::StoreError;
use crate::t;

use super::out_path::OutPathError;
use crate::toml_file::TomlError;

/// `err` as one line in the process's language.
pub(super) fn localized(err: &anyhow::Error) -> String {
    if i18n::lang() == Lang::En {
        return one_line(err);
    }
    for cause in err.chain() {
        // These say all there is: the outer context adds nothing a clerk needs.
        if let Some(StoreError::NoArticle(id)) = cause.downcast_ref() {
            return t!("error-no-article", id = *id);
        }
        if let Some(StationError::NotAStation { path }) = cause.downcast_ref() {
            return t!("error-not-a-station", dir = path.display().to_string());
        }
    }
    chain_line(err, "：", |c| io_cause(c).or_else(|| typed(c)))
}

/// `err` as one of `dalaba check`'s problems: its whole chain in English (as before), else
/// [`localized`].
pub(super) fn problem(err: &anyhow::Error) -> String {
    match i18n::lang() {
        Lang::En => format!("{err:#}"),
        Lang::Zh => localized(err),
    }
}

/// An error chain as one line: `outer: inner: cause`, without repeats.
pub(super) fn one_line(err: &anyhow::Error) -> String {
    chain_line(err, ": ", |_| None)
}

/// An error chain joined by `separator`, each cause as `shown` gives it or as it displays.
fn chain_line(
    err: &anyhow::Error,
    separator: &str,
    shown: impl Fn(&(dyn Error + 'static)) -> Option<String>,
) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in err.chain() {
        let text = shown(cause).unwrap_or_else(|| cause.to_string());
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
    }
    parts.join(separator).replace('\n', " ")
}

/// The system's most common I/O refusals in the process's language (the OS words them in
/// English).
fn io_cause(cause: &(dyn Error + 'static)) -> Option<String> {
    let id = match cause.downcast_ref::<std::io::Error>()?.kind() {
        std::io::ErrorKind::NotFound => "io-not-found",
        std::io::ErrorKind::PermissionDenied => "io-permission-denied",
        std::io::ErrorKind::AlreadyExists => "io-already-exists",
        std::io::ErrorKind::NotADirectory => "io-not-a-directory",
        std::io::ErrorKind::IsADirectory => "io-is-a-directory",
        std::io::ErrorKind::StorageFull => "io-storage-full",
        _ => return None,
    };
    Some(t!(id))
}

/// A typed library error from the catalogue; `None` for a type or variant it lacks.
fn typed(cause: &(dyn Error + 'static)) -> Option<String> {
    if let Some(e) = cause.downcast_ref::<TomlError>() {
        return Some(toml(e));
    }
    if let Some(e) = cause.downcast_ref::<StationError>() {
        return station(e);
    }
    if let Some(e) = cause.downcast_ref::<StoreError>() {
        return store(e);
    }
    if let Some(e) = cause.downcast_ref::<ArticleError>() {
        return Some(article(e));
    }
    if let Some(e) = cause.downcast_ref::<ScheduleError>() {
        return Some(schedule(e));
    }
    if let Some(WavError::Io { path, .. }) = cause.downcast_ref() {
        return Some(t!("error-cannot-write", path = shown(path)));
    }
    if let Some(AssembleError::Io { path, .. }) = cause.downcast_ref() {
        return Some(t!("error-cannot-write", path = shown(path)));
    }
    if let Some(e) = cause.downcast_ref::<OutPathError>() {
        return Some(out_path(e));
    }
    cause.downcast_ref::<PlayError>().map(play)
}

fn shown(path: &std::path::Path) -> String {
    path.display().to_string()
}

/// A TOML file: unreadable (its OS cause follows in the chain) or wrong at a line.
fn toml(e: &TomlError) -> String {
    match e {
        TomlError::Read { path, .. } => t!("error-cannot-read", path = shown(path)),
        TomlError::Invalid {
            path,
            line,
            message,
        } => t!(
            "error-file-line",
            path = shown(path),
            line = *line,
            message = message.clone()
        ),
    }
}

fn station(e: &StationError) -> Option<String> {
    Some(match e {
        StationError::Toml(e) => toml(e),
        StationError::BadVoiceName { name, hint } => t!(
            "error-bad-voice-name",
            name = name.clone(),
            hint = hint.clone()
        ),
        StationError::UnknownVoice { name, path, known } => t!(
            "error-unknown-voice",
            name = name.clone(),
            path = shown(path),
            known = known.clone()
        ),
        StationError::BadSetting { path, key, message } => t!(
            "error-bad-setting",
            path = shown(path),
            key = *key,
            message = message.clone()
        ),
        StationError::Io { path, .. } => t!("error-cannot-read", path = shown(path)),
        _ => return None,
    })
}

fn store(e: &StoreError) -> Option<String> {
    Some(match e {
        StoreError::NoArticle(id) => t!("error-no-article", id = *id),
        StoreError::TooNew { path, found, known } => t!(
            "error-db-too-new",
            path = shown(path),
            found = *found,
            known = *known
        ),
        StoreError::TooOld { path, found, known } => t!(
            "error-db-too-old",
            path = shown(path),
            found = *found,
            known = *known
        ),
        StoreError::Refused { id, status, hint } => t!(
            "error-refused",
            id = *id,
            status = t!(&format!("status-{}", status.as_str())),
            hint = *hint
        ),
        StoreError::Stale { id, current } => {
            t!("error-stale", id = *id, current = current.clone())
        }
        _ => return None,
    })
}

fn article(e: &ArticleError) -> String {
    match e {
        ArticleError::Encoding { path, why } => {
            t!("error-encoding", path = shown(path), why = *why)
        }
        ArticleError::TooLarge { path, size, limit } => t!(
            "error-too-large",
            path = shown(path),
            size = *size,
            limit = *limit
        ),
        ArticleError::Empty { path } => t!("error-empty-article", path = shown(path)),
        ArticleError::FrontMatter(e) => toml(e),
        ArticleError::LineChoice {
            path,
            key,
            line,
            why,
        } => t!(
            "error-line-choice",
            path = shown(path),
            key = *key,
            line = *line,
            why = why.clone()
        ),
        ArticleError::UnclosedFrontMatter { path } => {
            t!("error-unclosed-front-matter", path = shown(path))
        }
    }
}

fn schedule(e: &ScheduleError) -> String {
    match e {
        ScheduleError::Toml(e) => toml(e),
        ScheduleError::Slot {
            path,
            line,
            slot,
            message,
        } => t!(
            "error-slot",
            path = shown(path),
            line = *line,
            slot = slot.clone(),
            message = message.clone()
        ),
    }
}

fn play(e: &PlayError) -> String {
    match e {
        PlayError::NoDevice(why) => t!("error-no-device", why = why.clone()),
        PlayError::NoSuchDevice { name, known } => t!(
            "error-no-such-device",
            name = name.clone(),
            known = known.clone()
        ),
        PlayError::Device(why) => t!("error-device", why = why.clone()),
    }
}

/// Where `--out` would write.
fn out_path(e: &OutPathError) -> String {
    match e {
        OutPathError::NotAFile { path, kind } => t!(
            "error-out-not-a-file",
            path = shown(path),
            kind = t!(match *kind {
                "a folder" => "file-kind-folder",
                "a device" => "file-kind-device",
                "a FIFO (named pipe)" => "file-kind-fifo",
                "a socket" => "file-kind-socket",
                _ => "file-kind-other",
            })
        ),
        OutPathError::NoFolder { dir } => t!("error-out-no-folder", dir = shown(dir)),
        OutPathError::Dangling { path, target } => t!(
            "error-out-dangling",
            path = shown(path),
            target = shown(target)
        ),
        OutPathError::Io { path, .. } => t!("error-out-examine", path = shown(path)),
    }
}
