//! promsite's default rules, judged by the real promtool on the rule file promsite renders for the
//! fixture site `tests/fixtures/default-rules` (every component on):
//! - the unit tests in `tests/default_rules/<class>.yaml` (`promtool test rules` format, with
//!   `rule_files: [rules.yaml]`) pass, every default alert has one that makes it fire and every
//!   recording rule a `promql_expr_test` of its series;
//! - on the healthy cluster of `tests/default_rules/healthy/*.yaml` (input series only, one file
//!   per class) no `warning` or `critical` alert fires;
//! - `JobAbsent` watches the job of every rendered ServiceMonitor, and switched-off components and
//!   groups take their rules along;
//! - `docs/alerts.md` is what the classes generate.
//!
//! A missing promtool skips locally with a printed reason and fails in CI (`CI=true`).

#![allow(clippy::print_stderr)]

use crate::common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};

const SITE: &str = "tests/fixtures/default-rules/site.toml";
const TESTS: &str = "tests/default_rules";
/// When the healthy cluster is judged: long after every `for` has passed.
const HEALTHY_AT: &str = "2h";

/// The rule file promsite renders: the groups of every default PrometheusRule of the site.
fn rendered_rules() -> Value {
    let compiled = common::compile(SITE);
    let groups: Vec<Value> = compiled
        .tree
        .iter()
        .filter(|(path, _)| path.contains("/prometheusrule-promsite-"))
        .flat_map(|(_, text)| {
            common::yaml(text)["spec"]["groups"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .collect();
    assert!(groups.len() >= 4, "too few default groups rendered: {}", groups.len());
    json!({ "groups": groups })
}

/// Every alerting rule of a rule file, as (alert name, severity).
fn alerts(rules: &Value) -> Vec<(String, String)> {
    rules["groups"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|g| g["rules"].as_array().cloned().unwrap_or_default())
        .filter_map(|r| {
            let name = r["alert"].as_str()?.to_owned();
            Some((name, r["labels"]["severity"].as_str().unwrap_or_default().to_owned()))
        })
        .collect()
}

/// Every recording rule's series name.
fn records(rules: &Value) -> Vec<String> {
    rules["groups"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|g| g["rules"].as_array().cloned().unwrap_or_default())
        .filter_map(|r| r["record"].as_str().map(str::to_owned))
        .collect()
}

/// `(file name, text)` of every `*.yaml` directly in `dir`, sorted.
fn yaml_files(dir: &str) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = std::fs::read_dir(common::root().join(dir))
        .unwrap_or_else(|e| panic!("cannot list {dir}: {e}"))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("readable");
            (p.file_name().expect("a file").to_string_lossy().into_owned(), text)
        })
        .collect();
    files.sort();
    files
}

fn write_rules(dir: &Path, rules: &Value) {
    // JSON is YAML: promtool reads it as a rule file.
    std::fs::write(
        dir.join("rules.yaml"),
        serde_json::to_string_pretty(rules).expect("JSON"),
    )
    .expect("write");
}

fn promtool_test(promtool: &Path, dir: &Path, files: &[String]) {
    let (success, report) = common::run_report(
        Command::new(promtool)
            .args(["test", "rules"])
            .args(files)
            .current_dir(dir),
    );
    assert!(success, "promtool test rules failed:\n{report}");
    assert!(report.contains("SUCCESS"), "{report}");
}

#[test]
fn every_default_rule_has_a_unit_test() {
    let rules = rendered_rules();
    let mut fired = BTreeSet::new();
    let mut evaluated = BTreeSet::new();
    for (file, text) in yaml_files(TESTS) {
        let tests = common::yaml(&text);
        assert_eq!(
            tests["rule_files"],
            json!(["rules.yaml"]),
            "{file}: must test the rendered rules.yaml"
        );
        for test in tests["tests"].as_array().into_iter().flatten() {
            for case in test["promql_expr_test"].as_array().into_iter().flatten() {
                if case["exp_samples"].as_array().is_some_and(|a| !a.is_empty()) {
                    evaluated.insert(case["expr"].as_str().unwrap_or_default().trim().to_owned());
                }
            }
            for case in test["alert_rule_test"].as_array().into_iter().flatten() {
                if case["exp_alerts"].as_array().is_some_and(|a| !a.is_empty()) {
                    fired.insert(case["alertname"].as_str().unwrap_or_default().to_owned());
                }
            }
        }
    }
    let untested: BTreeSet<String> = alerts(&rules)
        .into_iter()
        .map(|(name, _)| name)
        .filter(|name| !fired.contains(name))
        .collect();
    assert!(untested.is_empty(), "default alerts no unit test fires: {untested:?}");
    let unevaluated: BTreeSet<String> = records(&rules)
        .into_iter()
        .filter(|name| !evaluated.contains(name))
        .collect();
    assert!(
        unevaluated.is_empty(),
        "recording rules no promql_expr_test evaluates: {unevaluated:?}"
    );
}

