//! Site-format types for scrape targets: Services and pods in the cluster (`[[scrape]]` and
//! `[[pod_monitor]]` share one shape), static targets outside it (including federation of another
//! Prometheus), blackbox-style probes, and the limits every kind of scrape shares. Like `raw`,
//! nothing here is validated beyond its shape; doc comments become schema descriptions.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;

use super::scale::Relabel;
use crate::model::receiver::{Authorization, SecretKeyRef, TlsConfig};
use crate::model::{OAuth2, Scheme};

/// Hosts outside the cluster scraped at fixed addresses (a `ScrapeConfig` with `staticConfigs`):
/// VMs, network devices, exporters on database hosts. With `federate`, the targets are other
/// Prometheus servers and their `/federate` endpoint is scraped.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StaticScrape {
    /// Name of the ScrapeConfig; the job is `scrapeConfig/<namespace>/<name>`.
    #[schemars(example = &"mysql-hosts")]
    pub name: String,
    /// Addresses to scrape, as `host:port`.
    #[schemars(length(min = 1))]
    #[schemars(example = serde_json::json!(["db-1.example.com:9104", "10.0.5.12:9104"]))]
    pub targets: Vec<String>,
    /// Labels added to every series of these targets.
    #[serde(default)]
    #[schemars(example = serde_json::json!({ "env": "production", "role": "mysql" }))]
    pub labels: BTreeMap<String, String>,
    /// Federation: series selectors (`match[]`) to pull from the targets' `/federate` endpoint.
    /// Sets the path to `/federate` and keeps the federated series' labels (`honor_labels`).
    #[serde(default)]
    #[schemars(example = serde_json::json!(["{job=\"node\"}", "up"]))]
    pub federate: Vec<String>,
    /// HTTP path of the metrics. Default `/metrics` (`/federate` with `federate`).
    #[schemars(example = &"/metrics")]
    pub path: Option<String>,
    /// URL scheme. Default `http`.
    #[schemars(example = &"https")]
    pub scheme: Option<Scheme>,
    /// Scrape interval (Prometheus duration). Default: Prometheus' `scrape_interval`.
    #[schemars(example = &"30s")]
    pub interval: Option<String>,
    /// Scrape timeout (Prometheus duration), at most the interval.
    #[schemars(example = &"10s")]
    pub timeout: Option<String>,
    /// URL query parameters, each with its values (with `federate`, `match[]` is set by it).
    #[serde(default)]
    #[schemars(example = serde_json::json!({ "module": ["if_mib"] }))]
    pub params: BTreeMap<String, Vec<String>>,
    /// Keep the targets' own labels when they clash with Prometheus' (default false; true with `federate`).
    #[schemars(example = true)]
    pub honor_labels: Option<bool>,
    /// Keep the timestamps the targets expose. Default true.
    #[schemars(example = false)]
    pub honor_timestamps: Option<bool>,
    /// HTTP basic authentication, user name and password from one Secret.
    #[schemars(example = serde_json::json!({ "secret": "mysql-exporter-auth", "username_key": "username", "password_key": "password" }))]
    pub basic_auth: Option<SecretBasicAuth>,
    /// `Authorization` header (e.g. a bearer token), its credentials from a Secret.
    #[schemars(example = serde_json::json!({ "credentials": { "secret": "federation", "key": "token" } }))]
    pub authorization: Option<Authorization>,
    /// OAuth 2.0 client credentials, from Secrets.
    #[schemars(example = serde_json::json!({ "client_id": { "secret": "exporter-oauth", "key": "client-id" }, "client_secret": { "secret": "exporter-oauth", "key": "client-secret" }, "token_url": "https://sso.example.com/token" }))]
    pub oauth2: Option<OAuth2>,
    /// TLS settings; certificates and keys from Secrets.
    #[schemars(example = serde_json::json!({ "ca": { "secret": "corp-ca", "key": "ca.crt" }, "server_name": "db-1.example.com" }))]
    pub tls_config: Option<TlsConfig>,
    /// Relabeling of the targets before they are scraped, in order.
    #[serde(default)]
    #[schemars(example = serde_json::json!([{ "source_labels": ["__address__"], "regex": "([^:]+):.*", "target_label": "host" }]))]
    pub relabelings: Vec<Relabel>,
    /// Relabeling of the scraped series before they are stored, in order (e.g. to drop some).
    #[serde(default)]
    #[schemars(example = serde_json::json!([{ "source_labels": ["__name__"], "regex": "go_gc_.*", "action": "drop" }]))]
    pub metric_relabelings: Vec<Relabel>,
    /// Limits of each scrape; a scrape over one fails as a whole.
    #[schemars(example = serde_json::json!({ "sample_limit": 50_000, "body_size_limit": "10MB" }))]
    pub limits: Option<ScrapeLimits>,
}

