//! Scaling Prometheus out: remote-write endpoints (credentials only by Secret reference, headers
//! without credentials, relabeling Prometheus accepts), the Thanos sidecar, and shards.

use super::Ctx;
use super::client::client_auth;
use super::syntax::go_regex;
use super::syntax::values::{self, Problem};
use crate::diag::Code;
use crate::model::Placement;
use crate::model::scale::{self, Queue, Relabel, RelabelAction};
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
pub(crate) fn remote_writes(ctx: &mut Ctx<'_>, raw: &[raw::RemoteWrite]) -> Vec<scale::RemoteWrite> {
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
                auth: client_auth(ctx, &at, r.basic_auth.as_ref(), r.authorization.as_ref(), r.tls_config.as_ref()),
                headers: r.headers.clone(),
                remote_timeout: ctx.duration(format!("{at}/remote_timeout"), r.remote_timeout.as_ref()),
                queue,
                write_relabel: r.write_relabel.iter().enumerate().map(|(j, step)| relabel(ctx, &format!("{at}/write_relabel/{j}"), step)).collect(),
            }
        })
        .collect()
}

/// One relabeling step, with the constraints Prometheus' relabel config validation enforces.
fn relabel(ctx: &mut Ctx<'_>, at: &str, raw: &raw::WriteRelabel) -> Relabel {
    for (j, label) in raw.source_labels.iter().enumerate() {
        ctx.check(
            Code::ValueRelabel,
            format!("{at}/source_labels/{j}"),
            relabel_label(label),
        );
    }
    if let Some(target) = &raw.target_label {
        ctx.check(Code::ValueRelabel, format!("{at}/target_label"), relabel_label(target));
    }
    if let Some(regex) = &raw.regex {
        ctx.check(Code::ValueRegex, format!("{at}/regex"), go_regex::regex(regex));
    }
    match raw.action.unwrap_or(RelabelAction::Replace) {
        RelabelAction::Replace if raw.target_label.is_none() => {
            ctx.error(
                Code::ValueRelabel,
                at,
                Problem::new(
                    "a `replace` step needs `target_label`",
                    "name the label to write in `target_label` (`replace` is the default action)",
                ),
            );
        }
        RelabelAction::Labeldrop | RelabelAction::Labelkeep
            if !raw.source_labels.is_empty() || raw.target_label.is_some() || raw.replacement.is_some() =>
        {
            ctx.error(Code::ValueRelabel, at, Problem::new("`labeldrop` and `labelkeep` take only `regex`", "remove `source_labels`, `target_label` and `replacement`; the regex is matched against label names"));
        }
        _ => {}
    }
    Relabel {
        source_labels: raw.source_labels.clone(),
        regex: raw.regex.clone(),
        action: raw.action,
        target_label: raw.target_label.clone(),
        replacement: raw.replacement.clone(),
    }
}

/// A label name in relabeling, where the internal `__name__`-style names are allowed.
fn relabel_label(text: &str) -> values::Checked<()> {
    let mut chars = text.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if valid {
        Ok(())
    } else {
        Err(Problem::new(
            format!("`{text}` is not a label name"),
            "label names are letters, digits and `_`, not starting with a digit, e.g. `__name__` or `instance`",
        ))
    }
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
