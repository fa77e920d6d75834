//! The merged as-run log of the boxes, filtered and paged in SQL: each row is stored with
//! its slot, scheduled time and log outcome (see [`crate::asrun::log_keys`]),
//! indexed by time, so a page of a big log reads only the rows it shows.

use anyhow::Context;
use jiff::Timestamp;
use rusqlite::types::Value;
use rusqlite::{Connection, params};

use super::{LoggedRow, box_id};
use crate::asrun::log_keys;
use crate::protocol::AsRun;

/// Which rows of the merged log, and which part of them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LogFilter {
    /// Scheduled at or after.
    pub since: Option<Timestamp>,
    /// Scheduled at or before.
    pub until: Option<Timestamp>,
    /// Only this box.
    pub box_id: Option<String>,
    /// Only boxes in this zone.
    pub zone: Option<String>,
    /// Only this slot.
    pub slot: Option<String>,
    /// Only this log outcome (`aired`, `failed`, …).
    pub outcome: Option<String>,
    /// `(offset, limit)`, newest first; `None`: every row, oldest first (the CSV).
    pub page: Option<(usize, usize)>,
}

/// The filter as an SQL condition on `hub_as_run r`, with its parameters.
fn condition(f: &LogFilter) -> (String, Vec<Value>) {
    let mut clauses = vec!["1".to_owned()];
    let mut values: Vec<Value> = Vec::new();
    let mut add = |clause: &str, value: Value| {
        values.push(value);
        clauses.push(clause.replace('?', &format!("?{}", values.len())));
    };
    if let Some(t) = f.since {
        add("r.scheduled_ms >= ?", Value::Integer(t.as_millisecond()));
    }
    if let Some(t) = f.until {
        add("r.scheduled_ms <= ?", Value::Integer(t.as_millisecond()));
    }
    if let Some(b) = &f.box_id {
        add("r.box_id = ?", Value::Text(b.clone()));
    }
    if let Some(z) = &f.zone {
        add(
            "r.box_id IN (SELECT box_id FROM hub_box_zone WHERE zone = ?)",
            Value::Text(z.clone()),
        );
    }
    if let Some(s) = &f.slot {
        add("r.slot = ?", Value::Text(s.clone()));
    }
    if let Some(o) = &f.outcome {
        add("r.outcome = ?", Value::Text(o.clone()));
    }
    (clauses.join(" AND "), values)
}

/// How many rows match, and the page of them `f` asks for.
pub(super) fn page(conn: &Connection, f: &LogFilter) -> anyhow::Result<(usize, Vec<LoggedRow>)> {
    let (cond, values) = condition(f);
    let total: i64 = conn.query_row(
        &format!("SELECT count(*) FROM hub_as_run r WHERE {cond}"),
        rusqlite::params_from_iter(values.iter()),
        |r| r.get(0),
    )?;
    let order = match f.page {
        Some((offset, limit)) => {
            format!("r.scheduled_ms DESC, r.rowid DESC LIMIT {limit} OFFSET {offset}")
        }
        None => "r.scheduled_ms, r.rowid".to_owned(),
    };
    let out = select(conn, &cond, &order, &values)?;
    Ok((usize::try_from(total).unwrap_or(0), out))
}

/// The merged log's rows on `hub_as_run r` that `cond` chooses, in `order`, with their
/// boxes' names.
pub(super) fn select(
    conn: &Connection,
    cond: &str,
    order: &str,
    values: &[Value],
) -> anyhow::Result<Vec<LoggedRow>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT r.box_id, b.name, r.received_at, r.json
         FROM hub_as_run r JOIN hub_box b ON b.box_id = r.box_id
         WHERE {cond} ORDER BY {order}"
    ))?;
    let rows = stmt.query_map(rusqlite::params_from_iter(values), |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, box_name, received_at, json) = row?;
        let row = serde_json::from_str(&json)
            .with_context(|| format!("a stored as-run row of box `{id}` is not valid"))?;
        out.push(LoggedRow {
            box_id: box_id(id)?,
            box_name,
            received_at,
            row,
        });
    }
    Ok(out)
}

/// Stores a row's place in the log beside it.
pub(super) fn place(
    conn: &Connection,
    box_id: &str,
    row: &AsRun,
    received_at: &str,
) -> rusqlite::Result<()> {
    let (slot, scheduled, outcome) = log_keys(row, received_at);
    conn.execute(
        "UPDATE hub_as_run SET slot = ?3, scheduled_ms = ?4, outcome = ?5
         WHERE box_id = ?1 AND airing_id = ?2",
        params![
            box_id,
            row.airing_id,
            slot,
            scheduled.as_millisecond(),
            outcome.as_str()
        ],
    )?;
    Ok(())
}

