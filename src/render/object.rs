//! The rendered bundle: every object keyed by (group, kind, namespace, name), plus the files that
//! are not Kubernetes objects (alertmanager.yml).

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::apps::v1::{DaemonSet, Deployment};
use k8s_openapi::api::core::v1::{ConfigMap, Endpoints, Namespace, PersistentVolume, Secret, Service, ServiceAccount};
use k8s_openapi::api::networking::v1::{Ingress, NetworkPolicy};
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use k8s_openapi::api::rbac::v1::{ClusterRole, ClusterRoleBinding, Role, RoleBinding};
use k8s_openapi::api::storage::v1::StorageClass;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::kube_aggregator::pkg::apis::apiregistration::v1::APIService;
use serde::Serialize;

use super::alertmanager_config::AlertmanagerConfig;
use super::crd::{
    AlertmanagerSpec, Custom, CustomSpec, PodMonitorSpec, ProbeSpec, PrometheusRuleSpec, PrometheusSpec,
    ScrapeConfigSpec, ServiceMonitorSpec,
};

/// Identity of one Kubernetes object; its order is the output order.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ObjectKey {
    /// API group (`""` for core).
    pub group: &'static str,
    /// Kind, e.g. `ServiceMonitor`.
    pub kind: &'static str,
    /// Namespace; `None` for cluster-scoped kinds.
    pub namespace: Option<String>,
    /// Object name.
    pub name: String,
}

/// One rendered object, serialized exactly as its inner type.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
#[allow(missing_docs, clippy::large_enum_variant)]
pub enum Object {
    Namespace(Namespace),
    ServiceAccount(ServiceAccount),
    Secret(Secret),
    ConfigMap(ConfigMap),
    Service(Service),
    Endpoints(Endpoints),
    PersistentVolume(PersistentVolume),
    StorageClass(StorageClass),
    Ingress(Ingress),
    NetworkPolicy(NetworkPolicy),
    Role(Role),
    RoleBinding(RoleBinding),
    ClusterRole(ClusterRole),
    ClusterRoleBinding(ClusterRoleBinding),
    Deployment(Deployment),
    DaemonSet(DaemonSet),
    PodDisruptionBudget(PodDisruptionBudget),
    ApiService(APIService),
    Prometheus(Custom<PrometheusSpec>),
    Alertmanager(Custom<AlertmanagerSpec>),
    ServiceMonitor(Custom<ServiceMonitorSpec>),
    PodMonitor(Custom<PodMonitorSpec>),
    PrometheusRule(Custom<PrometheusRuleSpec>),
    ScrapeConfig(Custom<ScrapeConfigSpec>),
    Probe(Custom<ProbeSpec>),
}

macro_rules! object_from {
    ($($variant:ident($ty:ty)),* $(,)?) => {
        $(impl From<$ty> for Object {
            fn from(value: $ty) -> Self {
                Object::$variant(value)
            }
        })*
    };
}

object_from!(
    Namespace(Namespace),
    ServiceAccount(ServiceAccount),
    Secret(Secret),
    ConfigMap(ConfigMap),
    Service(Service),
    Endpoints(Endpoints),
    PersistentVolume(PersistentVolume),
    StorageClass(StorageClass),
    Ingress(Ingress),
    NetworkPolicy(NetworkPolicy),
    Role(Role),
    RoleBinding(RoleBinding),
    ClusterRole(ClusterRole),
    ClusterRoleBinding(ClusterRoleBinding),
    Deployment(Deployment),
    DaemonSet(DaemonSet),
    PodDisruptionBudget(PodDisruptionBudget),
    ApiService(APIService),
    Prometheus(Custom<PrometheusSpec>),
    Alertmanager(Custom<AlertmanagerSpec>),
    ServiceMonitor(Custom<ServiceMonitorSpec>),
    PodMonitor(Custom<PodMonitorSpec>),
    PrometheusRule(Custom<PrometheusRuleSpec>),
    ScrapeConfig(Custom<ScrapeConfigSpec>),
    Probe(Custom<ProbeSpec>),
);

