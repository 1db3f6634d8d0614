//! Diagnostics as text, in every format the command line offers: `human` (miette reports),
//! `json` (one document), `github` (Actions workflow commands) and `gitlab` (a Code Quality
//! report). Each function is pure and returns the text; `cli` prints or writes it.

use std::fmt::Write as _;

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{Code, Diagnostics, Locator, Severity, SiteSource};

/// The most reports `render` prints for one file: past that, a flood of one mistake repeated
/// (a generated site gone wrong) would bury the summary and take minutes to print.
pub const MAX_RENDERED: usize = 100;

/// Renders diagnostics as text: each as `path:line:column: code` followed by miette's report
/// (source excerpt, label, help), then a summary line. Pure: the caller prints it.
pub fn render(source: &SiteSource, diagnostics: Diagnostics, color: bool, width: usize) -> String {
    let (errors, warnings) = (diagnostics.error_count(), diagnostics.warning_count());
    let theme = if color {
        miette::GraphicalTheme::unicode()
    } else {
        miette::GraphicalTheme::unicode_nocolor()
    };
    let handler = miette::GraphicalReportHandler::new_themed(theme).with_width(width);
    let mut text = String::new();
    let sorted = diagnostics.sorted();
    let locator = Locator::new(source);
    for diagnostic in sorted.iter().take(MAX_RENDERED) {
        let (path, line, column) = locator.locate(diagnostic, diagnostic.span.start);
        text.push_str(&format!("{path}:{line}:{column}: "));
        if handler.render_report(&mut text, &diagnostic.report(source)).is_err() {
            text.push_str(&diagnostic.message);
        }
        text.push('\n');
    }
    if let Some(hidden) = sorted.len().checked_sub(MAX_RENDERED).filter(|&n| n > 0) {
        text.push_str(&format!(
            "{}: {hidden} more not shown (the first {MAX_RENDERED} are above; `--format json` lists all)\n",
            source.path
        ));
    }
    if errors + warnings > 0 {
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        text.push_str(&format!(
            "{}: {}, {}\n",
            source.path,
            plural(errors, "error"),
            plural(warnings, "warning")
        ));
    }
    text
}

/// A diagnostic resolved to positions in its file: what every machine-readable format is built
/// from. The field names are the JSON format's, and they are stable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Located {
    /// The site file's path, as given on the command line.
    pub file: String,
    /// One-based line of the first character.
    pub line: usize,
    /// One-based column of the first character, counted in characters.
    pub column: usize,
    /// One-based line where the span ends.
    pub end_line: usize,
    /// One-based column just past the last character (exclusive, as in LSP and ruff).
    pub end_column: usize,
    /// The stable code, e.g. `schema::unknown-key`.
    pub code: Code,
    /// `error` or `warning`.
    pub severity: Severity,
    /// One sentence naming the problem.
    pub message: String,
    /// How to fix it, or `null` when no fix is known.
    pub help: Option<String>,
}

/// Resolves a file's diagnostics to line and column positions, in the stable sort order.
pub fn locate(source: &SiteSource, diagnostics: Diagnostics) -> Vec<Located> {
    let locator = Locator::new(source);
    diagnostics
        .sorted()
        .into_iter()
        .map(|d| {
            let (file, line, column) = locator.locate(&d, d.span.start);
            let (_, end_line, end_column) = locator.locate(&d, d.span.end);
            Located {
                file,
                line,
                column,
                end_line,
                end_column,
                code: d.code,
                severity: d.severity,
                message: d.message,
                help: d.help,
            }
        })
        .collect()
}

/// Version of the JSON document's shape; raised only when a field changes meaning or goes away.
const JSON_VERSION: u32 = 1;

#[derive(Serialize)]
struct JsonDocument<'a> {
    version: u32,
    errors: usize,
    warnings: usize,
    diagnostics: &'a [Located],
}

