//! The default dashboards (`crate::content::dashboards`): built from the finished site, each query
//! checked like a rule's PromQL, each recorded series checked against what the site's default
//! rules record, and grouped into the ConfigMaps Grafana provisions them from. A default whose uid
//! a user dashboard takes is left out (the user's replaces it). Problems here are promsite bugs;
//! they are reported at `[grafana]` so that they are never silent.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

use super::Ctx;
use super::syntax::promql::PromqlVerdicts;
use super::syntax::values::{Checked, Problem};
use crate::content::dashboards::{self, Board};
use crate::diag::Code;
use crate::model::{self, DashboardBundle};

/// Where problems in the default dashboards are reported.
const POINTER: &str = "/grafana";
/// The most a dashboard ConfigMap may hold: a client-side `kubectl apply` (Argo CD's default) copies
/// the object into an annotation, and annotations hold at most 256 KiB. Leave room for the metadata
/// and the JSON escaping of the copy.
const MAX_BUNDLE_BYTES: usize = 200 * 1024;

/// Building, serializing and checking the default dashboards of a site: pure, and shared out one
/// dashboard at a time between the threads that [`Work::help`], so that the thread that checks
/// the default rules takes what is left when it is done.
pub(crate) struct Work<'a> {
    cx: dashboards::Cx<'a>,
    /// The dashboards the site shows: not switched off, and no user dashboard with their uid.
    specs: Vec<&'static dashboards::Spec>,
    next: AtomicUsize,
    /// By position in `specs`: `None` for a dashboard with nothing to show on this site.
    done: Mutex<Vec<Option<Done>>>,
}

/// One default dashboard, built, serialized and checked.
struct Done {
    built: dashboards::Built,
    json: String,
    /// The bytes its entry takes in its bundle's JSON ([`entry_size`]).
    bytes: usize,
    /// What is wrong with its queries (promsite bugs), by panel title.
    problems: Vec<(String, String)>,
}

impl<'a> Work<'a> {
    /// The work for the default dashboards of `site` (none when it has no Grafana or they are
    /// off); `records` are the series its default rules record.
    pub(crate) fn new(site: &'a model::Site, records: BTreeSet<&'static str>) -> Option<Self> {
        let grafana = site.grafana.as_ref().filter(|g| g.default_dashboards)?;
        let user_uids: Vec<String> = grafana.dashboards.iter().filter_map(|d| d.uid.clone()).collect();
        let specs: Vec<&'static dashboards::Spec> = dashboards::DASHBOARDS
            .iter()
            .filter(|spec| {
                !grafana.disabled_dashboards.contains(spec.id) && !user_uids.contains(&dashboards::board::uid(spec.id))
            })
            .collect();
        Some(Self {
            cx: dashboards::cx_with(site, records),
            done: Mutex::new(specs.iter().map(|_| None).collect()),
            specs,
            next: AtomicUsize::new(0),
        })
    }

    /// Builds, serializes and checks dashboards until none is left. The queries get the same
    /// verdicts as the rules' PromQL, from this thread's own memo.
    pub(crate) fn help(&self) {
        let promql = PromqlVerdicts::default();
        loop {
            let at = self.next.fetch_add(1, Ordering::Relaxed);
            let Some(&spec) = self.specs.get(at) else {
                return;
            };
            let done = dashboards::build_one(&self.cx, spec).map(|built| {
                let json = built.json();
                Done {
                    bytes: entry_size(&built.file_name(), &json),
                    problems: problems(&built.board, &self.cx.records, |expr| promql.check(expr)),
                    json,
                    built,
                }
            });
            self.done.lock().unwrap_or_else(PoisonError::into_inner)[at] = done;
        }
    }

    /// The dashboards, once the helpers are done (a helper that panicked ends the check, as
    /// any panic in it does).
    pub(crate) fn finish(self) -> Finished {
        let done = self.done.into_inner().unwrap_or_else(PoisonError::into_inner);
        Finished(done.into_iter().flatten().collect())
    }
}

/// The default dashboards of a site, built, serialized and checked, in their order.
pub(crate) struct Finished(Vec<Done>);

