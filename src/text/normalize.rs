//! The reader: walks a line left to right and replaces every number, symbol and unit with what
//! an announcer would say, deciding each reading from the words around it. Pure. \[core\]
//!
//! Stage order for each number, first match wins: full dates → clock times → phone numbers
//! and other digit strings → ratios → list markers → fractions → `M.D` dates → the number
//! itself, read according to what follows it (percent, unit, year, month, measure word,
//! numbering word) and what precedes it (第, 电话, a Latin letter, a `+` in a code name).

use super::chars::{self, is_cjk, is_range_mark};
use super::datetime::{self, digit_run};
use super::dial::SERVICE_NUMBERS;
use super::latin;
use super::numbers::{self, Style};
use super::units::{self, APPROX, MEASURES, NUMBERING, Unit, starts_with_any};

/// Normalizes prepared characters (see [`chars::prepare`]) into speakable text.
pub fn read(c: &[char]) -> String {
    let mut r = Reader {
        c,
        out: String::with_capacity(c.len() * 3),
        i: 0,
        last_num_end: usize::MAX,
        last_code: false,
        quotes: std::cell::Cell::new(Quotes::default()),
        year_at: None,
    };
    while r.i < c.len() {
        r.step();
    }
    // Belt and braces: no digit may reach the engine, whatever the rules above missed.
    if r.out.bytes().any(|b| b.is_ascii_digit()) {
        return r.out.chars().map(|d| numbers::digit(d, false)).collect();
    }
    r.out
}

/// A rule that may claim the digits at an index: the end of what it read and the reading.
type Recognizer<'r> = fn(&Reader<'r>, usize) -> Option<(usize, String)>;

pub(super) struct Reader<'a> {
    pub(super) c: &'a [char],
    out: String,
    i: usize,
    /// Index just after the last number (and the unit it consumed).
    last_num_end: usize,
    /// The last number was part of a code (`LS-2026-001`): a dash after it is not a range.
    last_code: bool,
    /// Quotation marks counted so far (see `in_quotes`).
    pub(super) quotes: std::cell::Cell<Quotes>,
    /// Where in `out` the last year's reading starts, for an era written after the date
    /// (`1823年3月bc`).
    year_at: Option<usize>,
}

/// Quotation marks before a position, counted once as the reader moves on.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Quotes {
    /// Characters counted: `c[..upto]`.
    pub(super) upto: usize,
    pub(super) open: usize,
    pub(super) close: usize,
    pub(super) ascii: usize,
}

/// What follows a number, as far as its reading is concerned.
#[derive(Debug, Clone, Copy, PartialEq)]
enum After {
    Percent,
    Permille,
    Unit(&'static Unit),
    /// 年 (or 届, 级 …) after a four-digit year.
    Year,
    /// 月, 日, 号 and other numbering words: read with 二.
    Numbering,
    /// A measure word, magnitude or approximation: `2`→两.
    Measure,
    /// 室/房 after three or more digits: read digit by digit.
    Room,
    /// 分/秒 right after an hour: minutes keep a leading 零.
    Minute,
    /// A Latin letter (`5G`).
    Letter,
    Other,
}

const YEAR_WORDS: &[&str] = &["年", "届", "级", "版", "款", "赛季"];
const YEAR_SPAN_BEFORE: &[char] = &['近', '约', '共', '历', '达', '有', '经', '过', '逾', '超'];

impl Reader<'_> {
    pub(super) fn at(&self, i: usize) -> Option<char> {
        self.c.get(i).copied()
    }

    pub(super) fn prev(&self, i: usize) -> Option<char> {
        i.checked_sub(1).and_then(|p| self.at(p))
    }

