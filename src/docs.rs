//! The site-format reference (`docs/site-format.md`), generated from the JSON Schema so that it
//! can never disagree with what promsite accepts. Pure: schema in, Markdown out; `promsite docs`
//! prints it and a test fails when the committed file is stale.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

/// Top-level sections in the order a site file is usually written; any other section follows.
const SECTION_ORDER: &[&str] = &[
    "site",
    "nodes",
    "prometheus",
    "alertmanager",
    "route",
    "receivers",
    "scrape",
    "etcd",
    "ingress",
    "api_clients",
    "rule_groups",
    "operator",
    "node_exporter",
    "kube_state_metrics",
    "control_plane",
    "grafana",
    "adapter",
    "network_policies",
    "default_rules",
];

const TABLE_HEADER: &str = "\n| Key | Type | Required | Description | Example |\n|---|---|---|---|---|\n";

/// Renders the reference for a site schema (as `check::site_schema()` returns it).
pub fn site_format(schema: &Value) -> String {
    let defs = schema
        .get("$defs")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let mut out = String::from(
        "# Site file reference\n\n\
         <!-- Generated from schema/site.schema.json by `promsite docs > docs/site-format.md`; do not edit. -->\n\n\
         A site file is TOML. Each section below is a table of the file: `[name]` is a table, `[[name]]` an array of tables\n\
         (write the header once per entry). Keys not listed are errors (`schema::unknown-key`). Examples are TOML values.\n\
         Values are checked further than their type: see `promsite explain CODE` for each diagnostic.\n",
    );
    let root_keys = properties(schema);
    let mut ordered: Vec<&String> = SECTION_ORDER
        .iter()
        .filter_map(|name| root_keys.iter().find(|(k, _)| k == name).map(|(k, _)| k))
        .collect();
    ordered.extend(
        root_keys
            .iter()
            .map(|(k, _)| k)
            .filter(|k| !SECTION_ORDER.contains(&k.as_str())),
    );
    let required = required(schema);
    let mut writer = Writer {
        defs: &defs,
        seen: BTreeSet::new(),
        out: &mut out,
    };
    // Keys that are not tables (`rule_files`) must come before the first table header.
    let plain: Vec<&(String, Value)> = root_keys
        .iter()
        .filter(|(key, property)| table_of(&defs, key, property).is_none())
        .collect();
    if !plain.is_empty() {
        writer
            .out
            .push_str("\n## Top-level keys\n\nWrite these before the first `[table]` header.\n");
        writer.out.push_str(TABLE_HEADER);
        for (key, property) in plain {
            writer.row(key, key, property, required.contains(key.as_str()));
        }
    }
    for key in ordered {
        let property = &schema["properties"][key.as_str()];
        writer.property_section(key, property, required.contains(key.as_str()));
    }
    out
}

struct Writer<'a> {
    defs: &'a Map<String, Value>,
    /// Definitions already given a section, so that recursive ones (routes) stop.
    seen: BTreeSet<(String, String)>,
    out: &'a mut String,
}

