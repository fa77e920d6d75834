use std::path::Path;

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use super::*;

fn shanghai() -> TimeZone {
    TimeZone::get("Asia/Shanghai").unwrap()
}

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn slots(text: &str) -> Vec<Slot> {
    parse(Path::new("schedules/t.toml"), text).unwrap()
}

fn one(text: &str) -> Slot {
    slots(text).remove(0)
}

fn err(text: &str) -> String {
    parse(Path::new("schedules/t.toml"), text)
        .unwrap_err()
        .to_string()
}

const MORNING: &str = r#"
[[slot]]
name = "morning"
title = "早间广播"
at = ["07:00", "18:30"]
days = "daily"
queue = "news"
voice = "default"
repeat = 2
catch_up_minutes = 10
"#;

#[test]
fn parses_the_example_slot() {
    let s = one(MORNING);
    assert_eq!(s.name, "morning");
    assert_eq!(s.title, "早间广播");
    assert_eq!(s.repeat, 2);
    assert_eq!(s.catch_up_minutes, 10);
    assert_eq!(s.days, Days::DAILY);
    assert_eq!(s.line, 3);
    match &s.times {
        Times::At(t) => assert_eq!(t.len(), 2),
        Times::Cron(_) => panic!("expected at-times"),
    }
}

#[test]
fn bad_time_names_file_line_and_value() {
    let e = err("[[slot]]\nname = \"x\"\nqueue = \"q\"\nat = [\"07:00\", \"25:00\"]\n");
    assert!(e.contains("schedules/t.toml` line 4"), "{e}");
    assert!(e.contains("25:00"), "{e}");
}

#[test]
fn unknown_key_is_named() {
    let e = err("[[slot]]\nname = \"x\"\nqueue = \"q\"\nat = [\"07:00\"]\ncatchup = 3\n");
    assert!(e.contains("line 5") && e.contains("catchup"), "{e}");
}

#[test]
fn slot_without_times_names_the_slot_and_keys() {
    let e = err("[[slot]]\nname = \"x\"\nqueue = \"q\"\n\n[[slot]]\nname = \"y\"\nqueue = \"q\"\n");
    assert!(e.contains("line 2") && e.contains("`x`"), "{e}");
    assert!(e.contains("`at`") && e.contains("`cron`"), "{e}");
}

#[test]
fn bad_cron_and_bad_days_are_explained() {
    let e = err("[[slot]]\nname = \"x\"\nqueue = \"q\"\ncron = \"0 7 * *\"\n");
    assert!(e.contains("line 4") && e.contains("5 fields"), "{e}");
    let e = err("[[slot]]\nname = \"x\"\nqueue = \"q\"\nat = [\"07:00\"]\ndays = \"mon-fryday\"\n");
    assert!(e.contains("line 5") && e.contains("fryday"), "{e}");
}

#[test]
fn duplicate_names_across_files_are_refused() {
    let mut a = slots(MORNING);
    a.extend(parse(Path::new("schedules/u.toml"), MORNING).unwrap());
    let e = check_unique(&a).unwrap_err().to_string();
    assert!(e.contains("u.toml") && e.contains("t.toml` line 3"), "{e}");
}

#[test]
fn seconds_are_allowed() {
    let s = one("[[slot]]\nname = \"x\"\nqueue = \"q\"\nat = [\"07:00:30\"]\n");
    let tz = shanghai();
    let next = next_after(&s, &tz, ts("2026-12-01T07:00:00+08:00")).unwrap();
    assert_eq!(next, ts("2026-12-01T07:00:30+08:00"));
}

#[test]
fn next_occurrence_crosses_midnight() {
    let s = one(MORNING);
    let tz = shanghai();
    let next = next_after(&s, &tz, ts("2026-12-01T23:00:00+08:00")).unwrap();
    assert_eq!(next, ts("2026-12-02T07:00:00+08:00"));
    let next = next_after(&s, &tz, ts("2026-12-02T07:00:00+08:00")).unwrap();
    assert_eq!(next, ts("2026-12-02T18:30:00+08:00"), "strictly after");
}

