//! The validated site: typed, span-free and normalized (set-like lists sorted), so that renderers
//! can be pure and total. Only `check/` constructs these.

pub mod blackbox;
pub mod default_rules;
mod duration;
pub mod exposure;
pub mod images;
mod matcher;
pub mod names;
pub mod receiver;
pub mod scale;
pub mod targets;

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

pub use default_rules::DefaultRules;
pub use duration::Duration;
pub use exposure::{Exposure, Ingress, WebTls};
pub use images::{Image, ImageOverride, Images};
pub use matcher::{MatchOp, Matcher, Plain, Regex as MatcherRegex};
pub use receiver::{Receiver, SecretKeyRef};
pub use resources::{Quantity, ResourceList, Resources, Storage, StorageSource};
pub use scale::{Relabel, RelabelAction, RemoteWrite, Thanos};
use schemars::JsonSchema;
use serde::Deserialize;
pub use targets::{ClientAuth, OAuth2, Probe, ScrapeLimits, ScrapeOptions, StaticScrape};

/// Prometheus Operator release whose API the output targets.
pub const OPERATOR_VERSION: &str = "v0.93.0";
/// Default Prometheus image tag.
pub const DEFAULT_PROMETHEUS_VERSION: &str = "v3.5.0";
/// Default Alertmanager image tag.
pub const DEFAULT_ALERTMANAGER_VERSION: &str = "v0.33.1";
/// Default node-exporter image tag.
pub const DEFAULT_NODE_EXPORTER_VERSION: &str = "v1.9.1";
/// Default kube-state-metrics image tag.
pub const DEFAULT_KUBE_STATE_METRICS_VERSION: &str = "v2.16.0";

/// A validated site.
#[derive(Debug, Clone)]
pub struct Site {
    /// Site name, a DNS-1123 label.
    pub name: String,
    /// Namespace of the monitoring stack.
    pub namespace: String,
    /// Nodes, sorted by name.
    pub nodes: Vec<Node>,
    /// The Prometheus server.
    pub prometheus: Prometheus,
    /// The Alertmanager cluster.
    pub alertmanager: Alertmanager,
    /// Root of the routing tree.
    pub route: Route,
    /// Receivers, sorted by name.
    pub receivers: Vec<Receiver>,
    /// Inhibition rules, in the order written.
    pub inhibit_rules: Vec<InhibitRule>,
    /// Time intervals, sorted by name.
    pub time_intervals: Vec<TimeInterval>,
    /// ServiceMonitors, sorted by name.
    pub scrapes: Vec<Scrape>,
    /// PodMonitors, sorted by name.
    pub pod_monitors: Vec<Scrape>,
    /// Static scrapes and federation (ScrapeConfigs), sorted by name.
    pub static_scrapes: Vec<StaticScrape>,
    /// Probes, sorted by name.
    pub probes: Vec<Probe>,
    /// etcd scraping, if enabled.
    pub etcd: Option<Etcd>,
    /// Ingresses, if any.
    pub ingress: Option<Ingress>,
    /// API clients, sorted by namespace and name.
    pub api_clients: Vec<ApiClient>,
    /// Rule groups, sorted by the PrometheusRule that carries them, in their order within it.
    pub rule_groups: Vec<RuleGroup>,
    /// The operator, unless disabled.
    pub operator: Option<Operator>,
    /// node-exporter, unless disabled.
    pub node_exporter: Option<NodeExporter>,
    /// kube-state-metrics, unless disabled.
    pub kube_state_metrics: Option<KubeStateMetrics>,
    /// Whether the control plane is scraped.
    pub control_plane: bool,
    /// Whether kube-proxy is scraped (only with the control plane).
    pub kube_proxy: bool,
    /// promsite's blackbox_exporter, if deployed.
    pub blackbox: Option<blackbox::Blackbox>,
    /// The drop lists that are on.
    pub cardinality: std::collections::BTreeSet<Guard>,
    /// Grafana, unless disabled.
    pub grafana: Option<Grafana>,
    /// prometheus-adapter, unless disabled.
    pub adapter: Option<Adapter>,
    /// Namespaces of ingress controllers, when NetworkPolicies are on.
    pub network_policies: Option<Vec<String>>,
    /// promsite's default rules, unless switched off.
    pub default_rules: Option<DefaultRules>,
    /// Where images are pulled from.
    pub images: Images,
}

