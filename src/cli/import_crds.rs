//! `promsite import-crds SITE FROM`: copies the Prometheus Operator's CRDs out of a downloaded
//! release (its `bundle.yaml`, which also holds the operator's other objects, or a directory of CRD
//! files) into the site's vendored CRD folder, one file per CRD, named as upstream names them
//! (`monitoring.coreos.com_<plural>.yaml`). It refuses the whole import when a CRD of the operator's
//! group is from another release, writes only CRD files, and never deletes anything: a file it
//! would replace must already be one of the operator's CRDs.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use super::Status;
use super::output::Stream;
use crate::check::crds::{self, Refusal};

pub(super) fn import(site: &Path, from: &Path) -> Status {
    let stdout = Stream::stdout();
    let stderr = Stream::stderr();
    let status = match run(site, from, &stdout) {
        Ok(()) => Status::Ok,
        Err((status, message)) => {
            stderr.line(format_args!("error: {message}"));
            status
        }
    };
    status.max(stdout.finish(&stderr))
}

type Failure = (Status, String);

fn run(site: &Path, from: &Path, stdout: &Stream) -> Result<(), Failure> {
    let dir = target_dir(site)?;
    let mut found: BTreeMap<String, (String, String)> = BTreeMap::new();
    let mut skipped = 0;
    for file in input_files(from)? {
        let text = std::fs::read_to_string(&file)
            .map_err(|e| (Status::Error, format!("cannot read {}: {e}", file.display())))?;
        for (_, document) in crds::documents(&text) {
            match crds::crd(document) {
                Ok((crd, _)) => {
                    let name = format!("{}_{}.yaml", crds::GROUP, crd.plural);
                    if crd.plural.is_empty() || crd.plural.contains(['/', '\\']) || crd.plural.starts_with('.') {
                        return Err((
                            Status::Failed,
                            format!("{}: CRD `{}` has no usable plural name", file.display(), crd.name),
                        ));
                    }
                    found.insert(name, (crd.name, format!("---\n{}", document.trim_start_matches('\n'))));
                }
                Err(refusal @ Refusal::OtherVersion(..)) => {
                    let (message, _) = refusal.describe();
                    return Err((
                        Status::Failed,
                        format!(
                            "{}: {message}; download the operator release promsite targets, nothing was written",
                            file.display()
                        ),
                    ));
                }
                // The bundle's Deployment, RBAC and the like, or CRDs of other groups.
                Err(_) => skipped += 1,
            }
        }
    }
    if found.is_empty() {
        return Err((
            Status::Failed,
            format!("no CRD of group `{}` in {}", crds::GROUP, from.display()),
        ));
    }
    std::fs::create_dir_all(&dir).map_err(|e| (Status::Error, format!("cannot create {}: {e}", dir.display())))?;
    // Check every file first, so that a refusal leaves the folder as it was.
    for (name, (crd_name, _)) in &found {
        let path = dir.join(name);
        if let Ok(existing) = std::fs::read_to_string(&path) {
            let ours = crds::documents(&existing).iter().all(|(_, d)| {
                matches!(crds::crd(d), Ok((c, _)) if &c.name == crd_name) || is_operator_crd(d, crd_name)
            });
            if !ours {
                return Err((
                    Status::Failed,
                    format!(
                        "{} exists and is not the CRD `{crd_name}`; move it away first, nothing was written",
                        path.display()
                    ),
                ));
            }
        }
    }
    for (name, (_, text)) in &found {
        write(&dir.join(name), text)?;
        stdout.line(format_args!("{}", dir.join(name).display()));
    }
    if skipped > 0 {
        Stream::stderr().line(format_args!(
            "{} CRDs imported; {skipped} other documents skipped (not CRDs of `{}`)",
            found.len(),
            crds::GROUP
        ));
    }
    Ok(())
}

/// A document that is this operator CRD, of whatever release (an earlier import being replaced).
fn is_operator_crd(document: &str, name: &str) -> bool {
    matches!(crds::crd(document), Err(Refusal::OtherVersion(n, _)) if n == name)
}

/// The folder `operator.crds_path` names, relative to the site file.
fn target_dir(site: &Path) -> Result<PathBuf, Failure> {
    let text =
        std::fs::read_to_string(site).map_err(|e| (Status::Error, format!("cannot read {}: {e}", site.display())))?;
    let table: toml::Table =
        toml::from_str(&text).map_err(|e| (Status::Failed, format!("{}: not TOML: {e}", site.display())))?;
    let operator = table.get("operator").and_then(toml::Value::as_table);
    let crds = operator.and_then(|o| o.get("crds")).and_then(toml::Value::as_str);
    let path = operator.and_then(|o| o.get("crds_path")).and_then(toml::Value::as_str);
    match (crds, path) {
        (Some("vendored"), Some(path)) if !path.is_empty() && !Path::new(path).is_absolute() => {
            Ok(site.parent().unwrap_or(Path::new("")).join(path))
        }
        _ => Err((
            Status::Failed,
            format!(
                "{}: set `[operator] crds = \"vendored\"` and `crds_path = \"crds\"` (a folder relative to the site file) first",
                site.display()
            ),
        )),
    }
}

/// `from` itself, or the YAML files below it, in name order.
fn input_files(from: &Path) -> Result<Vec<PathBuf>, Failure> {
    if from.is_file() {
        return Ok(vec![from.to_path_buf()]);
    }
    if !from.is_dir() {
        return Err((
            Status::Error,
            format!("{} is not a file or a directory", from.display()),
        ));
    }
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(from).sort_by_file_name() {
        let entry = entry.map_err(|e| (Status::Error, format!("cannot read {}: {e}", from.display())))?;
        let yaml = entry.path().extension().is_some_and(|e| e == "yaml" || e == "yml");
        if entry.file_type().is_file() && yaml {
            files.push(entry.into_path());
        }
    }
    Ok(files)
}

/// Writes `text` to `path` through a temporary file in the same folder, so that an interrupted
/// import never leaves half a CRD.
fn write(path: &Path, text: &str) -> Result<(), Failure> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let failure = |e: std::io::Error| (Status::Error, format!("cannot write {}: {e}", path.display()));
    let mut file = tempfile::NamedTempFile::new_in(dir).map_err(failure)?;
    file.write_all(text.as_bytes()).map_err(failure)?;
    file.persist(path).map_err(|e| failure(e.error))?;
    Ok(())
}
