//! `dalaba normalize`: stdin lines → speakable lines on stdout, one for one, for checking and
//! scoring the text front-end.

use std::io::{BufRead, Write};

use anyhow::Context;

use crate::station::Station;
use crate::text::{self, Lexicon};

pub(super) fn run(station: &Station, no_lexicon: bool) -> anyhow::Result<()> {
    let lexicon = if no_lexicon {
        Lexicon::default()
    } else {
        station.lexicon()?
    };
    let stdin = std::io::stdin().lock();
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    for (n, line) in stdin.lines().enumerate() {
        let line = line.with_context(|| format!("reading line {} of stdin", n + 1))?;
        writeln!(stdout, "{}", text::normalize(&line, &lexicon)).context("writing to stdout")?;
        // Flush per line so a caller feeding lines one at a time gets each answer at once.
        stdout.flush().context("writing to stdout")?;
    }
    Ok(())
}
