//! Prometheus rule files (`groups: [...]`, as `promtool check rules` reads them), parsed with
//! positions so that a problem inside an included file is shown in that file. The groups come
//! out as the same raw types as inline `[[rule_groups]]`, with a span index over JSON Pointers
//! (`/groups/0/rules/1/expr`), so that one set of checks serves both.

use std::collections::BTreeMap;
use std::ops::Range;

use serde::Deserialize;
use serde_saphyr::Spanned;

use super::raw::{Rule, RuleGroup};
use super::{SpanIndex, escape};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    groups: Vec<Group>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Group {
    name: Spanned<String>,
    interval: Option<Spanned<String>>,
    #[serde(default)]
    rules: Vec<FileRule>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileRule {
    alert: Option<Spanned<String>>,
    record: Option<Spanned<String>>,
    expr: Spanned<String>,
    #[serde(rename = "for")]
    for_duration: Option<Spanned<String>>,
    keep_firing_for: Option<Spanned<String>>,
    #[serde(default)]
    labels: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    annotations: BTreeMap<String, Spanned<String>>,
}

/// A rule file that is not a Prometheus rule file: why, and where.
#[derive(Debug, Clone)]
pub struct RuleFileError {
    /// What is wrong.
    pub message: String,
    /// Where, as a byte range in the file.
    pub span: Range<usize>,
}

fn span<T>(spanned: &Spanned<T>) -> Range<usize> {
    let span = spanned.referenced.span();
    let start = span.byte_offset().and_then(|o| usize::try_from(o).ok()).unwrap_or(0);
    let length = span.byte_len().and_then(|l| usize::try_from(l).ok()).unwrap_or(0);
    start..start + length
}

/// Parses a rule file into raw groups and the spans of their values.
pub fn parse(text: &str) -> Result<(Vec<RuleGroup>, SpanIndex), RuleFileError> {
    let file: File = serde_saphyr::from_str(text).map_err(|e| {
        let start = e
            .location()
            .and_then(|l| l.span().byte_offset())
            .and_then(|o| usize::try_from(o).ok())
            .unwrap_or(0);
        let message = e.to_string();
        RuleFileError {
            message: message.lines().next().unwrap_or(&message).to_owned(),
            span: start..start,
        }
    })?;
    let mut index = SpanIndex::default();
    let mut at = |pointer: String, value: Range<usize>| index.insert(pointer, None, value);
    let groups = file
        .groups
        .into_iter()
        .enumerate()
        .map(|(i, group)| {
            let base = format!("/groups/{i}");
            at(format!("{base}/name"), span(&group.name));
            if let Some(interval) = &group.interval {
                at(format!("{base}/interval"), span(interval));
            }
            let rules = group
                .rules
                .into_iter()
                .enumerate()
                .map(|(j, rule)| {
                    let base = format!("{base}/rules/{j}");
                    // A rule's own position is where its first key's value is: its name, else its expression.
                    at(
                        base.clone(),
                        rule.alert
                            .as_ref()
                            .or(rule.record.as_ref())
                            .map_or_else(|| span(&rule.expr), span),
                    );
                    let mut text = |key: &str, value: Option<Spanned<String>>| {
                        value.map(|v| {
                            at(format!("{base}/{key}"), span(&v));
                            v.value
                        })
                    };
                    let alert = text("alert", rule.alert);
                    let record = text("record", rule.record);
                    let expr = text("expr", Some(rule.expr)).unwrap_or_default();
                    let for_duration = text("for", rule.for_duration);
                    let keep_firing_for = text("keep_firing_for", rule.keep_firing_for);
                    let mut map =
                        |section: &str, entries: BTreeMap<String, Spanned<String>>| -> BTreeMap<String, String> {
                            entries
                                .into_iter()
                                .map(|(key, value)| {
                                    at(format!("{base}/{section}/{}", escape(&key)), span(&value));
                                    (key, value.value)
                                })
                                .collect()
                        };
                    let labels = map("labels", rule.labels);
                    let annotations = map("annotations", rule.annotations);
                    Rule {
                        alert,
                        record,
                        expr,
                        for_duration,
                        keep_firing_for,
                        labels,
                        annotations,
                    }
                })
                .collect();
            RuleGroup {
                name: group.name.value,
                interval: group.interval.map(|i| i.value),
                rules,
            }
        })
        .collect();
    Ok((groups, index))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_keep_their_positions() {
        let text = "groups:\n  - name: node\n    rules:\n      - alert: NodeDown\n        expr: up == 0\n        labels:\n          severity: critical\n";
        let (groups, index) = parse(text).expect("a rule file");
        assert_eq!(groups[0].name, "node");
        assert_eq!(groups[0].rules[0].alert.as_deref(), Some("NodeDown"));
        assert_eq!(&text[index.value("/groups/0/rules/0/expr")], "up == 0");
        assert_eq!(&text[index.value("/groups/0/rules/0/labels/severity")], "critical");
        let error = parse("groups:\n  - name: x\n    rulez: []\n").expect_err("unknown key");
        assert!(error.message.contains("rulez"), "{}", error.message);
    }
}
