//! 节目单 (the plan), 播出记录 (the as-run log, CSV), 终端 (the boxes) and 紧急插播.

use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, header};
use axum::response::IntoResponse;
use jiff::{SignedDuration, Timestamp, ToSpan};
use serde::Deserialize;

use super::auth::Staff;
use super::pages::Nav;
use super::roles::Action;
use super::{Console, Page, PageError, PlanRow, html};
use crate::protocol::{Alert, MsgType, Severity, WireTime};
use crate::store::{Airing, Outcome};

#[derive(askama::Template)]
#[template(path = "console/plan.html")]
struct PlanPage {
    nav: Nav,
    rows: Vec<PlanRow>,
}

/// How far the plan page looks ahead.
const PLAN_HOURS: u32 = 7 * 24;

pub(super) async fn plan(State(console): State<Console>, staff: Staff) -> Page {
    staff.require(Action::Read)?;
    let (planner, now) = (console.0.edges.planner.clone(), console.now());
    let rows = tokio::task::spawn_blocking(move || planner(now, PLAN_HOURS))
        .await
        .map_err(|e| PageError::Internal(e.into()))??;
    html(&PlanPage {
        nav: Nav::of(&staff, "plan"),
        rows,
    })
}

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
    #[serde(default)]
    csv: Option<String>,
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

/// One log row on the page.
struct LogLine {
    scheduled: String,
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
    outcomes: Vec<(&'static str, &'static str)>,
    csv_link: String,
}

/// Most rows the page shows (the CSV has them all).
const LOG_ROWS: usize = 500;

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
    let (since, until) = (day(&console, &q.from, false)?, day(&console, &q.to, true)?);
    let rows = console.db().call(move |s| s.airings(since, until)).await?;
    let rows: Vec<Airing> = rows
        .into_iter()
        .filter(|a| q.slot.is_empty() || a.slot == q.slot)
        .filter(|a| q.outcome.is_empty() || a.outcome.as_str() == q.outcome)
        .collect();
    if q.csv.is_some() {
        console
            .audit(
                &staff.user.name,
                &staff.peer,
                "log-csv",
                Some(format!("{} 行", rows.len())),
            )
            .await;
        let body = crate::app::log_csv(rows, console.tz(), crate::cli::CsvLang::Zh);
        return Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"dalaba-log.csv\"",
                ),
            ],
            body,
        )
            .into_response());
    }
    let total = rows.len();
    let lines = rows
        .into_iter()
        .rev()
        .take(LOG_ROWS)
        .map(|a| log_line(&console, a))
        .collect();
    let csv_link = format!(
        "/console/log?from={}&to={}&slot={}&outcome={}&csv=1",
        urlencode(&q.from),
        urlencode(&q.to),
        urlencode(&q.slot),
        urlencode(&q.outcome)
    );
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
    html(&LogPage {
        nav: Nav::of(&staff, "log"),
        q,
        rows: lines,
        total,
        outcomes,
        csv_link,
    })
}

fn log_line(console: &Console, a: Airing) -> LogLine {
    LogLine {
        scheduled: console.shown(a.scheduled),
        slot: a.slot,
        failed: matches!(
            a.outcome,
            Outcome::Failed | Outcome::Missed | Outcome::Interrupted
        ),
        outcome: outcome_word(a.outcome).to_owned(),
        reason: a.reason.unwrap_or_default(),
        articles: a
            .articles
            .iter()
            .map(|x| format!("{}「{}」", x.id, x.title.as_deref().unwrap_or("")))
            .collect::<Vec<_>>()
            .join("，"),
        duration: a.duration.map(|d| format!("{d:.1} 秒")).unwrap_or_default(),
    }
}

/// Percent-encodes a query value (the page builds one link from the filters).
fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A box is online when its last report is at most this old (as `dalaba hub status`).
const ONLINE_WITHIN: SignedDuration = SignedDuration::from_mins(2);

/// One box on the 终端 page.
struct BoxLine {
    name: String,
    id: String,
    zones: String,
    state: String,
    online: bool,
    last_airing: String,
    device: String,
    clock: String,
    disk: String,
}

#[derive(askama::Template)]
#[template(path = "console/boxes.html")]
struct BoxesPage {
    nav: Nav,
    hub: bool,
    rows: Vec<BoxLine>,
}

pub(super) async fn boxes(State(console): State<Console>, staff: Staff) -> Page {
    staff.require(Action::Read)?;
    let Some(hub) = console.0.edges.hub.clone() else {
        return html(&BoxesPage {
            nav: Nav::of(&staff, "boxes"),
            hub: false,
            rows: Vec::new(),
        });
    };
    let statuses = tokio::task::spawn_blocking(move || hub.store.box_statuses())
        .await
        .map_err(|e| PageError::Internal(e.into()))??;
    let now = console.now();
    let rows = statuses.into_iter().map(|s| box_line(s, now)).collect();
    html(&BoxesPage {
        nav: Nav::of(&staff, "boxes"),
        hub: true,
        rows,
    })
}

