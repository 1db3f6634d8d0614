//! Rule files people already run, judged by `promtool check rules` (of the pinned Prometheus
//! line) and by promsite, file by file: `tests/rule-corpus/accepted/` holds files promtool accepts,
//! `tests/rule-corpus/refused/` files it refuses. promsite must give the same verdict, refuse at the
//! line promtool names, and compile every accepted file into PrometheusRules that carry its groups
//! unchanged (docs/rule-files.md lists the normalisations), pass the operator's CRD schema and
//! pass `promtool check rules` again.

#![allow(clippy::print_stderr, reason = "the comparison prints its tally")]

use crate::common;

use std::collections::BTreeMap;
use std::process::Command;

use promsite::diag::{Severity, SiteSource};
use serde_json::Value;

const CORPUS: &str = "tests/rule-corpus";
const CRD_SCHEMA: &str = "../shared/schemas/prometheus-operator/v0.93.0/prometheusrule-v1.json";

/// The site every corpus file is included into (as `rules/<file>`), without promsite's default rules.
const SITE: &str = r#"[site]
name = "corpus"

[route]
receiver = "team"

[[receivers]]
name = "team"
email = [{ to = "team@example.com" }]

[alertmanager.smtp]
smarthost = "smtp.example.com:25"
from = "alertmanager@example.com"

# Only the corpus' own rules: the default rules would add PrometheusRules of their own.
[default_rules]
enabled = false
"#;

/// The files of a corpus directory, by name.
fn corpus(kind: &str) -> BTreeMap<String, String> {
    let dir = common::root().join(CORPUS).join(kind);
    std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(e.path()).expect("corpus files are UTF-8");
            (name, text)
        })
        .collect()
}

/// The site with `files` (name → text) as its rule files, read as `promsite compile` reads them.
fn site_with(files: &[(&String, &String)]) -> SiteSource {
    let paths: Vec<String> = files.iter().map(|(name, _)| format!("rules/{name}")).collect();
    let mut source = SiteSource::new(
        "site.toml",
        format!("rule_files = {}\n{SITE}", serde_json::to_string(&paths).expect("JSON")),
    );
    for (path, (_, text)) in paths.iter().zip(files) {
        source
            .included
            .files
            .insert(path.clone(), Ok(std::sync::Arc::from(text.as_str())));
        source.included.globs.insert(path.clone(), Ok(vec![path.clone()]));
    }
    source
}

/// promtool's verdict on a file: accepted, and the first line it names (`5:15:`, `line 7:`).
fn promtool_verdict(promtool: &std::path::Path, path: &std::path::Path) -> (bool, Option<usize>, String) {
    let (success, report) = common::run_report(Command::new(promtool).args(["check", "rules"]).arg(path));
    (success, first_line(&report, path), report)
}

fn first_line(report: &str, path: &std::path::Path) -> Option<usize> {
    let prefix = format!("{}: ", path.display());
    report.lines().find_map(|line| {
        let rest = line.strip_prefix(&prefix).unwrap_or(line).trim_start();
        // `LINE:COLUMN: ...` (0:0 when Go's YAML node has no position).
        if let Some((number, after)) = rest.split_once(':')
            && let Ok(number) = number.parse::<usize>()
            && after.split_once(':').is_some_and(|(c, _)| c.parse::<usize>().is_ok())
        {
            return (number > 0).then_some(number);
        }
        // YAML errors: `yaml: line 4: ...` or `  line 7: field severity not found ...`.
        let at = rest.find("line ")?;
        let digits: String = rest[at + 5..].chars().take_while(char::is_ascii_digit).collect();
        digits.parse().ok()
    })
}

