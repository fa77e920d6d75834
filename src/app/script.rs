//! `dalaba script FILE`: what the loudspeaker will say.

use std::path::Path;

use crate::text::{self, Lexicon};

pub(super) fn run(file: &Path) -> anyhow::Result<()> {
    let article = super::load_article(file)?;
    let script = text::script(&article, &Lexicon::default());
    print!("{}", script.to_text());
    Ok(())
}
