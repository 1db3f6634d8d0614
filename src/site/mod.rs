//! Reading a site file: TOML syntax, then a span index and a JSON view for the checks.
//! Nothing here judges the content; that is `check/`'s job.

mod pointer;
pub mod raw;

pub use pointer::{SpanIndex, escape};
use serde_json::Value;

use crate::diag::{Code, Diagnostic, Diagnostics, SiteSource};

/// A syntactically valid site file: its JSON view and where each value is in the text.
#[derive(Debug, Clone)]
pub struct ParsedSite {
    /// The document as JSON, for JSON Schema validation and typed deserialization.
    pub json: Value,
    /// JSON Pointer → span.
    pub spans: SpanIndex,
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
    Ok(ParsedSite { json, spans })
}
