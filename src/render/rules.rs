//! One PrometheusRule per inline rule group, and one per rule file holding its groups in order.

use std::collections::BTreeMap;

use super::common::meta;
use super::crd::{self, Custom, PrometheusRuleSpec};
use super::object::Object;
use crate::model::{RuleGroup, RuleKind, Site};

const COMPONENT: &str = "prometheus-rules";

/// A PrometheusRule for every object the rule groups name.
pub(super) fn render(site: &Site) -> Vec<Object> {
    let mut objects: BTreeMap<&str, Vec<&RuleGroup>> = BTreeMap::new();
    for group in &site.rule_groups {
        objects.entry(&group.object).or_default().push(group);
    }
    objects
        .into_iter()
        .map(|(name, groups)| {
            let spec = PrometheusRuleSpec {
                groups: groups.into_iter().map(group).collect(),
            };
            Custom::new(meta(site, &site.namespace, name, COMPONENT), spec).into()
        })
        .collect()
}

fn group(group: &RuleGroup) -> crd::RuleGroup {
    let non_empty = |map: &BTreeMap<String, String>| (!map.is_empty()).then(|| map.clone());
    crd::RuleGroup {
        name: group.name.clone(),
        interval: group.interval.as_ref().map(ToString::to_string),
        query_offset: group.query_offset.as_ref().map(ToString::to_string),
        limit: group.limit,
        labels: non_empty(&group.labels),
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
    }
}
