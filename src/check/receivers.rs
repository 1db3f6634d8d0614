//! Receivers: each integration's values, its alternatives (exactly one of two keys), its Secret
//! references, and whether the targeted Alertmanager release accepts the fields it renders to.

use super::Ctx;
use super::syntax::values::{self, Problem};
use super::versions::{self, Feature, Version};
use crate::diag::Code;
use crate::model::receiver::{HttpConfig, Receiver};

/// Checks every receiver; returns them sorted by name.
pub(crate) fn receivers(
    ctx: &mut Ctx<'_>,
    raw: &[Receiver],
    version: Option<Version>,
    has_smtp: bool,
) -> Vec<Receiver> {
    ctx.unique(
        "receiver",
        raw.iter()
            .enumerate()
            .map(|(i, r)| (format!("/receivers/{i}/name"), r.name.as_str())),
    );
    for (i, receiver) in raw.iter().enumerate() {
        Check {
            ctx: &mut *ctx,
            version,
            has_smtp,
            at: format!("/receivers/{i}"),
        }
        .receiver(receiver);
    }
    let mut receivers = raw.to_vec();
    receivers.sort_by(|a, b| a.name.cmp(&b.name));
    receivers
}

/// One receiver's checks, with the pointer prefix and the targeted version at hand.
struct Check<'c, 'a> {
    ctx: &'c mut Ctx<'a>,
    version: Option<Version>,
    has_smtp: bool,
    at: String,
}

impl Check<'_, '_> {
    fn receiver(&mut self, r: &Receiver) {
        if r.name.is_empty() {
            self.ctx.error(
                Code::NameInvalid,
                format!("{}/name", self.at),
                Problem::new(
                    "a receiver name cannot be empty",
                    "name the receiver, e.g. `sre-oncall`",
                ),
            );
        }
        for (j, e) in r.email.iter().enumerate() {
            self.ctx.check(
                Code::ValueEmail,
                format!("{}/email/{j}/to", self.at),
                values::email(&e.to),
            );
        }
        if !r.email.is_empty() && !self.has_smtp {
            // Alertmanager refuses an e-mail integration with no smarthost and sender to use.
            self.ctx.error_at_key(
                Code::AlertReceiver,
                format!("{}/email", self.at),
                Problem::new(
                    "e-mail notifications need an SMTP server",
                    "add `[alertmanager.smtp]` with `smarthost` and `from`",
                ),
            );
        }
        for (j, w) in r.webhook.iter().enumerate() {
            let at = format!("{}/webhook/{j}", self.at);
            match (&w.url, &w.url_secret) {
                (Some(url), None) => {
                    self.ctx.check(Code::ValueUrl, format!("{at}/url"), values::http_url(url));
                }
                (None, Some(secret)) => {
                    self.secret(&format!("{at}/url_secret"), secret, Some(versions::WEBHOOK_URL_FILE));
                }
                (Some(_), Some(_)) => self.conflict(&format!("{at}/url_secret"), "url", "url_secret"),
                (None, None) => self.missing(&at, "webhook", "`url = \"http://...\"`, or `url_secret = { secret = \"...\", key = \"...\" }` when the URL carries a token"),
            }
            self.http(&at, w.http_config.as_ref());
        }
        for (j, s) in r.slack.iter().enumerate() {
            let at = format!("{}/slack/{j}", self.at);
            self.secret(&format!("{at}/api_url"), &s.api_url, Some(versions::SLACK_API_URL_FILE));
            self.http(&at, s.http_config.as_ref());
        }
        for (j, p) in r.pagerduty.iter().enumerate() {
            let at = format!("{}/pagerduty/{j}", self.at);
            match (&p.routing_key, &p.service_key) {
                (Some(key), None) => self.secret(&format!("{at}/routing_key"), key, Some(versions::PAGERDUTY_KEY_FILE)),
                (None, Some(key)) => self.secret(&format!("{at}/service_key"), key, Some(versions::PAGERDUTY_KEY_FILE)),
                (Some(_), Some(_)) => self.conflict(&format!("{at}/service_key"), "routing_key", "service_key"),
                (None, None) => self.missing(
                    &at,
                    "pagerduty",
                    "`routing_key = { secret = \"...\", key = \"...\" }` (Events API v2) or `service_key = { ... }`",
                ),
            }
            self.url(&format!("{at}/url"), p.url.as_ref());
            self.http(&at, p.http_config.as_ref());
        }
        for (j, o) in r.opsgenie.iter().enumerate() {
            let at = format!("{}/opsgenie/{j}", self.at);
            self.secret(
                &format!("{at}/api_key"),
                &o.api_key,
                Some(versions::OPSGENIE_API_KEY_FILE),
            );
            self.url(&format!("{at}/api_url"), o.api_url.as_ref());
            for (k, responder) in o.responders.iter().enumerate() {
                let at = format!("{at}/responders/{k}");
                self.one_of(
                    &format!("{at}/type"),
                    "responder type",
                    &responder.kind,
                    &["team", "teams", "user", "escalation", "schedule"],
                );
                let given = [&responder.id, &responder.name, &responder.username]
                    .iter()
                    .filter(|v| v.is_some())
                    .count();
                if given != 1 {
                    self.ctx.error(
                        Code::AlertReceiver,
                        &at,
                        Problem::new(
                            "an Opsgenie responder needs exactly one of `id`, `name` and `username`",
                            "identify the responder one way, e.g. `{ type = \"team\", name = \"sre\" }`",
                        ),
                    );
                }
            }
            self.http(&at, o.http_config.as_ref());
        }
        for (j, m) in r.msteams.iter().enumerate() {
            let at = format!("{}/msteams/{j}", self.at);
            self.secret(
                &format!("{at}/webhook_url"),
                &m.webhook_url,
                Some(versions::MSTEAMS_WEBHOOK_URL_FILE),
            );
            self.http(&at, m.http_config.as_ref());
        }
        for (j, m) in r.msteamsv2.iter().enumerate() {
            let at = format!("{}/msteamsv2/{j}", self.at);
            self.gate(&at, versions::MSTEAMSV2);
            self.secret(&format!("{at}/webhook_url"), &m.webhook_url, None);
            self.http(&at, m.http_config.as_ref());
        }
        for (j, t) in r.telegram.iter().enumerate() {
            let at = format!("{}/telegram/{j}", self.at);
            self.gate(&at, versions::TELEGRAM);
            self.secret(
                &format!("{at}/bot_token"),
                &t.bot_token,
                Some(versions::TELEGRAM_BOT_TOKEN_FILE),
            );
            self.url(&format!("{at}/api_url"), t.api_url.as_ref());
            if let Some(mode) = &t.parse_mode {
                self.one_of(
                    &format!("{at}/parse_mode"),
                    "parse mode",
                    mode,
                    &["HTML", "Markdown", "MarkdownV2", ""],
                );
            }
            self.http(&at, t.http_config.as_ref());
        }
        for (j, w) in r.wechat.iter().enumerate() {
            let at = format!("{}/wechat/{j}", self.at);
            self.secret(
                &format!("{at}/api_secret"),
                &w.api_secret,
                Some(versions::WECHAT_API_SECRET_FILE),
            );
            self.url(&format!("{at}/api_url"), w.api_url.as_ref());
            if let Some(kind) = &w.message_type {
                self.one_of(
                    &format!("{at}/message_type"),
                    "message type",
                    kind,
                    &["text", "markdown"],
                );
            }
        }
    }

