//! `alertmanager.yml`, typed. Field names and order follow Alertmanager's documentation.

use serde::Serialize;
use serde_with::skip_serializing_none;

use crate::model::{self, Site};

/// Where the operator mounts `spec.secrets` in Alertmanager pods.
pub(super) const SECRETS_DIR: &str = "/etc/alertmanager/secrets";

/// The whole configuration file.
#[skip_serializing_none]
#[derive(Debug, Clone, Serialize)]
#[allow(missing_docs)]
pub struct AlertmanagerConfig {
    pub global: Option<Global>,
    pub route: Route,
    pub receivers: Vec<Receiver>,
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
    pub routes: Option<Vec<Route>>,
}

/// A receiver.
#[skip_serializing_none]
#[derive(Debug, Clone, Serialize)]
#[allow(missing_docs)]
pub struct Receiver {
    pub name: String,
    pub email_configs: Option<Vec<EmailConfig>>,
    pub webhook_configs: Option<Vec<WebhookConfig>>,
}

/// `email_configs[]`.
#[skip_serializing_none]
#[derive(Debug, Clone, Serialize)]
#[allow(missing_docs)]
pub struct EmailConfig {
    pub to: String,
    pub send_resolved: Option<bool>,
}

/// `webhook_configs[]`.
#[skip_serializing_none]
#[derive(Debug, Clone, Serialize)]
#[allow(missing_docs)]
pub struct WebhookConfig {
    pub url: String,
    pub send_resolved: Option<bool>,
    pub max_alerts: Option<u32>,
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
    AlertmanagerConfig { global, route: route(&site.route), receivers: site.receivers.iter().map(receiver).collect() }
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
        routes: (!route.routes.is_empty()).then(|| route.routes.iter().map(self::route).collect()),
    }
}

fn receiver(receiver: &model::Receiver) -> Receiver {
    Receiver {
        name: receiver.name.clone(),
        email_configs: (!receiver.email.is_empty())
            .then(|| receiver.email.iter().map(|e| EmailConfig { to: e.to.clone(), send_resolved: e.send_resolved }).collect()),
        webhook_configs: (!receiver.webhook.is_empty()).then(|| {
            receiver.webhook.iter().map(|w| WebhookConfig { url: w.url.clone(), send_resolved: w.send_resolved, max_alerts: w.max_alerts }).collect()
        }),
    }
}
