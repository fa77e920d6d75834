//! One connection to the station database, owned by its own thread. The engine hands it
//! closures and awaits their answers, so SQLite never blocks the async runtime and the
//! database is opened (and migrated) once per process, not once per question.

use std::path::{Path, PathBuf};
use std::sync::mpsc;

use super::{Store, StoreError};

type Job = Box<dyn FnOnce(&mut Store) + Send>;

/// A handle on the station database's thread; cheap to clone.
#[derive(Debug, Clone)]
pub struct StoreHandle {
    runner: Runner,
    path: PathBuf,
    file: Option<(u64, u64)>,
}

/// Where the handle's closures run.
#[derive(Debug, Clone)]
enum Runner {
    /// On the database's own thread.
    Thread(mpsc::Sender<Job>),
    /// On the caller's task: for tests under tokio's paused time, where waiting on another
    /// thread would let the clock jump.
    Inline(std::sync::Arc<std::sync::Mutex<Store>>),
}

/// `(device, inode)` of `path`, to notice the file being deleted or replaced.
fn identity(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

impl StoreHandle {
    /// Starts the database thread on an open store.
    pub fn new(mut store: Store) -> StoreHandle {
        let path = store.path().to_owned();
        let file = identity(&path);
        let (jobs, inbox) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("dalaba-db".into())
            .spawn(move || {
                for job in inbox {
                    job(&mut store);
                }
            })
            .map(|_| ())
            .unwrap_or_else(|e| tracing::error!("cannot start the database thread: {e}"));
        StoreHandle {
            runner: Runner::Thread(jobs),
            path,
            file,
        }
    }

    /// A handle that runs its closures on the caller's task: for tests under tokio's paused
    /// time, where waiting on another thread would let the clock jump.
    pub fn inline(store: Store) -> StoreHandle {
        let path = store.path().to_owned();
        let file = identity(&path);
        StoreHandle {
            runner: Runner::Inline(std::sync::Arc::new(std::sync::Mutex::new(store))),
            path,
            file,
        }
    }

    /// Runs `f` on the database thread and returns its answer.
    pub async fn call<T, F>(&self, f: F) -> anyhow::Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> Result<T, StoreError> + Send + 'static,
    {
        let jobs = match &self.runner {
            Runner::Thread(jobs) => jobs,
            Runner::Inline(store) => {
                let mut store = store.lock().map_err(|_| {
                    anyhow::anyhow!("the database `{}` is poisoned", self.path.display())
                })?;
                return Ok(f(&mut store)?);
            }
        };
        let (tx, rx) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move |store| {
            let _ = tx.send(f(store));
        });
        jobs.send(job).map_err(|_| {
            anyhow::anyhow!(
                "the database thread for `{}` has stopped",
                self.path.display()
            )
        })?;
        let answer = rx.await.map_err(|_| {
            anyhow::anyhow!(
                "the database thread for `{}` has stopped",
                self.path.display()
            )
        })?;
        Ok(answer?)
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Fails when the file this handle writes to is no longer the one at its path (deleted
    /// or replaced under a running daemon): writing on would lose everything.
    pub fn check_file(&self) -> anyhow::Result<()> {
        let now = identity(&self.path);
        anyhow::ensure!(
            now.is_some() && now == self.file,
            "the station database `{}` was deleted or replaced while dalaba was running; stop dalaba and restore the file from a backup",
            self.path.display()
        );
        Ok(())
    }
}
