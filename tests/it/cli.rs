//! The binary end to end: every command and exit code, atomic replacement, and refusal to touch
//! what promsite did not generate.

use crate::common;

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;

fn promsite(dir: &Path) -> Command {
    let mut command = Command::cargo_bin("promsite").expect("binary is built");
    command.current_dir(dir).env("NO_COLOR", "1").env_remove("CI");
    command
}

/// A temporary working directory holding `sites/example.toml`.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::create_dir(dir.path().join("sites")).expect("mkdir");
    fs::copy(
        common::root().join("sites/example.toml"),
        dir.path().join("sites/example.toml"),
    )
    .expect("copy");
    dir
}

const SITE_DIR: &str = "out/aipaas-japan";

/// build.rs links the binary at a fixed address on Linux: a position-independent one spends 0.7
/// ms of a small site's check fixing addresses at start-up. ELF type 2 is a fixed-address
/// executable, 3 a position-independent one.
#[cfg(target_os = "linux")]
#[test]
fn the_binary_is_linked_at_a_fixed_address() {
    use std::io::Read as _;
    let mut header = [0; 18];
    fs::File::open(env!("CARGO_BIN_EXE_promsite"))
        .and_then(|mut binary| binary.read_exact(&mut header))
        .expect("read the binary's header");
    assert_eq!(&header[..4], b"\x7fELF");
    let elf_type = u16::from_le_bytes([header[16], header[17]]);
    assert_eq!(elf_type, 2, "the binary is position-independent (ELF type {elf_type})");
}

/// On Linux with glibc the binary replaces itself once, with allocator tunables set, before it
/// reads its arguments (src/main.rs): it must answer exactly as it does when it runs as started.
#[test]
fn the_restart_for_huge_pages_keeps_arguments_input_and_exit_status() {
    let dir = workspace();
    fs::write(
        dir.path().join("sites/bad.toml"),
        "[site]\nname = \"bad\"\nretension = 1\n",
    )
    .expect("write");
    let site = fs::read(dir.path().join("sites/example.toml")).expect("read");
    for args in [
        &["check", "sites"][..],
        &["compile", "sites/example.toml", "--check"],
        &["check", "-"],
        &["no-such-command"],
    ] {
        let run = |tunables: Option<&str>| {
            let mut command = promsite(dir.path());
            match tunables {
                Some(value) => command.env("GLIBC_TUNABLES", value),
                None => command.env_remove("GLIBC_TUNABLES"),
            };
            command.args(args).write_stdin(site.clone()).output().expect("runs")
        };
        let (restarted, as_started) = (run(None), run(Some("")));
        assert_eq!(restarted.status.code(), as_started.status.code(), "{args:?}");
        assert_eq!(
            String::from_utf8_lossy(&restarted.stdout),
            String::from_utf8_lossy(&as_started.stdout),
            "{args:?}"
        );
        assert_eq!(
            String::from_utf8_lossy(&restarted.stderr),
            String::from_utf8_lossy(&as_started.stderr),
            "{args:?}"
        );
    }
}

