//! `[operator]`: the Prometheus Operator's placement and where its CRDs come from.

use super::Ctx;
use super::crds;
use super::nodes::placement;
use super::syntax::values::Problem;
use crate::diag::Code;
use crate::model;
use crate::site::raw;

pub(crate) fn operator(ctx: &mut Ctx<'_>, raw: &raw::Operator, declared: &[&str]) -> Option<model::Operator> {
    let placement = placement(ctx, "/operator/nodes", &raw.nodes, declared);
    let crds = raw.crds.unwrap_or(model::CrdSource::Upstream);
    let crd_files = match (crds, raw.crds_path.as_deref()) {
        (model::CrdSource::Vendored, Some(dir)) => crd_files(ctx, dir),
        (model::CrdSource::Vendored, None) => {
            ctx.error(
                Code::SchemaMissingKey,
                "/operator/crds",
                Problem::new(
                    "`crds = \"vendored\"` needs `crds_path`",
                    "add `crds_path = \"crds\"`: the directory of CRD YAML files, relative to the site file",
                ),
            );
            Vec::new()
        }
        (_, Some(_)) => {
            ctx.error(
                Code::SchemaInvalidValue,
                "/operator/crds_path",
                Problem::new(
                    "`crds_path` is only read with `crds = \"vendored\"`",
                    "set `crds = \"vendored\"`, or remove `crds_path`",
                ),
            );
            Vec::new()
        }
        (_, None) => Vec::new(),
    };
    let resources = super::resources::resources(
        ctx,
        "/operator/resources",
        raw.resources.as_ref(),
        super::resources::OPERATOR,
    );
    let config_reloader = super::resources::resources(
        ctx,
        "/operator/config_reloader_resources",
        raw.config_reloader_resources.as_ref(),
        super::resources::CONFIG_RELOADER,
    );
    // The sidecar's resources are flags of the operator promsite deploys; another operator keeps its own.
    if raw.enabled == Some(false) && raw.config_reloader_resources.is_some() {
        ctx.error(
            Code::SchemaInvalidValue,
            "/operator/config_reloader_resources",
            Problem::new(
                "`config_reloader_resources` is only read by the operator promsite deploys",
                "set them with the `--config-reloader-*` flags of the cluster's own operator, or remove this table",
            ),
        );
    }
    let priority_class = super::resources::priority_class(
        ctx,
        "operator",
        raw.priority_class.as_ref(),
        Some(super::resources::SYSTEM_CLUSTER_CRITICAL),
    );
    raw.enabled.unwrap_or(true).then_some(model::Operator {
        placement,
        crds,
        crd_files,
        resources,
        priority_class,
        config_reloader,
    })
}

/// The vendored CRD files below `dir`: YAML that declares CustomResourceDefinitions.
fn crd_files(ctx: &mut Ctx<'_>, dir: &str) -> Vec<model::CrdFile> {
    let pointer = "/operator/crds_path";
    let files = match ctx.included.globs.get(&crate::site::crds_pattern(dir)) {
        Some(Ok(files)) if !files.is_empty() => files.clone(),
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
        _ => {
            ctx.error(
                Code::RefMissingFile,
                pointer,
                Problem::new(
                    format!("no `*.yaml` files below `{dir}`"),
                    "name the directory holding the operator's CRD files, relative to the site file",
                ),
            );
            return Vec::new();
        }
    };
    let mut crds = Vec::new();
    for file in files {
        let Some(Ok(text)) = ctx.included.files.get(&file).cloned() else {
            ctx.error(
                Code::RefMissingFile,
                pointer,
                Problem::new(format!("cannot read `{file}`"), "make the file readable"),
            );
            continue;
        };
        let mut defined = Vec::new();
        let mut refused = false;
        for (range, document) in crds::documents(&text) {
            match crds::crd(document) {
                Ok((crd, _)) => defined.push(crd),
                Err(refusal) => {
                    refused = true;
                    let (message, help) = refusal.describe();
                    // The version annotation's line when it is the release that is wrong, else the document's first line.
                    let at = document
                        .find(crds::VERSION_ANNOTATION)
                        .filter(|_| matches!(refusal, crds::Refusal::OtherVersion(..)))
                        .unwrap_or(0);
                    let line = document[at..].lines().next().map_or(0, str::len);
                    let start = range.start + at;
                    ctx.error_in_file(
                        Code::CrdVendored,
                        &file,
                        start..start + line,
                        Problem::new(message, help),
                    );
                }
            }
        }
        if defined.is_empty() && !refused {
            ctx.error_in_file(
                Code::CrdVendored,
                &file,
                0..0,
                Problem::new(
                    "no CustomResourceDefinition in this file",
                    "keep only the operator's CRD files (`monitoring.coreos.com_*.yaml`) in `crds_path`",
                ),
            );
        }
        let path = file
            .strip_prefix(dir.trim_end_matches('/'))
            .unwrap_or(&file)
            .trim_start_matches('/')
            .to_owned();
        crds.push(model::CrdFile {
            path,
            source: file.clone(),
            contents: text.to_string(),
            crds: defined,
        });
    }
    crds
}