#[test]
fn month_and_year_ends_and_weekdays() {
    let s = one("[[slot]]\nname = \"x\"\nqueue = \"q\"\nat = [\"07:00\"]\ndays = \"mon-fri\"\n");
    let tz = shanghai();
    // Saturday 2027-01-30 evening → Monday 2027-02-01.
    let next = next_after(&s, &tz, ts("2027-01-30T20:00:00+08:00")).unwrap();
    assert_eq!(next, ts("2027-02-01T07:00:00+08:00"));
    // Thursday 2026-12-31 evening → Friday 2027-01-01.
    let next = next_after(&s, &tz, ts("2026-12-31T20:00:00+08:00")).unwrap();
    assert_eq!(next, ts("2027-01-01T07:00:00+08:00"));
    // 2028 is a leap year: Monday 28 Feb → Tuesday 29 Feb.
    let next = next_after(&s, &tz, ts("2028-02-28T08:00:00+08:00")).unwrap();
    assert_eq!(next, ts("2028-02-29T07:00:00+08:00"));
}

#[test]
fn day_lists_and_wrapping_ranges() {
    assert_eq!(Days::parse("sat-mon").unwrap().to_string(), "mon,sat,sun");
    assert_eq!(
        Days::parse("mon, wed,fri").unwrap().to_string(),
        "mon,wed,fri"
    );
    let s =
        one("[[slot]]\nname = \"x\"\nqueue = \"q\"\nat = [\"07:00\"]\ndays = [\"sat\", \"sun\"]\n");
    let tz = shanghai();
    // Tuesday → Saturday.
    let next = next_after(&s, &tz, ts("2026-12-01T08:00:00+08:00")).unwrap();
    assert_eq!(next, ts("2026-12-05T07:00:00+08:00"));
}

#[test]
fn date_range_bounds_occurrences() {
    let s = one(
        "[[slot]]\nname = \"x\"\nqueue = \"q\"\nat = [\"07:00\"]\nfrom = \"2026-12-01\"\nuntil = \"2026-12-03\"\n",
    );
    let tz = shanghai();
    let all = slot_occurrences(
        &s,
        &tz,
        ts("2026-11-01T00:00:00+08:00"),
        ts("2027-01-01T00:00:00+08:00"),
    );
    assert_eq!(
        all,
        vec![
            ts("2026-12-01T07:00:00+08:00"),
            ts("2026-12-02T07:00:00+08:00"),
            ts("2026-12-03T07:00:00+08:00"),
        ]
    );
    assert_eq!(next_after(&s, &tz, ts("2026-12-03T07:00:00+08:00")), None);
    let e = err(
        "[[slot]]\nname = \"x\"\nqueue = \"q\"\nat = [\"07:00\"]\nfrom = \"2026-12-03\"\nuntil = \"2026-12-01\"\n",
    );
    assert!(e.contains("`until`") && e.contains("before"), "{e}");
}

#[test]
fn quiet_hours_wrap_midnight() {
    let q = QuietHours {
        from: TimeOfDay::try_from("22:00".to_string()).unwrap(),
        until: TimeOfDay::try_from("06:00".to_string()).unwrap(),
    };
    let at = |s: &str| spec::parse_time(s).unwrap();
    assert!(q.contains(at("22:00")));
    assert!(q.contains(at("23:59:59")));
    assert!(q.contains(at("00:00")));
    assert!(q.contains(at("05:59:59")));
    assert!(!q.contains(at("06:00")));
    assert!(!q.contains(at("21:59:59")));
    let day = QuietHours {
        from: TimeOfDay::try_from("12:00".to_string()).unwrap(),
        until: TimeOfDay::try_from("14:00".to_string()).unwrap(),
    };
    assert!(day.contains(at("13:00")) && !day.contains(at("14:00")) && !day.contains(at("11:00")));
}

