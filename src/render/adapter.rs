//! prometheus-adapter: the custom metrics API backed by Prometheus, registered with the API
//! server as `v1beta1` and `v1beta2.custom.metrics.k8s.io`, its rules from `[[adapter.rules]]`;
//! and, with `resource_metrics`, the resource metrics API `v1beta1.metrics.k8s.io` (`kubectl top`,
//! CPU- and memory-based HorizontalPodAutoscalers) from cAdvisor's series.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{Deployment, DeploymentSpec};
use k8s_openapi::api::core::v1::{
    ConfigMap, ConfigMapVolumeSource, EmptyDirVolumeSource, PodSecurityContext, PodSpec, SecurityContext, Volume,
    VolumeMount,
};
use k8s_openapi::api::rbac::v1::{ClusterRoleBinding, RoleBinding, RoleRef, Subject};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::kube_aggregator::pkg::apis::apiregistration::v1::{APIService, APIServiceSpec, ServiceReference};
use serde::Serialize;
use serde_with::skip_serializing_none;

use super::common::{self, cluster_meta, meta};
use super::exposure;
use super::object::Object;
use super::workload::{cluster_identity, container, pod_template, rule, service};
use crate::content::resource_metrics::{self, WINDOW};
use crate::content::rules::Jobs;
use crate::model::names::ADAPTER;
use crate::model::{Adapter, Image, Site};

const CONFIG: &str = "prometheus-adapter-config";
/// Where the adapter finds the CA of Prometheus' web TLS.
const PROMETHEUS_CA_DIR: &str = "/etc/prometheus-ca";
const PORT: i32 = 6443;

/// The adapter's objects, if it is enabled.
pub(super) fn render(site: &Site) -> Vec<Object> {
    let Some(adapter) = &site.adapter else {
        return Vec::new();
    };
    let mut objects = cluster_identity(
        site,
        ADAPTER,
        ADAPTER,
        vec![rule(
            &[""],
            &["namespaces", "nodes", "pods", "services"],
            &["get", "list", "watch"],
        )],
    );
    let subject = || Subject {
        kind: "ServiceAccount".to_owned(),
        name: ADAPTER.to_owned(),
        namespace: Some(site.namespace.clone()),
        ..Subject::default()
    };
    // An aggregated API server delegates authentication and authorization to the API server.
    objects.push(
        ClusterRoleBinding {
            metadata: cluster_meta(site, &format!("{ADAPTER}:system:auth-delegator"), ADAPTER),
            role_ref: RoleRef {
                api_group: "rbac.authorization.k8s.io".to_owned(),
                kind: "ClusterRole".to_owned(),
                name: "system:auth-delegator".to_owned(),
            },
            subjects: Some(vec![subject()]),
        }
        .into(),
    );
    objects.push(
        RoleBinding {
            metadata: meta(site, "kube-system", &format!("{ADAPTER}-auth-reader"), ADAPTER),
            role_ref: RoleRef {
                api_group: "rbac.authorization.k8s.io".to_owned(),
                kind: "Role".to_owned(),
                name: "extension-apiserver-authentication-reader".to_owned(),
            },
            subjects: Some(vec![subject()]),
        }
        .into(),
    );
    objects.push(
        ConfigMap {
            metadata: meta(site, &site.namespace, CONFIG, ADAPTER),
            data: Some(BTreeMap::from([(
                "config.yaml".to_owned(),
                common::config_file(&config(site, adapter)),
            )])),
            ..ConfigMap::default()
        }
        .into(),
    );
    objects.push(deployment(site, adapter).into());
    let mut https = service(site, ADAPTER, ADAPTER, pod_labels(), "https", PORT);
    if let Some(port) = https
        .spec
        .as_mut()
        .and_then(|s| s.ports.as_mut())
        .and_then(|p| p.first_mut())
    {
        port.port = 443;
    }
    objects.push(https.into());
    let mut apis = vec![
        ("custom.metrics.k8s.io", "v1beta1", 100),
        ("custom.metrics.k8s.io", "v1beta2", 200),
    ];
    if adapter.resource_metrics {
        // No aggregated reader role: cluster admins run `kubectl top`, and the HPA controller's own
        // role already reads metrics.k8s.io (docs/site-sections.md shows how to grant it to others).
        apis.push(("metrics.k8s.io", "v1beta1", 100));
    }
    for (group, version, priority) in apis {
        objects.push(
            APIService {
                metadata: cluster_meta(site, &format!("{version}.{group}"), ADAPTER),
                spec: Some(APIServiceSpec {
                    group: Some(group.to_owned()),
                    version: Some(version.to_owned()),
                    group_priority_minimum: 100,
                    version_priority: priority,
                    // The adapter serves a self-signed certificate it generates at start.
                    insecure_skip_tls_verify: Some(true),
                    service: Some(ServiceReference {
                        name: Some(ADAPTER.to_owned()),
                        namespace: Some(site.namespace.clone()),
                        port: Some(443),
                    }),
                    ..APIServiceSpec::default()
                }),
                ..APIService::default()
            }
            .into(),
        );
    }
    objects
}

