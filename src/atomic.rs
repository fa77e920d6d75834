//! Files that appear whole or not at all: written to a temp file beside the target, synced,
//! renamed into place, and the directory synced so the rename itself survives a power cut.
//! Every state file (program WAVs, their summaries, cache entries) is written this way. \[edge\]

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// A temp file beside its target. Dropped without [`TempFile::commit`], it is removed, so a
/// failed write leaves nothing behind.
#[derive(Debug)]
pub struct TempFile {
    tmp: PathBuf,
    target: PathBuf,
    committed: bool,
}

impl TempFile {
    /// The temp path for `target` (nothing is created yet): `dir/.NAME.PID.tmp`, in the same
    /// directory so the rename is atomic.
    pub fn beside(target: &Path) -> TempFile {
        TempFile {
            tmp: temp_path(target),
            target: target.to_owned(),
            committed: false,
        }
    }

    /// Where the data is written until it is committed.
    pub fn path(&self) -> &Path {
        &self.tmp
    }

    /// The file it will become.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Creates (truncates) the temp file for writing.
    pub fn create(&self) -> io::Result<File> {
        File::create(&self.tmp)
    }

    /// Syncs the temp file, renames it onto the target and syncs the directory.
    pub fn commit(self) -> io::Result<()> {
        let target = self.target.clone();
        self.commit_as(&target)
    }

    /// Like [`TempFile::commit`], onto `other` instead (e.g. a program kept as
    /// `NAME.failed.wav`); `other` must be in the same directory.
    pub fn commit_as(mut self, other: &Path) -> io::Result<()> {
        File::open(&self.tmp)?.sync_all()?;
        std::fs::rename(&self.tmp, other)?;
        self.committed = true;
        sync_parent(other)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// Writes `path` atomically: `fill` writes into a buffered temp file, which becomes `path`
/// only when `fill` and the sync succeeded. `io` turns filesystem errors into `E`.
pub fn write_with<T, E>(
    path: &Path,
    fill: impl FnOnce(&mut BufWriter<File>) -> Result<T, E>,
    io: impl Fn(io::Error) -> E,
) -> Result<T, E> {
    let temp = TempFile::beside(path);
    let mut file = BufWriter::new(temp.create().map_err(&io)?);
    let value = fill(&mut file)?;
    // Flushed and closed here; `commit` syncs it (once) before the rename.
    drop(file.into_inner().map_err(|e| io(e.into_error()))?);
    temp.commit().map_err(&io)?;
    Ok(value)
}

/// Writes `bytes` to `path` atomically.
pub fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_with(path, |file| file.write_all(bytes), |e| e)
}

/// Writes `bytes` to `path` whole or not at all, without waiting for the disk: for files that
/// carry their own checksum, which every reader verifies (cache entries). A power cut may lose
/// the file or leave it torn, and the reader then rejects it and makes it again; it never
/// sees a half-written file as whole. Saves a sync per file, the slowest step of a render's tail.
pub fn write_unsynced(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let temp = TempFile::beside(path);
    let mut file = temp.create()?;
    file.write_all(bytes)?;
    drop(file);
    std::fs::rename(temp.path(), temp.target())?;
    let mut temp = temp;
    temp.committed = true;
    Ok(())
}

/// Removes `path` and syncs its directory, so the removal is durable; a missing file is fine.
pub fn remove(path: &Path) -> io::Result<()> {
    match std::fs::remove_file(path) {
        Ok(()) => sync_parent(path),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// `dir/name.wav` → `dir/.name.wav.PID.tmp`.
pub fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.{}.tmp", std::process::id()))
}

/// Syncs the directory holding `path`, making a rename or removal in it durable.
fn sync_parent(path: &Path) -> io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    File::open(dir)?.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn a_write_replaces_the_file_whole_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.json");
        write(&path, b"old").unwrap();
        write(&path, b"new").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        assert_eq!(names(dir.path()), ["a.json"]);
    }

    #[test]
    fn an_unsynced_write_also_replaces_the_file_whole_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("entry.wav");
        write_unsynced(&path, b"old").unwrap();
        write_unsynced(&path, b"new").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        assert_eq!(names(dir.path()), ["entry.wav"]);
    }

    #[test]
    fn a_failed_fill_leaves_the_old_file_and_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.json");
        write(&path, b"old").unwrap();
        let result: io::Result<()> = write_with(
            &path,
            |file| {
                file.write_all(b"half")?;
                Err(io::Error::other("disk full"))
            },
            |e| e,
        );
        assert!(result.is_err());
        assert_eq!(std::fs::read(&path).unwrap(), b"old");
        assert_eq!(names(dir.path()), ["a.json"]);
    }

    #[test]
    fn an_uncommitted_temp_file_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        let temp = TempFile::beside(&dir.path().join("p.wav"));
        std::fs::write(temp.path(), b"x").unwrap();
        drop(temp);
        assert!(names(dir.path()).is_empty());
        remove(&dir.path().join("absent")).unwrap();
    }
}