#[test]
fn catch_up_window() {
    let slot = ts("2026-12-01T07:00:00+08:00");
    let at = |s: &str| ts(s);
    assert_eq!(
        classify(slot, at("2026-12-01T06:59:59+08:00"), 10),
        Due::NotYet
    );
    assert_eq!(classify(slot, slot, 10), Due::OnTime);
    assert_eq!(
        classify(slot, at("2026-12-01T07:01:00+08:00"), 0),
        Due::OnTime
    );
    assert_eq!(
        classify(slot, at("2026-12-01T07:01:01+08:00"), 0),
        Due::Missed
    );
    assert_eq!(
        classify(slot, at("2026-12-01T07:09:59+08:00"), 10),
        Due::CatchUp
    );
    assert_eq!(
        classify(slot, at("2026-12-01T07:10:00+08:00"), 10),
        Due::CatchUp
    );
    assert_eq!(
        classify(slot, at("2026-12-01T07:10:01+08:00"), 10),
        Due::Missed
    );
}

#[test]
fn wall_times_hold_across_dst_in_berlin() {
    let tz = TimeZone::get("Europe/Berlin").unwrap();
    let s = one("[[slot]]\nname = \"x\"\nqueue = \"q\"\nat = [\"02:30\", \"07:00\"]\n");
    // Spring forward on 2026-03-29 at 02:00 → 03:00: 02:30 does not exist that day.
    let spring = slot_occurrences(
        &s,
        &tz,
        ts("2026-03-28T00:00:00Z"),
        ts("2026-03-30T00:00:00Z"),
    );
    assert_eq!(
        spring,
        vec![
            ts("2026-03-28T02:30:00+01:00"),
            ts("2026-03-28T07:00:00+01:00"),
            ts("2026-03-29T03:30:00+02:00"), // the first instant after the gap
            ts("2026-03-29T07:00:00+02:00"), // 05:00 UTC, an hour earlier than the day before
        ]
    );
    // Fall back on 2026-10-25 at 03:00 → 02:00: 02:30 happens twice, airs once.
    let fall = slot_occurrences(
        &s,
        &tz,
        ts("2026-10-25T00:00:00+02:00"),
        ts("2026-10-25T12:00:00+01:00"),
    );
    assert_eq!(
        fall,
        vec![
            ts("2026-10-25T02:30:00+02:00"),
            ts("2026-10-25T07:00:00+01:00")
        ]
    );
}

#[test]
fn cron_slots_follow_the_zone() {
    let tz = TimeZone::get("Europe/Berlin").unwrap();
    let s = one("[[slot]]\nname = \"x\"\nqueue = \"q\"\ncron = \"0 7 * * mon-fri\"\n");
    // Friday 2026-03-27 → Monday 2026-03-30, across the spring change.
    let next = next_after(&s, &tz, ts("2026-03-27T08:00:00+01:00")).unwrap();
    assert_eq!(next, ts("2026-03-30T07:00:00+02:00"));
    let every = one("[[slot]]\nname = \"y\"\nqueue = \"q\"\ncron = \"*/15 6-7 * * *\"\n");
    let n = slot_occurrences(
        &every,
        &shanghai(),
        ts("2026-12-01T00:00:00+08:00"),
        ts("2026-12-02T00:00:00+08:00"),
    );
    assert_eq!(n.len(), 8);
    assert_eq!(n[0], ts("2026-12-01T06:00:00+08:00"));
}

#[test]
fn next_deadline_includes_render_lead() {
    let s = slots(MORNING);
    let tz = shanghai();
    let lead = SignedDuration::from_mins(30);
    let at = |x: &str| ts(x);
    assert_eq!(
        next_deadline(&s, &tz, at("2026-12-01T06:00:00+08:00"), lead),
        Some(at("2026-12-01T06:30:00+08:00"))
    );
    assert_eq!(
        next_deadline(&s, &tz, at("2026-12-01T06:30:00+08:00"), lead),
        Some(at("2026-12-01T07:00:00+08:00"))
    );
    assert_eq!(
        next_deadline(&s, &tz, at("2026-12-01T07:00:00+08:00"), lead),
        Some(at("2026-12-01T18:00:00+08:00"))
    );
    assert_eq!(
        next_deadline(&[], &tz, at("2026-12-01T07:00:00+08:00"), lead),
        None
    );
}

