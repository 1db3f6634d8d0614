//! Receivers and their integrations, one struct per Alertmanager integration.
//!
//! These types are both the site format (serde + JSON Schema) and the validated model: every
//! field is either free text Alertmanager accepts as is, or something `check/` validates before a
//! `Site` exists (URLs, e-mail addresses, Secret references, version gates). Keeping one
//! definition stops the site format and the model from drifting apart. Every credential is a
//! `SecretKeyRef`, never a string, so a site file cannot carry one.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;

/// A reference to one key of a Kubernetes Secret in the site's namespace.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SecretKeyRef {
    /// Name of the Secret.
    pub secret: String,
    /// Key inside the Secret.
    pub key: String,
}

/// A notification receiver: a name and any number of integrations.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Receiver {
    /// Receiver name, referenced by routes.
    pub name: String,
    /// E-mail notifications (uses `[alertmanager.smtp]`).
    #[serde(default)]
    pub email: Vec<Email>,
    /// Webhook notifications (HTTP POST of the alert group as JSON). DingTalk and Feishu bots take
    /// their own message format, so they are reached through a bridge such as
    /// prometheus-webhook-dingtalk (`url = "http://dingtalk-bridge:8060/dingtalk/<profile>/send"`);
    /// a URL that carries the bot's token (`?access_token=`, `/hook/<token>`) goes in `url_secret`.
    #[serde(default)]
    pub webhook: Vec<Webhook>,
    /// Slack notifications through an incoming webhook.
    #[serde(default)]
    pub slack: Vec<Slack>,
    /// PagerDuty notifications (Events API v2 or the Prometheus integration).
    #[serde(default)]
    pub pagerduty: Vec<Pagerduty>,
    /// Opsgenie notifications.
    #[serde(default)]
    pub opsgenie: Vec<Opsgenie>,
    /// Microsoft Teams notifications through an Office 365 connector webhook (`msteams_configs`).
    #[serde(default)]
    pub msteams: Vec<Msteams>,
    /// Microsoft Teams notifications through a Workflows (Power Automate) webhook (`msteamsv2_configs`).
    #[serde(default)]
    pub msteamsv2: Vec<MsteamsV2>,
    /// Telegram notifications through a bot.
    #[serde(default)]
    pub telegram: Vec<Telegram>,
    /// WeChat Work (WeCom) notifications.
    #[serde(default)]
    pub wechat: Vec<Wechat>,
}

impl Receiver {
    /// Whether the receiver has no integration at all (it silently drops what it gets).
    pub fn is_empty(&self) -> bool {
        self.email.is_empty()
            && self.webhook.is_empty()
            && self.slack.is_empty()
            && self.pagerduty.is_empty()
            && self.opsgenie.is_empty()
            && self.msteams.is_empty()
            && self.msteamsv2.is_empty()
            && self.telegram.is_empty()
            && self.wechat.is_empty()
    }

    /// Every Secret key the receiver's integrations read.
    pub fn secrets(&self) -> Vec<&SecretKeyRef> {
        let mut refs: Vec<&SecretKeyRef> = Vec::new();
        for w in &self.webhook {
            refs.extend(w.url_secret.iter().chain(http_secrets(w.http_config.as_ref())));
        }
        for s in &self.slack {
            refs.extend(std::iter::once(&s.api_url).chain(http_secrets(s.http_config.as_ref())));
        }
        for p in &self.pagerduty {
            refs.extend(
                p.routing_key
                    .iter()
                    .chain(p.service_key.iter())
                    .chain(http_secrets(p.http_config.as_ref())),
            );
        }
        for o in &self.opsgenie {
            refs.extend(std::iter::once(&o.api_key).chain(http_secrets(o.http_config.as_ref())));
        }
        for m in &self.msteams {
            refs.extend(std::iter::once(&m.webhook_url).chain(http_secrets(m.http_config.as_ref())));
        }
        for m in &self.msteamsv2 {
            refs.extend(std::iter::once(&m.webhook_url).chain(http_secrets(m.http_config.as_ref())));
        }
        for t in &self.telegram {
            refs.extend(std::iter::once(&t.bot_token).chain(http_secrets(t.http_config.as_ref())));
        }
        for w in &self.wechat {
            refs.push(&w.api_secret);
        }
        refs
    }
}

fn http_secrets(http: Option<&HttpConfig>) -> Vec<&SecretKeyRef> {
    http.map(HttpConfig::secrets).unwrap_or_default()
}

