//! Rendered segments → the program WAV a loudspeaker plays: chimes, the spoken frame lines,
//! the articles read N times, joined by the pause grammar, leveled and normalized to the
//! station's loudness target, checked before it counts as ready. \[glue\]
//!
//! | file | role |
//! | --- | --- |
//! | [`settings`] | the `[program]` settings and chime loading |
//! | [`assemble`](mod@assemble) | the streaming two-pass assembler |
//! | [`preflight`] | the checks a program must pass |
//! | [`summary`] | the JSON kept beside each program |
//! | [`verify`] | the check a program passes before it airs |

pub mod assemble;
pub mod preflight;
pub mod settings;
pub mod summary;
pub mod verify;

pub use crate::audio::layout::PauseGrammar;
pub use assemble::{AssembleError, Assembly, assemble};
pub use settings::{ChimeSource, ProgramSettings};
pub use summary::{ArticleVersion, ProgramSummary, SpokenBy};
pub use verify::{ProgramDamage, VerifiedProgram, keep_if_verified, load_verified};