/// The lines promsite may name for a problem promtool places at `line`: that line, or, when it
/// is a rule's `alert`/`record` (where promtool places problems of the whole rule), any line of
/// that rule: promsite names the key at fault (`for` in a recording rule) instead.
fn rule_lines(text: &str, line: usize) -> std::ops::RangeInclusive<usize> {
    let lines: Vec<&str> = text.lines().collect();
    let Some(named) = lines.get(line - 1) else {
        return line..=line;
    };
    let trimmed = named.trim_start().trim_start_matches("- ");
    if !(trimmed.starts_with("alert:") || trimmed.starts_with("record:")) {
        return line..=line;
    }
    // The rule is the `- ` item holding this line: up to the next line indented no deeper than its dash.
    let start = (0..line)
        .rev()
        .find(|&i| lines[i].trim_start().starts_with("- "))
        .unwrap_or(line - 1);
    let dash = lines[start].len() - lines[start].trim_start().len();
    let end = (start + 1..lines.len())
        .find(|&i| {
            let l = lines[i];
            !l.trim().is_empty() && l.len() - l.trim_start().len() <= dash
        })
        .unwrap_or(lines.len());
    start + 1..=end
}

/// A rule file's groups as a YAML reader sees them (first document; aliases and merge keys
/// expanded), with promsite's documented normalisations applied: scalars are strings, `rules`
/// that are null or absent are `[]`, empty maps are absent.
fn input_groups(text: &str) -> Vec<Value> {
    let documents: Vec<Value> = serde_saphyr::from_multiple(text).expect("an accepted file is YAML");
    let groups = documents
        .into_iter()
        .next()
        .and_then(|d| d.get("groups").cloned())
        .unwrap_or(Value::Null);
    let Value::Array(groups) = groups else {
        return Vec::new();
    };
    groups
        .into_iter()
        .map(|mut group| {
            let rules = group.get("rules").cloned().unwrap_or(Value::Null);
            group["rules"] = if rules.is_null() {
                Value::Array(Vec::new())
            } else {
                rules
            };
            normalise(group, "")
        })
        .collect()
}

fn normalise(value: Value, key: &str) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(_, v)| !(v.is_null() || v.as_object().is_some_and(serde_json::Map::is_empty)))
                .map(|(k, v)| {
                    let v = normalise(v, &k);
                    (k, v)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(|v| normalise(v, key)).collect()),
        // `limit` is the one number in a rule file.
        Value::Number(_) | Value::Bool(_) if key != "limit" => Value::String(value.to_string()),
        other => other,
    }
}

/// The PrometheusRules of a compiled site.
fn prometheus_rules(compiled: &promsite::pipeline::Compiled) -> Vec<Value> {
    compiled
        .tree
        .iter()
        .filter(|(path, _)| common::is_yaml(path))
        .map(|(_, text)| common::yaml(text))
        .filter(|object| object["kind"] == "PrometheusRule")
        .collect()
}

