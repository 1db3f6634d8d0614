//! The Prometheus Operator: a Deployment with the RBAC it needs to manage Prometheus and
//! Alertmanager, a Service and a ServiceMonitor. Its CRDs are not objects of the main
//! kustomization: they are listed in `setup/` (see `crd_urls`), applied before everything else.

use k8s_openapi::api::apps::v1::{Deployment, DeploymentSpec};
use k8s_openapi::api::core::v1::{PodSecurityContext, PodSpec, SecurityContext};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

use super::common::{self, meta};
use super::crd::Endpoint;
use super::object::Object;
use super::workload::{cluster_identity, container, monitor, pod_template, rule, service, service_selector};
use crate::model::names::{OPERATOR, OPERATOR_PORT};
use crate::model::{CrdSource, Image, OPERATOR_VERSION, Operator, Site};

/// The CRDs of the operator version promsite targets, in the layout of its repository.
const CRDS: &[&str] = &[
    "alertmanagerconfigs",
    "alertmanagers",
    "podmonitors",
    "probes",
    "prometheusagents",
    "prometheuses",
    "prometheusrules",
    "scrapeconfigs",
    "servicemonitors",
    "thanosrulers",
];

/// The operator's objects, if it is enabled.
pub(super) fn render(site: &Site) -> Vec<Object> {
    let Some(operator) = &site.operator else {
        return Vec::new();
    };
    let mut objects = cluster_identity(site, OPERATOR, OPERATOR, rules());
    objects.push(deployment(site, operator).into());
    objects.push(service(site, OPERATOR, OPERATOR, pod_labels(), "http", OPERATOR_PORT).into());
    objects.push(
        monitor(
            site,
            OPERATOR,
            OPERATOR,
            service_selector(site, OPERATOR),
            None,
            vec![Endpoint {
                port: "http".to_owned(),
                honor_labels: Some(true),
                ..Endpoint::default()
            }],
        )
        .into(),
    );
    objects
}

/// The remote CRD files for `setup/kustomization.yaml`, pinned to the operator version.
pub(super) fn crd_urls(site: &Site) -> Vec<String> {
    match &site.operator {
        Some(Operator { crds: CrdSource::Upstream, .. }) => CRDS
            .iter()
            .map(|crd| {
                format!(
                    "https://raw.githubusercontent.com/prometheus-operator/prometheus-operator/{OPERATOR_VERSION}/example/prometheus-operator-crd/monitoring.coreos.com_{crd}.yaml"
                )
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn pod_labels() -> std::collections::BTreeMap<String, String> {
    std::collections::BTreeMap::from([("app.kubernetes.io/name".to_owned(), OPERATOR.to_owned())])
}

/// What the operator manages (the upstream operator's ClusterRole, minus the webhook parts).
fn rules() -> Vec<k8s_openapi::api::rbac::v1::PolicyRule> {
    vec![
        rule(
            &["monitoring.coreos.com"],
            &[
                "alertmanagerconfigs",
                "alertmanagers",
                "alertmanagers/finalizers",
                "alertmanagers/status",
                "podmonitors",
                "podmonitors/status",
                "probes",
                "probes/status",
                "prometheusagents",
                "prometheusagents/finalizers",
                "prometheusagents/status",
                "prometheuses",
                "prometheuses/finalizers",
                "prometheuses/status",
                "prometheusrules",
                "prometheusrules/status",
                "scrapeconfigs",
                "scrapeconfigs/status",
                "servicemonitors",
                "servicemonitors/status",
                "thanosrulers",
                "thanosrulers/finalizers",
                "thanosrulers/status",
            ],
            &["*"],
        ),
        rule(&["apps"], &["statefulsets"], &["*"]),
        rule(&[""], &["configmaps", "secrets"], &["*"]),
        rule(&[""], &["pods"], &["list", "delete"]),
        rule(
            &[""],
            &["services", "services/finalizers"],
            &["get", "create", "update", "delete"],
        ),
        rule(&[""], &["endpoints"], &["get", "create", "update", "delete"]),
        rule(
            &["discovery.k8s.io"],
            &["endpointslices"],
            &["get", "list", "create", "update", "delete"],
        ),
        rule(&[""], &["nodes"], &["list", "watch"]),
        rule(&[""], &["namespaces"], &["get", "list", "watch"]),
        rule(&["", "events.k8s.io"], &["events"], &["create", "patch"]),
        rule(&["networking.k8s.io"], &["ingresses"], &["get", "list", "watch"]),
        rule(&["storage.k8s.io"], &["storageclasses"], &["get"]),
    ]
}

fn deployment(site: &Site, operator: &Operator) -> Deployment {
    let reloader = format!("--prometheus-config-reloader={}", site.image(Image::ConfigReloader));
    // The operator keeps a kubelet Service up to date in kube-system for the kubelet ServiceMonitor.
    let mut args = vec!["--kubelet-service=kube-system/kubelet".to_owned(), reloader];
    args.extend(reloader_flags(&operator.config_reloader));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut main = container(OPERATOR, site.image(Image::Operator), &args, &[("http", OPERATOR_PORT)]);
    main.resources = common::resources(&operator.resources);
    main.security_context = Some(SecurityContext {
        allow_privilege_escalation: Some(false),
        read_only_root_filesystem: Some(true),
        ..SecurityContext::default()
    });
    Deployment {
        metadata: meta(site, &site.namespace, OPERATOR, OPERATOR),
        spec: Some(DeploymentSpec {
            replicas: Some(1),
            selector: LabelSelector {
                match_labels: Some(pod_labels()),
                ..LabelSelector::default()
            },
            template: pod_template(
                pod_labels(),
                PodSpec {
                    service_account_name: Some(OPERATOR.to_owned()),
                    image_pull_secrets: common::pull_secrets(site),
                    containers: vec![main],
                    security_context: Some(PodSecurityContext {
                        run_as_non_root: Some(true),
                        run_as_user: Some(65534),
                        ..PodSecurityContext::default()
                    }),
                    affinity: common::affinity(&operator.placement, &pod_labels(), 1),
                    tolerations: common::tolerations(site, &operator.placement),
                    priority_class_name: operator.priority_class.clone(),
                    ..PodSpec::default()
                },
            ),
            ..DeploymentSpec::default()
        }),
        ..Deployment::default()
    }
}

/// The operator's flags for the config-reloader sidecar's requests and limits; `0` leaves one unset.
fn reloader_flags(resources: &crate::model::Resources) -> Vec<String> {
    let value = |q: &Option<crate::model::Quantity>| q.as_ref().map_or_else(|| "0".to_owned(), |q| q.text.clone());
    vec![
        format!("--config-reloader-cpu-request={}", value(&resources.requests.cpu)),
        format!("--config-reloader-cpu-limit={}", value(&resources.limits.cpu)),
        format!("--config-reloader-memory-request={}", value(&resources.requests.memory)),
        format!("--config-reloader-memory-limit={}", value(&resources.limits.memory)),
    ]
}
