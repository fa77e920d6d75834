//! The hub's own state: zones, boxes and their credential hashes, manifests, as-run rows,
//! health and alerts. One trait, so a county can run the hub on PostgreSQL later; SQLite
//! (its own file, `state/hub.sqlite`, with its own migrations) is the embedded default.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Mutex;

use anyhow::Context;
use rusqlite::{Connection, OptionalExtension, params};

use crate::protocol::{Alert, AsRun, BoxId, Health, SecretHash};

mod log;

pub use log::LogFilter;

/// A box as the hub knows it.
#[derive(Debug, Clone, PartialEq)]
pub struct BoxRecord {
    /// Its id.
    pub box_id: BoxId,
    /// Its display name (张家村).
    pub name: String,
    /// The zones it belongs to.
    pub zones: Vec<String>,
    /// Revoked boxes get nothing.
    pub revoked: bool,
}

/// Everything the hub remembers. Methods are short and synchronous: handlers call them
/// from async code without holding anything across an await.
pub trait HubStore: Send + Sync {
    /// Adds a box with its zones and the hash of its secret.
    fn enroll(&self, record: &BoxRecord, hash: &SecretHash) -> anyhow::Result<()>;
    /// Revokes a box; false when it is unknown.
    fn revoke(&self, box_id: &BoxId) -> anyhow::Result<bool>;
    /// The secret hash of an enrolled, unrevoked box.
    fn live_secret(&self, box_id: &BoxId) -> anyhow::Result<Option<SecretHash>>;
    /// Every box, revoked ones included.
    fn boxes(&self) -> anyhow::Result<Vec<BoxRecord>>;
    /// Stores `json` as the box's manifest at the next version, built by `make(version)`.
    fn put_manifest(
        &self,
        box_id: &BoxId,
        make: &dyn Fn(u64) -> anyhow::Result<String>,
    ) -> anyhow::Result<u64>;
    /// The box's current manifest: version and JSON.
    fn manifest(&self, box_id: &BoxId) -> anyhow::Result<Option<(u64, String)>>;
    /// Records as-run rows (one per airing: a row sent again unchanged is ignored, a changed
    /// one replaces it) and returns all their ids.
    fn record_report(
        &self,
        box_id: &BoxId,
        rows: &[AsRun],
        health: &Health,
        at: &str,
    ) -> anyhow::Result<Vec<String>>;
    /// The as-run rows held for a box, as (airing_id, state).
    fn as_run(&self, box_id: &BoxId) -> anyhow::Result<Vec<(String, String)>>;
    /// Stores an alert and returns its sequence number (the SSE event id).
    fn add_alert(&self, alert: &Alert) -> anyhow::Result<u64>;
    /// Alerts with a sequence number above `after`, oldest first.
    fn alerts_after(&self, after: u64) -> anyhow::Result<Vec<(u64, Alert)>>;
    /// Every box with what its reports said, for `hub status` and the alerts.
    fn box_statuses(&self) -> anyhow::Result<Vec<BoxStatus>>;
    /// The conditions already announced to the group chats: key → text.
    fn announced(&self) -> anyhow::Result<BTreeMap<String, String>>;
    /// In one transaction: replaces the announced set and queues `notices` (sink name, JSON).
    fn queue_notices(
        &self,
        announced: &BTreeMap<String, String>,
        notices: &[(String, String)],
    ) -> anyhow::Result<()>;
    /// Queued notices not yet delivered, oldest first: (seq, sink name, JSON).
    fn pending_notices(&self) -> anyhow::Result<Vec<(u64, String, String)>>;
    /// Drops a delivered notice from the queue.
    fn notice_delivered(&self, seq: u64) -> anyhow::Result<()>;
    /// Replaces the programs that fail pre-flight now, as (program, reason): what the last
    /// planning round found, for the alerts.
    fn set_preflight_failures(&self, failures: &[(String, String)]) -> anyhow::Result<()>;
    /// The programs failing pre-flight as the last planning round left them.
    fn preflight_failures(&self) -> anyhow::Result<Vec<(String, String)>>;
    /// The as-run rows of every box, or of one, in the order they arrived.
    fn as_run_log(&self, box_id: Option<&BoxId>) -> anyhow::Result<Vec<LoggedRow>>;
    /// The rows `filter` chooses, filtered and paged by the database, and how many match.
    fn as_run_page(&self, filter: &LogFilter) -> anyhow::Result<(usize, Vec<LoggedRow>)>;
}

