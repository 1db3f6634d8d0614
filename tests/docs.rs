//! Documentation and editor support stay true: the schema describes every key with examples that
//! validate, `.taplo.toml` points editors at the schema, the generated reference is fresh, the
//! guide quotes the real example site and output, and the CI and GitOps examples are well formed.

mod common;

use std::fs;

use serde_json::Value;

fn schema() -> Value {
    serde_json::from_str(&fs::read_to_string(common::root().join("schema/site.schema.json")).expect("schema exists")).expect("schema is JSON")
}

/// Every `properties` entry anywhere in the schema, as (JSON path, property schema).
fn properties(value: &Value, path: &str, found: &mut Vec<(String, Value)>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Object(props)) = map.get("properties") {
                for (name, property) in props {
                    found.push((format!("{path}/properties/{name}"), property.clone()));
                }
            }
            for (key, child) in map {
                properties(child, &format!("{path}/{key}"), found);
            }
        }
        Value::Array(items) => items.iter().enumerate().for_each(|(i, child)| properties(child, &format!("{path}/{i}"), found)),
        _ => {}
    }
}

#[test]
fn every_schema_property_has_a_description() {
    let mut found = Vec::new();
    properties(&schema(), "", &mut found);
    assert!(found.len() > 80, "too few properties found: {}", found.len());
    let bare: Vec<&str> =
        found.iter().filter(|(_, p)| p.get("description").and_then(Value::as_str).is_none_or(|d| d.trim().len() < 8)).map(|(path, _)| path.as_str()).collect();
    assert!(bare.is_empty(), "properties without a description: {bare:?}");
}

#[test]
fn schema_examples_are_valid_values() {
    let root = schema();
    let mut found = Vec::new();
    properties(&root, "", &mut found);
    let mut checked = 0;
    for (path, property) in &found {
        let Some(examples) = property.get("examples").and_then(Value::as_array) else { continue };
        // The property's schema, with the root's definitions so that `$ref`s resolve.
        let mut standalone = property.clone();
        standalone["$defs"] = root["$defs"].clone();
        let validator = jsonschema::validator_for(&standalone).unwrap_or_else(|e| panic!("{path}: {e}"));
        for example in examples {
            let errors: Vec<String> = validator.iter_errors(example).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "{path}: example {example} does not fit its own schema: {errors:?}");
            checked += 1;
        }
    }
    assert!(checked >= 80, "only {checked} examples found; keys should show an example");
}

#[test]
fn taplo_config_maps_site_files_to_the_schema() {
    let config: toml::Table = toml::from_str(&fs::read_to_string(common::root().join(".taplo.toml")).expect(".taplo.toml exists")).expect("TOML");
    let rules = config["rule"].as_array().expect("[[rule]]");
    let site_rule = rules
        .iter()
        .find(|r| r["include"].as_array().is_some_and(|i| i.iter().any(|p| p.as_str() == Some("sites/*.toml"))))
        .expect("a rule for sites/*.toml");
    let schema = site_rule["schema"]["path"].as_str().expect("schema.path");
    assert!(common::root().join(schema).is_file(), "{schema} does not exist");
    let readme = fs::read_to_string(common::root().join("README.md")).expect("README");
    assert!(readme.contains("#:schema ../schema/site.schema.json") && readme.contains(".taplo.toml"), "the README documents the directive and .taplo.toml");
}

#[test]
fn site_format_reference_is_generated_from_the_schema() {
    let committed = fs::read_to_string(common::root().join("docs/site-format.md")).expect("docs/site-format.md exists");
    let generated = promsite::docs::site_format(&promsite::check::site_schema());
    assert!(committed == generated, "docs/site-format.md is stale; run `cargo run -q -- docs > docs/site-format.md`");
    // Every key of the schema appears in the reference.
    let mut found = Vec::new();
    properties(&schema(), "", &mut found);
    for (path, _) in found {
        let key = path.rsplit('/').next().expect("a key");
        let as_row = generated.contains(&format!("| `{key}` |"));
        let as_section = generated.contains(&format!("## `[{key}]`")) || generated.contains(&format!("## `[[{key}]]`"));
        assert!(as_row || as_section, "{key} ({path}) is missing from the reference");
    }
}
