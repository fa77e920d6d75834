//! Numerals → Chinese readings: cardinals with 零 and 万/亿 grouping, 两 where an announcer
//! says it, decimals, and digit-by-digit strings. Pure string work. \[core\]

/// How 两 is used in a cardinal reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    /// 两 for a 2 in the 千 place and for a bare 2 before 万/亿 (`2000`→两千, `2万`→两万).
    pub liang_big: bool,
    /// 两 when the whole number is 2 (`2个`→两个).
    pub liang_unit: bool,
}

impl Style {
    /// Counting things: `2个`→两个, `2000人`→两千人.
    pub const COUNT: Style = Style {
        liang_big: true,
        liang_unit: true,
    };
    /// A plain quantity: `2`→二, `2000`→两千.
    pub const PLAIN: Style = Style {
        liang_big: true,
        liang_unit: false,
    };
    /// Ordinals, numbering, months and days: always 二.
    pub const ORDINAL: Style = Style {
        liang_big: false,
        liang_unit: false,
    };
}

const DIGITS: [char; 10] = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/// The reading of one ASCII digit; `yao` reads 1 as 幺 (phone numbers, rooms).
pub fn digit(d: char, yao: bool) -> char {
    match d {
        '1' if yao => '幺',
        '0'..='9' => DIGITS[(d as u8 - b'0') as usize],
        other => other,
    }
}

/// Reads `digits` one by one (`0543`→零五四三); non-digits pass through.
pub fn digits(digits: &str, yao: bool) -> String {
    digits.chars().map(|d| digit(d, yao)).collect()
}

/// Reads an ASCII digit string as a cardinal. Leading zeros are ignored; strings too long for
/// 万亿 grouping (over 16 significant digits) are read digit by digit.
pub fn cardinal(digits_str: &str, style: Style) -> String {
    let trimmed = digits_str.trim_start_matches('0');
    if trimmed.is_empty() {
        return "零".into();
    }
    if trimmed.len() > 16 {
        return digits(trimmed, false);
    }
    let n: u64 = trimmed.parse().unwrap_or(0);
    if n == 2 && style.liang_unit {
        return "两".into();
    }
    let mut out = String::new();
    read(n, true, style, &mut out);
    out
}

/// Reads `n` (> 0) into `out`; `leading` says it starts the whole number (`十` not `一十`).
fn read(n: u64, leading: bool, style: Style, out: &mut String) {
    for (unit, name) in [(100_000_000u64, '亿'), (10_000, '万')] {
        if n >= unit {
            let (high, low) = (n / unit, n % unit);
            if high == 2 && style.liang_big {
                out.push('两');
            } else {
                read(high, leading, style, out);
            }
            out.push(name);
            if low > 0 {
                if low < unit / 10 {
                    out.push('零');
                }
                read(low, false, style, out);
            }
            return;
        }
    }
    read4(n, leading, style, out);
}

/// Reads 1..=9999.
fn read4(n: u64, leading: bool, style: Style, out: &mut String) {
    let places = [(1000, '千'), (100, '百'), (10, '十')];
    let mut zero = false;
    let mut started = false;
    for (unit, name) in places {
        let d = (n / unit % 10) as usize;
        if d == 0 {
            zero = started;
            continue;
        }
        if zero {
            out.push('零');
            zero = false;
        }
        let skip_one = unit == 10 && d == 1 && leading && !started;
        if !skip_one {
            out.push(if d == 2 && unit == 1000 && style.liang_big {
                '两'
            } else {
                DIGITS[d]
            });
        }
        out.push(name);
        started = true;
    }
    let ones = (n % 10) as usize;
    if ones > 0 {
        if zero {
            out.push('零');
        }
        out.push(DIGITS[ones]);
    }
}

/// Reads `int.frac` as a decimal: the integer part as a cardinal, the fraction digit by digit
/// after 点 (`40.41`→四十点四一).
pub fn decimal(int: &str, frac: &str, style: Style) -> String {
    let style = Style {
        liang_unit: false,
        ..style
    };
    let mut out = cardinal(int, style);
    out.push('点');
    out.push_str(&digits(frac, false));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(n: &str, style: Style, want: &str) {
        assert_eq!(cardinal(n, style), want, "cardinal({n})");
    }

    #[test]
    fn cardinals() {
        let rows = [
            ("0", "零"),
            ("7", "七"),
            ("10", "十"),
            ("11", "十一"),
            ("20", "二十"),
            ("100", "一百"),
            ("101", "一百零一"),
            ("110", "一百一十"),
            ("119", "一百一十九"),
            ("1001", "一千零一"),
            ("1010", "一千零一十"),
            ("1100", "一千一百"),
            ("2000", "两千"),
            ("2222", "两千二百二十二"),
            ("10000", "一万"),
            ("10001", "一万零一"),
            ("10010", "一万零一十"),
            ("10100", "一万零一百"),
            ("12000", "一万两千"),
            ("20000", "两万"),
            ("30105", "三万零一百零五"),
            ("100000", "十万"),
            ("110000", "十一万"),
            ("1000000", "一百万"),
            ("20000000", "两千万"),
            ("100000000", "一亿"),
            ("100010000", "一亿零一万"),
            ("200000000", "两亿"),
            ("1000000000000", "一万亿"),
            ("007", "七"),
        ];
        for (n, want) in rows {
            check(n, Style::PLAIN, want);
        }
    }

    #[test]
    fn liang_follows_the_style() {
        check("2", Style::COUNT, "两");
        check("2", Style::PLAIN, "二");
        check("2000", Style::ORDINAL, "二千");
        check("22", Style::COUNT, "二十二");
        check("12", Style::COUNT, "十二");
    }

    #[test]
    fn decimals_and_digits() {
        assert_eq!(decimal("40", "41", Style::PLAIN), "四十点四一");
        assert_eq!(decimal("2", "5", Style::COUNT), "二点五");
        assert_eq!(decimal("0", "05", Style::PLAIN), "零点零五");
        assert_eq!(digits("0543", true), "零五四三");
        assert_eq!(digits("12345", true), "幺二三四五");
        assert_eq!(digits("2031", false), "二零三一");
    }
}
