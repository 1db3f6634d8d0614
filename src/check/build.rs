//! The semantic passes: each part of the raw site is checked value by value and turned into its
//! model counterpart. Problems are collected, never returned early, so one run reports them all.

use std::collections::BTreeSet;

use super::syntax::values::{self, Problem};
use super::syntax::{adapter_query, go_regex, go_template, matchers, promql};
use super::{Ctx, crosscheck, receivers, routing, scale, targets, versions};
use crate::diag::Code;
use crate::model::{self, API_RESOURCES, NodeRole, Placement};
use crate::site::{escape, raw};

/// ServiceMonitors promsite may generate in the site's namespace; `[[scrape]]` names must differ
/// (whether or not the component is enabled, so that switching one on never breaks a site).
/// `tests/invalid.rs` checks this list against what the renderers produce.
pub(crate) const RESERVED_SERVICE_MONITORS: &[&str] = &[
    "alertmanager-main",
    "coredns",
    "etcd",
    "grafana",
    "kube-apiserver",
    "kube-controller-manager",
    "kube-scheduler",
    "kube-state-metrics",
    "kubelet",
    "node-exporter",
    "prometheus-k8s",
    "prometheus-operator",
];
/// ServiceAccounts promsite may create in the site's namespace.
pub(crate) const RESERVED_SERVICE_ACCOUNTS: &[&str] = &[
    "alertmanager-main",
    "grafana",
    "kube-state-metrics",
    "prometheus-adapter",
    "prometheus-k8s",
    "prometheus-operator",
];

