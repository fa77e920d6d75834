//! The console over plain HTTP, as a hostile or careless client would use it: the server
//! checks every request, whatever the page showed.

use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION, ORIGIN, SET_COOKIE};

use super::{ConsoleUnderTest, PASSWORD, csrf_of, hash_of, unescape};
use crate::support::{stderr, stdout};

/// A logged-in client: its session cookie and CSRF token.
struct Session {
    http: reqwest::Client,
    url: String,
    cookie: String,
    csrf: String,
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn try_login(c: &ConsoleUnderTest, name: &str, password: &str) -> reqwest::Response {
    client()
        .post(format!("{}/console/login", c.url))
        .header(ORIGIN, &c.url)
        .form(&[("name", name), ("password", password)])
        .send()
        .await
        .unwrap()
}

async fn login(c: &ConsoleUnderTest, name: &str) -> Session {
    let res = try_login(c, name, PASSWORD).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "login as {name}");
    let set = res.headers()[SET_COOKIE].to_str().unwrap().to_owned();
    for part in ["HttpOnly", "SameSite=Strict", "Path=/console"] {
        assert!(set.contains(part), "{set}");
    }
    let cookie = set.split(';').next().unwrap().to_owned();
    let mut s = Session {
        http: client(),
        url: c.url.clone(),
        cookie,
        csrf: String::new(),
    };
    let (status, page) = s.get("/console/articles").await;
    assert_eq!(status, StatusCode::OK);
    s.csrf = csrf_of(&page);
    s
}

impl Session {
    async fn get(&self, path: &str) -> (StatusCode, String) {
        let res = self
            .http
            .get(format!("{}{path}", self.url))
            .header(COOKIE, &self.cookie)
            .send()
            .await
            .unwrap();
        (res.status(), res.text().await.unwrap())
    }

    async fn post(
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

    /// Posts the compose form (multipart, as the page's form is).
    async fn compose(&self, text: &str, submit: bool) -> reqwest::Response {
        let boundary = "----dalabaTestBoundary7MA4YWxk";
        let mut fields = vec![
            ("csrf", self.csrf.as_str()),
            ("text", text),
            ("queue", "news"),
            ("priority", "normal"),
        ];
        if submit {
            fields.push(("submit", "1"));
        }
        let mut body = String::new();
        for (name, value) in fields {
            body.push_str(&format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            ));
        }
        body.push_str(&format!("--{boundary}--\r\n"));
        self.http
            .post(format!("{}/console/articles", self.url))
            .header(COOKIE, &self.cookie)
            .header(ORIGIN, &self.url)
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body)
            .send()
            .await
            .unwrap()
    }

    /// Submits `text`; returns the new article's id.
    async fn submit(&self, text: &str) -> i64 {
        let res = self.compose(text, true).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let to = res.headers()[LOCATION].to_str().unwrap().to_owned();
        to.rsplit('/').next().unwrap().parse().unwrap()
    }

    /// The verdict form's fields as the review page gives them: (hash, seen script).
    async fn review(&self, id: i64) -> (String, String) {
        let (status, page) = self.get(&format!("/console/articles/{id}")).await;
        assert_eq!(status, StatusCode::OK);
        let at = page.find("name=\"seen\" value=\"").unwrap() + 19;
        let seen = unescape(page[at..].split('"').next().unwrap());
        (hash_of(&page), seen)
    }

    async fn verdict(&self, id: i64, hash: &str, seen: &str, verdict: &str) -> reqwest::Response {
        let form = [
            ("csrf", self.csrf.as_str()),
            ("hash", hash),
            ("seen", seen),
            ("verdict", verdict),
            ("reason", ""),
        ];
        self.post(&format!("/console/articles/{id}/verdict"), &form, &self.url)
            .await
    }
}

const NOTICE: &str = "停水通知\n\n明天（12月2日）上午9:00至下午3:00东岗村停水，请提前储水。\n";

#[tokio::test]
async fn two_people_sign_every_broadcast_and_roles_are_checked_on_the_server() {
    let c = ConsoleUnderTest::start();
    let editor = login(&c, "王编辑").await;
    let res = editor.compose(NOTICE, false).await;
    assert_eq!(res.status(), StatusCode::OK);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("id=\"script\"") && page.contains("东岗村停水"),
        "the script: {page}"
    );
    let id = editor.submit(NOTICE).await;

    // The editor cannot approve their own article, whatever they post (the fields taken
    // from an approver's page, since the editor's page has no approve form).
    let approver = login(&c, "张审核").await;
    let (hash, seen) = approver.review(id).await;
    let (_, own_page) = editor.get(&format!("/console/articles/{id}")).await;
    assert!(
        !own_page.contains("id=\"approve\""),
        "no approve button for the author"
    );
    assert_eq!(
        editor.verdict(id, &hash, &seen, "approve").await.status(),
        StatusCode::FORBIDDEN
    );
    // A reader cannot post anything, though it sees the pages.
    let reader = login(&c, "县里").await;
    assert_eq!(
        reader.get(&format!("/console/articles/{id}")).await.0,
        StatusCode::OK
    );
    let refused = reader.verdict(id, &hash, &seen, "approve").await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        reader.compose(NOTICE, true).await.status(),
        StatusCode::FORBIDDEN
    );
    let users = [
        ("csrf", reader.csrf.as_str()),
        ("op", "add"),
        ("name", "x"),
        ("role", "站长"),
        ("password", "12345678"),
    ];
    assert_eq!(
        reader.post("/console/users", &users, &c.url).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        reader.get("/console/emergency").await.0,
        StatusCode::FORBIDDEN
    );

    // An approver who read an older script is refused, and told what changed.
    let stale_seen = seen.replace("储水", "存水");
    let stale_hash = blake3::hash(stale_seen.as_bytes()).to_hex().to_string();
    let res = approver
        .verdict(id, &stale_hash, &stale_seen, "approve")
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let page = res.text().await.unwrap();
    assert!(page.contains("未批准") && page.contains("新增："), "{page}");

    // The approver approves the script they saw: bound to its hash.
    let res = approver.verdict(id, &hash, &seen, "approve").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let out = c.station.run(&["list", "--json"]);
    let list: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(list[0]["status"], "approved", "{list}");
    let (_, audit) = approver.get("/console/audit").await;
    for action in ["submit", "approve", "login"] {
        assert!(
            audit.contains(&format!("<td>{action}</td>")),
            "{action} in {audit}"
        );
    }
    assert!(audit.contains("127.0.0.1"), "from where");

    // A 站长 may approve, but not an article they wrote themselves.
    let manager = login(&c, "李站长").await;
    let own = manager.submit(NOTICE).await;
    let (hash, seen) = approver.review(own).await;
    let res = manager.verdict(own, &hash, &seen, "approve").await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(res.text().await.unwrap().contains("不能审核自己提交的稿件"));
    let (_, audit) = manager.get("/console/audit").await;
    assert!(audit.contains("<td>approve-own-refused</td>"), "{audit}");
}

