//! `[alertmanager]`: placement, clustering, SMTP and the notification template files.

use super::Ctx;
use super::nodes::{placement, replicas};
use super::syntax::values::{self, Problem};
use super::{resources, versions};
use crate::diag::{Code, Included};
use crate::model::{self, names};
use crate::site::raw;

pub(crate) fn alertmanager(
    ctx: &mut Ctx<'_>,
    raw: &raw::Alertmanager,
    declared: &[&str],
    version: Option<versions::Version>,
) -> model::Alertmanager {
    let placement = placement(ctx, "/alertmanager/nodes", &raw.nodes, declared);
    replicas(
        ctx,
        "alertmanager",
        raw.replicas,
        &placement,
        raw.storage.as_ref().is_some_and(|s| s.path.is_some()),
    );
    let storage = resources::storage(ctx, "alertmanager", raw.storage.as_ref(), &placement);
    let resources = resources::resources(
        ctx,
        "/alertmanager/resources",
        raw.resources.as_ref(),
        resources::ALERTMANAGER,
    );
    let priority_class = resources::priority_class(
        ctx,
        "alertmanager",
        raw.priority_class.as_ref(),
        Some(resources::SYSTEM_CLUSTER_CRITICAL),
    );
    let cluster = raw.cluster.as_ref();
    let smtp = raw.smtp.as_ref().map(|s| {
        ctx.check(
            Code::ValueHostPort,
            "/alertmanager/smtp/smarthost",
            values::host_port(&s.smarthost),
        );
        ctx.check(Code::ValueEmail, "/alertmanager/smtp/from", values::email(&s.from));
        let auth_password = s
            .auth_password
            .as_ref()
            .map(|r| ctx.secret_ref("/alertmanager/smtp/auth_password", r));
        if let (Some(version), Some(_)) = (version, &auth_password)
            && let Err(problem) = versions::SMTP_AUTH_PASSWORD_FILE.check(version)
        {
            ctx.error_at_key(Code::AlertmanagerVersion, "/alertmanager/smtp/auth_password", problem);
        }
        model::Smtp {
            smarthost: s.smarthost.clone(),
            from: s.from.clone(),
            hello: s.hello.clone(),
            auth_username: s.auth_username.clone(),
            auth_password,
            auth_identity: s.auth_identity.clone(),
            require_tls: s.require_tls,
        }
    });
    model::Alertmanager {
        version: raw
            .version
            .clone()
            .unwrap_or_else(|| model::DEFAULT_ALERTMANAGER_VERSION.to_owned()),
        replicas: raw.replicas.unwrap_or(1),
        placement,
        log_level: raw.log_level,
        gossip_interval: ctx.duration(
            "/alertmanager/cluster/gossip_interval",
            cluster.and_then(|c| c.gossip_interval.as_ref()),
        ),
        pushpull_interval: ctx.duration(
            "/alertmanager/cluster/pushpull_interval",
            cluster.and_then(|c| c.pushpull_interval.as_ref()),
        ),
        peer_timeout: ctx.duration(
            "/alertmanager/cluster/peer_timeout",
            cluster.and_then(|c| c.peer_timeout.as_ref()),
        ),
        smtp,
        node_port: raw.node_port,
        web_tls: super::ingress::web_tls(ctx, "alertmanager", raw.web_tls.as_ref(), version),
        host_network: raw.host_network,
        templates: templates(ctx, &raw.templates, ctx.included),
        storage,
        resources,
        priority_class,
    }
}

/// The template files named in `[alertmanager] templates`, as the caller read them.
pub(crate) fn templates(ctx: &mut Ctx<'_>, paths: &[String], included: &Included) -> Vec<model::Template> {
    let names: Vec<String> = paths
        .iter()
        .map(|p| p.rsplit(['/', '\\']).next().unwrap_or(p).to_owned())
        .collect();
    ctx.unique(
        "template file name",
        names
            .iter()
            .enumerate()
            .map(|(i, n)| (format!("/alertmanager/templates/{i}"), n.as_str())),
    );
    let mut templates: Vec<model::Template> = paths
        .iter()
        .zip(&names)
        .enumerate()
        .filter_map(|(i, (path, name))| {
            let pointer = format!("/alertmanager/templates/{i}");
            let valid_key = !name.is_empty() && name != names::ALERTMANAGER_CONFIG_KEY && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
            if !valid_key {
                ctx.error(Code::NameInvalid, &pointer, Problem::new(format!("`{name}` cannot be a key of the configuration Secret"), "name template files with letters, digits, `-`, `_` and `.`, e.g. `slack.tmpl`"));
            }
            match included.files.get(path) {
                Some(Ok(text)) => Some(model::Template { name: name.clone(), text: text.to_string() }),
                Some(Err(error)) => {
                    ctx.error(Code::RefMissingFile, &pointer, Problem::new(format!("cannot read `{path}`: {error}"), "paths are relative to the site file; check the name and that the file is readable"));
                    None
                }
                None => {
                    ctx.error(Code::RefMissingFile, &pointer, Problem::new(format!("`{path}` was not read"), "paths are relative to the site file; compile the site from its file with `promsite compile`"));
                    None
                }
            }
        })
        .collect();
    templates.sort_by(|a, b| a.name.cmp(&b.name));
    templates
}
