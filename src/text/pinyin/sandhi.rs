//! Tone sandhi: the tones as spoken rather than as written in the dictionary.
//!
//! - 一 is yí before a fourth (or neutral) tone and yì before the others, but stays yī
//!   when counting or numbering (十一、第一、一月、一号), at the end of a word (统一) and
//!   at the end of a run.
//! - 不 is bú before a fourth tone.
//! - Third tones in a row without a break: all but the last become second tones
//!   (你好 ní hǎo, 展览馆 zhán lán guǎn).

use super::{Syllable, Unit};

/// Characters around 一 that make it a number, not the word "one" of 一个、一起.
const NUMERIC: &str = "零〇一二两三四五六七八九十百千万亿第";
/// Characters after 一 that make it a date, a time or a count of its own.
const NUMBERED: &str = "月号日点";

/// 一 and 不 by their neighbours, on the readings of one run of characters:
/// `(character, reading, last of a multi-character word)`.
pub fn yi_bu(readings: &mut [(char, Syllable, bool)]) {
    for i in 0..readings.len() {
        let (c, ref s, word_end) = readings[i];
        let next = readings.get(i + 1).map(|(n, s, _)| (*n, s.tone()));
        let tone = match (c, s.numbered().as_str(), next) {
            ('一', "yi1", Some((n, t))) => {
                let prev = i.checked_sub(1).map(|p| readings[p].0);
                // 一点儿 is "a little", 一点 alone an hour.
                let little = n == '点' && readings.get(i + 2).is_some_and(|r| r.0 == '儿');
                let counting = prev.is_some_and(|p| NUMERIC.contains(p))
                    || NUMERIC.contains(n)
                    || (NUMBERED.contains(n) && !little);
                match (counting || word_end, t) {
                    (true, _) => continue,
                    (false, 4 | 5) => 2,
                    (false, _) => 4,
                }
            }
            ('不', "bu4", Some((_, 4))) => 2,
            _ => continue,
        };
        readings[i].1 = readings[i].1.with_tone(tone);
    }
}

/// Third-tone sandhi over a segment's units; breaks end a run.
pub fn apply(units: &mut [Unit]) {
    let mut run: Vec<usize> = Vec::new();
    for i in 0..=units.len() {
        let third = match units.get(i) {
            Some(Unit::Syllable(r)) => r.syllable.tone() == 3 && !r.erhua,
            _ => false,
        };
        if third {
            run.push(i);
            continue;
        }
        if let Some((_, rest)) = run.split_last() {
            for &k in rest {
                if let Unit::Syllable(r) = &mut units[k] {
                    r.syllable = r.syllable.with_tone(2);
                }
            }
        }
        run.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::super::{numbered, read};

    fn say(text: &str) -> String {
        numbered(&read(text)).join(" ")
    }

    #[test]
    fn yi_follows_the_next_tone_unless_counting() {
        let cases = [
            ("一个", "yi2 ge4"),
            ("一起", "yi4 qi3"),
            ("一天", "yi4 tian1"),
            ("一年", "yi4 nian2"),
            ("一定", "yi2 ding4"),
            ("第一", "di4 yi1"),
            ("十一", "shi2 yi1"),
            ("一月", "yi1 yue4"),
            ("统一", "tong3 yi1"),
            ("二零一九", "er4 ling2 yi1 jiu3"),
        ];
        for (text, want) in cases {
            assert_eq!(say(text), want, "{text}");
        }
    }

    #[test]
    fn bu_rises_before_a_fourth_tone() {
        assert_eq!(say("不要"), "bu2 yao4");
        assert_eq!(say("不能"), "bu4 neng2");
        assert_eq!(say("不"), "bu4");
    }

    #[test]
    fn third_tones_in_a_row_rise_but_not_across_a_break() {
        assert_eq!(say("你好"), "ni2 hao3");
        assert_eq!(say("展览馆"), "zhan2 lan2 guan3");
        assert_eq!(say("请，给"), "qing3 gei3");
        assert_eq!(say("水果"), "shui2 guo3");
    }
}
