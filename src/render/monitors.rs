//! ServiceMonitors for the site's `[[scrape]]` entries, and etcd: kubeadm runs it as static pods
//! with no Service, so promsite adds a selector-less Service with Endpoints at the etcd nodes'
//! addresses, scraped over HTTPS with a client certificate mounted into Prometheus.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

use super::common::meta;
use super::crd::{Custom, Endpoint, NamespaceSelector, Relabeling, ServiceMonitorSpec, TlsConfig};
use super::object::Object;
use super::prometheus::SECRETS_DIR;
use super::workload::{host_service, monitor, service_selector};
use crate::model::names::ETCD;
use crate::model::{Etcd, Scrape, Site};

/// ServiceMonitors for every `[[scrape]]` entry, and the etcd objects when `[etcd]` is set.
pub(super) fn render(site: &Site) -> Vec<Object> {
    let mut objects: Vec<Object> = site
        .scrapes
        .iter()
        .map(|scrape| scrape_monitor(site, scrape).into())
        .collect();
    if let Some(etcd) = &site.etcd {
        objects.extend(etcd_objects(site, etcd));
    }
    objects
}

fn scrape_monitor(site: &Site, scrape: &Scrape) -> Custom<ServiceMonitorSpec> {
    Custom::new(
        meta(site, &site.namespace, &scrape.name, &scrape.name),
        ServiceMonitorSpec {
            selector: LabelSelector {
                match_labels: Some(scrape.selector.clone()),
                ..LabelSelector::default()
            },
            namespace_selector: Some(NamespaceSelector {
                match_names: vec![scrape.namespace.clone()],
            }),
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
    let members: Vec<_> = etcd.nodes.iter().filter_map(|name| site.node(name)).collect();
    let mut objects = host_service(site, &site.namespace, ETCD, "metrics", etcd.port, &members);
    let cert = &etcd.client_cert;
    let file = |key: &str| format!("{SECRETS_DIR}/{}/{key}", cert.secret);
    let monitor = monitor(
        site,
        ETCD,
        ETCD,
        service_selector(site, ETCD),
        None,
        vec![Endpoint {
            port: "metrics".to_owned(),
            scheme: Some("https".to_owned()),
            tls_config: Some(TlsConfig {
                ca_file: Some(file(&cert.ca)),
                cert_file: Some(file(&cert.cert)),
                key_file: Some(file(&cert.key)),
                ..TlsConfig::default()
            }),
            relabelings: Some(vec![Relabeling {
                source_labels: vec!["__meta_kubernetes_endpoint_node_name".to_owned()],
                target_label: "node".to_owned(),
                action: "replace".to_owned(),
            }]),
            ..Endpoint::default()
        }],
    );
    objects.push(monitor.into());
    objects
}