/// Reports what is wrong with the default dashboards and adds them to the site's Grafana.
pub(crate) fn apply(ctx: &mut Ctx<'_>, mut site: model::Site, finished: Finished) -> model::Site {
    let mut bundles: BTreeMap<&'static str, (BTreeMap<String, String>, Vec<usize>)> = BTreeMap::new();
    for d in finished.0 {
        for (panel, what) in &d.problems {
            bug(ctx, &d.built, panel, what);
        }
        let (files, sizes) = bundles.entry(d.built.spec.bundle.name()).or_default();
        files.insert(d.built.file_name(), d.json);
        sizes.push(d.bytes);
    }
    let bundles: Vec<DashboardBundle> = bundles
        .into_iter()
        .map(|(name, (files, sizes))| {
            check_size(ctx, name, object_size(&sizes));
            DashboardBundle { name, files }
        })
        .collect();
    if let Some(grafana) = &mut site.grafana {
        grafana.defaults = bundles;
    }
    site
}

/// Reports a bundle too large for a ConfigMap that `kubectl apply` can update.
fn check_size(ctx: &mut Ctx<'_>, name: &str, bytes: usize) {
    if bytes > MAX_BUNDLE_BYTES {
        ctx.error(
            Code::GrafanaDashboard,
            POINTER,
            Problem::new(
                format!(
                    "promsite bug: the default dashboards of `{name}` take {} KiB, more than the {} KiB a ConfigMap may hold for `kubectl apply`",
                    bytes / 1024,
                    MAX_BUNDLE_BYTES / 1024
                ),
                "switch some off in `[grafana] disabled_dashboards`, and report this",
            ),
        );
    }
}

/// What is wrong with a board's queries: PromQL the rule checks refuse, or a recorded series
/// (`level:metric:operations`) that `records` lacks. By panel (or variable) title.
fn problems(board: &Board, records: &BTreeSet<&str>, promql: impl Fn(&str) -> Checked<()>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (panel, expr) in board.queries() {
        if let Err(problem) = promql(expr) {
            out.push((panel.to_owned(), format!("`{expr}`: {}", problem.message)));
        }
        for name in dashboards::recorded_names(expr) {
            if !records.contains(name) {
                out.push((
                    panel.to_owned(),
                    format!("reads `{name}`, which the site's default rules do not record"),
                ));
            }
        }
    }
    out
}

/// The bytes a bundle's data takes as JSON (as an annotation would hold it), from the sizes of its
/// entries: what `serde_json::to_string(&bundle.files)` writes, counted without writing it.
fn object_size(entries: &[usize]) -> usize {
    2 + entries.iter().sum::<usize>() + entries.len().saturating_sub(1)
}

/// The bytes of one entry, `"name":"json"`, of a bundle's data as JSON.
fn entry_size(name: &str, json: &str) -> usize {
    json_string_size(name) + 1 + json_string_size(json)
}

/// The bytes of `text` as a JSON string, quotes included, escaped as `serde_json` escapes: a quote,
/// a backslash and the short control escapes take two bytes, other control characters six.
fn json_string_size(text: &str) -> usize {
    let escaped = crate::find::count_bytes(text.as_bytes(), |b| b < 0x20 || b == b'"' || b == b'\\');
    let long = crate::find::count_bytes(text.as_bytes(), |b| {
        b < 0x20 && !matches!(b, b'\x08' | b'\t' | b'\n' | b'\x0c' | b'\r')
    });
    text.len() + escaped + 4 * long + 2
}

