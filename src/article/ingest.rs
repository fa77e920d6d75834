//! File bytes → text: UTF-8 (with or without BOM), else GBK/GB18030 when the result is
//! plausible Chinese; anything else is refused rather than read out as mojibake. Pure.

use std::path::Path;

use super::ArticleError;

/// The largest article accepted: 256 KiB is some 87 000 Chinese characters, seven hours of
/// speech, while a newspaper page pasted whole is under 100 kB; anything bigger is a wrong
/// file, and is refused before it is decoded or parsed.
pub const MAX_ARTICLE_BYTES: usize = 256 * 1024;

/// Decodes file bytes: UTF-8 (with or without BOM), else GB18030 (a superset of GBK).
///
/// Fails on a file over [`MAX_ARTICLE_BYTES`], on UTF-16, on binary data, and on bytes that
/// decode as GB18030 only into rare characters (a Latin-1 or random file), naming the file
/// and the likely cause.
pub fn decode(path: &Path, bytes: &[u8]) -> Result<String, ArticleError> {
    if bytes.len() > MAX_ARTICLE_BYTES {
        return Err(ArticleError::TooLarge {
            path: path.to_owned(),
            size: bytes.len(),
            limit: MAX_ARTICLE_BYTES,
        });
    }
    let err = |why: &'static str| ArticleError::Encoding {
        path: path.to_owned(),
        why,
    };
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(err("it is UTF-16"));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(text) = std::str::from_utf8(bytes) {
        if is_binary(text) {
            return Err(err(
                "it holds control characters, so it looks like binary data",
            ));
        }
        // Short GBK text can also be valid UTF-8 (通知 is CD A8 D6 AA, two combining marks
        // and a Hebrew point in UTF-8): prefer GBK when the UTF-8 reading has no Chinese.
        if !looks_like_gbk_in_disguise(text) {
            return Ok(text.to_owned());
        }
        let (gbk, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
        if !had_errors && is_plausible_chinese(&gbk) {
            return Ok(gbk.into_owned());
        }
        return Ok(text.to_owned());
    }
    let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    if had_errors || is_binary(&text) {
        return Err(err("its bytes are neither valid UTF-8 nor valid GBK"));
    }
    if !is_plausible_chinese(&text) {
        return Err(err(
            "read as GBK it gives mostly rare characters, so it is probably another encoding",
        ));
    }
    Ok(text.into_owned())
}

/// Non-ASCII text with no Chinese, made mostly of two-byte UTF-8 code points (combining
/// marks, Greek, Cyrillic, Hebrew, Arabic): what GBK bytes look like when read as UTF-8.
fn looks_like_gbk_in_disguise(text: &str) -> bool {
    let non_ascii: Vec<char> = text.chars().filter(|c| !c.is_ascii()).collect();
    let two_byte = non_ascii
        .iter()
        .filter(|&&c| ('\u{0080}'..='\u{07FF}').contains(&c))
        .count();
    !non_ascii.is_empty()
        && !non_ascii.iter().any(|&c| crate::text::chars::is_cjk(c))
        && two_byte * 2 >= non_ascii.len()
}

fn is_binary(text: &str) -> bool {
    text.chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{0C}'))
}

/// Real Chinese text is made mostly of the 6763 characters of GB2312 (GBK lead bytes
/// 0xB0–0xF7); Latin-1 or random bytes read as GBK land mostly elsewhere.
fn is_plausible_chinese(text: &str) -> bool {
    let mut common = 0usize;
    let mut other = 0usize;
    for c in text.chars().filter(|c| !c.is_ascii()) {
        let mut buf = [0u8; 4];
        let (bytes, _, unmappable) = encoding_rs::GBK.encode(c.encode_utf8(&mut buf));
        let in_gb2312 = !unmappable
            && bytes.len() == 2
            && (0xA1..=0xF7).contains(&bytes[0])
            && (0xA1..=0xFE).contains(&bytes[1]);
        if in_gb2312 {
            common += 1;
        } else {
            other += 1;
        }
    }
    common + other == 0 || common * 10 >= (common + other) * 8
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_str(bytes: &[u8]) -> Result<String, String> {
        decode(Path::new("a.txt"), bytes).map_err(|e| e.to_string())
    }

    #[test]
    fn utf8_bom_and_gbk() {
        assert_eq!(decode_str("通知".as_bytes()).unwrap(), "通知");
        assert_eq!(decode_str(b"\xEF\xBB\xBF\xE9\x80\x9A").unwrap(), "通");
        let (gbk, _, _) = encoding_rs::GBK.encode("森林防火，请勿野外用火。");
        assert_eq!(decode_str(&gbk).unwrap(), "森林防火，请勿野外用火。");
    }

    #[test]
    fn short_gbk_that_is_also_valid_utf8_is_read_as_gbk() {
        let (gbk, _, _) = encoding_rs::GBK.encode("通知");
        assert!(std::str::from_utf8(&gbk).is_ok());
        assert_eq!(decode_str(&gbk).unwrap(), "通知");
        assert_eq!(decode_str("Привет".as_bytes()).unwrap(), "Привет");
    }

    #[test]
    fn big5_is_refused_rather_than_read_as_gbk() {
        let (big5, _, _) =
            encoding_rs::BIG5.encode("各位村民請注意，明天上午九點在村委會大院開會。");
        let err = decode_str(&big5).unwrap_err();
        assert!(err.contains("rare characters"), "{err}");
    }

    #[test]
    fn rare_characters_from_gbk_are_refused() {
        // Valid GBK pairs, all from the rarely used GBK/3 and GBK/4 regions.
        let bytes = b"\x81\x40\x82\x41\x83\x42\x84\x43\x85\x44\x86\x45\x87\x46";
        let err = decode_str(bytes).unwrap_err();
        assert!(err.contains("rare characters"), "{err}");
    }

    #[test]
    fn an_article_over_the_limit_is_refused_by_name() {
        let big = "村".repeat(MAX_ARTICLE_BYTES / 3 + 1);
        let err = decode_str(big.as_bytes()).unwrap_err();
        assert!(
            err.contains("`a.txt`") && err.contains(&MAX_ARTICLE_BYTES.to_string()),
            "{err}"
        );
        let fits = "村".repeat(MAX_ARTICLE_BYTES / 3);
        assert!(decode_str(fits.as_bytes()).is_ok());
    }

    #[test]
    fn other_encodings_are_refused() {
        let latin1 = b"Caf\xE9 cr\xE8me br\xFBl\xE9e \xE0 la fran\xE7aise, tr\xE8s \xE9l\xE9gant";
        let err = decode_str(latin1).unwrap_err();
        assert!(err.contains("`a.txt`"), "{err}");
        assert!(
            decode_str(b"\xFF\xFE\x1a\x90")
                .unwrap_err()
                .contains("UTF-16")
        );
        assert!(decode_str(b"\x89PNG\r\n\x1a\n\x00\x00").is_err());
    }
}
