//! Scraping etcd: kubeadm runs it as static pods with no Service, so promsite adds a selector-less
//! Service with Endpoints at the etcd nodes' addresses, scraped over HTTPS with a client
//! certificate mounted into Prometheus.

use super::crd::{Endpoint, RelabelConfig, TlsConfig};
use super::object::Object;
use super::prometheus::SECRETS_DIR;
use super::workload::{host_service, monitor, service_selector};
use crate::model::names::ETCD;
use crate::model::{Etcd, Relabel, Site};

/// The etcd objects when `[etcd]` is set.
pub(super) fn render(site: &Site) -> Vec<Object> {
    site.etcd
        .as_ref()
        .map(|etcd| etcd_objects(site, etcd))
        .unwrap_or_default()
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
            relabelings: Some(vec![RelabelConfig::from(&Relabel::copy(
                "__meta_kubernetes_endpoint_node_name",
                "node",
            ))]),
            ..Endpoint::default()
        }],
    );
    objects.push(monitor.into());
    objects
}