/// A control-plane scrape with one of promsite's drop lists (`content::cardinality`); its key in
/// `[cardinality]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Guard {
    /// The kubelets' own metrics and probe results (`/metrics`, `/metrics/probes`).
    Kubelet,
    /// cAdvisor's container metrics, served by the kubelets (`/metrics/cadvisor`).
    Cadvisor,
    /// The API server.
    Apiserver,
    /// etcd (with `[etcd]`).
    Etcd,
    /// kube-controller-manager.
    ControllerManager,
}

impl Guard {
    /// Every guard, in the order of the docs.
    pub const ALL: [Guard; 5] = [
        Guard::Kubelet,
        Guard::Cadvisor,
        Guard::Apiserver,
        Guard::Etcd,
        Guard::ControllerManager,
    ];

    /// Its key in `[cardinality]`.
    pub fn key(self) -> &'static str {
        match self {
            Guard::Kubelet => "kubelet",
            Guard::Cadvisor => "cadvisor",
            Guard::Apiserver => "apiserver",
            Guard::Etcd => "etcd",
            Guard::ControllerManager => "controller_manager",
        }
    }
}

/// Default prometheus-adapter image tag.
pub const DEFAULT_ADAPTER_VERSION: &str = "v0.12.0";

/// prometheus-adapter.
#[derive(Debug, Clone)]
pub struct Adapter {
    /// Image tag.
    pub version: String,
    /// Nodes it may run on.
    pub placement: Placement,
    /// Rules, in order.
    pub rules: Vec<AdapterRule>,
    /// CPU and memory.
    pub resources: Resources,
    /// PriorityClass name, if any.
    pub priority_class: Option<String>,
    /// Whether it serves `metrics.k8s.io` (only when the control plane is scraped).
    pub resource_metrics: bool,
}

/// A validated prometheus-adapter rule.
#[derive(Debug, Clone)]
pub struct AdapterRule {
    /// Series selector.
    pub series_query: String,
    /// Label → resource.
    pub overrides: BTreeMap<String, String>,
    /// Resource → label template.
    pub template: Option<String>,
    /// Name regex.
    pub name_matches: Option<String>,
    /// Name replacement.
    pub name_as: Option<String>,
    /// Query template.
    pub metrics_query: String,
}

/// Default Grafana image tag.
pub const DEFAULT_GRAFANA_VERSION: &str = "12.1.0";

/// Grafana.
#[derive(Debug, Clone)]
pub struct Grafana {
    /// Image tag.
    pub version: String,
    /// Replica count.
    pub replicas: u32,
    /// Nodes to run on.
    pub placement: Placement,
    /// The admin credentials Secret.
    pub admin_secret: String,
    /// Key of the admin user name.
    pub admin_user_key: String,
    /// Key of the admin password.
    pub admin_password_key: String,
    /// NodePort for the web UI.
    pub node_port: Option<u16>,
    /// Provisioned dashboards, in path order.
    pub dashboards: Vec<Dashboard>,
    /// CPU and memory.
    pub resources: Resources,
    /// PriorityClass name, if any.
    pub priority_class: Option<String>,
    /// Whether promsite's default dashboards are provisioned.
    pub default_dashboards: bool,
    /// Ids of default dashboards left out.
    pub disabled_dashboards: BTreeSet<String>,
    /// The default dashboards, checked, by ConfigMap (filled in by `check` once the site is built).
    pub defaults: Vec<DashboardBundle>,
    /// Data sources besides the site's Prometheus.
    pub datasources: Vec<GrafanaDataSource>,
    /// Anonymous viewers allowed.
    pub anonymous: bool,
    /// Single sign-on.
    pub oidc: Option<GrafanaOidc>,
}

/// An additional Grafana data source.
#[derive(Debug, Clone)]
pub struct GrafanaDataSource {
    /// Name.
    pub name: String,
    /// Grafana's plugin id.
    pub plugin: &'static str,
    /// URL.
    pub url: String,
    /// Stable uid.
    pub uid: String,
    /// Basic authentication: user name and password keys.
    pub basic_auth: Option<(SecretKeyRef, SecretKeyRef)>,
    /// Bearer token.
    pub bearer_token: Option<SecretKeyRef>,
}

