//! Character classes and the first normalization pass: full-width digits, letters and
//! numeric symbols folded to ASCII, whitespace collapsed. Chinese characters and Chinese
//! punctuation are never touched here. \[core\]

/// A CJK ideograph (basic block, extension A, compatibility ideographs) or 〇.
pub fn is_cjk(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}' | '〇')
}

/// Chinese and Latin marks that end a sentence.
pub fn is_sentence_end(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '!' | '?' | '；' | ';' | '…')
}

/// Marks inside a sentence where a long sentence may be split.
pub fn is_clause_mark(c: char) -> bool {
    matches!(c, '，' | ',' | '、' | '：' | ':' | '—')
}

/// Closing quotes and brackets that belong to the sentence before them.
pub fn is_closing(c: char) -> bool {
    matches!(
        c,
        '”' | '’' | '」' | '』' | '）' | ')' | '】' | '》' | '〕' | '"' | '\''
    )
}

/// Range marks between two numbers, read 至.
pub fn is_range_mark(c: char) -> bool {
    matches!(c, '-' | '—' | '–' | '~' | '～' | '〜' | '－')
}

/// Whitespace, including no-break and ideographic spaces.
fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{00A0}' || c == '\u{3000}' || c == '\u{FEFF}'
}

/// Folds a full-width ASCII variant (`０`, `Ａ`, `％`) to ASCII when it is a digit, a letter, or
/// a symbol that takes part in numbers; other full-width punctuation (`，`, `：`, `（`) stays.
fn fold(c: char, digit_before: bool, digit_after: bool) -> char {
    let code = c as u32;
    if !(0xFF01..=0xFF5E).contains(&code) {
        return match c {
            '−' | '﹣' => '-',
            // The ratio sign of `1∶1000` between digits reads like an ASCII colon.
            '∶' if digit_before && digit_after => ':',
            _ => c,
        };
    }
    let ascii = char::from_u32(code - 0xFEE0).unwrap_or(c);
    if ascii.is_ascii_alphanumeric() || matches!(ascii, '%' | '+' | '=' | '#' | '$') {
        return ascii;
    }
    // `９：３０` is a time, but the colon in `电话：０５４３` is Chinese punctuation.
    if digit_before && digit_after && matches!(ascii, '.' | ':' | '/') {
        return ascii;
    }
    if digit_after && matches!(ascii, '-' | '~') {
        return ascii;
    }
    c
}

/// Circled and parenthesized numbers (`①`, `⑴`) as digits.
fn circled(c: char) -> Option<u32> {
    match c {
        '①'..='⑳' => Some(c as u32 - '①' as u32 + 1),
        '⑴'..='⒇' => Some(c as u32 - '⑴' as u32 + 1),
        '❶'..='❿' => Some(c as u32 - '❶' as u32 + 1),
        _ => None,
    }
}

/// Roman numerals `Ⅰ`–`Ⅻ` (and lowercase) as numbers.
fn roman(c: char) -> Option<u32> {
    match c {
        'Ⅰ'..='Ⅻ' => Some(c as u32 - 'Ⅰ' as u32 + 1),
        'ⅰ'..='ⅻ' => Some(c as u32 - 'ⅰ' as u32 + 1),
        _ => None,
    }
}

/// The first pass: folds full-width forms, spells circled numbers as digits, collapses runs of
/// whitespace to one space, drops spaces between a digit and a Chinese character, and trims.
pub fn prepare(line: &str) -> Vec<char> {
    let raw: Vec<char> = line.chars().collect();
    let is_digitish =
        |c: Option<&char>| c.is_some_and(|c| c.is_ascii_digit() || ('０'..='９').contains(c));
    let mut out: Vec<char> = Vec::with_capacity(raw.len());
    for (i, &c) in raw.iter().enumerate() {
        if let Some(n) = circled(c) {
            out.extend(n.to_string().chars());
            continue;
        }
        if let Some(n) = roman(c) {
            // Roman numerals number things (Ⅱ级, 第Ⅲ期): always 二, never 两.
            out.extend(
                super::numbers::cardinal(&n.to_string(), super::numbers::Style::ORDINAL).chars(),
            );
            continue;
        }
        if is_pictograph(c) {
            continue;
        }
        if is_space(c) {
            if out.last().is_some_and(|&p| p != ' ') {
                out.push(' ');
            }
            continue;
        }
        let before = is_digitish(i.checked_sub(1).and_then(|p| raw.get(p)));
        let after = is_digitish(raw.get(i + 1));
        out.push(fold(c, before, after));
    }
    while out.last() == Some(&' ') {
        out.pop();
    }
    drop_spaces_at_numbers(out)
}

/// `共 5 人` → `共5人`: a space between a digit and a Chinese character is layout, not speech.
fn drop_spaces_at_numbers(chars: Vec<char>) -> Vec<char> {
    let mut out = Vec::with_capacity(chars.len());
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' {
            let prev = out.last().copied();
            let next = chars.get(i + 1).copied();
            let digit_cjk = |a: Option<char>, b: Option<char>| {
                a.is_some_and(|a: char| a.is_ascii_digit())
                    && b.is_some_and(|b| is_cjk(b) || is_sign(b))
            };
            // `1 / 2`, `2 = 1 + 1`: spaces around an operator between numbers.
            let digit_op = |a: Option<char>, b: Option<char>| {
                a.is_some_and(|a: char| a.is_ascii_digit())
                    && b.is_some_and(|b| "=+/×÷≤≥<>".contains(b))
            };
            if digit_cjk(prev, next)
                || digit_cjk(next, prev)
                || digit_op(prev, next)
                || digit_op(next, prev)
            {
                continue;
            }
        }
        out.push(c);
    }
    out
}

/// Emoji, dingbats and decorative shapes (`🔥`, `✅`, `★`, `■`): some engines read their
/// names aloud, none reads them usefully.
fn is_pictograph(c: char) -> bool {
    matches!(c,
        '\u{1F000}'..='\u{1FAFF}'
        | '\u{2600}'..='\u{27BF}'
        | '\u{25A0}'..='\u{25FF}'
        | '\u{2B00}'..='\u{2BFF}'
        | '\u{FE0F}'
        | '\u{200D}')
}

/// Signs that are part of a quantity (`%`, `℃`, …) rather than text.
fn is_sign(c: char) -> bool {
    matches!(c, '%' | '‰' | '℃' | '°')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prep(s: &str) -> String {
        prepare(s).into_iter().collect()
    }

    #[test]
    fn full_width_digits_fold_punctuation_stays() {
        assert_eq!(prep("１２３，ＡＢ％"), "123，AB%");
        assert_eq!(prep("９：３０"), "9:30");
        assert_eq!(prep("时间：上午"), "时间：上午");
    }

    #[test]
    fn spaces_collapse_and_leave_numbers() {
        assert_eq!(prep("  共 5 人\u{3000}\u{3000}参加 "), "共5人 参加");
        assert_eq!(prep("Windows 10"), "Windows 10");
        assert_eq!(prep("①请"), "1请");
        assert_eq!(prep("Ⅱ类Ⅻ"), "二类十二");
        assert_eq!(prep("🔥重要通知✅★"), "重要通知");
    }
}
