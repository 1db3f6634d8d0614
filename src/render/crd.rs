//! Serde types for the Prometheus Operator resources promsite emits (API `monitoring.coreos.com/v1`,
//! operator v0.93; ScrapeConfig is `v1alpha1`). Only the fields promsite sets are modelled; field names follow the CRDs, and
//! the CRD JSON Schemas in `../shared/schemas` check them in the tests.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    Affinity, LocalObjectReference, PersistentVolumeClaimSpec, PodSecurityContext, ResourceRequirements, Toleration,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use serde::Serialize;
use serde_with::skip_serializing_none;

use crate::model::Relabel;

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
        Self {
            api_version: S::API_VERSION,
            kind: S::KIND,
            metadata,
            spec,
        }
    }
}

/// `Prometheus.spec`.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct PrometheusSpec {
    pub version: Option<String>,
    pub image: Option<String>,
    pub image_pull_secrets: Option<Vec<LocalObjectReference>>,
    pub replicas: Option<u32>,
    pub shards: Option<u32>,
    pub service_account_name: Option<String>,
    pub external_url: Option<String>,
    pub route_prefix: Option<String>,
    pub web: Option<WebSpec>,
    pub retention: Option<String>,
    pub retention_size: Option<String>,
    pub evaluation_interval: Option<String>,
    pub scrape_interval: Option<String>,
    pub replica_external_label_name: Option<String>,
    pub external_labels: Option<BTreeMap<String, String>>,
    #[serde(rename = "enableAdminAPI")]
    pub enable_admin_api: Option<bool>,
    pub query: Option<QuerySpec>,
    pub additional_args: Option<Vec<Argument>>,
    pub resources: Option<ResourceRequirements>,
    pub priority_class_name: Option<String>,
    pub storage: Option<StorageSpec>,
    pub secrets: Option<Vec<String>>,
    pub security_context: Option<PodSecurityContext>,
    pub affinity: Option<Affinity>,
    pub tolerations: Option<Vec<Toleration>>,
    pub alerting: Option<AlertingSpec>,
    pub remote_write: Option<Vec<RemoteWriteSpec>>,
    pub thanos: Option<ThanosSpec>,
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
    pub enforced_sample_limit: Option<u64>,
    pub enforced_target_limit: Option<u64>,
    pub enforced_label_limit: Option<u64>,
    pub enforced_label_name_length_limit: Option<u64>,
    pub enforced_label_value_length_limit: Option<u64>,
    pub enforced_body_size_limit: Option<String>,
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
#[skip_serializing_none]
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct AlertmanagerEndpoint {
    pub namespace: String,
    pub name: String,
    pub port: String,
    pub scheme: Option<String>,
    pub path_prefix: Option<String>,
    pub tls_config: Option<SafeTlsConfig>,
    pub api_version: String,
}

/// `spec.web` of Prometheus and Alertmanager: HTTPS on their web server.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct WebSpec {
    pub tls_config: WebTlsConfig,
}

/// `spec.web.tlsConfig`: the server certificate and key from a Secret.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct WebTlsConfig {
    pub cert: SecretOrConfigMap,
    pub key_secret: SecretKeySelector,
}

/// `Alertmanager.spec`.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct AlertmanagerSpec {
    pub version: Option<String>,
    pub image: Option<String>,
    pub image_pull_secrets: Option<Vec<LocalObjectReference>>,
    pub replicas: Option<u32>,
    pub service_account_name: Option<String>,
    pub external_url: Option<String>,
    pub route_prefix: Option<String>,
    pub web: Option<WebSpec>,
    pub config_secret: Option<String>,
    pub secrets: Option<Vec<String>>,
    pub log_level: Option<String>,
    pub host_network: Option<bool>,
    pub cluster_gossip_interval: Option<String>,
    pub cluster_pushpull_interval: Option<String>,
    pub cluster_peer_timeout: Option<String>,
    pub resources: Option<ResourceRequirements>,
    pub priority_class_name: Option<String>,
    pub storage: Option<StorageSpec>,
    pub security_context: Option<PodSecurityContext>,
    pub affinity: Option<Affinity>,
    pub tolerations: Option<Vec<Toleration>>,
    pub alertmanager_config_selector: Option<LabelSelector>,
    pub alertmanager_config_namespace_selector: Option<LabelSelector>,
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
    #[serde(flatten)]
    pub limits: Limits,
}

impl CustomSpec for ServiceMonitorSpec {
    const KIND: &'static str = "ServiceMonitor";
}

/// `PodMonitor.spec`.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct PodMonitorSpec {
    pub selector: LabelSelector,
    pub namespace_selector: Option<NamespaceSelector>,
    pub pod_metrics_endpoints: Vec<Endpoint>,
    #[serde(flatten)]
    pub limits: Limits,
}

