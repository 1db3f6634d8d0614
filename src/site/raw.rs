//! Serde mirror of the site file. Nothing here is validated beyond its shape: `check/` turns it into
//! `model::Site`. Doc comments become descriptions in `schema/site.schema.json`.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;

pub use super::exposure::{ExternalAuth, Ingress, IngressBasicAuth, IngressPaths, IngressTls, WebTls};
pub use super::images::{ImageOverride, ImageOverrides, Images};
pub use super::resources::{ResourceList, Resources, Storage};
pub use super::scale::{Relabel, RemoteWrite, RemoteWriteQueue, Thanos};
pub use super::scraping::{BlackboxExporter, Cardinality};
pub use super::targets::{Probe, Scrape, ScrapeLimits, SecretBasicAuth, StaticScrape};
pub use crate::model::receiver::{Receiver, SecretKeyRef};
use crate::model::{CrdSource, LogLevel, NodeRole, Verb};

/// A promsite site file: one on-prem Kubernetes cluster's monitoring stack.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "promsite site file")]
pub struct RawSite {
    /// Identity of the site; its name is the output directory `out/<name>/`.
    pub site: SiteMeta,
    /// The cluster's nodes that monitoring workloads run on or scrape.
    #[serde(default)]
    pub nodes: Vec<Node>,
    /// The Prometheus server (a Prometheus Operator `Prometheus` resource).
    #[serde(default)]
    pub prometheus: Prometheus,
    /// The Alertmanager cluster (a Prometheus Operator `Alertmanager` resource).
    #[serde(default)]
    pub alertmanager: Alertmanager,
    /// The root of Alertmanager's routing tree.
    pub route: Route,
    /// Where notifications go. Every route names one of these.
    #[schemars(length(min = 1))]
    pub receivers: Vec<Receiver>,
    /// Rules that mute alerts (targets) while other alerts (sources) fire.
    #[serde(default)]
    pub inhibit_rules: Vec<InhibitRule>,
    /// Named time intervals that routes mute or activate notifications in.
    #[serde(default)]
    pub time_intervals: Vec<TimeInterval>,
    /// Services to scrape, each becoming a ServiceMonitor.
    #[serde(default)]
    pub scrape: Vec<Scrape>,
    /// Pods to scrape by a container port, each becoming a PodMonitor (for pods without a Service).
    #[serde(default)]
    pub pod_monitor: Vec<Scrape>,
    /// Targets outside the cluster at fixed addresses, and federated Prometheus servers, each
    /// becoming a ScrapeConfig.
    #[serde(default)]
    pub static_scrape: Vec<StaticScrape>,
    /// Blackbox-style probes through a prober such as blackbox_exporter, each becoming a Probe.
    #[serde(default)]
    pub probe: Vec<Probe>,
    /// Scrape etcd on the nodes with role `etcd`, over HTTPS with a client certificate.
    pub etcd: Option<Etcd>,
    /// Expose Prometheus and Alertmanager through Ingresses.
    pub ingress: Option<Ingress>,
    /// Other platforms that manage monitoring objects through the Kubernetes API.
    #[serde(default)]
    pub api_clients: Vec<ApiClient>,
    /// Alerting and recording rules, one PrometheusRule per group.
    #[serde(default)]
    pub rule_groups: Vec<RuleGroup>,
    /// Prometheus rule files to include, as glob patterns relative to the site file
    /// (e.g. `rules/**/*.yaml`), read as Prometheus reads them; each file becomes one PrometheusRule
    /// holding its groups, named after the file.
    #[serde(default)]
    pub rule_files: Vec<String>,
    /// The Prometheus Operator itself (on by default).
    #[serde(default)]
    pub operator: Operator,
    /// node-exporter on every declared node (on by default).
    #[serde(default)]
    pub node_exporter: NodeExporter,
    /// kube-state-metrics (on by default).
    #[serde(default)]
    pub kube_state_metrics: KubeStateMetrics,
    /// Scraping of the kubeadm control plane and the kubelets (on by default).
    #[serde(default)]
    pub control_plane: ControlPlane,
    /// Grafana with Prometheus as its data source (on by default).
    #[serde(default)]
    pub grafana: Grafana,
    /// prometheus-adapter, serving Prometheus series through the custom metrics API (on by default).
    #[serde(default)]
    pub adapter: Adapter,
    /// NetworkPolicies admitting only the traffic the stack needs (off by default).
    #[serde(default)]
    pub network_policies: NetworkPolicies,
    /// promsite's own alerting and recording rules for the cluster and the stack (on by default).
    #[serde(default)]
    pub default_rules: DefaultRules,
    /// Where images are pulled from: a registry mirror, pull secrets, per-image overrides.
    #[serde(default)]
    pub images: Images,
    /// promsite's drop lists for the control-plane series nobody reads (each on by default).
    #[serde(default)]
    pub cardinality: Cardinality,
    /// blackbox_exporter, the prober of `[[probe]]` (on when a probe names no `prober`).
    #[serde(default)]
    pub blackbox_exporter: BlackboxExporter,
}

