//! `promsite diff --cluster` and `--live-file` end to end: the binary against a loopback fake API
//! server (`fake_api`) reached through a temporary kubeconfig, and against dump files. The live
//! objects are recorded in `kubectl get -o yaml` form in `tests/cluster/live.yaml`.

use crate::common;
use crate::fake_api;

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use fake_api::{FakeApi, State};
use predicates::prelude::*;
use serde_json::{Value, json};

const SITE: &str = "tests/fixtures/components-off/site.toml";
const NAMESPACE: &str = "monitoring-lite";

/// A temporary directory holding the site as `site.toml`.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::copy(common::root().join(SITE), dir.path().join("site.toml")).expect("copy the site");
    dir
}

fn promsite(dir: &Path) -> Command {
    let mut command = Command::cargo_bin("promsite").expect("binary is built");
    command
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("CI")
        .env_remove("KUBECONFIG");
    command
}

/// `promsite diff site.toml --cluster` through a kubeconfig with a static token.
fn diff_cluster(dir: &Path, api: &FakeApi) -> Command {
    fs::write(
        dir.join("kubeconfig.yaml"),
        fake_api::kubeconfig(&api.url, &json!({"token": "static-token"})),
    )
    .expect("write kubeconfig");
    let mut command = promsite(dir);
    command.args(["diff", "site.toml", "--cluster", "--kubeconfig", "kubeconfig.yaml"]);
    command
}

/// The recorded live objects.
fn recorded() -> Vec<Value> {
    let text = fs::read_to_string(common::root().join("tests/cluster/live.yaml")).expect("recording");
    let list = common::yaml(&text);
    list["items"].as_array().expect("a List").clone()
}

/// The compiled objects as a server would hold them after an apply: with uid, resourceVersion,
/// managedFields, a last-applied annotation and status.
fn in_sync() -> Vec<Value> {
    let compiled = common::compile(SITE);
    let objects = promsite::diff::cluster::compiled_objects(&compiled).expect("compiled objects");
    objects
        .into_iter()
        .enumerate()
        .map(|(i, (_, mut object))| {
            let applied = object.to_string();
            let metadata = &mut object["metadata"];
            metadata["uid"] = json!(format!("5f0c7a2e-0000-4000-8000-{i:012}"));
            metadata["resourceVersion"] = json!((1000 + i).to_string());
            metadata["creationTimestamp"] = json!("2026-03-02T09:14:07Z");
            metadata["managedFields"] = json!([{"manager": "kubectl-client-side-apply", "operation": "Update", "fieldsType": "FieldsV1", "fieldsV1": {}}]);
            metadata["annotations"]["kubectl.kubernetes.io/last-applied-configuration"] = json!(applied);
            object["status"] = json!({"observedGeneration": 1});
            object
        })
        .collect()
}

fn serving(objects: Vec<Value>) -> State {
    let mut state = State::default();
    state.load(objects);
    state
}

