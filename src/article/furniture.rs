//! Page furniture: the banners, breadcrumbs, datelines, credits, widgets, prompts and
//! related-news lists that come with an article pasted from a web page, a public account or
//! a PDF. Each rule recognizes a line by its position (head, body, foot), its shape
//! (separators, brackets, lists of short items) or its keyword class, and says why it goes.
//! Pure.
//!
//! Removing a body sentence is worse than keeping a byline, so the rules that look at words
//! alone apply only around the body (head and foot zones), and a line that reads like prose
//! (several sentences, or long) is never furniture, except the distribution lines of an
//! official document.

use super::fields;

/// Where a line sits on the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    /// Masthead, navigation, title and metadata: before any body sentence.
    Head,
    /// From the first body sentence to the last.
    Body,
    /// After the last body sentence: credits, prompts, footers.
    Foot,
}

/// Why a line is furniture, or `None` for a line to keep.
///
/// A bare date-time line is furniture only in the head: in the body it may be the time of a
/// meeting written on its own line; a date without a clock time (a notice's signature date)
/// is always kept.
pub fn classify(line: &str, zone: Zone) -> Option<&'static str> {
    let bulleted = strip_bullet(line).len() != line.trim_start().len();
    let core = strip_bullet(line).trim();
    if core.is_empty() {
        return None;
    }
    // Before the bullet is taken off: `- 1 -` is a page number, not a list item.
    if let Some(reason) = document_line(line.trim()).or_else(|| document_line(core)) {
        return Some(reason);
    }
    if is_prose(core) {
        return None;
    }
    if is_rule(core) {
        return Some("separator");
    }
    if zone == Zone::Head && is_timestamp(core) {
        return Some("timestamp");
    }
    if let Some(reason) = metadata(core).or_else(|| fields::metadata_line(core)) {
        return Some(reason);
    }
    if let Some(reason) = chrome(core) {
        return Some(reason);
    }
    if is_banner(core) {
        return Some("banner");
    }
    match zone {
        Zone::Body => None,
        Zone::Head => head_only(core),
        Zone::Foot => foot_only(core, bulleted),
    }
}

/// The heading of a block that ends the body (`相关新闻`, `推荐阅读`, `网友评论`): the
/// reason for it and every line after it.
pub fn block_end(line: &str) -> Option<&'static str> {
    #[rustfmt::skip]
    const RELATED: &[&str] = &[
        "相关新闻", "相关阅读", "相关链接", "相关文章", "相关报道", "相关推荐", "推荐阅读",
        "延伸阅读", "扩展阅读", "拓展阅读", "往期回顾", "往期推荐", "往期精彩", "精彩推荐",
        "热点推荐", "热门推荐", "热门文章", "热门新闻", "猜你喜欢", "大家都在看", "更多新闻",
        "更多阅读", "今日推荐", "为你推荐", "编辑推荐", "新闻排行", "阅读排行", "精彩回顾",
    ];
    #[rustfmt::skip]
    const COMMENTS: &[&str] = &[
        "网友评论", "发表评论", "全部评论", "热门评论", "最新评论", "我要评论", "写评论",
        "精选留言", "留言板", "评论区", "评论",
    ];
    let decor: &[char] = &[
        '【', '】', '[', ']', '▼', '▲', '■', '●', '◆', '—', '-', '=', '*', '#', '|', ' ', '▎',
        '丨', '〓',
    ];
    let core = strip_bullet(line).trim().trim_matches(decor);
    let counted = |rest: &str| {
        rest.trim_matches(|c: char| c.is_ascii_digit() || "()（）条 ".contains(c))
            .is_empty()
    };
    for (words, reason) in [(RELATED, "related list"), (COMMENTS, "comments")] {
        let Some(word) = words.iter().find(|w| core.starts_with(**w)) else {
            continue;
        };
        let rest = core[word.len()..].trim_matches(decor);
        let titled = rest.starts_with(['：', ':'])
            && rest.chars().count() <= 40
            && !rest.contains(['。', '，']);
        if rest.is_empty() || counted(rest) || titled {
            return Some(reason);
        }
    }
    let comment_count = core.starts_with("已有") && core.ends_with("条评论");
    comment_count.then_some("comments")
}

