//! Diagnostics about a site file: a stable code, a severity, a byte span into the TOML and help.
//! `format` turns them into text (human, JSON, GitHub workflow commands, GitLab Code Quality);
//! nothing here prints: that is `cli`'s job.

mod code;
mod explain;
mod format;

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

pub use code::Code;
pub use explain::{Example, Explanation};
pub use format::{Located, MAX_RENDERED, explain, github, github_error, gitlab, json, locate, render};
use miette::{LabeledSpan, NamedSource, SourceSpan};

/// How bad a diagnostic is. Errors stop compilation; warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The site cannot be compiled.
    Error,
    /// The site compiles, but something deserves a look.
    Warning,
}

/// A site file as read from disk: its display path and its text, and the files it names.
#[derive(Debug, Clone)]
pub struct SiteSource {
    /// Path as given on the command line (used only for display).
    pub path: String,
    /// The file's contents.
    pub text: Arc<str>,
    /// The files the site names (templates, rule files), read by the caller.
    pub included: Included,
}

/// Files a site names, read by the caller so that checking stays free of I/O. Paths are as the
/// site writes them, relative to the site file, with `/` separators.
#[derive(Debug, Clone, Default)]
pub struct Included {
    /// Path → contents, or why the file could not be read.
    pub files: BTreeMap<String, Result<Arc<str>, String>>,
    /// Glob pattern → the files it matched, sorted (each also in `files`), or why it could not be expanded.
    pub globs: BTreeMap<String, Result<Vec<String>, String>>,
}

impl SiteSource {
    /// The size of the site file and of every file it names that could be read.
    pub fn bytes(&self) -> usize {
        self.text.len()
            + self
                .included
                .files
                .values()
                .map(|file| file.as_ref().map_or(0, |text| text.len()))
                .sum::<usize>()
    }

    /// Wraps a path and text (with no included files).
    pub fn new(path: impl Into<String>, text: impl Into<Arc<str>>) -> Self {
        Self {
            path: path.into(),
            text: text.into(),
            included: Included::default(),
        }
    }

    /// Adds the files the site names.
    #[must_use]
    pub fn with_included(mut self, included: Included) -> Self {
        self.included = included;
        self
    }

    /// One-based line and column of a byte offset (columns count characters).
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        LineStarts::new(&self.text).line_col(&self.text, offset)
    }

    /// The display path and text of the file a diagnostic points into: the site file, or an
    /// included file shown by its path next to the site file's.
    pub fn file_of(&self, diagnostic: &Diagnostic) -> (String, Arc<str>) {
        let Some(file) = &diagnostic.file else {
            return (self.path.clone(), Arc::clone(&self.text));
        };
        let dir = std::path::Path::new(&self.path)
            .parent()
            .map(|d| d.to_string_lossy().into_owned())
            .filter(|d| !d.is_empty());
        let path = dir.map_or_else(|| file.clone(), |d| format!("{d}/{file}"));
        let text = self
            .included
            .files
            .get(file)
            .and_then(|r| r.as_ref().ok())
            .map_or_else(|| Arc::from(""), Arc::clone);
        (path, text)
    }

    /// Display path, line and column of a diagnostic, in whichever file it points into.
    pub fn locate(&self, diagnostic: &Diagnostic) -> (String, usize, usize) {
        Locator::new(self).locate(diagnostic, diagnostic.span.start)
    }
}

/// Finds the lines of many diagnostics: it indexes the site file's lines once, on the first
/// diagnostic, so that locating thousands of them in a large file does not rescan it from the
/// start for each, and a site without any does not index it at all.
pub(crate) struct Locator<'a> {
    source: &'a SiteSource,
    site_lines: std::cell::OnceCell<LineStarts>,
}

impl<'a> Locator<'a> {
    pub(crate) fn new(source: &'a SiteSource) -> Self {
        Self {
            source,
            site_lines: std::cell::OnceCell::new(),
        }
    }

