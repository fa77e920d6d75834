//! The hub's planning, as data: from the airings the engine's planner chose for a horizon
//! (each with its zones and its program) to the distinct programs to render, the airings
//! each box's manifest lists, and whether a box needs a new manifest at all. Pure: no I/O,
//! no clock. \[core-pure\]
//!
//! Rules:
//!
//! - A box gets an airing when one of the airing's zones is one of the box's zones (zones
//!   match by name; a slot without `zones` targets [`crate::schedule::WHOLE_TOWN`]).
//!   Revoked boxes get nothing.
//! - A program is rendered once however many airings and zones use it: [`distinct`].
//! - A box's manifest gets a new version only when what it lists changes, or when the one
//!   it holds is past half its validity (so it never expires under a box whose plan stays
//!   the same): [`needs_new`]. Re-planning with nothing changed writes nothing.

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use crate::protocol::{AiringEntry, BoxId, Manifest, ProgramRef, ScriptRef, WireTime};

/// One airing the hub planned: a slot occurrence, the zones it reaches, its program.
#[derive(Debug, Clone, PartialEq)]
pub struct ZonedAiring<P> {
    /// The slot's name.
    pub slot: String,
    /// When it airs.
    pub at: Timestamp,
    /// How late it may still start.
    pub catch_up_minutes: u32,
    /// The zones it reaches.
    pub zones: Vec<String>,
    /// Its program: a key before rendering (the program file), a [`ProgramRef`] after.
    pub program: P,
    /// The approved scripts it speaks.
    pub scripts: Vec<ScriptRef>,
}

/// A box as planning sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// Its id.
    pub box_id: BoxId,
    /// Its zones.
    pub zones: Vec<String>,
    /// Revoked boxes get no manifest.
    pub revoked: bool,
}

/// Each distinct program of `airings`, once, in first-use order: what to render.
pub fn distinct<P: Clone + PartialEq>(airings: &[ZonedAiring<P>]) -> Vec<P> {
    let mut out: Vec<P> = Vec::new();
    for a in airings {
        if !out.contains(&a.program) {
            out.push(a.program.clone());
        }
    }
    out
}

/// The manifest entries for one box: the airings reaching one of its zones, in time order
/// (then slot name). Times are written with the station's offset at each airing, so the
/// same airing is written the same way on every round.
pub fn entries_for(
    target: &Target,
    airings: &[ZonedAiring<ProgramRef>],
    tz: &TimeZone,
) -> Vec<AiringEntry> {
    if target.revoked {
        return Vec::new();
    }
    let time = |t: Timestamp| WireTime::new(t, tz.to_offset(t));
    let mut mine: Vec<&ZonedAiring<ProgramRef>> = airings
        .iter()
        .filter(|a| a.zones.iter().any(|z| target.zones.contains(z)))
        .collect();
    mine.sort_by(|a, b| (a.at, &a.slot).cmp(&(b.at, &b.slot)));
    mine.into_iter()
        .map(|a| {
            let catch_up = SignedDuration::from_mins(i64::from(a.catch_up_minutes));
            let until = a.at.checked_add(catch_up).unwrap_or(a.at);
            AiringEntry {
                airing_id: format!("{}@{}", a.slot, time(a.at)),
                slot: a.slot.clone(),
                at: time(a.at),
                catch_up_minutes: a.catch_up_minutes,
                valid_until: time(until),
                program: a.program.clone(),
                scripts: a.scripts.clone(),
            }
        })
        .collect()
}

