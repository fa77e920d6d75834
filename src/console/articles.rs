//! 稿件 and 审核: paste or upload an article, see the script as it will be spoken (and what
//! was removed, each line restorable), submit; an approver reads the exact script, listens
//! to the exact program and approves the script hash they saw.

use std::path::Path;

use axum::Form;
use axum::extract::{Multipart, Path as UrlPath, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;

use super::auth::Staff;
use super::pages::Nav;
use super::roles::Action;
use super::{Console, Page, PageError, html};
use crate::article::{self, Article, LineChoices};
use crate::pipeline::{self, ProgramOptions};
use crate::schedule::{Priority, Validity};
use crate::store::{ArticleRow, NewArticle, StoreError};

/// What the compose form sends.
#[derive(Debug, Default)]
struct Draft {
    csrf: String,
    text: String,
    file_name: String,
    queue: String,
    from: String,
    until: String,
    priority: String,
    keep: Vec<usize>,
    submit: bool,
    /// Render the program and put a player on the page.
    listen: bool,
}

/// Reads the multipart compose form; an uploaded file (UTF-8 or GBK) replaces the text box.
async fn read_draft(mut form: Multipart) -> Result<Draft, PageError> {
    let bad = |e: axum::extract::multipart::MultipartError| PageError::BadRequest(e.body_text());
    let mut d = Draft::default();
    while let Some(field) = form.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_owned();
        let file = field.file_name().map(str::to_owned);
        let bytes = field.bytes().await.map_err(bad)?;
        if name == "file" {
            if bytes.is_empty() {
                continue;
            }
            let file = file.unwrap_or_else(|| "upload.txt".into());
            d.text = article::decode(Path::new(&file), &bytes)
                .map_err(|e| PageError::BadRequest(format!("无法读取上传的文件：{e}")))?;
            d.file_name = file;
            continue;
        }
        let value = String::from_utf8_lossy(&bytes).into_owned();
        match name.as_str() {
            "csrf" => d.csrf = value,
            "text" if d.text.is_empty() => d.text = value,
            "file_name" if d.file_name.is_empty() => d.file_name = value,
            "queue" => d.queue = value.trim().to_owned(),
            "from" => d.from = value.trim().to_owned(),
            "until" => d.until = value.trim().to_owned(),
            "priority" => d.priority = value,
            "keep" | "restore" => d.keep.extend(value.trim().parse::<usize>().ok()),
            "submit" => d.submit = true,
            "listen" => d.listen = true,
            _ => {}
        }
    }
    if d.text.len() > article::MAX_ARTICLE_BYTES {
        return Err(PageError::BadRequest(format!(
            "稿件太长：最多 {} KB",
            article::MAX_ARTICLE_BYTES / 1024
        )));
    }
    d.keep.sort_unstable();
    d.keep.dedup();
    Ok(d)
}

/// One line taken out of the article, shown with a restore button.
struct Removed {
    line: usize,
    text: String,
    reason: String,
    restored: bool,
}

/// A lexicon replacement, shown under the script.
struct Hit {
    place: String,
    written: String,
    spoken: String,
}

/// The script of a draft as the compose and review pages show it.
struct Shown {
    title: String,
    paragraphs: Vec<String>,
    removed: Vec<Removed>,
    hits: Vec<Hit>,
}

fn show(article: &Article, lexicon: &crate::text::Lexicon) -> Shown {
    let (script, hits) = crate::text::script_with_hits(article, lexicon);
    Shown {
        title: script.title.clone().unwrap_or_default(),
        paragraphs: script.paragraphs.clone(),
        removed: article
            .removed
            .iter()
            .map(|r| Removed {
                line: r.line,
                text: r.text.clone(),
                reason: r.reason.to_owned(),
                restored: false,
            })
            .collect(),
        hits: hits
            .into_iter()
            .map(|h| Hit {
                place: h
                    .paragraph
                    .map_or_else(|| "标题".to_owned(), |n| format!("第 {} 段", n + 1)),
                written: h.hit.written,
                spoken: h.hit.spoken,
            })
            .collect(),
    }
}

