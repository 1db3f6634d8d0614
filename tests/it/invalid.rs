//! Bad input: every `tests/invalid/<case>.toml` names the diagnostic it must produce on its first
//! line (`# expect: <code> at line <n>`). Each case must yield exactly that code at that line, and
//! its full report (code, span, label, help) is pinned by a snapshot. Every code has a case.

use crate::common;

use std::collections::BTreeSet;

use promsite::diag::{self, Code, Diagnostics, Severity, SiteSource};
use promsite::pipeline;

struct Case {
    name: String,
    source: SiteSource,
    code: String,
    line: usize,
}

fn cases() -> Vec<Case> {
    common::tomls("tests/invalid")
        .into_iter()
        .map(|path| {
            let source = common::source(&path);
            let header = source.text.lines().next().unwrap_or_default().to_owned();
            let expectation = header
                .strip_prefix("# expect: ")
                .unwrap_or_else(|| panic!("{path}: first line must be `# expect: <code> at line <n>`"));
            let (code, line) = expectation
                .split_once(" at line ")
                .unwrap_or_else(|| panic!("{path}: malformed expectation {expectation:?}"));
            let name = path
                .trim_start_matches("tests/invalid/")
                .trim_end_matches(".toml")
                .to_owned();
            Case {
                name,
                code: code.to_owned(),
                line: line.parse().unwrap_or_else(|_| panic!("{path}: bad line number")),
                source,
            }
        })
        .collect()
}

fn diagnostics(source: &SiteSource) -> (Diagnostics, bool) {
    match pipeline::compile(source) {
        Ok(compiled) => (compiled.warnings, true),
        Err(diagnostics) => (diagnostics, false),
    }
}

#[test]
fn each_bad_site_reports_its_code_at_its_line() {
    let cases = cases();
    assert!(cases.len() >= 30, "too few invalid cases: {}", cases.len());
    for case in cases {
        let (found, compiled) = diagnostics(&case.source);
        let warning_only = Code::ALL.iter().any(|c| c.id() == case.code && c.is_warning());
        assert_eq!(
            compiled, warning_only,
            "{}: compiled={compiled}, but expected {}",
            case.name, case.code
        );
        let sorted = found.clone().sorted();
        // A diagnostic inside a rule file the case includes counts by its line in that file.
        let hits: Vec<_> = sorted
            .iter()
            .filter(|d| d.code.id() == case.code && case.source.locate(d).1 == case.line)
            .collect();
        assert!(
            !hits.is_empty(),
            "{}: expected {} at line {}, got {:?}",
            case.name,
            case.code,
            case.line,
            sorted
                .iter()
                .map(|d| (d.code.id(), case.source.locate(d)))
                .collect::<Vec<_>>()
        );
        assert!(
            hits.iter().all(|d| d.help.is_some()),
            "{}: diagnostics must carry help",
            case.name
        );
        if !warning_only {
            assert!(hits.iter().any(|d| d.severity == Severity::Error));
        }
        let report = diag::render(&case.source, found, false, 80);
        insta::with_settings!({ snapshot_path => "../invalid/snapshots", prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!(case.name.clone(), report);
        });
    }
}

#[test]
fn every_code_has_an_invalid_case() {
    let mut covered: BTreeSet<String> = cases().into_iter().map(|c| c.code).collect();
    // Covered by `oversized_sites_are_refused_before_parsing` (a 16 MiB fixture has no place in Git).
    covered.insert("site::too-large".to_owned());
    // Needs a previous output: covered by `cli::a_changed_volume_size_warns_against_the_previous_output`.
    covered.insert("storage::size-changed".to_owned());
    covered.extend(INLINE_CASES.iter().map(|(_, code, _)| (*code).to_owned()));
    let missing: Vec<&str> = Code::ALL
        .iter()
        .map(|c| c.id())
        .filter(|id| !covered.contains(*id))
        .collect();
    assert!(
        missing.is_empty(),
        "codes without a case in tests/invalid/: {missing:?}"
    );
}

#[test]
fn every_code_has_a_row_in_the_diagnostics_table() {
    let table =
        std::fs::read_to_string(common::root().join("docs/diagnostics.md")).expect("docs/diagnostics.md exists");
    let missing: Vec<&str> = Code::ALL
        .iter()
        .map(|c| c.id())
        .filter(|id| !table.contains(&format!("\n| `{id}` |")))
        .collect();
    assert!(
        missing.is_empty(),
        "codes missing from the table in docs/diagnostics.md: {missing:?}"
    );
}

