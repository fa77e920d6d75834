//! `dalaba log [--since D] [--until D] [--csv|--json]`: the as-run log (播出记录).

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use super::escape;
use super::queue::short;
use crate::airing;
use crate::cli::CsvLang;
use crate::i18n::{Lang, message_in, reason_in};
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

/// How `dalaba log` prints.
#[derive(Debug, Clone, Copy)]
pub(super) enum View {
    /// Lines for a person, in the locale's language.
    Text,
    /// JSON for scripts (never translated).
    Json,
    /// CSV for filing upward, in its own language.
    Csv(CsvLang),
}

impl View {
    /// The view the flags ask for: `--csv` wins over `--json`.
    pub(super) fn chosen(csv: Option<CsvLang>, json: bool) -> Self {
        match (csv, json) {
            (Some(lang), _) => Self::Csv(lang),
            (None, true) => Self::Json,
            (None, false) => Self::Text,
        }
    }
}

/// Who signed `a`, in words of `lang`, for the text and CSV views.
fn approver(lang: Lang, approved_by: Option<&str>, countersigned_by: Option<&str>) -> String {
    let by = |id: &str, by: &str| message_in(lang, id, &[("by", by.to_owned().into())]);
    match (approved_by, countersigned_by) {
        (Some(who), _) => by("log-approved-by", who),
        (None, Some(who)) => by("log-countersigned", who),
        (None, None) => message_in(lang, "log-unsigned", &[]),
    }
}

/// An outcome (`aired`, `missed`, …) in words of `lang`.
fn outcome_word(lang: Lang, outcome: &str) -> String {
    message_in(lang, &format!("outcome-{outcome}"), &[])
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
    view: View,
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
    match view {
        View::Json => println!("{}", serde_json::to_string_pretty(&rows)?),
        View::Csv(lang) => print!("{}", csv(&rows, lang)),
        View::Text => print_text(&rows),
    }
    Ok(())
}

/// The log as lines for a person, in the locale's language.
fn print_text(rows: &[LogRow]) {
    let lang = crate::i18n::lang();
    if rows.is_empty() {
        println!("{}", crate::t!("log-none"));
    }
    let (started, ended) = (crate::t!("log-started"), crate::t!("log-ended"));
    for r in rows {
        println!(
            "{}  {:<12} {:<11} {started} {}  {ended} {}{}",
            r.scheduled,
            escape::line(&r.slot),
            outcome_word(lang, &r.outcome),
            r.started.as_deref().unwrap_or("-"),
            r.ended.as_deref().unwrap_or("-"),
            r.duration_s
                .map(|d| format!("  {d:.1} s"))
                .unwrap_or_default()
        );
        if let Some(reason) = &r.reason {
            println!("    {}", escape::line(&reason_in(lang, reason)));
        }
        if !r.articles.is_empty() {
            println!("    {}", escape::line(&articles(r, lang)));
        }
    }
}

/// A log row's articles in one field: id, title, script, who signed.
fn articles(r: &LogRow, lang: Lang) -> String {
    r.articles
        .iter()
        .map(|a| {
            let by = approver(
                lang,
                a.approved_by.as_deref(),
                a.countersigned_by.as_deref(),
            );
            if a.hash.is_empty() {
                // A box's row: it reports the titles only.
                return a.title.clone().unwrap_or_default();
            }
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

/// `airings` as the CSV `dalaba log --csv` writes (the console's export uses it too).
pub fn csv_text(airings: Vec<Airing>, tz: &TimeZone, lang: CsvLang) -> String {
    let rows: Vec<LogRow> = airings.into_iter().map(|a| row(a, tz)).collect();
    csv(&rows, lang)
}

/// The log as CSV, for the township's files. Chinese: headers and outcome words in Chinese,
/// CRLF lines; English: the format of before (LF lines). Both start with a byte-order mark, so
/// Excel (Chinese Windows included) reads UTF-8.
fn csv(rows: &[LogRow], csv_lang: CsvLang) -> String {
    let (lang, eol) = match csv_lang {
        CsvLang::Zh => (Lang::Zh, "\r\n"),
        CsvLang::En => (Lang::En, "\n"),
    };
    let mut out = format!("\u{feff}{}{eol}", message_in(lang, "csv-header", &[]));
    for r in rows {
        let fields = [
            r.slot.clone(),
            r.scheduled.clone(),
            r.started.clone().unwrap_or_default(),
            r.ended.clone().unwrap_or_default(),
            outcome_word(lang, &r.outcome),
            r.reason
                .as_deref()
                .map(|why| reason_in(lang, why))
                .unwrap_or_default(),
            articles(r, lang),
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
        out.push_str(eol);
    }
    out
}
