//! `[kube_state_metrics]`: its placement (`[node_exporter]` has only a switch and a version, taken as
//! written).

use super::Ctx;
use super::nodes::placement;
use crate::model;
use crate::site::raw;

pub(crate) fn kube_state_metrics(
    ctx: &mut Ctx<'_>,
    raw: &raw::KubeStateMetrics,
    declared: &[&str],
) -> Option<model::KubeStateMetrics> {
    let placement = placement(ctx, "/kube_state_metrics/nodes", &raw.nodes, declared);
    raw.enabled.unwrap_or(true).then(|| model::KubeStateMetrics {
        version: raw
            .version
            .clone()
            .unwrap_or_else(|| model::DEFAULT_KUBE_STATE_METRICS_VERSION.to_owned()),
        placement,
    })
}
