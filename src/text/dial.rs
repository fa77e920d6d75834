//! Digit strings read one digit at a time: telephone numbers, hotlines, IDs, plates, model
//! and code names. Deciding that a number is *called* rather than *counted* happens here. Pure.
//! \[core\]

use super::datetime::digit_run;
use super::normalize::{Num, Quotes, Reader};
use super::numbers;
use super::units::{self, MEASURES, starts_with_any};

#[rustfmt::skip]
/// Words right before a number that make it a number to dial or to read out.
const CALL_WORDS: &[&str] = &[
    "电话", "热线", "拨打", "致电", "手机", "号码", "传真", "报警", "求助", "座机", "专线",
    "客服", "微信", "QQ", "Tel", "TEL", "tel", "联系方式", "咨询", "举报", "投诉", "编号",
    "账号", "帐号", "卡号", "证号", "身份证", "工号", "学号", "单号", "代码", "邮编", "批号",
    "序列号", "验证码", "密码", "车次", "航班", "分机", "转",
];

#[rustfmt::skip]
/// Words right before a number of any length that make it a string of digits, never an
/// amount.
const DIGIT_WORDS: &[&str] = &[
    "尾号", "验证码", "编号", "工号", "车牌", "车牌号", "房间号", "房号", "门牌号", "学号",
    "卡号", "证号", "单号", "批号", "密码", "序列号", "代码", "邮编", "校验码", "取件码",
    "订单号", "账号", "帐号", "工单号", "考号", "准考证号", "QQ群", "群号", "微信号",
];

/// Numbers that are called, not counted, unless a measure word follows.
pub(super) const SERVICE_NUMBERS: &[&str] = &[
    "110", "119", "120", "122", "114", "12345", "12315", "12320", "12333", "12348", "12358",
    "12366", "12369", "12306", "12110", "12395", "12121", "12388", "12380", "12328", "12318",
    "12356", "12338", "12351", "12329", "12310", "12117", "95598", "96333", "95119", "10086",
    "10010",
];

const PROVINCES: &str = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼港澳台";

