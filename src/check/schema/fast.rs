//! A fast tier in front of the JSON Schema validator: it walks the document beside the schema and
//! says whether the document is certainly valid. Building the `jsonschema` validator for the site
//! schema costs about 3 ms, more than everything else a small site's check does, and most sites
//! are valid; this answers for them in tens of microseconds. It knows only the keywords the
//! generated schema uses, each in the sense draft 2020-12 gives it; anything else (a keyword it
//! does not know, a float where an integer is required, a bound it cannot compare exactly) makes
//! it unsure, and the caller runs the validator, which also writes every error message. So it
//! decides nothing the validator would decide otherwise: `Valid` and `Invalid` are only said when
//! the validator would say the same (tested on every site file in the repository and many
//! mutations of each).

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::BTreeMap;

use serde_json::{Map, Number, Value};

use super::json::{Json, member};

/// An object's members in the schema.
type Members<'s> = [(Cow<'s, str>, Json<'s>)];

/// What the fast tier knows of a value against a schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    Valid,
    Invalid,
    /// The validator has to decide.
    Unsure,
}

use Verdict::{Invalid, Unsure, Valid};

impl Verdict {
    /// Both hold: invalid if either certainly fails, valid only if both certainly pass.
    fn and(self, other: impl FnOnce() -> Verdict) -> Verdict {
        match self {
            Invalid => Invalid,
            Valid => other(),
            Unsure => match other() {
                Invalid => Invalid,
                _ => Unsure,
            },
        }
    }

    fn of(holds: bool) -> Verdict {
        if holds { Valid } else { Invalid }
    }
}

/// Whether `document` is valid against `schema` (the root of the site schema, whose `$ref`s
/// point into its `$defs`).
pub(crate) fn verdict(schema: &Json<'_>, document: &Value) -> Verdict {
    Walker {
        root: schema,
        patterns: BTreeMap::new(),
    }
    .check(schema, document)
}

struct Walker<'s> {
    root: &'s Json<'s>,
    /// `pattern`s compiled so far (`None`: not one whose meaning is the same in Rust's `regex`).
    patterns: BTreeMap<&'s str, Option<regex::Regex>>,
}

impl<'s> Walker<'s> {
    fn check(&mut self, schema: &'s Json<'s>, value: &Value) -> Verdict {
        match schema {
            Json::Bool(true) => Valid,
            Json::Bool(false) => Invalid,
            Json::Object(keywords) => self.keywords(keywords, value),
            _ => Unsure,
        }
    }

    fn keywords(&mut self, keywords: &'s Members<'s>, value: &Value) -> Verdict {
        let mut verdict = Valid;
        for (keyword, argument) in keywords {
            let keyword = keyword.as_ref();
            let this = match keyword {
                // Annotations and definitions: nothing to check. Formats `jsonschema` does not know
                // are annotations too (a test holds that every format of the site schema is one).
                "$schema" | "$defs" | "format" => Valid,
                "$ref" => self.reference(argument, value),
                "type" => type_matches(argument, value),
                "const" => equal(argument, value),
                "enum" => argument.as_array().map_or(Unsure, |options| any_equal(options, value)),
                "oneOf" => self.one_of(argument, value),
                "properties" | "additionalProperties" | "required" => match value {
                    Value::Object(object) => self.object_keyword(keyword, argument, keywords, object),
                    _ => Valid,
                },
                "items" => match value {
                    Value::Array(items) => self.items(argument, items),
                    _ => Valid,
                },
                "minItems" => match (value, argument.as_u64()) {
                    (Value::Array(items), Some(min)) => Verdict::of(items.len() as u64 >= min),
                    (Value::Array(_), None) => Unsure,
                    _ => Valid,
                },
                "minLength" => match (value, argument.as_u64()) {
                    (Value::String(text), Some(min)) => Verdict::of(text.chars().count() as u64 >= min),
                    (Value::String(_), None) => Unsure,
                    _ => Valid,
                },
                "minimum" | "maximum" => bound(keyword, argument, value),
                "pattern" => match value {
                    Value::String(text) => self.pattern(argument, text),
                    _ => Valid,
                },
                _ => Unsure,
            };
            verdict = verdict.and(|| this);
            if verdict == Invalid {
                return Invalid;
            }
        }
        verdict
    }

    fn reference(&mut self, reference: &'s Json<'s>, value: &Value) -> Verdict {
        let target = reference
            .as_str()
            .and_then(|r| r.strip_prefix("#/$defs/"))
            .filter(|name| !name.contains(['/', '~', '%']))
            .and_then(|name| self.root.get("$defs")?.get(name));
        match target {
            Some(schema) => self.check(schema, value),
            None => Unsure,
        }
    }

