//! Builders shared by the components: RBAC, Services (including selector-less Services for
//! host processes), ServiceMonitors and pod templates.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    Container, ContainerPort, EndpointAddress, EndpointPort, EndpointSubset, Endpoints, PodSpec, PodTemplateSpec,
    Service, ServiceAccount, ServicePort, ServiceSpec,
};
use k8s_openapi::api::rbac::v1::{ClusterRole, ClusterRoleBinding, PolicyRule, RoleRef, Subject};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::common::{self, cluster_meta, meta};
use super::crd::{Custom, Endpoint, NamespaceSelector, ServiceMonitorSpec, TlsConfig};
use super::object::Object;
use crate::model::names::{RELOADER_PORT, RELOADER_PORT_NAME};
use crate::model::{Node, Site, WebTls};

/// One RBAC rule.
pub(super) fn rule(groups: &[&str], resources: &[&str], verbs: &[&str]) -> PolicyRule {
    let owned = |items: &[&str]| items.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    PolicyRule {
        api_groups: Some(owned(groups)),
        resources: Some(owned(resources)),
        verbs: owned(verbs),
        ..PolicyRule::default()
    }
}

/// A rule for non-resource URLs such as `/metrics`.
pub(super) fn url_rule(urls: &[&str], verbs: &[&str]) -> PolicyRule {
    PolicyRule {
        non_resource_urls: Some(urls.iter().map(|s| (*s).to_owned()).collect()),
        verbs: verbs.iter().map(|s| (*s).to_owned()).collect(),
        ..PolicyRule::default()
    }
}

/// A ServiceAccount in the site's namespace with a ClusterRole of `rules` bound to it, all named `name`.
pub(super) fn cluster_identity(site: &Site, name: &str, component: &str, rules: Vec<PolicyRule>) -> Vec<Object> {
    let mut objects: Vec<Object> = vec![
        ServiceAccount {
            metadata: meta(site, &site.namespace, name, component),
            ..ServiceAccount::default()
        }
        .into(),
    ];
    objects.extend(cluster_grant(site, name, component, rules));
    objects
}

/// A ClusterRole of `rules` bound to the ServiceAccount `name` of the site's namespace, both named `name`.
pub(super) fn cluster_grant(site: &Site, name: &str, component: &str, rules: Vec<PolicyRule>) -> Vec<Object> {
    vec![
        ClusterRole {
            metadata: cluster_meta(site, name, component),
            rules: Some(rules),
            ..ClusterRole::default()
        }
        .into(),
        ClusterRoleBinding {
            metadata: cluster_meta(site, name, component),
            role_ref: RoleRef {
                api_group: "rbac.authorization.k8s.io".to_owned(),
                kind: "ClusterRole".to_owned(),
                name: name.to_owned(),
            },
            subjects: Some(vec![Subject {
                kind: "ServiceAccount".to_owned(),
                name: name.to_owned(),
                namespace: Some(site.namespace.clone()),
                ..Subject::default()
            }]),
        }
        .into(),
    ]
}

/// A Service in the site's namespace exposing `port` as `port_name` of the pods with `selector`.
pub(super) fn service(
    site: &Site,
    name: &str,
    component: &str,
    selector: BTreeMap<String, String>,
    port_name: &str,
    port: i32,
) -> Service {
    Service {
        metadata: meta(site, &site.namespace, name, component),
        spec: Some(ServiceSpec {
            ports: Some(vec![ServicePort {
                name: Some(port_name.to_owned()),
                port,
                target_port: Some(IntOrString::String(port_name.to_owned())),
                ..ServicePort::default()
            }]),
            selector: Some(selector),
            ..ServiceSpec::default()
        }),
        ..Service::default()
    }
}

/// A web UI Service on port `web`: sticky per client (replicas' data differ slightly), and a
/// NodePort Service when `node_port` is set.
pub(super) fn web_service(
    site: &Site,
    name: &str,
    component: &str,
    selector: BTreeMap<String, String>,
    port: i32,
    node_port: Option<u16>,
) -> Service {
    let mut service = service(site, name, component, selector, "web", port);
    if let Some(spec) = service.spec.as_mut() {
        spec.session_affinity = Some("ClientIP".to_owned());
        if let Some(node_port) = node_port {
            spec.type_ = Some("NodePort".to_owned());
            if let Some(port) = spec.ports.as_mut().and_then(|p| p.first_mut()) {
                port.node_port = Some(i32::from(node_port));
            }
        }
    }
    service
}

/// A ServiceMonitor in the site's namespace for Services labelled `selector` in `namespaces`
/// (the site's own namespace when `None`).
pub(super) fn monitor(
    site: &Site,
    name: &str,
    component: &str,
    selector: BTreeMap<String, String>,
    namespaces: Option<Vec<String>>,
    endpoints: Vec<Endpoint>,
) -> Custom<ServiceMonitorSpec> {
    Custom::new(
        meta(site, &site.namespace, name, component),
        ServiceMonitorSpec {
            job_label: Some("app.kubernetes.io/name".to_owned()),
            selector: LabelSelector {
                match_labels: Some(selector),
                ..LabelSelector::default()
            },
            namespace_selector: namespaces.map(|match_names| NamespaceSelector { match_names }),
            endpoints,
            ..ServiceMonitorSpec::default()
        },
    )
}

