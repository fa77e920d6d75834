//! Metadata fields: the `key：value` credits, stamps, counters and widgets a page prints
//! around an article (`发布时间：… 来源：… 浏览次数：…`, `【字体：大 中 小】【打印】`). A line
//! made only of such fields is furniture, whatever the portal. Pure.

/// A labelled field: the key, the class of furniture it names, and whether it is strong
/// (a weak field such as `时间：` is furniture only beside a strong one).
type Key = (&'static str, &'static str, bool);

#[rustfmt::skip]
const KEYS: &[Key] = &[
    ("责任编辑", "editor", true), ("责编", "editor", true), ("值班编辑", "editor", true),
    ("本期编辑", "editor", true), ("编辑", "editor", true), ("主编", "editor", true),
    ("编审", "editor", true), ("审核人", "editor", true), ("审核", "editor", true),
    ("初审", "editor", true), ("二审", "editor", true), ("三审", "editor", true),
    ("终审", "editor", true), ("审校", "editor", true), ("校对", "editor", true),
    ("监制", "editor", true), ("统筹", "editor", true), ("签发人", "editor", true),
    ("签发", "editor", true), ("核稿", "editor", true), ("策划", "editor", true),
    ("出品人", "editor", true), ("总编", "editor", true),
    ("作者", "byline", true), ("记者", "byline", true), ("通讯员", "byline", true),
    ("撰稿", "byline", true), ("摄影", "byline", true), ("文/图", "byline", true),
    ("图/文", "byline", true), ("文字", "byline", true), ("图片", "byline", true),
    ("制图", "byline", true), ("摄像", "byline", true), ("剪辑", "byline", true),
    ("视频", "byline", true), ("配音", "byline", true), ("主播", "byline", true),
    ("文", "byline", true), ("图", "byline", true),
    ("本文来源", "source", true), ("文章来源", "source", true), ("新闻来源", "source", true),
    ("稿件来源", "source", true), ("信息来源", "source", true), ("转载来源", "source", true),
    ("来源地址", "source", true), ("来源", "source", true), ("稿源", "source", true),
    ("出处", "source", true), ("原标题", "source", true), ("本文链接", "source", true),
    ("原文链接", "source", true), ("图片来源", "source", true), ("供稿", "source", true), ("发布者", "source", true),
    ("发布人", "source", true), ("发布单位", "source", true), ("发布机构", "source", true),
    ("发文机构", "source", true), ("转自", "source", true), ("本文转自", "source", true),
    ("发布时间", "timestamp", true), ("发布日期", "timestamp", true),
    ("发稿时间", "timestamp", true), ("更新时间", "timestamp", true),
    ("归档时间", "timestamp", true), ("发文日期", "timestamp", true),
    ("生成日期", "timestamp", true), ("成文日期", "timestamp", true),
    ("生效时间", "timestamp", true), ("废止时间", "timestamp", true),
    ("发布于", "timestamp", true), ("时间", "timestamp", false), ("日期", "timestamp", false),
    ("浏览次数", "views", true), ("浏览量", "views", true), ("阅读量", "views", true),
    ("阅读数", "views", true), ("点击数", "views", true), ("点击量", "views", true),
    ("点击次数", "views", true), ("点击率", "views", true), ("访问量", "views", true),
    ("访问次数", "views", true), ("浏览", "views", true), ("阅读", "views", true),
    ("字体", "font size", true), ("字号", "font size", true), ("视力保护色", "font size", true),
    ("索引号", "metadata", true), ("主题分类", "metadata", true), ("组配分类", "metadata", true),
    ("信息分类", "metadata", true), ("体裁分类", "metadata", true), ("服务对象", "metadata", true),
    ("文号", "metadata", true), ("发文字号", "metadata", true), ("有效性", "metadata", true),
    ("内容概述", "metadata", true), ("关键词", "metadata", true), ("名称", "metadata", true),
    ("公开方式", "metadata", true), ("公开范围", "metadata", true), ("公开时限", "metadata", true),
    ("所属机构", "metadata", true), ("分享到", "share", true), ("分享", "share", true),
    ("投稿邮箱", "submission", true), ("投稿", "submission", true),
];

