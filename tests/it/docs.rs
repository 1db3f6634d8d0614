//! Documentation and editor support stay true: the schema describes every key with examples that
//! validate, `.taplo.toml` points editors at the schema, the generated reference is fresh, the
//! guide quotes the real example site and output, and the CI and GitOps examples are well formed.

use crate::common;

use std::fs;

use serde_json::Value;

fn schema() -> Value {
    serde_json::from_str(&fs::read_to_string(common::root().join("schema/site.schema.json")).expect("schema exists"))
        .expect("schema is JSON")
}

/// Every `properties` entry anywhere in the schema, as (JSON path, property schema).
fn properties(value: &Value, path: &str, found: &mut Vec<(String, Value)>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Object(props)) = map.get("properties") {
                for (name, property) in props {
                    found.push((format!("{path}/properties/{name}"), property.clone()));
                }
            }
            for (key, child) in map {
                properties(child, &format!("{path}/{key}"), found);
            }
        }
        Value::Array(items) => items
            .iter()
            .enumerate()
            .for_each(|(i, child)| properties(child, &format!("{path}/{i}"), found)),
        _ => {}
    }
}

#[test]
fn every_schema_property_has_a_description() {
    let mut found = Vec::new();
    properties(&schema(), "", &mut found);
    assert!(found.len() > 80, "too few properties found: {}", found.len());
    let bare: Vec<&str> = found
        .iter()
        .filter(|(_, p)| {
            p.get("description")
                .and_then(Value::as_str)
                .is_none_or(|d| d.trim().len() < 8)
        })
        .map(|(path, _)| path.as_str())
        .collect();
    assert!(bare.is_empty(), "properties without a description: {bare:?}");
}

#[test]
fn schema_examples_are_valid_values() {
    let root = schema();
    let mut found = Vec::new();
    properties(&root, "", &mut found);
    let mut checked = 0;
    for (path, property) in &found {
        let Some(examples) = property.get("examples").and_then(Value::as_array) else {
            continue;
        };
        // The property's schema, with the root's definitions so that `$ref`s resolve.
        let mut standalone = property.clone();
        standalone["$defs"] = root["$defs"].clone();
        let validator = jsonschema::validator_for(&standalone).unwrap_or_else(|e| panic!("{path}: {e}"));
        for example in examples {
            let errors: Vec<String> = validator.iter_errors(example).map(|e| e.to_string()).collect();
            assert!(
                errors.is_empty(),
                "{path}: example {example} does not fit its own schema: {errors:?}"
            );
            checked += 1;
        }
    }
    assert!(
        checked >= 80,
        "only {checked} examples found; keys should show an example"
    );
}

#[test]
fn taplo_config_maps_site_files_to_the_schema() {
    let config: toml::Table =
        toml::from_str(&fs::read_to_string(common::root().join(".taplo.toml")).expect(".taplo.toml exists"))
            .expect("TOML");
    let rules = config["rule"].as_array().expect("[[rule]]");
    let site_rule = rules
        .iter()
        .find(|r| {
            r["include"]
                .as_array()
                .is_some_and(|i| i.iter().any(|p| p.as_str() == Some("sites/*.toml")))
        })
        .expect("a rule for sites/*.toml");
    let schema = site_rule["schema"]["path"].as_str().expect("schema.path");
    assert!(common::root().join(schema).is_file(), "{schema} does not exist");
    let readme = fs::read_to_string(common::root().join("README.md")).expect("README");
    assert!(
        readme.contains("#:schema ../schema/site.schema.json") && readme.contains(".taplo.toml"),
        "the README documents the directive and .taplo.toml"
    );
}

#[test]
fn site_format_reference_is_generated_from_the_schema() {
    let committed = fs::read_to_string(common::root().join("docs/site-format.md")).expect("docs/site-format.md exists");
    let generated = promsite::docs::site_format(&promsite::check::site_schema());
    assert!(
        committed == generated,
        "docs/site-format.md is stale; run `cargo run -q -- docs > docs/site-format.md`"
    );
    // Every key of the schema appears in the reference.
    let mut found = Vec::new();
    properties(&schema(), "", &mut found);
    for (path, _) in found {
        let key = path.rsplit('/').next().expect("a key");
        let as_row = generated.contains(&format!("| `{key}` |"));
        let as_section = generated.contains(&format!("## `[{key}]`")) || generated.contains(&format!("## `[[{key}]]`"));
        assert!(as_row || as_section, "{key} ({path}) is missing from the reference");
    }
}

