//! Site-format types for where images come from: a registry mirror, pull secrets and per-image
//! overrides (air-gapped clusters). Like `raw`, nothing here is validated beyond its shape; doc
//! comments become schema descriptions.

use std::collections::BTreeMap;

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
    pub overrides: BTreeMap<String, ImageOverride>,
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
