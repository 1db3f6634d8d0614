//! The compiled output judged by the real tools: `kubectl kustomize`, the Prometheus Operator CRD
//! JSON Schemas, Kubernetes' own schemas (kubernetes-validate), `promtool check rules` and
//! `amtool check-config`, blackbox_exporter's `--config.check`; and every file read back by a YAML 1.1 reader (`PyYAML`, as Kubernetes'
//! YAML 1.1 heritage reads it) as exactly the values that were serialized.
//! A missing tool skips locally with a printed reason and fails in CI (`CI=true`).

#![allow(clippy::print_stderr, clippy::case_sensitive_file_extension_comparisons)]

use crate::common;

use std::process::Command;

use promsite::render::{ALERTMANAGER_CONFIG_KEY, ALERTMANAGER_CONFIG_SECRET};

const CRD_SCHEMAS: &str = "../shared/schemas/prometheus-operator/v0.93.0";

/// Each valid site compiled into a temporary directory.
fn compiled_sites() -> Vec<(String, promsite::pipeline::Compiled, tempfile::TempDir)> {
    common::valid_sites()
        .into_iter()
        .map(|site| {
            let compiled = common::compile(&site);
            let dir = tempfile::tempdir().expect("tempdir");
            common::write_tree(&compiled.tree, dir.path());
            (site, compiled, dir)
        })
        .collect()
}

/// Splits `kubectl kustomize` output into documents.
fn documents(stream: &str) -> Vec<serde_json::Value> {
    stream
        .split("\n---\n")
        .filter(|d| !d.trim().is_empty())
        .map(common::yaml)
        .collect()
}

#[test]
fn kustomize_builds_every_site_and_the_alertmanager_secret_lines_up() {
    let Some(kubectl) = common::tool("kubectl") else { return };
    for (site, compiled, dir) in compiled_sites() {
        let built = common::run_ok(Command::new(&kubectl).arg("kustomize").arg(dir.path()));
        let objects = documents(&built);
        assert_eq!(
            objects.len(),
            compiled.bundle.objects.len() + 1,
            "{site}: every object plus the generated Secret"
        );
        let alertmanager = objects
            .iter()
            .find(|o| o["kind"] == "Alertmanager")
            .expect("an Alertmanager");
        let secret_name = alertmanager["spec"]["configSecret"]
            .as_str()
            .expect("configSecret is set");
        assert_eq!(secret_name, ALERTMANAGER_CONFIG_SECRET);
        let secret = objects
            .iter()
            .find(|o| {
                o["kind"] == "Secret"
                    && o["metadata"]["name"] == secret_name
                    && o["metadata"]["namespace"] == alertmanager["metadata"]["namespace"]
            })
            .unwrap_or_else(|| panic!("{site}: kustomize generated no Secret {secret_name} beside the Alertmanager"));
        let encoded = secret["data"][ALERTMANAGER_CONFIG_KEY]
            .as_str()
            .unwrap_or_else(|| panic!("{site}: the Secret lacks key {ALERTMANAGER_CONFIG_KEY}"));
        let decoded = base64_decode(encoded);
        assert_eq!(
            decoded, compiled.tree["alertmanager.yml"],
            "{site}: the Secret must hold alertmanager.yml byte for byte"
        );
        for object in &objects {
            let labels = &object["metadata"]["labels"];
            assert_eq!(
                labels["app.kubernetes.io/managed-by"], "promsite",
                "{site}: unlabelled object {}",
                object["metadata"]["name"]
            );
            assert_eq!(labels["promsite.dev/site"], compiled.name.as_str());
        }
    }
}

/// Decodes a Secret's data value (kubectl may fold it over several lines).
fn base64_decode(text: &str) -> String {
    use base64::Engine;
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(compact)
        .expect("valid base64");
    String::from_utf8(bytes).expect("UTF-8")
}

/// Whether the operator's CRD schemas are beside the project: they are required in CI.
fn crd_schemas_present() -> bool {
    let dir = common::root().join(CRD_SCHEMAS);
    if !dir.is_dir() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{} is required in CI",
            dir.display()
        );
        eprintln!("SKIPPED: {} not found", dir.display());
    }
    dir.is_dir()
}

/// The schema of an operator object's CRD, named as its files are (`prometheus-v1`).
fn crd_schema_name(object: &serde_json::Value) -> String {
    let kind = object["kind"].as_str().expect("kind").to_ascii_lowercase();
    let version = object["apiVersion"]
        .as_str()
        .and_then(|v| v.split('/').nth(1))
        .expect("version");
    format!("{kind}-{version}")
}

/// What the CRD schema `name` finds wrong with `object`, one line each. Each schema is compiled
/// once: the corpus comparisons validate hundreds of objects.
fn crd_violations(name: &str, object: &serde_json::Value) -> Vec<String> {
    static VALIDATORS: std::sync::Mutex<std::collections::BTreeMap<String, &'static jsonschema::Validator>> =
        std::sync::Mutex::new(std::collections::BTreeMap::new());
    let validator = *VALIDATORS
        .lock()
        .expect("validators")
        .entry(name.to_owned())
        .or_insert_with(|| {
            let path = common::root().join(CRD_SCHEMAS).join(format!("{name}.json"));
            let schema: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&path).expect("schema file")).expect("JSON");
            Box::leak(Box::new(jsonschema::validator_for(&schema).expect("schema compiles")))
        });
    validator
        .iter_errors(object)
        .map(|e| format!("{}: {e}", e.instance_path().as_str()))
        .collect()
}

#[test]
fn operator_objects_match_the_crd_schemas() {
    if !crd_schemas_present() {
        return;
    }
    let mut checked = 0;
    let mut kinds = std::collections::BTreeSet::new();
    for (site, compiled, _dir) in compiled_sites() {
        for (path, text) in compiled.tree.iter().filter(|(p, _)| common::is_yaml(p)) {
            let object = common::yaml(text);
            if object["apiVersion"]
                .as_str()
                .is_none_or(|v| !v.starts_with("monitoring.coreos.com/"))
            {
                continue;
            }
            let kind = crd_schema_name(&object);
            let errors = crd_violations(&kind, &object);
            assert!(
                errors.is_empty(),
                "{site}: {path} violates the {kind} CRD schema: {errors:#?}"
            );
            kinds.insert(kind);
            checked += 1;
        }
    }
    assert!(checked >= 10, "only {checked} operator objects were checked");
    for kind in [
        "alertmanager-v1",
        "podmonitor-v1",
        "probe-v1",
        "prometheus-v1",
        "prometheusrule-v1",
        "scrapeconfig-v1alpha1",
        "servicemonitor-v1",
    ] {
        assert!(
            kinds.contains(kind),
            "no {kind} object was checked against its CRD schema: {kinds:?}"
        );
    }
}

#[test]
fn core_objects_match_the_kubernetes_schemas() {
    let Some(validate) = common::tool("kubernetes-validate") else {
        return;
    };
    for (site, compiled, dir) in compiled_sites() {
        let core: Vec<&String> = compiled
            .tree
            .iter()
            .filter(|(path, text)| {
                path.ends_with(".yaml")
                    && !path.ends_with("kustomization.yaml")
                    && !path.starts_with('.')
                    && !text.contains("apiVersion: monitoring.coreos.com/")
            })
            .map(|(path, _)| path)
            .collect();
        assert!(!core.is_empty());
        let (success, report) = common::run_report(
            Command::new(&validate)
                .args(["--kubernetes-version", "1.33.0", "--strict", "--quiet"])
                .args(core.iter().map(|p| dir.path().join(p))),
        );
        assert!(
            success && !report.contains("ERROR"),
            "{site}: kubernetes-validate rejected the output:\n{report}"
        );
    }
}

