//! promsite compiles one TOML site file into a complete, validated Prometheus Operator stack for
//! an on-prem Kubernetes cluster: `out/<site>/`, one object per file, with a kustomization.
//!
//! The crate follows the data: `site` (parse TOML, spans) → `check` (schema and semantic checks,
//! building the span-free `model`) → `render` (pure: model → typed objects) → `emit` (files,
//! atomic write) and `diff` (compare with a directory, a live cluster or a dump). Only `load` (the
//! site file and the files it names), `cli`, `emit` and `diff` do I/O, and only `diff` talks to a
//! cluster; `vendored` checks the rendered custom resources against vendored CRDs; `diag` carries
//! every user-facing problem with a stable code and a span.

pub mod check;
mod cli;
pub mod content;
pub mod diag;
pub mod diff;
pub mod docs;
pub mod emit;
mod find;
mod huge_pages;
mod load;
pub mod model;
mod parallel;
pub mod pipeline;
pub mod render;
pub mod site;
pub mod starter;
pub mod synthetic;
#[cfg(test)]
mod test_texts;
pub mod vendored;
pub mod yaml;

pub use load::load;

use std::ffi::OsString;
use std::process::ExitCode;

/// Runs the command line, returning the process exit code.
pub fn run(args: impl IntoIterator<Item = OsString>) -> ExitCode {
    cli::run(args)
}

/// [`run`] as the `promsite` binary runs it, in a process that ends when the command does: the
/// large structures a command built are then left for the system to reclaim instead of being
/// freed one allocation at a time. A process that goes on after the command should call [`run`].
pub fn run_as_process(args: impl IntoIterator<Item = OsString>) -> ExitCode {
    parallel::process_ends_with_command();
    cli::run(args)
}
