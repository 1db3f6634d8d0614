//! `[grafana]`: placement, the admin Secret, the dashboard files (JSON objects with unique uids)
//! and the default dashboards' switches.

use std::collections::{BTreeMap, BTreeSet};

use super::Ctx;
use super::nodes::{placement, replicas};
use super::syntax::values::{self, Problem};
use crate::content::dashboards::DASHBOARDS;
use crate::diag::Code;
use crate::model::{self, names};
use crate::site::grafana as site_grafana;
use crate::site::raw;

pub(crate) fn grafana(ctx: &mut Ctx<'_>, raw: &raw::Grafana, declared: &[&str]) -> Option<model::Grafana> {
    let placement = placement(ctx, "/grafana/nodes", &raw.nodes, declared);
    replicas(ctx, "grafana", raw.replicas, &placement, false);
    let (admin_secret, admin_user_key, admin_password_key) = match &raw.admin {
        Some(admin) => {
            ctx.check(
                Code::NameInvalid,
                "/grafana/admin/secret",
                values::dns_subdomain(&admin.secret),
            );
            ctx.secret_key("/grafana/admin/user_key", &admin.user_key);
            ctx.secret_key("/grafana/admin/password_key", &admin.password_key);
            (admin.secret.clone(), admin.user_key.clone(), admin.password_key.clone())
        }
        None => (
            names::GRAFANA_ADMIN_SECRET.to_owned(),
            names::GRAFANA_ADMIN_USER_KEY.to_owned(),
            names::GRAFANA_ADMIN_PASSWORD_KEY.to_owned(),
        ),
    };
    let dashboards = raw
        .dashboards
        .as_deref()
        .map(|dir| dashboards(ctx, dir))
        .unwrap_or_default();
    let resources = super::resources::resources(
        ctx,
        "/grafana/resources",
        raw.resources.as_ref(),
        super::resources::GRAFANA,
    );
    let priority_class = super::resources::priority_class(ctx, "grafana", raw.priority_class.as_ref(), None);
    let disabled_dashboards = disabled_dashboards(ctx, &raw.disabled_dashboards);
    let datasources = datasources(ctx, &raw.datasources);
    let oidc = raw.login.oidc.as_ref().map(|o| oidc(ctx, o));
    raw.enabled.unwrap_or(true).then(|| model::Grafana {
        version: raw
            .version
            .clone()
            .unwrap_or_else(|| model::DEFAULT_GRAFANA_VERSION.to_owned()),
        replicas: raw.replicas.unwrap_or(1),
        placement,
        admin_secret,
        admin_user_key,
        admin_password_key,
        node_port: raw.node_port,
        dashboards,
        resources,
        priority_class,
        default_dashboards: raw.default_dashboards.unwrap_or(true),
        disabled_dashboards,
        defaults: Vec::new(),
        datasources,
        anonymous: raw.login.anonymous.unwrap_or(false),
        oidc,
    })
}

