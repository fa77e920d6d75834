//! The staff console (工作台): township clerks queue and approve articles, follow the plan
//! and the as-run log, watch the boxes and cut in emergencies, in a browser, in Chinese.
//! Served under `/console` by `dalaba hub serve`. \[edge\]
//!
//! Pages are askama templates compiled into the binary (escaping is the default, so no
//! article text reaches a page raw); the one stylesheet is embedded too. Every request is
//! checked on the server: the session in the database, the role for the action, the CSRF
//! token and origin on every POST. Every change lands in the audit log with who, when and
//! from where. Edges (the station database, the hub, the planner) are handed in by `app`.

mod articles;
pub mod auth;
mod cut_in;
mod log;
mod pages;
pub mod roles;
mod views;

use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::hub::server::HubState;
use crate::hub::store::HubStore;
use crate::station::Station;
use crate::store::{AuditRow, StoreHandle};

pub use cut_in::Daemon;
pub use pages::add_user;
pub use roles::Role;

/// One airing the planner foresees, as the plan page shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanRow {
    /// When, as a clerk reads it (`2026-12-01 07:00`).
    pub at: String,
    /// The slot's name.
    pub slot: String,
    /// The slot's title.
    pub title: String,
    /// The queue it plays.
    pub queue: String,
    /// Inside quiet hours (only emergencies air).
    pub quiet: bool,
    /// Already in the log with this outcome.
    pub already: Option<String>,
    /// `(id, title, approved by)` of what will air.
    pub articles: Vec<(i64, String, String)>,
    /// `(id, title, why)` of what is left out.
    pub excluded: Vec<(i64, String, String)>,
}

/// The plan page's content.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Plan {
    /// The airings, in time order.
    pub rows: Vec<PlanRow>,
    /// Articles whose window closed before the plan starts: left out of every airing,
    /// counted rather than listed under each.
    pub closed: usize,
}

/// The planner: the next `hours` from `now`. Built by `app` over the station's engine.
pub type Planner = Arc<dyn Fn(Timestamp, u32) -> anyhow::Result<Plan> + Send + Sync>;

/// The hub the console stands in front of: its store (box status) and its alert path.
#[derive(Clone)]
pub struct HubLink {
    /// The API's shared state; alerts go out through [`HubState::push_alert`].
    pub state: HubState,
    /// The hub's store, for the box list.
    pub store: Arc<dyn HubStore>,
    /// Where the hub keeps programs (an emergency's program is stored there).
    pub programs_dir: PathBuf,
}

/// What `app` hands the console.
pub struct ConsoleEdges {
    /// The station (settings, voices, lexicon, where programs are rendered).
    pub station: Station,
    /// The station database.
    pub db: StoreHandle,
    /// The synthesizers listening copies and emergency programs are rendered with.
    pub voices: Arc<dyn crate::tts::Voices>,
    /// The hub, when the console runs in one.
    pub hub: Option<HubLink>,
    /// The running daemon, when the console runs beside it on a station alone.
    pub daemon: Option<Arc<dyn Daemon>>,
    /// The clock.
    pub clock: crate::hub::server::Clock,
    /// The station's time zone, for every time a page shows.
    pub tz: TimeZone,
    /// The plan of the coming days.
    pub planner: Planner,
    /// Set `Secure` on the cookie even without a proxy's `X-Forwarded-Proto: https`.
    pub secure_cookies: bool,
}

/// The console's shared state; cheap to clone.
#[derive(Clone)]
pub struct Console(Arc<Inner>);

struct Inner {
    edges: ConsoleEdges,
    limiter: auth::Limiter,
}

impl Console {
    /// The console over `edges`.
    pub fn new(edges: ConsoleEdges) -> Self {
        Console(Arc::new(Inner {
            edges,
            limiter: auth::Limiter::default(),
        }))
    }

    fn now(&self) -> Timestamp {
        (self.0.edges.clock)()
    }

    fn db(&self) -> &StoreHandle {
        &self.0.edges.db
    }

    fn station(&self) -> &Station {
        &self.0.edges.station
    }

    fn tz(&self) -> &TimeZone {
        &self.0.edges.tz
    }

    /// `t` as a clerk reads it, in the station's zone.
    fn shown(&self, t: Timestamp) -> String {
        t.to_zoned(self.tz().clone())
            .strftime("%Y-%m-%d %H:%M:%S")
            .to_string()
    }

