//! SQLite state: articles, approvals, as-run log. \[edge\]
//!
//! One database file in `state/`, shared by the CLI, `tick` and `run`, in WAL mode so readers
//! never wait for a writer. Every write is one transaction. The schema is versioned with
//! `PRAGMA user_version` and migrated forward on open.
//!
//! Approval integrity lives here as much as anywhere: an approval row binds an article's
//! *version* and the blake3 hash of its exact script; [`Store::begin_airing`] checks, in the
//! same transaction that marks an airing as on air, that every article is still approved
//! for exactly the script that was rendered.

mod console;
mod handle;
mod migrations;
mod requests;

pub use console::{AuditRow, UserRow};

pub use handle::StoreHandle;
pub use requests::{CutIn, RequestRow, RequestState};

use std::path::{Path, PathBuf};
use std::time::Duration;

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

/// Something went wrong with the database.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite failed.
    #[error("{}", describe(path, source))]
    Sqlite {
        /// The database file.
        path: PathBuf,
        /// What SQLite said.
        source: rusqlite::Error,
    },
    /// The database was written by a newer dalaba.
    #[error(
        "the station database `{}` has schema version {found}, newer than this dalaba knows ({known}); upgrade dalaba",
        path.display()
    )]
    TooNew {
        /// The database file.
        path: PathBuf,
        /// Its version.
        found: i64,
        /// The newest this build knows.
        known: i64,
    },
    /// A read-only open found a database that still needs migrating.
    #[error(
        "the station database `{}` has schema version {found}, older than this dalaba reads ({known}); run a command that writes (e.g. `dalaba add`) as the station's owner once",
        path.display()
    )]
    TooOld {
        /// The database file.
        path: PathBuf,
        /// Its version.
        found: i64,
        /// The version this build reads.
        known: i64,
    },
    /// The database file is there but empty, or gone, where the station has been used.
    #[error(
        "the station database `{}` {what}, but this station has been in use (see `{}`); nothing was started afresh. Restore the file from a backup (e.g. `cp BACKUP/dalaba.db {}`); to really start an empty station, delete `{}` first",
        path.display(), marker.display(), path.display(), marker.display()
    )]
    Lost {
        /// The database file.
        path: PathBuf,
        /// `is empty (0 bytes)` or `is missing`.
        what: &'static str,
        /// The file that says the station was used.
        marker: PathBuf,
    },
    /// No such article.
    #[error("there is no article {0}; see `dalaba list`")]
    NoArticle(i64),
    /// The article is not in a state that allows the change.
    #[error("article {id} is {status}: {hint}")]
    Refused {
        /// Article id.
        id: i64,
        /// Its status.
        status: Status,
        /// What to do instead.
        hint: &'static str,
    },
    /// The script changed between reading it and approving it.
    #[error(
        "article {id} changed while it was being approved (its script is now {current}); read it again with `dalaba show {id}`"
    )]
    Stale {
        /// Article id.
        id: i64,
        /// Current hash (short).
        current: String,
    },
}

type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A SQLite failure in plain words: a full disk and a damaged file say what to do.
fn describe(path: &Path, source: &rusqlite::Error) -> String {
    use rusqlite::ErrorCode;
    match source.sqlite_error_code() {
        Some(ErrorCode::DiskFull) => format!(
            "磁盘已满 (disk full): cannot write the station database `{}`; free some space on that disk and try again",
            path.display()
        ),
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => format!(
            "the station database `{}` is damaged ({source}); stop dalaba, move the file aside and restore it from a backup (`cp BACKUP/dalaba.db {}`)",
            path.display(),
            path.display()
        ),
        _ => format!("the station database `{}` failed: {source}", path.display()),
    }
}

/// An as-run row in brief: `(slot, scheduled, outcome, ended)`.
pub type LogEntry = (String, Timestamp, Outcome, Option<Timestamp>);

/// One step of an airing, as the as-run log records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AiringEvent {
    /// A process took the occurrence.
    Claimed,
    /// A failed occurrence was taken again inside its window.
    Retried,
    /// Its program is ready.
    Rendered,
    /// Playback started.
    OnAir,
    /// It ended with this outcome.
    Finished(Outcome),
}

impl AiringEvent {
    /// The name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            AiringEvent::Claimed => "claimed",
            AiringEvent::Retried => "retried",
            AiringEvent::Rendered => "rendered",
            AiringEvent::OnAir => "on air",
            AiringEvent::Finished(o) => o.as_str(),
        }
    }
}

fn log_event(
    conn: &Connection,
    id: i64,
    now: Timestamp,
    event: AiringEvent,
    detail: Option<&str>,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO airing_events (airing_id, at_ms, event, detail) VALUES (?1, ?2, ?3, ?4)",
        params![id, ms(now), event.as_str(), detail],
    )
    .map(|_| ())
}

/// An article's place in its lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Waiting for an approver (new, or changed since approval).
    Draft,
    /// Approved for its current script.
    Approved,
    /// Rejected.
    Rejected,
    /// Taken out of circulation.
    Withdrawn,
}