    fn step(&mut self) {
        let c = self.c[self.i];
        if c.is_ascii_digit() {
            return self.number(false);
        }
        let next_digit = self.at(self.i + 1).is_some_and(|n| n.is_ascii_digit());
        if is_range_mark(c) && self.is_range_here() {
            self.out.push('至');
            self.i += 1;
            while self.at(self.i) == Some(' ') {
                self.i += 1;
            }
            return;
        }
        if c == '-' && next_digit && self.is_minus() {
            self.i += 1;
            return self.number(true);
        }
        if let Some(name) = units::currency(c).filter(|_| next_digit) {
            return self.money(name, 1);
        }
        if c.is_ascii_alphabetic() && self.latin() {
            return;
        }
        let word_start = !self.prev(self.i).is_some_and(|p| p.is_ascii_alphanumeric());
        if let Some((len, name)) = units::currency_code(&self.c[self.i..]).filter(|_| word_start) {
            return self.money(name, len);
        }
        self.symbol(c);
    }

    /// A Latin word of the reading table, or `vs`, at `self.i`: read and stepped over.
    fn latin(&mut self) -> bool {
        // `1823年3月bc`: the era belongs before the whole date.
        let after_date = self.prev(self.i).is_some_and(|p| "年月日号".contains(p));
        if let Some(at) = self.year_at.filter(|_| after_date)
            && let Some((end, era)) = datetime::era_suffix(self.c, self.i)
        {
            self.out.insert_str(at, era);
            self.i = end;
            self.year_at = None;
            return true;
        }
        let found = latin::word_at(self.c, self.i)
            .or_else(|| latin::versus(self.c, self.i).map(|(end, word)| (end, word.to_owned())));
        let Some((end, reading)) = found else {
            return false;
        };
        // `比` joins two numbers without the spaces around `vs`.
        if reading == "比" {
            while self.out.ends_with(' ') {
                self.out.pop();
            }
        }
        self.out.push_str(&reading);
        self.i = end;
        while reading == "比" && self.at(self.i) == Some(' ') {
            self.i += 1;
        }
        true
    }

    /// A character that is not the start of a number.
    fn symbol(&mut self, c: char) {
        let i = self.i;
        self.i += 1;
        let (prev, next) = (self.prev(i), self.at(i + 1));
        let near_digit =
            prev.is_some_and(|p| p.is_ascii_digit()) || next.is_some_and(|n| n.is_ascii_digit());
        let word = match c {
            '-' | '—' | '–' | '~' | '～' if self.is_weekday_range(i) => "至",
            // `+86`: a sign before a number says nothing; elsewhere `+` is 加.
            '+' if next.is_some_and(|n| n.is_ascii_digit())
                && !prev.is_some_and(|p| p.is_alphanumeric()) =>
            {
                ""
            }
            '+' => "加",
            // `-百分之1`: a minus sign before a number written in words.
            '-' if !prev.is_some_and(|p| p.is_alphanumeric())
                && ["百分之", "千分之", "万分之"].iter().any(|w| {
                    let w: Vec<char> = w.chars().collect();
                    self.c[i + 1..].starts_with(&w)
                }) =>
            {
                "负"
            }
            '=' => "等于",
            '×' if near_digit => "乘",
            '÷' => "除以",
            '±' => "正负",
            '≥' => "大于等于",
            '≤' => "小于等于",
            '>' if near_digit => "大于",
            '<' if near_digit => "小于",
            '&' => "和",
            '@' => "艾特",
            '.' if prev.is_some_and(|p| p.is_ascii_alphanumeric())
                && next.is_some_and(|n| n.is_ascii_alphabetic()) =>
            {
                "点"
            }
            // Read aloud by engines as "tilde", "asterisk", "hash": say nothing instead.
            '~' | '～' | '*' | '＊' | '^' | '\\' | '_' => "",
            '#' | '＃' if !prev.is_some_and(|p| p.is_ascii_digit()) => "",
            '#' if prev.is_some_and(|p| p.is_ascii_digit()) => "号",
            '%' | '‰' => return self.stray_percent(c),
            '℃' => "摄氏度",
            '/' => return self.slash(i),
            // `LS-2026-001`: a dash inside a code is a short pause.
            '-' if self.last_code && prev.is_some_and(|p| p.is_ascii_digit()) => "，",
            '-' if prev.is_some_and(|p| p.is_ascii_alphabetic())
                && next.is_some_and(|n| n.is_ascii_digit()) =>
            {
                ""
            }
            _ => {
                self.out.push(c);
                return;
            }
        };
        self.out.push_str(word);
    }

