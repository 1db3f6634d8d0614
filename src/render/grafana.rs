//! Grafana: a Deployment provisioned with the site's Prometheus as its default data source, its
//! admin credentials read from a Secret (never from the site file), a Service and a ServiceMonitor,
//! and the dashboards: the site's own, one ConfigMap each, and promsite's defaults, a few ConfigMaps
//! of several (all in one folder named after the site). Grafana is stateless: everything it shows
//! is provisioned, and what users save in its UI is lost on restart (see docs/site-sections.md).

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
use crate::model::names::{GRAFANA, GRAFANA_DATASOURCE_NAME, GRAFANA_DATASOURCE_UID, GRAFANA_PORT, PROMETHEUS};
use crate::model::{Dashboard, DashboardBundle, Grafana, Image, SecretKeyRef, Site};

const DATASOURCES: &str = "grafana-datasources";
const PROVIDERS: &str = "grafana-dashboard-providers";
const DASHBOARDS_DIR: &str = "/var/lib/grafana/dashboards";
/// The default dashboards' directory: apart from the user's, whose subdirectories are named by them.
const DEFAULTS_DIR: &str = "/var/lib/grafana/promsite-dashboards";

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
        datasources(site, grafana).into(),
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
    if has_dashboards(grafana) {
        objects.push(providers(site, grafana).into());
        objects.extend(
            grafana
                .dashboards
                .iter()
                .map(|dashboard| Object::from(dashboard_config_map(site, dashboard))),
        );
        objects.extend(
            grafana
                .defaults
                .iter()
                .map(|bundle| Object::from(bundle_config_map(site, bundle))),
        );
    }
    objects
}

fn has_dashboards(grafana: &Grafana) -> bool {
    !grafana.dashboards.is_empty() || !grafana.defaults.is_empty()
}

fn bundle_config_map_name(bundle: &DashboardBundle) -> String {
    format!("grafana-dashboards-{}", bundle.name)
}

/// The default dashboards of one group: a few ConfigMaps, each under what `kubectl apply` stores.
fn bundle_config_map(site: &Site, bundle: &DashboardBundle) -> ConfigMap {
    ConfigMap {
        metadata: meta(site, &site.namespace, &bundle_config_map_name(bundle), GRAFANA),
        data: Some(bundle.files.clone()),
        ..ConfigMap::default()
    }
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
    folder: String,
    disable_deletion: bool,
    allow_ui_updates: bool,
    options: ProviderOptions,
}

#[derive(Serialize)]
struct ProviderOptions {
    path: &'static str,
}

