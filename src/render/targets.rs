//! ScrapeConfigs for `[[static_scrape]]` (fixed addresses and federation) and Probes for
//! `[[probe]]`, both in the site's namespace, where the Prometheus resource selects them. Their
//! Secrets are read by the operator, which writes them into Prometheus' generated configuration.

use std::collections::BTreeMap;

use super::blackbox;
use super::common::meta;
use super::crd::{
    BasicAuth, Custom, ProbeSpec, ProbeStaticConfig, ProbeTargets, ProberSpec, SafeAuthorization, SafeTlsConfig,
    ScrapeConfigSpec, SecretKeySelector, SecretOrConfigMap, StaticConfig, relabel_configs,
};
use super::object::Object;
use crate::model::{ClientAuth, Probe, SecretKeyRef, Site, StaticScrape};

/// One ScrapeConfig per static scrape and one Probe per probe.
pub(super) fn render(site: &Site) -> Vec<Object> {
    let mut objects: Vec<Object> = site
        .static_scrapes
        .iter()
        .map(|s| scrape_config(site, s).into())
        .collect();
    objects.extend(site.probes.iter().map(|p| Object::from(probe(site, p))));
    objects
}

fn scrape_config(site: &Site, scrape: &StaticScrape) -> Custom<ScrapeConfigSpec> {
    let options = &scrape.options;
    let (basic_auth, authorization, tls_config) = client(&options.auth);
    Custom::new(
        meta(site, &site.namespace, &scrape.name, &scrape.name),
        ScrapeConfigSpec {
            // Without it the job would be `scrapeConfig/<namespace>/<name>`; the site's name reads better in queries.
            job_name: Some(scrape.name.clone()),
            static_configs: vec![StaticConfig {
                targets: scrape.targets.clone(),
                labels: non_empty(&scrape.labels),
            }],
            metrics_path: options.path.clone(),
            params: (!options.params.is_empty()).then(|| options.params.clone()),
            scheme: options.scheme.map(|s| s.as_str().to_owned()),
            scrape_interval: options.interval.as_ref().map(ToString::to_string),
            scrape_timeout: options.timeout.as_ref().map(ToString::to_string),
            honor_labels: options.honor_labels,
            honor_timestamps: options.honor_timestamps,
            basic_auth,
            authorization,
            oauth2: super::monitors::oauth2(&options.auth),
            tls_config,
            relabelings: relabel_configs(&options.relabelings),
            metric_relabelings: relabel_configs(&options.metric_relabelings),
            limits: super::monitors::limits(&options.limits),
        },
    )
}

fn probe(site: &Site, probe: &Probe) -> Custom<ProbeSpec> {
    Custom::new(
        meta(site, &site.namespace, &probe.name, &probe.name),
        ProbeSpec {
            job_name: Some(probe.name.clone()),
            prober: ProberSpec {
                url: probe.prober.clone().unwrap_or_else(|| blackbox::address(site)),
                scheme: probe.prober_scheme.map(|s| s.as_str().to_owned()),
                path: probe.prober_path.clone(),
            },
            module: probe.module.clone(),
            targets: ProbeTargets {
                static_config: ProbeStaticConfig {
                    targets: probe.targets.clone(),
                    labels: non_empty(&probe.labels),
                },
            },
            interval: probe.interval.as_ref().map(ToString::to_string),
            scrape_timeout: probe.timeout.as_ref().map(ToString::to_string),
        },
    )
}

fn non_empty(labels: &BTreeMap<String, String>) -> Option<BTreeMap<String, String>> {
    (!labels.is_empty()).then(|| labels.clone())
}

fn selector(secret: &SecretKeyRef) -> SecretKeySelector {
    SecretKeySelector {
        name: secret.secret.clone(),
        key: secret.key.clone(),
    }
}

/// Credentials and TLS as the operator's Secret references.
pub(super) fn client(auth: &ClientAuth) -> (Option<BasicAuth>, Option<SafeAuthorization>, Option<SafeTlsConfig>) {
    let basic_auth = auth.basic_auth.as_ref().map(|(secret, username, password)| BasicAuth {
        username: SecretKeySelector {
            name: secret.clone(),
            key: username.clone(),
        },
        password: SecretKeySelector {
            name: secret.clone(),
            key: password.clone(),
        },
    });
    let authorization = auth.authorization.as_ref().map(|a| SafeAuthorization {
        kind: a.kind.clone(),
        credentials: selector(&a.credentials),
    });
    let tls_config = auth.tls_config.as_ref().map(|t| SafeTlsConfig {
        ca: t.ca.as_ref().map(|s| SecretOrConfigMap { secret: selector(s) }),
        cert: t.cert.as_ref().map(|s| SecretOrConfigMap { secret: selector(s) }),
        key_secret: t.key.as_ref().map(selector),
        server_name: t.server_name.clone(),
        insecure_skip_verify: t.insecure_skip_verify,
    });
    (basic_auth, authorization, tls_config)
}