/// `text` with the restored lines written into its front matter, so the stored article
/// gives the same script: `keep_lines` counts file lines, and the added lines shift them.
fn with_kept_lines(text: &str, keep: &[usize]) -> Result<String, String> {
    if keep.is_empty() {
        return Ok(text.to_owned());
    }
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let list = |shift: usize| {
        let n: Vec<String> = keep.iter().map(|k| (k + shift).to_string()).collect();
        format!("keep_lines = [{}]", n.join(", "))
    };
    if let Some(rest) = text
        .strip_prefix("+++\n")
        .or_else(|| text.strip_prefix("+++\r\n"))
    {
        if rest
            .lines()
            .take_while(|l| l.trim() != "+++")
            .any(|l| l.trim_start().starts_with("keep_lines"))
        {
            return Err("稿件的前置设置里已有 keep_lines，请直接在那里修改".into());
        }
        return Ok(format!("+++\n{}\n{rest}", list(1)));
    }
    Ok(format!("+++\n{}\n+++\n{text}", list(3)))
}

/// The queues the station's slots play (the compose form's choices).
fn queues(console: &Console) -> Vec<String> {
    let mut q: Vec<String> = crate::airing::load_slots(console.station())
        .map(|slots| slots.into_iter().map(|s| s.queue).collect())
        .unwrap_or_default();
    q.sort();
    q.dedup();
    q
}

#[derive(askama::Template)]
#[template(path = "console/articles.html")]
struct ArticlesPage {
    nav: Nav,
    may_submit: bool,
    queues: Vec<String>,
    draft: DraftView,
    shown: Option<Shown>,
    /// The draft's listening copy, when asked for.
    listen: Option<String>,
    error: Option<String>,
    rows: Vec<ArticleLine>,
    counts: String,
    status: String,
}

/// The compose form's values, written back into the page.
#[derive(Default)]
struct DraftView {
    text: String,
    file_name: String,
    queue: String,
    from: String,
    until: String,
    priority: String,
    keep: Vec<usize>,
}

impl From<&Draft> for DraftView {
    fn from(d: &Draft) -> Self {
        DraftView {
            text: d.text.clone(),
            file_name: d.file_name.clone(),
            queue: d.queue.clone(),
            from: d.from.clone(),
            until: d.until.clone(),
            priority: d.priority.clone(),
            keep: d.keep.clone(),
        }
    }
}

/// One article in the list.
struct ArticleLine {
    id: i64,
    title: String,
    queue: String,
    status: String,
    updated: String,
    approved_by: String,
}

/// The Chinese word for a stored status.
pub(super) fn status_word(status: &str) -> &'static str {
    match status {
        "draft" => "待审核",
        "approved" => "已批准",
        "rejected" => "已退回",
        "withdrawn" => "已撤回",
        _ => "未知",
    }
}

#[derive(Deserialize)]
pub(super) struct ListQuery {
    #[serde(default)]
    status: String,
}

pub(super) async fn list(
    State(console): State<Console>,
    staff: Staff,
    Query(q): Query<ListQuery>,
) -> Page {
    staff.require(Action::Read)?;
    let draft = DraftView {
        queue: queues(&console)
            .first()
            .cloned()
            .unwrap_or_else(|| "news".into()),
        priority: "normal".into(),
        ..Default::default()
    };
    articles_page(&console, &staff, draft, Composed::default(), &q.status).await
}

/// What the compose part of the page shows besides the form's own values.
#[derive(Default)]
struct Composed {
    shown: Option<Shown>,
    listen: Option<String>,
    error: Option<String>,
}

