//! Air-gapped installs: with a registry mirror no image in the output names another registry, the
//! image list is exactly what the output pulls, the real operator CRDs imported by
//! `promsite import-crds` check the output (and a CRD lacking a field promsite emits is refused at
//! the site line), and the output with vendored CRDs builds with networking switched off.

use crate::common;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use promsite::diag::{Diagnostics, SiteSource};
use promsite::pipeline::{self, Compiled};
use serde_json::Value;

const MIRROR: &str = "harbor.corp.local/monitoring";
/// The registries images come from without a mirror.
const PUBLIC: &[&str] = &["quay.io", "registry.k8s.io", "docker.io", "ghcr.io", "gcr.io"];

/// The operator release's CRD files, as a user downloads them (test input in `../shared`).
fn release_crds() -> PathBuf {
    common::root().join("../shared/operator-release/v0.93.0/crds")
}

/// A site with every component and every kind of custom resource (the scale-out fixture: Thanos,
/// remote write, ScrapeConfigs, Probes), vendored CRDs and `extra`.
fn rich_site(extra: &str) -> String {
    let base = fs::read_to_string(common::root().join("tests/fixtures/scale-out/site.toml")).expect("fixture");
    let vendored = "[operator]\ncrds = \"vendored\"\ncrds_path = \"crds\"\n";
    if base.contains("\n[operator]\n") {
        format!(
            "{}\n{extra}",
            base.replacen("\n[operator]\n", &format!("\n{vendored}"), 1)
        )
    } else {
        format!("{base}\n{vendored}{extra}")
    }
}

/// Writes the site and a copy of the release's CRDs (edited by `edit`) into `dir` and compiles it.
fn compile_with_crds(dir: &Path, site: &str, edit: impl Fn(&str, String) -> String) -> Result<Compiled, Diagnostics> {
    fs::create_dir_all(dir.join("crds")).expect("mkdir");
    for entry in fs::read_dir(release_crds()).expect("../shared/operator-release is there") {
        let path = entry.expect("entry").path();
        let name = path.file_name().expect("name").to_string_lossy().into_owned();
        let text = fs::read_to_string(&path).expect("read CRD");
        fs::write(dir.join("crds").join(&name), edit(&name, text)).expect("write CRD");
    }
    fs::write(dir.join("site.toml"), site).expect("write site");
    let source = promsite::load(&dir.join("site.toml")).expect("load");
    pipeline::compile(&SiteSource {
        path: "site.toml".to_owned(),
        ..source
    })
}

fn mirrored() -> String {
    rich_site(&format!(
        "\n[images]\nregistry = \"{MIRROR}\"\npull_secrets = [\"regcred\"]\n"
    ))
}

/// Every image reference in an object: `image` fields at any depth (containers, init containers,
/// `spec.image`, `spec.thanos.image`) and the operator's `--prometheus-config-reloader` flag.
fn images_in(value: &Value, found: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                match (key.as_str(), value) {
                    ("image", Value::String(image)) => found.push(image.clone()),
                    ("args" | "command", Value::Array(args)) => found.extend(
                        args.iter()
                            .filter_map(Value::as_str)
                            .filter_map(|a| a.strip_prefix("--prometheus-config-reloader="))
                            .map(str::to_owned),
                    ),
                    _ => {}
                }
                images_in(value, found);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| images_in(v, found)),
        _ => {}
    }
}

/// The compiled objects (not the vendored CRD copies), as JSON.
fn objects(compiled: &Compiled) -> Vec<(String, Value)> {
    compiled
        .tree
        .iter()
        .filter(|(path, _)| common::is_yaml(path) && !path.starts_with("setup/") && !path.starts_with('.'))
        .filter(|(path, _)| !path.ends_with("kustomization.yaml"))
        .map(|(path, text)| (path.clone(), common::yaml(text)))
        .collect()
}

