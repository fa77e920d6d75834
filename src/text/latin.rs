//! Latin words in a Mandarin notice: abbreviations and brand words read as Chinese announcers
//! say them (letter by letter in capitals, so every engine spells them: GDP, CPI, APP), or by
//! their Chinese name where one is usual (WiFi → 无线网, COVID-19 → 新冠肺炎); English
//! ordinals (`2nd` → 第二) and `vs`. The station lexicon applies before this table, so a
//! station overrides any reading by adding the word to `voices/lexicon.toml`. \[core\]

use super::numbers::{self, Style};

/// Words looked up case-insensitively, with `-` and spaces between single letters ignored:
/// `wi-fi`, `Wifi` and `WiFi` are one word, `c e o` is CEO.
#[rustfmt::skip]
const WORDS: &[(&str, &str)] = &[
    // Chinese names where announcers use them.
    ("wifi", "无线网"), ("covid19", "新冠肺炎"), ("email", "电子邮件"),
    // Abbreviations spelled letter by letter: written in capitals so the engine spells them.
    ("gdp", "GDP"), ("cpi", "CPI"), ("ppi", "PPI"), ("app", "APP"), ("qq", "QQ"),
    ("ai", "AI"), ("vr", "VR"), ("ar", "AR"), ("atm", "ATM"), ("ufo", "UFO"), ("nba", "NBA"),
    ("cba", "CBA"), ("gpu", "GPU"), ("cpu", "CPU"), ("ceo", "CEO"), ("wto", "WTO"),
    ("mvp", "MVP"), ("vip", "VIP"), ("iq", "IQ"), ("eq", "EQ"), ("mba", "MBA"), ("etc", "ETC"),
    ("ppt", "PPT"), ("pdf", "PDF"), ("usb", "USB"), ("sim", "SIM"), ("dna", "DNA"),
    ("ct", "CT"), ("icu", "ICU"), ("ktv", "KTV"), ("led", "LED"), ("gps", "GPS"),
    ("tv", "TV"), ("cctv", "CCTV"), ("id", "ID"), ("ok", "OK"), ("pk", "PK"), ("diy", "DIY"),
    ("suv", "SUV"), ("sos", "SOS"), ("hiv", "HIV"), ("ic", "IC"),
    ("lpr", "LPR"), ("ems", "EMS"), ("pos", "POS"), ("wlan", "WLAN"), ("ip", "IP"),
    ("www", "三W"),
];

/// A Latin word starting at `i` (not in the middle of one) and its reading, if the table
/// has it: the end of the word and what to say.
pub fn word_at(c: &[char], i: usize) -> Option<(usize, String)> {
    if i > 0 && c[i - 1].is_ascii_alphanumeric() {
        return None;
    }
    let (end, key) = spaced_letters(c, i).or_else(|| run(c, i))?;
    if c.get(end).is_some_and(|n| n.is_ascii_alphanumeric()) {
        return None;
    }
    WORDS
        .iter()
        .find(|(w, _)| *w == key)
        .map(|(_, spoken)| (end, (*spoken).to_owned()))
}

/// Letters and digits, with `-` between them (`COVID-19`, `Wi-Fi`): the end and the key.
fn run(c: &[char], i: usize) -> Option<(usize, String)> {
    let mut key = String::new();
    let mut j = i;
    // No word of the table is longer than this; stopping here keeps `a-b-c-…` linear.
    while let Some(&ch) = c.get(j).filter(|_| j - i <= 16) {
        let joins = ch == '-' && j > i && c.get(j + 1).is_some_and(|n| n.is_ascii_alphanumeric());
        if ch.is_ascii_alphanumeric() {
            key.push(ch.to_ascii_lowercase());
        } else if !joins {
            break;
        }
        j += 1;
    }
    (!key.is_empty() && key.starts_with(|k: char| k.is_ascii_alphabetic())).then_some((j, key))
}

/// `c e o`: single letters with one space between, at least three.
fn spaced_letters(c: &[char], i: usize) -> Option<(usize, String)> {
    let mut key = String::new();
    let mut j = i;
    while j - i <= 16
        && c.get(j).is_some_and(char::is_ascii_alphabetic)
        && !c.get(j + 1).is_some_and(char::is_ascii_alphanumeric)
    {
        key.push(c[j].to_ascii_lowercase());
        j += 1;
        if c.get(j) == Some(&' ') && c.get(j + 1).is_some_and(char::is_ascii_alphabetic) {
            j += 1;
        } else {
            break;
        }
    }
    (key.len() >= 3 && WORDS.iter().any(|(w, _)| *w == key)).then_some((j, key))
}

/// `1st`, `2nd`, `23rd`, `4th` at `i`: 第一, 第二 ….
pub fn english_ordinal(c: &[char], i: usize) -> Option<(usize, String)> {
    let end = super::datetime::digit_run(c, i);
    let suffix: String = c[end..(end + 2).min(c.len())]
        .iter()
        .collect::<String>()
        .to_ascii_lowercase();
    let glued = c.get(end + 2).is_some_and(|n| n.is_ascii_alphanumeric());
    if !["st", "nd", "rd", "th"].contains(&suffix.as_str()) || glued || end - i > 4 {
        return None;
    }
    let n: String = c[i..end].iter().collect();
    Some((
        end + 2,
        format!("第{}", numbers::cardinal(&n, Style::ORDINAL)),
    ))
}

/// `vs` between two numbers is 比 (`3vs1`), elsewhere 对 (`中国vs日本`): the end and the word.
pub fn versus(c: &[char], i: usize) -> Option<(usize, &'static str)> {
    let word: String = c[i..(i + 2).min(c.len())].iter().collect();
    let dotted = c.get(i + 2) == Some(&'.');
    let end = i + 2 + usize::from(dotted);
    if !word.eq_ignore_ascii_case("vs")
        || (i > 0 && c[i - 1].is_ascii_alphabetic())
        || c.get(end).is_some_and(|n| n.is_ascii_alphabetic())
    {
        return None;
    }
    let digit = |k: Option<&char>| k.is_some_and(char::is_ascii_digit);
    let before = c[..i].iter().rev().find(|&&ch| ch != ' ');
    let after = c[end..].iter().find(|&&ch| ch != ' ');
    Some((
        end,
        if digit(before) && digit(after) {
            "比"
        } else {
            "对"
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(s: &str) -> Option<String> {
        let c: Vec<char> = s.chars().collect();
        word_at(&c, 0).map(|(_, r)| r)
    }

    #[test]
    fn the_table_ignores_case_dashes_and_spaced_letters() {
        assert_eq!(read("WiFi"), Some("无线网".into()));
        assert_eq!(read("Wi-Fi"), Some("无线网".into()));
        assert_eq!(read("COVID-19"), Some("新冠肺炎".into()));
        assert_eq!(read("gdp"), Some("GDP".into()));
        assert_eq!(read("c e o"), Some("CEO".into()));
        assert_eq!(read("Windows"), None);
        assert_eq!(read("GDPR"), None);
    }
}