/// promsite's default rules: alerts for every failure class of a kubeadm cluster and of the
/// monitoring stack itself, and the recording rules they use. Each group becomes a PrometheusRule
/// `promsite-<group>`; `docs/alerts.md` lists every alert with what to do first. Every default
/// alert carries the label `promsite_group` (its group id), which routes can match.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DefaultRules {
    /// Ship the default rules. Default true.
    #[schemars(example = true)]
    pub enabled: Option<bool>,
    /// Base of every default alert's `runbook_url` annotation, which is `<base>#<alert name in
    /// lower case>`. Default `docs/alerts.md` (promsite's alert reference, by its path in the
    /// promsite repository): point it at where you publish that page or your own runbooks.
    #[schemars(example = &"https://git.example.com/sre/promsite/blob/main/docs/alerts.md")]
    pub runbook_base_url: Option<String>,
    /// Groups to leave out, by id: `meta`, `prometheus`, `alertmanager`, `operator`, and the
    /// others `docs/alerts.md` lists. A group of a switched-off component is left out anyway.
    #[serde(default)]
    #[schemars(example = serde_json::json!(["etcd"]))]
    pub disabled_groups: Vec<String>,
    /// Receiver for the default alerts that no route of `[route]` takes: promsite appends a last
    /// child route `promsite_group=~".+"` to it. Default: the root route's receiver.
    #[schemars(example = &"sre-oncall")]
    pub receiver: Option<String>,
    /// The dead-man's switch: the always-firing `Watchdog` alert goes to this receiver (e.g. a
    /// healthchecks-style webhook) on a route of its own. Default: none, the alert goes to
    /// `promsite-null` (a receiver without integrations).
    #[schemars(example = serde_json::json!({ "receiver": "deadmans-switch", "repeat_interval": "5m" }))]
    pub watchdog: Option<Watchdog>,
    /// Keep `severity="info"` alerts quiet unless a `warning` or `critical` alert fires in the same
    /// namespace: the `InfoInhibitor` alert (routed to `promsite-null`) and an inhibit rule that
    /// mutes `info` alerts while it fires. Default true.
    #[schemars(example = true)]
    pub info_inhibitor: Option<bool>,
    /// Thresholds of the default alerts; each key left out keeps its documented default.
    #[serde(default)]
    #[schemars(example = serde_json::json!({ "filesystem_free_percent": 15, "certificate_days_left": 21 }))]
    pub thresholds: Thresholds,
}

/// Where the always-firing `Watchdog` alert goes.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Watchdog {
    /// Receiver of the dead-man's switch, e.g. a webhook to healthchecks.io that alarms when the
    /// pings stop.
    #[schemars(example = &"deadmans-switch")]
    pub receiver: String,
    /// How often the switch is notified (Prometheus duration); also its route's `group_interval`.
    /// Default `5m`.
    #[schemars(example = &"5m")]
    pub repeat_interval: Option<String>,
}

/// Thresholds of the default alerts. Percentages are 0-100.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    /// A node filesystem with less free space than this (%) warns. Default 10.
    #[schemars(range(min = 0, max = 100), example = 10)]
    pub filesystem_free_percent: Option<f64>,
    /// A node filesystem with less free space than this (%) is critical. Default 3.
    #[schemars(range(min = 0, max = 100), example = 3)]
    pub filesystem_free_critical_percent: Option<f64>,
    /// A node filesystem predicted (from the last 6 hours) to fill within this many hours warns.
    /// Default 24.
    #[schemars(range(min = 1, max = 720), example = 24)]
    pub filesystem_fill_hours: Option<f64>,
    /// A filesystem with fewer free inodes than this (%) warns. Default 5.
    #[schemars(range(min = 0, max = 100), example = 5)]
    pub inodes_free_percent: Option<f64>,
    /// A PersistentVolumeClaim's volume with less free space than this (%) warns. Default 10.
    #[schemars(range(min = 0, max = 100), example = 10)]
    pub volume_free_percent: Option<f64>,
    /// A node with less available memory than this (%) warns. Default 10.
    #[schemars(range(min = 0, max = 100), example = 10)]
    pub memory_available_percent: Option<f64>,
    /// A node whose CPUs are busier than this (%) for 30 minutes warns. Default 90.
    #[schemars(range(min = 1, max = 100), example = 90)]
    pub cpu_busy_percent: Option<f64>,
    /// A certificate that expires within this many days warns. Default 30.
    #[schemars(range(min = 1, max = 3650), example = 30)]
    pub certificate_days_left: Option<f64>,
    /// A certificate that expires within this many days is critical. Default 7.
    #[schemars(range(min = 0, max = 3650), example = 7)]
    pub certificate_critical_days_left: Option<f64>,
    /// A container restarting this many times within an hour is crash looping. Default 3.
    #[schemars(range(min = 1, max = 1000), example = 3)]
    pub restarts_per_hour: Option<f64>,
    /// A container throttled in more than this share (%) of its CPU periods warns (info). Default 25.
    #[schemars(range(min = 1, max = 100), example = 25)]
    pub cpu_throttling_percent: Option<f64>,
    /// 99th-percentile API server request latency (seconds, long-running requests aside) above
    /// which it warns. Default 1.
    #[schemars(range(min = 0.001, max = 600), example = 1)]
    pub apiserver_latency_seconds: Option<f64>,
    /// Share (%) of API server requests answered with a 5xx above which it warns. Default 3.
    #[schemars(range(min = 0, max = 100), example = 3)]
    pub apiserver_error_percent: Option<f64>,
    /// 99th-percentile etcd WAL fsync latency (seconds) above which it warns. Default 0.5.
    #[schemars(range(min = 0.001, max = 60), example = 0.5)]
    pub etcd_fsync_seconds: Option<f64>,
    /// 99th-percentile etcd backend commit latency (seconds) above which it warns. Default 0.25.
    #[schemars(range(min = 0.001, max = 60), example = 0.25)]
    pub etcd_commit_seconds: Option<f64>,
    /// etcd database size as a share (%) of its quota above which it warns. Default 80.
    #[schemars(range(min = 1, max = 100), example = 80)]
    pub etcd_quota_percent: Option<f64>,
    /// Clock offset (seconds) from the NTP reference above which a node warns. Default 0.05.
    #[schemars(range(min = 0.001, max = 3600), example = 0.05)]
    pub clock_skew_seconds: Option<f64>,
    /// A Job running longer than this many hours warns. Default 12.
    #[schemars(range(min = 0.1, max = 8760), example = 12)]
    pub job_running_hours: Option<f64>,
    /// A kubelet running more pods than this share (%) of its capacity warns (info). Default 95.
    #[schemars(range(min = 1, max = 100), example = 95)]
    pub kubelet_pods_percent: Option<f64>,
    // nodes, workloads, control plane (content branch)
    /// A disk busy (doing I/O) more than this share (%) of the time for 30 minutes warns. Default 90.
    #[schemars(range(min = 1, max = 100), example = 90)]
    pub disk_io_busy_percent: Option<f64>,
    /// A network interface dropping more than this share (%) of its packets to errors warns.
    /// Default 1.
    #[schemars(range(min = 0.001, max = 100), example = 1)]
    pub network_error_percent: Option<f64>,
    /// 99th-percentile kubelet PLEG relist duration (seconds) above which a node warns. Default 10.
    #[schemars(range(min = 0.1, max = 600), example = 10)]
    pub pleg_relist_seconds: Option<f64>,
    /// More etcd leader changes than this within an hour warn. Default 4.
    #[schemars(range(min = 1, max = 1000), example = 4)]
    pub etcd_leader_changes_per_hour: Option<f64>,
    /// Share (%) of etcd gRPC requests failing with a server-side code above which it warns. Default 5.
    #[schemars(range(min = 0, max = 100), example = 5)]
    pub etcd_grpc_error_percent: Option<f64>,
    /// Share (%) of CoreDNS responses that are SERVFAIL above which it warns. Default 5.
    #[schemars(range(min = 0, max = 100), example = 5)]
    pub coredns_servfail_percent: Option<f64>,
    /// 99th-percentile CoreDNS request latency (seconds) above which it warns. Default 1.
    #[schemars(range(min = 0.001, max = 60), example = 1)]
    pub coredns_latency_seconds: Option<f64>,
    /// A node's connection-tracking or file-descriptor table fuller than this (%) warns. Default 90.
    #[schemars(range(min = 1, max = 100), example = 90)]
    pub kernel_table_percent: Option<f64>,
}

