//! Vendored CRD files: each YAML document must be a CustomResourceDefinition of the Prometheus
//! Operator's group at the release promsite targets. Also used by `promsite import-crds` to read a
//! downloaded release (a `bundle.yaml` with every object, or a directory of CRD files).

use std::ops::Range;

use serde_json::Value;

use crate::model::{OPERATOR_VERSION, VendoredCrd};

/// The operator's API group.
pub const GROUP: &str = "monitoring.coreos.com";
/// The annotation the operator's CRDs carry their release in (without the leading `v`).
pub const VERSION_ANNOTATION: &str = "operator.prometheus.io/version";

/// The YAML documents of a file, with their byte ranges: split at `---` lines (a line starting
/// with `---` at column 0 cannot be inside a block scalar, whose lines are indented). Documents
/// holding only comments and blank lines are left out.
pub fn documents(text: &str) -> Vec<(Range<usize>, &str)> {
    let mut documents = Vec::new();
    let mut start = 0;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let marker = line.starts_with("---") && line[3..].trim().is_empty() || line.trim_end() == "...";
        if marker {
            documents.push(start..offset);
            start = offset + line.len();
        }
        offset += line.len();
    }
    documents.push(start..text.len());
    documents
        .into_iter()
        .filter(|range| {
            text[range.clone()]
                .lines()
                .any(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        })
        .map(|range| (range.clone(), &text[range]))
        .collect()
}

/// What one document is, when it is not the operator's CRD of the pinned release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Not YAML that the reader understands.
    Yaml(String),
    /// Another kind of object (`kind`, `name`).
    NotCrd(String, String),
    /// A CRD of another group (`name`, `group`).
    OtherGroup(String, String),
    /// The operator's CRD of another release (`name`, version or `None` without the annotation).
    OtherVersion(String, Option<String>),
}

impl Refusal {
    /// A message and a help text.
    pub fn describe(&self) -> (String, String) {
        let pinned = OPERATOR_VERSION.trim_start_matches('v');
        let import =
            "import the CRDs of the pinned release: `promsite import-crds SITE <bundle.yaml or CRD directory>`";
        match self {
            Refusal::Yaml(e) => (format!("not a YAML document: {e}"), import.to_owned()),
            Refusal::NotCrd(kind, name) => (
                format!("`{kind}` `{name}` is not a CustomResourceDefinition"),
                format!("keep only the operator's CRD files in the folder; {import}"),
            ),
            Refusal::OtherGroup(name, group) => (
                format!("CRD `{name}` is of group `{group}`, not `{GROUP}`"),
                "keep only the Prometheus Operator's CRDs in the folder".to_owned(),
            ),
            Refusal::OtherVersion(name, found) => (
                match found {
                    Some(v) => format!("CRD `{name}` is from operator release {v}, promsite targets {pinned}"),
                    None => format!("CRD `{name}` has no `{VERSION_ANNOTATION}` annotation, so its release is unknown"),
                },
                import.to_owned(),
            ),
        }
    }
}

/// Reads one document as the operator's CRD of the pinned release, with its JSON view.
pub fn crd(document: &str) -> Result<(VendoredCrd, Value), Refusal> {
    let value: Value = serde_saphyr::from_str(document).map_err(|e| Refusal::Yaml(first_line(&e.to_string())))?;
    let text = |pointer: &str| {
        value
            .pointer(pointer)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let name = text("/metadata/name");
    if text("/kind") != "CustomResourceDefinition" || !text("/apiVersion").starts_with("apiextensions.k8s.io/") {
        return Err(Refusal::NotCrd(text("/kind"), name));
    }
    let group = text("/spec/group");
    if group != GROUP {
        return Err(Refusal::OtherGroup(name, group));
    }
    let version = value
        .pointer("/metadata/annotations")
        .and_then(|a| a.get(VERSION_ANNOTATION))
        .and_then(Value::as_str)
        .map(str::to_owned);
    if version.as_deref() != Some(OPERATOR_VERSION.trim_start_matches('v')) {
        return Err(Refusal::OtherVersion(name, version));
    }
    let schemas = value
        .pointer("/spec/versions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|v| {
            let schema = v.pointer("/schema/openAPIV3Schema")?;
            Some((v.get("name")?.as_str()?.to_owned(), schema.clone()))
        })
        .collect();
    let crd = VendoredCrd {
        name,
        kind: text("/spec/names/kind"),
        plural: text("/spec/names/plural"),
        schemas,
    };
    Ok((crd, value))
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_split_at_markers_and_skip_empty_ones() {
        let text = "# header\n---\na: 1\n---\n# only a comment\n---\nb: |\n  --- not a marker\n...\n";
        let docs: Vec<&str> = documents(text).into_iter().map(|(_, d)| d).collect();
        assert_eq!(docs, vec!["a: 1\n", "b: |\n  --- not a marker\n"]);
    }

    #[test]
    fn refuses_other_objects_groups_and_releases() {
        let crd_doc = |group: &str, version: &str| {
            format!(
                "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: x.{group}\n  annotations:\n    operator.prometheus.io/version: {version}\nspec:\n  group: {group}\n  names: {{kind: X, plural: xs}}\n  versions: []\n"
            )
        };
        let pinned = OPERATOR_VERSION.trim_start_matches('v');
        assert!(crd(&crd_doc(GROUP, pinned)).is_ok());
        assert!(matches!(crd(&crd_doc(GROUP, "0.80.0")), Err(Refusal::OtherVersion(_, Some(v))) if v == "0.80.0"));
        assert!(matches!(
            crd(&crd_doc("example.com", pinned)),
            Err(Refusal::OtherGroup(..))
        ));
        assert!(matches!(
            crd("apiVersion: v1\nkind: Namespace\nmetadata: {name: m}\n"),
            Err(Refusal::NotCrd(..))
        ));
    }
}