/// The labels that pick out a promsite Service of `component` (without the managed-by label, which
/// Services of other tools may share).
pub(super) fn service_selector(site: &Site, component: &str) -> BTreeMap<String, String> {
    let mut labels = common::labels(site, component);
    labels.remove(common::MANAGED_BY_LABEL);
    labels
}

/// A ServiceMonitor for the `web` port of the promsite Service `name`, served under `path` (a
/// route prefix, empty at the root) and over HTTPS when `tls` is set.
pub(super) fn web_monitor(
    site: &Site,
    name: &str,
    component: &str,
    path: &str,
    tls: Option<&WebTls>,
) -> Custom<ServiceMonitorSpec> {
    let mut monitor = port_monitor(site, name, component, "web");
    if let Some(endpoint) = monitor.spec.endpoints.first_mut() {
        endpoint.path = (!path.is_empty()).then(|| format!("{path}/metrics"));
        if let Some(tls) = tls {
            let client = super::exposure::client_tls(site, name, tls);
            endpoint.scheme = Some("https".to_owned());
            endpoint.tls_config = Some(TlsConfig {
                ca: client.ca,
                server_name: client.server_name,
                ..TlsConfig::default()
            });
        }
    }
    monitor
}

/// A ServiceMonitor for port `port` of the promsite Services of `component`; the job is the Service's name.
fn port_monitor(site: &Site, name: &str, component: &str, port: &str) -> Custom<ServiceMonitorSpec> {
    let mut monitor = monitor(
        site,
        name,
        component,
        service_selector(site, component),
        None,
        vec![Endpoint {
            port: port.to_owned(),
            ..Endpoint::default()
        }],
    );
    monitor.spec.job_label = None;
    monitor
}

/// A ClusterIP Service `name` for the `config-reloader` sidecar the operator adds to the pods with
/// `selector`, and its ServiceMonitor. A Service of its own, not a second port on the web Service:
/// a NodePort Service opens a node port for every port it has, and the sidecar must not be
/// reachable from outside the cluster. The operator's governing Services have no reloader port.
pub(super) fn reloader_objects(site: &Site, name: &str, selector: BTreeMap<String, String>) -> Vec<Object> {
    vec![
        service(site, name, name, selector, RELOADER_PORT_NAME, RELOADER_PORT).into(),
        port_monitor(site, name, name, RELOADER_PORT_NAME).into(),
    ]
}

/// A headless Service without a selector and its Endpoints at the nodes' addresses: how
/// Prometheus discovers processes that run on hosts, not in pods (etcd, static control-plane pods
/// on the host network).
pub(super) fn host_service(
    site: &Site,
    namespace: &str,
    name: &str,
    port_name: &str,
    port: u16,
    nodes: &[&Node],
) -> Vec<Object> {
    let port = i32::from(port);
    let service = Service {
        metadata: meta(site, namespace, name, name),
        spec: Some(ServiceSpec {
            cluster_ip: Some("None".to_owned()),
            ports: Some(vec![ServicePort {
                name: Some(port_name.to_owned()),
                port,
                target_port: Some(IntOrString::Int(port)),
                ..ServicePort::default()
            }]),
            ..ServiceSpec::default()
        }),
        ..Service::default()
    };
    let addresses = nodes
        .iter()
        .map(|node| EndpointAddress {
            ip: node.address.to_string(),
            node_name: Some(node.name.clone()),
            ..EndpointAddress::default()
        })
        .collect();
    let endpoints = Endpoints {
        metadata: meta(site, namespace, name, name),
        subsets: Some(vec![EndpointSubset {
            addresses: Some(addresses),
            ports: Some(vec![EndpointPort {
                name: Some(port_name.to_owned()),
                port,
                protocol: Some("TCP".to_owned()),
                ..EndpointPort::default()
            }]),
            ..EndpointSubset::default()
        }]),
    };
    vec![service.into(), endpoints.into()]
}

/// A container with named ports.
pub(super) fn container(name: &str, image: String, args: &[&str], ports: &[(&str, i32)]) -> Container {
    Container {
        name: name.to_owned(),
        image: Some(image),
        args: (!args.is_empty()).then(|| args.iter().map(|a| (*a).to_owned()).collect()),
        ports: (!ports.is_empty()).then(|| {
            ports
                .iter()
                .map(|(name, port)| ContainerPort {
                    name: Some((*name).to_owned()),
                    container_port: *port,
                    ..ContainerPort::default()
                })
                .collect()
        }),
        ..Container::default()
    }
}

/// A pod template labelled `labels`.
pub(super) fn pod_template(labels: BTreeMap<String, String>, spec: PodSpec) -> PodTemplateSpec {
    PodTemplateSpec {
        metadata: Some(ObjectMeta {
            labels: Some(labels),
            ..ObjectMeta::default()
        }),
        spec: Some(spec),
    }
}
