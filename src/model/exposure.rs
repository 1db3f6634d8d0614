//! How the web UIs are reached: the Ingresses (host, path, TLS and access control of each
//! component) and the web TLS of Prometheus and Alertmanager.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;

use super::Site;

/// Ingresses for the web UIs.
#[derive(Debug, Clone)]
pub struct Ingress {
    /// IngressClass.
    pub class: Option<String>,
    /// Where Prometheus is exposed.
    pub prometheus: Option<Exposure>,
    /// Where Alertmanager is exposed.
    pub alertmanager: Option<Exposure>,
    /// Where Grafana is exposed.
    pub grafana: Option<Exposure>,
    /// Basic authentication in front of Prometheus and Alertmanager.
    pub basic_auth: Option<BasicAuth>,
    /// External authentication in front of Prometheus and Alertmanager.
    pub external_auth: Option<ExternalAuth>,
    /// Annotations on every Ingress, besides those promsite derives.
    pub annotations: BTreeMap<String, String>,
}

/// One component's place on the Ingress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exposure {
    /// Host name.
    pub host: String,
    /// Path prefix without a trailing `/`: empty for the root, else e.g. `/prometheus`.
    pub path: String,
    /// The Secret with the host's TLS certificate; HTTPS when set.
    pub tls_secret: Option<String>,
}

impl Exposure {
    /// The URL users reach the component at, with a trailing `/`.
    pub fn url(&self) -> String {
        let scheme = if self.tls_secret.is_some() { "https" } else { "http" };
        format!("{scheme}://{}{}/", self.host, self.path)
    }
}

impl Ingress {
    /// Whether the Ingresses of Prometheus and Alertmanager ask for credentials.
    pub fn authenticated(&self) -> bool {
        self.basic_auth.is_some() || self.external_auth.is_some()
    }

    /// Every Secret the Ingresses read.
    pub fn secrets(&self) -> Vec<String> {
        let mut secrets: Vec<String> = [&self.prometheus, &self.alertmanager, &self.grafana]
            .into_iter()
            .flatten()
            .filter_map(|e| e.tls_secret.clone())
            .collect();
        secrets.extend(self.basic_auth.as_ref().map(|b| b.secret.clone()));
        secrets
    }
}

/// ingress-nginx basic authentication.
#[derive(Debug, Clone)]
pub struct BasicAuth {
    /// Secret with the users.
    pub secret: String,
    /// Login prompt realm.
    pub realm: String,
    /// How the Secret holds the users.
    pub format: BasicAuthFormat,
}

/// How an ingress-nginx basic-auth Secret holds its users (`auth-secret-type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum BasicAuthFormat {
    /// An htpasswd file under the key `auth`.
    #[default]
    AuthFile,
    /// One key per user, its value the password hash.
    AuthMap,
}

impl BasicAuthFormat {
    /// The spelling of ingress-nginx's `auth-secret-type`.
    pub fn as_str(self) -> &'static str {
        match self {
            BasicAuthFormat::AuthFile => "auth-file",
            BasicAuthFormat::AuthMap => "auth-map",
        }
    }
}

/// ingress-nginx external authentication.
#[derive(Debug, Clone)]
pub struct ExternalAuth {
    /// The URL each request is checked against.
    pub url: String,
    /// Where browsers sign in.
    pub signin: Option<String>,
    /// Headers passed on from the answer, in the order written.
    pub response_headers: Vec<String>,
}

/// HTTPS on a component's own web server.
#[derive(Debug, Clone)]
pub struct WebTls {
    /// Secret name.
    pub secret: String,
    /// Certificate key.
    pub cert: String,
    /// Private key key.
    pub key: String,
    /// CA certificate key.
    pub ca: String,
}

impl Site {
    /// Prometheus' path prefix (`routePrefix`): empty, or e.g. `/prometheus`.
    pub fn prometheus_path(&self) -> &str {
        Self::path(self.ingress.as_ref().and_then(|i| i.prometheus.as_ref()))
    }

    /// Alertmanager's path prefix (`routePrefix`): empty, or e.g. `/alertmanager`.
    pub fn alertmanager_path(&self) -> &str {
        Self::path(self.ingress.as_ref().and_then(|i| i.alertmanager.as_ref()))
    }

    /// Grafana's path prefix (`serve_from_sub_path`): empty, or e.g. `/grafana`.
    pub fn grafana_path(&self) -> &str {
        Self::path(self.ingress.as_ref().and_then(|i| i.grafana.as_ref()))
    }

    fn path(exposure: Option<&Exposure>) -> &str {
        exposure.map_or("", |e| e.path.as_str())
    }
}
