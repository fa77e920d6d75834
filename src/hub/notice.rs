//! What to tell the township's group chat, once: from the facts the hub holds (boxes' last
//! contact, clock offsets, failed airings, failed pre-flights) to the conditions that are
//! wrong now, and from the conditions already announced to the notices to send (a problem
//! once when it appears, a recovery once when it clears). Pure: no I/O, no clock. \[core-pure\]

use std::collections::BTreeMap;

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use crate::protocol::WireTime;

/// When a box's silence or clock becomes worth a notice.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    /// A box not heard from for longer than this is offline.
    pub offline_after: SignedDuration,
    /// A clock off by more than this (either way) is wrong.
    pub clock_off: SignedDuration,
}

/// What the hub knows about one box, as far as alerts care.
#[derive(Debug, Clone, PartialEq)]
pub struct BoxFacts {
    /// Its id (`zhangjiacun`).
    pub box_id: String,
    /// Its display name (张家村).
    pub name: String,
    /// Its last report, if it ever sent one.
    pub last_contact: Option<WireTime>,
    /// Hub clock minus box clock from its last report.
    pub clock_offset_ms: Option<i64>,
    /// Airings it reported failed (or missed, or interrupted) with no success reported
    /// after them: (airing id, reason).
    pub failed_airings: Vec<(String, String)>,
}

/// A program that failed its pre-flight at the hub: (program or slot, reason).
pub type PreflightFailure = (String, String);

/// Something wrong now, named by a stable key so it is announced once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Condition {
    /// Stable across rounds: `offline:<box>`, `clock:<box>`, `airing:<box>:<id>`, `preflight:<program>`.
    pub key: String,
    /// The sentence a clerk reads.
    pub text: String,
}

/// Whether a notice announces a problem or its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NoticeKind {
    /// A new problem.
    Problem,
    /// A problem announced earlier has cleared.
    Recovered,
}

/// One message to send to every configured group chat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    /// Problem or recovery.
    pub kind: NoticeKind,
    /// The condition's key.
    pub key: String,
    /// The message, ready to read.
    pub text: String,
}

/// The conditions wrong at `now`, in a stable order.
pub fn conditions(
    boxes: &[BoxFacts],
    preflight: &[PreflightFailure],
    thresholds: &Thresholds,
    now: Timestamp,
) -> Vec<Condition> {
    let mut out = Vec::new();
    for b in boxes {
        let who = format!("{}（{}）", b.name, b.box_id);
        if let Some(last) = &b.last_contact
            && now.duration_since(last.at()) > thresholds.offline_after
        {
            let minutes = now.duration_since(last.at()).as_mins();
            out.push(Condition {
                key: format!("offline:{}", b.box_id),
                text: format!("{who} 已离线 {minutes} 分钟（最后联系 {last}）"),
            });
        }
        if let Some(ms) = b.clock_offset_ms
            && SignedDuration::from_millis(ms).abs() > thresholds.clock_off
        {
            out.push(Condition {
                key: format!("clock:{}", b.box_id),
                text: format!("{who} 的时钟偏差 {:.1} 秒，请校时", ms as f64 / 1000.0),
            });
        }
        for (airing, reason) in &b.failed_airings {
            out.push(Condition {
                key: format!("airing:{}:{airing}", b.box_id),
                text: format!("{who} 未能播出 {airing}：{reason}"),
            });
        }
    }
    for (program, reason) in preflight {
        out.push(Condition {
            key: format!("preflight:{program}"),
            text: format!("节目 {program} 未通过播前检查：{reason}"),
        });
    }
    out
}