fn output(assert: &assert_cmd::assert::Assert) -> (String, String) {
    let out = assert.get_output();
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Every Secret value in the recording and in the compiled site, base64 and decoded: none may
/// ever be printed.
fn secret_values() -> Vec<String> {
    use base64::Engine as _;
    let compiled = common::compile(SITE);
    let generated = promsite::diff::cluster::compiled_objects(&compiled)
        .expect("compiled objects")
        .into_iter()
        .map(|(_, object)| object);
    let mut values = Vec::new();
    for object in recorded()
        .into_iter()
        .chain(generated)
        .filter(|o| o["kind"] == "Secret")
    {
        for value in object["data"].as_object().into_iter().flat_map(|data| data.values()) {
            let encoded = value.as_str().expect("base64 text").to_owned();
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(&encoded)
                .expect("base64");
            // A distinctive line of the decoded value is enough: a leak would print it.
            let text = String::from_utf8(decoded).expect("UTF-8");
            values.extend(
                text.lines()
                    .filter(|line| line.len() > 12 && !line.starts_with("# Generated"))
                    .map(str::to_owned),
            );
            values.push(encoded);
        }
    }
    assert!(values.len() >= 8, "the recording holds Secrets with data: {values:?}");
    values
}

fn assert_no_secret_printed(stdout: &str, stderr: &str) {
    for value in secret_values() {
        assert!(
            !stdout.contains(&value) && !stderr.contains(&value),
            "a Secret value was printed: {value}"
        );
    }
}

#[test]
fn no_change_when_the_cluster_holds_what_the_site_compiles_to() {
    let dir = workspace();
    let api = FakeApi::start(serving(in_sync()));
    let assert = diff_cluster(dir.path(), &api).assert().success().stdout("");
    let (_, stderr) = output(&assert);
    let objects = promsite::diff::cluster::compiled_objects(&common::compile(SITE))
        .expect("objects")
        .len();
    assert!(
        stderr.contains(&format!(
            "components-off: 0 to create, 0 to change, 0 to prune, {objects} unchanged (against cluster {}/)",
            api.url
        )),
        "{stderr}"
    );
    // Reads and dry runs only: every PATCH was a forced dry-run apply by promsite.
    let requests = api.state().requests.clone();
    let patches: Vec<&String> = requests.iter().filter(|r| r.starts_with("PATCH ")).collect();
    assert_eq!(patches.len(), objects, "one dry-run apply per object: {requests:#?}");
    assert!(
        patches
            .iter()
            .all(|r| r.contains("dryRun=All") && r.contains("fieldManager=promsite") && r.contains("force=true")),
        "{patches:#?}"
    );
    assert!(
        requests
            .iter()
            .all(|r| r.starts_with("GET ") || r.starts_with("PATCH ")),
        "{requests:#?}"
    );
    let selector = "labelSelector=app.kubernetes.io/managed-by=promsite,promsite.dev/site=components-off";
    for resource in promsite::diff::resources::RESOURCES {
        let collection = if resource.group.is_empty() {
            format!("GET /api/v1/{}?", resource.plural)
        } else {
            format!("GET /apis/{}/{}/{}?", resource.group, resource.version, resource.plural)
        };
        assert!(
            requests
                .iter()
                .any(|r| r.starts_with(&collection) && r.contains(selector)),
            "{} is listed for pruning: {requests:#?}",
            resource.plural
        );
    }
}

#[test]
fn changes_creations_and_prunes_are_reported_with_secrets_masked() {
    let dir = workspace();
    let api = FakeApi::start(serving(recorded()));
    let assert = diff_cluster(dir.path(), &api).assert().code(1);
    let (stdout, stderr) = output(&assert);
    assert_no_secret_printed(&stdout, &stderr);
    let report = format!("{stdout}--- stderr ---\n{}", stderr.replace(&api.url, "[SERVER]"));
    insta::with_settings!({ snapshot_path => "../cluster/snapshots", prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::assert_snapshot!("cluster-report", report);
    });
    // What the report must say, whatever else the snapshot holds.
    assert!(stdout.contains("-  retention: 10d\n+  retention: 15d"), "{stdout}");
    assert!(
        stdout.contains("--- /dev/null\n+++ b/monitoring-lite/servicemonitor-alertmanager-main.yaml"),
        "{stdout}"
    );
    assert!(
        stdout.contains("--- a/monitoring-lite/configmap-grafana-dashboards-old.yaml\n+++ /dev/null"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "-  alertmanager.yaml: \"*** (before)\"\n+  alertmanager.yaml: \"*** (after)\"\n   retired.tmpl: \"***\""
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("retired.tmpl"),
        "a key that goes away still shows, masked: {stdout}"
    );
    assert!(
        !stdout.contains("alertmanager-main-generated"),
        "objects the operator owns are never pruned"
    );
    assert!(
        !stdout.contains("edge-tls"),
        "objects without the site's labels are not promsite's"
    );
    assert!(
        !stdout.contains("managedFields")
            && !stdout.contains("resourceVersion")
            && !stdout.contains("last-applied")
            && !stdout.contains("uid:"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("prometheus.dev/scraped-by"),
        "another client's annotation is kept by the dry-run apply and shows on neither side"
    );
    assert!(
        stderr.contains("create ServiceMonitor monitoring-lite/alertmanager-main\n"),
        "{stderr}"
    );
    assert!(
        stderr.contains("prune  Secret monitoring-lite/smtp-relay\n"),
        "{stderr}"
    );
}

#[test]
fn json_output_for_bots() {
    let dir = workspace();
    let api = FakeApi::start(serving(recorded()));
    let assert = diff_cluster(dir.path(), &api)
        .args(["--output", "json"])
        .assert()
        .code(1);
    let (stdout, stderr) = output(&assert);
    assert_no_secret_printed(&stdout, &stderr);
    let document: Value = serde_json::from_str(&stdout).expect("stdout is one JSON document");
    assert_eq!(document["site"], "components-off");
    assert_eq!(document["source"], format!("cluster {}/", api.url));
    assert_eq!(document["changed"], true);
    assert_eq!(document["dryRunRefused"], Value::Null);
    let objects = document["objects"].as_array().expect("objects");
    let summary = &document["summary"];
    for (action, count) in [("create", 1), ("change", 2), ("prune", 2)] {
        assert_eq!(summary[action], count, "{action}: {summary}");
        assert_eq!(
            objects.iter().filter(|o| o["action"] == action).count(),
            count,
            "{action}"
        );
    }
    let prometheus = objects
        .iter()
        .find(|o| o["kind"] == "Prometheus")
        .expect("the Prometheus changes");
    assert_eq!(
        (
            &prometheus["action"],
            &prometheus["apiVersion"],
            &prometheus["namespace"],
            &prometheus["name"],
            &prometheus["comparison"],
            &prometheus["path"]
        ),
        (
            &json!("change"),
            &json!("monitoring.coreos.com/v1"),
            &json!(NAMESPACE),
            &json!("k8s"),
            &json!("server-dry-run"),
            &json!("monitoring-lite/prometheus-k8s.yaml")
        )
    );
    assert!(
        prometheus["diff"]
            .as_str()
            .is_some_and(|d| d.contains("+  retention: 15d"))
    );
    let namespace = objects
        .iter()
        .find(|o| o["kind"] == "ConfigMap")
        .expect("the ConfigMap is pruned");
    assert_eq!(
        (&namespace["action"], &namespace["comparison"]),
        (&json!("prune"), &json!("live-object"))
    );
    let unchanged = summary["unchanged"].as_u64().expect("a count");
    assert!(unchanged > 5, "{summary}");
}

#[test]
fn exec_credential_plugins_provide_the_token() {
    let dir = workspace();
    let mut state = serving(in_sync());
    state.token = Some("exec-token-7f3a".to_owned());
    let api = FakeApi::start(state);
    let plugin = dir.path().join("credential-plugin.sh");
    let credential = json!({"apiVersion": "client.authentication.k8s.io/v1beta1", "kind": "ExecCredential", "status": {"token": "exec-token-7f3a"}});
    fs::write(&plugin, format!("#!/bin/sh\ncat <<'EOF'\n{credential}\nEOF\n")).expect("write plugin");
    make_executable(&plugin);
    let exec = json!({"exec": {"apiVersion": "client.authentication.k8s.io/v1beta1", "command": plugin.display().to_string(), "interactiveMode": "Never"}});
    fs::write(
        dir.path().join("kubeconfig.yaml"),
        fake_api::kubeconfig(&api.url, &exec),
    )
    .expect("write kubeconfig");
    promsite(dir.path())
        .args(["diff", "site.toml", "--cluster", "--kubeconfig", "kubeconfig.yaml"])
        .assert()
        .success()
        .stdout("");
    // A static token the server does not accept: a clear 401, exit 2.
    api.state().requests.clear();
    diff_cluster(dir.path(), &api)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "the API server at {}/ did not accept the credentials (401 Unauthorized)",
            api.url
        )));
}

