//! `[prometheus]`: placement, storage, resources, intervals, and the scale-out sections it holds.

use super::Ctx;
use super::nodes::{placement, replicas};
use super::syntax::values;
use super::{resources, scale, scrapes, versions};
use crate::diag::Code;
use crate::model;
use crate::site::{escape, raw};

pub(crate) fn prometheus(ctx: &mut Ctx<'_>, raw: &raw::Prometheus, declared: &[&str]) -> model::Prometheus {
    let placement = placement(ctx, "/prometheus/nodes", &raw.nodes, declared);
    replicas(
        ctx,
        "prometheus",
        raw.replicas,
        &placement,
        raw.storage.as_ref().is_some_and(|s| s.path.is_some()),
    );
    let shards = raw.shards.unwrap_or(1);
    scale::shards(ctx, shards, raw.replicas.unwrap_or(1), &placement);
    for key in raw.external_labels.keys() {
        let pointer = format!("/prometheus/external_labels/{}", escape(key));
        if let Err(problem) = values::label_name(key) {
            ctx.error_at_key(Code::ValueLabelName, &pointer, problem);
        }
    }
    let resources = resources::resources(
        ctx,
        "/prometheus/resources",
        raw.resources.as_ref(),
        resources::PROMETHEUS,
    );
    let storage = resources::storage(ctx, "prometheus", raw.storage.as_ref(), &placement);
    let retention_size = resources::retention_size(
        ctx,
        raw.retention_size.as_ref(),
        raw.version.as_deref(),
        storage.as_ref(),
    );
    let priority_class = resources::priority_class(
        ctx,
        "prometheus",
        raw.priority_class.as_ref(),
        Some(resources::SYSTEM_CLUSTER_CRITICAL),
    );
    let version = versions::prometheus(raw.version.as_deref());
    model::Prometheus {
        version: raw
            .version
            .clone()
            .unwrap_or_else(|| model::DEFAULT_PROMETHEUS_VERSION.to_owned()),
        replicas: raw.replicas.unwrap_or(1),
        shards,
        remote_write: scale::remote_writes(ctx, &raw.remote_write, version),
        thanos: scale::thanos(ctx, raw.thanos.as_ref()),
        retention: duration_or(ctx, "/prometheus/retention", raw.retention.as_ref(), "15d"),
        retention_size,
        evaluation_interval: duration_or(
            ctx,
            "/prometheus/evaluation_interval",
            raw.evaluation_interval.as_ref(),
            "30s",
        ),
        scrape_interval: duration_or(ctx, "/prometheus/scrape_interval", raw.scrape_interval.as_ref(), "30s"),
        placement,
        external_labels: raw.external_labels.clone(),
        resources,
        priority_class,
        admin_api: raw.admin_api,
        query_max_samples: raw.query_max_samples,
        storage,
        node_port: raw.node_port,
        web_tls: super::ingress::web_tls(
            ctx,
            "prometheus",
            raw.web_tls.as_ref(),
            raw.version.as_deref().and_then(|v| super::versions::parse(v).ok()),
        ),
        scrape_limits: scrapes::limits(ctx, "/prometheus/scrape_limits", raw.scrape_limits.as_ref(), version),
    }
}

/// A duration with a default; the default is known valid.
fn duration_or(ctx: &mut Ctx<'_>, pointer: &str, text: Option<&String>, default: &str) -> model::Duration {
    ctx.duration(pointer, text)
        .unwrap_or_else(|| values::duration(default).unwrap_or_else(|_| unreachable!("default {default} is valid")))
}
