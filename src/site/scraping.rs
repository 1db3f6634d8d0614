//! Site-format types of the scraping sections of issue #22: `[cardinality]` (which of promsite's
//! drop lists are on) and `[blackbox_exporter]` (the prober of `[[probe]]` and its modules). Like
//! `raw`, nothing here is validated beyond its shape; doc comments become schema descriptions.

use schemars::JsonSchema;
use serde::Deserialize;

pub use crate::model::blackbox::BlackboxModule;

/// promsite's cardinality guards: series of the control-plane scrapes that no default rule reads
/// and that cost the most (histogram buckets nobody charts, pause containers, debugging metrics),
/// dropped at scrape time by the ServiceMonitors' `metricRelabelings`. Each list is on by default;
/// `docs/cardinality.md` lists what each drops and what it saves. Switch one off when a dashboard
/// or rule of yours needs what it drops.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Cardinality {
    /// The kubelets' list (`/metrics` and `/metrics/probes`): pod-start SLI, image-pull, HTTP-handler
    /// and probe-duration buckets, client-go size buckets. Default true.
    #[schemars(example = true)]
    pub kubelet: Option<bool>,
    /// cAdvisor's list (`/metrics/cadvisor`): unused per-container metrics, block-layer details, and
    /// every series of pause containers but their network ones. Default true.
    #[schemars(example = true)]
    pub cadvisor: Option<bool>,
    /// The API server's list: SLI/SLO latency buckets, etcd request latency buckets, size buckets and
    /// API Priority and Fairness' sampling buckets. Default true.
    #[schemars(example = true)]
    pub apiserver: Option<bool>,
    /// etcd's list (with `[etcd]`): debugging metrics and per-method gRPC message counts. Default true.
    #[schemars(example = true)]
    pub etcd: Option<bool>,
    /// kube-controller-manager's list: client-go's request and response size and rate-limiter
    /// buckets. Default true.
    #[schemars(example = false)]
    pub controller_manager: Option<bool>,
}

/// blackbox_exporter, the prober of `[[probe]]`: a Deployment, its modules in a ConfigMap, a
/// Service and a ServiceMonitor for its own metrics. On when a `[[probe]]` names no `prober`, or
/// with `enabled = true`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BlackboxExporter {
    /// Deploy blackbox_exporter. Default: when a `[[probe]]` names no `prober`.
    #[schemars(example = true)]
    pub enabled: Option<bool>,
    /// blackbox_exporter version (image tag of `quay.io/prometheus/blackbox-exporter`). Default
    /// `v0.28.0`.
    #[schemars(example = &"v0.28.0")]
    pub version: Option<String>,
    /// Nodes it may run on (any one of them). Default: anywhere.
    #[serde(default)]
    #[schemars(example = serde_json::json!(["worker-1", "worker-2"]))]
    pub nodes: Vec<String>,
    /// Modules, which probes name in `module`. They are added to the defaults `http_2xx` (HTTP GET,
    /// any 2xx), `tcp_connect` (a TCP connection) and `icmp` (an ICMP echo), and replace a default
    /// of the same name.
    #[serde(default)]
    #[schemars(example = serde_json::json!([{ "name": "dns_cluster", "prober": "dns", "dns": { "query_name": "kubernetes.default.svc.cluster.local" } }]))]
    pub modules: Vec<BlackboxModule>,
}
