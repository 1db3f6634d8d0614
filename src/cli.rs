//! The command line: argument parsing, reading site files, dispatch, and printing diagnostics
//! and diffs. Exit codes: 0 success / no difference, 1 invalid site or a difference found,
//! 2 usage or I/O error.

#![allow(clippy::print_stdout, clippy::print_stderr, reason = "the command line prints")]

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anstyle::{AnsiColor, Style};
use clap::{Parser, Subcommand, ValueEnum};

use crate::diag::{self, Diagnostics, Included, SiteSource};
use crate::pipeline::{self, Compiled};
use crate::{check, diff, emit};

/// Compile TOML site files into Prometheus Operator manifests for on-prem Kubernetes.
#[derive(Debug, Parser)]
#[command(name = "promsite", version, about, max_term_width = 100)]
struct Cli {
    /// When to use colours in diagnostics and diffs.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    color: ColorChoice,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Validate site files without writing anything.
    Check {
        /// Site files, or directories to search for `*.toml`.
        #[arg(required = true)]
        sites: Vec<PathBuf>,
    },
    /// Compile site files into `<out>/<site name>/`.
    Compile {
        /// Site files, or directories to search for `*.toml`.
        #[arg(required = true)]
        sites: Vec<PathBuf>,
        /// Root of the output tree.
        #[arg(short, long, default_value = "out")]
        out: PathBuf,
        /// Write nothing; exit 1 and print a diff when the output is not what compile would write.
        #[arg(long)]
        check: bool,
    },
    /// Show how a site's compiled output differs from a directory.
    Diff {
        /// The site file.
        site: PathBuf,
        /// The directory to compare with, e.g. `out/<site name>`.
        #[arg(long)]
        against: PathBuf,
    },
    /// Print the JSON Schema of the site file.
    Schema,
}

/// Exit codes, decided in one place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Status {
    Ok = 0,
    Failed = 1,
    Error = 2,
}

impl From<Status> for ExitCode {
    fn from(status: Status) -> Self {
        ExitCode::from(status as u8)
    }
}

pub(crate) fn run(args: impl IntoIterator<Item = OsString>) -> ExitCode {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { Status::Error } else { Status::Ok }.into();
        }
    };
    let out = Output::new(cli.color);
    let status = match cli.command {
        Command::Check { sites } => check_sites(&out, &sites),
        Command::Compile { sites, out: root, check } => compile_sites(&out, &sites, &root, check),
        Command::Diff { site, against } => diff_site(&out, &site, &against),
        Command::Schema => print_schema(),
    };
    status.into()
}

/// Where and how things are printed.
struct Output {
    color: bool,
    color_stdout: bool,
}

impl Output {
    fn new(choice: ColorChoice) -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let enabled = |terminal: bool| match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => terminal && !no_color,
        };
        Self { color: enabled(std::io::stderr().is_terminal()), color_stdout: enabled(std::io::stdout().is_terminal()) }
    }

    fn diagnostics(&self, source: &SiteSource, diagnostics: Diagnostics) {
        eprint!("{}", diag::render(source, diagnostics, self.color, 100));
    }

    fn error(&self, message: impl std::fmt::Display) {
        let style = if self.color { Style::new().bold().fg_color(Some(AnsiColor::Red.into())) } else { Style::new() };
        eprintln!("{style}error{style:#}: {message}");
    }

    fn diff(&self, diffs: &[diff::FileDiff]) {
        let mut stdout = std::io::stdout().lock();
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
                let _ = writeln!(stdout, "{style}{line}{style:#}");
            }
        }
    }
}

