//! The township hub (`dalaba hub`): knows the boxes and their zones, publishes a manifest
//! per box, serves programs, takes as-run reports and pushes alerts. \[edge\]
//!
//! [`plan`] decides, as data, which airings each box's manifest lists; `app::hub_plan` feeds
//! it the engine's planner and renders each distinct program once. [`publish::publish`]
//! still takes hand-made programs (`dalaba hub publish`).

pub mod alerts;
pub mod notice;
pub mod plan;
pub mod publish;
pub mod server;
pub mod store;
pub mod tls;

use crate::protocol::{BoxId, Credential};
use store::{BoxRecord, HubStore};

/// Enrols a box: stores the hash of a fresh 256-bit secret and returns the credential,
/// which is shown once and never stored.
pub fn enroll(
    store: &dyn HubStore,
    box_id: BoxId,
    name: &str,
    zones: &[String],
) -> anyhow::Result<Credential> {
    anyhow::ensure!(
        !zones.is_empty(),
        "box `{box_id}` needs at least one `--zone` (e.g. `--zone 全镇`)"
    );
    let mut random = [0u8; 32];
    getrandom::fill(&mut random)
        .map_err(|err| anyhow::anyhow!("cannot get random bytes for the box's secret: {err}"))?;
    let credential = Credential::new(box_id.clone(), random);
    let record = BoxRecord {
        box_id,
        name: name.to_owned(),
        zones: zones.to_vec(),
        revoked: false,
    };
    store.enroll(&record, &credential.hash())?;
    Ok(credential)
}
