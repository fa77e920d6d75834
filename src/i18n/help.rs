//! `--help` in the process's language. clap's texts come from doc comments (English); for
//! Chinese each command's about, each argument's help and the headings are replaced from the
//! Fluent messages `help-<command path>` and `help-<command path>-<argument id>` (e.g.
//! `help-hub-serve-listen`). A text without a message stays English.

use clap::{Arg, ArgAction, Command};

use super::{Lang, lookup};

/// `cmd` with its help in `lang` (unchanged for English).
pub fn localize(cmd: Command, lang: Lang) -> Command {
    match lang {
        Lang::En => cmd,
        Lang::Zh => {
            let mut cmd = localize_at(cmd, "help", lang);
            // clap adds its `help` subcommands (English) while building; build the tree
            // first, then translate them.
            cmd.build();
            localize_help_subcommands(cmd, lang)
        }
    }
}

/// Every `help` subcommand clap added under `cmd`, with its texts in `lang`.
fn localize_help_subcommands(mut cmd: Command, lang: Lang) -> Command {
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_owned())
        .collect();
    for name in names {
        cmd = cmd.mut_subcommand(&name, |s| {
            if s.get_name() != "help" {
                return localize_help_subcommands(s, lang);
            }
            let about = lookup(lang, "help-help").unwrap_or_default();
            let arg = lookup(lang, "help-help-subcommand").unwrap_or_default();
            let s = s.about(about);
            if s.get_arguments().any(|a| a.get_id() == "subcommand") {
                s.mut_arg("subcommand", |a| a.help(arg))
            } else {
                s
            }
        });
    }
    cmd
}

/// The ids of the help messages `cmd`'s commands and arguments need (`help-…`), as
/// [`localize`] looks them up: the tests check each has a Chinese text.
pub fn message_ids(cmd: &Command) -> Vec<String> {
    let mut ids = Vec::new();
    collect_ids(cmd, "help", &mut ids);
    ids
}

fn collect_ids(cmd: &Command, path: &str, ids: &mut Vec<String>) {
    ids.push(path.to_owned());
    for arg in cmd.get_arguments().filter(|a| !a.is_hide_set()) {
        let global = arg.is_global_set() && path != "help";
        if !global && !matches!(arg.get_id().as_str(), "help" | "version") {
            ids.push(format!("{path}-{}", arg.get_id()));
        }
    }
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        collect_ids(sub, &format!("{path}-{}", sub.get_name()), ids);
    }
}

fn localize_at(mut cmd: Command, path: &str, lang: Lang) -> Command {
    let word = |id: &str| lookup(lang, id).unwrap_or_else(|| id.to_owned());
    if let Some(about) = lookup(lang, path) {
        cmd = cmd.about(about);
    }
    if let Some(after) = cmd.get_after_help().map(ToString::to_string) {
        let example = word("help-heading-example");
        cmd = cmd.after_help(
            after
                .replacen("Example", &example, 1)
                .replacen(':', "：", 1),
        );
    }
    let ids: Vec<String> = cmd
        .get_arguments()
        .map(|a| a.get_id().to_string())
        .collect();
    for id in ids {
        let help = lookup(lang, &format!("{path}-{id}"));
        let (args, options) = (word("help-heading-args"), word("help-heading-options"));
        cmd = cmd.mut_arg(&id, |a| {
            let heading = if a.is_positional() { args } else { options };
            let help = help.or_else(|| a.get_help().map(ToString::to_string));
            let notes = notes(&a, lang);
            // clap's own notes are English; [`notes`] says the same in `lang`.
            let a = if a.get_action().takes_values() {
                a.hide_default_value(true)
                    .hide_possible_values(true)
                    .hide_env(true)
            } else {
                a
            };
            a.help_heading(heading)
                .help(format!("{}{notes}", help.unwrap_or_default()))
        });
    }
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_owned())
        .collect();
    for name in names {
        let sub_path = format!("{path}-{name}");
        cmd = cmd.mut_subcommand(&name, |s| localize_at(s, &sub_path, lang));
    }
    cmd.subcommand_help_heading(word("help-heading-commands"))
        .help_template(format!(
            "{{before-help}}{{about-with-newline}}\n{} {{usage}}\n\n{{all-args}}{{after-help}}",
            word("help-heading-usage")
        ))
        .disable_help_flag(true)
        .disable_version_flag(true)
        .arg(flag("help", 'h', ArgAction::Help, word("help-flag"), lang))
        .arg(flag(
            "version",
            'V',
            ArgAction::Version,
            word("help-version-flag"),
            lang,
        ))
}

/// What clap would add after an argument's help in English (`[default: 24]`, `[env: …]`,
/// `[possible values: …]`), in `lang`.
fn notes(arg: &Arg, lang: Lang) -> String {
    let note = |id: &str, value: String| {
        format!(
            " {}",
            super::message_in(lang, id, &[("value", value.into())])
        )
    };
    let mut out = String::new();
    if !arg.get_action().takes_values() {
        return out;
    }
    let values: Vec<String> = arg
        .get_possible_values()
        .iter()
        .filter(|v| !v.is_hide_set())
        .map(|v| v.get_name().to_owned())
        .collect();
    if !values.is_empty() {
        out += &note("help-note-values", values.join("、"));
    }
    let defaults: Vec<String> = arg
        .get_default_values()
        .iter()
        .map(|v| v.to_string_lossy().into_owned())
        .collect();
    if !defaults.is_empty() {
        out += &note("help-note-default", defaults.join(" "));
    }
    if let Some(env) = arg.get_env().filter(|_| !arg.is_hide_env_set()) {
        out += &note("help-note-env", env.to_string_lossy().into_owned());
    }
    out
}

/// `-h, --help` or `-V, --version` with its text in `lang` (clap's own are English).
fn flag(name: &'static str, short: char, action: ArgAction, help: String, lang: Lang) -> Arg {
    let heading = lookup(lang, "help-heading-options").unwrap_or_default();
    Arg::new(name)
        .short(short)
        .long(name)
        .action(action)
        .help(help)
        .help_heading(heading)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_chinese_command_passes_clap_checks() {
        localize(crate::cli::Args::command(), Lang::Zh).debug_assert();
        localize(crate::cli::Args::command(), Lang::En).debug_assert();
    }
}
