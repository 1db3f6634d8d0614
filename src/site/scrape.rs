//! Site-format types for scraping in the cluster: `[[scrape]]` (a ServiceMonitor) and
//! `[[pod_monitor]]` (a PodMonitor) share one shape, and every kind of scrape shares its limits.
//! Like `raw`, nothing here is validated beyond its shape; doc comments become schema descriptions.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;

use super::relabel::Relabel;
use super::targets::SecretBasicAuth;
use crate::model::receiver::{Authorization, TlsConfig};
use crate::model::{OAuth2, Scheme};

/// Services (`[[scrape]]`, a ServiceMonitor) or pods (`[[pod_monitor]]`, a PodMonitor) to scrape,
/// found by their labels in one namespace.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scrape {
    /// Name of the ServiceMonitor or PodMonitor, and the default job name.
    #[schemars(example = &"mysql-exporter")]
    pub name: String,
    /// Namespace of the Services or pods. Default: the site's namespace (unless `namespaces` is given).
    #[schemars(example = &"db")]
    pub namespace: Option<String>,
    /// Several namespaces to look in, instead of or beside `namespace`.
    #[serde(default)]
    #[schemars(example = serde_json::json!(["team-a", "team-b"]))]
    pub namespaces: Vec<String>,
    /// Labels the Services (or pods) must carry.
    #[schemars(length(min = 1))]
    #[schemars(example = serde_json::json!({ "app": "mysql-exporter" }))]
    pub selector: BTreeMap<String, String>,
    /// Name of the port to scrape: a Service port's name (`[[scrape]]`) or a container port's
    /// name (`[[pod_monitor]]`).
    #[schemars(example = &"metrics")]
    pub port: String,
    /// HTTP path of the metrics. Default `/metrics`.
    #[schemars(example = &"/metrics")]
    pub path: Option<String>,
    /// URL scheme. Default `http`.
    #[schemars(example = &"https")]
    pub scheme: Option<Scheme>,
    /// URL query parameters, each with its values (e.g. a collector's `module`).
    #[serde(default)]
    #[schemars(example = serde_json::json!({ "module": ["if_mib"] }))]
    pub params: BTreeMap<String, Vec<String>>,
    /// Scrape interval (Prometheus duration). Default: Prometheus' `scrape_interval`.
    #[schemars(example = &"30s")]
    pub interval: Option<String>,
    /// Scrape timeout (Prometheus duration), at most the interval. Default: Prometheus' (10s, or
    /// the interval if shorter).
    #[schemars(example = &"10s")]
    pub timeout: Option<String>,
    /// Keep the target's own labels when they clash with Prometheus' (`job`, `instance`, …). Default false.
    #[schemars(example = true)]
    pub honor_labels: Option<bool>,
    /// Keep the timestamps the target exposes. Default true.
    #[schemars(example = false)]
    pub honor_timestamps: Option<bool>,
    /// HTTP basic authentication, user name and password from one Secret in the site's namespace.
    #[schemars(example = serde_json::json!({ "secret": "mysql-exporter-auth", "username_key": "username", "password_key": "password" }))]
    pub basic_auth: Option<SecretBasicAuth>,
    /// `Authorization` header (a bearer token by default), its credentials from a Secret in the
    /// site's namespace.
    #[schemars(example = serde_json::json!({ "credentials": { "secret": "exporter-token", "key": "token" } }))]
    pub authorization: Option<Authorization>,
    /// OAuth 2.0 client credentials, from Secrets in the site's namespace.
    #[schemars(example = serde_json::json!({ "client_id": { "secret": "exporter-oauth", "key": "client-id" }, "client_secret": { "secret": "exporter-oauth", "key": "client-secret" }, "token_url": "https://sso.example.com/token" }))]
    pub oauth2: Option<OAuth2>,
    /// TLS settings; certificates and keys from Secrets in the site's namespace.
    #[schemars(example = serde_json::json!({ "ca": { "secret": "corp-ca", "key": "ca.crt" }, "server_name": "mysql-exporter.db.svc" }))]
    pub tls_config: Option<TlsConfig>,
    /// Relabeling of the targets before they are scraped, in order (e.g. to copy a pod label).
    #[serde(default)]
    #[schemars(example = serde_json::json!([{ "source_labels": ["__meta_kubernetes_pod_node_name"], "target_label": "node" }]))]
    pub relabelings: Vec<Relabel>,
    /// Relabeling of the scraped series before they are stored, in order (e.g. to drop some).
    #[serde(default)]
    #[schemars(example = serde_json::json!([{ "source_labels": ["__name__"], "regex": "go_gc_.*", "action": "drop" }]))]
    pub metric_relabelings: Vec<Relabel>,
    /// Limits of each scrape; a scrape over one fails as a whole.
    #[schemars(example = serde_json::json!({ "sample_limit": 50_000, "body_size_limit": "10MB" }))]
    pub limits: Option<ScrapeLimits>,
}

/// Limits on what one scrape may bring in. Prometheus fails the whole scrape of a target over a
/// limit (its `up` is 0). Unset: no limit.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScrapeLimits {
    /// Most samples a scrape may return, after metric relabeling.
    #[schemars(range(min = 1))]
    #[schemars(example = 50_000)]
    pub sample_limit: Option<u64>,
    /// Most targets, after target relabeling (Prometheus 2.21+).
    #[schemars(range(min = 1))]
    #[schemars(example = 100)]
    pub target_limit: Option<u64>,
    /// Most labels per sample (Prometheus 2.27+).
    #[schemars(range(min = 1))]
    #[schemars(example = 64)]
    pub label_limit: Option<u64>,
    /// Longest label name, in bytes (Prometheus 2.27+).
    #[schemars(range(min = 1))]
    #[schemars(example = 128)]
    pub label_name_length_limit: Option<u64>,
    /// Longest label value, in bytes (Prometheus 2.27+).
    #[schemars(range(min = 1))]
    #[schemars(example = 1024)]
    pub label_value_length_limit: Option<u64>,
    /// Largest uncompressed response body, as a Prometheus size: a number and one of `B`, `KB`,
    /// `MB`, `GB`, `TB`, `PB`, `EB` (powers of 1024; `KiB`… too), e.g. `10MB` (Prometheus 2.28+).
    #[schemars(example = &"10MB")]
    pub body_size_limit: Option<String>,
}
