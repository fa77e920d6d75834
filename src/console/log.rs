//! 播出记录: the as-run log of this station and, at a hub, of every box, filtered on the
//! server by date, zone, box, slot and outcome; the CSV export in the format
//! `dalaba log --csv` writes, with the same filters.

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use jiff::{SignedDuration, Timestamp, ToSpan};
use serde::Deserialize;

use super::auth::Staff;
use super::pages::Nav;
use super::roles::Action;
use super::{Console, Page, PageError, html};
use crate::asrun::airing_of;
use crate::hub::store::{BoxRecord, LogFilter, LoggedRow};
use crate::store::{Airing, Outcome};
use crate::tts::http::percent_encode;

/// The log page's filters, as the form sends them.
#[derive(Debug, Default, Deserialize)]
pub(super) struct LogQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    slot: String,
    #[serde(default)]
    outcome: String,
    /// A zone: only the rows of boxes in it.
    #[serde(default)]
    zone: String,
    /// A box id: only its rows.
    #[serde(default, rename = "box")]
    box_id: String,
    #[serde(default)]
    csv: Option<String>,
    /// The page, from 1.
    #[serde(default)]
    page: Option<usize>,
}

/// The Chinese word for an outcome.
fn outcome_word(o: Outcome) -> &'static str {
    match o {
        Outcome::Claimed => "准备中",
        Outcome::Airing => "正在播出",
        Outcome::Aired => "已播出",
        Outcome::Failed => "失败",
        Outcome::Missed => "错过",
        Outcome::Interrupted => "中断",
        Outcome::Skipped => "跳过",
    }
}

/// One as-run row and where it aired.
struct Entry {
    airing: Airing,
    /// The box that sent it; `None` for this station's own loudspeaker.
    on: Option<BoxRecord>,
}

/// One log row on the page.
struct LogLine {
    scheduled: String,
    place: String,
    slot: String,
    outcome: String,
    failed: bool,
    reason: String,
    articles: String,
    duration: String,
}

#[derive(askama::Template)]
#[template(path = "console/log.html")]
struct LogPage {
    nav: Nav,
    q: LogQuery,
    rows: Vec<LogLine>,
    total: usize,
    /// This page (from 1) and how many there are.
    page: usize,
    pages: usize,
    /// Links to the page before and after, when there is one.
    prev_link: Option<String>,
    next_link: Option<String>,
    outcomes: Vec<(&'static str, &'static str)>,
    /// At a hub: its boxes `(id, name)` and zones, for the filters.
    hub: bool,
    boxes: Vec<(String, String)>,
    zones: Vec<String>,
    csv_link: String,
}

/// Rows per page (the CSV has them all).
const LOG_ROWS: usize = 100;

/// A `YYYY-MM-DD` day's start in the station's zone, or the end of it.
fn day(console: &Console, s: &str, end: bool) -> Result<Option<Timestamp>, PageError> {
    if s.trim().is_empty() {
        return Ok(None);
    }
    let date: jiff::civil::Date = s
        .trim()
        .parse()
        .map_err(|_| PageError::BadRequest(format!("日期“{s}”应写成 2026-12-01")))?;
    let date = if end {
        date.checked_add(1.day())
            .map_err(|e| PageError::Internal(e.into()))?
    } else {
        date
    };
    let t = date
        .to_zoned(console.tz().clone())
        .map_err(|e| PageError::Internal(e.into()))?
        .timestamp();
    Ok(Some(if end {
        t - SignedDuration::from_millis(1)
    } else {
        t
    }))
}

pub(super) async fn log(
    State(console): State<Console>,
    staff: Staff,
    Query(mut q): Query<LogQuery>,
) -> Page {
    staff.require(Action::Read)?;
    if q.from.is_empty() && q.to.is_empty() {
        let week_ago = console.now() - SignedDuration::from_hours(24 * 7);
        q.from = week_ago.to_zoned(console.tz().clone()).date().to_string();
    }
    let filter = LogFilter {
        since: day(&console, &q.from, false)?,
        until: day(&console, &q.to, true)?,
        slot: non_empty(&q.slot),
        outcome: non_empty(&q.outcome),
        zone: non_empty(&q.zone),
        box_id: non_empty(&q.box_id),
        page: None,
    };
    if q.csv.is_some() {
        let (_, rows, _) = entries(&console, &filter, None).await?;
        return csv(&console, &staff, rows).await;
    }
    let page = q.page.unwrap_or(1).max(1);
    let offset = (page - 1) * LOG_ROWS;
    let (total, rows, boxes) = entries(&console, &filter, Some((offset, LOG_ROWS))).await?;
    let lines = rows.into_iter().map(|e| log_line(&console, e)).collect();
    let mut zones: Vec<String> = boxes.iter().flat_map(|b| b.zones.clone()).collect();
    zones.sort();
    zones.dedup();
    let outcomes = [
        Outcome::Aired,
        Outcome::Failed,
        Outcome::Missed,
        Outcome::Interrupted,
        Outcome::Skipped,
    ]
    .into_iter()
    .map(|o| (o.as_str(), outcome_word(o)))
    .collect();
    let pages = total.div_ceil(LOG_ROWS).max(1);
    html(&LogPage {
        nav: Nav::of(&staff, "log"),
        csv_link: format!("{}&csv=1", link(&q)),
        prev_link: (page > 1).then(|| format!("{}&page={}", link(&q), page - 1)),
        next_link: (page < pages).then(|| format!("{}&page={}", link(&q), page + 1)),
        q,
        rows: lines,
        total,
        page,
        pages,
        outcomes,
        hub: console.0.edges.hub.is_some(),
        boxes: boxes
            .into_iter()
            .map(|b| (b.box_id.to_string(), b.name))
            .collect(),
        zones,
    })
}

