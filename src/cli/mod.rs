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
use clap::{ArgGroup, Args, CommandFactory, Parser, Subcommand, ValueEnum};

use crate::diag::{self, Diagnostics, Included, SiteSource};
use crate::pipeline::{self, Compiled};
use crate::starter::{self, StarterNode};
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

/// How diagnostics are reported; shared by the commands that check sites.
#[derive(Debug, Clone, Args)]
struct Reporting {
    /// Diagnostics format: `human` (stderr), or on stdout `json` (one document), `github`
    /// (Actions workflow commands) or `gitlab` (a Code Quality report).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Also write a GitLab Code Quality report to this file.
    #[arg(long, value_name = "PATH")]
    gitlab_report: Option<PathBuf>,
    /// Treat warnings as errors: a site with warnings fails (exit 1) and is not written.
    #[arg(long)]
    deny_warnings: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Human,
    Json,
    Github,
    Gitlab,
}

impl Format {
    /// Whether stdout carries one document, so that nothing else may be printed there.
    fn is_document(self) -> bool {
        matches!(self, Format::Json | Format::Gitlab)
    }
}

/// The report format of a live diff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum DiffOutput {
    Text,
    Json,
}

/// What a site is compared with.
enum Target {
    Directory(PathBuf),
    Cluster(ClusterTarget),
    LiveFile(PathBuf),
}

/// `--cluster` and its options.
#[cfg_attr(
    not(feature = "cluster"),
    allow(dead_code, reason = "read only by the cluster client")
)]
struct ClusterTarget {
    context: Option<String>,
    kubeconfig: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Validate site files without writing anything.
    Check {
        /// Site files, or directories to search for `*.toml`.
        #[arg(required = true)]
        sites: Vec<PathBuf>,
        #[command(flatten)]
        reporting: Reporting,
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
        #[command(flatten)]
        reporting: Reporting,
    },
    /// Show how a site's compiled output differs from a directory, a live cluster or a dump of one.
    #[command(group(ArgGroup::new("target").required(true).multiple(false).args(["against", "cluster", "live_file"])))]
    Diff {
        /// The site file.
        site: PathBuf,
        /// The directory to compare with, e.g. `out/<site name>`.
        #[arg(long, value_name = "DIR")]
        against: Option<PathBuf>,
        /// Compare with the live cluster: server-side apply in dry-run mode, like `kubectl diff`,
        /// plus the objects with the site's labels that would be pruned. Reads only.
        #[arg(long)]
        cluster: bool,
        /// The kubeconfig context to use instead of the current one (with `--cluster`).
        #[arg(long, value_name = "NAME", conflicts_with_all = ["against", "live_file"])]
        context: Option<String>,
        /// The kubeconfig file to use instead of `$KUBECONFIG` or `~/.kube/config` (with `--cluster`).
        #[arg(long, value_name = "PATH", conflicts_with_all = ["against", "live_file"])]
        kubeconfig: Option<PathBuf>,
        /// Compare with a saved `kubectl get -o yaml` output (a List, or YAML documents), for
        /// air-gapped review; only the fields promsite sets are compared.
        #[arg(long, value_name = "DUMP")]
        live_file: Option<PathBuf>,
        /// How `--cluster` and `--live-file` report: `text` (unified diffs on stdout), or `json`
        /// (one document on stdout, for bots).
        #[arg(long, value_enum, default_value_t = DiffOutput::Text)]
        output: DiffOutput,
        #[command(flatten)]
        reporting: Reporting,
    },
    /// Explain a diagnostic code: what it means, why, how to fix it, with an example.
    Explain {
        /// The code, e.g. `schema::unknown-key`.
        code: String,
    },
    /// Print the JSON Schema of the site file.
    Schema,
    /// Write a commented starter site file.
    Init {
        /// Site name (a DNS-1123 label): the output directory `out/<name>/`.
        #[arg(long, default_value = "my-site")]
        name: String,
        /// A node of the cluster, as NAME=ADDRESS (repeat for each node).
        #[arg(long = "node", value_name = "NAME=ADDRESS")]
        nodes: Vec<StarterNode>,
        /// Where to write the site; `-` prints it. Default: `sites/<name>.toml`.
        #[arg(short, long, value_name = "PATH")]
        output: Option<PathBuf>,
    },
    /// Print a shell completion script.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff).
    Man,
    /// Print the site-format reference (docs/site-format.md), generated from the schema.
    #[command(hide = true)]
    Docs,
    /// Print a synthetic site of the given size, for benchmarks (deterministic).
    #[command(hide = true)]
    Synth {
        /// S (3 nodes, 5 targets, 20 rules), M (10, 50, 200), L (50, 200, 2,000), XL (200, 1,000, 20,000).
        #[arg(value_enum, ignore_case = true)]
        size: crate::synthetic::Size,
        /// Site name.
        #[arg(long, default_value = "synthetic")]
        name: String,
    },
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
    let status = match cli.command {
        Command::Check { sites, reporting } => {
            let mut out = Output::new(cli.color, reporting);
            let status = check_sites(&mut out, &sites);
            out.finish(status)
        }
        Command::Compile {
            sites,
            out: root,
            check,
            reporting,
        } => {
            let mut out = Output::new(cli.color, reporting);
            let status = compile_sites(&mut out, &sites, &root, check);
            out.finish(status)
        }
        Command::Diff {
            site,
            against,
            cluster,
            context,
            kubeconfig,
            live_file,
            output,
            reporting,
        } => {
            let target = match (against, live_file) {
                (Some(dir), _) => Target::Directory(dir),
                (None, Some(dump)) => Target::LiveFile(dump),
                (None, None) => {
                    debug_assert!(cluster, "clap requires one target");
                    Target::Cluster(ClusterTarget { context, kubeconfig })
                }
            };
            let mut out = Output::new(cli.color, reporting);
            let status = diff_site(&mut out, &site, &target, output);
            out.finish(status)
        }
        Command::Schema => print_schema(),
        Command::Explain { code } => explain(&code),
        Command::Init { name, nodes, output } => init(cli.color, &name, &nodes, output),
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "promsite", &mut std::io::stdout());
            Status::Ok
        }
        Command::Man => man(),
        Command::Docs => {
            print!("{}", crate::docs::site_format(&check::site_schema()));
            Status::Ok
        }
        Command::Synth { size, name } => {
            print!("{}", crate::synthetic::site(size, &name));
            Status::Ok
        }
    };
    status.into()
}

