//! Credentials written into a voice URL never reach a message.

use crate::support::{TestStation, stderr, stdout};

#[test]
fn credentials_in_a_voice_url_are_not_echoed() {
    let s = TestStation::new();
    // Port 9 on loopback: nothing listens, so every request fails at once.
    s.write(
        "voices/cloud.toml",
        "kind = \"openai\"\nurl = \"http://bob:s3cret@127.0.0.1:9/?key=k3y\"\nretries = 0\n",
    );
    let article = s.write("in/a.txt", "通知\n\n今天停水。\n");
    for args in [
        vec!["voices"],
        vec!["voices", "test", "cloud", "--out", "x.wav"],
        vec![
            "render",
            article.to_str().unwrap(),
            "--voice",
            "cloud",
            "--out",
            "x.wav",
        ],
    ] {
        let out = s.run(&args);
        let all = format!("{}{}", stdout(&out), stderr(&out));
        assert!(
            all.contains("127.0.0.1:9"),
            "{args:?} does not name the server: {all}"
        );
        for secret in ["s3cret", "k3y", "bob"] {
            assert!(!all.contains(secret), "{args:?} echoed `{secret}`: {all}");
        }
    }
}
