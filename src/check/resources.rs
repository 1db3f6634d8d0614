//! `resources` and `priority_class` of every component, with promsite's defaults; each declared
//! node's `capacity` against the requests of what promsite pins to it; and `storage` of Prometheus
//! and Alertmanager (one model for both: local volumes or a StorageClass) with Prometheus'
//! `retention_size` against the volume it must fit in.
//!
//! The defaults keep every pod out of the BestEffort class (the first to be evicted when a node
//! runs short): each container requests CPU and memory, and has a memory limit, so that a leak
//! kills the container rather than pushing the node into swapping or the kernel's OOM killer.
//! None has a CPU limit: CPU is compressible, and CFS throttling of a limited container makes
//! scrapes and rule evaluations late long before the node is busy.

use std::fmt::Write as _;

use super::Ctx;
use super::syntax::values::{self, Problem};
use super::versions::{self, Version};
use crate::diag::Code;
use crate::model::{Placement, Quantity, ResourceList, Resources, Site, Storage, StorageSource};
use crate::site::raw;

/// promsite's requests and memory limit for one container.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Defaults {
    cpu: &'static str,
    memory: &'static str,
    memory_limit: &'static str,
}

const fn defaults(cpu: &'static str, memory: &'static str, memory_limit: &'static str) -> Defaults {
    Defaults {
        cpu,
        memory,
        memory_limit,
    }
}

// Sized for a kubeadm cluster of tens of nodes. Prometheus' memory grows with its series (about
// 2 GiB for the few hundred thousand the default scrapes yield there); kube-state-metrics' and
// the adapter's with the cluster's objects; the rest stay small.
/// The Prometheus container.
pub(crate) const PROMETHEUS: Defaults = defaults("500m", "2Gi", "4Gi");
/// The Alertmanager container.
pub(crate) const ALERTMANAGER: Defaults = defaults("50m", "128Mi", "256Mi");
/// The operator.
pub(crate) const OPERATOR: Defaults = defaults("100m", "128Mi", "512Mi");
/// The config-reloader sidecar in Prometheus and Alertmanager pods (the operator's own default,
/// a 10m CPU limit, throttles it on every reload).
pub(crate) const CONFIG_RELOADER: Defaults = defaults("10m", "32Mi", "64Mi");
/// The Thanos sidecar.
pub(crate) const THANOS: Defaults = defaults("50m", "128Mi", "512Mi");
/// Grafana.
pub(crate) const GRAFANA: Defaults = defaults("100m", "128Mi", "512Mi");
/// kube-state-metrics.
pub(crate) const KUBE_STATE_METRICS: Defaults = defaults("50m", "128Mi", "512Mi");
/// node-exporter, on every node.
pub(crate) const NODE_EXPORTER: Defaults = defaults("50m", "64Mi", "128Mi");
/// prometheus-adapter.
pub(crate) const ADAPTER: Defaults = defaults("50m", "128Mi", "512Mi");

impl Defaults {
    fn resources(self) -> Resources {
        Resources {
            requests: ResourceList {
                cpu: Some(known(self.cpu)),
                memory: Some(known(self.memory)),
            },
            limits: ResourceList {
                cpu: None,
                memory: Some(known(self.memory_limit)),
            },
        }
    }
}

/// A default quantity, known to be valid.
fn known(text: &str) -> Quantity {
    quantity_value(text).unwrap_or_else(|_| unreachable!("default quantity {text} is valid"))
}

/// A Kubernetes quantity and its value in base units (cores, bytes).
pub(crate) fn quantity_value(text: &str) -> values::Checked<Quantity> {
    values::quantity(text)?;
    let (number, scale) = split_suffix(text);
    // The grammar admits only numbers here; an exponent (`1e3`) is part of `number`.
    let value = number.parse::<f64>().unwrap_or(f64::NAN) * scale;
    Ok(Quantity {
        text: text.to_owned(),
        value,
    })
}

fn split_suffix(text: &str) -> (&str, f64) {
    const SUFFIXES: &[(&str, f64)] = &[
        ("Ki", 1024.0),
        ("Mi", 1_048_576.0),
        ("Gi", 1_073_741_824.0),
        ("Ti", 1_099_511_627_776.0),
        ("Pi", 1_125_899_906_842_624.0),
        ("Ei", 1_152_921_504_606_846_976.0),
        ("n", 1e-9),
        ("u", 1e-6),
        ("m", 1e-3),
        ("k", 1e3),
        ("M", 1e6),
        ("G", 1e9),
        ("T", 1e12),
        ("P", 1e15),
    ];
    for (suffix, scale) in SUFFIXES {
        if let Some(number) = text.strip_suffix(suffix) {
            return (number, *scale);
        }
    }
    // `E` alone is the exa suffix; `1E3` is an exponent, which `f64::parse` reads.
    match text.strip_suffix('E') {
        Some(number) => (number, 1e18),
        None => (text, 1.0),
    }
}

