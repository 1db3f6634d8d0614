//! Grafana: a Deployment provisioned with the site's Prometheus as its default data source, its
//! admin credentials read from a Secret (never from the site file), a Service and a ServiceMonitor.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{Deployment, DeploymentSpec};
use k8s_openapi::api::core::v1::{
    ConfigMap, ConfigMapVolumeSource, EmptyDirVolumeSource, EnvVar, EnvVarSource, HTTPGetAction, PodSecurityContext,
    PodSpec, Probe, SecretKeySelector, ServiceAccount, Volume, VolumeMount,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use serde::Serialize;

use super::common::{self, meta};
use super::exposure;
use super::object::Object;
use super::workload::{container, pod_template, web_monitor, web_service};
use crate::model::names::{GRAFANA, GRAFANA_PORT, PROMETHEUS};
use crate::model::{Dashboard, Grafana, Image, Site};

const DATASOURCES: &str = "grafana-datasources";
const PROVIDERS: &str = "grafana-dashboard-providers";
const DASHBOARDS_DIR: &str = "/var/lib/grafana/dashboards";

/// Grafana's objects, if it is enabled.
pub(super) fn render(site: &Site) -> Vec<Object> {
    let Some(grafana) = &site.grafana else {
        return Vec::new();
    };
    let mut objects: Vec<Object> = vec![
        ServiceAccount {
            metadata: meta(site, &site.namespace, GRAFANA, GRAFANA),
            ..ServiceAccount::default()
        }
        .into(),
        datasources(site).into(),
        deployment(site, grafana).into(),
        web_service(site, GRAFANA, GRAFANA, pod_labels(), GRAFANA_PORT, grafana.node_port).into(),
        web_monitor(site, GRAFANA, GRAFANA, site.grafana_path(), None).into(),
    ];
    objects.extend(common::disruption_budget(
        site,
        GRAFANA,
        GRAFANA,
        pod_labels(),
        grafana.replicas,
    ));
    if !grafana.dashboards.is_empty() {
        objects.push(providers(site).into());
        objects.extend(
            grafana
                .dashboards
                .iter()
                .map(|dashboard| Object::from(dashboard_config_map(site, dashboard))),
        );
    }
    objects
}

fn dashboard_config_map_name(dashboard: &Dashboard) -> String {
    format!("grafana-dashboard-{}", dashboard.slug)
}

/// One ConfigMap per dashboard: a ConfigMap holds at most 1 MiB, and dashboards are large.
fn dashboard_config_map(site: &Site, dashboard: &Dashboard) -> ConfigMap {
    ConfigMap {
        metadata: meta(site, &site.namespace, &dashboard_config_map_name(dashboard), GRAFANA),
        data: Some(BTreeMap::from([(dashboard.file_name.clone(), dashboard.json.clone())])),
        ..ConfigMap::default()
    }
}

/// Grafana's dashboard provider: the files below the dashboards directory, read-only in the UI
/// (the site's repository is their source of truth).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Providers {
    api_version: u32,
    providers: Vec<Provider>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Provider {
    name: &'static str,
    #[serde(rename = "type")]
    kind: &'static str,
    disable_deletion: bool,
    allow_ui_updates: bool,
    options: ProviderOptions,
}

#[derive(Serialize)]
struct ProviderOptions {
    path: &'static str,
}

fn providers(site: &Site) -> ConfigMap {
    let providers = Providers {
        api_version: 1,
        providers: vec![Provider {
            name: "promsite",
            kind: "file",
            disable_deletion: true,
            allow_ui_updates: false,
            options: ProviderOptions { path: DASHBOARDS_DIR },
        }],
    };
    ConfigMap {
        metadata: meta(site, &site.namespace, PROVIDERS, GRAFANA),
        data: Some(BTreeMap::from([(
            "promsite.yaml".to_owned(),
            common::config_file(&providers),
        )])),
        ..ConfigMap::default()
    }
}

fn pod_labels() -> BTreeMap<String, String> {
    BTreeMap::from([("app.kubernetes.io/name".to_owned(), GRAFANA.to_owned())])
}

/// Grafana's data source provisioning file.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Provisioning {
    api_version: u32,
    datasources: Vec<DataSource>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DataSource {
    name: &'static str,
    #[serde(rename = "type")]
    kind: &'static str,
    uid: &'static str,
    access: &'static str,
    url: String,
    is_default: bool,
    editable: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    json_data: Option<BTreeMap<&'static str, serde_json::Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    secure_json_data: Option<BTreeMap<&'static str, String>>,
}

/// Where Grafana finds the CA of Prometheus' web TLS.
const PROMETHEUS_CA_DIR: &str = "/etc/grafana/prometheus-ca";

fn datasources(site: &Site) -> ConfigMap {
    let provisioning = Provisioning {
        api_version: 1,
        datasources: vec![DataSource {
            name: "Prometheus",
            kind: "prometheus",
            uid: "prometheus",
            access: "proxy",
            url: exposure::prometheus_url(site),
            is_default: true,
            editable: false,
            // Grafana reads `$__file{}` in provisioning files: the CA comes from the mounted Secret.
            json_data: site.prometheus.web_tls.as_ref().map(|_| {
                BTreeMap::from([
                    ("tlsAuthWithCACert", serde_json::Value::Bool(true)),
                    ("serverName", exposure::server_name(site, PROMETHEUS).into()),
                ])
            }),
            secure_json_data: site
                .prometheus
                .web_tls
                .as_ref()
                .map(|tls| BTreeMap::from([("tlsCACert", format!("$__file{{{PROMETHEUS_CA_DIR}/{}}}", tls.ca))])),
        }],
    };
    ConfigMap {
        metadata: meta(site, &site.namespace, DATASOURCES, GRAFANA),
        data: Some(BTreeMap::from([(
            "prometheus.yaml".to_owned(),
            common::config_file(&provisioning),
        )])),
        ..ConfigMap::default()
    }
}

fn deployment(site: &Site, grafana: &Grafana) -> Deployment {
    let secret_env = |name: &str, key: &str| EnvVar {
        name: name.to_owned(),
        value_from: Some(EnvVarSource {
            secret_key_ref: Some(SecretKeySelector {
                name: grafana.admin_secret.clone(),
                key: key.to_owned(),
                ..SecretKeySelector::default()
            }),
            ..EnvVarSource::default()
        }),
        ..EnvVar::default()
    };
    let mut env = vec![
        secret_env("GF_SECURITY_ADMIN_USER", &grafana.admin_user_key),
        secret_env("GF_SECURITY_ADMIN_PASSWORD", &grafana.admin_password_key),
    ];
    if let Some(url) = exposure::external_url(site.ingress.as_ref().and_then(|i| i.grafana.as_ref())) {
        env.push(EnvVar {
            name: "GF_SERVER_ROOT_URL".to_owned(),
            value: Some(url),
            ..EnvVar::default()
        });
    }
    // Under a path prefix the Ingress passes the path on, so Grafana serves below it.
    if !site.grafana_path().is_empty() {
        env.push(EnvVar {
            name: "GF_SERVER_SERVE_FROM_SUB_PATH".to_owned(),
            value: Some("true".to_owned()),
            ..EnvVar::default()
        });
    }
    let mut main = container(GRAFANA, site.image(Image::Grafana), &[], &[("web", GRAFANA_PORT)]);
    main.env = Some(env);
    main.resources = common::resources(&grafana.resources);
    main.readiness_probe = Some(Probe {
        http_get: Some(HTTPGetAction {
            path: Some(format!("{}/api/health", site.grafana_path())),
            port: IntOrString::String("web".to_owned()),
            ..HTTPGetAction::default()
        }),
        ..Probe::default()
    });
    let mount = |name: &str, path: String| VolumeMount {
        name: name.to_owned(),
        mount_path: path,
        read_only: Some(true),
        ..VolumeMount::default()
    };
    let config_map = |volume: &str, config_map: String| Volume {
        name: volume.to_owned(),
        config_map: Some(ConfigMapVolumeSource {
            name: config_map,
            ..ConfigMapVolumeSource::default()
        }),
        ..Volume::default()
    };
    let mut mounts = vec![
        VolumeMount {
            name: "data".to_owned(),
            mount_path: "/var/lib/grafana".to_owned(),
            ..VolumeMount::default()
        },
        mount("datasources", "/etc/grafana/provisioning/datasources".to_owned()),
    ];
    // Everything Grafana needs is provisioned, so its database may start empty.
    let mut volumes = vec![
        Volume {
            name: "data".to_owned(),
            empty_dir: Some(EmptyDirVolumeSource::default()),
            ..Volume::default()
        },
        config_map("datasources", DATASOURCES.to_owned()),
    ];
    if let Some(tls) = &site.prometheus.web_tls {
        mounts.push(mount("prometheus-ca", PROMETHEUS_CA_DIR.to_owned()));
        volumes.push(exposure::ca_volume("prometheus-ca", tls));
    }
    if !grafana.dashboards.is_empty() {
        mounts.push(mount(
            "dashboard-providers",
            "/etc/grafana/provisioning/dashboards".to_owned(),
        ));
        volumes.push(config_map("dashboard-providers", PROVIDERS.to_owned()));
        for dashboard in &grafana.dashboards {
            let volume = format!("dashboard-{}", dashboard.slug);
            mounts.push(mount(&volume, format!("{DASHBOARDS_DIR}/{}", dashboard.slug)));
            volumes.push(config_map(&volume, dashboard_config_map_name(dashboard)));
        }
    }
    main.volume_mounts = Some(mounts);
    Deployment {
        metadata: meta(site, &site.namespace, GRAFANA, GRAFANA),
        spec: Some(DeploymentSpec {
            replicas: Some(i32::try_from(grafana.replicas).unwrap_or(1)),
            selector: LabelSelector {
                match_labels: Some(pod_labels()),
                ..LabelSelector::default()
            },
            template: pod_template(
                pod_labels(),
                PodSpec {
                    service_account_name: Some(GRAFANA.to_owned()),
                    containers: vec![main],
                    image_pull_secrets: common::pull_secrets(site),
                    volumes: Some(volumes),
                    security_context: Some(PodSecurityContext {
                        run_as_non_root: Some(true),
                        run_as_user: Some(472),
                        fs_group: Some(472),
                        ..PodSecurityContext::default()
                    }),
                    affinity: common::affinity(&grafana.placement, &pod_labels(), grafana.replicas),
                    tolerations: common::tolerations(site, &grafana.placement),
                    priority_class_name: grafana.priority_class.clone(),
                    ..PodSpec::default()
                },
            ),
            ..DeploymentSpec::default()
        }),
        ..Deployment::default()
    }
}
