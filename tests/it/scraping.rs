//! Scraping in depth (`[[scrape]]`, `[[pod_monitor]]`, `[[static_scrape]]` options and limits):
//! bad options at their line, PodMonitors selected and discoverable, and relabeling steps, sizes
//! and timeouts judged as `promtool check config` judges them.

use std::process::Command;

use promsite::diag::SiteSource;
use promsite::pipeline;

use crate::common;

const ROUTE: &str = r#"
[route]
receiver = "team"

[[receivers]]
name = "team"
webhook = [{ url = "http://alerts.example.com/hook" }]
"#;

fn site(body: &str) -> String {
    format!("[site]\nname = \"lab\"\n\n{body}\n{ROUTE}")
}

/// The codes promsite reports for a site, each with its line; empty when it compiles cleanly.
fn findings(text: &str) -> Vec<(String, usize)> {
    let source = SiteSource::new("case.toml", text);
    let diagnostics = match pipeline::compile(&source) {
        Ok(compiled) => compiled.warnings,
        Err(diagnostics) => diagnostics,
    };
    diagnostics
        .sorted()
        .iter()
        .map(|d| (d.code.id().to_owned(), source.locate(d).1))
        .collect()
}

/// More ways a scrape option can be wrong than `tests/invalid/` holds cases for (each case there
/// costs two tracked files); each names its code and the line of the site it must be reported at.
#[test]
fn each_bad_scrape_option_reports_its_code_at_its_line() {
    let scrape = "[[scrape]]\nname = \"mysql\"\nselector = { app = \"mysql-exporter\" }\nport = \"metrics\"\n";
    let pods = "[[pod_monitor]]\nname = \"jobs\"\nselector = { app = \"batch\" }\nport = \"metrics\"\n";
    let cases: Vec<(&str, String, &str, usize)> = vec![
        (
            "hashmod without modulus",
            format!(
                "{scrape}relabelings = [{{ source_labels = [\"__address__\"], target_label = \"__tmp_hash\", action = \"hashmod\" }}]"
            ),
            "value::relabel",
            8,
        ),
        (
            "labeldrop with source labels",
            format!(
                "{scrape}metric_relabelings = [\n  {{ regex = \"go_.*\", source_labels = [\"__name__\"], action = \"drop\" }},\n  {{ source_labels = [\"ifIndex\"], regex = \"ifAlias\", action = \"labeldrop\" }},\n]"
            ),
            "value::relabel",
            10,
        ),
        (
            "keepequal with a regex",
            format!(
                "{pods}relabelings = [{{ source_labels = [\"a\"], target_label = \"b\", regex = \"9.*\", action = \"keepequal\" }}]"
            ),
            "value::relabel",
            8,
        ),
        (
            "lowercase with a replacement",
            format!(
                "{pods}metric_relabelings = [{{ source_labels = [\"a\"], target_label = \"b\", replacement = \"x\", action = \"lowercase\" }}]"
            ),
            "value::relabel",
            8,
        ),
        (
            "uppercase writing a templated name",
            format!(
                "{scrape}relabelings = [{{ source_labels = [\"__meta_kubernetes_namespace\"], target_label = \"${{1}}_ns\", action = \"uppercase\" }}]"
            ),
            "value::relabel",
            8,
        ),
        (
            "a source label that is no label name",
            format!("{scrape}relabelings = [{{ source_labels = [\"app-name\"], regex = \"x\", action = \"keep\" }}]"),
            "value::relabel",
            8,
        ),
        (
            "a regex Go refuses",
            format!("{scrape}metric_relabelings = [{{ source_labels = [\"__name__\"], regex = \"go_(.*\", action = \"drop\" }}]"),
            "value::regex",
            8,
        ),
        (
            "an action older Prometheus lacks",
            format!(
                "[prometheus]\nversion = \"v2.35.0\"\n\n{scrape}metric_relabelings = [{{ source_labels = [\"mode\"], target_label = \"mode\", action = \"lowercase\" }}]"
            ),
            "prometheus::version",
            11,
        ),
        (
            "a limit older Prometheus lacks",
            "[prometheus]\nversion = \"v2.27.1\"\n\n[prometheus.scrape_limits]\nbody_size_limit = \"50MB\"".to_owned(),
            "prometheus::version",
            8,
        ),
        (
            "OAuth 2.0 on a Prometheus before it",
            format!(
                "[prometheus]\nversion = \"v2.26.0\"\n\n{scrape}oauth2 = {{ client_id = {{ secret = \"o\", key = \"id\" }}, client_secret = {{ secret = \"o\", key = \"secret\" }}, token_url = \"https://sso.example.com/token\" }}"
            ),
            "prometheus::version",
            11,
        ),
        (
            "a pod port by number",
            "[[pod_monitor]]\nname = \"jobs\"\nselector = { app = \"batch\" }\nport = \"9090\"".to_owned(),
            "name::invalid",
            7,
        ),
        (
            "a PodMonitor timeout over Prometheus' interval",
            format!("[prometheus]\nscrape_interval = \"15s\"\n\n{pods}timeout = \"30s\""),
            "scrape::timeout",
            11,
        ),
        (
            "a static scrape timeout over its interval",
            "[[static_scrape]]\nname = \"s\"\ntargets = [\"h:9100\"]\ninterval = \"10s\"\ntimeout = \"11s\"".to_owned(),
            "scrape::timeout",
            8,
        ),
        (
            "OAuth 2.0 and a bearer token",
            format!(
                "{scrape}authorization = {{ credentials = {{ secret = \"t\", key = \"token\" }} }}\noauth2 = {{ client_id = {{ secret = \"o\", key = \"id\" }}, client_secret = {{ secret = \"o\", key = \"secret\" }}, token_url = \"https://sso.example.com/token\" }}"
            ),
            "http::client",
            9,
        ),
        (
            "an OAuth 2.0 token URL that is no URL",
            format!(
                "{pods}oauth2 = {{ client_id = {{ secret = \"o\", key = \"id\" }}, client_secret = {{ secret = \"o\", key = \"secret\" }}, token_url = \"sso.example.com/token\" }}"
            ),
            "value::url",
            8,
        ),
        (
            "federation with its own match[]",
            "[[static_scrape]]\nname = \"dc2\"\ntargets = [\"prom.dc2.example.com:9090\"]\nfederate = [\"up\"]\nparams = { \"match[]\" = [\"up\"] }".to_owned(),
            "federate::selector",
            8,
        ),
        (
            "a PodMonitor name taken twice",
            format!("{pods}\n{pods}"),
            "name::duplicate",
            10,
        ),
        (
            "an insecure PodMonitor",
            format!("{pods}tls_config = {{ insecure_skip_verify = true }}"),
            "http::insecure-skip-verify",
            8,
        ),
    ];
    for (what, body, code, line) in cases {
        let text = site(&body);
        let found = findings(&text);
        assert!(
            found.iter().any(|(c, l)| c == code && *l == line),
            "{what}: expected {code} at line {line}, got {found:?}\n{text}"
        );
    }
}