/// Grafana's generic OAuth login.
#[derive(Debug, Clone)]
pub struct GrafanaOidc {
    /// Login button name.
    pub name: String,
    /// Client id.
    pub client_id: String,
    /// Client secret.
    pub client_secret: SecretKeyRef,
    /// Authorization endpoint.
    pub auth_url: String,
    /// Token endpoint.
    pub token_url: String,
    /// User-info endpoint.
    pub api_url: String,
    /// Scopes.
    pub scopes: Vec<String>,
    /// JMESPath role mapping.
    pub role_attribute_path: Option<String>,
}

/// Default dashboards provisioned from one ConfigMap.
#[derive(Debug, Clone)]
pub struct DashboardBundle {
    /// The ConfigMap's name suffix, e.g. `kubernetes`.
    pub name: &'static str,
    /// File name to dashboard JSON.
    pub files: BTreeMap<String, String>,
}

/// A Grafana dashboard file.
#[derive(Debug, Clone)]
pub struct Dashboard {
    /// A DNS-label slug of its path, unique in the site: names its ConfigMap and mount.
    pub slug: String,
    /// The file name, e.g. `cluster.json`.
    pub file_name: String,
    /// The JSON, as written.
    pub json: String,
    /// Its `uid`, if it has one.
    pub uid: Option<String>,
}

/// Where the operator's CRDs come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum CrdSource {
    /// The operator release's CRD files, pinned to its version.
    Upstream,
    /// CRD files kept in the site's repository (`crds_path`), copied into the output.
    Vendored,
    /// Not managed by promsite (the cluster admin installs them).
    None,
}

/// A vendored CRD file.
#[derive(Debug, Clone)]
pub struct CrdFile {
    /// Path below the vendored directory, `/`-separated.
    pub path: String,
    /// The file as the site's included files name it (relative to the site file).
    pub source: String,
    /// Contents, as written.
    pub contents: String,
    /// The CRDs it defines, in file order.
    pub crds: Vec<VendoredCrd>,
}

/// One of the operator's CRDs, as vendored: what the output is checked against.
#[derive(Debug, Clone)]
pub struct VendoredCrd {
    /// `metadata.name`, e.g. `prometheuses.monitoring.coreos.com`.
    pub name: String,
    /// The kind it defines, e.g. `Prometheus`.
    pub kind: String,
    /// Its plural, e.g. `prometheuses`.
    pub plural: String,
    /// `openAPIV3Schema` by API version (`v1`, `v1alpha1`).
    pub schemas: BTreeMap<String, serde_json::Value>,
}

/// The Prometheus Operator deployment.
#[derive(Debug, Clone)]
pub struct Operator {
    /// Nodes it may run on.
    pub placement: Placement,
    /// Where its CRDs come from.
    pub crds: CrdSource,
    /// The vendored CRD files (with `CrdSource::Vendored`), in path order.
    pub crd_files: Vec<CrdFile>,
    /// CPU and memory.
    pub resources: Resources,
    /// PriorityClass name, if any.
    pub priority_class: Option<String>,
    /// CPU and memory of the config-reloader sidecars it adds to Prometheus and Alertmanager pods.
    pub config_reloader: Resources,
}

/// node-exporter.
#[derive(Debug, Clone)]
pub struct NodeExporter {
    /// Image tag.
    pub version: String,
    /// CPU and memory.
    pub resources: Resources,
    /// PriorityClass name, if any.
    pub priority_class: Option<String>,
}

/// kube-state-metrics.
#[derive(Debug, Clone)]
pub struct KubeStateMetrics {
    /// Image tag.
    pub version: String,
    /// Nodes it may run on.
    pub placement: Placement,
    /// CPU and memory.
    pub resources: Resources,
    /// PriorityClass name, if any.
    pub priority_class: Option<String>,
}

impl Site {
    /// The declared node with this name.
    pub fn node(&self, name: &str) -> Option<&Node> {
        self.nodes.iter().find(|n| n.name == name)
    }

