//! `add`, `list`, `show`, `approve`, `reject`, `withdraw`, `update`: the article queue and
//! its approvals.

use std::path::Path;

use anyhow::Context;
use jiff::Timestamp;

use super::escape::{line as esc, text as esc_text};
use crate::airing::{self, parse_source, script_of};
use crate::article;
use crate::schedule::{Priority, Validity};
use crate::station::Station;
use crate::store::{ArticleRow, NewArticle, Status, Store};

/// Opens the station database.
pub(super) fn open(station: &Station) -> anyhow::Result<Store> {
    Ok(Store::open_guarded(
        &station.db_path(),
        &station.used_marker(),
    )?)
}

/// Opens the station database for a command that only reads (`list`, `show`, `log`), so a
/// viewer without write access can run it. A station with no database yet gets one made;
/// an empty or missing one where the station was used is refused as [`open`] refuses it.
pub(super) fn open_to_read(station: &Station) -> anyhow::Result<Store> {
    let path = station.db_path();
    if std::fs::metadata(&path).map_or(true, |m| m.len() == 0) {
        return open(station);
    }
    Ok(Store::open_read_only(&path)?)
}

/// Reads `file` and builds what the store keeps, with command-line values over front
/// matter over `fallback` (the row being updated).
fn read(
    station: &Station,
    file: &Path,
    queue: Option<String>,
    from: Option<String>,
    until: Option<String>,
    priority: Option<String>,
    fallback: Option<&NewArticle>,
) -> anyhow::Result<NewArticle> {
    let source = super::read_article_text(file)?;
    let parsed = article::parse(file, &source)?;
    super::limits::check_article(file, &source, &parsed)?;
    let (script, hash) = script_of(&parsed, &station.lexicon()?);
    let front = &parsed.front;
    if let Some(voice) = &front.voice {
        station.voice(Some(voice)).with_context(|| {
            crate::t!(
                "error-front-matter-voice",
                file = file.display().to_string()
            )
        })?;
    }
    let queue = queue
        .or_else(|| front.queue.clone())
        .or_else(|| fallback.map(|f| f.queue.clone()))
        .with_context(|| crate::t!("error-no-queue", file = file.display().to_string()))?;
    let valid_from = from
        .or_else(|| front.from.clone())
        .or_else(|| fallback.and_then(|f| f.valid_from.clone()));
    let valid_until = until
        .or_else(|| front.until.clone())
        .or_else(|| fallback.and_then(|f| f.valid_until.clone()));
    let validity = Validity::parse(valid_from.as_deref(), valid_until.as_deref())
        .map_err(|e| anyhow::anyhow!("`{}`: {e}", file.display()))?;
    check_airable(station, file, &queue, &validity)?;
    let priority = priority
        .or_else(|| front.priority.clone())
        .or_else(|| fallback.map(|f| f.priority.clone()))
        .unwrap_or_else(|| "normal".into());
    let priority: Priority = priority
        .parse()
        .map_err(|e: String| anyhow::anyhow!("`{}`: {e}", file.display()))?;
    Ok(NewArticle {
        source_name: file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        source,
        script,
        hash,
        title: parsed.title.clone(),
        queue,
        valid_from,
        valid_until,
        priority: priority.as_str().into(),
    })
}

/// Refuses what can never air: an empty queue name, a window that ends before it starts.
fn check_airable(
    station: &Station,
    file: &Path,
    queue: &str,
    validity: &Validity,
) -> anyhow::Result<()> {
    let file = file.display();
    anyhow::ensure!(
        !queue.trim().is_empty(),
        crate::t!("error-empty-queue", file = file.to_string())
    );
    let tz = airing::time_zone(station)?;
    let shown = |b: Option<crate::schedule::Bound>| b.map(|b| b.shown(&tz)).unwrap_or_default();
    anyhow::ensure!(
        !validity.is_empty(&tz),
        "`{file}`: it may air from {} until {}, which ends before it starts; nothing would ever air. Check `--from` and `--until`",
        shown(validity.from),
        shown(validity.until)
    );
    Ok(())
}

