//! Dates and clock times written with digits → spoken Chinese: `2026-12-01`→二零二六年十二月一日,
//! `9:05`→九点零五分, `14:00`→十四点. Years are read digit by digit. Pure. \[core\]

use super::numbers::{Style, cardinal, digits};
use super::units::starts_with_any;

/// A run of ASCII digits starting at `i`: its end index.
pub fn digit_run(c: &[char], i: usize) -> usize {
    let mut j = i;
    while j < c.len() && c[j].is_ascii_digit() {
        j += 1;
    }
    j
}

fn value(c: &[char], from: usize, to: usize) -> u32 {
    c[from..to].iter().fold(0u32, |n, d| {
        n.saturating_mul(10).saturating_add(*d as u32 - '0' as u32)
    })
}

fn text(c: &[char], from: usize, to: usize) -> String {
    c[from..to].iter().collect()
}

/// Whether `y` is a plausible calendar year written in a notice.
pub fn is_year(y: u32) -> bool {
    (1900..=2099).contains(&y)
}

/// `2026` → 二零二六.
pub fn year(y: &str) -> String {
    digits(y, false)
}

/// `12` → 十二 (months and days never take 两).
pub fn month_or_day(n: u32) -> String {
    cardinal(&n.to_string(), Style::ORDINAL)
}

/// A full date `YYYY-MM-DD`, `YYYY/M/D` or `YYYY.M.D` at `i`: its end and reading.
pub fn full_date(c: &[char], i: usize) -> Option<(usize, String)> {
    let y_end = digit_run(c, i);
    if y_end - i != 4 || !is_year(value(c, i, y_end)) {
        return None;
    }
    let sep = *c.get(y_end)?;
    if !matches!(sep, '-' | '/' | '.' | '·') {
        return None;
    }
    let m_end = digit_run(c, y_end + 1);
    let month = value(c, y_end + 1, m_end);
    if !(1..=2).contains(&(m_end - y_end - 1)) || !(1..=12).contains(&month) {
        return None;
    }
    let mut reading = format!("{}年{}月", year(&text(c, i, y_end)), month_or_day(month));
    if c.get(m_end) == Some(&sep) {
        let d_end = digit_run(c, m_end + 1);
        let day = value(c, m_end + 1, d_end);
        if (1..=2).contains(&(d_end - m_end - 1)) && (1..=31).contains(&day) {
            reading.push_str(&month_or_day(day));
            let end = if matches!(c.get(d_end), Some('日' | '号')) {
                reading.push(c[d_end]);
                d_end + 1
            } else {
                reading.push('日');
                d_end
            };
            return Some((end, reading));
        }
        return None;
    }
    // Year and month only: `2026-12`, `2026.12`; a `.` must not be a decimal before a unit.
    let next = c.get(m_end).copied();
    if next.is_some_and(|n| n.is_ascii_digit() || n == '%' || n == '.' || n == '月')
        || (sep == '.' && !after_is_plain(&c[m_end..]))
    {
        return None;
    }
    Some((m_end, reading))
}

/// Nothing quantity-like follows (no measure word, unit, magnitude or percent).
fn after_is_plain(rest: &[char]) -> bool {
    let first = rest.first().copied();
    first.is_none_or(|f| {
        !(f.is_ascii_alphanumeric() || matches!(f, '%' | '‰' | '℃' | '°'))
            && starts_with_any(rest, super::units::MEASURES).is_none()
            && starts_with_any(rest, super::units::NUMBERING).is_none()
    })
}

const DATE_AFTER: &[&str] = &[
    "以前",
    "之前",
    "以后",
    "之后",
    "当天",
    "当日",
    "上午",
    "下午",
    "中午",
    "晚上",
    "凌晨",
    "早上",
    "期间",
    "星期",
    "（星期",
    "（周",
    "(周",
    "(星期",
    "前",
    "后",
    "起",
    "晚",
    "周",
];
const DATE_BEFORE: &[&str] = &["截至", "截止", "定于", "日期", "时间", "于", "自", "从"];

