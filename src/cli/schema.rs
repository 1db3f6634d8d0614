//! `promsite schema`, and the hidden `docs`: the site file's JSON Schema and the reference made
//! from it.

use super::Status;
use super::output::{self, Stream};
use crate::check;

pub(super) fn print_schema() -> Status {
    match serde_json::to_string_pretty(&check::site_schema()) {
        Ok(text) => output::print(text + "\n"),
        Err(e) => {
            Stream::stderr().line(format_args!("error: cannot print the schema: {e}"));
            Status::Error
        }
    }
}

/// Prints the site-format reference (docs/site-format.md).
pub(super) fn docs() -> Status {
    output::print(crate::docs::site_format(&check::site_schema()))
}
