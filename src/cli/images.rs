//! `promsite images SITE`: every image the site needs, as it pulls them, for mirroring scripts
//! (`skopeo copy`, `crane copy`).

use std::path::Path;

use serde::Serialize;

use super::Status;
use super::output::{self, Output};
use super::sites::read_sites;
use crate::pipeline;

/// One image in `--format json`.
#[derive(Serialize)]
struct Entry {
    /// The name `[images.overrides]` knows it by.
    name: &'static str,
    /// The reference the cluster pulls (mirror and overrides applied).
    image: String,
    /// Where it is published upstream, to copy from.
    source: String,
}

pub(super) fn images(out: &mut Output, site: &Path, json: bool) -> Status {
    let (sources, status) = read_sites(out, &[site.to_path_buf()]);
    let Some(source) = sources.first() else {
        return status;
    };
    let checked = match pipeline::check(source) {
        Ok(checked) => checked,
        Err(diagnostics) => {
            out.diagnostics(source, diagnostics);
            return Status::Failed;
        }
    };
    out.diagnostics(source, checked.warnings.clone());
    let site = &checked.site;
    let mut entries: Vec<Entry> = site
        .images()
        .into_iter()
        .map(|(image, reference)| Entry {
            name: image.id(),
            image: reference,
            source: site.image_source(image),
        })
        .collect();
    entries.sort_by(|a, b| a.image.cmp(&b.image).then(a.name.cmp(b.name)));
    let text = if json {
        let mut text = serde_json::to_string_pretty(&entries).unwrap_or_default();
        text.push('\n');
        text
    } else {
        let mut lines: Vec<&str> = entries.iter().map(|e| e.image.as_str()).collect();
        lines.dedup();
        lines.iter().flat_map(|l| [*l, "\n"]).collect()
    };
    status.max(output::print(text))
}