pub(crate) fn site(ctx: &mut Ctx<'_>, raw: &raw::RawSite) -> Option<model::Site> {
    ctx.check(
        Code::NameInvalid,
        "/site/name",
        values::dns_label(&raw.site.name).map_err(|p| {
            Problem::new(
                format!(
                    "site name {}",
                    p.message.trim_start_matches(&format!("`{}` is ", raw.site.name))
                ),
                format!("{}; the site name is also the directory `out/<name>/`", p.help),
            )
        }),
    );
    ctx.check(
        Code::NameInvalid,
        "/site/namespace",
        values::dns_label(&raw.site.namespace),
    );
    let nodes = nodes(ctx, &raw.nodes);
    let declared: Vec<&str> = raw.nodes.iter().map(|n| n.name.as_str()).collect();
    let prometheus = prometheus(ctx, &raw.prometheus, &declared);
    let version = raw.alertmanager.version.as_deref().map_or_else(
        || versions::parse(model::DEFAULT_ALERTMANAGER_VERSION).ok(),
        |v| ctx.check(Code::ValueVersion, "/alertmanager/version", versions::parse(v)),
    );
    let alertmanager = alertmanager(ctx, &raw.alertmanager, &declared, version);
    let receivers = receivers::receivers(ctx, &raw.receivers, version, raw.alertmanager.smtp.is_some());
    let receiver_names: BTreeSet<&str> = raw.receivers.iter().map(|r| r.name.as_str()).collect();
    let interval_names: BTreeSet<&str> = raw.time_intervals.iter().map(|t| t.name.as_str()).collect();
    let route = route(
        ctx,
        &raw.route,
        "/route",
        &Names {
            receivers: &receiver_names,
            intervals: &interval_names,
        },
        true,
    );
    routing::unused_receivers(ctx, raw);
    let inhibit_rules = routing::inhibit_rules(ctx, &raw.inhibit_rules);
    let time_intervals = routing::time_intervals(ctx, &raw.time_intervals, version);
    let scrapes = scrapes(ctx, &raw.scrape, &raw.site.namespace);
    let static_scrapes = targets::static_scrapes(ctx, &raw.static_scrape, &prometheus.scrape_interval);
    let probes = targets::probes(ctx, &raw.probe, &prometheus.scrape_interval);
    let etcd = raw.etcd.as_ref().and_then(|e| etcd(ctx, e, &raw.nodes));
    let ingress = raw.ingress.as_ref().map(|i| ingress(ctx, i));
    let api_clients = api_clients(ctx, &raw.api_clients, &raw.site.namespace);
    // The cross-checks compare matchers and labels that checked out; with errors they would only add noise.
    let routes = route.as_ref().filter(|_| !ctx.failed()).map(crosscheck::Routes::of);
    let rule_groups = rule_groups(ctx, &raw.rule_groups, &raw.rule_files, routes.as_ref());
    if let Some(root) = route.as_ref().filter(|_| !ctx.failed()) {
        let rules_elsewhere = raw
            .api_clients
            .iter()
            .any(|c| c.resources.iter().any(|r| r == "prometheusrules") && c.verbs.contains(&model::Verb::Create));
        crosscheck::unset_severities(ctx, root, &rule_groups, rules_elsewhere);
    }
    let operator = operator(ctx, &raw.operator, &declared);
    let kube_state_metrics = kube_state_metrics(ctx, &raw.kube_state_metrics, &declared);
    let grafana = grafana(ctx, &raw.grafana, &declared);
    let adapter = adapter(ctx, &raw.adapter, &declared);
    for (i, namespace) in raw.network_policies.ingress_namespaces.iter().flatten().enumerate() {
        ctx.check(
            Code::NameInvalid,
            format!("/network_policies/ingress_namespaces/{i}"),
            values::dns_label(namespace),
        );
    }
    ports(ctx, raw);
    if ctx.failed() {
        return None;
    }
    Some(model::Site {
        name: raw.site.name.clone(),
        namespace: raw.site.namespace.clone(),
        nodes,
        prometheus,
        alertmanager,
        route: route?,
        receivers,
        inhibit_rules,
        time_intervals,
        scrapes,
        static_scrapes,
        probes,
        etcd,
        ingress,
        api_clients,
        rule_groups,
        operator,
        node_exporter: raw.node_exporter.enabled.unwrap_or(true).then(|| model::NodeExporter {
            version: raw
                .node_exporter
                .version
                .clone()
                .unwrap_or_else(|| model::DEFAULT_NODE_EXPORTER_VERSION.to_owned()),
        }),
        kube_state_metrics,
        control_plane: raw.control_plane.enabled.unwrap_or(true),
        grafana,
        adapter,
        network_policies: raw.network_policies.enabled.unwrap_or(false).then(|| {
            let mut namespaces = raw
                .network_policies
                .ingress_namespaces
                .clone()
                .unwrap_or_else(|| vec!["ingress-nginx".to_owned()]);
            namespaces.sort();
            namespaces.dedup();
            namespaces
        }),
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

fn adapter(ctx: &mut Ctx<'_>, raw: &raw::Adapter, declared: &[&str]) -> Option<model::Adapter> {
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
    raw.enabled.unwrap_or(true).then(|| model::Adapter {
        version: raw
            .version
            .clone()
            .unwrap_or_else(|| model::DEFAULT_ADAPTER_VERSION.to_owned()),
        placement,
        rules,
    })
}

fn grafana(ctx: &mut Ctx<'_>, raw: &raw::Grafana, declared: &[&str]) -> Option<model::Grafana> {
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
            "grafana-admin".to_owned(),
            "admin-user".to_owned(),
            "admin-password".to_owned(),
        ),
    };
    let dashboards = raw
        .dashboards
        .as_deref()
        .map(|dir| dashboards(ctx, dir))
        .unwrap_or_default();
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
    })
}