#[test]
fn with_a_mirror_no_image_names_another_registry_and_every_pod_has_the_pull_secret() {
    let dir = tempfile::tempdir().expect("tempdir");
    let compiled = compile_with_crds(dir.path(), &mirrored(), |_, text| text).expect("compiles");
    let mut found = Vec::new();
    let mut pod_specs = 0;
    for (path, object) in objects(&compiled) {
        images_in(&object, &mut found);
        let kind = object["kind"].as_str().unwrap_or_default();
        let spec = match kind {
            "Deployment" | "DaemonSet" | "StatefulSet" => &object["spec"]["template"]["spec"],
            "Prometheus" | "Alertmanager" => &object["spec"],
            _ => continue,
        };
        pod_specs += 1;
        assert_eq!(
            spec["imagePullSecrets"],
            serde_json::json!([{ "name": "regcred" }]),
            "{path}: no pull secret"
        );
        for container in ["containers", "initContainers"]
            .iter()
            .flat_map(|k| spec[k].as_array().into_iter().flatten())
        {
            assert!(container["image"].is_string(), "{path}: a container without an image");
        }
    }
    assert!(pod_specs >= 7, "too few pod specs: {pod_specs}");
    for image in &found {
        assert!(
            image.starts_with(&format!("{MIRROR}/")),
            "{image} is not from the mirror"
        );
    }
    // No public registry anywhere in what promsite generates, in any field.
    for (path, text) in &compiled.tree {
        if path.starts_with("setup/crds/") {
            continue;
        }
        for registry in PUBLIC {
            assert!(!text.contains(registry), "{path} names {registry}");
        }
    }
    // The list `promsite images` prints is exactly what the output pulls.
    let checked = pipeline::check(&promsite::load(&dir.path().join("site.toml")).expect("load")).expect("valid");
    let listed: BTreeSet<String> = checked.site.images().into_iter().map(|(_, i)| i).collect();
    let pulled: BTreeSet<String> = found.into_iter().collect();
    assert_eq!(listed, pulled);
    assert_eq!(listed.len(), 9, "every image: {listed:#?}");
    assert!(compiled.tree[".promsite.yaml"].contains("monitoring/regcred"));
}

#[test]
fn without_a_mirror_the_image_list_is_what_the_output_pulls() {
    for site in common::valid_sites() {
        let compiled = common::compile(&site);
        let mut found = Vec::new();
        for (_, object) in objects(&compiled) {
            images_in(&object, &mut found);
        }
        let checked = pipeline::check(&common::source(&site)).expect("valid");
        let listed: BTreeSet<String> = checked.site.images().into_iter().map(|(_, i)| i).collect();
        assert_eq!(listed, found.into_iter().collect::<BTreeSet<_>>(), "{site}");
    }
}

#[test]
fn the_release_crds_accept_everything_promsite_emits() {
    let dir = tempfile::tempdir().expect("tempdir");
    let compiled = compile_with_crds(dir.path(), &mirrored(), |_, text| text);
    assert!(compiled.is_ok(), "{:#?}", compiled.err());
}

/// An edit of the release's CRDs: removes the property at `path` (below `openAPIV3Schema`) from every
/// version of the CRD file `file`, as in a release before the field existed.
fn without(file: &'static str, path: &'static str) -> impl Fn(&str, String) -> String {
    move |name, text| {
        if name != file {
            return text;
        }
        let mut crd: Value = serde_saphyr::from_str(&text).expect("CRD YAML");
        let (parent, field) = path.rsplit_once('/').expect("a path");
        for version in crd["spec"]["versions"].as_array_mut().expect("versions") {
            let properties = version
                .pointer_mut(&format!("/schema/openAPIV3Schema{parent}"))
                .and_then(Value::as_object_mut)
                .expect("the CRD defines the parent");
            assert!(properties.remove(field).is_some(), "{path} was there");
        }
        serde_saphyr::to_string(&crd).expect("YAML")
    }
}

/// Compiles `site` against the edited CRDs: each diagnostic's code, line and message.
fn refusals(site: &str, edit: impl Fn(&str, String) -> String) -> Vec<(String, usize, String)> {
    let dir = tempfile::tempdir().expect("tempdir");
    let diagnostics = compile_with_crds(dir.path(), site, edit).expect_err("refused");
    let source = SiteSource::new("site.toml", site);
    diagnostics
        .sorted()
        .iter()
        .map(|d| (d.code.id().to_owned(), source.locate(d).1, d.message.clone()))
        .collect()
}

