//! The text front-end: normalization tables, property tests, article fixtures, and the
//! `script` / `normalize` commands run as a user runs them.

mod articles;
mod commands;
mod pages;
mod peers;
mod pinyin;
mod props;
mod table;

use std::path::{Path, PathBuf};

/// `tests/fixtures/…`.
pub fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

/// The shared sample articles, when this checkout sits next to them.
pub fn shared_articles() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    [
        root.join("../shared/articles"),
        root.join("../../shared/articles"),
    ]
    .into_iter()
    .find(|p| p.is_dir())
}