#[test]
fn promtool_passes_the_unit_tests_of_the_rendered_rules() {
    let Some(promtool) = common::tool("promtool") else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    write_rules(dir.path(), &rendered_rules());
    let files: Vec<String> = yaml_files(TESTS)
        .into_iter()
        .map(|(name, text)| {
            std::fs::write(dir.path().join(&name), text).expect("write");
            name
        })
        .collect();
    assert!(files.len() >= 4, "too few unit test files: {files:?}");
    promtool_test(&promtool, dir.path(), &files);
}

#[test]
fn no_warning_or_critical_alert_fires_on_a_healthy_cluster() {
    let Some(promtool) = common::tool("promtool") else {
        return;
    };
    let rules = rendered_rules();
    let series: Vec<Value> = yaml_files(&format!("{TESTS}/healthy"))
        .iter()
        .flat_map(|(_, text)| {
            common::yaml(text)["input_series"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .collect();
    assert!(series.len() >= 40, "too few healthy series: {}", series.len());
    let quiet: BTreeSet<String> = alerts(&rules)
        .into_iter()
        .filter(|(_, severity)| severity == "warning" || severity == "critical")
        .map(|(name, _)| name)
        .collect();
    let cases: Vec<Value> = quiet
        .iter()
        .map(|name| json!({ "eval_time": HEALTHY_AT, "alertname": name, "exp_alerts": [] }))
        .collect();
    let test = json!({
        "rule_files": ["rules.yaml"],
        "evaluation_interval": "1m",
        "tests": [{ "interval": "1m", "input_series": series, "alert_rule_test": cases }],
    });
    let dir = tempfile::tempdir().expect("tempdir");
    write_rules(dir.path(), &rules);
    std::fs::write(
        dir.path().join("healthy.yaml"),
        serde_json::to_string_pretty(&test).expect("JSON"),
    )
    .expect("write");
    promtool_test(&promtool, dir.path(), &["healthy.yaml".to_owned()]);
}

#[test]
fn the_alert_reference_is_fresh() {
    let checked = promsite::pipeline::check(&common::source(SITE)).expect("the fixture site is valid");
    let generated = promsite::content::rules::markdown(&promsite::content::rules::groups(&checked.site));
    let path = common::root().join("docs/alerts.md");
    if std::env::var_os("PROMSITE_BLESS").is_some() {
        std::fs::write(&path, &generated).expect("write docs/alerts.md");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/alerts.md is stale; run `PROMSITE_BLESS=1 cargo test --test it default_rules::the_alert_reference`"
    );
}

/// The `job` a ServiceMonitor's targets get, as the operator sets it: the Service's name, or its
/// value of the monitor's `jobLabel` when it has that label. Services promsite does not render
/// are the cluster's own, with their well-known names and labels.
fn job_of(monitor: &Value, services: &[Value]) -> String {
    let selector = monitor["spec"]["selector"]["matchLabels"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    let selects = |service: &&Value| selector.iter().all(|(k, v)| &service["metadata"]["labels"][k] == v);
    let (name, labels) = match services.iter().find(selects) {
        Some(service) => (
            service["metadata"]["name"].as_str().unwrap_or_default().to_owned(),
            service["metadata"]["labels"].clone(),
        ),
        None => match selector.get("app.kubernetes.io/name").and_then(Value::as_str) {
            // The Service the operator maintains for `--kubelet-service`.
            Some("kubelet") => ("kubelet".to_owned(), json!({ "app.kubernetes.io/name": "kubelet" })),
            _ if selector.get("k8s-app") == Some(&json!("kube-dns")) => ("kube-dns".to_owned(), json!({})),
            _ if selector.get("component") == Some(&json!("apiserver")) => ("kubernetes".to_owned(), json!({})),
            _ => panic!("no Service for ServiceMonitor {}", monitor["metadata"]["name"]),
        },
    };
    match monitor["spec"]["jobLabel"].as_str() {
        Some(label) => labels[label].as_str().map_or(name, str::to_owned),
        None => name,
    }
}

#[test]
fn job_absent_watches_exactly_the_jobs_of_the_rendered_service_monitors() {
    let compiled = common::compile(SITE);
    let objects: Vec<Value> = compiled
        .tree
        .iter()
        .filter(|(path, _)| common::is_yaml(path))
        .map(|(_, text)| common::yaml(text))
        .collect();
    let services: Vec<Value> = objects.iter().filter(|o| o["kind"] == "Service").cloned().collect();
    let jobs: BTreeSet<String> = objects
        .iter()
        .filter(|o| o["kind"] == "ServiceMonitor")
        .map(|m| job_of(m, &services))
        .collect();
    let watched: BTreeSet<String> = rendered_rules()["groups"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|g| g["rules"].as_array().cloned().unwrap_or_default())
        .filter(|r| r["alert"] == "JobAbsent")
        .map(|r| {
            r["labels"]["job"]
                .as_str()
                .expect("JobAbsent has a job label")
                .to_owned()
        })
        .collect();
    assert!(jobs.len() >= 10, "too few ServiceMonitors: {jobs:?}");
    assert_eq!(
        watched, jobs,
        "JobAbsent must watch the job of every ServiceMonitor promsite renders"
    );
}

#[test]
fn switched_off_components_take_their_rules_with_them() {
    let site = std::fs::read_to_string(common::root().join(SITE)).expect("fixture");
    let off = format!("{site}\n[operator]\nenabled = false\n\n[kube_state_metrics]\nenabled = false\n")
        .replace("[etcd]\nclient_cert", "# no [etcd]\n# client_cert");
    let compiled = common::compile_text("off.toml", &off);
    let rules: String = compiled
        .tree
        .iter()
        .filter(|(path, _)| path.contains("/prometheusrule-promsite-"))
        .map(|(_, text)| text.as_str())
        .collect();
    assert!(
        !compiled
            .tree
            .keys()
            .any(|p| p.contains("prometheusrule-promsite-operator"))
    );
    for job in ["prometheus-operator", "kube-state-metrics", "\"etcd\""] {
        assert!(!rules.contains(job), "rules still mention {job}");
    }
    assert!(
        rules.contains("job=\"node-exporter\""),
        "the other components keep theirs"
    );
    let disabled = format!("{site}\n").replace(
        "[default_rules]\n",
        "[default_rules]\ndisabled_groups = [\"alertmanager\"]\n",
    );
    let compiled = common::compile_text("disabled.toml", &disabled);
    assert!(
        !compiled
            .tree
            .keys()
            .any(|p| p.contains("prometheusrule-promsite-alertmanager"))
    );
    assert!(
        compiled
            .tree
            .keys()
            .any(|p| p.contains("prometheusrule-promsite-prometheus"))
    );
    let none = site.replace("[default_rules]\n", "[default_rules]\nenabled = false\n");
    let compiled = common::compile_text("none.toml", &none);
    assert!(!compiled.tree.keys().any(|p| p.contains("prometheusrule-promsite-")));
    let config = &compiled.tree["alertmanager.yml"];
    assert!(
        !config.contains("promsite_group") && !config.contains("promsite-null"),
        "no default routing either"
    );
}

#[test]
fn thresholds_and_the_dead_mans_switch_come_from_the_site() {
    let site = std::fs::read_to_string(common::root().join(SITE)).expect("fixture");
    let tuned = format!("{site}\n[default_rules.thresholds]\nvolume_free_percent = 25\n");
    let compiled = common::compile_text("tuned.toml", &tuned);
    let rules = &compiled.tree["monitoring/prometheusrule-promsite-prometheus.yaml"];
    assert!(
        rules.contains("/ 107374182400) < 25"),
        "the threshold is in the expression:\n{rules}"
    );
    let config = common::yaml(&compiled.tree["alertmanager.yml"]);
    let routes = config["route"]["routes"].as_array().expect("routes");
    assert_eq!(routes[0]["receiver"], "deadmans-switch");
    assert_eq!(routes[0]["matchers"], json!(["alertname=\"Watchdog\""]));
    assert_eq!(routes[0]["repeat_interval"], "1m");
    assert_eq!(routes[1]["matchers"], json!(["alertname=\"InfoInhibitor\""]));
    assert_eq!(routes[1]["receiver"], "promsite-null");
    assert_eq!(
        routes[2]["matchers"],
        json!(["severity=\"critical\""]),
        "the site's routes come next"
    );
    let last = routes.last().expect("a last route");
    assert_eq!(last["matchers"], json!(["promsite_group=~\".+\""]));
    assert_eq!(
        last["receiver"], "sre",
        "default alerts no route takes go to the root receiver"
    );

    for (bad, code) in [
        (
            "[default_rules.thresholds]\nfilesystem_free_percent = 5\nfilesystem_free_critical_percent = 5\n",
            promsite::diag::Code::SchemaInvalidValue,
        ),
        (
            "[default_rules.watchdog]\nreceiver = \"nobody\"\n",
            promsite::diag::Code::RefUnknownReceiver,
        ),
    ] {
        let text = site.replace(
            "[default_rules]\nwatchdog = { receiver = \"deadmans-switch\", repeat_interval = \"1m\" }\n",
            bad,
        );
        let errors = promsite::pipeline::check(&promsite::diag::SiteSource::new("bad.toml", text.as_str()))
            .expect_err("an invalid [default_rules]");
        assert!(
            errors.clone().sorted().iter().any(|d| d.code == code),
            "{bad}: expected {code:?}, got {errors:#?}"
        );
    }
}

#[test]
fn routes_on_the_default_severities_are_not_reported_as_never_set() {
    let site = |defaults: &str| {
        format!(
            "[site]\nname = \"sev\"\n\n[route]\nreceiver = \"team\"\n\n[[route.routes]]\nmatchers = ['severity=\"critical\"']\nreceiver = \"pager\"\n\n\
             [[receivers]]\nname = \"team\"\nwebhook = [{{ url = \"http://hooks.example.com/\" }}]\n\n\
             [[receivers]]\nname = \"pager\"\nwebhook = [{{ url = \"http://pager.example.com/\" }}]\n\n\
             [[rule_groups]]\nname = \"app\"\n\n[[rule_groups.rules]]\nalert = \"AppSlow\"\nexpr = \"vector(1)\"\nlabels = {{ severity = \"warning\" }}\n\n\
             [default_rules]\nenabled = {defaults}\n"
        )
    };
    let never_set = |text: String| {
        let checked =
            promsite::pipeline::check(&promsite::diag::SiteSource::new("sev.toml", text.as_str())).expect("valid");
        checked
            .warnings
            .sorted()
            .iter()
            .filter(|d| d.code == promsite::diag::Code::AlertSeverityNeverSet)
            .count()
    };
    assert_eq!(
        never_set(site("false")),
        1,
        "only a warning rule: the critical route never fires"
    );
    assert_eq!(never_set(site("true")), 0, "the default rules set `critical`");
}

#[test]
fn a_rule_group_cannot_take_a_default_prometheus_rule_name() {
    let site = std::fs::read_to_string(common::root().join(SITE)).expect("fixture");
    let taken = format!(
        "{site}\n[[rule_groups]]\nname = \"promsite-meta\"\n\n[[rule_groups.rules]]\nalert = \"Mine\"\nexpr = \"vector(1)\"\n"
    );
    let errors = promsite::pipeline::check(&promsite::diag::SiteSource::new("taken.toml", taken.as_str()))
        .expect_err("the name is taken");
    assert!(
        errors
            .sorted()
            .iter()
            .any(|d| d.code == promsite::diag::Code::NameCollision && d.message.contains("promsite-meta")),
        "expected name::collision"
    );
    let off = taken.replace("[default_rules]\n", "[default_rules]\ndisabled_groups = [\"meta\"]\n");
    assert!(
        promsite::pipeline::check(&promsite::diag::SiteSource::new("off.toml", off.as_str())).is_err(),
        "a disabled group still reserves its name, so switching it back on never breaks a site"
    );
}
