//! Typed protocol values: digests, box ids, times and severities, each checked when parsed.

use std::fmt;

use jiff::Timestamp;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A protocol value that is not well-formed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    /// Not `blake3:` followed by 64 lowercase hex digits.
    #[error("digest `{0}` is not `blake3:` and 64 lowercase hex digits")]
    Digest(String),
    /// Not a plain name.
    #[error(
        "box id `{0}` is not 1–32 lowercase letters, digits or `-` (starting with a letter or digit)"
    )]
    BoxId(String),
    /// Not RFC 3339 with an offset.
    #[error("time `{0}` is not RFC 3339 with an offset, e.g. `2026-12-02T07:00:00+08:00`")]
    Time(String),
    /// Not 1–4 or `test`.
    #[error("severity `{0}` is not 1, 2, 3, 4 or \"test\"")]
    Severity(String),
}

/// `blake3:<64 hex>`: what a program (or script) is, whoever serves it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Digest(String);

impl Digest {
    /// The digest of `bytes`.
    pub fn of(bytes: &[u8]) -> Self {
        Self::from_hash(blake3::hash(bytes))
    }

    /// The digest for a finished blake3 hash.
    pub fn from_hash(hash: blake3::Hash) -> Self {
        Self(format!("blake3:{}", hash.to_hex()))
    }

    /// The 64 hex digits, safe as a file name.
    pub fn hex(&self) -> &str {
        &self.0["blake3:".len()..]
    }
}

impl TryFrom<String> for Digest {
    type Error = ValueError;
    fn try_from(text: String) -> Result<Self, ValueError> {
        let ok = text.strip_prefix("blake3:").is_some_and(|hex| {
            hex.len() == 64 && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        });
        if ok {
            Ok(Self(text))
        } else {
            Err(ValueError::Digest(text.escape_debug().to_string()))
        }
    }
}

impl From<Digest> for String {
    fn from(d: Digest) -> String {
        d.0
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A box's plain name (`zhangjiacun`, `box-7`): safe in a URL, a file name and a log line.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct BoxId(String);

impl BoxId {
    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for BoxId {
    type Error = ValueError;
    fn try_from(text: String) -> Result<Self, ValueError> {
        let ok = (1..=32).contains(&text.len())
            && text
                .bytes()
                .all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'-'))
            && !text.starts_with('-');
        if ok {
            Ok(Self(text))
        } else {
            Err(ValueError::BoxId(text.escape_debug().to_string()))
        }
    }
}

impl std::str::FromStr for BoxId {
    type Err = ValueError;
    fn from_str(s: &str) -> Result<Self, ValueError> {
        Self::try_from(s.to_owned())
    }
}

impl From<BoxId> for String {
    fn from(id: BoxId) -> String {
        id.0
    }
}

impl fmt::Display for BoxId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An instant as sent on the wire: RFC 3339 with an offset, kept as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct WireTime {
    text: String,
    at: Timestamp,
}

impl WireTime {
    /// `at` written with the given offset (the station's offset, e.g. +08:00).
    pub fn new(at: Timestamp, offset: jiff::tz::Offset) -> Self {
        Self {
            text: at.display_with_offset(offset).to_string(),
            at,
        }
    }

    /// The instant.
    pub fn at(&self) -> Timestamp {
        self.at
    }
}

impl TryFrom<String> for WireTime {
    type Error = ValueError;
    fn try_from(text: String) -> Result<Self, ValueError> {
        match text.parse::<Timestamp>() {
            Ok(at) => Ok(Self { text, at }),
            Err(_) => Err(ValueError::Time(text.escape_debug().to_string())),
        }
    }
}

impl From<WireTime> for String {
    fn from(t: WireTime) -> String {
        t.text
    }
}

impl fmt::Display for WireTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// EBM severity: 1 特别重大 (red) … 4 一般 (blue), or a test message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// 1–4.
    Level(u8),
    /// A test alert: airs only where the station allows tests.
    Test,
}

/// `1`–`4` or `test`, as an operator types or picks it (the form and the command line).
impl std::str::FromStr for Severity {
    type Err = ValueError;

    fn from_str(s: &str) -> Result<Self, ValueError> {
        match s.trim() {
            "test" => Ok(Severity::Test),
            level => match level.parse::<u8>() {
                Ok(n @ 1..=4) => Ok(Severity::Level(n)),
                _ => Err(ValueError::Severity(s.to_owned())),
            },
        }
    }
}

impl Serialize for Severity {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Severity::Level(n) => s.serialize_u8(*n),
            Severity::Test => s.serialize_str("test"),
        }
    }
}

impl<'de> Deserialize<'de> for Severity {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(d)?;
        match &value {
            serde_json::Value::Number(n) => match n.as_u64() {
                Some(level @ 1..=4) => Ok(Severity::Level(level as u8)),
                _ => Err(serde::de::Error::custom(ValueError::Severity(
                    n.to_string(),
                ))),
            },
            serde_json::Value::String(s) if s == "test" => Ok(Severity::Test),
            other => Err(serde::de::Error::custom(ValueError::Severity(
                other.to_string(),
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_severity_is_one_to_four_or_test() {
        assert_eq!("1".parse::<Severity>(), Ok(Severity::Level(1)));
        assert_eq!(" 4 ".parse::<Severity>(), Ok(Severity::Level(4)));
        assert_eq!("test".parse::<Severity>(), Ok(Severity::Test));
        for wrong in ["0", "5", "red", "", "-1"] {
            assert_eq!(
                wrong.parse::<Severity>(),
                Err(ValueError::Severity(wrong.into()))
            );
        }
    }
}
