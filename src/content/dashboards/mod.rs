//! The default Grafana dashboards, one file per subject, written as typed Rust (see [`board`]) from
//! the metrics promsite scrapes and the recording rules it ships. Each is a [`Spec`] in
//! [`DASHBOARDS`]: an id (uid `promsite-<id>`), the ConfigMap it is provisioned from, and a
//! function that adds variables, rows and panels to a [`Board`] from what [`Cx`] says about the
//! site. A board left without panels (its component is switched off) is dropped. `check/dashboards.rs`
//! runs every query through the rule checks; `docs/dashboards.md` is generated from the same code.

pub mod board;
mod compute;
mod control_plane;
mod docs;
mod monitoring;
mod nodes;

use std::collections::BTreeSet;

pub use board::{Board, Dashboard, Unit};
pub use docs::markdown;

use super::rules::{self, Jobs};
use crate::model::Site;

/// The ConfigMaps the default dashboards are grouped in: few, so the output stays small, each well
/// under the 256 KiB a client-side `kubectl apply` can store in its last-applied annotation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Bundle {
    /// Compute resources, nodes and volumes.
    Kubernetes,
    /// The API server, kubelets, etcd, CoreDNS, controller-manager and scheduler.
    ControlPlane,
    /// Prometheus, Alertmanager and the alerts.
    Monitoring,
}

impl Bundle {
    /// The name part of its ConfigMap, `grafana-dashboards-<name>`.
    pub fn name(self) -> &'static str {
        match self {
            Bundle::Kubernetes => "kubernetes",
            Bundle::ControlPlane => "control-plane",
            Bundle::Monitoring => "monitoring",
        }
    }
}

/// One default dashboard.
pub struct Spec {
    /// Id: a DNS label, listed in `[grafana] disabled_dashboards`; the uid is `promsite-<id>`.
    pub id: &'static str,
    /// Title.
    pub title: &'static str,
    /// The ConfigMap it goes in.
    pub bundle: Bundle,
    /// Adds the dashboard's variables and panels; adds none when the site lacks what it shows.
    pub build: fn(&Cx<'_>, &mut Board),
}

/// Every default dashboard, in the order of `docs/dashboards.md` (one per line, to merge cleanly).
#[rustfmt::skip]
pub const DASHBOARDS: &[Spec] = &[
    compute::CLUSTER,
    compute::NAMESPACE,
    compute::WORKLOAD,
    compute::POD,
    compute::NODE,
    nodes::NODES,
    nodes::VOLUMES,
    control_plane::APISERVER,
    control_plane::KUBELET,
    control_plane::ETCD,
    control_plane::COREDNS,
    control_plane::CONTROLLERS,
    monitoring::PROMETHEUS,
    monitoring::ALERTMANAGER,
    monitoring::ALERTS,
];

/// What a dashboard may know about the site.
pub struct Cx<'a> {
    /// The validated site (with its default rules applied).
    pub site: &'a Site,
    /// The job label of each component promsite scrapes (`None`: switched off).
    pub jobs: Jobs,
    /// The recording rules the site's default rules record.
    pub records: BTreeSet<&'static str>,
}

impl Cx<'_> {
    /// `record` if the site records it, else `expr`, the expression it records: a dashboard
    /// reads the recorded series where it exists and still works where its group is disabled.
    pub fn rec(&self, record: &str, expr: impl Into<String>) -> String {
        if self.records.contains(record) {
            record.to_owned()
        } else {
            format!("({})", expr.into())
        }
    }
}

/// A built default dashboard.
pub struct Built {
    /// Where it came from.
    pub spec: &'static Spec,
    /// Its panels and queries.
    pub board: Board,
}

impl Built {
    /// Its uid.
    pub fn uid(&self) -> String {
        board::uid(self.spec.id)
    }
    /// The file name in its ConfigMap.
    pub fn file_name(&self) -> String {
        format!("{}.json", self.spec.id)
    }
    /// The dashboard JSON, as provisioned.
    pub fn json(&self) -> String {
        let mut text = serde_json::to_string_pretty(&self.board.finish()).unwrap_or_default();
        text.push('\n');
        text
    }
}

