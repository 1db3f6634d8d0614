//! `[adapter]`: prometheus-adapter's placement and rules (queries, resources, name mapping).

use super::Ctx;
use super::nodes::placement;
use super::syntax::values::{self, Problem};
use super::syntax::{adapter_query, go_regex, promql};
use crate::diag::Code;
use crate::model;
use crate::site::{escape, raw};

/// Kubernetes resources an adapter rule can name (the ones HPAs target and their containers).
const ADAPTER_RESOURCES: &[&str] = &[
    "daemonset",
    "deployment",
    "job",
    "namespace",
    "node",
    "pod",
    "replicaset",
    "service",
    "statefulset",
];

/// `resource_metrics`: whether the cAdvisor series the resource metrics queries read are scraped.
pub(crate) fn adapter(
    ctx: &mut Ctx<'_>,
    raw: &raw::Adapter,
    declared: &[&str],
    resource_metrics: bool,
) -> Option<model::Adapter> {
    let placement = placement(ctx, "/adapter/nodes", &raw.nodes, declared);
    let rules = raw
        .rules
        .iter()
        .enumerate()
        .map(|(i, rule)| {
            let at = |key: &str| format!("/adapter/rules/{i}/{key}");
            ctx.check(
                Code::PromqlSyntax,
                at("series_query"),
                promql::promql(&rule.series_query),
            );
            if let Err((placeholder, problem)) = adapter_query::adapter_query(&rule.metrics_query) {
                ctx.error(
                    if placeholder {
                        Code::AdapterTemplate
                    } else {
                        Code::PromqlSyntax
                    },
                    at("metrics_query"),
                    problem,
                );
            }
            for (label, resource) in &rule.resources.overrides {
                let pointer = format!("{}/{}", at("resources/overrides"), escape(label));
                if let Err(problem) = values::label_name(label) {
                    ctx.error_at_key(Code::ValueLabelName, &pointer, problem);
                }
                if !ADAPTER_RESOURCES.contains(&resource.to_ascii_lowercase().as_str()) {
                    ctx.error(
                        Code::ValueApiResource,
                        &pointer,
                        Problem::new(
                            format!("`{resource}` is not a resource prometheus-adapter can associate"),
                            format!("use one of: {}", ADAPTER_RESOURCES.join(", ")),
                        ),
                    );
                }
            }
            if let Some(template) = &rule.resources.template {
                ctx.check(
                    Code::AdapterTemplate,
                    at("resources/template"),
                    adapter_query::adapter_resource_template(template),
                );
            }
            if rule.resources.overrides.is_empty() && rule.resources.template.is_none() {
                ctx.error_at_key(
                    Code::SchemaMissingKey,
                    at("resources"),
                    Problem::new(
                        "the rule associates no resources",
                        "add `overrides = { namespace = \"namespace\", pod = \"pod\" }` or a `template`",
                    ),
                );
            }
            if let Some(name) = &rule.name {
                ctx.check(Code::ValueRegex, at("name/matches"), go_regex::regex(&name.matches));
            }
            model::AdapterRule {
                series_query: rule.series_query.clone(),
                overrides: rule.resources.overrides.clone(),
                template: rule.resources.template.clone(),
                name_matches: rule.name.as_ref().map(|n| n.matches.clone()),
                name_as: rule.name.as_ref().and_then(|n| n.as_name.clone()),
                metrics_query: rule.metrics_query.clone(),
            }
        })
        .collect();
    let resources = super::resources::resources(
        ctx,
        "/adapter/resources",
        raw.resources.as_ref(),
        super::resources::ADAPTER,
    );
    let priority_class = super::resources::priority_class(
        ctx,
        "adapter",
        raw.priority_class.as_ref(),
        Some(super::resources::SYSTEM_CLUSTER_CRITICAL),
    );
    raw.enabled.unwrap_or(true).then(|| model::Adapter {
        version: raw
            .version
            .clone()
            .unwrap_or_else(|| model::DEFAULT_ADAPTER_VERSION.to_owned()),
        placement,
        rules,
        resources,
        priority_class,
        resource_metrics: resource_metrics && raw.resource_metrics.unwrap_or(true),
    })
}
