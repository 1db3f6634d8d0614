//! `alertmanager.yml`, typed. Field names and order follow Alertmanager's documentation.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_with::skip_serializing_none;

use crate::model::{self, Site, receiver};

/// Where the operator mounts `spec.secrets` in Alertmanager pods.
pub(super) const SECRETS_DIR: &str = "/etc/alertmanager/secrets";
/// Where the operator mounts the configuration Secret (`configSecret`), whose keys include the templates.
const CONFIG_DIR: &str = "/etc/alertmanager/config";

/// The whole configuration file.
#[skip_serializing_none]
#[derive(Debug, Clone, Serialize)]
#[allow(missing_docs)]
pub struct AlertmanagerConfig {
    pub global: Option<Global>,
    pub templates: Option<Vec<String>>,
    pub route: Route,
    pub receivers: Vec<Receiver>,
    pub inhibit_rules: Option<Vec<InhibitRule>>,
    pub time_intervals: Option<Vec<TimeInterval>>,
}

/// `inhibit_rules[]`.
#[skip_serializing_none]
#[derive(Debug, Clone, Serialize)]
#[allow(missing_docs)]
pub struct InhibitRule {
    pub source_matchers: Vec<String>,
    pub target_matchers: Vec<String>,
    pub equal: Option<Vec<String>>,
}

/// `time_intervals[]`.
#[derive(Debug, Clone, Serialize)]
#[allow(missing_docs)]
pub struct TimeInterval {
    pub name: String,
    pub time_intervals: Vec<TimeIntervalSpec>,
}

/// `<time_interval_spec>`.
#[skip_serializing_none]
#[derive(Debug, Clone, Serialize)]
#[allow(missing_docs)]
pub struct TimeIntervalSpec {
    pub times: Option<Vec<TimeRange>>,
    pub weekdays: Option<Vec<String>>,
    pub days_of_month: Option<Vec<String>>,
    pub months: Option<Vec<String>>,
    pub years: Option<Vec<String>>,
    pub location: Option<String>,
}

/// `<time_range>`.
#[derive(Debug, Clone, Serialize)]
#[allow(missing_docs)]
pub struct TimeRange {
    pub start_time: String,
    pub end_time: String,
}

/// `global:` settings (Alertmanager names them all `smtp_*`).
#[skip_serializing_none]
#[derive(Debug, Clone, Serialize)]
#[allow(missing_docs, clippy::struct_field_names)]
pub struct Global {
    pub smtp_smarthost: Option<String>,
    pub smtp_from: Option<String>,
    pub smtp_hello: Option<String>,
    pub smtp_auth_username: Option<String>,
    pub smtp_auth_password_file: Option<String>,
    pub smtp_auth_identity: Option<String>,
    pub smtp_require_tls: Option<bool>,
}

/// A route.
#[skip_serializing_none]
#[derive(Debug, Clone, Serialize)]
#[allow(missing_docs)]
pub struct Route {
    pub receiver: Option<String>,
    pub group_by: Option<Vec<String>>,
    pub matchers: Option<Vec<String>>,
    #[serde(rename = "continue")]
    pub continue_matching: Option<bool>,
    pub group_wait: Option<String>,
    pub group_interval: Option<String>,
    pub repeat_interval: Option<String>,
    pub mute_time_intervals: Option<Vec<String>>,
    pub active_time_intervals: Option<Vec<String>>,
    pub routes: Option<Vec<Route>>,
}

/// A receiver: one list per integration, named as in Alertmanager's `<receiver>`.
#[skip_serializing_none]
#[derive(Debug, Clone, Serialize)]
#[allow(missing_docs)]
pub struct Receiver {
    pub name: String,
    pub email_configs: Option<Vec<EmailConfig>>,
    pub msteams_configs: Option<Vec<MsteamsConfig>>,
    pub msteamsv2_configs: Option<Vec<MsteamsV2Config>>,
    pub opsgenie_configs: Option<Vec<OpsgenieConfig>>,
    pub pagerduty_configs: Option<Vec<PagerdutyConfig>>,
    pub slack_configs: Option<Vec<SlackConfig>>,
    pub telegram_configs: Option<Vec<TelegramConfig>>,
    pub webhook_configs: Option<Vec<WebhookConfig>>,
    pub wechat_configs: Option<Vec<WechatConfig>>,
}

