//! With vendored CRDs (`[operator] crds = "vendored"`), the rendered custom resources are checked
//! against the CRDs the cluster will have: every kind the site emits needs its CRD, and every
//! object must validate against that CRD's own `openAPIV3Schema`, as the API server would check
//! it. Runs after `render` (it needs the objects), before anything is written. Pure.

use std::collections::BTreeMap;

use jsonschema::error::ValidationErrorKind;
use serde_json::{Map, Value};

use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::model::{CrdFile, CrdSource, Image, OPERATOR_VERSION, Site, VendoredCrd};
use crate::render::Bundle;
use crate::site::SpanIndex;

const GROUP: &str = crate::check::crds::GROUP;

/// Every problem of the rendered custom resources against the vendored CRDs. `document` is the
/// site's JSON view, to find the entry an object was made from.
pub fn verify(site: &Site, bundle: &Bundle, document: &Value, spans: &SpanIndex) -> Diagnostics {
    let mut diagnostics = Diagnostics::default();
    let Some(operator) = site.operator.as_ref().filter(|o| o.crds == CrdSource::Vendored) else {
        return diagnostics;
    };
    let crds: BTreeMap<&str, (&CrdFile, &VendoredCrd)> = operator
        .crd_files
        .iter()
        .flat_map(|file| file.crds.iter().map(move |crd| (crd.kind.as_str(), (file, crd))))
        .collect();
    let mut validators: BTreeMap<(String, String), Result<jsonschema::Validator, String>> = BTreeMap::new();
    let mut missing: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (key, object) in &bundle.objects {
        if key.group != GROUP {
            continue;
        }
        let Some(&(file, crd)) = crds.get(key.kind) else {
            missing.entry(key.kind).or_default().push(&key.name);
            continue;
        };
        let Ok(value) = serde_json::to_value(object) else {
            continue;
        };
        let version = value
            .get("apiVersion")
            .and_then(Value::as_str)
            .and_then(|v| v.split_once('/'))
            .map_or("", |(_, v)| v)
            .to_owned();
        let validator = validators
            .entry((key.kind.to_owned(), version.clone()))
            .or_insert_with(|| {
                crd.schemas
                    .get(&version)
                    .ok_or_else(|| "no schema".to_owned())
                    .and_then(build)
            });
        match validator {
            Ok(validator) => {
                for error in validator.iter_errors(&value) {
                    for (path, what) in problems(&error) {
                        let at = Place { document, spans };
                        diagnostics.push(schema_problem(&at, file, crd, key.kind, &key.name, &path, &what));
                    }
                }
            }
            Err(e) => diagnostics.push(in_crd(
                file,
                crd,
                format!(
                    "the vendored CRD `{}` has no readable schema for version `{version}`, which promsite emits: {e}",
                    crd.name
                ),
            )),
        }
    }
    for (kind, names) in missing {
        let count = names.len();
        let first = names.first().copied().unwrap_or_default();
        diagnostics.push(
            Diagnostic::error(
                Code::CrdMissingKind,
                spans.value("/operator/crds_path"),
                format!(
                    "the site emits {count} {kind} object(s) (e.g. `{first}`), but no vendored CRD defines that kind"
                ),
            )
            .with_label("no CRD for it here")
            .with_help(
                "import all of the operator release's CRDs: `promsite import-crds SITE <bundle.yaml or CRD directory>`",
            ),
        );
    }
    diagnostics
}

/// Each problem of one validation error: the field's path and what is wrong with it.
fn problems(error: &jsonschema::ValidationError<'_>) -> Vec<(String, String)> {
    let path = error.instance_path().as_str().to_owned();
    match error.kind() {
        ValidationErrorKind::AdditionalProperties { unexpected } => unexpected
            .iter()
            .map(|field| {
                let path = format!("{path}/{field}");
                let what = format!("sets `{}`, which the CRD does not define", dotted(&path));
                (path, what)
            })
            .collect(),
        _ => vec![(
            path.clone(),
            format!("`{}`: {}", dotted(&path), shortened(&error.to_string())),
        )],
    }
}

/// Where things are in the site: its JSON view and spans.
struct Place<'a> {
    document: &'a Value,
    spans: &'a SpanIndex,
}

