//! `add`, `list`, `show`, `approve`, `reject`, `withdraw`, `update`: the article queue and
//! its approvals.

use std::path::Path;

use anyhow::Context;
use jiff::Timestamp;

use crate::airing::{self, parse_source, script_of};
use crate::article;
use crate::schedule::{Priority, Validity};
use crate::station::Station;
use crate::store::{NewArticle, Status, Store};

/// Opens the station database.
pub(super) fn open(station: &Station) -> anyhow::Result<Store> {
    Ok(Store::open_guarded(
        &station.db_path(),
        &station.used_marker(),
    )?)
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
    let bytes = std::fs::read(file).with_context(|| format!("cannot read `{}`", file.display()))?;
    let source = article::decode(file, &bytes)?;
    let parsed = article::parse(file, &source)?;
    let (script, hash) = script_of(&parsed, &station.lexicon()?);
    let front = &parsed.front;
    let queue = queue
        .or_else(|| front.queue.clone())
        .or_else(|| fallback.map(|f| f.queue.clone()))
        .with_context(|| {
            format!(
                "`{}` names no queue; pass `--queue news` or add `queue = \"news\"` to its front matter",
                file.display()
            )
        })?;
    let valid_from = from
        .or_else(|| front.from.clone())
        .or_else(|| fallback.and_then(|f| f.valid_from.clone()));
    let valid_until = until
        .or_else(|| front.until.clone())
        .or_else(|| fallback.and_then(|f| f.valid_until.clone()));
    Validity::parse(valid_from.as_deref(), valid_until.as_deref())
        .map_err(|e| anyhow::anyhow!("`{}`: {e}", file.display()))?;
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

pub(super) fn add(
    station: &Station,
    file: &Path,
    queue: Option<String>,
    from: Option<String>,
    until: Option<String>,
    priority: Option<String>,
) -> anyhow::Result<()> {
    let new = read(station, file, queue, from, until, priority, None)?;
    let id = open(station)?.add_article(&new, Timestamp::now())?;
    println!("{id}");
    println!(
        "# draft in queue `{}`, script {}; approve with `dalaba approve {id} --by NAME`",
        new.queue,
        short(&new.hash)
    );
    print!("{}", new.script);
    Ok(())
}

pub(super) fn update(station: &Station, id: i64, file: &Path) -> anyhow::Result<()> {
    let mut store = open(station)?;
    let old = store.article(id)?;
    let new = read(station, file, None, None, None, None, Some(&old.data))?;
    let version = store.update_article(id, &new, Timestamp::now())?;
    let void = if old.approval.is_some() {
        "; the approval is void until it is approved again"
    } else {
        ""
    };
    println!(
        "article {id} is now version {version}, a draft (script {}){void}",
        short(&new.hash)
    );
    print!("{}", new.script);
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
            Status::parse(&s).with_context(|| {
                format!("`{s}` is not a status; use draft, approved, rejected or withdrawn")
            })
        })
        .transpose()?;
    let store = open(station)?;
    let tz = airing::time_zone(station)?;
    let now = Timestamp::now();
    let rows: Vec<_> = store
        .articles()?
        .into_iter()
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
                    "not_airable": expired,
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&list)?);
        return Ok(());
    }
    println!(
        "{:>4}  {:<9}  {:<10}  {:<9}  {:<12}  title",
        "id", "status", "queue", "priority", "script"
    );
    for (a, expired) in &rows {
        let expired = expired
            .as_deref()
            .map(|e| format!(" ({e})"))
            .unwrap_or_default();
        println!(
            "{:>4}  {:<9}  {:<10}  {:<9}  {:<12}  {}{expired}",
            a.id,
            a.status.as_str(),
            a.data.queue,
            a.data.priority,
            short(&a.data.hash),
            a.data.title.as_deref().unwrap_or("")
        );
    }
    Ok(())
}

pub(super) fn show(station: &Station, id: i64) -> anyhow::Result<()> {
    let store = open(station)?;
    let tz = airing::time_zone(station)?;
    let a = store.article(id)?;
    let local = |t: Timestamp| {
        t.to_zoned(tz.clone())
            .strftime("%Y-%m-%d %H:%M:%S %:z")
            .to_string()
    };
    println!(
        "article {id}: {}",
        a.data.title.as_deref().unwrap_or("(untitled)")
    );
    println!("status:   {} (version {})", a.status, a.version);
    println!("queue:    {}   priority: {}", a.data.queue, a.data.priority);
    println!(
        "valid:    {} … {}",
        a.data.valid_from.as_deref().unwrap_or("any time"),
        a.data.valid_until.as_deref().unwrap_or("no end")
    );
    println!("source:   {}", a.data.source_name);
    println!("script:   {}", a.data.hash);
    match &a.approval {
        Some(v) => println!("approved: by {} at {}", v.by, local(v.at)),
        None => println!("approved: no"),
    }
    for v in store.verdicts(id)? {
        println!(
            "  {} by {} at {} (version {}, script {}){}",
            v.verdict,
            v.by,
            local(v.at),
            v.version,
            short(&v.hash),
            v.reason.map(|r| format!(": {r}")).unwrap_or_default()
        );
    }
    let lexicon = station.lexicon()?;
    let derived = parse_source(&a.data.source_name, &a.data.source)
        .map(|p| script_of(&p, &lexicon))
        .ok();
    if derived.as_ref().is_some_and(|(_, h)| *h != a.data.hash) {
        println!(
            "note:     the text rules now give a different script; `approve` will bind the new one"
        );
    }
    println!(
        "\n{}",
        derived.map(|(s, _)| s).unwrap_or(a.data.script.clone())
    );
    let airings = store.airings_of(id)?;
    if !airings.is_empty() {
        println!("airings:");
        for r in airings {
            println!(
                "  {} {} {}",
                local(r.started.unwrap_or(r.scheduled)),
                r.slot,
                r.outcome
            );
        }
    }
    Ok(())
}

pub(super) fn approve(station: &Station, id: i64, by: &str) -> anyhow::Result<()> {
    let by = by.trim();
    anyhow::ensure!(!by.is_empty(), "`--by` is empty; name who approves");
    let mut store = open(station)?;
    let a = store.article(id)?;
    // Approval binds the script as it would be spoken today.
    let parsed = parse_source(&a.data.source_name, &a.data.source).with_context(|| {
        format!("article {id} no longer parses; replace it with `dalaba update {id} FILE`")
    })?;
    let (script, hash) = script_of(&parsed, &station.lexicon()?);
    if hash != a.data.hash {
        let mut fresh = a.data.clone();
        fresh.script = script.clone();
        fresh.hash = hash.clone();
        store.update_article(id, &fresh, Timestamp::now())?;
    }
    store.approve(id, by, &hash, Timestamp::now())?;
    println!(
        "approved article {id} “{}” (script {}) by {by}",
        a.data.title.as_deref().unwrap_or(""),
        short(&hash)
    );
    Ok(())
}

pub(super) fn reject(station: &Station, id: i64, by: &str, reason: &str) -> anyhow::Result<()> {
    let mut store = open(station)?;
    let a = store.article(id)?;
    store.reject(id, by, reason, &a.data.hash, Timestamp::now())?;
    println!("rejected article {id} by {by}: {reason}");
    Ok(())
}

pub(super) fn withdraw(station: &Station, id: i64) -> anyhow::Result<()> {
    open(station)?.withdraw(id, Timestamp::now())?;
    println!("withdrew article {id}; it will not air again");
    Ok(())
}

/// The first 12 hex digits of a hash.
pub(super) fn short(hash: &str) -> &str {
    &hash[..hash.len().min(12)]
}
