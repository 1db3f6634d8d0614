//! ServiceMonitors for the site's `[[scrape]]` entries, and etcd: kubeadm runs it as static pods
//! with no Service, so promsite adds a selector-less Service with Endpoints at the etcd nodes'
//! addresses, scraped over HTTPS with a client certificate mounted into Prometheus.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{EndpointAddress, EndpointPort, EndpointSubset, Endpoints, Service, ServicePort, ServiceSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::common::{self, meta};
use super::crd::{Custom, Endpoint, NamespaceSelector, Relabeling, ServiceMonitorSpec, TlsConfig};
use super::object::Object;
use super::prometheus::SECRETS_DIR;
use crate::model::{Etcd, Scrape, Site};

const ETCD: &str = "etcd";

/// ServiceMonitors for every `[[scrape]]` entry, and the etcd objects when `[etcd]` is set.
pub(super) fn render(site: &Site) -> Vec<Object> {
    let mut objects: Vec<Object> = site.scrapes.iter().map(|scrape| scrape_monitor(site, scrape).into()).collect();
    if let Some(etcd) = &site.etcd {
        objects.extend(etcd_objects(site, etcd));
    }
    objects
}

fn scrape_monitor(site: &Site, scrape: &Scrape) -> Custom<ServiceMonitorSpec> {
    Custom::new(
        meta(site, &site.namespace, &scrape.name, &scrape.name),
        ServiceMonitorSpec {
            selector: LabelSelector { match_labels: Some(scrape.selector.clone()), ..LabelSelector::default() },
            namespace_selector: Some(NamespaceSelector { match_names: vec![scrape.namespace.clone()] }),
            endpoints: vec![Endpoint {
                port: scrape.port.clone(),
                path: scrape.path.clone(),
                scheme: scrape.scheme.map(|s| s.as_str().to_owned()),
                interval: scrape.interval.as_ref().map(ToString::to_string),
                scrape_timeout: scrape.timeout.as_ref().map(ToString::to_string),
                ..Endpoint::default()
            }],
            ..ServiceMonitorSpec::default()
        },
    )
}

fn etcd_objects(site: &Site, etcd: &Etcd) -> Vec<Object> {
    let port = i32::from(etcd.port);
    let service = Service {
        metadata: meta(site, &site.namespace, ETCD, ETCD),
        spec: Some(ServiceSpec {
            cluster_ip: Some("None".to_owned()),
            ports: Some(vec![ServicePort {
                name: Some("metrics".to_owned()),
                port,
                target_port: Some(IntOrString::Int(port)),
                ..ServicePort::default()
            }]),
            ..ServiceSpec::default()
        }),
        ..Service::default()
    };
    let addresses = etcd
        .nodes
        .iter()
        .filter_map(|name| site.node(name))
        .map(|node| EndpointAddress { ip: node.address.to_string(), node_name: Some(node.name.clone()), ..EndpointAddress::default() })
        .collect();
    let endpoints = Endpoints {
        metadata: meta(site, &site.namespace, ETCD, ETCD),
        subsets: Some(vec![EndpointSubset {
            addresses: Some(addresses),
            ports: Some(vec![EndpointPort { name: Some("metrics".to_owned()), port, protocol: Some("TCP".to_owned()), ..EndpointPort::default() }]),
            ..EndpointSubset::default()
        }]),
    };
    let cert = &etcd.client_cert;
    let file = |key: &str| format!("{SECRETS_DIR}/{}/{key}", cert.secret);
    let mut match_labels: BTreeMap<String, String> = common::labels(site, ETCD);
    match_labels.remove(common::MANAGED_BY_LABEL);
    let monitor = Custom::new(
        meta(site, &site.namespace, ETCD, ETCD),
        ServiceMonitorSpec {
            job_label: Some("app.kubernetes.io/name".to_owned()),
            selector: LabelSelector { match_labels: Some(match_labels), ..LabelSelector::default() },
            namespace_selector: None,
            endpoints: vec![Endpoint {
                port: "metrics".to_owned(),
                scheme: Some("https".to_owned()),
                tls_config: Some(TlsConfig { ca_file: file(&cert.ca), cert_file: file(&cert.cert), key_file: file(&cert.key) }),
                relabelings: Some(vec![Relabeling {
                    source_labels: vec!["__meta_kubernetes_endpoint_node_name".to_owned()],
                    target_label: "node".to_owned(),
                    action: "replace".to_owned(),
                }]),
                ..Endpoint::default()
            }],
        },
    );
    vec![service.into(), endpoints.into(), monitor.into()]
}