fn line_of(site: &str, start: &str) -> usize {
    site.lines()
        .position(|l| l.starts_with(start))
        .expect("the line is there")
        + 1
}

#[test]
fn a_vendored_crd_without_a_field_promsite_emits_is_refused_at_the_site_line() {
    let site = mirrored();
    assert_eq!(
        refusals(
            &site,
            without("monitoring.coreos.com_prometheuses.yaml", "/properties/spec/properties/thanos/properties/image")
        ),
        vec![(
            "crd::schema".to_owned(),
            line_of(&site, "registry = "),
            "Prometheus `k8s` sets `spec.thanos.image`, which the CRD does not define (vendored CRD `prometheuses.monitoring.coreos.com`)".to_owned()
        )]
    );
    // A ScrapeConfig's field: the `[[static_scrape]]` entry it was made from.
    let federation = line_of(&site, "name = \"dc-east-federation\"");
    assert_eq!(
        refusals(
            &site,
            without("monitoring.coreos.com_scrapeconfigs.yaml", "/properties/spec/properties/honorLabels")
        ),
        vec![(
            "crd::schema".to_owned(),
            federation - 1,
            "ScrapeConfig `dc-east-federation` sets `spec.honorLabels`, which the CRD does not define (vendored CRD `scrapeconfigs.monitoring.coreos.com`)".to_owned()
        )]
    );
}

/// Runs `kubectl kustomize DIR` in a network namespace of its own (no interface but a downed
/// loopback). `None` when kubectl or unshare is missing outside CI.
fn kustomize_offline(dir: &Path) -> Option<std::process::Output> {
    let kubectl = common::tool("kubectl")?;
    let unshare = common::tool("unshare")?;
    Some(
        Command::new(unshare)
            .args(["--map-root-user", "--net"])
            .arg(kubectl)
            .arg("kustomize")
            .arg(dir)
            .output()
            .expect("unshare runs"),
    )
}

#[test]
fn the_output_with_vendored_crds_builds_with_the_network_off() {
    let dir = tempfile::tempdir().expect("tempdir");
    let compiled = compile_with_crds(dir.path(), &mirrored(), |_, text| text).expect("compiles");
    let out = dir.path().join("out");
    common::write_tree(&compiled.tree, &out);
    let fixture = dir.path().join("fixture");
    common::write_tree(
        &common::compile("tests/fixtures/vendored-crds/site.toml").tree,
        &fixture,
    );
    for (target, crds) in [
        (out.join("setup"), Some(10)),
        (out.clone(), None),
        (fixture.join("setup"), Some(4)),
        (fixture.clone(), None),
    ] {
        let Some(output) = kustomize_offline(&target) else {
            return;
        };
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "kubectl kustomize {} offline: {}",
            target.display(),
            String::from_utf8_lossy(&output.stderr)
        );
        if let Some(count) = crds {
            assert_eq!(
                stdout.matches("\nkind: CustomResourceDefinition\n").count(),
                count,
                "{}",
                target.display()
            );
        }
    }
    // The control: the pinned-URL mode needs the network, so the same build fails in the namespace.
    let upstream = common::compile("tests/fixtures/minimal/site.toml");
    let connected = dir.path().join("connected");
    common::write_tree(&upstream.tree, &connected);
    assert!(upstream.tree["setup/kustomization.yaml"].contains("https://"));
    let Some(output) = kustomize_offline(&connected.join("setup")) else {
        return;
    };
    assert!(
        !output.status.success(),
        "remote CRDs were fetched: the network was not off"
    );
}

/// `promsite import-crds` run in `dir`.
fn import(dir: &Path, from: &Path) -> std::process::Output {
    assert_cmd::Command::cargo_bin("promsite")
        .expect("binary is built")
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(["import-crds", "site.toml"])
        .arg(from)
        .output()
        .expect("promsite runs")
}

