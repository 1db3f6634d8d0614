//! The default Grafana dashboards: every query checked on every combination of switches, stable and
//! unique uids, a sane layout, ConfigMaps a client-side `kubectl apply` can store, user dashboards
//! replacing defaults by uid, the per-dashboard switches, Grafana's published schema, and
//! `docs/dashboards.md`.

#![allow(clippy::print_stderr, reason = "a skipped tool check says why")]

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::process::Command;

use promsite::content::dashboards::{self, DASHBOARDS};
use promsite::diag::SiteSource;
use promsite::model::Site;
use promsite::pipeline;
use serde_json::Value;

use crate::common;

/// Every component on: the site docs/dashboards.md describes.
const SITE: &str = "tests/fixtures/default-rules/site.toml";
/// What `kubectl apply` (client-side) can keep in its last-applied annotation.
const ANNOTATION_LIMIT: usize = 256 * 1024;

fn checked(name: &str, text: &str) -> Site {
    match pipeline::check(&SiteSource::new(name, text)) {
        Ok(checked) => checked.site,
        Err(diagnostics) => panic!("{name} does not check: {diagnostics:#?}"),
    }
}

/// The full site with `edit` applied to its text.
fn variant(name: &str, edit: impl Fn(&str) -> String) -> Site {
    let text = std::fs::read_to_string(common::root().join(SITE)).expect("fixture site");
    checked(name, &edit(&text))
}

/// The default dashboards a site provisions: file name → JSON.
fn provisioned(site: &Site) -> Vec<(String, Value)> {
    let grafana = site.grafana.as_ref().expect("Grafana is on");
    grafana
        .defaults
        .iter()
        .flat_map(|b| &b.files)
        .map(|(file, json)| (file.clone(), serde_json::from_str(json).expect("dashboard JSON")))
        .collect()
}

fn ids(site: &Site) -> BTreeSet<String> {
    provisioned(site)
        .into_iter()
        .map(|(file, _)| file.trim_end_matches(".json").to_owned())
        .collect()
}

#[test]
fn every_query_passes_the_checks_with_every_switch() {
    let variants: Vec<(&str, Site, &[&str])> = vec![
        ("all", variant("all", str::to_owned), &[]),
        (
            "no default rules",
            variant("no-rules", |t| {
                t.replace("[default_rules]\n", "[default_rules]\nenabled = false\n")
            }),
            &[],
        ),
        (
            "no recording groups",
            variant("no-records", |t| {
                t.replace(
                    "[default_rules]\n",
                    "[default_rules]\ndisabled_groups = [\"recording\", \"kubernetes\", \"coredns\", \"nodes\"]\n",
                )
            }),
            &[],
        ),
        (
            "no etcd",
            variant("no-etcd", |t| {
                t.replace("[etcd]\nclient_cert", "[etcd_off]\nclient_cert").replace("[etcd_off]\nclient_cert = { secret = \"etcd-certs\", cert = \"healthcheck-client.crt\", key = \"healthcheck-client.key\", ca = \"ca.crt\" }\n", "")
            }),
            &["etcd"],
        ),
        (
            "no control plane",
            variant("no-cp", |t| {
                assert!(
                    t.contains("[control_plane]\n"),
                    "the fixture has a [control_plane] table"
                );
                t.replacen("[control_plane]\n", "[control_plane]\nenabled = false\n", 1)
                    .replacen("kube_proxy = true\n", "", 1)
            }),
            &[
                "apiserver",
                "kubelet",
                "coredns",
                "controller-manager-scheduler",
                "compute-cluster",
                "compute-namespace",
                "compute-workload",
                "compute-pod",
                "compute-node",
                "persistent-volumes",
            ],
        ),
        (
            "no exporters",
            variant("no-exporters", |t| {
                format!("{t}\n[node_exporter]\nenabled = false\n\n[kube_state_metrics]\nenabled = false\n")
            }),
            &["nodes", "compute-workload", "compute-node"],
        ),
    ];
    let all: BTreeSet<String> = DASHBOARDS.iter().map(|d| d.id.to_owned()).collect();
    let mut queries = 0;
    for (name, site, missing) in &variants {
        // `check` ran every query through the PromQL checks and refused unrecorded series; check
        // the latter again from the outside, against the rules the site really renders.
        let cx = dashboards::cx(site);
        let rendered: BTreeSet<String> = site
            .rule_groups
            .iter()
            .flat_map(|g| &g.rules)
            .filter_map(|r| match &r.kind {
                promsite::model::RuleKind::Record(name) => Some(name.clone()),
                promsite::model::RuleKind::Alert(_) => None,
            })
            .collect();
        for built in dashboards::build(site) {
            for (panel, expr) in built.board.queries() {
                queries += 1;
                for record in dashboards::recorded_names(expr) {
                    assert!(
                        rendered.contains(record) && cx.records.contains(record),
                        "{name}: {} / {panel} reads {record}, which is not recorded",
                        built.spec.id
                    );
                }
            }
        }
        let expected: BTreeSet<String> = all
            .iter()
            .filter(|id| !missing.contains(&id.as_str()))
            .cloned()
            .collect();
        assert_eq!(ids(site), expected, "{name}: the dashboards provisioned");
    }
    assert!(queries > 500, "only {queries} queries were looked at");
    // Records are used where they exist, and their expressions where they do not.
    let with = serde_json::to_string(&provisioned(&variants[0].1)).expect("json");
    let without = serde_json::to_string(&provisioned(&variants[2].1)).expect("json");
    assert!(with.contains("namespace:container_cpu_usage_seconds:sum_rate5m"));
    assert!(!without.contains("namespace:container_cpu_usage_seconds:sum_rate5m"));
    // Remote write panels only where remote write is configured.
    let no_remote = variant("no-remote", |t| {
        t.replace(
            "[[prometheus.remote_write]]\nname = \"central\"\nurl = \"https://metrics.example.com/api/v1/push\"\n",
            "",
        )
    });
    let text = |site: &Site| serde_json::to_string(&provisioned(site)).expect("json");
    assert!(text(&variants[0].1).contains("prometheus_remote_storage_samples_pending"));
    assert!(!text(&no_remote).contains("prometheus_remote_storage_samples_pending"));
}

