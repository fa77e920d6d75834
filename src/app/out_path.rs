//! What an `--out` path may be: standard output (`-`), a missing file in an existing folder,
//! or a regular file to replace. Never a device node, FIFO, socket or folder (nor a symlink
//! to one): run as root, replacing `/dev/full` by a WAV breaks the machine.

use std::fs::FileType;
use std::path::{Path, PathBuf};

/// Where a command's output goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum OutPath {
    /// `-`: the bytes go to standard output.
    Stdout,
    /// A regular file (missing or to be replaced); a symlink is followed to its target.
    File(PathBuf),
}

/// Why an output path is refused.
#[derive(Debug, thiserror::Error)]
pub(super) enum OutPathError {
    /// The path is something other than a regular file.
    #[error(
        "`{}` is {kind}, not a regular file; dalaba only writes regular files (use `-` for standard output)",
        path.display()
    )]
    NotAFile {
        /// The path as given.
        path: PathBuf,
        /// What it is, in words.
        kind: &'static str,
    },
    /// The folder it would go in does not exist.
    #[error("the folder `{}` does not exist; create it first (`mkdir -p {}`)", dir.display(), dir.display())]
    NoFolder {
        /// The missing folder.
        dir: PathBuf,
    },
    /// A symlink that points nowhere.
    #[error("`{}` is a symlink to `{}`, which does not exist", path.display(), target.display())]
    Dangling {
        /// The link.
        path: PathBuf,
        /// What it points at.
        target: PathBuf,
    },
    /// The path could not be examined.
    #[error("cannot examine `{}`: {source}", path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
}

/// Checks `path` as a destination and says where the bytes should go.
pub(super) fn check(path: &Path) -> Result<OutPath, OutPathError> {
    if path.as_os_str() == "-" {
        return Ok(OutPath::Stdout);
    }
    let io = |source| OutPathError::Io {
        path: path.to_owned(),
        source,
    };
    match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            folder_exists(path)?;
            Ok(OutPath::File(path.to_owned()))
        }
        Err(e) => Err(io(e)),
        Ok(meta) if meta.file_type().is_symlink() => {
            let target = std::fs::canonicalize(path).map_err(|_| OutPathError::Dangling {
                path: path.to_owned(),
                target: std::fs::read_link(path).unwrap_or_default(),
            })?;
            let meta = std::fs::metadata(&target).map_err(io)?;
            regular(path, meta.file_type())?;
            Ok(OutPath::File(target))
        }
        Ok(meta) => {
            regular(path, meta.file_type())?;
            Ok(OutPath::File(path.to_owned()))
        }
    }
}

/// Copies the finished file at `path` to standard output (`--out -`).
pub(super) fn copy_to_stdout(path: &Path) -> anyhow::Result<()> {
    use anyhow::Context;
    use std::io::Write;
    let mut file = std::fs::File::open(path)
        .with_context(|| crate::t!("error-cannot-read", path = path.display().to_string()))?;
    let mut stdout = std::io::stdout().lock();
    std::io::copy(&mut file, &mut stdout)
        .and_then(|_| stdout.flush())
        .with_context(|| crate::t!("error-stdout"))?;
    Ok(())
}

/// The folder `path` would be created in must already exist.
fn folder_exists(path: &Path) -> Result<(), OutPathError> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => return Ok(()),
    };
    if dir.is_dir() {
        Ok(())
    } else {
        Err(OutPathError::NoFolder {
            dir: dir.to_owned(),
        })
    }
}

fn regular(path: &Path, kind: FileType) -> Result<(), OutPathError> {
    use std::os::unix::fs::FileTypeExt;
    let kind = if kind.is_file() {
        return Ok(());
    } else if kind.is_dir() {
        "a folder"
    } else if kind.is_char_device() || kind.is_block_device() {
        "a device"
    } else if kind.is_fifo() {
        "a FIFO (named pipe)"
    } else if kind.is_socket() {
        "a socket"
    } else {
        "not a regular file"
    };
    Err(OutPathError::NotAFile {
        path: path.to_owned(),
        kind,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dash_is_stdout_and_missing_files_in_existing_folders_are_fine() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(check(Path::new("-")).unwrap(), OutPath::Stdout);
        let new = dir.path().join("new.wav");
        assert_eq!(check(&new).unwrap(), OutPath::File(new.clone()));
        std::fs::write(&new, b"old").unwrap();
        assert_eq!(check(&new).unwrap(), OutPath::File(new));
    }

    #[test]
    fn devices_folders_fifos_and_missing_folders_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let err = check(Path::new("/dev/null")).unwrap_err().to_string();
        assert!(err.contains("`/dev/null` is a device"), "{err}");
        let err = check(dir.path()).unwrap_err().to_string();
        assert!(err.contains("is a folder"), "{err}");
        let fifo = dir.path().join("fifo");
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        let err = check(&fifo).unwrap_err().to_string();
        assert!(err.contains("FIFO"), "{err}");
        let err = check(&dir.path().join("no/such/x.wav"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("no/such` does not exist"), "{err}");
    }

    #[test]
    fn symlinks_are_followed_to_regular_files_only() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.wav");
        std::fs::write(&real, b"x").unwrap();
        let link = dir.path().join("link.wav");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        assert_eq!(
            check(&link).unwrap(),
            OutPath::File(std::fs::canonicalize(&real).unwrap())
        );
        let to_dev = dir.path().join("dev.wav");
        std::os::unix::fs::symlink("/dev/null", &to_dev).unwrap();
        assert!(check(&to_dev).unwrap_err().to_string().contains("device"));
        let dangling = dir.path().join("dangling.wav");
        std::os::unix::fs::symlink(dir.path().join("gone"), &dangling).unwrap();
        assert!(
            check(&dangling)
                .unwrap_err()
                .to_string()
                .contains("does not exist")
        );
    }
}