/// A schema problem, at the site value that produced the field, or else at the CRD.
fn schema_problem(
    at: &Place<'_>,
    file: &CrdFile,
    crd: &VendoredCrd,
    kind: &str,
    name: &str,
    path: &str,
    what: &str,
) -> Diagnostic {
    let message = format!("{kind} `{name}` {what} (vendored CRD `{}`)", crd.name);
    let help = format!(
        "the vendored CRDs must be those of operator {OPERATOR_VERSION}, which promsite targets: import them with `promsite import-crds`, or leave out the setting"
    );
    match site_pointer(kind, name, path, at) {
        Some(pointer) => Diagnostic::error(Code::CrdSchema, at.spans.value(&pointer), message)
            .with_label("produces the field")
            .with_help(help),
        None => in_crd(file, crd, message).with_help(help),
    }
}

/// A diagnostic at the line of the CRD's `kind:` in its file.
fn in_crd(file: &CrdFile, crd: &VendoredCrd, message: String) -> Diagnostic {
    let needle = format!("kind: {}", crd.kind);
    let span = file
        .contents
        .find(&needle)
        .map_or(0..0, |start| start..start + needle.len());
    Diagnostic::error(Code::CrdSchema, span, message)
        .with_label("this CRD")
        .with_help("import the CRDs of the operator release promsite targets with `promsite import-crds`")
        .in_file(Some(file.source.clone()))
}

/// A validation message cut to a readable length: it quotes the value, which can be a whole object.
fn shortened(message: &str) -> String {
    const MAX: usize = 300;
    match message.char_indices().nth(MAX) {
        Some((end, _)) => format!("{}…", &message[..end]),
        None => message.to_owned(),
    }
}

/// `/spec/thanos/image` → `spec.thanos.image`.
fn dotted(path: &str) -> String {
    path.trim_start_matches('/').replace('/', ".")
}

/// The site value that produced the field at `path` of a `kind`, where promsite knows it and the
/// site spells it out; else `None` (the CRD file is blamed).
fn site_pointer(kind: &str, name: &str, path: &str, at: &Place<'_>) -> Option<String> {
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let (section, image) = match kind {
        "Prometheus" => ("/prometheus", Image::Prometheus),
        "Alertmanager" => ("/alertmanager", Image::Alertmanager),
        // Made from the site entry of the same name: that entry, as a whole.
        "ServiceMonitor" => return entry(at, "scrape", name),
        "PodMonitor" => return entry(at, "pod_monitor", name),
        "ScrapeConfig" => return entry(at, "static_scrape", name),
        "Probe" => return entry(at, "probe", name),
        _ => return None,
    };
    let mut candidates: Vec<String> = Vec::new();
    match segments.as_slice() {
        ["spec", "imagePullSecrets", ..] => candidates.push("/images/pull_secrets".to_owned()),
        ["spec", "thanos", "image"] => {
            candidates.extend(image_pointers(Image::Thanos));
            candidates.push(format!("{section}/thanos/version"));
            candidates.push(format!("{section}/thanos"));
        }
        ["spec", "image"] => {
            candidates.extend(image_pointers(image));
            candidates.push(format!("{section}/version"));
        }
        ["spec", "remoteWrite", i, ..] => candidates.push(format!("{section}/remote_write/{i}")),
        ["spec", field, rest @ ..] => {
            let field = snake(field);
            if let Some(next) = rest.first() {
                candidates.push(format!("{section}/{field}/{}", snake(next)));
            }
            candidates.push(format!("{section}/{field}"));
        }
        _ => {}
    }
    candidates.push(section.to_owned());
    candidates.into_iter().find(|p| at.spans.contains(p))
}

/// The pointer of the `[[array]]` entry named `name`.
fn entry(at: &Place<'_>, array: &str, name: &str) -> Option<String> {
    let index = at
        .document
        .get(array)?
        .as_array()?
        .iter()
        .position(|e| e.get("name").and_then(Value::as_str) == Some(name))?;
    Some(format!("/{array}/{index}"))
}

fn image_pointers(image: Image) -> Vec<String> {
    vec![
        format!("/images/overrides/{}", image.id()),
        "/images/registry".to_owned(),
    ]
}