/// The additional data sources: unique names and uids (neither promsite's own), HTTP URLs, valid
/// Secret references, one kind of credentials each.
fn datasources(ctx: &mut Ctx<'_>, raw: &[site_grafana::DataSource]) -> Vec<model::GrafanaDataSource> {
    let own = [(String::new(), names::GRAFANA_DATASOURCE_NAME)];
    let own_uid = [(String::new(), names::GRAFANA_DATASOURCE_UID)];
    let mut out = Vec::new();
    for (i, ds) in raw.iter().enumerate() {
        let at = format!("/grafana/datasources/{i}");
        ctx.check(Code::ValueUrl, format!("{at}/url"), values::http_url(&ds.url));
        let uid = ds.uid.clone().unwrap_or_else(|| uid_of(&ds.name));
        let valid_uid = !uid.is_empty()
            && uid.len() <= 40
            && uid.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !valid_uid {
            ctx.error(
                Code::NameInvalid,
                format!("{at}/uid"),
                Problem::new(
                    format!("`{uid}` is not a Grafana uid"),
                    "use at most 40 letters, digits, `-` and `_`",
                ),
            );
        }
        if ds.basic_auth.is_some() && ds.bearer_token.is_some() {
            ctx.error(
                Code::SchemaInvalidValue,
                format!("{at}/bearer_token"),
                Problem::new(
                    "a data source takes basic authentication or a bearer token, not both",
                    "remove one of them",
                ),
            );
        }
        let basic_auth = ds.basic_auth.as_ref().map(|b| {
            ctx.check(
                Code::NameInvalid,
                format!("{at}/basic_auth/secret"),
                values::dns_subdomain(&b.secret),
            );
            ctx.secret_key(&format!("{at}/basic_auth/username_key"), &b.username_key);
            ctx.secret_key(&format!("{at}/basic_auth/password_key"), &b.password_key);
            let [user, password] = b.secrets();
            (user, password)
        });
        let bearer_token = ds
            .bearer_token
            .as_ref()
            .map(|r| ctx.secret_ref(&format!("{at}/bearer_token"), r));
        out.push(model::GrafanaDataSource {
            name: ds.name.clone(),
            plugin: ds.kind.plugin(),
            url: ds.url.clone(),
            uid,
            basic_auth,
            bearer_token,
        });
    }
    ctx.unique(
        "data source name",
        own.iter().map(|(p, n)| (p.clone(), *n)).chain(
            out.iter()
                .enumerate()
                .map(|(i, d)| (format!("/grafana/datasources/{i}/name"), d.name.as_str())),
        ),
    );
    ctx.unique(
        "data source uid",
        own_uid.iter().map(|(p, n)| (p.clone(), *n)).chain(
            out.iter()
                .enumerate()
                .map(|(i, d)| (format!("/grafana/datasources/{i}/uid"), d.uid.as_str())),
        ),
    );
    out
}

/// A uid made from a name: lower-case letters and digits, other runs as `-`, at most 40.
fn uid_of(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').chars().take(40).collect()
}

/// Single sign-on: HTTP URLs and the client secret's reference.
fn oidc(ctx: &mut Ctx<'_>, raw: &site_grafana::Oidc) -> model::GrafanaOidc {
    for (key, url) in [
        ("auth_url", &raw.auth_url),
        ("token_url", &raw.token_url),
        ("api_url", &raw.api_url),
    ] {
        ctx.check(
            Code::ValueUrl,
            format!("/grafana/login/oidc/{key}"),
            values::http_url(url),
        );
    }
    model::GrafanaOidc {
        name: raw.name.clone().unwrap_or_else(|| "SSO".to_owned()),
        client_id: raw.client_id.clone(),
        client_secret: ctx.secret_ref("/grafana/login/oidc/client_secret", &raw.client_secret),
        auth_url: raw.auth_url.clone(),
        token_url: raw.token_url.clone(),
        api_url: raw.api_url.clone(),
        scopes: raw
            .scopes
            .clone()
            .unwrap_or_else(|| ["openid", "profile", "email"].map(str::to_owned).to_vec()),
        role_attribute_path: raw.role_attribute_path.clone(),
    }
}

/// The ids in `disabled_dashboards`, each that of a default dashboard.
fn disabled_dashboards(ctx: &mut Ctx<'_>, ids: &[String]) -> BTreeSet<String> {
    let known: Vec<&str> = DASHBOARDS.iter().map(|d| d.id).collect();
    for (i, id) in ids.iter().enumerate() {
        if known.contains(&id.as_str()) {
            continue;
        }
        let closest = known
            .iter()
            .map(|k| (strsim::damerau_levenshtein(id, k), *k))
            .filter(|(d, k)| *d <= 2.max(k.len() / 4))
            .min()
            .map(|(_, k)| k);
        let help = match closest {
            Some(k) => format!("did you mean `{k}`?"),
            None => format!("the default dashboards are: {}", known.join(", ")),
        };
        ctx.error(
            Code::RefUnknownDashboard,
            format!("/grafana/disabled_dashboards/{i}"),
            Problem::new(format!("promsite has no default dashboard `{id}`"), help),
        );
    }
    ids.iter().cloned().collect()
}

/// A ConfigMap holds at most 1 MiB; leave room for its metadata.
const MAX_DASHBOARD_BYTES: usize = 1000 * 1024;