#[test]
fn promtool_accepts_every_rule_group() {
    let Some(promtool) = common::tool("promtool") else {
        return;
    };
    let mut checked = 0;
    for (site, compiled, dir) in compiled_sites() {
        for (path, text) in compiled.tree.iter().filter(|(p, _)| common::is_yaml(p)) {
            let object = common::yaml(text);
            if object["kind"] != "PrometheusRule" {
                continue;
            }
            // A PrometheusRule's spec is a Prometheus rule file; JSON is YAML, so promtool reads it as is.
            let rule_file = dir.path().join(format!("{}.rules.json", path.replace('/', "_")));
            std::fs::write(&rule_file, serde_json::to_string(&object["spec"]).expect("JSON")).expect("write");
            let output = common::run_ok(Command::new(&promtool).args(["check", "rules"]).arg(&rule_file));
            assert!(output.contains("SUCCESS"), "{site}: {path}: {output}");
            checked += 1;
        }
    }
    assert!(checked >= 3, "only {checked} rule groups checked");
}

#[test]
fn amtool_accepts_every_alertmanager_config() {
    let Some(amtool) = common::tool("amtool") else { return };
    let mut checked = 0;
    for (site, _compiled, dir) in compiled_sites() {
        let output = Command::new(&amtool)
            .args(["check-config"])
            .arg(dir.path().join("alertmanager.yml"))
            .output()
            .expect("amtool runs");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "{site}: amtool rejected alertmanager.yml:\n{stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(stdout.contains("SUCCESS"), "{site}: {stdout}");
        checked += 1;
    }
    assert!(checked >= 1, "amtool checked no site");
}

/// Every emitted file, read by `PyYAML` (a YAML 1.1 reader: `on`, `yes`, `0755`, `12:30`, dates are
/// typed there), must give back exactly the JSON of what promsite serialized.
#[test]
fn a_yaml_1_1_reader_reads_back_exactly_what_was_written() {
    let Some(python) = common::tool("python3") else { return };
    let script =
        "import sys, json, yaml\nprint(json.dumps([yaml.safe_load(open(p, encoding='utf-8')) for p in sys.argv[1:]]))";
    for (site, compiled, dir) in compiled_sites() {
        // Notification templates are Go templates, not YAML.
        let paths: Vec<&String> = compiled.tree.keys().filter(|p| common::is_yaml(p)).collect();
        let output = common::run_ok(
            Command::new(&python)
                .arg("-c")
                .arg(script)
                .args(paths.iter().map(|p| dir.path().join(p))),
        );
        let read_back: Vec<serde_json::Value> = serde_json::from_str(&output).expect("python printed JSON");
        for (path, yaml_1_1) in paths.iter().zip(read_back) {
            let key = compiled
                .bundle
                .objects
                .keys()
                .find(|k| promsite::emit::layout::object_path(k) == **path);
            let Some(key) = key else { continue };
            let expected = serde_json::to_value(&compiled.bundle.objects[key]).expect("object serializes");
            assert_eq!(yaml_1_1, expected, "{site}: {path} reads back differently in YAML 1.1");
        }
        let config = serde_json::to_value(&compiled.bundle.alertmanager_config).expect("config serializes");
        let read = common::run_ok(
            Command::new(&python)
                .arg("-c")
                .arg(script)
                .arg(dir.path().join("alertmanager.yml")),
        );
        let read: Vec<serde_json::Value> = serde_json::from_str(&read).expect("JSON");
        assert_eq!(
            read[0], config,
            "{site}: alertmanager.yml reads back differently in YAML 1.1"
        );
    }
}

