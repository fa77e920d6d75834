//! Typed TOML files with errors a person can act on: the file, the line and the key.

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

/// A TOML file that could not be read or did not match its schema.
#[derive(Debug, thiserror::Error)]
pub enum TomlError {
    /// The file could not be read at all.
    #[error("cannot read `{}`: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// The file was read but is not valid for its schema.
    #[error("`{}` line {line}: {message}", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// 1-based line of the offending key or value.
        line: usize,
        /// What is wrong, naming the key.
        message: String,
    },
}

/// Reads and parses `path` into `T`.
pub fn load<T: DeserializeOwned>(path: &Path) -> Result<T, TomlError> {
    let text = std::fs::read_to_string(path).map_err(|source| TomlError::Read {
        path: path.to_owned(),
        source,
    })?;
    parse(path, &text)
}

/// Parses `text` (the contents of `path`) into `T`; `line_offset` is added to reported lines,
/// for TOML embedded in a larger file such as article front matter.
pub fn parse_at<T: DeserializeOwned>(
    path: &Path,
    text: &str,
    line_offset: usize,
) -> Result<T, TomlError> {
    toml::from_str(text).map_err(|err| {
        let line = err
            .span()
            .map(|span| line_of(text, span.start))
            .unwrap_or(1);
        TomlError::Invalid {
            path: path.to_owned(),
            line: line + line_offset,
            message: one_line(err.message()),
        }
    })
}

/// Parses `text` (the contents of `path`) into `T`.
pub fn parse<T: DeserializeOwned>(path: &Path, text: &str) -> Result<T, TomlError> {
    parse_at(path, text, 0)
}

/// 1-based line number of byte offset `at` in `text`.
fn line_of(text: &str, at: usize) -> usize {
    text.as_bytes()[..at.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Voice {
        kind: String,
        speed: f32,
    }

    #[test]
    fn unknown_key_names_file_line_and_key() {
        let err = parse::<Voice>(
            Path::new("voices/x.toml"),
            "kind = \"espeak\"\nspead = 1.0\n",
        )
        .unwrap_err()
        .to_string();
        assert!(err.starts_with("`voices/x.toml` line 2:"), "{err}");
        assert!(err.contains("spead"), "{err}");
    }

    #[test]
    fn bad_value_names_line() {
        let err = parse::<Voice>(Path::new("v.toml"), "kind = \"espeak\"\nspeed = \"fast\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 2"), "{err}");
    }

    #[test]
    fn missing_field_is_named() {
        let err = parse::<Voice>(Path::new("v.toml"), "kind = \"espeak\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("speed"), "{err}");
    }
}
