//! `dalaba log [--since D] [--until D] [--csv|--json]`: the as-run log (播出记录).

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use super::escape;
use super::queue::short;
use crate::airing;
use crate::schedule::Bound;
use crate::station::Station;
use crate::store::Airing;

/// One article of a log row.
#[derive(Debug, Serialize)]
struct LogArticle {
    id: i64,
    title: Option<String>,
    version: i64,
    hash: String,
    approved_by: Option<String>,
    countersigned_by: Option<String>,
}

/// One log row as printed.
#[derive(Debug, Serialize)]
struct LogRow {
    slot: String,
    scheduled: String,
    started: Option<String>,
    ended: Option<String>,
    outcome: String,
    reason: Option<String>,
    articles: Vec<LogArticle>,
    voice: Option<String>,
    duration_s: Option<f64>,
    lufs: Option<f64>,
    device: Option<String>,
    emergency_by: Option<String>,
    operator: Option<String>,
    events: Vec<LogEvent>,
}

/// One transition of an airing (claimed, rendered, on air, its outcome).
#[derive(Debug, Serialize)]
struct LogEvent {
    at: String,
    event: String,
    detail: Option<String>,
}

/// Columns of `log --csv` that hold text from users and files: slot, reason, articles,
/// voice, device, emergency_by, operator.
const CSV_TEXT: [usize; 7] = [0, 5, 6, 7, 10, 11, 12];

fn bound(s: &str, end: bool, tz: &TimeZone) -> anyhow::Result<Timestamp> {
    match Bound::parse(s).map_err(|e| anyhow::anyhow!("{e}"))? {
        Bound::Instant(t) => Ok(t),
        Bound::Day(d) => {
            let start = d.to_zoned(tz.clone())?.timestamp();
            if end {
                let next = d.tomorrow()?.to_zoned(tz.clone())?.timestamp();
                Ok(next.checked_sub(SignedDuration::from_millis(1))?)
            } else {
                Ok(start)
            }
        }
    }
}

/// Who signed `a`, in words, for the text and CSV views.
fn approver(approved_by: Option<&str>, countersigned_by: Option<&str>) -> String {
    match (approved_by, countersigned_by) {
        (Some(by), _) => format!("approved by {by}"),
        (None, Some(by)) => format!("unsigned, countersigned by {by}"),
        (None, None) => "unsigned".into(),
    }
}

fn row(a: Airing, tz: &TimeZone) -> LogRow {
    let fmt = |t: Timestamp| {
        t.to_zoned(tz.clone())
            .strftime("%Y-%m-%dT%H:%M:%S%.3f%:z")
            .to_string()
    };
    LogRow {
        slot: a.slot,
        scheduled: fmt(a.scheduled),
        started: a.started.map(fmt),
        ended: a.ended.map(fmt),
        outcome: a.outcome.as_str().into(),
        reason: a.reason,
        articles: a
            .articles
            .into_iter()
            .map(|x| LogArticle {
                id: x.id,
                title: x.title.clone(),
                version: x.version,
                approved_by: x.approved_by.clone(),
                countersigned_by: x.countersigned_by.clone(),
                hash: x.hash,
            })
            .collect(),
        voice: a.voice,
        duration_s: a.duration.map(|d| (d * 10.0).round() / 10.0),
        lufs: a.lufs,
        device: a.device,
        emergency_by: a.emergency_by,
        operator: a.operator,
        events: a
            .events
            .into_iter()
            .map(|(at, event, detail)| LogEvent {
                at: fmt(at),
                event,
                detail,
            })
            .collect(),
    }
}