/// taplo, the language server behind Even Better TOML, validates site files against the schema
/// through `.taplo.toml` and through a `#:schema` directive, and flags a wrong key.
#[test]
fn taplo_validates_site_files_against_the_schema() {
    let Some(taplo) = common::tool("taplo") else { return };
    let root = common::root();
    let sites = common::valid_sites();
    let output = Command::new(&taplo)
        .arg("check")
        .args(&sites)
        .current_dir(&root)
        .env("RUST_LOG", "warn")
        .output()
        .expect("taplo runs");
    assert!(
        output.status.success(),
        "taplo rejected a valid site:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // With the directive and no .taplo.toml, the way a site lives in another repository.
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join("schema")).expect("mkdir");
    std::fs::copy(
        root.join("schema/site.schema.json"),
        dir.path().join("schema/site.schema.json"),
    )
    .expect("copy");
    let example = common::source("sites/example.toml").text.to_string();
    for (name, text, valid) in [
        ("good.toml", example.clone(), true),
        (
            "bad.toml",
            example.replace("retention = \"30d\"", "retension = \"30d\""),
            false,
        ),
    ] {
        std::fs::write(
            dir.path().join(name),
            format!("#:schema ./schema/site.schema.json\n{text}"),
        )
        .expect("write");
        let output = Command::new(&taplo)
            .args(["check", name])
            .current_dir(dir.path())
            .env("RUST_LOG", "warn")
            .output()
            .expect("taplo runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.success(), valid, "taplo check {name}:\n{stderr}");
        if !valid {
            assert!(stderr.contains("retension"), "taplo names the wrong key:\n{stderr}");
        }
    }
}

/// A `setup/` kustomization without remote resources (vendored CRDs) builds offline too.
#[test]
fn kustomize_builds_vendored_crd_setups_offline() {
    let Some(kubectl) = common::tool("kubectl") else { return };
    let mut built = 0;
    for (site, compiled, dir) in compiled_sites() {
        let Some(setup) = compiled.tree.get("setup/kustomization.yaml") else {
            continue;
        };
        if setup.contains("://") {
            continue;
        }
        let output = common::run_ok(Command::new(&kubectl).arg("kustomize").arg(dir.path().join("setup")));
        let crds = documents(&output);
        assert!(
            !crds.is_empty() && crds.iter().all(|c| c["kind"] == "CustomResourceDefinition"),
            "{site}: setup/ holds only CRDs"
        );
        built += 1;
    }
    assert!(built >= 1, "no site vendors its CRDs");
}

/// Regexes that Rust's `regex` and Go's `regexp` judge differently, and some they agree on, with
/// promsite's verdict (PromQL matcher and Alertmanager matcher) set beside promtool's and amtool's.
#[test]
fn regexes_are_judged_as_prometheus_and_alertmanager_judge_them() {
    let (Some(promtool), Some(amtool)) = (common::tool("promtool"), common::tool("amtool")) else {
        return;
    };
    // `common::tool` vouches for the release lines: Go's regexp gained `(?<name>…)` in Go 1.22, and
    // tools older than the targeted releases judge differently.
    let agreed = [
        "x{1001}",
        "x{1001,}",
        "x{99990}",
        "(x{100}){11}",
        "((x{2}){0,}){501}",
        "(x*){1001}",
        "x{2}{3}",
        "x*??",
        "x+*",
        "(?x)a",
        "(?i-u:a)",
        "(?R)a",
        "(?P<a.b>x)",
        r"\u0041",
        r"[\U00000041]",
        r"\p{sc=Greek}",
        "x{1000}",
        "(x{100}){10}",
        "(?:x{1,}){1000}",
        "(x{0}){1000}",
        "x*?",
        "x{,5}*",
        "(?U)a(?i:b)(?P<name_1>c)(?<name2>d)",
        r"\x41\x{41}\pL\p{Greek}",
        r"^*\<a\b{start}",
        "warning|critical",
        "5..",
        "(a|b",
        "a)|(x{1001}",
        "a)|(b",
        "x{ 2}{3}",
        "[X--]",
        r"\p{Emoji}",
        r"\p{Latn}",
        r"\p{Is_Greek}",
        r"\p{Alphabetic}",
        r"\p{Unknown}",
        r"\pN\p{Cn}\p{LC}\p{Any}\P{Common}\p{Old_Italic}[\p{Han}\PL]",
        // Go's spellings that Rust's `regex` lacks, which promsite reads as Go does.
        r"\Qa.b\E",
        r"(?i)\Qa.b\E*[\Q]",
        r"x\Q(",
        r"\\Q(",
        r"\E",
        r"\012\0\101\1234[\101-\132]",
        r"\1",
        r"\8",
        r"[[:alpha:]\Q]",
    ];
    // Go accepts these and promsite does not, with the verdicts of promtool and amtool: Rust's
    // `regex` refuses the first, and the others mean something else to Go than to Rust. Stricter,
    // never laxer.
    let stricter = [
        ("[a[]", true, true),
        ("[a[bc]d]", true, true),
        ("[a&&b]", true, true),
        ("x{ 1001}", true, true),
    ];
    // Loose Unicode class names: Prometheus' matchers refuse them, Alertmanager 0.33 (Go 1.25)
    // reads them, and promsite accepts them in a matcher with a warning (older releases refuse).
    let loose = [
        r"\p{Letter}",
        r"\p{greek}",
        r"\p{ASCII}",
        r"\p{uppercase letter}",
        r"[\p{l-U}\p{digit}\p{Assigned}\P{LATIN}]",
        r"\p{Unassigned}\p{Combining_Mark}\p{cntrl}\p{punct}",
    ];
    for pattern in loose {
        let matcher = format!("a=~{}", serde_json::to_string(pattern).expect("JSON"));
        let site = example_with_tables(&format!(
            "[[inhibit_rules]]\nsource_matchers = [{}]\ntarget_matchers = ['severity=\"warning\"']\n",
            serde_json::to_string(&matcher).expect("JSON")
        ));
        let warned = site.is_ok_and(|compiled| {
            compiled
                .warnings
                .into_iter()
                .any(|d| d.code == promsite::diag::Code::AlertMatcherClassName)
        });
        assert!(warned, "{pattern}: not accepted with a warning");
    }
    let patterns: Vec<&str> = agreed
        .iter()
        .copied()
        .chain(stricter.iter().map(|&(pattern, _, _)| pattern))
        .chain(loose)
        .collect();
    let quoted = |pattern: &str| serde_json::to_string(pattern).expect("JSON");
    let rules: Vec<_> = patterns
        .iter()
        .enumerate()
        .map(|(n, p)| serde_json::json!({ "alert": format!("R{n}"), "expr": format!("foo{{a=~{}}}", quoted(p)) }))
        .collect();
    let (_, promtool_report, refused) = promtool_rule_refusals(&promtool, "regexes.rules.yaml", &rules, "R");
    for (n, pattern) in patterns.iter().enumerate() {
        let prometheus_accepts = !refused.contains(&n);
        let matcher = format!("a=~{}", quoted(pattern));
        let route = serde_json::json!({ "receiver": "r", "routes": [{ "receiver": "r", "matchers": [matcher] }] });
        let config = serde_json::json!({ "route": route, "receivers": [{ "name": "r" }] }).to_string();
        let (alertmanager_accepts, _) = judge(&amtool, &["check-config"], "alertmanager.json", &config);
        let promsite = (
            promsite::check::fuzz::promql(&format!("foo{{a=~{}}}", quoted(pattern))),
            promsite::check::fuzz::matcher(&matcher),
        );
        if let Some(&(_, prometheus, alertmanager)) = stricter.iter().find(|(stricter, _, _)| stricter == pattern) {
            assert_eq!(promsite, (false, false), "{pattern}: promsite accepts it");
            assert_eq!(
                (prometheus_accepts, alertmanager_accepts),
                (prometheus, alertmanager),
                "{pattern}: the tools' verdicts changed"
            );
        } else {
            assert_eq!(
                promsite,
                (prometheus_accepts, alertmanager_accepts),
                "{pattern}: promsite (PromQL, matcher) against promtool and amtool\n{promtool_report}"
            );
        }
    }
    assert!(
        promtool_report.contains("\"R0\":"),
        "promtool accepted `x{{1001}}`, or its report changed:\n{promtool_report}"
    );
}

/// Numbers with `_` between digits, which Prometheus' lexer reads (Go's rules: each `_` between
/// two digits, a base prefix counting as one) and promql-parser does not: promsite's verdict on
/// each is promtool's.
#[test]
fn numbers_with_underscores_are_judged_as_prometheus_judges_them() {
    let Some(promtool) = common::tool("promtool") else {
        return;
    };
    let expressions = [
        "1_000",
        "up > 1_000_000",
        "node_memory_MemAvailable_bytes < 512_000_000",
        "0x_ff",
        "0xf_f + 0X1_0",
        "1_000.5",
        "1.0_5",
        ".5_0",
        "1_0e3",
        "1e1_0",
        "1e+1_0 * 2",
        "0_7",
        "00_1",
        "rate(x[1_0])",
        "max_over_time(x[5m:1_0])",
        "x offset 1_0",
        "x @ 1_0",
        "topk(1_0, x)",
        "-1_0",
        "_1",
        "Inf_1",
        "sum by (job) (rate(x[5m])) > 1_0 # 1__0 in a comment",
        r#"x{a="1__0"} > 2_0"#,
        "1__000",
        "1_",
        "0x_",
        "1e_10",
        "1._5",
        "1_.5",
        "1_e3",
        "0__0",
        "0x1_0P1",
        "0b1_0",
        "rate(x[1_0m])",
        "1_000ms",
        "rate(x[1_0m5s])",
    ];
    let (accepted, report) = judged_alike_by_promtool(&promtool, "numbers.yaml", &expressions);
    // Both verdicts occur, so a report that names no rule cannot pass for agreement.
    assert_eq!(accepted, 23, "promtool's verdicts changed\n{report}");
}

/// Where promql-parser 0.11 and Prometheus 3.5 differ besides numbers and strings: functions
/// promql-parser knows and Prometheus does not (or only behind a flag), `or` between matchers and
/// `fill(…)` modifiers from later versions, `smoothed`/`anchored` (keywords to promql-parser, names
/// to Prometheus) and zero durations outside ranges. promsite's verdict on each is promtool's.
#[test]
fn syntax_of_other_versions_is_judged_as_prometheus_judges_it() {
    let Some(promtool) = common::tool("promtool") else {
        return;
    };
    let expressions = [
        // promql-parser's functions that Prometheus 3.5 does not have.
        r#"histogram_quantiles(x, "q", 0.5)"#,
        "max_of(1m, 2m)",
        "min_of(1, 2)",
        "integral(x[5m])",
        "start_timestamp(x)",
        "range()",
        "step()",
        "first_over_time(x[5m])",
        "ts_of_first_over_time(x[5m])",
        // Experimental in Prometheus 3.5.
        "ts_of_last_over_time(x[5m])",
        "mad_over_time(x[5m])",
        "info(x)",
        "limitk(1, x)",
        r#"sort_by_label(x, "a")"#,
        // Later syntax.
        r#"x{a="b" or c="d"}"#,
        r#"{a="b" OR c="d"}"#,
        r#"rate(x{a="b" or a="c"}[5m])"#,
        "x + fill(0) y",
        "x + on (a) fill_left(0) y",
        "x * on (a) group_left fill_right(1) y",
        "fill(x)",
        "x[5m] smoothed",
        "rate(x[5m] anchored)",
        "x offset step()",
        "rate(x[5m+1m])",
        "x[0s]",
        "x[5m:0m]",
        "sum by (inf) (x)",
        // Read by Prometheus 3.5 alike.
        r#"x{a="b", or="c"} or x{or="d"}"#,
        "fill + fill_left * fill_right",
        "sum by (fill, step, range, start) (x)",
        "step + range",
        "smoothed",
        "Anchored + SMOOTHED",
        r#"sum by (smoothed) (rate(anchored{a="b"}[5m] offset 5m))"#,
        "sum(x) without (Anchored, b)",
        "x * on (smoothed) group_right (anchored) y unless ignoring (smoothed) z",
        "max_over_time(smoothed[5m:1m]) > bool 0",
        "-smoothed or anchored:rate5m",
        r#"x{smoothed="a", anchored=~"b.*"}"#,
        r#"label_replace(x, "smoothed", "$1", "anchored", "(.*)")"#,
        "x offset 0s",
        "x offset -0m + x offset 0d",
        "rate(x[5m] offset 0s0ms)",
        "0s + vector(0ms) + topk(0s, x)",
        "x @ 0s",
        "x offset 0",
        "smoothed_total + x_anchored",
    ];
    let (accepted, report) = judged_alike_by_promtool(&promtool, "versions.yaml", &expressions);
    // Both verdicts occur, so a report that names no rule cannot pass for agreement.
    assert_eq!(accepted, 20, "promtool's verdicts changed\n{report}");
}

/// Raw (backtick) strings, which Prometheus reads without escapes and promql-parser with them: a
/// backslash is itself, a double quote is text, and a backtick ends the string. promsite's verdict
/// on each is promtool's.
#[test]
fn raw_strings_are_judged_as_prometheus_judges_them() {
    let Some(promtool) = common::tool("promtool") else {
        return;
    };
    let expressions = [
        r#"label_replace(up, "host", "$1", "instance", `(.*):\d+`)"#,
        r#"label_replace(x, `a`, "$1", `b`, `\w+-(\d)\.(.*)`)"#,
        r"x{a=`\d`}",
        r"x{a=~`\d+`, b!~`\s*`}",
        r"x{instance=~`host-\w+\.example\.com:\d+`}",
        r"x{a=`\\`}",
        r"x{a=`\`}",
        r"x{a=`a\`} or x{a=`\q\x\u`}",
        r#"x{a=`say "hi"`}"#,
        r#"x{a=`\"`}"#,
        "x{a=``, b=`é✓ ünï`}",
        r"x{a=~`\p{Greek}\Q.*\E`}",
        r"label_join(x, `dst`, `\`, `a`, `b`)",
        r"count_values(`\d`, x) + count_values(`v`, x)",
        r#"{`__name__`="x", `a.b`=`\d`}"#,
        "{`my.metric`} + {'my.metric'} + {\"my.metric\"}",
        "sum by (`a.b`) (x) + on (`a.b`) sum by (\"a.b\") (x)",
        r"sum by (`a\b`) (x) + sum without (`\`) (x)",
        r"x * on (`a\d`) group_left (`b\`) y",
        r"{`a\b`} + rate(x{`a\`=~`\d`}[5m])",
        "x{a=`multi\nline`} # `\\d` in a comment",
        "x{a=`\\``}",
        r"x{a=`\d",
        r"x{a=~`\x`}",
        r"x{a=~`\d{1001}`}",
        "{a=``}",
        r#"label_replace(x, "a", "$1", "b", `\d(`)"#,
    ];
    let rules = records(&expressions);
    let (_, report, refused) = promtool_rule_refusals(&promtool, "raw.yaml", &rules, "r");
    let mut accepted = 0;
    for (n, expr) in expressions.iter().enumerate() {
        let prometheus_accepts = !refused.contains(&n);
        accepted += usize::from(prometheus_accepts);
        // promtool does not compile a label_replace regex; Prometheus fails each evaluation.
        let evaluation_fails = expr.ends_with(r"`\d(`)");
        assert_eq!(
            promsite::check::fuzz::promql(expr),
            prometheus_accepts && !evaluation_fails,
            "{expr}: promsite against promtool\n{report}"
        );
    }
    // Both verdicts occur, so a report that names no rule cannot pass for agreement.
    assert_eq!(accepted, 22, "promtool's verdicts changed\n{report}");
}

/// Prometheus checks some rules only when it evaluates them: a `label_replace` regex, the label
/// names that `label_replace`, `label_join` and `count_values` write or read, the count of `topk`,
/// and the type of the result. `promtool check rules` accepts any, and a rule unit test (`promtool
/// test rules`) evaluates them. promsite refuses those whose evaluation fails. `label_replace`
/// compiles with Go's own `regexp` (1.25 reads `\p{Letter}`), a matcher with an older fork.
#[test]
fn rules_are_judged_as_prometheus_evaluates_them() {
    let Some(promtool) = common::tool("promtool") else {
        return;
    };
    let label_replace = |destination: &str, regex: &str| {
        let quoted = |text: &str| serde_json::to_string(text).expect("JSON");
        format!(
            "label_replace(up, {}, \"$1\", \"job\", {})",
            quoted(destination),
            quoted(regex)
        )
    };
    let evaluated: Vec<String> = [
        "(.*)",
        "a)|(b",
        "{(.*)}",
        r"\p{L}+",
        "(?i)x{1000}",
        r"\Q.\E(.*)",
        r"\012(.*)",
        r"\p{Letter}",
    ]
    .iter()
    .map(|regex| label_replace("a", regex))
    .chain([label_replace("1a", "(.*)")])
    .chain(
        [
            r#"label_join(up, "a", "", "job")"#,
            r#"count_values("1a", up)"#,
            "topk(9223372036854775000, up)",
            "bottomk(-Inf, up)",
            "1",
            "-vector(1)",
        ]
        .map(Into::into),
    )
    .collect();
    let failing: Vec<String> = ["(", "[", "x{1001}", "(?P<a.b>x)", "x**", r"x\Q("]
        .iter()
        .map(|regex| label_replace("a", regex))
        .chain([label_replace("", "(.*)")])
        .chain(
            [
                r#"label_join(up, (""), ",", "job")"#,
                r#"label_join(up, "a", ",", "job", "")"#,
                r#"count_values("", up)"#,
            ]
            .map(Into::into),
        )
        .chain(
            [
                "topk(1e100, up)",
                "topk(-(-1e100), up)",
                "bottomk(NaN, up)",
                "up[5m]",
                "(rate(up[5m])[1h:1m])",
                r#""a""#,
            ]
            .map(Into::into),
        )
        .collect();
    let expressions: Vec<&String> = evaluated.iter().chain(&failing).collect();
    let rules = records(&expressions);
    let dir = tempfile::tempdir().expect("tempdir");
    let rule_file = dir.path().join("rules.yaml");
    std::fs::write(&rule_file, corpus_rule_file(&rules)).expect("write");
    let test = serde_json::json!({
        "rule_files": [rule_file],
        "evaluation_interval": "1m",
        "tests": [{ "interval": "1m", "input_series": [{ "series": "up{job=\"x\"}", "values": "1 1" }] }],
    });
    let (_, report) = judge(
        &promtool,
        &["test", "rules"],
        "test.yaml",
        &serde_json::to_string(&test).expect("JSON"),
    );
    for (n, expr) in expressions.iter().enumerate() {
        let prometheus_evaluates = !report.contains(&format!("rule: r{n},"));
        assert_eq!(
            prometheus_evaluates,
            !failing.contains(expr),
            "{expr}: promtool's verdict changed\n{report}"
        );
        assert_eq!(
            promsite::check::fuzz::promql(expr),
            evaluated.contains(expr),
            "{expr}: promsite's verdict"
        );
    }
}

/// The curated seeds of the `checkers` fuzz target (`fuzz/seeds/checkers`) for the string checker `kind` (its first byte, modulo
/// the seven checkers) that are UTF-8 and that `accepts` accepts. They are judged on a thread with
/// a large stack: regex's compiler recurses up to the parser's nesting limit of 250, which a debug
/// build's frames do not fit in 2 MiB (a release build's do, on promsite's worker threads).
fn accepted_corpus_inputs(kind: u8, accepts: fn(&str) -> bool) -> Vec<String> {
    let dir = common::root().join("fuzz/seeds/checkers");
    let judge = move || {
        let mut inputs: Vec<String> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .filter_map(|entry| std::fs::read(entry.expect("corpus entry").path()).ok())
            .filter(|data| data.first().is_some_and(|first| first % 7 == kind))
            .filter_map(|data| String::from_utf8(data[1..].to_vec()).ok())
            .filter(|text| accepts(text))
            .collect();
        inputs.sort();
        inputs
    };
    std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(judge)
        .expect("spawns")
        .join()
        .expect("judged")
}

/// Lines of the example site that the corpus comparisons replace: a rule's expression, its
/// annotations, and a route with its receiver.
const EXPR: &str = r#"expr = 'changes(kube_pod_container_status_restarts_total{namespace="default"}[3m]) * on (pod) group_left(node) kube_pod_info > 0'"#;
const ANNOTATIONS: &str = r#"annotations = { summary = "pod {{$labels.pod}}"#;
const ROUTE: &str =
    "matchers = ['product_line=\"新架构OCR\"', 'severity=~\"warning|critical\"']\nreceiver = \"ocr-team\"\n";

/// The example site with one line replaced, compiled.
fn example_with(line: &str, replacement: &str) -> Result<promsite::pipeline::Compiled, promsite::diag::Diagnostics> {
    example_replacing(&[(line, replacement)])
}

/// The example site with each `(text, replacement)` made, first occurrences only, compiled.
fn example_replacing(
    replacements: &[(&str, &str)],
) -> Result<promsite::pipeline::Compiled, promsite::diag::Diagnostics> {
    let mut example = std::fs::read_to_string(common::root().join("sites/example.toml")).expect("example site");
    for (text, replacement) in replacements {
        assert!(example.contains(text), "the example site no longer has {text:?}");
        example = example.replacen(text, replacement, 1);
    }
    promsite::pipeline::compile(&promsite::diag::SiteSource::new("example.toml", example))
}

/// Differential check against promtool: every PromQL expression and annotation template of the fuzz
/// corpus that promsite accepts, rendered into a PrometheusRule as promsite renders it, passes
/// `promtool check rules`. This comparison found the durations, zero ranges, white space and
/// template numbers that promsite now refuses (docs/fuzzing.md).
#[test]
fn promtool_accepts_every_corpus_expression_and_template_that_promsite_accepts() {
    let Some(promtool) = common::tool("promtool") else {
        return;
    };
    let quoted = |text: &str| toml::Value::String(text.to_owned()).to_string();
    let expressions = accepted_corpus_inputs(0, promsite::check::fuzz::promql)
        .into_iter()
        .map(|text| (format!("expr = {}", quoted(&text)), EXPR, text));
    let templates = accepted_corpus_inputs(2, promsite::check::fuzz::template)
        .into_iter()
        .map(|text| {
            (
                format!(
                    "annotations = {{ description = {}, summary = \"pod {{{{$labels.pod}}}}",
                    quoted(&text)
                ),
                ANNOTATIONS,
                text,
            )
        });
    // Each input's rendered rule, renamed after its place in one group for a single promtool run.
    let (mut texts, mut rules) = (Vec::new(), Vec::new());
    for (replacement, line, text) in expressions.chain(templates) {
        let compiled = example_with(line, &replacement)
            .unwrap_or_else(|e| panic!("promsite accepts {text:?} but not in a site: {e:?}"));
        let mut rule = common::yaml(&compiled.tree["monitoring/prometheusrule-ocr-pod-restart.yaml"])["spec"]["groups"]
            [0]["rules"][0]
            .take();
        rule["alert"] = format!("R{}", rules.len()).into();
        rules.push(rule);
        texts.push(text);
    }
    assert!(rules.len() >= 100, "only {} corpus inputs checked", rules.len());
    let (accepted, report, refused) = promtool_rule_refusals(&promtool, "corpus.rules.yaml", &rules, "R");
    let refused: Vec<_> = refused.into_iter().map(|n| &texts[n]).collect();
    assert!(
        accepted && refused.is_empty(),
        "promtool refuses what promsite accepts: {refused:#?}\n{report}"
    );
}

/// Both ways against promtool: templates in the Go grammar that gtmpl (whose verdicts promsite's
/// parser first kept) refused: line breaks and trim markers in every white space Go takes inside
/// an action (Go 1.16), strings that cannot hold one, `else with` (Go 1.23), `break` and
/// `continue` (Go 1.18), assignments (Go 1.11), and the functions `html`, `js` and `slice`. Each
/// gets promtool's verdict from promsite.
#[test]
fn promsite_and_promtool_agree_on_go_template_grammar() {
    let Some(promtool) = common::tool("promtool") else {
        return;
    };
    let mut texts = Vec::new();
    for space in ["\n", "\r\n", "\r", "\t", " \n "] {
        for template in [
            "{{ $value_}}",
            "{{_$value }}",
            "{{ $value | humanize_}}",
            "{{ $value |_humanize }}",
            "{{ printf_\"%.2f\" $value }}",
            "{{ if_$value }}x{{ end_}}",
            "{{ with $labels.job_}}{{ . }}{{ else_}}none{{ end }}",
            "{{ range $k, $v := $labels_}}{{ $k }}={{ $v }} {{ end }}",
            "{{ $x := 1_}}{{ $x }}",
            "{{-_$value }}",
            "{{ $value_-}}",
            "{{ ( humanize $value_) }}",
            "{{ 1_}}{{ true_}}{{ nil_}}{{ \"s\"_}}",
            "{{/* a_b */}}",
            "{{ `a_b` }}",
            "{{ \"a_b\" }}",
            "{{ 'a_' }}",
            "{{ else_}}",
            "{{ $labels.job_| toUpper_}}",
        ] {
            texts.push(template.replace('_', space));
        }
    }
    texts.extend(
        [
            "{{ with $value }}x{{ else with $labels }}y{{ end }}",
            "{{ with $value }}x{{ else with $labels.job }}y{{ else }}z{{ end }}",
            "{{ if $value }}x{{ else with $labels }}y{{ end }}",
            "{{ with $value }}x{{ else if $labels }}y{{ end }}",
            "{{ range $labels }}x{{ else with $value }}y{{ end }}",
            "{{ else with $value }}",
            "{{ range $labels }}{{ if . }}{{ break }}{{ end }}{{ continue }}{{ end }}",
            "{{ range $labels }}{{ break 1 }}{{ end }}",
            "{{ range $labels }}x{{ else }}{{ break }}{{ end }}",
            "{{ range $labels }}{{ define \"a\" }}{{ continue }}{{ end }}{{ end }}",
            "{{ break }}",
            "{{ $x := 1 }}{{ $x = 2 }}{{ $x }}",
            "{{ $value = 2 }}",
            "{{ $y = 2 }}{{ $y }}",
            "{{ range $i, $v = $labels }}{{ $i }}{{ end }}",
            "{{$x=1}}",
            "{{ 1 = 2 }}",
            "{{ html \"a\" }}{{ js \"a\" }}{{ slice \"abc\" 1 }}",
            "{{ $labels.job | html | js }}",
        ]
        .map(String::from),
    );
    let rules: Vec<serde_json::Value> = texts
        .iter()
        .enumerate()
        .map(|(n, text)| {
            serde_json::json!({ "alert": format!("R{n}"), "expr": "up == 0", "annotations": { "description": text } })
        })
        .collect();
    let (_, report, refused) = promtool_rule_refusals(&promtool, "line-breaks.yaml", &rules, "R");
    assert!(
        !refused.is_empty() && refused.len() < texts.len() / 2,
        "promtool refused {refused:?}:\n{report}"
    );
    let differ: Vec<(&String, bool)> = texts
        .iter()
        .enumerate()
        .filter(|(n, text)| promsite::check::fuzz::template(text) == refused.contains(n))
        .map(|(n, text)| (text, !refused.contains(&n)))
        .collect();
    assert!(
        differ.is_empty(),
        "promsite's verdict differs from promtool's (text, promtool accepts): {differ:#?}"
    );
}

/// Differential check against promtool of the fast PromQL acceptor, which answers for most rules
/// without promql-parser: each single-character mutation of expressions in its subset that it
/// takes, promtool accepts too.
#[test]
fn promtool_accepts_every_mutation_the_fast_promql_acceptor_takes() {
    let Some(promtool) = common::tool("promtool") else {
        return;
    };
    let bases = [
        r#"sum by (job, instance) (rate(a_total{job="a",code=~"5.."}[5m])) / sum by (job) (rate(a_total[5m])) > 0.1"#,
        "histogram_quantile(0.99, sum by (le) (rate(b_bucket{job='b'}[5m]))) > bool 0.5",
        r#"absent(c_up{job="c"} == 1) or vector(1) unless on () d"#,
        "predict_linear(e[6h], 4 * 3600) < 0 and e / f < 0.1",
        r#"sum by (ns, pod) (rate(g{container!=""}[5m])) * on (ns, pod) group_left (node) max by (ns, pod, node) (h)"#,
        "i / ignoring (kind) group_right j > 0.5 # a comment",
        "topk(3, sum without (a) (rate(k[5m]))) - quantile(0.9, k) ^ -2",
        "time() - max(l_timestamp offset -1h) > 3600",
        "max_over_time(m[1h:5m]) + quantile_over_time(0.5, m[1d:]) + increase(m[1h30m] offset 1w)",
        r#"count_values("v", n) + label_replace(n, "a", "$1", "b", "(.*)") + label_join(n, "a", ",", "b")"#,
        "round(o, 5) + clamp(o, 0, 1) + day_of_week() + scalar(o) % 2 >= 1",
    ];
    let replacements = [
        '(', ')', '"', '[', ']', ' ', '0', '1', 'x', ',', '-', ':', 'm', '{', '}', '=',
    ];
    let mut texts = std::collections::BTreeSet::new();
    for base in bases {
        assert!(promsite::check::fuzz::promql_fast_takes(base), "{base}");
        for (at, c) in base.char_indices() {
            let (before, after) = (&base[..at], &base[at + c.len_utf8()..]);
            let edits = [String::new(), format!("{c}{c}")]
                .into_iter()
                .chain(replacements.iter().map(char::to_string));
            texts.extend(
                edits
                    .map(|edit| format!("{before}{edit}{after}"))
                    .filter(|text| promsite::check::fuzz::promql_fast_takes(text)),
            );
        }
    }
    let texts: Vec<String> = texts.into_iter().collect();
    assert!(texts.len() >= 1000, "only {} mutations taken", texts.len());
    let rules = records(&texts);
    let (accepted, report, refused) = promtool_rule_refusals(&promtool, "fast.yaml", &rules, "r");
    let refused: Vec<_> = refused.into_iter().map(|n| &texts[n]).collect();
    assert!(
        accepted && refused.is_empty(),
        "promtool refuses what the fast acceptor takes: {refused:#?}\n{report}"
    );
}

/// Differential check against amtool: every Alertmanager matcher of the fuzz corpus that promsite
/// accepts, rendered into `alertmanager.yml` as promsite renders it, passes `amtool check-config`.
/// This found the control characters that promsite now refuses in matcher values. Inputs past 128
/// bytes are left out: judging all of them in a debug build takes long.
#[test]
fn amtool_accepts_every_corpus_matcher_that_promsite_accepts() {
    let Some(amtool) = common::tool("amtool") else { return };
    let short = |text: &str| text.len() <= 128 && promsite::check::fuzz::matcher(text);
    let matchers = accepted_corpus_inputs(1, short);
    assert!(matchers.len() >= 70, "only {} corpus matchers checked", matchers.len());
    for chunk in matchers.chunks(64) {
        // One route per matcher, each as promsite renders it.
        let routes: Vec<String> = chunk
            .iter()
            .map(|text| {
                format!(
                    "[[route.routes]]\nmatchers = [{}]\nreceiver = \"ocr-team\"\n",
                    toml::Value::String(text.clone())
                )
            })
            .collect();
        let compiled = example_with(ROUTE, &format!("{ROUTE}\n{}", routes.join("\n")))
            .unwrap_or_else(|e| panic!("the example site with the corpus matchers does not compile: {e:?}"));
        let (accepted, report) = judge(
            &amtool,
            &["check-config"],
            "alertmanager.yml",
            &compiled.tree["alertmanager.yml"],
        );
        assert!(
            accepted,
            "amtool refuses a matcher promsite accepts, among {chunk:#?}:\n{report}"
        );
    }
}

/// Each expression as a recording rule of one file for `promtool check rules`: asserts that
/// promsite's verdict on each is promtool's, and returns how many promtool accepts, with its report.
fn judged_alike_by_promtool(promtool: &std::path::Path, file: &str, expressions: &[&str]) -> (usize, String) {
    let rules = records(expressions);
    let (_, report, refused) = promtool_rule_refusals(promtool, file, &rules, "r");
    let mut accepted = 0;
    for (n, expr) in expressions.iter().enumerate() {
        let prometheus_accepts = !refused.contains(&n);
        accepted += usize::from(prometheus_accepts);
        assert_eq!(
            promsite::check::fuzz::promql(expr),
            prometheus_accepts,
            "{expr}: promsite against promtool\n{report}"
        );
    }
    (accepted, report)
}

/// One recording rule per expression, the n-th named `r<n>`.
fn records(expressions: &[impl AsRef<str>]) -> Vec<serde_json::Value> {
    expressions
        .iter()
        .enumerate()
        .map(|(n, expr)| serde_json::json!({ "record": format!("r{n}"), "expr": expr.as_ref() }))
        .collect()
}

/// Runs `promtool check rules` on one group of `rules`, the n-th named `<prefix><n>`: whether it
/// accepted the file, what it said, and which rules (by place) its report names.
fn promtool_rule_refusals(
    promtool: &std::path::Path,
    file: &str,
    rules: &[serde_json::Value],
    prefix: &str,
) -> (bool, String, Vec<usize>) {
    let (accepted, report) = judge(promtool, &["check", "rules"], file, &corpus_rule_file(rules));
    let refused = (0..rules.len())
        .filter(|n| report.contains(&format!("\"{prefix}{n}\":")))
        .collect();
    (accepted, report, refused)
}

/// Runs `tool` with `args` on `text` written to a file `name` of its own; whether the tool accepts
/// it, and what it said.
fn judge(tool: &std::path::Path, args: &[&str], name: &str, text: &str) -> (bool, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join(name);
    std::fs::write(&file, text).expect("write");
    let output = Command::new(tool)
        .args(args)
        .arg(&file)
        .output()
        .expect("the tool runs");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr),
    )
}

