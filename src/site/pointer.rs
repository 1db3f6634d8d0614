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
    /// Lookups answered from a prefix of the text so far (see [`in_prefix`]).
    prefix_lookups: std::sync::atomic::AtomicUsize,
}

impl SpanIndex {
    /// The index of a TOML document that parses, built when first needed.
    pub(crate) fn of_toml(text: Arc<str>) -> Self {
        Self {
            entries: Locations::new(),
            toml: Some(Arc::new(LazyToml {
                text,
                entries: OnceLock::new(),
                prefix_lookups: std::sync::atomic::AtomicUsize::new(0),
            })),
        }
    }

    /// Span of the value at `pointer`, or of the closest ancestor that exists.
    pub fn value(&self, pointer: &str) -> Range<usize> {
        self.location(pointer).value
    }

    /// Span of the key at `pointer` (the value's span for array elements), or of the closest ancestor.
    pub fn key(&self, pointer: &str) -> Range<usize> {
        let location = self.location(pointer);
        location.key.unwrap_or(location.value)
    }

    /// Where the value at `pointer` (or its closest ancestor) is: from a prefix where that can
    /// answer, else from the index.
    fn location(&self, pointer: &str) -> Location {
        self.in_prefix(pointer).unwrap_or_else(|| self.nearest(pointer).clone())
    }

    /// The location of the scalar at exactly `pointer` in a large site file, read from a prefix of
    /// the text rather than from the whole index: the index parses the whole file again and maps
    /// every value (143 M instructions for a 1.4 MB site, 10 ms of its 24 ms check when it had one
    /// warning). A prefix that ends at a line start (here: before a header) and parses has every
    /// line where the whole file has it, so a scalar in it is where the whole file has it; tables
    /// and arrays, which the rest of the file may extend, are left to the index. `None` (a small
    /// file, not in the prefixes, a container, the index built already, or many lookups so far):
    /// the index answers.
    fn in_prefix(&self, pointer: &str) -> Option<Location> {
        use std::sync::atomic::Ordering::Relaxed;
        let lazy = self.toml.as_ref()?;
        if lazy.text.len() < PREFIX_FROM
            || lazy.entries.get().is_some()
            || lazy.prefix_lookups.fetch_add(1, Relaxed) >= MAX_PREFIX_LOOKUPS
        {
            return None;
        }
        PREFIXES
            .iter()
            .filter_map(|&size| prefix_end(&lazy.text, size))
            .find_map(|end| scalar_location(&lazy.text[..end], pointer))
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

/// From this size a site file's spans are first looked for in prefixes of it.
const PREFIX_FROM: usize = 128 * 1024;
/// The prefixes' sizes, before each is cut at the next header line.
const PREFIXES: [usize; 2] = [64 * 1024, 256 * 1024];
/// After this many lookups the whole index is cheaper than more prefixes.
const MAX_PREFIX_LOOKUPS: usize = 8;

/// Where the first line at or after `size` that starts with `[` begins: a header, unless inside
/// a multi-line value, in which case the prefix does not parse. `None` past the end.
fn prefix_end(text: &str, size: usize) -> Option<usize> {
    let from = size.checked_sub(1)?;
    let rest = text.as_bytes().get(from..)?;
    memchr::memmem::find(rest, b"\n[").map(|at| from + at + 1)
}

/// The location of the scalar at exactly `pointer` in the document `text`, if it parses and has one.
fn scalar_location(text: &str, pointer: &str) -> Option<Location> {
    locate_scalar(DeTable::parse(text).ok()?.get_ref(), pointer)
}

/// The location of the scalar at exactly `pointer` in `document`, if it has one.
fn locate_scalar(document: &DeTable<'_>, pointer: &str) -> Option<Location> {
    let mut segments = pointer.strip_prefix('/')?.split('/');
    let first = unescape(segments.next()?);
    let (mut key, mut value) = document
        .iter()
        .find(|(key, _)| key.get_ref().as_ref() == first)
        .map(|(key, value)| (Some(key.span()), value))?;
    for segment in segments {
        let segment = unescape(segment);
        (key, value) = match value.get_ref() {
            DeValue::Table(table) => table
                .iter()
                .find(|(key, _)| key.get_ref().as_ref() == segment)
                .map(|(key, value)| (Some(key.span()), value))?,
            DeValue::Array(items) => (None, items.get(segment.parse::<usize>().ok()?)?),
            _ => return None,
        };
    }
    match value.get_ref() {
        DeValue::Table(_) | DeValue::Array(_) => None,
        _ => Some(Location {
            key,
            value: value.span(),
        }),
    }
}

/// One JSON Pointer segment as written in the document (RFC 6901: `~1` is `/`, `~0` is `~`); the
/// inverse of [`escape`], borrowed when there is nothing to unescape.
pub(crate) fn unescape(segment: &str) -> std::borrow::Cow<'_, str> {
    if segment.contains('~') {
        segment.replace("~1", "/").replace("~0", "~").into()
    } else {
        segment.into()
    }
}

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

    /// A scalar found in a prefix of a site file is where the whole file's index has it: every
    /// site file of the repository and a realistic synthetic site, cut before a header line at
    /// several sizes, every pointer of the whole index (and one below each, which no prefix may
    /// answer).
    #[test]
    fn prefixes_locate_scalars_as_the_whole_index_does() {
        let mut texts: Vec<String> = crate::test_texts::files(&["sites", "tests/fixtures", "tests/invalid"], |path| {
            path.extension().is_some_and(|e| e == "toml")
        })
        .into_iter()
        .map(|(_, text)| text)
        .collect();
        texts.push(crate::synthetic::site_with(
            crate::synthetic::Size::M,
            crate::synthetic::Rules::Realistic,
            "prefixes",
        ));
        let (mut answered, mut cut) = (0, 0);
        for text in &texts {
            if DeTable::parse(text).is_err() {
                continue;
            }
            let whole = toml_locations(text);
            for size in [100, 200, 300, 500, 1_000, 2_000, 3_000, 5_000, 10_000, 30_000, 100_000] {
                let Some(end) = prefix_end(text, size) else {
                    continue;
                };
                let Ok(prefix) = DeTable::parse(&text[..end]) else {
                    continue;
                };
                cut += 1;
                for (pointer, location) in &whole {
                    if let Some(found) = locate_scalar(prefix.get_ref(), pointer) {
                        assert_eq!(
                            (&found.key, &found.value),
                            (&location.key, &location.value),
                            "{pointer} in a prefix of {end} bytes"
                        );
                        answered += 1;
                    }
                    assert!(locate_scalar(prefix.get_ref(), &format!("{pointer}/below")).is_none());
                }
            }
        }
        assert!(cut > 300 && answered > 5_000, "{cut} prefixes, {answered} answers");
    }

    /// A large site's spans come from a prefix until the index is built, and agree with it.
    #[test]
    fn a_large_sites_first_lookups_read_a_prefix() {
        let site = crate::synthetic::site_with(crate::synthetic::Size::L, crate::synthetic::Rules::Realistic, "large");
        assert!(site.len() >= PREFIX_FROM);
        let text: Arc<str> = site.into();
        let index = SpanIndex::of_toml(Arc::clone(&text));
        let pointer = "/prometheus/retention";
        let early = (index.key(pointer), index.value(pointer));
        assert!(
            index.toml.as_ref().is_some_and(|lazy| lazy.entries.get().is_none()),
            "the index was built"
        );
        assert_eq!(&text[early.0.clone()], "retention");
        let whole = toml_locations(&text);
        assert_eq!(Some(&early.1), whole.get(pointer).map(|location| &location.value));
    }
}
