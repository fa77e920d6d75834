//! The console over plain HTTP, as a hostile or careless client would use it: the server
//! checks every request, whatever the page showed.

use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION, ORIGIN, SET_COOKIE};

use super::{ConsoleUnderTest, PASSWORD, Session, hash_of, unescape};
use crate::support::{stderr, stdout};

async fn try_login(c: &ConsoleUnderTest, name: &str, password: &str) -> reqwest::Response {
    Session::try_login(&c.url, name, password).await
}

/// Logs `name` in, checking the session cookie's attributes.
async fn login(c: &ConsoleUnderTest, name: &str) -> Session {
    let res = try_login(c, name, PASSWORD).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "login as {name}");
    let set = res.headers()[SET_COOKIE].to_str().unwrap().to_owned();
    for part in ["HttpOnly", "SameSite=Strict", "Path=/console"] {
        assert!(set.contains(part), "{set}");
    }
    Session::login(&c.url, name).await
}

impl Session {
    /// Posts the compose form (multipart, as the page's form is).
    async fn compose(&self, text: &str, submit: bool) -> reqwest::Response {
        let button = if submit { "submit" } else { "preview" };
        self.compose_with(text, button).await
    }

    /// Posts the compose form with the button named `button` pressed.
    async fn compose_with(&self, text: &str, button: &str) -> reqwest::Response {
        let boundary = "----dalabaTestBoundary7MA4YWxk";
        let fields = vec![
            ("csrf", self.csrf.as_str()),
            ("text", text),
            ("queue", "news"),
            ("priority", "normal"),
            (button, "1"),
        ];
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
            .env("LANG", "zh_CN.UTF-8")
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

#[tokio::test]
async fn the_manager_chooses_the_emergency_severity_as_the_protocol_has_it() {
    let c = ConsoleUnderTest::start();
    let manager = login(&c, "李站长").await;
    let (_, page) = manager.get("/console/emergency").await;
    for choice in ["1 特别重大", "4 一般", "value=\"test\""] {
        assert!(page.contains(choice), "{choice} offered: {page}");
    }
    let id = login(&c, "王编辑").await.submit(NOTICE).await.to_string();
    let send = |severity: &'static str| {
        let mut form = vec![
            ("csrf", manager.csrf.clone()),
            ("op", "request".to_owned()),
            ("article", id.clone()),
            ("zones", "全镇".to_owned()),
            ("reason", "演练".to_owned()),
            ("minutes", "30".to_owned()),
            ("confirm", "1".to_owned()),
        ];
        form.push(("severity", severity.to_owned()));
        form
    };
    // Outside the protocol's values, or none, is refused before anything is rendered.
    for bad in ["5", "", "<b>2</b>"] {
        let res = manager.post("/console/emergency", &send(bad), &c.url).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "severity {bad:?}");
        let text = res.text().await.unwrap();
        assert!(text.contains("级别"), "{text}");
        assert!(!text.contains("<b>2</b>"), "escaped: {text}");
    }
    for (value, word) in [("1", "特别重大"), ("test", "测试")] {
        let res = manager
            .post("/console/emergency", &send(value), &c.url)
            .await;
        assert_eq!(res.status(), StatusCode::OK, "severity {value}");
        let page = res.text().await.unwrap();
        assert!(page.contains(&format!("<td>{word}</td>")), "{page}");
    }
    // The hub stored (and announces) the alerts with the chosen severity.
    let hub = rusqlite::Connection::open(c.station.path().join("state/hub.sqlite")).unwrap();
    let mut stmt = hub
        .prepare("SELECT json FROM hub_alert ORDER BY seq")
        .unwrap();
    let severities: Vec<serde_json::Value> = stmt
        .query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .map(|j| {
            serde_json::from_str::<serde_json::Value>(&j.unwrap()).unwrap()["severity"].clone()
        })
        .collect();
    assert_eq!(
        severities,
        [serde_json::json!(1), serde_json::json!("test")]
    );
}