impl Status {
    /// The lowercase name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Approved => "approved",
            Status::Rejected => "rejected",
            Status::Withdrawn => "withdrawn",
        }
    }

    /// Parses a stored or typed name.
    pub fn parse(s: &str) -> Option<Status> {
        Some(match s {
            "draft" => Status::Draft,
            "approved" => Status::Approved,
            "rejected" => Status::Rejected,
            "withdrawn" => Status::Withdrawn,
            _ => return None,
        })
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What `add` and `update` store.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NewArticle {
    /// File name it came from (labels errors when it is parsed again).
    pub source_name: String,
    /// The article text as given.
    pub source: String,
    /// The script derived from it.
    pub script: String,
    /// blake3 of `script`, hex.
    pub hash: String,
    /// Title.
    pub title: Option<String>,
    /// Queue.
    pub queue: String,
    /// Valid from (`YYYY-MM-DD` or RFC 3339).
    pub valid_from: Option<String>,
    /// Valid until.
    pub valid_until: Option<String>,
    /// `normal`, `urgent` or `emergency`.
    pub priority: String,
}

/// A stored article.
#[derive(Debug, Clone, PartialEq)]
pub struct ArticleRow {
    /// Id.
    pub id: i64,
    /// What was stored.
    pub data: NewArticle,
    /// Bumped by every update; approvals bind to it.
    pub version: i64,
    /// Lifecycle status.
    pub status: Status,
    /// When it was added.
    pub created: Timestamp,
    /// When it last changed.
    pub updated: Timestamp,
    /// The approval that holds for the current version and script, if any.
    pub approval: Option<Verdict>,
    /// The latest verdict of any kind, for display.
    pub last_verdict: Option<Verdict>,
}

/// An approval or rejection.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// `approved` or `rejected`.
    pub verdict: String,
    /// Who.
    pub by: String,
    /// When.
    pub at: Timestamp,
    /// The script hash it was given for.
    pub hash: String,
    /// The article version it was given for.
    pub version: i64,
    /// Why (rejections).
    pub reason: Option<String>,
}

/// How an airing ended (or where it stands).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Claimed by a process that is getting the program ready.
    Claimed,
    /// On air now.
    Airing,
    /// Played to the end.
    Aired,
    /// Could not air (render failed, device missing, nothing approved changed…).
    Failed,
    /// The box was down past the catch-up window.
    Missed,
    /// Cut off (stopped, killed, or an emergency broke in).
    Interrupted,
    /// Not aired on purpose (quiet hours, nothing to air).
    Skipped,
}

impl Outcome {
    /// The lowercase name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Claimed => "claimed",
            Outcome::Airing => "airing",
            Outcome::Aired => "aired",
            Outcome::Failed => "failed",
            Outcome::Missed => "missed",
            Outcome::Interrupted => "interrupted",
            Outcome::Skipped => "skipped",
        }
    }

    fn parse(s: &str) -> Outcome {
        match s {
            "claimed" => Outcome::Claimed,
            "airing" => Outcome::Airing,
            "aired" => Outcome::Aired,
            "missed" => Outcome::Missed,
            "interrupted" => Outcome::Interrupted,
            "skipped" => Outcome::Skipped,
            _ => Outcome::Failed,
        }
    }
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An article as it went out in an airing.
#[derive(Debug, Clone, PartialEq)]
pub struct AiredArticle {
    /// Article id.
    pub id: i64,
    /// Title at the time.
    pub title: Option<String>,
    /// Version aired.
    pub version: i64,
    /// Script hash aired.
    pub hash: String,
    /// Who had approved it when it aired; `None` for an unsigned emergency airing.
    pub approved_by: Option<String>,
    /// Who approved this exact script later (countersignature), if anyone.
    pub countersigned_by: Option<String>,
}

/// One row of the as-run log.
#[derive(Debug, Clone, PartialEq)]
pub struct Airing {
    /// Id.
    pub id: i64,
    /// Slot name (`play-now` for immediate airings).
    pub slot: String,
    /// Scheduled start.
    pub scheduled: Timestamp,
    /// Actual start of playback.
    pub started: Option<Timestamp>,
    /// End of playback (or when the outcome was decided).
    pub ended: Option<Timestamp>,
    /// Outcome.
    pub outcome: Outcome,
    /// Why, for anything but a clean airing.
    pub reason: Option<String>,
    /// Voice used.
    pub voice: Option<String>,
    /// Program length in seconds.
    pub duration: Option<f64>,
    /// Program loudness.
    pub lufs: Option<f64>,
    /// Output device.
    pub device: Option<String>,
    /// Who ordered an emergency airing.
    pub emergency_by: Option<String>,
    /// Who ordered a play-now.
    pub operator: Option<String>,
    /// Its transitions, in order: `(time, event, detail)`.
    pub events: Vec<(Timestamp, String, Option<String>)>,
    /// The articles, in program order.
    pub articles: Vec<AiredArticle>,
}

/// What went out, recorded when playback starts.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OnAir {
    /// `(article id, script hash)` in program order: exactly what was rendered.
    pub articles: Vec<(i64, String)>,
    /// Set for an emergency airing ordered by this person: approval is not required.
    pub emergency_by: Option<String>,
    /// Who ordered a play-now.
    pub operator: Option<String>,
    /// Voice.
    pub voice: Option<String>,
    /// Device.
    pub device: Option<String>,
    /// Program length.
    pub duration: Option<f64>,
    /// Program loudness.
    pub lufs: Option<f64>,
}

/// An emergency airing handed to the running daemon by `play-now`.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// Id.
    pub id: i64,
    /// The article.
    pub article_id: i64,
    /// Who ordered it, for unsigned emergency airings.
    pub emergency_by: Option<String>,
    /// Who ordered it.
    pub operator: Option<String>,
    /// When it was made.
    pub created: Timestamp,
}

/// The station database.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

/// `path` for an SQLite `file:` URI: the characters a URI gives meaning to, escaped.
fn uri_path(path: &Path) -> String {
    path.to_string_lossy()
        .replace('%', "%25")
        .replace('?', "%3f")
        .replace('#', "%23")
}

fn ms(t: Timestamp) -> i64 {
    t.as_millisecond()
}

fn ts(ms: i64) -> Timestamp {
    Timestamp::from_millisecond(ms).unwrap_or(Timestamp::UNIX_EPOCH)
}

/// Turns a SQLite error into one that names the database file. A function of the path
/// alone, so it can be used while the connection is borrowed for a transaction.
fn sqlite_error(path: &Path) -> impl Fn(rusqlite::Error) -> StoreError + Copy + '_ {
    move |source| StoreError::Sqlite {
        path: path.to_owned(),
        source,
    }
}

