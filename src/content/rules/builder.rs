//! The typed builder the classes write their rules with: an alert has a severity, a summary, a
//! description and what to do first; labels and annotations common to every default alert
//! (`severity`, `promsite_group`, `runbook_url`) are added here, once.

use std::collections::BTreeMap;

use super::{Class, DefaultGroup, group_name};
use crate::model::default_rules::{DefaultRules, GROUP_LABEL};
use crate::site::raw;

/// How urgent an alert is; its `severity` label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Act now: something is down or about to lose data.
    Critical,
    /// Act within working hours: something degrades or will fail.
    Warning,
    /// Worth knowing when something else fires (inhibited otherwise).
    Info,
    /// Not a problem: alerts that exist to be routed (`Watchdog`, `InfoInhibitor`).
    None,
}

impl Severity {
    /// The label value.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::Warning => "warning",
            Severity::Info => "info",
            Severity::None => "none",
        }
    }
}

/// A default alerting rule.
#[derive(Debug, Clone)]
pub struct Alert {
    /// Alert name (also its anchor in `docs/alerts.md`).
    pub name: &'static str,
    /// Severity.
    pub severity: Severity,
    /// PromQL expression.
    pub expr: String,
    /// `for`, a Prometheus duration.
    pub for_duration: Option<&'static str>,
    /// One-line summary annotation (may use `{{ $labels.x }}`).
    pub summary: String,
    /// Description annotation: what is wrong with which object (templated).
    pub description: String,
    /// What the alert means, for the docs (plain text).
    pub meaning: String,
    /// What to do first, for the docs (plain text).
    pub action: String,
    /// Extra labels.
    pub labels: BTreeMap<String, String>,
}

impl Alert {
    /// Sets `for`.
    pub fn for_(&mut self, duration: &'static str) -> &mut Self {
        self.for_duration = Some(duration);
        self
    }
    /// Sets the summary annotation.
    pub fn summary(&mut self, text: impl Into<String>) -> &mut Self {
        self.summary = text.into();
        self
    }
    /// Sets the description annotation.
    pub fn description(&mut self, text: impl Into<String>) -> &mut Self {
        self.description = text.into();
        self
    }
    /// Sets what the alert means (docs only).
    pub fn meaning(&mut self, text: impl Into<String>) -> &mut Self {
        self.meaning = text.into();
        self
    }
    /// Sets what to do first (docs only).
    pub fn action(&mut self, text: impl Into<String>) -> &mut Self {
        self.action = text.into();
        self
    }
    /// Adds a label.
    pub fn label(&mut self, name: &str, value: &str) -> &mut Self {
        self.labels.insert(name.to_owned(), value.to_owned());
        self
    }

    /// The `runbook_url` annotation under `base`.
    pub fn runbook_url(&self, base: &str) -> String {
        format!("{base}#{}", self.name.to_ascii_lowercase())
    }
}

/// A default recording rule.
#[derive(Debug, Clone)]
pub struct Record {
    /// Series name (`level:metric:operations`).
    pub name: &'static str,
    /// PromQL expression.
    pub expr: String,
    /// What the series holds, for the docs.
    pub meaning: &'static str,
}

enum Entry {
    Alert(usize),
    Record(usize),
}

/// The rules of one class, in order.
pub struct Group {
    id: &'static str,
    alerts: Vec<Alert>,
    records: Vec<Record>,
    order: Vec<Entry>,
}

impl Group {
    pub(super) fn new(id: &'static str) -> Self {
        Self {
            id,
            alerts: Vec::new(),
            records: Vec::new(),
            order: Vec::new(),
        }
    }

    /// The class id.
    pub fn id(&self) -> &'static str {
        self.id
    }

    /// Adds an alert; set its texts on the result.
    pub fn alert(&mut self, name: &'static str, severity: Severity, expr: impl Into<String>) -> &mut Alert {
        self.order.push(Entry::Alert(self.alerts.len()));
        self.alerts.push(Alert {
            name,
            severity,
            expr: expr.into(),
            for_duration: None,
            summary: String::new(),
            description: String::new(),
            meaning: String::new(),
            action: String::new(),
            labels: BTreeMap::new(),
        });
        self.alerts.last_mut().unwrap_or_else(|| unreachable!("just pushed"))
    }

    /// Adds a recording rule.
    pub fn record(&mut self, name: &'static str, expr: impl Into<String>, meaning: &'static str) {
        self.order.push(Entry::Record(self.records.len()));
        self.records.push(Record {
            name,
            expr: expr.into(),
            meaning,
        });
    }

    pub(super) fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// The group in the site format, with the labels and annotations every default alert has.
    pub(super) fn finish(self, class: &'static Class, settings: &DefaultRules) -> DefaultGroup {
        let rules = self
            .order
            .iter()
            .map(|entry| match *entry {
                Entry::Alert(i) => {
                    let alert = &self.alerts[i];
                    let mut labels = alert.labels.clone();
                    labels.insert("severity".to_owned(), alert.severity.as_str().to_owned());
                    labels.insert(GROUP_LABEL.to_owned(), self.id.to_owned());
                    let annotations = BTreeMap::from([
                        ("summary".to_owned(), alert.summary.clone()),
                        ("description".to_owned(), alert.description.clone()),
                        ("runbook_url".to_owned(), alert.runbook_url(&settings.runbook_base_url)),
                    ]);
                    raw::Rule {
                        alert: Some(alert.name.to_owned()),
                        record: None,
                        expr: alert.expr.clone(),
                        for_duration: alert.for_duration.map(str::to_owned),
                        keep_firing_for: None,
                        labels,
                        annotations,
                    }
                }
                Entry::Record(i) => raw::Rule {
                    alert: None,
                    record: Some(self.records[i].name.to_owned()),
                    expr: self.records[i].expr.clone(),
                    for_duration: None,
                    keep_firing_for: None,
                    labels: BTreeMap::new(),
                    annotations: BTreeMap::new(),
                },
            })
            .collect();
        DefaultGroup {
            class,
            group: raw::RuleGroup {
                name: group_name(self.id),
                interval: None,
                query_offset: None,
                limit: None,
                labels: BTreeMap::new(),
                rules,
            },
            alerts: self.alerts,
            records: self.records,
        }
    }
}
