//! The site schema as validation reads it: without the annotations (`description`, `examples`,
//! `default`, `title`), which make up two thirds of its text and which no check reads. `build.rs`
//! strips the committed schema with this at build time: the validator took 6 ms to build from the
//! whole schema, and 1.3 ms from what is left.

use serde_json::Value;

/// Keywords that only annotate: validation never looks at them.
const ANNOTATIONS: &[&str] = &["description", "examples", "default", "title"];

/// Removes the annotations from `schema` and every subschema in it. Only schema positions are
/// visited: a property named `description`, or a `const` value with such a key, stays.
pub(crate) fn strip(schema: &mut Value) {
    let Value::Object(map) = schema else { return };
    map.retain(|keyword, _| !ANNOTATIONS.contains(&keyword.as_str()));
    for (keyword, value) in map.iter_mut() {
        match (keyword.as_str(), value) {
            ("properties" | "$defs" | "patternProperties" | "dependentSchemas", Value::Object(named)) => {
                named.values_mut().for_each(strip);
            }
            ("anyOf" | "oneOf" | "allOf" | "prefixItems", Value::Array(branches)) => {
                branches.iter_mut().for_each(strip);
            }
            (
                "items"
                | "additionalProperties"
                | "not"
                | "if"
                | "then"
                | "else"
                | "contains"
                | "propertyNames"
                | "unevaluatedItems"
                | "unevaluatedProperties",
                value,
            ) => strip(value),
            _ => {}
        }
    }
}