/// One rule group named `corpus` of `rules`, in promsite's YAML writer (JSON would carry control
/// characters raw), for `promtool check rules`.
fn corpus_rule_file(rules: &[serde_json::Value]) -> String {
    serde_saphyr::to_string(&serde_json::json!({ "groups": [{ "name": "corpus", "rules": rules }] })).expect("YAML")
}

/// The example site with TOML `tables` added before its rule groups, compiled.
fn example_with_tables(tables: &str) -> Result<promsite::pipeline::Compiled, promsite::diag::Diagnostics> {
    example_with("[[rule_groups]]", &format!("{tables}\n[[rule_groups]]"))
}

/// The errors besides the secret scan's: it refuses URLs with credentials or tokens in them,
/// which the URL checker alone accepts.
fn errors_besides_secrets(diagnostics: promsite::diag::Diagnostics) -> Vec<promsite::diag::Diagnostic> {
    diagnostics
        .into_iter()
        .filter(|d| d.severity == promsite::diag::Severity::Error && d.code != promsite::diag::Code::SecretPlaintext)
        .collect()
}

/// Runs `amtool check-config` on an Alertmanager configuration with one webhook receiver per
/// entry of `webhooks`, 64 to a run so that a refusal names the inputs near it.
fn amtool_refusals(amtool: &std::path::Path, webhooks: &[(String, serde_json::Value)]) -> Vec<String> {
    let mut refusals = Vec::new();
    for chunk in webhooks.chunks(64) {
        let receivers: Vec<_> = chunk
            .iter()
            .enumerate()
            .map(|(n, (_, webhook))| serde_json::json!({ "name": format!("R{n}"), "webhook_configs": [webhook] }))
            .collect();
        let document = serde_json::json!({ "route": { "receiver": "R0" }, "receivers": receivers });
        let (accepted, report) = judge(
            amtool,
            &["check-config"],
            "alertmanager.yml",
            &serde_saphyr::to_string(&document).expect("YAML"),
        );
        if !accepted {
            let inputs: Vec<&String> = chunk.iter().map(|(text, _)| text).collect();
            refusals.push(format!("{report}among {inputs:?}"));
        }
    }
    refusals
}

