//! The staff console's tables: accounts, server-side sessions, the audit log and who wrote
//! each article. Passwords and session tokens are stored only as hashes; the console makes
//! them (argon2, blake3) and this module never sees a secret.

use jiff::Timestamp;
use rusqlite::{OptionalExtension, params};

use super::{ArticleRow, Result, Store, ms, ts};

/// A console account.
#[derive(Debug, Clone, PartialEq)]
pub struct UserRow {
    /// Id.
    pub id: i64,
    /// Login name (shown as who did what).
    pub name: String,
    /// `编辑`, `审核`, `站长` or `只读`.
    pub role: String,
    /// The argon2 PHC string.
    pub password_hash: String,
    /// A disabled account cannot log in and its sessions are gone.
    pub disabled: bool,
    /// When it was made.
    pub created: Timestamp,
}

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditRow {
    /// When.
    pub at: Timestamp,
    /// Who (account name, or the name tried at a failed login).
    pub who: String,
    /// From where (peer address).
    pub peer: String,
    /// What, as a short code (`login`, `approve`, …).
    pub action: String,
    /// The particulars.
    pub detail: Option<String>,
}

fn user_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<UserRow> {
    Ok(UserRow {
        id: r.get(0)?,
        name: r.get(1)?,
        role: r.get(2)?,
        password_hash: r.get(3)?,
        disabled: r.get(4)?,
        created: ts(r.get(5)?),
    })
}

const USER_COLUMNS: &str = "u.id, u.name, u.role, u.password_hash, u.disabled, u.created_ms";

impl Store {
    /// Adds an account; refused when the name is taken.
    pub fn add_user(&mut self, name: &str, role: &str, hash: &str, now: Timestamp) -> Result<i64> {
        self.conn
            .execute(
                "INSERT INTO console_users (name, role, password_hash, created_ms)
                 VALUES (?1, ?2, ?3, ?4)",
                params![name, role, hash, ms(now)],
            )
            .map_err(|e| self.err(e))?;
        Ok(self.conn.last_insert_rowid())
    }