/// `remoteWrite` → `remote_write`: the site format's spelling of a CRD field.
fn snake(field: &str) -> String {
    // The few fields the site format names differently from the CRD.
    if field == "objectStorageConfig" {
        return "object_storage".to_owned();
    }
    let mut out = String::new();
    for c in field.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

fn build(openapi: &Value) -> Result<jsonschema::Validator, String> {
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        // The API server reads patterns as Go's RE2 does, as the `regex` crate does.
        .with_pattern_options(jsonschema::PatternOptions::regex())
        .build(&json_schema(openapi))
        .map_err(|e| e.to_string())
}

/// An OpenAPI v3 schema as Kubernetes reads it, as a JSON Schema (draft 4, whose boolean
/// `exclusiveMinimum` OpenAPI shares): `nullable` admits null, `x-kubernetes-int-or-string`
/// admits both, and an object with `properties` refuses other fields unless it preserves unknown
/// fields (the API server refuses them under strict field validation, and prunes them otherwise).
fn json_schema(openapi: &Value) -> Value {
    let Value::Object(map) = openapi else {
        return openapi.clone();
    };
    let flag = |key: &str| map.get(key).and_then(Value::as_bool).unwrap_or(false);
    let mut out = Map::new();
    for (key, value) in map {
        let converted = match key.as_str() {
            "properties" | "patternProperties" | "definitions" => match value {
                Value::Object(props) => Value::Object(props.iter().map(|(k, v)| (k.clone(), json_schema(v))).collect()),
                other => other.clone(),
            },
            "items" | "not" | "additionalProperties" => json_schema(value),
            "allOf" | "anyOf" | "oneOf" => match value {
                Value::Array(items) => Value::Array(items.iter().map(json_schema).collect()),
                other => other.clone(),
            },
            // Kubernetes' formats (int32, int-or-string, …) are not JSON Schema's; they are annotations.
            "format" | "nullable" => continue,
            // Go's inline flags (`(?i)`) fail the meta-schema's ECMA `regex` format, so such a pattern
            // cannot be kept; the few there are only guard ThanosRuler-only fields.
            "pattern" if value.as_str().is_some_and(|p| p.contains("(?i")) => continue,
            k if k.starts_with("x-kubernetes-") => continue,
            _ => value.clone(),
        };
        out.insert(key.clone(), converted);
    }
    if flag("x-kubernetes-int-or-string") {
        out.remove("type");
    }
    if flag("nullable")
        && let Some(Value::String(t)) = out.get("type").cloned()
    {
        out.insert(
            "type".to_owned(),
            Value::Array(vec![Value::String(t), Value::from("null")]),
        );
    }
    if out.contains_key("properties")
        && !out.contains_key("additionalProperties")
        && !flag("x-kubernetes-preserve-unknown-fields")
    {
        out.insert("additionalProperties".to_owned(), Value::Bool(false));
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openapi_isms_become_json_schema() {
        let openapi = serde_json::json!({
            "type": "object",
            "properties": {
                "port": { "x-kubernetes-int-or-string": true, "anyOf": [{ "type": "integer" }, { "type": "string" }] },
                "note": { "type": "string", "nullable": true },
                "free": { "type": "object", "x-kubernetes-preserve-unknown-fields": true, "properties": { "a": { "type": "string" } } },
                "size": { "type": "integer", "format": "int32" }
            }
        });
        let validator = build(&openapi).expect("builds");
        for ok in [
            serde_json::json!({ "port": 8080, "note": null, "free": { "b": 1 }, "size": 3 }),
            serde_json::json!({ "port": "web" }),
        ] {
            assert!(validator.is_valid(&ok), "{ok}");
        }
        for bad in [
            serde_json::json!({ "other": 1 }),
            serde_json::json!({ "port": true }),
            serde_json::json!({ "size": "3" }),
        ] {
            assert!(!validator.is_valid(&bad), "{bad}");
        }
    }

    #[test]
    fn crd_fields_map_to_site_keys() {
        assert_eq!(snake("remoteWrite"), "remote_write");
        assert_eq!(dotted("/spec/thanos/image"), "spec.thanos.image");
    }
}