/// Warnings about an article that was stored but may not air as meant: its window has
/// ended, no slot plays its queue, or the same script is already queued.
fn warnings(station: &Station, store: &Store, new: &NewArticle, id: i64) -> Vec<String> {
    let mut out = Vec::new();
    let validity = Validity::parse(new.valid_from.as_deref(), new.valid_until.as_deref());
    if let (Ok(validity), Ok(tz)) = (validity, airing::time_zone(station))
        && let Err(crate::schedule::Exclusion::Expired(until)) =
            validity.check(Timestamp::now(), &tz)
    {
        out.push(crate::t!(
            "warning-expired",
            until = until.to_string(),
            id = id
        ));
    }
    if let Ok(slots) = airing::load_slots(station)
        && !slots.iter().any(|s| s.queue == new.queue)
    {
        let mut queues: Vec<_> = slots.iter().map(|s| s.queue.as_str()).collect();
        queues.sort();
        queues.dedup();
        out.push(crate::t!(
            "warning-no-slot",
            queue = esc(&new.queue).into_owned(),
            queues = esc(&queues.join(", ")).into_owned(),
            id = id
        ));
    }
    if let Ok(rows) = store.articles() {
        for a in rows.iter().filter(|a| {
            a.id != id
                && a.data.hash == new.hash
                && !matches!(a.status, Status::Withdrawn | Status::Rejected)
        }) {
            out.push(crate::t!(
                "warning-same-script",
                other = a.id,
                status = crate::t!(&format!("status-{}", a.status.as_str()))
            ));
        }
    }
    out
}

pub(super) fn add(
    station: &Station,
    file: &Path,
    queue: Option<String>,
    from: Option<String>,
    until: Option<String>,
    priority: Option<String>,
) -> anyhow::Result<()> {
    let new = read(station, file, queue, from, until, priority, None)?;
    let mut store = open(station)?;
    let id = store.add_article(&new, Timestamp::now())?;
    for warning in warnings(station, &store, &new, id) {
        eprintln!("{}", crate::t!("warning-line", message = warning));
    }
    println!("{id}");
    println!(
        "{}",
        crate::t!(
            "add-done",
            queue = esc(&new.queue).into_owned(),
            script = short(&new.hash).to_owned(),
            id = id
        )
    );
    print!("{}", esc_text(&new.script));
    Ok(())
}

pub(super) fn update(station: &Station, id: i64, file: &Path) -> anyhow::Result<()> {
    let mut store = open(station)?;
    let old = store.article(id)?;
    let new = read(station, file, None, None, None, None, Some(&old.data))?;
    let version = store.update_article(id, &new, Timestamp::now())?;
    let void = if old.approval.is_some() {
        crate::t!("update-void")
    } else {
        String::new()
    };
    println!(
        "{}",
        crate::t!(
            "update-done",
            id = id,
            version = version,
            script = short(&new.hash).to_owned(),
            void = void
        )
    );
    print!("{}", esc_text(&new.script));
    Ok(())
}

pub(super) fn list(
    station: &Station,
    status: Option<String>,
    queue: Option<String>,
    json: bool,
) -> anyhow::Result<()> {
    let status = status
        .map(|s| {
            Status::parse(&s)
                .with_context(|| crate::t!("error-bad-status", status = esc(&s).into_owned()))
        })
        .transpose()?;
    let store = open_to_read(station)?;
    let tz = airing::time_zone(station)?;
    let now = Timestamp::now();
    let lexicon = station.lexicon()?;
    let rows: Vec<_> = store
        .articles()?
        .into_iter()
        .map(|a| judge(a, &lexicon))
        .filter(|a| status.is_none_or(|s| s == a.status))
        .filter(|a| queue.as_ref().is_none_or(|q| *q == a.data.queue))
        .map(|a| {
            let expired =
                Validity::parse(a.data.valid_from.as_deref(), a.data.valid_until.as_deref())
                    .ok()
                    .and_then(|v| v.check(now, &tz).err())
                    .map(|e| e.to_string());
            (a, expired)
        })
        .collect();
    if json {
        print_list_json(&rows)
    } else {
        print_list(&rows);
        Ok(())
    }
}

/// An article as `list` judges it, and why it can no longer air, if it cannot.
type Listed = (ArticleRow, Option<String>);

fn print_list_json(rows: &[Listed]) -> anyhow::Result<()> {
    let list: Vec<_> = rows
        .iter()
        .map(|(a, expired)| {
            serde_json::json!({
                "id": a.id,
                "status": a.status.as_str(),
                "queue": a.data.queue,
                "priority": a.data.priority.to_string(),
                "script_hash": a.data.hash,
                "title": a.data.title,
                "from": a.data.valid_from,
                "until": a.data.valid_until,
                "approved_by": a.approval.as_ref().map(|v| v.by.clone()),
                "approval_void": a.status == Status::Approved && a.approval.is_none(),
                "not_airable": expired,
            })
        })
        .collect();
    println!("{}", serde_json::to_string_pretty(&list)?);
    Ok(())
}