/// A quantity that must not be negative.
fn amount(ctx: &mut Ctx<'_>, pointer: &str, text: &str) -> Option<Quantity> {
    let quantity = ctx.check(Code::ValueQuantity, pointer, quantity_value(text))?;
    if quantity.value < 0.0 {
        ctx.error(
            Code::ResourcesInvalid,
            pointer,
            Problem::new(
                format!("`{text}` is negative"),
                "Kubernetes refuses negative requests, limits and capacities: give an amount of 0 or more",
            ),
        );
        return None;
    }
    Some(quantity)
}

/// A node's declared capacity.
pub(crate) fn capacity_of(ctx: &mut Ctx<'_>, pointer: &str, raw: &raw::ResourceList) -> ResourceList {
    ResourceList {
        cpu: raw.cpu.as_ref().and_then(|t| amount(ctx, &format!("{pointer}/cpu"), t)),
        memory: raw
            .memory
            .as_ref()
            .and_then(|t| amount(ctx, &format!("{pointer}/memory"), t)),
    }
}

/// A container's resources: what the site says, and `defaults` for a resource (CPU or memory) it
/// does not mention at all.
pub(crate) fn resources(
    ctx: &mut Ctx<'_>,
    pointer: &str,
    raw: Option<&raw::Resources>,
    defaults: Defaults,
) -> Resources {
    let mut resources = defaults.resources();
    let Some(raw) = raw else {
        return resources;
    };
    let requests = raw.requests.as_ref();
    let limits = raw.limits.as_ref();
    let mut get = |key: &str, text: Option<&String>| text.and_then(|t| amount(ctx, &format!("{pointer}/{key}"), t));
    let cpu = get("cpu", raw.cpu.as_ref());
    let memory = get("memory", raw.memory.as_ref());
    let request_cpu = get("requests/cpu", requests.and_then(|r| r.cpu.as_ref()));
    let request_memory = get("requests/memory", requests.and_then(|r| r.memory.as_ref()));
    let limit_cpu = get("limits/cpu", limits.and_then(|l| l.cpu.as_ref()));
    let limit_memory = get("limits/memory", limits.and_then(|l| l.memory.as_ref()));
    let twice = |ctx: &mut Ctx<'_>, short: &str, long: &str| {
        ctx.error(
            Code::ResourcesInvalid,
            format!("{pointer}/{long}"),
            Problem::new(
                format!("`{short}` already sets this"),
                format!("`{short}` is short for the request (and, for memory, the limit): give either `{short}` or `requests`/`limits`"),
            ),
        );
    };
    if raw.cpu.is_some() && requests.is_some_and(|r| r.cpu.is_some()) {
        twice(ctx, "cpu", "requests/cpu");
    }
    for (long, given) in [
        ("requests/memory", requests.is_some_and(|r| r.memory.is_some())),
        ("limits/memory", limits.is_some_and(|l| l.memory.is_some())),
    ] {
        if raw.memory.is_some() && given {
            twice(ctx, "memory", long);
        }
    }
    let mentions_cpu =
        raw.cpu.is_some() || requests.is_some_and(|r| r.cpu.is_some()) || limits.is_some_and(|l| l.cpu.is_some());
    if mentions_cpu {
        // As Kubernetes does, a limit without a request is also the request: written out, so that
        // the output says what the scheduler reserves and the capacity check counts it.
        resources.requests.cpu = cpu.or(request_cpu).or_else(|| limit_cpu.clone());
        resources.limits.cpu = limit_cpu;
    }
    let mentions_memory = raw.memory.is_some()
        || requests.is_some_and(|r| r.memory.is_some())
        || limits.is_some_and(|l| l.memory.is_some());
    if mentions_memory {
        resources.requests.memory = memory.clone().or(request_memory).or_else(|| limit_memory.clone());
        resources.limits.memory = memory.or(limit_memory);
    }
    for (key, request, limit) in [
        ("cpu", &resources.requests.cpu, &resources.limits.cpu),
        ("memory", &resources.requests.memory, &resources.limits.memory),
    ] {
        if let (Some(request), Some(limit)) = (request, limit)
            && request.value > limit.value
        {
            ctx.error(
                Code::ResourcesInvalid,
                format!("{pointer}/limits/{key}"),
                Problem::new(
                    format!(
                        "the {key} limit `{}` is below the request `{}`",
                        limit.text, request.text
                    ),
                    "Kubernetes refuses a request above its limit: raise the limit or lower the request",
                ),
            );
        }
    }
    resources
}

