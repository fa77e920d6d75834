//! Pages as staff paste them from the sites articles come from (`tests/fixtures/pages/`):
//! national and provincial portals, county and township government sites, public-account
//! articles, news apps, official documents and pages with their comment and share widgets.
//! Each page's script must be exactly its expected script, and the lines removed exactly its
//! furniture, with the reason the expected file gives.
//!
//! `DALABA_BLESS_PAGES=1` rewrites the script sections from the current output, for review
//! in the diff; the removed lines are never rewritten.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use dalaba::article;
use dalaba::text::{self, Lexicon, chars::is_cjk};

use super::fixture;

/// What a page must give: its furniture lines with their reasons, and its script.
struct Expected {
    removed: Vec<(usize, String)>,
    script: String,
}

fn read_expected(path: &Path) -> Expected {
    let text = std::fs::read_to_string(path).expect("expected file is readable");
    let (removed, script) = text
        .split_once("## script\n")
        .unwrap_or_else(|| panic!("{}: no `## script` section", path.display()));
    let removed = removed
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let mut cols = l.split('\t');
            let line = cols.next().and_then(|n| n.parse().ok());
            let reason = cols.next();
            match (line, reason) {
                (Some(line), Some(reason)) => (line, reason.to_owned()),
                _ => panic!("{}: bad row {l:?}", path.display()),
            }
        })
        .collect();
    Expected {
        removed,
        script: script.to_owned(),
    }
}

fn pages() -> Vec<PathBuf> {
    let mut pages: Vec<PathBuf> = std::fs::read_dir(fixture("pages"))
        .expect("pages dir lists")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    pages.sort();
    pages
}

/// `07-portal-provincial-weather.txt` → `portal`.
fn kind(page: &Path) -> String {
    let name = page.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    name.split('-').nth(1).unwrap_or("").to_owned()
}

fn cjk(s: &str) -> Vec<char> {
    s.chars().filter(|&c| is_cjk(c)).collect()
}

fn is_subsequence(needle: &[char], hay: &[char]) -> bool {
    let mut it = hay.iter();
    needle.iter().all(|c| it.any(|h| h == c))
}

/// Furniture lines and how many of them were removed with the right reason, per page kind.
type Tally = BTreeMap<String, (usize, usize, usize)>;

/// Checks one page; returns its failures.
fn check_page(page: &Path, tally: &mut Tally) -> Vec<String> {
    let expected_path = page.with_extension("expected");
    let want = read_expected(&expected_path);
    let text = std::fs::read_to_string(page).expect("page is readable");
    let a = article::parse(page, &text).expect("page parses");
    let script = text::script(&a, &Lexicon::default()).to_text();
    let got: Vec<(usize, String)> = a
        .removed
        .iter()
        .map(|r| (r.line, r.reason.to_owned()))
        .collect();
    let name = page.file_name().and_then(|n| n.to_str()).unwrap_or("?");
    let entry = tally.entry(kind(page)).or_default();
    entry.0 += 1;
    entry.1 += want.removed.len();
    entry.2 += want.removed.iter().filter(|w| got.contains(w)).count();
    let mut failures = Vec::new();
    if got != want.removed {
        failures.push(format!(
            "{name}: removed\n  got  {got:?}\n  want {:?}",
            want.removed
        ));
    }
    if std::env::var_os("DALABA_BLESS_PAGES").is_some() && script != want.script {
        let head = std::fs::read_to_string(&expected_path).expect("readable");
        let head = head.split("## script\n").next().unwrap_or("");
        std::fs::write(&expected_path, format!("{head}## script\n{script}")).expect("blessed");
    } else if script != want.script {
        failures.push(format!(
            "{name}: script\n--- got\n{script}--- want\n{}",
            want.script
        ));
    }
    if script.chars().any(|c| c.is_ascii_digit()) {
        failures.push(format!("{name}: a digit is left in\n{script}"));
    }
    let body: String = a.title.iter().chain(&a.paragraphs).cloned().collect();
    if !is_subsequence(&cjk(&body), &cjk(&script)) {
        failures.push(format!("{name}: a Chinese character of the body is lost"));
    }
    failures
}

#[test]
fn every_page_reads_exactly_its_expected_script() {
    let pages = pages();
    assert!(pages.len() >= 40, "only {} pages", pages.len());
    let mut tally = Tally::new();
    let failures: Vec<String> = pages
        .iter()
        .flat_map(|p| check_page(p, &mut tally))
        .collect();
    for (kind, (pages, furniture, removed)) in &tally {
        eprintln!(
            "{kind:<9} {pages:>2} pages  {furniture:>3} furniture lines  {removed:>3} removed as expected"
        );
    }
    assert!(kinds_covered(&tally), "page kinds: {:?}", tally.keys());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every site type the front-end meets is among the pages.
fn kinds_covered(tally: &Tally) -> bool {
    [
        "portal", "county", "township", "wechat", "app", "redhead", "widgets",
    ]
    .iter()
    .all(|k| tally.contains_key(*k))
}
