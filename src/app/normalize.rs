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
        let line = line.with_context(|| crate::t!("error-stdin-line", line = n + 1))?;
        let written = writeln!(stdout, "{}", text::normalize(&line, &lexicon))
            // Flush per line so a caller feeding lines one at a time gets each answer at once.
            .and_then(|()| stdout.flush());
        match written {
            // The reader went away (`| head`): stop quietly.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(()),
            other => other.with_context(|| crate::t!("error-stdout"))?,
        }
    }
    Ok(())
}
