//! Pieces every renderer shares: metadata and labels, placement (affinity and tolerations),
//! containers' requests and limits, namespace selectors, and the persistent storage of Prometheus
//! and Alertmanager (one model for both: the claim template of the operator's StatefulSet, and for
//! local storage the StorageClass and the PersistentVolumes promsite creates on the pinned nodes).

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::{
    Affinity, LocalVolumeSource, NodeAffinity, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm,
    ObjectReference, PersistentVolume, PersistentVolumeClaimSpec, PersistentVolumeSpec, PodAffinityTerm,
    PodAntiAffinity, PodSecurityContext, ResourceRequirements, Toleration, VolumeNodeAffinity,
    VolumeResourceRequirements, WeightedPodAffinityTerm,
};
use k8s_openapi::api::policy::v1::{PodDisruptionBudget, PodDisruptionBudgetSpec};
use k8s_openapi::api::storage::v1::StorageClass;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, LabelSelectorRequirement, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::crd::{EmbeddedClaim, StorageSpec};
use super::object::Object;

use crate::model::{Placement, ResourceList, Resources, Site, Storage, StorageSource};

/// Label on every generated object: who manages it.
pub const MANAGED_BY_LABEL: &str = "app.kubernetes.io/managed-by";
/// Value of [`MANAGED_BY_LABEL`].
pub const MANAGED_BY: &str = "promsite";
/// Label on every generated object: which site it belongs to.
pub const SITE_LABEL: &str = "promsite.dev/site";
/// The node label that placement pins to.
pub(super) const HOSTNAME_LABEL: &str = "kubernetes.io/hostname";
/// The namespace label Kubernetes sets on every namespace (1.21+).
pub(super) const NAMESPACE_NAME_LABEL: &str = "kubernetes.io/metadata.name";

/// Labels of every object of `site`, plus the component's `app.kubernetes.io/name`.
pub(super) fn labels(site: &Site, component: &str) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("app.kubernetes.io/name".to_owned(), component.to_owned()),
        (MANAGED_BY_LABEL.to_owned(), MANAGED_BY.to_owned()),
        (SITE_LABEL.to_owned(), site.name.clone()),
    ])
}

/// Metadata of a namespaced object.
pub(super) fn meta(site: &Site, namespace: &str, name: &str, component: &str) -> ObjectMeta {
    ObjectMeta {
        namespace: Some(namespace.to_owned()),
        ..cluster_meta(site, name, component)
    }
}

/// Metadata of a cluster-scoped object.
pub(super) fn cluster_meta(site: &Site, name: &str, component: &str) -> ObjectMeta {
    ObjectMeta {
        name: Some(name.to_owned()),
        labels: Some(labels(site, component)),
        ..ObjectMeta::default()
    }
}

/// The labels the operator puts on the pods of a Prometheus or Alertmanager named `instance`.
pub(super) fn operator_pod_labels(app: &str, instance: &str) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("app.kubernetes.io/instance".to_owned(), instance.to_owned()),
        ("app.kubernetes.io/name".to_owned(), app.to_owned()),
    ])
}

/// Pins pods to the placement's nodes and spreads replicas one per node (required). Without nodes, replicas
/// are only asked (not required) to spread, so that small clusters still schedule them.
pub(super) fn affinity(
    placement: &Placement,
    pod_labels: &BTreeMap<String, String>,
    replicas: u32,
) -> Option<Affinity> {
    let spread_term = PodAffinityTerm {
        label_selector: Some(LabelSelector {
            match_labels: Some(pod_labels.clone()),
            ..LabelSelector::default()
        }),
        topology_key: HOSTNAME_LABEL.to_owned(),
        ..PodAffinityTerm::default()
    };
    if placement.nodes.is_empty() {
        return (replicas > 1).then(|| Affinity {
            pod_anti_affinity: Some(PodAntiAffinity {
                preferred_during_scheduling_ignored_during_execution: Some(vec![WeightedPodAffinityTerm {
                    pod_affinity_term: spread_term,
                    weight: 100,
                }]),
                ..PodAntiAffinity::default()
            }),
            ..Affinity::default()
        });
    }
    Some(Affinity {
        node_affinity: Some(NodeAffinity {
            required_during_scheduling_ignored_during_execution: Some(hostname_selector(placement.nodes.clone())),
            ..NodeAffinity::default()
        }),
        // A single replica needs no spreading, and required anti-affinity would stall a
        // Deployment's rolling update on a one-node placement.
        pod_anti_affinity: (replicas > 1).then(|| PodAntiAffinity {
            required_during_scheduling_ignored_during_execution: Some(vec![spread_term]),
            ..PodAntiAffinity::default()
        }),
        ..Affinity::default()
    })
}

