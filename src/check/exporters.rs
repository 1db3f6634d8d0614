//! `[kube_state_metrics]` and `[node_exporter]`: placement, resources and PriorityClass.

use super::Ctx;
use super::nodes::placement;
use super::resources;
use crate::model;
use crate::site::raw;

pub(crate) fn kube_state_metrics(
    ctx: &mut Ctx<'_>,
    raw: &raw::KubeStateMetrics,
    declared: &[&str],
) -> Option<model::KubeStateMetrics> {
    let placement = placement(ctx, "/kube_state_metrics/nodes", &raw.nodes, declared);
    let resources = resources::resources(
        ctx,
        "/kube_state_metrics/resources",
        raw.resources.as_ref(),
        resources::KUBE_STATE_METRICS,
    );
    let priority_class = resources::priority_class(
        ctx,
        "kube_state_metrics",
        raw.priority_class.as_ref(),
        Some(resources::SYSTEM_CLUSTER_CRITICAL),
    );
    raw.enabled.unwrap_or(true).then(|| model::KubeStateMetrics {
        version: raw
            .version
            .clone()
            .unwrap_or_else(|| model::DEFAULT_KUBE_STATE_METRICS_VERSION.to_owned()),
        placement,
        resources,
        priority_class,
    })
}

/// `[node_exporter]`: its switch, version, resources and PriorityClass.
pub(crate) fn node_exporter(ctx: &mut Ctx<'_>, raw: &raw::NodeExporter) -> Option<model::NodeExporter> {
    let resources = resources::resources(
        ctx,
        "/node_exporter/resources",
        raw.resources.as_ref(),
        resources::NODE_EXPORTER,
    );
    let priority_class = resources::priority_class(
        ctx,
        "node_exporter",
        raw.priority_class.as_ref(),
        Some(resources::SYSTEM_NODE_CRITICAL),
    );
    raw.enabled.unwrap_or(true).then(|| model::NodeExporter {
        version: raw
            .version
            .clone()
            .unwrap_or_else(|| model::DEFAULT_NODE_EXPORTER_VERSION.to_owned()),
        resources,
        priority_class,
    })
}