/// Expands directories into the `*.toml` files below them, in a stable order.
fn site_files(out: &Output, paths: &[PathBuf]) -> Option<Vec<PathBuf>> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let before = files.len();
            for entry in walkdir::WalkDir::new(path).sort_by_file_name() {
                match entry {
                    Ok(entry) if entry.file_type().is_file() && entry.path().extension().is_some_and(|e| e == "toml") => {
                        files.push(entry.into_path());
                    }
                    Ok(_) => {}
                    Err(e) => {
                        out.error(format!("cannot read {}: {e}", path.display()));
                        return None;
                    }
                }
            }
            if files.len() == before {
                out.error(format!("no *.toml site files in {}", path.display()));
                return None;
            }
        } else {
            files.push(path.clone());
        }
    }
    Some(files)
}

/// Reads a site file: `Err(Status::Failed)` for a file too large to be a site (reported as a
/// diagnostic), `Err(Status::Error)` when it cannot be read.
fn read_site(out: &Output, path: &Path) -> Result<SiteSource, Status> {
    // Refuse an oversized file before reading it into memory.
    if let Ok(meta) = std::fs::metadata(path) {
        let bytes = usize::try_from(meta.len()).unwrap_or(usize::MAX);
        if bytes > crate::site::MAX_SITE_BYTES {
            let source = SiteSource::new(path.display().to_string(), "");
            let mut diagnostics = Diagnostics::default();
            diagnostics.push(crate::site::too_large(bytes));
            out.diagnostics(&source, diagnostics);
            return Err(Status::Failed);
        }
    }
    load(path).map_err(|e| {
        out.error(format!("cannot read {}: {e}", path.display()));
        Status::Error
    })
}

/// Reads a site file and every file it names (templates, rule files matched by its patterns),
/// relative to the site file's directory. Problems with the named files are recorded, not
/// returned: the checks report them against the site.
pub(crate) fn load(path: &Path) -> std::io::Result<SiteSource> {
    let text = std::fs::read_to_string(path)?;
    let base = path.parent().unwrap_or_else(|| Path::new("."));
    let wanted = crate::site::includes(&text);
    let mut included = Included::default();
    let read = |relative: &str| std::fs::read_to_string(base.join(relative)).map(Into::into).map_err(|e| e.to_string());
    for file in wanted.files {
        let contents = read(&file);
        included.files.insert(file, contents);
    }
    for pattern in wanted.globs {
        let matched = expand(base, &pattern);
        for file in matched.iter().flatten() {
            let contents = read(file);
            included.files.insert(file.clone(), contents);
        }
        included.globs.insert(pattern, matched);
    }
    Ok(SiteSource::new(path.display().to_string(), text).with_included(included))
}

/// The files below `base` that `pattern` matches (`*` within a directory, `**` across them), as
/// `/`-separated paths relative to `base`, sorted.
fn expand(base: &Path, pattern: &str) -> Result<Vec<String>, String> {
    let matcher = globset::GlobBuilder::new(pattern).literal_separator(true).build().map_err(|e| e.to_string())?.compile_matcher();
    // Walk only below the pattern's literal prefix (`rules/` in `rules/**/*.yaml`).
    let prefix: Vec<&str> = pattern.split('/').take_while(|part| !part.contains(['*', '?', '[', '{'])).collect();
    let prefix = if prefix.len() == pattern.split('/').count() { &prefix[..prefix.len() - 1] } else { &prefix[..] };
    let root = prefix.iter().fold(base.to_path_buf(), |dir, part| dir.join(part));
    if !root.is_dir() {
        return Ok(Vec::new());
    }
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(&root).sort_by_file_name() {
        let entry = entry.map_err(|e| e.to_string())?;
        if !entry.file_type().is_file() {
            continue;
        }
        let relative = crate::emit::relative_path(base, entry.path());
        if matcher.is_match(&relative) {
            files.push(relative);
        }
    }
    files.sort();
    Ok(files)
}