async fn articles_page(
    console: &Console,
    staff: &Staff,
    draft: DraftView,
    composed: Composed,
    status: &str,
) -> Page {
    let filter = ["draft", "approved", "rejected", "withdrawn"]
        .contains(&status)
        .then(|| status.to_owned());
    let (rows, counts) = console
        .db()
        .call(move |s| {
            Ok((
                s.recent_articles(filter.as_deref(), 200)?,
                s.article_counts()?,
            ))
        })
        .await?;
    let counts = counts
        .iter()
        .map(|(s, n)| format!("{} {n}", status_word(s)))
        .collect::<Vec<_>>()
        .join(" · ");
    let rows = rows
        .into_iter()
        .rev()
        .map(|a| ArticleLine {
            id: a.id,
            title: a.data.title.clone().unwrap_or_default(),
            queue: a.data.queue.clone(),
            status: status_word(a.status.as_str()).to_owned(),
            updated: console.shown(a.updated),
            approved_by: a.approval.map(|v| v.by).unwrap_or_default(),
        })
        .collect();
    html(&ArticlesPage {
        nav: Nav::of(staff, "articles"),
        may_submit: staff.role.may(Action::Submit),
        queues: queues(console),
        draft,
        shown: composed.shown,
        listen: composed.listen,
        error: composed.error,
        rows,
        counts,
        status: status.to_owned(),
    })
}

/// Checks a draft and builds what the store keeps, what the page shows, and the article as
/// it will be stored (what its program is rendered from).
fn new_article(console: &Console, d: &Draft) -> Result<(NewArticle, Shown, Article), String> {
    let name = if d.file_name.is_empty() {
        "console.txt"
    } else {
        d.file_name.as_str()
    };
    let choices = LineChoices {
        keep: d.keep.clone(),
        drop: Vec::new(),
    };
    let lexicon = console.station().lexicon().map_err(|e| e.to_string())?;
    let parsed =
        article::parse_with(Path::new(name), &d.text, &choices).map_err(|e| e.to_string())?;
    let mut shown = show(&parsed, &lexicon);
    let source = with_kept_lines(&d.text, &d.keep)?;
    let stored = article::parse(Path::new(name), &source).map_err(|e| e.to_string())?;
    let (script, hash) = pipeline::script_of(&stored, &lexicon);
    // The restored lines are kept in the stored text: show them as restored.
    let all = article::parse(Path::new(name), &d.text).map_err(|e| e.to_string())?;
    shown.removed = show(&all, &lexicon).removed;
    for r in &mut shown.removed {
        r.restored = d.keep.contains(&r.line);
    }
    let queue = if d.queue.is_empty() {
        parsed.front.queue.clone().unwrap_or_default()
    } else {
        d.queue.clone()
    };
    if queue.trim().is_empty() {
        return Err("请选择播出栏目".into());
    }
    let opt = |s: &str| (!s.is_empty()).then(|| s.to_owned());
    let (from, until) = (
        opt(&d.from).or(parsed.front.from.clone()),
        opt(&d.until).or(parsed.front.until.clone()),
    );
    Validity::parse(from.as_deref(), until.as_deref()).map_err(|e| format!("播出时段有误：{e}"))?;
    let priority: Priority = opt(&d.priority)
        .or(parsed.front.priority.clone())
        .unwrap_or_else(|| "normal".into())
        .parse()
        .map_err(|e: String| format!("优先级有误：{e}"))?;
    let new = NewArticle {
        source_name: name.to_owned(),
        source,
        script,
        hash,
        title: stored.title.clone(),
        queue,
        valid_from: from,
        valid_until: until,
        priority: priority.as_str().into(),
    };
    Ok((new, shown, stored))
}