/// A CSV field: quoted when it holds a comma or quote; controls escaped and formulas
/// defused in `text` fields (not in times and numbers, where `-16.0` is a value).
fn csv_field(s: &str, text: bool) -> String {
    let s = if text {
        escape::csv_cell(s)
    } else {
        escape::line(s).into_owned()
    };
    if s.contains([',', '"']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

pub(super) fn run(
    station: &Station,
    since: Option<&str>,
    until: Option<&str>,
    csv: bool,
    json: bool,
) -> anyhow::Result<()> {
    let tz = airing::time_zone(station)?;
    let from = since.map(|s| bound(s, false, &tz)).transpose()?;
    let to = until.map(|s| bound(s, true, &tz)).transpose()?;
    if let (Some(f), Some(t)) = (from, to) {
        anyhow::ensure!(
            f <= t,
            "`--since {}` is after `--until {}`: no airing can be in between; swap them",
            escape::line(since.unwrap_or_default()),
            escape::line(until.unwrap_or_default())
        );
    }
    let (since, until) = (from, to);
    let store = super::queue::open_to_read(station)?;
    let rows: Vec<LogRow> = store
        .airings(since, until)?
        .into_iter()
        .map(|a| row(a, &tz))
        .collect();
    if json {
        println!("{}", serde_json::to_string_pretty(&rows)?);
        return Ok(());
    }
    if csv {
        print_csv(&rows);
        return Ok(());
    }
    if rows.is_empty() {
        println!("no airings logged");
    }
    for r in &rows {
        println!(
            "{}  {:<12} {:<11} started {}  ended {}{}",
            r.scheduled,
            escape::line(&r.slot),
            r.outcome,
            r.started.as_deref().unwrap_or("-"),
            r.ended.as_deref().unwrap_or("-"),
            r.duration_s
                .map(|d| format!("  {d:.1} s"))
                .unwrap_or_default()
        );
        if let Some(reason) = &r.reason {
            println!("    {}", escape::line(reason));
        }
        if !r.articles.is_empty() {
            println!("    {}", escape::line(&articles(r)));
        }
    }
    Ok(())
}

/// A log row's articles in one field: id, title, script, who signed.
fn articles(r: &LogRow) -> String {
    r.articles
        .iter()
        .map(|a| {
            let by = approver(a.approved_by.as_deref(), a.countersigned_by.as_deref());
            format!(
                "{} {} [{}] {by}",
                a.id,
                a.title.as_deref().unwrap_or(""),
                short(&a.hash)
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The log as CSV, for the township's files.
fn print_csv(rows: &[LogRow]) {
    print!("{}", csv_of(rows));
}

/// `airings` as the CSV `dalaba log --csv` writes (the console's export uses it too).
pub fn csv_text(airings: Vec<Airing>, tz: &TimeZone) -> String {
    let rows: Vec<LogRow> = airings.into_iter().map(|a| row(a, tz)).collect();
    csv_of(&rows)
}

fn csv_of(rows: &[LogRow]) -> String {
    // A byte-order mark first: Excel (Chinese Windows included) then reads UTF-8.
    let mut out = String::from(
        "\u{feff}slot,scheduled,started,ended,outcome,reason,articles,voice,duration_s,lufs,device,emergency_by,operator\n",
    );
    for r in rows {
        let fields = [
            r.slot.clone(),
            r.scheduled.clone(),
            r.started.clone().unwrap_or_default(),
            r.ended.clone().unwrap_or_default(),
            r.outcome.clone(),
            r.reason.clone().unwrap_or_default(),
            articles(r),
            r.voice.clone().unwrap_or_default(),
            r.duration_s.map(|d| format!("{d:.1}")).unwrap_or_default(),
            r.lufs.map(|d| format!("{d:.1}")).unwrap_or_default(),
            r.device.clone().unwrap_or_default(),
            r.emergency_by.clone().unwrap_or_default(),
            r.operator.clone().unwrap_or_default(),
        ];
        let line: Vec<String> = fields
            .iter()
            .enumerate()
            .map(|(i, f)| csv_field(f, CSV_TEXT.contains(&i)))
            .collect();
        out.push_str(&line.join(","));
        out.push('\n');
    }
    out
}