#[test]
fn import_crds_takes_the_crds_out_of_a_bundle_and_refuses_another_release() {
    let dir = tempfile::tempdir().expect("tempdir");
    let site = common::root().join("tests/fixtures/vendored-crds/site.toml");
    fs::copy(&site, dir.path().join("site.toml")).expect("copy site");
    fs::create_dir(dir.path().join("crds")).expect("mkdir");
    fs::write(dir.path().join("crds/README.md"), "ours\n").expect("write");
    // A bundle as the operator releases it: every CRD, then the operator's own objects.
    let mut upstream: Vec<(String, String)> = fs::read_dir(release_crds())
        .expect("list")
        .map(|e| {
            let path = e.expect("entry").path();
            let name = path.file_name().expect("name").to_string_lossy().into_owned();
            (name, fs::read_to_string(&path).expect("read"))
        })
        .collect();
    upstream.sort();
    let mut bundle: String = upstream.iter().map(|(_, text)| text.as_str()).collect();
    bundle.push_str("---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: prometheus-operator\n");
    bundle.push_str("---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: prometheus-operator\n");
    let bundle_path = dir.path().join("bundle.yaml");
    fs::write(&bundle_path, &bundle).expect("write bundle");

    let output = import(dir.path(), &bundle_path);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    for (name, text) in &upstream {
        assert_eq!(
            &fs::read_to_string(dir.path().join("crds").join(name)).expect("imported"),
            text,
            "{name}"
        );
    }
    assert_eq!(
        fs::read_dir(dir.path().join("crds")).expect("list").count(),
        upstream.len() + 1
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("crds/README.md")).expect("kept"),
        "ours\n"
    );
    // Importing the directory of CRD files again changes nothing, and the site compiles against them.
    assert!(import(dir.path(), &release_crds()).status.success());
    let source = promsite::load(&dir.path().join("site.toml")).expect("load");
    assert!(pipeline::compile(&source).is_ok());

    // Another release: refused as a whole, nothing written.
    let old = bundle.replace(
        "operator.prometheus.io/version: 0.93.0",
        "operator.prometheus.io/version: 0.80.0",
    );
    fs::write(&bundle_path, old).expect("write");
    fs::remove_dir_all(dir.path().join("crds")).expect("rm");
    let output = import(dir.path(), &bundle_path);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("0.80.0"));
    assert!(!dir.path().join("crds").exists());

    // A file of ours where a CRD would go is never overwritten.
    fs::create_dir(dir.path().join("crds")).expect("mkdir");
    let mine = dir.path().join("crds/monitoring.coreos.com_probes.yaml");
    fs::write(&mine, "my notes\n").expect("write");
    let output = import(dir.path(), &release_crds());
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(fs::read_to_string(&mine).expect("kept"), "my notes\n");
    assert_eq!(fs::read_dir(dir.path().join("crds")).expect("list").count(), 1);
}

#[test]
fn images_prints_one_sorted_line_per_image_and_json() {
    let run = |format: &str| {
        let output = assert_cmd::Command::cargo_bin("promsite")
            .expect("binary is built")
            .current_dir(common::root())
            .args(["images", "tests/fixtures/vendored-crds/site.toml", "--format", format])
            .output()
            .expect("promsite runs");
        assert!(output.status.success());
        String::from_utf8(output.stdout).expect("UTF-8")
    };
    let text = run("text");
    let lines: Vec<&str> = text.lines().collect();
    let mut sorted = lines.clone();
    sorted.sort_unstable();
    assert_eq!(lines, sorted);
    assert!(lines.contains(&"harbor.corp.local/3rdparty/grafana:12.1.0-ubuntu"));
    assert!(lines.contains(
        &"harbor.corp.local/monitoring/prometheus/prometheus:v3.5.0@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
    ));
    let json: Value = serde_json::from_str(&run("json")).expect("JSON");
    let entries = json.as_array().expect("a list");
    assert_eq!(entries.len(), lines.len());
    let reloader = entries
        .iter()
        .find(|e| e["name"] == "prometheus-config-reloader")
        .expect("the reloader is listed");
    assert_eq!(
        reloader["source"],
        "quay.io/prometheus-operator/prometheus-config-reloader:v0.93.0"
    );
    assert_eq!(
        reloader["image"],
        "harbor.corp.local/monitoring/prometheus-operator/prometheus-config-reloader:v0.93.0"
    );
}
