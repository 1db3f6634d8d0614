//! `promsite check`: validate site files, write nothing.

use std::path::PathBuf;

use super::Status;
use super::output::Output;
use super::sites::read_sites;
use crate::pipeline;

pub(super) fn check_sites(out: &mut Output, paths: &[PathBuf]) -> Status {
    let (sources, mut status) = read_sites(out, paths);
    let results = pipeline::check_all(&sources);
    for (source, result) in sources.iter().zip(&results) {
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
                out.diagnostics(source, diagnostics.clone());
                status = status.max(Status::Failed);
            }
        }
    }
    // The checked sites are large trees: freeing them is left to the end of the process.
    crate::parallel::drop_in_background(results);
    status
}
