//! Validated targets outside the cluster: static scrapes (and federation) and probes, with the
//! credentials Prometheus uses to reach them.

use std::collections::BTreeMap;

use super::receiver::{Authorization, SecretKeyRef, TlsConfig};
use super::{Duration, Scheme};

/// How Prometheus authenticates to a target or endpoint; every credential is a Secret reference
/// in the site's namespace, which the operator resolves.
#[derive(Debug, Clone, Default)]
pub struct ClientAuth {
    /// Basic authentication: the Secret, its user-name key and its password key.
    pub basic_auth: Option<(String, String, String)>,
    /// `Authorization` header.
    pub authorization: Option<Authorization>,
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
        if let Some(tls) = &self.tls_config {
            refs.extend(tls.ca.iter().chain(tls.cert.iter()).chain(tls.key.iter()).cloned());
        }
        refs
    }
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
    /// Metrics path.
    pub path: Option<String>,
    /// Scheme.
    pub scheme: Option<Scheme>,
    /// Scrape interval.
    pub interval: Option<Duration>,
    /// Scrape timeout.
    pub timeout: Option<Duration>,
    /// Whether target labels win over Prometheus' own.
    pub honor_labels: Option<bool>,
    /// Credentials and TLS.
    pub auth: ClientAuth,
}

/// A blackbox-style probe (a Probe).
#[derive(Debug, Clone)]
pub struct Probe {
    /// Probe name.
    pub name: String,
    /// The prober's `host:port`.
    pub prober: String,
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