impl Writer<'_> {
    /// The path of an enclosing section that already documents definition `name`.
    fn ancestor(&self, name: &str, path: &str) -> Option<&str> {
        self.seen
            .iter()
            .find(|(def, seen)| def == name && path.starts_with(&format!("{seen}.")))
            .map(|(_, seen)| seen.as_str())
    }

    fn property_section(&mut self, path: &str, property: &Value, required: bool) {
        let defs = self.defs;
        let Some((header, table, name)) = table_of(defs, path, property) else {
            return;
        };
        if let Some(name) = name {
            // A definition reached again below itself (a route's child routes) is documented once.
            if self.ancestor(name, path).is_some() {
                return;
            }
            self.seen.insert((name.to_owned(), path.to_owned()));
        }
        self.out.push_str(&format!(
            "\n## `{header}`{}\n\n",
            if required { " (required)" } else { "" }
        ));
        if let Some(text) = property
            .get("description")
            .or_else(|| table.get("description"))
            .and_then(Value::as_str)
        {
            self.out.push_str(&format!("{text}\n"));
        }
        let keys = properties(table);
        let required_keys = required_set(table);
        self.out.push_str(TABLE_HEADER);
        let mut children = Vec::new();
        let mut sorted: Vec<&(String, Value)> = keys.iter().collect();
        sorted.sort_by_key(|(key, _)| (!required_keys.contains(key.as_str()), key.clone()));
        for (key, child) in sorted {
            let child_path = format!("{path}.{key}");
            self.row(key, &child_path, child, required_keys.contains(key.as_str()));
            children.push((child_path, child.clone(), required_keys.contains(key.as_str())));
        }
        for (child_path, child, required) in children {
            self.property_section(&child_path, &child, required);
        }
    }

    /// One key's row: type, whether required, description and first example.
    fn row(&mut self, key: &str, path: &str, property: &Value, required: bool) {
        let kind = self.type_of(path, property);
        let description = property.get("description").and_then(Value::as_str).unwrap_or_default();
        let example = property
            .get("examples")
            .and_then(Value::as_array)
            .and_then(|e| e.first())
            .map(toml_value)
            .map(|v| format!("`{v}`"))
            .unwrap_or_default();
        self.out.push_str(&format!(
            "| `{key}` | {kind} | {} | {} | {} |\n",
            if required { "yes" } else { "no" },
            cell(description),
            cell(&example)
        ));
    }

    fn type_of(&self, path: &str, property: &Value) -> String {
        if let Some((header, _, name)) = table_of(self.defs, path, property) {
            let section = match name.and_then(|name| self.ancestor(name, path)) {
                Some(ancestor) => format!("same keys as `[{ancestor}]`"),
                None => format!("see `{header}`"),
            };
            let shape = if header.starts_with("[[") {
                "array of tables"
            } else {
                "table"
            };
            return format!("{shape}{}, {section}", at_least(property, "minItems"));
        }
        let (target, _) = resolve(self.defs, property);
        if let Some(choices) = choices(target) {
            return format!("one of {choices}");
        }
        match target.get("type").and_then(Value::as_str) {
            Some("array") => {
                let items = target
                    .get("items")
                    .map(|items| self.type_of(path, items))
                    .unwrap_or_default();
                let items = items.strip_prefix("one of ").unwrap_or(&items);
                let items = plural(items);
                format!("array of {items}{}", at_least(target, "minItems"))
            }
            Some("object") => {
                let values = target
                    .get("additionalProperties")
                    .map(|v| self.type_of(path, v))
                    .unwrap_or_default();
                let values = plural(&values);
                format!("table of {values}{}", at_least(target, "minProperties"))
            }
            Some("integer") => match (
                target.get("minimum").and_then(Value::as_u64),
                target.get("maximum").and_then(Value::as_u64),
            ) {
                (Some(min), Some(max)) => format!("integer {min}–{max}"),
                (Some(min), None) => format!("integer ≥ {min}"),
                _ => "integer".to_owned(),
            },
            Some(other) => other.to_owned(),
            None => "value".to_owned(),
        }
    }
}

fn resolve<'v>(defs: &'v Map<String, Value>, schema: &'v Value) -> (&'v Value, Option<&'v str>) {
    match schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/$defs/"))
    {
        Some(name) => (defs.get(name).unwrap_or(&Value::Null), Some(name)),
        None => (schema, None),
    }
}

/// The table a property opens (directly, or as the items of an array), with its header.
fn table_of<'v>(
    defs: &'v Map<String, Value>,
    path: &str,
    property: &'v Value,
) -> Option<(String, &'v Value, Option<&'v str>)> {
    let (target, name) = resolve(defs, property);
    if target.get("properties").is_some() {
        return Some((format!("[{path}]"), target, name));
    }
    let items = property.get("items")?;
    let (item, item_name) = resolve(defs, items);
    item.get("properties").map(|_| (format!("[[{path}]]"), item, item_name))
}

/// `string` → `strings` for the simple types; anything longer is left alone.
fn plural(kind: &str) -> String {
    match kind {
        "string" | "integer" | "boolean" => format!("{kind}s"),
        other => other.to_owned(),
    }
}

fn properties(schema: &Value) -> Vec<(String, Value)> {
    schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|p| p.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default()
}

fn required(schema: &Value) -> BTreeSet<String> {
    required_set(schema).into_iter().map(str::to_owned).collect()
}

fn required_set(schema: &Value) -> BTreeSet<&str> {
    schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

fn at_least(schema: &Value, key: &str) -> String {
    schema
        .get(key)
        .and_then(Value::as_u64)
        .filter(|&n| n > 0)
        .map(|n| format!(", at least {n}"))
        .unwrap_or_default()
}

/// The allowed values of an enumeration, as `"a"`, `"b"`.
fn choices(schema: &Value) -> Option<String> {
    let values: Vec<String> = if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        values.iter().map(toml_value).collect()
    } else {
        schema
            .get("oneOf")?
            .as_array()?
            .iter()
            .map(|branch| branch.get("const").map(toml_value))
            .collect::<Option<_>>()?
    };
    Some(values.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", "))
}

/// A JSON value written as a TOML value (inline tables and arrays).
fn toml_value(value: &Value) -> String {
    match value {
        Value::Object(map) => {
            let entries: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{} = {}", toml_key(k), toml_value(v)))
                .collect();
            format!("{{ {} }}", entries.join(", "))
        }
        Value::Array(items) => format!("[{}]", items.iter().map(toml_value).collect::<Vec<_>>().join(", ")),
        Value::String(s) => toml::Value::String(s.clone()).to_string(),
        other => other.to_string(),
    }
}

fn toml_key(key: &str) -> String {
    if !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') {
        key.to_owned()
    } else {
        toml::Value::String(key.to_owned()).to_string()
    }
}

/// Text fit for one Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}
