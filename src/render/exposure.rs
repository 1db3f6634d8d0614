//! Ingresses for the Prometheus and Alertmanager web UIs.

use k8s_openapi::api::networking::v1::{
    HTTPIngressPath, HTTPIngressRuleValue, Ingress, IngressBackend, IngressRule, IngressServiceBackend, IngressSpec,
    IngressTLS, ServiceBackendPort,
};

use super::common::meta;
use super::object::Object;
use crate::model::Site;
use crate::model::names::{ALERTMANAGER, GRAFANA, PROMETHEUS};

/// One Ingress per configured host.
pub(super) fn render(site: &Site) -> Vec<Object> {
    let Some(ingress) = &site.ingress else {
        return Vec::new();
    };
    [
        (&ingress.prometheus, PROMETHEUS, "prometheus"),
        (&ingress.alertmanager, ALERTMANAGER, "alertmanager"),
        (
            if site.grafana.is_some() {
                &ingress.grafana
            } else {
                &None
            },
            GRAFANA,
            "grafana",
        ),
    ]
    .into_iter()
    .filter_map(|(host, service, component)| {
        let host = host.as_ref()?;
        Some(
            Ingress {
                metadata: meta(site, &site.namespace, service, component),
                spec: Some(IngressSpec {
                    ingress_class_name: ingress.class.clone(),
                    rules: Some(vec![IngressRule {
                        host: Some(host.clone()),
                        http: Some(HTTPIngressRuleValue {
                            paths: vec![HTTPIngressPath {
                                path: Some("/".to_owned()),
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
                    tls: ingress.tls_secret.as_ref().map(|secret| {
                        vec![IngressTLS {
                            hosts: Some(vec![host.clone()]),
                            secret_name: Some(secret.clone()),
                        }]
                    }),
                    ..IngressSpec::default()
                }),
                ..Ingress::default()
            }
            .into(),
        )
    })
    .collect()
}