/// Differential check of URLs: every URL of the fuzz corpus that promsite accepts passes `amtool
/// check-config` as a webhook, as promsite renders it into `alertmanager.yml`, and the Prometheus
/// CRD's schema as a remote-write endpoint. This found the URLs that the WHATWG parser repairs and
/// Go refuses (`check/go_url.rs`).
#[test]
fn amtool_and_the_crd_accept_every_corpus_url_that_promsite_accepts() {
    let Some(amtool) = common::tool("amtool") else { return };
    if !crd_schemas_present() {
        return;
    }
    let mut webhooks = Vec::new();
    for text in accepted_corpus_inputs(5, promsite::check::fuzz::url) {
        let url = toml::Value::String(text.clone());
        let tables = format!(
            "[[prometheus.remote_write]]\nname = \"corpus\"\nurl = {url}\n\n[[receivers]]\nname = \"corpus\"\nwebhook = [{{ url = {url} }}]\n"
        );
        let compiled = match example_with_tables(&tables) {
            Ok(compiled) => compiled,
            Err(diagnostics) => {
                let errors = errors_besides_secrets(diagnostics);
                assert!(
                    errors.is_empty(),
                    "promsite accepts {text:?} but not in a site: {errors:#?}"
                );
                continue;
            }
        };
        let prometheus = common::yaml(&compiled.tree["monitoring/prometheus-k8s.yaml"]);
        let errors = crd_violations("prometheus-v1", &prometheus);
        assert!(
            errors.is_empty(),
            "{text:?} as a remote-write URL violates the Prometheus CRD schema: {errors:#?}"
        );
        let config = common::yaml(&compiled.tree["alertmanager.yml"]);
        let receiver = config["receivers"]
            .as_array()
            .expect("receivers")
            .iter()
            .find(|r| r["name"] == "corpus")
            .expect("the corpus receiver");
        webhooks.push((text, receiver["webhook_configs"][0].clone()));
    }
    assert!(webhooks.len() >= 40, "only {} corpus URLs checked", webhooks.len());
    let refusals = amtool_refusals(&amtool, &webhooks);
    assert!(
        refusals.is_empty(),
        "amtool refuses URLs promsite accepts:\n{}",
        refusals.join("\n")
    );
}

