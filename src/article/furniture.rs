//! Page furniture: the banners, bylines, timestamps, editor lines and stray markup that come
//! with an article pasted from a web page. Each rule recognizes a line by its shape and says
//! why it goes. Pure.
//!
//! Removing a body sentence is worse than keeping a byline, so every rule is narrow, and a
//! line that reads like prose (several sentences, or long) is never furniture.

/// Where a line sits: before the first sentence of the body, or after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    /// Masthead, title and metadata: before any body sentence.
    Head,
    /// From the first body sentence on.
    Body,
}

/// Why a line is furniture, or `None` for a line to keep.
///
/// A bare date-time line is furniture only in the head: in the body it may be the time of a
/// meeting written on its own line.
pub fn classify(line: &str, zone: Zone) -> Option<&'static str> {
    let core = strip_bullet(line).trim();
    if core.is_empty() {
        return None;
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
    if let Some(reason) = metadata(core) {
        return Some(reason);
    }
    if is_banner(core) {
        return Some("banner");
    }
    if is_chrome(core) {
        return Some("page chrome");
    }
    None
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
    core.chars().count() >= 3
        && core
            .chars()
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

/// `作者：…`, `来源：…`, `责任编辑：…`, `通讯员 张三`.
fn metadata(core: &str) -> Option<&'static str> {
    const KEYS: &[(&str, &str)] = &[
        ("责任编辑", "editor"),
        ("值班编辑", "editor"),
        ("编辑", "editor"),
        ("主编", "editor"),
        ("审核", "editor"),
        ("初审", "editor"),
        ("二审", "editor"),
        ("三审", "editor"),
        ("终审", "editor"),
        ("校对", "editor"),
        ("监制", "editor"),
        ("统筹", "editor"),
        ("作者", "byline"),
        ("记者", "byline"),
        ("通讯员", "byline"),
        ("撰稿", "byline"),
        ("摄影", "byline"),
        ("文/图", "byline"),
        ("图/文", "byline"),
        ("来源", "source"),
        ("本文来源", "source"),
        ("文章来源", "source"),
        ("新闻来源", "source"),
        ("稿件来源", "source"),
        ("信息来源", "source"),
        ("供稿", "source"),
        ("发布者", "source"),
        ("发布人", "source"),
        ("发布单位", "source"),
        ("签发", "editor"),
        ("核稿", "editor"),
        ("审核人", "editor"),
        ("制图", "byline"),
        ("摄像", "byline"),
        ("剪辑", "byline"),
        ("视频", "byline"),
        ("图片", "byline"),
        ("稿源", "source"),
        ("出处", "source"),
        ("原标题", "source"),
        ("本文链接", "source"),
        ("发布时间", "timestamp"),
        ("发布日期", "timestamp"),
        ("浏览次数", "page chrome"),
        ("阅读量", "page chrome"),
        ("点击数", "page chrome"),
        ("字号", "page chrome"),
        ("分享到", "page chrome"),
    ];
    let len = core.chars().count();
    if len > 50 || core.contains('。') {
        return None;
    }
    let inner = core.trim_start_matches(['【', '[', '（', '(']);
    for (key, reason) in KEYS {
        if let Some(rest) = inner.strip_prefix(key) {
            let rest = rest.trim_start();
            let labelled = rest.starts_with(['：', ':', '丨', '|', '｜', '】', ']']);
            // `通讯员 陈晨 杜建民`: a byline key followed by short names.
            let names = *reason == "byline" && !rest.is_empty() && len <= 24 && is_name_list(rest);
            if labelled || names {
                return Some(reason);
            }
        }
    }
    None
}

fn is_name_list(rest: &str) -> bool {
    rest.split([' ', '、', '，', ','])
        .filter(|w| !w.is_empty())
        .all(|w| (2..=4).contains(&w.chars().count()))
}

/// `XX日报社出品`, `党媒平台`, `XX客户端`: masthead lines at the top of a page.
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

/// Navigation and sharing widgets, copyright lines and end marks.
fn is_chrome(core: &str) -> bool {
    #[rustfmt::skip]
    const EXACT: &[&str] = &[
        "（完）", "(完)", "【完】", "[完]", "完", "返回顶部", "返回首页", "打印本页",
        "关闭窗口", "【打印】", "【关闭】", "[打印]", "[关闭]", "扫一扫", "分享", "收藏",
        "点赞", "在看", "相关阅读", "相关新闻", "相关链接", "阅读原文", "更多精彩", "上一篇",
        "下一篇", "[图片]", "【图片】",
    ];
    #[rustfmt::skip]
    const STARTS: &[&str] = &[
        "版权所有", "Copyright", "copyright", "©", "扫一扫", "扫码", "长按识别",
        "分享到", "上一篇：", "下一篇：", "上一篇:", "下一篇:", "图片来源", "（图片来源",
        "(图片来源", "点击查看", "【打印】", "字体：", "相关阅读", "相关新闻", "相关链接",
    ];
    let len = core.chars().count();
    if EXACT.contains(&core) {
        return true;
    }
    if len > 40 || core.contains('。') {
        return false;
    }
    let widgets = ["打印", "关闭", "字体", "字号", "收藏", "分享"];
    let bracketed = core.starts_with(['【', '[']) && widgets.iter().any(|w| core.contains(w));
    let attachment = core.starts_with("附件")
        && [
            ".doc", ".pdf", ".xls", ".wps", ".zip", ".rar", ".jpg", ".png",
        ]
        .iter()
        .any(|x| core.to_ascii_lowercase().contains(x));
    bracketed
        || attachment
        || STARTS.iter().any(|s| core.starts_with(s))
        || core.contains("ICP备")
        || core.contains("网安备")
        || is_breadcrumb(core)
}

/// `首页 > 新闻 > 本地`.
fn is_breadcrumb(core: &str) -> bool {
    let parts: Vec<&str> = core.split(['>', '»', '›', '＞']).map(str::trim).collect();
    parts.len() >= 3 && parts.iter().all(|p| (1..=8).contains(&p.chars().count()))
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
        "page chrome"
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
    let end = inner.find('>')?;
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
            ("首页 > 新闻中心 > 本地要闻", Some("page chrome")),
            ("（完）", Some("page chrome")),
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
            Some(("活动圆满结束。", "(完)", "page chrome"))
        );
        assert_eq!(split_trailing_byline("召开会议（扩大）"), None);
        assert_eq!(split_trailing_byline("请带好身份证（原件）"), None);
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
