//! Locks between processes: one per airing, one for the loudspeaker, one for the daemon.
//! All are advisory file locks the OS drops when the process dies.

use std::fs::File;
use std::path::Path;
use std::time::Duration;

use anyhow::Context;
use jiff::Timestamp;

use crate::station::Station;

/// Lock files older than this belong to airings long finished.
const OLD_LOCK: Duration = Duration::from_secs(3 * 24 * 3600);

/// Deletes lock files created more than [`OLD_LOCK`] ago: nobody holds these.
pub(super) fn remove_old_locks(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > OLD_LOCK);
        if old {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// An exclusive lock on `state/locks/…` for one airing, held while this process owns it.
#[derive(Debug)]
pub struct AiringLock {
    _file: File,
}

impl AiringLock {
    /// Takes the lock of `(slot, at)` unless another process holds it.
    pub fn try_take(
        station: &Station,
        slot: &str,
        at: Timestamp,
    ) -> anyhow::Result<Option<AiringLock>> {
        let key = blake3::hash(format!("{slot}\0{}", at.as_millisecond()).as_bytes()).to_hex();
        let path = station
            .state_dir()
            .join("locks")
            .join(format!("{}.lock", &key[..20]));
        Ok(try_lock_file(&path)?.map(|file| AiringLock { _file: file }))
    }
}

/// Opens `path` (creating it and its folder) and takes an exclusive lock on it without
/// waiting; `None` when another process holds it.
fn try_lock_file(path: &Path) -> anyhow::Result<Option<File>> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create `{}`", dir.display()))?;
    }
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .with_context(|| format!("cannot open the lock `{}`", path.display()))?;
    try_lock(file, path)
}

fn try_lock(file: File, path: &Path) -> anyhow::Result<Option<File>> {
    match file.try_lock() {
        Ok(()) => Ok(Some(file)),
        Err(std::fs::TryLockError::WouldBlock) => Ok(None),
        Err(std::fs::TryLockError::Error(e)) => {
            Err(e).with_context(|| format!("cannot lock `{}`", path.display()))
        }
    }
}

/// The loudspeaker is one: programs play one after another, never over each other.
#[derive(Debug)]
pub(super) struct PlayerLock {
    _file: File,
}

impl PlayerLock {
    /// Waits for the loudspeaker.
    pub(super) async fn take(station: &Station) -> anyhow::Result<PlayerLock> {
        let dir = station.state_dir();
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create `{}`", dir.display()))?;
        let path = dir.join("player.lock");
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .with_context(|| format!("cannot open the lock `{}`", path.display()))?;
        if let Some(file) = try_lock(file.try_clone()?, &path)? {
            return Ok(PlayerLock { _file: file });
        }
        let file = tokio::task::spawn_blocking(move || file.lock().map(|()| file))
            .await
            .context("the lock thread failed")?
            .with_context(|| format!("cannot lock `{}`", path.display()))?;
        Ok(PlayerLock { _file: file })
    }
}

/// A lock on the station directory itself while `run` is up: it survives `state/` being
/// deleted, so a second daemon can never start beside the first.
#[derive(Debug)]
pub struct DaemonLock {
    _file: File,
}

impl DaemonLock {
    /// Takes the daemon lock; `None` when another daemon runs.
    pub fn try_take(station: &Station) -> anyhow::Result<Option<DaemonLock>> {
        let root = &station.root;
        let dir = File::open(root)
            .with_context(|| format!("cannot open the station directory `{}`", root.display()))?;
        Ok(try_lock(dir, root)?.map(|file| DaemonLock { _file: file }))
    }

    /// Whether a daemon is running on `station`.
    pub fn held(station: &Station) -> bool {
        matches!(DaemonLock::try_take(station), Ok(None))
    }
}