/// Several sentences, or a long line with a sentence end: body text whatever it starts with.
fn is_prose(core: &str) -> bool {
    let ends = core
        .chars()
        .filter(|&c| matches!(c, '。' | '！' | '？'))
        .count();
    let len = core.chars().count();
    ends >= 2 || (ends == 1 && len > 40) || len > 80
}

/// A leading list bullet (`•`, `·`, `●` …) and the spaces after it.
pub fn strip_bullet(line: &str) -> &str {
    let t = line.trim_start();
    let bullets = [
        '•', '·', '●', '○', '◆', '◇', '■', '□', '▪', '►', '▶', '★', '☆', '*',
    ];
    let hashes = t.len() - t.trim_start_matches('#').len();
    if (1..=6).contains(&hashes) && t[hashes..].starts_with(' ') {
        // A Markdown heading.
        return t[hashes..].trim_start();
    }
    match t.chars().next() {
        Some(b) if bullets.contains(&b) => t[b.len_utf8()..].trim_start(),
        Some('-') if t[1..].starts_with(' ') => t[1..].trim_start(),
        _ => t,
    }
}

fn is_rule(core: &str) -> bool {
    let marks = core.chars().filter(|c| !c.is_whitespace());
    marks.clone().count() >= 3
        && marks
            .clone()
            .all(|c| matches!(c, '-' | '=' | '*' | '_' | '—' | '～' | '~' | '·' | '#'))
}

/// A bare date-time stamp such as `2022-07-01 06:27:49` or `2022年07月01日 06:27`. A date
/// without a clock time (a notice's signature date) is kept.
fn is_timestamp(core: &str) -> bool {
    let body = LABELS_BEFORE_TIME
        .iter()
        .find_map(|l| core.strip_prefix(l))
        .unwrap_or(core)
        .trim();
    let allowed = |c: char| c.is_ascii_digit() || " -/:.年月日时分秒T".contains(c);
    let digits = body.chars().filter(char::is_ascii_digit).count();
    !body.is_empty() && body.chars().all(allowed) && digits >= 6 && body.contains(':')
}

const LABELS_BEFORE_TIME: &[&str] = &["发布时间：", "发布时间:", "发布于"];

/// One labelled credit or stamp (`作者：…`, `【责任编辑：张小敏】`, `通讯员 张三`): its class.
fn metadata(core: &str) -> Option<&'static str> {
    let len = core.chars().count();
    if len > 50 || core.contains('。') {
        return None;
    }
    let (reason, strong, bare) = fields::key_at(core.split_whitespace().next()?)?;
    if !strong {
        return None;
    }
    let rest = core
        .split_once(char::is_whitespace)
        .map_or("", |(_, r)| r.trim());
    // Another label after the first (`来源：… 联系电话：…`) makes it a line of fields.
    if rest.contains(['：', ':']) {
        return None;
    }
    // `通讯员 陈晨 杜建民`: a byline or editor key followed by short names.
    let names = matches!(reason, "byline" | "editor")
        && len <= 24
        && !rest.is_empty()
        && is_name_list(rest);
    (!bare || names).then_some(reason)
}

fn is_name_list(rest: &str) -> bool {
    rest.split([' ', '、', '，', ','])
        .filter(|w| !w.is_empty())
        .all(|w| (2..=4).contains(&w.chars().count()))
}

/// `XX日报社出品`, `党媒平台`, `XX客户端`: masthead lines.
fn is_banner(core: &str) -> bool {
    let len = core.chars().count();
    let plain = !core.contains(['，', '。', ',', '：', ':']);
    plain
        && ((len <= 24 && core.ends_with("出品"))
            || (len <= 12
                && ["平台", "客户端", "APP", "App", "公众号", "融媒", "新闻网"]
                    .iter()
                    .any(|w| core.ends_with(w))))
}