/// One JSON document listing every diagnostic: `{"version", "errors", "warnings", "diagnostics"}`.
pub fn json(diagnostics: &[Located]) -> String {
    let document = JsonDocument {
        version: JSON_VERSION,
        errors: diagnostics.iter().filter(|d| d.severity == Severity::Error).count(),
        warnings: diagnostics.iter().filter(|d| d.severity == Severity::Warning).count(),
        diagnostics,
    };
    // Serializing plain strings and numbers cannot fail.
    serde_json::to_string_pretty(&document)
        .map(|text| text + "\n")
        .unwrap_or_default()
}

/// GitHub Actions workflow commands, one line per diagnostic, which GitHub shows as annotations
/// on the pull request's lines: `::error file=…,line=…,col=…,endLine=…,endColumn=…,title=<code>::<message> — <help>`.
pub fn github(diagnostics: &[Located]) -> String {
    let mut text = String::new();
    for d in diagnostics {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let message = match &d.help {
            Some(help) => format!("{} — {help}", d.message),
            None => d.message.clone(),
        };
        text.push_str(&format!(
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
            github_property(&d.file),
            d.line,
            d.column,
            d.end_line,
            d.end_column,
            github_property(d.code.id()),
            github_data(&message)
        ));
    }
    text
}

/// A workflow command without a file, for problems that are not about a position in a site.
pub fn github_error(message: &str) -> String {
    format!("::error::{}\n", github_data(message))
}

/// Escapes a workflow command's message, as the runner decodes it.
fn github_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a workflow command's property value: the message's escapes plus `:` and `,`, which
/// separate properties.
fn github_property(text: &str) -> String {
    github_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[derive(Serialize)]
struct CodeQualityIssue<'a> {
    description: String,
    check_name: &'a str,
    fingerprint: String,
    severity: &'a str,
    location: CodeQualityLocation<'a>,
}

#[derive(Serialize)]
struct CodeQualityLocation<'a> {
    path: &'a str,
    lines: CodeQualityLines,
}

#[derive(Serialize)]
struct CodeQualityLines {
    begin: usize,
}

/// A GitLab Code Quality report (a JSON array of issues) for merge-request widgets.
///
/// Errors are `major`, warnings `minor`. The fingerprint is the SHA-256 of the path, code and
/// message, so an issue keeps its identity when lines move above it; identical issues in one
/// file get their occurrence number mixed in to stay distinct.
pub fn gitlab(diagnostics: &[Located]) -> String {
    let mut seen: std::collections::BTreeMap<(&str, &str, &str), usize> = std::collections::BTreeMap::new();
    let issues: Vec<CodeQualityIssue<'_>> = diagnostics
        .iter()
        .map(|d| {
            let occurrence = seen
                .entry((d.file.as_str(), d.code.id(), d.message.as_str()))
                .or_default();
            let mut hasher = Sha256::new();
            for part in [d.file.as_str(), d.code.id(), d.message.as_str()] {
                hasher.update(part.as_bytes());
                hasher.update([0]);
            }
            if *occurrence > 0 {
                hasher.update(occurrence.to_string().as_bytes());
            }
            *occurrence += 1;
            let fingerprint = hasher.finalize().iter().fold(String::new(), |mut hex, b| {
                let _ = write!(hex, "{b:02x}");
                hex
            });
            CodeQualityIssue {
                description: match &d.help {
                    Some(help) => format!("{} — {help}", d.message),
                    None => d.message.clone(),
                },
                check_name: d.code.id(),
                fingerprint,
                severity: match d.severity {
                    Severity::Error => "major",
                    Severity::Warning => "minor",
                },
                location: CodeQualityLocation {
                    path: &d.file,
                    lines: CodeQualityLines { begin: d.line },
                },
            }
        })
        .collect();
    serde_json::to_string_pretty(&issues)
        .map(|text| text + "\n")
        .unwrap_or_default()
}