/// `email_configs[]`.
#[skip_serializing_none]
#[derive(Debug, Clone, Serialize)]
#[allow(missing_docs)]
pub struct EmailConfig {
    pub to: String,
    pub send_resolved: Option<bool>,
}

/// `webhook_configs[]`: exactly one of `url` and `url_file`.
#[skip_serializing_none]
#[derive(Debug, Clone, Serialize)]
#[allow(missing_docs)]
pub struct WebhookConfig {
    pub url: Option<String>,
    pub url_file: Option<String>,
    pub send_resolved: Option<bool>,
    pub max_alerts: Option<u32>,
    pub http_config: Option<HttpConfig>,
}

/// `slack_configs[]`.
#[skip_serializing_none]
#[derive(Debug, Clone, Serialize)]
#[allow(missing_docs)]
pub struct SlackConfig {
    pub send_resolved: Option<bool>,
    pub api_url_file: String,
    pub channel: Option<String>,
    pub username: Option<String>,
    pub title: Option<String>,
    pub text: Option<String>,
    pub http_config: Option<HttpConfig>,
}

/// `pagerduty_configs[]`: exactly one of `routing_key_file` and `service_key_file`.
#[skip_serializing_none]
#[derive(Debug, Clone, Serialize)]
#[allow(missing_docs)]
pub struct PagerdutyConfig {
    pub send_resolved: Option<bool>,
    pub routing_key_file: Option<String>,
    pub service_key_file: Option<String>,
    pub url: Option<String>,
    pub description: Option<String>,
    pub severity: Option<String>,
    pub details: Option<BTreeMap<String, String>>,
    pub http_config: Option<HttpConfig>,
}

/// `opsgenie_configs[]`.
#[skip_serializing_none]
#[derive(Debug, Clone, Serialize)]
#[allow(missing_docs)]
pub struct OpsgenieConfig {
    pub send_resolved: Option<bool>,
    pub api_key_file: String,
    pub api_url: Option<String>,
    pub message: Option<String>,
    pub description: Option<String>,
    pub responders: Option<Vec<OpsgenieResponder>>,
    pub tags: Option<String>,
    pub priority: Option<String>,
    pub http_config: Option<HttpConfig>,
}

/// `opsgenie_configs[].responders[]`.
#[skip_serializing_none]
#[derive(Debug, Clone, Serialize)]
#[allow(missing_docs)]
pub struct OpsgenieResponder {
    pub id: Option<String>,
    pub name: Option<String>,
    pub username: Option<String>,
    #[serde(rename = "type")]
    pub kind: String,
}

/// `msteams_configs[]`.
#[skip_serializing_none]
#[derive(Debug, Clone, Serialize)]
#[allow(missing_docs)]
pub struct MsteamsConfig {
    pub send_resolved: Option<bool>,
    pub webhook_url_file: String,
    pub title: Option<String>,
    pub summary: Option<String>,
    pub text: Option<String>,
    pub http_config: Option<HttpConfig>,
}

/// `msteamsv2_configs[]`.
#[skip_serializing_none]
#[derive(Debug, Clone, Serialize)]
#[allow(missing_docs)]
pub struct MsteamsV2Config {
    pub send_resolved: Option<bool>,
    pub webhook_url_file: String,
    pub title: Option<String>,
    pub text: Option<String>,
    pub http_config: Option<HttpConfig>,
}

/// `telegram_configs[]`.
#[skip_serializing_none]
#[derive(Debug, Clone, Serialize)]
#[allow(missing_docs)]
pub struct TelegramConfig {
    pub send_resolved: Option<bool>,
    pub api_url: Option<String>,
    pub bot_token_file: String,
    pub chat_id: i64,
    pub message: Option<String>,
    pub disable_notifications: Option<bool>,
    pub parse_mode: Option<String>,
    pub http_config: Option<HttpConfig>,
}

/// `wechat_configs[]`.
#[skip_serializing_none]
#[derive(Debug, Clone, Serialize)]
#[allow(missing_docs)]
pub struct WechatConfig {
    pub send_resolved: Option<bool>,
    pub api_secret_file: String,
    pub api_url: Option<String>,
    pub corp_id: String,
    pub message: Option<String>,
    pub message_type: Option<String>,
    pub agent_id: String,
    pub to_user: Option<String>,
    pub to_party: Option<String>,
    pub to_tag: Option<String>,
}

