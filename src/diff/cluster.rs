//! Comparing a compiled site with live objects, as `kubectl diff` does: each compiled object is
//! applied server-side in dry-run mode and the result compared with the live object; when the
//! server refuses that, only the fields promsite sets are compared. Live objects that carry the
//! site's labels but are no longer compiled are reported for pruning. Where the live objects come
//! from is a [`LiveSource`]: the cluster (`diff::kube`), a dump file (`diff::dump`), or a fake.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::Value;

use super::FileDiff;
use super::normalize::{self, mask_secrets, strip_server_fields};
use super::resources::{self, RESOURCES, Resource};
use crate::emit::{self, layout};
use crate::pipeline::Compiled;
use crate::render::{MANAGED_BY, MANAGED_BY_LABEL, ObjectKey, SITE_LABEL};

/// What the server would make of applying an object.
#[derive(Debug, Clone, PartialEq)]
pub enum DryRun {
    /// The object as the server would store it.
    Applied(Value),
    /// The server cannot dry-run an apply (why, e.g. `405 Method Not Allowed`).
    Refused(String),
}

/// Where live objects come from. Objects are JSON values as the API serves them.
pub trait LiveSource {
    /// The live object, `None` when it does not exist.
    fn get(&mut self, resource: &Resource, namespace: Option<&str>, name: &str) -> Result<Option<Value>, LiveError>;
    /// Server-side apply of `object` in dry-run mode, as field manager `promsite`, forcing conflicts.
    fn dry_run_apply(
        &mut self,
        resource: &Resource,
        namespace: Option<&str>,
        name: &str,
        object: &Value,
    ) -> Result<DryRun, LiveError>;
    /// Objects of `resource` in every namespace matching a label selector (`k=v,k=v`);
    /// [`LiveError::NotServed`] when the cluster does not serve the resource at all.
    fn list(&mut self, resource: &Resource, selector: &str) -> Result<Vec<Value>, LiveError>;
}

/// Why live objects could not be read. Each message names what to check.
#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    /// No connection to the API server.
    #[error("cannot reach the Kubernetes API server at {url}: {reason}")]
    Unreachable {
        /// The server's URL from the kubeconfig.
        url: String,
        /// The connection error.
        reason: String,
    },
    /// The kubeconfig, its context or its credentials are unusable.
    #[error("{0}")]
    Config(String),
    /// RBAC refused a request (403).
    #[error(
        "permission denied: cannot {verb} {resource} {scope}; grant `{verb}` on `{resource}` to this user (the server said: {message})"
    )]
    Forbidden {
        /// The RBAC verb.
        verb: &'static str,
        /// The resource, e.g. `prometheuses.monitoring.coreos.com`.
        resource: String,
        /// `in namespace `x``, `in all namespaces` or `(cluster-scoped)`.
        scope: String,
        /// The server's message.
        message: String,
    },
    /// The server does not serve a resource type (404 on the collection).
    #[error("the cluster does not serve {resource}")]
    NotServed {
        /// The resource, e.g. `prometheuses.monitoring.coreos.com`.
        resource: String,
    },
    /// A CustomResourceDefinition the site needs is missing.
    #[error(
        "the cluster has no CustomResourceDefinition `{crd}`, which the site needs; apply the operator's CRDs first: `kubectl apply --server-side -k out/{site}/setup/`"
    )]
    MissingCrd {
        /// The CRD's name, e.g. `prometheuses.monitoring.coreos.com`.
        crd: String,
        /// The site (its output directory).
        site: String,
    },
    /// Any other refusal.
    #[error("the API server refused to {verb} {resource} {scope}: {code} {message}")]
    Api {
        /// The RBAC verb of the request.
        verb: &'static str,
        /// The resource.
        resource: String,
        /// Where.
        scope: String,
        /// HTTP status code.
        code: u16,
        /// The server's message.
        message: String,
    },
    /// A dump file that cannot be read or parsed.
    #[error("cannot read the live objects from {path}: {reason}")]
    Dump {
        /// The file.
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// An object promsite compiled that cannot be compared (a promsite bug).
    #[error("internal: {0}; this is a promsite bug, please report it")]
    Internal(String),
}

impl LiveError {
    /// How a request's target reads in a message: `in namespace `x``, `in all namespaces`, `(cluster-scoped)`.
    pub fn scope(resource: &Resource, namespace: Option<&str>) -> String {
        match namespace {
            Some(namespace) => format!("in namespace `{namespace}`"),
            None if resource.namespaced => "in all namespaces".to_owned(),
            None => "(cluster-scoped)".to_owned(),
        }
    }
}