    /// Exactly one branch holds: certain only when one is certainly valid and every other
    /// certainly invalid.
    fn one_of(&mut self, branches: &'s Json<'s>, value: &Value) -> Verdict {
        let Some(branches) = branches.as_array() else {
            return Unsure;
        };
        let (mut valid, mut unsure) = (0, 0);
        for branch in branches {
            match self.check(branch, value) {
                Valid => valid += 1,
                Unsure => unsure += 1,
                Invalid => {}
            }
        }
        match (valid, unsure) {
            (1, 0) => Valid,
            (0, 0) => Invalid,
            (v, _) if v > 1 => Invalid,
            _ => Unsure,
        }
    }

    fn object_keyword(
        &mut self,
        keyword: &str,
        argument: &'s Json<'s>,
        keywords: &'s Members<'s>,
        object: &Map<String, Value>,
    ) -> Verdict {
        match keyword {
            "properties" => {
                let Some(properties) = argument.as_object() else {
                    return Unsure;
                };
                let mut verdict = Valid;
                for (name, schema) in properties {
                    if let Some(member) = object.get(name.as_ref()) {
                        verdict = verdict.and(|| self.check(schema, member));
                        if verdict == Invalid {
                            break;
                        }
                    }
                }
                verdict
            }
            "additionalProperties" => {
                // Without `patternProperties` (an unknown keyword here, so unsure anyway), the
                // additional members are those `properties` does not name.
                let named = member(keywords, "properties").and_then(Json::as_object);
                let mut verdict = Valid;
                for (name, value) in object {
                    if named.is_some_and(|named| member(named, name).is_some()) {
                        continue;
                    }
                    verdict = verdict.and(|| self.check(argument, value));
                    if verdict == Invalid {
                        break;
                    }
                }
                verdict
            }
            _ => match argument.as_array() {
                Some(required) if required.iter().all(|name| name.as_str().is_some()) => Verdict::of(
                    required
                        .iter()
                        .all(|name| name.as_str().is_some_and(|name| object.contains_key(name))),
                ),
                _ => Unsure,
            },
        }
    }

    fn items(&mut self, schema: &'s Json<'s>, items: &[Value]) -> Verdict {
        let mut verdict = Valid;
        for item in items {
            verdict = verdict.and(|| self.check(schema, item));
            if verdict == Invalid {
                break;
            }
        }
        verdict
    }

    fn pattern(&mut self, pattern: &'s Json<'s>, text: &str) -> Verdict {
        let Some(pattern) = pattern.as_str() else {
            return Unsure;
        };
        let compiled = self
            .patterns
            .entry(pattern)
            .or_insert_with(|| same_in_rust(pattern).then(|| regex::Regex::new(pattern).ok()).flatten());
        match compiled {
            // JSON Schema patterns are unanchored, as `is_match` is.
            Some(regex) => Verdict::of(regex.is_match(text)),
            None => Unsure,
        }
    }
}

/// Whether an ECMA-262 pattern means the same in Rust's `regex`: only ASCII letters, digits,
/// anchors, groups, alternation, quantifiers, classes and escaped punctuation. Left out: `.`
/// (ECMA's does not match `\r`, Rust's does), `\d`, `\w`, `\s`, `\b` (Unicode-aware in Rust), and
/// everything else a pattern may hold.
fn same_in_rust(pattern: &str) -> bool {
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        let plain = c.is_ascii_alphanumeric() || "^$()|?+*[]-{},".contains(c);
        if plain {
            continue;
        }
        if c == '\\' && chars.next().is_some_and(|e| ".-^$()[]{}|?+*\\/".contains(e)) {
            continue;
        }
        return false;
    }
    true
}

fn type_matches(types: &Json<'_>, value: &Value) -> Verdict {
    let one = |name: &Json<'_>| match (name.as_str(), value) {
        (Some("object"), Value::Object(_))
        | (Some("array"), Value::Array(_))
        | (Some("string"), Value::String(_))
        | (Some("boolean"), Value::Bool(_))
        | (Some("null"), Value::Null)
        | (Some("number"), Value::Number(_)) => Valid,
        (Some("integer"), Value::Number(n)) if n.is_i64() || n.is_u64() => Valid,
        // A float with no fraction is an integer to JSON Schema: the validator decides.
        (Some("integer"), Value::Number(_)) => Unsure,
        (Some("object" | "array" | "string" | "boolean" | "null" | "number" | "integer"), _) => Invalid,
        _ => Unsure,
    };
    match types {
        Json::String(_) => one(types),
        Json::Array(names) => any(names.iter().map(one)),
        _ => Unsure,
    }
}