pub(super) async fn compose(
    State(console): State<Console>,
    staff: Staff,
    headers: HeaderMap,
    form: Multipart,
) -> Page {
    let draft = read_draft(form).await?;
    staff.check_post(&headers, &draft.csrf, Action::Submit)?;
    let view = DraftView::from(&draft);
    let (new, shown, stored) = match new_article(&console, &draft) {
        Ok(found) => found,
        Err(why) => {
            let error = Some(why);
            let composed = Composed {
                error,
                ..Default::default()
            };
            return articles_page(&console, &staff, view, composed, "").await;
        }
    };
    if !draft.submit {
        // The editor listens to the very program an approver will hear: the same render
        // of the same stored article, under the same key.
        let listen = if draft.listen {
            let key = listening_copy(&console, stored, &new.hash).await?;
            Some(format!("/console/listen/{key}/audio.wav"))
        } else {
            None
        };
        let composed = Composed {
            shown: Some(shown),
            listen,
            error: None,
        };
        return articles_page(&console, &staff, view, composed, "").await;
    }
    let (now, me) = (console.now(), staff.user.name.clone());
    let stored = new.clone();
    let id = console
        .db()
        .call(move |s| {
            let id = s.add_article(&stored, now)?;
            s.set_author(id, &me)?;
            Ok(id)
        })
        .await?;
    let detail = format!(
        "稿件 {id}「{}」脚本 {}",
        new.title.unwrap_or_default(),
        &new.hash[..12]
    );
    console
        .audit(&staff.user.name, &staff.peer, "submit", Some(detail))
        .await;
    Ok(Redirect::to(&format!("/console/articles/{id}")).into_response())
}

#[derive(askama::Template)]
#[template(path = "console/review.html")]
struct ReviewPage {
    nav: Nav,
    id: i64,
    title: String,
    status: String,
    queue: String,
    window: String,
    priority: String,
    version: i64,
    author: String,
    hash: String,
    script: String,
    shown: Shown,
    verdicts: Vec<(String, String, String, String)>,
    may_judge: bool,
    own: bool,
    error: Option<String>,
    changes: Vec<String>,
}

/// An article as it would be spoken today: the stored row, its parse, script and hash.
async fn current(
    console: &Console,
    id: i64,
) -> Result<(ArticleRow, Option<String>, Article, String, String), PageError> {
    let found = console
        .db()
        .call(move |s| match s.article(id) {
            Ok(row) => Ok(Some((row, s.author(id)?))),
            Err(StoreError::NoArticle(_)) => Ok(None),
            Err(e) => Err(e),
        })
        .await?;
    let (row, author) =
        found.ok_or_else(|| PageError::NotFound(format!("没有编号为 {id} 的稿件")))?;
    let parsed = article::parse(Path::new(&row.data.source_name), &row.data.source)
        .map_err(|e| PageError::BadRequest(format!("稿件 {id} 无法解析：{e}")))?;
    let lexicon = console
        .station()
        .lexicon()
        .map_err(|e| PageError::Internal(e.into()))?;
    let (script, hash) = pipeline::script_of(&parsed, &lexicon);
    Ok((row, author, parsed, script, hash))
}

pub(super) async fn review(
    State(console): State<Console>,
    staff: Staff,
    UrlPath(id): UrlPath<i64>,
) -> Page {
    staff.require(Action::Read)?;
    review_page(&console, &staff, id, None, Vec::new()).await
}

async fn review_page(
    console: &Console,
    staff: &Staff,
    id: i64,
    error: Option<String>,
    changes: Vec<String>,
) -> Page {
    let (row, author, parsed, script, hash) = current(console, id).await?;
    let lexicon = console
        .station()
        .lexicon()
        .map_err(|e| PageError::Internal(e.into()))?;
    let verdicts = console.db().call(move |s| s.verdicts(id)).await?;
    let author = author.unwrap_or_default();
    let own = author == staff.user.name;
    let d = &row.data;
    html(&ReviewPage {
        nav: Nav::of(staff, "articles"),
        id,
        title: d.title.clone().unwrap_or_default(),
        status: status_word(row.status.as_str()).to_owned(),
        queue: d.queue.clone(),
        window: format!(
            "{} 至 {}",
            d.valid_from.as_deref().unwrap_or("不限"),
            d.valid_until.as_deref().unwrap_or("不限")
        ),
        priority: d.priority.clone(),
        version: row.version,
        author,
        shown: show(&parsed, &lexicon),
        script,
        verdicts: verdicts
            .into_iter()
            .map(|v| {
                let word = if v.verdict == "approved" {
                    "批准"
                } else {
                    "退回"
                };
                (
                    console.shown(v.at),
                    v.by,
                    word.to_owned(),
                    v.reason.unwrap_or_default(),
                )
            })
            .collect(),
        may_judge: staff.role.may(Action::Judge) && !own,
        own,
        hash,
        error,
        changes,
    })
}

