//! Scaling Prometheus out: remote-write endpoints (credentials only by Secret reference, headers
//! without credentials, relabeling Prometheus accepts), the Thanos sidecar, and shards.

use super::Ctx;
use super::client::client_auth;
use super::relabel::relabels;
use super::syntax::values::{self, Problem};
use super::versions::Version;
use crate::diag::Code;
use crate::model::Placement;
use crate::model::scale::{self, Queue};
use crate::site::{escape, raw};

/// Headers Prometheus refuses in `remote_write[].headers` (its `reservedHeaders`, plus
/// `Authorization`, which it refuses separately): the client sets them itself.
const RESERVED_HEADERS: &[&str] = &[
    "accept-encoding",
    "authorization",
    "connection",
    "content-encoding",
    "content-length",
    "content-type",
    "host",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "user-agent",
    "www-authenticate",
    "x-prometheus-remote-read-version",
    "x-prometheus-remote-write-version",
];

/// Checks the remote-write endpoints, in the order written.
pub(crate) fn remote_writes(ctx: &mut Ctx<'_>, raw: &[raw::RemoteWrite], version: Version) -> Vec<scale::RemoteWrite> {
    ctx.unique(
        "remote-write endpoint",
        raw.iter()
            .enumerate()
            .map(|(i, r)| (format!("/prometheus/remote_write/{i}/name"), r.name.as_str())),
    );
    raw.iter()
        .enumerate()
        .map(|(i, r)| {
            let at = format!("/prometheus/remote_write/{i}");
            ctx.check(Code::ValueUrl, format!("{at}/url"), values::http_url(&r.url));
            for name in r.headers.keys() {
                if RESERVED_HEADERS.contains(&name.to_ascii_lowercase().as_str()) {
                    let help = if name.eq_ignore_ascii_case("authorization") {
                        "set credentials with `authorization = { credentials = { secret = \"...\", key = \"...\" } }` or `basic_auth`".to_owned()
                    } else {
                        format!("remove `{name}`: Prometheus sets it itself")
                    };
                    ctx.error_at_key(Code::HttpClient, format!("{at}/headers/{}", escape(name)), Problem::new(format!("Prometheus does not allow the header `{name}` in remote write"), help));
                }
            }
            let queue = r.queue.as_ref().map(|q| {
                let at = format!("{at}/queue");
                Queue {
                    capacity: q.capacity,
                    min_shards: q.min_shards,
                    max_shards: q.max_shards,
                    max_samples_per_send: q.max_samples_per_send,
                    batch_send_deadline: ctx.duration(format!("{at}/batch_send_deadline"), q.batch_send_deadline.as_ref()),
                    min_backoff: ctx.duration(format!("{at}/min_backoff"), q.min_backoff.as_ref()),
                    max_backoff: ctx.duration(format!("{at}/max_backoff"), q.max_backoff.as_ref()),
                    retry_on_rate_limit: q.retry_on_rate_limit,
                }
            });
            scale::RemoteWrite {
                name: r.name.clone(),
                url: r.url.clone(),
                auth: client_auth(ctx, &at, r.basic_auth.as_ref(), r.authorization.as_ref(), None, r.tls_config.as_ref()),
                headers: r.headers.clone(),
                remote_timeout: ctx.duration(format!("{at}/remote_timeout"), r.remote_timeout.as_ref()),
                queue,
                write_relabel: relabels(ctx, &format!("{at}/write_relabel"), &r.write_relabel, version),
            }
        })
        .collect()
}

/// The Thanos sidecar, with its pinned default version.
pub(crate) fn thanos(ctx: &mut Ctx<'_>, raw: Option<&raw::Thanos>) -> Option<scale::Thanos> {
    raw.map(|t| scale::Thanos {
        version: t
            .version
            .clone()
            .unwrap_or_else(|| scale::DEFAULT_THANOS_VERSION.to_owned()),
        object_storage: t
            .object_storage
            .as_ref()
            .map(|s| ctx.secret_ref("/prometheus/thanos/object_storage", s)),
        resources: super::resources::resources(
            ctx,
            "/prometheus/thanos/resources",
            t.resources.as_ref(),
            super::resources::THANOS,
        ),
    })
}

/// Every pod of every shard gets a node of its own: the required anti-affinity that spreads
/// replicas matches the pods of all shards (they share their labels), and each local volume is
/// pre-bound to one pod on one node. So pinned shards need `shards × replicas` nodes.
pub(crate) fn shards(ctx: &mut Ctx<'_>, shards: u32, replicas: u32, placement: &Placement) {
    let nodes = placement.nodes.len();
    let pods = u64::from(shards) * u64::from(replicas);
    if shards > 1 && nodes > 0 && pods > nodes as u64 {
        ctx.error(
            Code::PlacementReplicas,
            "/prometheus/shards",
            Problem::new(
                format!("{shards} shards × {replicas} replicas make {pods} Prometheus pods but only {nodes} nodes"),
                format!("each pod of each shard needs its own node: list {pods} nodes in `prometheus.nodes`, or lower `shards` or `replicas`"),
            ),
        );
    }
}