fn non_empty(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_owned())
}

/// The page's own link: its filters, every one of them (the export and the paging links
/// add to it).
fn link(q: &LogQuery) -> String {
    let pairs = [
        ("from", &q.from),
        ("to", &q.to),
        ("zone", &q.zone),
        ("box", &q.box_id),
        ("slot", &q.slot),
        ("outcome", &q.outcome),
    ];
    let query: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", percent_encode(v)))
        .collect();
    format!("/console/log?{}", query.join("&"))
}

/// The filtered rows as the CSV `dalaba log --csv` writes (Chinese); a box's rows name the
/// box in the device column.
async fn csv(console: &Console, staff: &Staff, rows: Vec<Entry>) -> Page {
    let detail = Some(format!("{} 行", rows.len()));
    console
        .audit(&staff.user.name, &staff.peer, "log-csv", detail)
        .await;
    let airings = rows.into_iter().map(|e| e.airing).collect();
    let body = crate::app::log_csv(airings, console.tz(), crate::cli::CsvLang::Zh);
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"dalaba-log.csv\"",
            ),
        ],
        body,
    )
        .into_response())
}

/// The rows `filter` chooses from this station's log and, at a hub, every box's, filtered
/// and paged by the databases: `(offset, limit)` of the merged rows newest first, or every
/// row oldest first (the CSV); how many match in all; and the hub's boxes. A zone or box
/// filter keeps only boxes' rows.
async fn entries(
    console: &Console,
    filter: &LogFilter,
    page: Option<(usize, usize)>,
) -> Result<(usize, Vec<Entry>, Vec<BoxRecord>), PageError> {
    // Each source gives its first `offset + limit`; the merge keeps the page.
    let head = page.map(|(offset, limit)| (0, offset + limit));
    let f = filter.clone();
    let (mut total, local) = if f.zone.is_some() || f.box_id.is_some() {
        (0, Vec::new())
    } else {
        console
            .db()
            .call(move |s| {
                s.airings_page(
                    f.since,
                    f.until,
                    f.slot.as_deref(),
                    f.outcome.as_deref(),
                    head,
                )
            })
            .await?
    };
    let mut out: Vec<Entry> = local
        .into_iter()
        .map(|airing| Entry { airing, on: None })
        .collect();
    let mut boxes = Vec::new();
    if let Some(hub) = console.0.edges.hub.clone() {
        let wanted = LogFilter {
            page: head,
            ..filter.clone()
        };
        let (n, logged, known) = tokio::task::spawn_blocking(move || {
            let (n, logged) = hub.store.as_run_page(&wanted)?;
            Ok::<_, anyhow::Error>((n, logged, hub.store.boxes()?))
        })
        .await
        .map_err(|e| PageError::Internal(e.into()))??;
        total += n;
        out.extend(logged.into_iter().map(|r| box_entry(r, &known)));
        boxes = known;
    }
    out.sort_by_key(|e| (e.airing.scheduled, e.on.is_some()));
    if let Some((offset, limit)) = page {
        out.reverse();
        out = out.into_iter().skip(offset).take(limit).collect();
    }
    Ok((total, out, boxes))
}

/// A box's as-run row as a log row.
fn box_entry(r: LoggedRow, boxes: &[BoxRecord]) -> Entry {
    let airing = airing_of(&r);
    let on = boxes
        .iter()
        .find(|b| b.box_id == r.box_id)
        .cloned()
        .unwrap_or(BoxRecord {
            box_id: r.box_id.clone(),
            name: r.box_name.clone(),
            zones: Vec::new(),
            revoked: true,
        });
    Entry {
        airing,
        on: Some(on),
    }
}

fn log_line(console: &Console, e: Entry) -> LogLine {
    let a = e.airing;
    LogLine {
        scheduled: console.shown(a.scheduled),
        place: e
            .on
            .map(|b| format!("{}（{}）", b.name, b.box_id))
            .unwrap_or_else(|| "本站".to_owned()),
        slot: a.slot,
        failed: matches!(
            a.outcome,
            Outcome::Failed | Outcome::Missed | Outcome::Interrupted
        ),
        outcome: outcome_word(a.outcome).to_owned(),
        reason: a
            .reason
            .map(|why| crate::i18n::reason_in(crate::i18n::Lang::Zh, &why))
            .unwrap_or_default(),
        articles: a
            .articles
            .iter()
            .map(|x| match x.id {
                // A box reports titles only.
                0 => format!("「{}」", x.title.as_deref().unwrap_or("")),
                id => format!("{id}「{}」", x.title.as_deref().unwrap_or("")),
            })
            .collect::<Vec<_>>()
            .join("，"),
        duration: a.duration.map(|d| format!("{d:.1} 秒")).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_export_link_keeps_every_filter_encoded() {
        let q = LogQuery {
            from: "2026-12-01".into(),
            zone: "东片&x=1".into(),
            box_id: "zhangjiacun".into(),
            outcome: "aired".into(),
            ..Default::default()
        };
        assert_eq!(
            format!("{}&csv=1", link(&q)),
            "/console/log?from=2026-12-01&to=&zone=%E4%B8%9C%E7%89%87%26x%3D1\
             &box=zhangjiacun&slot=&outcome=aired&csv=1"
        );
    }
}
