//! Validation: turns a parsed site into a `model::Site` or reports every problem it has.
//!
//! Stages run in a fixed order and later stages never see input an earlier one rejected:
//! plaintext secrets and the JSON Schema first, then typed deserialization, then the semantic
//! passes (values, names, references, placement), each collecting all of its findings.
//! Nothing here does I/O.

mod alerting;
mod build;
mod crosscheck;
mod go_number;
mod go_regex;
mod go_url;
mod promql;
mod receivers;
mod routing;
mod scale;
mod schema;
mod secrets;
mod targets;
mod values;

/// Entry points for the fuzz targets in `fuzz/`: each string checker, without the site around it.
#[doc(hidden)]
pub mod fuzz {
    /// PromQL, as rule expressions are checked.
    pub fn promql(text: &str) -> bool {
        super::alerting::promql(text).is_ok()
    }
    /// Whether the regex-matcher shortcut of the PromQL check agrees with the parser on `text`.
    pub fn promql_shortcut_is_sound(text: &str) -> bool {
        super::promql::shortcut_is_sound(text)
    }
    /// An Alertmanager matcher.
    pub fn matcher(text: &str) -> bool {
        super::alerting::matcher(text).is_ok()
    }
    /// A Go template in a rule annotation.
    pub fn template(text: &str) -> bool {
        super::alerting::template(text).is_ok()
    }
    /// A Prometheus duration.
    pub fn duration(text: &str) -> bool {
        super::values::duration(text).is_ok()
    }
    /// A Kubernetes quantity.
    pub fn quantity(text: &str) -> bool {
        super::values::quantity(text).is_ok()
    }
    /// An http(s) URL.
    pub fn url(text: &str) -> bool {
        super::values::http_url(text).is_ok()
    }
    /// A prometheus-adapter metrics query.
    pub fn adapter_query(text: &str) -> bool {
        super::alerting::adapter_query(text).is_ok()
    }
}
mod versions;

pub(crate) use promql::PromqlVerdicts;
pub use schema::{prepare, site_schema};

use serde::Deserialize as _;

use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::model::Site;
use crate::site::{ParsedSite, SpanIndex, raw::RawSite};
use values::Problem;

/// A valid site with any warnings about it.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The validated model.
    pub site: Site,
    /// Warnings (never errors).
    pub warnings: Diagnostics,
}

/// Validates a parsed site file, given the verdicts on its rules' PromQL (computed on other cores
/// while this one runs the stages before the semantic passes, which need them).
pub(crate) fn validate(parsed: &ParsedSite, promql: impl FnOnce() -> PromqlVerdicts) -> Result<Checked, Diagnostics> {
    let raw = deserialize(parsed);
    let promql = promql();
    let (raw, diagnostics) = raw?;
    let mut ctx = Ctx {
        spans: &parsed.spans,
        included: &parsed.included,
        promql: &promql,
        file: None,
        diagnostics,
    };
    let site = build::site(&mut ctx, &raw);
    if ctx.diagnostics.has_errors() {
        return Err(ctx.diagnostics);
    }
    match site {
        Some(site) => Ok(Checked {
            site,
            warnings: ctx.diagnostics,
        }),
        None => unreachable!("a site that failed to build always has an error"),
    }
}