    /// Secrets the site references but promsite does not generate (they must exist in the cluster).
    pub fn external_secrets(&self) -> BTreeSet<(String, String)> {
        let mut secrets = BTreeSet::new();
        if let Some(password) = self.alertmanager.smtp.as_ref().and_then(|s| s.auth_password.as_ref()) {
            secrets.insert((self.namespace.clone(), password.secret.clone()));
        }
        for receiver in &self.receivers {
            secrets.extend(
                receiver
                    .secrets()
                    .into_iter()
                    .map(|r| (self.namespace.clone(), r.secret.clone())),
            );
        }
        // A monitor's Secrets are read in its own namespace, the site's, wherever its targets are.
        let auths = self
            .static_scrapes
            .iter()
            .map(|s| &s.options.auth)
            .chain(self.scrapes.iter().chain(&self.pod_monitors).map(|s| &s.options.auth))
            .chain(self.prometheus.remote_write.iter().map(|r| &r.auth));
        for auth in auths {
            secrets.extend(auth.secrets().into_iter().map(|r| (self.namespace.clone(), r.secret)));
        }
        if let Some(storage) = self.prometheus.thanos.as_ref().and_then(|t| t.object_storage.as_ref()) {
            secrets.insert((self.namespace.clone(), storage.secret.clone()));
        }
        if let Some(etcd) = &self.etcd {
            secrets.insert((self.namespace.clone(), etcd.client_cert.secret.clone()));
        }
        if let Some(grafana) = &self.grafana {
            secrets.insert((self.namespace.clone(), grafana.admin_secret.clone()));
            for ds in &grafana.datasources {
                let refs = ds.basic_auth.iter().flat_map(|(u, p)| [u, p]).chain(&ds.bearer_token);
                secrets.extend(refs.map(|r| (self.namespace.clone(), r.secret.clone())));
            }
            if let Some(oidc) = &grafana.oidc {
                secrets.insert((self.namespace.clone(), oidc.client_secret.secret.clone()));
            }
        }
        if let Some(ingress) = &self.ingress {
            secrets.extend(ingress.secrets().into_iter().map(|s| (self.namespace.clone(), s)));
        }
        let web_tls = [&self.prometheus.web_tls, &self.alertmanager.web_tls];
        secrets.extend(
            web_tls
                .into_iter()
                .flatten()
                .map(|t| (self.namespace.clone(), t.secret.clone())),
        );
        for secret in &self.images.pull_secrets {
            secrets.insert((self.namespace.clone(), secret.clone()));
        }
        secrets
    }
}

/// A role a node plays in the cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum NodeRole {
    /// Runs the Kubernetes control plane.
    ControlPlane,
    /// Runs an etcd member.
    Etcd,
    /// Runs ordinary workloads.
    Worker,
}

/// A Kubernetes node.
#[derive(Debug, Clone)]
pub struct Node {
    /// Node name (its `kubernetes.io/hostname` label).
    pub name: String,
    /// Node IP address.
    pub address: IpAddr,
    /// Roles of the node.
    pub roles: BTreeSet<NodeRole>,
    /// Taints, sorted and without duplicates.
    pub taints: Vec<Taint>,
    /// Allocatable CPU and memory, where declared.
    pub capacity: Option<ResourceList>,
}

/// A node taint.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Taint {
    /// Taint key.
    pub key: String,
    /// Taint value, if any.
    pub value: Option<String>,
    /// `NoSchedule`, `PreferNoSchedule` or `NoExecute`.
    pub effect: String,
}

/// Where a workload runs: a set of nodes, one replica each.
#[derive(Debug, Clone, Default)]
pub struct Placement {
    /// Node names, sorted. Empty: anywhere.
    pub nodes: Vec<String>,
}

/// The Prometheus server.
#[derive(Debug, Clone)]
pub struct Prometheus {
    /// Image tag.
    pub version: String,
    /// Replica count (per shard).
    pub replicas: u32,
    /// Shard count.
    pub shards: u32,
    /// Remote-write endpoints, in the order written (Prometheus sends to each).
    pub remote_write: Vec<RemoteWrite>,
    /// The Thanos sidecar.
    pub thanos: Option<Thanos>,
    /// Sample retention.
    pub retention: Duration,
    /// Most bytes the TSDB may use, in Prometheus' unit syntax (`80GB`).
    pub retention_size: Option<String>,
    /// Rule evaluation interval.
    pub evaluation_interval: Duration,
    /// Default scrape interval.
    pub scrape_interval: Duration,
    /// Nodes to run on.
    pub placement: Placement,
    /// External labels.
    pub external_labels: BTreeMap<String, String>,
    /// CPU and memory of the Prometheus container.
    pub resources: Resources,
    /// PriorityClass name, if any.
    pub priority_class: Option<String>,
    /// Whether the TSDB admin API is on.
    pub admin_api: bool,
    /// Query sample limit.
    pub query_max_samples: Option<u64>,
    /// Persistent storage; local storage has one PersistentVolume per placement node (each holding
    /// one shard's replica).
    pub storage: Option<Storage>,
    /// NodePort for the web UI.
    pub node_port: Option<u16>,
    /// HTTPS on its web server.
    pub web_tls: Option<WebTls>,
    /// Limits every scrape is held to (the `enforced*` limits): a scrape's own limit applies only below them.
    pub scrape_limits: ScrapeLimits,
}

