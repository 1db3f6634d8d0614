//! Serde mirror of how the web UIs are exposed: `[ingress]` (hosts, paths, TLS, access control)
//! and the web TLS of Prometheus and Alertmanager themselves.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;

pub use crate::model::exposure::BasicAuthFormat;

/// Ingresses for the web UIs: one per component, on its own host or on a shared host under a path.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Ingress {
    /// IngressClass name, e.g. `nginx`.
    #[schemars(example = &"nginx")]
    pub class: Option<String>,
    /// Host name for Prometheus.
    #[schemars(example = &"prometheus.example.com")]
    pub prometheus: Option<String>,
    /// Host name for Alertmanager.
    #[schemars(example = &"alertmanager.example.com")]
    pub alertmanager: Option<String>,
    /// Host name for Grafana.
    #[schemars(example = &"grafana.example.com")]
    pub grafana: Option<String>,
    /// Secret with a TLS certificate (`kubernetes.io/tls`) for every host that no `tls` entry
    /// lists; enables HTTPS on those hosts.
    #[schemars(example = &"monitoring-tls")]
    pub tls_secret: Option<String>,
    /// A TLS certificate per host: each entry names the hosts its Secret's certificate covers.
    /// Every host must be one of the hosts above, and at most one entry may list it.
    #[serde(default)]
    #[schemars(example = serde_json::json!([{ "hosts": ["prometheus.example.com"], "secret": "prometheus-tls" }]))]
    pub tls: Vec<IngressTls>,
    /// Paths under which each component is served on its host (default `/`). Give components
    /// one shared host and a path each (`/prometheus`, `/alertmanager`, `/grafana`); promsite sets
    /// Prometheus' and Alertmanager's `routePrefix` and `externalUrl`, Grafana's `root_url` and
    /// `serve_from_sub_path`, and moves their metrics and health paths along.
    #[serde(default)]
    #[schemars(example = serde_json::json!({ "prometheus": "/prometheus", "alertmanager": "/alertmanager", "grafana": "/grafana" }))]
    pub paths: IngressPaths,
    /// HTTP basic authentication by ingress-nginx in front of Prometheus and Alertmanager, with
    /// the users in a Secret (an htpasswd file under the key `auth`, or one key per user).
    /// Grafana keeps its own login.
    #[schemars(example = serde_json::json!({ "secret": "monitoring-basic-auth", "realm": "Monitoring" }))]
    pub basic_auth: Option<IngressBasicAuth>,
    /// External authentication by ingress-nginx in front of Prometheus and Alertmanager, e.g.
    /// oauth2-proxy: every request is first sent to `url`, and passes when it answers 2xx.
    #[schemars(example = serde_json::json!({ "url": "https://oauth2.example.com/oauth2/auth", "signin": "https://oauth2.example.com/oauth2/start?rd=$escaped_request_uri" }))]
    pub external_auth: Option<ExternalAuth>,
    /// Further annotations on every Ingress, for controllers or settings promsite has no typed key
    /// for (e.g. Traefik middlewares, `nginx.ingress.kubernetes.io/whitelist-source-range`). The
    /// annotations promsite derives from `basic_auth`, `external_auth` and web TLS may not be set here.
    #[serde(default)]
    #[schemars(example = serde_json::json!({ "nginx.ingress.kubernetes.io/whitelist-source-range": "10.0.0.0/8" }))]
    pub annotations: BTreeMap<String, String>,
}

/// A TLS certificate for some of the Ingresses' hosts.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IngressTls {
    /// Hosts the certificate covers, each one of `ingress.prometheus`, `alertmanager` or `grafana`.
    #[schemars(length(min = 1))]
    #[schemars(example = serde_json::json!(["prometheus.example.com", "alertmanager.example.com"]))]
    pub hosts: Vec<String>,
    /// Secret in the site's namespace holding the certificate (`kubernetes.io/tls`).
    #[schemars(example = &"prometheus-tls")]
    pub secret: String,
}

/// Path of each component on its host.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IngressPaths {
    /// Path of Prometheus, e.g. `/prometheus`. Default `/`.
    #[schemars(example = &"/prometheus")]
    pub prometheus: Option<String>,
    /// Path of Alertmanager, e.g. `/alertmanager`. Default `/`.
    #[schemars(example = &"/alertmanager")]
    pub alertmanager: Option<String>,
    /// Path of Grafana, e.g. `/grafana`. Default `/`.
    #[schemars(example = &"/grafana")]
    pub grafana: Option<String>,
}

/// ingress-nginx basic authentication (`auth-type: basic`).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IngressBasicAuth {
    /// Secret in the site's namespace with the users: for `auth-file`, an htpasswd file under the
    /// key `auth` (`htpasswd -c auth <user>`, then `kubectl create secret generic <name> --from-file=auth`).
    #[schemars(example = &"monitoring-basic-auth")]
    pub secret: String,
    /// The realm the browser shows in its login prompt. Default `Authentication required`.
    #[schemars(example = &"Monitoring")]
    pub realm: Option<String>,
    /// How the Secret holds the users: `auth-file` (default; an htpasswd file under the key
    /// `auth`) or `auth-map` (one key per user, the value its password hash).
    #[schemars(example = &"auth-file")]
    pub format: Option<BasicAuthFormat>,
}

/// ingress-nginx external authentication (`auth-url`), e.g. through oauth2-proxy.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExternalAuth {
    /// URL every request is checked against first; a 2xx answer lets it through, 401 or 403 refuses it.
    #[schemars(example = &"https://oauth2.example.com/oauth2/auth")]
    pub url: String,
    /// Where to send a browser that is not signed in (`auth-signin`); ingress-nginx variables such
    /// as `$escaped_request_uri` are allowed.
    #[schemars(example = &"https://oauth2.example.com/oauth2/start?rd=$escaped_request_uri")]
    pub signin: Option<String>,
    /// Headers of the authentication answer passed on to Prometheus and Alertmanager (`auth-response-headers`).
    #[serde(default)]
    #[schemars(example = serde_json::json!(["X-Auth-Request-User", "X-Auth-Request-Email"]))]
    pub response_headers: Vec<String>,
}

/// HTTPS on a component's own web server (its `spec.web.tlsConfig`), with the certificate from a
/// Secret. promsite's own clients (its ServiceMonitors, Prometheus' Alertmanager endpoints,
/// Grafana's data source, prometheus-adapter) switch to HTTPS and verify it with the CA in the
/// same Secret, for the name `<service>.<namespace>.svc`, which the certificate must cover.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WebTls {
    /// Secret in the site's namespace with the certificate, its key and the CA that signed it
    /// (as cert-manager writes them).
    #[schemars(example = &"prometheus-web-tls")]
    pub secret: String,
    /// Key holding the certificate. Default `tls.crt`.
    #[schemars(example = &"tls.crt")]
    pub cert: Option<String>,
    /// Key holding the private key. Default `tls.key`.
    #[schemars(example = &"tls.key")]
    pub key: Option<String>,
    /// Key holding the CA certificate that clients verify the certificate with. Default `ca.crt`.
    #[schemars(example = &"ca.crt")]
    pub ca: Option<String>,
}