/// Given the conditions already announced (key → text) and those wrong now, the new
/// announced set and the notices to send: each new condition once, and a recovery for each
/// announced condition that is gone.
pub fn decide(
    announced: &BTreeMap<String, String>,
    now: &[Condition],
) -> (BTreeMap<String, String>, Vec<Notice>) {
    let mut notices = Vec::new();
    let mut next = BTreeMap::new();
    for c in now {
        if !announced.contains_key(&c.key) && !next.contains_key(&c.key) {
            notices.push(Notice {
                kind: NoticeKind::Problem,
                key: c.key.clone(),
                text: format!("【大喇叭】{}", c.text),
            });
        }
        let text = announced.get(&c.key).unwrap_or(&c.text);
        next.insert(c.key.clone(), text.clone());
    }
    for (key, text) in announced {
        if !next.contains_key(key) {
            notices.push(Notice {
                kind: NoticeKind::Recovered,
                key: key.clone(),
                text: format!("【大喇叭】已恢复：{text}"),
            });
        }
    }
    (next, notices)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn thresholds() -> Thresholds {
        Thresholds {
            offline_after: SignedDuration::from_mins(30),
            clock_off: SignedDuration::from_secs(60),
        }
    }

    fn zhang(last: &str, offset_ms: i64, failed: &[(&str, &str)]) -> BoxFacts {
        BoxFacts {
            box_id: "zhangjiacun".into(),
            name: "张家村".into(),
            last_contact: Some(WireTime::new(
                at(last),
                jiff::tz::Offset::from_hours(8).unwrap(),
            )),
            clock_offset_ms: Some(offset_ms),
            failed_airings: failed
                .iter()
                .map(|(a, r)| (a.to_string(), r.to_string()))
                .collect(),
        }
    }

    fn keys(cs: &[Condition]) -> Vec<&str> {
        cs.iter().map(|c| c.key.as_str()).collect()
    }

    #[test]
    fn conditions_cross_their_thresholds_not_before() {
        let now = at("2026-12-02T08:00:00Z");
        let cases: [(BoxFacts, Vec<&str>); 5] = [
            (zhang("2026-12-02T07:30:00Z", 60_000, &[]), vec![]),
            (
                zhang("2026-12-02T07:29:59Z", 0, &[]),
                vec!["offline:zhangjiacun"],
            ),
            (
                zhang("2026-12-02T07:59:00Z", -60_001, &[]),
                vec!["clock:zhangjiacun"],
            ),
            (
                zhang("2026-12-02T07:59:00Z", 0, &[("morning@07:00", "missed")]),
                vec!["airing:zhangjiacun:morning@07:00"],
            ),
            (
                BoxFacts {
                    last_contact: None,
                    clock_offset_ms: None,
                    ..zhang("2026-12-02T07:59:00Z", 0, &[])
                },
                vec![],
            ),
        ];
        for (facts, expected) in cases {
            let got = conditions(std::slice::from_ref(&facts), &[], &thresholds(), now);
            assert_eq!(keys(&got), expected, "{facts:?}");
        }
        let pre = [("morning.wav".to_owned(), "too loud".to_owned())];
        let got = conditions(&[], &pre, &thresholds(), now);
        assert_eq!(keys(&got), ["preflight:morning.wav"]);
        assert!(got[0].text.contains("播前检查"), "{}", got[0].text);
    }

    fn cond(key: &str, text: &str) -> Condition {
        Condition {
            key: key.into(),
            text: text.into(),
        }
    }

    /// Rounds of conditions in, notices out: each problem once, each recovery once.
    #[test]
    fn each_problem_once_and_its_recovery_once() {
        type Round<'a> = (Vec<Condition>, Vec<(NoticeKind, &'a str)>);
        let rounds: [Round; 5] = [
            (
                vec![cond("offline:a", "a 离线 31 分钟")],
                vec![(NoticeKind::Problem, "offline:a")],
            ),
            // Still offline, the text changes (minutes grow): nothing new.
            (vec![cond("offline:a", "a 离线 32 分钟")], vec![]),
            (
                vec![
                    cond("offline:a", "a 离线 33 分钟"),
                    cond("clock:b", "b 时钟"),
                ],
                vec![(NoticeKind::Problem, "clock:b")],
            ),
            (
                vec![cond("clock:b", "b 时钟")],
                vec![(NoticeKind::Recovered, "offline:a")],
            ),
            (vec![], vec![(NoticeKind::Recovered, "clock:b")]),
        ];
        let mut announced = BTreeMap::new();
        for (i, (now, expected)) in rounds.into_iter().enumerate() {
            let (next, notices) = decide(&announced, &now);
            let got: Vec<(NoticeKind, &str)> =
                notices.iter().map(|n| (n.kind, n.key.as_str())).collect();
            assert_eq!(got, expected, "round {i}");
            announced = next;
        }
        assert!(announced.is_empty());
    }

    #[test]
    fn a_recovery_quotes_the_problem_as_first_announced() {
        let first = [cond("offline:a", "张家村 已离线 31 分钟")];
        let (announced, _) = decide(&BTreeMap::new(), &first);
        let (_, notices) = decide(&announced, &[]);
        assert_eq!(notices[0].text, "【大喇叭】已恢复：张家村 已离线 31 分钟");
    }

    #[test]
    fn a_repeated_key_in_one_round_is_announced_once() {
        let now = [cond("k", "x"), cond("k", "x")];
        let (_, notices) = decide(&BTreeMap::new(), &now);
        assert_eq!(notices.len(), 1);
    }
}
