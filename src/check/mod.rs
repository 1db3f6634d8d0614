//! Validation: turns a parsed site into a `model::Site` or reports every problem it has.
//!
//! Stages run in a fixed order and later stages never see input an earlier one rejected:
//! plaintext secrets and the JSON Schema first, then typed deserialization, then the semantic
//! passes (values, names, references, placement), each collecting all of its findings.
//! Nothing here does I/O.

mod adapter;
mod ahead;
mod alertmanager;
mod api_clients;
mod blackbox;
mod client;
pub mod crds;
mod crosscheck;
mod ctx;
mod dashboards;
mod default_rules;
mod etcd;
mod exporters;
mod grafana;
mod images;
mod ingress;
mod inhibit_rules;
mod nodes;
mod operator;
mod ports;
mod prometheus;
mod prometheus_rules;
mod receivers;
mod relabel;
mod resources;
mod routes;
mod rules;
mod scale;
mod schema;
mod scrapes;
mod secrets;
mod site;
mod syntax;
mod targets;
mod time_intervals;
mod verdict_map;
mod versions;

/// Entry points for the fuzz targets in `fuzz/`: each string checker, without the site around it.
#[doc(hidden)]
pub mod fuzz {
    /// PromQL, as rule expressions are checked.
    pub fn promql(text: &str) -> bool {
        super::syntax::promql::promql(text).is_ok()
    }
    /// Whether the regex-matcher shortcut of the PromQL check agrees with the parser on `text`.
    pub fn promql_shortcut_is_sound(text: &str) -> bool {
        super::syntax::promql::shortcut_is_sound(text)
    }
    /// Whether the fast PromQL acceptor takes `text` (certainly accepted, without promql-parser).
    pub fn promql_fast_takes(text: &str) -> bool {
        super::syntax::promql::fast_takes(text)
    }
    /// Whether the fast PromQL acceptor never takes what the full check refuses, on `text`.
    pub fn promql_fast_is_sound(text: &str) -> bool {
        super::syntax::promql::fast_is_sound(text)
    }
    /// Whether the fast tier of the schema check, on the site file `text`, is sure only where the
    /// validator agrees (true for a text that is not TOML).
    pub fn schema_fast_is_sound(text: &str) -> bool {
        let source = crate::diag::SiteSource::new("fuzz.toml", text);
        crate::site::parse_document(&source).map_or(true, |document| {
            super::schema::fast_is_sound(&document.into_parsed().json)
        })
    }
    /// Whether the fast reading of the site file `text`, where it answers, reads what the TOML
    /// parser reads.
    pub fn site_toml_fast_is_sound(text: &str) -> bool {
        crate::site::fast_toml_agrees(text)
    }
    /// Whether the fast reading of the rule file `text`, where it answers, reads what the YAML
    /// parser reads.
    pub fn rule_file_fast_is_sound(text: &str) -> bool {
        crate::site::rule_file::fast_reading_agrees(text)
    }
    /// An Alertmanager matcher.
    pub fn matcher(text: &str) -> bool {
        super::syntax::matchers::matcher(text).is_ok()
    }
    /// A Go template in a rule annotation.
    pub fn template(text: &str) -> bool {
        super::syntax::go_template::template(text).is_ok()
    }
    /// A Prometheus duration.
    pub fn duration(text: &str) -> bool {
        super::syntax::values::duration(text).is_ok()
    }
    /// A Kubernetes quantity.
    pub fn quantity(text: &str) -> bool {
        super::syntax::values::quantity(text).is_ok()
    }
    /// A Kubernetes quantity above zero: what a volume size and a request must be.
    pub fn positive_quantity(text: &str) -> bool {
        super::resources::quantity_value(text).is_ok_and(|q| q.value > 0.0)
    }
    /// An http(s) URL.
    pub fn url(text: &str) -> bool {
        super::syntax::values::http_url(text).is_ok()
    }
    /// A prometheus-adapter metrics query.
    pub fn adapter_query(text: &str) -> bool {
        super::syntax::adapter_query::adapter_query(text).is_ok()
    }
}

/// Entry points for the benchmarks in `benches/`: one checker alone.
#[doc(hidden)]
pub mod bench {
    /// How many of the PromQL `texts` are accepted, on one thread with one memo, with the fast
    /// acceptor in front of promql-parser or without it.
    pub fn promql(texts: &[&str], fast: bool) -> usize {
        super::syntax::promql::accepted_count(texts.iter().copied(), fast)
    }
    /// How many of the Go `templates` are accepted.
    pub fn templates(texts: &[&str]) -> usize {
        texts
            .iter()
            .filter(|text| super::syntax::go_template::template(text).is_ok())
            .count()
    }
    /// How many top-level keys the site file `text` has, read into its JSON view with the fast
    /// reading in front of the TOML parser or with the TOML parser alone.
    pub fn site_json(text: &str, fast: bool) -> usize {
        crate::site::json_view_with(text, fast)
            .and_then(|json| json.as_object().map(serde_json::Map::len))
            .unwrap_or_default()
    }
    /// How many groups the rule files `texts` hold, read with the fast reading in front of the
    /// YAML parser or with the YAML parser alone.
    pub fn rule_files(texts: &[String], fast: bool) -> usize {
        texts
            .iter()
            .filter_map(|text| crate::site::rule_file::parse_with(text, fast).ok())
            .map(|file| file.groups.len())
            .sum()
    }
}