/// The site's own dashboards and promsite's defaults, in one folder named after the site.
fn providers(site: &Site, grafana: &Grafana) -> ConfigMap {
    let provider = |name, path| Provider {
        name,
        kind: "file",
        folder: site.name.clone(),
        disable_deletion: true,
        allow_ui_updates: false,
        options: ProviderOptions { path },
    };
    let mut list = Vec::new();
    if !grafana.dashboards.is_empty() {
        list.push(provider("promsite", DASHBOARDS_DIR));
    }
    if !grafana.defaults.is_empty() {
        list.push(provider("promsite-defaults", DEFAULTS_DIR));
    }
    let providers = Providers {
        api_version: 1,
        providers: list,
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
    name: String,
    #[serde(rename = "type")]
    kind: &'static str,
    uid: String,
    access: &'static str,
    url: String,
    is_default: bool,
    editable: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    basic_auth: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    basic_auth_user: Option<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    json_data: BTreeMap<&'static str, serde_json::Value>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    secure_json_data: BTreeMap<&'static str, String>,
}

/// The environment variable that carries a credential of the `index`th additional data source
/// into Grafana, which expands `${VAR}` in provisioning files: the Secret's value never enters the
/// ConfigMap.
fn datasource_env(index: usize, what: &str) -> String {
    format!("PROMSITE_DS_{}_{what}", index + 1)
}

/// The site's additional data sources, their credentials as environment references.
fn additional(grafana: &Grafana) -> Vec<DataSource> {
    grafana
        .datasources
        .iter()
        .enumerate()
        .map(|(i, ds)| {
            let mut json_data = BTreeMap::new();
            let mut secure_json_data = BTreeMap::new();
            if ds.plugin == "alertmanager" {
                json_data.insert("implementation", "prometheus".into());
            }
            if ds.basic_auth.is_some() {
                secure_json_data.insert("basicAuthPassword", format!("${{{}}}", datasource_env(i, "PASSWORD")));
            }
            if ds.bearer_token.is_some() {
                json_data.insert("httpHeaderName1", "Authorization".into());
                secure_json_data.insert(
                    "httpHeaderValue1",
                    format!("Bearer ${{{}}}", datasource_env(i, "TOKEN")),
                );
            }
            DataSource {
                name: ds.name.clone(),
                kind: ds.plugin,
                uid: ds.uid.clone(),
                access: "proxy",
                url: ds.url.clone(),
                is_default: false,
                editable: false,
                basic_auth: ds.basic_auth.is_some(),
                basic_auth_user: ds
                    .basic_auth
                    .as_ref()
                    .map(|_| format!("${{{}}}", datasource_env(i, "USER"))),
                json_data,
                secure_json_data,
            }
        })
        .collect()
}

/// The environment of the Grafana container beyond the admin credentials: the additional data
/// sources' credentials and the login settings (Grafana reads `GF_<SECTION>_<KEY>` as grafana.ini).
fn access_env(grafana: &Grafana) -> Vec<EnvVar> {
    let from_secret = |name: String, r: &SecretKeyRef| EnvVar {
        name,
        value_from: Some(EnvVarSource {
            secret_key_ref: Some(SecretKeySelector {
                name: r.secret.clone(),
                key: r.key.clone(),
                ..SecretKeySelector::default()
            }),
            ..EnvVarSource::default()
        }),
        ..EnvVar::default()
    };
    let value = |name: &str, value: String| EnvVar {
        name: name.to_owned(),
        value: Some(value),
        ..EnvVar::default()
    };
    let mut env = Vec::new();
    for (i, ds) in grafana.datasources.iter().enumerate() {
        if let Some((user, password)) = &ds.basic_auth {
            env.push(from_secret(datasource_env(i, "USER"), user));
            env.push(from_secret(datasource_env(i, "PASSWORD"), password));
        }
        if let Some(token) = &ds.bearer_token {
            env.push(from_secret(datasource_env(i, "TOKEN"), token));
        }
    }
    env.push(value("GF_AUTH_ANONYMOUS_ENABLED", grafana.anonymous.to_string()));
    if grafana.anonymous {
        env.push(value("GF_AUTH_ANONYMOUS_ORG_ROLE", "Viewer".to_owned()));
    }
    if let Some(oidc) = &grafana.oidc {
        let mut settings = vec![
            value("GF_AUTH_GENERIC_OAUTH_ENABLED", "true".to_owned()),
            value("GF_AUTH_GENERIC_OAUTH_NAME", oidc.name.clone()),
            value("GF_AUTH_GENERIC_OAUTH_CLIENT_ID", oidc.client_id.clone()),
            from_secret("GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET".to_owned(), &oidc.client_secret),
            value("GF_AUTH_GENERIC_OAUTH_SCOPES", oidc.scopes.join(" ")),
            value("GF_AUTH_GENERIC_OAUTH_AUTH_URL", oidc.auth_url.clone()),
            value("GF_AUTH_GENERIC_OAUTH_TOKEN_URL", oidc.token_url.clone()),
            value("GF_AUTH_GENERIC_OAUTH_API_URL", oidc.api_url.clone()),
            value("GF_AUTH_GENERIC_OAUTH_USE_PKCE", "true".to_owned()),
        ];
        if let Some(path) = &oidc.role_attribute_path {
            settings.push(value("GF_AUTH_GENERIC_OAUTH_ROLE_ATTRIBUTE_PATH", path.clone()));
        }
        env.extend(settings);
    }
    env
}

/// Where Grafana finds the CA of Prometheus' web TLS.
const PROMETHEUS_CA_DIR: &str = "/etc/grafana/prometheus-ca";

fn datasources(site: &Site, grafana: &Grafana) -> ConfigMap {
    let own = DataSource {
        name: GRAFANA_DATASOURCE_NAME.to_owned(),
        kind: "prometheus",
        uid: GRAFANA_DATASOURCE_UID.to_owned(),
        access: "proxy",
        url: exposure::prometheus_url(site),
        is_default: true,
        editable: false,
        basic_auth: false,
        basic_auth_user: None,
        // Grafana reads `$__file{}` in provisioning files: the CA comes from the mounted Secret.
        json_data: site
            .prometheus
            .web_tls
            .as_ref()
            .map(|_| {
                BTreeMap::from([
                    ("tlsAuthWithCACert", serde_json::Value::Bool(true)),
                    ("serverName", exposure::server_name(site, PROMETHEUS).into()),
                ])
            })
            .unwrap_or_default(),
        secure_json_data: site
            .prometheus
            .web_tls
            .as_ref()
            .map(|tls| BTreeMap::from([("tlsCACert", format!("$__file{{{PROMETHEUS_CA_DIR}/{}}}", tls.ca))]))
            .unwrap_or_default(),
    };
    let provisioning = Provisioning {
        api_version: 1,
        datasources: std::iter::once(own).chain(additional(grafana)).collect(),
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
    env.extend(access_env(grafana));
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
    if has_dashboards(grafana) {
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
        for bundle in &grafana.defaults {
            let volume = format!("dashboards-{}", bundle.name);
            mounts.push(mount(&volume, format!("{DEFAULTS_DIR}/{}", bundle.name)));
            volumes.push(config_map(&volume, bundle_config_map_name(bundle)));
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