    /// A percent sign after a number written in Chinese (`五十%`): 百分之五十.
    fn stray_percent(&mut self, c: char) {
        let prefix = if c == '%' { "百分之" } else { "千分之" };
        let run: String = self
            .out
            .chars()
            .rev()
            .take_while(|&d| "零〇一二三四五六七八九十百千万亿点两".contains(d))
            .collect();
        if run.is_empty() {
            self.out
                .push_str(if c == '%' { "百分号" } else { "千分号" });
            return;
        }
        let at = self.out.len() - run.len();
        self.out.insert_str(at, prefix);
    }

    /// `周一-周五`, `星期一~星期五`: a range of weekdays.
    fn is_weekday_range(&self, i: usize) -> bool {
        let day = |c: Option<char>| c.is_some_and(|c| "一二三四五六日天".contains(c));
        let week_before = i >= 2 && matches!(self.c[i - 2], '周' | '期') && day(self.prev(i));
        let week_after = matches!(self.at(i + 1), Some('周' | '星'));
        week_before && week_after
    }

    /// `元/斤` → 元每斤; `日报/网` → 日报、网; anything else stays.
    fn slash(&mut self, i: usize) {
        let prev = self.prev(i);
        let next = self.at(i + 1);
        let word_next = next.is_some_and(|n| is_cjk(n) || n.is_ascii_alphabetic());
        let after_number =
            self.last_num_end != usize::MAX && self.last_num_end <= i && i - self.last_num_end <= 2;
        if let Some(u) = units::unit_at(&self.c[i + 1..]).filter(|_| after_number) {
            self.out.push('每');
            self.out.push_str(u.spoken);
            self.i = i + 1 + u.written.chars().count();
        } else if after_number && word_next {
            self.out.push('每');
        } else if prev.is_some_and(|p| is_cjk(p) || p.is_ascii_digit())
            && next.is_some_and(|n| is_cjk(n) || n.is_ascii_digit())
        {
            // `日报/网`, `3166666/3166667`: alternatives, read with a short pause.
            self.out.push('、');
        } else {
            // Engines say "slash"; a space keeps the words apart without it.
            self.out.push(' ');
        }
    }

    /// A range mark here joins two numbers (`3—4级`, `9:00-17:00`, `3日-5日`).
    fn is_range_here(&self) -> bool {
        let mut j = self.i + 1;
        while self.at(j) == Some(' ') {
            j += 1;
        }
        let digit_follows = self.at(j).is_some_and(|n| n.is_ascii_digit())
            || (self.at(j) == Some('-') && self.at(j + 1).is_some_and(|n| n.is_ascii_digit()));
        if !digit_follows
            || self.last_code
            || self.last_num_end == usize::MAX
            || self.last_num_end > self.i
        {
            return false;
        }
        let mut k = self.i;
        while k > 0 && self.c[k - 1] == ' ' {
            k -= 1;
        }
        let gap = &self.c[self.last_num_end..k];
        // `-10℃至-5℃`: after 至 the dash is a minus sign, not a second range mark.
        gap.len() <= 2
            && gap
                .iter()
                .all(|&g| is_cjk(g) && !"至到或和及与比为".contains(g))
    }

    /// A `-` before a digit is a minus sign unless it follows a word or a number.
    fn is_minus(&self) -> bool {
        !self
            .prev(self.i)
            .is_some_and(|p| p.is_ascii_alphanumeric() || matches!(p, '%' | '‰' | '℃' | '°'))
    }

    /// `¥12.5` → 十二点五元; `len` is the length of the sign or code before the amount.
    fn money(&mut self, name: &str, len: usize) {
        self.i += len;
        let start = self.i;
        let num = Num::parse(self.c, start);
        let style = Style::COUNT;
        let reading = num.plain(style);
        self.out.push_str(&reading);
        self.i = num.end;
        while let Some(m @ ('万' | '亿' | '千')) = self.at(self.i) {
            self.out.push(m);
            self.i += 1;
        }
        if !matches!(self.at(self.i), Some('元')) {
            self.out.push_str(name);
        }
        self.last_num_end = self.i;
    }

