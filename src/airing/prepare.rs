//! Stored articles with their scripts derived again and their approval judged: what the
//! planner's candidates and the program's contents come from.

use std::path::Path;

use crate::article::{self, Article};
use crate::schedule::{Approval, Candidate, Priority, Validity};
use crate::store::{ArticleRow, Status};
use crate::text::Lexicon;

/// An article from the database with its script derived again from its source.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The stored row.
    pub row: ArticleRow,
    /// The article parsed from the stored source; `None` if it no longer parses.
    pub article: Option<Article>,
    /// blake3 of the script derived now.
    pub hash: String,
    /// What the selection needs.
    pub candidate: Candidate,
}

pub use crate::pipeline::script_of;

/// Parses a stored article source again.
pub fn parse_source(source_name: &str, source: &str) -> anyhow::Result<Article> {
    Ok(article::parse(Path::new(source_name), source)?)
}

/// Judges one stored article: parses it again, derives its script, checks its approval.
pub fn prepare_one(row: ArticleRow, lexicon: &Lexicon) -> Prepared {
    // Withdrawn and rejected articles never air: no need to read them again.
    let retired = matches!(row.status, Status::Withdrawn | Status::Rejected);
    let article = (!retired)
        .then(|| parse_source(&row.data.source_name, &row.data.source).ok())
        .flatten();
    let (script, hash) = article
        .as_ref()
        .map(|a| script_of(a, lexicon))
        .unwrap_or_default();
    let approval = approval(&row, article.is_some(), &hash);
    let candidate = Candidate {
        id: row.id,
        queue: row.data.queue.clone(),
        approval,
        validity: Validity::parse(
            row.data.valid_from.as_deref(),
            row.data.valid_until.as_deref(),
        )
        .unwrap_or_default(),
        priority: row.data.priority.parse().unwrap_or(Priority::Normal),
        chars: script.chars().filter(|c| !c.is_whitespace()).count(),
    };
    Prepared {
        row,
        article,
        hash,
        candidate,
    }
}

fn approval(row: &ArticleRow, parses: bool, hash: &str) -> Approval {
    match row.status {
        Status::Withdrawn => Approval::Withdrawn,
        Status::Rejected => Approval::Rejected,
        Status::Draft => Approval::Pending,
        Status::Approved => match &row.approval {
            Some(v) if parses && v.hash == hash && row.data.hash == hash => Approval::Valid,
            Some(_) => Approval::Changed,
            None => Approval::Pending,
        },
    }
}
