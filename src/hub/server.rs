//! The hub's HTTP face, `/api/v1/…` (docs/protocol.md "Endpoints"): manifests with ETags,
//! programs with byte ranges, idempotent reports, and the alert stream (server-sent events).

use std::collections::HashSet;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::{ConnectInfo, FromRequestParts, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header, request::Parts};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use futures_util::{Stream, StreamExt, stream};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use tokio::io::{AsyncReadExt, AsyncSeekExt};
use tokio::sync::broadcast;

use super::store::HubStore;
use crate::protocol::{
    Alert, BoxId, Credential, Digest, MsgType, PROTOCOL, Report, ReportAnswer, WireTime, etag_of,
};

/// The hub's clock, injected so tests choose the time.
pub type Clock = Arc<dyn Fn() -> Timestamp + Send + Sync>;

/// What every handler shares.
#[derive(Clone)]
pub struct HubState(Arc<Inner>);

struct Inner {
    store: Arc<dyn HubStore>,
    programs_dir: PathBuf,
    alerts: broadcast::Sender<(u64, Alert)>,
    clock: Clock,
    tz: TimeZone,
    program_bytes_served: AtomicU64,
}

impl HubState {
    /// State over `store`, serving programs from `programs_dir`.
    pub fn new(
        store: Arc<dyn HubStore>,
        programs_dir: PathBuf,
        clock: Clock,
        tz: TimeZone,
    ) -> Self {
        let (alerts, _) = broadcast::channel(256);
        Self(Arc::new(Inner {
            store,
            programs_dir,
            alerts,
            clock,
            tz,
            program_bytes_served: AtomicU64::new(0),
        }))
    }

    /// Stores an alert and pushes it to every open alert stream; returns its event id.
    pub fn push_alert(&self, alert: &Alert) -> anyhow::Result<u64> {
        let seq = self.0.store.add_alert(alert)?;
        // No open stream is not an error: boxes get it from the store when they reconnect.
        let _ = self.0.alerts.send((seq, alert.clone()));
        Ok(seq)
    }

    /// Pushes to every open alert stream the alerts another process (`dalaba hub
    /// emergency`, `hub cancel`) stored after sequence number `after`; returns the last
    /// sequence number now announced.
    pub fn announce_stored(&self, after: u64) -> anyhow::Result<u64> {
        let mut last = after;
        for (seq, alert) in self.0.store.alerts_after(after)? {
            let _ = self.0.alerts.send((seq, alert));
            last = seq;
        }
        Ok(last)
    }

    /// How many alert streams are open now.
    pub fn open_alert_streams(&self) -> usize {
        self.0.alerts.receiver_count()
    }

    /// Program bytes sent so far (to check that an interrupted download resumes).
    pub fn program_bytes_served(&self) -> u64 {
        self.0.program_bytes_served.load(Ordering::Relaxed)
    }

    fn now(&self) -> WireTime {
        let now = (self.0.clock)();
        WireTime::new(now, self.0.tz.to_offset(now))
    }
}

/// The `/api/v1` routes.
pub fn router(state: HubState) -> Router {
    Router::new()
        .route("/api/v1/manifest", get(manifest))
        .route("/api/v1/programs/{digest}", get(program))
        .route("/api/v1/report", post(report))
        .route("/api/v1/alerts", get(alerts))
        .with_state(state)
}

/// Serves the API in plain HTTP on `listener` until `shutdown` resolves: for a loopback
/// address, or behind a TLS reverse proxy (the caller decides which is allowed).
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: HubState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with(listener, state, Router::new(), shutdown).await
}

/// [`serve`] with more routes beside the API (the staff console).
pub async fn serve_with(
    listener: tokio::net::TcpListener,
    state: HubState,
    extra: Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_routes(listener, None, router(state).merge(extra), shutdown).await
}

/// Serves the same API over HTTPS (rustls) on `listener` until `shutdown` resolves; open
/// alert streams get a few seconds to close before the server stops.
pub async fn serve_tls(
    listener: tokio::net::TcpListener,
    tls: axum_server::tls_rustls::RustlsConfig,
    state: HubState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_routes(listener, Some(tls), router(state), shutdown).await
}

/// Serves `routes` (the API, the console, or both) with each request's peer address (the
/// console logs it): plain HTTP, or HTTPS given `tls`, until `shutdown` resolves. A lone
/// station serves its console alone through this.
pub async fn serve_routes(
    listener: tokio::net::TcpListener,
    tls: Option<axum_server::tls_rustls::RustlsConfig>,
    routes: Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = routes.into_make_service_with_connect_info::<SocketAddr>();
    let Some(tls) = tls else {
        return axum::serve(listener, app)
            .with_graceful_shutdown(shutdown)
            .await;
    };
    let handle = axum_server::Handle::<SocketAddr>::new();
    let stop = handle.clone();
    tokio::spawn(async move {
        shutdown.await;
        stop.graceful_shutdown(Some(std::time::Duration::from_secs(5)));
    });
    axum_server::from_tcp_rustls(listener.into_std()?, tls)?
        .handle(handle)
        .serve(app)
        .await
}

