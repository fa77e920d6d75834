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
        Lang::Zh => localize_at(cmd, "help", lang),
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
            let a = a.help_heading(heading);
            match help {
                Some(h) => a.help(h),
                None => a,
            }
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