fn print_list(rows: &[Listed]) {
    println!("{}", crate::t!("list-header"));
    for (a, expired) in rows {
        let expired = expired
            .as_deref()
            .map(|e| format!(" ({})", esc(e)))
            .unwrap_or_default();
        let (status, void) = if a.status == Status::Approved && a.approval.is_none() {
            (
                crate::t!("status-void"),
                format!(" {}", crate::t!("list-void")),
            )
        } else {
            (
                crate::t!(&format!("status-{}", a.status.as_str())),
                String::new(),
            )
        };
        println!(
            "{:>4}  {:<9}  {:<10}  {:<9}  {:<12}  {}{expired}{void}",
            a.id,
            status,
            esc(&a.data.queue),
            a.data.priority,
            short(&a.data.hash),
            esc(a.data.title.as_deref().unwrap_or(""))
        );
    }
}

pub(super) fn show(station: &Station, id: i64) -> anyhow::Result<()> {
    use crate::t;
    let store = open_to_read(station)?;
    let tz = airing::time_zone(station)?;
    let a = store.article(id)?;
    let local = |t: Timestamp| {
        t.to_zoned(tz.clone())
            .strftime("%Y-%m-%d %H:%M:%S %:z")
            .to_string()
    };
    let untitled = t!("show-untitled");
    let title = esc(a.data.title.as_deref().unwrap_or(&untitled)).into_owned();
    println!("{}", t!("show-title", id = id, title = title));
    let status = t!(&format!("status-{}", a.status.as_str()));
    println!(
        "{}",
        t!("show-status", status = status, version = a.version)
    );
    let (queue, priority) = (esc(&a.data.queue).into_owned(), priority(&a.data.priority));
    println!("{}", t!("show-queue", queue = queue, priority = priority));
    let (any, no_end) = (t!("show-any-time"), t!("show-no-end"));
    let from = esc(a.data.valid_from.as_deref().unwrap_or(&any)).into_owned();
    let until = esc(a.data.valid_until.as_deref().unwrap_or(&no_end)).into_owned();
    println!("{}", t!("show-valid", from = from, until = until));
    let source = esc(&a.data.source_name).into_owned();
    println!("{}", t!("show-source", source = source));
    let lexicon = station.lexicon()?;
    let derived = parse_source(&a.data.source_name, &a.data.source)
        .map(|p| script_of(&p, &lexicon))
        .ok();
    // The hash of the script printed below: what `approve --script` compares.
    let (script, hash) = derived.unwrap_or((a.data.script.clone(), a.data.hash.clone()));
    println!("{}", t!("show-script", hash = hash.clone()));
    println!("{}", approval_line(&a, &hash, &local));
    for v in store.verdicts(id)? {
        let reason = v
            .reason
            .map(|r| t!("show-reason", reason = esc(&r).into_owned()))
            .unwrap_or_default();
        println!(
            "{}",
            t!(
                &format!("show-verdict-{}", v.verdict),
                by = esc(&v.by).into_owned(),
                at = local(v.at),
                version = v.version,
                script = short(&v.hash).to_owned(),
                reason = reason
            )
        );
    }
    if hash != a.data.hash {
        println!(
            "{}",
            t!("show-rehashed", stored = short(&a.data.hash).to_owned())
        );
    }
    println!("\n{}", esc_text(&script));
    let airings = store.airings_of(id)?;
    if !airings.is_empty() {
        println!("{}", t!("show-airings"));
        for r in airings {
            println!(
                "  {} {} {}",
                local(r.started.unwrap_or(r.scheduled)),
                esc(&r.slot),
                t!(&format!("outcome-{}", r.outcome.as_str()))
            );
        }
    }
    Ok(())
}

/// `show`'s `approved:` line for the script whose hash is `hash`.
fn approval_line(a: &ArticleRow, hash: &str, local: &dyn Fn(Timestamp) -> String) -> String {
    match &a.approval {
        Some(v) if v.hash == hash => crate::t!(
            "show-approved",
            by = esc(&v.by).into_owned(),
            at = local(v.at)
        ),
        Some(v) => crate::t!(
            "show-approval-void",
            id = a.id,
            by = esc(&v.by).into_owned(),
            old = short(&v.hash).to_owned(),
            new = short(hash).to_owned()
        ),
        None => crate::t!("show-not-approved"),
    }
}

