//! Sends the hub's notices to the group chats townships already use: 企业微信 and 钉钉 group
//! robots (钉钉's signed variant included) and a generic JSON webhook. Configured in the
//! station's `alerts.toml`; a secret comes from an environment variable the file names.
//! Notices are queued in the hub's store first, so a chat that is down gets them later and
//! none is lost. \[edge\]

use std::collections::BTreeSet;
use std::path::Path;
use std::time::Duration;

use anyhow::Context;
use base64::Engine;
use hmac::{Hmac, Mac};
use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;
use sha2::Sha256;

use super::notice::{self, BoxFacts, Notice, Thresholds};
use super::store::HubStore;
use crate::protocol::{AsRunState, WireTime};

/// How long one send may take before it counts as failed (and is retried next round).
const SEND_TIMEOUT: Duration = Duration::from_secs(10);

/// `alerts.toml` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AlertsFile {
    #[serde(default = "default_offline")]
    offline_after_minutes: u32,
    #[serde(default = "default_clock")]
    clock_off_seconds: u32,
    #[serde(default)]
    sink: Vec<SinkFile>,
}

fn default_offline() -> u32 {
    30
}

fn default_clock() -> u32 {
    60
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SinkFile {
    name: Option<String>,
    kind: SinkKind,
    url: String,
    secret_env: Option<String>,
}

/// Which group-chat robot a sink speaks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SinkKind {
    /// 企业微信 group robot: `{"msgtype":"text","text":{"content":…}}`.
    Wecom,
    /// 钉钉 group robot: the same body; with a secret, `timestamp` and `sign` in the query.
    Dingtalk,
    /// Any endpoint taking the notice itself as JSON.
    Webhook,
}

/// One configured destination.
#[derive(Clone)]
pub struct Sink {
    /// Its name in logs and in the queue (default: its kind).
    pub name: String,
    /// Its kind.
    pub kind: SinkKind,
    /// Where to POST.
    pub url: reqwest::Url,
    /// 钉钉's signing secret (never logged, never in a file).
    secret: Option<String>,
}

impl std::fmt::Debug for Sink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "sink `{}` ({})", self.name, self.host())
    }
}

impl Sink {
    /// The host alone: the URL's path and query may hold a robot's token.
    pub fn host(&self) -> &str {
        self.url.host_str().unwrap_or("?")
    }
}

/// The hub's alert settings.
#[derive(Debug, Clone)]
pub struct AlertsConfig {
    /// When a box's silence or clock is worth a notice.
    pub thresholds: Thresholds,
    /// Where notices go.
    pub sinks: Vec<Sink>,
}

impl AlertsConfig {
    /// Reads `path`; `env` looks up the environment variables it names (injected for tests).
    pub fn load(path: &Path, env: &dyn Fn(&str) -> Option<String>) -> anyhow::Result<Self> {
        let file: AlertsFile = crate::toml_file::load(path)?;
        let at = path.display();
        let mut names = BTreeSet::new();
        let mut sinks = Vec::new();
        for (i, s) in file.sink.into_iter().enumerate() {
            let which = format!("`{at}`: `[[sink]]` number {}", i + 1);
            let url: reqwest::Url = s.url.parse().with_context(|| {
                format!("{which}: `url` is not a URL (e.g. `https://oapi.dingtalk.com/robot/send?access_token=…`)")
            })?;
            anyhow::ensure!(
                matches!(url.scheme(), "http" | "https"),
                "{which}: `url` must start with `https://`"
            );
            let secret = match &s.secret_env {
                None => None,
                Some(var) => Some(env(var).filter(|v| !v.is_empty()).with_context(|| {
                    format!("{which}: `secret_env = {var:?}` names an environment variable that is not set; set it where the hub runs")
                })?),
            };
            anyhow::ensure!(
                secret.is_none() || s.kind == SinkKind::Dingtalk,
                "{which}: `secret_env` is only for `kind = \"dingtalk\"`"
            );
            let name = s
                .name
                .unwrap_or_else(|| format!("{:?}", s.kind).to_lowercase());
            anyhow::ensure!(
                names.insert(name.clone()),
                "{which}: another sink is already named `{name}`: give each a distinct `name`"
            );
            sinks.push(Sink {
                name,
                kind: s.kind,
                url,
                secret,
            });
        }
        Ok(Self {
            thresholds: Thresholds {
                offline_after: SignedDuration::from_mins(file.offline_after_minutes.into()),
                clock_off: SignedDuration::from_secs(file.clock_off_seconds.into()),
            },
            sinks,
        })
    }
}

