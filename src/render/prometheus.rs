//! The Prometheus server: its `Prometheus` resource, ServiceAccount and discovery RBAC, Service,
//! self-monitoring, and the local PersistentVolumes that hold its data (see `common::local_volumes`).

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::{Service, ServiceAccount};
use k8s_openapi::api::rbac::v1::{Role, RoleBinding, RoleRef, Subject};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

use super::common::{self, managed_namespaces, meta, namespaces_selector, operator_pod_labels};
use super::crd::{
    AlertingSpec, AlertmanagerEndpoint, Argument, Custom, PrometheusSpec, QuerySpec, QueueConfig, RemoteWriteSpec,
    SecretKeySelector, ThanosSpec, relabel_configs,
};
use super::exposure;
use super::object::Object;
use super::workload::{cluster_grant, reloader_objects, rule, url_rule, web_monitor, web_service};
use crate::model::names::{ALERTMANAGER, PROMETHEUS, PROMETHEUS_INSTANCE, PROMETHEUS_PORT, PROMETHEUS_RELOADER};
use crate::model::scale::RemoteWrite;
use crate::model::{Image, Site};

/// Where the operator mounts `spec.secrets` in Prometheus pods.
pub(super) const SECRETS_DIR: &str = "/etc/prometheus/secrets";
const COMPONENT: &str = "prometheus";

/// All objects of the Prometheus component.
pub(super) fn render(site: &Site) -> Vec<Object> {
    let mut objects = vec![
        ServiceAccount {
            metadata: meta(site, &site.namespace, PROMETHEUS, COMPONENT),
            ..ServiceAccount::default()
        }
        .into(),
        service(site).into(),
        web_monitor(
            site,
            PROMETHEUS,
            COMPONENT,
            site.prometheus_path(),
            site.prometheus.web_tls.as_ref(),
        )
        .into(),
        Custom::new(meta(site, &site.namespace, PROMETHEUS_INSTANCE, COMPONENT), spec(site)).into(),
    ];
    objects.extend(reloader_objects(site, PROMETHEUS_RELOADER, pod_labels()));
    for namespace in discovery_namespaces(site) {
        objects.push(discovery_role(site, &namespace).into());
        objects.push(discovery_binding(site, &namespace).into());
    }
    if site.control_plane {
        objects.extend(node_metrics_access(site));
    }
    objects.extend(common::disruption_budget(
        site,
        PROMETHEUS,
        COMPONENT,
        pod_labels(),
        site.prometheus.replicas,
    ));
    objects.extend(local_volumes(site));
    objects
}

/// Kubelet and cAdvisor metrics are read through the node proxy and `/metrics` URLs, which only a
/// ClusterRole can grant.
fn node_metrics_access(site: &Site) -> Vec<Object> {
    cluster_grant(
        site,
        PROMETHEUS,
        COMPONENT,
        vec![
            rule(&[""], &["nodes", "nodes/metrics"], &["get", "list", "watch"]),
            url_rule(&["/metrics", "/metrics/slis"], &["get"]),
        ],
    )
}

fn pod_labels() -> BTreeMap<String, String> {
    operator_pod_labels(COMPONENT, PROMETHEUS_INSTANCE)
}

