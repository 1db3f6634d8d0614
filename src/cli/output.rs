//! Where and how the commands print: diagnostics in the chosen format, progress lines, errors, and
//! diffs, in colour or not, through streams that never panic.
//!
//! Nothing is printed with `print!`: it panics when stdout's reader has gone away
//! (`promsite schema | head`). Rust ignores SIGPIPE, so such a write fails with `BrokenPipe`;
//! a `Stream` then prints nothing more and the command ends with the status it would have had
//! (there is no one left to read it, and `ls` or `git` end just as quietly). Any other failure
//! to write stdout (a full disk behind `>`) is reported on stderr and makes the status 2.

use std::cell::RefCell;
use std::io::{self, IsTerminal, Write};

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
    pub(super) stdout: Stream,
    pub(super) stderr: Stream,
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
            stdout: Stream::stdout(),
            stderr: Stream::stderr(),
        }
    }

    pub(super) fn diagnostics(&mut self, source: &SiteSource, diagnostics: Diagnostics) {
        if self.reporting.format.is_document() || self.reporting.gitlab_report.is_some() {
            self.collected.extend(diag::locate(source, diagnostics.clone()));
        }
        match self.reporting.format {
            Format::Human => self.stderr.write(diag::render(source, diagnostics, self.color, 100)),
            Format::Github => {
                // Annotations on stdout for the pull request; the full reports on stderr for the log.
                self.stdout
                    .write(diag::github(&diag::locate(source, diagnostics.clone())));
                self.stderr.write(diag::render(source, diagnostics, self.color, 100));
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
            self.stderr.line(line);
        } else {
            self.stdout.line(line);
        }
    }

    pub(super) fn error(&self, message: impl std::fmt::Display) {
        let style = if self.color {
            Style::new().bold().fg_color(Some(AnsiColor::Red.into()))
        } else {
            Style::new()
        };
        self.stderr.line(format_args!("{style}error{style:#}: {message}"));
        if self.reporting.format == Format::Github {
            self.stdout.write(diag::github_error(&message.to_string()));
        }
    }

    /// Prints the collected document and writes the GitLab report; returns the final status.
    pub(super) fn finish(self, status: Status) -> Status {
        match self.reporting.format {
            Format::Json => self.stdout.write(diag::json(&self.collected)),
            Format::Gitlab => self.stdout.write(diag::gitlab(&self.collected)),
            Format::Human | Format::Github => {}
        }
        let mut status = status;
        if let Some(path) = &self.reporting.gitlab_report
            && let Err(e) = std::fs::write(path, diag::gitlab(&self.collected))
        {
            self.error(format!("cannot write {}: {e}", path.display()));
            status = status.max(Status::Error);
        }
        status.max(self.stdout.finish(&self.stderr))
    }

    pub(super) fn diff(&self, diffs: &[diff::FileDiff]) {
        let mut text = String::new();
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
                text.push_str(&format!("{style}{line}{style:#}\n"));
            }
        }
        if self.reporting.format.is_document() {
            self.stderr.write(text);
        } else {
            self.stdout.write(text);
        }
    }
}

/// stdout or stderr, written without panicking (see the module's comment). After a failed write,
/// nothing more is written to it.
pub(super) struct Stream {
    stdout: bool,
    failure: RefCell<Option<io::Error>>,
}

impl Stream {
    pub(super) fn stdout() -> Self {
        Self {
            stdout: true,
            failure: RefCell::new(None),
        }
    }

    pub(super) fn stderr() -> Self {
        Self {
            stdout: false,
            failure: RefCell::new(None),
        }
    }

    pub(super) fn write(&self, text: impl AsRef<[u8]>) {
        if self.failure.borrow().is_some() {
            return;
        }
        let written = if self.stdout {
            io::stdout().lock().write_all(text.as_ref())
        } else {
            io::stderr().lock().write_all(text.as_ref())
        };
        if let Err(e) = written {
            self.failure.replace(Some(e));
        }
    }

    pub(super) fn line(&self, text: impl std::fmt::Display) {
        self.write(format!("{text}\n"));
    }

    /// Flushes the stream, last: `Status::Ok`, also when the reader went away, or `Status::Error`
    /// after any other failure, which is reported on `stderr`.
    pub(super) fn finish(&self, stderr: &Stream) -> Status {
        if self.failure.borrow().is_none() {
            let flushed = if self.stdout {
                io::stdout().lock().flush()
            } else {
                io::stderr().lock().flush()
            };
            if let Err(e) = flushed {
                self.failure.replace(Some(e));
            }
        }
        match self.failure.take() {
            None => Status::Ok,
            Some(e) if e.kind() == io::ErrorKind::BrokenPipe => Status::Ok,
            Some(e) => {
                let which = if self.stdout { "stdout" } else { "stderr" };
                stderr.line(format_args!("error: cannot write to {which}: {e}"));
                Status::Error
            }
        }
    }
}

/// Prints a whole document (a schema, a man page) on stdout; the status says whether that failed
/// other than by the reader going away.
pub(super) fn print(text: impl AsRef<[u8]>) -> Status {
    let stdout = Stream::stdout();
    stdout.write(text);
    stdout.finish(&Stream::stderr())
}