/// Words before (`于`, `截至`) or after (`前`, `起`, `上午`) the span `start..end` that make it
/// a date.
pub fn has_date_cue(c: &[char], start: usize, end: usize) -> bool {
    let before: String = c[start.saturating_sub(4)..start]
        .iter()
        .filter(|ch| !matches!(ch, '：' | ':' | ' '))
        .collect();
    DATE_BEFORE.iter().any(|w| before.ends_with(w))
        || starts_with_any(&c[end.min(c.len())..], DATE_AFTER).is_some()
}

/// `M.D` (such as `12.1`) read as a date, only when the words around make it clearly one.
pub fn dotted_month_day(c: &[char], i: usize) -> Option<(usize, String)> {
    let end = month_dot_day_span(c, i)?;
    let near: String = c[end..(end + 5).min(c.len())]
        .iter()
        .take_while(|&&ch| super::chars::is_cjk(ch))
        .collect();
    if FESTIVAL_AFTER.iter().any(|w| near.contains(w)) {
        return Some((end, festival(c, i, end)));
    }
    let (end, reading) = month_dot_day(c, i)?;
    // `11.30日`: the day word itself says it is a date.
    if c.get(end) == Some(&'日') {
        return Some((end + 1, reading));
    }
    let before: String = c[i.saturating_sub(4)..i]
        .iter()
        .filter(|ch| !matches!(ch, '：' | ':' | ' '))
        .collect();
    let cue_before = DATE_BEFORE.iter().any(|w| before.ends_with(w));
    let cue_after = starts_with_any(&c[end..], DATE_AFTER).is_some();
    let in_range = is_range_to_date(c, end) || is_range_from_date(c, i);
    (cue_before || cue_after || in_range).then_some((end, reading))
}

const FESTIVAL_AFTER: &[&str] = &[
    "节",
    "晚会",
    "纪念日",
    "国庆",
    "黄金周",
    "假期",
    "长假",
    "小长假",
    "事变",
    "运动",
    "惨案",
    "消费者",
    "购物节",
    "行动",
    "专项",
];

/// `3.15晚会`→三一五晚会, `8.1建军节`→八一建军节, `10.1假期`→十一假期: named days are read by
/// their digits.
fn festival(c: &[char], i: usize, end: usize) -> String {
    let text: String = c[i..end].iter().collect();
    let (month, day) = text.split_once('.').unwrap_or((&text, ""));
    let month = if month == "10" {
        "十".to_owned()
    } else {
        digits(month, false)
    };
    format!("{month}{}", digits(day, false))
}

fn month_dot_day(c: &[char], i: usize) -> Option<(usize, String)> {
    let d_end = month_dot_day_span(c, i)?;
    if !after_is_plain(&c[d_end..]) {
        return None;
    }
    let text: String = c[i..d_end].iter().collect();
    let (month, day) = text.split_once('.')?;
    let (month, day) = (month.parse().ok()?, day.parse().ok()?);
    Some((
        d_end,
        format!("{}月{}日", month_or_day(month), month_or_day(day)),
    ))
}

/// The end of a valid `M.D` at `i` that is not part of a longer number.
fn month_dot_day_span(c: &[char], i: usize) -> Option<usize> {
    let m_end = digit_run(c, i);
    let month = value(c, i, m_end);
    if !(1..=2).contains(&(m_end - i)) || !(1..=12).contains(&month) || c.get(m_end) != Some(&'.') {
        return None;
    }
    let d_end = digit_run(c, m_end + 1);
    let day = value(c, m_end + 1, d_end);
    if !(1..=2).contains(&(d_end - m_end - 1)) || !(1..=31).contains(&day) {
        return None;
    }
    if matches!(c.get(d_end), Some('.' | '%' | '‰'))
        || c.get(d_end).is_some_and(char::is_ascii_digit)
    {
        return None;
    }
    Some(d_end)
}

