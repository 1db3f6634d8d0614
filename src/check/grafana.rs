//! `[grafana]`: placement, the admin Secret, and the dashboard files.

use std::collections::BTreeSet;

use super::Ctx;
use super::nodes::{placement, replicas};
use super::syntax::values::{self, Problem};
use crate::diag::Code;
use crate::model::{self, names};
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
    })
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
        match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(serde_json::Value::Object(_)) => {}
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