#[test]
fn check_reports_valid_and_invalid_sites() {
    let dir = workspace();
    promsite(dir.path())
        .args(["check", "sites/example.toml"])
        .assert()
        .success()
        .stdout(predicate::str::contains("ok (site `aipaas-japan`)"));
    fs::write(
        dir.path().join("sites/bad.toml"),
        "[site]\nname = \"bad\"\nretension = 1\n",
    )
    .expect("write");
    promsite(dir.path())
        .args(["check", "sites"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("sites/bad.toml:3:1: schema::unknown-key"))
        .stderr(predicate::str::contains("missing key `route`"));
    promsite(dir.path())
        .args(["check", "sites/missing.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read sites/missing.toml"));
    promsite(dir.path()).args(["check"]).assert().code(2);
    promsite(dir.path()).args(["frobnicate"]).assert().code(2);
}

#[test]
fn compile_writes_once_then_reports_unchanged() {
    let dir = workspace();
    promsite(dir.path())
        .args(["compile", "sites/example.toml"])
        .assert()
        .success()
        .stdout(predicate::str::contains("written"));
    assert!(dir.path().join(SITE_DIR).join("kustomization.yaml").is_file());
    assert!(dir.path().join(SITE_DIR).join(".promsite.yaml").is_file());
    promsite(dir.path())
        .args(["compile", "sites"])
        .assert()
        .success()
        .stdout(predicate::str::contains("unchanged"));
    let committed = promsite::diff::read_dir(&common::root().join(SITE_DIR), &promsite::emit::Tree::new())
        .expect("committed output");
    let written =
        promsite::diff::read_dir(&dir.path().join(SITE_DIR), &promsite::emit::Tree::new()).expect("written output");
    assert_eq!(committed, written, "the binary writes what is committed");
}

#[test]
fn compile_check_fails_on_stale_output_with_a_diff() {
    let dir = workspace();
    promsite(dir.path())
        .args(["compile", "--check", "sites/example.toml"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("+++ b/kustomization.yaml"));
    promsite(dir.path())
        .args(["compile", "sites/example.toml"])
        .assert()
        .success();
    promsite(dir.path())
        .args(["compile", "--check", "sites/example.toml"])
        .assert()
        .success()
        .stdout(predicate::str::contains("is up to date"));
    let site = dir.path().join("sites/example.toml");
    let text = fs::read_to_string(&site)
        .expect("read")
        .replace("retention = \"30d\"", "retention = \"45d\"");
    fs::write(&site, text).expect("write");
    promsite(dir.path())
        .args(["compile", "--check", "sites/example.toml"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("-  retention: 30d\n+  retention: 45d"))
        .stderr(predicate::str::contains("is stale"));
}

#[test]
fn diff_against_a_directory() {
    let dir = workspace();
    promsite(dir.path())
        .args(["compile", "sites/example.toml"])
        .assert()
        .success();
    promsite(dir.path())
        .args(["diff", "sites/example.toml", "--against", SITE_DIR])
        .assert()
        .success()
        .stdout("");
    let alertmanager = dir.path().join(SITE_DIR).join("alertmanager.yml");
    let edited = fs::read_to_string(&alertmanager)
        .expect("read")
        .replace("group_wait: 60s", "group_wait: 10s");
    fs::write(&alertmanager, edited).expect("write");
    promsite(dir.path())
        .args(["diff", "sites/example.toml", "--against", SITE_DIR])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "--- a/alertmanager.yml\n+++ b/alertmanager.yml",
        ))
        .stdout(predicate::str::contains("-  group_wait: 10s\n+  group_wait: 60s"));
    promsite(dir.path())
        .args(["diff", "sites/example.toml", "--against", "nowhere"])
        .assert()
        .code(2);
    fs::write(dir.path().join("sites/bad.toml"), "[site\n").expect("write");
    promsite(dir.path())
        .args(["diff", "sites/bad.toml", "--against", SITE_DIR])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("toml::syntax"));
}

#[test]
fn schema_prints_the_committed_schema() {
    let dir = workspace();
    let committed = fs::read_to_string(common::root().join("schema/site.schema.json")).expect("schema");
    promsite(dir.path()).arg("schema").assert().success().stdout(committed);
}

