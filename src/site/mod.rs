//! Reading a site file: TOML syntax, then a span index and a JSON view for the checks.
//! Nothing here judges the content; that is `check/`'s job.

pub mod exposure;
mod fast_toml;
pub mod grafana;
pub mod images;
mod pointer;
pub mod raw;
pub mod resources;
pub mod rule_file;
pub mod scale;
pub mod scraping;
pub mod targets;

#[doc(hidden)]
pub use fast_toml::agrees as fast_toml_agrees;
pub(crate) use pointer::unescape;
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

/// The largest site file promsite reads: far beyond any real site (an XL synthetic site with
/// 20,000 rules is about 5 MiB), and small enough that memory stays bounded on a CI runner.
pub const MAX_SITE_BYTES: usize = 16 * 1024 * 1024;

/// Parses the TOML text, reporting every syntax error the parser can recover from.
pub fn parse_document(source: &SiteSource) -> Result<Document<'_>, Diagnostics> {
    if source.text.len() > MAX_SITE_BYTES {
        let mut diagnostics = Diagnostics::default();
        diagnostics.push(too_large(source.text.len()));
        return Err(diagnostics);
    }
    if let Some(json) = fast_toml::json(&source.text) {
        return Ok(Document { json, source });
    }
    let (document, errors) = toml::de::DeTable::parse_recoverable(&source.text);
    if !errors.is_empty() {
        let mut diagnostics = Diagnostics::default();
        for error in errors {
            let span = error.span().unwrap_or(0..0);
            diagnostics.push(
                Diagnostic::error(
                    Code::TomlSyntax,
                    span,
                    format!("invalid TOML: {}", error.message().trim_end()),
                )
                .with_label("here")
                .with_help("fix the TOML syntax; see https://toml.io/en/v1.0.0"),
            );
        }
        return Err(diagnostics);
    }
    Ok(Document {
        json: json_of(document),
        source,
    })
}

/// The JSON view of a document the TOML parser read (which is then not needed).
fn json_of(document: toml::Spanned<toml::de::DeTable<'_>>) -> Value {
    let json = pointer::json(document.get_ref());
    crate::parallel::drop_unless_exiting(document);
    json
}

/// The JSON view of a TOML text that parses.
fn json_view(text: &str) -> Option<Value> {
    json_view_with(text, true)
}

/// [`json_view`], with the fast reading or with the TOML parser alone.
pub(crate) fn json_view_with(text: &str, fast: bool) -> Option<Value> {
    fast.then(|| fast_toml::json(text))
        .flatten()
        .or_else(|| toml::de::DeTable::parse(text).ok().map(json_of))
}

/// Texts of a site's inline rules, read from the TOML document before it is validated.
#[derive(Debug, Default)]
pub struct RuleTexts {
    /// Every rule's `expr`.
    pub expressions: Vec<String>,
    /// Every label and annotation value (Go templates).
    pub templates: Vec<String>,
}

/// A site file's TOML document read into its JSON view, before its span index is built.
#[derive(Debug)]
pub struct Document<'a> {
    json: Value,
    source: &'a SiteSource,
}

/// The items of an array value; none for anything else.
fn items(value: Option<&Value>) -> &[Value] {
    value.and_then(Value::as_array).map_or(&[], Vec::as_slice)
}

/// The value of `key` in a table value.
fn get<'v>(value: &'v Value, key: &str) -> Option<&'v Value> {
    value.as_object().and_then(|table| table.get(key))
}

/// A string value, owned.
fn string(value: Option<&Value>) -> Option<String> {
    value.and_then(Value::as_str).map(str::to_owned)
}

impl Document<'_> {
    /// The `expr` of every inline rule and the texts of their labels and annotations (which are
    /// templates), read before anything is validated (a value of the wrong type is skipped here
    /// and reported by the schema), so that their checks can start early.
    pub fn rule_texts(&self) -> RuleTexts {
        let mut texts = RuleTexts::default();
        for rule in items(self.top("rule_groups"))
            .iter()
            .flat_map(|group| items(get(group, "rules")))
        {
            texts.expressions.extend(string(get(rule, "expr")));
            for map in ["labels", "annotations"] {
                if let Some(Value::Object(map)) = get(rule, map) {
                    texts.templates.extend(map.values().filter_map(|v| string(Some(v))));
                }
            }
        }
        texts
    }

    /// The `rule_files` patterns, read early like [`Document::rule_texts`].
    pub fn rule_file_patterns(&self) -> Vec<String> {
        items(self.top("rule_files"))
            .iter()
            .filter_map(|item| string(Some(item)))
            .collect()
    }

    /// The value of a top-level key.
    fn top(&self, key: &str) -> Option<&Value> {
        get(&self.json, key)
    }

    /// The JSON view and span index the checks work on.
    pub fn into_parsed(self) -> ParsedSite {
        ParsedSite {
            json: self.json,
            spans: SpanIndex::of_toml(self.source.text.clone()),
            included: self.source.included.clone(),
        }
    }
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

/// Lists the files `text` names (`alertmanager.templates`, `rule_files`, `grafana.dashboards`).
pub fn includes(text: &str) -> Includes {
    // Parsing a large site just to learn that it names no file costs as much as checking it: skip
    // the parse when no key that names files appears (an escaped key can spell one, so `\u` parses).
    if !["templates", "rule_files", "dashboards", "crds_path", "\\u", "\\U"]
        .iter()
        .any(|word| memchr::memmem::find(text.as_bytes(), word.as_bytes()).is_some())
    {
        return Includes::default();
    }
    let Some(document) = json_view(text) else {
        return Includes::default();
    };
    let strings =
        |value: Option<&Value>| -> Vec<String> { items(value).iter().filter_map(|v| string(Some(v))).collect() };
    let mut globs = strings(document.get("rule_files"));
    if let Some(dir) = document
        .get("grafana")
        .and_then(|g| g.get("dashboards"))
        .and_then(Value::as_str)
    {
        globs.push(dashboards_pattern(dir));
    }
    if let Some(dir) = document
        .get("operator")
        .and_then(|g| g.get("crds_path"))
        .and_then(Value::as_str)
    {
        globs.push(crds_pattern(dir));
    }
    Includes {
        files: strings(document.get("alertmanager").and_then(|a| a.get("templates"))),
        globs,
    }
}

/// The pattern that finds the CRD files of `operator.crds_path = dir`.
pub fn crds_pattern(dir: &str) -> String {
    format!("{}/**/*.yaml", dir.trim_end_matches('/'))
}

/// The pattern that finds the dashboards of `grafana.dashboards = dir`.
pub fn dashboards_pattern(dir: &str) -> String {
    format!("{}/**/*.json", dir.trim_end_matches('/'))
}

/// The diagnostic for a site file of `bytes` bytes, over [`MAX_SITE_BYTES`].
pub fn too_large(bytes: usize) -> Diagnostic {
    Diagnostic::error(Code::SiteTooLarge, 0..0, format!("the site file is {} MiB; promsite reads at most {} MiB", bytes.div_ceil(1024 * 1024), MAX_SITE_BYTES / (1024 * 1024)))
        .with_label("this file")
        .with_help("split the site, or move rules into several smaller sites; a site file this large is almost certainly generated by mistake")
}
