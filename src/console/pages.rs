//! Login, logout, accounts (用户) and the audit log (操作记录).

use axum::Form;
use axum::extract::{FromRequestParts, State};
use axum::http::{HeaderMap, header, request::Parts};
use axum::response::{IntoResponse, Redirect};
use jiff::SignedDuration;
use serde::Deserialize;

use super::auth::{self, Staff};
use super::roles::{Action, Role};
use super::{Console, Page, PageError, html};
use crate::store::Store;

/// What the page frame shows: who is logged in, and the form token for the logout button.
#[derive(Debug, Clone)]
pub struct Nav {
    /// Account name.
    pub name: String,
    /// Role name.
    pub role: String,
    /// The session's CSRF token.
    pub csrf: String,
    /// Which tab is open.
    pub tab: &'static str,
    /// A 站长 sees the emergency and user tabs.
    pub manager: bool,
    /// The 终端 tab: only a hub has boxes.
    pub boxes: bool,
}

impl Nav {
    /// The frame for `staff` on tab `tab`.
    pub fn of(staff: &Staff, tab: &'static str) -> Nav {
        Nav {
            name: staff.user.name.clone(),
            role: staff.role.as_str().to_owned(),
            csrf: staff.csrf.clone(),
            tab,
            manager: staff.role == Role::Manager,
            boxes: staff.at_hub,
        }
    }
}

/// An error page.
#[derive(askama::Template)]
#[template(path = "console/error.html")]
pub struct ErrorPage {
    /// HTTP status.
    pub status: u16,
    /// What to tell the clerk.
    pub message: String,
}

#[derive(askama::Template)]
#[template(path = "console/login.html")]
struct LoginPage {
    error: Option<String>,
    name: String,
}

pub(super) async fn login_form() -> Page {
    html(&LoginPage {
        error: None,
        name: String::new(),
    })
}

#[derive(Deserialize)]
pub(super) struct LoginForm {
    name: String,
    password: String,
}

/// The peer address, for handlers that take no [`Staff`].
pub(super) struct Peer(pub String);

impl<S: Send + Sync> FromRequestParts<S> for Peer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Peer(auth::peer(parts)))
    }
}