/// All problems of a file are reported in one run, not just the first.
#[test]
fn all_problems_of_a_file_are_reported_together() {
    let text = r#"[site]
name = "Bad_Name"

[prometheus]
retention = "30 days"
scrape_interval = "soon"

[route]
receiver = "nobody"

[[receivers]]
name = "team"
email = [{ to = "not-an-address" }]
"#;
    let (found, compiled) = diagnostics(&SiteSource::new("many.toml", text));
    assert!(!compiled);
    let codes: Vec<&str> = found.sorted().iter().map(|d| d.code.id()).collect();
    assert_eq!(
        codes,
        [
            "name::invalid",
            "value::duration",
            "value::duration",
            "ref::unknown-receiver",
            "alert::unused-receiver",
            "alert::receiver",
            "value::email"
        ]
    );
}

#[test]
fn oversized_sites_are_refused_before_parsing() {
    let mut text = String::from("[site]\nname = \"huge\"\n");
    while text.len() <= promsite::site::MAX_SITE_BYTES {
        text.push_str("# padding padding padding padding padding padding padding padding padding\n");
    }
    let (found, compiled) = diagnostics(&SiteSource::new("huge.toml", text));
    assert!(!compiled);
    let codes: Vec<&str> = found.sorted().iter().map(|d| d.code.id()).collect();
    assert_eq!(codes, ["site::too-large"]);
}

/// Codes whose bad example cannot be a snippet, and why.
const SNIPPET_EXEMPT: &[(Code, &str)] = &[
    (
        Code::CrdVendored,
        "it takes CRD files; `tests/invalid/crd-vendored.toml` covers it",
    ),
    (
        Code::CrdMissingKind,
        "it takes CRD files; `tests/invalid/crd-missing-kind.toml` covers it",
    ),
    (
        Code::CrdSchema,
        "it takes CRD files; `tests/invalid/crd-schema.toml` covers it",
    ),
    (
        Code::SiteTooLarge,
        "it takes a file over 16 MiB; `oversized_sites_are_refused_before_parsing` covers it",
    ),
    (
        Code::RuleFile,
        "it takes a second file; `tests/invalid/not-a-rule-file.toml` covers it",
    ),
    (
        Code::RuleIgnoredDocument,
        "it takes a second file; `tests/invalid/rule-file-two-documents.toml` covers it",
    ),
    (
        Code::StorageSizeChanged,
        "it compares with a previous output; `cli::a_changed_volume_size_warns_against_the_previous_output` covers it",
    ),
    (
        Code::GrafanaDashboard,
        "it takes a dashboard file; `tests/invalid/bad-dashboard.toml` covers it",
    ),
];

/// The minimal valid site that every `promsite explain` example is read into.
const EXAMPLE_BASE: &str = r#"[site]
name = "example"

[route]
receiver = "team"

[[receivers]]
name = "team"
email = [{ to = "team@example.com" }]

[alertmanager.smtp]
smarthost = "smtp.example.com:25"
from = "alertmanager@example.com"
"#;

/// Reads an explanation's example as `Example` documents it: merged into the minimal site, or on
/// its own when it is not valid TOML.
fn example_site(part: &str) -> String {
    fn merge(base: &mut toml::Table, part: toml::Table) {
        for (key, value) in part {
            match (base.get_mut(&key), value) {
                (Some(toml::Value::Table(inner)), toml::Value::Table(value)) => merge(inner, value),
                (_, value) => {
                    base.insert(key, value);
                }
            }
        }
    }
    let Ok(part) = toml::from_str::<toml::Table>(part) else {
        return part.to_owned();
    };
    let mut site: toml::Table = toml::from_str(EXAMPLE_BASE).expect("the base site is TOML");
    merge(&mut site, part);
    toml::to_string(&site).expect("TOML serializes")
}

#[test]
fn every_explanation_example_reports_its_code_and_its_fix_is_clean() {
    for &code in Code::ALL {
        let explanation = code.explanation();
        for text in [explanation.what, explanation.why, explanation.fix] {
            assert!(
                text.len() > 20 && text.ends_with('.'),
                "{}: explanation text too thin: {text:?}",
                code.id()
            );
        }
        if !SNIPPET_EXEMPT.iter().any(|(exempt, _)| *exempt == code) {
            let (bad, _) = diagnostics(&SiteSource::new("bad.toml", example_site(explanation.example.bad)));
            let found: Vec<&str> = bad.clone().sorted().iter().map(|d| d.code.id()).collect();
            assert!(
                found.contains(&code.id()),
                "{}: the bad example reports {found:?}",
                code.id()
            );
            assert!(
                bad.into_iter()
                    .filter(|d| d.code == code)
                    .all(|d| d.severity == code.severity()),
                "{}: severity differs from the registry",
                code.id()
            );
        }
        let fixed = example_site(explanation.example.fixed);
        let (clean, compiled) = diagnostics(&SiteSource::new("fixed.toml", fixed.as_str()));
        assert!(
            compiled && clean.is_empty(),
            "{}: the fixed example is not clean: {:?}\n{fixed}",
            code.id(),
            clean.sorted()
        );
    }
}

