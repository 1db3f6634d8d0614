//! Maps JSON Pointers (`/route/routes/0/receiver`) to byte spans in the TOML text, so that schema
//! errors and semantic checks, which only know where in the document a value is, can underline it.

use std::collections::BTreeMap;
use std::ops::Range;

use serde_json::{Map, Number, Value};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// Where one key/value pair of the document is.
#[derive(Debug, Clone)]
struct Location {
    key: Option<Range<usize>>,
    value: Range<usize>,
}

/// JSON Pointer → span, built once per site file.
#[derive(Debug, Clone, Default)]
pub struct SpanIndex {
    entries: BTreeMap<String, Location>,
}

impl SpanIndex {
    /// Span of the value at `pointer`, or of the closest ancestor that exists.
    pub fn value(&self, pointer: &str) -> Range<usize> {
        self.nearest(pointer).value.clone()
    }

    /// Span of the key at `pointer` (the value's span for array elements), or of the closest ancestor.
    pub fn key(&self, pointer: &str) -> Range<usize> {
        let location = self.nearest(pointer);
        location.key.clone().unwrap_or_else(|| location.value.clone())
    }

    /// Records where the value (and its key, if it has one) at `pointer` is.
    pub(crate) fn insert(&mut self, pointer: String, key: Option<Range<usize>>, value: Range<usize>) {
        self.entries.insert(pointer, Location { key, value });
    }

    fn nearest(&self, pointer: &str) -> &Location {
        let mut current = pointer;
        loop {
            if let Some(location) = self.entries.get(current) {
                return location;
            }
            match current.rfind('/') {
                Some(i) => current = &current[..i],
                None => return self.entries.get("").unwrap_or(&ROOT),
            }
        }
    }
}

static ROOT: Location = Location { key: None, value: 0..0 };

/// Escapes one JSON Pointer segment (RFC 6901); borrowed when there is nothing to escape.
pub fn escape(segment: &str) -> std::borrow::Cow<'_, str> {
    if segment.contains(['~', '/']) { segment.replace('~', "~0").replace('/', "~1").into() } else { segment.into() }
}

/// Builds the span index and the JSON view of a parsed TOML document in one walk.
pub(crate) fn index(document: &Spanned<DeTable<'_>>) -> (SpanIndex, Value) {
    let mut index = SpanIndex::default();
    index.entries.insert(String::new(), Location { key: None, value: document.span() });
    let json = table(document.get_ref(), "", &mut index);
    (index, json)
}

fn table(entries: &DeTable<'_>, pointer: &str, index: &mut SpanIndex) -> Value {
    let mut map = Map::new();
    for (key, value) in entries {
        let child = format!("{pointer}/{}", escape(key.get_ref()));
        map.insert(key.get_ref().to_string(), convert(value.get_ref(), &child, index));
        index.entries.insert(child, Location { key: Some(key.span()), value: value.span() });
    }
    Value::Object(map)
}

fn convert(value: &DeValue<'_>, pointer: &str, index: &mut SpanIndex) -> Value {
    match value {
        DeValue::String(s) => Value::String(s.to_string()),
        DeValue::Integer(i) => {
            // Integers beyond i64 cannot be TOML integers; fall back to the text so the schema reports a type error.
            i64::from_str_radix(i.as_str(), i.radix()).map_or_else(|_| Value::String(i.to_string()), Value::from)
        }
        DeValue::Float(f) => f
            .as_str()
            .replace('_', "")
            .parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .map_or_else(|| Value::String(f.to_string()), Value::Number),
        DeValue::Boolean(b) => Value::Bool(*b),
        DeValue::Datetime(d) => Value::String(d.to_string()),
        DeValue::Array(items) => Value::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    let child = format!("{pointer}/{i}");
                    let converted = convert(item.get_ref(), &child, index);
                    index.entries.insert(child, Location { key: None, value: item.span() });
                    converted
                })
                .collect(),
        ),
        DeValue::Table(t) => table(t, pointer, index),
    }
}