/// Page widgets, as written once their counts and brackets are stripped.
#[rustfmt::skip]
const WIDGETS: &[(&str, &str)] = &[
    ("打印", "print"), ("打印本页", "print"), ("打印此页", "print"), ("打印本文", "print"), ("关闭", "print"),
    ("关闭窗口", "print"), ("关闭本页", "print"), ("大", "font size"), ("中", "font size"),
    ("小", "font size"), ("默认", "font size"), ("A+", "font size"), ("A-", "font size"),
    ("分享", "share"), ("微信", "share"), ("微博", "share"), ("QQ空间", "share"), ("QQ", "share"),
    ("朋友圈", "share"), ("复制链接", "share"), ("转发", "share"), ("收藏", "share"),
    ("点赞", "share"), ("在看", "share"), ("赞", "share"), ("评论", "share"), ("举报", "share"),
    ("阅读", "views"), ("浏览", "views"), ("人阅读", "views"), ("次浏览", "views"),
    ("返回顶部", "page chrome"), ("返回首页", "page chrome"), ("返回", "page chrome"),
    ("首页", "page chrome"), ("上一篇", "page chrome"), ("下一篇", "page chrome"),
    ("扫一扫", "qr code"), ("二维码", "qr code"),
];

/// Separators between the fields of one line (bars are kept with the key before them).
fn is_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, '【' | '】' | '[' | ']' | '\u{3000}')
}

const BARS: &[char] = &['|', '｜', '丨'];

/// The tokens of a line: split at spaces and brackets, and after bars; a bar standing alone
/// (`文 | 张红梅`) joins the token before it, where it labels a key.
fn tokens(line: &str) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for piece in line
        .split(is_separator)
        .flat_map(|t| t.split_inclusive(BARS))
        .filter(|t| !t.is_empty())
    {
        match out.last_mut() {
            Some(last) if piece.trim_matches(BARS).is_empty() => {
                let start = last.as_ptr() as usize - line.as_ptr() as usize;
                let end = piece.as_ptr() as usize - line.as_ptr() as usize + piece.len();
                *last = &line[start..end];
            }
            _ => out.push(piece),
        }
    }
    out
}

/// Marks that make a key a label (`来源：`, `来源丨`, `【来源】`).
const LABEL_MARKS: &[char] = &['：', ':', '丨', '|', '｜', '】', ']', '/'];

/// The field a token opens: its class and strength, and whether names may follow it
/// unlabelled (`通讯员 陈红`).
pub(super) fn key_at(token: &str) -> Option<(&'static str, bool, bool)> {
    let inner = token.trim_start_matches(['【', '[', '（', '(']);
    KEYS.iter()
        .filter_map(|&(key, reason, strong)| {
            let rest = inner.strip_prefix(key)?;
            let bare = rest.is_empty() && key.chars().count() >= 2;
            (bare || rest.starts_with(LABEL_MARKS)).then_some((key.len(), (reason, strong, bare)))
        })
        .max_by_key(|(len, _)| *len)
        .map(|(_, field)| field)
}

/// A widget token (`【打印】`, `点赞(12)`, `阅读 3.2万`): its class.
fn widget(token: &str) -> Option<&'static str> {
    let core: String = token
        .chars()
        .filter(|c| !c.is_ascii_digit() && !"().（）:：万次人[]【】".contains(*c))
        .collect();
    WIDGETS.iter().find(|(w, _)| *w == core).map(|(_, r)| *r)
}

/// A date or clock-time token (`2026-11-20`, `10:31:05`, `2026年11月20日`).
pub(super) fn is_time_token(token: &str) -> bool {
    let digits = token.chars().filter(char::is_ascii_digit).count();
    digits >= 4
        && token
            .chars()
            .all(|c| c.is_ascii_digit() || "-/:.年月日时分秒T".contains(c))
}