impl Store {
    /// Opens (creating and migrating as needed) the database at `path`.
    pub fn open(path: &Path) -> Result<Store> {
        let wrap = sqlite_error(path);
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let conn = Connection::open(path).map_err(wrap)?;
        conn.busy_timeout(Duration::from_secs(30)).map_err(wrap)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(wrap)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(wrap)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(wrap)?;
        let mut store = Store {
            conn,
            path: path.to_owned(),
        };
        store.migrate()?;
        Ok(store)
    }

    /// Opens the database at `path` for reading only: no migration, no write of any kind,
    /// so a viewer with read access to `state/` (see `state_mode = "group"`) can list and
    /// read the log. An older schema is refused with advice; a newer one too.
    pub fn open_read_only(path: &Path) -> Result<Store> {
        use rusqlite::OpenFlags;
        let wrap = sqlite_error(path);
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = match Connection::open_with_flags(path, flags).and_then(|c| {
            c.pragma_query_value(None, "user_version", |r| r.get::<_, i64>(0))?;
            Ok(c)
        }) {
            Ok(conn) => conn,
            // No writer is open (no `-shm` file) and the viewer cannot create one in a
            // folder it may only read: the database file alone is the whole state.
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.extended_code == rusqlite::ffi::SQLITE_READONLY_DIRECTORY
                    || e.code == rusqlite::ErrorCode::CannotOpen =>
            {
                let uri = format!("file:{}?immutable=1", uri_path(path));
                Connection::open_with_flags(uri, flags | OpenFlags::SQLITE_OPEN_URI)
                    .map_err(wrap)?
            }
            Err(e) => return Err(wrap(e)),
        };
        conn.busy_timeout(Duration::from_secs(30)).map_err(wrap)?;
        let store = Store {
            conn,
            path: path.to_owned(),
        };
        let known = migrations::MIGRATIONS.len() as i64;
        let found = store.schema_version()?;
        if found > known {
            return Err(StoreError::TooNew {
                path: path.to_owned(),
                found,
                known,
            });
        }
        if found < known {
            return Err(StoreError::TooOld {
                path: path.to_owned(),
                found,
                known,
            });
        }
        Ok(store)
    }

    /// Opens the station database at `path`, refusing to start afresh where the station has
    /// been used before: `marker` (outside `state/`) says so, and an empty or missing file
    /// then means the database was lost. The marker is written on first use.
    pub fn open_guarded(path: &Path, marker: &Path) -> Result<Store> {
        let used = marker.exists();
        let lost = |what| StoreError::Lost {
            path: path.to_owned(),
            what,
            marker: marker.to_owned(),
        };
        match std::fs::metadata(path) {
            Ok(m) if m.len() == 0 && used => return Err(lost("is empty (0 bytes)")),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && used => {
                return Err(lost("is missing"));
            }
            _ => {}
        }
        let store = Store::open(path)?;
        if !used {
            let note = format!(
                "This station keeps its articles, approvals and as-run log in `{}`.\ndalaba refuses to start an empty database while this file exists.\n",
                path.display()
            );
            if let Err(e) = std::fs::write(marker, note) {
                tracing::warn!("cannot write `{}`: {e}", marker.display());
            }
        }
        Ok(store)
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn err(&self, source: rusqlite::Error) -> StoreError {
        sqlite_error(&self.path)(source)
    }

    fn migrate(&mut self) -> Result<()> {
        let known = migrations::MIGRATIONS.len() as i64;
        let wrap = sqlite_error(&self.path);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(wrap)?;
        let found: i64 = tx
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(wrap)?;
        if found > known {
            return Err(StoreError::TooNew {
                path: self.path.clone(),
                found,
                known,
            });
        }
        for (i, sql) in migrations::MIGRATIONS
            .iter()
            .enumerate()
            .skip(found as usize)
        {
            tx.execute_batch(sql).map_err(wrap)?;
            tx.pragma_update(None, "user_version", i as i64 + 1)
                .map_err(wrap)?;
        }
        tx.commit().map_err(wrap)
    }

    /// The schema version.
    pub fn schema_version(&self) -> Result<i64> {
        self.conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(|e| self.err(e))
    }

    /// Stores a new article as a draft; returns its id.
    pub fn add_article(&mut self, a: &NewArticle, now: Timestamp) -> Result<i64> {
        let wrap = sqlite_error(&self.path);
        let tx = self.conn.transaction().map_err(&wrap)?;
        tx.execute(
            "INSERT INTO articles (source_name, source, script, hash, version, title, queue,
               valid_from, valid_until, priority, status, created_ms, updated_ms)
             VALUES (?1, ?2, ?3, ?4, 1, ?5, ?6, ?7, ?8, ?9, 'draft', ?10, ?10)",
            params![
                a.source_name,
                a.source,
                a.script,
                a.hash,
                a.title,
                a.queue,
                a.valid_from,
                a.valid_until,
                a.priority,
                ms(now)
            ],
        )
        .map_err(&wrap)?;
        let id = tx.last_insert_rowid();
        tx.commit().map_err(&wrap)?;
        Ok(id)
    }

