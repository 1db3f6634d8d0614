//! Reading a site file: TOML syntax, then a span index and a JSON view for the checks.
//! Nothing here judges the content; that is `check/`'s job.

mod pointer;
pub mod raw;
pub mod rule_file;

pub use pointer::{SpanIndex, escape};
use serde_json::Value;

use crate::diag::{Code, Diagnostic, Diagnostics, Included, SiteSource};

/// A syntactically valid site file: its JSON view and where each value is in the text.
#[derive(Debug, Clone)]
pub struct ParsedSite {
    /// The document as JSON, for JSON Schema validation and typed deserialization.
    pub json: Value,
    /// JSON Pointer → span.
    pub spans: SpanIndex,
    /// The files the site names, as the caller read them.
    pub included: Included,
}

/// Parses the TOML text, reporting every syntax error the parser can recover from.
pub fn parse(source: &SiteSource) -> Result<ParsedSite, Diagnostics> {
    let (document, errors) = toml::de::DeTable::parse_recoverable(&source.text);
    if !errors.is_empty() {
        let mut diagnostics = Diagnostics::default();
        for error in errors {
            let span = error.span().unwrap_or(0..0);
            diagnostics.push(
                Diagnostic::error(Code::TomlSyntax, span, format!("invalid TOML: {}", error.message().trim_end()))
                    .with_label("here")
                    .with_help("fix the TOML syntax; see https://toml.io/en/v1.0.0"),
            );
        }
        return Err(diagnostics);
    }
    let (spans, json) = pointer::index(&document);
    Ok(ParsedSite { json, spans, included: source.included.clone() })
}

/// The files a site names, before any checking: template files and rule-file patterns. The caller
/// reads them (checks never do I/O). A file that does not parse names nothing; its errors are
/// reported by the checks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Includes {
    /// Literal paths, relative to the site file.
    pub files: Vec<String>,
    /// Glob patterns, relative to the site file.
    pub globs: Vec<String>,
}

/// Lists the files `text` names (`alertmanager.templates`, `rule_files`).
pub fn includes(text: &str) -> Includes {
    let Ok(document) = toml::from_str::<toml::Table>(text) else { return Includes::default() };
    let strings = |value: Option<&toml::Value>| -> Vec<String> {
        value.and_then(toml::Value::as_array).map(|items| items.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect()).unwrap_or_default()
    };
    Includes {
        files: strings(document.get("alertmanager").and_then(|a| a.get("templates"))),
        globs: strings(document.get("rule_files")),
    }
}
