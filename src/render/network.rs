//! NetworkPolicies for the stack's own pods (when `[network_policies]` is on). Each admits only
//! what the stack needs: scrapes from Prometheus, the web UIs from the site's namespace and the
//! ingress controllers' namespaces (from anywhere when the UI has a NodePort), and Alertmanager's
//! mesh between its replicas. Egress is not restricted, so Prometheus reaches targets in any namespace. Pods on the host network
//! (node-exporter, Alertmanager with `host_network`) are outside NetworkPolicy's reach.

use std::collections::BTreeMap;

use k8s_openapi::api::networking::v1::{
    NetworkPolicy, NetworkPolicyIngressRule, NetworkPolicyPeer, NetworkPolicyPort, NetworkPolicySpec,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::common::{meta, namespaces_selector, operator_pod_labels};
use super::object::Object;
use crate::model::Site;
use crate::model::names::{
    ALERTMANAGER, ALERTMANAGER_CLUSTER_PORT, ALERTMANAGER_INSTANCE, ALERTMANAGER_PORT, GRAFANA, GRAFANA_PORT,
    KUBE_STATE_METRICS, KUBE_STATE_METRICS_PORT, KUBE_STATE_METRICS_TELEMETRY_PORT, OPERATOR, OPERATOR_PORT,
    PROMETHEUS, PROMETHEUS_INSTANCE, PROMETHEUS_PORT, RELOADER_PORT, THANOS_GRPC_PORT,
};

/// The policies, if enabled.
pub(super) fn render(site: &Site) -> Vec<Object> {
    let Some(ingress_namespaces) = &site.network_policies else {
        return Vec::new();
    };
    let prometheus_pods = operator_pod_labels("prometheus", PROMETHEUS_INSTANCE);
    let alertmanager_pods = operator_pod_labels("alertmanager", ALERTMANAGER_INSTANCE);
    let mut ui_namespaces = ingress_namespaces.clone();
    ui_namespaces.push(site.namespace.clone());
    ui_namespaces.sort();
    ui_namespaces.dedup();
    let from_namespaces = || NetworkPolicyPeer {
        namespace_selector: Some(namespaces_selector(&ui_namespaces)),
        ..NetworkPolicyPeer::default()
    };
    // A NodePort's clients are outside the cluster (and often SNATed to a node's address), so no
    // namespace selector admits them: a web port with a NodePort is open to every source.
    let web = |node_port: Option<u16>, port: (&str, i32), others: &[(&str, i32)]| {
        if node_port.is_none() {
            return vec![allow(vec![from_namespaces()], &[&[port], others].concat())];
        }
        let mut rules = vec![NetworkPolicyIngressRule {
            from: None,
            ..allow(Vec::new(), &[port])
        }];
        rules.extend((!others.is_empty()).then(|| allow(vec![from_namespaces()], others)));
        rules
    };
    let from_pods = |labels: &BTreeMap<String, String>| NetworkPolicyPeer {
        pod_selector: Some(LabelSelector {
            match_labels: Some(labels.clone()),
            ..LabelSelector::default()
        }),
        ..NetworkPolicyPeer::default()
    };
    // Prometheus scrapes the operator's config-reloader sidecars in both kinds of pods.
    let reloader = || allow(vec![from_pods(&prometheus_pods)], &[("TCP", RELOADER_PORT)]);
    let name_label = |name: &str| BTreeMap::from([("app.kubernetes.io/name".to_owned(), name.to_owned())]);
    let mut policies = vec![
        // The Thanos sidecar's gRPC port serves Thanos Query, which runs beside the UIs' clients.
        policy(
            site,
            PROMETHEUS,
            &prometheus_pods,
            [
                web(
                    site.prometheus.node_port,
                    ("TCP", PROMETHEUS_PORT),
                    if site.prometheus.thanos.is_some() {
                        &[("TCP", THANOS_GRPC_PORT)]
                    } else {
                        &[]
                    },
                ),
                vec![reloader()],
            ]
            .concat(),
        ),
        policy(
            site,
            ALERTMANAGER,
            &alertmanager_pods,
            [
                web(site.alertmanager.node_port, ("TCP", ALERTMANAGER_PORT), &[]),
                vec![allow(
                    vec![from_pods(&alertmanager_pods)],
                    &[("TCP", ALERTMANAGER_CLUSTER_PORT), ("UDP", ALERTMANAGER_CLUSTER_PORT)],
                )],
                vec![reloader()],
            ]
            .concat(),
        ),
    ];
    if let Some(grafana) = &site.grafana {
        policies.push(policy(
            site,
            GRAFANA,
            &name_label(GRAFANA),
            web(grafana.node_port, ("TCP", GRAFANA_PORT), &[]),
        ));
    }
    if site.kube_state_metrics.is_some() {
        policies.push(policy(
            site,
            KUBE_STATE_METRICS,
            &name_label(KUBE_STATE_METRICS),
            vec![allow(
                vec![from_pods(&prometheus_pods)],
                &[
                    ("TCP", KUBE_STATE_METRICS_PORT),
                    ("TCP", KUBE_STATE_METRICS_TELEMETRY_PORT),
                ],
            )],
        ));
    }
    if site.operator.is_some() {
        policies.push(policy(
            site,
            OPERATOR,
            &name_label(OPERATOR),
            vec![allow(vec![from_pods(&prometheus_pods)], &[("TCP", OPERATOR_PORT)])],
        ));
    }
    policies.into_iter().map(Object::from).collect()
}

fn allow(from: Vec<NetworkPolicyPeer>, ports: &[(&str, i32)]) -> NetworkPolicyIngressRule {
    NetworkPolicyIngressRule {
        from: Some(from),
        ports: Some(
            ports
                .iter()
                .map(|(protocol, port)| NetworkPolicyPort {
                    protocol: Some((*protocol).to_owned()),
                    port: Some(IntOrString::Int(*port)),
                    ..NetworkPolicyPort::default()
                })
                .collect(),
        ),
    }
}

fn policy(
    site: &Site,
    name: &str,
    pods: &BTreeMap<String, String>,
    ingress: Vec<NetworkPolicyIngressRule>,
) -> NetworkPolicy {
    NetworkPolicy {
        metadata: meta(site, &site.namespace, name, "network-policy"),
        spec: Some(NetworkPolicySpec {
            pod_selector: Some(LabelSelector {
                match_labels: Some(pods.clone()),
                ..LabelSelector::default()
            }),
            policy_types: Some(vec!["Ingress".to_owned()]),
            ingress: Some(ingress),
            ..NetworkPolicySpec::default()
        }),
    }
}