#[test]
fn occurrences_merge_slots_in_time_order() {
    let mut s = slots(MORNING);
    s.extend(slots(
        "[[slot]]\nname = \"noon\"\nqueue = \"q\"\nat = [\"12:00\"]\n",
    ));
    let o = occurrences(
        &s,
        &shanghai(),
        ts("2026-12-01T00:00:00+08:00"),
        ts("2026-12-02T00:00:00+08:00"),
    );
    let names: Vec<&str> = o.iter().map(|o| o.slot.as_str()).collect();
    assert_eq!(names, ["morning", "noon", "morning"]);
}

fn cand(id: i64, approval: Approval, priority: Priority, chars: usize) -> Candidate {
    Candidate {
        id,
        queue: "news".into(),
        approval,
        validity: Validity::default(),
        priority,
        chars,
    }
}

#[test]
fn selection_orders_and_explains() {
    let mut slot = one(MORNING);
    slot.repeat = 1;
    slot.max_articles = Some(2);
    let tz = shanghai();
    let at = ts("2026-12-05T07:00:00+08:00");
    let mut expired = cand(6, Approval::Valid, Priority::Normal, 10);
    expired.validity = Validity::parse(None, Some("2026-12-04")).unwrap();
    let mut later = cand(7, Approval::Valid, Priority::Normal, 10);
    later.validity = Validity::parse(Some("2026-12-06"), None).unwrap();
    let mut other = cand(8, Approval::Valid, Priority::Normal, 10);
    other.queue = "weather".into();
    let c = vec![
        cand(1, Approval::Valid, Priority::Normal, 10),
        cand(2, Approval::Pending, Priority::Normal, 10),
        cand(3, Approval::Changed, Priority::Urgent, 10),
        cand(4, Approval::Valid, Priority::Urgent, 10),
        cand(5, Approval::Valid, Priority::Normal, 10),
        expired,
        later,
        other,
    ];
    let sel = select(&slot, &c, at, &tz);
    assert_eq!(sel.chosen, vec![4, 1]);
    let why: Vec<(i64, String)> = sel
        .excluded
        .iter()
        .map(|(id, e)| (*id, e.to_string()))
        .collect();
    assert!(
        why.contains(&(3, Exclusion::Changed.to_string())),
        "{why:?}"
    );
    assert!(why.contains(&(2, "not approved".into())), "{why:?}");
    assert!(
        why.contains(&(5, "over the limit of 2 articles".into())),
        "{why:?}"
    );
    assert!(
        why.iter()
            .any(|(id, w)| *id == 6 && w.starts_with("expired")),
        "{why:?}"
    );
    assert!(
        why.iter()
            .any(|(id, w)| *id == 7 && w.starts_with("not yet")),
        "{why:?}"
    );
    assert!(
        !why.iter().any(|(id, _)| *id == 8),
        "other queues are not listed"
    );
}

#[test]
fn selection_respects_minutes() {
    let mut slot = one(MORNING);
    slot.repeat = 1;
    slot.max_minutes = Some(1.0); // 240 characters at 4 a second
    let c = vec![
        cand(1, Approval::Valid, Priority::Normal, 200),
        cand(2, Approval::Valid, Priority::Normal, 100),
        cand(3, Approval::Valid, Priority::Normal, 40),
    ];
    let sel = select(&slot, &c, ts("2026-12-05T07:00:00+08:00"), &shanghai());
    assert_eq!(sel.chosen, vec![1, 3]);
    assert_eq!(sel.excluded, vec![(2, Exclusion::OverMinutes(1.0))]);
}

#[test]
fn validity_by_instant_and_day() {
    let tz = shanghai();
    let v = Validity::parse(Some("2026-12-01T12:00:00+08:00"), Some("2026-12-02")).unwrap();
    assert!(v.check(ts("2026-12-01T11:59:59+08:00"), &tz).is_err());
    assert!(v.check(ts("2026-12-01T12:00:00+08:00"), &tz).is_ok());
    assert!(v.check(ts("2026-12-02T23:59:59+08:00"), &tz).is_ok());
    assert!(v.check(ts("2026-12-03T00:00:00+08:00"), &tz).is_err());
    assert!(Validity::parse(Some("tomorrow"), None).is_err());
}

mod properties {
    use proptest::prelude::*;