#[cfg(unix)]
fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt as _;
    fs::set_permissions(path, fs::Permissions::from_mode(0o755)).expect("chmod");
}

#[cfg(not(unix))]
fn make_executable(_: &Path) {}

#[test]
fn a_403_names_the_verb_the_resource_and_the_namespace() {
    let dir = workspace();
    let mut state = serving(recorded());
    state.forbidden.insert(("patch", "prometheuses"));
    let api = FakeApi::start(state);
    diff_cluster(dir.path(), &api).assert().code(2).stdout("").stderr(predicate::str::contains(
        "error: permission denied: cannot patch prometheuses.monitoring.coreos.com in namespace `monitoring-lite`; grant `patch` on `prometheuses.monitoring.coreos.com` to this user (the server said: prometheuses.monitoring.coreos.com is forbidden: User \"tester\" cannot patch resource \"prometheuses\"",
    ));
    let mut state = serving(recorded());
    state.forbidden.insert(("list", "secrets"));
    let api = FakeApi::start(state);
    diff_cluster(dir.path(), &api)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "error: permission denied: cannot list secrets in all namespaces; grant `list` on `secrets`",
        ));
}

#[test]
fn a_missing_crd_says_to_apply_setup_first() {
    let dir = workspace();
    let mut state = serving(recorded());
    state.unserved.insert("prometheuses");
    let api = FakeApi::start(state);
    diff_cluster(dir.path(), &api).assert().code(2).stdout("").stderr(predicate::str::contains(
        "error: the cluster has no CustomResourceDefinition `prometheuses.monitoring.coreos.com`, which the site needs; apply the operator's CRDs first: `kubectl apply --server-side -k out/components-off/setup/`",
    ));
    // A CRD of a kind the site does not use is not needed.
    let mut state = serving(recorded());
    state.unserved.insert("prometheusrules");
    let api = FakeApi::start(state);
    diff_cluster(dir.path(), &api).assert().code(1);
}

