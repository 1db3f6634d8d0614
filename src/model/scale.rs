//! Validated scale-out settings of Prometheus: remote write and the Thanos sidecar.

use std::collections::BTreeMap;

use super::Duration;
use super::receiver::SecretKeyRef;
use super::targets::ClientAuth;
use schemars::JsonSchema;
use serde::Deserialize;

/// Default Thanos image tag (the sidecar).
pub const DEFAULT_THANOS_VERSION: &str = "v0.41.0";

/// One remote-write endpoint.
#[derive(Debug, Clone)]
pub struct RemoteWrite {
    /// Unique name.
    pub name: String,
    /// URL.
    pub url: String,
    /// Credentials and TLS.
    pub auth: ClientAuth,
    /// Extra headers.
    pub headers: BTreeMap<String, String>,
    /// Request timeout.
    pub remote_timeout: Option<Duration>,
    /// Queue tuning.
    pub queue: Option<Queue>,
    /// Relabeling before sending, in order.
    pub write_relabel: Vec<Relabel>,
}

/// Remote-write queue tuning.
#[derive(Debug, Clone, Default)]
#[allow(missing_docs)]
pub struct Queue {
    pub capacity: Option<u32>,
    pub min_shards: Option<u32>,
    pub max_shards: Option<u32>,
    pub max_samples_per_send: Option<u32>,
    pub batch_send_deadline: Option<Duration>,
    pub min_backoff: Option<Duration>,
    pub max_backoff: Option<Duration>,
    pub retry_on_rate_limit: Option<bool>,
}

/// One relabeling step.
#[derive(Debug, Clone)]
#[allow(missing_docs)]
pub struct Relabel {
    pub source_labels: Vec<String>,
    pub regex: Option<String>,
    pub action: Option<RelabelAction>,
    pub target_label: Option<String>,
    pub replacement: Option<String>,
}

/// The Thanos sidecar.
#[derive(Debug, Clone)]
pub struct Thanos {
    /// Image tag.
    pub version: String,
    /// The object-storage configuration Secret key.
    pub object_storage: Option<SecretKeyRef>,
}

/// What a relabeling step does.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum RelabelAction {
    /// Set `target_label` to `replacement` (with the regex's groups) when the regex matches.
    Replace,
    /// Keep only series whose source labels match the regex.
    Keep,
    /// Drop series whose source labels match the regex.
    Drop,
    /// Drop the labels whose names match the regex.
    Labeldrop,
    /// Keep only the labels whose names match the regex.
    Labelkeep,
}

impl RelabelAction {
    /// Prometheus' spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            RelabelAction::Replace => "replace",
            RelabelAction::Keep => "keep",
            RelabelAction::Drop => "drop",
            RelabelAction::Labeldrop => "labeldrop",
            RelabelAction::Labelkeep => "labelkeep",
        }
    }
}