    /// Display path, line and column of `offset` in the file `diagnostic` points into.
    pub(crate) fn locate(&self, diagnostic: &Diagnostic, offset: usize) -> (String, usize, usize) {
        let (path, text) = self.source.file_of(diagnostic);
        let (line, column) = match diagnostic.file {
            None => self
                .site_lines
                .get_or_init(|| LineStarts::new(&self.source.text))
                .line_col(&text, offset),
            Some(_) => LineStarts::new(&text).line_col(&text, offset),
        };
        (path, line, column)
    }
}

/// Byte offsets at which the lines of a text start.
#[derive(Debug, Clone)]
struct LineStarts(Vec<usize>);

impl LineStarts {
    fn new(text: &str) -> Self {
        Self(
            std::iter::once(0)
                .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1))
                .collect(),
        )
    }

    fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self.0.partition_point(|&start| start <= offset);
        let start = self.0.get(line.wrapping_sub(1)).copied().unwrap_or(0);
        (line.max(1), text[start..offset].chars().count() + 1)
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// One problem found in a site file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// What kind of problem this is.
    pub code: Code,
    /// Error or warning.
    pub severity: Severity,
    /// One sentence naming the problem.
    pub message: String,
    /// The file the span is in: `None` for the site file, or a path from `Included::files`
    /// (a rule file the site names).
    pub file: Option<String>,
    /// Byte range in that file that the problem is about.
    pub span: std::ops::Range<usize>,
    /// Short text shown under the span.
    pub label: String,
    /// How to fix it, where a fix is known.
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error at `span`.
    pub fn error(code: Code, span: std::ops::Range<usize>, message: impl Into<String>) -> Self {
        Self {
            code,
            severity: Severity::Error,
            message: message.into(),
            file: None,
            span,
            label: String::new(),
            help: None,
        }
    }

    /// A warning at `span`.
    pub fn warning(code: Code, span: std::ops::Range<usize>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(code, span, message)
        }
    }

    /// Places the span in an included file instead of the site file.
    #[must_use]
    pub fn in_file(mut self, file: Option<String>) -> Self {
        self.file = file;
        self
    }

    /// Sets the text under the span.
    #[must_use]
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    /// Sets the help text.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// A miette report of this diagnostic against its source, for printing.
    pub fn report(&self, source: &SiteSource) -> Report {
        let (path, text) = source.file_of(self);
        Report {
            diagnostic: self.clone(),
            source: NamedSource::new(path, FileText(text)),
        }
    }
}