fn pod_labels() -> BTreeMap<String, String> {
    BTreeMap::from([("app.kubernetes.io/name".to_owned(), ADAPTER.to_owned())])
}

/// prometheus-adapter's configuration file.
#[skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Config {
    rules: Vec<ConfigRule>,
    resource_rules: Option<ResourceRules>,
}

/// `resourceRules`: how the adapter answers `metrics.k8s.io`.
#[derive(Serialize)]
struct ResourceRules {
    cpu: ResourceRule,
    memory: ResourceRule,
    window: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResourceRule {
    container_query: String,
    node_query: String,
    resources: ConfigResources,
    container_label: &'static str,
}

#[skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ConfigRule {
    series_query: String,
    resources: ConfigResources,
    name: Option<ConfigName>,
    metrics_query: String,
}

#[skip_serializing_none]
#[derive(Serialize)]
struct ConfigResources {
    overrides: Option<BTreeMap<String, ResourceOverride>>,
    template: Option<String>,
}

#[derive(Serialize)]
struct ResourceOverride {
    resource: String,
}

#[skip_serializing_none]
#[derive(Serialize)]
struct ConfigName {
    matches: String,
    #[serde(rename = "as")]
    as_name: Option<String>,
}

/// The resource rules over the kubelets' cAdvisor series; their `node`, `namespace` and `pod`
/// labels name the resources.
fn resource_rules(site: &Site) -> Option<ResourceRules> {
    let job = Jobs::of(site).kubelet?;
    let queries = resource_metrics::queries(&job);
    let resources = || ConfigResources {
        overrides: Some(
            ["namespace", "node", "pod"]
                .into_iter()
                .map(|r| (r.to_owned(), ResourceOverride { resource: r.to_owned() }))
                .collect(),
        ),
        template: None,
    };
    Some(ResourceRules {
        cpu: ResourceRule {
            container_query: queries.cpu_container,
            node_query: queries.cpu_node,
            resources: resources(),
            container_label: "container",
        },
        memory: ResourceRule {
            container_query: queries.memory_container,
            node_query: queries.memory_node,
            resources: resources(),
            container_label: "container",
        },
        window: WINDOW,
    })
}

fn config(site: &Site, adapter: &Adapter) -> Config {
    Config {
        resource_rules: adapter.resource_metrics.then(|| resource_rules(site)).flatten(),
        rules: adapter
            .rules
            .iter()
            .map(|rule| ConfigRule {
                series_query: rule.series_query.clone(),
                resources: ConfigResources {
                    overrides: (!rule.overrides.is_empty()).then(|| {
                        rule.overrides
                            .iter()
                            .map(|(label, resource)| {
                                (
                                    label.clone(),
                                    ResourceOverride {
                                        resource: resource.to_ascii_lowercase(),
                                    },
                                )
                            })
                            .collect()
                    }),
                    template: rule.template.clone(),
                },
                name: rule.name_matches.as_ref().map(|matches| ConfigName {
                    matches: matches.clone(),
                    as_name: rule.name_as.clone(),
                }),
                metrics_query: rule.metrics_query.clone(),
            })
            .collect(),
    }
}