/// The long explanation of a code as Markdown: what, why, how to fix, and the example.
pub fn explain(code: Code) -> String {
    let e = code.explanation();
    let severity = match code.severity() {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    format!(
        "# {id} ({severity})\n\n## What it means\n\n{what}\n\n## Why it is a problem\n\n{why}\n\n## How to fix it\n\n{fix}\n\n\
         ## Example\n\nThis part of a site file reports `{id}`:\n\n```toml\n{bad}```\n\nFixed:\n\n```toml\n{fixed}```\n",
        id = code.id(),
        what = e.what,
        why = e.why,
        fix = e.fix,
        bad = e.example.bad,
        fixed = e.example.fixed,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Diagnostic;

    fn sample() -> Vec<Located> {
        let source = SiteSource::new("sites/a,b:c.toml", "[site]\nname = \"x\"\nretension = 1\n");
        let mut diagnostics = Diagnostics::default();
        diagnostics.push(
            Diagnostic::error(Code::SchemaUnknownKey, 18..27, "unknown key `retension` in `site`")
                .with_help("did you mean `retention`?\n100% sure"),
        );
        diagnostics.push(Diagnostic::warning(Code::PrometheusAdminApi, 7..11, "admin API"));
        locate(&source, diagnostics)
    }

    #[test]
    fn locate_gives_one_based_positions_with_an_exclusive_end() {
        let located = sample();
        assert_eq!(located.len(), 2);
        assert_eq!(
            (
                located[0].line,
                located[0].column,
                located[0].end_line,
                located[0].end_column
            ),
            (2, 1, 2, 5)
        );
        assert_eq!(
            (
                located[1].line,
                located[1].column,
                located[1].end_line,
                located[1].end_column
            ),
            (3, 1, 3, 10)
        );
    }

    #[test]
    fn json_has_stable_field_names_and_counts() {
        let value: serde_json::Value = serde_json::from_str(&json(&sample())).expect("valid JSON");
        assert_eq!(value["version"], 1);
        assert_eq!(
            (value["errors"].as_u64(), value["warnings"].as_u64()),
            (Some(1), Some(1))
        );
        let first = &value["diagnostics"][1];
        let keys: Vec<&str> = first.as_object().expect("object").keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "code",
                "column",
                "end_column",
                "end_line",
                "file",
                "help",
                "line",
                "message",
                "severity"
            ]
        );
        assert_eq!(first["code"], "schema::unknown-key");
        assert_eq!(first["severity"], "error");
        assert_eq!(value["diagnostics"][0]["help"], serde_json::Value::Null);
    }

    #[test]
    fn github_escapes_properties_and_data() {
        let text = github(&sample());
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "::warning file=sites/a%2Cb%3Ac.toml,line=2,col=1,endLine=2,endColumn=5,title=prometheus%3A%3Aadmin-api::admin API"
        );
        assert_eq!(
            lines[1],
            "::error file=sites/a%2Cb%3Ac.toml,line=3,col=1,endLine=3,endColumn=10,title=schema%3A%3Aunknown-key::unknown key `retension` in `site` — did you mean `retention`?%0A100%25 sure"
        );
        assert_eq!(github_error("a\r\nb: 5%"), "::error::a%0D%0Ab: 5%25\n");
    }

    #[test]
    fn gitlab_fingerprints_are_stable_and_distinct() {
        let mut located = sample();
        let report: serde_json::Value = serde_json::from_str(&gitlab(&located)).expect("valid JSON");
        assert_eq!(report[1]["check_name"], "schema::unknown-key");
        assert_eq!(report[1]["severity"], "major");
        assert_eq!(report[0]["severity"], "minor");
        assert_eq!(report[1]["location"]["path"], "sites/a,b:c.toml");
        assert_eq!(report[1]["location"]["lines"]["begin"], 3);
        let fingerprint = report[1]["fingerprint"].as_str().expect("string").to_owned();
        assert_eq!(fingerprint.len(), 64);
        // Moving the problem to another line keeps its identity; a twin gets its own.
        located[1].line = 30;
        located.push(located[1].clone());
        let moved: serde_json::Value = serde_json::from_str(&gitlab(&located)).expect("valid JSON");
        assert_eq!(moved[1]["fingerprint"], fingerprint.as_str());
        assert_ne!(moved[2]["fingerprint"], moved[1]["fingerprint"]);
    }
}