fn spec(site: &Site) -> PrometheusSpec {
    let prometheus = &site.prometheus;
    // The CRD's maxSamples is an int32; larger limits go to the flag, which takes an int64.
    let (query, additional_args) = match prometheus.query_max_samples.map(i32::try_from) {
        Some(Ok(max_samples)) => (Some(QuerySpec { max_samples }), None),
        Some(Err(_)) => (
            None,
            Some(vec![Argument {
                name: "query.max-samples".to_owned(),
                value: prometheus.query_max_samples.map(|n| n.to_string()),
            }]),
        ),
        None => (None, None),
    };
    let secrets: BTreeSet<String> = site.etcd.iter().map(|e| e.client_cert.secret.clone()).collect();
    let selectors = Selectors::of(site);
    PrometheusSpec {
        version: Some(prometheus.version.clone()),
        image: Some(site.image(Image::Prometheus)),
        image_pull_secrets: common::pull_secrets(site),
        replicas: Some(prometheus.replicas),
        shards: (prometheus.shards > 1).then_some(prometheus.shards),
        service_account_name: Some(PROMETHEUS.to_owned()),
        external_url: exposure::external_url(site.ingress.as_ref().and_then(|i| i.prometheus.as_ref())),
        route_prefix: exposure::route_prefix(site.prometheus_path()),
        web: exposure::web_spec(prometheus.web_tls.as_ref()),
        retention: Some(prometheus.retention.to_string()),
        evaluation_interval: Some(prometheus.evaluation_interval.to_string()),
        scrape_interval: Some(prometheus.scrape_interval.to_string()),
        // The operator's default, written out: alerts and series from the replicas differ only in it,
        // which is how Alertmanager and Thanos deduplicate them.
        replica_external_label_name: Some("prometheus_replica".to_owned()),
        external_labels: (!prometheus.external_labels.is_empty()).then(|| prometheus.external_labels.clone()),
        enable_admin_api: prometheus.admin_api.then_some(true),
        query,
        additional_args,
        resources: common::resources(&prometheus.resources),
        priority_class_name: prometheus.priority_class.clone(),
        retention_size: prometheus.retention_size.clone(),
        storage: prometheus
            .storage
            .as_ref()
            .map(|storage| common::storage_spec(site, COMPONENT, storage)),
        secrets: (!secrets.is_empty()).then(|| secrets.into_iter().collect()),
        security_context: Some(common::non_root()),
        affinity: common::affinity(&prometheus.placement, &pod_labels(), prometheus.replicas),
        tolerations: common::tolerations(site, &prometheus.placement),
        alerting: Some(AlertingSpec {
            alertmanagers: vec![AlertmanagerEndpoint {
                namespace: site.namespace.clone(),
                name: ALERTMANAGER.to_owned(),
                port: "web".to_owned(),
                scheme: site.alertmanager.web_tls.as_ref().map(|_| "https".to_owned()),
                path_prefix: exposure::route_prefix(site.alertmanager_path()),
                tls_config: site
                    .alertmanager
                    .web_tls
                    .as_ref()
                    .map(|t| exposure::client_tls(site, ALERTMANAGER, t)),
                api_version: "v2".to_owned(),
            }],
        }),
        remote_write: (!prometheus.remote_write.is_empty())
            .then(|| prometheus.remote_write.iter().map(remote_write).collect()),
        thanos: prometheus.thanos.as_ref().map(|t| ThanosSpec {
            version: t.version.clone(),
            image: site.image(Image::Thanos),
            object_storage_config: t.object_storage.as_ref().map(|s| SecretKeySelector {
                name: s.secret.clone(),
                key: s.key.clone(),
            }),
            resources: common::resources(&t.resources),
        }),
        rule_selector: selectors.rules.as_ref().map(|_| LabelSelector::default()),
        rule_namespace_selector: selectors.rules.as_deref().map(namespaces_selector),
        service_monitor_selector: selectors.service_monitors.as_ref().map(|_| LabelSelector::default()),
        service_monitor_namespace_selector: selectors.service_monitors.as_deref().map(namespaces_selector),
        pod_monitor_selector: selectors.pod_monitors.as_ref().map(|_| LabelSelector::default()),
        pod_monitor_namespace_selector: selectors.pod_monitors.as_deref().map(namespaces_selector),
        probe_selector: selectors.probes.as_ref().map(|_| LabelSelector::default()),
        probe_namespace_selector: selectors.probes.as_deref().map(namespaces_selector),
        scrape_config_selector: selectors.scrape_configs.as_ref().map(|_| LabelSelector::default()),
        scrape_config_namespace_selector: selectors.scrape_configs.as_deref().map(namespaces_selector),
        enforced_sample_limit: prometheus.scrape_limits.sample_limit,
        enforced_target_limit: prometheus.scrape_limits.target_limit,
        enforced_label_limit: prometheus.scrape_limits.label_limit,
        enforced_label_name_length_limit: prometheus.scrape_limits.label_name_length_limit,
        enforced_label_value_length_limit: prometheus.scrape_limits.label_value_length_limit,
        enforced_body_size_limit: prometheus.scrape_limits.body_size_limit.clone(),
    }
}

fn remote_write(endpoint: &RemoteWrite) -> RemoteWriteSpec {
    let (basic_auth, authorization, tls_config) = super::targets::client(&endpoint.auth);
    RemoteWriteSpec {
        name: endpoint.name.clone(),
        url: endpoint.url.clone(),
        remote_timeout: endpoint.remote_timeout.as_ref().map(ToString::to_string),
        headers: (!endpoint.headers.is_empty()).then(|| endpoint.headers.clone()),
        basic_auth,
        authorization,
        tls_config,
        queue_config: endpoint.queue.as_ref().map(|q| QueueConfig {
            capacity: q.capacity,
            min_shards: q.min_shards,
            max_shards: q.max_shards,
            max_samples_per_send: q.max_samples_per_send,
            batch_send_deadline: q.batch_send_deadline.as_ref().map(ToString::to_string),
            min_backoff: q.min_backoff.as_ref().map(ToString::to_string),
            max_backoff: q.max_backoff.as_ref().map(ToString::to_string),
            retry_on_rate_limit: q.retry_on_rate_limit,
        }),
        write_relabel_configs: relabel_configs(&endpoint.write_relabel),
    }
}

