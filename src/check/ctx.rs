//! The context every semantic pass writes to: where values are in the site (or an included file),
//! what was read before the passes, what has been reported, and the checks every section shares.

use std::collections::BTreeSet;

use super::ahead::{Ahead, ParsedRuleFiles, TemplateVerdicts};
use super::syntax::promql::PromqlVerdicts;
use super::syntax::values::{self, Problem};
use crate::diag::{Code, Diagnostic, Diagnostics, Included};
use crate::model::{Duration, SecretKeyRef};
use crate::site::SpanIndex;

/// State shared by the semantic passes: where things are, and what was found.
pub(crate) struct Ctx<'a> {
    spans: &'a SpanIndex,
    /// Files the site names, read by the caller.
    pub(crate) included: &'a Included,
    /// PromQL verdicts on the site's rule expressions, computed in parallel before the passes.
    pub(crate) promql: &'a PromqlVerdicts,
    /// Verdicts on the rules' label and annotation templates, computed in parallel before the passes.
    pub(crate) templates: &'a TemplateVerdicts,
    /// The rule files, parsed in parallel before the passes.
    pub(crate) rule_files: &'a ParsedRuleFiles,
    /// The included file `spans` index into; `None` for the site file.
    file: Option<String>,
    diagnostics: Diagnostics,
}

impl<'a> Ctx<'a> {
    /// A context for the site file, keeping what the stages before the passes reported.
    pub(super) fn new(
        spans: &'a SpanIndex,
        included: &'a Included,
        ahead: &'a Ahead,
        diagnostics: Diagnostics,
    ) -> Self {
        Ctx {
            spans,
            included,
            promql: &ahead.promql,
            templates: &ahead.templates,
            rule_files: &ahead.rule_files,
            file: None,
            diagnostics,
        }
    }

    /// Everything reported.
    pub(super) fn finish(self) -> Diagnostics {
        self.diagnostics
    }

    /// A context over the same site and verdicts that has reported nothing yet: one thread's
    /// share of a pass, whose reports [`Ctx::absorb`] keeps.
    pub(crate) fn fork(&self) -> Ctx<'a> {
        Ctx {
            spans: self.spans,
            included: self.included,
            promql: self.promql,
            templates: self.templates,
            rule_files: self.rule_files,
            file: self.file.clone(),
            diagnostics: Diagnostics::default(),
        }
    }

    /// Keeps what a [`Ctx::fork`] of this context reported, after what this one has.
    pub(crate) fn absorb(&mut self, fork: Ctx<'_>) {
        self.diagnostics.extend(fork.diagnostics);
    }
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
            file: Some(file.to_owned()),
            ..self.fork()
        };
        let result = f(&mut inner);
        self.absorb(inner);
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

    /// Reports a warning somewhere in an included file.
    pub(crate) fn warning_in_file(&mut self, code: Code, file: &str, span: std::ops::Range<usize>, problem: Problem) {
        debug_assert!(code.is_warning(), "{code:?} is an error code");
        self.diagnostics.push(
            Diagnostic::warning(code, span, problem.message)
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

    /// Reports the second and later uses of each name.
    pub(crate) fn unique<'n>(&mut self, what: &str, names: impl IntoIterator<Item = (String, &'n str)>) {
        let mut seen = BTreeSet::new();
        for (pointer, name) in names {
            if !seen.insert(name) {
                self.error(
                    Code::NameDuplicate,
                    &pointer,
                    Problem::new(
                        format!("{what} `{name}` is declared twice"),
                        format!("give each {what} a unique name, or remove one"),
                    ),
                );
            }
        }
    }

    /// An optional duration, checked.
    pub(crate) fn duration(&mut self, pointer: impl std::fmt::Display, text: Option<&String>) -> Option<Duration> {
        text.and_then(|t| self.check(Code::ValueDuration, pointer, values::duration(t)))
    }

    /// A reference to a key of a Secret: a valid Secret name and key.
    pub(crate) fn secret_ref(&mut self, pointer: &str, raw: &SecretKeyRef) -> SecretKeyRef {
        self.check(
            Code::NameInvalid,
            format!("{pointer}/secret"),
            values::dns_subdomain(&raw.secret),
        );
        self.secret_key(&format!("{pointer}/key"), &raw.key);
        raw.clone()
    }

    /// Secret data keys: letters, digits, `-`, `_` and `.` (they become file names when mounted).
    pub(crate) fn secret_key(&mut self, pointer: &str, key: &str) {
        let valid = !key.is_empty()
            && key.len() <= 253
            && key != "."
            && key != ".."
            && key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
        if !valid {
            self.error(
                Code::NameInvalid,
                pointer,
                Problem::new(
                    format!("`{key}` is not a valid Secret key"),
                    "Secret keys are letters, digits, `-`, `_` and `.`",
                ),
            );
        }
    }

    /// Refuses a name promsite gives one of its own objects of this kind.
    pub(crate) fn reserved(&mut self, pointer: &str, name: &str, kind: &str, names: &[&str]) {
        if names.contains(&name) {
            self.error(
                Code::NameCollision,
                pointer,
                Problem::new(
                    format!("promsite already generates a {kind} named `{name}`"),
                    "choose another name",
                ),
            );
        }
    }
}