/// The plaintext-secret scan, the schema and typed deserialization: the stages before the
/// semantic passes, which only run on a site that got through all three.
fn deserialize(parsed: &ParsedSite) -> Result<(RawSite, Diagnostics), Diagnostics> {
    let namespace = parsed
        .json
        .pointer("/site/namespace")
        .and_then(|v| v.as_str())
        .unwrap_or("monitoring");
    // The three read the same JSON, so they run side by side; the deserialized site is used only
    // if it passed the other two.
    let ((secret_findings, secret_pointers), schema_findings, raw) = std::thread::scope(|scope| {
        let secrets = scope.spawn(|| secrets::scan(&parsed.json, &parsed.spans, namespace));
        let raw = scope.spawn(|| RawSite::deserialize(&parsed.json));
        let schema_findings = schema::validate(&parsed.json, &parsed.spans);
        let (secrets, raw) = (secrets.join(), raw.join());
        (
            secrets.unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            schema_findings,
            raw.unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
        )
    });
    let mut diagnostics = Diagnostics::default();
    diagnostics.extend(secret_findings);
    diagnostics.extend(schema::without(schema_findings, &secret_pointers));
    if diagnostics.has_errors() {
        return Err(diagnostics);
    }
    match raw {
        Ok(raw) => Ok((raw, diagnostics)),
        Err(e) => {
            // The schema is generated from these types, so this means the two disagree: a promsite bug.
            diagnostics.push(Diagnostic::error(
                Code::SchemaInvalidValue,
                0..0,
                format!("internal: the site passed the schema but not deserialization: {e}"),
            ));
            Err(diagnostics)
        }
    }
}

/// State shared by the semantic passes: where things are, and what was found.
pub(crate) struct Ctx<'a> {
    spans: &'a SpanIndex,
    /// Files the site names, read by the caller.
    pub(crate) included: &'a crate::diag::Included,
    /// PromQL verdicts on the site's rule expressions, computed in parallel before the passes.
    pub(crate) promql: &'a promql::PromqlVerdicts,
    /// The included file `spans` index into; `None` for the site file.
    file: Option<String>,
    diagnostics: Diagnostics,
}

impl Ctx<'_> {
    // Pointers are `impl Display` so that hot passes can hand over `format_args!`: the pointer
    // string is only made when there is something to report.

    /// Reports an error at the value at `pointer`.
    pub(crate) fn error(&mut self, code: Code, pointer: impl std::fmt::Display, problem: Problem) {
        self.push(
            Diagnostic::error(code, self.spans.value(&pointer.to_string()), problem.message).with_help(problem.help),
        );
    }

    /// Reports an error at the key at `pointer`.
    pub(crate) fn error_at_key(&mut self, code: Code, pointer: impl std::fmt::Display, problem: Problem) {
        self.push(
            Diagnostic::error(code, self.spans.key(&pointer.to_string()), problem.message).with_help(problem.help),
        );
    }

    /// Reports a warning at the value at `pointer`.
    pub(crate) fn warning(&mut self, code: Code, pointer: impl std::fmt::Display, problem: Problem) {
        debug_assert!(code.is_warning(), "{code:?} is an error code");
        self.push(
            Diagnostic::warning(code, self.spans.value(&pointer.to_string()), problem.message).with_help(problem.help),
        );
    }

    fn push(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic.in_file(self.file.clone()));
    }

    /// Runs `f` with positions taken from an included file, and keeps what it reports.
    pub(crate) fn in_file<T>(&mut self, file: &str, spans: &SpanIndex, f: impl FnOnce(&mut Ctx<'_>) -> T) -> T {
        let mut inner = Ctx {
            spans,
            included: self.included,
            promql: self.promql,
            file: Some(file.to_owned()),
            diagnostics: Diagnostics::default(),
        };
        let result = f(&mut inner);
        self.diagnostics.extend(inner.diagnostics);
        result
    }

    /// Reports an error somewhere in an included file.
    pub(crate) fn error_in_file(&mut self, code: Code, file: &str, span: std::ops::Range<usize>, problem: Problem) {
        self.diagnostics.push(
            Diagnostic::error(code, span, problem.message)
                .with_help(problem.help)
                .in_file(Some(file.to_owned())),
        );
    }

    /// Keeps a checked value, or reports its problem at `pointer` and yields `None`.
    pub(crate) fn check<T>(
        &mut self,
        code: Code,
        pointer: impl std::fmt::Display,
        result: values::Checked<T>,
    ) -> Option<T> {
        result.map_err(|problem| self.error(code, pointer, problem)).ok()
    }

    /// Whether any error has been reported so far.
    pub(crate) fn failed(&self) -> bool {
        self.diagnostics.has_errors()
    }
}
