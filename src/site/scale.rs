//! Site-format types for scaling Prometheus out: remote write and the Thanos sidecar; and the
//! relabeling step that remote write and every kind of scrape share. Like `raw`, nothing here is
//! validated beyond its shape; doc comments become schema descriptions.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;

use super::targets::SecretBasicAuth;
use crate::model::RelabelAction;
use crate::model::receiver::{Authorization, SecretKeyRef, TlsConfig};

/// One remote-write endpoint: Thanos Receive, Mimir, Cortex, VictoriaMetrics, another Prometheus.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RemoteWrite {
    /// A name unique among the endpoints; it labels the remote-write metrics (`remote_name`).
    #[schemars(example = &"mimir")]
    pub name: String,
    /// The endpoint's URL, without credentials.
    #[schemars(example = &"https://mimir.example.com/api/v1/push")]
    pub url: String,
    /// HTTP basic authentication, user name and password from one Secret.
    #[schemars(example = serde_json::json!({ "secret": "mimir-auth", "username_key": "username", "password_key": "password" }))]
    pub basic_auth: Option<SecretBasicAuth>,
    /// `Authorization` header (a bearer token by default), its credentials from a Secret.
    #[schemars(example = serde_json::json!({ "credentials": { "secret": "receive-token", "key": "token" } }))]
    pub authorization: Option<Authorization>,
    /// TLS settings; certificates and keys from Secrets.
    #[schemars(example = serde_json::json!({ "ca": { "secret": "corp-ca", "key": "ca.crt" } }))]
    pub tls_config: Option<TlsConfig>,
    /// Extra HTTP headers, e.g. a tenant id. Never credentials: use `basic_auth` or `authorization`.
    #[serde(default)]
    #[schemars(example = serde_json::json!({ "X-Scope-OrgID": "aipaas-japan" }))]
    pub headers: BTreeMap<String, String>,
    /// Timeout of one request (Prometheus duration). Default `30s`.
    #[schemars(example = &"30s")]
    pub remote_timeout: Option<String>,
    /// Queue tuning (Prometheus' `queue_config`).
    #[schemars(example = serde_json::json!({ "capacity": 10000, "max_shards": 50, "max_samples_per_send": 2000 }))]
    pub queue: Option<RemoteWriteQueue>,
    /// Relabeling applied to series before they are sent, in order (e.g. to drop some).
    #[serde(default)]
    #[schemars(example = serde_json::json!([{ "source_labels": ["__name__"], "regex": "go_.*", "action": "drop" }]))]
    pub write_relabel: Vec<Relabel>,
}

/// Remote-write queue tuning; every setting left out keeps Prometheus' default.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RemoteWriteQueue {
    /// Samples buffered per shard.
    #[schemars(range(min = 1))]
    #[schemars(example = 10000)]
    pub capacity: Option<u32>,
    /// Fewest parallel senders.
    #[schemars(range(min = 1))]
    #[schemars(example = 1)]
    pub min_shards: Option<u32>,
    /// Most parallel senders.
    #[schemars(range(min = 1))]
    #[schemars(example = 50)]
    pub max_shards: Option<u32>,
    /// Most samples per request.
    #[schemars(range(min = 1))]
    #[schemars(example = 2000)]
    pub max_samples_per_send: Option<u32>,
    /// Longest a sample waits in a shard before it is sent (Prometheus duration).
    #[schemars(example = &"5s")]
    pub batch_send_deadline: Option<String>,
    /// First retry delay (Prometheus duration).
    #[schemars(example = &"30ms")]
    pub min_backoff: Option<String>,
    /// Longest retry delay (Prometheus duration).
    #[schemars(example = &"5s")]
    pub max_backoff: Option<String>,
    /// Retry when the endpoint answers 429 Too Many Requests.
    #[schemars(example = true)]
    pub retry_on_rate_limit: Option<bool>,
}

/// The Thanos sidecar: uploads each finished TSDB block to object storage and serves the
/// Prometheus data to Thanos Query over gRPC (port 10901 of the `prometheus-operated` Service).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Thanos {
    /// Thanos version (image tag of `quay.io/thanos/thanos`). Default `v0.41.0`.
    #[schemars(example = &"v0.41.0")]
    pub version: Option<String>,
    /// The object-storage configuration (Thanos' `objstore.yml`, with its credentials), from a Secret.
    /// Without it the sidecar only serves queries.
    #[schemars(example = serde_json::json!({ "secret": "thanos-objstore", "key": "objstore.yml" }))]
    pub object_storage: Option<SecretKeyRef>,
    /// CPU and memory of the sidecar container. Default: requests `50m` CPU and `128Mi` memory,
    /// memory limit `512Mi`.
    #[schemars(example = serde_json::json!({ "requests": { "cpu": "50m", "memory": "128Mi" }, "limits": { "memory": "512Mi" } }))]
    pub resources: Option<super::resources::Resources>,
}

/// One relabeling step, as Prometheus' `relabel_config`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Relabel {
    /// Labels whose values, joined with `separator`, the regex is matched against.
    #[serde(default)]
    #[schemars(example = serde_json::json!(["__name__"]))]
    pub source_labels: Vec<String>,
    /// Separator between the source labels' values. Default `;`.
    #[schemars(example = &";")]
    pub separator: Option<String>,
    /// A regular expression (RE2, fully anchored). Default `(.*)`.
    #[schemars(example = &"go_.*")]
    pub regex: Option<String>,
    /// With `hashmod`: the modulus the hash of the source labels is taken by.
    #[schemars(range(min = 1))]
    #[schemars(example = 4)]
    pub modulus: Option<u64>,
    /// The action. Default `replace`.
    #[schemars(example = &"drop")]
    pub action: Option<RelabelAction>,
    /// With `replace`, `hashmod`, `lowercase` and `uppercase`: the label to write; with
    /// `keepequal` and `dropequal`: the label to compare with.
    #[schemars(example = &"cluster")]
    pub target_label: Option<String>,
    /// With `replace`: the value to write; with `labelmap`: the new label name. `$1`-style
    /// references name the regex's groups. Default `$1`.
    #[schemars(example = &"$1")]
    pub replacement: Option<String>,
}