/// `const`: certain for strings, booleans and nulls and for values of different JSON types;
/// numbers (1 and 1.0 are equal to JSON Schema) and containers are left to the validator unless
/// identical.
fn equal(expected: &Json<'_>, value: &Value) -> Verdict {
    if expected.same(value) {
        return Valid;
    }
    let scalar = matches!(expected, Json::String(_) | Json::Bool(_) | Json::Null)
        || matches!(value, Value::String(_) | Value::Bool(_) | Value::Null);
    let numbers = (matches!(expected, Json::Number(_)), matches!(value, Value::Number(_)));
    let container = matches!(expected, Json::Array(_) | Json::Object(_));
    if scalar || (numbers.0 != numbers.1 && !container) {
        Invalid
    } else {
        Unsure
    }
}

fn any_equal(options: &[Json<'_>], value: &Value) -> Verdict {
    any(options.iter().map(|option| equal(option, value)))
}

/// At least one holds: valid if one certainly does, invalid if all certainly do not.
fn any(verdicts: impl Iterator<Item = Verdict>) -> Verdict {
    let mut all_invalid = true;
    for verdict in verdicts {
        match verdict {
            Valid => return Valid,
            Unsure => all_invalid = false,
            Invalid => {}
        }
    }
    if all_invalid { Invalid } else { Unsure }
}

/// `minimum` / `maximum` (inclusive), compared exactly or not at all.
fn bound(keyword: &str, limit: &Json<'_>, value: &Value) -> Verdict {
    let Value::Number(number) = value else {
        return Valid;
    };
    let Some(limit) = limit.as_number() else {
        return Unsure;
    };
    match (compare(number, limit), keyword) {
        (Some(order), "minimum") => Verdict::of(order != Ordering::Less),
        (Some(order), _) => Verdict::of(order != Ordering::Greater),
        (None, _) => Unsure,
    }
}

/// Integers compare exactly; a float only with a finite float or an integer that a float holds
/// exactly.
fn compare(a: &Number, b: &Number) -> Option<Ordering> {
    let integer = |n: &Number| n.as_i64().map(i128::from).or_else(|| n.as_u64().map(i128::from));
    // Every i32 is a float exactly; the site schema's bounds are (but for u32's and u64's).
    let float = |n: &Number| match integer(n) {
        Some(i) => i32::try_from(i).ok().map(f64::from),
        None => n.as_f64().filter(|f| f.is_finite()),
    };
    match (integer(a), integer(b)) {
        (Some(a), Some(b)) => Some(a.cmp(&b)),
        _ => float(a)?.partial_cmp(&float(b)?),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::{Invalid, Unsure, Valid, verdict};
    use crate::diag::SiteSource;

    /// The JSON view of every site file in the repository that parses as TOML, with its name:
    /// the example sites, the fixtures, the invalid cases, and synthetic sites of both kinds.
    fn documents() -> Vec<(String, Value)> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        for dir in ["sites", "tests/invalid", "tests/fixtures"] {
            let mut stack = vec![root.join(dir)];
            while let Some(dir) = stack.pop() {
                for entry in std::fs::read_dir(&dir).expect("a test directory").flatten() {
                    let path = entry.path();
                    if path.is_dir() {
                        stack.push(path);
                    } else if path.extension().is_some_and(|e| e == "toml") {
                        files.push((
                            path.display().to_string(),
                            std::fs::read_to_string(&path).expect("readable"),
                        ));
                    }
                }
            }
        }
        for size in [crate::synthetic::Size::S, crate::synthetic::Size::M] {
            for rules in crate::synthetic::Rules::ALL {
                files.push((
                    format!("synthetic {size:?} {}", rules.label()),
                    crate::synthetic::site_with(size, rules, "synthetic"),
                ));
            }
        }
        files.sort();
        files
            .into_iter()
            .filter_map(|(name, text)| {
                let source = SiteSource::new(name.as_str(), text.as_str());
                let parsed = crate::site::parse_document(&source).ok()?.into_parsed();
                Some((name, parsed.json))
            })
            .collect()
    }

    fn validator_says(document: &Value) -> bool {
        super::super::validator().is_valid(document)
    }

    /// A sure verdict that the validator does not share, described.
    fn disagreement(document: &Value) -> Option<String> {
        let fast = verdict(super::super::fast_schema(), document);
        let full = validator_says(document);
        match (fast, full) {
            (Valid, false) | (Invalid, true) => Some(format!("fast tier {fast:?}, validator valid = {full}")),
            _ => None,
        }
    }

    /// Values to put in place of `value`: other types, bounds, near misses.
    fn replacements(value: &Value) -> Vec<Value> {
        let mut out = vec![
            json!(null),
            json!(true),
            json!("x"),
            json!(""),
            json!(0),
            json!(-1),
            json!(1.5),
            json!(1.0),
            json!(4_294_967_296_i64),
            json!(i64::MIN),
            json!(1e300),
            json!([]),
            json!({}),
            json!([value.clone()]),
            json!({"unknown_key": value.clone()}),
        ];
        match value {
            Value::String(text) => {
                out.push(json!(format!("{text}x")));
                out.push(json!(text.chars().skip(1).collect::<String>()));
                out.push(json!(text.to_uppercase()));
                out.push(json!(format!("{text}B")));
                out.push(json!(format!("1.{text}")));
            }
            Value::Number(number) => {
                if let Some(i) = number.as_i64() {
                    out.extend([
                        json!(i - 1),
                        json!(i + 1),
                        json!(f64::from(i32::try_from(i).unwrap_or(i32::MAX))),
                        json!(-i),
                        json!(i.saturating_mul(1000)),
                    ]);
                }
                if let Some(f) = number.as_f64() {
                    out.extend([json!(f.trunc()), json!(f + 0.5), json!(-f)]);
                }
            }
            Value::Array(items) => {
                out.push(json!(items.iter().skip(1).cloned().collect::<Vec<_>>()));
                out.push(json!(items.iter().chain(items.first()).cloned().collect::<Vec<_>>()));
                out.push(json!(["x", 1]));
            }
            Value::Object(map) => {
                for key in map.keys() {
                    let mut without = map.clone();
                    without.remove(key);
                    out.push(Value::Object(without));
                }
                let mut with = map.clone();
                with.insert("unknown_key".to_owned(), json!(1));
                out.push(Value::Object(with));
            }
            Value::Bool(b) => out.push(json!(!b)),
            Value::Null => {}
        }
        out
    }

    /// Every value of `document` with its JSON pointer.
    fn pointers(document: &Value, at: String, out: &mut Vec<String>) {
        match document {
            Value::Object(map) => {
                for (key, value) in map {
                    pointers(value, format!("{at}/{}", crate::site::escape(key)), out);
                }
            }
            Value::Array(items) => {
                for (i, value) in items.iter().enumerate() {
                    pointers(value, format!("{at}/{i}"), out);
                }
            }
            _ => {}
        }
        out.push(at);
    }

    /// The fast tier answers for the valid sites (else it saves nothing), is sure only where the
    /// validator agrees on each of them, and never says `Valid` of an invalid case.
    #[test]
    fn sure_verdicts_on_every_site_file_are_the_validators() {
        let documents = documents();
        assert!(documents.len() > 150, "only {} site files found", documents.len());
        let mut valid = 0;
        for (name, document) in &documents {
            assert_eq!(disagreement(document), None, "{name}");
            if validator_says(document) {
                valid += 1;
                assert_eq!(
                    verdict(super::super::fast_schema(), document),
                    Valid,
                    "{name}: valid, yet unsure"
                );
            }
        }
        assert!(valid > 20, "only {valid} valid site files");
    }

    /// Every value of every site file replaced, one at a time, by values of other types, by
    /// bounds and by near misses: on none of these does the fast tier contradict the validator.
    /// The values at one in `stride` places are replaced; `--ignored` in a release build
    /// replaces them all.
    fn mutations(stride: usize) {
        // The fast tier answers when it is sure; the mutations must exercise that, not only unsure.
        let mut tally = crate::test_texts::Tally::default();
        let mut n = 0_usize;
        for (name, document) in documents() {
            let mut at = Vec::new();
            pointers(&document, String::new(), &mut at);
            for pointer in at {
                n += 1;
                if !n.is_multiple_of(stride) {
                    continue;
                }
                let original = document.pointer(&pointer).expect("a pointer of the document");
                for replacement in replacements(original) {
                    let mut mutated = document.clone();
                    *mutated.pointer_mut(&pointer).expect("the same pointer") = replacement.clone();
                    tally.count(verdict(super::super::fast_schema(), &mutated) != Unsure);
                    if let Some(what) = disagreement(&mutated) {
                        panic!("{name}: {pointer} = {replacement}: {what}");
                    }
                }
            }
        }
        tally.assert_enough(1000);
    }

    #[test]
    fn sure_verdicts_on_mutated_sites_are_the_validators() {
        mutations(41);
    }

    #[test]
    #[ignore = "every mutation: run with --release -- --ignored"]
    fn sure_verdicts_on_every_mutation_are_the_validators() {
        mutations(1);
    }

    /// The site fuzz target's curated inputs (odd TOML, regressions) through the assertion that the
    /// target makes on every input.
    #[test]
    fn sure_verdicts_on_the_fuzz_seeds_are_the_validators() {
        let seeds = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds/site");
        let mut checked = 0;
        for entry in std::fs::read_dir(seeds).expect("the seeds").flatten() {
            let bytes = std::fs::read(entry.path()).expect("readable");
            if let Ok(text) = std::str::from_utf8(&bytes) {
                assert!(
                    crate::check::fuzz::schema_fast_is_sound(text),
                    "{}",
                    entry.path().display()
                );
                checked += 1;
            }
        }
        assert!(checked > 20, "only {checked} seeds");
    }

    /// The formats of the site schema are annotations to `jsonschema` (it knows none of them),
    /// which is why the fast tier may pass over `format`.
    #[test]
    fn the_schemas_formats_are_not_asserted() {
        fn formats(value: &Value, out: &mut Vec<String>) {
            match value {
                Value::Object(map) => {
                    if let Some(Value::String(format)) = map.get("format") {
                        out.push(format.clone());
                    }
                    map.values().for_each(|v| formats(v, out));
                }
                Value::Array(items) => items.iter().for_each(|v| formats(v, out)),
                _ => {}
            }
        }
        let mut found = Vec::new();
        formats(super::super::schema(), &mut found);
        assert!(!found.is_empty());
        let options = jsonschema::options();
        for format in found {
            assert!(
                !options.is_known_format(jsonschema::Draft::Draft202012, &format),
                "jsonschema checks the format `{format}`: teach the fast tier"
            );
        }
    }

    /// Each keyword's sure answers, on a schema of its own.
    #[test]
    fn keywords_are_read_as_draft_2020_12_reads_them() {
        let cases = [
            (json!({"type": "integer"}), json!(3), Valid),
            (json!({"type": "integer"}), json!(3.0), Unsure),
            (json!({"type": "integer"}), json!("3"), Invalid),
            (json!({"type": ["string", "integer"]}), json!(true), Invalid),
            (json!({"minimum": 0}), json!(-1), Invalid),
            (json!({"maximum": 65535}), json!(65535), Valid),
            (json!({"maximum": 1}), json!(1.5), Invalid),
            (json!({"maximum": 18_446_744_073_709_551_615_u64}), json!(1.5), Unsure),
            (json!({"minLength": 2}), json!("é"), Invalid),
            (json!({"minItems": 1}), json!([]), Invalid),
            (json!({"minimum": 5}), json!("not a number"), Valid),
            (json!({"const": "a"}), json!("b"), Invalid),
            (json!({"const": 1}), json!(1.0), Unsure),
            (json!({"oneOf": [{"const": "a"}, {"const": "b"}]}), json!("a"), Valid),
            (
                json!({"oneOf": [{"type": "string"}, {"const": "a"}]}),
                json!("a"),
                Invalid,
            ),
            (
                json!({"oneOf": [{"type": "string"}, {"const": "a"}]}),
                json!("b"),
                Valid,
            ),
            (
                json!({"required": ["a"], "properties": {"a": {"type": "string"}}}),
                json!({"a": 1}),
                Invalid,
            ),
            (
                json!({"properties": {"a": true}, "additionalProperties": false}),
                json!({"a": 1, "b": 2}),
                Invalid,
            ),
            (
                json!({"additionalProperties": {"type": "string"}}),
                json!({"b": "x"}),
                Valid,
            ),
            (json!({"items": {"type": "string"}}), json!(["x", 2]), Invalid),
            (json!({"pattern": "^[0-9]+(B|KB)$"}), json!("12KB"), Valid),
            (json!({"pattern": "^[0-9]+(B|KB)$"}), json!("12 KB"), Invalid),
            (json!({"pattern": "^\\d+$"}), json!("12"), Unsure),
            (json!({"patternProperties": {}}), json!({}), Unsure),
        ];
        for (schema, value, expected) in cases {
            let text = schema.to_string();
            let read = super::super::json::Json::parse(&text).expect("JSON");
            assert_eq!(verdict(&read, &value), expected, "{schema} on {value}");
            let full = jsonschema::validator_for(&schema)
                .expect("a valid schema")
                .is_valid(&value);
            match expected {
                Valid => assert!(full, "{schema} on {value}: the validator refuses"),
                Invalid => assert!(!full, "{schema} on {value}: the validator accepts"),
                Unsure => {}
            }
        }
    }
}