/// A component's PriorityClass: the site's, `default` when it names none, none for `""`.
pub(crate) fn priority_class(
    ctx: &mut Ctx<'_>,
    section: &str,
    raw: Option<&String>,
    default: Option<&str>,
) -> Option<String> {
    let Some(name) = raw else {
        return default.map(str::to_owned);
    };
    if name.is_empty() {
        return None;
    }
    let pointer = format!("/{section}/priority_class");
    ctx.check(Code::NameInvalid, &pointer, values::dns_subdomain(name))?;
    if name.starts_with("system-") && name != SYSTEM_NODE_CRITICAL && name != SYSTEM_CLUSTER_CRITICAL {
        ctx.error(
            Code::NameInvalid,
            &pointer,
            Problem::new(
                format!("`{name}` is in the `system-` namespace of PriorityClasses, which Kubernetes reserves"),
                "use `system-node-critical`, `system-cluster-critical` or a PriorityClass of your own",
            ),
        );
        return None;
    }
    Some(name.clone())
}

// Kubernetes' built-in classes. Since 1.17 (kubernetes#76310) any namespace may use them unless the
// cluster's admission configuration limits them with a ResourceQuota; on-prem clusters rarely
// do. OpenShift's monitoring stack uses them the same way, outside kube-system.
/// Node agents: evicted last, before the node itself fails.
pub(crate) const SYSTEM_NODE_CRITICAL: &str = "system-node-critical";
/// The monitoring path (Prometheus, Alertmanager, the operator and what they need): scheduled
/// before ordinary workloads, so that the stack that reports an outage survives a full cluster.
pub(crate) const SYSTEM_CLUSTER_CRITICAL: &str = "system-cluster-critical";

/// What one pod of a component requests, in total over its containers.
struct Pod<'a> {
    component: &'static str,
    placement: &'a [String],
    requests: Vec<&'a Resources>,
}

/// The pods promsite pins to nodes (each could land on any node of its placement, so each counts
/// on all of them) and the DaemonSet on every node; pods free to run anywhere are left out.
fn pods(site: &Site) -> Vec<Pod<'_>> {
    let reloader = site.operator.as_ref().map(|o| &o.config_reloader);
    let mut pods = Vec::new();
    let prometheus = &site.prometheus;
    let mut requests = vec![&prometheus.resources];
    requests.extend(reloader);
    requests.extend(prometheus.thanos.as_ref().map(|t| &t.resources));
    pods.push(Pod {
        component: "prometheus",
        placement: &prometheus.placement.nodes,
        requests,
    });
    let mut requests = vec![&site.alertmanager.resources];
    requests.extend(reloader);
    pods.push(Pod {
        component: "alertmanager",
        placement: &site.alertmanager.placement.nodes,
        requests,
    });
    if let Some(operator) = &site.operator {
        pods.push(Pod {
            component: "operator",
            placement: &operator.placement.nodes,
            requests: vec![&operator.resources],
        });
    }
    if let Some(grafana) = &site.grafana {
        pods.push(Pod {
            component: "grafana",
            placement: &grafana.placement.nodes,
            requests: vec![&grafana.resources],
        });
    }
    if let Some(ksm) = &site.kube_state_metrics {
        pods.push(Pod {
            component: "kube_state_metrics",
            placement: &ksm.placement.nodes,
            requests: vec![&ksm.resources],
        });
    }
    if let Some(adapter) = &site.adapter {
        pods.push(Pod {
            component: "adapter",
            placement: &adapter.placement.nodes,
            requests: vec![&adapter.resources],
        });
    }
    pods
}