impl Reader<'_> {
    /// Digits glued to Latin letters: `N95`→N九五, `鲁M12345`→鲁M幺二三四五, `COVID-19`.
    pub(super) fn letter_attached(&self, num: &Num) -> Option<String> {
        let mut k = num.start;
        if k > 0 && self.c[k - 1] == '-' {
            k -= 1;
        }
        let mut letters = k;
        while letters > 0
            && (self.c[letters - 1].is_ascii_alphabetic() || self.c[letters - 1] == '·')
        {
            letters -= 1;
        }
        // `abc@163.com`, `163.com`: digits in an address are read one by one.
        let address = matches!(self.prev(num.start), Some('@' | '.' | '_'))
            || (self.at(num.end) == Some('.')
                && self
                    .at(num.end + 1)
                    .is_some_and(|c| c.is_ascii_alphabetic()));
        if letters == k && !address {
            return None;
        }
        // `PM10` is read 十 like `PM2.5` is read 二点五; round tens (`G20`, `TOP10`) likewise.
        let pm = self.c[letters..k]
            .iter()
            .collect::<String>()
            .eq_ignore_ascii_case("PM");
        if pm || (num.int.len() == 2 && num.int.ends_with('0') && !address) {
            return None;
        }
        let plate = letters > 0 && PROVINCES.contains(self.c[letters - 1]);
        let train = matches!(self.at(num.end), Some('次'));
        Some(numbers::digits(&num.int, plate || train))
    }

    /// A code name such as `“3+2+N”` or `“1+11868”` (inside quotes and next to a `+`), or a
    /// number that is all a quotation holds (`“141”基层治理体系`, `「461」工作法`), which names
    /// a scheme rather than counts; a service number keeps its own reading.
    pub(super) fn is_code(&self, num: &Num) -> bool {
        let plus = self.prev(num.start) == Some('+') || self.at(num.end) == Some('+');
        if plus && num.int.len() > 1 && self.in_quotes(num.start) {
            return true;
        }
        let opens = self
            .prev(num.start)
            .is_some_and(|c| "“‘「『\"'".contains(c));
        let closes = self.at(num.end).is_some_and(|c| "”’」』\"'".contains(c));
        let counted = {
            let rest = &self.c[(num.end + 1).min(self.c.len())..];
            starts_with_any(rest, MEASURES).is_some() || units::unit_at(rest).is_some()
        };
        opens
            && closes
            && (2..=6).contains(&num.int.len())
            && num.groups.len() == 1
            && !SERVICE_NUMBERS.contains(&num.int.as_str())
            && !counted
    }

    /// A word before the number that makes any digit string of two or more digits a string
    /// to read out (`尾号1702`, `后四位6789`, `验证码26`), with only separators between.
    pub(super) fn has_digit_word(&self, start: usize) -> bool {
        let mut k = start;
        while k > 0 && "：: 是为".contains(self.c[k - 1]) {
            k -= 1;
        }
        let window: String = self.c[k.saturating_sub(5)..k].iter().collect();
        if DIGIT_WORDS.iter().any(|w| window.ends_with(w)) {
            return true;
        }
        // `后4位`, `前六位`, `末三位`.
        let before: Vec<char> = window.chars().collect();
        match before.as_slice() {
            [.., p, n, '位'] | [.., p, n, '位', '数'] => {
                matches!(p, '后' | '前' | '末')
                    && (n.is_ascii_digit() || "一二两三四五六七八九十".contains(*n))
            }
            _ => false,
        }
    }

    /// Whether `i` is inside quotation marks. The reader only moves forward, so the marks
    /// before `i` are counted once, from where the last call stopped.
    fn in_quotes(&self, i: usize) -> bool {
        let mut q = self.quotes.get();
        if i < q.upto {
            q = Quotes::default();
        }
        for &c in &self.c[q.upto..i] {
            match c {
                '“' | '‘' | '「' | '『' => q.open += 1,
                '”' | '’' | '」' | '』' => q.close += 1,
                '"' => q.ascii += 1,
                _ => {}
            }
        }
        q.upto = i;
        self.quotes.set(q);
        q.open > q.close || q.ascii % 2 == 1
    }

    /// A word such as 电话 or 拨打 just before the number, with only separators between.
    pub(super) fn has_call_word(&self, start: usize) -> bool {
        let ends_with_call_word = |k: usize| {
            let window: String = self.c[k.saturating_sub(5)..k].iter().collect();
            CALL_WORDS.iter().any(|w| window.ends_with(w))
        };
        let mut k = start;
        // Twenty-four characters back is enough for `电话：0543-3166666、`; no further, so a
        // line of numbers and dashes stays linear.
        while start - k <= 24 {
            if ends_with_call_word(k) {
                return true;
            }
            let separator = k > 0
                && (self.c[k - 1].is_ascii_digit()
                    || "：: 是为即（(、或和及/-号".contains(self.c[k - 1]));
            if !separator {
                return false;
            }
            k -= 1;
        }
        false
    }

    /// Telephone numbers and other digit strings read digit by digit with 幺.
    pub(super) fn phone(&self, i: usize) -> Option<(usize, String)> {
        let mut groups = vec![(i, digit_run(self.c, i))];
        while let Some(&(_, end)) = groups.last() {
            let sep = self.at(end);
            let next = digit_run(self.c, end + 1);
            if groups.len() < 4 && matches!(sep, Some('-' | '—' | '－')) && next > end + 1 {
                groups.push((end + 1, next));
            } else {
                break;
            }
        }
        let lens: Vec<usize> = groups.iter().map(|(s, e)| e - s).collect();
        let first: String = self.c[groups[0].0..groups[0].1].iter().collect();
        let end = groups.last()?.1;
        if matches!(self.at(end), Some('.' | ':' | '%'))
            && self.at(end + 1).is_some_and(|c| c.is_ascii_digit())
        {
            return None;
        }
        let is_phone = match lens.as_slice() {
            [a, b, ..] if first.starts_with('0') && (3..=4).contains(a) && (7..=8).contains(b) => {
                true
            }
            [3, 3, 4] if first == "400" || first == "800" => true,
            [3, 4, 4] if first.starts_with('1') => true,
            [n] => {
                // A mobile number: 13… to 19….
                *n == 11
                    && first.starts_with('1')
                    && first
                        .as_bytes()
                        .get(1)
                        .is_some_and(|d| (b'3'..=b'9').contains(d))
                    && !self.counted_after(end)
                    && self.prev(i) != Some('第')
                    || (*n >= 10 && first.starts_with('0'))
            }
            [_, _, ..] => self.has_call_word(i),
            _ => false,
        };
        if !is_phone {
            return None;
        }
        let reading: Vec<String> = groups
            .iter()
            .map(|&(s, e)| numbers::digits(&self.c[s..e].iter().collect::<String>(), true))
            .collect();
        // A comma, not a space: engines pause at a comma, as an announcer does between groups.
        Some((end, reading.join("，")))
    }

    /// A measure word or unit follows `end`, so the digits before count something.
    fn counted_after(&self, end: usize) -> bool {
        let rest = &self.c[end.min(self.c.len())..];
        starts_with_any(rest, MEASURES).is_some() || units::unit_at(rest).is_some()
    }
}