/// Navigation, sharing and app widgets, copyright lines and end marks: their class.
fn chrome(core: &str) -> Option<&'static str> {
    #[rustfmt::skip]
    const EXACT: &[(&str, &str)] = &[
        ("（完）", "end mark"), ("(完)", "end mark"), ("【完】", "end mark"),
        ("[完]", "end mark"), ("完", "end mark"), ("（全文完）", "end mark"),
        ("返回顶部", "page chrome"), ("返回首页", "page chrome"), ("打印本页", "print"),
        ("关闭窗口", "print"), ("扫一扫", "qr code"), ("[图片]", "page chrome"),
        ("【图片】", "page chrome"),
    ];
    #[rustfmt::skip]
    const STARTS: &[(&str, &str)] = &[
        ("版权所有", "copyright"), ("Copyright", "copyright"), ("copyright", "copyright"),
        ("©", "copyright"), ("扫一扫", "qr code"), ("扫码", "qr code"),
        ("长按识别", "qr code"), ("长按二维码", "qr code"), ("上一篇", "page chrome"),
        ("下一篇", "page chrome"), ("上一条", "page chrome"), ("下一条", "page chrome"),
        ("（图片来源", "source"), ("(图片来源", "source"), ("点击查看", "page chrome"),
        ("展开全文", "prompt"), ("展开剩余", "prompt"), ("打开APP", "prompt"),
        ("打开App", "prompt"), ("打开app", "prompt"), ("阅读全文", "prompt"),
        ("阅读原文", "prompt"), ("点击阅读原文", "prompt"), ("查看原文", "prompt"),
        ("下载客户端", "prompt"), ("当前位置", "breadcrumb"), ("您的位置", "breadcrumb"),
        ("您现在的位置", "breadcrumb"), ("所在位置", "breadcrumb"),
    ];
    if let Some((_, reason)) = EXACT.iter().find(|(w, _)| *w == core) {
        return Some(reason);
    }
    if core.chars().count() > 40 || core.contains('。') {
        return None;
    }
    let attachment = core.starts_with("附件")
        && [
            ".doc", ".pdf", ".xls", ".wps", ".zip", ".rar", ".jpg", ".png",
        ]
        .iter()
        .any(|x| core.to_ascii_lowercase().contains(x));
    if attachment {
        return Some("page chrome");
    }
    let copyright = [
        "ICP备",
        "网安备",
        "网站标识码",
        "版权所有",
        "未经授权",
        "禁止转载",
    ];
    if copyright.iter().any(|w| core.contains(w)) {
        return Some("copyright");
    }
    if is_breadcrumb(core) {
        return Some("breadcrumb");
    }
    STARTS
        .iter()
        .find(|(w, _)| core.starts_with(w))
        .map(|(_, reason)| *reason)
}

/// `首页 > 新闻 > 本地`, `人民网 >> 地方 >> 山东`, `当前位置：首页 » 通知公告`.
fn is_breadcrumb(core: &str) -> bool {
    let labelled = ["当前位置", "您的位置", "您现在的位置", "所在位置", "位置"]
        .iter()
        .find_map(|l| core.strip_prefix(l))
        .map(|r| r.trim_start_matches(['：', ':', ' ']));
    let path = labelled.unwrap_or(core);
    let parts: Vec<&str> = path
        .split(['>', '»', '›', '＞', '→'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    let enough =
        parts.len() >= 3 || (parts.len() == 2 && (labelled.is_some() || parts[0] == "首页"));
    enough
        && path.contains(['>', '»', '›', '＞', '→'])
        && parts.iter().all(|p| (1..=12).contains(&p.chars().count()))
}

/// Lines of an official document that are not read even when long: distribution lists
/// (`抄送：…`), the print line (`…2026年11月20日印发`), page numbers (`- 2 -`) and the
/// disclosure note (`（此件公开发布）`).
fn document_line(core: &str) -> Option<&'static str> {
    let len = core.chars().count();
    let distribution = ["抄送", "抄报", "主题词"].iter().any(|k| {
        core.strip_prefix(k)
            .is_some_and(|r| r.trim_start().starts_with(['：', ':']))
    });
    let printed = core.ends_with("印发")
        && len <= 60
        && core.contains('年')
        && core.contains('月')
        && !core.contains(['。', '，']);
    if (distribution && len <= 300) || printed {
        return Some("distribution");
    }
    if is_page_number(core) {
        return Some("page number");
    }
    let inner = core
        .strip_prefix(['（', '('])
        .and_then(|r| r.strip_suffix(['）', ')']));
    let disclosure = inner.is_some_and(|i| {
        i.chars().count() <= 24
            && ["此件", "信息公开", "公开方式", "公开属性"]
                .iter()
                .any(|w| i.starts_with(w))
    });
    disclosure.then_some("disclosure")
}

/// `- 2 -`, `—3—`, `第2页 共5页`.
fn is_page_number(core: &str) -> bool {
    let squeezed: String = core.chars().filter(|c| !c.is_whitespace()).collect();
    let dashes: &[char] = &['-', '—', '–', '－'];
    let inner = squeezed.trim_matches(dashes);
    let dashed = inner.len() < squeezed.len()
        && squeezed.starts_with(dashes)
        && squeezed.ends_with(dashes)
        && !inner.is_empty()
        && inner.chars().all(|c| c.is_ascii_digit());
    let paged = squeezed.starts_with('第')
        && squeezed.contains('页')
        && squeezed
            .chars()
            .all(|c| c.is_ascii_digit() || "第页共/".contains(c));
    dashed || paged
}

/// Words of a call to action around an article (follow, like, share, scan, read the
/// original): never a sentence of a notice.
#[rustfmt::skip]
const PROMPTS: &[&str] = &[
    "关注我们", "点击蓝字", "点击上方", "点击下方", "关注公众号", "设为星标", "星标", "点个在看",
    "点亮在看", "在看", "点赞", "分享给更多", "转发给更多", "欢迎转发", "转发扩散", "阅读原文",
    "长按识别", "长按二维码", "识别二维码", "扫码关注", "置顶公众号", "关注本号", "一键三连",
    "欢迎投稿", "欢迎留言",
];

/// A short line made to make the reader act (`点击上方蓝字关注我们`, `喜欢就点个在看吧！`).
pub fn is_prompt(core: &str) -> bool {
    core.chars().count() <= 60 && PROMPTS.iter().any(|w| core.contains(w))
}

/// Rules for lines before the body: prompts, navigation menus, site credits, the document
/// number of an official document, a portal's dateline.
fn head_only(core: &str) -> Option<&'static str> {
    if is_prompt(core) {
        return Some("prompt");
    }
    if is_navigation(core) {
        return Some("navigation");
    }
    if is_site_credit(core) {
        return Some("site credit");
    }
    if is_document_number(core) {
        return Some("document number");
    }
    // `XX县人民政府办公室文件`: the red masthead of an official document.
    if core.ends_with("文件") && core.chars().count() <= 24 && !core.contains(['，', '。', '：'])
    {
        return Some("banner");
    }
    is_dateline(core).then_some("timestamp")
}

