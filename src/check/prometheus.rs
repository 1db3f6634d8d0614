//! `[prometheus]`: placement, storage, resources, intervals, and the scale-out sections it holds.

use super::Ctx;
use super::nodes::{placement, replicas};
use super::scale;
use super::scrapes;
use super::syntax::values::{self, Problem};
use super::versions;
use crate::diag::Code;
use crate::model;
use crate::site::{escape, raw};

pub(crate) fn prometheus(ctx: &mut Ctx<'_>, raw: &raw::Prometheus, declared: &[&str]) -> model::Prometheus {
    let placement = placement(ctx, "/prometheus/nodes", &raw.nodes, declared);
    replicas(ctx, "prometheus", raw.replicas, &placement, raw.storage.is_some());
    let shards = raw.shards.unwrap_or(1);
    scale::shards(ctx, shards, raw.replicas.unwrap_or(1), &placement);
    for key in raw.external_labels.keys() {
        let pointer = format!("/prometheus/external_labels/{}", escape(key));
        if let Err(problem) = values::label_name(key) {
            ctx.error_at_key(Code::ValueLabelName, &pointer, problem);
        }
    }
    let resources = resources(ctx, "/prometheus/resources", raw.resources.as_ref());
    let storage = raw.storage.as_ref().and_then(|s| {
        if placement.nodes.is_empty() {
            ctx.error(
                Code::PlacementStorage,
                "/prometheus/storage",
                Problem::new(
                    "local storage needs nodes to live on",
                    "list the nodes that hold the data in `prometheus.nodes`",
                ),
            );
        }
        if !s.path.starts_with('/') {
            ctx.error(
                Code::ValuePath,
                "/prometheus/storage/path",
                Problem::new(
                    format!("`{}` is not an absolute path", s.path),
                    "give the directory on each node as an absolute path, e.g. `/var/lib/prometheus`",
                ),
            );
        }
        ctx.check(
            Code::ValueQuantity,
            "/prometheus/storage/size",
            values::quantity(&s.size),
        )?;
        Some(model::Storage {
            path: s.path.clone(),
            size: s.size.clone(),
        })
    });
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

fn resources(ctx: &mut Ctx<'_>, pointer: &str, raw: Option<&raw::Resources>) -> model::Resources {
    let Some(raw) = raw else {
        return model::Resources::default();
    };
    let mut quantity = |key: &str, value: Option<&String>| {
        value.and_then(|v| {
            ctx.check(Code::ValueQuantity, format!("{pointer}/{key}"), values::quantity(v))
                .map(|()| v.clone())
        })
    };
    model::Resources {
        cpu: quantity("cpu", raw.cpu.as_ref()),
        memory: quantity("memory", raw.memory.as_ref()),
    }
}

/// A duration with a default; the default is known valid.
fn duration_or(ctx: &mut Ctx<'_>, pointer: &str, text: Option<&String>, default: &str) -> model::Duration {
    ctx.duration(pointer, text)
        .unwrap_or_else(|| values::duration(default).unwrap_or_else(|_| unreachable!("default {default} is valid")))
}
