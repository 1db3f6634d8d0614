//! ServiceMonitors for `[[scrape]]` and PodMonitors for `[[pod_monitor]]`, in the site's namespace
//! (where the Prometheus resource selects them) with a namespace selector naming the targets'
//! namespaces; their Secrets are read by the operator in the site's namespace. And etcd: kubeadm
//! runs it as static pods with no Service, so promsite adds a selector-less Service with Endpoints
//! at the etcd nodes' addresses, scraped over HTTPS with a client certificate mounted into
//! Prometheus.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

use super::common::meta;
use super::control_plane::drops;
use super::crd::{
    Custom, Endpoint, Limits, NamespaceSelector, OAuth2, PodMonitorSpec, RelabelConfig, SecretKeySelector,
    SecretOrConfigMap, ServiceMonitorSpec, TlsConfig, relabel_configs,
};
use super::object::Object;
use super::prometheus::SECRETS_DIR;
use super::targets::client;
use super::workload::{host_service, monitor, service_selector};
use crate::content::cardinality::Guard;
use crate::model::names::ETCD;
use crate::model::{ClientAuth, Etcd, Relabel, Scrape, ScrapeLimits, ScrapeOptions, SecretKeyRef, Site};

/// ServiceMonitors and PodMonitors for every `[[scrape]]` and `[[pod_monitor]]` entry, and the
/// etcd objects when `[etcd]` is set.
pub(super) fn render(site: &Site) -> Vec<Object> {
    let mut objects = scrape_monitors(site);
    if let Some(etcd) = &site.etcd {
        objects.extend(etcd_objects(site, etcd));
    }
    objects
}

/// One ServiceMonitor per `[[scrape]]`, one PodMonitor per `[[pod_monitor]]`.
fn scrape_monitors(site: &Site) -> Vec<Object> {
    let services = site.scrapes.iter().map(|scrape| {
        Object::from(Custom::new(
            meta(site, &site.namespace, &scrape.name, &scrape.name),
            ServiceMonitorSpec {
                selector: selector(scrape),
                namespace_selector: Some(namespaces(scrape)),
                endpoints: vec![endpoint(&scrape.port, &scrape.options)],
                limits: limits(&scrape.options.limits),
                ..ServiceMonitorSpec::default()
            },
        ))
    });
    let pods = site.pod_monitors.iter().map(|scrape| {
        Object::from(Custom::new(
            meta(site, &site.namespace, &scrape.name, &scrape.name),
            PodMonitorSpec {
                selector: selector(scrape),
                namespace_selector: Some(namespaces(scrape)),
                pod_metrics_endpoints: vec![endpoint(&scrape.port, &scrape.options)],
                limits: limits(&scrape.options.limits),
            },
        ))
    });
    services.chain(pods).collect()
}

fn selector(scrape: &Scrape) -> LabelSelector {
    LabelSelector {
        match_labels: Some(scrape.selector.clone()),
        ..LabelSelector::default()
    }
}

fn namespaces(scrape: &Scrape) -> NamespaceSelector {
    NamespaceSelector {
        match_names: scrape.namespaces.clone(),
    }
}

/// The scraped port with every option the site set.
fn endpoint(port: &str, options: &ScrapeOptions) -> Endpoint {
    let (basic_auth, authorization, _) = client(&options.auth);
    Endpoint {
        port: port.to_owned(),
        path: options.path.clone(),
        scheme: options.scheme.map(|s| s.as_str().to_owned()),
        params: (!options.params.is_empty()).then(|| options.params.clone()),
        interval: options.interval.as_ref().map(ToString::to_string),
        scrape_timeout: options.timeout.as_ref().map(ToString::to_string),
        honor_labels: options.honor_labels,
        honor_timestamps: options.honor_timestamps,
        basic_auth,
        authorization,
        oauth2: oauth2(&options.auth),
        tls_config: tls_config(&options.auth),
        relabelings: relabel_configs(&options.relabelings),
        metric_relabelings: relabel_configs(&options.metric_relabelings),
        ..Endpoint::default()
    }
}

/// A monitor endpoint's TLS settings, certificates from Secrets (the operator mounts them).
fn tls_config(auth: &ClientAuth) -> Option<TlsConfig> {
    auth.tls_config.as_ref().map(|t| TlsConfig {
        ca: t.ca.as_ref().map(|s| SecretOrConfigMap { secret: secret(s) }),
        cert: t.cert.as_ref().map(|s| SecretOrConfigMap { secret: secret(s) }),
        key_secret: t.key.as_ref().map(secret),
        server_name: t.server_name.clone(),
        insecure_skip_verify: t.insecure_skip_verify,
        ..TlsConfig::default()
    })
}

/// OAuth 2.0 client credentials as the operator's Secret references.
pub(super) fn oauth2(auth: &ClientAuth) -> Option<OAuth2> {
    auth.oauth2.as_ref().map(|o| OAuth2 {
        client_id: SecretOrConfigMap {
            secret: secret(&o.client_id),
        },
        client_secret: secret(&o.client_secret),
        token_url: o.token_url.clone(),
        scopes: (!o.scopes.is_empty()).then(|| o.scopes.clone()),
        endpoint_params: (!o.endpoint_params.is_empty()).then(|| o.endpoint_params.clone()),
    })
}

/// The per-scrape limits of a monitor or ScrapeConfig.
pub(super) fn limits(limits: &ScrapeLimits) -> Limits {
    Limits {
        sample_limit: limits.sample_limit,
        target_limit: limits.target_limit,
        label_limit: limits.label_limit,
        label_name_length_limit: limits.label_name_length_limit,
        label_value_length_limit: limits.label_value_length_limit,
        body_size_limit: limits.body_size_limit.clone(),
    }
}

fn secret(secret: &SecretKeyRef) -> SecretKeySelector {
    SecretKeySelector {
        name: secret.secret.clone(),
        key: secret.key.clone(),
    }
}

fn etcd_objects(site: &Site, etcd: &Etcd) -> Vec<Object> {
    let members: Vec<_> = etcd.nodes.iter().filter_map(|name| site.node(name)).collect();
    let mut objects = host_service(site, &site.namespace, ETCD, "metrics", etcd.port, &members);
    let cert = &etcd.client_cert;
    let file = |key: &str| format!("{SECRETS_DIR}/{}/{key}", cert.secret);
    let mut monitor = monitor(
        site,
        ETCD,
        ETCD,
        service_selector(site, ETCD),
        None,
        vec![Endpoint {
            port: "metrics".to_owned(),
            scheme: Some("https".to_owned()),
            tls_config: Some(TlsConfig {
                ca_file: Some(file(&cert.ca)),
                cert_file: Some(file(&cert.cert)),
                key_file: Some(file(&cert.key)),
                ..TlsConfig::default()
            }),
            relabelings: Some(vec![RelabelConfig::from(&Relabel::copy(
                "__meta_kubernetes_endpoint_node_name",
                "node",
            ))]),
            ..Endpoint::default()
        }],
    );
    for endpoint in &mut monitor.spec.endpoints {
        endpoint.metric_relabelings = drops(site, Guard::Etcd);
    }
    objects.push(monitor.into());
    objects
}