/// Places the rows stored before the log was placed (a hub upgraded in place).
pub(super) fn place_old_rows(conn: &Connection) -> anyhow::Result<()> {
    let old: Vec<(String, String, String)> = conn
        .prepare("SELECT box_id, json, received_at FROM hub_as_run WHERE scheduled_ms IS NULL")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    for (id, json, received_at) in old {
        if let Ok(row) = serde_json::from_str::<AsRun>(&json) {
            place(conn, &id, &row, &received_at)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hub::store::{BoxRecord, HubStore, SqliteHubStore};
    use crate::protocol::{AsRunState, BoxId, Health, SecretHash, WireTime};

    fn health() -> Health {
        Health {
            version: "test".into(),
            device: "present".into(),
            ..Health::default()
        }
    }

    /// `n` rows of `slot`, one a minute from 07:00 Beijing time, every third failed.
    fn rows(slot: &str, n: i64) -> Vec<AsRun> {
        let offset = jiff::tz::Offset::constant(8);
        let start: Timestamp = "2026-12-02T07:00:00+08:00".parse().unwrap();
        (0..n)
            .map(|i| {
                let at = WireTime::new(start + jiff::SignedDuration::from_mins(i), offset);
                let failed = i % 3 == 0;
                AsRun {
                    airing_id: format!("{slot}@{at}"),
                    state: if failed {
                        AsRunState::Failed
                    } else {
                        AsRunState::Succeeded
                    },
                    started_at: Some(at.clone()),
                    ended_at: Some(at),
                    program_digest: None,
                    voice: None,
                    reason: failed.then(|| "no device".to_owned()),
                    titles: vec![],
                    duration_secs: None,
                }
            })
            .collect()
    }

    fn store_with_two_boxes(path: &std::path::Path) -> SqliteHubStore {
        let store = SqliteHubStore::open(path).unwrap();
        for (id, zone, slot, n) in [("east1", "东片", "east", 10), ("west1", "西片", "west", 5)]
        {
            let box_id: BoxId = id.parse().unwrap();
            let record = BoxRecord {
                box_id: box_id.clone(),
                name: id.to_owned(),
                zones: vec![zone.to_owned()],
                revoked: false,
            };
            store
                .enroll(&record, &SecretHash::from_bytes([7; 32]))
                .unwrap();
            let at = "2026-12-02T00:00:00Z";
            store
                .record_report(&box_id, &rows(slot, n), &health(), at)
                .unwrap();
        }
        store
    }

    fn ids(page: &[LoggedRow]) -> Vec<String> {
        page.iter().map(|r| r.row.airing_id.clone()).collect()
    }

    #[test]
    fn the_database_filters_counts_and_pages_newest_first() {
        let dir = tempfile::tempdir().unwrap();
        let store = store_with_two_boxes(&dir.path().join("hub.sqlite"));
        let conn = store.conn();
        let all = LogFilter::default();
        let (n, every) = page(&conn, &all).unwrap();
        assert_eq!((n, every.len()), (15, 15));
        assert!(
            every
                .windows(2)
                .all(|w| log_keys(&w[0].row, "").1 <= log_keys(&w[1].row, "").1)
        );
        let east = LogFilter {
            zone: Some("东片".into()),
            page: Some((2, 3)),
            ..all.clone()
        };
        let (n, rows) = page(&conn, &east).unwrap();
        assert_eq!(n, 10);
        assert_eq!(
            ids(&rows),
            ["07:07", "07:06", "07:05"].map(|t| format!("east@2026-12-02T{t}:00+08:00"))
        );
        let failed = LogFilter {
            outcome: Some("failed".into()),
            ..all.clone()
        };
        assert_eq!(page(&conn, &failed).unwrap().0, 4 + 2);
        let until: Timestamp = "2026-12-02T07:01:00+08:00".parse().unwrap();
        let early = LogFilter {
            box_id: Some("west1".into()),
            until: Some(until),
            ..all
        };
        assert_eq!(page(&conn, &early).unwrap().0, 2);
    }

    #[test]
    fn rows_stored_before_the_log_was_placed_are_placed_on_open() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hub.sqlite");
        drop(store_with_two_boxes(&path));
        let raw = Connection::open(&path).unwrap();
        // Back to the schema before the last migration, as an older hub left it.
        raw.execute_batch(
            "DROP INDEX hub_as_run_by_time;
             ALTER TABLE hub_as_run DROP COLUMN slot;
             ALTER TABLE hub_as_run DROP COLUMN scheduled_ms;
             ALTER TABLE hub_as_run DROP COLUMN outcome;",
        )
        .unwrap();
        let before = crate::hub::store::MIGRATIONS.len() - 1;
        raw.pragma_update(None, "user_version", before).unwrap();
        drop(raw);
        let store = SqliteHubStore::open(&path).unwrap();
        let west = LogFilter {
            slot: Some("west".into()),
            ..LogFilter::default()
        };
        assert_eq!(page(&store.conn(), &west).unwrap().0, 5);
    }
}
