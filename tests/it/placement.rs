//! Placement, judged from the output alone: every workload tolerates exactly the taints of the
//! nodes it may run on, replicas are spread one per node, and node-exporter covers every node.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

/// The site's declared nodes and their taints as (key, value, effect), read straight from the TOML.
fn declared_taints(site: &str) -> BTreeMap<String, BTreeSet<(String, Option<String>, String)>> {
    let document: toml::Table = toml::from_str(&common::source(site).text).expect("TOML");
    let nodes = document
        .get("nodes")
        .and_then(toml::Value::as_array)
        .cloned()
        .unwrap_or_default();
    nodes
        .iter()
        .map(|node| {
            let name = node["name"].as_str().expect("node name").to_owned();
            let taints = node
                .get("taints")
                .and_then(toml::Value::as_array)
                .into_iter()
                .flatten()
                .map(|taint| {
                    let (key_value, effect) = taint.as_str().expect("taint").rsplit_once(':').expect("effect");
                    let (key, value) = key_value
                        .split_once('=')
                        .map_or((key_value, None), |(k, v)| (k, Some(v.to_owned())));
                    (key.to_owned(), value, effect.to_owned())
                })
                .collect();
            (name, taints)
        })
        .collect()
}

/// The pod spec of a workload object (Deployment, DaemonSet, or an operator-managed CR).
fn pod_spec(object: &Value) -> Option<&Value> {
    match object["kind"].as_str()? {
        "Deployment" | "DaemonSet" => Some(&object["spec"]["template"]["spec"]),
        "Prometheus" | "Alertmanager" => Some(&object["spec"]),
        _ => None,
    }
}

fn pinned_nodes(spec: &Value) -> Option<BTreeSet<String>> {
    let terms = spec["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"]
        .as_array()?;
    assert_eq!(terms.len(), 1, "one node selector term");
    let expressions = terms[0]["matchExpressions"].as_array().expect("match expressions");
    let hostname = expressions
        .iter()
        .find(|e| e["key"] == "kubernetes.io/hostname" && e["operator"] == "In")
        .expect("hostname In");
    Some(
        hostname["values"]
            .as_array()
            .expect("values")
            .iter()
            .map(|v| v.as_str().expect("name").to_owned())
            .collect(),
    )
}

