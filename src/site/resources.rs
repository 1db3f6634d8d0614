//! Site-format types every component shares: CPU and memory (`resources`), persistent storage and
//! node capacity. Like `raw`, nothing here is validated beyond its shape; doc comments become
//! schema descriptions.

use schemars::JsonSchema;
use serde::Deserialize;

/// CPU and memory of one container, as Kubernetes requests and limits. `cpu` and `memory` are
/// shorthands: `cpu` is the CPU request, `memory` both the memory request and limit. A resource
/// (CPU or memory) the table does not mention keeps promsite's default for it; one it mentions is
/// exactly as written (a memory request without a limit has no limit).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Resources {
    /// CPU request (Kubernetes quantity, e.g. `2` or `500m`); shorthand for `requests.cpu`.
    #[schemars(example = &"2", example = &"500m")]
    pub cpu: Option<String>,
    /// Memory request and limit (Kubernetes quantity, e.g. `8Gi`); shorthand for `requests.memory`
    /// and `limits.memory` with one value.
    #[schemars(example = &"8Gi")]
    pub memory: Option<String>,
    /// What the scheduler reserves for the container on its node.
    #[schemars(example = serde_json::json!({ "cpu": "500m", "memory": "2Gi" }))]
    pub requests: Option<ResourceList>,
    /// The most the container may use: above its memory limit it is killed, above its CPU limit
    /// throttled.
    #[schemars(example = serde_json::json!({ "memory": "4Gi" }))]
    pub limits: Option<ResourceList>,
}

/// An amount of CPU and memory (Kubernetes quantities).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResourceList {
    /// CPU, in cores: `2`, `1.5` or `500m` (millicores).
    #[schemars(example = &"500m")]
    pub cpu: Option<String>,
    /// Memory in bytes, with a suffix: `512Mi`, `4Gi`.
    #[schemars(example = &"2Gi")]
    pub memory: Option<String>,
}

/// Persistent storage for each replica: a local PersistentVolume on each node the component is
/// pinned to (`path`), or a volume a StorageClass provisions (`storage_class`). Give exactly one
/// of the two.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Storage {
    /// Local storage: the directory on each node that holds the data. It must exist and be writable
    /// by uid 1000 / gid 2000.
    #[schemars(example = &"/prometheus-k8s")]
    pub path: Option<String>,
    /// Provisioned storage: the StorageClass of the cluster's CSI driver (Ceph RBD, Longhorn,
    /// vSphere, NFS…) that provisions one volume per replica.
    #[schemars(example = &"ceph-rbd")]
    pub storage_class: Option<String>,
    /// Capacity of each volume (Kubernetes quantity, e.g. `100Gi`).
    #[schemars(example = &"100Gi")]
    pub size: String,
}
