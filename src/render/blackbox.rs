//! blackbox_exporter, the prober of the site's `[[probe]]`s: a Deployment (non-root, read-only
//! root file system, no capabilities), its modules as `blackbox.yml` in a ConfigMap, a Service that
//! Probes address, and a ServiceMonitor for the exporter's own metrics.
//!
//! ICMP: blackbox_exporter falls back to unprivileged ICMP sockets when it cannot open a raw one,
//! which the kernel allows to the groups in `net.ipv4.ping_group_range`. That sysctl is namespaced
//! and on Kubernetes' safe list, so when a module probes with ICMP the pod sets it to every group,
//! instead of granting the container `NET_RAW` (which a non-root process could not use anyway).

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{Deployment, DeploymentSpec};
use k8s_openapi::api::core::v1::{
    Capabilities, ConfigMap, ConfigMapVolumeSource, PodSecurityContext, PodSpec, ResourceRequirements, SecurityContext,
    Sysctl, Volume, VolumeMount,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use serde::Serialize;
use serde_with::skip_serializing_none;
use sha2::{Digest, Sha256};

use super::common::{self, meta};
use super::crd::Endpoint;
use super::object::Object;
use super::workload::{container, monitor, pod_template, service, service_selector};
use crate::model::blackbox::{Blackbox, DnsRcode, DnsTransport, DnsType, HttpMethod, IpProtocol, Module};
use crate::model::names::{BLACKBOX_EXPORTER, BLACKBOX_EXPORTER_PORT};
use crate::model::{Image, Site};

const CONFIG: &str = "blackbox-exporter-config";
const CONFIG_DIR: &str = "/etc/blackbox_exporter";

/// The address Probes without a `prober` use: the exporter's Service.
pub(super) fn address(site: &Site) -> String {
    format!("{BLACKBOX_EXPORTER}.{}.svc:{BLACKBOX_EXPORTER_PORT}", site.namespace)
}

/// The exporter's objects, if it is deployed.
pub(super) fn render(site: &Site) -> Vec<Object> {
    let Some(blackbox) = &site.blackbox else {
        return Vec::new();
    };
    let config = common::config_file(&config(blackbox));
    vec![
        ConfigMap {
            metadata: meta(site, &site.namespace, CONFIG, BLACKBOX_EXPORTER),
            data: Some(BTreeMap::from([("blackbox.yml".to_owned(), config.clone())])),
            ..ConfigMap::default()
        }
        .into(),
        deployment(site, blackbox, &config).into(),
        service(
            site,
            BLACKBOX_EXPORTER,
            BLACKBOX_EXPORTER,
            labels(),
            "http",
            BLACKBOX_EXPORTER_PORT,
        )
        .into(),
        monitor(
            site,
            BLACKBOX_EXPORTER,
            BLACKBOX_EXPORTER,
            service_selector(site, BLACKBOX_EXPORTER),
            None,
            vec![Endpoint {
                port: "http".to_owned(),
                ..Endpoint::default()
            }],
        )
        .into(),
    ]
}

fn labels() -> BTreeMap<String, String> {
    BTreeMap::from([("app.kubernetes.io/name".to_owned(), BLACKBOX_EXPORTER.to_owned())])
}

/// blackbox_exporter's configuration file.
#[derive(Serialize)]
struct Config {
    modules: BTreeMap<String, ModuleConfig>,
}

#[skip_serializing_none]
#[derive(Serialize)]
struct ModuleConfig {
    prober: &'static str,
    timeout: Option<String>,
    http: Option<HttpConfig>,
    tcp: Option<TcpConfig>,
    icmp: Option<IcmpConfig>,
    dns: Option<DnsConfig>,
}

#[skip_serializing_none]
#[derive(Serialize)]
struct HttpConfig {
    valid_status_codes: Option<Vec<u16>>,
    method: Option<HttpMethod>,
    headers: Option<BTreeMap<String, String>>,
    body: Option<String>,
    follow_redirects: Option<bool>,
    fail_if_ssl: Option<bool>,
    fail_if_not_ssl: Option<bool>,
    fail_if_body_matches_regexp: Option<Vec<String>>,
    fail_if_body_not_matches_regexp: Option<Vec<String>>,
    preferred_ip_protocol: Option<IpProtocol>,
    tls_config: Option<TlsConfig>,
}

#[derive(Serialize)]
struct TlsConfig {
    insecure_skip_verify: bool,
}

#[skip_serializing_none]
#[derive(Serialize)]
struct TcpConfig {
    preferred_ip_protocol: Option<IpProtocol>,
    tls: Option<bool>,
    tls_config: Option<TlsConfig>,
}

#[skip_serializing_none]
#[derive(Serialize)]
struct IcmpConfig {
    preferred_ip_protocol: Option<IpProtocol>,
    payload_size: Option<u32>,
}

#[skip_serializing_none]
#[derive(Serialize)]
struct DnsConfig {
    query_name: String,
    query_type: Option<DnsType>,
    transport_protocol: Option<DnsTransport>,
    preferred_ip_protocol: Option<IpProtocol>,
    valid_rcodes: Option<Vec<DnsRcode>>,
}

fn non_empty<T: Clone>(items: &[T]) -> Option<Vec<T>> {
    (!items.is_empty()).then(|| items.to_vec())
}

fn tls(insecure_skip_verify: Option<bool>) -> Option<TlsConfig> {
    insecure_skip_verify.map(|insecure_skip_verify| TlsConfig { insecure_skip_verify })
}

fn config(blackbox: &Blackbox) -> Config {
    Config {
        modules: blackbox
            .modules
            .iter()
            .map(|(name, module)| (name.clone(), module_config(module)))
            .collect(),
    }
}

fn module_config(module: &Module) -> ModuleConfig {
    let m = &module.settings;
    ModuleConfig {
        prober: m.prober.as_str(),
        timeout: module.timeout.as_ref().map(ToString::to_string),
        http: m.http.as_ref().map(|h| HttpConfig {
            valid_status_codes: non_empty(&h.valid_status_codes),
            method: h.method,
            headers: (!h.headers.is_empty()).then(|| h.headers.clone()),
            body: h.body.clone(),
            follow_redirects: h.follow_redirects,
            fail_if_ssl: h.fail_if_ssl,
            fail_if_not_ssl: h.fail_if_not_ssl,
            fail_if_body_matches_regexp: non_empty(&h.fail_if_body_matches_regexp),
            fail_if_body_not_matches_regexp: non_empty(&h.fail_if_body_not_matches_regexp),
            preferred_ip_protocol: h.preferred_ip_protocol,
            tls_config: tls(h.insecure_skip_verify),
        }),
        tcp: m.tcp.as_ref().map(|t| TcpConfig {
            preferred_ip_protocol: t.preferred_ip_protocol,
            tls: t.tls,
            tls_config: tls(t.insecure_skip_verify),
        }),
        icmp: m.icmp.as_ref().map(|i| IcmpConfig {
            preferred_ip_protocol: i.preferred_ip_protocol,
            payload_size: i.payload_size,
        }),
        dns: m.dns.as_ref().map(|d| DnsConfig {
            query_name: d.query_name.clone(),
            query_type: d.query_type,
            transport_protocol: d.transport_protocol,
            preferred_ip_protocol: d.preferred_ip_protocol,
            valid_rcodes: non_empty(&d.valid_rcodes),
        }),
    }
}

fn deployment(site: &Site, blackbox: &Blackbox, config: &str) -> Deployment {
    let mut main = container(
        BLACKBOX_EXPORTER,
        site.image(Image::BlackboxExporter),
        &[
            &format!("--config.file={CONFIG_DIR}/blackbox.yml"),
            &format!("--web.listen-address=:{BLACKBOX_EXPORTER_PORT}"),
        ],
        &[("http", BLACKBOX_EXPORTER_PORT)],
    );
    main.security_context = Some(SecurityContext {
        allow_privilege_escalation: Some(false),
        read_only_root_filesystem: Some(true),
        capabilities: Some(Capabilities {
            drop: Some(vec!["ALL".to_owned()]),
            ..Capabilities::default()
        }),
        ..SecurityContext::default()
    });
    let quantity = |q: &str| Quantity(q.to_owned());
    main.resources = Some(ResourceRequirements {
        requests: Some(BTreeMap::from([
            ("cpu".to_owned(), quantity("10m")),
            ("memory".to_owned(), quantity("32Mi")),
        ])),
        limits: Some(BTreeMap::from([("memory".to_owned(), quantity("128Mi"))])),
        ..ResourceRequirements::default()
    });
    main.volume_mounts = Some(vec![VolumeMount {
        name: "config".to_owned(),
        mount_path: CONFIG_DIR.to_owned(),
        read_only: Some(true),
        ..VolumeMount::default()
    }]);
    let mut template = pod_template(
        labels(),
        PodSpec {
            containers: vec![main],
            volumes: Some(vec![Volume {
                name: "config".to_owned(),
                config_map: Some(ConfigMapVolumeSource {
                    name: CONFIG.to_owned(),
                    ..ConfigMapVolumeSource::default()
                }),
                ..Volume::default()
            }]),
            security_context: Some(PodSecurityContext {
                run_as_non_root: Some(true),
                run_as_user: Some(65534),
                sysctls: blackbox.pings().then(|| {
                    vec![Sysctl {
                        name: "net.ipv4.ping_group_range".to_owned(),
                        value: "0 2147483647".to_owned(),
                    }]
                }),
                ..PodSecurityContext::default()
            }),
            affinity: common::affinity(&blackbox.placement, &labels(), 1),
            tolerations: common::tolerations(site, &blackbox.placement),
            image_pull_secrets: common::pull_secrets(site),
            ..PodSpec::default()
        },
    );
    // blackbox_exporter reads its modules at start: a changed configuration rolls the pod.
    let digest = Sha256::digest(config.as_bytes());
    let hex = digest.iter().take(8).fold(String::new(), |mut hex, b| {
        hex.push_str(&format!("{b:02x}"));
        hex
    });
    if let Some(metadata) = template.metadata.as_mut() {
        metadata.annotations = Some(BTreeMap::from([("promsite.dev/config-hash".to_owned(), hex)]));
    }
    Deployment {
        metadata: meta(site, &site.namespace, BLACKBOX_EXPORTER, BLACKBOX_EXPORTER),
        spec: Some(DeploymentSpec {
            replicas: Some(1),
            selector: LabelSelector {
                match_labels: Some(labels()),
                ..LabelSelector::default()
            },
            template,
            ..DeploymentSpec::default()
        }),
        ..Deployment::default()
    }
}
