//! The JSON Schema of the site file, generated from `site::raw`, and its validation with errors
//! mapped back onto the TOML text.

use std::sync::OnceLock;

use jsonschema::error::ValidationErrorKind;
use serde_json::Value;

use crate::diag::{Code, Diagnostic};
use crate::site::{SpanIndex, raw::RawSite};

mod fast;
mod json;

/// The site file's JSON Schema (draft 2020-12), as `promsite schema` prints it.
pub fn site_schema() -> Value {
    let schema = schemars::generate::SchemaSettings::draft2020_12()
        .into_generator()
        .into_root_schema_for::<RawSite>();
    let mut value = schema.to_value();
    drop_null(&mut value);
    value
}

/// TOML has no null: an optional key is simply absent. Strip schemars' `null` alternatives so that
/// editors do not suggest it and type errors name the one type that fits.
fn drop_null(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Array(types)) = map.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let only = types.remove(0);
                    map.insert("type".to_owned(), only);
                }
            }
            for key in ["anyOf", "oneOf"] {
                if let Some(Value::Array(branches)) = map.get_mut(key) {
                    branches.retain(|b| b.get("type").is_none_or(|t| t != "null"));
                    if branches.len() == 1 {
                        let only = branches.remove(0);
                        map.remove(key);
                        if let Value::Object(inner) = only {
                            map.extend(inner);
                        }
                    }
                }
            }
            if map.get("default").is_some_and(Value::is_null) {
                map.remove("default");
            }
            map.values_mut().for_each(drop_null);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_null),
        _ => {}
    }
}

/// Used by `build.rs`; here only to test what it wrote.
#[cfg(test)]
#[path = "schema_annotations.rs"]
mod annotations;

/// The committed schema, which [`site_schema`] generates, without its annotations (`build.rs`).
/// Reading it is cheaper than generating it (schemars walks every type), which every check used
/// to do, and the validator builds in a fifth of the time. A test holds it to the types.
const VALIDATION_SCHEMA: &str = include_str!(concat!(env!("OUT_DIR"), "/site.schema.json"));

/// The schema the fast tier walks, read once per process.
fn fast_schema() -> &'static json::Json<'static> {
    static SCHEMA: OnceLock<json::Json<'static>> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        json::Json::parse(VALIDATION_SCHEMA).unwrap_or_else(|| unreachable!("build.rs writes the schema as JSON"))
    })
}

/// The schema as the validator and the error messages read it: only for a site the fast tier
/// is not sure of.
fn schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        serde_json::from_str(VALIDATION_SCHEMA)
            .unwrap_or_else(|e| unreachable!("build.rs writes the schema as JSON: {e}"))
    })
}

/// Reads the schema ahead of its first use, so that a caller can do it while it parses: reading
/// it is most of what validating a valid site costs (see [`fast`]).
pub fn prepare() {
    fast_schema();
}

/// Whether the fast tier's sure verdict on `document`, if it has one, is the validator's.
pub(crate) fn fast_is_sound(document: &Value) -> bool {
    match fast::verdict(fast_schema(), document) {
        fast::Verdict::Valid => validator().is_valid(document),
        fast::Verdict::Invalid => !validator().is_valid(document),
        fast::Verdict::Unsure => true,
    }
}

fn validator() -> &'static jsonschema::Validator {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        jsonschema::options()
            .should_validate_formats(true)
            .build(schema())
            .unwrap_or_else(|e| unreachable!("the generated site schema is a valid JSON Schema: {e}"))
    })
}

/// Validates the document against the schema; every error becomes a diagnostic at its key or value,
/// paired with the pointer it is about (so that the caller can drop those already reported more
/// precisely, e.g. a plaintext secret: see [`without`]).
pub(crate) fn validate(document: &Value, spans: &SpanIndex) -> Vec<(String, Diagnostic)> {
    if fast::verdict(fast_schema(), document) == fast::Verdict::Valid {
        return Vec::new();
    }
    let schema = schema();
    let mut diagnostics = Vec::new();
    for error in validator().iter_errors(document) {
        let pointer = error.instance_path().as_str().to_owned();
        let place = toml_path(&pointer);
        let diagnostic = match error.kind() {
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                for key in unexpected {
                    let child = format!("{pointer}/{}", crate::site::escape(key));
                    let allowed = allowed_keys(schema, &pointer, document);
                    let mut d = Diagnostic::error(
                        Code::SchemaUnknownKey,
                        spans.key(&child),
                        format!("unknown key `{key}` in {place}"),
                    )
                    .with_label("not a key of this table");
                    d = match closest(key, &allowed) {
                        Some(suggestion) => d.with_help(format!("did you mean `{suggestion}`?")),
                        None => d.with_help(format!("the keys allowed here are: {}", allowed.join(", "))),
                    };
                    diagnostics.push((child, d));
                }
                continue;
            }
            ValidationErrorKind::Required { property } => {
                let key = property.as_str().unwrap_or_default();
                Diagnostic::error(
                    Code::SchemaMissingKey,
                    spans.key(&pointer),
                    format!("missing key `{key}` in {place}"),
                )
                .with_label(format!("`{key}` is required here"))
                .with_help(format!("add `{key} = ...`; see `promsite schema` for its type"))
            }
            ValidationErrorKind::Type { kind } => {
                let expected = format!("{kind:?}")
                    .to_lowercase()
                    .replace("single(", "")
                    .replace(')', "");
                let found = describe(error.instance());
                Diagnostic::error(
                    Code::SchemaWrongType,
                    spans.value(&pointer),
                    format!("{place} must be {}, not {found}", article(&expected)),
                )
                .with_label(format!("expected {expected}"))
                .with_help("see `promsite schema` for the type of every key")
            }
            _ => Diagnostic::error(
                Code::SchemaInvalidValue,
                spans.value(&pointer),
                format!("invalid value for {place}: {error}"),
            )
            .with_label("not allowed here")
            .with_help("see `promsite schema` for the values allowed"),
        };
        diagnostics.push((pointer, diagnostic));
    }
    diagnostics
}

