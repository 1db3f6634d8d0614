//! Scraping the kubeadm control plane: kubelets (and their cAdvisor and probe metrics), the API
//! server, CoreDNS, kube-controller-manager and kube-scheduler.
//!
//! kubeadm creates no Services for the controller-manager and the scheduler (the cause of the
//! classic `KubeControllerManagerDown` after a kube-prometheus install), so promsite adds
//! selector-less Services with Endpoints at the control-plane nodes' addresses. Both serve HTTPS
//! with self-signed certificates and require a bearer token, and kubeadm binds them to 127.0.0.1
//! unless `--bind-address=0.0.0.0` is set (see docs/output.md).

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::Service;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::crd::{Endpoint, RelabelConfig, TlsConfig};
use super::object::Object;
use super::workload::{host_service, monitor, service, service_selector};
use crate::content::cardinality::{self, Guard};
use crate::model::names::{
    COREDNS, KUBE_APISERVER, KUBE_CONTROLLER_MANAGER, KUBE_PROXY, KUBE_PROXY_PORT, KUBE_SCHEDULER, KUBELET,
};
use crate::model::{NodeRole, Relabel, Site};

const COMPONENT: &str = "control-plane";
const TOKEN: &str = "/var/run/secrets/kubernetes.io/serviceaccount/token";
const CA: &str = "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt";
const KUBE_SYSTEM: &str = "kube-system";

/// ServiceMonitors for every control-plane component, and Services for those kubeadm lacks.
pub(super) fn render(site: &Site) -> Vec<Object> {
    if !site.control_plane {
        return Vec::new();
    }
    let label = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    };
    let kube_system = || Some(vec![KUBE_SYSTEM.to_owned()]);
    let mut objects: Vec<Object> = vec![
        // The Service the operator maintains for `--kubelet-service=kube-system/kubelet`.
        monitor(
            site,
            KUBELET,
            "kubelet",
            label(&[("app.kubernetes.io/name", "kubelet")]),
            kube_system(),
            kubelet_endpoints(site),
        )
        .into(),
        monitor(
            site,
            KUBE_APISERVER,
            "apiserver",
            label(&[("component", "apiserver"), ("provider", "kubernetes")]),
            Some(vec!["default".to_owned()]),
            vec![guarded(
                site,
                Guard::Apiserver,
                Endpoint {
                    port: "https".to_owned(),
                    scheme: Some("https".to_owned()),
                    bearer_token_file: Some(TOKEN.to_owned()),
                    tls_config: Some(TlsConfig {
                        ca_file: Some(CA.to_owned()),
                        server_name: Some("kubernetes".to_owned()),
                        ..TlsConfig::default()
                    }),
                    ..Endpoint::default()
                },
            )],
        )
        .into(),
        monitor(
            site,
            COREDNS,
            "coredns",
            label(&[("k8s-app", "kube-dns")]),
            kube_system(),
            vec![Endpoint {
                port: "metrics".to_owned(),
                ..Endpoint::default()
            }],
        )
        .into(),
    ];
    let control_plane: Vec<_> = site
        .nodes
        .iter()
        .filter(|n| n.roles.contains(&NodeRole::ControlPlane))
        .collect();
    if !control_plane.is_empty() {
        for (name, port, guard) in [
            (KUBE_CONTROLLER_MANAGER, 10257, Some(Guard::ControllerManager)),
            (KUBE_SCHEDULER, 10259, None),
        ] {
            objects.extend(host_service(
                site,
                KUBE_SYSTEM,
                name,
                "https-metrics",
                port,
                &control_plane,
            ));
            objects.push(
                monitor(
                    site,
                    name,
                    name,
                    service_selector(site, name),
                    kube_system(),
                    vec![match guard {
                        Some(guard) => guarded(site, guard, self_signed_https()),
                        None => self_signed_https(),
                    }],
                )
                .into(),
            );
        }
    }
    if site.kube_proxy {
        objects.extend(kube_proxy(site));
    }
    for object in &mut objects {
        if let Object::ServiceMonitor(monitor) = object {
            monitor
                .metadata
                .labels
                .get_or_insert_with(BTreeMap::new)
                .insert("app.kubernetes.io/component".to_owned(), COMPONENT.to_owned());
        }
    }
    objects
}

