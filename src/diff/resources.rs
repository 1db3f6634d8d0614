//! The API resource of every kind promsite emits, so that the live diff needs no discovery
//! round-trips. A test renders every site and fails when a kind has no entry here.

/// Where the API serves one kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resource {
    /// API group, `""` for core.
    pub group: &'static str,
    /// API version within the group.
    pub version: &'static str,
    /// Kind, e.g. `ServiceMonitor`.
    pub kind: &'static str,
    /// Plural resource name in URLs and RBAC rules, e.g. `servicemonitors`.
    pub plural: &'static str,
    /// Whether objects of this kind live in a namespace.
    pub namespaced: bool,
}

impl Resource {
    /// `apiVersion` of this kind's objects.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_owned()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// The resource as RBAC and CRDs spell it: `servicemonitors.monitoring.coreos.com`, `configmaps`.
    pub fn qualified(&self) -> String {
        if self.group.is_empty() {
            self.plural.to_owned()
        } else {
            format!("{}.{}", self.plural, self.group)
        }
    }

    /// Whether a CustomResourceDefinition serves this kind (so that a missing one means "apply setup/ first").
    pub fn is_custom(&self) -> bool {
        self.group == MONITORING_GROUP
    }
}

const MONITORING_GROUP: &str = "monitoring.coreos.com";

const fn core(kind: &'static str, plural: &'static str, namespaced: bool) -> Resource {
    Resource {
        group: "",
        version: "v1",
        kind,
        plural,
        namespaced,
    }
}

const fn grouped(
    group: &'static str,
    version: &'static str,
    kind: &'static str,
    plural: &'static str,
    namespaced: bool,
) -> Resource {
    Resource {
        group,
        version,
        kind,
        plural,
        namespaced,
    }
}

/// Every kind promsite emits, in the order the live cluster is listed for pruning.
pub const RESOURCES: &[Resource] = &[
    core("Namespace", "namespaces", false),
    core("ServiceAccount", "serviceaccounts", true),
    core("Secret", "secrets", true),
    core("ConfigMap", "configmaps", true),
    core("Service", "services", true),
    core("Endpoints", "endpoints", true),
    core("PersistentVolume", "persistentvolumes", false),
    grouped("storage.k8s.io", "v1", "StorageClass", "storageclasses", false),
    grouped("networking.k8s.io", "v1", "Ingress", "ingresses", true),
    grouped("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", true),
    grouped("rbac.authorization.k8s.io", "v1", "Role", "roles", true),
    grouped("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings", true),
    grouped("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", false),
    grouped(
        "rbac.authorization.k8s.io",
        "v1",
        "ClusterRoleBinding",
        "clusterrolebindings",
        false,
    ),
    grouped("apps", "v1", "Deployment", "deployments", true),
    grouped("apps", "v1", "DaemonSet", "daemonsets", true),
    grouped("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", true),
    grouped("apiregistration.k8s.io", "v1", "APIService", "apiservices", false),
    grouped(MONITORING_GROUP, "v1", "Prometheus", "prometheuses", true),
    grouped(MONITORING_GROUP, "v1", "Alertmanager", "alertmanagers", true),
    grouped(MONITORING_GROUP, "v1", "ServiceMonitor", "servicemonitors", true),
    grouped(MONITORING_GROUP, "v1", "PodMonitor", "podmonitors", true),
    grouped(MONITORING_GROUP, "v1", "PrometheusRule", "prometheusrules", true),
    grouped(MONITORING_GROUP, "v1", "Probe", "probes", true),
    grouped(MONITORING_GROUP, "v1alpha1", "ScrapeConfig", "scrapeconfigs", true),
];

/// The resource of a kind in a group, if promsite emits it.
pub fn lookup(group: &str, kind: &str) -> Option<&'static Resource> {
    RESOURCES.iter().find(|r| r.group == group && r.kind == kind)
}

/// The group part of an `apiVersion` (`""` for `v1`).
pub fn group_of(api_version: &str) -> &str {
    api_version.rsplit_once('/').map_or("", |(group, _)| group)
}