/// The context of `site`: its jobs, and the records of its default rules (none when they are off).
pub fn cx(site: &Site) -> Cx<'_> {
    let records = rules::groups(site)
        .iter()
        .flat_map(|g| g.records.iter().map(|r| r.name))
        .collect();
    cx_with(site, records)
}

/// [`cx`] with the records of the site's default rules already known.
pub fn cx_with<'a>(site: &'a Site, records: BTreeSet<&'static str>) -> Cx<'a> {
    Cx {
        site,
        jobs: Jobs::of(site),
        records,
    }
}

/// Every default dashboard that has something to show on `site`, disabled ones included.
pub fn build(site: &Site) -> Vec<Built> {
    let cx = cx(site);
    DASHBOARDS.iter().filter_map(|spec| build_one(&cx, spec)).collect()
}

/// One default dashboard, if it has something to show on the site of `cx`.
pub fn build_one(cx: &Cx<'_>, spec: &'static Spec) -> Option<Built> {
    let mut board = Board::new(spec.id, spec.title);
    (spec.build)(cx, &mut board);
    board
        .items
        .iter()
        .any(|i| matches!(i, board::Item::Panel(_)))
        .then_some(Built { spec, board })
}

/// The recording-rule names (`level:metric:operations`, the names with a colon) an expression reads.
/// Every character of a name is ASCII, so the names are slices of `expr`: no copies.
pub fn recorded_names(expr: &str) -> BTreeSet<&str> {
    let bytes = expr.as_bytes();
    let mut names = BTreeSet::new();
    let mut word_start = None;
    let mut flush = |word_start: &mut Option<usize>, end: usize| {
        if let Some(start) = word_start.take() {
            let word = &expr[start..end];
            if word.contains(':') && !word.starts_with(':') && !word.as_bytes()[0].is_ascii_digit() {
                names.insert(word.trim_end_matches(':'));
            }
        }
    };
    let mut at = 0;
    while let Some(&b) = bytes.get(at) {
        match b {
            b'"' | b'\'' | b'`' => {
                flush(&mut word_start, at);
                // To the closing quote; a backslash escapes the byte after it.
                at += 1;
                while let Some(&c) = bytes.get(at) {
                    if c == b'\\' {
                        at += 1;
                    } else if c == b {
                        break;
                    }
                    at += 1;
                }
            }
            // A range or subquery `[5m:1m]` holds a colon that is not a name's.
            b'[' => {
                flush(&mut word_start, at);
                while bytes.get(at).is_some_and(|&c| c != b']') {
                    at += 1;
                }
            }
            b if b.is_ascii_alphanumeric() || b == b'_' || b == b':' => {
                word_start.get_or_insert(at);
            }
            _ => flush(&mut word_start, at),
        }
        at += 1;
    }
    flush(&mut word_start, bytes.len());
    names
}

#[cfg(test)]
mod tests {
    use super::recorded_names;

    #[test]
    fn recorded_names_are_the_words_with_a_colon_outside_strings_and_ranges() {
        for (expr, names) in [
            (
                "sum(instance:node_cpu:ratio) / on(job) job:up:sum",
                vec!["instance:node_cpu:ratio", "job:up:sum"],
            ),
            // Ranges and subqueries, strings with colons and escaped quotes, numbers.
            ("rate(a:b:c[5m:1m]) > 1:2", vec!["a:b:c"]),
            (r#"x{path="a:b", q='it\'s:x'} or `raw:y` or z:w:"#, vec!["z:w"]),
            ("max_over_time(cluster:x:y[1h:]) * 2", vec!["cluster:x:y"]),
            // A leading colon is no name; a trailing one is trimmed; a name once, however often.
            (":x:y + x:y: + x:y", vec!["x:y"]),
            ("é:x + ü a:b", vec!["a:b"]),
            ("up", vec![]),
            ("[unclosed a:b", vec![]),
            (r#""unclosed a:b"#, vec![]),
        ] {
            let found: Vec<&str> = recorded_names(expr).into_iter().collect();
            assert_eq!(found, names, "{expr}");
        }
    }
}