/// Reads and compiles each site, printing diagnostics. `Err` carries the worst status so far.
fn compile_each(out: &Output, paths: &[PathBuf]) -> (Vec<(SiteSource, Compiled)>, Status) {
    let Some(files) = site_files(out, paths) else { return (Vec::new(), Status::Error) };
    let mut compiled = Vec::new();
    let mut status = Status::Ok;
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    for file in files {
        let source = match read_site(out, &file) {
            Ok(source) => source,
            Err(failure) => {
                status = status.max(failure);
                continue;
            }
        };
        match pipeline::compile(&source) {
            Ok(site) => {
                out.diagnostics(&source, site.warnings.clone());
                if let Some(first) = names.insert(site.name.clone(), source.path.clone()) {
                    out.error(format!("{} and {first} both name site `{}`; each site needs its own name", source.path, site.name));
                    status = status.max(Status::Failed);
                    continue;
                }
                compiled.push((source, site));
            }
            Err(diagnostics) => {
                out.diagnostics(&source, diagnostics);
                status = status.max(Status::Failed);
            }
        }
    }
    (compiled, status)
}

fn check_sites(out: &Output, paths: &[PathBuf]) -> Status {
    let Some(files) = site_files(out, paths) else { return Status::Error };
    let mut status = Status::Ok;
    for file in files {
        let source = match read_site(out, &file) {
            Ok(source) => source,
            Err(failure) => {
                status = status.max(failure);
                continue;
            }
        };
        match pipeline::check(&source) {
            Ok(checked) => {
                out.diagnostics(&source, checked.warnings);
                println!("{}: ok (site `{}`)", source.path, checked.site.name);
            }
            Err(diagnostics) => {
                out.diagnostics(&source, diagnostics);
                status = status.max(Status::Failed);
            }
        }
    }
    status
}

fn compile_sites(out: &Output, paths: &[PathBuf], root: &Path, check_only: bool) -> Status {
    let (compiled, mut status) = compile_each(out, paths);
    if status == Status::Error {
        return status;
    }
    for (source, site) in &compiled {
        let target = root.join(&site.name);
        if check_only {
            match diff::read_dir(&target, &site.tree) {
                Ok(on_disk) => {
                    let diffs = diff::diff(&on_disk, &site.tree);
                    if diffs.is_empty() {
                        println!("{}: {} is up to date", source.path, target.display());
                    } else {
                        out.diff(&diffs);
                        out.error(format!(
                            "{} is stale: {} file(s) differ from what {} compiles to; run `promsite compile {}`",
                            target.display(),
                            diffs.len(),
                            source.path,
                            source.path
                        ));
                        status = status.max(Status::Failed);
                    }
                }
                Err(e) => {
                    out.error(e);
                    status = status.max(Status::Error);
                }
            }
            continue;
        }
        match emit::write(&site.tree, root, &site.name) {
            Ok(report) => {
                let state = if report.changed { "written" } else { "unchanged" };
                println!("{}: {} ({} files, {state})", source.path, target.display(), site.tree.len());
                for kept in report.kept {
                    println!("  kept {kept}: not generated by promsite (and not in kustomization.yaml)");
                }
            }
            Err(e) => {
                out.error(e);
                status = status.max(Status::Error);
            }
        }
    }
    status
}

fn diff_site(out: &Output, path: &Path, against: &Path) -> Status {
    let (compiled, status) = compile_each(out, std::slice::from_ref(&path.to_path_buf()));
    let Some((_, site)) = compiled.first() else {
        // An invalid site is an error for `diff`: there is nothing to compare.
        return status.max(Status::Error);
    };
    if !against.is_dir() {
        out.error(format!("{} is not a directory", against.display()));
        return Status::Error;
    }
    match diff::read_dir(against, &site.tree) {
        Ok(on_disk) => {
            let diffs = diff::diff(&on_disk, &site.tree);
            out.diff(&diffs);
            if diffs.is_empty() { Status::Ok } else { Status::Failed }
        }
        Err(e) => {
            out.error(e);
            Status::Error
        }
    }
}

fn print_schema() -> Status {
    match serde_json::to_string_pretty(&check::site_schema()) {
        Ok(text) => {
            println!("{text}");
            Status::Ok
        }
        Err(e) => {
            eprintln!("error: cannot print the schema: {e}");
            Status::Error
        }
    }
}
