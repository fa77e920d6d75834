//! Cut-ins ordered from the console of a station that runs alone: a play-now request with
//! its severity and reason, and its cancel. The running daemon takes requests in order
//! (see [`Store::take_request`]); a cancelled one is never taken, and one on air is stopped
//! when the daemon is woken and finds it cancelled.

use jiff::Timestamp;
use rusqlite::{OptionalExtension, params};

use super::{Result, Store, ms, sqlite_error, ts};

/// A cut-in as the console orders it.
#[derive(Debug, Clone, PartialEq)]
pub struct CutIn {
    /// The article to air.
    pub article_id: i64,
    /// Who ordered it (airs unsigned on their order, as `play-now --emergency --by`).
    pub by: String,
    /// The protocol's severity (`1`–`4` or `test`).
    pub severity: String,
    /// Why.
    pub reason: String,
}

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestState {
    /// Not yet taken by the daemon.
    Waiting,
    /// Taken: on air or aired.
    Taken,
    /// Cancelled.
    Cancelled,
}

/// A request as the console lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestRow {
    /// Id.
    pub id: i64,
    /// The article.
    pub article_id: i64,
    /// The article's title.
    pub title: Option<String>,
    /// Who ordered it.
    pub operator: Option<String>,
    /// Severity, for console cut-ins.
    pub severity: Option<String>,
    /// Reason, for console cut-ins.
    pub reason: Option<String>,
    /// When it was made.
    pub created: Timestamp,
    /// Where it stands.
    pub state: RequestState,
    /// Who cancelled it.
    pub cancelled_by: Option<String>,
}

impl Store {
    /// Queues a cut-in for the running daemon; returns the request's id.
    pub fn cut_in(&mut self, order: &CutIn, now: Timestamp) -> Result<i64> {
        self.conn
            .execute(
                "INSERT INTO requests (article_id, emergency_by, operator, created_ms, severity, reason)
                 VALUES (?1, ?2, ?2, ?3, ?4, ?5)",
                params![order.article_id, order.by, ms(now), order.severity, order.reason],
            )
            .map_err(sqlite_error(&self.path))?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Cancels request `id` by `by`: `None` when there is no such request, else whether it
    /// was live (not cancelled before).
    pub fn cancel_request(&mut self, id: i64, by: &str, now: Timestamp) -> Result<Option<bool>> {
        let wrap = sqlite_error(&self.path);
        let exists = self
            .conn
            .query_row("SELECT 1 FROM requests WHERE id = ?1", [id], |_| Ok(()))
            .optional()
            .map_err(wrap)?;
        if exists.is_none() {
            return Ok(None);
        }
        let changed = self
            .conn
            .execute(
                "UPDATE requests SET cancelled_ms = ?2, cancelled_by = ?3
                 WHERE id = ?1 AND cancelled_ms IS NULL",
                params![id, ms(now), by],
            )
            .map_err(wrap)?;
        Ok(Some(changed > 0))
    }

    /// Who cancelled request `id`, when it was.
    pub fn cancelled_by(&self, id: i64) -> Result<Option<String>> {
        self.conn
            .query_row(
                "SELECT coalesce(cancelled_by, '') FROM requests
                 WHERE id = ?1 AND cancelled_ms IS NOT NULL",
                [id],
                |r| r.get(0),
            )
            .optional()
            .map_err(sqlite_error(&self.path))
    }

    /// The latest `limit` requests, newest first.
    pub fn recent_requests(&self, limit: usize) -> Result<Vec<RequestRow>> {
        let wrap = sqlite_error(&self.path);
        let mut stmt = self
            .conn
            .prepare(
                "SELECT r.id, r.article_id, a.title, r.operator, r.severity, r.reason,
                        r.created_ms, r.taken_ms IS NOT NULL, r.cancelled_ms IS NOT NULL,
                        r.cancelled_by
                 FROM requests r LEFT JOIN articles a ON a.id = r.article_id
                 ORDER BY r.id DESC LIMIT ?1",
            )
            .map_err(wrap)?;
        let rows = stmt
            .query_map([limit as i64], |r| {
                let state = match (r.get::<_, bool>(8)?, r.get::<_, bool>(7)?) {
                    (true, _) => RequestState::Cancelled,
                    (false, true) => RequestState::Taken,
                    (false, false) => RequestState::Waiting,
                };
                Ok(RequestRow {
                    id: r.get(0)?,
                    article_id: r.get(1)?,
                    title: r.get(2)?,
                    operator: r.get(3)?,
                    severity: r.get(4)?,
                    reason: r.get(5)?,
                    created: ts(r.get(6)?),
                    state,
                    cancelled_by: r.get(9)?,
                })
            })
            .map_err(wrap)?;
        rows.collect::<rusqlite::Result<_>>().map_err(wrap)
    }

    /// Whether the latest `play-now` airing is still open (claimed or on air).
    pub fn play_now_open(&self) -> Result<bool> {
        self.conn
            .query_row(
                "SELECT outcome IN ('claimed', 'airing') FROM airings
                 WHERE slot = 'play-now' ORDER BY id DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()
            .map(|open| open.unwrap_or(false))
            .map_err(sqlite_error(&self.path))
    }
}
