//! The integration tests, as one binary: each module was a binary of its own, and each linked
//! kube, tokio and jsonschema again. Run one module with `cargo test --test it tools::`.
//! Test data stays beside this folder: `tests/fixtures`, `tests/invalid`, `tests/cluster`.

mod common;
mod fake_api;

mod airgap;
mod alertmanager_e2e;
mod atomic;
mod cardinality;
mod cli;
mod cluster;
mod dashboards;
mod default_rules;
mod docs;
mod fixtures;
mod huge;
mod invalid;
mod layout;
mod placement;
mod properties;
mod rule_files;
mod sites;
mod stack;
mod tools;