/// HTTP basic authentication with both the user name and the password read from one Secret (the
/// operator takes nothing else).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SecretBasicAuth {
    /// Name of the Secret in the site's namespace.
    #[schemars(example = &"mysql-exporter-auth")]
    pub secret: String,
    /// Key holding the user name.
    #[schemars(example = &"username")]
    pub username_key: String,
    /// Key holding the password.
    #[schemars(example = &"password")]
    pub password_key: String,
}

impl SecretBasicAuth {
    /// The two Secret keys it reads.
    pub fn secrets(&self) -> [SecretKeyRef; 2] {
        [
            SecretKeyRef {
                secret: self.secret.clone(),
                key: self.username_key.clone(),
            },
            SecretKeyRef {
                secret: self.secret.clone(),
                key: self.password_key.clone(),
            },
        ]
    }
}

/// Blackbox-style probing (a `Probe`): a prober such as blackbox_exporter checks each target with a
/// module and Prometheus scrapes the result.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Probe {
    /// Name of the Probe; also its job name.
    #[schemars(example = &"websites")]
    pub name: String,
    /// The prober's address, `host:port` (e.g. a blackbox_exporter Service). Default: the
    /// blackbox_exporter promsite deploys (`[blackbox_exporter]`), whose modules `module` must name.
    #[schemars(example = &"blackbox.example.com:9115")]
    pub prober: Option<String>,
    /// The prober's URL scheme. Default `http`.
    #[schemars(example = &"http")]
    pub prober_scheme: Option<Scheme>,
    /// The prober's HTTP path. Default `/probe`.
    #[schemars(example = &"/probe")]
    pub prober_path: Option<String>,
    /// The prober's module, e.g. blackbox_exporter's `http_2xx`, `tcp_connect` or `icmp`; with
    /// promsite's blackbox_exporter, one of `[[blackbox_exporter.modules]]` or the defaults.
    #[schemars(example = &"http_2xx")]
    pub module: String,
    /// What to probe: URLs for HTTP modules, `host:port` for TCP, hosts for ICMP.
    #[schemars(length(min = 1))]
    #[schemars(example = serde_json::json!(["https://www.example.com", "https://shop.example.com/health"]))]
    pub targets: Vec<String>,
    /// Labels added to every series of these probes.
    #[serde(default)]
    #[schemars(example = serde_json::json!({ "team": "web" }))]
    pub labels: BTreeMap<String, String>,
    /// Probe interval (Prometheus duration). Default: Prometheus' `scrape_interval`.
    #[schemars(example = &"1m")]
    pub interval: Option<String>,
    /// Probe timeout (Prometheus duration), at most the interval.
    #[schemars(example = &"10s")]
    pub timeout: Option<String>,
}

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
    /// `MB`, `GB`, `TB`, `PB`, `EB` (powers of 1024; `KiB`… too), e.g. `10MB`, or `0` (Prometheus
    /// 2.28+). Stricter than Go, which also reads `.5MB`, `-1MB` and `1GB512MB`, as the CRD is.
    #[schemars(pattern(r"^(0|[0-9]+(\.[0-9]+)?(B|KB|KiB|MB|MiB|GB|GiB|TB|TiB|PB|PiB|EB|EiB))$"))]
    #[schemars(example = &"10MB")]
    pub body_size_limit: Option<String>,
}
