//! The language a person reads on the command line: Chinese when the locale says so
//! (`LC_ALL`, `LC_MESSAGES`, `LANG`: the first one set, as POSIX orders them), English
//! otherwise. Messages live in Fluent files (`locales/en.ftl`, `locales/zh-CN.ftl`), compiled
//! into the binary; a message missing from the Chinese file falls back to English, so strings
//! move over one at a time. Output for scripts (`--json`) is never translated.

pub mod help;
mod reasons;

pub use reasons::reason_in;

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

    use fluent_syntax::ast;
    use std::collections::{BTreeMap, BTreeSet};

    /// Every message of `ftl` with the variables it uses.
    fn messages(name: &str, ftl: &'static str) -> BTreeMap<String, BTreeSet<String>> {
        let resource = match fluent_syntax::parser::parse(ftl) {
            Ok(r) => r,
            Err((_, errors)) => panic!("locales/{name}.ftl: {errors:?}"),
        };
        let mut out = BTreeMap::new();
        for entry in resource.body {
            if let ast::Entry::Message(m) = entry {
                let mut vars = BTreeSet::new();
                if let Some(p) = &m.value {
                    pattern_vars(p, &mut vars);
                }
                let id = m.id.name.to_owned();
                assert!(
                    out.insert(id.clone(), vars).is_none(),
                    "`{id}` twice in {name}"
                );
            }
        }
        out
    }

    fn pattern_vars(p: &ast::Pattern<&str>, vars: &mut BTreeSet<String>) {
        for element in &p.elements {
            if let ast::PatternElement::Placeable { expression } = element {
                expression_vars(expression, vars);
            }
        }
    }

    fn expression_vars(e: &ast::Expression<&str>, vars: &mut BTreeSet<String>) {
        let inline = |i: &ast::InlineExpression<&str>, vars: &mut BTreeSet<String>| match i {
            ast::InlineExpression::VariableReference { id } => {
                vars.insert(id.name.to_owned());
            }
            ast::InlineExpression::Placeable { expression } => expression_vars(expression, vars),
            _ => {}
        };
        match e {
            ast::Expression::Inline(i) => inline(i, vars),
            ast::Expression::Select { selector, variants } => {
                inline(selector, vars);
                for v in variants {
                    pattern_vars(&v.value, vars);
                }
            }
        }
    }

    #[test]
    fn every_message_is_in_both_catalogues_with_the_same_variables() {
        let en = messages("en", EN);
        let zh = messages("zh-CN", ZH);
        // `help…` messages translate clap's English help, which lives in the code (see
        // `every_command_and_argument_has_chinese_help`).
        let plain = |m: &BTreeMap<String, BTreeSet<String>>| -> BTreeMap<String, BTreeSet<String>> {
            m.iter()
                .filter(|(id, _)| !id.starts_with("help"))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        };
        let (en, zh) = (plain(&en), plain(&zh));
        for (id, vars) in &en {
            assert_eq!(
                zh.get(id),
                Some(vars),
                "`{id}`: zh-CN.ftl lacks it or its variables differ"
            );
        }
        for id in zh.keys() {
            assert!(en.contains_key(id), "`{id}` is in zh-CN.ftl only");
        }
    }

    #[test]
    fn every_command_and_argument_has_chinese_help() {
        use clap::CommandFactory;
        let zh = messages("zh-CN", ZH);
        let needed = help::message_ids(&crate::cli::Args::command());
        let missing: Vec<_> = needed.iter().filter(|id| !zh.contains_key(*id)).collect();
        assert!(
            missing.is_empty(),
            "no Chinese help in zh-CN.ftl for {missing:#?}"
        );
        let extra = [
            "help-heading",
            "help-note",
            "help-flag",
            "help-version-flag",
            "help-help",
        ];
        for id in zh.keys().filter(|id| id.starts_with("help")) {
            assert!(
                needed.contains(id) || extra.iter().any(|e| id.starts_with(e)),
                "`{id}` in zh-CN.ftl names no command or argument"
            );
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