#[test]
fn uids_are_stable_unique_and_panels_fit_the_grid() {
    let checked = pipeline::check(&common::source(SITE)).expect("valid").site;
    let mut uids = BTreeSet::new();
    for (file, json) in provisioned(&checked) {
        let uid = json["uid"].as_str().expect("uid");
        assert_eq!(uid, format!("promsite-{}", file.trim_end_matches(".json")));
        assert!(uid.len() <= 40, "Grafana's uids are at most 40 characters: {uid}");
        assert!(uids.insert(uid.to_owned()), "uid {uid} twice");
        assert_eq!(json["schemaVersion"], 41, "{uid}");
        let panels = json["panels"].as_array().expect("panels");
        let mut ids = BTreeSet::new();
        let mut cells = BTreeSet::new();
        for panel in panels {
            assert!(ids.insert(panel["id"].as_u64().expect("id")), "{uid}: panel id twice");
            let at = |key: &str| panel["gridPos"][key].as_u64().expect("gridPos");
            let (left, top, width, height) = (at("x"), at("y"), at("w"), at("h"));
            assert!(
                left + width <= 24 && width > 0 && height > 0,
                "{uid}: {} is off the grid",
                panel["title"]
            );
            for column in left..left + width {
                for row in top..top + height {
                    assert!(
                        cells.insert((column, row)),
                        "{uid}: {} overlaps another panel",
                        panel["title"]
                    );
                }
            }
            if panel["type"] != "row" {
                let targets = panel["targets"].as_array().expect("targets");
                assert!(!targets.is_empty(), "{uid}: {} has no query", panel["title"]);
                let refs: BTreeSet<&str> = targets.iter().filter_map(|t| t["refId"].as_str()).collect();
                assert_eq!(refs.len(), targets.len(), "{uid}: refIds repeat");
                assert_eq!(panel["datasource"]["uid"], "${datasource}");
            }
        }
        let variables = json["templating"]["list"].as_array().expect("variables");
        assert_eq!(variables[0]["type"], "datasource");
        assert_eq!(
            variables[0]["current"]["value"],
            promsite::model::names::GRAFANA_DATASOURCE_UID
        );
    }
    assert_eq!(uids.len(), DASHBOARDS.len());
}

