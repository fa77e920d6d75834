//! A village box's side of the protocol (`dalaba box`): keeps its manifest, programs and
//! as-run outbox in its own station directory (`box/`), and talks to the hub only outward.
//! Time comes from the caller (`box_now`), and so does every wait between retries. \[edge\]
//!
//! `run` is the long-running box (`dalaba box run`): it syncs, keeps the alert stream open
//! and airs what the held manifest lists through the airing engine.

mod outbox;
pub mod run;
pub mod sse;

use std::collections::VecDeque;
use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use jiff::{SignedDuration, Timestamp};
use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, HeaderValue, IF_NONE_MATCH, RANGE};

pub use outbox::Outbox;
use sse::{SseEvent, SseParser};

use crate::protocol::{
    Alert, Credential, Digest, Health, Manifest, PROTOCOL, PROTOCOL_MINOR, ProgramRef, Refusal,
    Report, ReportAnswer, WireTime, judge_manifest,
};

/// What went wrong talking to the hub, typed where the box must act differently.
#[derive(Debug, thiserror::Error)]
pub enum BoxError {
    /// The hub refused the credential.
    #[error(
        "hub `{hub}` refused box `{box_id}`'s credential (401): ask the hub clerk to enrol it again"
    )]
    Unauthorized {
        /// The hub's URL.
        hub: String,
        /// This box.
        box_id: String,
    },
    /// The hub sent a manifest the box will not use.
    #[error("manifest refused: {0}")]
    Refused(#[from] Refusal),
    /// A downloaded program did not match its digest, twice.
    #[error("program `{digest}` from the hub does not match its digest ({got}): refused")]
    Tampered {
        /// The digest the manifest gives.
        digest: Digest,
        /// The digest of what arrived.
        got: String,
    },
    /// The alert stream ended; call again (after the caller's own delay) to reconnect.
    #[error("the hub's alert stream ended")]
    StreamEnded,
}

/// Whether a manifest poll changed anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ManifestPoll {
    /// `304`: the held manifest is current.
    Unchanged,
    /// A newer (or first) manifest was accepted at this version.
    Updated(u64),
}

/// The box's client. One per box process.
pub struct BoxClient {
    http: reqwest::Client,
    hub: String,
    credential: Credential,
    dir: PathBuf,
    offset: SignedDuration,
    refused: Vec<String>,
    hub_ca: Option<PathBuf>,
}

impl BoxClient {
    /// A client for hub `hub` (e.g. `https://hub.example:8443`) keeping its files in
    /// `station/box/`, trusting the system's certificate authorities.
    pub fn new(hub: &str, credential: Credential, station: PathBuf) -> anyhow::Result<Self> {
        Self::with_hub_ca(hub, credential, station, None)
    }

    /// [`BoxClient::new`], trusting only the CA certificate(s) in the PEM file `hub_ca` when
    /// given: a hub with its own (private CA or self-signed) certificate. Plain `http://` is
    /// refused unless the hub is on this machine (loopback).
    pub fn with_hub_ca(
        hub: &str,
        credential: Credential,
        station: PathBuf,
        hub_ca: Option<&std::path::Path>,
    ) -> anyhow::Result<Self> {
        let hub = hub.trim_end_matches('/');
        check_hub_url(hub)?;
        let mut builder =
            reqwest::Client::builder().connect_timeout(std::time::Duration::from_secs(10));
        if let Some(path) = hub_ca {
            builder = builder.tls_certs_only(ca_certificates(path)?);
        }
        let http = builder.build().context("cannot build the HTTP client")?;
        Ok(Self {
            http,
            hub: hub.to_owned(),
            credential,
            dir: station.join("box"),
            offset: SignedDuration::ZERO,
            refused: Vec::new(),
            hub_ca: hub_ca.map(std::path::Path::to_owned),
        })
    }

