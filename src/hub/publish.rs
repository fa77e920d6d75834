//! Publishing: takes rendered program files and the zones each airing targets, stores each
//! distinct program once under its digest, and writes every box's manifest at version + 1.
//! The engine's planner will supply the airings; for now any caller can.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use anyhow::Context;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use super::store::HubStore;
use crate::protocol::{
    AiringEntry, BoxId, Digest, Manifest, PROTOCOL, ProgramRef, ScriptRef, WireTime,
};

/// One airing to publish: a slot at a time, a rendered program, the zones it targets.
#[derive(Debug, Clone)]
pub struct PlannedAiring {
    /// The slot's name.
    pub slot: String,
    /// When it airs.
    pub at: Timestamp,
    /// How late it may still start.
    pub catch_up_minutes: u32,
    /// The rendered program WAV.
    pub program: PathBuf,
    /// The approved scripts it speaks.
    pub scripts: Vec<ScriptRef>,
    /// The zones it targets.
    pub zones: Vec<String>,
}

/// When and for how long the manifests hold.
#[derive(Debug, Clone)]
pub struct Issue {
    /// The hub's clock now.
    pub now: Timestamp,
    /// The station's time zone (its offset is written into every time).
    pub tz: TimeZone,
    /// How long a manifest stays valid.
    pub validity: SignedDuration,
}

/// Stores `path` under `programs_dir/<hex>.wav` (once) and describes it.
pub fn import_program(programs_dir: &Path, path: &Path) -> anyhow::Result<ProgramRef> {
    let bytes =
        std::fs::read(path).with_context(|| format!("cannot read program `{}`", path.display()))?;
    let reader = hound::WavReader::new(Cursor::new(&bytes))
        .with_context(|| format!("program `{}` is not a WAV file", path.display()))?;
    let spec = reader.spec();
    // Whole milliseconds: such a number reads back from JSON bit for bit, so a manifest read
    // back compares equal to the one that would be written again (no needless new version).
    let duration_secs =
        (f64::from(reader.duration()) * 1000.0 / f64::from(spec.sample_rate)).round() / 1000.0;
    let digest = Digest::of(&bytes);
    let target = programs_dir.join(format!("{}.wav", digest.hex()));
    if !target.exists() {
        std::fs::create_dir_all(programs_dir)
            .with_context(|| format!("cannot create `{}`", programs_dir.display()))?;
        crate::atomic::write(&target, &bytes)
            .with_context(|| format!("cannot store program `{}`", target.display()))?;
    }
    Ok(ProgramRef {
        digest,
        size: bytes.len() as u64,
        duration_secs,
        sample_rate: Some(spec.sample_rate),
        voice: None,
    })
}

/// Writes a new manifest for every unrevoked box: the airings whose zones it is in.
/// Returns each box with its new version.
pub fn publish(
    store: &dyn HubStore,
    programs_dir: &Path,
    airings: &[PlannedAiring],
    issue: &Issue,
) -> anyhow::Result<Vec<(BoxId, u64)>> {
    let mut programs: Vec<(PathBuf, ProgramRef)> = Vec::new();
    for airing in airings {
        if !programs.iter().any(|(p, _)| p == &airing.program) {
            programs.push((
                airing.program.clone(),
                import_program(programs_dir, &airing.program)?,
            ));
        }
    }
    let offset = issue.tz.to_offset(issue.now);
    let time = |t: Timestamp| WireTime::new(t, offset);
    let mut out = Vec::new();
    for record in store.boxes()?.into_iter().filter(|b| !b.revoked) {
        let entries: Vec<AiringEntry> = airings
            .iter()
            .filter(|a| a.zones.iter().any(|z| record.zones.contains(z)))
            .map(|a| {
                let program = programs
                    .iter()
                    .find(|(p, _)| p == &a.program)
                    .map(|(_, r)| r.clone())
                    .context("program imported above")?;
                let catch_up = SignedDuration::from_mins(i64::from(a.catch_up_minutes));
                Ok(AiringEntry {
                    airing_id: format!("{}@{}", a.slot, time(a.at)),
                    slot: a.slot.clone(),
                    at: time(a.at),
                    catch_up_minutes: a.catch_up_minutes,
                    valid_until: time(a.at.saturating_add(catch_up)?),
                    program,
                    scripts: a.scripts.clone(),
                })
            })
            .collect::<anyhow::Result<_>>()?;
        let expires = time(issue.now.saturating_add(issue.validity)?);
        let make = |version: u64| {
            let manifest = Manifest {
                protocol: PROTOCOL,
                box_id: record.box_id.clone(),
                version,
                issued_at: time(issue.now),
                expires: expires.clone(),
                hub_time: time(issue.now),
                timezone: issue.tz.iana_name().unwrap_or("UTC").to_owned(),
                airings: entries.clone(),
            };
            Ok(serde_json::to_string(&manifest)?)
        };
        let version = store.put_manifest(&record.box_id, &make)?;
        out.push((record.box_id, version));
    }
    Ok(out)
}
