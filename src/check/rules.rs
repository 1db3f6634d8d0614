//! `[[rule_groups]]` and `rule_files`: rule groups inline and from Prometheus rule files, each rule's
//! kind, name, PromQL, labels and annotation templates, and its route (through the cross-checks).

use std::collections::BTreeSet;

use super::syntax::go_template;
use super::syntax::values::{self, Problem};
use super::{Ctx, crosscheck};
use crate::diag::Code;
use crate::model;
use crate::site::{escape, raw};

pub(crate) fn rule_groups(
    ctx: &mut Ctx<'_>,
    raw: &[raw::RuleGroup],
    files: &[String],
    routes: Option<&crosscheck::Routes<'_>>,
) -> Vec<model::RuleGroup> {
    ctx.unique(
        "rule group",
        raw.iter()
            .enumerate()
            .map(|(i, g)| (format!("/rule_groups/{i}/name"), g.name.as_str())),
    );
    let mut groups: Vec<model::RuleGroup> = raw
        .iter()
        .enumerate()
        .map(|(i, g)| rule_group(ctx, &format!("/rule_groups/{i}"), g, routes))
        .collect();
    let mut seen: BTreeSet<String> = raw.iter().map(|g| g.name.clone()).collect();
    for (i, pattern) in files.iter().enumerate() {
        let pointer = format!("/rule_files/{i}");
        let matched = match ctx.included.globs.get(pattern) {
            Some(Ok(matched)) if !matched.is_empty() => matched.clone(),
            Some(Ok(_)) => {
                ctx.error(Code::RefMissingFile, &pointer, Problem::new(format!("`{pattern}` matches no file"), "patterns are relative to the site file, e.g. `rules/**/*.yaml`; `*` stays within a directory, `**` crosses them"));
                continue;
            }
            Some(Err(e)) => {
                ctx.error(
                    Code::RefMissingFile,
                    &pointer,
                    Problem::new(
                        format!("cannot expand `{pattern}`: {e}"),
                        "write a glob pattern relative to the site file, e.g. `rules/**/*.yaml`",
                    ),
                );
                continue;
            }
            None => {
                ctx.error(
                    Code::RefMissingFile,
                    &pointer,
                    Problem::new(
                        format!("`{pattern}` was not expanded"),
                        "compile the site from its file with `promsite compile`",
                    ),
                );
                continue;
            }
        };
        for file in matched {
            let text = match ctx.included.files.get(&file) {
                Some(Ok(text)) => std::sync::Arc::clone(text),
                Some(Err(e)) => {
                    ctx.error(
                        Code::RefMissingFile,
                        &pointer,
                        Problem::new(
                            format!("cannot read `{file}`: {e}"),
                            "make the file readable, or narrow the pattern",
                        ),
                    );
                    continue;
                }
                None => continue,
            };
            match crate::site::rule_file::parse(&text) {
                Ok((file_groups, spans)) => ctx.in_file(&file, &spans, |ctx| {
                    for (j, group) in file_groups.iter().enumerate() {
                        if !seen.insert(group.name.clone()) {
                            ctx.error(Code::NameDuplicate, format!("/groups/{j}/name"), Problem::new(format!("rule group `{}` is declared twice", group.name), "give each rule group a unique name: each becomes a PrometheusRule of that name"));
                        }
                        if group.rules.is_empty() {
                            ctx.error(Code::RuleFile, format!("/groups/{j}/name"), Problem::new(format!("rule group `{}` has no rules", group.name), "add rules to the group, or remove it"));
                        }
                        groups.push(rule_group(ctx, &format!("/groups/{j}"), group, routes));
                    }
                }),
                Err(e) => ctx.error_in_file(Code::RuleFile, &file, e.span, Problem::new(format!("not a Prometheus rule file: {}", e.message), "a rule file is YAML with `groups:`, each group with `name` and `rules` (as `promtool check rules` reads it)")),
            }
        }
    }
    groups.sort_by(|a, b| a.name.cmp(&b.name));
    groups
}