    /// A request that did not get an answer, as an error naming the hub (`what`: for what);
    /// a certificate the box does not trust says how to make it trusted.
    fn unreachable(&self, err: reqwest::Error, what: &str) -> anyhow::Error {
        let hint = match (untrusted_certificate(&err), &self.hub_ca) {
            (false, _) => String::new(),
            (true, None) => "; its TLS certificate is not trusted by this box: give the CA \
                             certificate that issued it with `--hub-ca ca.pem` (DALABA_HUB_CA)"
                .to_owned(),
            (true, Some(ca)) => format!(
                "; its TLS certificate was not issued for this address by the CA in `{}` \
                 (--hub-ca)",
                ca.display()
            ),
        };
        anyhow::Error::new(err).context(format!("cannot reach hub `{}`{what}{hint}", self.hub))
    }

    /// Sets hub clock − box clock, as last measured.
    pub fn set_clock_offset(&mut self, offset: SignedDuration) {
        self.offset = offset;
    }

    /// Hub clock − box clock, as measured at the last manifest poll (from the hub's `Date`).
    pub fn clock_offset(&self) -> SignedDuration {
        self.offset
    }

    /// This box's id.
    pub fn box_id(&self) -> &crate::protocol::BoxId {
        self.credential.box_id()
    }

    /// Makes one program (an emergency's) present and verified; returns its path.
    pub async fn fetch_program(&mut self, program: &ProgramRef) -> anyhow::Result<PathBuf> {
        if !self.verified(program)? {
            self.download(program).await?;
        }
        Ok(self.program_path(&program.digest))
    }

    /// The as-run outbox.
    pub fn outbox(&self) -> Outbox {
        Outbox::new(self.dir.join("outbox"))
    }

    fn manifest_path(&self) -> PathBuf {
        self.dir.join("manifest.json")
    }

    /// Where a program lives once verified.
    pub fn program_path(&self, digest: &Digest) -> PathBuf {
        self.dir
            .join("programs")
            .join(format!("{}.wav", digest.hex()))
    }

    /// The manifest held, if any.
    pub fn held(&self) -> anyhow::Result<Option<Manifest>> {
        let path = self.manifest_path();
        match std::fs::read(&path) {
            Ok(bytes) => Ok(Some(serde_json::from_slice(&bytes).with_context(|| {
                format!("held manifest `{}` is not valid", path.display())
            })?)),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(err) => Err(err).context(format!("cannot read `{}`", path.display())),
        }
    }

    fn get(&self, path: &str) -> reqwest::RequestBuilder {
        let bearer = format!("Bearer {}", self.credential.reveal());
        let mut value = HeaderValue::from_str(&bearer).unwrap_or(HeaderValue::from_static(""));
        value.set_sensitive(true);
        self.http
            .get(format!("{}{path}", self.hub))
            .header(AUTHORIZATION, value)
    }

    fn check(&self, status: StatusCode) -> Result<(), BoxError> {
        if status == StatusCode::UNAUTHORIZED {
            let err = BoxError::Unauthorized {
                hub: self.hub.clone(),
                box_id: self.credential.box_id().to_string(),
            };
            tracing::warn!("box: {err}");
            return Err(err);
        }
        Ok(())
    }

    /// Polls the manifest (with `If-None-Match`) and keeps a newer one that passes the rules.
    pub async fn poll_manifest(&mut self, box_now: Timestamp) -> anyhow::Result<ManifestPoll> {
        let held = self.held()?;
        let mut request = self.get("/api/v1/manifest");
        if let Some(m) = &held {
            request = request.header(IF_NONE_MATCH, m.etag());
        }
        let response = request.send().await.map_err(|e| self.unreachable(e, ""))?;
        self.check(response.status())?;
        if let Some(hub_now) = http_date(response.headers()) {
            // The `Date` header has second resolution: good enough to report drift.
            self.offset = hub_now.duration_since(box_now);
        }
        if response.status() == StatusCode::NOT_MODIFIED {
            return Ok(ManifestPoll::Unchanged);
        }
        let response = response.error_for_status()?;
        let bytes = response.bytes().await?;
        let manifest: Manifest = serde_json::from_slice(&bytes)
            .with_context(|| format!("hub `{}` sent a manifest that is not valid", self.hub))?;
        let own = self.credential.box_id();
        let verdict = judge_manifest(
            &manifest,
            own,
            held.map(|m| m.version),
            box_now,
            self.offset,
        );
        if let Err(refusal) = verdict {
            tracing::warn!(
                "box `{own}`: manifest from hub `{}` refused: {refusal}",
                self.hub
            );
            self.refused.push(refusal.to_string());
            return Err(BoxError::Refused(refusal).into());
        }
        std::fs::create_dir_all(&self.dir)?;
        crate::atomic::write(&self.manifest_path(), &bytes)
            .with_context(|| format!("cannot keep the manifest in `{}`", self.dir.display()))?;
        Ok(ManifestPoll::Updated(manifest.version))
    }