/// HTTPS with the ServiceAccount token; kubeadm's serving certificates are self-signed.
fn self_signed_https() -> Endpoint {
    Endpoint {
        port: "https-metrics".to_owned(),
        scheme: Some("https".to_owned()),
        bearer_token_file: Some(TOKEN.to_owned()),
        tls_config: Some(TlsConfig {
            insecure_skip_verify: Some(true),
            ..TlsConfig::default()
        }),
        ..Endpoint::default()
    }
}

/// The kubelet's own metrics, cAdvisor's container metrics and probe results, each labelled with
/// its path so that the three are told apart.
fn kubelet_endpoints(site: &Site) -> Vec<Endpoint> {
    [
        ("/metrics", Guard::Kubelet),
        ("/metrics/cadvisor", Guard::Cadvisor),
        ("/metrics/probes", Guard::Kubelet),
    ]
    .into_iter()
    .map(|(path, guard)| {
        let endpoint = Endpoint {
            path: Some(path.to_owned()),
            honor_labels: Some(true),
            relabelings: Some(vec![RelabelConfig::from(&Relabel::copy(
                "__metrics_path__",
                "metrics_path",
            ))]),
            ..self_signed_https()
        };
        guarded(site, guard, endpoint)
    })
    .collect()
}

/// kube-proxy runs as a DaemonSet on the host network without a Service: a headless Service in
/// `kube-system` selecting kubeadm's pod label finds every node's instance. Plain HTTP; kubeadm
/// binds it to 127.0.0.1 unless `metricsBindAddress` says otherwise (see docs/site-sections.md).
fn kube_proxy(site: &Site) -> Vec<Object> {
    let selector = BTreeMap::from([("k8s-app".to_owned(), KUBE_PROXY.to_owned())]);
    let mut headless: Service = service(site, KUBE_PROXY, KUBE_PROXY, selector, "http-metrics", KUBE_PROXY_PORT);
    headless.metadata.namespace = Some(KUBE_SYSTEM.to_owned());
    if let Some(spec) = headless.spec.as_mut() {
        spec.cluster_ip = Some("None".to_owned());
        // kubeadm's kube-proxy pods declare no ports, so a named target port would find none.
        for port in spec.ports.iter_mut().flatten() {
            port.target_port = Some(IntOrString::Int(KUBE_PROXY_PORT));
        }
    }
    let monitor = monitor(
        site,
        KUBE_PROXY,
        KUBE_PROXY,
        service_selector(site, KUBE_PROXY),
        Some(vec![KUBE_SYSTEM.to_owned()]),
        vec![Endpoint {
            port: "http-metrics".to_owned(),
            relabelings: Some(vec![RelabelConfig::from(&Relabel::copy(
                "__meta_kubernetes_pod_node_name",
                "instance",
            ))]),
            ..Endpoint::default()
        }],
    );
    vec![headless.into(), monitor.into()]
}

/// The drop steps of `guard`, if the site has it on.
pub(super) fn drops(site: &Site, guard: Guard) -> Option<Vec<RelabelConfig>> {
    site.cardinality.contains(&guard).then(|| {
        cardinality::drops(guard)
            .iter()
            .map(|drop| RelabelConfig {
                source_labels: Some(drop.source_labels.iter().map(|l| (*l).to_owned()).collect()),
                regex: Some(drop.regex.to_owned()),
                action: Some("drop".to_owned()),
                ..RelabelConfig::default()
            })
            .collect()
    })
}

/// `endpoint` with the drop steps of `guard` appended to its metric relabelings.
fn guarded(site: &Site, guard: Guard, mut endpoint: Endpoint) -> Endpoint {
    if let Some(drops) = drops(site, guard) {
        endpoint.metric_relabelings.get_or_insert_with(Vec::new).extend(drops);
    }
    endpoint
}
