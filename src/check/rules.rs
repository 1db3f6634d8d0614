//! `[[rule_groups]]` and `rule_files`: rule groups inline and from Prometheus rule files, each rule's
//! kind, name, PromQL, labels and annotation templates, and its route (through the cross-checks).
//! Rule files are read as Prometheus reads them; names, durations, release gates and object names
//! follow `prometheus_rules`.

use std::collections::BTreeSet;

use super::syntax::values::Problem;
use super::{Ctx, crosscheck, prometheus_rules, versions};
use crate::diag::Code;
use crate::model;
use crate::site::{escape, raw};

/// From this many inline rules, checking them on every core pays for the threads: 2,000 rules took
/// 4.6 ms on one core.
const PARALLEL_FROM: usize = 500;

pub(crate) fn rule_groups(
    ctx: &mut Ctx<'_>,
    raw: &[raw::RuleGroup],
    files: &[String],
    prometheus_version: Option<&str>,
    routes: Option<&crosscheck::Routes<'_>>,
) -> Vec<model::RuleGroup> {
    use prometheus_rules::Source;
    // Names, fields and features depend on the targeted release; a tag promsite cannot read is
    // taken as the default line.
    let version = prometheus_version
        .and_then(|v| versions::parse(v).ok())
        .or_else(|| versions::parse(model::DEFAULT_PROMETHEUS_VERSION).ok())
        .unwrap_or_else(|| unreachable!("the default Prometheus version parses"));
    // Inline groups are one file's groups to Prometheus: their names are unique among them.
    ctx.unique(
        "rule group",
        raw.iter()
            .enumerate()
            .map(|(i, g)| (format!("/rule_groups/{i}/name"), g.name.as_str())),
    );
    let mut groups: Vec<(usize, model::RuleGroup)> = Vec::new();
    let mut sources: Vec<String> = Vec::new();
    // A large site's groups are checked on every core, each in a context of its own whose reports
    // are then kept in the groups' order, as if they were checked one after another.
    let threads = crate::parallel::threads_for(raw.iter().map(|g| g.rules.len()).sum(), PARALLEL_FROM);
    let indexed: Vec<(usize, &raw::RuleGroup)> = raw.iter().enumerate().collect();
    let shared: &Ctx<'_> = ctx;
    let checked = crate::parallel::map_with(
        &indexed,
        threads,
        || (),
        |(), &(i, g)| {
            let mut own = shared.fork();
            let group = rule_group(&mut own, &format!("/rule_groups/{i}"), g, version, routes);
            (group, own)
        },
    );
    for ((_, g), (group, own)) in indexed.iter().zip(checked) {
        ctx.absorb(own);
        groups.push((sources.len(), group));
        sources.push(g.name.clone());
    }
    let inline = sources.len();
    let mut read = BTreeSet::new();
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
            // A file matched by two patterns is one file.
            if !read.insert(file.clone()) {
                continue;
            }
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
            if let Some(file_groups) = rule_file(ctx, &file, &text, version, routes) {
                groups.extend(file_groups.into_iter().map(|g| (sources.len(), g)));
                sources.push(file);
            }
        }
    }
    let origins: Vec<Source<'_>> = sources
        .iter()
        .enumerate()
        .map(|(k, s)| if k < inline { Source::Inline(s) } else { Source::File(s) })
        .collect();
    let names = prometheus_rules::object_names(&origins);
    let mut groups: Vec<model::RuleGroup> = groups
        .into_iter()
        .map(|(source, group)| model::RuleGroup {
            object: names[source].clone(),
            ..group
        })
        .collect();
    // By object; a file's groups keep their order within it.
    groups.sort_by(|a, b| a.object.cmp(&b.object));
    groups
}

