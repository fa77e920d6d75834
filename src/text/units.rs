//! What follows a number decides how it is read: measure words (两个), numbering words
//! (二号, 二楼), symbols and Latin units (℃, km, m²). Tables only. \[core\]

/// Words after a number that count something: a bare 2 before them is 两 (`2个`→两个).
/// The longest match wins, so `个月` beats `个`.
pub const MEASURES: &[&str] = &[
    "个月", "小时", "分钟", "公里", "千米", "厘米", "毫米", "公斤", "千克", "毫升", "公顷", "平方",
    "立方", "周岁", "学时", "课时", "年", "个", "人", "名", "位", "次", "天", "岁", "件", "条",
    "项", "张", "台", "辆", "只", "头", "匹", "本", "支", "把", "根", "块", "片", "间", "家", "户",
    "座", "所", "栋", "幢", "种", "类", "批", "场", "处", "份", "套", "队", "道", "首", "篇", "封",
    "周", "倍", "遍", "趟", "回", "轮", "成", "杯", "瓶", "包", "袋", "箱", "颗", "粒", "株", "棵",
    "盏", "架", "艘", "枚", "双", "对", "副", "斤", "吨", "亩", "元", "角", "毛", "秒", "米", "克",
    "升", "点", "时", "起", "例", "剂", "针", "盒", "罐", "桶", "口", "尾", "层", "期", "届", "节",
    "章", "款", "室", "厅", "卫", "度", "千", "万", "亿", "圈", "步", "票", "声", "笔", "门", "顿",
    "桌", "床", "滴", "部", "集", "代", "任", "群", "伙", "宗", "单", "组", "夜", "晚", "番", "餐",
    "碗", "句", "拨", "茬", "季", "方", "车", "船", "班次", "趟次", "人次", "户次", "架次",
];

/// Words after a number that name a position in a series: read with 二 (`2号`→二号).
#[rustfmt::skip]
pub const NUMBERING: &[&str] = &[
    "号线", "号楼", "号院", "年级", "季度", "单元", "等奖", "号", "级", "楼", "班", "路", "区", "排", "版", "等", "型", "线", "连", "营", "团", "床位号",
];

/// Words right after a number that make it approximate but still a count (`1700余名`).
pub const APPROX: &[&str] = &[
    "余", "多", "来", "几", "左右", "上下", "以上", "以下", "以内",
];

/// A unit written with symbols or Latin letters, and how it is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unit {
    /// As written after the number.
    pub written: &'static str,
    /// As spoken.
    pub spoken: &'static str,
    /// Whether a bare 2 before it is 两 (`2km`→两公里) or 二 (`2℃`→二摄氏度).
    pub liang: bool,
    /// A temperature: a negative value is read 零下.
    pub temperature: bool,
}

const fn unit(written: &'static str, spoken: &'static str, liang: bool) -> Unit {
    Unit {
        written,
        spoken,
        liang,
        temperature: false,
    }
}

const fn temp(written: &'static str, spoken: &'static str) -> Unit {
    Unit {
        written,
        spoken,
        liang: false,
        temperature: true,
    }
}

