//! The site files named on the command line: directories expanded, each file read (through
//! `crate::load`) and checked or compiled, with problems reported as they are met.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::Status;
use super::output::Output;
use crate::diag::{Diagnostics, SiteSource};
use crate::pipeline::{self, Compiled};

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
    crate::load(path).map_err(|e| {
        out.error(format!("cannot read {}: {e}", path.display()));
        Status::Error
    })
}

/// Reads every site file (in order, reporting what cannot be read): the sources, and the worst
/// status so far.
pub(super) fn read_sites(out: &mut Output, paths: &[PathBuf]) -> (Vec<SiteSource>, Status) {
    let Some(files) = site_files(out, paths) else {
        return (Vec::new(), Status::Error);
    };
    // Site files large enough restart the process before they are read (reading 1.4 MB took
    // longer than the restart); the files they name count once they are read, below.
    let site_bytes = files
        .iter()
        .filter_map(|file| std::fs::metadata(file).ok())
        .map(|meta| usize::try_from(meta.len()).unwrap_or(usize::MAX))
        .fold(0, usize::saturating_add);
    crate::huge_pages::restart_for_input(site_bytes);
    let mut sources = Vec::new();
    let mut status = Status::Ok;
    for file in files {
        match read_site(out, &file) {
            Ok(source) => sources.push(source),
            Err(failure) => status = status.max(failure),
        }
    }
    // Nothing has been printed or written yet: a large input may restart the process.
    if status == Status::Ok {
        crate::huge_pages::restart_for_input(sources.iter().map(SiteSource::bytes).sum());
    }
    (sources, status)
}

/// Reads and compiles each site (in parallel), printing diagnostics in file order. The status is
/// the worst so far. `previous` names the directory that holds a site's previous output, if any:
/// its volumes are compared with the new ones (`diff::volumes`), and differences join the warnings.
pub(super) fn compile_each(
    out: &mut Output,
    paths: &[PathBuf],
    previous: &dyn Fn(&Compiled) -> Option<PathBuf>,
) -> (Vec<(SiteSource, Compiled)>, Status) {
    let (sources, mut status) = read_sites(out, paths);
    if status == Status::Error && sources.is_empty() {
        return (Vec::new(), status);
    }
    let results = pipeline::compile_all(&sources);
    let mut compiled = Vec::new();
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    for (source, result) in sources.into_iter().zip(results) {
        match result {
            Ok(mut site) => {
                if let Some(dir) = previous(&site) {
                    let before = crate::diff::volumes::previous(&dir, &site);
                    let changed = crate::diff::volumes::warnings(&site, &before);
                    site.warnings.extend(changed);
                }
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