/// Where and how things are printed. With a document format (`json`, `gitlab`), stdout carries
/// only that document, printed by `finish`; what would otherwise go to stdout goes to stderr.
struct Output {
    color: bool,
    color_stdout: bool,
    reporting: Reporting,
    /// Diagnostics kept for a document printed or written at the end.
    collected: Vec<diag::Located>,
}

impl Output {
    fn new(choice: ColorChoice, reporting: Reporting) -> Self {
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

    fn diagnostics(&mut self, source: &SiteSource, diagnostics: Diagnostics) {
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
    fn denies(&self, source: &SiteSource, warnings: &Diagnostics) -> bool {
        let denied = self.reporting.deny_warnings && !warnings.is_empty();
        if denied {
            self.error(format!("{}: warnings are denied (--deny-warnings)", source.path));
        }
        denied
    }

    /// A line of progress (`ok`, `written`, `up to date`): stdout, unless stdout holds a document.
    fn info(&self, line: impl std::fmt::Display) {
        if self.reporting.format.is_document() {
            eprintln!("{line}");
        } else {
            println!("{line}");
        }
    }

    fn error(&self, message: impl std::fmt::Display) {
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
    fn finish(self, status: Status) -> Status {
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

    fn diff(&self, diffs: &[diff::FileDiff]) {
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

/// Expands directories into the `*.toml` files below them, in a stable order.
fn site_files(out: &Output, paths: &[PathBuf]) -> Option<Vec<PathBuf>> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let before = files.len();
            for entry in walkdir::WalkDir::new(path).sort_by_file_name() {
                match entry {
                    Ok(entry)
                        if entry.file_type().is_file() && entry.path().extension().is_some_and(|e| e == "toml") =>
                    {
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
fn read_site(out: &mut Output, path: &Path) -> Result<SiteSource, Status> {
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
    let read = |relative: &str| {
        std::fs::read_to_string(base.join(relative))
            .map(Into::into)
            .map_err(|e| e.to_string())
    };
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
    let matcher = globset::GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()
        .map_err(|e| e.to_string())?
        .compile_matcher();
    // Walk only below the pattern's literal prefix (`rules/` in `rules/**/*.yaml`).
    let prefix: Vec<&str> = pattern
        .split('/')
        .take_while(|part| !part.contains(['*', '?', '[', '{']))
        .collect();
    let prefix = if prefix.len() == pattern.split('/').count() {
        &prefix[..prefix.len() - 1]
    } else {
        &prefix[..]
    };
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

/// Reads every site file (in order, reporting what cannot be read): the sources, and the worst
/// status so far.
fn read_sites(out: &mut Output, paths: &[PathBuf]) -> (Vec<SiteSource>, Status) {
    let Some(files) = site_files(out, paths) else {
        return (Vec::new(), Status::Error);
    };
    let mut sources = Vec::new();
    let mut status = Status::Ok;
    for file in files {
        match read_site(out, &file) {
            Ok(source) => sources.push(source),
            Err(failure) => status = status.max(failure),
        }
    }
    (sources, status)
}

/// Reads and compiles each site (in parallel), printing diagnostics in file order. The status is
/// the worst so far.
fn compile_each(out: &mut Output, paths: &[PathBuf]) -> (Vec<(SiteSource, Compiled)>, Status) {
    let (sources, mut status) = read_sites(out, paths);
    if status == Status::Error && sources.is_empty() {
        return (Vec::new(), status);
    }
    let results = pipeline::compile_all(&sources);
    let mut compiled = Vec::new();
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    for (source, result) in sources.into_iter().zip(results) {
        match result {
            Ok(site) => {
                out.diagnostics(&source, site.warnings.clone());
                if out.denies(&source, &site.warnings) {
                    status = status.max(Status::Failed);
                    continue;
                }
                if let Some(first) = names.insert(site.name.clone(), source.path.clone()) {
                    out.error(format!(
                        "{} and {first} both name site `{}`; each site needs its own name",
                        source.path, site.name
                    ));
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

fn check_sites(out: &mut Output, paths: &[PathBuf]) -> Status {
    let (sources, mut status) = read_sites(out, paths);
    let results = pipeline::check_all(&sources);
    for (source, result) in sources.iter().zip(results) {
        match result {
            Ok(checked) => {
                out.diagnostics(source, checked.warnings.clone());
                if out.denies(source, &checked.warnings) {
                    status = status.max(Status::Failed);
                } else {
                    out.info(format!("{}: ok (site `{}`)", source.path, checked.site.name));
                }
            }
            Err(diagnostics) => {
                out.diagnostics(source, diagnostics);
                status = status.max(Status::Failed);
            }
        }
    }
    status
}

fn compile_sites(out: &mut Output, paths: &[PathBuf], root: &Path, check_only: bool) -> Status {
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
                        out.info(format!("{}: {} is up to date", source.path, target.display()));
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
                out.info(format!(
                    "{}: {} ({} files, {state})",
                    source.path,
                    target.display(),
                    site.tree.len()
                ));
                for kept in report.kept {
                    out.info(format!(
                        "  kept {kept}: not generated by promsite (and not in kustomization.yaml)"
                    ));
                }
            }
            Err(e) => {
                out.error(e);
                status = status.max(Status::Error);
            }
        }
    }
    crate::parallel::drop_in_background(compiled);
    status
}

fn diff_site(out: &mut Output, path: &Path, target: &Target, output: DiffOutput) -> Status {
    if output == DiffOutput::Json {
        if matches!(target, Target::Directory(_)) {
            out.error("`--output json` reports a live diff: use it with `--cluster` or `--live-file`");
            return Status::Error;
        }
        if out.reporting.format.is_document() {
            out.error("`--output json` and `--format json|gitlab` would both print a document on stdout; choose one");
            return Status::Error;
        }
    }
    let (compiled, status) = compile_each(out, std::slice::from_ref(&path.to_path_buf()));
    let Some((_, site)) = compiled.first() else {
        // An invalid site is an error for `diff`: there is nothing to compare.
        return status.max(Status::Error);
    };
    match target {
        Target::Directory(against) => diff_directory(out, site, against),
        Target::Cluster(cluster) => match connect(cluster) {
            Ok((mut source, description)) => diff_live(out, site, source.as_mut(), &description, output),
            Err(e) => {
                out.error(e);
                Status::Error
            }
        },
        Target::LiveFile(dump) => match diff::dump::DumpSource::read(dump) {
            Ok(mut source) => diff_live(out, site, &mut source, &format!("live file {}", dump.display()), output),
            Err(e) => {
                out.error(e);
                Status::Error
            }
        },
    }
}

fn diff_directory(out: &Output, site: &Compiled, against: &Path) -> Status {
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

/// The live source of `--cluster`, and how reports name it.
#[cfg(feature = "cluster")]
fn connect(cluster: &ClusterTarget) -> Result<(Box<dyn diff::LiveSource>, String), diff::LiveError> {
    let options = diff::kubernetes::ClusterOptions {
        context: cluster.context.clone(),
        kubeconfig: cluster.kubeconfig.clone(),
    };
    let source = diff::kubernetes::KubeSource::connect(&options)?;
    let description = format!("cluster {}", source.url());
    Ok((Box::new(source), description))
}

#[cfg(not(feature = "cluster"))]
fn connect(_: &ClusterTarget) -> Result<(Box<dyn diff::LiveSource>, String), diff::LiveError> {
    Err(diff::LiveError::Config(
        "this promsite was built without the `cluster` feature; rebuild with it, or use `--live-file`".to_owned(),
    ))
}

/// Compares with live objects and reports: diffs (or the JSON document) on stdout, one line per
/// object and a summary on stderr.
fn diff_live(
    out: &Output,
    site: &Compiled,
    source: &mut dyn diff::LiveSource,
    description: &str,
    output: DiffOutput,
) -> Status {
    let report = match diff::cluster::compiled_objects(site)
        .and_then(|objects| diff::cluster::compare(&site.name, &objects, source))
    {
        Ok(report) => report,
        Err(e) => {
            out.error(e);
            return Status::Error;
        }
    };
    match output {
        DiffOutput::Json => match serde_json::to_string_pretty(&report.to_json(description)) {
            Ok(text) => println!("{text}"),
            Err(e) => {
                out.error(format!("cannot print the report: {e}"));
                return Status::Error;
            }
        },
        DiffOutput::Text => {
            let files: Vec<diff::FileDiff> = report.changes.iter().map(|change| change.file.clone()).collect();
            out.diff(&files);
        }
    }
    if let Some(why) = &report.dry_run_refused {
        eprintln!("note: the server cannot dry-run an apply ({why}); compared only the fields promsite sets");
    }
    for change in &report.changes {
        let action = match change.action {
            diff::cluster::Action::Create => "create",
            diff::cluster::Action::Change => "change",
            diff::cluster::Action::Prune => "prune",
        };
        let namespace = change.namespace.as_ref().map(|n| format!("{n}/")).unwrap_or_default();
        eprintln!("{action:<6} {} {namespace}{}", change.kind, change.name);
    }
    eprintln!("{}: {} (against {description})", site.name, report.summary());
    if report.changes.is_empty() {
        Status::Ok
    } else {
        Status::Failed
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

fn explain(id: &str) -> Status {
    if let Some(code) = diag::Code::from_id(id) {
        print!("{}", diag::explain(code));
        return Status::Ok;
    }
    let closest = diag::Code::ALL
        .iter()
        .map(|c| c.id())
        .min_by_key(|known| strsim::levenshtein(id, known))
        .filter(|known| strsim::levenshtein(id, known) <= 4);
    eprintln!(
        "error: unknown code `{id}`{}",
        closest.map(|c| format!("; did you mean `{c}`?")).unwrap_or_default()
    );
    eprintln!("known codes:");
    for code in diag::Code::ALL {
        eprintln!("  {}", code.id());
    }
    Status::Error
}

fn man() -> Status {
    let mut page = Vec::new();
    match clap_mangen::Man::new(Cli::command()).render(&mut page) {
        Ok(()) => {
            let _ = std::io::stdout().write_all(&page);
            Status::Ok
        }
        Err(e) => {
            eprintln!("error: cannot render the man page: {e}");
            Status::Error
        }
    }
}

/// Writes the starter site, refusing to overwrite anything, after checking it like any site.
fn init(color: ColorChoice, name: &str, nodes: &[StarterNode], output: Option<PathBuf>) -> Status {
    let out = Output::new(
        color,
        Reporting {
            format: Format::Human,
            gitlab_report: None,
            deny_warnings: false,
        },
    );
    let path = output.unwrap_or_else(|| PathBuf::from("sites").join(format!("{name}.toml")));
    let source = SiteSource::new(path.display().to_string(), starter::site(name, nodes));
    if let Err(diagnostics) = pipeline::check(&source) {
        eprint!("{}", diag::render(&source, diagnostics, out.color, 100));
        out.error("the starter site would be invalid with these flags; nothing was written");
        return Status::Error;
    }
    if path.as_os_str() == "-" {
        print!("{}", source.text);
        return Status::Ok;
    }
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty())
        && let Err(e) = std::fs::create_dir_all(parent)
    {
        out.error(format!("cannot create {}: {e}", parent.display()));
        return Status::Error;
    }
    // `create_new` refuses an existing file atomically, so a site is never overwritten.
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .and_then(|mut file| file.write_all(source.text.as_bytes()));
    match written {
        Ok(()) => {
            println!("{}: written; next: `promsite check {}`", path.display(), path.display());
            Status::Ok
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            out.error(format!(
                "{} already exists; choose another --output or --name",
                path.display()
            ));
            Status::Error
        }
        Err(e) => {
            out.error(format!("cannot write {}: {e}", path.display()));
            Status::Error
        }
    }
}
