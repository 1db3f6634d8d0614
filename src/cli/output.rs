//! Where and how the commands that check sites print: diagnostics in the chosen format, progress
//! lines, errors, and diffs, in colour or not.

use std::io::{IsTerminal, Write};

use anstyle::{AnsiColor, Style};

use super::{ColorChoice, Format, Reporting, Status};
use crate::diag::{self, Diagnostics, SiteSource};
use crate::diff;

/// Where and how things are printed. With a document format (`json`, `gitlab`), stdout carries
/// only that document, printed by `finish`; what would otherwise go to stdout goes to stderr.
pub(super) struct Output {
    pub(super) color: bool,
    color_stdout: bool,
    pub(super) reporting: Reporting,
    /// Diagnostics kept for a document printed or written at the end.
    collected: Vec<diag::Located>,
}

impl Output {
    pub(super) fn new(choice: ColorChoice, reporting: Reporting) -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let enabled = |terminal: bool| match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => terminal && !no_color,
        };
        let color = enabled(std::io::stderr().is_terminal());
        let color_stdout = if reporting.format.is_document() {
            color
        } else {
            enabled(std::io::stdout().is_terminal())
        };
        Self {
            color,
            color_stdout,
            reporting,
            collected: Vec::new(),
        }
    }

    pub(super) fn diagnostics(&mut self, source: &SiteSource, diagnostics: Diagnostics) {
        if self.reporting.format.is_document() || self.reporting.gitlab_report.is_some() {
            self.collected.extend(diag::locate(source, diagnostics.clone()));
        }
        match self.reporting.format {
            Format::Human => eprint!("{}", diag::render(source, diagnostics, self.color, 100)),
            Format::Github => {
                // Annotations on stdout for the pull request; the full reports on stderr for the log.
                print!("{}", diag::github(&diag::locate(source, diagnostics.clone())));
                eprint!("{}", diag::render(source, diagnostics, self.color, 100));
            }
            Format::Json | Format::Gitlab => {}
        }
    }

    /// Whether a compiled site's warnings make it fail (`--deny-warnings`); says so when they do.
    pub(super) fn denies(&self, source: &SiteSource, warnings: &Diagnostics) -> bool {
        let denied = self.reporting.deny_warnings && !warnings.is_empty();
        if denied {
            self.error(format!("{}: warnings are denied (--deny-warnings)", source.path));
        }
        denied
    }

    /// A line of progress (`ok`, `written`, `up to date`): stdout, unless stdout holds a document.
    pub(super) fn info(&self, line: impl std::fmt::Display) {
        if self.reporting.format.is_document() {
            eprintln!("{line}");
        } else {
            println!("{line}");
        }
    }

    pub(super) fn error(&self, message: impl std::fmt::Display) {
        let style = if self.color {
            Style::new().bold().fg_color(Some(AnsiColor::Red.into()))
        } else {
            Style::new()
        };
        eprintln!("{style}error{style:#}: {message}");
        if self.reporting.format == Format::Github {
            print!("{}", diag::github_error(&message.to_string()));
        }
    }

    /// Prints the collected document and writes the GitLab report; returns the final status.
    pub(super) fn finish(self, status: Status) -> Status {
        match self.reporting.format {
            Format::Json => print!("{}", diag::json(&self.collected)),
            Format::Gitlab => print!("{}", diag::gitlab(&self.collected)),
            Format::Human | Format::Github => {}
        }
        let Some(path) = &self.reporting.gitlab_report else {
            return status;
        };
        match std::fs::write(path, diag::gitlab(&self.collected)) {
            Ok(()) => status,
            Err(e) => {
                self.error(format!("cannot write {}: {e}", path.display()));
                status.max(Status::Error)
            }
        }
    }

    pub(super) fn diff(&self, diffs: &[diff::FileDiff]) {
        let mut sink: Box<dyn Write> = if self.reporting.format.is_document() {
            Box::new(std::io::stderr().lock())
        } else {
            Box::new(std::io::stdout().lock())
        };
        for file in diffs {
            for line in file.unified().lines() {
                let style = match line.as_bytes().first() {
                    _ if !self.color_stdout => Style::new(),
                    Some(b'+') if !line.starts_with("+++") => Style::new().fg_color(Some(AnsiColor::Green.into())),
                    Some(b'-') if !line.starts_with("---") => Style::new().fg_color(Some(AnsiColor::Red.into())),
                    Some(b'@') => Style::new().fg_color(Some(AnsiColor::Cyan.into())),
                    _ if line.starts_with("---") || line.starts_with("+++") => Style::new().bold(),
                    _ => Style::new(),
                };
                let _ = writeln!(sink, "{style}{line}{style:#}");
            }
        }
    }
}
