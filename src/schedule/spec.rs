//! The value types of schedule files, each checked as it is read so TOML errors point at the
//! offending value.

use std::fmt;
use std::sync::Arc;

use jiff::civil::{Date, Time, Weekday};

use super::calendar::{Calendar, DayKind, MissingYear, plain_week};
use serde::Deserialize;

/// A wall-clock time of day, written `HH:MM` or `HH:MM:SS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(try_from = "String")]
pub struct TimeOfDay(pub Time);

impl TryFrom<String> for TimeOfDay {
    type Error = String;

    fn try_from(s: String) -> Result<Self, String> {
        parse_time(&s).map(TimeOfDay).ok_or_else(|| {
            format!("`{s}` is not a time of day; write `HH:MM` or `HH:MM:SS`, e.g. `07:00`")
        })
    }
}

impl fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = self.0;
        if t.second() == 0 {
            write!(f, "{:02}:{:02}", t.hour(), t.minute())
        } else {
            write!(f, "{:02}:{:02}:{:02}", t.hour(), t.minute(), t.second())
        }
    }
}

/// Parses `H:MM`, `HH:MM` or `HH:MM:SS`.
pub(super) fn parse_time(s: &str) -> Option<Time> {
    let parts: Vec<&str> = s.trim().split(':').collect();
    if !(2..=3).contains(&parts.len()) || parts.iter().any(|p| p.is_empty() || p.len() > 2) {
        return None;
    }
    let num = |p: &str| -> Option<i8> {
        if p.bytes().all(|b| b.is_ascii_digit()) {
            p.parse().ok()
        } else {
            None
        }
    };
    let h = num(parts[0])?;
    let m = num(parts[1])?;
    let sec = match parts.get(2) {
        Some(p) => num(p)?,
        None => 0,
    };
    Time::new(h, m, sec, 0).ok()
}

/// When in the day a slot airs.
#[derive(Debug, Clone, PartialEq)]
pub enum Times {
    /// Fixed wall-clock times, sorted.
    At(Vec<Time>),
    /// A 5-field cron expression, evaluated in the station's zone.
    Cron(Box<croner::Cron>),
}

/// A 5-field cron expression.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(try_from = "String")]
pub(super) struct CronSpec(pub croner::Cron);

impl TryFrom<String> for CronSpec {
    type Error = String;

    fn try_from(s: String) -> Result<Self, String> {
        if s.split_whitespace().count() != 5 {
            return Err(format!(
                "`cron` `{s}` must have 5 fields (minute hour day month weekday), e.g. `0 7 * * mon-fri`"
            ));
        }
        croner::parser::CronParser::builder()
            .seconds(croner::parser::Seconds::Disallowed)
            .build()
            .parse(&s)
            .map(CronSpec)
            .map_err(|e| format!("`cron` `{s}` is not a cron expression: {e}"))
    }
}

/// A calendar date, `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(try_from = "String")]
pub(super) struct DateSpec(pub Date);

impl TryFrom<String> for DateSpec {
    type Error = String;

    fn try_from(s: String) -> Result<Self, String> {
        s.trim()
            .parse::<Date>()
            .map(DateSpec)
            .map_err(|_| format!("`{s}` is not a date; write `YYYY-MM-DD`, e.g. `2026-12-01`"))
    }
}

/// Which days a slot airs on: days of the week, or China's working days or rest days by the
/// holiday calendar ([`Calendar`]).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(try_from = "DaysSpec")]
pub struct Days {
    /// Monday first (for [`DayRule::Week`]).
    on: [bool; 7],
    rule: DayRule,
    /// The calendar for the working-day rules; [`Calendar::built_in`] until the station's
    /// is set ([`Days::set_calendar`]).
    calendar: Option<Arc<Calendar>>,
}

/// How a slot's days are decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayRule {
    /// By the day of the week.
    Week,
    /// Official working days: Monday to Friday without statutory holidays, plus the weekend
    /// days worked to make up for them (调休).
    Workdays,
    /// Official rest days: the days that are not working days.
    Holidays,
}

impl Default for Days {
    fn default() -> Self {
        Self::DAILY
    }
}

impl Days {
    /// Every day.
    pub const DAILY: Days = Days {
        on: [true; 7],
        rule: DayRule::Week,
        calendar: None,
    };

    /// Whether `day` is one of the days of the week (the week rule only).
    pub fn contains(&self, day: Weekday) -> bool {
        self.on[day.to_monday_zero_offset() as usize]
    }

    /// How the days are decided.
    pub fn rule(&self) -> DayRule {
        self.rule
    }

    /// Uses `calendar` for the working-day rules.
    pub fn set_calendar(&mut self, calendar: &Arc<Calendar>) {
        if self.rule != DayRule::Week {
            self.calendar = Some(calendar.clone());
        }
    }

    /// What kind of day `date` is by this slot's calendar; a year the calendar lacks goes
    /// by the plain week ([`Days::calendar_gap`] reports it).
    pub fn kind(&self, date: Date) -> DayKind {
        let calendar = self.calendar.clone().unwrap_or_else(built_in);
        calendar.day(date).unwrap_or_else(|_| plain_week(date))
    }

    /// The year of `date`, when a working-day rule needs it and the calendar lacks it.
    pub fn calendar_gap(&self, date: Date) -> Option<MissingYear> {
        if self.rule == DayRule::Week {
            return None;
        }
        let calendar = self.calendar.clone().unwrap_or_else(built_in);
        calendar.day(date).err()
    }

