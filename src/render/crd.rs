//! Serde types for the Prometheus Operator resources promsite emits (API `monitoring.coreos.com/v1`,
//! operator v0.93). Only the fields promsite sets are modelled; field names follow the CRDs, and
//! the CRD JSON Schemas in `../shared/schemas` check them in the tests.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Affinity, PersistentVolumeClaimSpec, PodSecurityContext, ResourceRequirements, Toleration};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use serde::Serialize;
use serde_with::skip_serializing_none;

/// The spec of a custom resource, with the identity of its kind.
pub trait CustomSpec: Serialize {
    /// API group.
    const GROUP: &'static str = "monitoring.coreos.com";
    /// `group/version`.
    const API_VERSION: &'static str = "monitoring.coreos.com/v1";
    /// Kind.
    const KIND: &'static str;
}

/// A custom resource: type meta, object meta and a spec.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Custom<S> {
    api_version: &'static str,
    kind: &'static str,
    /// Object metadata.
    pub metadata: ObjectMeta,
    /// The spec.
    pub spec: S,
}

impl<S: CustomSpec> Custom<S> {
    /// Wraps a spec with its kind's type meta.
    pub fn new(metadata: ObjectMeta, spec: S) -> Self {
        Self { api_version: S::API_VERSION, kind: S::KIND, metadata, spec }
    }
}

/// `Prometheus.spec`.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct PrometheusSpec {
    pub version: Option<String>,
    pub replicas: Option<u32>,
    pub service_account_name: Option<String>,
    pub external_url: Option<String>,
    pub retention: Option<String>,
    pub evaluation_interval: Option<String>,
    pub scrape_interval: Option<String>,
    pub replica_external_label_name: Option<String>,
    pub external_labels: Option<BTreeMap<String, String>>,
    #[serde(rename = "enableAdminAPI")]
    pub enable_admin_api: Option<bool>,
    pub query: Option<QuerySpec>,
    pub additional_args: Option<Vec<Argument>>,
    pub resources: Option<ResourceRequirements>,
    pub storage: Option<StorageSpec>,
    pub secrets: Option<Vec<String>>,
    pub security_context: Option<PodSecurityContext>,
    pub affinity: Option<Affinity>,
    pub tolerations: Option<Vec<Toleration>>,
    pub alerting: Option<AlertingSpec>,
    pub rule_selector: Option<LabelSelector>,
    pub rule_namespace_selector: Option<LabelSelector>,
    pub service_monitor_selector: Option<LabelSelector>,
    pub service_monitor_namespace_selector: Option<LabelSelector>,
    pub pod_monitor_selector: Option<LabelSelector>,
    pub pod_monitor_namespace_selector: Option<LabelSelector>,
    pub probe_selector: Option<LabelSelector>,
    pub probe_namespace_selector: Option<LabelSelector>,
    pub scrape_config_selector: Option<LabelSelector>,
    pub scrape_config_namespace_selector: Option<LabelSelector>,
}

impl CustomSpec for PrometheusSpec {
    const KIND: &'static str = "Prometheus";
}

/// `Prometheus.spec.query`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QuerySpec {
    /// `--query.max-samples` (an int32 in the CRD).
    pub max_samples: i32,
}

/// A command-line argument for the container.
#[skip_serializing_none]
#[derive(Debug, Clone, Serialize)]
pub struct Argument {
    /// Flag name without dashes.
    pub name: String,
    /// Flag value.
    pub value: Option<String>,
}

/// `spec.storage`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StorageSpec {
    /// The PersistentVolumeClaim template for each replica.
    pub volume_claim_template: EmbeddedClaim,
}

/// `spec.storage.volumeClaimTemplate`.
#[derive(Debug, Clone, Serialize)]
pub struct EmbeddedClaim {
    /// Claim spec.
    pub spec: PersistentVolumeClaimSpec,
}

/// `Prometheus.spec.alerting`.
#[derive(Debug, Clone, Serialize)]
pub struct AlertingSpec {
    /// Alertmanager endpoints.
    pub alertmanagers: Vec<AlertmanagerEndpoint>,
}

/// One Alertmanager Service to send alerts to.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct AlertmanagerEndpoint {
    pub namespace: String,
    pub name: String,
    pub port: String,
    pub api_version: String,
}

/// `Alertmanager.spec`.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct AlertmanagerSpec {
    pub version: Option<String>,
    pub replicas: Option<u32>,
    pub service_account_name: Option<String>,
    pub external_url: Option<String>,
    pub config_secret: Option<String>,
    pub secrets: Option<Vec<String>>,
    pub log_level: Option<String>,
    pub host_network: Option<bool>,
    pub cluster_gossip_interval: Option<String>,
    pub cluster_pushpull_interval: Option<String>,
    pub cluster_peer_timeout: Option<String>,
    pub resources: Option<ResourceRequirements>,
    pub security_context: Option<PodSecurityContext>,
    pub affinity: Option<Affinity>,
    pub tolerations: Option<Vec<Toleration>>,
}

impl CustomSpec for AlertmanagerSpec {
    const KIND: &'static str = "Alertmanager";
}

/// `ServiceMonitor.spec`.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct ServiceMonitorSpec {
    pub job_label: Option<String>,
    pub selector: LabelSelector,
    pub namespace_selector: Option<NamespaceSelector>,
    pub endpoints: Vec<Endpoint>,
}

impl CustomSpec for ServiceMonitorSpec {
    const KIND: &'static str = "ServiceMonitor";
}

/// Which namespaces a ServiceMonitor looks in.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NamespaceSelector {
    /// Namespace names.
    pub match_names: Vec<String>,
}

/// One scraped port of the selected Services.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct Endpoint {
    pub port: String,
    pub path: Option<String>,
    pub scheme: Option<String>,
    pub interval: Option<String>,
    pub scrape_timeout: Option<String>,
    pub honor_labels: Option<bool>,
    pub bearer_token_file: Option<String>,
    pub tls_config: Option<TlsConfig>,
    pub relabelings: Option<Vec<Relabeling>>,
}

/// TLS client settings with files mounted into Prometheus.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct TlsConfig {
    pub ca_file: Option<String>,
    pub cert_file: Option<String>,
    pub key_file: Option<String>,
    pub server_name: Option<String>,
    pub insecure_skip_verify: Option<bool>,
}

/// A relabeling step.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct Relabeling {
    pub source_labels: Vec<String>,
    pub target_label: String,
    pub action: String,
}

/// `PrometheusRule.spec`.
#[derive(Debug, Clone, Serialize)]
pub struct PrometheusRuleSpec {
    /// Rule groups (promsite emits one per object).
    pub groups: Vec<RuleGroup>,
}

impl CustomSpec for PrometheusRuleSpec {
    const KIND: &'static str = "PrometheusRule";
}

/// A rule group, as in a Prometheus rule file.
#[skip_serializing_none]
#[derive(Debug, Clone, Serialize)]
#[allow(missing_docs)]
pub struct RuleGroup {
    pub name: String,
    pub interval: Option<String>,
    pub rules: Vec<Rule>,
}

/// A rule, as in a Prometheus rule file.
#[skip_serializing_none]
#[derive(Debug, Clone, Serialize)]
#[allow(missing_docs)]
pub struct Rule {
    pub alert: Option<String>,
    pub record: Option<String>,
    pub expr: String,
    #[serde(rename = "for")]
    pub for_duration: Option<String>,
    pub keep_firing_for: Option<String>,
    pub labels: Option<BTreeMap<String, String>>,
    pub annotations: Option<BTreeMap<String, String>>,
}