/// The dashboards below `dir`: each a JSON object, each with a unique slug.
fn dashboards(ctx: &mut Ctx<'_>, dir: &str) -> Vec<model::Dashboard> {
    let pointer = "/grafana/dashboards";
    let pattern = crate::site::dashboards_pattern(dir);
    let files = match ctx.included.globs.get(&pattern) {
        Some(Ok(files)) if !files.is_empty() => files.clone(),
        Some(Ok(_)) => {
            ctx.error(
                Code::RefMissingFile,
                pointer,
                Problem::new(
                    format!("no `*.json` files below `{dir}`"),
                    "name a directory of dashboard JSON files, relative to the site file",
                ),
            );
            return Vec::new();
        }
        Some(Err(e)) => {
            ctx.error(
                Code::RefMissingFile,
                pointer,
                Problem::new(
                    format!("cannot read `{dir}`: {e}"),
                    "name a readable directory relative to the site file",
                ),
            );
            return Vec::new();
        }
        None => {
            ctx.error(
                Code::RefMissingFile,
                pointer,
                Problem::new(
                    format!("`{dir}` was not read"),
                    "compile the site from its file with `promsite compile`",
                ),
            );
            return Vec::new();
        }
    };
    let mut slugs: BTreeSet<String> = BTreeSet::new();
    let mut uids: BTreeMap<String, String> = BTreeMap::new();
    let mut dashboards = Vec::new();
    for file in files {
        let Some(Ok(text)) = ctx.included.files.get(&file).cloned() else {
            ctx.error(
                Code::RefMissingFile,
                pointer,
                Problem::new(format!("cannot read `{file}`"), "make the file readable"),
            );
            continue;
        };
        let uid = match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(serde_json::Value::Object(object)) => object.get("uid").and_then(|u| u.as_str()).map(str::to_owned),
            Ok(_) => {
                ctx.error_in_file(
                    Code::GrafanaDashboard,
                    &file,
                    0..0,
                    Problem::new(
                        "a dashboard is a JSON object",
                        "export the dashboard from Grafana (Share → Export → Save to file)",
                    ),
                );
                continue;
            }
            Err(e) => {
                let offset = offset_of(&text, e.line(), e.column());
                ctx.error_in_file(
                    Code::GrafanaDashboard,
                    &file,
                    offset..offset,
                    Problem::new(
                        format!("not valid JSON: {e}"),
                        "fix the JSON, or export the dashboard again from Grafana",
                    ),
                );
                continue;
            }
        };
        if let Some(uid) = &uid
            && let Some(first) = uids.insert(uid.clone(), file.clone())
        {
            let offset = text.find("\"uid\"").unwrap_or_default();
            ctx.error_in_file(
                Code::GrafanaDashboard,
                &file,
                offset..offset + 5,
                Problem::new(
                    format!("uid `{uid}` is also the uid of `{first}`; Grafana would provision only one of them"),
                    "give each dashboard its own uid",
                ),
            );
            continue;
        }
        if text.len() > MAX_DASHBOARD_BYTES {
            ctx.error_in_file(
                Code::GrafanaDashboard,
                &file,
                0..0,
                Problem::new(
                    format!(
                        "the dashboard is {} KiB; a ConfigMap holds at most 1 MiB",
                        text.len() / 1024
                    ),
                    "split the dashboard, or remove unused panels",
                ),
            );
            continue;
        }
        let relative = file
            .strip_prefix(dir.trim_end_matches('/'))
            .unwrap_or(&file)
            .trim_start_matches('/');
        let slug = slug(relative.trim_end_matches(".json"));
        if !slugs.insert(slug.clone()) {
            ctx.error(
                Code::NameDuplicate,
                pointer,
                Problem::new(
                    format!("two dashboard files make the name `{slug}` (one is `{file}`)"),
                    "rename one of the files",
                ),
            );
            continue;
        }
        let file_name = relative.rsplit('/').next().unwrap_or(relative).to_owned();
        dashboards.push(model::Dashboard {
            slug,
            file_name,
            json: text.to_string(),
            uid,
        });
    }
    dashboards
}

/// A DNS label made from a path: lower-case letters and digits, other runs as `-`, at most 48
/// characters (it is prefixed with `grafana-dashboard-`).
fn slug(path: &str) -> String {
    let mut out = String::new();
    for c in path.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let trimmed: String = out.trim_matches('-').chars().take(44).collect();
    let trimmed = trimmed.trim_end_matches('-');
    if trimmed.is_empty() {
        "dashboard".to_owned()
    } else {
        trimmed.to_owned()
    }
}

/// Byte offset of a one-based line and column.
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    (start + column.saturating_sub(1)).min(text.len())
}
