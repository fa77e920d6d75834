//! The staff console, served by the real `dalaba hub serve` process on 127.0.0.1: accounts
//! and roles, CSRF, sessions, the login limit, escaping (HTTP level, `http`), and a real
//! headless Chromium walking the whole flow (`browser`); the console of a station that
//! runs alone (`lone`).

mod browser;
mod http;
mod lone;

use std::process::Stdio;

use reqwest::StatusCode;
use reqwest::header::{COOKIE, ORIGIN, SET_COOKIE};

use crate::support::{Served, TestStation, stderr};

/// Every test account's password.
pub const PASSWORD: &str = "村委会-2026-好密码";

/// The accounts every console under test has: (name, role).
pub const ACCOUNTS: [(&str, &str); 4] = [
    ("李站长", "站长"),
    ("王编辑", "编辑"),
    ("张审核", "审核"),
    ("县里", "只读"),
];

/// A morning slot at 07:00 playing the `news` queue with espeak (fast, installed by CI).
pub const MORNING: &str = r#"
[[slot]]
name = "morning"
title = "早间广播"
at = ["07:00"]
days = "daily"
queue = "news"
voice = "espeak"
repeat = 1
catch_up_minutes = 10
"#;

/// A rehearsal station with the four accounts, its hub serving on a free port.
pub struct ConsoleUnderTest {
    /// The station directory.
    pub station: TestStation,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// Killed when the test ends.
    _server: Served,
}

impl ConsoleUnderTest {
    /// Makes the station and accounts (through `dalaba console add-user`) and starts the hub.
    pub fn start() -> Self {
        let station = TestStation::new();
        station.write(
            "dalaba.toml",
            "rehearsal = true\ndevice_realtime = false\ndefault_voice = \"espeak\"\n",
        );
        station.write("schedules/main.toml", MORNING);
        for (name, role) in ACCOUNTS {
            let out = station
                .cmd()
                .args(["console", "add-user", name, "--role", role])
                .env("DALABA_PASSWORD", PASSWORD)
                .output()
                .unwrap();
            assert!(out.status.success(), "{}", stderr(&out));
        }
        let server = station.serve(&["--listen", "127.0.0.1:0"], Stdio::null());
        let url = server.url.clone();
        assert!(url.starts_with("http://127.0.0.1:"), "{url}");
        Self {
            station,
            url,
            _server: server,
        }
    }
}

/// The value of the first `name="csrf"` field in a page.
pub fn csrf_of(page: &str) -> String {
    let at = page
        .find("name=\"csrf\" value=\"")
        .expect("a form with a CSRF token")
        + 19;
    page[at..].split('"').next().unwrap().to_owned()
}

/// The script hash shown on a review page.
pub fn hash_of(page: &str) -> String {
    let at = page.find("id=\"hash\">").expect("the script hash") + 10;
    page[at..].split('<').next().unwrap().to_owned()
}

/// A page's HTML-escaped value put back to text (for hidden fields sent back).
pub fn unescape(s: &str) -> String {
    s.replace("&#10;", "\n")
        .replace("&#60;", "<")
        .replace("&#62;", ">")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// A client that sees redirects instead of following them.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// A logged-in client: its session cookie and CSRF token.
pub struct Session {
    /// The client.
    pub http: reqwest::Client,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// `name=value` of the session cookie.
    pub cookie: String,
    /// The CSRF token the pages carry.
    pub csrf: String,
}

impl Session {
    /// Posts the login form.
    pub async fn try_login(url: &str, name: &str, password: &str) -> reqwest::Response {
        client()
            .post(format!("{url}/console/login"))
            .header(ORIGIN, url)
            .form(&[("name", name), ("password", password)])
            .send()
            .await
            .unwrap()
    }

    /// Logs `name` in with the test password; its cookie and CSRF token.
    pub async fn login(url: &str, name: &str) -> Self {
        let res = Self::try_login(url, name, PASSWORD).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "login as {name}");
        let set = res.headers()[SET_COOKIE].to_str().unwrap();
        let mut s = Self {
            http: client(),
            url: url.to_owned(),
            cookie: set.split(';').next().unwrap().to_owned(),
            csrf: String::new(),
        };
        let (status, page) = s.get("/console/articles").await;
        assert_eq!(status, StatusCode::OK);
        s.csrf = csrf_of(&page);
        s
    }

    /// GETs `path` with the session; status and body.
    pub async fn get(&self, path: &str) -> (StatusCode, String) {
        let res = self
            .http
            .get(format!("{}{path}", self.url))
            .header(COOKIE, &self.cookie)
            .send()
            .await
            .unwrap();
        (res.status(), res.text().await.unwrap())
    }

    /// POSTs `form` with the session, as from `origin`.
    pub async fn post(
        &self,
        path: &str,
        form: &impl serde::Serialize,
        origin: &str,
    ) -> reqwest::Response {
        self.http
            .post(format!("{}{path}", self.url))
            .header(COOKIE, &self.cookie)
            .header(ORIGIN, origin)
            .form(form)
            .send()
            .await
            .unwrap()
    }
}
