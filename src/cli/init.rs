//! `promsite init`: a commented starter site, checked like any site before it is written.

use std::io::Write;
use std::path::PathBuf;

use super::output::Output;
use super::{ColorChoice, Format, Reporting, Status};
use crate::diag::{self, SiteSource};
use crate::pipeline;
use crate::starter::{self, StarterNode};

/// Writes the starter site, refusing to overwrite anything, after checking it like any site.
pub(super) fn init(color: ColorChoice, name: &str, nodes: &[StarterNode], output: Option<PathBuf>) -> Status {
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
        out.stderr.write(diag::render(&source, diagnostics, out.color, 100));
        out.error("the starter site would be invalid with these flags; nothing was written");
        return Status::Error;
    }
    if path.as_os_str() == "-" {
        out.stdout.write(source.text.as_bytes());
        return out.finish(Status::Ok);
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
            out.stdout.line(format_args!(
                "{}: written; next: `promsite check {}`",
                path.display(),
                path.display()
            ));
            out.finish(Status::Ok)
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