fn bug(ctx: &mut Ctx<'_>, b: &dashboards::Built, panel: &str, what: &str) {
    ctx.error(
        Code::GrafanaDashboard,
        POINTER,
        Problem::new(
            format!(
                "promsite bug: default dashboard `{}`, panel `{panel}` {what}",
                b.spec.id
            ),
            format!(
                "switch the dashboard off with `disabled_dashboards = [\"{}\"]`, and report this",
                b.spec.id
            ),
        ),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::syntax::promql;
    use crate::content::dashboards::Unit;

    #[test]
    fn a_broken_query_and_an_unrecorded_series_are_problems() {
        let mut board = Board::new("test", "Test");
        board.var("namespace", "Namespace", "up{job=\"x\"", "namespace");
        board
            .graph("Broken", Unit::Short)
            .q("sum(rate(up[5m])", "")
            .q("instance:node_cpu_busy:ratio_rate5m", "");
        board.graph("Fine", Unit::Short).q("sum by (job) (rate(up[5m:1m]))", "");
        let records = BTreeSet::from(["cluster:node_cpu_busy:ratio_rate5m"]);
        let found = problems(&board, &records, promql::promql);
        let titles: Vec<&str> = found.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(titles, ["Namespace", "Broken", "Broken"], "{found:?}");
        assert!(
            found[2].1.contains("`instance:node_cpu_busy:ratio_rate5m`"),
            "{found:?}"
        );
        // The same board with the selector closed and the series recorded has none.
        board.vars[0].selector = "up{job=\"x\"}".to_owned();
        if let crate::content::dashboards::board::Item::Panel(p) = &mut board.items[0] {
            p.queries[0].expr = "sum(rate(up[5m]))".to_owned();
        }
        let records = BTreeSet::from(["instance:node_cpu_busy:ratio_rate5m"]);
        assert_eq!(problems(&board, &records, promql::promql), Vec::new());
    }

    /// The dashboards come out the same, in the same order, whichever threads built them: here
    /// one thread alone against the check's two.
    #[test]
    fn one_thread_builds_what_two_build() {
        let source = crate::diag::SiteSource::new(
            "example.toml",
            include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/sites/example.toml")),
        );
        let site = crate::pipeline::check(&source).expect("the seed site checks").site;
        let records = crate::content::rules::groups(&site)
            .iter()
            .flat_map(|g| g.records.iter().map(|r| r.name))
            .collect();
        let work = Work::new(&site, records).expect("the seed has default dashboards");
        work.help();
        let finished = work.finish();
        assert!(finished.0.iter().all(|d| d.problems.is_empty()));
        let alone: Vec<(&str, String)> = finished.0.iter().map(|d| (d.built.spec.id, d.json.clone())).collect();
        let grafana = site.grafana.as_ref().expect("the seed has Grafana");
        let by_check: Vec<(&str, String)> = dashboards::DASHBOARDS
            .iter()
            .filter_map(|spec| {
                let file = format!("{}.json", spec.id);
                let json = grafana.defaults.iter().find_map(|b| b.files.get(&file))?;
                Some((spec.id, json.clone()))
            })
            .collect();
        assert!(alone.len() > 10, "only {} dashboards", alone.len());
        assert_eq!(alone, by_check);
    }

    /// The size is what serde_json writes, for the seed site's bundles and texts with every escape.
    #[test]
    fn bundle_sizes_are_the_serialized_sizes() {
        let every_byte: String = (0..=0x7f_u8).map(char::from).chain(['é', '€', '𝄞']).collect();
        let mut bundles = vec![
            DashboardBundle {
                name: "none",
                files: BTreeMap::new(),
            },
            DashboardBundle {
                name: "escapes",
                files: BTreeMap::from([
                    (every_byte.clone(), every_byte.repeat(3)),
                    ("a.json".to_owned(), "{\n  \"x\": \"\\\\d\"\n}\n".to_owned()),
                ]),
            },
        ];
        let source = crate::diag::SiteSource::new(
            "example.toml",
            include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/sites/example.toml")),
        );
        let checked = crate::pipeline::check(&source).expect("the seed site checks");
        bundles.extend(checked.site.grafana.expect("the seed has Grafana").defaults);
        assert!(bundles.len() > 3);
        for bundle in &bundles {
            let written = serde_json::to_string(&bundle.files).expect("serializes");
            let entries: Vec<usize> = bundle.files.iter().map(|(name, json)| entry_size(name, json)).collect();
            assert_eq!(object_size(&entries), written.len(), "{}", bundle.name);
        }
    }
}
