//! China's working calendar: statutory holidays (法定节假日) and the make-up working days
//! (调休上班) that move weekends around them, year by year, as the State Council publishes
//! them. Read from `calendar/cn.toml` text; the station's file extends the built-in one.
//! Pure: the text is handed in.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use jiff::civil::{Date, Weekday};
use serde::Deserialize;

use super::spec::DayRule;
use super::{ScheduleError, Slot};
use crate::toml_file;

/// The calendar that ships with dalaba (the repository's `calendar/cn.toml`).
pub const BUILT_IN: &str = include_str!("../../calendar/cn.toml");

/// What kind of day a date is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DayKind {
    /// Monday to Friday, not a holiday.
    Workday,
    /// Saturday or Sunday, not a make-up working day.
    Weekend,
    /// A statutory holiday, with its name (e.g. 国庆节).
    Holiday(String),
    /// A weekend day worked to make up for the named holiday (调休).
    MakeUpWorkday(String),
}

impl DayKind {
    /// Whether people work that day.
    pub fn is_working(&self) -> bool {
        matches!(self, DayKind::Workday | DayKind::MakeUpWorkday(_))
    }

    /// Why a working-days slot does not air, or a rest-days slot does not, in Chinese.
    pub fn describe(&self) -> String {
        match self {
            DayKind::Workday => "工作日".into(),
            DayKind::Weekend => "周末".into(),
            DayKind::Holiday(name) => format!("{name}（法定节假日）"),
            DayKind::MakeUpWorkday(name) => format!("{name}调休上班"),
        }
    }
}

/// A year the calendar does not cover.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "the holiday calendar has no year {0}: slots with `days = \"workdays\"` or `\"holidays\"` follow the plain week (Monday to Friday) that year; add `[years.{0}]` to `calendar/cn.toml` from the State Council's notice"
)]
pub struct MissingYear(pub i16);

/// One year's holidays and make-up working days.
#[derive(Debug, Clone, PartialEq, Default)]
struct Year {
    off: BTreeMap<Date, String>,
    work: BTreeMap<Date, String>,
}