/// Units, longest spelling first so `km/h` wins over `km` and `m²` over `m`.
pub const UNITS: &[Unit] = &[
    unit("mmHg", "毫米汞柱", true),
    unit("μg/m³", "微克每立方米", true),
    unit("ug/m³", "微克每立方米", true),
    unit("μg/m3", "微克每立方米", true),
    unit("ug/m3", "微克每立方米", true),
    unit("mg/m³", "毫克每立方米", true),
    unit("mg/L", "毫克每升", true),
    unit("km/h", "公里每小时", true),
    unit("m/s", "米每秒", true),
    unit("kW·h", "千瓦时", true),
    unit("kWh", "千瓦时", true),
    unit("kw·h", "千瓦时", true),
    unit("mAh", "毫安时", true),
    unit("km²", "平方公里", true),
    unit("km2", "平方公里", true),
    unit("cm²", "平方厘米", true),
    unit("cm³", "立方厘米", true),
    unit("m²", "平方米", true),
    unit("m³", "立方米", true),
    unit("m2", "平方米", true),
    unit("m3", "立方米", true),
    unit("㎡", "平方米", true),
    unit("㎥", "立方米", true),
    unit("㎞", "公里", true),
    unit("㎏", "公斤", true),
    unit("㎜", "毫米", true),
    unit("㎝", "厘米", true),
    temp("°C", "摄氏度"),
    temp("℃", "摄氏度"),
    temp("°F", "华氏度"),
    temp("℉", "华氏度"),
    temp("°", "度"),
    unit("MHz", "兆赫", true),
    unit("GHz", "吉赫", true),
    unit("kHz", "千赫", true),
    unit("Hz", "赫兹", true),
    unit("km", "公里", true),
    unit("KM", "公里", true),
    unit("Km", "公里", true),
    unit("kg", "公斤", true),
    unit("KG", "公斤", true),
    unit("Kg", "公斤", true),
    unit("mg", "毫克", true),
    unit("cm", "厘米", true),
    unit("mm", "毫米", true),
    unit("ml", "毫升", true),
    unit("mL", "毫升", true),
    unit("kV", "千伏", true),
    unit("KV", "千伏", true),
    unit("kv", "千伏", true),
    unit("kW", "千瓦", true),
    unit("KW", "千瓦", true),
    unit("kw", "千瓦", true),
    unit("MW", "兆瓦", true),
    unit("dB", "分贝", true),
    unit("min", "分钟", true),
    unit("ms", "毫秒", true),
    unit("g", "克", true),
    unit("t", "吨", true),
    unit("L", "升", true),
    unit("m", "米", true),
    unit("V", "伏", true),
    unit("W", "瓦", true),
    unit("h", "小时", true),
    unit("s", "秒", true),
];

/// The longest word of `words` that `text` starts with.
pub fn starts_with_any<'a>(text: &[char], words: &[&'a str]) -> Option<&'a str> {
    words
        .iter()
        .copied()
        .filter(|w| !w.is_empty() && w.chars().enumerate().all(|(i, c)| text.get(i) == Some(&c)))
        .max_by_key(|w| w.len())
}

/// The unit at the start of `text`, if the unit is not the beginning of a longer Latin word.
pub fn unit_at(text: &[char]) -> Option<&'static Unit> {
    UNITS.iter().find(|u| {
        let len = u.written.chars().count();
        starts_with_any(text, &[u.written]).is_some()
            && !text.get(len).is_some_and(|c| c.is_ascii_alphanumeric())
    })
}

/// The spoken name of a currency sign written before an amount (`¥12`→十二元).
pub fn currency(sign: char) -> Option<&'static str> {
    match sign {
        '¥' | '￥' => Some("元"),
        '$' => Some("美元"),
        '€' => Some("欧元"),
        '£' => Some("英镑"),
        '₩' => Some("韩元"),
        _ => None,
    }
}

/// A currency written with letters before an amount (`A$13.5`, `HKD 13.5`, `CNY1.25`): the
/// length to skip (with one space) and the spoken name.
pub fn currency_code(text: &[char]) -> Option<(usize, &'static str)> {
    const CODES: &[(&str, &str)] = &[
        ("HK$", "港元"),
        ("US$", "美元"),
        ("A$", "澳元"),
        ("HKD", "港元"),
        ("CNY", "人民币"),
        ("RMB", "人民币"),
        ("USD", "美元"),
        ("EUR", "欧元"),
        ("JPY", "日元"),
        ("GBP", "英镑"),
        ("KRW", "韩元"),
        ("AUD", "澳元"),
    ];
    let (code, name) = CODES
        .iter()
        .find(|(code, _)| starts_with_any(text, &[code]).is_some())?;
    let mut len = code.chars().count();
    if text.get(len) == Some(&' ') {
        len += 1;
    }
    text.get(len)
        .is_some_and(char::is_ascii_digit)
        .then_some((len, *name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn longest_unit_wins_and_words_are_not_units() {
        assert_eq!(
            unit_at(&chars("km/h以下")).map(|u| u.spoken),
            Some("公里每小时")
        );
        assert_eq!(unit_at(&chars("m²的")).map(|u| u.spoken), Some("平方米"));
        assert_eq!(unit_at(&chars("min")).map(|u| u.spoken), Some("分钟"));
        assert_eq!(unit_at(&chars("mini")), None);
        assert_eq!(unit_at(&chars("G网络")), None);
    }

    #[test]
    fn longest_measure_wins() {
        assert_eq!(starts_with_any(&chars("个月内"), MEASURES), Some("个月"));
        assert_eq!(starts_with_any(&chars("号楼"), NUMBERING), Some("号楼"));
    }
}