    /// A number starting at `self.i`; `negative` when a minus sign came before it.
    fn number(&mut self, negative: bool) {
        let i = self.i;
        let recognizers: [Recognizer<'_>; 14] = [
            |r, i| datetime::full_date(r.c, i),
            |r, i| datetime::year_last_date(r.c, i),
            |r, i| datetime::short_year_date(r.c, i),
            |r, i| datetime::era_year(r.c, i),
            |r, i| latin::english_ordinal(r.c, i),
            |r, i| datetime::named_day(r.c, i),
            |r, i| datetime::padded_month_day(r.c, i),
            Self::score,
            |r, i| datetime::clock_with_meridiem(r.c, i),
            Self::phone,
            Self::ratio,
            Self::list_marker,
            Self::fraction,
            |r, i| datetime::dotted_month_day(r.c, i),
        ];
        // `-1/3` → 负三分之一.
        if negative && let Some((end, reading)) = self.fraction(i) {
            self.out.push('负');
            self.out.push_str(&reading);
            self.i = end;
            self.last_num_end = end;
            return;
        }
        if !negative {
            for recognize in recognizers {
                if let Some((end, reading)) = recognize(self, i) {
                    self.last_code = false;
                    self.out.push_str(&reading);
                    self.i = end;
                    self.last_num_end = end;
                    return;
                }
            }
        }
        let num = Num::parse(self.c, i);
        self.last_code = self.letter_attached(&num).is_some();
        let (after, own) = self.after_of(&num);
        let reading = self.quantity(&num, after, negative);
        if after == After::Year {
            self.year_at = Some(self.out.len());
        }
        self.out.push_str(&reading);
        self.i = num.end;
        if own {
            self.consume_unit(after);
        }
        // `300w张`: a lowercase w is 万 in casual writing.
        if self.at(self.i) == Some('w')
            && !self.at(self.i + 1).is_some_and(|n| n.is_ascii_alphabetic())
        {
            self.out.push('万');
            self.i += 1;
        }
        // `3.2万m²`: a unit after the magnitude.
        if matches!(self.at(self.i), Some('万' | '亿' | '千'))
            && let Some(u) = units::unit_at(&self.c[self.i + 1..])
        {
            self.out.push(self.c[self.i]);
            self.out.push_str(u.spoken);
            self.i += 1 + u.written.chars().count();
        }
        self.last_num_end = self.i;
    }

    /// Steps over the unit or percent sign the reading already said.
    fn consume_unit(&mut self, after: After) {
        if let After::Unit(u) = after {
            while self.at(self.i) == Some(' ') {
                self.i += 1;
            }
            self.i += u.written.chars().count();
            self.out.push_str(u.spoken);
        } else if matches!(after, After::Percent | After::Permille) {
            self.i += 1;
        }
    }

    /// The context after `num`; when a range follows (`2-3%`, `1—5月`), the context after the
    /// range's second number. The flag says whether the context is the number's own (a unit to consume) or
    /// borrowed from the end of a range.
    fn after_of(&self, num: &Num) -> (After, bool) {
        let own = self.after(num.end, num);
        if own != After::Other {
            return (own, true);
        }
        let Some(mark) = self.at(num.end) else {
            return (own, true);
        };
        if !(is_range_mark(mark) || mark == '至' || mark == '到') {
            return (own, true);
        }
        let mut j = num.end + 1;
        if self.at(j) == Some('-') {
            j += 1;
        }
        if !self.at(j).is_some_and(|d| d.is_ascii_digit()) {
            return (own, true);
        }
        let second = Num::parse(self.c, j);
        match self.after(second.end, &second) {
            After::Room | After::Minute | After::Letter => (own, true),
            // `2026-2027年`: both ends are years only when the first is four digits too.
            After::Year if !num.is_year_like() => (own, true),
            other => (other, false),
        }
    }