/// Selects the nodes with these hostnames.
pub(super) fn hostname_selector(nodes: Vec<String>) -> NodeSelector {
    NodeSelector {
        node_selector_terms: vec![NodeSelectorTerm {
            match_expressions: Some(vec![NodeSelectorRequirement {
                key: HOSTNAME_LABEL.to_owned(),
                operator: "In".to_owned(),
                values: Some(nodes),
            }]),
            ..NodeSelectorTerm::default()
        }],
    }
}

/// Tolerations for exactly the taints of the nodes a workload may run on.
pub(super) fn tolerations(site: &Site, placement: &Placement) -> Option<Vec<Toleration>> {
    let mut taints: Vec<_> = placement
        .nodes
        .iter()
        .filter_map(|name| site.node(name))
        .flat_map(|node| node.taints.iter())
        .collect();
    taints.sort();
    taints.dedup();
    let tolerations: Vec<Toleration> = taints
        .into_iter()
        .map(|taint| Toleration {
            key: Some(taint.key.clone()),
            operator: Some(if taint.value.is_some() { "Equal" } else { "Exists" }.to_owned()),
            value: taint.value.clone(),
            effect: Some(taint.effect.clone()),
            ..Toleration::default()
        })
        .collect();
    (!tolerations.is_empty()).then_some(tolerations)
}

fn list(list: &ResourceList) -> Option<BTreeMap<String, Quantity>> {
    let entries: BTreeMap<String, Quantity> = [("cpu", &list.cpu), ("memory", &list.memory)]
        .into_iter()
        .filter_map(|(key, value)| value.as_ref().map(|q| (key.to_owned(), Quantity(q.text.clone()))))
        .collect();
    (!entries.is_empty()).then_some(entries)
}

/// A container's requests and limits.
pub(super) fn resources(resources: &Resources) -> Option<ResourceRequirements> {
    let requests = list(&resources.requests);
    let limits = list(&resources.limits);
    (requests.is_some() || limits.is_some()).then(|| ResourceRequirements {
        requests,
        limits,
        ..ResourceRequirements::default()
    })
}

/// The non-root identity the upstream images run as (kube-prometheus' values).
pub(super) fn non_root() -> PodSecurityContext {
    PodSecurityContext {
        run_as_non_root: Some(true),
        run_as_user: Some(1000),
        run_as_group: Some(2000),
        fs_group: Some(2000),
        ..PodSecurityContext::default()
    }
}

/// A PodDisruptionBudget letting one replica at a time go (drains, upgrades), for replicated workloads.
pub(super) fn disruption_budget(
    site: &Site,
    name: &str,
    component: &str,
    pod_labels: BTreeMap<String, String>,
    replicas: u32,
) -> Option<Object> {
    (replicas > 1).then(|| {
        PodDisruptionBudget {
            metadata: meta(site, &site.namespace, name, component),
            spec: Some(PodDisruptionBudgetSpec {
                max_unavailable: Some(IntOrString::Int(1)),
                selector: Some(LabelSelector {
                    match_labels: Some(pod_labels),
                    ..LabelSelector::default()
                }),
                ..PodDisruptionBudgetSpec::default()
            }),
            ..PodDisruptionBudget::default()
        }
        .into()
    })
}

/// A configuration file for a ConfigMap, as YAML. Serializing these plain structs cannot fail; if
/// it ever did, the file would be empty and the real-tool tests would reject the output.
pub(super) fn config_file<T: serde::Serialize>(value: &T) -> String {
    crate::yaml::to_string(value).unwrap_or_default()
}

/// Selects exactly the named namespaces, by the label Kubernetes sets on each.
/// The namespaces an operator-managed resource takes objects of `resource` (a plural API resource)
/// from: the site's own namespace when promsite generates that kind, and the namespace of every
/// API client allowed to create it. `None` when there are none: the operator reads a missing
/// selector as "select nothing".
pub(super) fn managed_namespaces(site: &Site, resource: &str, generated: bool) -> Option<Vec<String>> {
    let mut set: BTreeSet<String> = site
        .api_clients
        .iter()
        .filter(|c| c.manages(resource))
        .map(|c| c.namespace.clone())
        .collect();
    if generated {
        set.insert(site.namespace.clone());
    }
    (!set.is_empty()).then(|| set.into_iter().collect())
}

