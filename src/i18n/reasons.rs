//! The reasons the engine records in the as-run log (in English: the log is the record, and
//! `--json` keeps it as written) worded for a clerk at display time: each known reason is a
//! pattern with `{name}` holes, matched against the recorded text and worded from the
//! catalogue with what filled the holes. A reason that matches no pattern shows as recorded;
//! a hole named `why` holds a reason itself and is worded in turn.

use super::{FluentValue, Lang, message_in};

/// (the engine's wording, its catalogue id); the first that matches wins.
const REASONS: &[(&str, &str)] = &[
    ("not aired: {why}", "reason-not-aired"),
    (
        "not aired within its catch-up window of {minutes} minutes (the box was off or not ticking)",
        "reason-outage-minutes",
    ),
    (
        "not aired within its catch-up window (the box was off or not running)",
        "reason-outage",
    ),
    (
        "its program had not arrived from the hub (or did not match its digest) before its window closed",
        "reason-no-program",
    ),
    (
        "the box was off; only the latest airing of the slot inside its window airs (the one at {by})",
        "reason-superseded",
    ),
    (
        "the box was off; only the latest occurrence inside the catch-up window airs (the one at {by})",
        "reason-superseded",
    ),
    (
        "quiet hours ({hours}): no emergency article in queue `{queue}`",
        "reason-quiet-hours",
    ),
    (
        "the emergency broadcast was cancelled by {by}",
        "reason-emergency-cancelled",
    ),
    (
        "request {id} was cancelled by {by} before it aired",
        "reason-request-cancelled",
    ),
    (
        "cancelled by the hub (alert {id}) before it aired",
        "reason-alert-cancelled",
    ),
    ("cancelled by the hub", "reason-hub-cancelled"),
    ("emergency alert {id} broke in", "reason-alert-broke-in"),
    (
        "an emergency broadcast (play-now) broke in",
        "reason-play-now-broke-in",
    ),
    (
        "the daemon was stopped (SIGTERM or Ctrl-C)",
        "reason-daemon-stopped",
    ),
    (
        "the box was stopped (SIGTERM or Ctrl-C)",
        "reason-box-stopped",
    ),
    (
        "`dalaba {command}` was stopped (SIGTERM or Ctrl-C)",
        "reason-command-stopped",
    ),
    (
        "article {id} no longer parses; fix it with `dalaba update`",
        "reason-no-longer-parses",
    ),
    (
        "the process preparing it stopped before air",
        "reason-preparer-stopped",
    ),
    (
        "its process stopped mid-program",
        "reason-stopped-mid-program",
    ),
    (
        "the sound device took the {length} s program in {took} s: it cannot have played it; check the device",
        "reason-device-too-fast",
    ),
    (
        "resumed from {from} s, the start of the paragraph that was cut off",
        "reason-resumed",
    ),
    ("stopped", "reason-stopped"),
];

/// `reason` as `lang` words it.
pub fn reason_in(lang: Lang, reason: &str) -> String {
    if lang == Lang::En {
        return reason.to_owned();
    }
    for (pattern, id) in REASONS {
        let Some(holes) = matches(pattern, reason) else {
            continue;
        };
        let args: Vec<(&str, FluentValue<'_>)> = holes
            .into_iter()
            .map(|(name, text)| {
                let text = if name == "why" {
                    reason_in(lang, text)
                } else {
                    text.to_owned()
                };
                (name, FluentValue::from(text))
            })
            .collect();
        return message_in(lang, id, &args);
    }
    reason.to_owned()
}

/// The holes of `pattern` as `text` fills them, or `None` when it does not match. A hole
/// takes the shortest text that lets the rest match, the last one everything left.
fn matches<'p, 't>(pattern: &'p str, text: &'t str) -> Option<Vec<(&'p str, &'t str)>> {
    let mut pieces = pattern.split('{').peekable();
    let mut rest = text.strip_prefix(pieces.next()?)?;
    let mut holes = Vec::new();
    while let Some(piece) = pieces.next() {
        let (name, literal) = piece.split_once('}')?;
        let end = if pieces.peek().is_none() {
            // The last literal closes the text.
            rest.strip_suffix(literal)?.len()
        } else {
            rest.find(literal)?
        };
        holes.push((name, &rest[..end]));
        rest = &rest[end + literal.len()..];
    }
    rest.is_empty().then_some(holes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holes_are_filled_and_the_whole_text_must_match() {
        let p = "request {id} was cancelled by {by} before it aired";
        assert_eq!(
            matches(p, "request 7 was cancelled by 李站长 before it aired"),
            Some(vec![("id", "7"), ("by", "李站长")])
        );
        assert_eq!(matches(p, "request 7 was cancelled by 李站长"), None);
        assert_eq!(matches("stopped", "stopped early"), None);
        assert_eq!(
            matches("not aired: {why}", "not aired: x: y"),
            Some(vec![("why", "x: y")])
        );
    }

    #[test]
    fn known_reasons_read_in_chinese_and_the_rest_as_recorded() {
        let zh = |r: &str| reason_in(Lang::Zh, r);
        assert_eq!(
            zh("request 3 was cancelled by 李站长 before it aired"),
            "插播请求 3 在播出前被 李站长 取消"
        );
        assert_eq!(
            zh("not aired: its process stopped mid-program"),
            "没有播出：播出程序在节目中途停止了"
        );
        assert!(zh("not aired within its catch-up window of 10 minutes (the box was off or not ticking)").contains("10 分钟"));
        assert_eq!(
            zh("connection refused (os error 111)"),
            "connection refused (os error 111)"
        );
        assert_eq!(reason_in(Lang::En, "stopped"), "stopped");
    }

    #[test]
    fn every_reason_has_chinese_words() {
        for (_, id) in REASONS {
            assert!(crate::i18n::lookup(Lang::Zh, id).is_some(), "{id}");
            assert!(crate::i18n::lookup(Lang::En, id).is_some(), "{id}");
        }
    }
}