/// Each node with a declared capacity can hold the requests of everything promsite pins to it.
pub(crate) fn capacity(ctx: &mut Ctx<'_>, site: &Site, raw: &[raw::Node]) {
    let pods = pods(site);
    for (i, raw_node) in raw.iter().enumerate() {
        let Some(capacity) = site.node(&raw_node.name).and_then(|n| n.capacity.as_ref()) else {
            continue;
        };
        let mut here: Vec<(&str, Vec<&Resources>)> = pods
            .iter()
            .filter(|pod| pod.placement.contains(&raw_node.name))
            .map(|pod| (pod.component, pod.requests.clone()))
            .collect();
        if let Some(exporter) = &site.node_exporter {
            here.push(("node_exporter", vec![&exporter.resources]));
        }
        for (key, unit, get) in [
            (
                "cpu",
                "CPU",
                (|l: &ResourceList| l.cpu.clone()) as fn(&ResourceList) -> Option<Quantity>,
            ),
            ("memory", "memory", |l: &ResourceList| l.memory.clone()),
        ] {
            let Some(available) = get(capacity) else { continue };
            let mut total = 0.0;
            let mut parts = String::new();
            for (component, containers) in &here {
                let sum: f64 = containers
                    .iter()
                    .filter_map(|r| get(&r.requests))
                    .map(|q| q.value)
                    .sum();
                total += sum;
                let _ = write!(
                    parts,
                    "{}{component} {}",
                    if parts.is_empty() { "" } else { ", " },
                    show(key, sum)
                );
            }
            if total > available.value {
                ctx.error(
                    Code::PlacementCapacity,
                    format!("/nodes/{i}/capacity/{key}"),
                    Problem::new(
                        format!(
                            "what promsite pins to `{}` requests {} {unit}, more than its capacity `{}` ({parts})",
                            raw_node.name,
                            show(key, total),
                            available.text
                        ),
                        "the scheduler would leave a pod pending: lower the `resources` requests, pin components to other nodes, or correct `capacity`",
                    ),
                );
            }
        }
    }
}

/// An amount for a message: cores to the millicore, bytes in MiB.
fn show(key: &str, value: f64) -> String {
    if key == "cpu" {
        format!("{}m", (value * 1000.0).round())
    } else {
        format!("{}Mi", (value / 1_048_576.0).round())
    }
}

// ---------------------------------------------------------------- storage

/// Prometheus added `--storage.tsdb.retention.size` in 2.7.0.
const RETENTION_SIZE_SINCE: Version = Version::new(2, 7, 0);

/// A component's storage; `section` is `prometheus` or `alertmanager`.
pub(crate) fn storage(
    ctx: &mut Ctx<'_>,
    section: &str,
    raw: Option<&raw::Storage>,
    placement: &Placement,
) -> Option<Storage> {
    let raw = raw?;
    let pointer = format!("/{section}/storage");
    let source = match (&raw.path, &raw.storage_class) {
        (Some(_), Some(_)) => {
            ctx.error(
                Code::StorageForm,
                format!("{pointer}/storage_class"),
                Problem::new(
                    "storage has both a local `path` and a `storage_class`",
                    "give `path` for local volumes on the pinned nodes, or `storage_class` for provisioned volumes, not both",
                ),
            );
            None
        }
        (None, None) => {
            ctx.error(
                Code::StorageForm,
                &pointer,
                Problem::new(
                    "storage has neither a local `path` nor a `storage_class`",
                    "add `path` (a directory on each node in `nodes`) or `storage_class` (a StorageClass of the cluster)",
                ),
            );
            None
        }
        (Some(path), None) => local(ctx, section, &pointer, path, placement),
        (None, Some(class)) => ctx
            .check(
                Code::NameInvalid,
                format!("{pointer}/storage_class"),
                values::dns_subdomain(class),
            )
            .map(|()| StorageSource::Class { name: class.clone() }),
    };
    let size = ctx.check(
        Code::ValueQuantity,
        format!("{pointer}/size"),
        quantity_value(&raw.size),
    )?;
    if size.value <= 0.0 {
        ctx.error(
            Code::ValueQuantity,
            format!("{pointer}/size"),
            Problem::new(
                format!("a volume of `{}` holds nothing", raw.size),
                "give each volume a positive size, e.g. `100Gi`",
            ),
        );
        return None;
    }
    Some(Storage { source: source?, size })
}

fn local(ctx: &mut Ctx<'_>, section: &str, pointer: &str, path: &str, placement: &Placement) -> Option<StorageSource> {
    if placement.nodes.is_empty() {
        ctx.error(
            Code::PlacementStorage,
            pointer,
            Problem::new(
                "local storage needs nodes to live on",
                format!("list the nodes that hold the data in `{section}.nodes`, or use a `storage_class`"),
            ),
        );
    }
    if !path.starts_with('/') {
        ctx.error(
            Code::ValuePath,
            format!("{pointer}/path"),
            Problem::new(
                format!("`{path}` is not an absolute path"),
                "give the directory on each node as an absolute path, e.g. `/var/lib/prometheus`",
            ),
        );
        return None;
    }
    Some(StorageSource::Local { path: path.to_owned() })
}