    /// Whether the slot airs on `date`.
    pub fn includes(&self, date: Date) -> bool {
        match self.rule {
            DayRule::Week => self.contains(date.weekday()),
            DayRule::Workdays => self.kind(date).is_working(),
            DayRule::Holidays => !self.kind(date).is_working(),
        }
    }

    /// Parses `daily`, `weekdays`, `weekends`, `mon-fri`, `mon,wed,fri` and the like, or
    /// `workdays` / `holidays` alone.
    pub fn parse(s: &str) -> Result<Days, String> {
        let rule = match s.trim().to_ascii_lowercase().as_str() {
            "workdays" | "工作日" => Some(DayRule::Workdays),
            "holidays" | "节假日" | "休息日" => Some(DayRule::Holidays),
            _ => None,
        };
        if let Some(rule) = rule {
            return Ok(Days {
                on: [true; 7],
                rule,
                calendar: None,
            });
        }
        let mut on = [false; 7];
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            add_days(&mut on, part)?;
        }
        if on.iter().all(|d| !d) {
            return Err(format!("`days` `{s}` names no day"));
        }
        Ok(Days {
            on,
            rule: DayRule::Week,
            calendar: None,
        })
    }
}

/// The built-in calendar, parsed once.
fn built_in() -> Arc<Calendar> {
    static BUILT_IN: std::sync::LazyLock<Arc<Calendar>> =
        std::sync::LazyLock::new(|| Arc::new(Calendar::built_in()));
    BUILT_IN.clone()
}

impl fmt::Display for Days {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
        match self.rule {
            DayRule::Workdays => return f.write_str("workdays"),
            DayRule::Holidays => return f.write_str("holidays"),
            DayRule::Week => {}
        }
        if self.on == [true; 7] {
            return f.write_str("daily");
        }
        let names: Vec<&str> = (0..7).filter(|&i| self.on[i]).map(|i| NAMES[i]).collect();
        f.write_str(&names.join(","))
    }
}

fn add_days(on: &mut [bool; 7], part: &str) -> Result<(), String> {
    let lower = part.to_ascii_lowercase();
    match lower.as_str() {
        "daily" | "every day" | "everyday" => *on = [true; 7],
        "weekdays" => (0..5).for_each(|i| on[i] = true),
        "weekends" | "weekend" => (5..7).for_each(|i| on[i] = true),
        _ => match lower.split_once('-') {
            Some((a, b)) => {
                let (a, b) = (day_index(a.trim(), part)?, day_index(b.trim(), part)?);
                let mut i = a;
                loop {
                    on[i] = true;
                    if i == b {
                        break;
                    }
                    i = (i + 1) % 7;
                }
            }
            None => on[day_index(&lower, part)?] = true,
        },
    }
    Ok(())
}

fn day_index(name: &str, whole: &str) -> Result<usize, String> {
    const DAYS: [[&str; 2]; 7] = [
        ["mon", "monday"],
        ["tue", "tuesday"],
        ["wed", "wednesday"],
        ["thu", "thursday"],
        ["fri", "friday"],
        ["sat", "saturday"],
        ["sun", "sunday"],
    ];
    DAYS.iter().position(|d| d.contains(&name)).ok_or_else(|| {
        format!(
            "`days` `{whole}`: `{name}` is not a day; use `daily`, `mon-fri`, names like `mon`, `sat`, or `workdays` / `holidays` alone (China's working calendar)"
        )
    })
}

/// `days` as written: one string or a list of strings.
#[derive(Deserialize)]
#[serde(untagged)]
pub(super) enum DaysSpec {
    One(String),
    Many(Vec<String>),
}

impl TryFrom<DaysSpec> for Days {
    type Error = String;

    fn try_from(spec: DaysSpec) -> Result<Days, String> {
        match spec {
            DaysSpec::One(s) => Days::parse(&s),
            DaysSpec::Many(list) => Days::parse(&list.join(",")),
        }
    }
}

/// How urgent an article or slot is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Priority {
    /// The everyday case.
    #[default]
    Normal,
    /// Goes before normal articles in its queue.
    Urgent,
    /// Goes first, and airs inside quiet hours.
    Emergency,
}

impl Priority {
    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Normal => "normal",
            Priority::Urgent => "urgent",
            Priority::Emergency => "emergency",
        }
    }
}

impl std::str::FromStr for Priority {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "normal" => Ok(Priority::Normal),
            "urgent" => Ok(Priority::Urgent),
            "emergency" => Ok(Priority::Emergency),
            _ => Err(format!(
                "`{s}` is not a priority; use `normal`, `urgent` or `emergency`"
            )),
        }
    }
}

impl fmt::Display for Priority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Hours in which nothing but emergencies airs: from `from` up to (not including) `until`,
/// wrapping past midnight when `until` is earlier than `from`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuietHours {
    /// Start, inclusive.
    pub from: TimeOfDay,
    /// End, exclusive.
    pub until: TimeOfDay,
}

impl QuietHours {
    /// Whether the wall-clock time `t` is inside the quiet hours.
    pub fn contains(&self, t: Time) -> bool {
        let (from, until) = (self.from.0, self.until.0);
        if from <= until {
            from <= t && t < until
        } else {
            t >= from || t < until
        }
    }
}

impl fmt::Display for QuietHours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}–{}", self.from, self.until)
    }
}