/// NetworkPolicies for the stack's own pods: Prometheus, Alertmanager, Grafana and the exporters
/// accept only the connections they need.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NetworkPolicies {
    /// Generate the policies. Default false: they only take effect with a CNI that enforces them,
    /// and an ingress controller outside `ingress_namespaces` would lose access to the web UIs.
    #[schemars(example = true)]
    pub enabled: Option<bool>,
    /// Namespaces of the ingress controllers allowed to reach the web UIs. Default `["ingress-nginx"]`.
    #[schemars(example = serde_json::json!(["ingress-nginx"]))]
    pub ingress_namespaces: Option<Vec<String>>,
}

/// prometheus-adapter: the custom metrics API (`custom.metrics.k8s.io`) backed by Prometheus, for
/// HorizontalPodAutoscalers.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Adapter {
    /// Deploy prometheus-adapter. Default true.
    #[schemars(example = true)]
    pub enabled: Option<bool>,
    /// prometheus-adapter version (image tag). Default `v0.12.0`.
    #[schemars(example = &"v0.12.0")]
    pub version: Option<String>,
    /// Nodes it may run on (any one of them). Default: anywhere.
    #[serde(default)]
    #[schemars(example = serde_json::json!(["worker-1", "worker-2"]))]
    pub nodes: Vec<String>,
    /// Also serve the resource metrics API (`v1beta1.metrics.k8s.io`: CPU and memory of pods and
    /// nodes from cAdvisor), so that `kubectl top` and CPU- and memory-based HorizontalPodAutoscalers
    /// work without metrics-server. Needs `[control_plane]`. Default true; set false when
    /// metrics-server (or another adapter) already serves `metrics.k8s.io`: the APIService would
    /// take it over.
    #[schemars(example = false)]
    pub resource_metrics: Option<bool>,
    /// Rules turning Prometheus series into custom metrics.
    #[serde(default)]
    #[schemars(example = serde_json::json!([{ "series_query": "http_requests_total{namespace!=\"\",pod!=\"\"}", "resources": { "overrides": { "namespace": "namespace", "pod": "pod" } }, "metrics_query": "sum(rate(<<.Series>>{<<.LabelMatchers>>}[2m])) by (<<.GroupBy>>)" }]))]
    pub rules: Vec<AdapterRule>,
    /// CPU and memory of the adapter container. Default: requests `50m` CPU and `128Mi` memory, memory limit `512Mi`.
    #[schemars(example = serde_json::json!({ "requests": { "cpu": "100m", "memory": "128Mi" }, "limits": { "memory": "512Mi" } }))]
    pub resources: Option<Resources>,
    /// PriorityClass of its pods. Default `system-cluster-critical`; `""` for none.
    #[schemars(example = &"monitoring-critical")]
    pub priority_class: Option<String>,
}

/// One prometheus-adapter rule: discovery, association, naming and querying.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AdapterRule {
    /// Discovery: a PromQL series selector, e.g. `http_requests_total{namespace!="",pod!=""}`.
    #[schemars(example = &"http_requests_total{namespace!=\"\",pod!=\"\"}")]
    pub series_query: String,
    /// Association: which series labels name which Kubernetes resources.
    #[schemars(example = serde_json::json!({ "overrides": { "namespace": "namespace", "pod": "pod" } }))]
    pub resources: AdapterResources,
    /// Naming: how series names become metric names.
    #[schemars(example = serde_json::json!({ "matches": "^(.*)_total$", "as": "${1}_per_second" }))]
    pub name: Option<AdapterName>,
    /// Querying: a PromQL template with `<<.Series>>`, `<<.LabelMatchers>>` and `<<.GroupBy>>`.
    #[schemars(example = &"sum(rate(<<.Series>>{<<.LabelMatchers>>}[2m])) by (<<.GroupBy>>)")]
    pub metrics_query: String,
}

