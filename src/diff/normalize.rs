//! Making a live object comparable with a compiled one: server-owned fields removed, an object
//! projected onto the fields promsite sets (when the server cannot dry-run an apply), and Secret
//! values masked the way `kubectl diff` masks them. Pure functions on JSON values.

use serde_json::{Map, Value};

/// Metadata the API server writes; it never shows in a diff.
const SERVER_METADATA: &[&str] = &[
    "creationTimestamp",
    "deletionGracePeriodSeconds",
    "deletionTimestamp",
    "generation",
    "managedFields",
    "resourceVersion",
    "selfLink",
    "uid",
];

/// Annotations that clients write for their own bookkeeping, not part of the desired state.
const BOOKKEEPING_ANNOTATIONS: &[&str] = &["kubectl.kubernetes.io/last-applied-configuration"];

/// Secret fields whose values are never shown.
const SECRET_FIELDS: &[&str] = &["data", "stringData"];

/// What a masked Secret value reads as when it is the same on both sides.
pub const MASK: &str = "***";
/// A masked value that changed, on the live side.
pub const MASK_BEFORE: &str = "*** (before)";
/// A masked value that changed, on the compiled side.
pub const MASK_AFTER: &str = "*** (after)";

/// Removes `status` and the server-owned metadata; drops label and annotation maps left empty.
pub fn strip_server_fields(object: &mut Value) {
    let Some(map) = object.as_object_mut() else { return };
    map.remove("status");
    let Some(Value::Object(metadata)) = map.get_mut("metadata") else {
        return;
    };
    for field in SERVER_METADATA {
        metadata.remove(*field);
    }
    if let Some(Value::Object(annotations)) = metadata.get_mut("annotations") {
        for annotation in BOOKKEEPING_ANNOTATIONS {
            annotations.remove(*annotation);
        }
    }
    for field in ["annotations", "labels"] {
        if metadata
            .get(field)
            .is_some_and(|value| value.as_object().is_some_and(Map::is_empty) || value.is_null())
        {
            metadata.remove(field);
        }
    }
}

/// The part of `live` that `compiled` sets: every key of `compiled`, recursively, with the live
/// value (or absent when the live object lacks it). Lists are matched element by element; live
/// elements past the compiled ones stay, since applying the compiled list would remove them.
pub fn project(live: &Value, compiled: &Value) -> Value {
    match (live, compiled) {
        (Value::Object(live), Value::Object(compiled)) => Value::Object(
            compiled
                .iter()
                .filter_map(|(key, wanted)| live.get(key).map(|value| (key.clone(), project(value, wanted))))
                .collect(),
        ),
        (Value::Array(live), Value::Array(compiled)) => Value::Array(
            live.iter()
                .enumerate()
                .map(|(i, value)| {
                    compiled
                        .get(i)
                        .map_or_else(|| value.clone(), |wanted| project(value, wanted))
                })
                .collect(),
        ),
        _ => live.clone(),
    }
}

/// Whether an object is a core Secret.
pub fn is_secret(object: &Value) -> bool {
    object.get("kind").and_then(Value::as_str) == Some("Secret")
        && object.get("apiVersion").and_then(Value::as_str) == Some("v1")
}

/// Masks the values of a Secret's `data` and `stringData` on both sides of a comparison: a key
/// whose value differs reads `*** (before)` / `*** (after)`, any other `***`. Keys stay visible,
/// so an added or removed key still shows. Objects that are not Secrets are left alone.
pub fn mask_secrets(before: Option<&mut Value>, after: Option<&mut Value>) {
    let before = before.filter(|object| is_secret(object));
    let after = after.filter(|object| is_secret(object));
    let (mut before, mut after) = (before, after);
    for field in SECRET_FIELDS {
        let old = before.as_deref().and_then(|object| object.get(*field)).cloned();
        let new = after.as_deref().and_then(|object| object.get(*field)).cloned();
        if let Some(object) = before.as_deref_mut() {
            mask_field(object, field, old.as_ref(), new.as_ref(), MASK_BEFORE);
        }
        if let Some(object) = after.as_deref_mut() {
            mask_field(object, field, new.as_ref(), old.as_ref(), MASK_AFTER);
        }
    }
}

/// Replaces every value of `object[field]` (`ours`) by a mask, comparing with `theirs`.
fn mask_field(object: &mut Value, field: &str, ours: Option<&Value>, theirs: Option<&Value>, changed: &str) {
    let Some(ours) = ours else { return };
    let Some(map) = object.as_object_mut() else { return };
    let Some(values) = ours.as_object() else {
        // Not a map (malformed): hide it whole.
        map.insert(field.to_owned(), Value::String(MASK.to_owned()));
        return;
    };
    let theirs = theirs.and_then(Value::as_object);
    let masked: Map<String, Value> = values
        .iter()
        .map(|(key, value)| {
            let other = theirs.and_then(|t| t.get(key));
            let mask = if other.is_some_and(|other| other != value) {
                changed
            } else {
                MASK
            };
            (key.clone(), Value::String(mask.to_owned()))
        })
        .collect();
    map.insert(field.to_owned(), Value::Object(masked));
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn server_fields_and_bookkeeping_annotations_go() {
        let mut live = json!({
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {
                "name": "x", "namespace": "monitoring", "uid": "1", "resourceVersion": "2", "generation": 3,
                "creationTimestamp": "2026-01-01T00:00:00Z", "managedFields": [{"manager": "kubectl"}],
                "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{}"},
                "labels": {"a": "b"}
            },
            "data": {"k": "v"},
            "status": {"phase": "Active"}
        });
        strip_server_fields(&mut live);
        assert_eq!(
            live,
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x", "namespace": "monitoring", "labels": {"a": "b"}}, "data": {"k": "v"}})
        );
    }

    #[test]
    fn projection_keeps_only_compiled_fields() {
        let live = json!({"spec": {"replicas": 2, "clusterIP": "10.0.0.1", "ports": [{"name": "web", "port": 9090, "protocol": "TCP"}, {"name": "extra"}]}, "extra": 1});
        let compiled =
            json!({"spec": {"replicas": 1, "ports": [{"name": "web", "port": 9091}], "selector": {"a": "b"}}});
        assert_eq!(
            project(&live, &compiled),
            json!({"spec": {"replicas": 2, "ports": [{"name": "web", "port": 9090}, {"name": "extra"}]}})
        );
    }

    #[test]
    fn secret_values_are_masked_and_changes_marked() {
        let secret = |data: Value| json!({"apiVersion": "v1", "kind": "Secret", "data": data});
        let mut before = secret(json!({"same": "c2FtZQ==", "changed": "b2xk", "gone": "eA=="}));
        let mut after = secret(json!({"same": "c2FtZQ==", "changed": "bmV3", "added": "eQ=="}));
        mask_secrets(Some(&mut before), Some(&mut after));
        assert_eq!(
            before["data"],
            json!({"same": MASK, "changed": MASK_BEFORE, "gone": MASK})
        );
        assert_eq!(
            after["data"],
            json!({"same": MASK, "changed": MASK_AFTER, "added": MASK})
        );
        let mut config_map = json!({"apiVersion": "v1", "kind": "ConfigMap", "data": {"k": "visible"}});
        mask_secrets(Some(&mut config_map), None);
        assert_eq!(config_map["data"]["k"], "visible");
        let mut odd = secret(json!("not-a-map"));
        mask_secrets(None, Some(&mut odd));
        assert_eq!(odd["data"], MASK);
    }
}