fn tolerations(spec: &Value) -> BTreeSet<(String, Option<String>, String)> {
    spec["tolerations"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|t| {
            let operator = t["operator"].as_str().expect("operator");
            let value = t["value"].as_str().map(str::to_owned);
            assert_eq!(
                operator == "Exists",
                value.is_none(),
                "Exists has no value, Equal has one: {t}"
            );
            (
                t["key"].as_str().unwrap_or_default().to_owned(),
                value,
                t["effect"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

#[test]
fn every_workload_tolerates_exactly_the_taints_of_its_nodes() {
    let mut pinned_workloads = 0;
    for site in common::valid_sites() {
        let taints = declared_taints(&site);
        let compiled = common::compile(&site);
        for (path, text) in compiled.tree.iter().filter(|(p, _)| common::is_yaml(p)) {
            let object = common::yaml(text);
            let Some(spec) = pod_spec(&object) else { continue };
            match pinned_nodes(spec) {
                Some(nodes) => {
                    pinned_workloads += 1;
                    let expected: BTreeSet<_> = nodes
                        .iter()
                        .flat_map(|node| {
                            taints
                                .get(node)
                                .unwrap_or_else(|| panic!("{site}: {path} pins undeclared node {node}"))
                                .iter()
                                .cloned()
                        })
                        .collect();
                    assert_eq!(
                        tolerations(spec),
                        expected,
                        "{site}: {path} tolerates other taints than its nodes have"
                    );
                }
                None if object["kind"] == "DaemonSet" => {
                    let everything = spec["tolerations"].as_array().expect("tolerations");
                    assert_eq!(
                        everything.len(),
                        1,
                        "{site}: {path}: an unpinned node agent tolerates everything"
                    );
                    assert_eq!(everything[0]["operator"], "Exists");
                }
                None => assert!(
                    spec.get("tolerations").is_none(),
                    "{site}: {path} is not pinned but tolerates taints"
                ),
            }
        }
    }
    assert!(
        pinned_workloads >= 8,
        "only {pinned_workloads} pinned workloads were checked"
    );
}

#[test]
fn replicas_are_spread_one_per_node_and_node_exporter_covers_every_node() {
    for site in common::valid_sites() {
        let declared: BTreeSet<String> = declared_taints(&site).into_keys().collect();
        let compiled = common::compile(&site);
        for (path, text) in compiled.tree.iter().filter(|(p, _)| common::is_yaml(p)) {
            let object = common::yaml(text);
            let Some(spec) = pod_spec(&object) else { continue };
            let replicas = spec["replicas"]
                .as_u64()
                .or_else(|| object["spec"]["replicas"].as_u64())
                .unwrap_or(1);
            let anti = &spec["affinity"]["podAntiAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"];
            if let Some(nodes) = pinned_nodes(spec) {
                assert!(
                    usize::try_from(replicas).is_ok_and(|r| r <= nodes.len()),
                    "{site}: {path}: {replicas} replicas on {} nodes",
                    nodes.len()
                );
                if replicas > 1 {
                    assert_eq!(
                        anti[0]["topologyKey"], "kubernetes.io/hostname",
                        "{site}: {path}: replicas must be spread across hosts"
                    );
                }
            }
            if object["kind"] == "DaemonSet" && !declared.is_empty() {
                assert_eq!(
                    pinned_nodes(spec),
                    Some(declared.clone()),
                    "{site}: {path} must cover exactly the declared nodes"
                );
            }
        }
    }
}

#[test]
fn each_local_volume_is_pinned_to_a_node_of_its_component_and_bound_to_one_replica() {
    // No fixture keeps Alertmanager on local volumes (their files would only repeat Prometheus'
    // kind): this site does.
    let local_alertmanager = "[site]\nname = \"am-local\"\n\n[[nodes]]\nname = \"n-2\"\naddress = \"10.0.0.2\"\n\n[[nodes]]\nname = \"n-1\"\naddress = \"10.0.0.1\"\n\n[alertmanager]\nreplicas = 2\nnodes = [\"n-2\", \"n-1\"]\nstorage = { path = \"/data/alertmanager\", size = \"1Gi\" }\n\n[route]\nreceiver = \"r\"\n\n[[receivers]]\nname = \"r\"\n";
    let inline = common::compile_text("am-local.toml", local_alertmanager);
    let claims: BTreeSet<String> = inline
        .tree
        .iter()
        .filter(|(p, _)| p.starts_with("_cluster/persistentvolume-"))
        .map(|(_, t)| {
            common::yaml(t)["spec"]["claimRef"]["name"]
                .as_str()
                .expect("claimRef")
                .to_owned()
        })
        .collect();
    assert_eq!(
        claims,
        BTreeSet::from([
            "alertmanager-main-db-alertmanager-main-0".to_owned(),
            "alertmanager-main-db-alertmanager-main-1".to_owned()
        ])
    );
    let sites = common::valid_sites().into_iter().map(|site| {
        let compiled = common::compile(&site);
        (site, compiled)
    });
    for (site, compiled) in sites.chain([("am-local".to_owned(), inline.clone())]) {
        let objects: Vec<Value> = compiled
            .tree
            .iter()
            .filter(|(p, _)| common::is_yaml(p))
            .map(|(_, t)| common::yaml(t))
            .collect();
        // Prometheus' and Alertmanager's local volumes alike, each against its own resource.
        for (kind, component) in [("Prometheus", "prometheus"), ("Alertmanager", "alertmanager")] {
            let resource = objects
                .iter()
                .find(|o| o["kind"] == kind)
                .unwrap_or_else(|| panic!("{site}: a {kind}"));
            let allowed = pinned_nodes(&resource["spec"]).unwrap_or_default();
            let volumes: Vec<&Value> = objects
                .iter()
                .filter(|o| {
                    o["kind"] == "PersistentVolume" && o["metadata"]["labels"]["app.kubernetes.io/name"] == component
                })
                .collect();
            let mut claims = BTreeSet::new();
            let mut nodes = BTreeSet::new();
            for volume in &volumes {
                let node = pinned_nodes(&serde_json::json!({"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": volume["spec"]["nodeAffinity"]["required"]}}}))
                    .expect("volume node affinity");
                assert_eq!(node.len(), 1, "{site}: a local volume lives on one node");
                assert!(
                    node.is_subset(&allowed),
                    "{site}: volume on {node:?}, {kind} runs on {allowed:?}"
                );
                nodes.extend(node);
                claims.insert(
                    volume["spec"]["claimRef"]["name"]
                        .as_str()
                        .expect("claimRef")
                        .to_owned(),
                );
                assert_eq!(volume["spec"]["persistentVolumeReclaimPolicy"], "Retain");
                let class = &volume["spec"]["storageClassName"];
                assert_eq!(
                    &resource["spec"]["storage"]["volumeClaimTemplate"]["spec"]["storageClassName"], class,
                    "{site}: the {kind}'s claims ask for the class of its volumes"
                );
            }
            assert_eq!(
                claims.len(),
                volumes.len(),
                "{site}: each volume is reserved for a different claim"
            );
            assert_eq!(nodes.len(), volumes.len(), "{site}: one volume per node");
            if !volumes.is_empty() {
                assert_eq!(nodes, allowed, "{site}: every {kind} node has a volume");
            }
        }
    }
}