impl Object {
    /// The object's identity.
    pub fn key(&self) -> ObjectKey {
        fn of<T: k8s_openapi::Resource + k8s_openapi::Metadata<Ty = ObjectMeta>>(object: &T) -> ObjectKey {
            key(T::GROUP, T::KIND, object.metadata())
        }
        fn custom<S: CustomSpec>(object: &Custom<S>) -> ObjectKey {
            key(S::GROUP, S::KIND, &object.metadata)
        }
        match self {
            Object::Namespace(o) => of(o),
            Object::ServiceAccount(o) => of(o),
            Object::Secret(o) => of(o),
            Object::ConfigMap(o) => of(o),
            Object::Service(o) => of(o),
            Object::Endpoints(o) => of(o),
            Object::PersistentVolume(o) => of(o),
            Object::StorageClass(o) => of(o),
            Object::Ingress(o) => of(o),
            Object::NetworkPolicy(o) => of(o),
            Object::Role(o) => of(o),
            Object::RoleBinding(o) => of(o),
            Object::ClusterRole(o) => of(o),
            Object::ClusterRoleBinding(o) => of(o),
            Object::Deployment(o) => of(o),
            Object::DaemonSet(o) => of(o),
            Object::PodDisruptionBudget(o) => of(o),
            Object::ApiService(o) => of(o),
            Object::Prometheus(o) => custom(o),
            Object::Alertmanager(o) => custom(o),
            Object::ServiceMonitor(o) => custom(o),
            Object::PodMonitor(o) => custom(o),
            Object::PrometheusRule(o) => custom(o),
            Object::ScrapeConfig(o) => custom(o),
            Object::Probe(o) => custom(o),
        }
    }
}

fn key(group: &'static str, kind: &'static str, metadata: &ObjectMeta) -> ObjectKey {
    ObjectKey {
        group,
        kind,
        namespace: metadata.namespace.clone(),
        name: metadata.name.clone().unwrap_or_default(),
    }
}

/// Everything a site compiles to, before serialization.
#[derive(Debug, Clone)]
pub struct Bundle {
    /// Site name (the output directory).
    pub site: String,
    /// Site namespace.
    pub namespace: String,
    /// The Kubernetes objects.
    pub objects: BTreeMap<ObjectKey, Object>,
    /// Alertmanager's configuration file; kustomize turns it into the Secret the operator reads.
    pub alertmanager_config: AlertmanagerConfig,
    /// Name of that Secret.
    pub alertmanager_secret: String,
    /// Notification template files (file name → text), shipped in that Secret beside the configuration.
    pub alertmanager_templates: BTreeMap<String, String>,
    /// Versions the output was compiled for (component → version).
    pub versions: BTreeMap<&'static str, String>,
    /// Remote CRD files for `setup/kustomization.yaml`; empty when promsite does not manage CRDs.
    pub crd_urls: Vec<String>,
    /// Vendored CRD files for `setup/crds/` (path below it, contents).
    pub crd_files: Vec<(String, String)>,
    /// Secrets the output references but does not contain (namespace, name).
    pub external_secrets: BTreeSet<(String, String)>,
    /// Keys that two renderers produced. `check/` reserves generated names, so this stays empty
    /// unless promsite itself has a bug; the pipeline reports it instead of overwriting silently.
    pub collisions: Vec<ObjectKey>,
}

impl Bundle {
    /// Adds objects, recording any key that is already taken.
    pub fn extend(&mut self, objects: impl IntoIterator<Item = Object>) {
        for object in objects {
            let key = object.key();
            match self.objects.entry(key) {
                std::collections::btree_map::Entry::Occupied(taken) => self.collisions.push(taken.key().clone()),
                std::collections::btree_map::Entry::Vacant(free) => {
                    free.insert(object);
                }
            }
        }
    }
}