/// One e-mail destination.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Email {
    /// Recipient address.
    pub to: String,
    /// Also notify when alerts resolve. Default false (Alertmanager's default for e-mail).
    pub send_resolved: Option<bool>,
}

/// One webhook destination. Give exactly one of `url` and `url_secret`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Webhook {
    /// URL to POST to, when it carries no credentials.
    pub url: Option<String>,
    /// The URL, read from a Secret, when it carries a token (`?access_token=`, `/hook/<token>`, as
    /// DingTalk and Feishu bot URLs do). Rendered as `url_file` (Alertmanager 0.26 or newer;
    /// promsite refuses it for an older `alertmanager.version`).
    pub url_secret: Option<SecretKeyRef>,
    /// Also notify when alerts resolve. Default true.
    pub send_resolved: Option<bool>,
    /// Most alerts per message; 0 means all.
    pub max_alerts: Option<u32>,
    /// HTTP client settings.
    pub http_config: Option<HttpConfig>,
}

/// One Slack channel, through an incoming webhook.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Slack {
    /// The incoming-webhook URL (it is the credential), read from a Secret (`api_url_file`).
    pub api_url: SecretKeyRef,
    /// Channel or user to post to, e.g. `#alerts`.
    pub channel: Option<String>,
    /// User name the message is posted as.
    pub username: Option<String>,
    /// Message title (Go template).
    pub title: Option<String>,
    /// Message text (Go template).
    pub text: Option<String>,
    /// Also notify when alerts resolve. Default false.
    pub send_resolved: Option<bool>,
    /// HTTP client settings.
    pub http_config: Option<HttpConfig>,
}

/// One PagerDuty service. Give exactly one of `routing_key` and `service_key`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Pagerduty {
    /// Events API v2 integration key, read from a Secret (`routing_key_file`).
    pub routing_key: Option<SecretKeyRef>,
    /// Prometheus-integration service key, read from a Secret (`service_key_file`).
    pub service_key: Option<SecretKeyRef>,
    /// Events API URL. Default PagerDuty's.
    pub url: Option<String>,
    /// Incident severity (Go template), e.g. `critical`.
    pub severity: Option<String>,
    /// Incident description (Go template).
    pub description: Option<String>,
    /// Extra incident details (values are Go templates).
    #[serde(default)]
    pub details: BTreeMap<String, String>,
    /// Also notify when alerts resolve. Default true.
    pub send_resolved: Option<bool>,
    /// HTTP client settings.
    pub http_config: Option<HttpConfig>,
}

/// One Opsgenie integration.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Opsgenie {
    /// API key, read from a Secret (`api_key_file`).
    pub api_key: SecretKeyRef,
    /// API host. Default `https://api.opsgenie.com/`.
    pub api_url: Option<String>,
    /// Alert text (Go template, at most 130 characters).
    pub message: Option<String>,
    /// Alert description (Go template).
    pub description: Option<String>,
    /// Priority `P1` to `P5` (Go template).
    pub priority: Option<String>,
    /// Comma-separated tags (Go template).
    pub tags: Option<String>,
    /// Who is notified.
    #[serde(default)]
    pub responders: Vec<OpsgenieResponder>,
    /// Also notify when alerts resolve. Default true.
    pub send_resolved: Option<bool>,
    /// HTTP client settings.
    pub http_config: Option<HttpConfig>,
}

/// An Opsgenie responder: a `type` and exactly one of `id`, `name`, `username`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OpsgenieResponder {
    /// `team`, `teams`, `user`, `escalation` or `schedule`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Responder id.
    pub id: Option<String>,
    /// Responder name.
    pub name: Option<String>,
    /// Responder user name.
    pub username: Option<String>,
}

/// One Microsoft Teams channel through an Office 365 connector (`msteams_configs`).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Msteams {
    /// The incoming-webhook URL (it carries the token), read from a Secret (`webhook_url_file`, Alertmanager 0.27 or newer).
    pub webhook_url: SecretKeyRef,
    /// Message title (Go template).
    pub title: Option<String>,
    /// Message summary (Go template).
    pub summary: Option<String>,
    /// Message text (Go template).
    pub text: Option<String>,
    /// Also notify when alerts resolve. Default true.
    pub send_resolved: Option<bool>,
    /// HTTP client settings.
    pub http_config: Option<HttpConfig>,
}