    fn after(&self, end: usize, num: &Num) -> After {
        let mut j = end;
        if self.at(j) == Some(' ') && self.at(j + 1).is_some_and(|n| !is_cjk(n)) {
            j += 1;
        }
        let rest = &self.c[j.min(self.c.len())..];
        match rest.first() {
            Some('%') => return After::Percent,
            Some('‰') => return After::Permille,
            _ => {}
        }
        if let Some(u) = units::unit_at(rest) {
            return After::Unit(u);
        }
        let rest = &self.c[end.min(self.c.len())..];
        let calendar = num.frac.is_none()
            && (num.is_year_like() || datetime::is_calendar_year(self.c, num.start, num.end));
        if calendar
            && starts_with_any(rest, YEAR_WORDS).is_some()
            && !self
                .prev(num.start)
                .is_some_and(|p| YEAR_SPAN_BEFORE.contains(&p))
        {
            return After::Year;
        }
        if num.frac.is_none() && num.int.len() >= 3 && matches!(rest.first(), Some('室' | '房')) {
            return After::Room;
        }
        if matches!(rest.first(), Some('分' | '秒'))
            && !matches!(rest.get(1), Some('钟' | '之'))
            && self.follows_hour(num.start)
        {
            return After::Minute;
        }
        if let Some(word) = self.longest_word(rest, num) {
            return word;
        }
        if rest.first().is_some_and(|c| c.is_ascii_alphabetic()) {
            return After::Letter;
        }
        After::Other
    }

    /// The longer of a numbering word and a measure word at the start of `rest`.
    fn longest_word(&self, rest: &[char], num: &Num) -> Option<After> {
        // `2分之1`: the denominator of a fraction is a plain number.
        if starts_with_any(rest, &["分之"]).is_some() {
            return Some(After::Numbering);
        }
        let numbering =
            starts_with_any(rest, NUMBERING).map(|w| (w.chars().count(), After::Numbering));
        let month = match rest.first() {
            Some('月' | '日') if rest.get(1) != Some(&'元') => Some((1, After::Numbering)),
            _ => None,
        };
        // `十来个`: 来 is approximate only after a round number (`12306来咨询` is not).
        let approx = starts_with_any(rest, APPROX).filter(|w| *w != "来" || num.int.ends_with('0'));
        let measure = starts_with_any(rest, MEASURES)
            .or(approx)
            .or_else(|| starts_with_any(rest, &["分"]))
            .map(|w| (w.chars().count(), After::Measure));
        [numbering, month, measure]
            .into_iter()
            .flatten()
            .max_by_key(|(len, _)| *len)
            .map(|(_, a)| a)
    }

    /// Whether the number at `start` comes right after an hour (`16时45分`, `9点05分`).
    fn follows_hour(&self, start: usize) -> bool {
        matches!(self.prev(start), Some('时' | '点' | '分'))
            && start >= 2
            && self.c[start - 2].is_ascii_digit()
    }

    /// Reads `num` given what follows it and what comes before it.
    fn quantity(&self, num: &Num, after: After, negative: bool) -> String {
        let sign = match (negative, after) {
            (false, _) => "",
            (true, _) if num.frac.is_none() && num.value() == 0 => "",
            (true, After::Unit(u)) if u.temperature => "零下",
            (true, _) if self.c.get(num.end) == Some(&'度') => "零下",
            (true, _) => "负",
        };
        let body = self.quantity_body(num, after);
        format!("{sign}{body}")
    }

