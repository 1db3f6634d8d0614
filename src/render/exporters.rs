//! Exporters promsite deploys: node-exporter on every declared node, and kube-state-metrics.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{DaemonSet, DaemonSetSpec, Deployment, DeploymentSpec};
use k8s_openapi::api::core::v1::{
    HostPathVolumeSource, PodSecurityContext, PodSpec, SecurityContext, Service, Toleration, Volume, VolumeMount,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

use super::common::{self, meta};
use super::crd::{Endpoint, RelabelConfig};
use super::object::Object;
use super::workload::{cluster_identity, container, monitor, pod_template, rule, service, service_selector};
use crate::model::names::{
    KUBE_STATE_METRICS, KUBE_STATE_METRICS_PORT, KUBE_STATE_METRICS_TELEMETRY_PORT, NODE_EXPORTER,
};
use crate::model::{Image, KubeStateMetrics, NodeExporter, Placement, Relabel, Site};

const NODE_EXPORTER_PORT: i32 = 9100;

/// Both exporters, as far as they are enabled.
pub(super) fn render(site: &Site) -> Vec<Object> {
    let mut objects = Vec::new();
    if let Some(exporter) = &site.node_exporter {
        objects.extend(node_exporter(site, exporter));
    }
    if let Some(ksm) = &site.kube_state_metrics {
        objects.extend(kube_state_metrics(site, ksm));
    }
    objects
}

fn labels(name: &str) -> BTreeMap<String, String> {
    BTreeMap::from([("app.kubernetes.io/name".to_owned(), name.to_owned())])
}

/// Every declared node, so that the DaemonSet covers exactly them and tolerates all their taints.
fn all_nodes(site: &Site) -> Placement {
    Placement {
        nodes: site.nodes.iter().map(|n| n.name.clone()).collect(),
    }
}

fn node_exporter(site: &Site, exporter: &NodeExporter) -> Vec<Object> {
    let placement = all_nodes(site);
    let host = |name: &str, path: &str| Volume {
        name: name.to_owned(),
        host_path: Some(HostPathVolumeSource {
            path: path.to_owned(),
            ..HostPathVolumeSource::default()
        }),
        ..Volume::default()
    };
    let mount = |name: &str, path: &str| VolumeMount {
        name: name.to_owned(),
        mount_path: path.to_owned(),
        read_only: Some(true),
        mount_propagation: (name == "root").then(|| "HostToContainer".to_owned()),
        ..VolumeMount::default()
    };
    let args = [
        "--path.procfs=/host/proc",
        "--path.sysfs=/host/sys",
        "--path.rootfs=/host/root",
        "--no-collector.wifi",
        "--no-collector.hwmon",
        "--collector.filesystem.mount-points-exclude=^/(dev|proc|sys|run/k8s.io/.+|var/lib/docker/.+|var/lib/kubelet/pods/.+)($|/)",
    ];
    let mut main = container(
        NODE_EXPORTER,
        site.image(Image::NodeExporter),
        &args,
        &[("metrics", NODE_EXPORTER_PORT)],
    );
    main.volume_mounts = Some(vec![
        mount("proc", "/host/proc"),
        mount("sys", "/host/sys"),
        mount("root", "/host/root"),
    ]);
    main.resources = common::resources(&exporter.resources);
    main.security_context = Some(SecurityContext {
        allow_privilege_escalation: Some(false),
        read_only_root_filesystem: Some(true),
        ..SecurityContext::default()
    });
    // Without declared nodes it runs everywhere and tolerates every taint, as a node agent should.
    let tolerations = if placement.nodes.is_empty() {
        Some(vec![Toleration {
            operator: Some("Exists".to_owned()),
            ..Toleration::default()
        }])
    } else {
        common::tolerations(site, &placement)
    };
    let daemon_set = DaemonSet {
        metadata: meta(site, &site.namespace, NODE_EXPORTER, NODE_EXPORTER),
        spec: Some(DaemonSetSpec {
            selector: LabelSelector {
                match_labels: Some(labels(NODE_EXPORTER)),
                ..LabelSelector::default()
            },
            template: pod_template(
                labels(NODE_EXPORTER),
                PodSpec {
                    host_network: Some(true),
                    host_pid: Some(true),
                    containers: vec![main],
                    image_pull_secrets: common::pull_secrets(site),
                    volumes: Some(vec![host("proc", "/proc"), host("sys", "/sys"), host("root", "/")]),
                    security_context: Some(PodSecurityContext {
                        run_as_non_root: Some(true),
                        run_as_user: Some(65534),
                        ..PodSecurityContext::default()
                    }),
                    affinity: common::affinity(&placement, &labels(NODE_EXPORTER), 1),
                    tolerations,
                    priority_class_name: exporter.priority_class.clone(),
                    ..PodSpec::default()
                },
            ),
            ..DaemonSetSpec::default()
        }),
        ..DaemonSet::default()
    };
    let mut service: Service = service(
        site,
        NODE_EXPORTER,
        NODE_EXPORTER,
        labels(NODE_EXPORTER),
        "metrics",
        NODE_EXPORTER_PORT,
    );
    if let Some(spec) = service.spec.as_mut() {
        spec.cluster_ip = Some("None".to_owned());
    }
    let endpoint = Endpoint {
        port: "metrics".to_owned(),
        relabelings: Some(vec![RelabelConfig::from(&Relabel::copy(
            "__meta_kubernetes_pod_node_name",
            "instance",
        ))]),
        ..Endpoint::default()
    };
    vec![
        daemon_set.into(),
        service.into(),
        monitor(
            site,
            NODE_EXPORTER,
            NODE_EXPORTER,
            service_selector(site, NODE_EXPORTER),
            None,
            vec![endpoint],
        )
        .into(),
    ]
}

fn kube_state_metrics(site: &Site, ksm: &KubeStateMetrics) -> Vec<Object> {
    let list_watch = ["list", "watch"];
    let rules = vec![
        rule(
            &[""],
            &[
                "configmaps",
                "endpoints",
                "limitranges",
                "namespaces",
                "nodes",
                "persistentvolumeclaims",
                "persistentvolumes",
                "pods",
                "replicationcontrollers",
                "resourcequotas",
                "secrets",
                "serviceaccounts",
                "services",
            ],
            &list_watch,
        ),
        rule(
            &["apps"],
            &["daemonsets", "deployments", "replicasets", "statefulsets"],
            &list_watch,
        ),
        rule(&["batch"], &["cronjobs", "jobs"], &list_watch),
        rule(&["autoscaling"], &["horizontalpodautoscalers"], &list_watch),
        rule(&["policy"], &["poddisruptionbudgets"], &list_watch),
        rule(&["certificates.k8s.io"], &["certificatesigningrequests"], &list_watch),
        rule(&["discovery.k8s.io"], &["endpointslices"], &list_watch),
        rule(
            &["storage.k8s.io"],
            &["storageclasses", "volumeattachments"],
            &list_watch,
        ),
        rule(
            &["admissionregistration.k8s.io"],
            &["mutatingwebhookconfigurations", "validatingwebhookconfigurations"],
            &list_watch,
        ),
        rule(
            &["networking.k8s.io"],
            &["ingressclasses", "ingresses", "networkpolicies"],
            &list_watch,
        ),
        rule(&["coordination.k8s.io"], &["leases"], &list_watch),
        rule(
            &["rbac.authorization.k8s.io"],
            &["clusterrolebindings", "clusterroles", "rolebindings", "roles"],
            &list_watch,
        ),
    ];
    let mut objects = cluster_identity(site, KUBE_STATE_METRICS, KUBE_STATE_METRICS, rules);
    let mut main = container(
        KUBE_STATE_METRICS,
        site.image(Image::KubeStateMetrics),
        &[
            &format!("--port={KUBE_STATE_METRICS_PORT}"),
            &format!("--telemetry-port={KUBE_STATE_METRICS_TELEMETRY_PORT}"),
        ],
        &[
            ("http-metrics", KUBE_STATE_METRICS_PORT),
            ("telemetry", KUBE_STATE_METRICS_TELEMETRY_PORT),
        ],
    );
    main.resources = common::resources(&ksm.resources);
    main.security_context = Some(SecurityContext {
        allow_privilege_escalation: Some(false),
        read_only_root_filesystem: Some(true),
        ..SecurityContext::default()
    });
    objects.push(
        Deployment {
            metadata: meta(site, &site.namespace, KUBE_STATE_METRICS, KUBE_STATE_METRICS),
            spec: Some(DeploymentSpec {
                replicas: Some(1),
                selector: LabelSelector {
                    match_labels: Some(labels(KUBE_STATE_METRICS)),
                    ..LabelSelector::default()
                },
                template: pod_template(
                    labels(KUBE_STATE_METRICS),
                    PodSpec {
                        service_account_name: Some(KUBE_STATE_METRICS.to_owned()),
                        containers: vec![main],
                        image_pull_secrets: common::pull_secrets(site),
                        security_context: Some(PodSecurityContext {
                            run_as_non_root: Some(true),
                            run_as_user: Some(65534),
                            ..PodSecurityContext::default()
                        }),
                        affinity: common::affinity(&ksm.placement, &labels(KUBE_STATE_METRICS), 1),
                        tolerations: common::tolerations(site, &ksm.placement),
                        priority_class_name: ksm.priority_class.clone(),
                        ..PodSpec::default()
                    },
                ),
                ..DeploymentSpec::default()
            }),
            ..Deployment::default()
        }
        .into(),
    );
    objects.push(
        service(
            site,
            KUBE_STATE_METRICS,
            KUBE_STATE_METRICS,
            labels(KUBE_STATE_METRICS),
            "http-metrics",
            KUBE_STATE_METRICS_PORT,
        )
        .into(),
    );
    // kube-state-metrics' series carry the namespace and pod they describe: keep those labels.
    let endpoint = Endpoint {
        port: "http-metrics".to_owned(),
        honor_labels: Some(true),
        ..Endpoint::default()
    };
    objects.push(
        monitor(
            site,
            KUBE_STATE_METRICS,
            KUBE_STATE_METRICS,
            service_selector(site, KUBE_STATE_METRICS),
            None,
            vec![endpoint],
        )
        .into(),
    );
    objects
}