/// How series labels map to Kubernetes resources.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AdapterResources {
    /// Label → resource, e.g. `{ namespace = "namespace", pod = "pod" }`.
    #[serde(default)]
    #[schemars(example = serde_json::json!({ "namespace": "namespace", "pod": "pod" }))]
    pub overrides: std::collections::BTreeMap<String, String>,
    /// A template turning a resource into a label name, e.g. `kube_<<.Resource>>`.
    #[schemars(example = &"kube_<<.Resource>>")]
    pub template: Option<String>,
}

/// How series names become metric names.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AdapterName {
    /// A regular expression over the series name.
    #[schemars(example = &"^(.*)_total$")]
    pub matches: String,
    /// The metric name, with `${1}`-style references to the groups of `matches`.
    #[serde(rename = "as")]
    #[schemars(example = &"${1}_per_second")]
    pub as_name: Option<String>,
}

/// Grafana, provisioned with the site's Prometheus as its default data source.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Grafana {
    /// Deploy Grafana. Default true.
    #[schemars(example = true)]
    pub enabled: Option<bool>,
    /// Grafana version (image tag). Default `12.1.0`.
    #[schemars(example = &"12.1.0")]
    pub version: Option<String>,
    /// Number of replicas. Default 1.
    #[schemars(range(min = 1, max = 10))]
    #[schemars(example = 2)]
    pub replicas: Option<u32>,
    /// Nodes the replicas run on, one replica per node.
    #[serde(default)]
    #[schemars(example = serde_json::json!(["worker-1", "worker-2"]))]
    pub nodes: Vec<String>,
    /// The Secret holding the admin user name and password. Default
    /// `{ secret = "grafana-admin", user_key = "admin-user", password_key = "admin-password" }`.
    #[schemars(example = serde_json::json!({ "secret": "grafana-admin", "user_key": "admin-user", "password_key": "admin-password" }))]
    pub admin: Option<GrafanaAdmin>,
    /// Also expose the web UI on this port of every node (a NodePort Service, 30000-32767).
    #[schemars(range(min = 30000, max = 32767))]
    #[schemars(example = 30030)]
    pub node_port: Option<u16>,
    /// A directory of dashboard JSON files (relative to the site file), searched recursively; each
    /// becomes a provisioned dashboard.
    #[schemars(example = &"dashboards")]
    pub dashboards: Option<String>,
    /// CPU and memory of the Grafana container. Default: requests `100m` CPU and `128Mi` memory, memory limit `512Mi`.
    #[schemars(example = serde_json::json!({ "requests": { "cpu": "100m", "memory": "128Mi" }, "limits": { "memory": "512Mi" } }))]
    pub resources: Option<Resources>,
    /// PriorityClass of its pods. Default: none (a UI: the first to go when a node runs short).
    #[schemars(example = &"monitoring-critical")]
    pub priority_class: Option<String>,
    /// Provision promsite's default dashboards (docs/dashboards.md), each left out with its
    /// component. Default true.
    #[schemars(example = true)]
    pub default_dashboards: Option<bool>,
    /// Default dashboards to leave out, by id (docs/dashboards.md), e.g. `["etcd"]`.
    #[serde(default)]
    #[schemars(example = serde_json::json!(["etcd", "coredns"]))]
    pub disabled_dashboards: Vec<String>,
    /// Data sources besides the site's Prometheus: Loki, Tempo, another Prometheus or Thanos
    /// Query, an Alertmanager; credentials from Secrets.
    #[serde(default)]
    #[schemars(example = serde_json::json!([{ "name": "Loki", "type": "loki", "url": "http://loki-gateway.logging.svc" }]))]
    pub datasources: Vec<super::grafana::DataSource>,
    /// How users log in: anonymous access (off by default) and single sign-on.
    #[serde(default)]
    pub login: super::grafana::Login,
}

/// Where Grafana's admin credentials are.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GrafanaAdmin {
    /// Name of the Secret in the site's namespace.
    #[schemars(example = &"grafana-admin")]
    pub secret: String,
    /// Key holding the admin user name.
    #[schemars(example = &"admin-user")]
    pub user_key: String,
    /// Key holding the admin password.
    #[schemars(example = &"admin-password")]
    pub password_key: String,
}

/// The Prometheus Operator: a Deployment with its RBAC, Service and ServiceMonitor. Its CRDs go to
/// a separate kustomization in `out/<site>/setup/`, applied before the rest.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Operator {
    /// Deploy the operator. Default true; set false when the cluster already runs one.
    #[schemars(example = true)]
    pub enabled: Option<bool>,
    /// Nodes the operator may run on (any one of them). Default: anywhere.
    #[serde(default)]
    #[schemars(example = serde_json::json!(["master-01.aipaas.japan"]))]
    pub nodes: Vec<String>,
    /// Where the CRDs come from: `upstream` (the operator release's CRD files, pinned to its version,
    /// fetched from GitHub when `setup/` is built), `vendored` (the release's CRD files kept in the
    /// repository, see `crds_path`; `setup/` then builds offline) or `none` (the cluster admin
    /// installs them). Default `upstream`.
    #[schemars(example = &"upstream")]
    pub crds: Option<CrdSource>,
    /// With `crds = "vendored"`: a directory of CRD YAML files (relative to the site file), copied
    /// into `setup/crds/`: the operator's CRDs of the pinned release, as `promsite import-crds SITE
    /// FROM` writes them. The output is checked against their schemas.
    #[schemars(example = &"crds")]
    pub crds_path: Option<String>,
    /// CPU and memory of the operator container. Default: requests `100m` CPU and `128Mi` memory, memory limit `512Mi`.
    #[schemars(example = serde_json::json!({ "requests": { "cpu": "100m", "memory": "128Mi" }, "limits": { "memory": "512Mi" } }))]
    pub resources: Option<Resources>,
    /// PriorityClass of its pods. Default `system-cluster-critical`; `""` for none.
    #[schemars(example = &"monitoring-critical")]
    pub priority_class: Option<String>,
    /// CPU and memory of the `config-reloader` sidecar the operator adds to every Prometheus and
    /// Alertmanager pod (the operator's `--config-reloader-*` flags; only with the operator
    /// promsite deploys). Default: requests `10m` CPU and `32Mi` memory, memory limit `64Mi`, no
    /// CPU limit.
    #[schemars(example = serde_json::json!({ "requests": { "cpu": "10m", "memory": "32Mi" }, "limits": { "memory": "64Mi" } }))]
    pub config_reloader_resources: Option<Resources>,
}