/// 钉钉's signature: base64 of HMAC-SHA256 over "`timestamp`\n`secret`", keyed by the
/// secret (the query encoding makes it URL-encoded, as documented).
pub fn dingtalk_sign(timestamp_ms: i64, secret: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes a key of any length"));
    mac.update(format!("{timestamp_ms}\n{secret}").as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// The request one notice makes to one sink at `now`.
pub fn request(
    client: &reqwest::Client,
    sink: &Sink,
    notice: &Notice,
    now: Timestamp,
) -> reqwest::RequestBuilder {
    let chat = serde_json::json!({ "msgtype": "text", "text": { "content": notice.text } });
    let builder = client.post(sink.url.clone()).timeout(SEND_TIMEOUT);
    match (sink.kind, &sink.secret) {
        (SinkKind::Webhook, _) => builder.json(notice),
        (SinkKind::Dingtalk, Some(secret)) => {
            let ms = now.as_millisecond();
            builder
                .query(&[
                    ("timestamp", ms.to_string()),
                    ("sign", dingtalk_sign(ms, secret)),
                ])
                .json(&chat)
        }
        _ => builder.json(&chat),
    }
}

/// What the store says, as facts for [`notice::conditions`].
fn facts(store: &dyn HubStore) -> anyhow::Result<Vec<BoxFacts>> {
    let mut out = Vec::new();
    for status in store.box_statuses()? {
        if status.record.revoked {
            continue;
        }
        let last_contact = status.last_contact.and_then(|t| WireTime::try_from(t).ok());
        out.push(BoxFacts {
            box_id: status.record.box_id.to_string(),
            name: status.record.name,
            last_contact,
            clock_offset_ms: status.health.map(|h| h.clock_offset_ms),
            failed_airings: status
                .failed_since_success
                .into_iter()
                .filter(|row| row.state == AsRunState::Failed)
                .map(|row| {
                    (
                        row.airing_id,
                        row.reason.unwrap_or_else(|| "原因不明".into()),
                    )
                })
                .collect(),
        })
    }
    Ok(out)
}

/// One round at `now`: decide what changed, queue it for every sink, then try to deliver
/// everything queued. Returns how many notices were delivered.
pub async fn round(
    store: &dyn HubStore,
    config: &AlertsConfig,
    client: &reqwest::Client,
    now: Timestamp,
) -> anyhow::Result<usize> {
    let preflight = store.preflight_failures()?;
    let conditions = notice::conditions(&facts(store)?, &preflight, &config.thresholds, now);
    let (announced, notices) = notice::decide(&store.announced()?, &conditions);
    let mut queued = Vec::new();
    for n in &notices {
        tracing::info!("hub alert: {}", n.text.escape_debug());
        for sink in &config.sinks {
            queued.push((sink.name.clone(), serde_json::to_string(n)?));
        }
    }
    store.queue_notices(&announced, &queued)?;
    deliver(store, config, client, now).await
}

/// Sends queued notices in order; a sink that fails is left for the next round (its later
/// notices wait behind it, so a chat reads them in order).
async fn deliver(
    store: &dyn HubStore,
    config: &AlertsConfig,
    client: &reqwest::Client,
    now: Timestamp,
) -> anyhow::Result<usize> {
    let mut failed: BTreeSet<String> = BTreeSet::new();
    let mut sent = 0;
    for (seq, name, json) in store.pending_notices()? {
        let Some(sink) = config.sinks.iter().find(|s| s.name == name) else {
            tracing::warn!(
                "hub alert: sink `{name}` is no longer in alerts.toml; notice {seq} dropped"
            );
            store.notice_delivered(seq)?;
            continue;
        };
        if failed.contains(&name) {
            continue;
        }
        let notice: Notice = serde_json::from_str(&json)
            .with_context(|| format!("queued notice {seq} is not valid"))?;
        match send(client, sink, &notice, now).await {
            Ok(()) => {
                store.notice_delivered(seq)?;
                sent += 1;
            }
            Err(why) => {
                tracing::warn!(
                    "hub alert: {sink:?} did not take notice {seq}: {why}; retrying next round"
                );
                failed.insert(name);
            }
        }
    }
    Ok(sent)
}

/// One POST; an answer other than 2xx, or a robot's JSON `errcode` other than 0, fails.
async fn send(
    client: &reqwest::Client,
    sink: &Sink,
    notice: &Notice,
    now: Timestamp,
) -> Result<(), String> {
    // `without_url`: reqwest's errors carry the URL, whose query holds tokens and signs.
    let answer = request(client, sink, notice, now)
        .send()
        .await
        .map_err(|e| e.without_url().to_string())?;
    let status = answer.status();
    let body = answer
        .text()
        .await
        .map_err(|e| e.without_url().to_string())?;
    if !status.is_success() {
        return Err(format!("HTTP {status}"));
    }
    let errcode = serde_json::from_str::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v.get("errcode").and_then(serde_json::Value::as_i64));
    match errcode {
        Some(code) if code != 0 && sink.kind != SinkKind::Webhook => {
            Err(format!("the robot answered errcode {code}"))
        }
        _ => Ok(()),
    }
}

/// Runs [`round`] every `every` until the hub stops; an error is logged, never fatal.
pub async fn watch(
    store: std::sync::Arc<dyn HubStore>,
    config: AlertsConfig,
    clock: super::server::Clock,
    every: Duration,
) {
    let client = reqwest::Client::new();
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Err(err) = round(store.as_ref(), &config, &client, clock()).await {
            tracing::error!("hub alert round failed: {err:#}");
        }
    }
}