/// `<http_config>`, with every credential as a file.
#[skip_serializing_none]
#[derive(Debug, Clone, Serialize)]
#[allow(missing_docs)]
pub struct HttpConfig {
    pub basic_auth: Option<BasicAuth>,
    pub authorization: Option<Authorization>,
    pub proxy_url: Option<String>,
    pub tls_config: Option<TlsConfig>,
}

/// `<http_config>.basic_auth`.
#[skip_serializing_none]
#[derive(Debug, Clone, Serialize)]
#[allow(missing_docs)]
pub struct BasicAuth {
    pub username: String,
    pub password_file: Option<String>,
}

/// `<http_config>.authorization`.
#[skip_serializing_none]
#[derive(Debug, Clone, Serialize)]
#[allow(missing_docs)]
pub struct Authorization {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub credentials_file: String,
}

/// `<tls_config>`.
#[skip_serializing_none]
#[derive(Debug, Clone, Serialize)]
#[allow(missing_docs)]
pub struct TlsConfig {
    pub ca_file: Option<String>,
    pub cert_file: Option<String>,
    pub key_file: Option<String>,
    pub server_name: Option<String>,
    pub insecure_skip_verify: Option<bool>,
}

/// The path at which a referenced Secret key is mounted in Alertmanager.
pub(super) fn secret_file(secret: &model::SecretKeyRef) -> String {
    format!("{SECRETS_DIR}/{}/{}", secret.secret, secret.key)
}

/// Renders the site's routing tree and receivers.
pub(super) fn render(site: &Site) -> AlertmanagerConfig {
    let global = site.alertmanager.smtp.as_ref().map(|smtp| Global {
        smtp_smarthost: Some(smtp.smarthost.clone()),
        smtp_from: Some(smtp.from.clone()),
        smtp_hello: smtp.hello.clone(),
        smtp_auth_username: smtp.auth_username.clone(),
        smtp_auth_password_file: smtp.auth_password.as_ref().map(secret_file),
        smtp_auth_identity: smtp.auth_identity.clone(),
        smtp_require_tls: smtp.require_tls,
    });
    let matchers = |list: &[model::Matcher]| list.iter().map(ToString::to_string).collect();
    let strings = |list: &[String]| (!list.is_empty()).then(|| list.to_vec());
    AlertmanagerConfig {
        global,
        // The operator mounts the configuration Secret, templates included, at this directory.
        templates: list(&site.alertmanager.templates, |t| format!("{CONFIG_DIR}/{}", t.name)),
        route: route(&site.route),
        receivers: site.receivers.iter().map(receiver).collect(),
        inhibit_rules: list(&site.inhibit_rules, |r| InhibitRule {
            source_matchers: matchers(&r.source_matchers),
            target_matchers: matchers(&r.target_matchers),
            equal: strings(&r.equal),
        }),
        time_intervals: list(&site.time_intervals, |t| TimeInterval {
            name: t.name.clone(),
            time_intervals: t
                .intervals
                .iter()
                .map(|spec| TimeIntervalSpec {
                    times: list(&spec.times, |(start, end)| TimeRange {
                        start_time: start.clone(),
                        end_time: end.clone(),
                    }),
                    weekdays: strings(&spec.weekdays),
                    days_of_month: strings(&spec.days_of_month),
                    months: strings(&spec.months),
                    years: strings(&spec.years),
                    location: spec.location.clone(),
                })
                .collect(),
        }),
    }
}

fn route(route: &model::Route) -> Route {
    let non_empty = |v: Vec<String>| (!v.is_empty()).then_some(v);
    Route {
        receiver: route.receiver.clone(),
        group_by: route.group_by.clone(),
        matchers: non_empty(route.matchers.iter().map(ToString::to_string).collect()),
        continue_matching: route.continue_matching.then_some(true),
        group_wait: route.group_wait.as_ref().map(ToString::to_string),
        group_interval: route.group_interval.as_ref().map(ToString::to_string),
        repeat_interval: route.repeat_interval.as_ref().map(ToString::to_string),
        mute_time_intervals: non_empty(route.mute_time_intervals.clone()),
        active_time_intervals: non_empty(route.active_time_intervals.clone()),
        routes: (!route.routes.is_empty()).then(|| route.routes.iter().map(self::route).collect()),
    }
}

/// `None` for an empty list, so that integrations a receiver does not use are left out.
fn list<T, U>(items: &[T], render: impl FnMut(&T) -> U) -> Option<Vec<U>> {
    (!items.is_empty()).then(|| items.iter().map(render).collect())
}

