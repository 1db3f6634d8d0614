//! Validated scale-out settings of Prometheus: remote write and the Thanos sidecar.

use std::collections::BTreeMap;

use super::Duration;
use super::receiver::SecretKeyRef;
pub use super::relabel::{Relabel, RelabelAction};
use super::targets::ClientAuth;

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
}