fn is_range_to_date(c: &[char], end: usize) -> bool {
    c.get(end)
        .is_some_and(|&m| super::chars::is_range_mark(m) || m == '至')
        && month_dot_day(c, end + 1).is_some()
}

fn is_range_from_date(c: &[char], i: usize) -> bool {
    if i < 2 || !(super::chars::is_range_mark(c[i - 1]) || c[i - 1] == '至') {
        return false;
    }
    let mut s = i - 1;
    while s > 0 && (c[s - 1].is_ascii_digit() || c[s - 1] == '.') {
        s -= 1;
    }
    s < i - 1 && month_dot_day(c, s).is_some_and(|(e, _)| e == i - 1)
}

/// `12-01`, `3/05`: month and day with the day zero-padded, which a range or fraction never is.
pub fn padded_month_day(c: &[char], i: usize) -> Option<(usize, String)> {
    let m_end = digit_run(c, i);
    let month = value(c, i, m_end);
    if !(1..=2).contains(&(m_end - i)) || !(1..=12).contains(&month) {
        return None;
    }
    // `08.08` is a date only with the month padded too: `8.05` is a decimal.
    let dot = c.get(m_end) == Some(&'.') && c[i] == '0';
    if !(matches!(c.get(m_end), Some('-' | '/')) || dot) || c.get(m_end + 1) != Some(&'0') {
        return None;
    }
    let d_end = digit_run(c, m_end + 1);
    let day = value(c, m_end + 1, d_end);
    if d_end - m_end - 1 != 2 || !(1..=9).contains(&day) || !after_is_plain(&c[d_end..]) {
        return None;
    }
    if matches!(c.get(d_end), Some('-' | '/' | '.' | ':')) {
        return None;
    }
    Some((
        d_end,
        format!("{}月{}日", month_or_day(month), month_or_day(day)),
    ))
}

/// `5·12`, `7·21`: a day named by its date with a middle dot, read by its digits (五一二).
pub fn named_day(c: &[char], i: usize) -> Option<(usize, String)> {
    let m_end = digit_run(c, i);
    let month = value(c, i, m_end);
    if !(1..=2).contains(&(m_end - i)) || !(1..=12).contains(&month) {
        return None;
    }
    if !matches!(c.get(m_end), Some('·' | '•' | '・')) {
        return None;
    }
    let d_end = digit_run(c, m_end + 1);
    let day = value(c, m_end + 1, d_end);
    if !(1..=2).contains(&(d_end - m_end - 1)) || !(1..=31).contains(&day) {
        return None;
    }
    let month = if month == 10 {
        "十".to_owned()
    } else {
        digits(&month.to_string(), false)
    };
    Some((d_end, format!("{month}{}", digits(&day.to_string(), false))))
}

/// A date with the year last (`08-08-2008`, `08/2008`): month (or day) first, as foreign
/// forms and spreadsheets write it.
pub fn year_last_date(c: &[char], i: usize) -> Option<(usize, String)> {
    let a_end = digit_run(c, i);
    let sep = *c.get(a_end)?;
    if a_end - i != 2 || !matches!(sep, '-' | '/' | '.') {
        return None;
    }
    let b_end = digit_run(c, a_end + 1);
    let a = value(c, i, a_end);
    let year_at = |from: usize, to: usize| to - from == 4 && is_year(value(c, from, to));
    let ends_clean = |end: usize| {
        !c.get(end)
            .is_some_and(|n| n.is_ascii_digit() || matches!(n, '-' | '/' | '.' | '%'))
    };
    if year_at(a_end + 1, b_end) && (1..=12).contains(&a) && ends_clean(b_end) {
        let reading = format!(
            "{}年{}月",
            year(&text(c, a_end + 1, b_end)),
            month_or_day(a)
        );
        return Some((b_end, reading));
    }
    let b = value(c, a_end + 1, b_end);
    if b_end - a_end - 1 != 2 || c.get(b_end) != Some(&sep) {
        return None;
    }
    let y_end = digit_run(c, b_end + 1);
    if !year_at(b_end + 1, y_end) || !ends_clean(y_end) {
        return None;
    }
    let (month, day) = if a <= 12 { (a, b) } else { (b, a) };
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let y = year(&text(c, b_end + 1, y_end));
    Some((
        y_end,
        format!("{y}年{}月{}日", month_or_day(month), month_or_day(day)),
    ))
}

