//! 紧急插播 on a station that runs alone (`dalaba run --console`): the page hands the cut-in
//! to the running daemon as `dalaba play-now --emergency --by` does (a request row in the
//! station database, then a wake-up), and a cancel stops it, waiting or on air.

use axum::http::HeaderMap;
use jiff::Timestamp;

use super::auth::Staff;
use super::roles::Action;
use super::{Console, PageError};
use crate::store::{CutIn, RequestRow, RequestState};

/// The running daemon the console of a lone station hands cut-ins to. Built by `app`.
pub trait Daemon: Send + Sync {
    /// Checks that the article may air at once on `order.by`'s order, queues the request
    /// and wakes the daemon; returns the request's id. Blocks (run it off the runtime).
    fn cut_in(&self, order: &CutIn, now: Timestamp) -> anyhow::Result<i64>;
    /// Wakes the daemon: a request it holds was cancelled.
    fn wake(&self);
}

/// One request on the lone emergency page.
pub(super) struct RequestLine {
    pub id: i64,
    pub title: String,
    pub severity: String,
    pub reason: String,
    pub operator: String,
    pub at: String,
    pub state: String,
    pub live: bool,
}

/// The latest requests, the one that can still be cancelled marked live.
pub(super) async fn request_lines(console: &Console) -> Result<Vec<RequestLine>, PageError> {
    let (rows, open) = console
        .db()
        .call(|s| Ok((s.recent_requests(20)?, s.play_now_open()?)))
        .await?;
    let latest_taken = rows
        .iter()
        .find(|r| r.state == RequestState::Taken)
        .map(|r| r.id);
    Ok(rows
        .into_iter()
        .map(|r| line(console, r, open, latest_taken))
        .collect())
}

fn line(console: &Console, r: RequestRow, open: bool, latest_taken: Option<i64>) -> RequestLine {
    let on_air = open && latest_taken == Some(r.id);
    let state = match r.state {
        RequestState::Waiting => "等待播出".to_owned(),
        RequestState::Taken if on_air => "正在播出".to_owned(),
        RequestState::Taken => "已交给播出程序".to_owned(),
        RequestState::Cancelled => {
            format!("已取消（{}）", r.cancelled_by.unwrap_or_default())
        }
    };
    RequestLine {
        id: r.id,
        title: r.title.unwrap_or_else(|| format!("稿件 {}", r.article_id)),
        severity: r
            .severity
            .as_deref()
            .and_then(|s| s.parse().ok())
            .map_or("—", super::views::severity_word)
            .to_owned(),
        reason: r.reason.unwrap_or_default(),
        operator: r.operator.unwrap_or_default(),
        at: console.shown(r.created),
        live: r.state == RequestState::Waiting || on_air,
        state,
    }
}

/// What the lone emergency form sends, as read by [`super::views`].
pub(super) struct LoneForm<'a> {
    pub op: &'a str,
    pub article: Option<i64>,
    pub severity: &'a str,
    pub reason: &'a str,
    pub confirmed: bool,
    pub request: Option<i64>,
}

/// Orders or cancels a cut-in; returns what the page says.
pub(super) async fn post(
    console: &Console,
    staff: &Staff,
    daemon: std::sync::Arc<dyn Daemon>,
    headers: &HeaderMap,
    csrf: &str,
    form: LoneForm<'_>,
) -> Result<String, PageError> {
    staff.check_post(headers, csrf, Action::Emergency)?;
    let now = console.now();
    let by = staff.user.name.clone();
    if form.op == "cancel" {
        let id = form
            .request
            .ok_or_else(|| PageError::BadRequest("没有指明要取消的插播".into()))?;
        let who = by.clone();
        let cancelled = console
            .db()
            .call(move |s| s.cancel_request(id, &who, now))
            .await?
            .ok_or_else(|| PageError::NotFound(format!("没有插播请求 {id}")))?;
        if !cancelled {
            return Ok(format!("插播请求 {id} 早已取消"));
        }
        tokio::task::spawn_blocking(move || daemon.wake())
            .await
            .map_err(|e| PageError::Internal(e.into()))?;
        let detail = format!("请求 {id}，原因：{}", form.reason);
        console
            .audit(&by, &staff.peer, "emergency-cancel", Some(detail))
            .await;
        return Ok(format!("已取消插播请求 {id}"));
    }
    let order = order(&form, by)?;
    let id = order.article_id;
    let row = console.db().call(move |s| s.article(id)).await?;
    if matches!(row.status.as_str(), "rejected" | "withdrawn") {
        return Err(PageError::BadRequest(format!(
            "稿件 {id} 已被驳回或撤回，不能插播"
        )));
    }
    let title = row.data.title.unwrap_or_else(|| format!("稿件 {id}"));
    let handed = order.clone();
    let request = tokio::task::spawn_blocking(move || daemon.cut_in(&handed, now))
        .await
        .map_err(|e| PageError::Internal(e.into()))?
        .map_err(|e| PageError::BadRequest(format!("稿件 {id} 不能插播：{e:#}")))?;
    let detail = format!(
        "请求 {request}：稿件 {id}「{title}」，级别 {}，原因：{}",
        order.severity, order.reason
    );
    console
        .audit(&order.by, &staff.peer, "emergency", Some(detail))
        .await;
    Ok(format!("已交给播出程序，立即插播：{title}"))
}

/// The cut-in the form orders, or why the form is incomplete.
fn order(form: &LoneForm<'_>, by: String) -> Result<CutIn, PageError> {
    if !form.confirmed {
        return Err(PageError::BadRequest("请勾选“确认立即插播”".into()));
    }
    if form.reason.is_empty() {
        return Err(PageError::BadRequest("请写明插播原因".into()));
    }
    super::views::severity(form.severity)?;
    let article_id = form
        .article
        .ok_or_else(|| PageError::BadRequest("请选择要插播的稿件".into()))?;
    Ok(CutIn {
        article_id,
        by,
        severity: form.severity.trim().to_owned(),
        reason: form.reason.to_owned(),
    })
}