/// A request whose credential checked out.
struct Authed(BoxId);

impl FromRequestParts<HubState> for Authed {
    type Rejection = StatusCode;

    async fn from_request_parts(parts: &mut Parts, state: &HubState) -> Result<Self, StatusCode> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or_else(|| "unknown peer".to_owned(), |c| c.0.to_string());
        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        let Some(text) = bearer else {
            tracing::warn!("hub: request from {peer} without a credential refused (401)");
            return Err(StatusCode::UNAUTHORIZED);
        };
        let Ok(credential) = Credential::parse(text) else {
            let claimed = text
                .split('.')
                .next()
                .unwrap_or_default()
                .escape_debug()
                .to_string();
            tracing::warn!(
                "hub: malformed credential for box `{claimed}` from {peer} refused (401)"
            );
            return Err(StatusCode::UNAUTHORIZED);
        };
        let id = credential.box_id();
        match state.0.store.live_secret(id) {
            Ok(Some(hash)) if hash == credential.hash() => Ok(Authed(id.clone())),
            Ok(_) => {
                tracing::warn!(
                    "hub: box `{id}` from {peer} refused (401): wrong, unknown or revoked credential"
                );
                Err(StatusCode::UNAUTHORIZED)
            }
            Err(err) => {
                tracing::error!("hub: cannot check the credential of box `{id}`: {err:#}");
                Err(StatusCode::INTERNAL_SERVER_ERROR)
            }
        }
    }
}

fn internal(err: anyhow::Error) -> Response {
    tracing::error!("hub: {err:#}");
    StatusCode::INTERNAL_SERVER_ERROR.into_response()
}

async fn manifest(
    State(state): State<HubState>,
    Authed(id): Authed,
    headers: HeaderMap,
) -> Response {
    let (version, json) = match state.0.store.manifest(&id) {
        Ok(Some(found)) => found,
        Ok(None) => {
            return (
                StatusCode::NOT_FOUND,
                "no manifest published for this box yet",
            )
                .into_response();
        }
        Err(err) => return internal(err),
    };
    let etag = etag_of(version);
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let tag = [(header::ETAG, etag)];
    if matches {
        return (StatusCode::NOT_MODIFIED, tag).into_response();
    }
    (tag, [(header::CONTENT_TYPE, "application/json")], json).into_response()
}

/// `bytes=N-` or `bytes=N-M` (one range) against a file of `len` bytes: the inclusive span.
fn byte_range(header: &str, len: u64) -> Option<(u64, u64)> {
    let (first, last) = header.strip_prefix("bytes=")?.split_once('-')?;
    let first: u64 = first.trim().parse().ok()?;
    let last = match last.trim() {
        "" => len.checked_sub(1)?,
        text => text.parse::<u64>().ok()?.min(len.checked_sub(1)?),
    };
    (first <= last).then_some((first, last))
}

async fn program(
    State(state): State<HubState>,
    Authed(_): Authed,
    Path(digest): Path<String>,
    headers: HeaderMap,
) -> Response {
    let Ok(digest) = Digest::try_from(digest) else {
        return (StatusCode::BAD_REQUEST, "not a `blake3:<64 hex>` digest").into_response();
    };
    let path = state.0.programs_dir.join(format!("{}.wav", digest.hex()));
    let Ok(mut file) = tokio::fs::File::open(&path).await else {
        return (StatusCode::NOT_FOUND, "no such program at this hub").into_response();
    };
    let len = match file.metadata().await {
        Ok(m) => m.len(),
        Err(err) => return internal(err.into()),
    };
    let range = headers.get(header::RANGE).and_then(|v| v.to_str().ok());
    let (status, first, last) = match range.map(|r| byte_range(r, len)) {
        None => (StatusCode::OK, 0, len.saturating_sub(1)),
        Some(Some((first, last))) => (StatusCode::PARTIAL_CONTENT, first, last),
        Some(None) => {
            let unsatisfied = [(header::CONTENT_RANGE, format!("bytes */{len}"))];
            return (StatusCode::RANGE_NOT_SATISFIABLE, unsatisfied).into_response();
        }
    };
    let count = if len == 0 { 0 } else { last - first + 1 };
    let mut body = vec![0; count as usize];
    let read = async {
        file.seek(std::io::SeekFrom::Start(first)).await?;
        file.read_exact(&mut body).await
    };
    if let Err(err) = read.await {
        return internal(
            anyhow::Error::new(err).context(format!("cannot read `{}`", path.display())),
        );
    }
    state
        .0
        .program_bytes_served
        .fetch_add(count, Ordering::Relaxed);
    let mut response = (status, body).into_response();
    let h = response.headers_mut();
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("audio/wav"));
    if status == StatusCode::PARTIAL_CONTENT
        && let Ok(v) = HeaderValue::from_str(&format!("bytes {first}-{last}/{len}"))
    {
        h.insert(header::CONTENT_RANGE, v);
    }
    response
}