    fn quantity_body(&self, num: &Num, after: After) -> String {
        // `127.0.0.1`: an address, every group digit by digit.
        if num.groups.len() == 4 {
            return num
                .groups
                .iter()
                .map(|g| numbers::digits(g, false))
                .collect::<Vec<_>>()
                .join("点");
        }
        if num.groups.len() > 1 {
            return num.dotted();
        }
        match after {
            After::Percent => return format!("百分之{}", num.plain(Style::PLAIN)),
            After::Permille => return format!("千分之{}", num.plain(Style::PLAIN)),
            After::Unit(u) => {
                return num.plain(if u.liang { Style::COUNT } else { Style::PLAIN });
            }
            _ => {}
        }
        // `7.5折` → 七五折.
        if let Some(frac) = num.frac.as_ref().filter(|_| self.at(num.end) == Some('折')) {
            let whole = numbers::cardinal(&num.int, Style::PLAIN);
            return format!("{whole}{}", numbers::digits(frac, false));
        }
        if num.frac.is_some() || num.grouped {
            let style = if after == After::Measure {
                Style::COUNT
            } else {
                Style::PLAIN
            };
            return num.plain(style);
        }
        if let Some(reading) = self.letter_attached(num) {
            return reading;
        }
        if self.is_code(num) {
            return numbers::digits(&num.int, false);
        }
        match after {
            After::Year => numbers::digits(&num.int, false),
            After::Room => numbers::digits(&num.int, true),
            After::Minute if num.int.len() == 2 && num.int.starts_with('0') => {
                datetime::minute_reading(num.value() as u32)
            }
            After::Numbering | After::Minute => num.plain(Style::ORDINAL),
            After::Measure if self.is_ordinal(num) || self.is_numbered_group(num) => {
                num.plain(Style::ORDINAL)
            }
            After::Measure => num.plain(Style::COUNT),
            _ => self.bare(num),
        }
    }

    /// `第2名`, and the second number of `第1-2名`.
    fn is_ordinal(&self, num: &Num) -> bool {
        if self.prev(num.start) == Some('第') {
            return true;
        }
        let Some(mark) = self.prev(num.start) else {
            return false;
        };
        if !(is_range_mark(mark) || mark == '至' || mark == '到') {
            return false;
        }
        let mut k = num.start - 1;
        while k > 0 && self.c[k - 1].is_ascii_digit() {
            k -= 1;
        }
        k + 1 < num.start && self.prev(k) == Some('第')
    }

    /// `村2组`, `东岗3队`: a group or team numbered within a village is named, not counted
    /// (`分成2组` and `2组人` count).
    fn is_numbered_group(&self, num: &Num) -> bool {
        let rest = &self.c[num.end..];
        let group = starts_with_any(rest, &["组", "队", "小组", "大队", "生产队", "中队"]);
        let counted_after = group
            .and_then(|g| rest.get(g.chars().count()))
            .is_some_and(|&c| matches!(c, '人' | '的'));
        let place = self
            .prev(num.start)
            .is_some_and(|p| "村社屯庄组队镇乡区连营寨湾沟".contains(p));
        group.is_some() && place && !counted_after
    }

    /// A number with nothing telling us what it counts.
    fn bare(&self, num: &Num) -> String {
        let n = num.int.as_str();
        if self.prev(num.start) == Some('第') {
            return num.plain(Style::ORDINAL);
        }
        if self.is_bracketed_year(num) || self.is_year_range(num) {
            return numbers::digits(n, false);
        }
        // `+86`: a country code.
        let signed = self.prev(num.start) == Some('+')
            && !(num.start >= 2 && self.c[num.start - 2].is_alphanumeric());
        if signed {
            return numbers::digits(n, false);
        }
        // `3单元301`, `2号楼1203`: a room number after the building.
        let after_building = ["单元", "号楼", "栋", "幢", "座"].iter().any(|w| {
            let w: Vec<char> = w.chars().collect();
            num.start >= w.len() && self.c[num.start - w.len()..num.start] == w[..]
        });
        if after_building && n.len() >= 3 {
            return numbers::digits(n, true);
        }
        // `80后`, `00后`: a generation, read 八零后.
        if n.len() == 2 && n.ends_with('0') && self.at(num.end) == Some('后') {
            return numbers::digits(n, false);
        }
        let dial = (n.len() >= 2 && self.has_digit_word(num.start))
            || (n.len() >= 3 && self.has_call_word(num.start))
            || SERVICE_NUMBERS.contains(&n)
            || (n.len() > 1 && n.starts_with('0'))
            || n.len() >= 15
            || self.after_area_code(num.start);
        if dial {
            numbers::digits(n, true)
        } else {
            num.plain(Style::PLAIN)
        }
    }