impl CustomSpec for PodMonitorSpec {
    const KIND: &'static str = "PodMonitor";
}

/// Which namespaces a ServiceMonitor looks in.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NamespaceSelector {
    /// Namespace names.
    pub match_names: Vec<String>,
}

/// One scraped port of the selected Services (`Endpoint`), or of the selected pods
/// (`PodMetricsEndpoint`, which has every field here but `bearerTokenFile`).
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct Endpoint {
    pub port: String,
    pub path: Option<String>,
    pub scheme: Option<String>,
    pub params: Option<BTreeMap<String, Vec<String>>>,
    pub interval: Option<String>,
    pub scrape_timeout: Option<String>,
    pub honor_labels: Option<bool>,
    pub honor_timestamps: Option<bool>,
    pub bearer_token_file: Option<String>,
    pub basic_auth: Option<BasicAuth>,
    pub authorization: Option<SafeAuthorization>,
    pub oauth2: Option<OAuth2>,
    pub tls_config: Option<TlsConfig>,
    pub relabelings: Option<Vec<RelabelConfig>>,
    pub metric_relabelings: Option<Vec<RelabelConfig>>,
}

/// TLS client settings of a monitor's endpoint (`TLSConfig`): files mounted into Prometheus, or
/// certificates from Secrets in the monitor's namespace.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct TlsConfig {
    pub ca: Option<SecretOrConfigMap>,
    pub ca_file: Option<String>,
    pub cert_file: Option<String>,
    pub key_file: Option<String>,
    pub cert: Option<SecretOrConfigMap>,
    pub key_secret: Option<SecretKeySelector>,
    pub server_name: Option<String>,
    pub insecure_skip_verify: Option<bool>,
}

/// The per-scrape limits of a ServiceMonitor, PodMonitor or ScrapeConfig.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct Limits {
    pub sample_limit: Option<u64>,
    pub target_limit: Option<u64>,
    pub label_limit: Option<u64>,
    pub label_name_length_limit: Option<u64>,
    pub label_value_length_limit: Option<u64>,
    pub body_size_limit: Option<String>,
}

/// OAuth 2.0 client credentials from Secrets (`OAuth2`).
#[skip_serializing_none]
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct OAuth2 {
    pub client_id: SecretOrConfigMap,
    pub client_secret: SecretKeySelector,
    pub token_url: String,
    pub scopes: Option<Vec<String>>,
    pub endpoint_params: Option<BTreeMap<String, String>>,
}

/// `PrometheusRule.spec`.
#[derive(Debug, Clone, Serialize)]
pub struct PrometheusRuleSpec {
    /// Rule groups: one inline group, or the groups of one rule file in order.
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
    pub query_offset: Option<String>,
    pub limit: Option<i64>,
    pub labels: Option<BTreeMap<String, String>>,
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

/// A key of a Secret in the object's namespace (`SecretKeySelector`).
#[derive(Debug, Clone, Serialize)]
#[allow(missing_docs)]
pub struct SecretKeySelector {
    pub name: String,
    pub key: String,
}

/// A certificate from a Secret (`SecretOrConfigMap`; promsite only uses Secrets).
#[derive(Debug, Clone, Serialize)]
#[allow(missing_docs)]
pub struct SecretOrConfigMap {
    pub secret: SecretKeySelector,
}

/// TLS client settings with certificates from Secrets (`SafeTLSConfig`).
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct SafeTlsConfig {
    pub ca: Option<SecretOrConfigMap>,
    pub cert: Option<SecretOrConfigMap>,
    pub key_secret: Option<SecretKeySelector>,
    pub server_name: Option<String>,
    pub insecure_skip_verify: Option<bool>,
}

/// Basic authentication from a Secret.
#[derive(Debug, Clone, Serialize)]
#[allow(missing_docs)]
pub struct BasicAuth {
    pub username: SecretKeySelector,
    pub password: SecretKeySelector,
}

/// An `Authorization` header from a Secret (`SafeAuthorization`).
#[skip_serializing_none]
#[derive(Debug, Clone, Serialize)]
#[allow(missing_docs)]
pub struct SafeAuthorization {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub credentials: SecretKeySelector,
}

/// A relabeling step (`RelabelConfig`). The key order keeps the output of the steps promsite
/// wrote before `separator` and `modulus` existed.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct RelabelConfig {
    pub source_labels: Option<Vec<String>>,
    pub separator: Option<String>,
    pub regex: Option<String>,
    pub modulus: Option<u64>,
    pub target_label: Option<String>,
    pub replacement: Option<String>,
    pub action: Option<String>,
}