fn receiver(r: &model::Receiver) -> Receiver {
    let http = |h: &Option<receiver::HttpConfig>| h.as_ref().map(http_config);
    Receiver {
        name: r.name.clone(),
        email_configs: list(&r.email, |e| EmailConfig {
            to: e.to.clone(),
            send_resolved: e.send_resolved,
        }),
        msteams_configs: list(&r.msteams, |m| MsteamsConfig {
            send_resolved: m.send_resolved,
            webhook_url_file: secret_file(&m.webhook_url),
            title: m.title.clone(),
            summary: m.summary.clone(),
            text: m.text.clone(),
            http_config: http(&m.http_config),
        }),
        msteamsv2_configs: list(&r.msteamsv2, |m| MsteamsV2Config {
            send_resolved: m.send_resolved,
            webhook_url_file: secret_file(&m.webhook_url),
            title: m.title.clone(),
            text: m.text.clone(),
            http_config: http(&m.http_config),
        }),
        opsgenie_configs: list(&r.opsgenie, |o| OpsgenieConfig {
            send_resolved: o.send_resolved,
            api_key_file: secret_file(&o.api_key),
            api_url: o.api_url.clone(),
            message: o.message.clone(),
            description: o.description.clone(),
            responders: list(&o.responders, |x| OpsgenieResponder {
                id: x.id.clone(),
                name: x.name.clone(),
                username: x.username.clone(),
                kind: x.kind.clone(),
            }),
            tags: o.tags.clone(),
            priority: o.priority.clone(),
            http_config: http(&o.http_config),
        }),
        pagerduty_configs: list(&r.pagerduty, |p| PagerdutyConfig {
            send_resolved: p.send_resolved,
            routing_key_file: p.routing_key.as_ref().map(secret_file),
            service_key_file: p.service_key.as_ref().map(secret_file),
            url: p.url.clone(),
            description: p.description.clone(),
            severity: p.severity.clone(),
            details: (!p.details.is_empty()).then(|| p.details.clone()),
            http_config: http(&p.http_config),
        }),
        slack_configs: list(&r.slack, |s| SlackConfig {
            send_resolved: s.send_resolved,
            api_url_file: secret_file(&s.api_url),
            channel: s.channel.clone(),
            username: s.username.clone(),
            title: s.title.clone(),
            text: s.text.clone(),
            http_config: http(&s.http_config),
        }),
        telegram_configs: list(&r.telegram, |t| TelegramConfig {
            send_resolved: t.send_resolved,
            api_url: t.api_url.clone(),
            bot_token_file: secret_file(&t.bot_token),
            chat_id: t.chat_id,
            message: t.message.clone(),
            disable_notifications: t.disable_notifications,
            parse_mode: t.parse_mode.clone(),
            http_config: http(&t.http_config),
        }),
        webhook_configs: list(&r.webhook, |w| WebhookConfig {
            url: w.url.clone(),
            url_file: w.url_secret.as_ref().map(secret_file),
            send_resolved: w.send_resolved,
            max_alerts: w.max_alerts,
            http_config: http(&w.http_config),
        }),
        wechat_configs: list(&r.wechat, |w| WechatConfig {
            send_resolved: w.send_resolved,
            api_secret_file: secret_file(&w.api_secret),
            api_url: w.api_url.clone(),
            corp_id: w.corp_id.clone(),
            message: w.message.clone(),
            message_type: w.message_type.clone(),
            agent_id: w.agent_id.clone(),
            to_user: w.to_user.clone(),
            to_party: w.to_party.clone(),
            to_tag: w.to_tag.clone(),
        }),
    }
}

fn http_config(h: &receiver::HttpConfig) -> HttpConfig {
    HttpConfig {
        basic_auth: h.basic_auth.as_ref().map(|b| BasicAuth {
            username: b.username.clone(),
            password_file: b.password.as_ref().map(secret_file),
        }),
        authorization: h.authorization.as_ref().map(|a| Authorization {
            kind: a.kind.clone(),
            credentials_file: secret_file(&a.credentials),
        }),
        proxy_url: h.proxy_url.clone(),
        tls_config: h.tls_config.as_ref().map(|t| TlsConfig {
            ca_file: t.ca.as_ref().map(secret_file),
            cert_file: t.cert.as_ref().map(secret_file),
            key_file: t.key.as_ref().map(secret_file),
            server_name: t.server_name.clone(),
            insecure_skip_verify: t.insecure_skip_verify,
        }),
    }
}