/// `dalaba hub enroll NAME --id ID --zone ZONE --json`: the box's credential.
fn enroll(c: &ConsoleUnderTest, name: &str, id: &str, zone: &str) -> dalaba::protocol::Credential {
    let out = c
        .station
        .run(&["hub", "enroll", name, "--id", id, "--zone", zone, "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let enrolled: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    dalaba::protocol::Credential::parse(enrolled["credential"].as_str().unwrap()).unwrap()
}

/// A box reports `rows` (airing id, state, reason) to the hub over HTTP, as `box run` does.
async fn report(
    c: &ConsoleUnderTest,
    cred: dalaba::protocol::Credential,
    rows: &[(&str, &str, Option<&str>)],
) {
    use dalaba::protocol::{AsRun, AsRunState, Health};
    let dir = tempfile::tempdir().unwrap();
    let mut client =
        dalaba::village_box::BoxClient::new(&c.url, cred, dir.path().to_owned()).unwrap();
    for (id, state, reason) in rows {
        let state = if *state == "ok" {
            AsRunState::Succeeded
        } else {
            AsRunState::Failed
        };
        let row = AsRun {
            airing_id: (*id).to_owned(),
            state,
            started_at: None,
            ended_at: None,
            program_digest: None,
            voice: Some("espeak".into()),
            reason: reason.map(str::to_owned),
            titles: Vec::new(),
            duration_secs: None,
        };
        client.outbox().push(&row).unwrap();
    }
    let health = Health {
        version: "test".into(),
        device: "present".into(),
        ..Health::default()
    };
    let sent = client.report(health, jiff::Timestamp::now()).await.unwrap();
    assert_eq!(sent, rows.len());
}

/// The rows of the log page's table (the filter form lists every box and zone).
fn log_table(page: &str) -> &str {
    &page[page.find("<table id=\"log\">").expect("the log table")..]
}

#[tokio::test]
async fn the_log_filters_by_zone_and_box_and_the_export_keeps_the_filters() {
    let c = ConsoleUnderTest::start();
    let east = enroll(&c, "张家村", "zhangjiacun", "东片");
    let west = enroll(&c, "李家庄", "lijiazhuang", "西片");
    let at = (jiff::Timestamp::now() - jiff::SignedDuration::from_hours(2))
        .to_zoned(jiff::tz::TimeZone::get("Asia/Shanghai").unwrap())
        .strftime("%Y-%m-%dT%H:%M:%S%:z")
        .to_string();
    let (morning, noon) = (format!("morning@{at}"), format!("noon@{at}"));
    report(
        &c,
        east,
        &[
            (&morning, "ok", None),
            (&noon, "failed", Some("没有音频设备")),
        ],
    )
    .await;
    report(&c, west, &[(&morning, "ok", None)]).await;

    let reader = login(&c, "县里").await;
    let (status, page) = reader.get("/console/log?zone=%E4%B8%9C%E7%89%87").await;
    assert_eq!(status, StatusCode::OK);
    let table = log_table(&page);
    assert_eq!(table.matches("张家村（zhangjiacun）").count(), 2, "{table}");
    assert!(!table.contains("李家庄"), "only 东片: {table}");
    assert!(page.contains("<option value=\"东片\" selected>"), "{page}");

    let (_, page) = reader.get("/console/log?box=lijiazhuang").await;
    let table = log_table(&page);
    assert_eq!(table.matches("李家庄（lijiazhuang）").count(), 1, "{table}");
    assert!(!table.contains("张家村"), "only 李家庄: {table}");

    let (_, page) = reader
        .get("/console/log?zone=%E4%B8%9C%E7%89%87&outcome=failed")
        .await;
    assert!(page.contains("共 1 条"), "{page}");
    assert!(log_table(&page).contains("没有音频设备"), "{page}");
    // The export link carries every filter, and the CSV holds exactly the rows shown.
    let at = page.find("id=\"csv\"").unwrap();
    let href = page[..at]
        .rsplit("href=\"")
        .next()
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let href = unescape(href).replace("&#38;", "&");
    for part in ["zone=%E4%B8%9C%E7%89%87", "outcome=failed", "box=", "csv=1"] {
        assert!(href.contains(part), "{part} in {href}");
    }
    let (status, csv) = reader.get(&href).await;
    assert_eq!(status, StatusCode::OK);
    let lines: Vec<&str> = csv.trim_end().split("\r\n").collect();
    assert_eq!(lines.len(), 2, "header and one row: {csv}");
    assert!(lines[0].starts_with("\u{feff}时段,计划时间"), "{csv}");
    assert!(
        lines[1].starts_with("noon,")
            && lines[1].contains("张家村（zhangjiacun）")
            && lines[1].contains("失败"),
        "{csv}"
    );

    // A hostile filter value is escaped and matches nothing.
    let (status, page) = reader
        .get("/console/log?zone=%3Cscript%3Ealert(1)%3C/script%3E")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(!page.contains("<script>alert(1)"), "{page}");
    assert!(page.contains("共 0 条"), "{page}");
}

/// The WAV answer of `path`: its bytes and its length in seconds, from its header and data.
async fn wav_of(s: &Session, path: &str) -> (Vec<u8>, f64) {
    let res = s
        .http
        .get(format!("{}{path}", s.url))
        .header(COOKIE, &s.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    assert_eq!(res.headers()["content-type"], "audio/wav");
    let bytes = res.bytes().await.unwrap().to_vec();
    let reader = hound::WavReader::new(std::io::Cursor::new(&bytes)).unwrap();
    let spec = reader.spec();
    let header = 44 + u64::from(reader.len()) * u64::from(spec.bits_per_sample / 8);
    assert!(
        bytes.len() as u64 >= header,
        "the data the header promises is there"
    );
    let seconds = f64::from(reader.duration()) / f64::from(spec.sample_rate);
    (bytes, seconds)
}

#[tokio::test]
async fn the_editor_hears_the_exact_program_before_submitting() {
    let c = ConsoleUnderTest::start();
    let editor = login(&c, "王编辑").await;
    let res = editor.compose_with(NOTICE, "listen").await;
    assert_eq!(res.status(), StatusCode::OK);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("id=\"script\""),
        "the script beside the player: {page}"
    );
    let at = page.find("id=\"draft-program\"").expect("a player");
    let src = page[at..]
        .split("src=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    assert!(src.starts_with("/console/listen/"), "{src}");
    let (draft, seconds) = wav_of(&editor, src).await;
    // Speech of a two-line notice, with the program's chimes and pauses: seconds, not
    // milliseconds and not minutes.
    assert!((2.0..120.0).contains(&seconds), "{seconds} s");
    let out = c.station.run(&["list", "--json"]);
    assert_eq!(stdout(&out).trim(), "[]", "listening stores nothing");

    // Once submitted, the approver hears byte for byte what the editor heard.
    let id = editor.submit(NOTICE).await;
    let approver = login(&c, "张审核").await;
    let (approved, length) = wav_of(&approver, &format!("/console/articles/{id}/audio.wav")).await;
    assert_eq!(length, seconds);
    assert!(approved == draft, "the same program");

    // The same role checks: a reader cannot ask for a render; a made-up key is not found.
    let reader = login(&c, "县里").await;
    assert_eq!(
        reader.compose_with(NOTICE, "listen").await.status(),
        StatusCode::FORBIDDEN
    );
    let (status, _) = reader
        .get("/console/listen/0123456789abcdef0123456789abcdef/audio.wav")
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = reader
        .get("/console/listen/..%2F..%2Fdalaba.toml/audio.wav")
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_log_pages_through_the_database_and_the_export_stays_complete() {
    let c = ConsoleUnderTest::start();
    let east = enroll(&c, "张家村", "zhangjiacun", "东片");
    let tz = jiff::tz::TimeZone::get("Asia/Shanghai").unwrap();
    let start = jiff::Timestamp::now() - jiff::SignedDuration::from_hours(30);
    let ids: Vec<String> = (0..250)
        .map(|i| {
            let at = (start + jiff::SignedDuration::from_mins(i)).to_zoned(tz.clone());
            format!("often@{}", at.strftime("%Y-%m-%dT%H:%M:%S%:z"))
        })
        .collect();
    let rows: Vec<(&str, &str, Option<&str>)> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let failed = i % 10 == 0;
            let state = if failed { "failed" } else { "ok" };
            (id.as_str(), state, failed.then_some("无声"))
        })
        .collect();
    report(&c, east, &rows).await;
    let reader = login(&c, "县里").await;
    let (status, page) = reader.get("/console/log").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("共 250 条，第 1/3 页"), "{page}");
    let table = log_table(&page);
    assert_eq!(table.matches("张家村（zhangjiacun）").count(), 100);
    // Newest first: the last reported airing heads page 1.
    let newest = ids[249].split_once('@').unwrap().1[11..16].to_owned();
    assert!(table.contains(&newest), "{newest} in {table}");
    assert!(page.contains("id=\"next\""), "{page}");
    assert!(!page.contains("id=\"prev\""), "{page}");
    let (_, last) = reader.get("/console/log?page=3").await;
    assert!(last.contains("第 3/3 页"), "{last}");
    assert_eq!(
        log_table(&last).matches("张家村（zhangjiacun）").count(),
        50
    );
    assert!(last.contains("id=\"prev\"") && !last.contains("id=\"next\""));
    // The outcome filter is applied by the database before paging: 25 failures, one page.
    let (_, failed) = reader.get("/console/log?outcome=failed").await;
    assert!(failed.contains("共 25 条，第 1/1 页"), "{failed}");
    assert_eq!(log_table(&failed).matches("无声").count(), 25);
    let (_, csv) = reader.get("/console/log?csv=1").await;
    let lines: Vec<&str> = csv.trim_end().split("\r\n").collect();
    assert_eq!(lines.len(), 251, "header and every row");
    assert!(lines[1].starts_with("often,"), "{}", lines[1]);
}
