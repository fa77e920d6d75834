//! Example profiles are not live voices.

use crate::support::{TestStation, repo, stdout};

#[test]
fn example_profiles_are_not_loaded_as_voices() {
    let station = dalaba::station::Station::open(&repo()).unwrap();
    let names = station.voice_names().unwrap();
    // The built-in neural voice and its last resort: both run on this machine.
    assert_eq!(names, ["default", "espeak"], "live voices in a fresh clone");
    for entry in std::fs::read_dir(repo().join("voices/examples")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            dalaba::tts::VoiceProfile::load(&path)
                .unwrap_or_else(|e| panic!("the example `{}` does not load: {e}", path.display()));
        }
    }
}

#[test]
fn voices_in_a_fresh_clone_contacts_no_server() {
    // Copied as TestStation copies a clone's voices/: only the two local voices are listed
    // (the built-in neural default and espeak-ng), so nothing is resolved or contacted.
    let s = TestStation::new();
    let out = stdout(&s.run(&["voices"]));
    let listed: Vec<_> = out.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(listed.len(), 2, "{out}");
    assert!(
        listed[0].contains("default") && listed[0].contains("neural"),
        "{out}"
    );
    assert!(
        listed[1].contains("espeak") && listed[1].contains("espeak-ng"),
        "{out}"
    );
    assert!(!out.contains("http"), "{out}");
}