/// A log level.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum LogLevel {
    /// Everything, including debug messages.
    Debug,
    /// Informational messages and above.
    Info,
    /// Warnings and errors.
    Warn,
    /// Errors only.
    Error,
}

impl LogLevel {
    /// The spelling Prometheus components use.
    pub fn as_str(self) -> &'static str {
        match self {
            LogLevel::Debug => "debug",
            LogLevel::Info => "info",
            LogLevel::Warn => "warn",
            LogLevel::Error => "error",
        }
    }
}

/// The Alertmanager cluster.
#[derive(Debug, Clone)]
pub struct Alertmanager {
    /// Image tag.
    pub version: String,
    /// Replica count.
    pub replicas: u32,
    /// Nodes to run on.
    pub placement: Placement,
    /// Log level.
    pub log_level: Option<LogLevel>,
    /// Gossip timing.
    pub gossip_interval: Option<Duration>,
    /// Full-sync interval.
    pub pushpull_interval: Option<Duration>,
    /// Peer timeout.
    pub peer_timeout: Option<Duration>,
    /// E-mail settings.
    pub smtp: Option<Smtp>,
    /// NodePort for the web UI.
    pub node_port: Option<u16>,
    /// HTTPS on its web server.
    pub web_tls: Option<WebTls>,
    /// Whether pods use the host network.
    pub host_network: bool,
    /// Notification template files, sorted by file name.
    pub templates: Vec<Template>,
    /// Persistent storage; local storage has one PersistentVolume per placement node.
    pub storage: Option<Storage>,
    /// CPU and memory of the Alertmanager container.
    pub resources: Resources,
    /// PriorityClass name, if any.
    pub priority_class: Option<String>,
}

/// A notification template file, shipped in the configuration Secret.
#[derive(Debug, Clone)]
pub struct Template {
    /// File name (a Secret key), unique within the site.
    pub name: String,
    /// The file's contents.
    pub text: String,
}

/// An inhibition rule.
#[derive(Debug, Clone)]
pub struct InhibitRule {
    /// Matchers of the muting alert.
    pub source_matchers: Vec<Matcher>,
    /// Matchers of the muted alerts.
    pub target_matchers: Vec<Matcher>,
    /// Labels that must be equal.
    pub equal: Vec<String>,
}

/// A named time interval.
#[derive(Debug, Clone)]
pub struct TimeInterval {
    /// Name.
    pub name: String,
    /// Its ranges, in the order written.
    pub intervals: Vec<TimeIntervalSpec>,
}

/// One validated time range; every list holds Alertmanager's own spelling (`monday:friday`, `1:5`).
#[derive(Debug, Clone, Default)]
pub struct TimeIntervalSpec {
    /// `(start, end)` times of day, `HH:MM`.
    pub times: Vec<(String, String)>,
    /// Weekday ranges.
    pub weekdays: Vec<String>,
    /// Day-of-month ranges.
    pub days_of_month: Vec<String>,
    /// Month ranges.
    pub months: Vec<String>,
    /// Year ranges.
    pub years: Vec<String>,
    /// IANA time zone.
    pub location: Option<String>,
}

/// Outgoing e-mail settings.
#[derive(Debug, Clone)]
pub struct Smtp {
    /// `host:port` of the server.
    pub smarthost: String,
    /// Sender address.
    pub from: String,
    /// HELO name.
    pub hello: Option<String>,
    /// Auth username.
    pub auth_username: Option<String>,
    /// Auth password, by Secret reference.
    pub auth_password: Option<SecretKeyRef>,
    /// Auth identity.
    pub auth_identity: Option<String>,
    /// Require STARTTLS.
    pub require_tls: Option<bool>,
}