/// node-exporter, a DaemonSet on every declared node (tolerating all their taints).
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NodeExporter {
    /// Deploy node-exporter. Default true.
    #[schemars(example = true)]
    pub enabled: Option<bool>,
    /// node-exporter version (image tag). Default `v1.9.1`.
    #[schemars(example = &"v1.9.1")]
    pub version: Option<String>,
    /// CPU and memory of the node-exporter container (on every node). Default: requests `50m` CPU and `64Mi` memory, memory limit `128Mi`.
    #[schemars(example = serde_json::json!({ "requests": { "cpu": "100m", "memory": "128Mi" }, "limits": { "memory": "512Mi" } }))]
    pub resources: Option<Resources>,
    /// PriorityClass of its pods. Default: `system-node-critical` (a node agent, evicted last); `""`
    /// for none.
    #[schemars(example = &"system-node-critical")]
    pub priority_class: Option<String>,
}

/// kube-state-metrics, one Deployment.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KubeStateMetrics {
    /// Deploy kube-state-metrics. Default true.
    #[schemars(example = true)]
    pub enabled: Option<bool>,
    /// kube-state-metrics version (image tag). Default `v2.16.0`.
    #[schemars(example = &"v2.16.0")]
    pub version: Option<String>,
    /// Nodes it may run on (any one of them). Default: anywhere.
    #[serde(default)]
    #[schemars(example = serde_json::json!(["worker-1"]))]
    pub nodes: Vec<String>,
    /// CPU and memory of the kube-state-metrics container. Default: requests `50m` CPU and `128Mi` memory, memory limit `512Mi`.
    #[schemars(example = serde_json::json!({ "requests": { "cpu": "100m", "memory": "128Mi" }, "limits": { "memory": "512Mi" } }))]
    pub resources: Option<Resources>,
    /// PriorityClass of its pods. Default `system-cluster-critical`; `""` for none.
    #[schemars(example = &"monitoring-critical")]
    pub priority_class: Option<String>,
}

/// Scraping of the Kubernetes control plane: kubelets (with cAdvisor), the API server, CoreDNS,
/// kube-controller-manager and kube-scheduler.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ControlPlane {
    /// Scrape the control plane. Default true.
    #[schemars(example = false)]
    pub enabled: Option<bool>,
    /// Also scrape kube-proxy on every node (port 10249, through a headless Service in
    /// `kube-system` selecting its pods `k8s-app=kube-proxy`). Default false: kubeadm binds
    /// kube-proxy's metrics to `127.0.0.1:10249`, unreachable from Prometheus; set
    /// `metricsBindAddress: 0.0.0.0:10249` in the `kube-proxy` ConfigMap (or `--metrics-bind-address`)
    /// first.
    #[schemars(example = true)]
    pub kube_proxy: Option<bool>,
}

/// Identity of the site.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SiteMeta {
    /// Site name (a DNS-1123 label): the output directory and the `promsite.dev/site` label.
    #[schemars(example = &"aipaas-japan")]
    pub name: String,
    /// Namespace of the monitoring stack.
    #[serde(default = "default_namespace")]
    #[schemars(example = &"monitoring")]
    pub namespace: String,
}

fn default_namespace() -> String {
    "monitoring".to_owned()
}

/// A Kubernetes node.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Node {
    /// The node's name, as in its `kubernetes.io/hostname` label.
    #[schemars(example = &"master-01.aipaas.japan")]
    pub name: String,
    /// The node's IP address, used to scrape host services such as etcd.
    #[schemars(example = &"172.31.243.137")]
    pub address: String,
    /// What runs on the node.
    #[serde(default)]
    #[schemars(example = serde_json::json!(["control-plane", "etcd"]))]
    pub roles: Vec<NodeRole>,
    /// The node's taints, as `key[=value]:Effect`. Workloads placed here tolerate exactly these.
    #[serde(default)]
    #[schemars(example = serde_json::json!(["node-role.kubernetes.io/control-plane:NoSchedule"]))]
    pub taints: Vec<String>,
    /// What the node offers pods (its allocatable CPU and memory, as `kubectl describe node` shows).
    /// Where given, promsite checks that the requests of what it pins to the node fit.
    #[schemars(example = serde_json::json!({ "cpu": "8", "memory": "32Gi" }))]
    pub capacity: Option<ResourceList>,
}