/// One Microsoft Teams channel through a Workflows webhook (`msteamsv2_configs`, Alertmanager 0.28 or newer).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MsteamsV2 {
    /// The workflow URL (it carries a `sig=` token), read from a Secret (`webhook_url_file`).
    pub webhook_url: SecretKeyRef,
    /// Message title (Go template).
    pub title: Option<String>,
    /// Message text (Go template).
    pub text: Option<String>,
    /// Also notify when alerts resolve. Default true.
    pub send_resolved: Option<bool>,
    /// HTTP client settings.
    pub http_config: Option<HttpConfig>,
}

/// One Telegram chat.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Telegram {
    /// Bot token, read from a Secret (`bot_token_file`, Alertmanager 0.26 or newer).
    pub bot_token: SecretKeyRef,
    /// Chat id (negative for groups).
    pub chat_id: i64,
    /// Bot API URL. Default `https://api.telegram.org`.
    pub api_url: Option<String>,
    /// Message (Go template).
    pub message: Option<String>,
    /// `HTML` (Alertmanager's default), `Markdown`, `MarkdownV2`, or `""` for plain text.
    pub parse_mode: Option<String>,
    /// Send silently.
    pub disable_notifications: Option<bool>,
    /// Also notify when alerts resolve. Default true.
    pub send_resolved: Option<bool>,
    /// HTTP client settings.
    pub http_config: Option<HttpConfig>,
}

/// One WeChat Work (WeCom) application.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Wechat {
    /// Application secret, read from a Secret (`api_secret_file`, Alertmanager 0.31 or newer).
    pub api_secret: SecretKeyRef,
    /// Corporation id.
    pub corp_id: String,
    /// Application (agent) id.
    pub agent_id: String,
    /// Users to notify, `|`-separated, or `@all`.
    pub to_user: Option<String>,
    /// Departments to notify, `|`-separated.
    pub to_party: Option<String>,
    /// Tags to notify, `|`-separated.
    pub to_tag: Option<String>,
    /// API URL. Default `https://qyapi.weixin.qq.com/cgi-bin/`.
    pub api_url: Option<String>,
    /// Message (Go template).
    pub message: Option<String>,
    /// `text` (default) or `markdown`.
    pub message_type: Option<String>,
    /// Also notify when alerts resolve. Default false.
    pub send_resolved: Option<bool>,
}

/// HTTP client settings of an integration. Every credential is a Secret reference.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HttpConfig {
    /// Proxy URL, e.g. `http://proxy.example:3128` (without credentials).
    pub proxy_url: Option<String>,
    /// HTTP basic authentication. Not together with `authorization`.
    pub basic_auth: Option<BasicAuth>,
    /// `Authorization` header. Not together with `basic_auth`.
    pub authorization: Option<Authorization>,
    /// TLS settings; certificate files come from Secrets.
    pub tls_config: Option<TlsConfig>,
}

impl HttpConfig {
    /// Every Secret key these settings read.
    pub fn secrets(&self) -> Vec<&SecretKeyRef> {
        let mut refs: Vec<&SecretKeyRef> = Vec::new();
        refs.extend(self.basic_auth.as_ref().and_then(|b| b.password.as_ref()));
        refs.extend(self.authorization.as_ref().map(|a| &a.credentials));
        if let Some(tls) = &self.tls_config {
            refs.extend(tls.ca.iter().chain(tls.cert.iter()).chain(tls.key.iter()));
        }
        refs
    }
}

/// HTTP basic authentication.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BasicAuth {
    /// User name.
    pub username: String,
    /// Password, read from a Secret (`password_file`).
    pub password: Option<SecretKeyRef>,
}

/// An `Authorization` header.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Authorization {
    /// Scheme. Default `Bearer`.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// Credentials, read from a Secret (`credentials_file`).
    pub credentials: SecretKeyRef,
}

/// TLS settings for an outgoing connection.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TlsConfig {
    /// CA certificate to verify the server with, from a Secret (`ca_file`).
    pub ca: Option<SecretKeyRef>,
    /// Client certificate, from a Secret (`cert_file`).
    pub cert: Option<SecretKeyRef>,
    /// Client private key, from a Secret (`key_file`).
    pub key: Option<SecretKeyRef>,
    /// Server name to verify (SNI).
    pub server_name: Option<String>,
    /// Skip verifying the server certificate. Default false.
    pub insecure_skip_verify: Option<bool>,
}
