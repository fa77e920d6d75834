//! The parsers of user files, fed arbitrary and near-valid input: none panics, and every
//! error names the file it came from.

use std::path::Path;

use proptest::prelude::*;

use dalaba::station::Settings;
use dalaba::tts::VoiceProfile;

const FILE: &str = "村里/通知 #1.txt";

/// Text that is mostly the shape of the files dalaba reads: TOML keys, `+++` fences,
/// brackets, quotes, dates, times, Chinese, controls and stray bytes.
fn near_toml() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "+++\n",
        "\n",
        "[[slot]]\n",
        "[program]\n",
        "[words]\n",
        "name = ",
        "at = [",
        "]",
        "\"",
        "\"07:00\"",
        "\"25:61\"",
        "cron = \"*/2 * * * *\"",
        "queue = \"news\"",
        "repeat = ",
        "4294967296",
        "-1",
        "0",
        "1e309",
        "kind = \"openai\"",
        "url = \"http://u:p@h/?k=v\"",
        "voice = \"../x\"",
        "title = ",
        "from = \"2026-12-01\"",
        "until = \"2026-02-30\"",
        "sample_rate = ",
        "quiet_hours = { from = \"22:00\", until = \"06:00\" }",
        "\"单县\" = ",
        "各位村民请注意。",
        "\u{1b}[2J",
        "\u{0}",
        "\u{feff}",
        "\r\n",
        "\\u0000",
        "'''",
        "{",
        "}",
        "=",
        "#",
        ".",
        "\u{202e}",
    ]);
    prop::collection::vec(pieces, 0..40).prop_map(|v| v.concat())
}

fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![near_toml(), any::<String>()]
}

fn names_the_file(err: &dyn std::fmt::Display) -> Result<(), TestCaseError> {
    let text = err.to_string();
    prop_assert!(
        text.contains(FILE),
        "the error does not name the file: {text}"
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn articles_and_front_matter(bytes in prop::collection::vec(any::<u8>(), 0..400), text in any_text()) {
        let path = Path::new(FILE);
        if let Err(e) = dalaba::article::decode(path, &bytes) {
            names_the_file(&e)?;
        }
        if let Err(e) = dalaba::article::parse(path, &text) {
            names_the_file(&e)?;
        }
    }

    #[test]
    fn schedules(text in any_text()) {
        if let Err(e) = dalaba::schedule::parse(Path::new(FILE), &text) {
            names_the_file(&e)?;
        }
    }

    #[test]
    fn lexicons(text in any_text()) {
        if let Err(e) = dalaba::text::lexicon::parse(Path::new(FILE), &text) {
            names_the_file(&e)?;
        }
    }

    #[test]
    fn voices_and_station_settings(text in any_text()) {
        let path = Path::new(FILE);
        if let Err(e) = dalaba::toml_file::parse::<VoiceProfile>(path, &text) {
            names_the_file(&e)?;
        }
        if let Err(e) = dalaba::toml_file::parse::<Settings>(path, &text) {
            names_the_file(&e)?;
        }
    }
}
