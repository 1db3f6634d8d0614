//! Site-format types for where images come from: a registry mirror, pull secrets and per-image
//! overrides (air-gapped clusters). Like `raw`, nothing here is validated beyond its shape; doc
//! comments become schema descriptions.

use schemars::JsonSchema;
use serde::Deserialize;

/// Where every image promsite emits or causes to be pulled comes from. Without this section images
/// come from their public registries (quay.io, registry.k8s.io, docker.io).
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Images {
    /// A registry mirror (host, optional port and path prefix, no scheme) that every image is pulled
    /// from: the source registry's host is dropped and the image's path kept below the mirror, so
    /// `quay.io/prometheus/prometheus:v3.5.0` becomes `<registry>/prometheus/prometheus:v3.5.0`.
    /// `promsite images SITE` lists the result, for `skopeo copy` or `crane copy`.
    #[schemars(example = &"harbor.corp.local/monitoring")]
    pub registry: Option<String>,
    /// Keep the source registry's host as the first path component under `registry`
    /// (`<registry>/quay.io/prometheus/prometheus:v3.5.0`), as mirrors that keep one project per
    /// upstream registry do. Default false.
    #[schemars(example = true)]
    pub keep_host: Option<bool>,
    /// Secrets of type `kubernetes.io/dockerconfigjson` in the site's namespace, by name, set as
    /// `imagePullSecrets` on every pod and custom resource promsite emits. promsite never writes
    /// them: they are listed among the Secrets the site needs.
    #[serde(default)]
    #[schemars(example = serde_json::json!(["regcred"]))]
    pub pull_secrets: Vec<String>,
    /// Per-image overrides, by image name: `prometheus-operator`, `prometheus-config-reloader`,
    /// `prometheus`, `alertmanager`, `thanos`, `node-exporter`, `kube-state-metrics`,
    /// `prometheus-adapter`, `grafana`.
    #[serde(default)]
    #[schemars(example = serde_json::json!({ "grafana": { "repository": "harbor.corp.local/3rdparty/grafana", "tag": "12.1.0-ubuntu" } }))]
    pub overrides: ImageOverrides,
}

/// Per-image overrides, keyed by the image's name (the last component of its repository).
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ImageOverrides {
    /// The operator (`quay.io/prometheus-operator/prometheus-operator`).
    #[schemars(example = serde_json::json!({ "digest": "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" }))]
    pub prometheus_operator: Option<ImageOverride>,
    /// The config-reloader sidecar the operator adds (its `--prometheus-config-reloader` flag).
    #[schemars(example = serde_json::json!({ "tag": "v0.93.0" }))]
    pub prometheus_config_reloader: Option<ImageOverride>,
    /// Prometheus (`quay.io/prometheus/prometheus`, `Prometheus.spec.image`).
    #[schemars(example = serde_json::json!({ "tag": "v3.5.0-distroless" }))]
    pub prometheus: Option<ImageOverride>,
    /// Alertmanager (`quay.io/prometheus/alertmanager`, `Alertmanager.spec.image`).
    #[schemars(example = serde_json::json!({ "repository": "nexus.corp.local:8443/prometheus/alertmanager" }))]
    pub alertmanager: Option<ImageOverride>,
    /// The Thanos sidecar (`quay.io/thanos/thanos`, `Prometheus.spec.thanos.image`).
    #[schemars(example = serde_json::json!({ "tag": "v0.41.0" }))]
    pub thanos: Option<ImageOverride>,
    /// node-exporter (`quay.io/prometheus/node-exporter`).
    #[schemars(example = serde_json::json!({ "tag": "v1.9.1" }))]
    pub node_exporter: Option<ImageOverride>,
    /// kube-state-metrics (`registry.k8s.io/kube-state-metrics/kube-state-metrics`).
    #[schemars(example = serde_json::json!({ "tag": "v2.16.0" }))]
    pub kube_state_metrics: Option<ImageOverride>,
    /// prometheus-adapter (`registry.k8s.io/prometheus-adapter/prometheus-adapter`).
    #[schemars(example = serde_json::json!({ "tag": "v0.12.0" }))]
    pub prometheus_adapter: Option<ImageOverride>,
    /// Grafana (`docker.io/grafana/grafana`).
    #[schemars(example = serde_json::json!({ "repository": "harbor.corp.local/3rdparty/grafana", "tag": "12.1.0-ubuntu" }))]
    pub grafana: Option<ImageOverride>,
    /// blackbox_exporter (`quay.io/prometheus/blackbox-exporter`).
    #[schemars(example = serde_json::json!({ "tag": "v0.28.0" }))]
    pub blackbox_exporter: Option<ImageOverride>,
}

impl ImageOverrides {
    /// The overrides that are set, by image name.
    pub fn entries(&self) -> Vec<(&'static str, &ImageOverride)> {
        [
            ("prometheus-operator", &self.prometheus_operator),
            ("prometheus-config-reloader", &self.prometheus_config_reloader),
            ("prometheus", &self.prometheus),
            ("alertmanager", &self.alertmanager),
            ("thanos", &self.thanos),
            ("node-exporter", &self.node_exporter),
            ("kube-state-metrics", &self.kube_state_metrics),
            ("prometheus-adapter", &self.prometheus_adapter),
            ("grafana", &self.grafana),
            ("blackbox-exporter", &self.blackbox_exporter),
        ]
        .into_iter()
        .filter_map(|(name, o)| o.as_ref().map(|o| (name, o)))
        .collect()
    }
}

/// One image's repository, tag or digest, each replacing what promsite would use.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ImageOverride {
    /// The full repository, registry included, used as written (not rewritten by `registry`).
    #[schemars(example = &"harbor.corp.local/3rdparty/grafana")]
    pub repository: Option<String>,
    /// The tag, instead of the component's version (which still tells promsite what release it is).
    #[schemars(example = &"12.1.0-ubuntu")]
    pub tag: Option<String>,
    /// A content digest (`sha256:` and 64 hex digits) pinning the image; the reference becomes
    /// `repository:tag@digest`, and the runtime pulls by digest.
    #[schemars(example = &"sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    pub digest: Option<String>,
}