/// The working calendar.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Calendar {
    years: BTreeMap<i16, Year>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CalendarFile {
    #[serde(default)]
    years: BTreeMap<String, YearSpec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct YearSpec {
    #[allow(dead_code)]
    source: String,
    #[serde(default)]
    off: Vec<OffSpec>,
    #[serde(default)]
    work: Vec<WorkSpec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OffSpec {
    from: super::spec::DateSpec,
    until: super::spec::DateSpec,
    name: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WorkSpec {
    date: super::spec::DateSpec,
    name: String,
}

impl Calendar {
    /// The built-in calendar.
    pub fn built_in() -> Calendar {
        Calendar::parse(Path::new("calendar/cn.toml (built in)"), BUILT_IN).unwrap_or_default()
    }

    /// Parses a calendar file's text; `path` labels errors, which name the year and date.
    pub fn parse(path: &Path, text: &str) -> Result<Calendar, ScheduleError> {
        let file: CalendarFile = toml_file::parse(path, text)?;
        let mut years = BTreeMap::new();
        for (key, spec) in file.years {
            let bad = |message: String| {
                let line = text
                    .lines()
                    .position(|l| l.contains(&format!("[years.{key}]")))
                    .map_or(1, |i| i + 1);
                ScheduleError::Toml(toml_file::TomlError::Invalid {
                    path: path.to_owned(),
                    line,
                    message,
                })
            };
            let number: i16 = key.parse().map_err(|_| {
                bad(format!(
                    "`years.{key}` is not a year; write e.g. `[years.2027]`"
                ))
            })?;
            let year = Year::from_spec(number, spec).map_err(bad)?;
            years.insert(number, year);
        }
        Ok(Calendar { years })
    }

    /// This calendar with `other`'s years added; a year in both is taken from `other`.
    pub fn extended_by(mut self, other: Calendar) -> Calendar {
        self.years.extend(other.years);
        self
    }

    /// The years it covers, in order.
    pub fn years(&self) -> impl Iterator<Item = i16> + '_ {
        self.years.keys().copied()
    }

    /// What kind of day `date` is; an error when its year is not in the calendar.
    pub fn day(&self, date: Date) -> Result<DayKind, MissingYear> {
        let year = self
            .years
            .get(&date.year())
            .ok_or(MissingYear(date.year()))?;
        if let Some(name) = year.off.get(&date) {
            return Ok(DayKind::Holiday(name.clone()));
        }
        if let Some(name) = year.work.get(&date) {
            return Ok(DayKind::MakeUpWorkday(name.clone()));
        }
        Ok(plain_week(date))
    }
}

/// The day by the plain week alone.
pub fn plain_week(date: Date) -> DayKind {
    match date.weekday() {
        Weekday::Saturday | Weekday::Sunday => DayKind::Weekend,
        _ => DayKind::Workday,
    }
}

impl Year {
    fn from_spec(number: i16, spec: YearSpec) -> Result<Year, String> {
        let mut year = Year::default();
        let check = |d: Date| {
            if d.year() == number {
                Ok(d)
            } else {
                Err(format!(
                    "`years.{number}` lists {d}, which is not in {number}"
                ))
            }
        };
        for off in spec.off {
            let (from, until) = (check(off.from.0)?, check(off.until.0)?);
            if until < from {
                return Err(format!(
                    "`years.{number}`: `{}` runs from {from} to {until}, which is backwards",
                    off.name
                ));
            }
            for day in from
                .series(jiff::Span::new().days(1))
                .take_while(|d| *d <= until)
            {
                year.off.insert(day, off.name.clone());
            }
        }
        for work in spec.work {
            let date = check(work.date.0)?;
            if year.off.contains_key(&date) {
                return Err(format!(
                    "`years.{number}`: {date} is listed both as a holiday and as a make-up working day"
                ));
            }
            year.work.insert(date, work.name);
        }
        Ok(year)
    }
}

/// A day a working-calendar slot does not air although the plain week would have it (or
/// airs although the plain week would not), and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayOff {
    /// The local date.
    pub date: Date,
    /// The slot's name.
    pub slot: String,
    /// Why, e.g. 国庆节（法定节假日）.
    pub reason: String,
    /// Whether the slot airs that day after all (a make-up working day for `workdays`).
    pub airs: bool,
}

/// Gives every slot the station's calendar.
pub fn use_calendar(slots: &mut [Slot], calendar: &Arc<Calendar>) {
    for slot in slots {
        slot.days.set_calendar(calendar);
    }
}

/// The local dates from `first` to `last` on which a working-calendar slot differs from the
/// plain week because of a holiday or a make-up working day, for `plan` to explain.
pub fn days_off(slots: &[Slot], first: Date, last: Date) -> Vec<DayOff> {
    let mut out = Vec::new();
    for date in first
        .series(jiff::Span::new().days(1))
        .take_while(|d| *d <= last)
    {
        for slot in slots.iter().filter(|s| s.days.rule() != DayRule::Week) {
            let kind = slot.days.kind(date);
            if matches!(kind, DayKind::Workday | DayKind::Weekend) {
                continue;
            }
            if slot.from.is_some_and(|f| date < f) || slot.until.is_some_and(|u| date > u) {
                continue;
            }
            out.push(DayOff {
                date,
                slot: slot.name.clone(),
                reason: kind.describe(),
                airs: slot.days.includes(date),
            });
        }
    }
    out
}

/// The years from `first` to `last` that a working-calendar slot needs and the calendar
/// lacks, each once.
pub fn calendar_gaps(slots: &[Slot], first: Date, last: Date) -> Vec<MissingYear> {
    let mut gaps = Vec::new();
    for year in first.year()..=last.year() {
        let Ok(date) = Date::new(year, 1, 1) else {
            continue;
        };
        let gap = slots.iter().find_map(|s| s.days.calendar_gap(date));
        if let Some(gap) = gap {
            gaps.push(gap);
        }
    }
    gaps
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    /// Days of the shipped calendar, as the State Council's notices have them.
    #[test]
    fn the_built_in_calendar_knows_national_day_and_its_make_up_days() {
        let cal = Calendar::built_in();
        let cases = [
            ("2025-10-01", DayKind::Holiday("国庆节".into())),
            ("2025-10-06", DayKind::Holiday("中秋".into())),
            ("2025-10-08", DayKind::Holiday("国庆节".into())),
            ("2025-09-28", DayKind::MakeUpWorkday("国庆节".into())), // a Sunday, worked
            ("2025-10-11", DayKind::MakeUpWorkday("国庆节".into())), // a Saturday, worked
            ("2025-10-09", DayKind::Workday),
            ("2025-10-12", DayKind::Weekend),
            ("2026-02-16", DayKind::Holiday("春节".into())),
            ("2026-02-14", DayKind::MakeUpWorkday("春节".into())),
            ("2024-01-01", DayKind::Holiday("元旦".into())),
        ];
        for (date, want) in cases {
            assert_eq!(cal.day(d(date)), Ok(want), "{date}");
        }
        assert_eq!(cal.years().next(), Some(2004));
        assert!(cal.years().any(|y| y == 2026));
    }

    #[test]
    fn a_missing_year_is_an_error_that_says_how_to_add_it() {
        let cal = Calendar::built_in();
        let err = cal.day(d("2031-05-01")).unwrap_err();
        assert_eq!(err, MissingYear(2031));
        assert!(err.to_string().contains("[years.2031]"), "{err}");
    }

    #[test]
    fn a_station_file_extends_and_overrides_years() {
        let station = Calendar::parse(
            Path::new("calendar/cn.toml"),
            r#"
[years.2031]
source = "国办发明电〔2030〕7号"
off = [{ from = "2031-10-01", until = "2031-10-07", name = "国庆节" }]
work = [{ date = "2031-09-28", name = "国庆节" }]
"#,
        )
        .unwrap();
        let cal = Calendar::built_in().extended_by(station);
        assert_eq!(
            cal.day(d("2031-10-03")),
            Ok(DayKind::Holiday("国庆节".into()))
        );
        assert_eq!(
            cal.day(d("2031-09-28")),
            Ok(DayKind::MakeUpWorkday("国庆节".into()))
        );
        assert_eq!(
            cal.day(d("2025-10-01")),
            Ok(DayKind::Holiday("国庆节".into()))
        );
    }

    #[test]
    fn bad_files_name_the_year_and_the_fault() {
        let cases = [
            (
                "[years.2031]\nsource = \"x\"\noff = [{ from = \"2030-10-01\", until = \"2031-10-02\", name = \"国庆节\" }]\n",
                "not in 2031",
            ),
            (
                "[years.2031]\nsource = \"x\"\noff = [{ from = \"2031-10-05\", until = \"2031-10-01\", name = \"国庆节\" }]\n",
                "backwards",
            ),
            (
                "[years.2031]\nsource = \"x\"\noff = [{ from = \"2031-10-01\", until = \"2031-10-01\", name = \"国庆节\" }]\nwork = [{ date = \"2031-10-01\", name = \"国庆节\" }]\n",
                "both",
            ),
            ("[years.next]\nsource = \"x\"\n", "not a year"),
            ("[years.2031]\noff = []\n", "source"),
            (
                "[years.2031]\nsource = \"x\"\noff = [{ from = \"10-01\", until = \"2031-10-01\", name = \"x\" }]\n",
                "not a date",
            ),
        ];
        for (text, word) in cases {
            let err = Calendar::parse(Path::new("calendar/cn.toml"), text)
                .unwrap_err()
                .to_string();
            assert!(
                err.contains("calendar/cn.toml") && err.contains(word),
                "{word}: {err}"
            );
        }
    }
}
