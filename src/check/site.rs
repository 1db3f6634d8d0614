//! The hub of the semantic passes: walks the site's sections in a fixed order, hands each to its
//! pass, and assembles the model from what they return. Passes never call back here; what they
//! share is in `ctx`. Problems are collected, never returned early, so one run reports them all.

use std::collections::BTreeSet;

use super::scrapes::Kind;
use super::syntax::values::{self, Problem};
use super::{
    Ctx, adapter, alertmanager, api_clients, blackbox, crosscheck, etcd, exporters, grafana, images, ingress,
    inhibit_rules, nodes, operator, ports, prometheus, receivers, resources, routes, rules, scrapes, targets,
    time_intervals, versions,
};
use crate::diag::Code;
use crate::model;
use crate::site::raw;

/// Checks every section and builds the model; `None` when anything failed.
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
    let nodes = nodes::nodes(ctx, &raw.nodes);
    let declared: Vec<&str> = raw.nodes.iter().map(|n| n.name.as_str()).collect();
    let prometheus = prometheus::prometheus(ctx, &raw.prometheus, &declared);
    let version = raw.alertmanager.version.as_deref().map_or_else(
        || versions::parse(model::DEFAULT_ALERTMANAGER_VERSION).ok(),
        |v| ctx.check(Code::ValueVersion, "/alertmanager/version", versions::parse(v)),
    );
    let alertmanager = alertmanager::alertmanager(ctx, &raw.alertmanager, &declared, version);
    let receivers = receivers::receivers(ctx, &raw.receivers, version, raw.alertmanager.smtp.is_some());
    let receiver_names: BTreeSet<&str> = raw.receivers.iter().map(|r| r.name.as_str()).collect();
    let interval_names: BTreeSet<&str> = raw.time_intervals.iter().map(|t| t.name.as_str()).collect();
    let route = routes::route(
        ctx,
        &raw.route,
        "/route",
        &routes::Names {
            receivers: &receiver_names,
            intervals: &interval_names,
        },
        true,
    );
    routes::unused_receivers(ctx, raw);
    let inhibit_rules = inhibit_rules::inhibit_rules(ctx, &raw.inhibit_rules);
    let time_intervals = time_intervals::time_intervals(ctx, &raw.time_intervals, version);
    let defaults = scrapes::Defaults {
        scrape_interval: &prometheus.scrape_interval,
        version: versions::prometheus(raw.prometheus.version.as_deref()),
    };
    let scrapes = scrapes::scrapes(ctx, Kind::Service, &raw.scrape, &raw.site.namespace, &defaults);
    let pod_monitors = scrapes::scrapes(ctx, Kind::Pod, &raw.pod_monitor, &raw.site.namespace, &defaults);
    let static_scrapes = targets::static_scrapes(ctx, &raw.static_scrape, &defaults);
    let probes = targets::probes(ctx, &raw.probe, &prometheus.scrape_interval);
    let blackbox = blackbox::blackbox(ctx, raw, &declared);
    let etcd = raw.etcd.as_ref().and_then(|e| etcd::etcd(ctx, e, &raw.nodes));
    let ingress = raw
        .ingress
        .as_ref()
        .map(|i| ingress::ingress(ctx, i, raw.grafana.enabled.unwrap_or(true)));
    ingress::exposure(ctx, raw);
    let api_clients = api_clients::api_clients(ctx, &raw.api_clients, &raw.site.namespace);
    // The cross-checks compare matchers and labels that checked out; with errors they would only add noise.
    let routes = route.as_ref().filter(|_| !ctx.failed()).map(crosscheck::Routes::of);
    let rule_groups = rules::rule_groups(
        ctx,
        &raw.rule_groups,
        &raw.rule_files,
        raw.prometheus.version.as_deref(),
        routes.as_ref(),
    );
    // `crosscheck::unset_severities` runs in `default_rules::apply`, which knows the default rules too.
    let operator = operator::operator(ctx, &raw.operator, &declared);
    let kube_state_metrics = exporters::kube_state_metrics(ctx, &raw.kube_state_metrics, &declared);
    let node_exporter = exporters::node_exporter(ctx, &raw.node_exporter);
    let grafana = grafana::grafana(ctx, &raw.grafana, &declared);
    let adapter = adapter::adapter(ctx, &raw.adapter, &declared, raw.control_plane.enabled.unwrap_or(true));
    for (i, namespace) in raw.network_policies.ingress_namespaces.iter().flatten().enumerate() {
        ctx.check(
            Code::NameInvalid,
            format!("/network_policies/ingress_namespaces/{i}"),
            values::dns_label(namespace),
        );
    }
    let images = images::images(ctx, &raw.images);
    ports::ports(ctx, raw);
    if ctx.failed() {
        return None;
    }
    let site = model::Site {
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
        pod_monitors,
        static_scrapes,
        probes,
        blackbox,
        etcd,
        ingress,
        api_clients,
        rule_groups,
        operator,
        node_exporter,
        kube_state_metrics,
        control_plane: raw.control_plane.enabled.unwrap_or(true),
        kube_proxy: raw.control_plane.enabled.unwrap_or(true) && raw.control_plane.kube_proxy.unwrap_or(false),
        cardinality: model::Guard::ALL
            .into_iter()
            .filter(|guard| {
                let switch = match guard {
                    model::Guard::Kubelet => raw.cardinality.kubelet,
                    model::Guard::Cadvisor => raw.cardinality.cadvisor,
                    model::Guard::Apiserver => raw.cardinality.apiserver,
                    model::Guard::Etcd => raw.cardinality.etcd,
                    model::Guard::ControllerManager => raw.cardinality.controller_manager,
                };
                switch.unwrap_or(true)
            })
            .collect(),
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
        // Set and applied by `default_rules`, which needs the finished site.
        default_rules: None,
        images,
    };
    resources::capacity(ctx, &site, &raw.nodes);
    (!ctx.failed()).then_some(site)
}