/// What happens to one object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// Compiled, absent in the cluster.
    Create,
    /// Compiled and live, and they differ.
    Change,
    /// Live with the site's labels, no longer compiled.
    Prune,
}

/// How an object was compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Comparison {
    /// The server's dry-run apply result against the live object.
    ServerDryRun,
    /// Only the fields promsite sets (no dry run available).
    PromsiteFields,
    /// A live object to prune, shown whole.
    LiveObject,
}

/// One object that differs.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectChange {
    /// What would happen.
    pub action: Action,
    /// How it was compared.
    pub comparison: Comparison,
    /// `apiVersion`.
    pub api_version: String,
    /// Kind.
    pub kind: &'static str,
    /// Namespace; `None` for cluster-scoped objects.
    pub namespace: Option<String>,
    /// Name.
    pub name: String,
    /// The live (`a/`) and compiled (`b/`) YAML, Secret values masked, under the object's output path.
    pub file: FileDiff,
}

/// The outcome of a live diff.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// Site name.
    pub site: String,
    /// Objects that differ, in output-path order.
    pub changes: Vec<ObjectChange>,
    /// Compiled objects that match the live ones.
    pub unchanged: usize,
    /// Why the server's dry-run apply was not used, when it was refused.
    pub dry_run_refused: Option<String>,
}

impl Report {
    /// How many objects would be created, changed and pruned.
    pub fn counts(&self) -> (usize, usize, usize) {
        let count = |action| self.changes.iter().filter(|c| c.action == action).count();
        (count(Action::Create), count(Action::Change), count(Action::Prune))
    }

    /// The one-line summary: `1 to create, 2 to change, 0 to prune, 40 unchanged`.
    pub fn summary(&self) -> String {
        let (create, change, prune) = self.counts();
        format!(
            "{create} to create, {change} to change, {prune} to prune, {} unchanged",
            self.unchanged
        )
    }

    /// The report as one JSON document for bots; Secret values are masked as in the text.
    pub fn to_json(&self, source: &str) -> Value {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Object<'a> {
            action: Action,
            comparison: Comparison,
            api_version: &'a str,
            kind: &'a str,
            namespace: Option<&'a str>,
            name: &'a str,
            path: &'a str,
            diff: String,
        }
        let (create, change, prune) = self.counts();
        let objects: Vec<Object<'_>> = self
            .changes
            .iter()
            .map(|c| Object {
                action: c.action,
                comparison: c.comparison,
                api_version: &c.api_version,
                kind: c.kind,
                namespace: c.namespace.as_deref(),
                name: &c.name,
                path: &c.file.path,
                diff: c.file.unified(),
            })
            .collect();
        serde_json::json!({
            "site": self.site,
            "source": source,
            "changed": !self.changes.is_empty(),
            "summary": {"create": create, "change": change, "prune": prune, "unchanged": self.unchanged},
            "dryRunRefused": self.dry_run_refused,
            "objects": objects,
        })
    }
}

/// The objects a compiled site puts in the cluster: every rendered object, and the Alertmanager
/// config Secret that kustomize generates from `alertmanager.yml`.
pub fn compiled_objects(site: &Compiled) -> Result<Vec<(ObjectKey, Value)>, LiveError> {
    let secret = crate::render::Object::from(emit::alertmanager_config_secret(&site.bundle, &site.tree));
    let generated = (secret.key(), secret);
    site.bundle
        .objects
        .iter()
        .map(|(key, object)| (key.clone(), object.clone()))
        .chain(std::iter::once(generated))
        .map(|(key, object)| match serde_json::to_value(&object) {
            Ok(value) => Ok((key, value)),
            Err(e) => Err(LiveError::Internal(format!(
                "cannot serialize {} `{}`: {e}",
                key.kind, key.name
            ))),
        })
        .collect()
}

/// The label selector of a site's live objects.
pub fn site_selector(site: &str) -> String {
    format!("{MANAGED_BY_LABEL}={MANAGED_BY},{SITE_LABEL}={site}")
}

