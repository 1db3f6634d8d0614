//! How the web UIs are reached: their Ingresses (host, path, TLS, access control), and the URLs,
//! path prefixes and TLS settings every client of Prometheus and Alertmanager inside the stack
//! must agree on.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{KeyToPath, SecretVolumeSource, Volume};
use k8s_openapi::api::networking::v1::{
    HTTPIngressPath, HTTPIngressRuleValue, Ingress, IngressBackend, IngressRule, IngressServiceBackend, IngressSpec,
    IngressTLS, ServiceBackendPort,
};

use super::common::meta;
use super::crd::{SafeTlsConfig, SecretKeySelector, SecretOrConfigMap, WebSpec, WebTlsConfig};
use super::object::Object;
use crate::model::exposure::Exposure;
use crate::model::names::{ALERTMANAGER, GRAFANA, PROMETHEUS, PROMETHEUS_PORT};
use crate::model::{Site, WebTls};

/// ingress-nginx's annotation prefix.
const NGINX: &str = "nginx.ingress.kubernetes.io/";

/// One Ingress per exposed component.
pub(super) fn render(site: &Site) -> Vec<Object> {
    let Some(ingress) = &site.ingress else {
        return Vec::new();
    };
    [
        (
            &ingress.prometheus,
            PROMETHEUS,
            "prometheus",
            site.prometheus.web_tls.is_some(),
            true,
        ),
        (
            &ingress.alertmanager,
            ALERTMANAGER,
            "alertmanager",
            site.alertmanager.web_tls.is_some(),
            true,
        ),
        (&ingress.grafana, GRAFANA, "grafana", false, false),
    ]
    .into_iter()
    .filter_map(|(exposure, service, component, https_backend, protected)| {
        let exposure = exposure.as_ref()?;
        let mut annotations = ingress.annotations.clone();
        if protected {
            annotations.extend(auth_annotations(ingress));
        }
        if https_backend {
            annotations.insert(format!("{NGINX}backend-protocol"), "HTTPS".to_owned());
        }
        let mut metadata = meta(site, &site.namespace, service, component);
        metadata.annotations = (!annotations.is_empty()).then_some(annotations);
        Some(
            Ingress {
                metadata,
                spec: Some(spec(ingress.class.clone(), exposure, service)),
                ..Ingress::default()
            }
            .into(),
        )
    })
    .collect()
}

fn spec(class: Option<String>, exposure: &Exposure, service: &str) -> IngressSpec {
    IngressSpec {
        ingress_class_name: class,
        rules: Some(vec![IngressRule {
            host: Some(exposure.host.clone()),
            http: Some(HTTPIngressRuleValue {
                paths: vec![HTTPIngressPath {
                    path: Some(if exposure.path.is_empty() {
                        "/".to_owned()
                    } else {
                        exposure.path.clone()
                    }),
                    path_type: "Prefix".to_owned(),
                    backend: IngressBackend {
                        service: Some(IngressServiceBackend {
                            name: service.to_owned(),
                            port: Some(ServiceBackendPort {
                                name: Some("web".to_owned()),
                                ..ServiceBackendPort::default()
                            }),
                        }),
                        ..IngressBackend::default()
                    },
                }],
            }),
        }]),
        tls: exposure.tls_secret.as_ref().map(|secret| {
            vec![IngressTLS {
                hosts: Some(vec![exposure.host.clone()]),
                secret_name: Some(secret.clone()),
            }]
        }),
        ..IngressSpec::default()
    }
}

/// ingress-nginx's annotations for the site's basic and external authentication.
fn auth_annotations(ingress: &crate::model::Ingress) -> BTreeMap<String, String> {
    let mut annotations = BTreeMap::new();
    let mut set = |name: &str, value: String| annotations.insert(format!("{NGINX}{name}"), value);
    if let Some(basic) = &ingress.basic_auth {
        set("auth-type", "basic".to_owned());
        set("auth-secret", basic.secret.clone());
        set("auth-secret-type", basic.format.as_str().to_owned());
        set("auth-realm", basic.realm.clone());
    }
    if let Some(external) = &ingress.external_auth {
        set("auth-url", external.url.clone());
        if let Some(signin) = &external.signin {
            set("auth-signin", signin.clone());
        }
        if !external.response_headers.is_empty() {
            set("auth-response-headers", external.response_headers.join(","));
        }
    }
    annotations
}

/// The URL users reach a component at through its Ingress (`externalUrl`, Grafana's `root_url`).
pub(super) fn external_url(exposure: Option<&Exposure>) -> Option<String> {
    exposure.map(Exposure::url)
}

/// A path prefix as the CRs' `routePrefix` takes it; `None` at the root (the operator's default).
pub(super) fn route_prefix(path: &str) -> Option<String> {
    (!path.is_empty()).then(|| path.to_owned())
}

/// `spec.web` for a component's web TLS.
pub(super) fn web_spec(tls: Option<&WebTls>) -> Option<WebSpec> {
    tls.map(|tls| WebSpec {
        tls_config: WebTlsConfig {
            cert: secret_key(&tls.secret, &tls.cert),
            key_secret: SecretKeySelector {
                name: tls.secret.clone(),
                key: tls.key.clone(),
            },
        },
    })
}

/// The name a component's certificate must cover: its Service's in-cluster DNS name.
pub(super) fn server_name(site: &Site, service: &str) -> String {
    format!("{service}.{}.svc", site.namespace)
}

/// How promsite's clients verify a component's web TLS: the CA in its Secret, for its Service name.
pub(super) fn client_tls(site: &Site, service: &str, tls: &WebTls) -> SafeTlsConfig {
    SafeTlsConfig {
        ca: Some(secret_key(&tls.secret, &tls.ca)),
        server_name: Some(server_name(site, service)),
        ..SafeTlsConfig::default()
    }
}

fn secret_key(secret: &str, key: &str) -> SecretOrConfigMap {
    SecretOrConfigMap {
        secret: SecretKeySelector {
            name: secret.to_owned(),
            key: key.to_owned(),
        },
    }
}

/// `http` or `https`, as a component's web server speaks.
pub(super) fn scheme(tls: Option<&WebTls>) -> &'static str {
    if tls.is_some() { "https" } else { "http" }
}

/// Prometheus' in-cluster base URL, without a trailing `/` (Grafana's data source, prometheus-adapter).
pub(super) fn prometheus_url(site: &Site) -> String {
    format!(
        "{}://{}:{PROMETHEUS_PORT}{}",
        scheme(site.prometheus.web_tls.as_ref()),
        server_name(site, PROMETHEUS),
        site.prometheus_path()
    )
}

/// A volume with only the CA certificate of a component's web TLS Secret (never its private key).
pub(super) fn ca_volume(name: &str, tls: &WebTls) -> Volume {
    Volume {
        name: name.to_owned(),
        secret: Some(SecretVolumeSource {
            secret_name: Some(tls.secret.clone()),
            items: Some(vec![KeyToPath {
                key: tls.ca.clone(),
                path: tls.ca.clone(),
                ..KeyToPath::default()
            }]),
            ..SecretVolumeSource::default()
        }),
        ..Volume::default()
    }
}