#[test]
fn an_invalid_site_leaves_the_previous_output_untouched() {
    let dir = workspace();
    promsite(dir.path())
        .args(["compile", "sites/example.toml"])
        .assert()
        .success();
    let before = promsite::diff::read_dir(&dir.path().join(SITE_DIR), &promsite::emit::Tree::new()).expect("output");
    let site = dir.path().join("sites/example.toml");
    fs::write(
        &site,
        fs::read_to_string(&site)
            .expect("read")
            .replace("receiver = \"ocr-team\"", "receiver = \"nobody\""),
    )
    .expect("write");
    promsite(dir.path())
        .args(["compile", "sites/example.toml"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("ref::unknown-receiver"));
    let after = promsite::diff::read_dir(&dir.path().join(SITE_DIR), &promsite::emit::Tree::new()).expect("output");
    assert_eq!(before, after);
}

#[test]
fn a_directory_promsite_did_not_generate_is_never_overwritten() {
    let dir = workspace();
    let foreign = dir.path().join(SITE_DIR);
    fs::create_dir_all(&foreign).expect("mkdir");
    fs::write(foreign.join("precious.yaml"), "kind: Mine\n").expect("write");
    promsite(dir.path())
        .args(["compile", "sites/example.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("was not generated by promsite"));
    assert_eq!(
        fs::read_to_string(foreign.join("precious.yaml")).expect("still there"),
        "kind: Mine\n"
    );
    assert_eq!(fs::read_dir(&foreign).expect("list").count(), 1);
}

#[test]
fn files_the_user_added_are_kept_and_stale_generated_files_removed() {
    let dir = workspace();
    promsite(dir.path())
        .args(["compile", "sites/example.toml"])
        .assert()
        .success();
    let out = dir.path().join(SITE_DIR);
    fs::write(out.join("NOTES.md"), "ours\n").expect("write");
    let site = dir.path().join("sites/example.toml");
    let without_ingress = fs::read_to_string(&site)
        .expect("read")
        .replace("prometheus = \"prometheus.minikube.local.com\"\n", "");
    fs::write(&site, without_ingress).expect("write");
    promsite(dir.path())
        .args(["compile", "sites/example.toml"])
        .assert()
        .success()
        .stdout(predicate::str::contains("kept NOTES.md"));
    assert_eq!(fs::read_to_string(out.join("NOTES.md")).expect("kept"), "ours\n");
    assert!(
        !out.join("monitoring/ingress-prometheus-k8s.yaml").exists(),
        "a file promsite no longer generates is removed"
    );
    assert!(out.join("monitoring/ingress-alertmanager-main.yaml").is_file());
    let leftovers: Vec<_> = fs::read_dir(dir.path().join("out"))
        .expect("list")
        .filter_map(std::result::Result::ok)
        .map(|e| e.file_name())
        .collect();
    assert_eq!(leftovers, ["aipaas-japan"], "no temporary directories are left behind");
}

#[test]
fn a_failed_write_leaves_the_previous_output_intact() {
    let dir = workspace();
    promsite(dir.path())
        .args(["compile", "sites/example.toml"])
        .assert()
        .success();
    let before = promsite::diff::read_dir(&dir.path().join(SITE_DIR), &promsite::emit::Tree::new()).expect("output");
    // A user's file where promsite now wants to write: the compile must fail before touching anything.
    let site = dir.path().join("sites/example.toml");
    fs::write(
        &site,
        fs::read_to_string(&site)
            .expect("read")
            .replace("name = \"ocr-pod-restart\"", "name = \"ocr-restarts\""),
    )
    .expect("write");
    fs::write(
        dir.path()
            .join(SITE_DIR)
            .join("monitoring/prometheusrule-ocr-restarts.yaml"),
        "mine\n",
    )
    .expect("write");
    promsite(dir.path())
        .args(["compile", "sites/example.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("was not generated by promsite"));
    let after = promsite::diff::read_dir(&dir.path().join(SITE_DIR), &promsite::emit::Tree::new()).expect("output");
    assert_eq!(before, after);
    let users = dir
        .path()
        .join(SITE_DIR)
        .join("monitoring/prometheusrule-ocr-restarts.yaml");
    assert_eq!(
        fs::read_to_string(users).expect("the user's file is still there"),
        "mine\n"
    );
}

/// Links `link` (relative to a fresh workspace, after `prepare`) to an empty directory elsewhere,
/// and asserts that compiling refuses with `message` and writes nothing through the link.
#[cfg(unix)]
fn compiling_through_a_link_is_refused(link: &str, prepare: impl FnOnce(&Path), message: &str) {
    let dir = workspace();
    let elsewhere = tempfile::tempdir().expect("tempdir");
    prepare(dir.path());
    std::os::unix::fs::symlink(elsewhere.path(), dir.path().join(link)).expect("symlink");
    promsite(dir.path())
        .args(["compile", "sites/example.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(message));
    assert_eq!(
        fs::read_dir(elsewhere.path()).expect("list").count(),
        0,
        "nothing was written through the link"
    );
}

#[cfg(unix)]
#[test]
fn symlinked_output_is_refused() {
    compiling_through_a_link_is_refused(
        SITE_DIR,
        |dir| fs::create_dir(dir.join("out")).expect("mkdir"),
        "symbolic link",
    );
}

#[cfg(unix)]
#[test]
fn a_symlinked_output_root_is_refused() {
    compiling_through_a_link_is_refused("out", |_| {}, "out is a symbolic link");
}

#[cfg(unix)]
#[test]
fn a_users_link_where_a_generated_directory_goes_is_a_conflict() {
    let dir = workspace();
    promsite(dir.path())
        .args(["compile", "sites/example.toml"])
        .assert()
        .success();
    let generated = dir.path().join(SITE_DIR).join("db");
    fs::remove_dir_all(&generated).expect("remove a generated directory");
    let elsewhere = tempfile::tempdir().expect("tempdir");
    std::os::unix::fs::symlink(elsewhere.path(), &generated).expect("symlink");
    promsite(dir.path())
        .args(["compile", "sites/example.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "db was not generated by promsite, but compiling now produces a file there",
        ));
    assert_eq!(
        fs::read_dir(elsewhere.path()).expect("list").count(),
        0,
        "nothing was written through the link"
    );
    assert!(
        fs::symlink_metadata(&generated)
            .expect("the link is still there")
            .file_type()
            .is_symlink()
    );
}

#[test]
fn two_sites_with_one_name_are_refused() {
    let dir = workspace();
    fs::copy(
        dir.path().join("sites/example.toml"),
        dir.path().join("sites/copy.toml"),
    )
    .expect("copy");
    promsite(dir.path())
        .args(["compile", "sites"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("both name site `aipaas-japan`"));
}

/// A site with one error (an unknown key) at line 3, next to the example (one warning).
fn workspace_with_a_bad_site() -> tempfile::TempDir {
    let dir = workspace();
    fs::write(
        dir.path().join("sites/bad.toml"),
        "[site]\nname = \"bad\"\nretension = 1\n",
    )
    .expect("write");
    dir
}

fn stdout_json(assert: &assert_cmd::assert::Assert) -> serde_json::Value {
    serde_json::from_slice(&assert.get_output().stdout).expect("stdout is one JSON document")
}

#[test]
fn json_format_prints_one_document_with_every_diagnostic() {
    let dir = workspace_with_a_bad_site();
    let assert = promsite(dir.path())
        .args(["check", "--format", "json", "sites"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("ok (site `aipaas-japan`)"));
    let document = stdout_json(&assert);
    assert_eq!(
        (document["errors"].as_u64(), document["warnings"].as_u64()),
        (Some(3), Some(3))
    );
    let diagnostics = document["diagnostics"].as_array().expect("array");
    let unknown = diagnostics
        .iter()
        .find(|d| d["code"] == "schema::unknown-key")
        .expect("the unknown key is listed");
    assert_eq!(unknown["file"], "sites/bad.toml");
    assert_eq!(
        (
            unknown["line"].as_u64(),
            unknown["column"].as_u64(),
            unknown["end_line"].as_u64(),
            unknown["end_column"].as_u64()
        ),
        (Some(3), Some(1), Some(3), Some(10))
    );
    assert_eq!(unknown["severity"], "error");
    assert!(unknown["help"].as_str().is_some_and(|h| h.contains("name, namespace")));
    // The seed exposes Prometheus (with its admin API) and Alertmanager without authentication.
    let codes: Vec<&str> = diagnostics
        .iter()
        .filter(|d| d["severity"] == "warning")
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert_eq!(
        codes,
        [
            "exposure::unauthenticated-admin-api",
            "exposure::unauthenticated",
            "exposure::unauthenticated"
        ]
    );
    let warning = diagnostics
        .iter()
        .find(|d| d["code"] == "exposure::unauthenticated-admin-api")
        .expect("the warning is listed");
    assert_eq!(
        (warning["file"].as_str(), warning["severity"].as_str()),
        (Some("sites/example.toml"), Some("warning"))
    );
    // compile and diff keep stdout for the document too: progress and diffs go to stderr.
    let assert = promsite(dir.path())
        .args(["compile", "--format", "json", "sites/example.toml"])
        .assert()
        .success()
        .stderr(predicate::str::contains("written"));
    assert_eq!(stdout_json(&assert)["warnings"], 3);
    fs::write(dir.path().join(SITE_DIR).join("alertmanager.yml"), "edited\n").expect("write");
    let assert = promsite(dir.path())
        .args(["diff", "--format", "json", "sites/example.toml", "--against", SITE_DIR])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("+++ b/alertmanager.yml"));
    assert_eq!(stdout_json(&assert)["errors"], 0);
}

#[test]
fn github_format_prints_workflow_commands() {
    let dir = workspace_with_a_bad_site();
    promsite(dir.path())
        .args(["check", "--format", "github", "sites"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("::error file=sites/bad.toml,line=3,col=1,endLine=3,endColumn=10,title=schema%3A%3Aunknown-key::unknown key `retension` in `site` — the keys allowed here are%3A name, namespace\n").not())
        .stdout(predicate::str::contains("::error file=sites/bad.toml,line=3,col=1,endLine=3,endColumn=10,title=schema%3A%3Aunknown-key::unknown key `retension` in `site` — the keys allowed here are: name, namespace\n"))
        .stdout(predicate::str::contains("::warning file=sites/example.toml,line=38,col=13,endLine=38,endColumn=17,title=exposure%3A%3Aunauthenticated-admin-api::"))
        .stdout(predicate::str::contains("::warning file=sites/example.toml,line=94,col=14,endLine=94,endColumn=45,title=exposure%3A%3Aunauthenticated::prometheus is exposed at `prometheus.minikube.local.com` without authentication"))
        .stderr(predicate::str::contains("sites/bad.toml:3:1: schema::unknown-key"));
    // A problem without a position (stale output) is an annotation too.
    promsite(dir.path())
        .args(["compile", "--check", "--format", "github", "sites/example.toml"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("::error::out/aipaas-japan is stale"));
}

#[test]
fn gitlab_report_is_written_and_printed() {
    let dir = workspace_with_a_bad_site();
    promsite(dir.path())
        .args(["check", "--gitlab-report", "gl-code-quality.json", "sites"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("schema::unknown-key"));
    let report: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("gl-code-quality.json")).expect("report written"))
            .expect("report is JSON");
    let issues = report.as_array().expect("an array of issues");
    assert_eq!(issues.len(), 6);
    let unknown = issues
        .iter()
        .find(|i| i["check_name"] == "schema::unknown-key")
        .expect("listed");
    assert_eq!(
        (
            unknown["severity"].as_str(),
            unknown["location"]["path"].as_str(),
            unknown["location"]["lines"]["begin"].as_u64()
        ),
        (Some("major"), Some("sites/bad.toml"), Some(3))
    );
    assert_eq!(unknown["fingerprint"].as_str().map(str::len), Some(64));
    let printed = stdout_json(
        &promsite(dir.path())
            .args(["check", "--format", "gitlab", "sites"])
            .assert()
            .code(1),
    );
    assert_eq!(printed, report, "the printed report is the written one");
    promsite(dir.path())
        .args([
            "check",
            "--gitlab-report",
            "no/such/dir/report.json",
            "sites/example.toml",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot write no/such/dir/report.json"));
}

#[test]
fn deny_warnings_fails_sites_with_warnings() {
    let dir = workspace();
    promsite(dir.path())
        .args(["check", "sites/example.toml"])
        .assert()
        .success();
    promsite(dir.path())
        .args(["check", "--deny-warnings", "sites/example.toml"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("warnings are denied"));
    promsite(dir.path())
        .args(["compile", "--deny-warnings", "sites/example.toml"])
        .assert()
        .code(1);
    assert!(!dir.path().join(SITE_DIR).exists(), "a denied site is not written");
    let site = dir.path().join("sites/example.toml");
    fs::write(
        &site,
        fs::read_to_string(&site)
            .expect("read")
            .replace("admin_api = true", "admin_api = false")
            .replace(
                "[ingress]\n",
                "[ingress]\nbasic_auth = { secret = \"monitoring-basic-auth\" }\ntls_secret = \"monitoring-tls\"\n",
            ),
    )
    .expect("write");
    promsite(dir.path())
        .args(["check", "--deny-warnings", "sites/example.toml"])
        .assert()
        .success()
        .stderr("");
    promsite(dir.path())
        .args(["check", "--format", "xml", "sites/example.toml"])
        .assert()
        .code(2);
}

/// A changed volume size cannot reach existing claims: `compile`, `compile --check` and `diff
/// --against` warn at the site's `size` (with the code of the invalid cases' registry), once
/// against the previous output; `--deny-warnings` then refuses to write.
#[test]
fn a_changed_volume_size_warns_against_the_previous_output() {
    let dir = workspace();
    promsite(dir.path())
        .args(["compile", "sites/example.toml"])
        .assert()
        .success()
        .stderr(predicate::str::contains("storage::size-changed").not());
    let site = dir.path().join("sites/example.toml");
    let text = fs::read_to_string(&site).expect("read");
    fs::write(&site, text.replace("size = \"10Gi\"", "size = \"20Gi\"")).expect("write");
    let line = "sites/example.toml:43:8: storage::size-changed";
    let warned = || predicate::str::contains(line).and(predicate::str::contains("10Gi → 20Gi"));
    promsite(dir.path())
        .args(["diff", "sites/example.toml", "--against", SITE_DIR])
        .assert()
        .code(1)
        .stderr(warned());
    promsite(dir.path())
        .args(["compile", "--check", "sites/example.toml"])
        .assert()
        .code(1)
        .stderr(warned());
    promsite(dir.path())
        .args(["compile", "--deny-warnings", "sites/example.toml"])
        .assert()
        .code(1)
        .stderr(warned());
    let prometheus = dir.path().join(SITE_DIR).join("monitoring/prometheus-k8s.yaml");
    assert!(fs::read_to_string(&prometheus).expect("read").contains("storage: 10Gi"));
    promsite(dir.path())
        .args(["compile", "sites/example.toml"])
        .assert()
        .success()
        .stderr(warned());
    assert!(fs::read_to_string(&prometheus).expect("read").contains("storage: 20Gi"));
    // Written: the new size is now the previous one.
    promsite(dir.path())
        .args(["compile", "sites/example.toml"])
        .assert()
        .success()
        .stderr(predicate::str::contains("storage::size-changed").not());
}

#[test]
fn explain_prints_each_code_and_refuses_unknown_ones() {
    let dir = workspace();
    for code in promsite::diag::Code::ALL {
        promsite(dir.path())
            .args(["explain", code.id()])
            .assert()
            .success()
            .stdout(predicate::str::starts_with(format!("# {}", code.id())))
            .stdout(predicate::str::contains("## How to fix it"))
            .stdout(predicate::str::contains("```toml"));
    }
    promsite(dir.path())
        .args(["explain", "schema::unkown-key"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean `schema::unknown-key`?"))
        .stderr(predicate::str::contains("  prometheus::admin-api\n"));
}

#[test]
fn init_writes_a_starter_site_that_checks_and_never_overwrites() {
    let dir = tempfile::tempdir().expect("tempdir");
    promsite(dir.path())
        .args(["init"])
        .assert()
        .success()
        .stdout(predicate::str::contains("sites/my-site.toml: written"));
    promsite(dir.path())
        .args(["check", "sites/my-site.toml"])
        .assert()
        .success()
        .stdout(predicate::str::contains("ok (site `my-site`)"))
        .stderr("");
    let before = fs::read_to_string(dir.path().join("sites/my-site.toml")).expect("written");
    assert!(
        before.lines().filter(|l| l.starts_with('#')).count() > 30,
        "the starter explains itself in comments"
    );
    promsite(dir.path())
        .args(["init"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("sites/my-site.toml already exists"));
    assert_eq!(
        fs::read_to_string(dir.path().join("sites/my-site.toml")).expect("still there"),
        before
    );
    promsite(dir.path())
        .args([
            "init",
            "--name",
            "lab",
            "--node",
            "w-1=10.0.0.1",
            "--node",
            "w-2=10.0.0.2",
            "--output",
            "lab.toml",
        ])
        .assert()
        .success();
    let lab: toml::Table =
        toml::from_str(&fs::read_to_string(dir.path().join("lab.toml")).expect("written")).expect("TOML");
    assert_eq!(lab["site"]["name"].as_str(), Some("lab"));
    let nodes: Vec<(&str, &str)> = lab["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| {
            (
                n["name"].as_str().expect("name"),
                n["address"].as_str().expect("address"),
            )
        })
        .collect();
    assert_eq!(nodes, [("w-1", "10.0.0.1"), ("w-2", "10.0.0.2")]);
    promsite(dir.path())
        .args(["check", "--deny-warnings", "lab.toml"])
        .assert()
        .success();
    // Flags that would make an invalid site write nothing; a malformed --node is a usage error.
    promsite(dir.path())
        .args(["init", "--name", "Bad_Name"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("name::invalid"));
    promsite(dir.path())
        .args(["init", "--node", "w-1=not-an-ip", "-o", "x.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("value::address"));
    assert!(!dir.path().join("sites/Bad_Name.toml").exists() && !dir.path().join("x.toml").exists());
    promsite(dir.path())
        .args(["init", "--node", "w-1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("NAME=ADDRESS"));
}

/// The committed fixture `tests/fixtures/starter/` is what `init` writes, so the real-tool tests
/// (promtool, amtool, kustomize, schemas) validate the starter's output too.
#[test]
fn the_starter_fixture_is_what_init_writes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let committed = fs::read_to_string(common::root().join("tests/fixtures/starter/site.toml")).expect("fixture");
    promsite(dir.path())
        .args([
            "init",
            "--name",
            "starter",
            "--node",
            "master-1=10.0.0.1",
            "--node",
            "master-2=10.0.0.2",
            "-o",
            "-",
        ])
        .assert()
        .success()
        .stdout(committed);
}

#[test]
fn completions_and_man_page_cover_the_commands() {
    let dir = tempfile::tempdir().expect("tempdir");
    for shell in ["bash", "zsh", "fish"] {
        let output = promsite(dir.path())
            .args(["completions", shell])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let script = String::from_utf8(output).expect("UTF-8");
        for command in ["check", "compile", "diff", "explain", "init"] {
            assert!(script.contains(command), "{shell} completions lack `{command}`");
        }
        assert!(script.contains("deny-warnings"), "{shell} completions lack the flags");
    }
    promsite(dir.path()).args(["completions", "tcsh"]).assert().code(2);
    let page = String::from_utf8(
        promsite(dir.path())
            .arg("man")
            .assert()
            .success()
            .get_output()
            .stdout
            .clone(),
    )
    .expect("UTF-8");
    assert!(
        page.starts_with(".ie") || page.contains(".TH promsite"),
        "not a roff page"
    );
    for command in ["check", "compile", "diff", "schema", "explain", "init", "completions"] {
        assert!(page.contains(command), "the man page does not mention `{command}`");
    }
    assert!(
        !page.contains("site-format reference"),
        "hidden commands stay out of the man page"
    );
}

/// What a command wrote, and how it ended.
struct Ended {
    code: Option<i32>,
    stdout: Vec<u8>,
    stderr: String,
}

/// Runs promsite in `dir` with stdout open to the end, or closed by its reader after `read`
/// bytes (`Some(0)`: closed before promsite starts, so its first write meets a broken pipe).
fn run_with_stdout(dir: &Path, args: &[&str], read: Option<usize>) -> Ended {
    use std::io::Read as _;
    use std::process::Stdio;
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_promsite"));
    command
        .current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("CI")
        .stdin(Stdio::null())
        .stderr(Stdio::piped());
    match read {
        None => {
            let output = command.stdout(Stdio::piped()).output().expect("runs");
            Ended {
                code: output.status.code(),
                stdout: output.stdout,
                stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            }
        }
        Some(0) => {
            let (reader, writer) = std::io::pipe().expect("pipe");
            drop(reader);
            let output = command.stdout(writer).output().expect("runs");
            Ended {
                code: output.status.code(),
                stdout: Vec::new(),
                stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            }
        }
        Some(bytes) => {
            let mut child = command.stdout(Stdio::piped()).spawn().expect("runs");
            let mut head = vec![0; bytes];
            child
                .stdout
                .take()
                .expect("stdout is piped")
                .read_exact(&mut head)
                .expect("reads the first bytes");
            let output = child.wait_with_output().expect("ends");
            Ended {
                code: output.status.code(),
                stdout: head,
                stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            }
        }
    }
}

/// `promsite schema | head -c 300`: every command that prints ends quietly when its reader goes
/// away, with the exit status and stderr it has with a reader (no panic, which exits 101).
#[test]
fn every_printing_command_ends_quietly_when_its_reader_goes_away() {
    let dir = workspace_with_a_bad_site();
    fs::create_dir(dir.path().join("empty")).expect("mkdir");
    fs::write(dir.path().join("empty.yaml"), "apiVersion: v1\nkind: List\nitems: []\n").expect("write dump");
    // A site whose diffs against nothing outgrow a pipe.
    fs::write(
        dir.path().join("big.toml"),
        promsite::synthetic::site(promsite::synthetic::Size::M, "big"),
    )
    .expect("write");
    let cases: &[&[&str]] = &[
        &["schema"],
        &["man"],
        &["completions", "bash"],
        &["explain", "schema::unknown-key"],
        &["docs"],
        &["synth", "l"],
        &["init", "--output", "-"],
        &["check", "sites"],
        &["check", "sites", "--format", "json"],
        &["check", "sites", "--format", "github"],
        &["check", "sites", "--format", "gitlab"],
        &["compile", "sites/example.toml", "--out", "out"],
        &["compile", "big.toml", "--out", "empty", "--check"],
        &["compile", "big.toml", "--out", "empty", "--check", "--format", "github"],
        &["diff", "big.toml", "--against", "empty"],
        &["diff", "big.toml", "--against", "empty", "--format", "json"],
        &["diff", "big.toml", "--live-file", "empty.yaml"],
        &["diff", "big.toml", "--live-file", "empty.yaml", "--output", "json"],
    ];
    let mut cut_short = Vec::new();
    for args in cases {
        let open = run_with_stdout(dir.path(), args, None);
        assert!(!open.stdout.is_empty(), "{args:?} prints nothing to test with");
        // Closed before the first write; and where the output is more than a pipe holds (64 KiB,
        // plus a page), closed after one byte, while promsite is still writing.
        let mut reads = vec![Some(0)];
        if open.stdout.len() > (64 + 4) * 1024 {
            reads.push(Some(1));
            cut_short.push(args.join(" "));
        }
        for read in reads {
            let closed = run_with_stdout(dir.path(), args, read);
            assert!(!closed.stderr.contains("panicked"), "{args:?}: {}", closed.stderr);
            assert_eq!(closed.code, open.code, "{args:?} (read {read:?}): {}", closed.stderr);
            assert_eq!(closed.stderr, open.stderr, "{args:?} (read {read:?})");
        }
    }
    assert!(cut_short.len() >= 8, "too few outputs outgrow a pipe: {cut_short:?}");
    // The same for stderr (`2>&1 | head`): diagnostics and errors are written there.
    for args in [&["check", "sites"][..], &["explain", "no::such-code"]] {
        let open = run_with_stdout(dir.path(), args, None);
        let (reader, writer) = std::io::pipe().expect("pipe");
        drop(reader);
        let closed = std::process::Command::new(env!("CARGO_BIN_EXE_promsite"))
            .current_dir(dir.path())
            .args(args)
            .env("NO_COLOR", "1")
            .env_remove("CI")
            .stdout(std::process::Stdio::null())
            .stderr(writer)
            .status()
            .expect("runs");
        assert!(!open.stderr.is_empty(), "{args:?} writes nothing on stderr");
        assert_eq!(closed.code(), open.code, "{args:?}");
    }
    // Any other failure to write is an error, said on stderr (Linux's /dev/full: no space left).
    if let Ok(full) = fs::OpenOptions::new().write(true).open("/dev/full") {
        for args in [&["schema"][..], &["check", "sites/example.toml"]] {
            let output = std::process::Command::new(env!("CARGO_BIN_EXE_promsite"))
                .current_dir(dir.path())
                .args(args)
                .env("NO_COLOR", "1")
                .stdout(full.try_clone().expect("dup"))
                .output()
                .expect("runs");
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
            assert!(stderr.contains("error: cannot write to stdout: "), "{args:?}: {stderr}");
            assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        }
    }
}