#[tokio::test]
async fn a_hostile_title_is_shown_escaped_everywhere() {
    let c = ConsoleUnderTest::start();
    let editor = login(&c, "王编辑").await;
    let id = editor
        .submit("+++\ntitle = \"<script>alert(1)</script>\"\n+++\n<script>alert(2)</script>\n村委会通知：明天开会。\n")
        .await;
    for path in [
        "/console/articles".to_owned(),
        format!("/console/articles/{id}"),
    ] {
        let (_, page) = editor.get(&path).await;
        assert!(!page.contains("<script>alert("), "{path}: {page}");
        assert!(
            page.contains("&#60;script&#62;alert(1)&#60;/script&#62;"),
            "{path}: {page}"
        );
    }
    let res = editor
        .http
        .get(format!("{}/console/articles", c.url))
        .header(COOKIE, &editor.cookie)
        .send()
        .await
        .unwrap();
    let csp = res.headers()["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("script-src 'none'"), "{csp}");
}

#[tokio::test]
async fn a_post_from_another_origin_or_without_the_token_is_refused() {
    let c = ConsoleUnderTest::start();
    let manager = login(&c, "李站长").await;
    let add = |csrf: &str| {
        [
            ("csrf", csrf),
            ("op", "add"),
            ("name", "坏人"),
            ("role", "站长"),
            ("password", "12345678x"),
        ]
        .map(|(k, v)| (k, v.to_owned()))
    };
    let csrf = manager.csrf.clone();
    let res = manager
        .post("/console/users", &add(&csrf), "http://evil.example")
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(res.text().await.unwrap().contains("跨站"));
    let res = manager.post("/console/users", &add("forged"), &c.url).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let (_, users) = manager.get("/console/users").await;
    assert!(!users.contains("坏人"), "nothing was added");
    // The same request, from the console itself, works.
    let res = manager.post("/console/users", &add(&csrf), &c.url).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("坏人"));
}

#[tokio::test]
async fn a_session_cookie_replayed_after_logout_is_refused() {
    let c = ConsoleUnderTest::start();
    let editor = login(&c, "王编辑").await;
    let res = editor
        .post("/console/logout", &[("csrf", &editor.csrf)], &c.url)
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(
        res.headers()[SET_COOKIE]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    let res = editor
        .http
        .get(format!("{}/console/articles", c.url))
        .header(COOKIE, &editor.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()[LOCATION], "/console/login");
    assert_eq!(
        editor.compose(NOTICE, true).await.status(),
        StatusCode::SEE_OTHER
    );
    let out = c.station.run(&["list", "--json"]);
    assert_eq!(stdout(&out).trim(), "[]", "{}", stderr(&out));
}

#[tokio::test]
async fn wrong_passwords_in_a_loop_are_rate_limited() {
    let c = ConsoleUnderTest::start();
    for i in 0..5 {
        let res = try_login(&c, "张审核", &format!("guess{i}")).await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "try {i}");
        assert!(res.text().await.unwrap().contains("用户名或密码不对"));
    }
    // Now even the right password waits, and so does another name from this address.
    let res = try_login(&c, "张审核", PASSWORD).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(res.text().await.unwrap().contains("登录失败次数过多"));
    assert_eq!(
        try_login(&c, "王编辑", PASSWORD).await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[test]
fn add_user_takes_the_password_from_stdin_and_refuses_weak_ones_and_duplicates() {
    use std::io::Write;
    let station = crate::support::TestStation::new();
    let add = |name: &str, input: &str| {
        let mut child = station
            .cmd()
            .args(["console", "add-user", name, "--role", "站长"])
            .env_remove("DALABA_PASSWORD")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let out = add("李站长", "short\n");
    assert!(!out.status.success());
    assert!(stderr(&out).contains("too short"), "{}", stderr(&out));
    let out = add("李站长", "a-long-enough-one\n");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("已添加工作台用户 李站长（站长）"));
    let out = add("李站长", "a-long-enough-one\n");
    assert!(
        stderr(&out).contains("already a console user"),
        "{}",
        stderr(&out)
    );
    let out = station.run(&["console", "add-user", "x", "--role", "boss"]);
    assert!(stderr(&out).contains("is not a role"), "{}", stderr(&out));
}