/// The groups of one rule file, or `None` if it is not a rule file.
fn rule_file(
    ctx: &mut Ctx<'_>,
    file: &str,
    text: &str,
    version: versions::Version,
    routes: Option<&crosscheck::Routes<'_>>,
) -> Option<Vec<model::RuleGroup>> {
    let parsed = ctx
        .rule_files
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .remove(file);
    let parsed = match parsed.unwrap_or_else(|| crate::site::rule_file::parse(text)) {
        Ok(parsed) => parsed,
        Err(e) => {
            ctx.error_in_file(Code::RuleFile, file, e.span, Problem::new(format!("not a Prometheus rule file: {}", e.message), "a rule file is YAML with `groups:`, each group with `name` and `rules` (as `promtool check rules` reads it)"));
            return None;
        }
    };
    if let Some(span) = parsed.ignored_documents {
        ctx.warning_in_file(
            Code::RuleIgnoredDocument,
            file,
            span,
            Problem::new(
                "Prometheus reads the first YAML document of a rule file only: the rules from here on are never loaded",
                "move these groups into the first document (delete this `---`), or into a file of their own",
            ),
        );
    }
    Some(ctx.in_file(file, &parsed.spans, |ctx| {
        // Prometheus refuses a group name repeated within one file (other files may reuse it).
        let mut seen = BTreeSet::new();
        let mut groups = Vec::new();
        for (j, group) in parsed.groups.iter().enumerate() {
            if group.name.is_empty() {
                ctx.error(Code::RuleFile, format!("/groups/{j}/name"), Problem::new("a rule group needs a name", "name the group, e.g. `name: node-alerts`"));
            } else if !seen.insert(group.name.as_str()) {
                ctx.error(Code::NameDuplicate, format!("/groups/{j}/name"), Problem::new(format!("rule group `{}` is declared twice in this file", group.name), "Prometheus refuses a group name repeated within one file: rename one, or move it to a file of its own"));
            }
            groups.push(rule_group(ctx, &format!("/groups/{j}"), group, version, routes));
        }
        groups
    }))
}

/// One rule group, inline (`/rule_groups/<i>`), from a rule file (`/groups/<i>`) or a default one.
pub(super) fn rule_group(
    ctx: &mut Ctx<'_>,
    pointer: &str,
    g: &raw::RuleGroup,
    version: versions::Version,
    routes: Option<&crosscheck::Routes<'_>>,
) -> model::RuleGroup {
    let feature = |ctx: &mut Ctx<'_>, present: bool, feature: prometheus_rules::Feature, key: &str| {
        if present && let Err(problem) = feature.check(version) {
            ctx.error_at_key(Code::PrometheusVersion, format!("{pointer}/{key}"), problem);
        }
    };
    feature(ctx, g.limit.is_some(), prometheus_rules::LIMIT, "limit");
    feature(
        ctx,
        g.query_offset.is_some(),
        prometheus_rules::QUERY_OFFSET,
        "query_offset",
    );
    feature(ctx, !g.labels.is_empty(), prometheus_rules::GROUP_LABELS, "labels");
    for key in g.labels.keys() {
        if let Err(problem) = prometheus_rules::label_name(version, key, "labels") {
            ctx.error_at_key(
                Code::ValueLabelName,
                format!("{pointer}/labels/{}", escape(key)),
                problem,
            );
        }
    }
    let rules = g
        .rules
        .iter()
        .enumerate()
        .filter_map(|(j, r)| rule(ctx, &format!("{pointer}/rules/{j}"), r, version, routes))
        .collect();
    model::RuleGroup {
        object: String::new(),
        name: g.name.clone(),
        interval: rule_duration(ctx, format_args!("{pointer}/interval"), g.interval.as_ref()),
        query_offset: rule_duration(ctx, format_args!("{pointer}/query_offset"), g.query_offset.as_ref()),
        limit: g.limit,
        labels: g.labels.clone(),
        rules,
    }
}

/// A duration of a rule or group, where Prometheus also takes zero.
fn rule_duration(ctx: &mut Ctx<'_>, pointer: impl std::fmt::Display, text: Option<&String>) -> Option<model::Duration> {
    text.and_then(|t| ctx.check(Code::ValueDuration, pointer, prometheus_rules::duration(t)))
}

