//! Who is asking: argon2 password hashes, server-side sessions (only a blake3 hash of the
//! cookie's token is stored, so a copied database opens no session), the CSRF check on every
//! POST, and the login rate limit.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Mutex, OnceLock};

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::{HeaderMap, header, request::Parts};
use base64::Engine as _;
use jiff::{SignedDuration, Timestamp};

use super::roles::{Action, Role};
use super::{Console, PageError};
use crate::store::UserRow;

/// The session cookie's name.
pub const COOKIE: &str = "dalaba_session";
/// How long a session holds after login.
pub const SESSION_HOURS: i64 = 12;
/// Failed logins allowed per account name and per address inside [`LIMIT_WINDOW`].
pub const LIMIT_FAILURES: usize = 5;
/// The rate limit's window.
pub const LIMIT_WINDOW: SignedDuration = SignedDuration::from_mins(15);

/// The argon2id PHC string of `password`, with a fresh random salt.
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| anyhow::anyhow!("cannot get random bytes: {e}"))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| anyhow::anyhow!("salt: {e}"))?;
    argon2::Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("cannot hash the password: {e}"))
}

/// Whether `password` matches the PHC string `hash`.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        argon2::Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// A hash to check against when the account does not exist, so that a wrong name takes as
/// long as a wrong password and names cannot be probed by timing.
pub fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| hash_password("decoy").unwrap_or_default())
}

/// A fresh 256-bit random token, URL-safe base64.
pub fn token() -> anyhow::Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("cannot get random bytes: {e}"))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

/// What the database keeps of a session token.
pub fn token_hash(token: &str) -> String {
    blake3::hash(token.as_bytes()).to_hex().to_string()
}

/// The `Set-Cookie` value that opens a session; `Secure` behind TLS.
pub fn session_cookie(token: &str, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    let age = SESSION_HOURS * 3600;
    format!("{COOKIE}={token}; Path=/console; HttpOnly; SameSite=Strict; Max-Age={age}{secure}")
}

/// The `Set-Cookie` value that drops the session cookie.
pub fn cleared_cookie() -> String {
    format!("{COOKIE}=; Path=/console; HttpOnly; SameSite=Strict; Max-Age=0")
}

/// The session token the request's cookie carries.
pub fn cookie_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v.to_owned())
        .filter(|v| !v.is_empty())
}

/// Whether the request came over TLS (terminated by a proxy that says so).
pub fn is_tls(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

/// Refuses a POST that a page of another site made: an `Origin` (or, without one, a
/// `Referer`) naming another host, or `Sec-Fetch-Site: cross-site`.
pub fn same_origin(headers: &HeaderMap) -> Result<(), PageError> {
    let get = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let host = get("host").unwrap_or_default();
    let from = get("origin").or_else(|| get("referer"));
    let foreign = from.is_some_and(|o| {
        let rest = o
            .strip_prefix("http://")
            .or_else(|| o.strip_prefix("https://"))
            .unwrap_or("");
        rest.split('/').next() != Some(host)
    });
    if foreign || get("sec-fetch-site") == Some("cross-site") {
        return Err(PageError::Forbidden(
            "请求来自其他网站，已拒绝（跨站请求）".into(),
        ));
    }
    Ok(())
}

/// The address a request came from.
pub fn peer(parts: &Parts) -> String {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or_else(|| "unknown".to_owned(), |c| c.0.ip().to_string())
}

/// A logged-in account, checked against the database on this very request.
#[derive(Debug, Clone)]
pub struct Staff {
    /// The account.
    pub user: UserRow,
    /// Its role.
    pub role: Role,
    /// The session's CSRF token: every form carries it back.
    pub csrf: String,
    /// The hash of the session token (to end it).
    pub token_hash: String,
    /// Where the request came from.
    pub peer: String,
    /// The console runs in a hub (a lone station has no boxes to list).
    pub at_hub: bool,
}

impl Staff {
    /// Refuses what this role may not do.
    pub fn require(&self, action: Action) -> Result<(), PageError> {
        if self.role.may(action) {
            Ok(())
        } else {
            Err(PageError::Forbidden(format!(
                "“{}”角色没有这项权限",
                self.role.as_str()
            )))
        }
    }

    /// Checks a POST: the role may do `action`, the form's CSRF token is this session's,
    /// and no other site sent it.
    pub fn check_post(
        &self,
        headers: &HeaderMap,
        csrf: &str,
        action: Action,
    ) -> Result<(), PageError> {
        same_origin(headers)?;
        if blake3::hash(csrf.as_bytes()) != blake3::hash(self.csrf.as_bytes()) {
            return Err(PageError::Forbidden(
                "表单已过期或不是从本站打开的，请刷新页面后重试".into(),
            ));
        }
        self.require(action)
    }
}

impl FromRequestParts<Console> for Staff {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &Console) -> Result<Self, PageError> {
        let token = cookie_token(&parts.headers).ok_or(PageError::Login)?;
        let hash = token_hash(&token);
        let now = state.now();
        let key = hash.clone();
        let found = state
            .db()
            .call(move |s| s.session(&key, now))
            .await
            .map_err(PageError::Internal)?;
        let (user, csrf) = found.ok_or(PageError::Login)?;
        let role = Role::parse(&user.role)
            .ok_or_else(|| PageError::Forbidden(format!("账号的角色“{}”无效", user.role)))?;
        Ok(Staff {
            user,
            role,
            csrf,
            token_hash: hash,
            peer: peer(parts),
            at_hub: state.0.edges.hub.is_some(),
        })
    }
}

