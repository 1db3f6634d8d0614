//! Live objects from a saved dump: the output of `kubectl get -o yaml` (a `List`, or one object),
//! or several YAML documents. There is no server to dry-run an apply, so the comparison is
//! restricted to the fields promsite sets.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use super::cluster::{DryRun, LiveError, LiveSource};
use super::resources::{Resource, group_of};

/// Largest dump read, so that a wrong file cannot exhaust memory.
const MAX_DUMP_BYTES: u64 = 256 * 1024 * 1024;

/// Identity of a dumped object: (group, kind, namespace, name).
type Key = (String, String, Option<String>, String);

/// The objects of a dump file.
#[derive(Debug, Clone, Default)]
pub struct DumpSource {
    objects: BTreeMap<Key, Value>,
}

impl DumpSource {
    /// Reads and parses a dump file.
    pub fn read(path: &Path) -> Result<Self, LiveError> {
        let error = |reason: String| LiveError::Dump {
            path: path.display().to_string(),
            reason,
        };
        let size = std::fs::metadata(path).map_err(|e| error(e.to_string()))?.len();
        if size > MAX_DUMP_BYTES {
            return Err(error(format!(
                "{size} bytes is more than the {MAX_DUMP_BYTES} a dump may have"
            )));
        }
        let text = std::fs::read_to_string(path).map_err(|e| error(e.to_string()))?;
        Self::parse(&text).map_err(error)
    }

    /// Parses the text of a dump file.
    pub fn parse(text: &str) -> Result<Self, String> {
        let documents: Vec<Value> = serde_saphyr::from_multiple(text).map_err(|e| e.to_string())?;
        let mut source = Self::default();
        for document in documents.into_iter().filter(|d| !d.is_null()) {
            let kind = document.get("kind").and_then(Value::as_str).unwrap_or_default();
            if kind.ends_with("List") && document.get("items").is_some() {
                let items = document
                    .get("items")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                for item in items {
                    source.insert(item)?;
                }
            } else {
                source.insert(document)?;
            }
        }
        Ok(source)
    }

    fn insert(&mut self, object: Value) -> Result<(), String> {
        let text = |pointer: &str| object.pointer(pointer).and_then(Value::as_str).map(str::to_owned);
        let (Some(api_version), Some(kind), Some(name)) = (text("/apiVersion"), text("/kind"), text("/metadata/name"))
        else {
            return Err("every object needs apiVersion, kind and metadata.name".to_owned());
        };
        let key = (
            group_of(&api_version).to_owned(),
            kind,
            text("/metadata/namespace"),
            name,
        );
        self.objects.insert(key, object);
        Ok(())
    }

    /// How many objects the dump holds.
    pub fn len(&self) -> usize {
        self.objects.len()
    }

    /// Whether the dump holds no object.
    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }
}

impl LiveSource for DumpSource {
    fn get(&mut self, resource: &Resource, namespace: Option<&str>, name: &str) -> Result<Option<Value>, LiveError> {
        let key = (
            resource.group.to_owned(),
            resource.kind.to_owned(),
            namespace.map(str::to_owned),
            name.to_owned(),
        );
        Ok(self.objects.get(&key).cloned())
    }

    fn dry_run_apply(&mut self, _: &Resource, _: Option<&str>, _: &str, _: &Value) -> Result<DryRun, LiveError> {
        Ok(DryRun::Refused(
            "a dump file has no server to dry-run an apply".to_owned(),
        ))
    }

    fn list(&mut self, resource: &Resource, selector: &str) -> Result<Vec<Value>, LiveError> {
        let wanted: Vec<(&str, &str)> = selector.split(',').filter_map(|term| term.split_once('=')).collect();
        Ok(self
            .objects
            .iter()
            .filter(|((group, kind, _, _), _)| group == resource.group && kind == resource.kind)
            .filter(|(_, object)| {
                wanted.iter().all(|(k, v)| {
                    object
                        .pointer("/metadata/labels")
                        .and_then(|l| l.get(*k))
                        .and_then(Value::as_str)
                        == Some(*v)
                })
            })
            .map(|(_, object)| object.clone())
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::resources::lookup;

    #[test]
    fn lists_and_documents_are_read_and_selected_by_label() {
        let text = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: a\n    namespace: m\n    labels: {tier: web}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n  namespace: m\n";
        let mut dump = DumpSource::parse(text).expect("valid dump");
        assert_eq!(dump.len(), 2);
        let config_maps = lookup("", "ConfigMap").expect("known");
        assert!(dump.get(config_maps, Some("m"), "b").expect("get").is_some());
        assert!(dump.get(config_maps, Some("other"), "b").expect("get").is_none());
        let selected = dump.list(config_maps, "tier=web").expect("list");
        assert_eq!(selected.len(), 1);
        assert_eq!(selected[0]["metadata"]["name"], "a");
        assert!(
            DumpSource::parse("kind: ConfigMap\n").is_err(),
            "an object without apiVersion is refused"
        );
    }
}