/// A node of the routing tree.
#[derive(Debug, Clone)]
pub struct Route {
    /// Receiver name.
    pub receiver: Option<String>,
    /// Matchers, in the order written (order is part of their meaning to a reader).
    pub matchers: Vec<Matcher>,
    /// Grouping labels (`...` means all).
    pub group_by: Option<Vec<String>>,
    /// Group wait.
    pub group_wait: Option<Duration>,
    /// Group interval.
    pub group_interval: Option<Duration>,
    /// Repeat interval.
    pub repeat_interval: Option<Duration>,
    /// Continue matching siblings.
    pub continue_matching: bool,
    /// Time intervals in which the route is muted.
    pub mute_time_intervals: Vec<String>,
    /// Time intervals outside which the route is muted.
    pub active_time_intervals: Vec<String>,
    /// Child routes, in order (order matters).
    pub routes: Vec<Route>,
}

/// A URL scheme for scraping.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Scheme {
    /// Plain HTTP.
    Http,
    /// HTTP over TLS.
    Https,
}

impl Scheme {
    /// Lower-case spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Http => "http",
            Scheme::Https => "https",
        }
    }
}

/// Services (a ServiceMonitor) or pods (a PodMonitor) to scrape.
#[derive(Debug, Clone)]
pub struct Scrape {
    /// ServiceMonitor or PodMonitor name.
    pub name: String,
    /// Namespaces of the Services or pods, sorted and unique, at least one.
    pub namespaces: Vec<String>,
    /// Service or pod label selector.
    pub selector: BTreeMap<String, String>,
    /// Service port or container port name.
    pub port: String,
    /// The request, credentials, relabeling and limits.
    pub options: ScrapeOptions,
}

/// etcd scraping.
#[derive(Debug, Clone)]
pub struct Etcd {
    /// Client port.
    pub port: u16,
    /// Client certificate Secret.
    pub client_cert: EtcdClientCert,
    /// Names of the nodes with role `etcd`, sorted.
    pub nodes: Vec<String>,
}

/// Keys of the etcd client certificate Secret.
#[derive(Debug, Clone)]
pub struct EtcdClientCert {
    /// Secret name.
    pub secret: String,
    /// Certificate key.
    pub cert: String,
    /// Private key key.
    pub key: String,
    /// CA key.
    pub ca: String,
}

/// A Kubernetes API verb.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
#[allow(missing_docs)]
pub enum Verb {
    Get,
    List,
    Watch,
    Create,
    Update,
    Patch,
    Delete,
    Deletecollection,
}

impl Verb {
    /// Lower-case spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Verb::Get => "get",
            Verb::List => "list",
            Verb::Watch => "watch",
            Verb::Create => "create",
            Verb::Update => "update",
            Verb::Patch => "patch",
            Verb::Delete => "delete",
            Verb::Deletecollection => "deletecollection",
        }
    }
}

/// A namespaced API resource an API client may be granted, with its API group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ApiResource {
    /// API group (`""` for core).
    pub group: &'static str,
    /// Plural resource name.
    pub name: &'static str,
}

/// The namespaced resources promsite knows how to grant, by API group.
pub const API_RESOURCES: &[ApiResource] = &[
    ApiResource {
        group: "",
        name: "configmaps",
    },
    ApiResource {
        group: "",
        name: "endpoints",
    },
    ApiResource {
        group: "",
        name: "pods",
    },
    ApiResource {
        group: "",
        name: "secrets",
    },
    ApiResource {
        group: "",
        name: "services",
    },
    ApiResource {
        group: "discovery.k8s.io",
        name: "endpointslices",
    },
    ApiResource {
        group: "monitoring.coreos.com",
        name: "alertmanagerconfigs",
    },
    ApiResource {
        group: "monitoring.coreos.com",
        name: "podmonitors",
    },
    ApiResource {
        group: "monitoring.coreos.com",
        name: "probes",
    },
    ApiResource {
        group: "monitoring.coreos.com",
        name: "prometheusrules",
    },
    ApiResource {
        group: "monitoring.coreos.com",
        name: "scrapeconfigs",
    },
    ApiResource {
        group: "monitoring.coreos.com",
        name: "servicemonitors",
    },
    ApiResource {
        group: "networking.k8s.io",
        name: "ingresses",
    },
];

