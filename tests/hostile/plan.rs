//! `plan` says how long the whole program runs: chimes, preamble, repeats and closing.

use crate::station::{BoxUnderTest, MORNING, notice};

fn planned(b: &BoxUnderTest, now: &str) -> serde_json::Value {
    let json = b.ok(&["plan", "--json", "--hours", "2", "--now", now]);
    let plans: Vec<serde_json::Value> = serde_json::from_str(&json).unwrap();
    plans.into_iter().next().expect("the morning slot")
}

#[test]
fn plan_durations_cover_the_whole_program_and_match_the_airing() {
    let b = BoxUnderTest::new(&MORNING.replace("repeat = 1", "repeat = 2"));
    let (id, _) = b.add("a.txt", &notice(1, 1), &[]);
    b.ok(&["approve", &id.to_string(), "--by", "王书记"]);
    let before = planned(&b, "2026-12-01T06:00:00+08:00");
    let estimate = before["estimate_s"].as_f64().unwrap();
    assert_eq!(before["measured"], false);
    b.ok(&["tick", "--now", "2026-12-01T06:50:00+08:00"]);
    let rendered = planned(&b, "2026-12-01T06:55:00+08:00");
    assert_eq!(rendered["measured"], true, "{rendered}");
    b.ok(&["tick", "--now", "2026-12-01T07:00:02+08:00"]);
    let aired = b.log()[0]["duration_s"].as_f64().unwrap();
    assert!(
        (rendered["estimate_s"].as_f64().unwrap() - aired).abs() <= 0.1,
        "rendered {rendered}, aired {aired} s"
    );
    assert!(
        estimate > 0.6 * aired && estimate < 1.5 * aired,
        "estimated {estimate} s, aired {aired} s"
    );
}
