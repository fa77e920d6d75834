//! As-run rows waiting for the hub: one file per row, written whole, deleted only once the
//! hub has accepted it, so rows survive a dropped link and a power cut.

use std::path::PathBuf;

use anyhow::Context;

use crate::protocol::AsRun;

/// The outbox directory.
#[derive(Debug, Clone)]
pub struct Outbox {
    dir: PathBuf,
}

impl Outbox {
    /// The outbox in `dir`.
    pub fn new(dir: PathBuf) -> Self {
        Self { dir }
    }

    fn path(&self, airing_id: &str) -> PathBuf {
        self.dir.join(format!(
            "{}.json",
            blake3::hash(airing_id.as_bytes()).to_hex()
        ))
    }

    /// Keeps `row` until the hub accepts it (a later row for the same airing replaces it).
    pub fn push(&self, row: &AsRun) -> anyhow::Result<()> {
        std::fs::create_dir_all(&self.dir)
            .with_context(|| format!("cannot create outbox `{}`", self.dir.display()))?;
        let path = self.path(&row.airing_id);
        crate::atomic::write(&path, &serde_json::to_vec(row)?)
            .with_context(|| format!("cannot write outbox row `{}`", path.display()))
    }

    /// Every row waiting, oldest airing id first. An unreadable file is logged and kept.
    pub fn pending(&self) -> anyhow::Result<Vec<AsRun>> {
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(err) => return Err(err).context(format!("cannot list `{}`", self.dir.display())),
        };
        let mut rows = Vec::new();
        for entry in entries {
            let path = entry?.path();
            if path.extension().is_none_or(|e| e != "json") {
                continue;
            }
            let parsed = std::fs::read(&path)
                .map_err(anyhow::Error::from)
                .and_then(|b| Ok(serde_json::from_slice::<AsRun>(&b)?));
            match parsed {
                Ok(row) => rows.push(row),
                Err(err) => tracing::warn!(
                    "box: outbox row `{}` unreadable, kept: {err:#}",
                    path.display()
                ),
            }
        }
        rows.sort_by(|a, b| a.airing_id.cmp(&b.airing_id));
        Ok(rows)
    }

    /// Forgets the rows the hub accepted.
    pub fn remove(&self, airing_ids: &[String]) -> anyhow::Result<()> {
        for id in airing_ids {
            crate::atomic::remove(&self.path(id))
                .with_context(|| format!("cannot remove outbox row for `{id}`"))?;
        }
        Ok(())
    }
}