fn rule(
    ctx: &mut Ctx<'_>,
    pointer: &str,
    raw: &raw::Rule,
    version: versions::Version,
    routes: Option<&crosscheck::Routes<'_>>,
) -> Option<model::Rule> {
    // An empty name is no name, to Prometheus as well.
    let kind = match (
        raw.alert.as_ref().filter(|n| !n.is_empty()),
        raw.record.as_ref().filter(|n| !n.is_empty()),
    ) {
        (Some(alert), None) => {
            name_of_rule(ctx, format_args!("{pointer}/alert"), alert, "alert", version);
            if let Some(routes) = routes {
                crosscheck::alert_rule(ctx, pointer, alert, &raw.labels, routes);
            }
            model::RuleKind::Alert(alert.clone())
        }
        (None, Some(record)) => {
            name_of_rule(ctx, format_args!("{pointer}/record"), record, "record", version);
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
    if raw.keep_firing_for.is_some()
        && let Err(problem) = prometheus_rules::KEEP_FIRING_FOR.check(version)
    {
        ctx.error_at_key(Code::PrometheusVersion, format!("{pointer}/keep_firing_for"), problem);
    }
    for (section, map) in [("labels", &raw.labels), ("annotations", &raw.annotations)] {
        for (key, value) in map {
            let at = || format!("{pointer}/{section}/{}", escape(key));
            if let Err(problem) = prometheus_rules::label_name(version, key, section) {
                ctx.error_at_key(Code::ValueLabelName, at(), problem);
            }
            if let Err(problem) = ctx.templates.check(value) {
                ctx.error(Code::AlertTemplate, at(), problem);
            }
        }
    }
    Some(model::Rule {
        kind,
        expr: raw.expr.clone(),
        for_duration: rule_duration(ctx, format_args!("{pointer}/for"), raw.for_duration.as_ref()),
        keep_firing_for: rule_duration(
            ctx,
            format_args!("{pointer}/keep_firing_for"),
            raw.keep_firing_for.as_ref(),
        ),
        labels: raw.labels.clone(),
        annotations: raw.annotations.clone(),
    })
}

fn name_of_rule(
    ctx: &mut Ctx<'_>,
    pointer: impl std::fmt::Display,
    name: &str,
    what: &str,
    version: versions::Version,
) {
    ctx.check(
        Code::RuleName,
        pointer,
        prometheus_rules::rule_name(version, name, what),
    );
}

#[cfg(test)]
mod tests {
    use crate::diag::{Code, SiteSource};
    use crate::synthetic::{self, Rules, Size};

    /// The groups of a large site are checked on several threads: their reports still come in the
    /// site's order, one for each broken rule.
    #[test]
    fn a_large_sites_rules_are_reported_in_order() {
        let site = synthetic::site_with(Size::L, Rules::Realistic, "ordered");
        let expressions: Vec<usize> = site.match_indices("\nexpr = '").map(|(at, _)| at).collect();
        assert!(
            expressions.len() >= 2 * super::PARALLEL_FROM,
            "{} rules",
            expressions.len()
        );
        let broken = [3, 404, 1_200, expressions.len() - 1];
        let mut text = site.clone();
        for &n in broken.iter().rev() {
            let at = expressions[n] + "\nexpr = '".len();
            text.insert_str(at, "sum((");
        }
        let Err(diagnostics) = crate::pipeline::check(&SiteSource::new("l.toml", text)) else {
            panic!("the broken rules were accepted")
        };
        let starts: Vec<usize> = diagnostics
            .into_iter()
            .filter(|d| d.code == Code::PromqlSyntax)
            .map(|d| d.span.start)
            .collect();
        assert_eq!(starts.len(), broken.len(), "{starts:?}");
        assert!(starts.is_sorted(), "out of order: {starts:?}");
    }
}
