//! Readings of 多音字 that stand outside any dictionary phrase, chosen by their neighbours:
//! 认真地 de but 在地上 dì, 种玉米 zhòng but 这种 zhǒng, 期限为三天 wéi. The first rule
//! that matches wins; a character no rule matches takes its most common reading.

use super::Syllable;

/// What a neighbour must be for a rule to apply.
#[derive(Clone, Copy)]
enum Side {
    /// Anything, or nothing.
    Any,
    /// One of these characters.
    OneOf(&'static str),
    /// A Chinese character (not punctuation, not the end).
    Cjk,
    /// Punctuation or the end: nothing follows in the same run.
    End,
}

impl Side {
    fn matches(self, c: Option<char>) -> bool {
        match self {
            Self::Any => true,
            Self::OneOf(set) => c.is_some_and(|c| set.contains(c)),
            Self::Cjk => c.is_some_and(super::is_cjk),
            Self::End => !c.is_some_and(super::is_cjk),
        }
    }
}

use Side::{Any, Cjk, End, OneOf};

/// Numbers and words that count: 一只, 三种, 为期三天.
const COUNT: &str = "一二两三四五六七八九十百千万几每半零";

/// `(character, before, after, reading)`.
const RULES: &[(char, Side, Side, &str)] = &[
    // 地 after an adverbial word is the particle: 认真地、及时地、主动地、有序地.
    (
        '地',
        OneOf(
            "真极动时断细心快慢速步力然样意量序效常续切烈好静确利安热悄默轻格紧谐满兴情觉耐诚勤稳逐渐微主积",
        ),
        Cjk,
        "de5",
    ),
    // 得 after a verb is the particle (跑得快, 做得好), except where it means to obtain.
    ('得', Any, OneOf("到以知分奖失票胜益"), "de2"),
    ('得', OneOf("获取赢博求难心所值应夺习贪不自"), Any, "de2"),
    ('得', Cjk, Any, "de5"),
    // 种: a kind after a count (这种、三种), to plant before what is planted.
    (
        '种',
        OneOf("这那哪各多此某该同品物兵工人谷良火播变异何本"),
        Any,
        "zhong3",
    ),
    ('种', OneOf(COUNT), Any, "zhong3"),
    ('种', Any, OneOf("子类族群属源质"), "zhong3"),
    ('种', Any, Cjk, "zhong4"),
    // 还: to give back before what is given back.
    (
        '还',
        Any,
        OneOf("钱款贷债书给清回原账本乡手击礼价"),
        "huan2",
    ),
    ('还', Any, End, "huan2"),
    // 为: to be, before a count or in 为止/为主/为准.
    ('为', Any, OneOf("一二两三四五六七八九十百千万零"), "wei2"),
    ('为', Any, OneOf("止主准首期难"), "wei2"),
    (
        '为',
        OneOf("成作认以称视变化改选分定评列更转误较极甚"),
        Any,
        "wei2",
    ),
    // 长 as the head of something: 村长、组长、校长; growing: 长大、生长.
    (
        '长',
        OneOf("村县镇乡组队家校院局科处部厅省市班社会站所首师兄团股室司酋"),
        Any,
        "zhang3",
    ),
    ('长', OneOf("生增成助滋"), Any, "zhang3"),
    ('长', Any, OneOf("大高胖出得势辈者官"), "zhang3"),
    // 重 again: 重新、重复、重建.
    (
        '重',
        Any,
        OneOf("新复建修申返逢阳叠组审播装选写做来"),
        "chong2",
    ),
    // 调 to adjust: 调整、调解、调节、空调.
    (
        '调',
        Any,
        OneOf("整解节控和理配试剂味皮停适养价小大高低好慢快匀"),
        "tiao2",
    ),
    ('调', OneOf("空协失微烹"), Any, "tiao2"),
    // 处 to deal with, to be in: 处理、处罚、处于.
    ('处', Any, OneOf("理置罚分境于事世方决在死"), "chu3"),
    ('便', Any, OneOf("宜"), "pian2"),
    // 行 as a row: 一行字、行距.
    ('行', Any, OneOf("字列距"), "hang2"),
    // 单 as a surname: 姓单.
    ('单', OneOf("姓"), Any, "shan4"),
    // 数 to count: 数一数、数数.
    ('数', Any, OneOf("一数钱清"), "shu3"),
    ('数', OneOf("一"), Any, "shu3"),
    // 教 to teach someone something: 教孩子、教书.
    ('教', Any, OneOf("孩学书你我他她唱写读做"), "jiao1"),
    // 结 to bear fruit: 结了、结出.
    ('结', Any, OneOf("了出满"), "jie1"),
    // 背 to carry on the back: 背着、背起.
    ('背', Any, OneOf("着在起包"), "bei1"),
    // 卡 stuck: 卡在、卡住.
    ('卡', Any, OneOf("在住"), "qia3"),
    // 铺 to spread: 铺好、铺设.
    ('铺', Any, OneOf("好上开平设路"), "pu1"),
    // 倒 to fall: 刮倒、摔倒.
    ('倒', OneOf("刮摔跌推撞压绊病累晕打扳"), Any, "dao3"),
    // 泊 to moor: 泊在.
    ('泊', Any, OneOf("在位车"), "bo2"),
    ('朝', Any, OneOf("阳气晖霞夕"), "zhao1"),
    // 着 reached, burning: 着急、着火、睡着; to apply: 着手、着力.
    ('着', Any, OneOf("急火凉迷慌"), "zhao2"),
    ('着', OneOf("睡找"), Any, "zhao2"),
    ('着', Any, OneOf("手力重眼装陆落想"), "zhuo2"),
    // 了 to understand or to finish: 了解、了不起、受不了.
    ('了', Any, OneOf("解结却断"), "liao3"),
    // 只 as a measure word: 一只羊、两只鸡.
    ('只', OneOf(COUNT), Any, "zhi1"),
    // 量 to measure: 量体温、量血压.
    ('量', Any, OneOf("体血尺身"), "liang2"),
    // 干 dry, clean: 干净、干燥、晒干.
    ('干', Any, OneOf("净燥旱货粮草柴"), "gan1"),
    ('干', OneOf("晒烘风吹擦"), Any, "gan1"),
    // 儿化 where the word is written with it: 这儿、一会儿、一点儿.
    (
        '儿',
        OneOf("这那哪点会块玩事味边空劲样些片头门活趣号个份伴画词字花鸟猫狗"),
        Any,
        "er5",
    ),
];

/// The reading `c` takes between `prev` and `next`, when a rule says.
pub(super) fn reading(c: char, prev: Option<char>, next: Option<char>) -> Option<Syllable> {
    RULES
        .iter()
        .find(|(ch, before, after, _)| *ch == c && before.matches(prev) && after.matches(next))
        .and_then(|(_, _, _, r)| Syllable::parse_numbered(r))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_reading_is_a_syllable() {
        for (c, _, _, r) in RULES {
            assert!(Syllable::parse_numbered(r).is_some(), "{c} {r}");
        }
    }

    #[test]
    fn neighbours_choose_the_reading() {
        let cases = [
            ('地', Some('真'), Some('学'), Some("de5")),
            ('地', Some('在'), Some('上'), None),
            ('得', Some('跑'), Some('快'), Some("de5")),
            ('得', Some('获'), None, Some("de2")),
            ('种', Some('这'), None, Some("zhong3")),
            ('种', None, Some('树'), Some("zhong4")),
            ('为', Some('期'), Some('三'), Some("wei2")),
        ];
        for (c, prev, next, want) in cases {
            let got = reading(c, prev, next).map(|s| s.numbered());
            assert_eq!(got.as_deref(), want, "{prev:?} {c} {next:?}");
        }
    }
}