/// Whether a box holding `held` needs a new manifest listing `airings` at `now`: when it
/// holds none, when the airings or the time zone differ, or when `held` has lived past half
/// of its validity.
pub fn needs_new(
    held: Option<&Manifest>,
    airings: &[AiringEntry],
    timezone: &str,
    now: Timestamp,
) -> bool {
    let Some(held) = held else {
        return true;
    };
    if held.airings != airings || held.timezone != timezone {
        return true;
    }
    let lifetime = held.expires.at().duration_since(held.issued_at.at());
    let half = held
        .issued_at
        .at()
        .checked_add(lifetime / 2)
        .unwrap_or(held.issued_at.at());
    now >= half
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::protocol::{Digest, PROTOCOL};

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn tz() -> TimeZone {
        TimeZone::get("Asia/Shanghai").unwrap()
    }

    fn program(seed: &str) -> ProgramRef {
        ProgramRef {
            digest: Digest::of(seed.as_bytes()),
            size: 100,
            duration_secs: 1.0,
            sample_rate: Some(24_000),
            voice: None,
        }
    }

    fn airing<P>(slot: &str, when: &str, zones: &[&str], program: P) -> ZonedAiring<P> {
        ZonedAiring {
            slot: slot.into(),
            at: at(when),
            catch_up_minutes: 10,
            zones: zones.iter().map(|z| z.to_string()).collect(),
            program,
            scripts: Vec::new(),
        }
    }

    fn target(id: &str, zones: &[&str]) -> Target {
        Target {
            box_id: id.parse().unwrap(),
            zones: zones.iter().map(|z| z.to_string()).collect(),
            revoked: false,
        }
    }

    #[test]
    fn one_slot_for_ten_zones_is_one_program() {
        let zones: Vec<String> = (0..10).map(|i| format!("片{i}")).collect();
        let zones: Vec<&str> = zones.iter().map(String::as_str).collect();
        let airings = [
            airing("morning", "2026-12-02T23:00:00Z", &zones, "a.wav"),
            airing("evening", "2026-12-03T10:30:00Z", &["东片"], "b.wav"),
            airing("morning", "2026-12-03T23:00:00Z", &zones, "a.wav"),
        ];
        assert_eq!(distinct(&airings), ["a.wav", "b.wav"]);
    }

    /// Boxes in zones × airings for zones → which airings each box's manifest lists.
    #[test]
    fn each_box_gets_the_airings_of_its_zones() {
        let airings = [
            airing("east", "2026-12-02T23:00:00Z", &["东片"], program("e")),
            airing("all", "2026-12-02T22:45:00Z", &["全镇"], program("a")),
            airing(
                "west",
                "2026-12-02T23:00:00Z",
                &["西片", "张家村"],
                program("w"),
            ),
        ];
        let cases: [(Target, &[&str]); 5] = [
            (target("zhang", &["东片", "全镇"]), &["all", "east"]),
            (target("li", &["东片"]), &["east"]),
            (target("wang", &["西片", "全镇"]), &["all", "west"]),
            (target("zhao", &["北片"]), &[]),
            (
                Target {
                    revoked: true,
                    ..target("gone", &["东片", "全镇"])
                },
                &[],
            ),
        ];
        for (t, expected) in cases {
            let got: Vec<String> = entries_for(&t, &airings, &tz())
                .into_iter()
                .map(|e| e.slot)
                .collect();
            assert_eq!(got, expected, "{}", t.box_id);
        }
    }

    #[test]
    fn entries_carry_station_times_and_the_catch_up_window() {
        let airings = [airing(
            "east",
            "2026-12-02T23:00:00Z",
            &["东片"],
            program("e"),
        )];
        let e = &entries_for(&target("li", &["东片"]), &airings, &tz())[0];
        assert_eq!(e.airing_id, "east@2026-12-03T07:00:00+08:00");
        assert_eq!(e.at.to_string(), "2026-12-03T07:00:00+08:00");
        assert_eq!(e.valid_until.to_string(), "2026-12-03T07:10:00+08:00");
        assert_eq!(e.program, program("e"));
    }

    fn manifest(airings: Vec<AiringEntry>, issued: &str, days: i64) -> Manifest {
        let w = |t: Timestamp| WireTime::new(t, tz().to_offset(t));
        let issued = at(issued);
        Manifest {
            protocol: PROTOCOL,
            box_id: "li".parse().unwrap(),
            version: 3,
            issued_at: w(issued),
            expires: w(issued + SignedDuration::from_hours(24 * days)),
            hub_time: w(issued),
            timezone: "Asia/Shanghai".into(),
            airings,
        }
    }

    #[test]
    fn a_new_version_only_when_something_changed_or_half_the_validity_is_gone() {
        let airings = [airing(
            "east",
            "2026-12-02T23:00:00Z",
            &["东片"],
            program("e"),
        )];
        let li = target("li", &["东片"]);
        let now_entries = entries_for(&li, &airings, &tz());
        let held = manifest(now_entries.clone(), "2026-12-02T00:00:00Z", 7);
        let soon = at("2026-12-02T00:01:00Z");
        assert!(needs_new(None, &now_entries, "Asia/Shanghai", soon));
        assert!(!needs_new(Some(&held), &now_entries, "Asia/Shanghai", soon));
        assert!(needs_new(Some(&held), &[], "Asia/Shanghai", soon));
        assert!(needs_new(Some(&held), &now_entries, "UTC", soon));
        let withdrawn = [airing(
            "east",
            "2026-12-02T23:00:00Z",
            &["东片"],
            program("e2"),
        )];
        let changed = entries_for(&li, &withdrawn, &tz());
        assert!(needs_new(Some(&held), &changed, "Asia/Shanghai", soon));
        let before_half = at("2026-12-05T11:59:59Z");
        let at_half = at("2026-12-05T12:00:00Z");
        assert!(!needs_new(
            Some(&held),
            &now_entries,
            "Asia/Shanghai",
            before_half
        ));
        assert!(needs_new(
            Some(&held),
            &now_entries,
            "Asia/Shanghai",
            at_half
        ));
    }
}