/// The Prometheus server.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Prometheus {
    /// Prometheus version (image tag), e.g. `v3.5.0`.
    #[schemars(example = &"v3.5.0")]
    pub version: Option<String>,
    /// Number of replicas; each scrapes everything (HA pair). Default 1.
    #[schemars(range(min = 1, max = 100))]
    #[schemars(example = 2)]
    pub replicas: Option<u32>,
    /// Number of shards: the targets are split between this many Prometheus StatefulSets (by a
    /// hash of their address), each with `replicas` replicas. Default 1.
    #[schemars(range(min = 1, max = 100))]
    #[schemars(example = 2)]
    pub shards: Option<u32>,
    /// Endpoints every replica also sends its samples to.
    #[serde(default)]
    #[schemars(example = serde_json::json!([{ "name": "mimir", "url": "https://mimir.example.com/api/v1/push", "headers": { "X-Scope-OrgID": "aipaas-japan" } }]))]
    pub remote_write: Vec<RemoteWrite>,
    /// The Thanos sidecar in every Prometheus pod.
    #[schemars(example = serde_json::json!({ "object_storage": { "secret": "thanos-objstore", "key": "objstore.yml" } }))]
    pub thanos: Option<Thanos>,
    /// How long to keep samples (Prometheus duration). Default `15d`.
    #[schemars(example = &"30d")]
    pub retention: Option<String>,
    /// The most disk space the TSDB may use before Prometheus deletes the oldest blocks (Prometheus
    /// units, powers of 1024: `B`, `KB`, `MB`, `GB`, `TB`, `PB`, `EB`). Default: no limit. Keep it
    /// below the volume size, with room for compaction.
    #[schemars(example = &"80GB")]
    pub retention_size: Option<String>,
    /// How often rules are evaluated (Prometheus duration). Default `30s`.
    #[schemars(example = &"30s")]
    pub evaluation_interval: Option<String>,
    /// Default scrape interval (Prometheus duration). Default `30s`.
    #[schemars(example = &"30s")]
    pub scrape_interval: Option<String>,
    /// Nodes the replicas run on, one replica per node.
    #[serde(default)]
    #[schemars(example = serde_json::json!(["master-02.aipaas.japan", "master-03.aipaas.japan"]))]
    pub nodes: Vec<String>,
    /// Labels added to every series and alert leaving this Prometheus.
    #[serde(default)]
    #[schemars(example = serde_json::json!({ "cluster": "aipaas-japan" }))]
    pub external_labels: BTreeMap<String, String>,
    /// CPU and memory of the Prometheus container. Default: requests `500m` CPU and `2Gi` memory,
    /// memory limit `4Gi`.
    #[schemars(example = serde_json::json!({ "cpu": "2", "memory": "8Gi" }))]
    pub resources: Option<Resources>,
    /// PriorityClass of the Prometheus pods. Default `system-cluster-critical` (scheduled before
    /// ordinary workloads, so that monitoring survives a full cluster); `""` for none.
    #[schemars(example = &"monitoring-critical")]
    pub priority_class: Option<String>,
    /// Enable the TSDB admin API (deleting series, snapshots). Default false.
    #[serde(default)]
    #[schemars(example = false)]
    pub admin_api: bool,
    /// Upper bound on samples one query may load into memory.
    #[schemars(range(min = 1))]
    #[schemars(example = 50_000_000)]
    pub query_max_samples: Option<u64>,
    /// Persistent storage of the TSDB: a local volume on each node in `nodes`, or a StorageClass.
    /// Default: none (an emptyDir, lost when the pod goes).
    #[schemars(example = serde_json::json!({ "path": "/prometheus-k8s", "size": "100Gi" }))]
    pub storage: Option<Storage>,
    /// Also expose the web UI on this port of every node (a NodePort Service, 30000-32767).
    #[schemars(range(min = 30000, max = 32767))]
    #[schemars(example = 30090)]
    pub node_port: Option<u16>,
    /// HTTPS on Prometheus' own web server, with a certificate from a Secret.
    #[schemars(example = serde_json::json!({ "secret": "prometheus-web-tls" }))]
    pub web_tls: Option<WebTls>,
    /// Limits every scrape is held to, promsite's own included (the Prometheus resource's
    /// `enforced*` limits): a scrape without its own limit gets this one, and a scrape's own limit
    /// applies only where it is lower.
    #[schemars(example = serde_json::json!({ "sample_limit": 200_000, "label_limit": 64, "body_size_limit": "50MB" }))]
    pub scrape_limits: Option<ScrapeLimits>,
}

/// The Alertmanager cluster.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Alertmanager {
    /// Alertmanager version (image tag), e.g. `v0.33.1`.
    #[schemars(example = &"v0.33.1")]
    pub version: Option<String>,
    /// Number of replicas; they gossip to form one HA cluster. Default 1.
    #[schemars(range(min = 1, max = 100))]
    #[schemars(example = 2)]
    pub replicas: Option<u32>,
    /// Nodes the replicas run on, one replica per node.
    #[serde(default)]
    #[schemars(example = serde_json::json!(["master-01.aipaas.japan", "master-02.aipaas.japan"]))]
    pub nodes: Vec<String>,
    /// Log level.
    #[schemars(example = &"info")]
    pub log_level: Option<LogLevel>,
    /// Timing of the HA cluster's gossip protocol.
    #[schemars(example = serde_json::json!({ "gossip_interval": "200ms", "pushpull_interval": "1m", "peer_timeout": "15s" }))]
    pub cluster: Option<AlertmanagerCluster>,
    /// Outgoing e-mail settings (Alertmanager's `global.smtp_*`).
    #[schemars(example = serde_json::json!({ "smarthost": "mail.example.com:587", "from": "alertmanager@example.com" }))]
    pub smtp: Option<Smtp>,
    /// Also expose the web UI on this port of every node (a NodePort Service, 30000-32767).
    #[schemars(range(min = 30000, max = 32767))]
    #[schemars(example = 30093)]
    pub node_port: Option<u16>,
    /// HTTPS on Alertmanager's own web server, with a certificate from a Secret.
    #[schemars(example = serde_json::json!({ "secret": "alertmanager-web-tls" }))]
    pub web_tls: Option<WebTls>,
    /// Run on the host network (ports 9093 and 9094 of each node), as some on-prem networks need.
    #[serde(default)]
    #[schemars(example = true)]
    pub host_network: bool,
    /// Notification template files (`{{ define "..." }}` blocks), relative to the site file. They
    /// go into the configuration Secret beside `alertmanager.yaml`.
    #[serde(default)]
    pub templates: Vec<String>,
    /// Persistent storage of silences and the notification log: a local volume on each node in
    /// `nodes`, or a StorageClass. Default: none (an emptyDir: both are lost when every replica
    /// restarts at once).
    #[schemars(example = serde_json::json!({ "storage_class": "ceph-rbd", "size": "1Gi" }))]
    pub storage: Option<Storage>,
    /// CPU and memory of the Alertmanager container. Default: requests `50m` CPU and `128Mi`
    /// memory, memory limit `256Mi`.
    #[schemars(example = serde_json::json!({ "requests": { "cpu": "50m", "memory": "128Mi" }, "limits": { "memory": "256Mi" } }))]
    pub resources: Option<Resources>,
    /// PriorityClass of the Alertmanager pods. Default `system-cluster-critical`; `""` for none.
    #[schemars(example = &"monitoring-critical")]
    pub priority_class: Option<String>,
}