pub(super) async fn login(
    State(console): State<Console>,
    Peer(peer): Peer,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Page {
    auth::same_origin(&headers)?;
    let now = console.now();
    let name = form.name.trim().to_owned();
    let keys = [name.as_str(), peer.as_str()];
    let limiter = &console.0.limiter;
    if limiter.is_blocked(&keys, now) {
        console.audit(&name, &peer, "login-blocked", None).await;
        let page = LoginPage {
            error: Some(format!(
                "登录失败次数过多，请 {} 分钟后再试",
                auth::LIMIT_WINDOW.as_mins()
            )),
            name,
        };
        return Ok((axum::http::StatusCode::TOO_MANY_REQUESTS, html(&page)?).into_response());
    }
    let lookup = name.clone();
    let user = console.db().call(move |s| s.user(&lookup)).await?;
    let password = form.password;
    let (user, ok) = tokio::task::spawn_blocking(move || {
        let hash = user
            .as_ref()
            .filter(|u| !u.disabled)
            .map_or(auth::decoy_hash(), |u| u.password_hash.as_str())
            .to_owned();
        let ok =
            auth::verify_password(&password, &hash) && user.as_ref().is_some_and(|u| !u.disabled);
        (user, ok)
    })
    .await
    .map_err(|e| PageError::Internal(e.into()))?;
    let Some(user) = user.filter(|_| ok) else {
        limiter.fail(&keys, now);
        console.audit(&name, &peer, "login-failed", None).await;
        let page = LoginPage {
            error: Some("用户名或密码不对".into()),
            name,
        };
        return Ok((axum::http::StatusCode::UNAUTHORIZED, html(&page)?).into_response());
    };
    limiter.clear(&name);
    let token = auth::token()?;
    let csrf = auth::token()?;
    let hash = auth::token_hash(&token);
    let expires = now
        .checked_add(SignedDuration::from_hours(auth::SESSION_HOURS))
        .map_err(|e| PageError::Internal(e.into()))?;
    let id = user.id;
    console
        .db()
        .call(move |s| s.open_session(&hash, id, &csrf, now, expires))
        .await?;
    console.audit(&user.name, &peer, "login", None).await;
    let secure = console.0.edges.secure_cookies || auth::is_tls(&headers);
    Ok((
        [(header::SET_COOKIE, auth::session_cookie(&token, secure))],
        Redirect::to("/console/articles"),
    )
        .into_response())
}

#[derive(Deserialize)]
pub(super) struct CsrfForm {
    csrf: String,
}

pub(super) async fn logout(
    State(console): State<Console>,
    staff: Staff,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> Page {
    staff.check_post(&headers, &form.csrf, Action::Read)?;
    let hash = staff.token_hash.clone();
    console.db().call(move |s| s.close_session(&hash)).await?;
    console
        .audit(&staff.user.name, &staff.peer, "logout", None)
        .await;
    Ok((
        [(header::SET_COOKIE, auth::cleared_cookie())],
        Redirect::to("/console/login"),
    )
        .into_response())
}

/// One account as the user page lists it.
struct UserLine {
    name: String,
    role: String,
    disabled: bool,
    created: String,
}

#[derive(askama::Template)]
#[template(path = "console/users.html")]
struct UsersPage {
    nav: Nav,
    users: Vec<UserLine>,
    roles: Vec<&'static str>,
    message: Option<String>,
}

pub(super) async fn users(State(console): State<Console>, staff: Staff) -> Page {
    staff.require(Action::ManageUsers)?;
    users_page(&console, &staff, None).await
}

async fn users_page(console: &Console, staff: &Staff, message: Option<String>) -> Page {
    let rows = console.db().call(|s| s.users()).await?;
    html(&UsersPage {
        nav: Nav::of(staff, "users"),
        users: rows
            .into_iter()
            .map(|u| UserLine {
                created: console.shown(u.created),
                name: u.name,
                role: u.role,
                disabled: u.disabled,
            })
            .collect(),
        roles: Role::ALL.iter().map(|r| r.as_str()).collect(),
        message,
    })
}

#[derive(Deserialize)]
pub(super) struct UserForm {
    csrf: String,
    /// `add`, `set` (role and enabled) or `password`.
    op: String,
    name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    disabled: Option<String>,
}

pub(super) async fn users_post(
    State(console): State<Console>,
    staff: Staff,
    headers: HeaderMap,
    Form(form): Form<UserForm>,
) -> Page {
    staff.check_post(&headers, &form.csrf, Action::ManageUsers)?;
    let name = form.name.trim().to_owned();
    let role = Role::parse(&form.role);
    let message = match form.op.as_str() {
        "add" => {
            let role = role.ok_or_else(|| PageError::BadRequest("请选择角色".into()))?;
            check_new_password(&form.password)?;
            let hash = auth::hash_password(&form.password)?;
            let now = console.now();
            let (n, r) = (name.clone(), role.as_str());
            check_name(&name)?;
            if console.db().call(move |s| s.user(&n)).await?.is_some() {
                return Err(PageError::BadRequest(format!("用户“{name}”已存在")));
            }
            let n = name.clone();
            console
                .db()
                .call(move |s| s.add_user(&n, r, &hash, now))
                .await?;
            format!("已添加用户“{name}”（{role}）")
        }
        "set" => {
            let role = role.ok_or_else(|| PageError::BadRequest("请选择角色".into()))?;
            let disabled = form.disabled.is_some();
            if name == staff.user.name && (disabled || role != Role::Manager) {
                return Err(PageError::BadRequest(
                    "不能停用自己或取消自己的站长角色".into(),
                ));
            }
            let n = name.clone();
            let found = console
                .db()
                .call(move |s| s.set_user(&n, role.as_str(), disabled))
                .await?;
            if !found {
                return Err(PageError::NotFound(format!("没有用户“{name}”")));
            }
            let state = if disabled { "已停用" } else { "启用" };
            format!("用户“{name}”：{role}，{state}")
        }
        "password" => {
            check_new_password(&form.password)?;
            let hash = auth::hash_password(&form.password)?;
            let n = name.clone();
            if !console
                .db()
                .call(move |s| s.set_password(&n, &hash))
                .await?
            {
                return Err(PageError::NotFound(format!("没有用户“{name}”")));
            }
            format!("已为“{name}”设置新密码，其登录已全部退出")
        }
        _ => return Err(PageError::BadRequest("未知操作".into())),
    };
    console
        .audit(
            &staff.user.name,
            &staff.peer,
            &format!("user-{}", form.op),
            Some(message.clone()),
        )
        .await;
    users_page(&console, &staff, Some(message)).await
}

fn check_new_password(password: &str) -> Result<(), PageError> {
    if password.chars().count() < 8 {
        return Err(PageError::BadRequest("密码至少 8 个字符".into()));
    }
    Ok(())
}

fn check_name(name: &str) -> Result<(), PageError> {
    if name.is_empty() || name.chars().count() > 32 || name.chars().any(char::is_control) {
        return Err(PageError::BadRequest(
            "用户名须为 1 到 32 个字符，不含控制字符".into(),
        ));
    }
    Ok(())
}

/// Adds an account from the command line (`dalaba console add-user`): the first 站长.
pub fn add_user(
    store: &mut Store,
    name: &str,
    role: Role,
    password: &str,
    now: jiff::Timestamp,
) -> anyhow::Result<()> {
    anyhow::ensure!(
        password.chars().count() >= 8,
        "the password for `{}` is too short: use at least 8 characters",
        name.escape_debug()
    );
    check_name(name).map_err(|_| {
        anyhow::anyhow!(
            "`{}` is not a usable name: 1 to 32 characters, no control characters",
            name.escape_debug()
        )
    })?;
    anyhow::ensure!(
        store.user(name)?.is_none(),
        "there is already a console user `{}`; change it in the console's 用户 page",
        name.escape_debug()
    );
    let hash = auth::hash_password(password)?;
    store.add_user(name, role.as_str(), &hash, now)?;
    store.audit(&crate::store::AuditRow {
        at: now,
        who: "command line".into(),
        peer: "local".into(),
        action: "user-add".into(),
        detail: Some(format!("{name} ({role})")),
    })?;
    Ok(())
}

struct AuditLine {
    at: String,
    who: String,
    peer: String,
    action: String,
    detail: String,
}

#[derive(askama::Template)]
#[template(path = "console/audit.html")]
struct AuditPage {
    nav: Nav,
    rows: Vec<AuditLine>,
}

pub(super) async fn audit(State(console): State<Console>, staff: Staff) -> Page {
    staff.require(Action::Read)?;
    let rows = console.db().call(|s| s.audit_log(500)).await?;
    html(&AuditPage {
        nav: Nav::of(&staff, "audit"),
        rows: rows
            .into_iter()
            .map(|r| AuditLine {
                at: console.shown(r.at),
                who: r.who,
                peer: r.peer,
                action: r.action,
                detail: r.detail.unwrap_or_default(),
            })
            .collect(),
    })
}
