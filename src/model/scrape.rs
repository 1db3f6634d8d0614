//! What every kind of scrape may set beyond where its targets are: the HTTP request, credentials,
//! relabeling and limits. Shared by ServiceMonitors (`[[scrape]]`), PodMonitors (`[[pod_monitor]]`)
//! and ScrapeConfigs (`[[static_scrape]]`).

use std::collections::BTreeMap;

use super::relabel::Relabel;
use super::targets::ClientAuth;
use super::{Duration, Scheme};

/// The options of one scrape.
#[derive(Debug, Clone, Default)]
pub struct ScrapeOptions {
    /// Metrics path.
    pub path: Option<String>,
    /// Scheme.
    pub scheme: Option<Scheme>,
    /// URL query parameters, each with its values in order.
    pub params: BTreeMap<String, Vec<String>>,
    /// Scrape interval.
    pub interval: Option<Duration>,
    /// Scrape timeout, at most the interval.
    pub timeout: Option<Duration>,
    /// Whether the target's labels win over Prometheus' own.
    pub honor_labels: Option<bool>,
    /// Whether the target's timestamps are kept.
    pub honor_timestamps: Option<bool>,
    /// Credentials and TLS.
    pub auth: ClientAuth,
    /// Relabeling of the targets before the scrape, in order.
    pub relabelings: Vec<Relabel>,
    /// Relabeling of the scraped series before they are stored, in order.
    pub metric_relabelings: Vec<Relabel>,
    /// Limits of each scrape.
    pub limits: ScrapeLimits,
}

/// Limits on what one scrape may bring in; a scrape over a limit fails as a whole. `None` leaves
/// the limit unset (no limit, or the Prometheus-wide one).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScrapeLimits {
    /// Most samples per scrape, after metric relabeling.
    pub sample_limit: Option<u64>,
    /// Most targets, after target relabeling.
    pub target_limit: Option<u64>,
    /// Most labels per sample.
    pub label_limit: Option<u64>,
    /// Longest label name.
    pub label_name_length_limit: Option<u64>,
    /// Longest label value.
    pub label_value_length_limit: Option<u64>,
    /// Largest uncompressed response body, as a Prometheus size (`10MB`, `1GiB`).
    pub body_size_limit: Option<String>,
}

impl ScrapeLimits {
    /// Whether no limit is set.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}