fn box_line(s: crate::hub::store::BoxStatus, now: Timestamp) -> BoxLine {
    let seen: Option<Timestamp> = s.last_contact.as_deref().and_then(|t| t.parse().ok());
    let online = seen.is_some_and(|t| now.duration_since(t) <= ONLINE_WITHIN);
    let state = match (&s.last_contact, online, s.record.revoked) {
        (_, _, true) => "已吊销".to_owned(),
        (None, _, _) => "从未联系".to_owned(),
        (Some(t), true, _) => format!("在线（最后联系 {t}）"),
        (Some(t), false, _) => format!("离线，自 {t} 起"),
    };
    let h = s.health.as_ref();
    BoxLine {
        name: s.record.name,
        id: s.record.box_id.to_string(),
        zones: s.record.zones.join("、"),
        state,
        online,
        last_airing: s
            .last_airing
            .map(|a| format!("{} {:?}", a.airing_id, a.state))
            .unwrap_or_default(),
        device: h.map(|h| h.device.clone()).unwrap_or_default(),
        clock: h
            .map(|h| format!("{:+.1} 秒", h.clock_offset_ms as f64 / 1000.0))
            .unwrap_or_default(),
        disk: h
            .and_then(|h| h.disk_free_bytes)
            .map(|b| format!("{:.1} GB", b as f64 / 1e9))
            .unwrap_or_default(),
    }
}

/// One alert on the emergency page.
struct AlertLine {
    alert_id: String,
    kind: String,
    title: String,
    zones: String,
    operator: String,
    until: String,
    live: bool,
}

#[derive(askama::Template)]
#[template(path = "console/emergency.html")]
struct EmergencyPage {
    nav: Nav,
    hub: bool,
    zones: Vec<String>,
    articles: Vec<(i64, String)>,
    alerts: Vec<AlertLine>,
    message: Option<String>,
}

pub(super) async fn emergency(State(console): State<Console>, staff: Staff) -> Page {
    staff.require(Action::Emergency)?;
    emergency_page(&console, &staff, None).await
}

async fn emergency_page(console: &Console, staff: &Staff, message: Option<String>) -> Page {
    let nav = Nav::of(staff, "emergency");
    let Some(hub) = console.0.edges.hub.clone() else {
        return html(&EmergencyPage {
            nav,
            hub: false,
            zones: vec![],
            articles: vec![],
            alerts: vec![],
            message,
        });
    };
    let (boxes, stored) = tokio::task::spawn_blocking(move || {
        Ok::<_, anyhow::Error>((hub.store.boxes()?, hub.store.alerts_after(0)?))
    })
    .await
    .map_err(|e| PageError::Internal(e.into()))??;
    let mut zones: Vec<String> = boxes.into_iter().flat_map(|b| b.zones).collect();
    zones.sort();
    zones.dedup();
    let articles = console
        .db()
        .call(|s| s.recent_articles(None, 50))
        .await?
        .into_iter()
        .rev()
        .filter(|a| a.status.as_str() != "withdrawn")
        .map(|a| (a.id, a.data.title.unwrap_or_default()))
        .collect();
    let now = console.now();
    let cancelled: Vec<String> = stored
        .iter()
        .filter(|(_, a)| a.msg_type == MsgType::Cancel)
        .map(|(_, a)| a.alert_id.clone())
        .collect();
    let alerts = stored
        .into_iter()
        .rev()
        .take(20)
        .map(|(_, a)| AlertLine {
            live: a.msg_type == MsgType::Request
                && a.end.at() > now
                && !cancelled.contains(&a.alert_id),
            kind: if a.msg_type == MsgType::Request {
                "插播"
            } else {
                "取消"
            }
            .to_owned(),
            alert_id: a.alert_id,
            title: a.title,
            zones: a.zones.join("、"),
            operator: a.operator,
            until: console.shown(a.end.at()),
        })
        .collect();
    html(&EmergencyPage {
        nav,
        hub: true,
        zones,
        articles,
        alerts,
        message,
    })
}

/// What the emergency form sends.
struct EmergencyForm {
    csrf: String,
    /// `request` or `cancel`.
    op: String,
    article: Option<i64>,
    zones: Vec<String>,
    reason: String,
    minutes: Option<i64>,
    confirm: Option<String>,
    alert_id: String,
}