/// A platform that manages monitoring objects through the API.
#[derive(Debug, Clone)]
pub struct ApiClient {
    /// ServiceAccount name.
    pub name: String,
    /// Namespace.
    pub namespace: String,
    /// Granted resources, sorted.
    pub resources: BTreeSet<ApiResource>,
    /// Granted verbs, sorted.
    pub verbs: BTreeSet<Verb>,
}

impl ApiClient {
    /// Whether the client may create objects of this resource.
    pub fn manages(&self, resource: &str) -> bool {
        self.verbs.contains(&Verb::Create) && self.resources.iter().any(|r| r.name == resource)
    }
}

/// A rule group.
#[derive(Debug, Clone)]
pub struct RuleGroup {
    /// The PrometheusRule that carries the group (groups of one rule file share one).
    pub object: String,
    /// Group name, as written.
    pub name: String,
    /// Evaluation interval.
    pub interval: Option<Duration>,
    /// `query_offset`.
    pub query_offset: Option<Duration>,
    /// `limit`.
    pub limit: Option<i64>,
    /// Labels added to every rule of the group.
    pub labels: BTreeMap<String, String>,
    /// Rules, in order.
    pub rules: Vec<Rule>,
}

/// Whether a rule alerts or records.
#[derive(Debug, Clone)]
pub enum RuleKind {
    /// An alerting rule with this alert name.
    Alert(String),
    /// A recording rule with this series name.
    Record(String),
}

/// One rule.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Alert or record.
    pub kind: RuleKind,
    /// PromQL expression (parsed once in `check/`).
    pub expr: String,
    /// `for` duration.
    pub for_duration: Option<Duration>,
    /// `keep_firing_for` duration.
    pub keep_firing_for: Option<Duration>,
    /// Labels.
    pub labels: BTreeMap<String, String>,
    /// Annotations.
    pub annotations: BTreeMap<String, String>,
}

/// Validated CPU and memory (requests and limits), shared by every component, the node capacity
/// they are checked against, and persistent storage: one model for Prometheus and Alertmanager,
/// local volumes on the nodes a component is pinned to or volumes a StorageClass provisions.
pub mod resources {
    /// A Kubernetes quantity that checked out: its text as written (what the output carries) and its
    /// value in base units (cores, bytes), which the checks compare and add up.
    #[derive(Debug, Clone, PartialEq)]
    pub struct Quantity {
        /// As written, e.g. `500m`, `2Gi`.
        pub text: String,
        /// The value in base units: `500m` is 0.5, `2Gi` is 2147483648.
        pub value: f64,
    }

    /// CPU and memory amounts; either may be absent.
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct ResourceList {
        /// CPU, in cores.
        pub cpu: Option<Quantity>,
        /// Memory, in bytes.
        pub memory: Option<Quantity>,
    }

    impl ResourceList {
        /// Whether neither amount is set.
        pub fn is_empty(&self) -> bool {
            self.cpu.is_none() && self.memory.is_none()
        }
    }

    /// A container's requests and limits, defaults already applied.
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct Resources {
        /// What the scheduler reserves.
        pub requests: ResourceList,
        /// What the container may use at most.
        pub limits: ResourceList,
    }

    /// Persistent storage of one component, one volume per replica.
    #[derive(Debug, Clone, PartialEq)]
    pub struct Storage {
        /// Where the volumes come from.
        pub source: StorageSource,
        /// Capacity of each volume.
        pub size: Quantity,
    }

    /// Where a component's volumes come from.
    #[derive(Debug, Clone, PartialEq)]
    pub enum StorageSource {
        /// promsite's local PersistentVolumes, one per placement node, at this host path.
        Local {
            /// Host path on each node.
            path: String,
        },
        /// Volumes the cluster's StorageClass of this name provisions.
        Class {
            /// StorageClass name.
            name: String,
        },
    }

    impl Storage {
        /// The host path of local storage.
        pub fn local_path(&self) -> Option<&str> {
            match &self.source {
                StorageSource::Local { path } => Some(path),
                StorageSource::Class { .. } => None,
            }
        }
    }
}