/// The diagnostics of [`validate`] but those at or below a pointer in `skip`.
pub(crate) fn without(diagnostics: Vec<(String, Diagnostic)>, skip: &[String]) -> impl Iterator<Item = Diagnostic> {
    let below = |pointer: &str, s: &str| {
        pointer
            .strip_prefix(s)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    };
    diagnostics
        .into_iter()
        .filter(move |(pointer, _)| !skip.iter().any(|s| below(pointer, s)))
        .map(|(_, diagnostic)| diagnostic)
}

/// `/route/routes/0/receiver` → `route.routes[0].receiver`; the root is `the site file`.
pub(crate) fn toml_path(pointer: &str) -> String {
    if pointer.is_empty() {
        return "the site file".to_owned();
    }
    let mut out = String::new();
    for segment in pointer.trim_start_matches('/').split('/') {
        let segment = crate::site::unescape(segment);
        if segment.parse::<usize>().is_ok() {
            out.push_str(&format!("[{segment}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&segment);
        }
    }
    format!("`{out}`")
}

fn article(noun: &str) -> String {
    let article = if noun.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {}", toml_type(noun))
}

/// JSON Schema type names in TOML's words.
fn toml_type(json_type: &str) -> &str {
    match json_type {
        "object" => "table",
        "array" => "array",
        "integer" => "integer",
        "number" => "number",
        "boolean" => "boolean",
        other => other,
    }
}

fn describe(value: &Value) -> String {
    match value {
        Value::Object(_) => "a table".to_owned(),
        Value::Array(_) => "an array".to_owned(),
        Value::String(s) => format!("the string {s:?}"),
        Value::Number(n) => format!("the number {n}"),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Null => "nothing".to_owned(),
    }
}

/// The property names the schema allows for the table at `pointer`.
fn allowed_keys(schema: &Value, pointer: &str, document: &Value) -> Vec<String> {
    let mut node = resolve(schema, schema);
    let mut instance = document;
    for segment in pointer.trim_start_matches('/').split('/').filter(|s| !s.is_empty()) {
        let segment = crate::site::unescape(segment);
        let next = if instance.is_array() {
            node.get("items")
        } else {
            node.get("properties").and_then(|p| p.get(segment.as_ref()))
        };
        let Some(next) = next else { return Vec::new() };
        node = resolve(schema, next);
        instance = match instance {
            Value::Array(items) => segment
                .parse::<usize>()
                .ok()
                .and_then(|i| items.get(i))
                .unwrap_or(&Value::Null),
            Value::Object(map) => map.get(segment.as_ref()).unwrap_or(&Value::Null),
            _ => &Value::Null,
        };
    }
    node.get("properties")
        .and_then(Value::as_object)
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default()
}

fn resolve<'a>(root: &'a Value, node: &'a Value) -> &'a Value {
    match node
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#"))
    {
        Some(path) => root.pointer(path).unwrap_or(node),
        None => node,
    }
}

fn closest<'a>(key: &str, allowed: &'a [String]) -> Option<&'a String> {
    allowed
        .iter()
        .map(|candidate| (strsim::damerau_levenshtein(key, candidate), candidate))
        .filter(|(distance, candidate)| *distance <= 2.max(candidate.len() / 4))
        .min()
        .map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    /// The schema validation uses is the one the types generate: a change to `site::raw` without
    /// `cargo run -- schema > schema/site.schema.json` fails here.
    #[test]
    fn the_embedded_schema_is_the_generated_one() {
        let mut generated = super::site_schema();
        super::annotations::strip(&mut generated);
        assert!(
            *super::schema() == generated,
            "schema/site.schema.json is stale; run `cargo run -- schema > schema/site.schema.json`"
        );
        let text = serde_json::to_string(super::schema()).expect("serializes");
        assert!(
            !text.contains("\"examples\""),
            "annotations left in the validation schema"
        );
    }

    /// Only annotations go: not properties of those names, nor values that hold such keys.
    #[test]
    fn stripping_keeps_what_validation_reads() {
        let mut schema = json!({
            "description": "x",
            "properties": {
                "description": {"type": "string", "description": "y", "default": "z"},
                "fixed": {"const": {"description": "kept"}, "examples": [1]},
            },
            "$defs": {"A": {"oneOf": [{"title": "t", "type": "integer"}], "items": {"description": "i"}}},
        });
        super::annotations::strip(&mut schema);
        let expected: Value = json!({
            "properties": {
                "description": {"type": "string"},
                "fixed": {"const": {"description": "kept"}},
            },
            "$defs": {"A": {"oneOf": [{"type": "integer"}], "items": {}}},
        });
        assert_eq!(schema, expected);
    }
}