fn deployment(site: &Site, adapter: &Adapter) -> Deployment {
    let prometheus_url = format!("--prometheus-url={}/", exposure::prometheus_url(site));
    let web_tls = site.prometheus.web_tls.as_ref();
    // With web TLS the adapter verifies Prometheus with the CA of its Secret (mounted alone).
    let ca_file = web_tls.map(|tls| format!("--prometheus-ca-file={PROMETHEUS_CA_DIR}/{}", tls.ca));
    let mut args = vec![
        "--cert-dir=/var/run/serving-cert",
        "--config=/etc/adapter/config.yaml",
        "--metrics-relist-interval=1m",
        prometheus_url.as_str(),
    ];
    args.extend(ca_file.as_deref());
    args.push("--secure-port=6443");
    let mut main = container(ADAPTER, site.image(Image::Adapter), &args, &[("https", PORT)]);
    main.resources = common::resources(&adapter.resources);
    main.security_context = Some(SecurityContext {
        allow_privilege_escalation: Some(false),
        read_only_root_filesystem: Some(true),
        ..SecurityContext::default()
    });
    main.volume_mounts = Some(vec![
        VolumeMount {
            name: "config".to_owned(),
            mount_path: "/etc/adapter".to_owned(),
            read_only: Some(true),
            ..VolumeMount::default()
        },
        VolumeMount {
            name: "serving-cert".to_owned(),
            mount_path: "/var/run/serving-cert".to_owned(),
            ..VolumeMount::default()
        },
        VolumeMount {
            name: "tmp".to_owned(),
            mount_path: "/tmp".to_owned(),
            ..VolumeMount::default()
        },
    ]);
    if web_tls.is_some()
        && let Some(mounts) = main.volume_mounts.as_mut()
    {
        mounts.push(VolumeMount {
            name: "prometheus-ca".to_owned(),
            mount_path: PROMETHEUS_CA_DIR.to_owned(),
            read_only: Some(true),
            ..VolumeMount::default()
        });
    }
    let empty = |name: &str| Volume {
        name: name.to_owned(),
        empty_dir: Some(EmptyDirVolumeSource::default()),
        ..Volume::default()
    };
    Deployment {
        metadata: meta(site, &site.namespace, ADAPTER, ADAPTER),
        spec: Some(DeploymentSpec {
            replicas: Some(1),
            selector: LabelSelector {
                match_labels: Some(pod_labels()),
                ..LabelSelector::default()
            },
            template: pod_template(
                pod_labels(),
                PodSpec {
                    service_account_name: Some(ADAPTER.to_owned()),
                    containers: vec![main],
                    image_pull_secrets: common::pull_secrets(site),
                    volumes: Some(
                        vec![
                            Volume {
                                name: "config".to_owned(),
                                config_map: Some(ConfigMapVolumeSource {
                                    name: CONFIG.to_owned(),
                                    ..ConfigMapVolumeSource::default()
                                }),
                                ..Volume::default()
                            },
                            empty("serving-cert"),
                            empty("tmp"),
                        ]
                        .into_iter()
                        .chain(web_tls.map(|tls| exposure::ca_volume("prometheus-ca", tls)))
                        .collect(),
                    ),
                    security_context: Some(PodSecurityContext {
                        run_as_non_root: Some(true),
                        run_as_user: Some(65534),
                        ..PodSecurityContext::default()
                    }),
                    affinity: common::affinity(&adapter.placement, &pod_labels(), 1),
                    tolerations: common::tolerations(site, &adapter.placement),
                    priority_class_name: adapter.priority_class.clone(),
                    ..PodSpec::default()
                },
            ),
            ..DeploymentSpec::default()
        }),
        ..Deployment::default()
    }
}