/// `retention_size`: Prometheus' byte units, a release that reads it, and below the volume size.
pub(crate) fn retention_size(
    ctx: &mut Ctx<'_>,
    text: Option<&String>,
    version: Option<&str>,
    storage: Option<&Storage>,
) -> Option<String> {
    let text = text?;
    let pointer = "/prometheus/retention_size";
    let bytes = ctx.check(Code::ValueByteSize, pointer, byte_size(text))?;
    if let Some(version) = version.and_then(|v| versions::parse(v).ok()) {
        ctx.check(
            Code::PrometheusVersion,
            pointer,
            versions::introduced(
                "Prometheus",
                "retention_size",
                RETENTION_SIZE_SINCE,
                version,
                format!("set `prometheus.version` to {RETENTION_SIZE_SINCE} or newer, or remove `retention_size`"),
            ),
        );
    }
    if let Some(storage) = storage {
        #[allow(
            clippy::cast_precision_loss,
            reason = "a comparison of sizes far below 2^53 bytes' precision matters"
        )]
        let share = bytes as f64 / storage.size.value;
        if share >= 1.0 {
            ctx.error(
                Code::StorageRetentionSize,
                pointer,
                Problem::new(
                    format!("retention size `{text}` does not fit in a volume of `{}`", storage.size.text),
                    "the volume fills up before Prometheus deletes anything, and a full volume stops it: keep `retention_size` at about 80% of `storage.size`",
                ),
            );
        } else if share > 0.9 {
            ctx.warning(
                Code::StorageRetentionHeadroom,
                pointer,
                Problem::new(
                    format!(
                        "retention size `{text}` is {:.0}% of the volume (`{}`)",
                        share * 100.0,
                        storage.size.text
                    ),
                    "compaction writes new blocks before it deletes the old ones: keep `retention_size` at about 80% of `storage.size`",
                ),
            );
        }
    }
    Some(text.clone())
}

/// A size in Prometheus' units (`--storage.tsdb.retention.size`): an integer and one of `B`, `KB`,
/// `MB`, `GB`, `TB`, `PB`, `EB`, powers of 1024. Its bytes.
pub(crate) fn byte_size(text: &str) -> values::Checked<u128> {
    const UNITS: &[(&str, u32)] = &[
        ("KB", 1),
        ("MB", 2),
        ("GB", 3),
        ("TB", 4),
        ("PB", 5),
        ("EB", 6),
        ("B", 0),
    ];
    let bad = || {
        Problem::new(
            format!("`{text}` is not a size Prometheus reads"),
            "write an integer and a unit: B, KB, MB, GB, TB, PB or EB (powers of 1024), e.g. `80GB`",
        )
    };
    let (number, power) = UNITS
        .iter()
        .find_map(|(unit, power)| text.strip_suffix(unit).map(|n| (n, *power)))
        .ok_or_else(bad)?;
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let number: u128 = number.parse().map_err(|_| bad())?;
    match number.checked_mul(1024u128.pow(power)) {
        Some(bytes) if bytes > 0 => Ok(bytes),
        _ => Err(bad()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_have_their_values() {
        let value = |t| quantity_value(t).map(|q| q.value);
        assert_eq!(value("500m"), Ok(0.5));
        assert_eq!(value("2"), Ok(2.0));
        assert_eq!(value("2Gi"), Ok(2_147_483_648.0));
        assert_eq!(value("1.5k"), Ok(1500.0));
        assert_eq!(value("1e3"), Ok(1000.0));
        assert_eq!(value("1E"), Ok(1e18));
        assert_eq!(value("-1"), Ok(-1.0));
        assert!(value("1K").is_err());
    }

    #[test]
    fn byte_sizes_in_prometheus_units() {
        assert_eq!(byte_size("80GB"), Ok(80 * 1024 * 1024 * 1024));
        assert_eq!(byte_size("512MB"), Ok(512 * 1024 * 1024));
        assert_eq!(byte_size("1B"), Ok(1));
        assert_eq!(byte_size("2EB"), Ok(2 * 1024u128.pow(6)));
        for bad in [
            "80", "80G", "80Gi", "80GiB", "1.5GB", "GB", "-1GB", "0GB", " 1GB", "80gb",
        ] {
            assert!(byte_size(bad).is_err(), "{bad:?} accepted");
        }
    }
}
