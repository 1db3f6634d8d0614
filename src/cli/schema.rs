//! `promsite schema`, and the hidden `docs`: the site file's JSON Schema and the reference made
//! from it.

use super::Status;
use crate::check;

pub(super) fn print_schema() -> Status {
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

/// Prints the site-format reference (docs/site-format.md).
pub(super) fn docs() -> Status {
    print!("{}", crate::docs::site_format(&check::site_schema()));
    Status::Ok
}