    /// Where rendered listening copies are kept.
    fn audio_dir(&self) -> PathBuf {
        self.station().state_dir().join("console-audio")
    }

    /// Appends to the audit log.
    async fn audit(&self, who: &str, peer: &str, action: &str, detail: Option<String>) {
        let row = AuditRow {
            at: self.now(),
            who: who.to_owned(),
            peer: peer.to_owned(),
            action: action.to_owned(),
            detail,
        };
        if let Err(err) = self.db().call(move |s| s.audit(&row)).await {
            tracing::error!("console: cannot write the audit log: {err:#}");
        }
    }
}

/// Why a page could not be given.
#[derive(Debug)]
pub enum PageError {
    /// Not logged in (or the session ended): go to the login page.
    Login,
    /// Logged in but not allowed, or a refused POST (403).
    Forbidden(String),
    /// The request itself is wrong (400).
    BadRequest(String),
    /// No such thing (404).
    NotFound(String),
    /// Something broke on our side (500); the details go to the log, not the page.
    Internal(anyhow::Error),
}

impl From<anyhow::Error> for PageError {
    fn from(err: anyhow::Error) -> Self {
        PageError::Internal(err)
    }
}

impl From<askama::Error> for PageError {
    fn from(err: askama::Error) -> Self {
        PageError::Internal(err.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let (status, message) = match self {
            PageError::Login => return Redirect::to("/console/login").into_response(),
            PageError::Forbidden(m) => (StatusCode::FORBIDDEN, m),
            PageError::BadRequest(m) => (StatusCode::BAD_REQUEST, m),
            PageError::NotFound(m) => (StatusCode::NOT_FOUND, m),
            PageError::Internal(err) => {
                tracing::error!("console: {err:#}");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "服务器内部错误，已记录日志；请稍后重试或联系站长".to_owned(),
                )
            }
        };
        let page = pages::ErrorPage {
            status: status.as_u16(),
            message,
        };
        match askama::Template::render(&page) {
            Ok(html) => (status, Html(html)).into_response(),
            Err(_) => status.into_response(),
        }
    }
}

/// A page's HTML, or why not.
type Page = Result<Response, PageError>;

/// Renders a template into a response.
fn html(t: &impl askama::Template) -> Page {
    Ok(Html(t.render()?).into_response())
}

/// The stylesheet, embedded in the binary.
async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        include_str!("../../templates/console/console.css"),
    )
        .into_response()
}

/// The `/console/…` routes.
pub fn router(console: Console) -> Router {
    Router::new()
        .route(
            "/console",
            get(|| async { Redirect::to("/console/articles") }),
        )
        .route(
            "/console/",
            get(|| async { Redirect::to("/console/articles") }),
        )
        .route("/console/console.css", get(stylesheet))
        .route("/console/login", get(pages::login_form).post(pages::login))
        .route("/console/logout", post(pages::logout))
        .route(
            "/console/articles",
            get(articles::list).post(articles::compose),
        )
        .route("/console/articles/{id}", get(articles::review))
        .route("/console/articles/{id}/audio.wav", get(articles::audio))
        .route(
            "/console/listen/{key}/audio.wav",
            get(articles::draft_audio),
        )
        .route("/console/articles/{id}/verdict", post(articles::verdict))
        .route("/console/plan", get(views::plan))
        .route("/console/log", get(log::log))
        .route("/console/boxes", get(views::boxes))
        .route(
            "/console/emergency",
            get(views::emergency).post(views::emergency_post),
        )
        .route("/console/users", get(pages::users).post(pages::users_post))
        .route("/console/audit", get(pages::audit))
        .layer(axum::middleware::map_response(security_headers))
        .with_state(console)
}

/// Headers every console answer carries: no framing by other sites, no sniffing, a CSP
/// that allows only our own stylesheet and media (no inline script at all).
async fn security_headers(mut response: Response) -> Response {
    let h = response.headers_mut();
    let set = [
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; script-src 'none'; object-src 'none'; frame-ancestors 'none'; form-action 'self'",
        ),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "same-origin"),
        (header::CACHE_CONTROL, "no-store"),
    ];
    for (name, value) in set {
        if !h.contains_key(&name) {
            h.insert(name, header::HeaderValue::from_static(value));
        }
    }
    response
}
