//! Site-format types for Grafana beyond its defaults: additional data sources and login. Like
//! `raw`, nothing here is validated beyond its shape; doc comments become schema descriptions.

use schemars::JsonSchema;
use serde::Deserialize;

use super::targets::SecretBasicAuth;
use crate::model::receiver::SecretKeyRef;

/// A data source Grafana is provisioned with besides the site's Prometheus.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DataSource {
    /// Name shown in Grafana, unique among the data sources (`Prometheus` is promsite's).
    #[schemars(example = &"Loki")]
    pub name: String,
    /// The kind of data source.
    #[serde(rename = "type")]
    #[schemars(example = &"loki")]
    pub kind: DataSourceKind,
    /// Its URL, without credentials.
    #[schemars(example = &"http://loki-gateway.logging.svc")]
    pub url: String,
    /// Stable uid dashboards refer to it by (letters, digits, `-`, `_`; at most 40). Default: the
    /// name in lower case with other characters as `-`.
    #[schemars(example = &"loki")]
    pub uid: Option<String>,
    /// HTTP basic authentication, user name and password from one Secret in the site's namespace.
    #[schemars(example = serde_json::json!({ "secret": "loki-auth", "username_key": "username", "password_key": "password" }))]
    pub basic_auth: Option<SecretBasicAuth>,
    /// A bearer token from a Secret in the site's namespace, sent as `Authorization: Bearer`.
    #[schemars(example = serde_json::json!({ "secret": "thanos-token", "key": "token" }))]
    pub bearer_token: Option<SecretKeyRef>,
}

/// Kinds of additional data sources.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum DataSourceKind {
    /// Another Prometheus, or Thanos Query / Mimir / VictoriaMetrics (Prometheus API).
    Prometheus,
    /// Grafana Loki (logs).
    Loki,
    /// Grafana Tempo (traces).
    Tempo,
    /// An Alertmanager (Prometheus' implementation).
    Alertmanager,
}

impl DataSourceKind {
    /// Grafana's plugin id.
    pub fn plugin(self) -> &'static str {
        match self {
            DataSourceKind::Prometheus => "prometheus",
            DataSourceKind::Loki => "loki",
            DataSourceKind::Tempo => "tempo",
            DataSourceKind::Alertmanager => "alertmanager",
        }
    }
}

/// How users log in to Grafana. The admin account (`[grafana] admin`) always works.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Login {
    /// Let visitors in without logging in, as viewers of the main organization. Default false.
    #[schemars(example = false)]
    pub anonymous: Option<bool>,
    /// Single sign-on through an OpenID Connect / OAuth 2 provider (Grafana's generic OAuth).
    pub oidc: Option<Oidc>,
}

/// An OpenID Connect / OAuth 2 provider: Keycloak, Dex, Azure AD, Okta, GitLab, ...
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Oidc {
    /// The name on the login button. Default `SSO`.
    #[schemars(example = &"Keycloak")]
    pub name: Option<String>,
    /// The client id registered with the provider.
    #[schemars(example = &"grafana")]
    pub client_id: String,
    /// The client secret, from a Secret in the site's namespace.
    #[schemars(example = serde_json::json!({ "secret": "grafana-oidc", "key": "client-secret" }))]
    pub client_secret: SecretKeyRef,
    /// The provider's authorization endpoint.
    #[schemars(example = &"https://sso.example.com/realms/ops/protocol/openid-connect/auth")]
    pub auth_url: String,
    /// The provider's token endpoint.
    #[schemars(example = &"https://sso.example.com/realms/ops/protocol/openid-connect/token")]
    pub token_url: String,
    /// The provider's user-info endpoint.
    #[schemars(example = &"https://sso.example.com/realms/ops/protocol/openid-connect/userinfo")]
    pub api_url: String,
    /// Scopes requested. Default `["openid", "profile", "email"]`.
    #[schemars(example = serde_json::json!(["openid", "profile", "email", "groups"]))]
    pub scopes: Option<Vec<String>>,
    /// A JMESPath expression over the ID token or user info giving the Grafana role
    /// (`Viewer`, `Editor`, `Admin`). Default: every user is a viewer.
    #[schemars(example = &"contains(groups[*], 'ops') && 'Admin' || 'Viewer'")]
    pub role_attribute_path: Option<String>,
}