/// A PodMonitor lives in the site's namespace, looks in its pods' namespace, is selected by the
/// Prometheus resource, and Prometheus may list the pods there; its Secrets are required.
#[test]
fn pod_monitors_are_selected_and_their_pods_discoverable() {
    let text = site(
        "[[pod_monitor]]\nname = \"jobs\"\nnamespace = \"batch\"\nnamespaces = [\"etl\", \"batch\"]\nselector = { app = \"batch\" }\nport = \"metrics\"\nbasic_auth = { secret = \"jobs-auth\", username_key = \"user\", password_key = \"pass\" }\n",
    );
    let compiled = common::compile_text("pods.toml", &text);
    let monitor = common::yaml(&compiled.tree["monitoring/podmonitor-jobs.yaml"]);
    assert_eq!(
        monitor["spec"]["namespaceSelector"]["matchNames"],
        serde_json::json!(["batch", "etl"]),
        "`namespace` and `namespaces` together, sorted, each once"
    );
    assert_eq!(monitor["spec"]["podMetricsEndpoints"][0]["port"], "metrics");
    let prometheus = common::yaml(&compiled.tree["monitoring/prometheus-k8s.yaml"]);
    assert_eq!(prometheus["spec"]["podMonitorSelector"], serde_json::json!({}));
    let namespaces = &prometheus["spec"]["podMonitorNamespaceSelector"]["matchExpressions"][0]["values"];
    assert!(
        namespaces.as_array().is_some_and(|v| v.contains(&"monitoring".into())),
        "the PodMonitor's own namespace is not selected: {namespaces}"
    );
    for namespace in ["batch", "etl"] {
        let role = common::yaml(&compiled.tree[&format!("{namespace}/role-prometheus-k8s.yaml")]);
        let grants_pods = role["rules"].as_array().is_some_and(|rules| {
            rules.iter().any(|r| {
                r["resources"]
                    .as_array()
                    .is_some_and(|res| res.contains(&"pods".into()))
                    && ["list", "watch"]
                        .iter()
                        .all(|verb| r["verbs"].as_array().is_some_and(|v| v.contains(&(*verb).into())))
            })
        });
        assert!(grants_pods, "Prometheus may not list pods in `{namespace}`: {role}");
        let binding = common::yaml(&compiled.tree[&format!("{namespace}/rolebinding-prometheus-k8s.yaml")]);
        assert_eq!(binding["subjects"][0]["namespace"], "monitoring");
    }
    assert!(
        compiled.tree[".promsite.yaml"].contains("monitoring/jobs-auth"),
        "the PodMonitor's Secret is not listed as required"
    );
    // Without PodMonitors (and no API client that may create them), Prometheus selects none.
    let minimal = common::compile("tests/fixtures/minimal/site.toml");
    let prometheus = common::yaml(&minimal.tree["monitoring/prometheus-k8s.yaml"]);
    assert!(prometheus["spec"].get("podMonitorSelector").is_none());
}