/// Compares the compiled objects of `site` with what `source` serves.
pub fn compare(site: &str, compiled: &[(ObjectKey, Value)], source: &mut dyn LiveSource) -> Result<Report, LiveError> {
    let wanted: BTreeSet<&ObjectKey> = compiled.iter().map(|(key, _)| key).collect();
    let kinds: BTreeSet<(&str, &str)> = compiled.iter().map(|(key, _)| (key.group, key.kind)).collect();
    // Listing first finds a missing CRD before any object is read.
    let mut managed: BTreeMap<ObjectKey, Value> = BTreeMap::new();
    let selector = site_selector(site);
    for resource in RESOURCES {
        let items = match source.list(resource, &selector) {
            Ok(items) => items,
            Err(LiveError::NotServed { .. }) if !kinds.contains(&(resource.group, resource.kind)) => continue,
            Err(LiveError::NotServed { resource: crd }) if resource.is_custom() => {
                return Err(LiveError::MissingCrd {
                    crd,
                    site: site.to_owned(),
                });
            }
            Err(e) => return Err(e),
        };
        for item in items {
            // The operator's own objects can carry the labels of the resource they come from;
            // they go with their owner, so they are never pruned.
            if item
                .pointer("/metadata/ownerReferences")
                .and_then(Value::as_array)
                .is_some_and(|owners| !owners.is_empty())
            {
                continue;
            }
            let key = live_key(resource, &item);
            managed.insert(key, item);
        }
    }
    let mut report = Report {
        site: site.to_owned(),
        changes: Vec::new(),
        unchanged: 0,
        dry_run_refused: None,
    };
    for (key, object) in compiled {
        let resource = resources::lookup(key.group, key.kind)
            .ok_or_else(|| LiveError::Internal(format!("no API resource known for kind {}", key.kind)))?;
        let namespace = key.namespace.as_deref();
        // The list above found every missing CRD, unless the server changed since.
        let crd_missing = |e: LiveError| match e {
            LiveError::NotServed { resource: crd } if resource.is_custom() => LiveError::MissingCrd {
                crd,
                site: site.to_owned(),
            },
            other => other,
        };
        let live = source.get(resource, namespace, &key.name).map_err(crd_missing)?;
        let applied = if report.dry_run_refused.is_none() {
            match source
                .dry_run_apply(resource, namespace, &key.name, object)
                .map_err(crd_missing)?
            {
                DryRun::Applied(applied) => Some(applied),
                DryRun::Refused(why) => {
                    report.dry_run_refused = Some(why);
                    None
                }
            }
        } else {
            None
        };
        let (comparison, mut before, mut after) = match applied {
            Some(applied) => (Comparison::ServerDryRun, live, applied),
            None => (
                Comparison::PromsiteFields,
                live.map(|live| normalize::project(&live, object)),
                object.clone(),
            ),
        };
        if let Some(before) = before.as_mut() {
            strip_server_fields(before);
        }
        strip_server_fields(&mut after);
        if before.as_ref() == Some(&after) {
            report.unchanged += 1;
            continue;
        }
        mask_secrets(before.as_mut(), Some(&mut after));
        let action = if before.is_some() {
            Action::Change
        } else {
            Action::Create
        };
        report.changes.push(change(
            action,
            comparison,
            resource,
            key,
            before.as_ref(),
            Some(&after),
        )?);
    }
    for (key, mut live) in managed {
        if wanted.contains(&key) {
            continue;
        }
        strip_server_fields(&mut live);
        mask_secrets(Some(&mut live), None);
        let resource = resources::lookup(key.group, key.kind)
            .ok_or_else(|| LiveError::Internal(format!("no API resource known for kind {}", key.kind)))?;
        report.changes.push(change(
            Action::Prune,
            Comparison::LiveObject,
            resource,
            &key,
            Some(&live),
            None,
        )?);
    }
    report
        .changes
        .sort_by(|a, b| a.file.path.cmp(&b.file.path).then(a.action.cmp(&b.action)));
    Ok(report)
}

/// The identity of a listed object; its kind and group come from the resource it was listed as.
fn live_key(resource: &'static Resource, item: &Value) -> ObjectKey {
    let text = |pointer: &str| item.pointer(pointer).and_then(Value::as_str).map(str::to_owned);
    ObjectKey {
        group: resource.group,
        kind: resource.kind,
        namespace: if resource.namespaced {
            text("/metadata/namespace")
        } else {
            None
        },
        name: text("/metadata/name").unwrap_or_default(),
    }
}

