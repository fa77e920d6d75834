//! The public Chinese text-normalization test suites of three peers, as data
//! (`tests/fixtures/peers/`, credited in its README): WeTextProcessing, cn2an and
//! NeMo-text-processing. A row passes when dalaba reads it as the peer expects, or, where
//! dalaba deliberately differs, as the row's reviewed convention says (`conventions.tsv`
//! gives each convention's reason). Each suite must pass 95 % of its rows.

use std::collections::BTreeMap;

use dalaba::text::{Lexicon, normalize};

use super::fixture;

/// Convention id → why dalaba reads differently.
fn conventions() -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(fixture("peers/conventions.tsv")).expect("readable");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let (id, why) = l.split_once('\t').expect("id<TAB>reason");
            (id.to_owned(), why.to_owned())
        })
        .collect()
}

/// Runs one suite: the pass rate and the failures, each with file and line.
fn run_suite(name: &str) -> (usize, usize, Vec<String>) {
    let conventions = conventions();
    let text = std::fs::read_to_string(fixture(&format!("peers/{name}"))).expect("readable");
    let (mut rows, mut passed, mut failures) = (0, 0, Vec::new());
    for (n, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        let [_, input, peer, rest @ ..] = cols.as_slice() else {
            panic!("{name}:{}: needs file, input, expected", n + 1);
        };
        rows += 1;
        let got = normalize(input, &Lexicon::default());
        let ours = match rest {
            [id, reading] if conventions.contains_key(*id) => Some(*reading),
            [id, _] => {
                failures.push(format!("{name}:{}: unknown convention `{id}`", n + 1));
                continue;
            }
            _ => None,
        };
        if got == *peer || Some(got.as_str()) == ours {
            passed += 1;
        } else {
            failures.push(format!(
                "{name}:{}: {input}\n    got  {got}\n    peer {peer}{}",
                n + 1,
                ours.map(|o| format!("\n    ours {o}")).unwrap_or_default()
            ));
        }
    }
    (rows, passed, failures)
}

#[track_caller]
fn assert_suite(name: &str) {
    let (rows, passed, failures) = run_suite(name);
    let rate = passed as f64 * 100.0 / rows as f64;
    eprintln!("{name}: {passed} of {rows} rows ({rate:.1} %)");
    assert!(rows > 30, "{name}: only {rows} rows");
    assert!(
        rate >= 95.0,
        "{name}: {rate:.1} % < 95 %:\n{}",
        failures.join("\n")
    );
    if !failures.is_empty() {
        eprintln!("{}", failures.join("\n"));
    }
}

#[test]
fn wetextprocessing_suite() {
    assert_suite("wetext.tsv");
}

#[test]
fn cn2an_suite() {
    assert_suite("cn2an.tsv");
}

#[test]
fn nemo_suite() {
    assert_suite("nemo.tsv");
}