/// One as-run row in the hub's merged log: which box sent it, and when it arrived.
#[derive(Debug, Clone, PartialEq)]
pub struct LoggedRow {
    /// The box that aired (or failed to air) it.
    pub box_id: BoxId,
    /// The box's display name.
    pub box_name: String,
    /// When the hub received it (RFC 3339).
    pub received_at: String,
    /// The row as the box sent it.
    pub row: AsRun,
}

/// What the hub's store says about one box.
#[derive(Debug, Clone, PartialEq)]
pub struct BoxStatus {
    /// The box.
    pub record: BoxRecord,
    /// When its last report arrived (RFC 3339), if ever.
    pub last_contact: Option<String>,
    /// The health from its last report.
    pub health: Option<Health>,
    /// The as-run row received last.
    pub last_airing: Option<AsRun>,
    /// Failed rows received after its last succeeded row, oldest first.
    pub failed_since_success: Vec<AsRun>,
}

const MIGRATIONS: &[&str] = &[
    "
CREATE TABLE hub_box (
  box_id TEXT PRIMARY KEY, name TEXT NOT NULL, secret_hash BLOB NOT NULL,
  revoked INTEGER NOT NULL DEFAULT 0, enrolled_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
  last_contact TEXT, health TEXT);
CREATE TABLE hub_box_zone (
  box_id TEXT NOT NULL REFERENCES hub_box(box_id), zone TEXT NOT NULL,
  PRIMARY KEY (box_id, zone));
CREATE TABLE hub_manifest (box_id TEXT PRIMARY KEY REFERENCES hub_box(box_id),
  version INTEGER NOT NULL, json TEXT NOT NULL);
CREATE TABLE hub_as_run (box_id TEXT NOT NULL, airing_id TEXT NOT NULL, state TEXT NOT NULL,
  json TEXT NOT NULL, received_at TEXT NOT NULL, PRIMARY KEY (box_id, airing_id));
CREATE TABLE hub_alert (seq INTEGER PRIMARY KEY AUTOINCREMENT, json TEXT NOT NULL);
",
    "
CREATE TABLE hub_announced (key TEXT PRIMARY KEY, text TEXT NOT NULL);
CREATE TABLE hub_notice_outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, sink TEXT NOT NULL,
  json TEXT NOT NULL);
",
    "
CREATE TABLE hub_preflight (program TEXT PRIMARY KEY, reason TEXT NOT NULL);
",
    // Each as-run row's place in the merged log, so the log is filtered and paged in SQL.
    "
ALTER TABLE hub_as_run ADD COLUMN slot TEXT;
ALTER TABLE hub_as_run ADD COLUMN scheduled_ms INTEGER;
ALTER TABLE hub_as_run ADD COLUMN outcome TEXT;
CREATE INDEX hub_as_run_by_time ON hub_as_run (scheduled_ms);
",
];

/// [`HubStore`] on one SQLite file.
pub struct SqliteHubStore {
    conn: Mutex<Connection>,
}