/// Timing of the Alertmanager gossip protocol (Go durations).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AlertmanagerCluster {
    /// Interval between gossip messages, e.g. `200ms`.
    #[schemars(example = &"200ms")]
    pub gossip_interval: Option<String>,
    /// Interval between full state syncs, e.g. `1m`.
    #[schemars(example = &"1m")]
    pub pushpull_interval: Option<String>,
    /// Time to wait between peers to send notifications, e.g. `15s`.
    #[schemars(example = &"15s")]
    pub peer_timeout: Option<String>,
}

/// Outgoing e-mail settings.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Smtp {
    /// SMTP server as `host:port`.
    #[schemars(example = &"mail.example.com:587")]
    pub smarthost: String,
    /// Sender address.
    #[schemars(example = &"alertmanager@example.com")]
    pub from: String,
    /// Hostname sent in HELO/EHLO.
    #[schemars(example = &"alertmanager.example.com")]
    pub hello: Option<String>,
    /// Username for SMTP authentication.
    #[schemars(example = &"alertmanager@example.com")]
    pub auth_username: Option<String>,
    /// Password for SMTP authentication, as a Secret reference (never the password itself).
    #[schemars(example = serde_json::json!({ "secret": "alertmanager-smtp", "key": "password" }))]
    pub auth_password: Option<SecretKeyRef>,
    /// Identity for SMTP PLAIN authentication.
    #[schemars(example = &"alertmanager@example.com")]
    pub auth_identity: Option<String>,
    /// Require STARTTLS. Default true (Alertmanager's default).
    #[schemars(example = true)]
    pub require_tls: Option<bool>,
}

/// A node of Alertmanager's routing tree.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Route {
    /// Receiver for alerts this route matches.
    #[schemars(example = &"sre-oncall")]
    pub receiver: Option<String>,
    /// Alertmanager matchers, e.g. `severity=~"warning|critical"`. Not allowed on the root route.
    #[serde(default)]
    #[schemars(example = serde_json::json!(["severity=~\"warning|critical\"", "team=\"db\""]))]
    pub matchers: Vec<String>,
    /// Labels that group alerts into one notification.
    #[schemars(example = serde_json::json!(["alertname", "cluster"]))]
    pub group_by: Option<Vec<String>>,
    /// Wait before the first notification of a new group (Prometheus duration).
    #[schemars(example = &"30s")]
    pub group_wait: Option<String>,
    /// Wait before notifying about new alerts in a group (Prometheus duration).
    #[schemars(example = &"5m")]
    pub group_interval: Option<String>,
    /// Wait before repeating a notification (Prometheus duration).
    #[schemars(example = &"4h")]
    pub repeat_interval: Option<String>,
    /// Keep matching sibling routes after this one matched.
    #[serde(default, rename = "continue")]
    #[schemars(example = true)]
    pub continue_matching: bool,
    /// Time intervals (from `[[time_intervals]]`) during which this route sends nothing.
    #[serde(default)]
    pub mute_time_intervals: Vec<String>,
    /// Time intervals (from `[[time_intervals]]`) outside which this route sends nothing.
    #[serde(default)]
    pub active_time_intervals: Vec<String>,
    /// Child routes, tried in order.
    #[serde(default)]
    #[schemars(example = serde_json::json!([{ "matchers": ["severity=\"critical\""], "receiver": "sre-oncall" }]))]
    pub routes: Vec<Route>,
}

/// An inhibition rule: while an alert matching `source_matchers` fires, alerts matching
/// `target_matchers` with the same values of the `equal` labels are muted.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InhibitRule {
    /// Matchers the muting (source) alert must satisfy.
    #[schemars(length(min = 1))]
    pub source_matchers: Vec<String>,
    /// Matchers the muted (target) alerts must satisfy.
    #[schemars(length(min = 1))]
    pub target_matchers: Vec<String>,
    /// Labels whose values must be equal in source and target.
    #[serde(default)]
    pub equal: Vec<String>,
}

/// A named set of time ranges.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TimeInterval {
    /// Name, referenced by routes' `mute_time_intervals` and `active_time_intervals`.
    pub name: String,
    /// The ranges; an instant inside any of them is inside the interval.
    #[schemars(length(min = 1))]
    pub intervals: Vec<TimeIntervalSpec>,
}