    /// Replaces an article's text and settings. Any approval is void: the article is a draft
    /// again, at a new version.
    pub fn update_article(&mut self, id: i64, a: &NewArticle, now: Timestamp) -> Result<i64> {
        let wrap = sqlite_error(&self.path);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(&wrap)?;
        let status = status_of(&tx, id).map_err(&wrap)?;
        match status {
            None => return Err(StoreError::NoArticle(id)),
            Some(Status::Withdrawn) => {
                return Err(StoreError::Refused {
                    id,
                    status: Status::Withdrawn,
                    hint: "a withdrawn article stays withdrawn; add the new text with `dalaba add`",
                });
            }
            Some(_) => {}
        }
        tx.execute(
            "UPDATE articles SET source_name = ?2, source = ?3, script = ?4, hash = ?5,
               version = version + 1, title = ?6, queue = ?7, valid_from = ?8, valid_until = ?9,
               priority = ?10, status = 'draft', updated_ms = ?11
             WHERE id = ?1",
            params![
                id,
                a.source_name,
                a.source,
                a.script,
                a.hash,
                a.title,
                a.queue,
                a.valid_from,
                a.valid_until,
                a.priority,
                ms(now)
            ],
        )
        .map_err(&wrap)?;
        let version: i64 = tx
            .query_row("SELECT version FROM articles WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .map_err(&wrap)?;
        tx.commit().map_err(&wrap)?;
        Ok(version)
    }

    /// Records an approval of article `id` for the script hashing to `hash` — the script the
    /// approver read. Refused if the article has changed since.
    pub fn approve(&mut self, id: i64, by: &str, hash: &str, now: Timestamp) -> Result<()> {
        self.verdict(id, "approved", by, None, hash, now)
    }

    /// Records a rejection.
    pub fn reject(
        &mut self,
        id: i64,
        by: &str,
        reason: &str,
        hash: &str,
        now: Timestamp,
    ) -> Result<()> {
        self.verdict(id, "rejected", by, Some(reason), hash, now)
    }

    fn verdict(
        &mut self,
        id: i64,
        verdict: &str,
        by: &str,
        reason: Option<&str>,
        hash: &str,
        now: Timestamp,
    ) -> Result<()> {
        let wrap = sqlite_error(&self.path);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(&wrap)?;
        let row: Option<(String, String, i64)> = tx
            .query_row(
                "SELECT status, hash, version FROM articles WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()
            .map_err(&wrap)?;
        let Some((status, current, version)) = row else {
            return Err(StoreError::NoArticle(id));
        };
        if status == "withdrawn" {
            return Err(StoreError::Refused {
                id,
                status: Status::Withdrawn,
                hint: "withdrawn articles cannot be approved or rejected; add it again",
            });
        }
        if current != hash {
            return Err(StoreError::Stale {
                id,
                current: current.chars().take(12).collect(),
            });
        }
        tx.execute(
            "INSERT INTO approvals (article_id, version, hash, verdict, by, reason, at_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![id, version, hash, verdict, by, reason, ms(now)],
        )
        .map_err(&wrap)?;
        tx.execute(
            "UPDATE articles SET status = ?2, updated_ms = ?3 WHERE id = ?1",
            params![id, verdict, ms(now)],
        )
        .map_err(&wrap)?;
        tx.commit().map_err(&wrap)
    }

    /// Takes an article out of circulation for good.
    pub fn withdraw(&mut self, id: i64, now: Timestamp) -> Result<()> {
        let wrap = sqlite_error(&self.path);
        let tx = self.conn.transaction().map_err(&wrap)?;
        let n = tx
            .execute(
                "UPDATE articles SET status = 'withdrawn', updated_ms = ?2 WHERE id = ?1",
                params![id, ms(now)],
            )
            .map_err(&wrap)?;
        if n == 0 {
            return Err(StoreError::NoArticle(id));
        }
        tx.commit().map_err(&wrap)
    }

    /// One article.
    pub fn article(&self, id: i64) -> Result<ArticleRow> {
        self.articles_where("WHERE a.id = ?1", params![id])?
            .pop()
            .ok_or(StoreError::NoArticle(id))
    }

    /// Every article, oldest first.
    pub fn articles(&self) -> Result<Vec<ArticleRow>> {
        self.articles_where("", params![])
    }

    /// The articles that may air in `queues`: approved ones, and drafts (so a plan can say
    /// why they wait); withdrawn and rejected ones are not read.
    pub fn articles_in(&self, queues: &[String]) -> Result<Vec<ArticleRow>> {
        Ok(self.articles_in_kept(queues, |_| true)?.0)
    }

    /// [`Store::articles_in`] without the rows `keep` turns away, and how many it turned
    /// away; the approvals of those are never read (a station used for years holds
    /// thousands of articles whose window closed long ago).
    pub fn articles_in_kept(
        &self,
        queues: &[String],
        keep: impl Fn(&ArticleRow) -> bool,
    ) -> Result<(Vec<ArticleRow>, usize)> {
        let list = serde_json::to_string(queues).unwrap_or_else(|_| "[]".into());
        let rows = self.bare_articles_where(
            "WHERE a.status IN ('approved', 'draft')
               AND a.queue IN (SELECT value FROM json_each(?1))",
            params![list],
        )?;
        let all = rows.len();
        let kept: Vec<ArticleRow> = rows.into_iter().filter(|r| keep(r)).collect();
        let dropped = all - kept.len();
        Ok((self.with_verdicts(kept)?, dropped))
    }

    fn articles_where(&self, filter: &str, p: impl rusqlite::Params) -> Result<Vec<ArticleRow>> {
        let rows = self.bare_articles_where(filter, p)?;
        self.with_verdicts(rows)
    }

    /// Fills in each row's valid approval and last verdict.
    fn with_verdicts(&self, rows: Vec<ArticleRow>) -> Result<Vec<ArticleRow>> {
        rows.into_iter()
            .map(|mut a| {
                a.approval = valid_approval(&self.conn, a.id).map_err(|e| self.err(e))?;
                a.last_verdict = last_verdict(&self.conn, a.id).map_err(|e| self.err(e))?;
                Ok(a)
            })
            .collect()
    }

    /// The rows `filter` selects, without their verdicts.
    fn bare_articles_where(
        &self,
        filter: &str,
        p: impl rusqlite::Params,
    ) -> Result<Vec<ArticleRow>> {
        let sql = format!(
            "SELECT a.id, a.source_name, a.source, a.script, a.hash, a.version, a.title, a.queue,
                    a.valid_from, a.valid_until, a.priority, a.status, a.created_ms, a.updated_ms
             FROM articles a {filter} ORDER BY a.id"
        );
        let mut stmt = self.conn.prepare(&sql).map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(p, |r| {
                Ok(ArticleRow {
                    id: r.get(0)?,
                    data: NewArticle {
                        source_name: r.get(1)?,
                        source: r.get(2)?,
                        script: r.get(3)?,
                        hash: r.get(4)?,
                        title: r.get(6)?,
                        queue: r.get(7)?,
                        valid_from: r.get(8)?,
                        valid_until: r.get(9)?,
                        priority: r.get(10)?,
                    },
                    version: r.get(5)?,
                    status: Status::parse(&r.get::<_, String>(11)?).unwrap_or(Status::Draft),
                    created: ts(r.get(12)?),
                    updated: ts(r.get(13)?),
                    approval: None,
                    last_verdict: None,
                })
            })
            .map_err(|e| self.err(e))?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.err(e))?;
        Ok(rows)
    }

    /// Every verdict on an article, oldest first.
    pub fn verdicts(&self, id: i64) -> Result<Vec<Verdict>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT verdict, by, at_ms, hash, version, reason FROM approvals
                 WHERE article_id = ?1 ORDER BY id",
            )
            .map_err(|e| self.err(e))?;
        stmt.query_map([id], verdict_row)
            .map_err(|e| self.err(e))?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.err(e))
    }

    /// Claims the airing of `slot` at `scheduled` for this process. `None` when someone
    /// already has it: the unique key on `(slot, scheduled)` makes this exactly-once.
    pub fn claim(
        &mut self,
        slot: &str,
        scheduled: Timestamp,
        now: Timestamp,
        owner: &str,
    ) -> Result<Option<i64>> {
        let wrap = sqlite_error(&self.path);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(&wrap)?;
        let n = tx
            .execute(
                "INSERT OR IGNORE INTO airings (slot, scheduled_ms, claimed_ms, outcome, owner)
                 VALUES (?1, ?2, ?3, 'claimed', ?4)",
                params![slot, ms(scheduled), ms(now), owner],
            )
            .map_err(&wrap)?;
        let id = (n == 1).then(|| tx.last_insert_rowid());
        if let Some(id) = id {
            log_event(&tx, id, now, AiringEvent::Claimed, Some(owner)).map_err(&wrap)?;
        }
        tx.commit().map_err(&wrap)?;
        Ok(id)
    }

    /// Claims again an occurrence whose airing failed, to retry it inside its window.
    /// `None` when it is no longer a failure (someone else retried it).
    pub fn claim_again(
        &mut self,
        slot: &str,
        scheduled: Timestamp,
        now: Timestamp,
        owner: &str,
    ) -> Result<Option<i64>> {
        let wrap = sqlite_error(&self.path);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(&wrap)?;
        let id: Option<i64> = tx
            .query_row(
                "UPDATE airings SET outcome = 'claimed', claimed_ms = ?3, owner = ?4,
                   started_ms = NULL, ended_ms = NULL, reason = NULL
                 WHERE slot = ?1 AND scheduled_ms = ?2 AND outcome = 'failed' RETURNING id",
                params![slot, ms(scheduled), ms(now), owner],
                |r| r.get(0),
            )
            .optional()
            .map_err(&wrap)?;
        if let Some(id) = id {
            tx.execute("DELETE FROM airing_articles WHERE airing_id = ?1", [id])
                .map_err(&wrap)?;
            log_event(&tx, id, now, AiringEvent::Retried, Some(owner)).map_err(&wrap)?;
        }
        tx.commit().map_err(&wrap)?;
        Ok(id)
    }

    /// Records that claimed airing `id` has its program ready.
    pub fn mark_rendered(&mut self, id: i64, now: Timestamp, program: &str) -> Result<()> {
        log_event(&self.conn, id, now, AiringEvent::Rendered, Some(program))
            .map_err(|e| self.err(e))
    }

    /// The events of airing `id`, in order: `(time, event, detail)`.
    pub fn events(&self, id: i64) -> Result<Vec<(Timestamp, String, Option<String>)>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT at_ms, event, detail FROM airing_events WHERE airing_id = ?1 ORDER BY id",
            )
            .map_err(|e| self.err(e))?;
        stmt.query_map([id], |r| Ok((ts(r.get(0)?), r.get(1)?, r.get(2)?)))
            .map_err(|e| self.err(e))?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.err(e))
    }

    /// What the log holds for occurrences scheduled in `(after, until]`:
    /// `(slot, scheduled, outcome, ended)`. Light: no articles.
    pub fn log_view(&self, after: Timestamp, until: Timestamp) -> Result<Vec<LogEntry>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT slot, scheduled_ms, outcome, ended_ms FROM airings
                 WHERE scheduled_ms > ?1 AND scheduled_ms <= ?2",
            )
            .map_err(|e| self.err(e))?;
        stmt.query_map(params![ms(after), ms(until)], |r| {
            Ok((
                r.get(0)?,
                ts(r.get(1)?),
                Outcome::parse(&r.get::<_, String>(2)?),
                r.get::<_, Option<i64>>(3)?.map(ts),
            ))
        })
        .map_err(|e| self.err(e))?
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(|e| self.err(e))
    }

    /// Logs a decided outcome (missed, skipped) for an occurrence nobody claimed. `false`
    /// when the occurrence is already in the log.
    pub fn record(
        &mut self,
        slot: &str,
        scheduled: Timestamp,
        now: Timestamp,
        outcome: Outcome,
        reason: &str,
    ) -> Result<bool> {
        let wrap = sqlite_error(&self.path);
        let tx = self.conn.transaction().map_err(&wrap)?;
        let n = tx
            .execute(
                "INSERT OR IGNORE INTO airings (slot, scheduled_ms, claimed_ms, ended_ms, outcome, reason)
                 VALUES (?1, ?2, ?3, ?3, ?4, ?5)",
                params![slot, ms(scheduled), ms(now), outcome.as_str(), reason],
            )
            .map_err(&wrap)?;
        if n == 1 {
            let id = tx.last_insert_rowid();
            log_event(&tx, id, now, AiringEvent::Finished(outcome), Some(reason)).map_err(&wrap)?;
        }
        tx.commit().map_err(&wrap)?;
        Ok(n == 1)
    }

    /// Whether `(slot, scheduled)` is in the log in any state.
    pub fn has_airing(&self, slot: &str, scheduled: Timestamp) -> Result<bool> {
        self.conn
            .query_row(
                "SELECT 1 FROM airings WHERE slot = ?1 AND scheduled_ms = ?2",
                params![slot, ms(scheduled)],
                |_| Ok(()),
            )
            .optional()
            .map(|r| r.is_some())
            .map_err(|e| self.err(e))
    }

    /// Marks claimed airing `id` as on air with exactly `on_air`'s articles — in one
    /// transaction that first checks each article is still approved (unless this is an
    /// emergency airing) for exactly the hash that was rendered. On refusal nothing changes
    /// and the reasons are returned per article.
    pub fn begin_airing(
        &mut self,
        id: i64,
        on_air: &OnAir,
        now: Timestamp,
    ) -> Result<Result<(), Vec<(i64, String)>>> {
        let wrap = sqlite_error(&self.path);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(&wrap)?;
        let (rows, refused) = judge_on_air(&tx, on_air).map_err(&wrap)?;
        if !refused.is_empty() {
            return Ok(Err(refused));
        }
        for (pos, (article, version, hash, by)) in rows.iter().enumerate() {
            tx.execute(
                "INSERT INTO airing_articles (airing_id, position, article_id, version, hash, approved_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![id, pos as i64, article, version, hash, by],
            )
            .map_err(&wrap)?;
        }
        let n = tx
            .execute(
                "UPDATE airings SET outcome = 'airing', started_ms = ?2, voice = ?3, device = ?4,
                   duration = ?5, lufs = ?6, emergency_by = ?7, operator = ?8
                 WHERE id = ?1 AND outcome = 'claimed'",
                params![
                    id,
                    ms(now),
                    on_air.voice,
                    on_air.device,
                    on_air.duration,
                    on_air.lufs,
                    on_air.emergency_by,
                    on_air.operator
                ],
            )
            .map_err(&wrap)?;
        if n != 1 {
            return Ok(Err(vec![(0, "the airing is no longer claimed".into())]));
        }
        log_event(&tx, id, now, AiringEvent::OnAir, on_air.voice.as_deref()).map_err(&wrap)?;
        tx.commit().map_err(&wrap)?;
        Ok(Ok(()))
    }

    /// Closes a claimed or on-air airing with its outcome. `false` if it was already closed.
    pub fn finish(
        &mut self,
        id: i64,
        outcome: Outcome,
        reason: Option<&str>,
        now: Timestamp,
    ) -> Result<bool> {
        self.finish_played(id, outcome, reason, now, None)
    }

    /// [`Store::finish`], recording `played` seconds as the airing's length when given (a
    /// failed airing is as long as it really lasted, not as its program).
    pub fn finish_played(
        &mut self,
        id: i64,
        outcome: Outcome,
        reason: Option<&str>,
        now: Timestamp,
        played: Option<f64>,
    ) -> Result<bool> {
        let wrap = sqlite_error(&self.path);
        let tx = self.conn.transaction().map_err(&wrap)?;
        let n = tx
            .execute(
                "UPDATE airings SET outcome = ?2, reason = ?3, ended_ms = ?4,
                   duration = COALESCE(?5, duration)
                 WHERE id = ?1 AND outcome IN ('claimed', 'airing')",
                params![id, outcome.as_str(), reason, ms(now), played],
            )
            .map_err(&wrap)?;
        if n == 1 {
            log_event(&tx, id, now, AiringEvent::Finished(outcome), reason).map_err(&wrap)?;
        }
        tx.commit().map_err(&wrap)?;
        Ok(n == 1)
    }

    /// Gives back a claim that never went on air, so the occurrence can be claimed again.
    pub fn release(&mut self, id: i64) -> Result<bool> {
        let wrap = sqlite_error(&self.path);
        let tx = self.conn.transaction().map_err(&wrap)?;
        let n = tx
            .execute(
                "DELETE FROM airings WHERE id = ?1 AND outcome = 'claimed'",
                [id],
            )
            .map_err(&wrap)?;
        if n == 1 {
            tx.execute("DELETE FROM airing_events WHERE airing_id = ?1", [id])
                .map_err(&wrap)?;
        }
        tx.commit().map_err(&wrap)?;
        Ok(n == 1)
    }

    /// Airings still claimed or on air: `(id, slot, scheduled, outcome)`.
    pub fn unfinished(&self) -> Result<Vec<(i64, String, Timestamp, Outcome)>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT id, slot, scheduled_ms, outcome FROM airings
                 WHERE outcome IN ('claimed', 'airing') ORDER BY id",
            )
            .map_err(|e| self.err(e))?;
        stmt.query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                ts(r.get(2)?),
                Outcome::parse(&r.get::<_, String>(3)?),
            ))
        })
        .map_err(|e| self.err(e))?
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(|e| self.err(e))
    }

    /// Closes an airing whose process died on air as interrupted. `false` if it was closed
    /// meanwhile. (A claim that never went on air is given back with [`Store::release`].)
    pub fn close_abandoned(&mut self, id: i64, now: Timestamp) -> Result<bool> {
        let wrap = sqlite_error(&self.path);
        let tx = self.conn.transaction().map_err(&wrap)?;
        let n = tx
            .execute(
                "UPDATE airings SET outcome = 'interrupted',
                   reason = 'the process airing it stopped mid-program (killed, crashed or power lost)',
                   ended_ms = ?2
                 WHERE id = ?1 AND outcome = 'airing'",
                params![id, ms(now)],
            )
            .map_err(&wrap)?;
        if n == 1 {
            log_event(
                &tx,
                id,
                now,
                AiringEvent::Finished(Outcome::Interrupted),
                None,
            )
            .map_err(&wrap)?;
        }
        tx.commit().map_err(&wrap)?;
        Ok(n == 1)
    }

    /// The as-run log between `since` and `until` (by scheduled time), oldest first.
    pub fn airings(
        &self,
        since: Option<Timestamp>,
        until: Option<Timestamp>,
    ) -> Result<Vec<Airing>> {
        let since = since.map_or(i64::MIN, ms);
        let until = until.map_or(i64::MAX, ms);
        self.airings_where(
            "scheduled_ms >= ?1 AND scheduled_ms <= ?2 ORDER BY scheduled_ms, id",
            &[&since, &until],
        )
    }

    /// The airings scheduled in `[since, until]` of `slot` with `outcome` (each when
    /// given), filtered and paged by the database: `(offset, limit)` newest first, or all
    /// oldest first; and how many match.
    pub fn airings_page(
        &self,
        since: Option<Timestamp>,
        until: Option<Timestamp>,
        slot: Option<&str>,
        outcome: Option<&str>,
        page: Option<(usize, usize)>,
    ) -> Result<(usize, Vec<Airing>)> {
        let since = since.map_or(i64::MIN, ms);
        let until = until.map_or(i64::MAX, ms);
        let cond = "scheduled_ms >= ?1 AND scheduled_ms <= ?2
             AND (?3 IS NULL OR slot = ?3) AND (?4 IS NULL OR outcome = ?4)";
        let total: i64 = self
            .conn
            .query_row(
                &format!("SELECT count(*) FROM airings WHERE {cond}"),
                params![since, until, slot, outcome],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))?;
        let order = match page {
            Some((offset, limit)) => {
                format!("ORDER BY scheduled_ms DESC, id DESC LIMIT {limit} OFFSET {offset}")
            }
            None => "ORDER BY scheduled_ms, id".to_owned(),
        };
        let rows = self.airings_where(
            &format!("{cond} {order}"),
            &[&since, &until, &slot, &outcome],
        )?;
        Ok((usize::try_from(total).unwrap_or(0), rows))
    }

    /// The airings `tail` (a condition and an order) chooses, with their articles and
    /// events.
    fn airings_where(&self, tail: &str, args: &[&dyn rusqlite::ToSql]) -> Result<Vec<Airing>> {
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT id, slot, scheduled_ms, started_ms, ended_ms, outcome, reason, voice,
                        duration, lufs, device, emergency_by, operator
                 FROM airings WHERE {tail}"
            ))
            .map_err(|e| self.err(e))?;
        let mut out = stmt
            .query_map(args, |r| {
                Ok(Airing {
                    id: r.get(0)?,
                    slot: r.get(1)?,
                    scheduled: ts(r.get(2)?),
                    started: r.get::<_, Option<i64>>(3)?.map(ts),
                    ended: r.get::<_, Option<i64>>(4)?.map(ts),
                    outcome: Outcome::parse(&r.get::<_, String>(5)?),
                    reason: r.get(6)?,
                    voice: r.get(7)?,
                    duration: r.get(8)?,
                    lufs: r.get(9)?,
                    device: r.get(10)?,
                    emergency_by: r.get(11)?,
                    operator: r.get(12)?,
                    events: Vec::new(),
                    articles: Vec::new(),
                })
            })
            .map_err(|e| self.err(e))?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.err(e))?;
        let mut stmt = self
            .conn
            .prepare(
                "SELECT x.article_id, a.title, x.version, x.hash, x.approved_by,
                   CASE WHEN x.approved_by IS NULL THEN
                     (SELECT p.by FROM approvals p WHERE p.article_id = x.article_id
                        AND p.hash = x.hash AND p.verdict = 'approved' AND p.version >= x.version
                        ORDER BY p.id LIMIT 1) END
                 FROM airing_articles x JOIN articles a ON a.id = x.article_id
                 WHERE x.airing_id = ?1 ORDER BY x.position",
            )
            .map_err(|e| self.err(e))?;
        for airing in &mut out {
            airing.articles = stmt
                .query_map([airing.id], |r| {
                    Ok(AiredArticle {
                        id: r.get(0)?,
                        title: r.get(1)?,
                        version: r.get(2)?,
                        hash: r.get(3)?,
                        approved_by: r.get(4)?,
                        countersigned_by: r.get(5)?,
                    })
                })
                .map_err(|e| self.err(e))?
                .collect::<rusqlite::Result<Vec<_>>>()
                .map_err(|e| self.err(e))?;
            airing.events = self.events(airing.id)?;
        }
        Ok(out)
    }

    /// The airings that played article `id`.
    pub fn airings_of(&self, id: i64) -> Result<Vec<Airing>> {
        Ok(self
            .airings(None, None)?
            .into_iter()
            .filter(|a| a.articles.iter().any(|x| x.id == id))
            .collect())
    }

    /// A station-wide value.
    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        self.conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Sets `key` to `value`.
    pub fn set_meta(&mut self, key: &str, value: &str) -> Result<()> {
        self.conn
            .execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![key, value],
            )
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    /// Logs many decided outcomes at once (an outage's misses), in one transaction, then
    /// sets meta `settled_ms` to `settled` when given; returns how many rows were new.
    pub fn record_all(
        &mut self,
        rows: &[(String, Timestamp, Outcome, String)],
        now: Timestamp,
        settled: Option<Timestamp>,
    ) -> Result<usize> {
        let wrap = sqlite_error(&self.path);
        let tx = self.conn.transaction().map_err(&wrap)?;
        let mut new = 0;
        for (slot, scheduled, outcome, reason) in rows {
            let n = tx
                .execute(
                    "INSERT OR IGNORE INTO airings (slot, scheduled_ms, claimed_ms, ended_ms, outcome, reason)
                     VALUES (?1, ?2, ?3, ?3, ?4, ?5)",
                    params![slot, ms(*scheduled), ms(now), outcome.as_str(), reason],
                )
                .map_err(&wrap)?;
            if n == 1 {
                new += 1;
                let id = tx.last_insert_rowid();
                log_event(&tx, id, now, AiringEvent::Finished(*outcome), Some(reason))
                    .map_err(&wrap)?;
            }
        }
        if let Some(t) = settled {
            tx.execute(
                "INSERT INTO meta (key, value) VALUES ('settled_ms', ?1)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [ms(t).to_string()],
            )
            .map_err(&wrap)?;
        }
        tx.commit().map_err(&wrap)?;
        Ok(new)
    }

    /// Sets `key` unless it is set; returns the value now stored.
    pub fn meta_default(&mut self, key: &str, value: &str) -> Result<String> {
        let wrap = sqlite_error(&self.path);
        let tx = self.conn.transaction().map_err(&wrap)?;
        tx.execute(
            "INSERT OR IGNORE INTO meta (key, value) VALUES (?1, ?2)",
            params![key, value],
        )
        .map_err(&wrap)?;
        let v: String = tx
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .map_err(&wrap)?;
        tx.commit().map_err(&wrap)?;
        Ok(v)
    }

    /// Queues an immediate airing for the running daemon.
    pub fn request(
        &mut self,
        article_id: i64,
        emergency_by: Option<&str>,
        operator: Option<&str>,
        now: Timestamp,
    ) -> Result<i64> {
        let wrap = sqlite_error(&self.path);
        let tx = self.conn.transaction().map_err(&wrap)?;
        tx.execute(
            "INSERT INTO requests (article_id, emergency_by, operator, created_ms)
             VALUES (?1, ?2, ?3, ?4)",
            params![article_id, emergency_by, operator, ms(now)],
        )
        .map_err(&wrap)?;
        let id = tx.last_insert_rowid();
        tx.commit().map_err(&wrap)?;
        Ok(id)
    }

    /// How many requests wait.
    pub fn pending_requests(&self) -> Result<usize> {
        self.conn
            .query_row(
                "SELECT count(*) FROM requests WHERE taken_ms IS NULL AND cancelled_ms IS NULL",
                [],
                |r| r.get::<_, i64>(0),
            )
            .map(|n| n as usize)
            .map_err(|e| self.err(e))
    }

    /// Takes the oldest untaken request, marking it taken.
    pub fn take_request(&mut self, now: Timestamp) -> Result<Option<Request>> {
        let wrap = sqlite_error(&self.path);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(&wrap)?;
        let req = tx
            .query_row(
                "SELECT id, article_id, emergency_by, created_ms, operator FROM requests
                 WHERE taken_ms IS NULL AND cancelled_ms IS NULL ORDER BY id LIMIT 1",
                [],
                |r| {
                    Ok(Request {
                        id: r.get(0)?,
                        article_id: r.get(1)?,
                        emergency_by: r.get(2)?,
                        created: ts(r.get(3)?),
                        operator: r.get(4)?,
                    })
                },
            )
            .optional()
            .map_err(&wrap)?;
        if let Some(r) = &req {
            tx.execute(
                "UPDATE requests SET taken_ms = ?2 WHERE id = ?1",
                params![r.id, ms(now)],
            )
            .map_err(&wrap)?;
        }
        tx.commit().map_err(&wrap)?;
        Ok(req)
    }
}

