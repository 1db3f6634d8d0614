//! One PrometheusRule per rule group.

use super::common::meta;
use super::crd::{self, Custom, PrometheusRuleSpec};
use super::object::Object;
use crate::model::{RuleGroup, RuleKind, Site};

const COMPONENT: &str = "prometheus-rules";

/// A PrometheusRule for every rule group.
pub(super) fn render(site: &Site) -> Vec<Object> {
    site.rule_groups
        .iter()
        .map(|group| Custom::new(meta(site, &site.namespace, &group.name, COMPONENT), spec(group)).into())
        .collect()
}

fn spec(group: &RuleGroup) -> PrometheusRuleSpec {
    let non_empty = |map: &std::collections::BTreeMap<String, String>| (!map.is_empty()).then(|| map.clone());
    PrometheusRuleSpec {
        groups: vec![crd::RuleGroup {
            name: group.name.clone(),
            interval: group.interval.as_ref().map(ToString::to_string),
            rules: group
                .rules
                .iter()
                .map(|rule| {
                    let (alert, record) = match &rule.kind {
                        RuleKind::Alert(name) => (Some(name.clone()), None),
                        RuleKind::Record(name) => (None, Some(name.clone())),
                    };
                    crd::Rule {
                        alert,
                        record,
                        expr: rule.expr.clone(),
                        for_duration: rule.for_duration.as_ref().map(ToString::to_string),
                        keep_firing_for: rule.keep_firing_for.as_ref().map(ToString::to_string),
                        labels: non_empty(&rule.labels),
                        annotations: non_empty(&rule.annotations),
                    }
                })
                .collect(),
        }],
    }
}