/// Failed logins per key (an account name, an address) in a sliding window.
#[derive(Debug, Default)]
pub struct Limiter {
    failures: Mutex<HashMap<String, Vec<Timestamp>>>,
}

impl Limiter {
    /// Whether any of `keys` has had [`LIMIT_FAILURES`] failures inside the window.
    pub fn is_blocked(&self, keys: &[&str], now: Timestamp) -> bool {
        let mut map = self.lock();
        keys.iter().any(|k| {
            let list = map.entry((*k).to_owned()).or_default();
            list.retain(|t| now.duration_since(*t) < LIMIT_WINDOW);
            list.len() >= LIMIT_FAILURES
        })
    }

    /// Counts a failed login against every key.
    pub fn fail(&self, keys: &[&str], now: Timestamp) {
        let mut map = self.lock();
        for k in keys {
            map.entry((*k).to_owned()).or_default().push(now);
        }
    }

    /// Forgets an account's failures after a good login.
    pub fn clear(&self, key: &str) {
        self.lock().remove(key);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Vec<Timestamp>>> {
        self.failures.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_themselves() {
        let hash = hash_password("村委会2026").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("村委会2026", &hash));
        assert!(!verify_password("村委会2025", &hash));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn the_limit_blocks_after_five_failures_and_forgets_after_the_window() {
        let limiter = Limiter::default();
        let t0: Timestamp = "2026-12-01T00:00:00Z".parse().unwrap();
        for i in 0..LIMIT_FAILURES {
            assert!(!limiter.is_blocked(&["王五"], t0), "after {i} failures");
            limiter.fail(&["王五", "10.0.0.9"], t0);
        }
        assert!(limiter.is_blocked(&["王五"], t0));
        assert!(limiter.is_blocked(&["someone", "10.0.0.9"], t0));
        assert!(!limiter.is_blocked(&["someone"], t0));
        let later = t0.checked_add(LIMIT_WINDOW).unwrap();
        assert!(!limiter.is_blocked(&["王五"], later));
    }

    #[test]
    fn cookies_and_origins() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            "a=1; dalaba_session=tok; b=2".parse().unwrap(),
        );
        assert_eq!(cookie_token(&h).as_deref(), Some("tok"));
        h.insert("host", "127.0.0.1:9".parse().unwrap());
        h.insert("origin", "http://127.0.0.1:9".parse().unwrap());
        assert!(same_origin(&h).is_ok());
        h.insert("origin", "http://evil.example".parse().unwrap());
        assert!(same_origin(&h).is_err());
        let cookie = session_cookie("t", true);
        for part in ["HttpOnly", "SameSite=Strict", "Secure", "Path=/console"] {
            assert!(cookie.contains(part), "{cookie}");
        }
        assert!(!session_cookie("t", false).contains("Secure"));
    }
}
