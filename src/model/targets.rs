//! Validated scrape targets: the options every kind of scrape shares (request, credentials,
//! relabeling, limits), static scrapes (and federation) and probes.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;

use super::receiver::{Authorization, SecretKeyRef, TlsConfig};
use super::scale::Relabel;
use super::{Duration, Scheme};

/// How Prometheus authenticates to a target or endpoint; every credential is a Secret reference
/// in the site's namespace, which the operator resolves. At most one of basic authentication,
/// `authorization` and OAuth 2.0 is set.
#[derive(Debug, Clone, Default)]
pub struct ClientAuth {
    /// Basic authentication: the Secret, its user-name key and its password key.
    pub basic_auth: Option<(String, String, String)>,
    /// `Authorization` header.
    pub authorization: Option<Authorization>,
    /// OAuth 2.0 client credentials.
    pub oauth2: Option<OAuth2>,
    /// TLS settings.
    pub tls_config: Option<TlsConfig>,
}

impl ClientAuth {
    /// Every Secret key these settings read.
    pub fn secrets(&self) -> Vec<SecretKeyRef> {
        let mut refs = Vec::new();
        if let Some((secret, username, password)) = &self.basic_auth {
            refs.push(SecretKeyRef {
                secret: secret.clone(),
                key: username.clone(),
            });
            refs.push(SecretKeyRef {
                secret: secret.clone(),
                key: password.clone(),
            });
        }
        refs.extend(self.authorization.iter().map(|a| a.credentials.clone()));
        if let Some(oauth2) = &self.oauth2 {
            refs.extend([oauth2.client_id.clone(), oauth2.client_secret.clone()]);
        }
        if let Some(tls) = &self.tls_config {
            refs.extend(tls.ca.iter().chain(tls.cert.iter()).chain(tls.key.iter()).cloned());
        }
        refs
    }
}

/// OAuth 2.0 with the client-credentials grant: Prometheus fetches a token from `token_url` and
/// sends it as a bearer token. The client id and secret come from Secrets (the operator takes no
/// literal client id).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OAuth2 {
    /// The client id, from a Secret.
    #[schemars(example = serde_json::json!({ "secret": "exporter-oauth", "key": "client-id" }))]
    pub client_id: SecretKeyRef,
    /// The client secret, from a Secret.
    #[schemars(example = serde_json::json!({ "secret": "exporter-oauth", "key": "client-secret" }))]
    pub client_secret: SecretKeyRef,
    /// The token endpoint, an http(s) URL without credentials.
    #[schemars(example = &"https://sso.example.com/realms/ops/protocol/openid-connect/token")]
    pub token_url: String,
    /// Scopes to request.
    #[serde(default)]
    #[schemars(example = serde_json::json!(["metrics:read"]))]
    pub scopes: Vec<String>,
    /// Extra parameters of the token request.
    #[serde(default)]
    #[schemars(example = serde_json::json!({ "audience": "exporters" }))]
    pub endpoint_params: BTreeMap<String, String>,
}

/// Targets at fixed addresses (a ScrapeConfig).
#[derive(Debug, Clone)]
pub struct StaticScrape {
    /// ScrapeConfig name.
    pub name: String,
    /// `host:port` addresses, sorted and unique.
    pub targets: Vec<String>,
    /// Labels of every series.
    pub labels: BTreeMap<String, String>,
    /// Federation `match[]` selectors, sorted and unique; empty for an ordinary scrape.
    pub federate: Vec<String>,
    /// The request (federation sets its path, parameters and `honor_labels`), credentials,
    /// relabeling and limits.
    pub options: ScrapeOptions,
}

/// A blackbox-style probe (a Probe).
#[derive(Debug, Clone)]
pub struct Probe {
    /// Probe name.
    pub name: String,
    /// The prober's `host:port`; `None` for promsite's blackbox_exporter.
    pub prober: Option<String>,
    /// The prober's scheme.
    pub prober_scheme: Option<Scheme>,
    /// The prober's path.
    pub prober_path: Option<String>,
    /// The prober module.
    pub module: String,
    /// Targets, sorted and unique.
    pub targets: Vec<String>,
    /// Labels of every series.
    pub labels: BTreeMap<String, String>,
    /// Probe interval.
    pub interval: Option<Duration>,
    /// Probe timeout.
    pub timeout: Option<Duration>,
}

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
