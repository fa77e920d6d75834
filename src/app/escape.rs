//! Strings from files and users, made safe to print: control characters (ESC, BEL, CR, the
//! other C0 and C1 codes, DEL) and bidirectional overrides are shown as escapes, so a title
//! cannot move the cursor, ring the bell, retitle the terminal, overwrite a line or reverse
//! what follows it. Spreadsheet formulas are defused in CSV cells. One place, used by every
//! command that prints such a string.

use std::borrow::Cow;

/// `s` for one field on one line: every control character, newlines included, escaped.
pub(super) fn line(s: &str) -> Cow<'_, str> {
    escape(s, false)
}

/// `s` as a block of lines: newlines kept, every other control character escaped.
pub(super) fn text(s: &str) -> Cow<'_, str> {
    escape(s, true)
}

/// `s` as a CSV cell's content: escaped as [`line`], and a cell that a spreadsheet would run
/// as a formula (starting with `=`, `+`, `-`, `@`, tab or CR) gets a leading `'`.
pub(super) fn csv_cell(s: &str) -> String {
    let shown = line(s);
    if shown.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{shown}")
    } else {
        shown.into_owned()
    }
}

/// Whether `c` must not reach a terminal as itself.
fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c,
            // Bidirectional embeddings, overrides and isolates, and the marks.
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}'
            // Line and paragraph separators end a line in some terminals.
            | '\u{2028}' | '\u{2029}')
}

fn escape(s: &str, keep_newlines: bool) -> Cow<'_, str> {
    let needs = |c: char| is_unsafe(c) && !(keep_newlines && c == '\n');
    if !s.chars().any(needs) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            c if !needs(c) => out.push(c),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x100 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn terminal_controls_are_escaped() {
        assert_eq!(
            line("停水\x1b]0;pwned\x07通知"),
            "停水\\x1b]0;pwned\\x07通知"
        );
        assert_eq!(line("a\rb\nc\u{9b}d"), "a\\rb\\nc\\x9bd");
        assert_eq!(line("\u{202e}txt.exe"), "\\u{202e}txt.exe");
        assert_eq!(text("一\n二\r"), "一\n二\\r");
        assert!(matches!(line("各位村民：停水 8:30"), Cow::Borrowed(_)));
    }

    #[test]
    fn csv_cells_that_would_be_formulas_are_defused() {
        assert_eq!(
            csv_cell("=HYPERLINK(\"http://x\")"),
            "'=HYPERLINK(\"http://x\")"
        );
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("-1+2"), "'-1+2");
        assert_eq!(csv_cell("王书记"), "王书记");
    }

    proptest! {
        #[test]
        fn nothing_unsafe_survives(s in "\\PC*|[\\x00-\\x20\\x7f-\\x9f\u{202a}-\u{202e}a-z]*") {
            prop_assert!(!line(&s).chars().any(is_unsafe));
            prop_assert!(!text(&s).chars().any(|c| is_unsafe(c) && c != '\n'));
        }
    }
}