async fn report(
    State(state): State<HubState>,
    Authed(id): Authed,
    Json(report): Json<Report>,
) -> Response {
    if report.protocol != PROTOCOL {
        return (
            StatusCode::BAD_REQUEST,
            format!("protocol {} is not {PROTOCOL}", report.protocol),
        )
            .into_response();
    }
    if report.box_id != id {
        tracing::warn!(
            "hub: box `{id}` sent a report naming box `{}`: refused",
            report.box_id
        );
        return (StatusCode::FORBIDDEN, "report names another box").into_response();
    }
    for line in &report.health.refused {
        tracing::warn!("hub: box `{id}` reports a refusal: {}", line.escape_debug());
    }
    let at = state.now().to_string();
    match state
        .0
        .store
        .record_report(&id, &report.as_run, &report.health, &at)
    {
        Ok(accepted) => Json(ReportAnswer { accepted }).into_response(),
        Err(err) => internal(err),
    }
}

/// Which alerts a (re)connecting box gets from the store: those after its last event id,
/// for its zones, still running, minus requests cancelled since and cancels of requests it
/// never got.
fn replay(all: Vec<(u64, Alert)>, zones: &[String], now: Timestamp) -> Vec<(u64, Alert)> {
    let mine: Vec<(u64, Alert)> = all
        .into_iter()
        .filter(|(_, a)| a.zones.iter().any(|z| zones.contains(z)))
        .collect();
    let requested: HashSet<String> = mine
        .iter()
        .filter(|(_, a)| a.msg_type == MsgType::Request)
        .map(|(_, a)| a.alert_id.clone())
        .collect();
    let cancelled: HashSet<String> = mine
        .iter()
        .filter(|(_, a)| a.msg_type == MsgType::Cancel)
        .map(|(_, a)| a.alert_id.clone())
        .collect();
    mine.into_iter()
        .filter(|(_, a)| a.end.at() > now)
        .filter(|(_, a)| match a.msg_type {
            MsgType::Request => !cancelled.contains(&a.alert_id),
            MsgType::Cancel => !requested.contains(&a.alert_id),
        })
        .collect()
}

fn event(seq: u64, alert: &Alert) -> Result<Event, Infallible> {
    let event = Event::default().event("alert").id(seq.to_string());
    Ok(event
        .json_data(alert)
        .unwrap_or_else(|_| Event::default().comment("unencodable alert")))
}

async fn alerts(
    State(state): State<HubState>,
    Authed(id): Authed,
    headers: HeaderMap,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, Response> {
    let after: u64 = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    // Subscribe before reading the store, so nothing falls between the two.
    let live = state.0.alerts.subscribe();
    let zones = match state.0.store.boxes() {
        Ok(boxes) => boxes
            .into_iter()
            .find(|b| b.box_id == id)
            .map(|b| b.zones)
            .unwrap_or_default(),
        Err(err) => return Err(internal(err)),
    };
    let stored = state.0.store.alerts_after(after).map_err(internal)?;
    let backlog = replay(stored, &zones, (state.0.clock)());
    let seen = backlog.last().map_or(after, |(seq, _)| *seq);
    let first = stream::iter(backlog.into_iter().map(|(seq, a)| event(seq, &a)));
    let rest = stream::unfold(live, |mut rx| async move {
        match rx.recv().await {
            Ok(item) => Some((item, rx)),
            Err(broadcast::error::RecvError::Lagged(n)) => {
                tracing::warn!(
                    "hub: an alert stream fell {n} alerts behind; closing it, the box catches up on reconnect"
                );
                None
            }
            Err(broadcast::error::RecvError::Closed) => None,
        }
    })
    .filter(move |(seq, a)| std::future::ready(*seq > seen && a.zones.iter().any(|z| zones.contains(z))))
    .map(|(seq, a)| event(seq, &a));
    Ok(Sse::new(first.chain(rest)).keep_alive(KeepAlive::default()))
}

#[cfg(test)]
mod tests {
    use super::byte_range;

    #[test]
    fn byte_ranges() {
        let cases = [
            ("bytes=0-", 10, Some((0, 9))),
            ("bytes=4-", 10, Some((4, 9))),
            ("bytes=4-6", 10, Some((4, 6))),
            ("bytes=4-60", 10, Some((4, 9))),
            ("bytes=10-", 10, None),
            ("bytes=6-4", 10, None),
            ("bytes=-4", 10, None),
            ("items=0-", 10, None),
            ("bytes=0-", 0, None),
        ];
        for (header, len, expected) in cases {
            assert_eq!(byte_range(header, len), expected, "{header} of {len}");
        }
    }
}