pub(crate) use ahead::Ahead;
pub use schema::{prepare, site_schema};
/// Go's regex spellings that Rust's `regex` lacks, rewritten for it (the model matches alerts with Rust).
pub(crate) use syntax::go_regex::rust_form as rust_regex_form;
pub(crate) use syntax::promql::PromqlVerdicts;

use std::ops::Range;

use serde::Deserialize as _;

use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::model::{self, Site};
use crate::site::{ParsedSite, raw::RawSite};
use ctx::Ctx;

/// A valid site with any warnings about it.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The validated model.
    pub site: Site,
    /// Warnings (never errors).
    pub warnings: Diagnostics,
    /// Where the values that later stages may report on are in the site file (see [`ANCHORS`]).
    pub anchors: Anchors,
}

/// The spans of the [`ANCHORS`] values, looked up only when a later stage reports on one: finding
/// a span builds the whole span index, which a valid site otherwise never pays for (it was 15% of
/// checking a large site).
#[derive(Debug, Clone, Default)]
pub struct Anchors(crate::site::SpanIndex);

impl Anchors {
    /// The span of the value at `pointer` (one of [`ANCHORS`]), if the site file sets it.
    pub fn span(&self, pointer: &str) -> Option<Range<usize>> {
        debug_assert!(ANCHORS.contains(&pointer), "`{pointer}` is not an anchor");
        self.0.contains(pointer).then(|| self.0.value(pointer))
    }
}

/// Values that `compile` and `diff` may warn about once they have read the previous output: the
/// volume sizes (`diff::volumes`).
pub const ANCHORS: &[&str] = &["/prometheus/storage/size", "/alertmanager/storage/size"];

/// Validates a parsed site file, given what was worked out ahead (the verdicts on its rules'
/// PromQL and its rule files, parsed on other cores while this one runs the stages before the
/// semantic passes, which need them).
pub(crate) fn validate(parsed: &ParsedSite, ahead: impl FnOnce() -> Ahead) -> Result<Checked, Diagnostics> {
    let raw = deserialize(parsed);
    let ahead = ahead();
    let (raw, diagnostics) = raw?;
    let mut ctx = Ctx::new(&parsed.spans, &parsed.included, &ahead, diagnostics);
    let default_rules = default_rules::settings(&mut ctx, &raw);
    let site = site::site(&mut ctx, &raw).map(|site| with_defaults(&mut ctx, model::Site { default_rules, ..site }));
    crate::parallel::drop_in_background(raw);
    let diagnostics = ctx.finish();
    // The verdicts of a large site's rules: thousands of texts to free.
    crate::parallel::drop_in_background(ahead);
    if diagnostics.has_errors() {
        return Err(diagnostics);
    }
    match site {
        Some(site) => Ok(Checked {
            site,
            warnings: diagnostics,
            anchors: Anchors(parsed.spans.clone()),
        }),
        None => unreachable!("a site that failed to build always has an error"),
    }
}

/// `site` with its default rules and dashboards, checked. The dashboards only read the site and
/// the series the default rules record, so another core builds, serializes and checks them one at
/// a time while this one checks the rules, and this one takes those left when it is done.
fn with_defaults(ctx: &mut Ctx<'_>, site: model::Site) -> model::Site {
    let groups = crate::content::rules::groups(&site);
    let records = groups.iter().flat_map(|g| g.records.iter().map(|r| r.name)).collect();
    let boards = dashboards::Work::new(&site, records);
    let rules = std::thread::scope(|scope| {
        if let Some(boards) = &boards {
            scope.spawn(|| boards.help());
        }
        let rules = default_rules::check(ctx, &site, groups);
        if let Some(boards) = &boards {
            boards.help();
        }
        rules
    });
    let boards = boards.map(dashboards::Work::finish);
    let site = default_rules::attach(ctx, site, rules);
    match boards {
        Some(boards) => dashboards::apply(ctx, site, boards),
        None => site,
    }
}

/// The plaintext-secret scan, the schema and typed deserialization: the stages before the
/// semantic passes, which only run on a site that got through all three.
fn deserialize(parsed: &ParsedSite) -> Result<(RawSite, Diagnostics), Diagnostics> {
    let namespace = parsed
        .json
        .pointer("/site/namespace")
        .and_then(|v| v.as_str())
        .unwrap_or("monitoring");
    // The three read the same JSON, so they run side by side; the deserialized site is used only
    // if it passed the other two.
    let ((secret_findings, secret_pointers), schema_findings, raw) = std::thread::scope(|scope| {
        let secrets = scope.spawn(|| secrets::scan(&parsed.json, &parsed.spans, namespace));
        let raw = scope.spawn(|| RawSite::deserialize(&parsed.json));
        let schema_findings = schema::validate(&parsed.json, &parsed.spans);
        let (secrets, raw) = (secrets.join(), raw.join());
        (
            secrets.unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            schema_findings,
            raw.unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
        )
    });
    let mut diagnostics = Diagnostics::default();
    diagnostics.extend(secret_findings);
    diagnostics.extend(schema::without(schema_findings, &secret_pointers));
    if diagnostics.has_errors() {
        return Err(diagnostics);
    }
    match raw {
        Ok(raw) => Ok((raw, diagnostics)),
        Err(e) => {
            // The schema is generated from these types, so this means the two disagree: a promsite bug.
            diagnostics.push(Diagnostic::error(
                Code::SchemaInvalidValue,
                0..0,
                format!("internal: the site passed the schema but not deserialization: {e}"),
            ));
            Err(diagnostics)
        }
    }
}
