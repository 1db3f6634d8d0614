//! The `job` label of each component's targets, as the ServiceMonitors promsite renders produce
//! it: the operator sets `job` to the Service's name, or to the Service's value of the monitor's
//! `jobLabel` (`app.kubernetes.io/name`) when the Service has that label. A component that is
//! switched off has no job, so the rules about it are left out. `tests/it/default_rules.rs` checks
//! these against the rendered ServiceMonitors.

use crate::model::{NodeRole, Site};

/// The job label of each component promsite scrapes; `None` when it is not deployed or scraped.
#[derive(Debug, Clone, Default)]
pub struct Jobs {
    /// Prometheus itself (always deployed): the Service `prometheus-k8s`, no `jobLabel`.
    pub prometheus: String,
    /// Alertmanager (always deployed): the Service `alertmanager-main`, no `jobLabel`.
    pub alertmanager: String,
    /// The config-reloader sidecars of the Prometheus pods: the Service `prometheus-k8s-config-reloader`.
    pub prometheus_reloader: String,
    /// The config-reloader sidecars of the Alertmanager pods: the Service `alertmanager-main-config-reloader`.
    pub alertmanager_reloader: String,
    /// The Prometheus Operator.
    pub operator: Option<String>,
    /// node-exporter.
    pub node_exporter: Option<String>,
    /// kube-state-metrics.
    pub kube_state_metrics: Option<String>,
    /// Grafana (the Service `grafana`, no `jobLabel`).
    pub grafana: Option<String>,
    /// The kubelets, cAdvisor and probe metrics (`metrics_path` tells them apart).
    pub kubelet: Option<String>,
    /// The API server: the Service `default/kubernetes`, which has no `app.kubernetes.io/name`.
    pub apiserver: Option<String>,
    /// CoreDNS: the Service `kube-system/kube-dns`, which has no `app.kubernetes.io/name`.
    pub coredns: Option<String>,
    /// kube-controller-manager, when a node has role `control-plane`.
    pub controller_manager: Option<String>,
    /// kube-scheduler, when a node has role `control-plane`.
    pub scheduler: Option<String>,
    /// etcd, when `[etcd]` is set.
    pub etcd: Option<String>,
    /// promsite's blackbox_exporter, when deployed.
    pub blackbox_exporter: Option<String>,
    /// kube-proxy, when `[control_plane] kube_proxy` is on: the Service promsite adds in `kube-system`.
    pub kube_proxy: Option<String>,
}

impl Jobs {
    /// The jobs of `site`.
    pub fn of(site: &Site) -> Self {
        let owned = |name: &str| Some(name.to_owned());
        let control_plane = site.control_plane;
        let control_plane_nodes = control_plane && site.nodes.iter().any(|n| n.roles.contains(&NodeRole::ControlPlane));
        Self {
            prometheus: "prometheus-k8s".to_owned(),
            alertmanager: "alertmanager-main".to_owned(),
            prometheus_reloader: "prometheus-k8s-config-reloader".to_owned(),
            alertmanager_reloader: "alertmanager-main-config-reloader".to_owned(),
            operator: site.operator.as_ref().and_then(|_| owned("prometheus-operator")),
            node_exporter: site.node_exporter.as_ref().and_then(|_| owned("node-exporter")),
            kube_state_metrics: site
                .kube_state_metrics
                .as_ref()
                .and_then(|_| owned("kube-state-metrics")),
            grafana: site.grafana.as_ref().and_then(|_| owned("grafana")),
            kubelet: control_plane.then(|| "kubelet".to_owned()),
            apiserver: control_plane.then(|| "kubernetes".to_owned()),
            coredns: control_plane.then(|| "kube-dns".to_owned()),
            controller_manager: control_plane_nodes.then(|| "kube-controller-manager".to_owned()),
            scheduler: control_plane_nodes.then(|| "kube-scheduler".to_owned()),
            etcd: site.etcd.as_ref().and_then(|_| owned("etcd")),
            kube_proxy: site.kube_proxy.then(|| "kube-proxy".to_owned()),
            blackbox_exporter: site.blackbox.as_ref().and_then(|_| owned("blackbox-exporter")),
        }
    }

    /// Every deployed component's job with a human name, in a fixed order.
    pub fn all(&self) -> Vec<(&'static str, &str)> {
        let mut all = vec![
            ("Prometheus", self.prometheus.as_str()),
            ("Alertmanager", self.alertmanager.as_str()),
            ("Prometheus' config-reloader", self.prometheus_reloader.as_str()),
            ("Alertmanager's config-reloader", self.alertmanager_reloader.as_str()),
        ];
        for (name, job) in [
            ("the Prometheus Operator", &self.operator),
            ("node-exporter", &self.node_exporter),
            ("kube-state-metrics", &self.kube_state_metrics),
            ("Grafana", &self.grafana),
            ("the kubelets", &self.kubelet),
            ("the API server", &self.apiserver),
            ("CoreDNS", &self.coredns),
            ("kube-controller-manager", &self.controller_manager),
            ("kube-scheduler", &self.scheduler),
            ("etcd", &self.etcd),
            ("kube-proxy", &self.kube_proxy),
            ("blackbox_exporter", &self.blackbox_exporter),
        ] {
            if let Some(job) = job {
                all.push((name, job.as_str()));
            }
        }
        all
    }
}
