//! `promsite diff`: a site's compiled output against a directory, a live cluster or a dump of one.

use std::path::{Path, PathBuf};

use super::output::Output;
use super::sites::compile_each;
use super::{DiffOutput, Status};
use crate::diag::SiteSource;
use crate::diff;
use crate::pipeline::Compiled;

/// What a site is compared with.
pub(super) enum Target {
    Directory(PathBuf),
    Cluster(ClusterTarget),
    LiveFile(PathBuf),
}

/// `--cluster` and its options.
#[cfg_attr(
    not(feature = "cluster"),
    allow(dead_code, reason = "read only by the cluster client")
)]
pub(super) struct ClusterTarget {
    pub(super) context: Option<String>,
    pub(super) kubeconfig: Option<PathBuf>,
}

pub(super) fn diff_site(out: &mut Output, path: &Path, target: &Target, output: DiffOutput) -> Status {
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
    // Against a directory, its volumes are the previous ones; a live comparison shows the claims' own diffs.
    let against = match target {
        Target::Directory(dir) => Some(dir.clone()),
        Target::Cluster(_) | Target::LiveFile(_) => None,
    };
    let (compiled, status) = compile_each(out, std::slice::from_ref(&path.to_path_buf()), &|_| against.clone());
    let Some((source, site)) = compiled.first() else {
        // An invalid site is an error for `diff`: there is nothing to compare.
        return status.max(Status::Error);
    };
    match target {
        Target::Directory(against) => diff_directory(out, site, against),
        Target::Cluster(cluster) => match connect(cluster) {
            Ok((mut live, description)) => diff_live(out, source, site, live.as_mut(), &description, output),
            Err(e) => {
                out.error(e);
                Status::Error
            }
        },
        Target::LiveFile(dump) => match diff::dump::DumpSource::read(dump) {
            Ok(mut live) => diff_live(
                out,
                source,
                site,
                &mut live,
                &format!("live file {}", dump.display()),
                output,
            ),
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
    out: &mut Output,
    site_source: &SiteSource,
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
            Ok(text) => out.stdout.line(text),
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
    // The live Prometheus and Alertmanager are the previous output here: their claim templates.
    let live: crate::emit::Tree = report
        .changes
        .iter()
        .filter(|c| c.action == diff::cluster::Action::Change && matches!(c.kind, "Prometheus" | "Alertmanager"))
        .filter_map(|c| c.file.old.clone().map(|old| (c.file.path.clone(), old)))
        .collect();
    let changed = diff::volumes::warnings(site, &live);
    if !changed.is_empty() {
        out.diagnostics(site_source, changed);
    }
    if let Some(why) = &report.dry_run_refused {
        out.stderr.line(format_args!(
            "note: the server cannot dry-run an apply ({why}); compared only the fields promsite sets"
        ));
    }
    for change in &report.changes {
        let action = match change.action {
            diff::cluster::Action::Create => "create",
            diff::cluster::Action::Change => "change",
            diff::cluster::Action::Prune => "prune",
        };
        let namespace = change.namespace.as_ref().map(|n| format!("{n}/")).unwrap_or_default();
        out.stderr
            .line(format_args!("{action:<6} {} {namespace}{}", change.kind, change.name));
    }
    out.stderr.line(format_args!(
        "{}: {} (against {description})",
        site.name,
        report.summary()
    ));
    if report.changes.is_empty() {
        Status::Ok
    } else {
        Status::Failed
    }
}