pub(super) fn namespaces_selector(namespaces: &[String]) -> LabelSelector {
    LabelSelector {
        match_expressions: Some(vec![LabelSelectorRequirement {
            key: NAMESPACE_NAME_LABEL.to_owned(),
            operator: "In".to_owned(),
            values: Some(namespaces.to_vec()),
        }]),
        ..LabelSelector::default()
    }
}

/// Name of the StorageClass of a component's local volumes (cluster-scoped, so it carries the site name).
pub(super) fn local_class_name(site: &Site, component: &str) -> String {
    format!("{}-{component}-local", site.name)
}

/// The `spec.storage` of a Prometheus or Alertmanager resource: one claim per replica, of the
/// site's StorageClass or of the local class whose volumes promsite creates.
pub(super) fn storage_spec(site: &Site, component: &str, storage: &Storage) -> StorageSpec {
    let class = match &storage.source {
        StorageSource::Local { .. } => local_class_name(site, component),
        StorageSource::Class { name } => name.clone(),
    };
    StorageSpec {
        volume_claim_template: EmbeddedClaim {
            spec: PersistentVolumeClaimSpec {
                storage_class_name: Some(class),
                access_modes: Some(vec!["ReadWriteOnce".to_owned()]),
                resources: Some(VolumeResourceRequirements {
                    requests: Some(BTreeMap::from([(
                        "storage".to_owned(),
                        Quantity(storage.size.text.clone()),
                    )])),
                    ..VolumeResourceRequirements::default()
                }),
                ..PersistentVolumeClaimSpec::default()
            },
        },
    }
}

/// For local storage: a StorageClass without a provisioner, and one local PersistentVolume per
/// placement node. Each volume is pre-bound (`claimRef`) to the claim `claim(i)` of the pod that
/// node `i` (in name order) holds: no other claim can take it, and since the volume is pinned to
/// its node, a rescheduled replica always returns to its own data. Reordering `nodes` in the site
/// changes nothing; nodes beyond the pods get the volumes of the next replicas, ready for scaling up.
pub(super) fn local_volumes(
    site: &Site,
    component: &str,
    storage: Option<&Storage>,
    placement: &Placement,
    claim: impl Fn(usize) -> String,
) -> Vec<Object> {
    let Some((storage, path)) = storage.and_then(|s| s.local_path().map(|path| (s, path))) else {
        return Vec::new();
    };
    let class = local_class_name(site, component);
    let mut objects: Vec<Object> = vec![
        StorageClass {
            metadata: cluster_meta(site, &class, component),
            provisioner: "kubernetes.io/no-provisioner".to_owned(),
            reclaim_policy: Some("Retain".to_owned()),
            volume_binding_mode: Some("WaitForFirstConsumer".to_owned()),
            ..StorageClass::default()
        }
        .into(),
    ];
    for (ordinal, node) in placement.nodes.iter().enumerate() {
        let claim = claim(ordinal);
        objects.push(
            PersistentVolume {
                metadata: cluster_meta(site, &format!("{}-{claim}", site.name), component),
                spec: Some(PersistentVolumeSpec {
                    capacity: Some(BTreeMap::from([(
                        "storage".to_owned(),
                        Quantity(storage.size.text.clone()),
                    )])),
                    access_modes: Some(vec!["ReadWriteOnce".to_owned()]),
                    persistent_volume_reclaim_policy: Some("Retain".to_owned()),
                    storage_class_name: Some(class.clone()),
                    volume_mode: Some("Filesystem".to_owned()),
                    local: Some(LocalVolumeSource {
                        path: path.to_owned(),
                        ..LocalVolumeSource::default()
                    }),
                    claim_ref: Some(ObjectReference {
                        api_version: Some("v1".to_owned()),
                        kind: Some("PersistentVolumeClaim".to_owned()),
                        namespace: Some(site.namespace.clone()),
                        name: Some(claim),
                        ..ObjectReference::default()
                    }),
                    node_affinity: Some(VolumeNodeAffinity {
                        required: Some(hostname_selector(vec![node.clone()])),
                    }),
                    ..PersistentVolumeSpec::default()
                }),
                ..PersistentVolume::default()
            }
            .into(),
        );
    }
    objects
}

/// `imagePullSecrets` for every pod spec and custom resource: the site's `[images] pull_secrets`.
pub(super) fn pull_secrets(site: &Site) -> Option<Vec<k8s_openapi::api::core::v1::LocalObjectReference>> {
    (!site.images.pull_secrets.is_empty()).then(|| {
        site.images
            .pull_secrets
            .iter()
            .map(|name| k8s_openapi::api::core::v1::LocalObjectReference { name: name.clone() })
            .collect()
    })
}
