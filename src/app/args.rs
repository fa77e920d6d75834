//! The command line parsed in the locale's language: `--help` through
//! [`crate::i18n::help::localize`], and clap's usage errors (unknown flag, missing argument,
//! bad value, …) rendered from their kind and context with the Fluent messages `clap-…`.
//! English keeps clap's own rendering; the exit codes are clap's either way.

use clap::error::{ContextKind, ContextValue, Error, ErrorKind};
use clap::{CommandFactory, FromArgMatches};

use super::escape::line as esc;
use crate::cli::Args;
use crate::i18n::{self, FluentValue, Lang};

/// The command line's arguments, with `--help` and usage errors in the language of the
/// locale (`LC_ALL`, `LC_MESSAGES`, `LANG`); on a usage error, prints it and exits as clap
/// does (status 2; 0 for `--help` and `--version`).
pub fn parse_args() -> Args {
    let lang = Lang::from_env(|var| std::env::var(var).ok());
    i18n::set(lang);
    let cmd = i18n::help::localize(Args::command(), lang);
    cmd.try_get_matches()
        .and_then(|m| Args::from_arg_matches(&m))
        .unwrap_or_else(|err| exit(&err, lang))
}

fn exit(err: &Error, lang: Lang) -> ! {
    match message(err, lang) {
        Some(text) => {
            eprintln!("{text}");
            std::process::exit(err.exit_code())
        }
        None => err.exit(),
    }
}

/// `err` as it is printed in `lang`: `None` where clap's own text is right (English, and
/// help or version output, which is already in `lang`).
fn message(err: &Error, lang: Lang) -> Option<String> {
    // `dalaba hub` alone prints the (translated) help, as `--help` does.
    let help = matches!(
        err.kind(),
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    );
    if lang == Lang::En || !err.use_stderr() || help {
        return None;
    }
    let t = |id: &str, args: &[(&str, FluentValue<'_>)]| i18n::message_in(lang, id, args);
    let mut out = t("error-line", &[("message", what(err, lang).into())]);
    for tip in tips(err, lang) {
        out.push_str("\n  ");
        out.push_str(&tip);
    }
    if let Some(ContextValue::StyledStr(usage)) = err.get(ContextKind::Usage) {
        let usage = usage.to_string();
        let usage = usage.trim_start_matches("Usage:").trim();
        out += &format!("\n\n{} {usage}", t("help-heading-usage", &[]));
    }
    out += &format!("\n\n{}", t("clap-more", &[]));
    Some(out)
}

/// A context value as one escaped string (lists joined with `、`).
fn value(err: &Error, kind: ContextKind) -> Option<String> {
    Some(match err.get(kind)? {
        ContextValue::String(s) => esc(s).into_owned(),
        ContextValue::Strings(v) => list(v.iter().map(|s| esc(s).into_owned())),
        ContextValue::StyledStr(s) => esc(&s.to_string()).into_owned(),
        ContextValue::StyledStrs(v) => list(v.iter().map(|s| esc(&s.to_string()).into_owned())),
        ContextValue::Number(n) => n.to_string(),
        _ => return None,
    })
}

fn list(items: impl Iterator<Item = String>) -> String {
    items.collect::<Vec<_>>().join("、")
}

/// The error line's text, from the kind and its context.
fn what(err: &Error, lang: Lang) -> String {
    let arg = value(err, ContextKind::InvalidArg).unwrap_or_default();
    let val = value(err, ContextKind::InvalidValue).unwrap_or_default();
    let sub = value(err, ContextKind::InvalidSubcommand).unwrap_or_default();
    let prior = value(err, ContextKind::PriorArg).unwrap_or_default();
    let valid = value(err, ContextKind::ValidValue).unwrap_or_default();
    let cause = std::error::Error::source(err)
        .map(|e| cause(&e.to_string(), lang))
        .unwrap_or_default();
    let (id, args): (&str, Vec<(&str, String)>) = match err.kind() {
        ErrorKind::UnknownArgument => ("clap-unknown-argument", vec![("arg", arg)]),
        ErrorKind::InvalidSubcommand => ("clap-unknown-subcommand", vec![("name", sub)]),
        ErrorKind::InvalidValue if val.is_empty() => ("clap-no-value", vec![("arg", arg)]),
        ErrorKind::InvalidValue => (
            "clap-invalid-value",
            vec![("arg", arg), ("value", val), ("valid", valid)],
        ),
        ErrorKind::ValueValidation => (
            "clap-bad-value",
            vec![("arg", arg), ("value", val), ("cause", cause)],
        ),
        ErrorKind::MissingRequiredArgument => ("clap-missing", vec![("args", arg)]),
        ErrorKind::MissingSubcommand => ("clap-missing-subcommand", vec![("name", sub)]),
        ErrorKind::ArgumentConflict if prior.is_empty() || prior == arg => {
            ("clap-repeated", vec![("arg", arg)])
        }
        ErrorKind::ArgumentConflict => ("clap-conflict", vec![("arg", arg), ("other", prior)]),
        ErrorKind::TooManyValues => ("clap-too-many", vec![("arg", arg), ("value", val)]),
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            ("clap-wrong-count", vec![("arg", arg)])
        }
        ErrorKind::NoEquals => ("clap-no-equals", vec![("arg", arg)]),
        ErrorKind::InvalidUtf8 => ("clap-not-utf8", vec![]),
        _ => return esc(&err.kind().to_string()).into_owned(),
    };
    let args: Vec<(&str, FluentValue<'_>)> = args
        .into_iter()
        .map(|(name, v)| (name, FluentValue::from(v)))
        .collect();
    i18n::message_in(lang, id, &args)
}

/// Why a value was refused: a number out of range (clap's `10 is not in 1..=5`) in
/// `lang`, any other reason as its parser gave it.
fn cause(text: &str, lang: Lang) -> String {
    let range = text
        .split_once(" is not in ")
        .and_then(|(_, r)| r.split_once("..="));
    match range {
        Some((low, high)) => i18n::message_in(
            lang,
            "clap-range",
            &[
                ("low", FluentValue::from(esc(low).into_owned())),
                ("high", FluentValue::from(esc(high).into_owned())),
            ],
        ),
        None => esc(text).into_owned(),
    }
}

/// clap's suggestions (`--verbose` for `--verbos`, `-- --x` for a value that looks like a
/// flag), in `lang`.
fn tips(err: &Error, lang: Lang) -> Vec<String> {
    let tip = |id: &str, kind: ContextKind| {
        value(err, kind).map(|v| i18n::message_in(lang, id, &[("value", FluentValue::from(v))]))
    };
    let mut tips: Vec<String> = [
        tip("clap-tip-argument", ContextKind::SuggestedArg),
        tip("clap-tip-subcommand", ContextKind::SuggestedSubcommand),
        tip("clap-tip-value", ContextKind::SuggestedValue),
    ]
    .into_iter()
    .flatten()
    .collect();
    if let Some(ContextValue::Bool(true)) = err.get(ContextKind::TrailingArg) {
        let arg = value(err, ContextKind::InvalidArg).unwrap_or_default();
        tips.push(i18n::message_in(
            lang,
            "clap-tip-trailing",
            &[("arg", FluentValue::from(arg))],
        ));
    }
    tips
}