    use super::*;

    const ZONES: [&str; 4] = ["Asia/Shanghai", "Europe/Berlin", "America/New_York", "UTC"];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// Occurrences are ordered, inside the window, on allowed days, at one of the wall
        /// times (or just after a DST gap), and `next_after` agrees with them.
        #[test]
        fn occurrences_agree_with_the_slot(
            zone in 0..ZONES.len(),
            start in 1_700_000_000i64..1_900_000_000,
            hours in 1i64..400,
            h in 0u8..24, m in 0u8..60, s in 0u8..60,
            h2 in 0u8..24,
            day_bits in 1u8..128,
        ) {
            let tz = TimeZone::get(ZONES[zone]).unwrap();
            let names = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
            let days: Vec<String> = (0..7)
                .filter(|i| day_bits & (1 << i) != 0)
                .map(|i| format!("\"{}\"", names[i]))
                .collect();
            let slot = one(&format!(
                "[[slot]]\nname = \"p\"\nqueue = \"q\"\nat = [\"{h:02}:{m:02}:{s:02}\", \"{h2:02}:00\"]\ndays = [{}]\n",
                days.join(", ")
            ));
            let after = Timestamp::from_second(start).unwrap();
            let until = after.checked_add(SignedDuration::from_hours(hours)).unwrap();
            let occ = slot_occurrences(&slot, &tz, after, until);
            prop_assert!(occ.windows(2).all(|w| w[0] < w[1]));
            for t in &occ {
                prop_assert!(after < *t && *t <= until);
                let local = tz.to_datetime(*t);
                prop_assert!(airs_on(&slot, local.date()));
                let Times::At(times) = &slot.times else { unreachable!() };
                let exact = times.contains(&local.time());
                // In a spring-forward gap the slot airs just after it, within the hour.
                let shifted = times.iter().any(|w| {
                    let secs = |x: jiff::civil::Time| {
                        i32::from(x.hour()) * 3600 + i32::from(x.minute()) * 60 + i32::from(x.second())
                    };
                    (0..=3600).contains(&(secs(local.time()) - secs(*w)))
                });
                prop_assert!(exact || shifted, "{local} is not a slot time");
            }
            if let Some(first) = occ.first() {
                prop_assert_eq!(next_after(&slot, &tz, after), Some(*first));
            }
            // Nothing is skipped: a window starting at each occurrence finds the next one.
            for w in occ.windows(2) {
                prop_assert_eq!(next_after(&slot, &tz, w[0]), Some(w[1]));
            }
        }

        /// Quiet hours contain exactly the times between their ends, wrapping at midnight.
        #[test]
        fn quiet_hours_match_a_naive_minute_count(f in 0i32..1440, u in 0i32..1440, t in 0i32..1440) {
            let tod = |x: i32| TimeOfDay::try_from(format!("{:02}:{:02}", x / 60, x % 60)).unwrap();
            let q = QuietHours { from: tod(f), until: tod(u) };
            let naive = if f <= u { f <= t && t < u } else { t >= f || t < u };
            prop_assert_eq!(q.contains(tod(t).0), naive);
        }
    }
}

/// `days = "workdays"` and `"holidays"` around National Day 2025 (Oct 1–8 off; Sunday Sep 28
/// and Saturday Oct 11 worked), as data: (date, airs on workdays, airs on holidays).
#[test]
fn workdays_and_holidays_follow_the_holiday_calendar() {
    let slot = |days: &str| {
        one(&format!(
            "[[slot]]\nname = \"{days}\"\nat = [\"07:00\"]\ndays = \"{days}\"\nqueue = \"news\"\n"
        ))
    };
    let (work, rest) = (slot("workdays"), slot("holidays"));
    let cases = [
        ("2025-09-26", true, false), // Friday
        ("2025-09-27", false, true), // Saturday
        ("2025-09-28", true, false), // Sunday, worked for National Day
        ("2025-09-30", true, false), // Tuesday
        ("2025-10-01", false, true), // 国庆节
        ("2025-10-06", false, true), // 中秋, a Monday
        ("2025-10-08", false, true), // Wednesday, still off
        ("2025-10-09", true, false), // Thursday
        ("2025-10-11", true, false), // Saturday, worked
        ("2025-10-12", false, true), // Sunday
    ];
    for (date, on_work, on_rest) in cases {
        let date: jiff::civil::Date = date.parse().unwrap();
        assert_eq!(airs_on(&work, date), on_work, "workdays {date}");
        assert_eq!(airs_on(&rest, date), on_rest, "holidays {date}");
    }
    // Instants too: the workdays slot skips the whole Golden Week.
    let times = slot_occurrences(
        &work,
        &shanghai(),
        ts("2025-09-30T12:00:00+08:00"),
        ts("2025-10-11T12:00:00+08:00"),
    );
    let dates: Vec<String> = times
        .iter()
        .map(|t| shanghai().to_datetime(*t).date().to_string())
        .collect();
    assert_eq!(dates, ["2025-10-09", "2025-10-10", "2025-10-11"]);
    assert_eq!(work.days.to_string(), "workdays");
}