#[test]
fn dashboard_config_maps_fit_a_client_side_apply() {
    let mut seen = 0;
    for site in common::valid_sites() {
        let compiled = common::compile(&site);
        for (path, text) in &compiled.tree {
            if !path.contains("configmap-grafana-dashboards-") {
                continue;
            }
            seen += 1;
            // What `kubectl apply` writes into the annotation: the object as JSON.
            let object = serde_json::to_string(&common::yaml(text)).expect("json");
            assert!(
                object.len() < ANNOTATION_LIMIT,
                "{site}: {path} takes {} bytes as JSON; the last-applied annotation holds {ANNOTATION_LIMIT}",
                object.len()
            );
        }
    }
    assert!(seen >= 3, "no dashboard ConfigMaps were looked at");
}

/// A site in a temporary directory with dashboard files of its own.
fn with_user_dashboards(grafana: &str, files: &[(&str, &str)]) -> Result<Site, String> {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(dir.path().join("dashboards")).expect("mkdir");
    for (name, text) in files {
        std::fs::write(dir.path().join("dashboards").join(name), text).expect("write");
    }
    let site = format!(
        "[site]\nname = \"users\"\n\n[route]\nreceiver = \"team\"\n\n[[receivers]]\nname = \"team\"\nwebhook = [{{ url = \"http://hooks.example.com/\" }}]\n\n[grafana]\ndashboards = \"dashboards\"\n{grafana}"
    );
    let path = dir.path().join("site.toml");
    std::fs::write(&path, site).expect("write site");
    let source = promsite::load(&path).expect("load");
    pipeline::check(&source).map(|c| c.site).map_err(|d| format!("{d:?}"))
}

#[test]
fn a_user_dashboard_replaces_a_default_by_uid_and_switches_drop_them() {
    let mine = r#"{ "uid": "promsite-nodes", "title": "Our nodes", "panels": [] }"#;
    let other = r#"{ "uid": "team", "title": "Team", "panels": [] }"#;
    let site = with_user_dashboards("", &[("nodes.json", mine), ("team.json", other)]).expect("valid");
    let defaults = ids(&site);
    assert!(
        !defaults.contains("nodes"),
        "the user's nodes dashboard replaces the default"
    );
    assert!(defaults.contains("prometheus") && defaults.contains("alerts"));
    assert_eq!(site.grafana.as_ref().map(|g| g.dashboards.len()), Some(2));

    let site = with_user_dashboards(
        "disabled_dashboards = [\"alerts\", \"prometheus\"]\n",
        &[("team.json", other)],
    )
    .expect("valid");
    let defaults = ids(&site);
    assert!(!defaults.contains("alerts") && !defaults.contains("prometheus") && defaults.contains("nodes"));

    let site = with_user_dashboards("default_dashboards = false\n", &[("team.json", other)]).expect("valid");
    assert!(site.grafana.as_ref().is_some_and(|g| g.defaults.is_empty()));

    let error = with_user_dashboards("", &[("a.json", other), ("b.json", other)]).expect_err("one uid twice");
    assert!(
        error.contains("GrafanaDashboard") && error.contains("uid `team`"),
        "{error}"
    );
}