    /// Makes every program of the held manifest present and verified; returns how many were
    /// downloaded now. A file on disk that no longer matches its digest is deleted and fetched
    /// again.
    pub async fn fetch_programs(&mut self) -> anyhow::Result<usize> {
        let Some(manifest) = self.held()? else {
            return Ok(0);
        };
        let mut fetched = 0;
        for program in manifest.programs() {
            if self.verified(program)? {
                continue;
            }
            self.download(program).await?;
            fetched += 1;
        }
        Ok(fetched)
    }

    /// The airings of the held manifest whose programs are present and verified.
    pub fn ready(&mut self) -> anyhow::Result<Vec<String>> {
        let Some(manifest) = self.held()? else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for airing in &manifest.airings {
            if self.verified(&airing.program)? {
                out.push(airing.airing_id.clone());
            }
        }
        Ok(out)
    }

    /// Whether the program is on disk with its digest; a mismatching file is deleted.
    fn verified(&mut self, program: &ProgramRef) -> anyhow::Result<bool> {
        let path = self.program_path(&program.digest);
        let Some(got) = file_digest(&path)? else {
            return Ok(false);
        };
        if got == program.digest {
            return Ok(true);
        }
        let line = format!(
            "program `{}` on disk has digest `{got}`: deleted, fetching again",
            path.display()
        );
        tracing::warn!("box `{}`: {line}", self.credential.box_id());
        self.refused.push(line);
        crate::atomic::remove(&path)?;
        Ok(false)
    }

    /// Downloads into `<digest>.wav.part`, resuming from its length, then verifies and
    /// renames. A part that fails verification is deleted and fetched once more from zero.
    async fn download(&mut self, program: &ProgramRef) -> anyhow::Result<()> {
        let target = self.program_path(&program.digest);
        let part = target.with_extension("wav.part");
        std::fs::create_dir_all(target.parent().context("program path has a directory")?)?;
        for _attempt in 0..2 {
            self.download_part(program, &part).await?;
            let got = file_digest(&part)?
                .map(|d| d.to_string())
                .unwrap_or_default();
            if got == program.digest.to_string() {
                std::fs::rename(&part, &target)
                    .with_context(|| format!("cannot rename `{}`", part.display()))?;
                return Ok(());
            }
            let line = format!(
                "download of `{}` has digest `{got}`: deleted",
                program.digest
            );
            tracing::warn!("box `{}`: {line}", self.credential.box_id());
            self.refused.push(line);
            crate::atomic::remove(&part)?;
        }
        Err(BoxError::Tampered {
            digest: program.digest.clone(),
            got: "mismatch twice".into(),
        }
        .into())
    }