impl SqliteHubStore {
    /// Opens (creating and migrating) the hub database at `path`.
    pub fn open(path: &Path) -> anyhow::Result<Self> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create `{}`", dir.display()))?;
        }
        let mut conn = Connection::open(path)
            .with_context(|| format!("cannot open hub database `{}`", path.display()))?;
        // The busy wait first: the hub serving many boxes writes (and syncs) all the time,
        // and a command (`hub publish`, `hub emergency`) must wait its turn; under heavy disk
        // load 5 s was measured too short (a publish failed after 5.1 s beside 5 boxes
        // reporting every second).
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let have: usize = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if have == MIGRATIONS.len() {
            return Ok(Self {
                conn: Mutex::new(conn),
            });
        }
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(have) {
            tx.execute_batch(sql)
                .with_context(|| format!("hub database migration {} failed", i + 1))?;
        }
        log::place_old_rows(&tx)?;
        tx.pragma_update(None, "user_version", MIGRATIONS.len())?;
        tx.commit()?;
        Ok(Self {
            conn: Mutex::new(conn),
        })
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn box_id(text: String) -> anyhow::Result<BoxId> {
    Ok(BoxId::try_from(text)?)
}

impl HubStore for SqliteHubStore {
    fn enroll(&self, record: &BoxRecord, hash: &SecretHash) -> anyhow::Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let id = record.box_id.as_str();
        let exists: bool = tx
            .query_row("SELECT 1 FROM hub_box WHERE box_id = ?1", [id], |_| {
                Ok(true)
            })
            .optional()?
            .unwrap_or(false);
        anyhow::ensure!(
            !exists,
            "box `{id}` is already enrolled: revoke it first, or choose another `--id`"
        );
        tx.execute(
            "INSERT INTO hub_box (box_id, name, secret_hash) VALUES (?1, ?2, ?3)",
            params![id, record.name, &hash.as_bytes()[..]],
        )?;
        for zone in &record.zones {
            tx.execute(
                "INSERT OR IGNORE INTO hub_box_zone (box_id, zone) VALUES (?1, ?2)",
                params![id, zone],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    fn revoke(&self, box_id: &BoxId) -> anyhow::Result<bool> {
        let n = self.conn().execute(
            "UPDATE hub_box SET revoked = 1 WHERE box_id = ?1",
            [box_id.as_str()],
        )?;
        Ok(n == 1)
    }

    fn live_secret(&self, box_id: &BoxId) -> anyhow::Result<Option<SecretHash>> {
        let blob: Option<Vec<u8>> = self
            .conn()
            .query_row(
                "SELECT secret_hash FROM hub_box WHERE box_id = ?1 AND revoked = 0",
                [box_id.as_str()],
                |r| r.get(0),
            )
            .optional()?;
        Ok(blob
            .and_then(|b| <[u8; 32]>::try_from(b).ok())
            .map(SecretHash::from_bytes))
    }

    fn boxes(&self) -> anyhow::Result<Vec<BoxRecord>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT b.box_id, b.name, b.revoked, COALESCE(group_concat(z.zone, char(31)), '')
             FROM hub_box b LEFT JOIN hub_box_zone z ON z.box_id = b.box_id
             GROUP BY b.box_id ORDER BY b.box_id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, bool>(2)?,
                r.get::<_, String>(3)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, name, revoked, zones) = row?;
            out.push(BoxRecord {
                box_id: box_id(id)?,
                name,
                revoked,
                zones: zones
                    .split('\u{1f}')
                    .filter(|z| !z.is_empty())
                    .map(str::to_owned)
                    .collect(),
            });
        }
        Ok(out)
    }

    fn put_manifest(
        &self,
        box_id: &BoxId,
        make: &dyn Fn(u64) -> anyhow::Result<String>,
    ) -> anyhow::Result<u64> {
        let mut conn = self.conn();
        // Immediate: a read that later writes would get SQLITE_BUSY at once (no busy wait)
        // when a box's report commits in between.
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let held: Option<u64> = tx
            .query_row(
                "SELECT version FROM hub_manifest WHERE box_id = ?1",
                [box_id.as_str()],
                |r| r.get(0),
            )
            .optional()?;
        let version = held.unwrap_or(0) + 1;
        let json = make(version)?;
        tx.execute(
            "INSERT INTO hub_manifest (box_id, version, json) VALUES (?1, ?2, ?3)
             ON CONFLICT (box_id) DO UPDATE SET version = ?2, json = ?3",
            params![box_id.as_str(), version, json],
        )?;
        tx.commit()?;
        Ok(version)
    }

    fn manifest(&self, box_id: &BoxId) -> anyhow::Result<Option<(u64, String)>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT version, json FROM hub_manifest WHERE box_id = ?1",
                [box_id.as_str()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    fn record_report(
        &self,
        box_id: &BoxId,
        rows: &[AsRun],
        health: &Health,
        at: &str,
    ) -> anyhow::Result<Vec<String>> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let id = box_id.as_str();
        for row in rows {
            let row = &keep_titles(&tx, id, row)?;
            let state = serde_json::to_value(row.state)?;
            tx.execute(
                // One row per airing: a row sent again unchanged is ignored; a later state
                // (a retry that aired after a failure) replaces the one held.
                "INSERT INTO hub_as_run (box_id, airing_id, state, json, received_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (box_id, airing_id) DO UPDATE SET state = excluded.state,
                   json = excluded.json, received_at = excluded.received_at
                 WHERE hub_as_run.json <> excluded.json",
                params![
                    id,
                    row.airing_id,
                    state.as_str().unwrap_or_default(),
                    serde_json::to_string(row)?,
                    at
                ],
            )?;
            log::place(&tx, id, row, at)?;
        }
        tx.execute(
            "UPDATE hub_box SET last_contact = ?2, health = ?3 WHERE box_id = ?1",
            params![id, at, serde_json::to_string(health)?],
        )?;
        tx.commit()?;
        Ok(rows.iter().map(|r| r.airing_id.clone()).collect())
    }

    fn as_run(&self, box_id: &BoxId) -> anyhow::Result<Vec<(String, String)>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT airing_id, state FROM hub_as_run WHERE box_id = ?1 ORDER BY airing_id",
        )?;
        let rows = stmt.query_map([box_id.as_str()], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn add_alert(&self, alert: &Alert) -> anyhow::Result<u64> {
        let conn = self.conn();
        conn.execute(
            "INSERT INTO hub_alert (json) VALUES (?1)",
            [serde_json::to_string(alert)?],
        )?;
        Ok(conn.last_insert_rowid() as u64)
    }

    fn alerts_after(&self, after: u64) -> anyhow::Result<Vec<(u64, Alert)>> {
        let conn = self.conn();
        let mut stmt =
            conn.prepare("SELECT seq, json FROM hub_alert WHERE seq > ?1 ORDER BY seq")?;
        let rows = stmt.query_map([after], |r| {
            Ok((r.get::<_, u64>(0)?, r.get::<_, String>(1)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (seq, json) = row?;
            let alert = serde_json::from_str(&json)
                .with_context(|| format!("hub alert {seq} in the database is not valid"))?;
            out.push((seq, alert));
        }
        Ok(out)
    }

    fn box_statuses(&self) -> anyhow::Result<Vec<BoxStatus>> {
        let records = self.boxes()?;
        let conn = self.conn();
        let mut out = Vec::with_capacity(records.len());
        for record in records {
            let id = record.box_id.as_str();
            let (last_contact, health): (Option<String>, Option<String>) = conn.query_row(
                "SELECT last_contact, health FROM hub_box WHERE box_id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            let health = health
                .map(|h| serde_json::from_str(&h))
                .transpose()
                .with_context(|| format!("the stored health of box `{id}` is not valid"))?;
            let last_airing = as_run_rows(
                &conn,
                "SELECT json FROM hub_as_run WHERE box_id = ?1 ORDER BY rowid DESC LIMIT 1",
                id,
            )?
            .pop();
            let failed_since_success = as_run_rows(
                &conn,
                "SELECT json FROM hub_as_run WHERE box_id = ?1 AND state = 'failed' AND rowid >
                   (SELECT COALESCE(MAX(rowid), 0) FROM hub_as_run
                    WHERE box_id = ?1 AND state = 'succeeded') ORDER BY rowid",
                id,
            )?;
            out.push(BoxStatus {
                record,
                last_contact,
                health,
                last_airing,
                failed_since_success,
            });
        }
        Ok(out)
    }

    fn announced(&self) -> anyhow::Result<BTreeMap<String, String>> {
        let conn = self.conn();
        let mut stmt = conn.prepare("SELECT key, text FROM hub_announced")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn queue_notices(
        &self,
        announced: &BTreeMap<String, String>,
        notices: &[(String, String)],
    ) -> anyhow::Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute("DELETE FROM hub_announced", [])?;
        for (key, text) in announced {
            tx.execute(
                "INSERT INTO hub_announced (key, text) VALUES (?1, ?2)",
                params![key, text],
            )?;
        }
        for (sink, json) in notices {
            tx.execute(
                "INSERT INTO hub_notice_outbox (sink, json) VALUES (?1, ?2)",
                params![sink, json],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    fn pending_notices(&self) -> anyhow::Result<Vec<(u64, String, String)>> {
        let conn = self.conn();
        let mut stmt =
            conn.prepare("SELECT seq, sink, json FROM hub_notice_outbox ORDER BY seq")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn notice_delivered(&self, seq: u64) -> anyhow::Result<()> {
        self.conn()
            .execute("DELETE FROM hub_notice_outbox WHERE seq = ?1", [seq])?;
        Ok(())
    }

    fn set_preflight_failures(&self, failures: &[(String, String)]) -> anyhow::Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute("DELETE FROM hub_preflight", [])?;
        for (program, reason) in failures {
            tx.execute(
                "INSERT OR REPLACE INTO hub_preflight (program, reason) VALUES (?1, ?2)",
                params![program, reason],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    fn preflight_failures(&self) -> anyhow::Result<Vec<(String, String)>> {
        let conn = self.conn();
        let mut stmt =
            conn.prepare("SELECT program, reason FROM hub_preflight ORDER BY program")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn as_run_page(&self, filter: &LogFilter) -> anyhow::Result<(usize, Vec<LoggedRow>)> {
        log::page(&self.conn(), filter)
    }

    fn as_run_log(&self, box_id: Option<&BoxId>) -> anyhow::Result<Vec<LoggedRow>> {
        let Some(id) = box_id else {
            return log::select(&self.conn(), "1", "r.rowid", &[]);
        };
        let id = rusqlite::types::Value::Text(id.as_str().to_owned());
        log::select(&self.conn(), "r.box_id = ?1", "r.rowid", &[id])
    }
}

/// `row`, with the titles of the row held for the same airing when it brings none: a box
/// that restarted re-sends an emergency's row without the alert's title it no longer has.
fn keep_titles(conn: &Connection, box_id: &str, row: &AsRun) -> anyhow::Result<AsRun> {
    let mut row = row.clone();
    if row.titles.is_empty() {
        let held: Option<String> = conn
            .query_row(
                "SELECT json FROM hub_as_run WHERE box_id = ?1 AND airing_id = ?2",
                params![box_id, row.airing_id],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(held) = held.and_then(|j| serde_json::from_str::<AsRun>(&j).ok()) {
            row.titles = held.titles;
        }
    }
    Ok(row)
}

fn as_run_rows(conn: &Connection, sql: &str, box_id: &str) -> anyhow::Result<Vec<AsRun>> {
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map([box_id], |r| r.get::<_, String>(0))?;
    let mut out = Vec::new();
    for json in rows {
        let row = serde_json::from_str(&json?)
            .with_context(|| format!("a stored as-run row of box `{box_id}` is not valid"))?;
        out.push(row);
    }
    Ok(out)
}