/// Rules for lines after the body: prompts, site credits, lists of short titles.
fn foot_only(core: &str, bulleted: bool) -> Option<&'static str> {
    if is_prompt(core) {
        return Some("prompt");
    }
    if is_site_credit(core) {
        return Some("site credit");
    }
    let title = core.chars().count() <= 40 && !core.contains(['。', '；']);
    (bulleted && title).then_some("list of titles")
}

/// `首页 政务公开 政务服务 互动交流`: four or more short words, nothing else.
fn is_navigation(core: &str) -> bool {
    let words: Vec<&str> = core
        .split([' ', '\u{3000}', '|', '｜'])
        .filter(|w| !w.is_empty())
        .collect();
    words.len() >= 4
        && words.iter().all(|w| {
            (2..=6).contains(&w.chars().count()) && w.chars().all(crate::text::chars::is_cjk)
        })
}

/// `XX县人民政府 主办`, `主办：XX县人民政府办公室 承办：…`: who runs the site.
fn is_site_credit(core: &str) -> bool {
    const ROLES: &[&str] = &["主办", "承办", "协办", "主管", "技术支持", "运维"];
    let short = core.chars().count() <= 60 && !core.contains(['。', '，']);
    let labelled = ROLES.iter().any(|r| {
        core.split_whitespace()
            .any(|w| w.starts_with(r) && w[r.len()..].starts_with(['：', ':']))
    });
    let trailing = ROLES.iter().any(|r| core.ends_with(r));
    short && (labelled || trailing || core.contains("网站地图") || core.contains("联系我们"))
}

/// `X政办发〔2026〕12号`: an official document's number on a line of its own.
fn is_document_number(core: &str) -> bool {
    let Some((before, after)) = core.split_once(['〔', '[', '［']) else {
        return false;
    };
    let Some((year, number)) = after.split_once(['〕', ']', '］']) else {
        return false;
    };
    core.chars().count() <= 24
        && (2..=12).contains(&before.chars().count())
        && year.len() == 4
        && year.chars().all(|c| c.is_ascii_digit())
        && number.ends_with('号')
        && number
            .trim_end_matches('号')
            .chars()
            .all(|c| c.is_ascii_digit())
}