#[test]
fn plan_notes_say_why_a_day_is_off_and_which_year_is_missing() {
    let work =
        one("[[slot]]\nname = \"w\"\nat = [\"07:00\"]\ndays = \"workdays\"\nqueue = \"q\"\n");
    let slots = vec![work, one(MORNING)];
    let first: jiff::civil::Date = "2025-09-28".parse().unwrap();
    let last: jiff::civil::Date = "2025-10-01".parse().unwrap();
    let notes = days_off(&slots, first, last);
    let shown: Vec<(String, bool, &str)> = notes
        .iter()
        .map(|n| (n.date.to_string(), n.airs, n.reason.as_str()))
        .collect();
    assert_eq!(
        shown,
        [
            ("2025-09-28".to_string(), true, "国庆节调休上班"),
            ("2025-10-01".to_string(), false, "国庆节（法定节假日）"),
        ]
    );
    let far: jiff::civil::Date = "2040-12-31".parse().unwrap();
    let gaps = calendar_gaps(&slots, first, far);
    assert_eq!(gaps.first(), Some(&MissingYear(2027)));
    assert!(
        calendar_gaps(&slots[1..], first, far).is_empty(),
        "weekly slots need no calendar"
    );
}

#[test]
fn workdays_cannot_be_mixed_with_day_names() {
    let e =
        err("[[slot]]\nname = \"x\"\nqueue = \"q\"\nat = [\"07:00\"]\ndays = \"workdays, sat\"\n");
    assert!(e.contains("workdays") && e.contains("alone"), "{e}");
}

#[test]
fn zones_are_kept_in_order_without_repeats() {
    let s = one(
        "[[slot]]\nname = \"x\"\nqueue = \"q\"\nat = [\"07:00\"]\nzones = [\"东片\", \"全镇\", \" 东片 \"]\n",
    );
    assert_eq!(s.zones, ["东片", "全镇"]);
    assert_eq!(s.target_zones(), ["东片", "全镇"]);
}

#[test]
fn a_slot_without_zones_targets_the_whole_town() {
    let s = one("[[slot]]\nname = \"x\"\nqueue = \"q\"\nat = [\"07:00\"]\n");
    assert!(s.zones.is_empty());
    assert_eq!(s.target_zones(), [WHOLE_TOWN]);
}

#[test]
fn bad_zones_name_file_line_and_key() {
    let cases = [
        ("zones = []", "line 5: slot `x`: `zones` is empty"),
        (
            "zones = [\"东片\", \"\"]",
            "line 5: slot `x`: `zones` entry \"\" is not a zone name",
        ),
        (
            "zones = [\"a\\u0007\"]",
            "line 5: slot `x`: `zones` entry \"a\\u{7}\"",
        ),
        ("zones = \"东片\"", "line 5"),
    ];
    for (zones, expected) in cases {
        let text = format!("[[slot]]\nname = \"x\"\nqueue = \"q\"\nat = [\"07:00\"]\n{zones}\n");
        let e = err(&text);
        assert!(e.contains("schedules/t.toml"), "{zones}: {e}");
        assert!(e.contains(expected), "{zones}: {e}");
    }
}
