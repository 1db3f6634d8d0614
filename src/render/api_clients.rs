//! API clients: a ServiceAccount, a Role over the granted resources, its RoleBinding and a
//! long-lived token Secret (which Kubernetes fills in; promsite writes no token) in the client's
//! namespace.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::{Secret, ServiceAccount};
use k8s_openapi::api::rbac::v1::{PolicyRule, Role, RoleBinding, RoleRef, Subject};

use super::common::meta;
use super::object::Object;
use crate::model::{ApiClient, Site};

const COMPONENT: &str = "api-client";

/// The objects of every API client.
pub(super) fn render(site: &Site) -> Vec<Object> {
    site.api_clients
        .iter()
        .flat_map(|client| client_objects(site, client))
        .collect()
}

/// Name of the client's token Secret.
pub(super) fn token_secret_name(client: &ApiClient) -> String {
    format!("{}-token", client.name)
}

fn client_objects(site: &Site, client: &ApiClient) -> Vec<Object> {
    let metadata = || meta(site, &client.namespace, &client.name, COMPONENT);
    let mut by_group: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for resource in &client.resources {
        by_group.entry(resource.group).or_default().insert(resource.name);
    }
    let verbs: Vec<String> = client.verbs.iter().map(|v| v.as_str().to_owned()).collect();
    let rules = by_group
        .into_iter()
        .map(|(group, resources)| PolicyRule {
            api_groups: Some(vec![group.to_owned()]),
            resources: Some(resources.into_iter().map(str::to_owned).collect()),
            verbs: verbs.clone(),
            ..PolicyRule::default()
        })
        .collect();
    let mut token = meta(site, &client.namespace, &token_secret_name(client), COMPONENT);
    token.annotations = Some(BTreeMap::from([(
        "kubernetes.io/service-account.name".to_owned(),
        client.name.clone(),
    )]));
    vec![
        ServiceAccount {
            metadata: metadata(),
            ..ServiceAccount::default()
        }
        .into(),
        Role {
            metadata: metadata(),
            rules: Some(rules),
        }
        .into(),
        RoleBinding {
            metadata: metadata(),
            role_ref: RoleRef {
                api_group: "rbac.authorization.k8s.io".to_owned(),
                kind: "Role".to_owned(),
                name: client.name.clone(),
            },
            subjects: Some(vec![Subject {
                kind: "ServiceAccount".to_owned(),
                name: client.name.clone(),
                namespace: Some(client.namespace.clone()),
                ..Subject::default()
            }]),
        }
        .into(),
        Secret {
            metadata: token,
            type_: Some("kubernetes.io/service-account-token".to_owned()),
            ..Secret::default()
        }
        .into(),
    ]
}