#[derive(Deserialize)]
pub(super) struct VerdictForm {
    csrf: String,
    /// The script hash shown on the page the approver read.
    hash: String,
    /// The script shown (to say what changed if it no longer holds).
    seen: String,
    /// `approve` or `reject`.
    verdict: String,
    #[serde(default)]
    reason: String,
}

/// What differs between the script the approver read and today's, paragraph by paragraph.
fn changes(seen: &str, now: &str) -> Vec<String> {
    let old: Vec<&str> = seen.lines().filter(|l| !l.trim().is_empty()).collect();
    let new: Vec<&str> = now.lines().filter(|l| !l.trim().is_empty()).collect();
    let gone = old
        .iter()
        .filter(|l| !new.contains(l))
        .map(|l| format!("删去：{l}"));
    let added = new
        .iter()
        .filter(|l| !old.contains(l))
        .map(|l| format!("新增：{l}"));
    gone.chain(added).collect()
}

pub(super) async fn verdict(
    State(console): State<Console>,
    staff: Staff,
    headers: HeaderMap,
    UrlPath(id): UrlPath<i64>,
    Form(form): Form<VerdictForm>,
) -> Page {
    staff.check_post(&headers, &form.csrf, Action::Judge)?;
    let (row, author, _, script, hash) = current(&console, id).await?;
    if author.as_deref() == Some(staff.user.name.as_str()) {
        console
            .audit(
                &staff.user.name,
                &staff.peer,
                "approve-own-refused",
                Some(format!("稿件 {id}")),
            )
            .await;
        return Err(PageError::Forbidden(
            "不能审核自己提交的稿件：每条广播须由两人签字".into(),
        ));
    }
    // Browsers send a form's line breaks as CRLF.
    let seen = form.seen.replace("\r\n", "\n");
    if pipeline::script_hash(&seen) != form.hash {
        return Err(PageError::BadRequest(
            "表单内容不完整，请刷新页面后重试".into(),
        ));
    }
    if form.hash != hash {
        let why = if row.data.hash != form.hash && row.data.script != seen {
            format!("您阅读之后，稿件已被修改（现为第 {} 版）", row.version)
        } else {
            "您阅读之后，读法词典或处理规则有变，稿件的读法不同了".to_owned()
        };
        let error = format!("未批准：{why}。请重新阅读并试听下面的新脚本。");
        let page = review_page(&console, &staff, id, Some(error), changes(&seen, &script)).await?;
        return Ok((StatusCode::CONFLICT, page).into_response());
    }
    let approve = form.verdict == "approve";
    if !approve && form.reason.trim().is_empty() {
        return Err(PageError::BadRequest("退回稿件请写明原因".into()));
    }
    let (me, now, reason) = (
        staff.user.name.clone(),
        console.now(),
        form.reason.trim().to_owned(),
    );
    let fresh = (hash != row.data.hash).then(|| NewArticle {
        script,
        hash: hash.clone(),
        ..row.data.clone()
    });
    let h = hash.clone();
    console
        .db()
        .call(move |s| {
            if let Some(fresh) = &fresh {
                s.update_article(id, fresh, now)?;
            }
            if approve {
                s.approve(id, &me, &h, now)
            } else {
                s.reject(id, &me, &reason, &h, now)
            }
        })
        .await?;
    let action = if approve { "approve" } else { "reject" };
    let detail = format!("稿件 {id} 脚本 {}", &hash[..12]);
    console
        .audit(&staff.user.name, &staff.peer, action, Some(detail))
        .await;
    Ok(Redirect::to(&format!("/console/articles/{id}")).into_response())
}

