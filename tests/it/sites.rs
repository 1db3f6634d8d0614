//! Repository-level guarantees: the example sites compile, their committed output is fresh, the
//! committed schema is what the code generates, and compiling is deterministic.

#![allow(clippy::print_stderr, clippy::case_sensitive_file_extension_comparisons)]

use crate::common;

use promsite::{check, diff};

#[test]
fn committed_output_of_every_example_site_is_fresh() {
    let sites = common::tomls("sites");
    assert!(
        sites.iter().any(|s| s == "sites/example.toml"),
        "sites/example.toml is missing"
    );
    for site in sites {
        let compiled = common::compile(&site);
        let dir = common::root().join("out").join(&compiled.name);
        let on_disk = diff::read_dir(&dir, &compiled.tree).expect("out/ is readable");
        let diffs = diff::diff(&on_disk, &compiled.tree);
        assert!(
            diffs.is_empty(),
            "out/{} is stale; run `cargo run -- compile {site}`:\n{}",
            compiled.name,
            diffs.iter().map(diff::FileDiff::unified).collect::<String>()
        );
    }
}

#[test]
fn the_example_is_the_unchanged_seed_site() {
    let seed = common::root().join("../shared/sites/seed.toml");
    match std::fs::read_to_string(&seed) {
        Ok(seed) => assert_eq!(
            common::source("sites/example.toml").text.as_ref(),
            seed,
            "sites/example.toml must stay a copy of the seed site"
        ),
        Err(e) => eprintln!("SKIPPED: {} not readable ({e})", seed.display()),
    }
}

#[test]
fn committed_schema_is_generated_from_the_types() {
    let committed = std::fs::read_to_string(common::root().join("schema/site.schema.json"))
        .expect("schema/site.schema.json exists");
    let generated = format!(
        "{}\n",
        serde_json::to_string_pretty(&check::site_schema()).expect("schema serializes")
    );
    assert!(
        committed == generated,
        "schema/site.schema.json is stale; run `cargo run -- schema > schema/site.schema.json`"
    );
}

#[test]
fn every_site_validates_against_the_committed_schema() {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(common::root().join("schema/site.schema.json")).expect("schema exists"),
    )
    .expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    for site in common::valid_sites() {
        let document: serde_json::Value = toml::from_str(&common::source(&site).text).expect("site is TOML");
        let errors: Vec<String> = validator.iter_errors(&document).map(|e| e.to_string()).collect();
        assert!(
            errors.is_empty(),
            "{site} does not validate against schema/site.schema.json: {errors:?}"
        );
    }
}

#[test]
fn compiling_twice_gives_identical_bytes() {
    for site in common::valid_sites() {
        assert_eq!(
            common::compile(&site).tree,
            common::compile(&site).tree,
            "{site} compiled differently twice"
        );
    }
}

/// Reordering set-like lists (nodes, receivers, node lists, verbs, resources, tables) must not
/// change a byte of the output.
#[test]
fn reordering_set_like_input_changes_nothing() {
    let original = common::source("tests/fixtures/multi-node/site.toml").text.to_string();
    let mut document: toml::Table = toml::from_str(&original).expect("TOML");
    for key in ["nodes", "receivers", "api_clients", "rule_groups"] {
        if let Some(toml::Value::Array(items)) = document.get_mut(key) {
            items.reverse();
        }
    }
    for (section, key) in [("prometheus", "nodes"), ("alertmanager", "nodes")] {
        if let Some(toml::Value::Array(items)) = document.get_mut(section).and_then(|s| s.get_mut(key)) {
            items.reverse();
        }
    }
    if let Some(toml::Value::Array(clients)) = document.get_mut("api_clients") {
        for client in clients {
            for key in ["verbs", "resources"] {
                if let Some(toml::Value::Array(items)) = client.get_mut(key) {
                    items.reverse();
                }
            }
        }
    }
    let reordered = toml::to_string(&document).expect("TOML serializes");
    assert_ne!(original, reordered);
    // The same included files (dashboards) serve both texts.
    let loaded = common::source("tests/fixtures/multi-node/site.toml");
    let compile = |text: &str| match promsite::pipeline::compile(&promsite::diag::SiteSource {
        text: text.into(),
        ..loaded.clone()
    }) {
        Ok(compiled) => compiled.tree,
        Err(diagnostics) => panic!("does not compile: {diagnostics:#?}"),
    };
    assert_eq!(compile(&original), compile(&reordered));
}

/// The whole-site alerting cross-checks are certain, not guesses: none of them fires on the seed
/// site or any valid fixture, whose rules and routes are all meant as written.
#[test]
fn alerting_cross_checks_stay_quiet_on_intended_sites() {
    let cross = [
        "alert::unrouted-rule",
        "alert::severity-never-set",
        "alert::severity-unmatched",
    ];
    for site in common::valid_sites() {
        let compiled = common::compile(&site);
        let noisy: Vec<&str> = compiled
            .warnings
            .sorted()
            .iter()
            .map(|d| d.code.id())
            .filter(|id| cross.contains(id))
            .collect();
        assert!(noisy.is_empty(), "{site}: {noisy:?}");
    }
}

/// Matchers on labels the rule does not set (they may come from the series), templated labels
/// and negative matchers never make an alert count as unrouted.
#[test]
fn unrouted_alerts_are_reported_only_when_certain() {
    let site = |labels: &str, matchers: &str| {
        format!(
            "[site]\nname = \"lab\"\n\n[route]\nreceiver = \"team\"\n\n[[route.routes]]\nmatchers = [{matchers}]\nreceiver = \"team\"\n\n\
             [[receivers]]\nname = \"team\"\nwebhook = [{{ url = \"http://alerts.example.com/hook\" }}]\n\n\
             [[rule_groups]]\nname = \"g\"\n\n[[rule_groups.rules]]\nalert = \"A\"\nexpr = 'up == 0'\nlabels = {{ {labels} }}\n"
        )
    };
    let unrouted = |labels: &str, matchers: &str| {
        common::compile_text("cross.toml", &site(labels, matchers))
            .warnings
            .sorted()
            .iter()
            .any(|d| d.code.id() == "alert::unrouted-rule")
    };
    assert!(unrouted("team = \"web\"", "'team=\"db\"'"));
    assert!(unrouted("team = \"web\"", "'team=~\"db|ops\"'"));
    assert!(unrouted("severity = \"info\"", "'alertname=\"B\"'"));
    assert!(
        !unrouted("severity = \"info\"", "'team=\"db\"'"),
        "team may come from the series"
    );
    assert!(
        !unrouted("team = \"{{ $labels.team }}\"", "'team=\"db\"'"),
        "a templated label may be anything"
    );
    assert!(!unrouted("team = \"web\"", "'team!=\"db\"'"));
    assert!(
        !unrouted("severity = \"warning\"", "'severity=\"critical\"'"),
        "lower severities go to the default receiver on purpose"
    );
    assert!(!unrouted("team = \"db\"", "'team=~\"db|ops\"'"));
}