/// Differential check of durations and quantities: each of the fuzz corpus that promsite accepts,
/// written into the site fields that take one, compiles to output the tools accept. A duration is
/// a rule's `for` (promtool), the root route's `group_wait` (amtool), and Prometheus' retention and
/// scrape interval (the CRD schema); a positive quantity is Prometheus' storage size and resources
/// (the CRD schema).
#[test]
fn the_tools_accept_every_corpus_duration_and_quantity_that_promsite_accepts() {
    let (Some(promtool), Some(amtool)) = (common::tool("promtool"), common::tool("amtool")) else {
        return;
    };
    if !crd_schemas_present() {
        return;
    }
    let compiled_with = |text: &str, replacements: &[(&str, &str)]| {
        let compiled = example_replacing(replacements)
            .unwrap_or_else(|e| panic!("promsite accepts {text:?} but not in a site: {e:#?}"));
        let prometheus = common::yaml(&compiled.tree["monitoring/prometheus-k8s.yaml"]);
        let errors = crd_violations("prometheus-v1", &prometheus);
        assert!(
            errors.is_empty(),
            "{text:?} violates the Prometheus CRD schema: {errors:#?}"
        );
        compiled
    };
    let durations = accepted_corpus_inputs(3, promsite::check::fuzz::duration);
    let (mut rules, mut routes) = (Vec::new(), Vec::new());
    for text in &durations {
        let value = toml::Value::String(text.clone());
        let [for_, group_wait, retention, scrape_interval] =
            ["for", "group_wait", "retention", "scrape_interval"].map(|key| format!("{key} = {value}"));
        let compiled = compiled_with(
            text,
            &[
                ("for = \"3s\"", &for_),
                ("group_wait = \"60s\"", &group_wait),
                ("retention = \"30d\"", &retention),
                ("scrape_interval = \"30s\"", &scrape_interval),
            ],
        );
        let mut rule = common::yaml(&compiled.tree["monitoring/prometheusrule-ocr-pod-restart.yaml"])["spec"]["groups"]
            [0]["rules"][0]
            .take();
        rule["alert"] = format!("R{}", rules.len()).into();
        rules.push(rule);
        let route = common::yaml(&compiled.tree["alertmanager.yml"])["route"].take();
        routes.push(serde_json::json!({ "receiver": "r", "matchers": [format!("n=\"{}\"", routes.len())], "group_wait": route["group_wait"] }));
    }
    assert!(rules.len() >= 50, "only {} corpus durations checked", rules.len());
    let (accepted, report) = judge(
        &promtool,
        &["check", "rules"],
        "durations.rules.yaml",
        &corpus_rule_file(&rules),
    );
    assert!(
        accepted,
        "promtool refuses a duration promsite accepts, among {durations:?}:\n{report}"
    );
    let config = serde_saphyr::to_string(
        &serde_json::json!({ "route": { "receiver": "r", "routes": routes }, "receivers": [{ "name": "r" }] }),
    )
    .expect("YAML");
    let (accepted, report) = judge(&amtool, &["check-config"], "alertmanager.yml", &config);
    assert!(
        accepted,
        "amtool refuses a duration promsite accepts, among {durations:?}:\n{report}"
    );

    // A volume of no size, and negative requests, are refused beyond the grammar (Kubernetes refuses
    // both); the CRD schema, which checks only the grammar, sees every other.
    let quantities = accepted_corpus_inputs(4, promsite::check::fuzz::positive_quantity);
    for text in &quantities {
        let value = toml::Value::String(text.clone());
        compiled_with(
            text,
            &[
                ("size = \"10Gi\"", &format!("size = {value}")),
                (
                    "resources = { cpu = \"2\", memory = \"8Gi\" }",
                    &format!("resources = {{ cpu = {value}, memory = {value} }}"),
                ),
            ],
        );
    }
    assert!(
        quantities.len() >= 50,
        "only {} corpus quantities checked",
        quantities.len()
    );
}