/// One rule group, inline (`/rule_groups/<i>`) or from a rule file (`/groups/<i>`).
fn rule_group(
    ctx: &mut Ctx<'_>,
    pointer: &str,
    g: &raw::RuleGroup,
    routes: Option<&crosscheck::Routes<'_>>,
) -> model::RuleGroup {
    ctx.check(
        Code::NameInvalid,
        format_args!("{pointer}/name"),
        values::dns_subdomain(&g.name),
    );
    let rules = g
        .rules
        .iter()
        .enumerate()
        .filter_map(|(j, r)| rule(ctx, &format!("{pointer}/rules/{j}"), r, routes))
        .collect();
    model::RuleGroup {
        name: g.name.clone(),
        interval: ctx.duration(format_args!("{pointer}/interval"), g.interval.as_ref()),
        rules,
    }
}

fn rule(
    ctx: &mut Ctx<'_>,
    pointer: &str,
    raw: &raw::Rule,
    routes: Option<&crosscheck::Routes<'_>>,
) -> Option<model::Rule> {
    let kind = match (&raw.alert, &raw.record) {
        (Some(alert), None) => {
            name_of_rule(ctx, format_args!("{pointer}/alert"), alert, "alert");
            if let Some(routes) = routes {
                crosscheck::alert_rule(ctx, pointer, alert, &raw.labels, routes);
            }
            model::RuleKind::Alert(alert.clone())
        }
        (None, Some(record)) => {
            name_of_rule(ctx, format_args!("{pointer}/record"), record, "record");
            for (key, present) in [
                ("for", raw.for_duration.is_some()),
                ("keep_firing_for", raw.keep_firing_for.is_some()),
                ("annotations", !raw.annotations.is_empty()),
            ] {
                if present {
                    ctx.error_at_key(
                        Code::RuleKind,
                        format!("{pointer}/{key}"),
                        Problem::new(
                            format!("a recording rule cannot have `{key}`"),
                            format!("remove `{key}`, or make this an alerting rule with `alert = \"...\"`"),
                        ),
                    );
                }
            }
            model::RuleKind::Record(record.clone())
        }
        (Some(_), Some(_)) => {
            ctx.error_at_key(
                Code::RuleKind,
                format!("{pointer}/record"),
                Problem::new(
                    "a rule cannot have both `alert` and `record`",
                    "split it into an alerting rule and a recording rule",
                ),
            );
            return None;
        }
        (None, None) => {
            ctx.error(Code::RuleKind, pointer, Problem::new("a rule needs `alert` or `record`", "add `alert = \"Name\"` for an alerting rule or `record = \"level:metric:operation\"` for a recording rule"));
            return None;
        }
    };
    let verdict = ctx.promql.check(&raw.expr);
    ctx.check(Code::PromqlSyntax, format_args!("{pointer}/expr"), verdict);
    for (section, map) in [("labels", &raw.labels), ("annotations", &raw.annotations)] {
        for (key, value) in map {
            let at = || format!("{pointer}/{section}/{}", escape(key));
            if let Err(problem) = values::label_name(key) {
                ctx.error_at_key(Code::ValueLabelName, at(), problem);
            }
            if let Err(problem) = go_template::template(value) {
                ctx.error(Code::AlertTemplate, at(), problem);
            }
        }
    }
    Some(model::Rule {
        kind,
        expr: raw.expr.clone(),
        for_duration: ctx.duration(format_args!("{pointer}/for"), raw.for_duration.as_ref()),
        keep_firing_for: ctx.duration(format_args!("{pointer}/keep_firing_for"), raw.keep_firing_for.as_ref()),
        labels: raw.labels.clone(),
        annotations: raw.annotations.clone(),
    })
}

fn name_of_rule(ctx: &mut Ctx<'_>, pointer: impl std::fmt::Display, name: &str, what: &str) {
    if !values::metric_name(name) {
        ctx.error(
            Code::RuleName,
            pointer,
            Problem::new(
                format!("`{name}` is not a valid {what} name"),
                "use letters, digits, `_` and `:`, not starting with a digit, e.g. `OcrPodRestart`",
            ),
        );
    }
}