    async fn download_part(
        &self,
        program: &ProgramRef,
        part: &std::path::Path,
    ) -> anyhow::Result<()> {
        let mut have = std::fs::metadata(part).map_or(0, |m| m.len());
        if have >= program.size {
            return Ok(());
        }
        let mut request = self.get(&format!("/api/v1/programs/{}", program.digest));
        if have > 0 {
            request = request.header(RANGE, format!("bytes={have}-"));
        }
        let mut response = request.send().await.map_err(|e| self.unreachable(e, ""))?;
        self.check(response.status())?;
        let mut response_ok = response.status().is_success();
        if response.status() == StatusCode::OK {
            have = 0; // the hub ignored the range: start over
        }
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .write(true)
            .truncate(have == 0)
            .append(have > 0)
            .open(part)
            .with_context(|| format!("cannot write `{}`", part.display()))?;
        while response_ok && let Some(chunk) = response.chunk().await? {
            file.write_all(&chunk)?;
            have += chunk.len() as u64;
            response_ok = have <= program.size;
        }
        file.sync_all()?;
        anyhow::ensure!(
            response_ok,
            "hub sent program `{}` with more bytes than the manifest says",
            program.digest
        );
        Ok(())
    }

    /// Sends the waiting as-run rows and `health`; forgets the rows the hub accepted.
    /// Returns how many were accepted.
    pub async fn report(
        &mut self,
        mut health: Health,
        box_now: Timestamp,
    ) -> anyhow::Result<usize> {
        let outbox = self.outbox();
        let rows = outbox.pending()?;
        health.refused.append(&mut self.refused);
        let report = Report {
            protocol: PROTOCOL,
            protocol_minor: PROTOCOL_MINOR,
            box_id: self.credential.box_id().clone(),
            sent_at: WireTime::new(box_now, jiff::tz::Offset::UTC),
            manifest_version: self.held()?.map_or(0, |m| m.version),
            health,
            as_run: rows,
        };
        let bearer = format!("Bearer {}", self.credential.reveal());
        let response = self
            .http
            .post(format!("{}/api/v1/report", self.hub))
            .header(AUTHORIZATION, bearer)
            .json(&report)
            .send()
            .await
            .map_err(|e| self.unreachable(e, ""))?;
        self.check(response.status())?;
        let answer: ReportAnswer = response.error_for_status()?.json().await?;
        outbox.remove(&answer.accepted)?;
        Ok(answer.accepted.len())
    }

    /// Opens the alert stream (not yet connected; [`AlertStream::next`] connects).
    pub fn alerts(&self) -> AlertStream<'_> {
        AlertStream {
            client: self,
            last_event_id: None,
            response: None,
            parser: SseParser::default(),
            queue: VecDeque::new(),
        }
    }
}

/// Refuses a hub URL that would carry the credential in the clear over a network: plain
/// `http://` is for a hub on this machine only.
fn check_hub_url(hub: &str) -> anyhow::Result<()> {
    let url = reqwest::Url::parse(hub)
        .with_context(|| format!("hub `{hub}` is not a URL (e.g. https://hub.example:8443)"))?;
    let host = url.host_str().unwrap_or_default();
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    match url.scheme() {
        "https" => Ok(()),
        "http" if loopback => Ok(()),
        "http" => anyhow::bail!(
            "refusing plain http:// to hub `{hub}`: this box's credential and programs would \
             cross the network unencrypted; use https:// (with `--hub-ca ca.pem` when the hub \
             has its own certificate)"
        ),
        other => anyhow::bail!("hub `{hub}` has scheme `{other}:`; use https://"),
    }
}

/// The CA certificate(s) in a PEM file given with `--hub-ca`.
fn ca_certificates(path: &std::path::Path) -> anyhow::Result<Vec<reqwest::Certificate>> {
    let pem = std::fs::read(path)
        .with_context(|| format!("cannot read the hub's CA certificate `{}`", path.display()))?;
    let certs = reqwest::Certificate::from_pem_bundle(&pem).with_context(|| {
        format!(
            "`{}` (--hub-ca) is not a PEM certificate file",
            path.display()
        )
    })?;
    anyhow::ensure!(
        !certs.is_empty(),
        "`{}` (--hub-ca) holds no PEM certificate (`-----BEGIN CERTIFICATE-----`): give the \
         CA certificate that issued the hub's certificate, or the hub's self-signed one",
        path.display()
    );
    Ok(certs)
}