/// The codes promsite reports for a site, each with its line; empty when it compiles cleanly.
fn scrape_findings(text: &str) -> Vec<(String, usize)> {
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
/// costs two tracked files, and the repository keeps under 2,000); each names its code and the
/// line of the site it must be reported at.
#[test]
fn each_bad_scrape_option_reports_its_code_at_its_line() {
    let cases = bad_relabelings().into_iter().chain(bad_scrape_options());
    for (what, body, code, line) in cases {
        let text = common::site_with(&body);
        let found = scrape_findings(&text);
        assert!(
            found.iter().any(|(c, l)| c == code && *l == line),
            "{what}: expected {code} at line {line}, got {found:?}\n{text}"
        );
    }
}

/// A bad case: what is wrong, the site section, the code and line it must be reported at.
type BadCase = (&'static str, String, &'static str, usize);

/// Relabeling steps Prometheus refuses.
fn bad_relabelings() -> Vec<BadCase> {
    let scrape = "[[scrape]]\nname = \"mysql\"\nselector = { app = \"mysql-exporter\" }\nport = \"metrics\"\n";
    let pods = "[[pod_monitor]]\nname = \"jobs\"\nselector = { app = \"batch\" }\nport = \"metrics\"\n";
    vec![
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
            format!(
                "{scrape}metric_relabelings = [{{ source_labels = [\"__name__\"], regex = \"go_(.*\", action = \"drop\" }}]"
            ),
            "value::regex",
            8,
        ),
    ]
}

/// Other scrape options Prometheus or the operator refuse, or that promsite warns about.
fn bad_scrape_options() -> Vec<BadCase> {
    let scrape = "[[scrape]]\nname = \"mysql\"\nselector = { app = \"mysql-exporter\" }\nport = \"metrics\"\n";
    let pods = "[[pod_monitor]]\nname = \"jobs\"\nselector = { app = \"batch\" }\nport = \"metrics\"\n";
    vec![
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
            "value::duration",
            11,
        ),
        (
            "a static scrape timeout over its interval",
            "[[static_scrape]]\nname = \"s\"\ntargets = [\"h:9100\"]\ninterval = \"10s\"\ntimeout = \"11s\"".to_owned(),
            "value::duration",
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
            "a ServiceMonitor timeout over its interval",
            format!("{scrape}interval = \"15s\"\ntimeout = \"20s\""),
            "value::duration",
            9,
        ),
        (
            "a size without the B",
            format!("{scrape}limits = {{ sample_limit = 10000, body_size_limit = \"10M\" }}"),
            "schema::invalid-value",
            8,
        ),
        (
            "a Prometheus-wide size in lower case",
            "[prometheus]\nscrape_limits = { body_size_limit = \"64mb\" }".to_owned(),
            "schema::invalid-value",
            5,
        ),
        (
            "an insecure PodMonitor",
            format!("{pods}tls_config = {{ insecure_skip_verify = true }}"),
            "http::insecure-skip-verify",
            8,
        ),
    ]
}