/// A date with a two-digit year (`12/2/2`, `26.11.20`): year digit by digit.
pub fn short_year_date(c: &[char], i: usize) -> Option<(usize, String)> {
    let y_end = digit_run(c, i);
    let sep = *c.get(y_end)?;
    if y_end - i != 2 || !matches!(sep, '/' | '.') {
        return None;
    }
    let m_end = digit_run(c, y_end + 1);
    let month = value(c, y_end + 1, m_end);
    if !(1..=2).contains(&(m_end - y_end - 1)) || !(1..=12).contains(&month) {
        return None;
    }
    if c.get(m_end) != Some(&sep) {
        return None;
    }
    let d_end = digit_run(c, m_end + 1);
    let day = value(c, m_end + 1, d_end);
    let more = c.get(d_end).is_some_and(|n| n.is_ascii_digit())
        || (c.get(d_end) == Some(&sep) && c.get(d_end + 1).is_some_and(char::is_ascii_digit));
    if !(1..=2).contains(&(d_end - m_end - 1)) || !(1..=31).contains(&day) || more {
        return None;
    }
    let y = digits(&text(c, i, y_end), false);
    Some((
        d_end,
        format!("{y}年{}月{}日", month_or_day(month), month_or_day(day)),
    ))
}

/// A year with its era in Latin letters (`2934ad`, `1234b.c.`): 公元二九三四年.
pub fn era_year(c: &[char], i: usize) -> Option<(usize, String)> {
    let end = digit_run(c, i);
    if end - i > 4 {
        return None;
    }
    let (after, era) = era_suffix(c, end)?;
    let after = if c.get(after) == Some(&'年') {
        after + 1
    } else {
        after
    };
    Some((after, format!("{era}{}年", digits(&text(c, i, end), false))))
}

/// An era written in Latin letters at `end` (after one optional space): `ad`, `a.d.`, `bc`,
/// `b.c.` in any case; its end and 公元 or 公元前.
pub fn era_suffix(c: &[char], end: usize) -> Option<(usize, &'static str)> {
    let mut j = end;
    if c.get(j) == Some(&' ') {
        j += 1;
    }
    const ERAS: &[(&str, &str)] = &[
        ("a.d.", "公元"),
        ("ad", "公元"),
        ("b.c.", "公元前"),
        ("bc", "公元前"),
    ];
    let rest: String = c[j..(j + 4).min(c.len())]
        .iter()
        .collect::<String>()
        .to_ascii_lowercase();
    let (written, era) = ERAS.iter().find(|(w, _)| rest.starts_with(w))?;
    let after = j + written.len();
    let glued = c.get(after).is_some_and(|n| n.is_ascii_alphanumeric());
    (!glued).then_some((after, *era))
}

/// A year before `年` that is not a count of years: four digits from 1000 (`1840年`), a
/// two-digit year with a leading zero (`05年`) or with a month after it (`98年3月`), any year
/// after 公元 (`公元前202年`).
pub fn is_calendar_year(c: &[char], start: usize, end: usize) -> bool {
    if !c[start..end].iter().all(char::is_ascii_digit) {
        return false;
    }
    let len = end - start;
    let v = value(c, start, end);
    let month_after = c.get(end) == Some(&'年') && {
        let m_end = digit_run(c, end + 1);
        m_end > end + 1 && c.get(m_end) == Some(&'月')
    };
    let era_before = {
        let before: String = c[start.saturating_sub(3)..start].iter().collect();
        before.ends_with("公元") || before.ends_with("公元前")
    };
    (len == 4 && (1000..=2099).contains(&v))
        || (len == 2 && (c[start] == '0' || month_after))
        || (era_before && (1..=4).contains(&len))
}