/// Whether promsite accepts `text` without errors (warnings aside).
fn promsite_accepts(text: &str) -> bool {
    promsite::pipeline::compile(&promsite::diag::SiteSource::new("case.toml", text)).is_ok()
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
        let ours = promsite_accepts(&common::site_with(&body));
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
        let ours = promsite_accepts(&common::site_with(&format!(
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
        let ours = promsite_accepts(&common::site_with(&format!(
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
/// authentication on monitors, OAuth 2.0 on ScrapeConfigs, skipped verification), renders into
/// objects the operator's CRD schemas accept.
#[test]
fn every_option_on_every_kind_of_scrape_matches_the_crd_schemas() {
    if !crd_schemas_present() {
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
    let oauth2 = r#"oauth2 = { client_id = { secret = "o", key = "id" }, client_secret = { secret = "o", key = "secret" }, token_url = "https://sso.example.com/token", scopes = ["metrics"], endpoint_params = { audience = "exporters" } }"#;
    let text = common::site_with(&format!(
        "[prometheus]\nscrape_limits = {{ sample_limit = 1000, target_limit = 10, label_limit = 30, label_name_length_limit = 100, label_value_length_limit = 200, body_size_limit = \"1MB\" }}\n\n\
         [[scrape]]\nname = \"services\"\nnamespaces = [\"a\", \"b\"]\nselector = {{ app = \"x\" }}\nport = \"metrics\"\n{options}\n\
         [[pod_monitor]]\nname = \"pods\"\nselector = {{ app = \"x\" }}\nport = \"metrics\"\n{options}\n\
         [[static_scrape]]\nname = \"hosts\"\ntargets = [\"h:9100\"]\n{}\n{oauth2}\n",
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
        let kind = crd_schema_name(&object);
        let errors = crd_violations(&kind, &object);
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

/// Every blackbox_exporter configuration promsite renders, from the sites and from a site that
/// sets every module setting promsite reads, passes the real exporter's `--config.check` (which
/// refuses unknown fields and wrong types); and the check can fail.
#[test]
fn blackbox_exporter_accepts_every_module_configuration() {
    let Some(exporter) = common::tool("prometheus-blackbox-exporter") else {
        return;
    };
    let check = |site: &str, yaml: &str| {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("blackbox.yml");
        std::fs::write(&path, yaml).expect("writable");
        let output = Command::new(&exporter)
            .arg("--config.check")
            .arg(format!("--config.file={}", path.display()))
            .output()
            .expect("blackbox_exporter runs");
        (
            output.status.success(),
            format!("{site}:\n{yaml}\n{}", String::from_utf8_lossy(&output.stderr)),
        )
    };
    let config = |compiled: &promsite::pipeline::Compiled| -> Option<String> {
        compiled
            .tree
            .iter()
            .find(|(path, _)| path.ends_with("/configmap-blackbox-exporter-config.yaml"))
            .map(|(_, text)| {
                common::yaml(text)["data"]["blackbox.yml"]
                    .as_str()
                    .expect("the config")
                    .to_owned()
            })
    };
    let mut checked = 0;
    for site in common::valid_sites() {
        if let Some(yaml) = config(&common::compile(&site)) {
            let (ok, report) = check(&site, &yaml);
            assert!(ok, "blackbox_exporter refused {report}");
            checked += 1;
        }
    }
    assert!(checked >= 1, "no site deploys blackbox_exporter");
    let every_setting = r#"
[site]
name = "blackbox-all"

[route]
receiver = "ops"

[[receivers]]
name = "ops"

[[probe]]
name = "mx"
module = "dns"
targets = ["10.96.0.10:53"]

[[blackbox_exporter.modules]]
name = "web"
prober = "http"
timeout = "10s"
http = { valid_status_codes = [200, 301], method = "POST", headers = { "X-Probe" = "1" }, body = "{}", follow_redirects = false, fail_if_ssl = false, fail_if_not_ssl = true, fail_if_body_matches_regexp = ["(?i)error"], fail_if_body_not_matches_regexp = ["ok"], preferred_ip_protocol = "ip4", insecure_skip_verify = true }

[[blackbox_exporter.modules]]
name = "tls"
prober = "tcp"
tcp = { tls = true, preferred_ip_protocol = "ip6", insecure_skip_verify = false }

[[blackbox_exporter.modules]]
name = "ping"
prober = "icmp"
icmp = { preferred_ip_protocol = "ip4", payload_size = 56 }

[[blackbox_exporter.modules]]
name = "dns"
prober = "dns"
dns = { query_name = "example.com", query_type = "MX", transport_protocol = "tcp", preferred_ip_protocol = "ip4", valid_rcodes = ["NOERROR", "NXDOMAIN"] }
"#;
    // The probe names no prober, which switches the exporter on and points the Probe at it.
    let compiled = common::compile_text("blackbox-all.toml", every_setting);
    let probe = compiled
        .tree
        .iter()
        .find(|(path, _)| path.ends_with("/probe-mx.yaml"))
        .map(|(_, text)| common::yaml(text))
        .expect("the Probe is rendered");
    assert_eq!(probe["spec"]["prober"]["url"], "blackbox-exporter.monitoring.svc:9115");
    let yaml = config(&compiled).expect("blackbox_exporter is on");
    for setting in [
        "fail_if_body_not_matches_regexp",
        "insecure_skip_verify",
        "payload_size",
        "valid_rcodes",
    ] {
        assert!(yaml.contains(setting), "{setting} is not rendered:\n{yaml}");
    }
    let (ok, report) = check("every setting", &yaml);
    assert!(ok, "blackbox_exporter refused {report}");
    let (ok, report) = check("a wrong field", &yaml.replace("payload_size", "payload_bytes"));
    assert!(!ok, "blackbox_exporter accepted {report}");
}