/// The program exactly as it will be rendered for airing, for the approver to listen to.
pub(super) async fn audio(
    State(console): State<Console>,
    staff: Staff,
    UrlPath(id): UrlPath<i64>,
) -> Page {
    staff.require(Action::Read)?;
    let (_, _, parsed, _, hash) = current(&console, id).await?;
    let key = listening_copy(&console, parsed, &hash).await?;
    wav(&console, &key).await
}

/// A draft's listening copy, rendered when its editor asked to listen (see [`compose`]).
pub(super) async fn draft_audio(
    State(console): State<Console>,
    staff: Staff,
    UrlPath(key): UrlPath<String>,
) -> Page {
    staff.require(Action::Read)?;
    let is_key = key.len() == 32 && key.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    if !is_key || !console.audio_dir().join(format!("{key}.wav")).exists() {
        return Err(PageError::NotFound(
            "没有这份试听录音，请在稿件页重新点“试听”".into(),
        ));
    }
    wav(&console, &key).await
}

/// Renders `parsed` (whose script hashes to `hash`) as its program will be rendered for
/// airing, once per script and voice, under `state/console-audio/`; returns its key.
async fn listening_copy(
    console: &Console,
    parsed: Article,
    hash: &str,
) -> Result<String, PageError> {
    let voice = parsed
        .front
        .voice
        .clone()
        .unwrap_or_else(|| console.station().settings.default_voice.clone());
    let key = blake3::hash(format!("{hash}\n{voice}").as_bytes()).to_hex()[..32].to_owned();
    let path = console.audio_dir().join(format!("{key}.wav"));
    if !path.exists() {
        tokio::fs::create_dir_all(console.audio_dir())
            .await
            .map_err(|e| PageError::Internal(e.into()))?;
        let options = ProgramOptions {
            repeat: parsed.front.repeat.unwrap_or(1),
            ..Default::default()
        };
        pipeline::build(
            console.station(),
            console.0.edges.voices.as_ref(),
            &[parsed],
            &options,
            &path,
        )
        .await?;
    }
    Ok(key)
}

/// The listening copy `key` as a WAV answer.
async fn wav(console: &Console, key: &str) -> Page {
    let path = console.audio_dir().join(format!("{key}.wav"));
    let bytes = tokio::fs::read(&path)
        .await
        .map_err(|e| PageError::Internal(e.into()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "audio/wav"),
            (header::CACHE_CONTROL, "private, max-age=600"),
        ],
        bytes,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_lines_go_into_the_front_matter_shifted() {
        assert_eq!(with_kept_lines("a\nb\n", &[]).unwrap(), "a\nb\n");
        assert_eq!(
            with_kept_lines("a\nb\n", &[2]).unwrap(),
            "+++\nkeep_lines = [5]\n+++\na\nb\n"
        );
        assert_eq!(
            with_kept_lines("+++\ntitle = \"t\"\n+++\na\n", &[4]).unwrap(),
            "+++\nkeep_lines = [5]\ntitle = \"t\"\n+++\na\n"
        );
        assert!(with_kept_lines("+++\nkeep_lines = [4]\n+++\na\n", &[4]).is_err());
    }

    #[test]
    fn changes_name_paragraphs_gone_and_added() {
        let got = changes("标题\n\n一段。\n二段。\n", "标题\n\n一段。\n三段。\n");
        assert_eq!(got, vec!["删去：二段。", "新增：三段。"]);
    }
}