#[test]
fn promsite_judges_every_corpus_rule_file_as_promtool_does() {
    let Some(promtool) = common::tool("promtool") else {
        return;
    };
    let schema_path = common::root().join(CRD_SCHEMA);
    assert!(
        schema_path.is_file() || std::env::var("CI").as_deref() != Ok("true"),
        "{} is required in CI",
        schema_path.display()
    );
    let schema: Option<jsonschema::Validator> = std::fs::read_to_string(&schema_path).ok().map(|text| {
        jsonschema::validator_for(&serde_json::from_str(&text).expect("JSON")).expect("the CRD schema compiles")
    });
    let out = tempfile::tempdir().expect("tempdir");
    let (mut files, mut rules, mut agreed, mut at_line) = (0, 0, 0, 0);
    let mut differences = Vec::new();
    let mut compiled_specs = Vec::new();
    for (kind, expected) in [("accepted", true), ("refused", false)] {
        for (name, text) in &corpus(kind) {
            files += 1;
            let path = common::root().join(CORPUS).join(kind).join(name);
            let (promtool_accepts, line, report) = promtool_verdict(&promtool, &path);
            assert_eq!(
                promtool_accepts, expected,
                "{kind}/{name}: promtool's verdict is not what the corpus says:\n{report}"
            );
            let source = site_with(&[(name, text)]);
            let file = format!("rules/{name}");
            match promsite::pipeline::compile(&source) {
                Ok(compiled) => {
                    if !promtool_accepts {
                        differences.push(format!(
                            "{kind}/{name}: promsite accepts what promtool refuses:\n{report}"
                        ));
                        continue;
                    }
                    agreed += 1;
                    let objects = prometheus_rules(&compiled);
                    let groups: Vec<Value> = objects
                        .iter()
                        .flat_map(|o| o["spec"]["groups"].as_array().cloned().unwrap_or_default())
                        .collect();
                    rules += groups
                        .iter()
                        .map(|g| g["rules"].as_array().map_or(0, Vec::len))
                        .sum::<usize>();
                    assert!(objects.len() <= 1, "{name}: one rule file is one PrometheusRule");
                    assert_eq!(
                        groups,
                        input_groups(text),
                        "{name}: the compiled groups differ from the file's"
                    );
                    for object in &objects {
                        if let Some(schema) = &schema {
                            let errors: Vec<String> = schema.iter_errors(object).map(|e| e.to_string()).collect();
                            assert!(errors.is_empty(), "{name}: the CRD schema refuses it: {errors:#?}");
                        }
                        compiled_specs.push((name.clone(), object["spec"].clone()));
                    }
                }
                Err(diagnostics) => {
                    let errors: Vec<_> = diagnostics
                        .sorted()
                        .iter()
                        .filter(|d| d.severity == Severity::Error)
                        .map(|d| {
                            let (in_file, line, _) = source.locate(d);
                            (in_file, line, d.code.id(), d.message.clone())
                        })
                        .collect();
                    if promtool_accepts {
                        differences.push(format!(
                            "{kind}/{name}: promsite refuses what promtool accepts: {errors:#?}"
                        ));
                        continue;
                    }
                    assert!(
                        errors.iter().all(|(in_file, ..)| *in_file == file),
                        "{name}: every error is in the rule file: {errors:#?}"
                    );
                    if let Some(line) = line {
                        let rule = rule_lines(text, line);
                        if errors.iter().any(|(_, l, ..)| rule.contains(l)) {
                            at_line += 1;
                        } else {
                            differences.push(format!(
                                "{kind}/{name}: promtool names line {line}, promsite {errors:#?}\n{report}"
                            ));
                            continue;
                        }
                    }
                    agreed += 1;
                }
            }
        }
    }
    assert!(differences.is_empty(), "verdicts differ:\n{}", differences.join("\n"));
    // Each compiled PrometheusRule's groups, as a rule file, pass promtool again (one run for all).
    let paths: Vec<std::path::PathBuf> = compiled_specs
        .iter()
        .map(|(name, spec)| {
            let path = out.path().join(format!("{name}.json"));
            std::fs::write(&path, serde_json::to_string(spec).expect("JSON")).expect("write");
            path
        })
        .collect();
    let report = common::run_ok(Command::new(&promtool).args(["check", "rules"]).args(&paths));
    assert_eq!(report.matches("SUCCESS").count(), paths.len(), "{report}");
    eprintln!(
        "rule corpus: {files} files, {rules} rules in accepted files; {agreed} verdicts agree, {at_line} refusals at promtool's line"
    );
    assert!(
        files >= 50 && rules >= 150,
        "the corpus shrank: {files} files, {rules} rules"
    );
}

/// All accepted files together, as one site includes a collection: group names repeat across
/// files, and every file gets a PrometheusRule of its own with a valid, unique name.
#[test]
fn the_whole_accepted_corpus_compiles_as_one_site() {
    let files = corpus("accepted");
    let entries: Vec<(&String, &String)> = files.iter().collect();
    let compiled = match promsite::pipeline::compile(&site_with(&entries)) {
        Ok(compiled) => compiled,
        Err(diagnostics) => panic!("{diagnostics:#?}"),
    };
    let objects = prometheus_rules(&compiled);
    let with_groups = files.values().filter(|t| !input_groups(t).is_empty()).count();
    assert_eq!(objects.len(), with_groups, "one PrometheusRule per file with groups");
    let names: std::collections::BTreeSet<&str> = objects
        .iter()
        .map(|o| o["metadata"]["name"].as_str().expect("a name"))
        .collect();
    assert_eq!(names.len(), objects.len(), "object names are unique");
    for name in &names {
        assert!(
            name.len() <= 253
                && name.split('.').all(|label| {
                    !label.is_empty()
                        && label.len() <= 63
                        && label
                            .bytes()
                            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                        && !label.starts_with('-')
                        && !label.ends_with('-')
                }),
            "{name} is not a Kubernetes name"
        );
    }
    // Shared group names across files stay as written, each in its own object.
    let general = objects
        .iter()
        .filter(|o| {
            o["spec"]["groups"]
                .as_array()
                .is_some_and(|g| g.iter().any(|g| g["name"] == "general"))
        })
        .count();
    assert_eq!(general, 2, "both files' `general` groups are kept");
    assert!(
        names.contains("cassandra-criteo") && names.contains("utf8-names"),
        "{names:?}"
    );
    // The ignored second document is reported, as a warning.
    let warned: Vec<&str> = compiled.warnings.clone().sorted().iter().map(|d| d.code.id()).collect();
    assert!(warned.contains(&"rule::ignored-document"), "{warned:?}");
}

