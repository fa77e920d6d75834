//! The rules a box applies before a manifest counts (docs/protocol.md, "The manifest").

use jiff::{SignedDuration, Timestamp};

use super::values::BoxId;
use super::{Manifest, PROTOCOL};

/// Why a box refused a manifest. Each says what it found and what it expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// A protocol version this box does not speak.
    #[error("manifest speaks protocol {found}, this box speaks {PROTOCOL}: upgrade the box")]
    Protocol {
        /// The manifest's `protocol`.
        found: u32,
    },
    /// Written for another box.
    #[error("manifest is for box `{found}`, this box is `{expected}`")]
    WrongBox {
        /// This box.
        expected: BoxId,
        /// The manifest's `box_id`.
        found: BoxId,
    },
    /// Older than the one held (a replay or a hub restored from an old backup).
    #[error("manifest version {offered} is older than version {held} held: refused as a rollback")]
    Rollback {
        /// The version held.
        held: u64,
        /// The version offered.
        offered: u64,
    },
    /// Already expired by the hub's clock as the box estimates it.
    #[error("manifest version {version} expired at {expires} (hub time now about {hub_now})")]
    Expired {
        /// Its version.
        version: u64,
        /// Its `expires`.
        expires: Timestamp,
        /// The box's estimate of the hub's clock.
        hub_now: Timestamp,
    },
    /// Two airings with one `airing_id`: the exactly-once key would be ambiguous.
    #[error("manifest lists airing `{0}` twice")]
    DuplicateAiring(String),
}

/// Judges `manifest` for box `own`, which holds version `held` (None: nothing yet), at box
/// clock `box_now`, with `offset` = hub clock − box clock as last measured.
pub fn judge_manifest(
    manifest: &Manifest,
    own: &BoxId,
    held: Option<u64>,
    box_now: Timestamp,
    offset: SignedDuration,
) -> Result<(), Refusal> {
    if manifest.protocol != PROTOCOL {
        return Err(Refusal::Protocol {
            found: manifest.protocol,
        });
    }
    if &manifest.box_id != own {
        return Err(Refusal::WrongBox {
            expected: own.clone(),
            found: manifest.box_id.clone(),
        });
    }
    if let Some(held) = held
        && manifest.version < held
    {
        return Err(Refusal::Rollback {
            held,
            offered: manifest.version,
        });
    }
    let hub_now = box_now.saturating_add(offset).unwrap_or(box_now);
    if manifest.expires.at() <= hub_now {
        return Err(Refusal::Expired {
            version: manifest.version,
            expires: manifest.expires.at(),
            hub_now,
        });
    }
    let mut ids: Vec<&str> = manifest
        .airings
        .iter()
        .map(|a| a.airing_id.as_str())
        .collect();
    ids.sort_unstable();
    if let Some(pair) = ids.windows(2).find(|w| w[0] == w[1]) {
        return Err(Refusal::DuplicateAiring(pair[0].to_owned()));
    }
    Ok(())
}