/// A stored priority (`normal`, `urgent`, `emergency`) in the process's language.
fn priority(stored: &str) -> String {
    crate::i18n::lookup(crate::i18n::lang(), &format!("priority-{stored}"))
        .unwrap_or_else(|| esc(stored).into_owned())
}

pub(super) fn approve(
    station: &Station,
    id: i64,
    by: &str,
    read: Option<&str>,
) -> anyhow::Result<()> {
    let by = by.trim();
    anyhow::ensure!(!by.is_empty(), crate::t!("error-empty-by"));
    let read = read.map(str::trim);
    if let Some(read) = read {
        anyhow::ensure!(
            read.len() >= MIN_PREFIX && read.chars().all(|c| c.is_ascii_hexdigit()),
            crate::t!(
                "error-bad-script-hash",
                script = esc(read).into_owned(),
                min = MIN_PREFIX,
                id = id
            )
        );
    }
    let mut store = open(station)?;
    let a = store.article(id)?;
    // Approval binds the script as it would be spoken today.
    let parsed = parse_source(&a.data.source_name, &a.data.source)
        .with_context(|| crate::t!("error-no-longer-parses", id = id))?;
    let (script, hash) = script_of(&parsed, &station.lexicon()?);
    if let Some(read) = read
        && !hash.starts_with(&read.to_ascii_lowercase())
    {
        anyhow::bail!(crate::t!(
            "error-script-changed",
            id = id,
            read = esc(read).into_owned(),
            now = short(&hash).to_owned()
        ));
    }
    if let Some(v) = &a.approval
        && v.hash == hash
    {
        println!(
            "{}",
            crate::t!(
                "approve-already",
                id = id,
                script = short(&hash).to_owned(),
                by = esc(&v.by).into_owned(),
                at = v.at.to_string()
            )
        );
        return Ok(());
    }
    if hash != a.data.hash {
        let mut fresh = a.data.clone();
        fresh.script = script.clone();
        fresh.hash = hash.clone();
        store.update_article(id, &fresh, Timestamp::now())?;
    }
    store.approve(id, by, &hash, Timestamp::now())?;
    println!(
        "{}",
        crate::t!(
            "approve-done",
            id = id,
            title = esc(a.data.title.as_deref().unwrap_or("")).into_owned(),
            script = short(&hash).to_owned(),
            by = esc(by).into_owned()
        )
    );
    Ok(())
}

pub(super) fn reject(station: &Station, id: i64, by: &str, reason: &str) -> anyhow::Result<()> {
    let mut store = open(station)?;
    let a = store.article(id)?;
    store.reject(id, by, reason, &a.data.hash, Timestamp::now())?;
    println!(
        "{}",
        crate::t!(
            "reject-done",
            id = id,
            by = esc(by).into_owned(),
            reason = esc(reason).into_owned()
        )
    );
    Ok(())
}

pub(super) fn withdraw(station: &Station, id: i64) -> anyhow::Result<()> {
    let mut store = open(station)?;
    if store.article(id)?.status == Status::Withdrawn {
        println!("{}", crate::t!("withdraw-already", id = id));
        return Ok(());
    }
    store.withdraw(id, Timestamp::now())?;
    println!("{}", crate::t!("withdraw-done", id = id));
    Ok(())
}

/// `row` with its approval dropped when it no longer holds for the script the text rules
/// and `lexicon` give today (as `plan` and `tick` judge it), and the current hash shown.
fn judge(mut row: ArticleRow, lexicon: &crate::text::Lexicon) -> ArticleRow {
    if let Ok(parsed) = parse_source(&row.data.source_name, &row.data.source) {
        let (_, hash) = script_of(&parsed, lexicon);
        if row.approval.as_ref().is_some_and(|v| v.hash != hash) {
            row.approval = None;
        }
        row.data.hash = hash;
    }
    row
}

/// The fewest characters of a script hash `approve --script` accepts.
const MIN_PREFIX: usize = 8;

/// The first 12 hex digits of a hash.
pub(super) fn short(hash: &str) -> &str {
    &hash[..hash.len().min(12)]
}
