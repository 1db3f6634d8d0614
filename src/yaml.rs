//! The one YAML style promsite writes, for output files and for configuration files embedded in
//! ConfigMaps alike: lists indented under their key, long lines never folded (PromQL stays on one
//! line), and serde-saphyr's quoting of every scalar a YAML 1.1 reader would retype.

use serde::Serialize;

/// Serializes `value` in promsite's YAML style.
pub fn to_string<T: Serialize>(value: &T) -> Result<String, serde_saphyr::ser::Error> {
    let mut options = serde_saphyr::SerializerOptions::default();
    options.folded_wrap_chars = usize::MAX;
    options.compact_list_indent = false;
    serde_saphyr::to_string_with_options(value, options)
}