/// Bad sites for `storage`, `resources`, `priority_class`, `retention_size` and node `capacity`,
/// kept inline rather than as `tests/invalid/` files (the repository's file budget): each part,
/// read after `[site]` and before a route and receiver, must report its code at its line, and one
/// snapshot pins every report. The first cases are the registry's cases for these codes.
const INLINE_CASES: &[(&str, &str, usize)] = &[
    // `retention_size` in Kubernetes units, which Prometheus does not read.
    ("[prometheus]\nretention_size = \"80Gi\"\n", "value::byte-size", 5),
    // A retention size larger than the volume it must fit in.
    (
        "[prometheus]\nretention_size = \"120GB\"\n\n[prometheus.storage]\nstorage_class = \"ceph-rbd\"\nsize = \"100Gi\"\n",
        "storage::retention-size",
        5,
    ),
    // A retention size that leaves compaction no room on the volume (a warning).
    (
        "[prometheus]\nretention_size = \"95GB\"\n\n[prometheus.storage]\nstorage_class = \"ceph-rbd\"\nsize = \"100Gi\"\n",
        "storage::retention-headroom",
        5,
    ),
    // Storage with both a local path and a StorageClass.
    (
        "[[nodes]]\nname = \"node-1\"\naddress = \"10.0.0.1\"\n\n[alertmanager]\nnodes = [\"node-1\"]\n\n[alertmanager.storage]\npath = \"/data/alertmanager\"\nstorage_class = \"ceph-rbd\"\nsize = \"1Gi\"\n",
        "storage::form",
        13,
    ),
    // A memory request above its limit.
    (
        "[grafana.resources]\nrequests = { memory = \"1Gi\" }\nlimits = { memory = \"512Mi\" }\n",
        "resources::invalid",
        6,
    ),
    // A node too small for what promsite pins to it.
    (
        "[[nodes]]\nname = \"node-1\"\naddress = \"10.0.0.1\"\ncapacity = { cpu = \"4\", memory = \"2Gi\" }\n\n[[nodes]]\nname = \"node-2\"\naddress = \"10.0.0.2\"\n\n[prometheus]\nreplicas = 2\nnodes = [\"node-1\", \"node-2\"]\n",
        "placement::capacity",
        7,
    ),
    // Storage without a source.
    ("[alertmanager.storage]\nsize = \"1Gi\"\n", "storage::form", 4),
    // The `cpu` shorthand and `requests.cpu` both given.
    (
        "[kube_state_metrics.resources]\ncpu = \"100m\"\nrequests = { cpu = \"200m\" }\n",
        "resources::invalid",
        6,
    ),
    // A negative request, for the Thanos sidecar.
    (
        "[prometheus.thanos]\nresources = { requests = { cpu = \"-100m\" } }\n",
        "resources::invalid",
        5,
    ),
    // `retention_size` for a Prometheus that does not read it yet.
    (
        "[prometheus]\nversion = \"v2.6.0\"\nretention_size = \"50GB\"\n",
        "prometheus::version",
        6,
    ),
    // A StorageClass name Kubernetes refuses.
    (
        "[prometheus.storage]\nstorage_class = \"Ceph_RBD\"\nsize = \"100Gi\"\n",
        "name::invalid",
        5,
    ),
    // Local Alertmanager storage without nodes to hold it.
    (
        "[alertmanager.storage]\npath = \"/data/alertmanager\"\nsize = \"1Gi\"\n",
        "placement::storage",
        4,
    ),
    // A relative local path.
    (
        "[[nodes]]\nname = \"n\"\naddress = \"10.0.0.1\"\n\n[alertmanager]\nnodes = [\"n\"]\nstorage = { path = \"data\", size = \"1Gi\" }\n",
        "value::path",
        10,
    ),
    // A volume of size zero.
    (
        "[prometheus.storage]\nstorage_class = \"ceph-rbd\"\nsize = \"0\"\n",
        "value::quantity",
        6,
    ),
    // A config-reloader memory limit in GB, not a Kubernetes quantity.
    (
        "[operator]\nconfig_reloader_resources = { limits = { memory = \"64MB\" } }\n",
        "value::quantity",
        5,
    ),
    // Sidecar resources for an operator promsite does not deploy.
    (
        "[operator]\nenabled = false\nconfig_reloader_resources = { requests = { cpu = \"20m\" } }\n",
        "schema::invalid-value",
        6,
    ),
    // A node capacity that is not a quantity.
    (
        "[[nodes]]\nname = \"n\"\naddress = \"10.0.0.1\"\ncapacity = { cpu = \"four\" }\n",
        "value::quantity",
        7,
    ),
    // A PriorityClass in the `system-` namespace Kubernetes reserves.
    (
        "[node_exporter]\npriority_class = \"system-critical\"\n",
        "name::invalid",
        5,
    ),
    // A PriorityClass name Kubernetes refuses.
    (
        "[grafana]\npriority_class = \"Critical Monitoring\"\n",
        "name::invalid",
        5,
    ),
];

const INLINE_RECEIVER: &str = "\n[route]\nreceiver = \"team\"\n\n[[receivers]]\nname = \"team\"\nwebhook = [{ url = \"http://hooks.example.com/alert\" }]\n";

#[test]
fn inline_bad_sites_report_their_code_at_their_line() {
    let mut reports = String::new();
    for (part, code, line) in INLINE_CASES {
        let text = format!("[site]\nname = \"broken\"\n\n{part}{INLINE_RECEIVER}");
        let source = SiteSource::new("case.toml", text.as_str());
        let (found, compiled) = diagnostics(&source);
        let warning_only = Code::ALL.iter().any(|c| c.id() == *code && c.is_warning());
        assert_eq!(compiled, warning_only, "{code}: compiled={compiled}\n{text}");
        let sorted = found.clone().sorted();
        let hits: Vec<_> = sorted
            .iter()
            .filter(|d| d.code.id() == *code && source.locate(d).1 == *line)
            .collect();
        assert!(
            !hits.is_empty() && hits.iter().all(|d| d.help.is_some()),
            "expected {code} at line {line} with help, got {:?}\n{text}",
            sorted
                .iter()
                .map(|d| (d.code.id(), source.locate(d).1))
                .collect::<Vec<_>>()
        );
        reports.push_str(&format!(
            "=== {code} at line {line}\n{}\n",
            diag::render(&source, found, false, 80)
        ));
    }
    insta::with_settings!({ snapshot_path => "../invalid/snapshots", prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::assert_snapshot!("inline-cases", reports);
    });
}