    /// The account called `name`.
    pub fn user(&self, name: &str) -> Result<Option<UserRow>> {
        self.conn
            .query_row(
                &format!("SELECT {USER_COLUMNS} FROM console_users u WHERE u.name = ?1"),
                [name],
                user_row,
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Every account, by name.
    pub fn users(&self) -> Result<Vec<UserRow>> {
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT {USER_COLUMNS} FROM console_users u ORDER BY u.name"
            ))
            .map_err(|e| self.err(e))?;
        stmt.query_map([], user_row)
            .map_err(|e| self.err(e))?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.err(e))
    }

    /// Changes an account's role and whether it is disabled (which ends its sessions);
    /// false when there is no such account.
    pub fn set_user(&mut self, name: &str, role: &str, disabled: bool) -> Result<bool> {
        let wrap = super::sqlite_error(&self.path);
        let tx = self.conn.transaction().map_err(wrap)?;
        let n = tx
            .execute(
                "UPDATE console_users SET role = ?2, disabled = ?3 WHERE name = ?1",
                params![name, role, disabled],
            )
            .map_err(wrap)?;
        if disabled {
            tx.execute(
                "DELETE FROM console_sessions WHERE user_id =
                   (SELECT id FROM console_users WHERE name = ?1)",
                [name],
            )
            .map_err(wrap)?;
        }
        tx.commit().map_err(wrap)?;
        Ok(n == 1)
    }

    /// Sets a new password hash and ends the account's sessions.
    pub fn set_password(&mut self, name: &str, hash: &str) -> Result<bool> {
        let wrap = super::sqlite_error(&self.path);
        let tx = self.conn.transaction().map_err(wrap)?;
        let n = tx
            .execute(
                "UPDATE console_users SET password_hash = ?2 WHERE name = ?1",
                params![name, hash],
            )
            .map_err(wrap)?;
        tx.execute(
            "DELETE FROM console_sessions WHERE user_id =
               (SELECT id FROM console_users WHERE name = ?1)",
            [name],
        )
        .map_err(wrap)?;
        tx.commit().map_err(wrap)?;
        Ok(n == 1)
    }

    /// Opens a session: the hash of its token, its CSRF token, until when it holds.
    pub fn open_session(
        &mut self,
        token_hash: &str,
        user_id: i64,
        csrf: &str,
        now: Timestamp,
        expires: Timestamp,
    ) -> Result<()> {
        let wrap = super::sqlite_error(&self.path);
        let tx = self.conn.transaction().map_err(wrap)?;
        tx.execute(
            "DELETE FROM console_sessions WHERE expires_ms <= ?1",
            [ms(now)],
        )
        .map_err(wrap)?;
        tx.execute(
            "INSERT INTO console_sessions (token_hash, user_id, csrf, created_ms, expires_ms)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![token_hash, user_id, csrf, ms(now), ms(expires)],
        )
        .map_err(wrap)?;
        tx.commit().map_err(wrap)
    }

    /// The live session with this token hash: its enabled account and CSRF token.
    pub fn session(&self, token_hash: &str, now: Timestamp) -> Result<Option<(UserRow, String)>> {
        self.conn
            .query_row(
                &format!(
                    "SELECT {USER_COLUMNS}, s.csrf FROM console_sessions s
                     JOIN console_users u ON u.id = s.user_id
                     WHERE s.token_hash = ?1 AND s.expires_ms > ?2 AND u.disabled = 0"
                ),
                params![token_hash, ms(now)],
                |r| Ok((user_row(r)?, r.get(6)?)),
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Ends a session (logout): its token is worthless from now on.
    pub fn close_session(&mut self, token_hash: &str) -> Result<()> {
        self.conn
            .execute(
                "DELETE FROM console_sessions WHERE token_hash = ?1",
                [token_hash],
            )
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    /// Appends to the audit log.
    pub fn audit(&mut self, row: &AuditRow) -> Result<()> {
        self.conn
            .execute(
                "INSERT INTO console_audit (at_ms, who, peer, action, detail)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![ms(row.at), row.who, row.peer, row.action, row.detail],
            )
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    /// The newest `limit` audit rows, newest first.
    pub fn audit_log(&self, limit: usize) -> Result<Vec<AuditRow>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT at_ms, who, peer, action, detail FROM console_audit
                 ORDER BY id DESC LIMIT ?1",
            )
            .map_err(|e| self.err(e))?;
        stmt.query_map([limit as i64], |r| {
            Ok(AuditRow {
                at: ts(r.get(0)?),
                who: r.get(1)?,
                peer: r.get(2)?,
                action: r.get(3)?,
                detail: r.get(4)?,
            })
        })
        .map_err(|e| self.err(e))?
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(|e| self.err(e))
    }

    /// Records who wrote article `id` (so that person cannot approve it).
    pub fn set_author(&mut self, id: i64, name: &str) -> Result<()> {
        self.conn
            .execute(
                "INSERT OR REPLACE INTO console_authors (article_id, user_name) VALUES (?1, ?2)",
                params![id, name],
            )
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    /// Who wrote article `id` in the console, if it came from there.
    pub fn author(&self, id: i64) -> Result<Option<String>> {
        self.conn
            .query_row(
                "SELECT user_name FROM console_authors WHERE article_id = ?1",
                [id],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// The newest `limit` articles, newest first, optionally only those of one status.
    pub fn recent_articles(&self, status: Option<&str>, limit: usize) -> Result<Vec<ArticleRow>> {
        let mut rows = self.articles_where(
            "WHERE a.id IN (SELECT id FROM articles
               WHERE ?1 IS NULL OR status = ?1 ORDER BY id DESC LIMIT ?2)",
            params![status, limit as i64],
        )?;
        rows.reverse();
        Ok(rows)
    }

    /// How many articles have each status: `(status, count)`.
    pub fn article_counts(&self) -> Result<Vec<(String, i64)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT status, count(*) FROM articles GROUP BY status ORDER BY status")
            .map_err(|e| self.err(e))?;
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(|e| self.err(e))?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.err(e))
    }
}