/// A portal's or account's stamp under the title: words and a full date or a clock time,
/// nothing that reads as a sentence (`县融媒 2026-11-20 10:31 山东`).
fn is_dateline(core: &str) -> bool {
    let tokens: Vec<&str> = core.split_whitespace().collect();
    let stamp = tokens.iter().any(|t| {
        fields::is_time_token(t) && (t.contains(':') || t.matches(['-', '/', '.']).count() == 2)
    });
    tokens.len() >= 2
        && stamp
        && core.chars().count() <= 40
        && !core.contains(['，', '。', '！', '？', '：'])
}

/// A byline or source in brackets at the end of a body line (`……提升。（记者 张三）`,
/// `（完）`): the line without it, the fragment, and the reason.
pub fn split_trailing_byline(line: &str) -> Option<(&str, &str, &'static str)> {
    let trimmed = line.trim_end();
    let close = trimmed.chars().last().filter(|c| matches!(c, '）' | ')'))?;
    let open = if close == '）' { '（' } else { '(' };
    let start = trimmed.rfind(open)?;
    let fragment = &trimmed[start..];
    let inner = &fragment[open.len_utf8()..fragment.len() - close.len_utf8()];
    let body = trimmed[..start].trim_end();
    if body.is_empty() || inner.chars().count() > 30 || inner.contains(['。', '（', '(']) {
        return None;
    }
    let reason = if inner == "完" {
        "end mark"
    } else {
        metadata(inner)?
    };
    Some((body, fragment, reason))
}

