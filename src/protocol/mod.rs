//! The hub–box wire protocol, version 1 (`docs/protocol.md`): the JSON bodies both sides
//! exchange, typed so a malformed digest, time or box id is refused when it is parsed.
//! Pure: no I/O, no clock. \[core-pure\]

mod accept;
mod credential;
mod values;

#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

pub use accept::{Refusal, judge_manifest};
pub use credential::{Credential, CredentialError, SecretHash};
pub use values::{BoxId, Digest, Severity, ValueError, WireTime};

/// The protocol version every body carries as `"protocol": 1`.
pub const PROTOCOL: u32 = 1;

/// The minor version this side speaks (`docs/protocol.md`, "Changes"): a minor version only
/// adds optional fields, so either side accepts a body of any minor version of its major.
/// 1: as-run rows carry `titles` and `duration_secs`.
pub const PROTOCOL_MINOR: u32 = 1;

/// What one box must air: its upcoming airings and the programs they need.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always [`PROTOCOL`] for this version.
    pub protocol: u32,
    /// The box this manifest is for.
    pub box_id: BoxId,
    /// Grows by one with every manifest the hub writes for this box (rollback guard).
    pub version: u64,
    /// When the hub wrote it.
    pub issued_at: WireTime,
    /// After this the box stops trusting it (freshness guard).
    pub expires: WireTime,
    /// The hub's clock when it wrote the manifest.
    pub hub_time: WireTime,
    /// The station's time zone, e.g. `Asia/Shanghai`.
    pub timezone: String,
    /// The airings, in time order.
    pub airings: Vec<AiringEntry>,
}

impl Manifest {
    /// The HTTP entity tag of this manifest: `"v<version>"`.
    pub fn etag(&self) -> String {
        etag_of(self.version)
    }

    /// Each program the airings need, once, in first-use order.
    pub fn programs(&self) -> Vec<&ProgramRef> {
        let mut seen: Vec<&ProgramRef> = Vec::new();
        for airing in &self.airings {
            if !seen.iter().any(|p| p.digest == airing.program.digest) {
                seen.push(&airing.program);
            }
        }
        seen
    }
}

/// The entity tag of manifest `version`.
pub fn etag_of(version: u64) -> String {
    format!("\"v{version}\"")
}

/// One airing in a manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AiringEntry {
    /// Unique per box: `slot@time`; the box airs each at most once.
    pub airing_id: String,
    /// The schedule slot's name.
    pub slot: String,
    /// When it airs.
    pub at: WireTime,
    /// How late it may still start.
    pub catch_up_minutes: u32,
    /// After this it is not aired at all.
    pub valid_until: WireTime,
    /// The program file.
    pub program: ProgramRef,
    /// The approved scripts the program speaks.
    #[serde(default)]
    pub scripts: Vec<ScriptRef>,
}

/// A program file, named by its digest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProgramRef {
    /// `blake3:<64 hex>` of the WAV bytes.
    pub digest: Digest,
    /// Its length in bytes.
    pub size: u64,
    /// Its length in seconds.
    pub duration_secs: f64,
    /// Its sample rate, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sample_rate: Option<u32>,
    /// The voice it was rendered with, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voice: Option<String>,
}

/// An approved script inside a program.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScriptRef {
    /// The article's id at the hub.
    pub article: i64,
    /// Its title.
    pub title: String,
    /// The digest of the exact approved script.
    pub script_hash: Digest,
    /// Who approved it.
    pub approved_by: String,
    /// Who submitted it.
    pub submitted_by: String,
}

/// EBM message type: a request, or the cancel of an earlier request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MsgType {
    /// Air it.
    Request,
    /// Stop airing the alert with this `alert_id`.
    Cancel,
}

/// An emergency request or cancel, pushed on the alert stream.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alert {
    /// Always [`PROTOCOL`].
    pub protocol: u32,
    /// The same for a request and its cancel.
    pub alert_id: String,
    /// Request or cancel.
    pub msg_type: MsgType,
    /// 1 (red) … 4 (blue), or test.
    pub severity: Severity,
    /// EBM event type code, kept as given.
    pub event_type: String,
    /// Its title.
    pub title: String,
    /// Who sends it.
    pub sender: String,
    /// When it was sent.
    pub sent_at: WireTime,
    /// When it starts.
    pub start: WireTime,
    /// After this a box that reconnects does not get it.
    pub end: WireTime,
    /// 12-digit administrative area codes.
    #[serde(default)]
    pub area_codes: Vec<String>,
    /// Zones it targets.
    pub zones: Vec<String>,
    /// How many times to read it.
    #[serde(default = "one")]
    pub repeat: u32,
    /// Who ordered it.
    pub operator: String,
    /// The audio (absent on a cancel).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub program: Option<ProgramRef>,
}

fn one() -> u32 {
    1
}

/// As-run state, as in the EBM broadcast log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AsRunState {
    /// Not started yet.
    Waiting,
    /// On air now.
    Playing,
    /// Aired to the end.
    Succeeded,
    /// Failed, interrupted or missed (`reason` says which).
    Failed,
    /// Cancelled before or while airing.
    Cancelled,
}

/// One as-run row a box sends back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AsRun {
    /// The manifest airing (or alert) it is about.
    pub airing_id: String,
    /// What happened.
    pub state: AsRunState,
    /// When it started.
    #[serde(default)]
    pub started_at: Option<WireTime>,
    /// When it ended.
    #[serde(default)]
    pub ended_at: Option<WireTime>,
    /// The program aired.
    #[serde(default)]
    pub program_digest: Option<Digest>,
    /// The voice.
    #[serde(default)]
    pub voice: Option<String>,
    /// Why it failed.
    #[serde(default)]
    pub reason: Option<String>,
    /// The titles of the articles aired, in program order (an alert's title for an
    /// emergency). Since 1.1; empty from older boxes.
    #[serde(default)]
    pub titles: Vec<String>,
    /// Seconds it was on air (from start to end). Since 1.1.
    #[serde(default)]
    pub duration_secs: Option<f64>,
}

/// A box's health, sent with every report.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Health {
    /// The box's dalaba version.
    pub version: String,
    /// Hub clock minus box clock, in milliseconds.
    pub clock_offset_ms: i64,
    /// `present` or `absent`.
    pub device: String,
    /// Free bytes in the station directory.
    #[serde(default)]
    pub disk_free_bytes: Option<u64>,
    /// The airing on air now.
    #[serde(default)]
    pub on_air: Option<String>,
    /// Running on an expired manifest.
    #[serde(default)]
    pub manifest_expired: bool,
    /// Manifests or programs refused since the last report, one line each.
    #[serde(default)]
    pub refused: Vec<String>,
}

/// What a box posts to `/api/v1/report`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Always [`PROTOCOL`].
    pub protocol: u32,
    /// The minor version the box speaks ([`PROTOCOL_MINOR`]); 0 from boxes before 1.1.
    #[serde(default)]
    pub protocol_minor: u32,
    /// The reporting box.
    pub box_id: BoxId,
    /// When it sent this.
    pub sent_at: WireTime,
    /// The manifest it holds (0: none yet).
    pub manifest_version: u64,
    /// Its health.
    pub health: Health,
    /// As-run rows not yet accepted.
    #[serde(default)]
    pub as_run: Vec<AsRun>,
}

/// The hub's answer to a report: the rows it now holds, so the box may forget them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportAnswer {
    /// `airing_id`s held by the hub (new or already known).
    pub accepted: Vec<String>,
}