/// `am`, `a.m.`, `pm`, `p.m.` after a clock time (`8:00 a.m.`): its end and 上午 or 下午.
pub fn meridiem(c: &[char], end: usize) -> Option<(usize, &'static str)> {
    let mut j = end;
    if c.get(j) == Some(&' ') {
        j += 1;
    }
    let rest: String = c[j..(j + 4).min(c.len())]
        .iter()
        .collect::<String>()
        .to_ascii_lowercase();
    const FORMS: &[(&str, &str)] = &[
        ("a.m.", "上午"),
        ("p.m.", "下午"),
        ("am", "上午"),
        ("pm", "下午"),
    ];
    let (written, word) = FORMS.iter().find(|(w, _)| rest.starts_with(w))?;
    let after = j + written.len();
    let glued = c.get(after).is_some_and(|n| n.is_ascii_alphabetic());
    (!glued).then_some((after, *word))
}

/// A clock time and any `am`/`pm` after it (`8:00 a.m.` → 上午八点).
pub fn clock_with_meridiem(c: &[char], i: usize) -> Option<(usize, String)> {
    let (end, reading) = clock(c, i)?;
    Some(match meridiem(c, end) {
        Some((end, word)) => (end, format!("{word}{reading}")),
        None => (end, reading),
    })
}

/// A clock time `H:MM` or `H:MM:SS` at `i`: its end and reading (`2:00`→两点).
pub fn clock(c: &[char], i: usize) -> Option<(usize, String)> {
    let h_end = digit_run(c, i);
    let hour = value(c, i, h_end);
    if !(1..=2).contains(&(h_end - i)) || hour > 24 || c.get(h_end) != Some(&':') {
        return None;
    }
    let m_end = digit_run(c, h_end + 1);
    let minute = value(c, h_end + 1, m_end);
    if m_end - h_end - 1 != 2 || minute > 59 {
        return None;
    }
    let (mut end, mut second) = (m_end, None);
    if c.get(m_end) == Some(&':') {
        let s_end = digit_run(c, m_end + 1);
        let s = value(c, m_end + 1, s_end);
        if s_end - m_end - 1 == 2 && s <= 59 {
            end = s_end;
            second = Some(s);
        }
    }
    if c.get(end).is_some_and(|n| n.is_ascii_digit()) {
        return None;
    }
    Some((end, clock_reading(hour, minute, second)))
}

/// Hour, minute and second as an announcer reads them.
pub fn clock_reading(hour: u32, minute: u32, second: Option<u32>) -> String {
    let mut out = if hour == 2 {
        "两".to_owned()
    } else {
        cardinal(&hour.to_string(), Style::PLAIN)
    };
    out.push('点');
    let second = second.filter(|&s| s > 0);
    if minute > 0 || second.is_some() {
        out.push_str(&minute_reading(minute));
        out.push('分');
    }
    if let Some(s) = second {
        out.push_str(&minute_reading(s));
        out.push('秒');
    }
    out
}

/// Minutes and seconds: `5`→零五, `30`→三十.
pub fn minute_reading(n: u32) -> String {
    if n < 10 {
        format!("零{}", month_or_day(n))
    } else {
        month_or_day(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn dates_and_times() {
        assert_eq!(
            full_date(&chars("2026-12-01"), 0).map(|d| d.1),
            Some("二零二六年十二月一日".into())
        );
        assert_eq!(full_date(&chars("2026.5万"), 0), None);
        assert_eq!(
            clock(&chars("9:05"), 0).map(|d| d.1),
            Some("九点零五分".into())
        );
        assert_eq!(clock(&chars("3:2"), 0), None);
        assert_eq!(
            dotted_month_day(&chars("12.1前"), 0).map(|d| d.1),
            Some("十二月一日".into())
        );
        assert_eq!(dotted_month_day(&chars("12.1米"), 0), None);
        assert_eq!(dotted_month_day(&chars("增长12.1"), 2), None);
    }
}