/// All diagnostics of one site file, kept in a stable order: by position, then code, then message.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    /// Adds one diagnostic.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    /// Adds many diagnostics.
    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(other);
    }

    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|d| d.severity == Severity::Error)
    }

    /// Number of errors.
    pub fn error_count(&self) -> usize {
        self.0.iter().filter(|d| d.severity == Severity::Error).count()
    }

    /// Number of warnings.
    pub fn warning_count(&self) -> usize {
        self.0.iter().filter(|d| d.severity == Severity::Warning).count()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The diagnostics sorted by span start, code and message (never by the order checks ran).
    pub fn sorted(mut self) -> Vec<Diagnostic> {
        // The site file first, then each included file in path order.
        self.0.sort_by(|a, b| {
            (&a.file, a.span.start, a.code, &a.message, a.span.end).cmp(&(
                &b.file,
                b.span.start,
                b.code,
                &b.message,
                b.span.end,
            ))
        });
        self.0.dedup();
        self.0
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

/// A diagnostic bound to its source text, rendered by miette.
#[derive(Debug)]
pub struct Report {
    diagnostic: Diagnostic,
    source: NamedSource<FileText>,
}

/// A file's text as miette reads it for a report: from a few lines before the span instead of
/// from the first byte. miette counts lines from the start of the text on every read, so 40
/// errors near the end of a 1.4 MB site took 2.9 billion instructions (0.3 s) to print. The
/// window starts at a line start at least one line more than the context before the span, where
/// miette's reading of the rest is the same as from the start; line numbers and offsets are
/// shifted by what lies before the window.
#[derive(Debug)]
struct FileText(Arc<str>);

impl miette::SourceCode for FileText {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let bytes = self.0.as_bytes();
        let start = window_start(bytes, span.offset().min(bytes.len()), context_lines_before + 1);
        let shifted = SourceSpan::new((span.offset() - start).into(), span.len());
        let window = <[u8] as miette::SourceCode>::read_span(
            &bytes[start..],
            &shifted,
            context_lines_before,
            context_lines_after,
        )?;
        let lines = line_breaks(&bytes[..start]);
        Ok(Box::new(miette::MietteSpanContents::new(
            window.data(),
            SourceSpan::new((window.span().offset() + start).into(), window.span().len()),
            window.line() + lines,
            window.column(),
            window.line_count() + lines,
        )))
    }
}

/// The start of the line `lines` lines before the one holding `offset` (lines end at `\n`), or 0.
fn window_start(bytes: &[u8], offset: usize, lines: usize) -> usize {
    let mut start = memchr::memrchr(b'\n', &bytes[..offset]).map_or(0, |at| at + 1);
    for _ in 0..lines {
        if start == 0 {
            break;
        }
        start = memchr::memrchr(b'\n', &bytes[..start - 1]).map_or(0, |at| at + 1);
    }
    start
}

/// Line breaks as miette counts them: `\n`, `\r\n` and a lone `\r`, one each.
fn line_breaks(bytes: &[u8]) -> usize {
    let newlines = crate::find::count_bytes(bytes, |b| b == b'\n');
    let lone_returns = memchr::memchr_iter(b'\r', bytes)
        .filter(|&at| bytes.get(at + 1) != Some(&b'\n'))
        .count();
    newlines + lone_returns
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl std::error::Error for Report {}

impl miette::Diagnostic for Report {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.diagnostic.code.id()))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.diagnostic
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = &self.diagnostic.span;
        let label = (!self.diagnostic.label.is_empty()).then(|| self.diagnostic.label.clone());
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            label,
            SourceSpan::new(span.start.into(), span.end - span.start),
        ))))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use miette::{SourceCode, SourceSpan, SpanContents};

    use super::FileText;

    /// What a read returned, to compare.
    fn read(source: &dyn SourceCode, span: SourceSpan, before: usize, after: usize) -> Option<String> {
        source
            .read_span(&span, before, after)
            .ok()
            .map(|contents: Box<dyn SpanContents<'_> + '_>| {
                format!(
                    "{:?} {:?} line {} column {} lines {}",
                    String::from_utf8_lossy(contents.data()),
                    contents.span(),
                    contents.line(),
                    contents.column(),
                    contents.line_count()
                )
            })
    }

    /// The windowed read gives what miette's own read of the whole text gives, on texts with
    /// every kind of line break, at every span start and a few lengths, with 0 to 3 context lines.
    #[test]
    fn the_windowed_read_is_miettes_read() {
        let mut random = crate::test_texts::Random::new(5);
        let mut compared = 0;
        for _ in 0..300 {
            let text = random.text(&["a", "bc", " ", "\n", "\r\n", "\r", "é", "key = 1\n", "\n\n"], 24);
            let whole: Arc<str> = text.as_str().into();
            let windowed = FileText(Arc::clone(&whole));
            for offset in 0..=text.len() {
                for length in [0, 1, 3, 12] {
                    for (before, after) in [(0, 0), (1, 1), (2, 3), (3, 0)] {
                        let span = SourceSpan::new(offset.into(), length);
                        let theirs = read(&whole, span, before, after);
                        assert_eq!(
                            read(&windowed, span, before, after),
                            theirs,
                            "{text:?} at {offset}+{length}, {before} before, {after} after"
                        );
                        compared += usize::from(theirs.is_some());
                    }
                }
            }
        }
        assert!(compared > 10_000, "only {compared} reads compared");
    }
}
