//! Names and ports of the objects promsite generates for itself. The renderers that make the objects
//! and the renderers that point at them read them here, and so do the checks that keep a site's own
//! names (`[[scrape]]`, `[[api_clients]]`) clear of them.

/// The `Prometheus` resource (the operator names its StatefulSet `prometheus-k8s`).
pub const PROMETHEUS_INSTANCE: &str = "k8s";
/// Prometheus' ServiceAccount, Service and ServiceMonitor.
pub const PROMETHEUS: &str = "prometheus-k8s";
/// Prometheus' web port.
pub const PROMETHEUS_PORT: i32 = 9090;
/// The Thanos sidecar's gRPC port.
pub const THANOS_GRPC_PORT: i32 = 10901;

/// The `Alertmanager` resource (the operator names its StatefulSet `alertmanager-main`).
pub const ALERTMANAGER_INSTANCE: &str = "main";
/// Alertmanager's ServiceAccount, Service and ServiceMonitor.
pub const ALERTMANAGER: &str = "alertmanager-main";
/// Alertmanager's web port.
pub const ALERTMANAGER_PORT: i32 = 9093;
/// The port Alertmanager replicas gossip on (TCP and UDP).
pub const ALERTMANAGER_CLUSTER_PORT: i32 = 9094;
/// The Secret holding Alertmanager's configuration, named in the resource's `configSecret`.
pub const ALERTMANAGER_CONFIG_SECRET: &str = "alertmanager-main";
/// The configuration's key in that Secret (its other keys are the notification templates).
pub const ALERTMANAGER_CONFIG_KEY: &str = "alertmanager.yaml";

/// The port the operator's `config-reloader` sidecar serves its metrics on, in Prometheus and
/// Alertmanager pods, and the name the operator gives it.
pub const RELOADER_PORT: i32 = 8080;
/// See [`RELOADER_PORT`].
pub const RELOADER_PORT_NAME: &str = "reloader-web";
/// The Service and ServiceMonitor of Prometheus' config-reloader sidecars.
pub const PROMETHEUS_RELOADER: &str = "prometheus-k8s-config-reloader";
/// The Service and ServiceMonitor of Alertmanager's config-reloader sidecars.
pub const ALERTMANAGER_RELOADER: &str = "alertmanager-main-config-reloader";

/// Grafana's Deployment, ServiceAccount, Service and ServiceMonitor.
pub const GRAFANA: &str = "grafana";
/// Grafana's web port.
pub const GRAFANA_PORT: i32 = 3000;
/// The Secret Grafana's admin credentials come from when `[grafana] admin` is not set, and its keys.
pub const GRAFANA_ADMIN_SECRET: &str = "grafana-admin";
/// See [`GRAFANA_ADMIN_SECRET`].
pub const GRAFANA_ADMIN_USER_KEY: &str = "admin-user";
/// See [`GRAFANA_ADMIN_SECRET`].
pub const GRAFANA_ADMIN_PASSWORD_KEY: &str = "admin-password";
/// The uid of the Prometheus data source promsite provisions in Grafana: the default dashboards'
/// data source variable starts on it.
pub const GRAFANA_DATASOURCE_UID: &str = "prometheus";
/// That data source's name.
pub const GRAFANA_DATASOURCE_NAME: &str = "Prometheus";

/// The Prometheus Operator's Deployment, ServiceAccount, Service and ServiceMonitor.
pub const OPERATOR: &str = "prometheus-operator";
/// The operator's metrics port.
pub const OPERATOR_PORT: i32 = 8080;

/// prometheus-adapter's Deployment, ServiceAccount and Service.
pub const ADAPTER: &str = "prometheus-adapter";

/// node-exporter's DaemonSet, Service and ServiceMonitor.
pub const NODE_EXPORTER: &str = "node-exporter";
/// kube-state-metrics' Deployment, ServiceAccount, Service and ServiceMonitor.
pub const KUBE_STATE_METRICS: &str = "kube-state-metrics";
/// kube-state-metrics' port for the cluster's objects.
pub const KUBE_STATE_METRICS_PORT: i32 = 8080;
/// kube-state-metrics' port for its own metrics.
pub const KUBE_STATE_METRICS_TELEMETRY_PORT: i32 = 8081;

/// The ServiceMonitor (and Service) for etcd's members.
pub const ETCD: &str = "etcd";
/// ServiceMonitors for the control plane.
pub const KUBELET: &str = "kubelet";
/// See [`KUBELET`].
pub const KUBE_APISERVER: &str = "kube-apiserver";
/// See [`KUBELET`].
pub const COREDNS: &str = "coredns";
/// See [`KUBELET`] (also the name of the Service promsite adds in `kube-system`).
pub const KUBE_CONTROLLER_MANAGER: &str = "kube-controller-manager";
/// See [`KUBE_CONTROLLER_MANAGER`].
pub const KUBE_SCHEDULER: &str = "kube-scheduler";

/// kube-proxy's ServiceMonitor and the headless Service promsite adds for it in `kube-system`.
pub const KUBE_PROXY: &str = "kube-proxy";
/// kube-proxy's metrics port (`metricsBindAddress`).
pub const KUBE_PROXY_PORT: i32 = 10249;

/// blackbox_exporter's Deployment, Service and ServiceMonitor.
pub const BLACKBOX_EXPORTER: &str = "blackbox-exporter";
/// blackbox_exporter's port.
pub const BLACKBOX_EXPORTER_PORT: i32 = 9115;

/// Every ServiceMonitor promsite may generate in the site's namespace, whether or not its component
/// is enabled (so that switching one on never breaks a site): `[[scrape]]` names must differ.
pub const SERVICE_MONITORS: &[&str] = &[
    ALERTMANAGER,
    ALERTMANAGER_RELOADER,
    BLACKBOX_EXPORTER,
    COREDNS,
    ETCD,
    GRAFANA,
    KUBE_APISERVER,
    KUBE_CONTROLLER_MANAGER,
    KUBE_PROXY,
    KUBE_SCHEDULER,
    KUBE_STATE_METRICS,
    KUBELET,
    NODE_EXPORTER,
    PROMETHEUS,
    PROMETHEUS_RELOADER,
    OPERATOR,
];

/// Every ServiceAccount promsite may create in the site's namespace: an `[[api_clients]]` entry
/// there must be named otherwise.
pub const SERVICE_ACCOUNTS: &[&str] = &[ALERTMANAGER, GRAFANA, KUBE_STATE_METRICS, ADAPTER, PROMETHEUS, OPERATOR];
