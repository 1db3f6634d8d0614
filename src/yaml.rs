//! The one YAML style promsite writes, for output files and for configuration files embedded in
//! ConfigMaps alike: lists indented under their key, long lines never folded (PromQL stays on one
//! line), and serde-saphyr's quoting of every scalar a YAML 1.1 reader would retype. `writer`
//! writes it; serde-saphyr is the reference, and writes what `writer` leaves to it.

#[cfg(test)]
mod tests;
mod writer;

use serde::Serialize;

/// Serializes `value` in promsite's YAML style.
pub fn to_string<T: Serialize>(value: &T) -> Result<String, serde_saphyr::ser::Error> {
    to_string_after("", value)
}

/// `prefix` (a comment, say), then `value` in promsite's YAML style.
pub fn to_string_after<T: Serialize>(prefix: &str, value: &T) -> Result<String, serde_saphyr::ser::Error> {
    let mut document = writer::Writer::after(prefix);
    match value.serialize(&mut document) {
        Ok(()) => Ok(document.into_string()),
        Err(writer::Unsupported) => Ok(format!("{prefix}{}", saphyr(value)?)),
    }
}

/// Where the writer writes `text` otherwise than serde-saphyr, if anywhere: as the whole document,
/// a mapping's value and key, list items, a nested value, and its lines as a list and as keys and
/// values (the `yaml_writer` fuzz target and the tests).
#[doc(hidden)]
pub fn difference_from_serde_saphyr(text: &str) -> Option<String> {
    fn compare<T: Serialize>(position: &str, value: &T) -> Option<String> {
        let (ours, theirs) = (to_string(value).ok(), saphyr(value).ok());
        (ours != theirs).then(|| format!("{position}: promsite writes {ours:?}, serde-saphyr {theirs:?}"))
    }
    let lines: Vec<&str> = text.split('\n').collect();
    let pairs: std::collections::BTreeMap<&str, &str> =
        lines.iter().copied().zip(lines.iter().rev().copied()).collect();
    compare("document", &text)
        .or_else(|| compare("value", &std::collections::BTreeMap::from([("key", text)])))
        .or_else(|| compare("key", &std::collections::BTreeMap::from([(text, "value")])))
        .or_else(|| compare("list items", &[text, text]))
        .or_else(|| {
            compare(
                "nested",
                &serde_json::json!({"outer": [{"first": text, "second": [text]}]}),
            )
        })
        .or_else(|| compare("lines as a list", &lines))
        .or_else(|| compare("lines as keys and values", &pairs))
}

/// The style as serde-saphyr writes it.
fn saphyr<T: Serialize>(value: &T) -> Result<String, serde_saphyr::ser::Error> {
    let mut options = serde_saphyr::SerializerOptions::default();
    options.folded_wrap_chars = usize::MAX;
    options.compact_list_indent = false;
    serde_saphyr::to_string_with_options(value, options)
}