fn change(
    action: Action,
    comparison: Comparison,
    resource: &Resource,
    key: &ObjectKey,
    live: Option<&Value>,
    compiled: Option<&Value>,
) -> Result<ObjectChange, LiveError> {
    let yaml = |value: Option<&Value>| {
        value
            .map(|v| {
                crate::yaml::to_string(v)
                    .map_err(|e| LiveError::Internal(format!("cannot serialize {}: {e}", key.name)))
            })
            .transpose()
    };
    Ok(ObjectChange {
        action,
        comparison,
        api_version: resource.api_version(),
        kind: resource.kind,
        namespace: key.namespace.clone(),
        name: key.name.clone(),
        file: FileDiff {
            path: layout::object_path(key),
            old: yaml(live)?,
            new: yaml(compiled)?,
        },
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// A fake cluster: one live Secret, a dry run that answers with the patch plus server fields,
    /// or refuses; the Prometheus CRD optionally missing.
    struct Fake {
        live: Option<Value>,
        refuse: bool,
        crd_missing: bool,
        patches: usize,
    }

    impl LiveSource for Fake {
        fn get(&mut self, _: &Resource, _: Option<&str>, _: &str) -> Result<Option<Value>, LiveError> {
            Ok(self.live.clone())
        }

        fn dry_run_apply(
            &mut self,
            _: &Resource,
            _: Option<&str>,
            _: &str,
            object: &Value,
        ) -> Result<DryRun, LiveError> {
            self.patches += 1;
            if self.refuse {
                return Ok(DryRun::Refused("405".to_owned()));
            }
            let mut applied = object.clone();
            applied["metadata"]["uid"] = json!("u-1");
            applied["metadata"]["managedFields"] = json!([{"manager": "promsite"}]);
            Ok(DryRun::Applied(applied))
        }

        fn list(&mut self, resource: &Resource, _: &str) -> Result<Vec<Value>, LiveError> {
            if self.crd_missing && resource.kind == "Prometheus" {
                return Err(LiveError::NotServed {
                    resource: resource.qualified(),
                });
            }
            Ok(Vec::new())
        }
    }

    fn secret(value: &str) -> Value {
        json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s", "namespace": "m", "labels": {"a": "b"}}, "data": {"k": value}})
    }

    fn compiled(value: &str) -> Vec<(ObjectKey, Value)> {
        vec![(
            ObjectKey {
                group: "",
                kind: "Secret",
                namespace: Some("m".to_owned()),
                name: "s".to_owned(),
            },
            secret(value),
        )]
    }

    #[test]
    fn secret_changes_show_masked_and_server_fields_never() {
        let mut live = secret("bGl2ZS1zZWNyZXQ=");
        live["metadata"]["resourceVersion"] = json!("7");
        live["metadata"]["annotations"] =
            json!({"kubectl.kubernetes.io/last-applied-configuration": "{\"data\":{\"k\":\"bGl2ZS1zZWNyZXQ=\"}}"});
        let mut fake = Fake {
            live: Some(live),
            refuse: false,
            crd_missing: false,
            patches: 0,
        };
        let report = compare("site", &compiled("bmV3LXNlY3JldA=="), &mut fake).expect("compared");
        assert_eq!(report.counts(), (0, 1, 0));
        let text = report.changes[0].file.unified();
        assert!(text.contains("-  k: \"*** (before)\"\n+  k: \"*** (after)\""), "{text}");
        for hidden in [
            "bGl2ZS1zZWNyZXQ=",
            "bmV3LXNlY3JldA==",
            "last-applied",
            "resourceVersion",
            "managedFields",
            "uid",
        ] {
            assert!(!text.contains(hidden), "{hidden} shows in {text}");
        }
        assert_eq!(report.changes[0].comparison, Comparison::ServerDryRun);
    }

    #[test]
    fn a_refused_dry_run_is_asked_once_and_the_fields_promsite_sets_are_compared() {
        let mut live = secret("c2FtZQ==");
        live["metadata"]["labels"]["added-by-someone"] = json!("x");
        let mut fake = Fake {
            live: Some(live),
            refuse: true,
            crd_missing: false,
            patches: 0,
        };
        let objects: Vec<(ObjectKey, Value)> = compiled("c2FtZQ==")
            .into_iter()
            .chain(compiled("c2FtZQ==").into_iter().map(|(mut key, value)| {
                key.name = "t".to_owned();
                (key, value)
            }))
            .collect();
        let report = compare("site", &objects, &mut fake).expect("compared");
        assert_eq!((report.counts(), report.unchanged, fake.patches), ((0, 0, 0), 2, 1));
        assert_eq!(report.dry_run_refused.as_deref(), Some("405"));
    }

    #[test]
    fn a_missing_crd_matters_only_for_kinds_the_site_emits() {
        let mut fake = Fake {
            live: None,
            refuse: false,
            crd_missing: true,
            patches: 0,
        };
        let report =
            compare("site", &compiled("eA=="), &mut fake).expect("no Prometheus compiled: the CRD is not needed");
        assert_eq!(report.counts(), (1, 0, 0));
        let prometheus = (
            ObjectKey {
                group: "monitoring.coreos.com",
                kind: "Prometheus",
                namespace: Some("m".to_owned()),
                name: "k8s".to_owned(),
            },
            json!({}),
        );
        let error = compare("site", &[prometheus], &mut fake).expect_err("the CRD is needed");
        assert!(
            matches!(&error, LiveError::MissingCrd { crd, .. } if crd == "prometheuses.monitoring.coreos.com"),
            "{error}"
        );
        assert!(error.to_string().contains("out/site/setup/"), "{error}");
    }
}
