//! 节目单 (the plan), 终端 (the boxes) and 紧急插播.

use axum::Form;
use axum::extract::State;
use axum::http::HeaderMap;
use jiff::{SignedDuration, Timestamp};

use super::auth::Staff;
use super::pages::Nav;
use super::roles::Action;
use super::{Console, Page, PageError, PlanRow, html};
use crate::protocol::{Alert, MsgType, Severity, WireTime};

#[derive(askama::Template)]
#[template(path = "console/plan.html")]
struct PlanPage {
    nav: Nav,
    rows: Vec<PlanRow>,
    closed: usize,
}

/// How far the plan page looks ahead.
const PLAN_HOURS: u32 = 7 * 24;

pub(super) async fn plan(State(console): State<Console>, staff: Staff) -> Page {
    staff.require(Action::Read)?;
    let (planner, now) = (console.0.edges.planner.clone(), console.now());
    let plan = tokio::task::spawn_blocking(move || planner(now, PLAN_HOURS))
        .await
        .map_err(|e| PageError::Internal(e.into()))??;
    html(&PlanPage {
        nav: Nav::of(&staff, "plan"),
        rows: plan.rows,
        closed: plan.closed,
    })
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
    severity: String,
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
    severities: [(&'static str, &'static str); 5],
    message: Option<String>,
    /// A lone station's cut-ins handed to its daemon.
    requests: Vec<super::cut_in::RequestLine>,
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
            articles: recent_articles(console).await?,
            alerts: vec![],
            severities: SEVERITIES,
            message,
            requests: super::cut_in::request_lines(console).await?,
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
    let articles = recent_articles(console).await?;
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
            severity: severity_word(a.severity).to_owned(),
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
        severities: SEVERITIES,
        message,
        requests: Vec::new(),
    })
}

/// The articles a cut-in can air: the latest 50 not withdrawn, oldest first.
async fn recent_articles(console: &Console) -> Result<Vec<(i64, String)>, PageError> {
    Ok(console
        .db()
        .call(|s| s.recent_articles(None, 50))
        .await?
        .into_iter()
        .rev()
        .filter(|a| !matches!(a.status.as_str(), "withdrawn" | "rejected"))
        .map(|a| (a.id, a.data.title.unwrap_or_default()))
        .collect())
}

/// What the alert list says for a severity.
pub(super) fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::Level(1) => "特别重大",
        Severity::Level(2) => "重大",
        Severity::Level(3) => "较大",
        Severity::Level(4) => "一般",
        Severity::Level(_) => "未知",
        Severity::Test => "测试",
    }
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
    /// `1`–`4` or `test`, as the protocol has it.
    severity: String,
    confirm: Option<String>,
    alert_id: String,
}

/// The severities 站长 chooses from: the protocol's value and what the page says.
const SEVERITIES: [(&str, &str); 5] = [
    ("1", "1 特别重大（红）"),
    ("2", "2 重大（橙）"),
    ("3", "3 较大（黄）"),
    ("4", "4 一般（蓝）"),
    ("test", "测试（只在允许测试的喇叭箱播出）"),
];

/// The form's severity as the protocol's value; anything else is refused by name.
pub(super) fn severity(s: &str) -> Result<Severity, PageError> {
    if s.trim().is_empty() {
        return Err(PageError::BadRequest("请选择插播级别".into()));
    }
    s.parse().map_err(|_| {
        PageError::BadRequest(format!(
            "插播级别“{}”无效：应为 1 特别重大、2 重大、3 较大、4 一般或测试",
            s.trim()
        ))
    })
}

pub(super) async fn emergency_post(
    State(console): State<Console>,
    staff: Staff,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Page {
    let form = emergency_form(pairs)?;
    let Some(hub) = console.0.edges.hub.clone() else {
        let daemon =
            console.0.edges.daemon.clone().ok_or_else(|| {
                PageError::BadRequest("本站没有正在运行的播出程序，无法插播".into())
            })?;
        let lone = super::cut_in::LoneForm {
            op: &form.op,
            article: form.article,
            severity: &form.severity,
            reason: &form.reason,
            confirmed: form.confirm.is_some(),
            request: form.alert_id.trim().parse().ok(),
        };
        let said = super::cut_in::post(&console, &staff, daemon, &headers, &form.csrf, lone);
        let said = said.await?;
        return emergency_page(&console, &staff, Some(said)).await;
    };
    staff.check_post(&headers, &form.csrf, Action::Emergency)?;
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
        severity: get("severity"),
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
    let severity = severity(&form.severity)?;
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
        severity,
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
