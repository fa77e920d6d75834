//! The language a person reads on the command line: Chinese when the locale says so
//! (`LC_ALL`, `LC_MESSAGES`, `LANG`: the first one set, as POSIX orders them), English
//! otherwise. Messages live in Fluent files (`locales/en.ftl`, `locales/zh-CN.ftl`), compiled
//! into the binary; a message missing from the Chinese file falls back to English, so strings
//! move over one at a time. Output for scripts (`--json`) is never translated.

pub mod help;

use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};

pub use fluent_bundle::FluentValue;

/// English source texts.
const EN: &str = include_str!("../../locales/en.ftl");
/// Chinese (zh-CN) translations.
const ZH: &str = include_str!("../../locales/zh-CN.ftl");

/// A language the command line speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// English (the default, and `C`/`POSIX`).
    En,
    /// Simplified Chinese (`zh_CN.UTF-8`, `zh_CN`, `zh`, …).
    Zh,
}

impl Lang {
    /// The language of the locale in the environment, read through `var`.
    pub fn from_env(var: impl Fn(&str) -> Option<String>) -> Lang {
        let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .find_map(|k| var(k).filter(|v| !v.is_empty()));
        match locale {
            Some(l) if l.to_ascii_lowercase().starts_with("zh") => Lang::Zh,
            _ => Lang::En,
        }
    }
}

static LANG: OnceLock<Lang> = OnceLock::new();

/// Sets the process's language once, at start-up (later calls change nothing).
pub fn set(lang: Lang) {
    let _ = LANG.set(lang);
}

/// The process's language (English until [`set`]).
pub fn lang() -> Lang {
    LANG.get().copied().unwrap_or(Lang::En)
}

struct Bundles {
    en: FluentBundle<FluentResource>,
    zh: FluentBundle<FluentResource>,
}

fn bundles() -> &'static Bundles {
    static BUNDLES: OnceLock<Bundles> = OnceLock::new();
    BUNDLES.get_or_init(|| Bundles {
        en: bundle("en", EN),
        zh: bundle("zh-CN", ZH),
    })
}

/// A bundle of `ftl`. Syntax errors and duplicates are caught by the tests below, so here a
/// broken entry is only skipped.
fn bundle(tag: &str, ftl: &str) -> FluentBundle<FluentResource> {
    let id: unic_langid::LanguageIdentifier = tag.parse().unwrap_or_default();
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // No Unicode isolation marks around arguments: they show as junk in a terminal and CSV.
    bundle.set_use_isolating(false);
    let resource = FluentResource::try_new(ftl.to_owned()).unwrap_or_else(|(res, _)| res);
    let _ = bundle.add_resource(resource);
    bundle
}

fn format(
    bundle: &FluentBundle<FluentResource>,
    id: &str,
    args: Option<&FluentArgs>,
) -> Option<String> {
    let pattern = bundle.get_message(id)?.value()?;
    let mut errors = Vec::new();
    Some(
        bundle
            .format_pattern(pattern, args, &mut errors)
            .into_owned(),
    )
}

/// Message `id` in `lang` with `args`; English when `lang` lacks it; `id` when both do.
pub fn message_in(lang: Lang, id: &str, args: &[(&str, FluentValue<'_>)]) -> String {
    let mut fluent = FluentArgs::new();
    for (name, value) in args {
        fluent.set(*name, value.clone());
    }
    let args = (!args.is_empty()).then_some(&fluent);
    let b = bundles();
    let first = match lang {
        Lang::Zh => format(&b.zh, id, args),
        Lang::En => None,
    };
    first
        .or_else(|| format(&b.en, id, args))
        .unwrap_or_else(|| id.to_owned())
}

/// Message `id` in `lang` when that language has it (no fallback).
pub fn lookup(lang: Lang, id: &str) -> Option<String> {
    let b = bundles();
    match lang {
        Lang::Zh => format(&b.zh, id, None),
        Lang::En => format(&b.en, id, None),
    }
}

/// `t!("id")` or `t!("id", name = value, …)`: a message in the process's language.
#[macro_export]
macro_rules! t {
    ($id:expr) => {
        $crate::i18n::message_in($crate::i18n::lang(), $id, &[])
    };
    ($id:expr, $($name:ident = $value:expr),+ $(,)?) => {
        $crate::i18n::message_in(
            $crate::i18n::lang(),
            $id,
            &[$((stringify!($name), $crate::i18n::FluentValue::from($value))),+],
        )
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_locale_picks_the_language_as_posix_orders_it() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(Lang::from_env(env(&[("LANG", "zh_CN.UTF-8")])), Lang::Zh);
        assert_eq!(Lang::from_env(env(&[("LANG", "C.UTF-8")])), Lang::En);
        assert_eq!(Lang::from_env(env(&[])), Lang::En);
        let all = env(&[("LC_ALL", "C"), ("LANG", "zh_CN.UTF-8")]);
        assert_eq!(Lang::from_env(all), Lang::En, "LC_ALL wins");
        let msgs = env(&[
            ("LC_ALL", ""),
            ("LC_MESSAGES", "zh_CN.UTF-8"),
            ("LANG", "C"),
        ]);
        assert_eq!(Lang::from_env(msgs), Lang::Zh, "an empty LC_ALL is unset");
    }

    #[test]
    fn both_files_parse_and_every_chinese_message_has_an_english_one() {
        for (name, ftl) in [("en", EN), ("zh-CN", ZH)] {
            if let Err((_, errors)) = FluentResource::try_new(ftl.to_owned()) {
                panic!("locales/{name}.ftl: {errors:?}");
            }
        }
        let en = FluentResource::try_new(EN.to_owned()).unwrap();
        let zh = FluentResource::try_new(ZH.to_owned()).unwrap();
        let ids = |r: &FluentResource| -> Vec<String> {
            r.entries()
                .filter_map(|e| match e {
                    fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_owned()),
                    _ => None,
                })
                .collect()
        };
        let english = ids(&en);
        // `help…` messages translate clap's English help, which lives in the code.
        let translated = ids(&zh);
        for id in translated.into_iter().filter(|id| !id.starts_with("help")) {
            assert!(english.contains(&id), "`{id}` is in zh-CN.ftl only");
        }
    }

    #[test]
    fn messages_fall_back_to_english_then_to_the_id() {
        let outcome = message_in(Lang::Zh, "outcome-aired", &[]);
        assert_eq!(outcome, "已播出");
        assert_eq!(message_in(Lang::En, "outcome-aired", &[]), "aired");
        assert_eq!(
            message_in(Lang::Zh, "no-such-message", &[]),
            "no-such-message"
        );
        let n = message_in(Lang::Zh, "plan-nothing", &[("hours", 48.into())]);
        assert!(n.contains("48") && !n.contains('\u{2068}'), "{n}");
    }
}