/// Removes markup from a line: HTML comments and their fragments (`-->`, `<!--`), tags,
/// and entities. Returns the cleaned line and whether anything was taken out.
pub fn strip_markup(line: &str) -> (String, bool) {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    let mut changed = false;
    while !rest.is_empty() {
        if let Some(r) = rest
            .strip_prefix("<!--")
            .or_else(|| rest.strip_prefix("-->"))
        {
            rest = r;
            changed = true;
        } else if let Some(end) = tag_len(rest) {
            rest = &rest[end..];
            changed = true;
        } else if let Some((entity, len)) = entity(rest) {
            out.push_str(entity);
            rest = &rest[len..];
            changed = true;
        } else {
            let c = rest.chars().next().unwrap_or(' ');
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    (out, changed)
}

/// Length of an HTML tag such as `<p>`, `</div>`, `<br/>`, `<img src="…">` at the start.
fn tag_len(s: &str) -> Option<usize> {
    let inner = s.strip_prefix('<')?;
    let first = inner.chars().next()?;
    if !(first.is_ascii_alphabetic() || first == '/' || first == '!') {
        return None;
    }
    // A tag closes within a few hundred bytes; looking further makes a line of `<` quadratic.
    let end = inner[..inner.len().min(512)].find('>')?;
    let body = &inner[..end];
    let name: String = body
        .trim_start_matches('/')
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    const TAGS: &[&str] = &[
        "p", "br", "div", "span", "img", "a", "b", "i", "u", "strong", "em", "font", "section",
        "table", "tr", "td", "th", "tbody", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6",
        "hr", "script", "style", "iframe", "center", "sup", "sub", "DOCTYPE",
    ];
    let known = TAGS.iter().any(|t| t.eq_ignore_ascii_case(&name));
    (known && !body.contains('<')).then_some(end + 2)
}

fn entity(s: &str) -> Option<(&'static str, usize)> {
    const ENTITIES: &[(&str, &str)] = &[
        ("&nbsp;", " "),
        ("&amp;", "&"),
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&quot;", "\""),
        ("&ldquo;", "“"),
        ("&rdquo;", "”"),
        ("&mdash;", "—"),
        ("&hellip;", "…"),
        ("&middot;", "·"),
    ];
    ENTITIES
        .iter()
        .find(|(e, _)| s.starts_with(e))
        .map(|(e, r)| (*r, e.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn furniture_lines_are_named() {
        let rows = [
            ("XX日报社出品", Some("banner")),
            ("党媒平台", Some("banner")),
            ("  • 2022-07-01 06:27:49", Some("timestamp")),
            ("  • 作者:通讯员 李青 王大山", Some("byline")),
            ("  • 来源:XX日报/XX网", Some("source")),
            ("责任编辑:张小敏", Some("editor")),
            ("【责任编辑：张小敏】", Some("editor")),
            ("通讯员 陈红 刘小兵", Some("byline")),
            ("发布时间：2026-11-20 09:12", Some("timestamp")),
            ("首页 > 新闻中心 > 本地要闻", Some("breadcrumb")),
            ("（完）", Some("end mark")),
            ("==========", Some("separator")),
        ];
        for (line, want) in rows {
            assert_eq!(classify(line, Zone::Head), want, "{line}");
        }
    }

    #[test]
    fn body_lines_are_kept() {
        let rows = [
            "2026年11月26日",
            "石庙镇卫生院",
            "时间：11月28日上午9:00",
            "时间：2026年12月1日 09:00",
            "来源于群众的意见，我们都认真办理。",
            "编辑部的同志们下乡调研，走访了二十多户村民。村民们反映了不少问题。",
            "各位村民：",
            "高起点定位,高标准谋划,把精神谈具体、讲清楚",
            "作者是本村的老党员，他说：“我们要带头。”",
            "完成全年任务",
        ];
        for line in rows {
            assert_eq!(classify(line, Zone::Head), None, "{line}");
        }
        assert_eq!(classify("2026年12月3日 19:30", Zone::Body), None);
        assert_eq!(classify("2026-12-01", Zone::Head), None);
    }

    #[test]
    fn trailing_bylines_are_split_off() {
        assert_eq!(
            split_trailing_byline("全面提升。（记者 张三 通讯员 李四）"),
            Some(("全面提升。", "（记者 张三 通讯员 李四）", "byline"))
        );
        assert_eq!(
            split_trailing_byline("活动圆满结束。(完)"),
            Some(("活动圆满结束。", "(完)", "end mark"))
        );
        assert_eq!(split_trailing_byline("召开会议（扩大）"), None);
        assert_eq!(split_trailing_byline("请带好身份证（原件）"), None);
    }

    #[test]
    fn blocks_that_end_the_body() {
        for line in [
            "相关新闻",
            "【推荐阅读】",
            "延伸阅读：",
            "▼ 往期回顾",
            "评论（5）",
            "已有3条评论",
        ] {
            assert!(block_end(line).is_some(), "{line}");
        }
        for line in [
            "相关新闻发布后引起关注。",
            "评论员文章说，要抓好落实。",
            "推荐阅读书目如下",
        ] {
            assert_eq!(block_end(line), None, "{line}");
        }
    }

    #[test]
    fn word_rules_apply_around_the_body_only() {
        let prompt = "欢迎关注我们";
        assert_eq!(classify(prompt, Zone::Head), Some("prompt"));
        assert_eq!(classify(prompt, Zone::Foot), Some("prompt"));
        assert_eq!(classify(prompt, Zone::Body), None);
        assert_eq!(
            classify("• 全镇召开防火工作会议", Zone::Foot),
            Some("list of titles")
        );
        assert_eq!(classify("• 全镇召开防火工作会议", Zone::Body), None);
        assert_eq!(
            classify("首页 政务公开 政务服务 互动交流", Zone::Head),
            Some("navigation")
        );
        assert_eq!(
            classify("河政办发〔2026〕18号", Zone::Head),
            Some("document number")
        );
        assert_eq!(
            classify("县融媒 2026-11-20 10:31 山东", Zone::Head),
            Some("timestamp")
        );
    }

    #[test]
    fn official_document_lines_go_even_when_long() {
        let cc = "抄送：县委各部门，县人大常委会办公室，县政协办公室，县法院，县检察院，县人武部，各人民团体。";
        assert_eq!(classify(cc, Zone::Foot), Some("distribution"));
        assert_eq!(
            classify("河口县人民政府办公室   2026年11月18日印发", Zone::Foot),
            Some("distribution")
        );
        assert_eq!(classify("- 2 -", Zone::Body), Some("page number"));
        assert_eq!(classify("（此件公开发布）", Zone::Foot), Some("disclosure"));
        assert_eq!(classify("（一）加强领导", Zone::Body), None);
    }

    #[test]
    fn markup_is_stripped() {
        assert_eq!(strip_markup("-->"), (String::new(), true));
        assert_eq!(
            strip_markup("<p>正文&nbsp;内容</p>"),
            ("正文 内容".into(), true)
        );
        assert_eq!(strip_markup("温度<5度"), ("温度<5度".into(), false));
    }
}
