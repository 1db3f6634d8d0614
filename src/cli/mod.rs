//! The command line: argument types, dispatch to one module per command, and exit codes:
//! 0 success / no difference, 1 invalid site or a difference found, 2 usage or I/O error.
//! When stdout's reader goes away (`promsite schema | head`), printing ends quietly and the status
//! is the one the command would have had; see `output`, which decides where and how everything is
//! printed. `sites` reads the site files named on the command line (through `crate::load`).

mod check;
mod compile;
mod diff;
mod explain;
mod images;
mod import_crds;
mod init;
mod man;
mod output;
mod schema;
mod sites;

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{ArgGroup, Args, Parser, Subcommand, ValueEnum};

use crate::starter::StarterNode;

use self::diff::{ClusterTarget, Target};
use self::output::Output;

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

impl Reporting {
    /// Human diagnostics on stderr, for commands whose stdout is their own output.
    fn human() -> Self {
        Reporting {
            format: Format::Human,
            gitlab_report: None,
            deny_warnings: false,
        }
    }
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
    /// Print every image the site needs, one per line and sorted (mirror and overrides applied),
    /// for `skopeo copy` or `crane copy` scripts.
    Images {
        /// The site file.
        site: PathBuf,
        /// `text` (one reference per line) or `json` (name, image and upstream source of each).
        #[arg(long, value_enum, default_value_t = DiffOutput::Text)]
        format: DiffOutput,
    },
    /// Import the Prometheus Operator's CRDs from a downloaded release (its `bundle.yaml`, or a
    /// directory of CRD files) into the site's vendored CRD folder (`operator.crds_path`), one
    /// file per CRD. Refuses CRDs of another release than promsite targets.
    ImportCrds {
        /// The site file (with `[operator] crds = "vendored"` and `crds_path`).
        site: PathBuf,
        /// The release's `bundle.yaml`, a CRD YAML file, or a directory of them.
        from: PathBuf,
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
        /// S (3 nodes, 5 targets, 20 rules), M (10, 50, 200), L (50, 200, 2,000), XL (200, 1,000, 20,000), XXL (200, 1,000, 50,000).
        #[arg(value_enum, ignore_case = true)]
        size: crate::synthetic::Size,
        /// Site name.
        #[arg(long, default_value = "synthetic")]
        name: String,
        /// The kind of rule set: uniform (one shape and template form) or realistic.
        #[arg(long, value_enum, default_value = "uniform")]
        rules: crate::synthetic::Rules,
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
            let status = check::check_sites(&mut out, &sites);
            out.finish(status)
        }
        Command::Compile {
            sites,
            out: root,
            check,
            reporting,
        } => {
            let mut out = Output::new(cli.color, reporting);
            let status = compile::compile_sites(&mut out, &sites, &root, check);
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
            let status = diff::diff_site(&mut out, &site, &target, output);
            out.finish(status)
        }
        Command::Images { site, format } => {
            let mut out = Output::new(cli.color, Reporting::human());
            let status = images::images(&mut out, &site, format == DiffOutput::Json);
            out.finish(status)
        }
        Command::ImportCrds { site, from } => import_crds::import(&site, &from),
        Command::Schema => schema::print_schema(),
        Command::Explain { code } => explain::explain(&code),
        Command::Init { name, nodes, output } => init::init(cli.color, &name, &nodes, output),
        Command::Completions { shell } => man::completions(shell),
        Command::Man => man::man(),
        Command::Docs => schema::docs(),
        Command::Synth { size, name, rules } => output::print(crate::synthetic::site_with(size, rules, &name)),
    };
    status.into()
}
