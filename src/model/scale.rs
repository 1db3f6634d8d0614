//! Validated scale-out settings of Prometheus: remote write and the Thanos sidecar; and relabeling,
//! which remote write, every kind of scrape and promsite's own drop lists share.

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

/// The Thanos sidecar.
#[derive(Debug, Clone)]
pub struct Thanos {
    /// Image tag.
    pub version: String,
    /// The object-storage configuration Secret key.
    pub object_storage: Option<SecretKeyRef>,
    /// CPU and memory of the sidecar.
    pub resources: super::Resources,
}

/// One validated relabeling step. `None` fields keep Prometheus' defaults (separator `;`, regex
/// `(.*)`, action `replace`, replacement `$1`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Relabel {
    /// Labels whose values, joined with the separator, the regex is matched against.
    pub source_labels: Vec<String>,
    /// Separator between the source labels' values.
    pub separator: Option<String>,
    /// RE2 regex, fully anchored by Prometheus.
    pub regex: Option<String>,
    /// Modulus of `hashmod`.
    pub modulus: Option<u64>,
    /// The action.
    pub action: Option<RelabelAction>,
    /// The label written (`replace`, `hashmod`, `lowercase`, `uppercase`) or compared (`keepequal`, `dropequal`).
    pub target_label: Option<String>,
    /// The value (`replace`) or label name (`labelmap`) written, with `$1`-style references.
    pub replacement: Option<String>,
}

impl Relabel {
    /// A step that drops the series (or targets) whose source labels match `regex`.
    pub fn drop(source_labels: &[&str], regex: &str) -> Self {
        Self {
            source_labels: source_labels.iter().map(|&l| l.to_owned()).collect(),
            regex: Some(regex.to_owned()),
            action: Some(RelabelAction::Drop),
            ..Self::default()
        }
    }

    /// A step that copies the value of `source` into `target`.
    pub fn copy(source: &str, target: &str) -> Self {
        Self {
            source_labels: vec![source.to_owned()],
            action: Some(RelabelAction::Replace),
            target_label: Some(target.to_owned()),
            ..Self::default()
        }
    }
}

/// What a relabeling step does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum RelabelAction {
    /// Set `target_label` to `replacement` (with the regex's groups) when the regex matches.
    Replace,
    /// Keep only series (targets) whose source labels match the regex.
    Keep,
    /// Drop series (targets) whose source labels match the regex.
    Drop,
    /// Set `target_label` to a hash of the source labels modulo `modulus` (for sharding).
    Hashmod,
    /// Copy every label whose name matches the regex to the name `replacement` (with the regex's groups).
    Labelmap,
    /// Drop the labels whose names match the regex.
    Labeldrop,
    /// Keep only the labels whose names match the regex.
    Labelkeep,
    /// Set `target_label` to the source labels' value in lower case (Prometheus 2.36+).
    Lowercase,
    /// Set `target_label` to the source labels' value in upper case (Prometheus 2.36+).
    Uppercase,
    /// Keep series (targets) whose source labels' value equals the value of `target_label` (Prometheus 2.41+).
    Keepequal,
    /// Drop series (targets) whose source labels' value equals the value of `target_label` (Prometheus 2.41+).
    Dropequal,
}

impl RelabelAction {
    /// Prometheus' spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            RelabelAction::Replace => "replace",
            RelabelAction::Keep => "keep",
            RelabelAction::Drop => "drop",
            RelabelAction::Hashmod => "hashmod",
            RelabelAction::Labelmap => "labelmap",
            RelabelAction::Labeldrop => "labeldrop",
            RelabelAction::Labelkeep => "labelkeep",
            RelabelAction::Lowercase => "lowercase",
            RelabelAction::Uppercase => "uppercase",
            RelabelAction::Keepequal => "keepequal",
            RelabelAction::Dropequal => "dropequal",
        }
    }
}