#[test]
fn an_unreachable_cluster_names_its_url() {
    let dir = workspace();
    let api = FakeApi::start(State::default());
    fs::write(
        dir.path().join("kubeconfig.yaml"),
        fake_api::kubeconfig(&api.url, &json!({"token": "t"})),
    )
    .expect("write kubeconfig");
    let assert = promsite(dir.path())
        .args([
            "diff",
            "site.toml",
            "--cluster",
            "--kubeconfig",
            "kubeconfig.yaml",
            "--context",
            "dead",
        ])
        .assert()
        .code(2)
        .stdout("");
    let (_, stderr) = output(&assert);
    assert!(
        stderr.contains("error: cannot reach the Kubernetes API server at http://127.0.0.1:"),
        "{stderr}"
    );
    assert!(
        api.state().requests.is_empty(),
        "the other context's server was not asked"
    );
}

#[test]
fn bad_kubeconfigs_and_contexts_are_clear_errors() {
    let dir = workspace();
    let api = FakeApi::start(State::default());
    fs::write(
        dir.path().join("kubeconfig.yaml"),
        fake_api::kubeconfig(&api.url, &json!({"token": "t"})),
    )
    .expect("write kubeconfig");
    promsite(dir.path())
        .args([
            "diff",
            "site.toml",
            "--cluster",
            "--kubeconfig",
            "kubeconfig.yaml",
            "--context",
            "nope",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "cannot use kubeconfig kubeconfig.yaml (context `nope`)",
        ));
    promsite(dir.path())
        .args(["diff", "site.toml", "--cluster", "--kubeconfig", "missing.yaml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot use kubeconfig missing.yaml"));
    // Exactly one target; the cluster options need --cluster.
    promsite(dir.path()).args(["diff", "site.toml"]).assert().code(2);
    promsite(dir.path())
        .args(["diff", "site.toml", "--cluster", "--live-file", "x.yaml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot be used with"));
    promsite(dir.path())
        .args(["diff", "site.toml", "--live-file", "x.yaml", "--context", "fake"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--cluster"));
    promsite(dir.path())
        .args(["diff", "site.toml", "--against", ".", "--output", "json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("`--output json` reports a live diff"));
    assert!(api.state().requests.is_empty());
}

#[test]
fn a_server_without_dry_run_apply_compares_only_promsites_fields() {
    let dir = workspace();
    let mut state = serving(recorded());
    state.refuse_dry_run = true;
    let api = FakeApi::start(state);
    let assert = diff_cluster(dir.path(), &api).assert().code(1);
    let (stdout, stderr) = output(&assert);
    assert_no_secret_printed(&stdout, &stderr);
    assert!(stderr.contains("note: the server cannot dry-run an apply (405 the server does not allow this method on the requested resource); compared only the fields promsite sets"), "{stderr}");
    assert!(stderr.contains("1 to create, 2 to change, 2 to prune"), "{stderr}");
    assert!(stdout.contains("-  retention: 10d\n+  retention: 15d"), "{stdout}");
    // Fields promsite does not set (server defaults, another client's annotation) stay out.
    assert!(
        !stdout.contains("clusterIP") && !stdout.contains("scraped-by") && !stdout.contains("sessionAffinity"),
        "{stdout}"
    );
    assert_eq!(
        api.state().requests.iter().filter(|r| r.starts_with("PATCH ")).count(),
        1,
        "after one refusal, no more dry runs are tried"
    );
}

#[test]
fn a_dump_file_is_compared_like_a_cluster_without_dry_run() {
    let dir = workspace();
    fs::copy(
        common::root().join("tests/cluster/live.yaml"),
        dir.path().join("live.yaml"),
    )
    .expect("copy dump");
    let assert = promsite(dir.path())
        .args(["diff", "site.toml", "--live-file", "live.yaml"])
        .assert()
        .code(1);
    let (stdout, stderr) = output(&assert);
    assert_no_secret_printed(&stdout, &stderr);
    assert!(stdout.contains("-  retention: 10d\n+  retention: 15d"), "{stdout}");
    assert!(
        stdout.contains("+++ b/monitoring-lite/servicemonitor-alertmanager-main.yaml"),
        "{stdout}"
    );
    assert!(
        stdout.contains("--- a/monitoring-lite/secret-smtp-relay.yaml\n+++ /dev/null"),
        "{stdout}"
    );
    assert!(
        stderr.contains("components-off: 1 to create, 2 to change, 2 to prune")
            && stderr.contains("(against live file live.yaml)"),
        "{stderr}"
    );
    // The in-sync state as multi-document YAML: no change.
    let documents: Vec<String> = in_sync()
        .iter()
        .map(|o| serde_saphyr::to_string(o).expect("YAML"))
        .collect();
    fs::write(dir.path().join("in-sync.yaml"), documents.join("---\n")).expect("write dump");
    promsite(dir.path())
        .args(["diff", "site.toml", "--live-file", "in-sync.yaml"])
        .assert()
        .success()
        .stdout("");
    let assert = promsite(dir.path())
        .args(["diff", "site.toml", "--live-file", "in-sync.yaml", "--output", "json"])
        .assert()
        .success();
    let document: Value = serde_json::from_slice(&assert.get_output().stdout).expect("JSON");
    assert_eq!(
        (&document["changed"], &document["objects"]),
        (&json!(false), &json!([]))
    );
    fs::write(dir.path().join("bad.yaml"), "items: [unclosed\n").expect("write");
    promsite(dir.path())
        .args(["diff", "site.toml", "--live-file", "bad.yaml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read the live objects from bad.yaml"));
    promsite(dir.path())
        .args(["diff", "site.toml", "--live-file", "absent.yaml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "cannot read the live objects from absent.yaml",
        ));
}

/// Every kind any site renders has an API resource, with the right version and scope, and every
/// object (the generated Alertmanager config Secret too) carries the labels pruning selects by.
#[test]
fn every_rendered_object_has_a_resource_and_the_site_labels() {
    let mut kinds = std::collections::BTreeSet::new();
    for site in common::valid_sites() {
        let compiled = common::compile(&site);
        for (key, object) in promsite::diff::cluster::compiled_objects(&compiled).expect("objects") {
            let resource = promsite::diff::resources::lookup(key.group, key.kind)
                .unwrap_or_else(|| panic!("{site}: kind {} has no API resource", key.kind));
            assert_eq!(object["apiVersion"], resource.api_version(), "{site}: {}", key.kind);
            assert_eq!(
                resource.namespaced,
                key.namespace.is_some(),
                "{site}: {} scope",
                key.kind
            );
            let labels = &object["metadata"]["labels"];
            assert_eq!(
                labels[promsite::render::MANAGED_BY_LABEL],
                promsite::render::MANAGED_BY,
                "{site}: {} {}",
                key.kind,
                key.name
            );
            assert_eq!(
                labels[promsite::render::SITE_LABEL],
                compiled.name.as_str(),
                "{site}: {} {}",
                key.kind,
                key.name
            );
            kinds.insert(key.kind);
        }
    }
    assert!(kinds.len() >= 15, "the sites exercise most kinds: {kinds:?}");
}

/// A live Prometheus whose claim template differs from the site's: the live diff shows the change
/// and warns, at the site's `size`, that existing claims keep theirs.
#[test]
fn a_live_claim_template_of_another_size_warns() {
    let dir = workspace();
    let site = dir.path().join("site.toml");
    let mut text = fs::read_to_string(&site).expect("read");
    text.push_str("\n[prometheus.storage]\nstorage_class = \"ceph-rbd\"\nsize = \"20Gi\"\n");
    fs::write(&site, &text).expect("write");
    let line = text
        .lines()
        .position(|l| l == "size = \"20Gi\"")
        .expect("the size line")
        + 1;
    let documents: Vec<String> = in_sync()
        .into_iter()
        .map(|mut o| {
            if o["kind"] == "Prometheus" {
                o["spec"]["storage"] = json!({"volumeClaimTemplate": {"spec": {
                    "accessModes": ["ReadWriteOnce"],
                    "resources": {"requests": {"storage": "10Gi"}},
                    "storageClassName": "ceph-rbd",
                }}});
            }
            serde_saphyr::to_string(&o).expect("YAML")
        })
        .collect();
    fs::write(dir.path().join("live.yaml"), documents.join("---\n")).expect("write dump");
    let assert = promsite(dir.path())
        .args(["diff", "site.toml", "--live-file", "live.yaml"])
        .assert()
        .code(1);
    let (stdout, stderr) = output(&assert);
    assert!(
        stdout.contains("-            storage: 10Gi\n+            storage: 20Gi"),
        "{stdout}"
    );
    assert!(
        stderr.contains(&format!("site.toml:{line}:8: storage::size-changed")) && stderr.contains("10Gi → 20Gi"),
        "{stderr}"
    );
}