fn operator(ctx: &mut Ctx<'_>, raw: &raw::Operator, declared: &[&str]) -> Option<model::Operator> {
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
    raw.enabled.unwrap_or(true).then_some(model::Operator {
        placement,
        crds,
        crd_files,
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
        if !text.contains("kind: CustomResourceDefinition") {
            ctx.error_in_file(
                Code::RefMissingFile,
                &file,
                0..0,
                Problem::new(
                    "not a CustomResourceDefinition file",
                    "keep only the operator's CRD files (`monitoring.coreos.com_*.yaml`) in `crds_path`",
                ),
            );
            continue;
        }
        let path = file
            .strip_prefix(dir.trim_end_matches('/'))
            .unwrap_or(&file)
            .trim_start_matches('/')
            .to_owned();
        crds.push(model::CrdFile {
            path,
            contents: text.to_string(),
        });
    }
    crds
}

fn kube_state_metrics(
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

/// NodePorts are cluster-wide: two Services cannot share one.
fn ports(ctx: &mut Ctx<'_>, raw: &raw::RawSite) {
    let claims = [
        ("prometheus", raw.prometheus.node_port),
        ("alertmanager", raw.alertmanager.node_port),
        ("grafana", raw.grafana.node_port),
    ];
    let mut taken: Vec<(&str, u16)> = Vec::new();
    for (section, port) in claims {
        let Some(port) = port else { continue };
        if let Some((owner, _)) = taken.iter().find(|(_, p)| *p == port) {
            ctx.error(
                Code::PortClash,
                format!("/{section}/node_port"),
                Problem::new(
                    format!("NodePort {port} is already `{owner}.node_port`"),
                    format!("give {section} another port in 30000-32767"),
                ),
            );
        }
        taken.push((section, port));
    }
    // On the host network, two replicas on one node would fight over ports 9093 and 9094; only
    // pinning makes the one-per-node spread a requirement rather than a preference.
    let alertmanager = &raw.alertmanager;
    if alertmanager.host_network && alertmanager.replicas.unwrap_or(1) > 1 && alertmanager.nodes.is_empty() {
        ctx.error(
            Code::PortClash,
            "/alertmanager/host_network",
            Problem::new(
                "Alertmanager replicas on the host network could share a node and its ports 9093 and 9094",
                "list the nodes in `alertmanager.nodes` so that each replica gets its own node",
            ),
        );
    }
}

/// A duration with a default; the default is known valid.
fn duration_or(ctx: &mut Ctx<'_>, pointer: &str, text: Option<&String>, default: &str) -> model::Duration {
    ctx.duration(pointer, text)
        .unwrap_or_else(|| values::duration(default).unwrap_or_else(|_| unreachable!("default {default} is valid")))
}

fn nodes(ctx: &mut Ctx<'_>, raw: &[raw::Node]) -> Vec<model::Node> {
    ctx.unique(
        "node",
        raw.iter()
            .enumerate()
            .map(|(i, n)| (format!("/nodes/{i}/name"), n.name.as_str())),
    );
    let mut nodes: Vec<model::Node> = raw
        .iter()
        .enumerate()
        .filter_map(|(i, node)| {
            ctx.check(
                Code::NameInvalid,
                format!("/nodes/{i}/name"),
                values::dns_subdomain(&node.name),
            );
            let address = ctx.check(
                Code::ValueAddress,
                format!("/nodes/{i}/address"),
                values::address(&node.address),
            );
            let taints: BTreeSet<model::Taint> = node
                .taints
                .iter()
                .enumerate()
                .filter_map(|(j, t)| ctx.check(Code::ValueTaint, format!("/nodes/{i}/taints/{j}"), values::taint(t)))
                .collect();
            Some(model::Node {
                name: node.name.clone(),
                address: address?,
                roles: node.roles.iter().copied().collect(),
                taints: taints.into_iter().collect(),
            })
        })
        .collect();
    nodes.sort_by(|a, b| a.name.cmp(&b.name));
    nodes.dedup_by(|a, b| a.name == b.name);
    nodes
}

/// Resolves a list of node names against the declared nodes.
/// `declared` are the names in `[[nodes]]`, whether or not the rest of each node checked out, so
/// that one bad address does not also report every reference to that node.
fn placement(ctx: &mut Ctx<'_>, pointer: &str, names: &[String], declared: &[&str]) -> Placement {
    ctx.unique(
        "node",
        names
            .iter()
            .enumerate()
            .map(|(i, n)| (format!("{pointer}/{i}"), n.as_str())),
    );
    for (i, name) in names.iter().enumerate() {
        if !declared.contains(&name.as_str()) {
            let help = if declared.is_empty() {
                "declare it in a `[[nodes]]` table with its name and address".to_owned()
            } else {
                format!("declare it in `[[nodes]]`, or use one of: {}", declared.join(", "))
            };
            ctx.error(
                Code::RefUnknownNode,
                format!("{pointer}/{i}"),
                Problem::new(format!("node `{name}` is not declared"), help),
            );
        }
    }
    let set: BTreeSet<String> = names.iter().cloned().collect();
    Placement {
        nodes: set.into_iter().collect(),
    }
}

/// Replicas are spread one per node (required anti-affinity): more replicas than nodes never schedule.
fn replicas(ctx: &mut Ctx<'_>, section: &str, replicas: Option<u32>, placement: &Placement, storage: bool) {
    let count = replicas.unwrap_or(1);
    let nodes = placement.nodes.len();
    if nodes > 0 && count == 1 {
        let pointer = if replicas.is_some() {
            format!("/{section}/replicas")
        } else {
            format!("/{section}/nodes")
        };
        ctx.warning(
            Code::PlacementSingleNode,
            &pointer,
            Problem::new(
                format!("{section} runs one replica pinned to its nodes: losing that node stops it"),
                format!("set `replicas = 2` (or more) with as many nodes in `{section}.nodes` for high availability"),
            ),
        );
    }
    if nodes > 0 && count as usize > nodes {
        let what = if storage { "nodes with storage" } else { "nodes" };
        ctx.error(
            Code::PlacementReplicas,
            format!("/{section}/replicas"),
            Problem::new(
                format!("{count} {section} replicas but only {nodes} {what}"),
                format!(
                    "each replica needs its own node: add nodes to `{section}.nodes` or lower `replicas` to {nodes}"
                ),
            ),
        );
    }
}

fn prometheus(ctx: &mut Ctx<'_>, raw: &raw::Prometheus, declared: &[&str]) -> model::Prometheus {
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
    if raw.admin_api {
        ctx.warning(
            Code::PrometheusAdminApi,
            "/prometheus/admin_api",
            Problem::new(
                "the Prometheus admin API is enabled",
                "anyone who can reach Prometheus can delete series and take snapshots; set `admin_api = false` unless you need that",
            ),
        );
    }
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
    model::Prometheus {
        version: raw
            .version
            .clone()
            .unwrap_or_else(|| model::DEFAULT_PROMETHEUS_VERSION.to_owned()),
        replicas: raw.replicas.unwrap_or(1),
        shards,
        remote_write: scale::remote_writes(ctx, &raw.remote_write),
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

fn alertmanager(
    ctx: &mut Ctx<'_>,
    raw: &raw::Alertmanager,
    declared: &[&str],
    version: Option<versions::Version>,
) -> model::Alertmanager {
    let placement = placement(ctx, "/alertmanager/nodes", &raw.nodes, declared);
    replicas(ctx, "alertmanager", raw.replicas, &placement, false);
    let cluster = raw.cluster.as_ref();
    let smtp = raw.smtp.as_ref().map(|s| {
        ctx.check(
            Code::ValueHostPort,
            "/alertmanager/smtp/smarthost",
            values::host_port(&s.smarthost),
        );
        ctx.check(Code::ValueEmail, "/alertmanager/smtp/from", values::email(&s.from));
        let auth_password = s
            .auth_password
            .as_ref()
            .map(|r| ctx.secret_ref("/alertmanager/smtp/auth_password", r));
        if let (Some(version), Some(_)) = (version, &auth_password)
            && let Err(problem) = versions::SMTP_AUTH_PASSWORD_FILE.check(version)
        {
            ctx.error_at_key(Code::AlertmanagerVersion, "/alertmanager/smtp/auth_password", problem);
        }
        model::Smtp {
            smarthost: s.smarthost.clone(),
            from: s.from.clone(),
            hello: s.hello.clone(),
            auth_username: s.auth_username.clone(),
            auth_password,
            auth_identity: s.auth_identity.clone(),
            require_tls: s.require_tls,
        }
    });
    model::Alertmanager {
        version: raw
            .version
            .clone()
            .unwrap_or_else(|| model::DEFAULT_ALERTMANAGER_VERSION.to_owned()),
        replicas: raw.replicas.unwrap_or(1),
        placement,
        log_level: raw.log_level,
        gossip_interval: ctx.duration(
            "/alertmanager/cluster/gossip_interval",
            cluster.and_then(|c| c.gossip_interval.as_ref()),
        ),
        pushpull_interval: ctx.duration(
            "/alertmanager/cluster/pushpull_interval",
            cluster.and_then(|c| c.pushpull_interval.as_ref()),
        ),
        peer_timeout: ctx.duration(
            "/alertmanager/cluster/peer_timeout",
            cluster.and_then(|c| c.peer_timeout.as_ref()),
        ),
        smtp,
        node_port: raw.node_port,
        host_network: raw.host_network,
        templates: routing::templates(ctx, &raw.templates, ctx.included),
    }
}

/// What routes may refer to.
struct Names<'n> {
    receivers: &'n BTreeSet<&'n str>,
    intervals: &'n BTreeSet<&'n str>,
}

fn route(ctx: &mut Ctx<'_>, raw: &raw::Route, pointer: &str, names: &Names<'_>, root: bool) -> Option<model::Route> {
    let receivers = names.receivers;
    if root {
        if raw.receiver.is_none() {
            ctx.error_at_key(
                Code::AlertRoute,
                pointer,
                Problem::new(
                    "the root route has no receiver",
                    "set `receiver` in `[route]`: alerts no child route matches go there",
                ),
            );
        }
        if !raw.matchers.is_empty() {
            ctx.error(
                Code::AlertRoute,
                format!("{pointer}/matchers"),
                Problem::new(
                    "the root route cannot have matchers",
                    "the root route matches every alert; move the matchers to a `[[route.routes]]` entry",
                ),
            );
        }
        if raw.continue_matching {
            ctx.error(
                Code::AlertRoute,
                format!("{pointer}/continue"),
                Problem::new(
                    "the root route cannot set `continue`",
                    "remove `continue` from `[route]`",
                ),
            );
        }
        for key in ["mute_time_intervals", "active_time_intervals"] {
            let given = if key == "mute_time_intervals" {
                &raw.mute_time_intervals
            } else {
                &raw.active_time_intervals
            };
            if !given.is_empty() {
                ctx.error_at_key(
                    Code::AlertRoute,
                    format!("{pointer}/{key}"),
                    Problem::new(
                        format!("the root route cannot have `{key}`"),
                        "move the time intervals to a `[[route.routes]]` entry",
                    ),
                );
            }
        }
    }
    for (key, list) in [
        ("mute_time_intervals", &raw.mute_time_intervals),
        ("active_time_intervals", &raw.active_time_intervals),
    ] {
        for (i, name) in list.iter().enumerate() {
            if !names.intervals.contains(name.as_str()) {
                let help = if names.intervals.is_empty() {
                    "declare it in a `[[time_intervals]]` table".to_owned()
                } else {
                    format!(
                        "declare it in `[[time_intervals]]`, or use one of: {}",
                        names.intervals.iter().copied().collect::<Vec<_>>().join(", ")
                    )
                };
                ctx.error(
                    Code::RefUnknownTimeInterval,
                    format!("{pointer}/{key}/{i}"),
                    Problem::new(format!("time interval `{name}` is not declared"), help),
                );
            }
        }
    }
    if let Some(name) = &raw.receiver
        && !receivers.contains(name.as_str())
    {
        let known: Vec<&str> = receivers.iter().copied().collect();
        ctx.error(
            Code::RefUnknownReceiver,
            format!("{pointer}/receiver"),
            Problem::new(
                format!("receiver `{name}` is not declared"),
                format!("declare it in `[[receivers]]`, or use one of: {}", known.join(", ")),
            ),
        );
    }
    let matchers: Vec<model::Matcher> = raw
        .matchers
        .iter()
        .enumerate()
        .filter_map(|(i, m)| {
            ctx.check(
                Code::AlertMatcher,
                format!("{pointer}/matchers/{i}"),
                matchers::matcher(m),
            )
        })
        .collect();
    if let Some(group_by) = &raw.group_by {
        for (i, label) in group_by.iter().enumerate() {
            if label != "..." {
                ctx.check(
                    Code::ValueLabelName,
                    format!("{pointer}/group_by/{i}"),
                    values::label_name(label),
                );
            }
        }
    }
    let routes: Vec<Option<model::Route>> = raw
        .routes
        .iter()
        .enumerate()
        .map(|(i, r)| route(ctx, r, &format!("{pointer}/routes/{i}"), names, false))
        .collect();
    Some(model::Route {
        receiver: raw.receiver.clone(),
        matchers,
        group_by: raw.group_by.clone(),
        group_wait: ctx.duration(format!("{pointer}/group_wait"), raw.group_wait.as_ref()),
        group_interval: ctx.duration(format!("{pointer}/group_interval"), raw.group_interval.as_ref()),
        repeat_interval: ctx.duration(format!("{pointer}/repeat_interval"), raw.repeat_interval.as_ref()),
        continue_matching: raw.continue_matching,
        mute_time_intervals: raw.mute_time_intervals.clone(),
        active_time_intervals: raw.active_time_intervals.clone(),
        routes: routes.into_iter().collect::<Option<Vec<_>>>()?,
    })
}

fn scrapes(ctx: &mut Ctx<'_>, raw: &[raw::Scrape], site_namespace: &str) -> Vec<model::Scrape> {
    ctx.unique(
        "scrape",
        raw.iter()
            .enumerate()
            .map(|(i, s)| (format!("/scrape/{i}/name"), s.name.as_str())),
    );
    let mut scrapes: Vec<model::Scrape> = raw
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let at = |key: &str| format!("/scrape/{i}/{key}");
            ctx.check(Code::NameInvalid, at("name"), values::dns_subdomain(&s.name));
            ctx.reserved(&at("name"), &s.name, "ServiceMonitor", RESERVED_SERVICE_MONITORS);
            if let Some(namespace) = &s.namespace {
                ctx.check(Code::NameInvalid, at("namespace"), values::dns_label(namespace));
            }
            for (key, value) in &s.selector {
                let pointer = format!("{}/{}", at("selector"), escape(key));
                if let Err(problem) = values::k8s_label(key, value) {
                    ctx.error_at_key(Code::ValueK8sLabel, &pointer, problem);
                }
            }
            if s.port.is_empty() || s.port.len() > 15 || values::dns_label(&s.port).is_err() {
                ctx.error(Code::NameInvalid, at("port"), Problem::new(format!("`{}` is not a Service port name", s.port), "name the Service port as it appears in the Service's `ports[].name` (lower-case, at most 15 characters)"));
            }
            if let Some(path) = s.path.as_ref().filter(|p| !p.starts_with('/')) {
                ctx.error(Code::ValuePath, at("path"), Problem::new(format!("`{path}` is not an absolute URL path"), "start the path with `/`, e.g. `/metrics`"));
            }
            model::Scrape {
                name: s.name.clone(),
                namespace: s.namespace.clone().unwrap_or_else(|| site_namespace.to_owned()),
                selector: s.selector.clone(),
                port: s.port.clone(),
                path: s.path.clone(),
                interval: ctx.duration(at("interval"), s.interval.as_ref()),
                timeout: ctx.duration(at("timeout"), s.timeout.as_ref()),
                scheme: s.scheme,
            }
        })
        .collect();
    scrapes.sort_by(|a, b| a.name.cmp(&b.name));
    scrapes
}

fn etcd(ctx: &mut Ctx<'_>, raw: &raw::Etcd, nodes: &[raw::Node]) -> Option<model::Etcd> {
    let mut members: Vec<String> = nodes
        .iter()
        .filter(|n| n.roles.contains(&NodeRole::Etcd))
        .map(|n| n.name.clone())
        .collect();
    members.sort();
    members.dedup();
    if members.is_empty() {
        ctx.error_at_key(
            Code::EtcdNoNodes,
            "/etcd",
            Problem::new(
                "`[etcd]` is set but no node has role `etcd`",
                "add `roles = [\"etcd\"]` to the nodes that run etcd members, or remove `[etcd]`",
            ),
        );
    }
    let cert = &raw.client_cert;
    ctx.check(
        Code::NameInvalid,
        "/etcd/client_cert/secret",
        values::dns_subdomain(&cert.secret),
    );
    for (key, value) in [("cert", &cert.cert), ("key", &cert.key), ("ca", &cert.ca)] {
        ctx.secret_key(&format!("/etcd/client_cert/{key}"), value);
    }
    Some(model::Etcd {
        port: u16::try_from(raw.port.unwrap_or(2379)).ok()?,
        client_cert: model::EtcdClientCert {
            secret: cert.secret.clone(),
            cert: cert.cert.clone(),
            key: cert.key.clone(),
            ca: cert.ca.clone(),
        },
        nodes: members,
    })
}

fn ingress(ctx: &mut Ctx<'_>, raw: &raw::Ingress) -> model::Ingress {
    for (key, value) in [
        ("class", &raw.class),
        ("prometheus", &raw.prometheus),
        ("alertmanager", &raw.alertmanager),
        ("grafana", &raw.grafana),
        ("tls_secret", &raw.tls_secret),
    ] {
        if let Some(value) = value {
            ctx.check(
                Code::NameInvalid,
                format!("/ingress/{key}"),
                values::dns_subdomain(value),
            );
        }
    }
    model::Ingress {
        class: raw.class.clone(),
        prometheus: raw.prometheus.clone(),
        alertmanager: raw.alertmanager.clone(),
        grafana: raw.grafana.clone(),
        tls_secret: raw.tls_secret.clone(),
    }
}

fn api_clients(ctx: &mut Ctx<'_>, raw: &[raw::ApiClient], site_namespace: &str) -> Vec<model::ApiClient> {
    let keys: Vec<String> = raw.iter().map(|c| format!("{}/{}", c.namespace, c.name)).collect();
    ctx.unique(
        "API client",
        keys.iter()
            .enumerate()
            .map(|(i, k)| (format!("/api_clients/{i}/name"), k.as_str())),
    );
    let mut clients: Vec<model::ApiClient> = raw
        .iter()
        .enumerate()
        .map(|(i, c)| {
            ctx.check(
                Code::NameInvalid,
                format!("/api_clients/{i}/name"),
                values::dns_subdomain(&c.name),
            );
            ctx.check(
                Code::NameInvalid,
                format!("/api_clients/{i}/namespace"),
                values::dns_label(&c.namespace),
            );
            if c.namespace == site_namespace {
                ctx.reserved(
                    &format!("/api_clients/{i}/name"),
                    &c.name,
                    "ServiceAccount",
                    RESERVED_SERVICE_ACCOUNTS,
                );
            }
            let resources = c
                .resources
                .iter()
                .enumerate()
                .filter_map(|(j, name)| {
                    let found = API_RESOURCES.iter().find(|r| r.name == name).copied();
                    if found.is_none() {
                        let known: Vec<&str> = API_RESOURCES.iter().map(|r| r.name).collect();
                        ctx.error(
                            Code::ValueApiResource,
                            format!("/api_clients/{i}/resources/{j}"),
                            Problem::new(
                                format!("unknown API resource `{name}`"),
                                format!("use the plural resource name of one of: {}", known.join(", ")),
                            ),
                        );
                    }
                    found
                })
                .collect();
            model::ApiClient {
                name: c.name.clone(),
                namespace: c.namespace.clone(),
                resources,
                verbs: c.verbs.iter().copied().collect(),
            }
        })
        .collect();
    clients.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
    clients
}

fn rule_groups(
    ctx: &mut Ctx<'_>,
    raw: &[raw::RuleGroup],
    files: &[String],
    routes: Option<&crosscheck::Routes<'_>>,
) -> Vec<model::RuleGroup> {
    ctx.unique(
        "rule group",
        raw.iter()
            .enumerate()
            .map(|(i, g)| (format!("/rule_groups/{i}/name"), g.name.as_str())),
    );
    let mut groups: Vec<model::RuleGroup> = raw
        .iter()
        .enumerate()
        .map(|(i, g)| rule_group(ctx, &format!("/rule_groups/{i}"), g, routes))
        .collect();
    let mut seen: BTreeSet<String> = raw.iter().map(|g| g.name.clone()).collect();
    for (i, pattern) in files.iter().enumerate() {
        let pointer = format!("/rule_files/{i}");
        let matched = match ctx.included.globs.get(pattern) {
            Some(Ok(matched)) if !matched.is_empty() => matched.clone(),
            Some(Ok(_)) => {
                ctx.error(Code::RefMissingFile, &pointer, Problem::new(format!("`{pattern}` matches no file"), "patterns are relative to the site file, e.g. `rules/**/*.yaml`; `*` stays within a directory, `**` crosses them"));
                continue;
            }
            Some(Err(e)) => {
                ctx.error(
                    Code::RefMissingFile,
                    &pointer,
                    Problem::new(
                        format!("cannot expand `{pattern}`: {e}"),
                        "write a glob pattern relative to the site file, e.g. `rules/**/*.yaml`",
                    ),
                );
                continue;
            }
            None => {
                ctx.error(
                    Code::RefMissingFile,
                    &pointer,
                    Problem::new(
                        format!("`{pattern}` was not expanded"),
                        "compile the site from its file with `promsite compile`",
                    ),
                );
                continue;
            }
        };
        for file in matched {
            let text = match ctx.included.files.get(&file) {
                Some(Ok(text)) => std::sync::Arc::clone(text),
                Some(Err(e)) => {
                    ctx.error(
                        Code::RefMissingFile,
                        &pointer,
                        Problem::new(
                            format!("cannot read `{file}`: {e}"),
                            "make the file readable, or narrow the pattern",
                        ),
                    );
                    continue;
                }
                None => continue,
            };
            match crate::site::rule_file::parse(&text) {
                Ok((file_groups, spans)) => ctx.in_file(&file, &spans, |ctx| {
                    for (j, group) in file_groups.iter().enumerate() {
                        if !seen.insert(group.name.clone()) {
                            ctx.error(Code::NameDuplicate, format!("/groups/{j}/name"), Problem::new(format!("rule group `{}` is declared twice", group.name), "give each rule group a unique name: each becomes a PrometheusRule of that name"));
                        }
                        if group.rules.is_empty() {
                            ctx.error(Code::RuleFile, format!("/groups/{j}/name"), Problem::new(format!("rule group `{}` has no rules", group.name), "add rules to the group, or remove it"));
                        }
                        groups.push(rule_group(ctx, &format!("/groups/{j}"), group, routes));
                    }
                }),
                Err(e) => ctx.error_in_file(Code::RuleFile, &file, e.span, Problem::new(format!("not a Prometheus rule file: {}", e.message), "a rule file is YAML with `groups:`, each group with `name` and `rules` (as `promtool check rules` reads it)")),
            }
        }
    }
    groups.sort_by(|a, b| a.name.cmp(&b.name));
    groups
}

/// One rule group, inline (`/rule_groups/<i>`) or from a rule file (`/groups/<i>`).
fn rule_group(
    ctx: &mut Ctx<'_>,
    pointer: &str,
    g: &raw::RuleGroup,
    routes: Option<&crosscheck::Routes<'_>>,
) -> model::RuleGroup {
    ctx.check(
        Code::NameInvalid,
        format_args!("{pointer}/name"),
        values::dns_subdomain(&g.name),
    );
    let rules = g
        .rules
        .iter()
        .enumerate()
        .filter_map(|(j, r)| rule(ctx, &format!("{pointer}/rules/{j}"), r, routes))
        .collect();
    model::RuleGroup {
        name: g.name.clone(),
        interval: ctx.duration(format_args!("{pointer}/interval"), g.interval.as_ref()),
        rules,
    }
}

fn rule(
    ctx: &mut Ctx<'_>,
    pointer: &str,
    raw: &raw::Rule,
    routes: Option<&crosscheck::Routes<'_>>,
) -> Option<model::Rule> {
    let kind = match (&raw.alert, &raw.record) {
        (Some(alert), None) => {
            name_of_rule(ctx, format_args!("{pointer}/alert"), alert, "alert");
            if let Some(routes) = routes {
                crosscheck::alert_rule(ctx, pointer, alert, &raw.labels, routes);
            }
            model::RuleKind::Alert(alert.clone())
        }
        (None, Some(record)) => {
            name_of_rule(ctx, format_args!("{pointer}/record"), record, "record");
            for (key, present) in [
                ("for", raw.for_duration.is_some()),
                ("keep_firing_for", raw.keep_firing_for.is_some()),
                ("annotations", !raw.annotations.is_empty()),
            ] {
                if present {
                    ctx.error_at_key(
                        Code::RuleKind,
                        format!("{pointer}/{key}"),
                        Problem::new(
                            format!("a recording rule cannot have `{key}`"),
                            format!("remove `{key}`, or make this an alerting rule with `alert = \"...\"`"),
                        ),
                    );
                }
            }
            model::RuleKind::Record(record.clone())
        }
        (Some(_), Some(_)) => {
            ctx.error_at_key(
                Code::RuleKind,
                format!("{pointer}/record"),
                Problem::new(
                    "a rule cannot have both `alert` and `record`",
                    "split it into an alerting rule and a recording rule",
                ),
            );
            return None;
        }
        (None, None) => {
            ctx.error(Code::RuleKind, pointer, Problem::new("a rule needs `alert` or `record`", "add `alert = \"Name\"` for an alerting rule or `record = \"level:metric:operation\"` for a recording rule"));
            return None;
        }
    };
    let verdict = ctx.promql.check(&raw.expr);
    ctx.check(Code::PromqlSyntax, format_args!("{pointer}/expr"), verdict);
    for (section, map) in [("labels", &raw.labels), ("annotations", &raw.annotations)] {
        for (key, value) in map {
            let at = || format!("{pointer}/{section}/{}", escape(key));
            if let Err(problem) = values::label_name(key) {
                ctx.error_at_key(Code::ValueLabelName, at(), problem);
            }
            if let Err(problem) = go_template::template(value) {
                ctx.error(Code::AlertTemplate, at(), problem);
            }
        }
    }
    Some(model::Rule {
        kind,
        expr: raw.expr.clone(),
        for_duration: ctx.duration(format_args!("{pointer}/for"), raw.for_duration.as_ref()),
        keep_firing_for: ctx.duration(format_args!("{pointer}/keep_firing_for"), raw.keep_firing_for.as_ref()),
        labels: raw.labels.clone(),
        annotations: raw.annotations.clone(),
    })
}

fn name_of_rule(ctx: &mut Ctx<'_>, pointer: impl std::fmt::Display, name: &str, what: &str) {
    if !values::metric_name(name) {
        ctx.error(
            Code::RuleName,
            pointer,
            Problem::new(
                format!("`{name}` is not a valid {what} name"),
                "use letters, digits, `_` and `:`, not starting with a digit, e.g. `OcrPodRestart`",
            ),
        );
    }
}
