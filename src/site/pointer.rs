//! Maps JSON Pointers (`/route/routes/0/receiver`) to byte spans in the TOML text, so that schema
//! errors and semantic checks, which only know where in the document a value is, can underline it.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::{Arc, OnceLock};

use serde_json::{Number, Value};
use toml::de::{DeTable, DeValue};

/// Where one key/value pair of the document is.
#[derive(Debug, Clone)]
struct Location {
    key: Option<Range<usize>>,
    value: Range<usize>,
}

type Locations = BTreeMap<String, Location>;

/// JSON Pointer → span. Only diagnostics look spans up, so for a site file the index is built on
/// the first lookup, from the text: a valid site never pays for it.
#[derive(Debug, Clone, Default)]
pub struct SpanIndex {
    entries: Locations,
    toml: Option<Arc<LazyToml>>,
}

#[derive(Debug)]
struct LazyToml {
    text: Arc<str>,
    entries: OnceLock<Locations>,
}

impl SpanIndex {
    /// The index of a TOML document that parses, built when first needed.
    pub(crate) fn of_toml(text: Arc<str>) -> Self {
        Self {
            entries: Locations::new(),
            toml: Some(Arc::new(LazyToml {
                text,
                entries: OnceLock::new(),
            })),
        }
    }

    /// Span of the value at `pointer`, or of the closest ancestor that exists.
    pub fn value(&self, pointer: &str) -> Range<usize> {
        self.nearest(pointer).value.clone()
    }

    /// Span of the key at `pointer` (the value's span for array elements), or of the closest ancestor.
    pub fn key(&self, pointer: &str) -> Range<usize> {
        let location = self.nearest(pointer);
        location.key.clone().unwrap_or_else(|| location.value.clone())
    }

    /// Whether the document has a value at exactly `pointer`.
    pub(crate) fn contains(&self, pointer: &str) -> bool {
        self.entries().contains_key(pointer)
    }

    /// Records where the value (and its key, if it has one) at `pointer` is.
    pub(crate) fn insert(&mut self, pointer: String, key: Option<Range<usize>>, value: Range<usize>) {
        self.entries.insert(pointer, Location { key, value });
    }

    fn entries(&self) -> &Locations {
        match &self.toml {
            Some(lazy) => lazy.entries.get_or_init(|| toml_locations(&lazy.text)),
            None => &self.entries,
        }
    }

    fn nearest(&self, pointer: &str) -> &Location {
        let entries = self.entries();
        let mut current = pointer;
        loop {
            if let Some(location) = entries.get(current) {
                return location;
            }
            match current.rfind('/') {
                Some(i) => current = &current[..i],
                None => return entries.get("").unwrap_or(&ROOT),
            }
        }
    }
}

static ROOT: Location = Location { key: None, value: 0..0 };

/// Escapes one JSON Pointer segment (RFC 6901); borrowed when there is nothing to escape.
pub fn escape(segment: &str) -> std::borrow::Cow<'_, str> {
    if segment.contains(['~', '/']) {
        segment.replace('~', "~0").replace('/', "~1").into()
    } else {
        segment.into()
    }
}

/// Where every value of `text` is; a text that no longer parses has no locations.
fn toml_locations(text: &str) -> Locations {
    let mut entries = Locations::new();
    if let Ok(document) = DeTable::parse(text) {
        entries.insert(
            String::new(),
            Location {
                key: None,
                value: document.span(),
            },
        );
        let mut pointer = String::new();
        locate_table(document.get_ref(), &mut pointer, &mut entries);
    }
    entries
}

fn locate_table(table: &DeTable<'_>, pointer: &mut String, entries: &mut Locations) {
    for (key, value) in table {
        let length = pointer.len();
        pointer.push('/');
        pointer.push_str(&escape(key.get_ref()));
        entries.insert(
            pointer.clone(),
            Location {
                key: Some(key.span()),
                value: value.span(),
            },
        );
        locate_value(value.get_ref(), pointer, entries);
        pointer.truncate(length);
    }
}

fn locate_value(value: &DeValue<'_>, pointer: &mut String, entries: &mut Locations) {
    match value {
        DeValue::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let length = pointer.len();
                pointer.push('/');
                pointer.push_str(&i.to_string());
                entries.insert(
                    pointer.clone(),
                    Location {
                        key: None,
                        value: item.span(),
                    },
                );
                locate_value(item.get_ref(), pointer, entries);
                pointer.truncate(length);
            }
        }
        DeValue::Table(table) => locate_table(table, pointer, entries),
        _ => {}
    }
}

/// The JSON view of a parsed TOML document.
pub(crate) fn json(document: &DeTable<'_>) -> Value {
    Value::Object(
        document
            .iter()
            .map(|(key, value)| (key.get_ref().to_string(), convert(value.get_ref())))
            .collect(),
    )
}

fn convert(value: &DeValue<'_>) -> Value {
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
        DeValue::Array(items) => Value::Array(items.iter().map(|item| convert(item.get_ref())).collect()),
        DeValue::Table(t) => json(t),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_are_found_on_first_lookup() {
        let text: Arc<str> = "[site]\nname = \"x\"\n\n[[rules]]\n\"a/b\" = [1, { c = true }]\n".into();
        let index = SpanIndex::of_toml(Arc::clone(&text));
        assert_eq!(&text[index.value("/site/name")], "\"x\"");
        assert_eq!(&text[index.key("/site/name")], "name");
        assert_eq!(&text[index.value("/rules/0/a~1b/1/c")], "true");
        // A pointer below any value falls back to its closest ancestor.
        assert_eq!(&text[index.value("/site/name/deeper")], "\"x\"");
        assert_eq!(index.value("/missing"), SpanIndex::of_toml(Arc::clone(&text)).value(""));
    }
}
