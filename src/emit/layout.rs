//! Where each object goes in `out/<site>/`: the only place file names are decided.
//! `<namespace>/<kind>-<name>.yaml`, with `_cluster/` for cluster-scoped objects.

use crate::render::ObjectKey;

/// Directory of cluster-scoped objects.
pub const CLUSTER_DIR: &str = "_cluster";
/// Alertmanager's configuration file, at the root so that reviewers find it first.
pub const ALERTMANAGER_CONFIG: &str = "alertmanager.yml";
/// Directory of Alertmanager notification templates; kustomize puts them in the configuration Secret.
pub const ALERTMANAGER_TEMPLATES: &str = "alertmanager-templates";
/// The kustomization that lists everything.
pub const KUSTOMIZATION: &str = "kustomization.yaml";
/// The kustomization of the CRDs, applied first; not part of the main one, which builds offline.
pub const SETUP_KUSTOMIZATION: &str = "setup/kustomization.yaml";
/// Where vendored CRD files are copied (`crds/` below `setup/`, which lists them).
pub const SETUP_CRDS_DIR: &str = "setup/crds";
/// The marker that says promsite generated this directory, and which files it wrote.
pub const MARKER: &str = ".promsite.yaml";

/// Relative path of an object's file.
pub fn object_path(key: &ObjectKey) -> String {
    let dir = key.namespace.as_deref().unwrap_or(CLUSTER_DIR);
    format!("{dir}/{}-{}.yaml", key.kind.to_ascii_lowercase(), key.name)
}

/// Relative path of an Alertmanager notification template file.
pub fn alertmanager_template(name: &str) -> String {
    format!("{ALERTMANAGER_TEMPLATES}/{name}")
}
