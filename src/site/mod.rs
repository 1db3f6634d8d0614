//! Reading a site file: TOML syntax, then a span index and a JSON view for the checks.
//! Nothing here judges the content; that is `check/`'s job.

pub mod exposure;
pub mod grafana;
pub mod images;
mod pointer;
pub mod raw;
pub mod resources;
pub mod rule_file;
pub mod scale;
pub mod scraping;
pub mod targets;

pub use pointer::{SpanIndex, escape};
use serde_json::Value;
use toml::de::DeValue;

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
        table: document.into_inner(),
        source,
    })
}

/// Texts of a site's inline rules, read from the TOML document before it is validated.
#[derive(Debug, Default)]
pub struct RuleTexts {
    /// Every rule's `expr`.
    pub expressions: Vec<String>,
    /// Every label and annotation value (Go templates).
    pub templates: Vec<String>,
}

/// A site file's TOML document, before its JSON view is built.
#[derive(Debug)]
pub struct Document<'a> {
    table: toml::de::DeTable<'a>,
    source: &'a SiteSource,
}

/// The items of an array value; none for anything else.
fn items<'v, 'a>(value: Option<&'v DeValue<'a>>) -> &'v [toml::Spanned<DeValue<'a>>] {
    match value {
        Some(DeValue::Array(items)) => items,
        _ => &[],
    }
}

/// The value of `key` in a table value.
fn get<'v, 'a>(value: &'v DeValue<'a>, key: &str) -> Option<&'v DeValue<'a>> {
    match value {
        DeValue::Table(table) => table.iter().find(|(k, _)| k.get_ref() == key).map(|(_, v)| v.get_ref()),
        _ => None,
    }
}

/// A string value, owned.
fn string(value: Option<&DeValue<'_>>) -> Option<String> {
    match value {
        Some(DeValue::String(text)) => Some(text.to_string()),
        _ => None,
    }
}

impl Document<'_> {
    /// The `expr` of every inline rule and the texts of their labels and annotations (which are
    /// templates), read before anything is validated (a value of the wrong type is skipped here
    /// and reported by the schema), so that their checks can start early.
    pub fn rule_texts(&self) -> RuleTexts {
        let mut texts = RuleTexts::default();
        for rule in items(self.top("rule_groups"))
            .iter()
            .flat_map(|group| items(get(group.get_ref(), "rules")))
        {
            let rule = rule.get_ref();
            texts.expressions.extend(string(get(rule, "expr")));
            for map in ["labels", "annotations"] {
                if let Some(DeValue::Table(map)) = get(rule, map) {
                    texts
                        .templates
                        .extend(map.iter().filter_map(|(_, v)| string(Some(v.get_ref()))));
                }
            }
        }
        texts
    }

    /// The `rule_files` patterns, read early like [`Document::rule_texts`].
    pub fn rule_file_patterns(&self) -> Vec<String> {
        items(self.top("rule_files"))
            .iter()
            .filter_map(|item| string(Some(item.get_ref())))
            .collect()
    }

    /// The value of a top-level key.
    fn top(&self, key: &str) -> Option<&DeValue<'_>> {
        self.table
            .iter()
            .find(|(k, _)| k.get_ref() == key)
            .map(|(_, v)| v.get_ref())
    }

    /// The JSON view and span index the checks work on.
    pub fn into_parsed(self) -> ParsedSite {
        ParsedSite {
            json: pointer::json(&self.table),
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
        .any(|word| text.contains(word))
    {
        return Includes::default();
    }
    let Ok(document) = toml::from_str::<toml::Table>(text) else {
        return Includes::default();
    };
    let strings = |value: Option<&toml::Value>| -> Vec<String> {
        value
            .and_then(toml::Value::as_array)
            .map(|items| items.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
            .unwrap_or_default()
    };
    let mut globs = strings(document.get("rule_files"));
    if let Some(dir) = document
        .get("grafana")
        .and_then(|g| g.get("dashboards"))
        .and_then(toml::Value::as_str)
    {
        globs.push(dashboards_pattern(dir));
    }
    if let Some(dir) = document
        .get("operator")
        .and_then(|g| g.get("crds_path"))
        .and_then(toml::Value::as_str)
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