/// Fenced blocks whose info string names a file (```` ```yaml file=out/... ````), as (file, body).
fn quoted_blocks(markdown: &str) -> Vec<(String, String)> {
    let mut blocks = Vec::new();
    let mut current: Option<(String, String)> = None;
    for line in markdown.lines() {
        match &mut current {
            Some((file, body)) if line == "```" => {
                blocks.push((std::mem::take(file), std::mem::take(body)));
                current = None;
            }
            Some((_, body)) => {
                body.push_str(line);
                body.push('\n');
            }
            None => {
                if let Some(file) = line
                    .strip_prefix("```")
                    .and_then(|info| info.split_whitespace().find_map(|w| w.strip_prefix("file=")))
                {
                    current = Some((file.to_owned(), String::new()));
                }
            }
        }
    }
    blocks
}

#[test]
fn guide_answers_six_questions_with_current_excerpts() {
    let guide = fs::read_to_string(common::root().join("docs/guide.md")).expect("docs/guide.md exists");
    let sections: Vec<&str> = guide.split("\n## ").skip(1).collect();
    for n in 1..=6 {
        let section = sections
            .iter()
            .find(|s| s.starts_with(&format!("{n}. ")))
            .unwrap_or_else(|| panic!("question {n} is missing"));
        let blocks = quoted_blocks(section);
        assert!(
            blocks.iter().any(|(file, _)| file.starts_with("sites/")),
            "question {n} shows no part of the site file"
        );
        assert!(
            blocks.iter().any(|(file, _)| file.starts_with("out/")),
            "question {n} shows no output"
        );
    }
    let blocks = quoted_blocks(&guide);
    assert!(blocks.len() >= 20, "only {} excerpts", blocks.len());
    for (file, body) in blocks {
        let text = fs::read_to_string(common::root().join(&file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert!(
            text.contains(&body),
            "docs/guide.md quotes {file}, but the file no longer contains:\n{body}"
        );
    }
}

fn yaml_documents(relative: &str) -> Vec<Value> {
    let text = fs::read_to_string(common::root().join(relative)).unwrap_or_else(|e| panic!("{relative}: {e}"));
    serde_saphyr::from_multiple(&text).unwrap_or_else(|e| panic!("{relative} is not valid YAML: {e}"))
}

/// The `promsite ...` commands of a CI example, from its `run:` steps or `script:` lines.
fn promsite_commands(lines: impl IntoIterator<Item = String>) -> Vec<Vec<String>> {
    lines
        .into_iter()
        .filter(|l| l.starts_with("promsite "))
        .map(|l| l.split_whitespace().skip(1).map(str::to_owned).collect())
        .collect()
}

/// Runs a CI example's promsite commands in a copy of the repository's sites and output: they
/// must be valid invocations, and pass on the committed (fresh) output.
fn run_in_repository_copy(commands: &[Vec<String>]) {
    let dir = tempfile::tempdir().expect("tempdir");
    common::write_tree(
        &[(
            "sites/example.toml".to_owned(),
            fs::read_to_string(common::root().join("sites/example.toml")).expect("site"),
        )]
        .into_iter()
        .collect(),
        dir.path(),
    );
    let compiled = common::compile("sites/example.toml");
    common::write_tree(
        &compiled
            .tree
            .iter()
            .map(|(p, t)| (format!("out/{}/{p}", compiled.name), t.clone()))
            .collect(),
        dir.path(),
    );
    for args in commands {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_promsite"))
            .args(args)
            .current_dir(dir.path())
            .env("NO_COLOR", "1")
            .output()
            .expect("promsite runs");
        assert!(
            output.status.success(),
            "`promsite {}` failed:\n{}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

#[test]
fn github_actions_example_annotates_and_checks_freshness() {
    let workflow = &yaml_documents("docs/ci/github-actions.yml")[0];
    assert!(
        workflow.get("on").is_some_and(|on| on.get("pull_request").is_some()),
        "runs on pull requests"
    );
    let steps = workflow["jobs"]["sites"]["steps"].as_array().expect("jobs.sites.steps");
    let runs: Vec<String> = steps
        .iter()
        .filter_map(|s| s["run"].as_str())
        .flat_map(|r| r.lines().map(str::to_owned).collect::<Vec<_>>())
        .collect();
    let commands = promsite_commands(runs);
    assert!(
        commands
            .iter()
            .any(|c| c.starts_with(&["check".into(), "--format".into(), "github".into()])),
        "{commands:?}"
    );
    assert!(
        commands
            .iter()
            .any(|c| c.windows(2).any(|w| w == ["compile", "--check"])),
        "{commands:?}"
    );
    run_in_repository_copy(&commands);
}

#[test]
fn gitlab_ci_example_reports_code_quality_and_checks_freshness() {
    let pipeline = &yaml_documents("docs/ci/gitlab-ci.yml")[0];
    let job = &pipeline["promsite"];
    let script: Vec<String> = job["script"]
        .as_array()
        .expect("promsite.script")
        .iter()
        .filter_map(|l| l.as_str().map(str::to_owned))
        .collect();
    let commands = promsite_commands(script);
    let report = job["artifacts"]["reports"]["codequality"]
        .as_str()
        .expect("a codequality report artifact");
    assert!(
        commands
            .iter()
            .any(|c| c.windows(2).any(|w| w[0] == "--gitlab-report" && w[1] == report)),
        "the report the job uploads is the one promsite writes: {commands:?}"
    );
    assert!(
        commands
            .iter()
            .any(|c| c.windows(2).any(|w| w == ["compile", "--check"])),
        "{commands:?}"
    );
    assert_eq!(
        job["artifacts"]["when"], "always",
        "the report is uploaded when the check fails"
    );
    run_in_repository_copy(&commands);
}

/// `out/<site>` as a GitOps source: it exists and kustomize can start from it.
fn assert_is_site_output(path: &str) {
    let dir = common::root().join(path.trim_start_matches("./"));
    assert!(
        dir.join("kustomization.yaml").is_file() && dir.join(".promsite.yaml").is_file(),
        "{path} is not a compiled site directory"
    );
}

#[test]
fn argocd_applications_point_at_the_compiled_site_and_its_crds() {
    let documents = yaml_documents("docs/gitops/argocd-application.yaml");
    assert_eq!(documents.len(), 2, "one Application for the CRDs, one for the stack");
    let mut paths = Vec::new();
    for app in &documents {
        assert_eq!(
            (app["apiVersion"].as_str(), app["kind"].as_str()),
            (Some("argoproj.io/v1alpha1"), Some("Application"))
        );
        assert!(app["metadata"]["name"].is_string() && app["metadata"]["namespace"].is_string());
        let source = &app["spec"]["source"];
        assert!(
            source["repoURL"].as_str().is_some_and(|u| u.starts_with("https://"))
                && source["targetRevision"].is_string()
        );
        assert!(app["spec"]["destination"]["server"].is_string() || app["spec"]["destination"]["name"].is_string());
        let options = app["spec"]["syncPolicy"]["syncOptions"]
            .as_array()
            .expect("syncOptions");
        assert!(
            options.iter().any(|o| o == "ServerSideApply=true"),
            "the CRDs are too large for client-side apply"
        );
        paths.push(source["path"].as_str().expect("spec.source.path").to_owned());
    }
    assert_eq!(paths, ["out/aipaas-japan/setup", "out/aipaas-japan"]);
    assert_is_site_output(&paths[1]);
    assert!(common::root().join(&paths[0]).join("kustomization.yaml").is_file());
    assert_eq!(documents[1]["spec"]["syncPolicy"]["automated"]["prune"], true);
    // Sync waves do not order two Applications: the stack's first sync must survive missing CRDs.
    let stack = &documents[1]["spec"]["syncPolicy"];
    assert!(
        stack["syncOptions"]
            .as_array()
            .is_some_and(|o| o.iter().any(|o| o == "SkipDryRunOnMissingResource=true")),
        "the stack's dry run fails until its CRDs exist"
    );
    assert!(
        stack["retry"]["limit"].as_u64().is_some_and(|l| l > 0),
        "the stack must retry until its CRDs exist"
    );
}

#[test]
fn flux_kustomizations_point_at_the_compiled_site_after_its_crds() {
    let documents = yaml_documents("docs/gitops/flux-kustomization.yaml");
    let repository = documents
        .iter()
        .find(|d| d["kind"] == "GitRepository")
        .expect("a GitRepository");
    assert_eq!(repository["apiVersion"], "source.toolkit.fluxcd.io/v1");
    assert!(repository["spec"]["url"].is_string() && repository["spec"]["ref"]["branch"].is_string());
    let kustomizations: Vec<&Value> = documents.iter().filter(|d| d["kind"] == "Kustomization").collect();
    assert_eq!(
        kustomizations.len(),
        2,
        "one Kustomization for the CRDs, one for the stack"
    );
    for kustomization in &kustomizations {
        assert_eq!(kustomization["apiVersion"], "kustomize.toolkit.fluxcd.io/v1");
        let source = &kustomization["spec"]["sourceRef"];
        assert_eq!(
            (source["kind"].as_str(), source["name"].as_str()),
            (Some("GitRepository"), repository["metadata"]["name"].as_str())
        );
        assert_eq!(
            kustomization["metadata"]["namespace"], repository["metadata"]["namespace"],
            "the sourceRef has no namespace, so all live together"
        );
        assert!(
            kustomization["spec"]["interval"]
                .as_str()
                .is_some_and(|i| i.ends_with('m') || i.ends_with('s') || i.ends_with('h'))
        );
    }
    let (crds, stack) = (kustomizations[0], kustomizations[1]);
    assert_eq!(crds["spec"]["path"], "./out/aipaas-japan/setup");
    assert!(
        common::root()
            .join("out/aipaas-japan/setup/kustomization.yaml")
            .is_file()
    );
    assert_is_site_output(stack["spec"]["path"].as_str().expect("spec.path"));
    assert_eq!(stack["spec"]["prune"], true);
    assert_eq!(
        stack["spec"]["dependsOn"][0]["name"], crds["metadata"]["name"],
        "the stack waits for its CRDs"
    );
    assert_eq!(
        crds["spec"]["wait"], true,
        "without wait, the CRDs are Ready before they are established"
    );
}

/// The first fenced block of `lang` after `heading` in a Markdown document.
fn block_after(markdown: &str, heading: &str, lang: &str) -> String {
    let after = &markdown[markdown
        .find(heading)
        .unwrap_or_else(|| panic!("no {heading} in the document"))..];
    let start = after
        .find(&format!("```{lang}\n"))
        .unwrap_or_else(|| panic!("no {lang} block after {heading}"))
        + lang.len()
        + 4;
    let body = &after[start..];
    body[..body.find("```\n").expect("closed block")].to_owned()
}

/// The JSON example in docs/ci.md is what promsite prints for the broken site of the README's tour.
#[test]
fn ci_json_example_is_what_promsite_prints_for_the_readme_site() {
    let readme = fs::read_to_string(common::root().join("README.md")).expect("README");
    let ci = fs::read_to_string(common::root().join("docs/ci.md")).expect("docs/ci.md");
    let site = block_after(&readme, "### What an error looks like", "toml");
    let source = promsite::diag::SiteSource::new("broken.toml", site);
    let diagnostics = promsite::pipeline::check(&source).expect_err("the README's site is broken");
    let printed = promsite::diag::json(&promsite::diag::locate(&source, diagnostics));
    assert_eq!(
        block_after(&ci, "**JSON**", "json"),
        printed,
        "the JSON example in docs/ci.md is out of date"
    );
}