/// One time range. Every field given must match; a field left out matches any time.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TimeIntervalSpec {
    /// Times of day, `HH:MM` to `HH:MM` (end exclusive; `24:00` is the end of the day).
    #[serde(default)]
    pub times: Vec<TimeRange>,
    /// Days of the week or ranges of them, e.g. `monday:friday`, `saturday`.
    #[serde(default)]
    pub weekdays: Vec<String>,
    /// Days of the month or ranges, e.g. `1:5`, `-1` (the last day).
    #[serde(default)]
    pub days_of_month: Vec<String>,
    /// Months by name or number, or ranges, e.g. `january:march`, `12`.
    #[serde(default)]
    pub months: Vec<String>,
    /// Years or ranges, e.g. `2025:2027`.
    #[serde(default)]
    pub years: Vec<String>,
    /// IANA time zone the ranges are in, e.g. `Asia/Tokyo`. Default UTC.
    pub location: Option<String>,
}

/// A time-of-day range.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TimeRange {
    /// Start, `HH:MM` (inclusive).
    pub start_time: String,
    /// End, `HH:MM` (exclusive), at most `24:00`.
    pub end_time: String,
}

/// Scraping of etcd on the nodes with role `etcd`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Etcd {
    /// etcd's client port. Default 2379.
    #[schemars(range(min = 1, max = 65535))]
    #[schemars(example = 2379)]
    pub port: Option<u32>,
    /// The Secret (in the site's namespace) holding a client certificate etcd trusts.
    #[schemars(example = serde_json::json!({ "secret": "etcd-certs", "cert": "healthcheck-client.crt", "key": "healthcheck-client.key", "ca": "ca.crt" }))]
    pub client_cert: EtcdClientCert,
}

/// Keys of the etcd client certificate Secret.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EtcdClientCert {
    /// Name of the Secret, e.g. created from kubeadm's `/etc/kubernetes/pki/etcd/healthcheck-client.*`.
    #[schemars(example = &"etcd-certs")]
    pub secret: String,
    /// Key holding the client certificate.
    #[schemars(example = &"healthcheck-client.crt")]
    pub cert: String,
    /// Key holding the client private key.
    #[schemars(example = &"healthcheck-client.key")]
    pub key: String,
    /// Key holding etcd's CA certificate.
    #[schemars(example = &"ca.crt")]
    pub ca: String,
}

/// A platform that manages monitoring objects through the Kubernetes API.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiClient {
    /// ServiceAccount name.
    #[schemars(example = &"zprometheus")]
    pub name: String,
    /// Namespace the client works in; its objects there are picked up by Prometheus.
    #[schemars(example = &"prometheus-k8s")]
    pub namespace: String,
    /// Resources it may manage, e.g. `prometheusrules`, `servicemonitors`, `services`.
    #[schemars(length(min = 1))]
    #[schemars(example = serde_json::json!(["prometheusrules", "servicemonitors", "services", "endpoints"]))]
    pub resources: Vec<String>,
    /// Verbs it may use on them.
    #[schemars(length(min = 1))]
    #[schemars(example = serde_json::json!(["get", "list", "watch", "create", "update", "patch", "delete"]))]
    pub verbs: Vec<Verb>,
}

/// A group of rules evaluated together, as a group of a Prometheus rule file.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleGroup {
    /// Group name, as Prometheus shows it; unique among the site's inline groups. Any text: the
    /// PrometheusRule that carries the group is named after it where it is a Kubernetes name.
    #[schemars(length(min = 1))]
    #[schemars(example = &"ocr-pod-restart")]
    pub name: String,
    /// Evaluation interval (Prometheus duration). Default: Prometheus' `evaluation_interval`.
    #[schemars(example = &"1m")]
    pub interval: Option<String>,
    /// How far back in time the group's queries look (Prometheus duration; Prometheus 2.53+).
    #[schemars(example = &"1m")]
    pub query_offset: Option<String>,
    /// At most this many alerts or series per evaluation (0: no limit; Prometheus 2.31+).
    #[schemars(example = 100)]
    pub limit: Option<i64>,
    /// Labels added to every rule of the group; a rule's own labels win (Prometheus 3.0+).
    #[serde(default)]
    #[schemars(example = serde_json::json!({ "team": "ocr" }))]
    pub labels: BTreeMap<String, String>,
    /// The rules, evaluated in order. A group may have none, as in a rule file.
    #[serde(default)]
    #[schemars(example = serde_json::json!([{ "alert": "PodRestart", "expr": "changes(kube_pod_container_status_restarts_total[3m]) > 0", "for": "5m" }]))]
    pub rules: Vec<Rule>,
}

/// An alerting rule (`alert`) or a recording rule (`record`).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Name of the alert. Give either `alert` or `record`.
    #[schemars(example = &"OcrPodRestart")]
    pub alert: Option<String>,
    /// Name of the recorded series. Give either `alert` or `record`.
    #[schemars(example = &"namespace:kube_pod_container_status_restarts:rate5m")]
    pub record: Option<String>,
    /// PromQL expression.
    #[schemars(example = &"changes(kube_pod_container_status_restarts_total[3m]) > 0")]
    pub expr: String,
    /// How long the condition must hold before the alert fires (Prometheus duration).
    #[serde(rename = "for")]
    #[schemars(example = &"5m")]
    pub for_duration: Option<String>,
    /// How long the alert keeps firing after the condition cleared (Prometheus duration).
    #[schemars(example = &"10m")]
    pub keep_firing_for: Option<String>,
    /// Labels to add or overwrite; values may use Go templates.
    #[serde(default)]
    #[schemars(example = serde_json::json!({ "severity": "warning" }))]
    pub labels: BTreeMap<String, String>,
    /// Annotations of the alert; values may use Go templates (`{{ $labels.pod }}`, `{{ $value }}`).
    #[serde(default)]
    #[schemars(example = serde_json::json!({ "summary": "pod {{ $labels.pod }} restarted {{ $value }} times" }))]
    pub annotations: BTreeMap<String, String>,
}