/// For each kind of monitoring object, the namespaces Prometheus takes them from: the site's own
/// namespace where promsite generates that kind, and the namespace of every API client allowed to
/// create it. Every object in those namespaces is taken (an empty selector), so a client's objects
/// never need a promsite label; objects anywhere else never are. `None` selects nothing (the
/// operator reads a missing selector as "none").
struct Selectors {
    rules: Option<Vec<String>>,
    service_monitors: Option<Vec<String>>,
    pod_monitors: Option<Vec<String>>,
    probes: Option<Vec<String>>,
    scrape_configs: Option<Vec<String>>,
}

impl Selectors {
    fn of(site: &Site) -> Self {
        Self {
            rules: managed_namespaces(site, "prometheusrules", !site.rule_groups.is_empty()),
            service_monitors: managed_namespaces(site, "servicemonitors", true),
            pod_monitors: managed_namespaces(site, "podmonitors", !site.pod_monitors.is_empty()),
            probes: managed_namespaces(site, "probes", !site.probes.is_empty()),
            scrape_configs: managed_namespaces(site, "scrapeconfigs", !site.static_scrapes.is_empty()),
        }
    }
}

/// Namespaces Prometheus discovers targets in, each needing a Role: its own (self-monitoring and
/// etcd), every namespace a `[[scrape]]` or `[[pod_monitor]]` looks in, and the namespaces of API
/// clients that manage monitors.
pub(super) fn discovery_namespaces(site: &Site) -> BTreeSet<String> {
    let mut namespaces = BTreeSet::from([site.namespace.clone()]);
    namespaces.extend(
        site.scrapes
            .iter()
            .chain(&site.pod_monitors)
            .flat_map(|s| s.namespaces.iter().cloned()),
    );
    namespaces.extend(
        site.api_clients
            .iter()
            .filter(|c| c.manages("servicemonitors") || c.manages("podmonitors"))
            .map(|c| c.namespace.clone()),
    );
    if site.control_plane {
        // The kubelet, CoreDNS, controller-manager and scheduler Services live in kube-system; the API server's in default.
        namespaces.extend(["default".to_owned(), "kube-system".to_owned()]);
    }
    namespaces
}

fn discovery_role(site: &Site, namespace: &str) -> Role {
    let read = ["get", "list", "watch"];
    Role {
        metadata: meta(site, namespace, PROMETHEUS, COMPONENT),
        rules: Some(vec![
            rule(&[""], &["endpoints", "pods", "services"], &read),
            rule(&["discovery.k8s.io"], &["endpointslices"], &read),
        ]),
    }
}

fn discovery_binding(site: &Site, namespace: &str) -> RoleBinding {
    RoleBinding {
        metadata: meta(site, namespace, PROMETHEUS, COMPONENT),
        role_ref: RoleRef {
            api_group: "rbac.authorization.k8s.io".to_owned(),
            kind: "Role".to_owned(),
            name: PROMETHEUS.to_owned(),
        },
        subjects: Some(vec![Subject {
            kind: "ServiceAccount".to_owned(),
            name: PROMETHEUS.to_owned(),
            namespace: Some(site.namespace.clone()),
            ..Subject::default()
        }]),
    }
}

fn service(site: &Site) -> Service {
    web_service(
        site,
        PROMETHEUS,
        COMPONENT,
        pod_labels(),
        PROMETHEUS_PORT,
        site.prometheus.node_port,
    )
}

/// The claim the operator creates for replica `replica` of shard `shard`: `<template>-<pod>`, where
/// the template defaults to `prometheus-<name>-db` and the pod is `<statefulset>-<replica>`; the
/// StatefulSet of shard 0 is `prometheus-<name>`, of shard N `prometheus-<name>-shard-N`.
fn claim_name(shard: usize, replica: usize) -> String {
    let statefulset = if shard == 0 {
        format!("prometheus-{PROMETHEUS_INSTANCE}")
    } else {
        format!("prometheus-{PROMETHEUS_INSTANCE}-shard-{shard}")
    };
    format!("prometheus-{PROMETHEUS_INSTANCE}-db-{statefulset}-{replica}")
}

/// Local volumes: node `i` holds replica `i / shards` of shard `i % shards`, so adding replicas only
/// adds volumes (changing the shard count reshuffles, as it reshuffles the targets anyway).
fn local_volumes(site: &Site) -> Vec<Object> {
    let shards = usize::try_from(site.prometheus.shards.max(1)).unwrap_or(1);
    common::local_volumes(
        site,
        COMPONENT,
        site.prometheus.storage.as_ref(),
        &site.prometheus.placement,
        |ordinal| claim_name(ordinal % shards, ordinal / shards),
    )
}