/// Whether a request failed because the hub's certificate was not accepted (rustls's error
/// sits inside an `io::Error`, whose `source` skips it).
fn untrusted_certificate(err: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(err);
    while let Some(e) = cause {
        if matches!(
            e.downcast_ref::<rustls::Error>(),
            Some(rustls::Error::InvalidCertificate(_))
        ) {
            return true;
        }
        if let Some(inner) = e
            .downcast_ref::<std::io::Error>()
            .and_then(std::io::Error::get_ref)
            && untrusted_certificate(inner)
        {
            return true;
        }
        cause = e.source();
    }
    false
}

/// The hub's clock from a response's `Date` header (RFC 9110's IMF-fixdate).
fn http_date(headers: &reqwest::header::HeaderMap) -> Option<Timestamp> {
    let text = headers.get(reqwest::header::DATE)?.to_str().ok()?;
    jiff::fmt::rfc2822::parse(text).ok().map(|z| z.timestamp())
}

/// The digest of a file, or None when it does not exist.
fn file_digest(path: &std::path::Path) -> anyhow::Result<Option<Digest>> {
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(err) => return Err(err).context(format!("cannot read `{}`", path.display())),
    };
    let mut hasher = blake3::Hasher::new();
    hasher
        .update_reader(file)
        .with_context(|| format!("cannot read `{}`", path.display()))?;
    Ok(Some(Digest::from_hash(hasher.finalize())))
}

/// The hub's alert stream for this box. On [`BoxError::StreamEnded`] or a network error,
/// wait as the caller sees fit and call [`AlertStream::next`] again: it reconnects with
/// `Last-Event-ID`, so nothing is missed and nothing repeats.
pub struct AlertStream<'a> {
    client: &'a BoxClient,
    last_event_id: Option<String>,
    response: Option<reqwest::Response>,
    parser: SseParser,
    queue: VecDeque<SseEvent>,
}

impl AlertStream<'_> {
    /// The id of the last alert received.
    pub fn last_event_id(&self) -> Option<&str> {
        self.last_event_id.as_deref()
    }

    /// Drops the connection (as a link cut would).
    pub fn disconnect(&mut self) {
        self.response = None;
        self.parser = SseParser::default();
    }

    /// The next alert for this box.
    pub async fn next(&mut self) -> anyhow::Result<Alert> {
        loop {
            if let Some(event) = self.queue.pop_front() {
                if event.event != "alert" {
                    continue;
                }
                self.last_event_id = event.id.clone();
                return serde_json::from_str(&event.data)
                    .with_context(|| format!("hub sent alert {:?} that is not valid", event.id));
            }
            let Some(response) = self.response.as_mut() else {
                self.connect().await?;
                continue;
            };
            match response.chunk().await {
                Ok(Some(bytes)) => self.queue.extend(self.parser.feed(&bytes)),
                Ok(None) => {
                    self.disconnect();
                    return Err(BoxError::StreamEnded.into());
                }
                Err(err) => {
                    self.disconnect();
                    return Err(err.into());
                }
            }
        }
    }

    async fn connect(&mut self) -> anyhow::Result<()> {
        let mut request = self
            .client
            .get("/api/v1/alerts")
            .header("accept", "text/event-stream");
        if let Some(id) = &self.last_event_id {
            request = request.header("last-event-id", id);
        }
        let response = request
            .send()
            .await
            .map_err(|e| self.client.unreachable(e, " for alerts"))?;
        self.client.check(response.status())?;
        self.response = Some(response.error_for_status()?);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::check_hub_url;

    #[test]
    fn plain_http_only_to_a_hub_on_this_machine() {
        for ok in [
            "https://hub.example:8443",
            "https://192.0.2.7",
            "http://127.0.0.1:8443",
            "http://localhost:8443",
            "http://[::1]:8443",
        ] {
            assert!(check_hub_url(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://hub.example:8443",
            "http://192.0.2.7:8443",
            "http://0.0.0.0:8443",
            "ftp://hub.example",
            "hub.example:8443",
        ] {
            let err = check_hub_url(bad).unwrap_err().to_string();
            assert!(err.contains(bad), "{bad}: {err}");
        }
    }
}