    /// `(0543)3166666`: a local number after an area code in brackets.
    fn after_area_code(&self, start: usize) -> bool {
        if !matches!(self.prev(start), Some(')' | '）')) {
            return false;
        }
        let mut k = start - 1;
        while k > 0 && self.c[k - 1].is_ascii_digit() {
            k -= 1;
        }
        (3..=4).contains(&(start - 1 - k))
            && self.c[k] == '0'
            && matches!(self.prev(k), Some('(' | '（'))
    }

    /// `2023—2024学年`: two four-digit years joined by a range mark.
    fn is_year_range(&self, num: &Num) -> bool {
        if !num.is_year_like() {
            return false;
        }
        let is_mark = |c: Option<char>| c.is_some_and(|c| is_range_mark(c) || c == '至');
        let year_at = |i: usize| {
            self.at(i).is_some_and(|c| c.is_ascii_digit()) && Num::parse(self.c, i).is_year_like()
        };
        let before = num.start >= 5
            && is_mark(self.prev(num.start))
            && year_at(num.start - 5)
            && !self.prev(num.start - 5).is_some_and(|c| c.is_ascii_digit());
        let after = is_mark(self.at(num.end)) && year_at(num.end + 1);
        before || after
    }

    /// `〔2026〕7号`, `[2026]`: a year in a document number.
    fn is_bracketed_year(&self, num: &Num) -> bool {
        num.is_year_like()
            && matches!(
                self.prev(num.start),
                Some('〔' | '[' | '【' | '（' | '(' | '［')
            )
            && matches!(
                self.at(num.end),
                Some('〕' | ']' | '】' | '）' | ')' | '］')
            )
    }

    /// `比分1:30`, `比例为1:10`: a ratio even where it looks like a clock time.
    fn score(&self, i: usize) -> Option<(usize, String)> {
        let before: String = self.c[i.saturating_sub(4)..i]
            .iter()
            .filter(|c| !matches!(c, '：' | ':' | ' ' | '为' | '是'))
            .collect();
        let cue = ["比分", "比例", "比率", "比值", "比"]
            .iter()
            .any(|w| before.ends_with(w));
        if cue { self.ratio(i) } else { None }
    }

    /// `3:2` (not a clock time) → 三比二.
    fn ratio(&self, i: usize) -> Option<(usize, String)> {
        let a_end = digit_run(self.c, i);
        if self.at(a_end) != Some(':') {
            return None;
        }
        let b_end = digit_run(self.c, a_end + 1);
        if b_end == a_end + 1
            || self
                .at(b_end)
                .is_some_and(|c| c.is_ascii_digit() || c == ':')
        {
            return None;
        }
        let a: String = self.c[i..a_end].iter().collect();
        let b: String = self.c[a_end + 1..b_end].iter().collect();
        Some((
            b_end,
            format!(
                "{}比{}",
                numbers::cardinal(&a, Style::PLAIN),
                numbers::cardinal(&b, Style::PLAIN)
            ),
        ))
    }

    /// `1.` or `2．` opening a list item: read 一、 二、.
    fn list_marker(&self, i: usize) -> Option<(usize, String)> {
        let end = digit_run(self.c, i);
        if end - i > 2 || !matches!(self.at(end), Some('.' | '．')) {
            return None;
        }
        let after = self.at(end + 1)?;
        let starts_item = match self.prev(i) {
            None => true,
            Some(p) => chars::is_sentence_end(p) || matches!(p, ' ' | '：' | ':' | '，'),
        };
        if !starts_item || !(is_cjk(after) || after == '“' || after == ' ') {
            return None;
        }
        let n: String = self.c[i..end].iter().collect();
        let mut end = end + 1;
        while self.at(end) == Some(' ') {
            end += 1;
        }
        Some((end, format!("{}、", numbers::cardinal(&n, Style::ORDINAL))))
    }