/// An article as it goes on air: `(id, version, hash, approved by)`.
type OnAirRow = (i64, i64, String, Option<String>);

/// Articles refused for air, and why.
type Refusals = Vec<(i64, String)>;

/// Checks each of `on_air`'s articles: still there, still the script rendered, approved
/// (or aired unsigned on an emergency order). Returns the rows to record and the refusals.
fn judge_on_air(conn: &Connection, on_air: &OnAir) -> rusqlite::Result<(Vec<OnAirRow>, Refusals)> {
    let mut refused = Vec::new();
    let mut rows = Vec::new();
    for (article, hash) in &on_air.articles {
        let row: Option<(String, String, i64)> = conn
            .query_row(
                "SELECT status, hash, version FROM articles WHERE id = ?1",
                [article],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((status, current, version)) = row else {
            refused.push((*article, "no longer in the database".to_owned()));
            continue;
        };
        if &current != hash {
            refused.push((
                *article,
                "its text changed after the program was made".into(),
            ));
            continue;
        }
        let approval = valid_approval(conn, *article)?;
        match (&approval, &on_air.emergency_by) {
            (Some(_), _) if status == "approved" => {}
            (_, Some(_)) if status == "draft" || status == "approved" => {}
            _ => {
                refused.push((*article, format!("it is {status}, not approved")));
                continue;
            }
        }
        rows.push((*article, version, hash.clone(), approval.map(|a| a.by)));
    }
    Ok((rows, refused))
}

fn status_of(conn: &Connection, id: i64) -> rusqlite::Result<Option<Status>> {
    conn.query_row("SELECT status FROM articles WHERE id = ?1", [id], |r| {
        r.get::<_, String>(0)
    })
    .optional()
    .map(|s| s.and_then(|s| Status::parse(&s)))
}

fn verdict_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Verdict> {
    Ok(Verdict {
        verdict: r.get(0)?,
        by: r.get(1)?,
        at: ts(r.get(2)?),
        hash: r.get(3)?,
        version: r.get(4)?,
        reason: r.get(5)?,
    })
}

/// The latest approval that binds the article's current version and hash, if the article is
/// in the approved state.
fn valid_approval(conn: &Connection, id: i64) -> rusqlite::Result<Option<Verdict>> {
    conn.query_row(
        "SELECT p.verdict, p.by, p.at_ms, p.hash, p.version, p.reason
         FROM approvals p JOIN articles a ON a.id = p.article_id
         WHERE p.article_id = ?1 AND a.status = 'approved' AND p.verdict = 'approved'
           AND p.version = a.version AND p.hash = a.hash
         ORDER BY p.id DESC LIMIT 1",
        [id],
        verdict_row,
    )
    .optional()
}

fn last_verdict(conn: &Connection, id: i64) -> rusqlite::Result<Option<Verdict>> {
    conn.query_row(
        "SELECT verdict, by, at_ms, hash, version, reason FROM approvals
         WHERE article_id = ?1 ORDER BY id DESC LIMIT 1",
        [id],
        verdict_row,
    )
    .optional()
}

#[cfg(test)]
mod tests;