#[test]
fn the_dashboards_match_grafana_published_schema() {
    // TypeScript's checker with the `Dashboard` type of `@grafana/schema` (the pinned Grafana's
    // release): every field must be one the type declares, with a value of its type.
    let Some(tsc) = common::tool("tsc") else { return };
    let Some(types) = std::env::var_os("PROMSITE_GRAFANA_SCHEMA").map(std::path::PathBuf::from) else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "PROMSITE_GRAFANA_SCHEMA (the folder of @grafana/schema) is required in CI"
        );
        eprintln!("SKIPPED: PROMSITE_GRAFANA_SCHEMA is not set; `bash .ci/run` installs it");
        return;
    };
    let declaration = types.join("dist/types/raw/dashboard/x/dashboard_types.gen.d.ts");
    assert!(declaration.is_file(), "{} is missing", declaration.display());
    let site = pipeline::check(&common::source(SITE)).expect("valid").site;
    let mut source = format!(
        "import {{ Dashboard }} from {:?};\n",
        declaration.to_string_lossy().trim_end_matches(".d.ts")
    );
    let all = provisioned(&site);
    for (i, (_, json)) in all.iter().enumerate() {
        let _ = writeln!(source, "export const d{i}: Dashboard = {json};");
    }
    // A field the schema lacks must fail, or the check checks nothing.
    let _ = writeln!(
        source,
        "// @ts-expect-error: not a dashboard field\nexport const bad: Dashboard = {{ schemaVersion: 41, paneles: [] }};"
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("dashboards.ts");
    std::fs::write(&file, source).expect("write");
    let output = Command::new(tsc)
        .args([
            "--strict",
            "--noEmit",
            "--moduleResolution",
            "node",
            "--target",
            "es2020",
        ])
        .arg(&file)
        .output()
        .expect("run tsc");
    assert!(
        output.status.success(),
        "the dashboards do not match @grafana/schema's Dashboard:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(all.len(), DASHBOARDS.len());
}

#[test]
fn the_dashboard_reference_is_fresh() {
    let checked = pipeline::check(&common::source(SITE)).expect("the fixture site is valid");
    let generated = dashboards::markdown(&dashboards::build(&checked.site));
    let path = common::root().join("docs/dashboards.md");
    if std::env::var_os("PROMSITE_BLESS").is_some() {
        std::fs::write(&path, &generated).expect("write docs/dashboards.md");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/dashboards.md is stale; run `PROMSITE_BLESS=1 cargo test --test it dashboards::the_dashboard_reference`"
    );
}

#[test]
fn additional_datasources_and_login_are_checked() {
    let base = "[site]\nname = \"ds\"\n\n[route]\nreceiver = \"team\"\n\n[[receivers]]\nname = \"team\"\nwebhook = [{ url = \"http://hooks.example.com/\" }]\n\n";
    let codes = |grafana: &str| -> Vec<String> {
        match pipeline::check(&SiteSource::new("ds.toml", format!("{base}{grafana}"))) {
            Ok(_) => Vec::new(),
            Err(diagnostics) => diagnostics.sorted().iter().map(|d| d.code.id().to_owned()).collect(),
        }
    };
    let loki = "[[grafana.datasources]]\nname = \"Loki\"\ntype = \"loki\"\nurl = \"http://loki.logging.svc\"\n";
    assert_eq!(codes(loki), Vec::<String>::new());
    assert_eq!(
        codes(&format!("{loki}{loki}")),
        ["name::duplicate", "name::duplicate"],
        "name and uid twice"
    );
    assert_eq!(
        codes(
            "[[grafana.datasources]]\nname = \"Prometheus\"\ntype = \"prometheus\"\nurl = \"http://x.example.com\"\nuid = \"other\"\n"
        ),
        ["name::duplicate"],
        "promsite's own data source name"
    );
    assert_eq!(
        codes("[[grafana.datasources]]\nname = \"X\"\ntype = \"tempo\"\nurl = \"tempo:3200\"\nuid = \"a b\"\n"),
        ["value::url", "name::invalid"]
    );
    assert_eq!(
        codes(
            "[[grafana.datasources]]\nname = \"X\"\ntype = \"prometheus\"\nurl = \"http://x.example.com\"\nbasic_auth = { secret = \"s\", username_key = \"u\", password_key = \"p\" }\nbearer_token = { secret = \"s\", key = \"t\" }\n"
        ),
        ["schema::invalid-value"]
    );
    let oidc = "[grafana.login.oidc]\nclient_id = \"grafana\"\nclient_secret = { secret = \"grafana-oidc\", key = \"client-secret\" }\nauth_url = \"https://sso.example.com/auth\"\ntoken_url = \"https://sso.example.com/token\"\napi_url = \"sso/userinfo\"\n";
    assert_eq!(codes(oidc), ["value::url"]);
    let site = checked(
        "ds.toml",
        &format!(
            "{base}{}",
            oidc.replace("sso/userinfo", "https://sso.example.com/userinfo")
        ),
    );
    let grafana = site.grafana.expect("Grafana");
    assert!(!grafana.anonymous, "anonymous access is off by default");
    assert_eq!(
        grafana.oidc.map(|o| o.scopes.join(" ")).as_deref(),
        Some("openid profile email")
    );
}