    /// A Secret reference, and the version gate of the `*_file` field it renders to.
    fn secret(&mut self, pointer: &str, secret: &crate::model::SecretKeyRef, feature: Option<Feature>) {
        self.ctx.secret_ref(pointer, secret);
        if let Some(feature) = feature {
            self.gate(pointer, feature);
        }
    }

    fn gate(&mut self, pointer: &str, feature: Feature) {
        if let Some(version) = self.version
            && let Err(problem) = feature.check(version)
        {
            self.ctx.error_at_key(Code::AlertmanagerVersion, pointer, problem);
        }
    }

    fn url(&mut self, pointer: &str, url: Option<&String>) {
        if let Some(url) = url {
            self.ctx.check(Code::ValueUrl, pointer, values::http_url(url));
        }
    }

    fn one_of(&mut self, pointer: &str, what: &str, value: &str, allowed: &[&str]) {
        if !allowed.contains(&value) {
            let list: Vec<String> = allowed.iter().map(|a| format!("`{a}`")).collect();
            self.ctx.error(
                Code::AlertReceiver,
                pointer,
                Problem::new(
                    format!("`{value}` is not a {what} Alertmanager knows"),
                    format!("use one of {}", list.join(", ")),
                ),
            );
        }
    }

    fn conflict(&mut self, pointer: &str, first: &str, second: &str) {
        self.ctx.error_at_key(
            Code::AlertReceiver,
            pointer,
            Problem::new(
                format!("`{first}` and `{second}` cannot both be set"),
                format!("keep one of `{first}` and `{second}`"),
            ),
        );
    }

    fn missing(&mut self, pointer: &str, what: &str, example: &str) {
        self.ctx.error(
            Code::AlertReceiver,
            pointer,
            Problem::new(
                format!("this {what} destination says nowhere to send to"),
                format!("add {example}"),
            ),
        );
    }

    fn http(&mut self, at: &str, http: Option<&HttpConfig>) {
        let Some(http) = http else { return };
        let at = format!("{at}/http_config");
        self.url(&format!("{at}/proxy_url"), http.proxy_url.as_ref());
        if http.basic_auth.is_some() && http.authorization.is_some() {
            self.conflict(&format!("{at}/authorization"), "basic_auth", "authorization");
        }
        if let Some(password) = http.basic_auth.as_ref().and_then(|b| b.password.as_ref()) {
            self.ctx.secret_ref(&format!("{at}/basic_auth/password"), password);
        }
        let basic_auth = "basic_auth = { username = \"...\", password = { secret = \"...\", key = \"...\" } }";
        super::client::authorization_and_tls(
            self.ctx,
            Code::AlertReceiver,
            &at,
            http.authorization.as_ref(),
            http.tls_config.as_ref(),
            basic_auth,
        );
    }
}
