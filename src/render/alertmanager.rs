//! The Alertmanager cluster: its `Alertmanager` resource, ServiceAccount, Service and
//! self-monitoring, and its local PersistentVolumes (see `common::local_volumes`). Its configuration file is
//! `alertmanager_config`; kustomize turns that file into the Secret named here, so the name the
//! resource reads and the name generated cannot drift.

use std::collections::BTreeSet;

use k8s_openapi::api::core::v1::ServiceAccount;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

use super::common::{self, managed_namespaces, meta, namespaces_selector, operator_pod_labels};
use super::crd::{AlertmanagerSpec, Custom};
use super::exposure;
use super::object::Object;
use super::workload::{reloader_objects, web_monitor, web_service};
use crate::model::names::{
    ALERTMANAGER, ALERTMANAGER_CONFIG_SECRET, ALERTMANAGER_INSTANCE, ALERTMANAGER_PORT, ALERTMANAGER_RELOADER,
};
use crate::model::{self, Image, Site};

const COMPONENT: &str = "alertmanager";

/// All objects of the Alertmanager component.
pub(super) fn render(site: &Site) -> Vec<Object> {
    let pod_labels = operator_pod_labels(COMPONENT, ALERTMANAGER_INSTANCE);
    let budget = common::disruption_budget(
        site,
        ALERTMANAGER,
        COMPONENT,
        pod_labels.clone(),
        site.alertmanager.replicas,
    );
    let mut objects: Vec<Object> = vec![
        ServiceAccount {
            metadata: meta(site, &site.namespace, ALERTMANAGER, COMPONENT),
            ..ServiceAccount::default()
        }
        .into(),
        web_service(
            site,
            ALERTMANAGER,
            COMPONENT,
            pod_labels.clone(),
            ALERTMANAGER_PORT,
            site.alertmanager.node_port,
        )
        .into(),
        web_monitor(
            site,
            ALERTMANAGER,
            COMPONENT,
            site.alertmanager_path(),
            site.alertmanager.web_tls.as_ref(),
        )
        .into(),
        Custom::new(
            meta(site, &site.namespace, ALERTMANAGER_INSTANCE, COMPONENT),
            spec(site),
        )
        .into(),
    ];
    objects.extend(reloader_objects(site, ALERTMANAGER_RELOADER, pod_labels));
    objects.extend(budget);
    objects.extend(common::local_volumes(
        site,
        COMPONENT,
        site.alertmanager.storage.as_ref(),
        &site.alertmanager.placement,
        claim_name,
    ));
    objects
}

/// The claim the operator creates for replica `replica`: `<template>-<pod>`, where the template
/// defaults to `alertmanager-<name>-db` and the pod is `alertmanager-<name>-<replica>`.
fn claim_name(replica: usize) -> String {
    format!("alertmanager-{ALERTMANAGER_INSTANCE}-db-alertmanager-{ALERTMANAGER_INSTANCE}-{replica}")
}

fn spec(site: &Site) -> AlertmanagerSpec {
    let alertmanager = &site.alertmanager;
    // Every Secret the configuration reads a `*_file` from must be mounted by the operator.
    let secrets: BTreeSet<String> = alertmanager
        .smtp
        .iter()
        .filter_map(|smtp| smtp.auth_password.as_ref())
        .chain(site.receivers.iter().flat_map(model::Receiver::secrets))
        .map(|r| r.secret.clone())
        .collect();
    // As for Prometheus' selectors: an API client's AlertmanagerConfigs are merged only when both
    // selectors name them (a missing one selects nothing, or only the Alertmanager's namespace).
    let config_namespaces = managed_namespaces(site, "alertmanagerconfigs", false);
    AlertmanagerSpec {
        version: Some(alertmanager.version.clone()),
        image: Some(site.image(Image::Alertmanager)),
        image_pull_secrets: common::pull_secrets(site),
        replicas: Some(alertmanager.replicas),
        service_account_name: Some(ALERTMANAGER.to_owned()),
        external_url: exposure::external_url(site.ingress.as_ref().and_then(|i| i.alertmanager.as_ref())),
        route_prefix: exposure::route_prefix(site.alertmanager_path()),
        web: exposure::web_spec(alertmanager.web_tls.as_ref()),
        config_secret: Some(ALERTMANAGER_CONFIG_SECRET.to_owned()),
        secrets: (!secrets.is_empty()).then(|| secrets.into_iter().collect()),
        log_level: alertmanager.log_level.map(|l| l.as_str().to_owned()),
        host_network: alertmanager.host_network.then_some(true),
        // The CRD takes Go durations here, which have no `d` or `w` units.
        cluster_gossip_interval: alertmanager.gossip_interval.as_ref().map(crate::model::Duration::go),
        cluster_pushpull_interval: alertmanager.pushpull_interval.as_ref().map(crate::model::Duration::go),
        cluster_peer_timeout: alertmanager.peer_timeout.as_ref().map(crate::model::Duration::go),
        resources: common::resources(&alertmanager.resources),
        priority_class_name: alertmanager.priority_class.clone(),
        storage: alertmanager
            .storage
            .as_ref()
            .map(|storage| common::storage_spec(site, COMPONENT, storage)),
        security_context: Some(common::non_root()),
        affinity: common::affinity(
            &alertmanager.placement,
            &operator_pod_labels(COMPONENT, ALERTMANAGER_INSTANCE),
            alertmanager.replicas,
        ),
        tolerations: common::tolerations(site, &alertmanager.placement),
        alertmanager_config_selector: config_namespaces.as_ref().map(|_| LabelSelector::default()),
        alertmanager_config_namespace_selector: config_namespaces.as_deref().map(namespaces_selector),
    }
}