    /// `1/4` → 四分之一; `11/27` and `于3/16` are dates.
    fn fraction(&self, i: usize) -> Option<(usize, String)> {
        let a_end = digit_run(self.c, i);
        if self.at(a_end) != Some('/') {
            return None;
        }
        let b_end = digit_run(self.c, a_end + 1);
        if b_end == a_end + 1 || matches!(self.at(b_end), Some('/' | '.')) {
            return None;
        }
        let a: String = self.c[i..a_end].iter().collect();
        let b: String = self.c[a_end + 1..b_end].iter().collect();
        let (na, nb) = (a.parse::<u64>().ok()?, b.parse::<u64>().ok()?);
        if nb == 0
            || a.len() > 5
            || b.len() > 5
            || self.prev(i).is_some_and(|p| p.is_ascii_alphabetic())
        {
            return None;
        }
        // `140/90mmHg`: a blood pressure, read 一百四十比九十.
        let pressure = units::unit_at(&self.c[b_end..]).is_some_and(|u| u.written == "mmHg");
        if pressure {
            let read = |n: &str| numbers::cardinal(n, Style::PLAIN);
            return Some((b_end + 4, format!("{}比{}毫米汞柱", read(&a), read(&b))));
        }
        // `11/27`: a day after a month reads as a date; fractions with such denominators are
        // rare in notices, as are fractions larger than one.
        // `11/27`, `12/1`: a two-digit month; `3/16` is a date only with a date word around
        // it (`于3/16`, `3/16前`), else a fraction like `1/16` and `3/2`.
        let valid = (1..=12).contains(&na) && (1..=31).contains(&nb);
        let date_like = valid && (na >= 10 || datetime::has_date_cue(self.c, i, b_end));
        if date_like {
            let date = format!(
                "{}月{}日",
                datetime::month_or_day(na as u32),
                datetime::month_or_day(nb as u32)
            );
            return Some((b_end, date));
        }
        Some((
            b_end,
            format!(
                "{}分之{}",
                numbers::cardinal(&b, Style::PLAIN),
                numbers::cardinal(&a, Style::PLAIN)
            ),
        ))
    }
}

/// A written number: integer digits (grouping commas removed), optional fraction digits, and
/// any further dotted groups (`1.2.3`).
#[derive(Debug, Clone)]
pub(super) struct Num {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) int: String,
    pub(super) frac: Option<String>,
    grouped: bool,
    /// Every dot-separated group, when there are three or more (`192.168.1.1`).
    pub(super) groups: Vec<String>,
}

impl Num {
    fn parse(c: &[char], start: usize) -> Num {
        let mut end = digit_run(c, start);
        let mut int: String = c[start..end].iter().collect();
        let mut grouped = false;
        if int.len() <= 3 {
            while c.get(end) == Some(&',') && digit_run(c, end + 1) == end + 4 {
                int.extend(&c[end + 1..end + 4]);
                end += 4;
                grouped = true;
            }
        }
        let mut groups = vec![int.clone()];
        while c.get(end) == Some(&'.') && c.get(end + 1).is_some_and(|d| d.is_ascii_digit()) {
            let g_end = digit_run(c, end + 1);
            groups.push(c[end + 1..g_end].iter().collect());
            end = g_end;
        }
        let frac = (groups.len() == 2).then(|| groups[1].clone());
        if groups.len() < 3 {
            groups.truncate(1);
        }
        Num {
            start,
            end,
            int,
            frac,
            grouped,
            groups,
        }
    }

    fn value(&self) -> u64 {
        self.int.parse().unwrap_or(u64::MAX)
    }

    fn is_year_like(&self) -> bool {
        self.int.len() == 4 && self.frac.is_none() && datetime::is_year(self.value() as u32)
    }

    /// Cardinal or decimal reading.
    fn plain(&self, style: Style) -> String {
        match &self.frac {
            Some(frac) => numbers::decimal(&self.int, frac, style),
            None => numbers::cardinal(&self.int, style),
        }
    }

    /// `1.2.3` → 一点二点三.
    fn dotted(&self) -> String {
        let parts: Vec<String> = self
            .groups
            .iter()
            .map(|g| numbers::cardinal(g, Style::PLAIN))
            .collect();
        parts.join("点")
    }
}