/// Inline groups follow the rules of rule files: any group and alert name, zero durations,
/// UTF-8 label names, group fields, empty groups; an object name is derived where the group name
/// is not a Kubernetes name, and kept where it is.
#[test]
fn inline_groups_follow_the_same_rules() {
    let site = format!(
        r#"{SITE}
[[rule_groups]]
name = "Node Alerts"
interval = "0"
labels = {{ team = "infra" }}

[[rule_groups.rules]]
alert = "Disk (root) full"
expr = "node_filesystem_avail_bytes == 0"
for = "0m"
labels = {{ "team.name" = "infra" }}

[[rule_groups]]
name = "node-alerts"

[[rule_groups]]
name = "k8s.rules.container_cpu_limits"
"#
    );
    let compiled = common::compile_text("inline.toml", &site);
    let objects = prometheus_rules(&compiled);
    let names: Vec<(&str, &str)> = objects
        .iter()
        .map(|o| {
            (
                o["metadata"]["name"].as_str().expect("a name"),
                o["spec"]["groups"][0]["name"].as_str().expect("a group name"),
            )
        })
        .collect();
    assert_eq!(names.len(), 3, "{names:?}");
    assert!(names.contains(&("node-alerts", "node-alerts")), "{names:?}");
    assert!(
        names.contains(&("k8s.rules.container-cpu-limits", "k8s.rules.container_cpu_limits")),
        "{names:?}"
    );
    let (hashed, _) = names
        .iter()
        .find(|(_, group)| *group == "Node Alerts")
        .expect("the group keeps its name");
    assert!(
        hashed.starts_with("node-alerts-") && hashed.len() == "node-alerts-".len() + 8,
        "{hashed}"
    );
    let group = &objects
        .iter()
        .find(|o| o["metadata"]["name"] == *hashed)
        .expect("object")["spec"]["groups"][0];
    assert_eq!(group["interval"], "0");
    assert_eq!(group["labels"]["team"], "infra");
    assert_eq!(group["rules"][0]["for"], "0m");
    assert_eq!(group["rules"][0]["alert"], "Disk (root) full");
    assert_eq!(group["rules"][0]["labels"]["team.name"], "infra");
}

/// A site with many rules has its rule files parsed and their PromQL and templates checked ahead,
/// on other cores (few rules are checked in line): each refused file, included beside the whole
/// accepted corpus, gets the errors it gets alone.
#[test]
fn a_file_is_refused_alike_alone_and_among_many_rules() {
    let errors = |files: &[(&String, &String)], file: &str| {
        let source = site_with(files);
        let Err(diagnostics) = promsite::pipeline::check(&source) else {
            return Vec::new();
        };
        diagnostics
            .sorted()
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| (source.locate(d), d.code.id(), d.message.clone()))
            .filter(|((in_file, ..), ..)| in_file == file)
            .collect::<Vec<_>>()
    };
    let accepted = corpus("accepted");
    let mut checked = 0;
    for (name, text) in &corpus("refused") {
        let file = format!("rules/{name}");
        let alone = errors(&[(name, text)], &file);
        assert!(!alone.is_empty(), "{name}: refused files are refused");
        let mut many: Vec<(&String, &String)> = accepted.iter().collect();
        many.push((name, text));
        assert_eq!(
            errors(&many, &file),
            alone,
            "{name}: the errors depend on the other files"
        );
        checked += 1;
    }
    assert!(checked >= 15, "the refused corpus shrank: {checked} files");
}