impl From<&Relabel> for RelabelConfig {
    fn from(step: &Relabel) -> Self {
        Self {
            source_labels: (!step.source_labels.is_empty()).then(|| step.source_labels.clone()),
            separator: step.separator.clone(),
            regex: step.regex.clone(),
            modulus: step.modulus,
            target_label: step.target_label.clone(),
            replacement: step.replacement.clone(),
            action: step.action.map(|a| a.as_str().to_owned()),
        }
    }
}

/// The steps as the operator's `RelabelConfig`s; `None` for none.
pub fn relabel_configs(steps: &[Relabel]) -> Option<Vec<RelabelConfig>> {
    (!steps.is_empty()).then(|| steps.iter().map(RelabelConfig::from).collect())
}

/// `ScrapeConfig.spec` (API `monitoring.coreos.com/v1alpha1` in operator v0.93).
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct ScrapeConfigSpec {
    pub job_name: Option<String>,
    pub static_configs: Vec<StaticConfig>,
    pub metrics_path: Option<String>,
    pub params: Option<BTreeMap<String, Vec<String>>>,
    pub scheme: Option<String>,
    pub scrape_interval: Option<String>,
    pub scrape_timeout: Option<String>,
    pub honor_labels: Option<bool>,
    pub honor_timestamps: Option<bool>,
    pub basic_auth: Option<BasicAuth>,
    pub authorization: Option<SafeAuthorization>,
    pub oauth2: Option<OAuth2>,
    pub tls_config: Option<SafeTlsConfig>,
    pub relabelings: Option<Vec<RelabelConfig>>,
    pub metric_relabelings: Option<Vec<RelabelConfig>>,
    #[serde(flatten)]
    pub limits: Limits,
}

impl CustomSpec for ScrapeConfigSpec {
    const API_VERSION: &'static str = "monitoring.coreos.com/v1alpha1";
    const KIND: &'static str = "ScrapeConfig";
}

/// One group of static targets with their labels.
#[skip_serializing_none]
#[derive(Debug, Clone, Serialize)]
#[allow(missing_docs)]
pub struct StaticConfig {
    pub targets: Vec<String>,
    pub labels: Option<BTreeMap<String, String>>,
}

/// `Probe.spec`.
#[skip_serializing_none]
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct ProbeSpec {
    pub job_name: Option<String>,
    pub prober: ProberSpec,
    pub module: String,
    pub targets: ProbeTargets,
    pub interval: Option<String>,
    pub scrape_timeout: Option<String>,
}

impl CustomSpec for ProbeSpec {
    const KIND: &'static str = "Probe";
}

/// Where the prober is.
#[skip_serializing_none]
#[derive(Debug, Clone, Serialize)]
#[allow(missing_docs)]
pub struct ProberSpec {
    pub url: String,
    pub scheme: Option<String>,
    pub path: Option<String>,
}

/// The probed targets (promsite uses the static list only).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct ProbeTargets {
    pub static_config: ProbeStaticConfig,
}

/// A static list of probed targets with their labels.
#[skip_serializing_none]
#[derive(Debug, Clone, Serialize)]
#[allow(missing_docs)]
pub struct ProbeStaticConfig {
    #[serde(rename = "static")]
    pub targets: Vec<String>,
    pub labels: Option<BTreeMap<String, String>>,
}

/// `Prometheus.spec.remoteWrite[]`.
#[skip_serializing_none]
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct RemoteWriteSpec {
    pub name: String,
    pub url: String,
    pub remote_timeout: Option<String>,
    pub headers: Option<BTreeMap<String, String>>,
    pub basic_auth: Option<BasicAuth>,
    pub authorization: Option<SafeAuthorization>,
    pub tls_config: Option<SafeTlsConfig>,
    pub queue_config: Option<QueueConfig>,
    pub write_relabel_configs: Option<Vec<RelabelConfig>>,
}

/// `remoteWrite[].queueConfig`.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct QueueConfig {
    pub capacity: Option<u32>,
    pub min_shards: Option<u32>,
    pub max_shards: Option<u32>,
    pub max_samples_per_send: Option<u32>,
    pub batch_send_deadline: Option<String>,
    pub min_backoff: Option<String>,
    pub max_backoff: Option<String>,
    pub retry_on_rate_limit: Option<bool>,
}

/// `Prometheus.spec.thanos`: the sidecar.
#[skip_serializing_none]
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct ThanosSpec {
    pub version: String,
    pub image: String,
    pub object_storage_config: Option<SecretKeySelector>,
    pub resources: Option<ResourceRequirements>,
}