pub(super) async fn emergency_post(
    State(console): State<Console>,
    staff: Staff,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Page {
    let form = emergency_form(pairs)?;
    staff.check_post(&headers, &form.csrf, Action::Emergency)?;
    let hub = console
        .0
        .edges
        .hub
        .clone()
        .ok_or_else(|| PageError::BadRequest("本站不是镇级中心，无法插播".into()))?;
    let now = console.now();
    let offset = console.tz().to_offset(now);
    let wire = |t: Timestamp| WireTime::new(t, offset);
    let alert = if form.op == "cancel" {
        let stored = tokio::task::spawn_blocking({
            let hub = hub.clone();
            move || hub.store.alerts_after(0)
        })
        .await
        .map_err(|e| PageError::Internal(e.into()))??;
        let (_, original) = stored
            .into_iter()
            .find(|(_, a)| a.alert_id == form.alert_id && a.msg_type == MsgType::Request)
            .ok_or_else(|| PageError::NotFound(format!("没有插播“{}”", form.alert_id)))?;
        Alert {
            msg_type: MsgType::Cancel,
            sent_at: wire(now),
            operator: staff.user.name.clone(),
            program: None,
            ..original
        }
    } else {
        request_alert(&console, &staff, &hub, &form, now).await?
    };
    hub.state.push_alert(&alert)?;
    let word = if alert.msg_type == MsgType::Cancel {
        "emergency-cancel"
    } else {
        "emergency"
    };
    let detail = format!(
        "{}「{}」片区 {}，原因：{}",
        alert.alert_id,
        alert.title,
        alert.zones.join("、"),
        form.reason
    );
    console
        .audit(&staff.user.name, &staff.peer, word, Some(detail))
        .await;
    let said = if alert.msg_type == MsgType::Cancel {
        "已取消插播"
    } else {
        "已发出紧急插播"
    };
    emergency_page(&console, &staff, Some(format!("{said}：{}", alert.title))).await
}

/// The form's fields; `zones` repeats, which `serde_urlencoded` cannot put in a `Vec`.
fn emergency_form(pairs: Vec<(String, String)>) -> Result<EmergencyForm, PageError> {
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    Ok(EmergencyForm {
        csrf: get("csrf"),
        op: get("op"),
        article: get("article").trim().parse().ok(),
        zones: pairs
            .iter()
            .filter(|(n, _)| n == "zones")
            .map(|(_, v)| v.clone())
            .collect(),
        reason: get("reason").trim().to_owned(),
        minutes: get("minutes").trim().parse().ok(),
        confirm: pairs.iter().any(|(n, _)| n == "confirm").then(String::new),
        alert_id: get("alert_id"),
    })
}

/// Renders the chosen article into the hub's program store and builds the request.
async fn request_alert(
    console: &Console,
    staff: &Staff,
    hub: &super::HubLink,
    form: &EmergencyForm,
    now: Timestamp,
) -> Result<Alert, PageError> {
    if form.confirm.is_none() {
        return Err(PageError::BadRequest("请勾选“确认立即插播”".into()));
    }
    if form.reason.is_empty() || form.zones.is_empty() {
        return Err(PageError::BadRequest(
            "请写明插播原因并至少选择一个片区".into(),
        ));
    }
    let id = form
        .article
        .ok_or_else(|| PageError::BadRequest("请选择要插播的稿件".into()))?;
    let row = console.db().call(move |s| s.article(id)).await?;
    let parsed = crate::article::parse(
        std::path::Path::new(&row.data.source_name),
        &row.data.source,
    )
    .map_err(|e| PageError::BadRequest(format!("稿件 {id} 无法解析：{e}")))?;
    let scratch = tempfile::tempdir().map_err(|e| PageError::Internal(e.into()))?;
    let wav = scratch.path().join("emergency.wav");
    let options = crate::pipeline::ProgramOptions {
        repeat: 2,
        ..Default::default()
    };
    crate::pipeline::build(
        console.station(),
        console.0.edges.voices.as_ref(),
        &[parsed],
        &options,
        &wav,
    )
    .await?;
    let program = crate::hub::publish::import_program(&hub.programs_dir, &wav)?;
    let minutes = form.minutes.unwrap_or(60).clamp(5, 24 * 60);
    let offset = console.tz().to_offset(now);
    let wire = |t: Timestamp| WireTime::new(t, offset);
    Ok(Alert {
        protocol: crate::protocol::PROTOCOL,
        alert_id: format!("console-{}-{id}", now.as_millisecond()),
        msg_type: MsgType::Request,
        severity: Severity::Level(2),
        event_type: "10000".into(),
        title: row.data.title.unwrap_or_else(|| format!("稿件 {id}")),
        sender: staff.user.name.clone(),
        sent_at: wire(now),
        start: wire(now),
        end: wire(now + SignedDuration::from_mins(minutes)),
        area_codes: Vec::new(),
        zones: form.zones.clone(),
        repeat: 1,
        operator: staff.user.name.clone(),
        program: Some(program),
    })
}