/// One field of a line as it is being read.
struct Field {
    reason: &'static str,
    strong: bool,
    /// Tokens taken after the key as its value.
    values: usize,
    /// A key with a label: a value may follow.
    open: bool,
}

/// Reads `line` as fields; `None` if any token is not metadata.
fn fields(line: &str) -> Option<Vec<Field>> {
    let mut out: Vec<Field> = Vec::new();
    for token in tokens(line) {
        let squeezed: String;
        let token = if token.contains(char::is_whitespace) {
            // `文 | 张红梅`: the key, its bar, nothing between.
            squeezed = token.chars().filter(|c| !c.is_whitespace()).collect();
            squeezed.as_str()
        } else {
            token
        };
        let plain = token.trim_end_matches(BARS);
        if plain.is_empty() {
            continue;
        }
        if let Some((reason, strong, _)) = key_at(token) {
            let after = token.trim_start_matches(['【', '[', '（', '(']);
            out.push(Field {
                reason,
                strong,
                values: usize::from(!after.ends_with(LABEL_MARKS)),
                open: true,
            });
        } else if let Some(reason) = widget(plain) {
            out.push(Field {
                reason,
                strong: true,
                values: 0,
                open: false,
            });
        } else if is_time_token(plain) {
            out.push(Field {
                reason: "timestamp",
                strong: false,
                values: 0,
                open: false,
            });
        } else {
            // A count after a widget (`点赞 128`) or a value of the field before: short,
            // and not a label of another kind.
            let count = plain
                .chars()
                .all(|c| c.is_ascii_digit() || ".万wWkK+".contains(c));
            if count && !out.is_empty() {
                continue;
            }
            let last = out.last_mut().filter(|f| f.open && f.values < 4)?;
            if plain.contains(['：', ':']) || plain.chars().count() > 24 {
                return None;
            }
            last.values += 1;
        }
    }
    Some(out)
}

/// A line made only of metadata fields and widgets, with at least one strong field: the
/// class of its first field. A line with a sentence end or over 100 characters is text.
pub fn metadata_line(line: &str) -> Option<&'static str> {
    if line.contains(['。', '！', '？']) || line.chars().count() > 100 {
        return None;
    }
    let fields = fields(line)?;
    if !fields.iter().any(|f| f.strong) {
        return None;
    }
    fields.first().map(|f| f.reason)
}

/// A lone label with nothing after it (`索引号:`), whose value a table layout puts on the
/// next line.
pub fn is_lone_label(line: &str) -> bool {
    let core = line.trim();
    let end = core.trim_end_matches(['：', ':']);
    end.len() < core.len() && key_at(core).is_some() && !end.contains(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_of_fields_are_metadata() {
        let rows = [
            (
                "发布时间：2026-11-20 10:31:05\u{3000}来源：县应急管理局\u{3000}浏览次数：1234",
                Some("timestamp"),
            ),
            (
                "2026年11月20日 09:12 | 来源：人民网－山东频道",
                Some("timestamp"),
            ),
            ("【字体：大 中 小】【打印】【关闭】", Some("font size")),
            ("作者：记者 赵小川 通讯员 孙梅", Some("byline")),
            ("点赞(12) 评论(3) 分享 收藏", Some("share")),
            ("文丨王小丽 图丨县融媒", Some("byline")),
            ("编辑：张三 审核：李四 校对：王五", Some("editor")),
            ("索引号:", Some("metadata")),
            ("时间：12月3日 地点：村委会二楼", None),
            ("来源：县应急管理局 联系电话：0543-8812345", None),
            ("2026年12月3日 19:30", None),
            ("请各户提前储水。来源：县水务局", None),
        ];
        for (line, want) in rows {
            assert_eq!(metadata_line(line), want, "{line}");
        }
        assert!(is_lone_label("索引号:"));
        assert!(!is_lone_label("各位村民："));
    }
}