/// Whether promsite accepts `text` without errors (warnings aside).
fn promsite_accepts(text: &str) -> bool {
    pipeline::compile(&SiteSource::new("case.toml", text)).is_ok()
}

/// Whether `promtool check config` accepts a configuration (JSON, which is YAML) with one job.
fn promtool_accepts(promtool: &std::path::Path, dir: &std::path::Path, job: &serde_json::Value) -> (bool, String) {
    let config = serde_json::json!({ "scrape_configs": [job] });
    let path = dir.join("prometheus.yml");
    std::fs::write(&path, config.to_string()).expect("write the configuration");
    let output = Command::new(promtool)
        .args(["check", "config", "--syntax-only"])
        .arg(&path)
        .output()
        .expect("run promtool");
    (
        output.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ),
    )
}

/// A site's relabeling step (a TOML inline table) as Prometheus' YAML spells it.
fn prometheus_step(step: &str) -> serde_json::Value {
    let table: toml::Table = toml::from_str(&format!("step = {step}")).expect("a TOML inline table");
    serde_json::to_value(&table["step"]).expect("TOML is JSON")
}

/// promsite's verdict on relabeling steps, sizes and timeouts beside `promtool check config`'s:
/// the same, or knowingly stricter where promsite keeps to the classic label names and sizes the
/// CRD also takes.
#[test]
fn scrape_options_are_judged_as_promtool_judges_them() {
    let Some(promtool) = common::tool("promtool") else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let same = true;
    let stricter = false;
    let steps = [
        (
            r#"{ source_labels = ["__name__"], regex = "go_.*", action = "drop" }"#,
            same,
        ),
        (
            r#"{ source_labels = ["a"], regex = "(.*)", target_label = "${1}_x" }"#,
            same,
        ),
        (
            r#"{ source_labels = ["a", "b"], separator = "/", target_label = "c" }"#,
            same,
        ),
        (
            r#"{ source_labels = ["a"], target_label = "t", modulus = 4, action = "hashmod" }"#,
            same,
        ),
        (
            r#"{ regex = "l_(.+)", replacement = "m_$1", action = "labelmap" }"#,
            same,
        ),
        (r#"{ regex = "pod_template_hash", action = "labeldrop" }"#, same),
        (r#"{ regex = "(job|instance)", action = "labelkeep" }"#, same),
        (
            r#"{ source_labels = ["a"], target_label = "b", action = "keepequal" }"#,
            same,
        ),
        (
            r#"{ source_labels = ["a"], target_label = "b", separator = ";", action = "dropequal" }"#,
            same,
        ),
        (
            r#"{ source_labels = ["a"], target_label = "b", regex = "(.*)", action = "dropequal" }"#,
            same,
        ),
        (
            r#"{ source_labels = ["a"], target_label = "b", action = "lowercase" }"#,
            same,
        ),
        (r#"{ target_label = "b", action = "uppercase" }"#, same),
        (
            r#"{ target_label = "__address__", replacement = "exporter:9116" }"#,
            same,
        ),
        (r#"{ source_labels = ["a"], regex = "x" }"#, same),
        (
            r#"{ source_labels = ["a"], target_label = "t", action = "hashmod" }"#,
            same,
        ),
        (r#"{ source_labels = ["a"], regex = "x", action = "labeldrop" }"#, same),
        (r#"{ regex = "x", target_label = "t", action = "labelkeep" }"#, same),
        (
            r#"{ source_labels = ["a"], target_label = "b", regex = "x", action = "keepequal" }"#,
            same,
        ),
        (
            r#"{ source_labels = ["a"], target_label = "b", separator = ",", action = "dropequal" }"#,
            same,
        ),
        (
            r#"{ source_labels = ["a"], target_label = "b", replacement = "x", action = "lowercase" }"#,
            same,
        ),
        (r#"{ source_labels = ["a"], regex = "a(b", action = "drop" }"#, same),
        (r#"{ source_labels = ["a"], regex = "a{1001}", action = "drop" }"#, same),
        // Prometheus 3 reads UTF-8 label names here; promsite keeps to the classic ones.
        (
            r#"{ source_labels = ["service.name"], regex = "x", action = "drop" }"#,
            stricter,
        ),
        (r#"{ source_labels = ["a"], target_label = "a.b" }"#, stricter),
        (
            r#"{ source_labels = ["a"], target_label = "${1}_ns", action = "uppercase" }"#,
            stricter,
        ),
        (
            r#"{ regex = "x_(.+)", replacement = "1$1", action = "labelmap" }"#,
            stricter,
        ),
    ];
    let mut disagreements = Vec::new();
    for (step, expected_same) in steps {
        let body = format!("[[static_scrape]]\nname = \"s\"\ntargets = [\"h:9100\"]\nmetric_relabelings = [{step}]\n");
        let ours = promsite_accepts(&site(&body));
        let job = serde_json::json!({
            "job_name": "s",
            "static_configs": [{ "targets": ["h:9100"] }],
            "metric_relabel_configs": [prometheus_step(step)],
        });
        let (theirs, report) = promtool_accepts(&promtool, dir.path(), &job);
        let agrees = if expected_same { ours == theirs } else { !ours && theirs };
        if !agrees {
            disagreements.push(format!("{step}: promsite {ours}, promtool {theirs}: {report}"));
        }
    }
    // Sizes: promsite takes what both the CRD pattern and Go read, so only the loosest Go forms differ.
    let sizes = [
        ("10MB", same),
        ("1.5GB", same),
        ("512KiB", same),
        ("0", same),
        ("10B", same),
        ("10M", same),
        ("10", same),
        ("10mb", same),
        // Go reads a sign; the CRD's pattern does not.
        ("-1MB", stricter),
        (".5MB", stricter),
        ("1GB512MB", stricter),
    ];
    for (size, expected_same) in sizes {
        let ours = promsite_accepts(&site(&format!(
            "[[static_scrape]]\nname = \"s\"\ntargets = [\"h:9100\"]\nlimits = {{ body_size_limit = \"{size}\" }}\n"
        )));
        let job = serde_json::json!({
            "job_name": "s",
            "static_configs": [{ "targets": ["h:9100"] }],
            "body_size_limit": size,
        });
        let (theirs, report) = promtool_accepts(&promtool, dir.path(), &job);
        let agrees = if expected_same { ours == theirs } else { !ours && theirs };
        if !agrees {
            disagreements.push(format!("size {size}: promsite {ours}, promtool {theirs}: {report}"));
        }
    }
    for (interval, timeout) in [("15s", "10s"), ("15s", "15s"), ("15s", "16s"), ("1m", "61s")] {
        let ours = promsite_accepts(&site(&format!(
            "[[static_scrape]]\nname = \"s\"\ntargets = [\"h:9100\"]\ninterval = \"{interval}\"\ntimeout = \"{timeout}\"\n"
        )));
        let job = serde_json::json!({
            "job_name": "s",
            "static_configs": [{ "targets": ["h:9100"] }],
            "scrape_interval": interval,
            "scrape_timeout": timeout,
        });
        let (theirs, report) = promtool_accepts(&promtool, dir.path(), &job);
        if ours != theirs {
            disagreements.push(format!(
                "interval {interval}, timeout {timeout}: promsite {ours}, promtool {theirs}: {report}"
            ));
        }
    }
    assert!(disagreements.is_empty(), "{disagreements:#?}");
}

/// Every option on every kind of scrape, in the combinations the fixtures leave out (basic
/// authentication on monitors, bearer tokens on ScrapeConfigs, skipped verification), renders into
/// objects the operator's CRD schemas accept.
#[test]
fn every_option_on_every_kind_of_scrape_matches_the_crd_schemas() {
    if !crate::tools::crd_schemas_present() {
        return;
    }
    let options = r#"path = "/metrics"
scheme = "https"
params = { module = ["default"] }
interval = "30s"
timeout = "10s"
honor_labels = true
honor_timestamps = false
basic_auth = { secret = "auth", username_key = "user", password_key = "pass" }
tls_config = { ca = { secret = "ca", key = "ca.crt" }, cert = { secret = "client", key = "tls.crt" }, key = { secret = "client", key = "tls.key" }, server_name = "exporter.example.com", insecure_skip_verify = true }
relabelings = [{ source_labels = ["__address__"], target_label = "__tmp_hash", modulus = 2, action = "hashmod" }]
metric_relabelings = [{ source_labels = ["a", "b"], separator = "-", target_label = "c" }, { source_labels = ["c"], target_label = "d", action = "dropequal" }]
limits = { sample_limit = 1000, target_limit = 10, label_limit = 30, label_name_length_limit = 100, label_value_length_limit = 200, body_size_limit = "1MB" }
"#;
    let bearer = r#"authorization = { type = "Bearer", credentials = { secret = "token", key = "token" } }"#;
    let text = site(&format!(
        "[prometheus]\nscrape_limits = {{ sample_limit = 1000, target_limit = 10, label_limit = 30, label_name_length_limit = 100, label_value_length_limit = 200, body_size_limit = \"1MB\" }}\n\n\
         [[scrape]]\nname = \"services\"\nnamespaces = [\"a\", \"b\"]\nselector = {{ app = \"x\" }}\nport = \"metrics\"\n{options}\n\
         [[pod_monitor]]\nname = \"pods\"\nselector = {{ app = \"x\" }}\nport = \"metrics\"\n{options}\n\
         [[static_scrape]]\nname = \"hosts\"\ntargets = [\"h:9100\"]\n{}\n{bearer}\n",
        options.replace(
            "basic_auth = { secret = \"auth\", username_key = \"user\", password_key = \"pass\" }\n",
            ""
        )
    ));
    let compiled = common::compile_text("every-option.toml", &text);
    let mut checked = Vec::new();
    for path in [
        "monitoring/servicemonitor-services.yaml",
        "monitoring/podmonitor-pods.yaml",
        "monitoring/scrapeconfig-hosts.yaml",
        "monitoring/prometheus-k8s.yaml",
    ] {
        let object = common::yaml(&compiled.tree[path]);
        let kind = crate::tools::crd_schema_name(&object);
        let errors = crate::tools::crd_violations(&kind, &object);
        assert!(errors.is_empty(), "{path} violates the {kind} CRD schema: {errors:#?}");
        checked.push(kind);
    }
    let prometheus = common::yaml(&compiled.tree["monitoring/prometheus-k8s.yaml"]);
    assert_eq!(prometheus["spec"]["enforcedBodySizeLimit"], "1MB");
    checked.sort();
    assert_eq!(
        checked,
        [
            "podmonitor-v1",
            "prometheus-v1",
            "scrapeconfig-v1alpha1",
            "servicemonitor-v1"
        ],
        "not every kind of scrape was checked"
    );
}
