//! Huge inputs get a clear answer in bounded time: a site with 100,000 rules is checked, and a
//! flood of errors is summarised instead of printed (and located) one by one for minutes.

use assert_cmd::Command;
use predicates::prelude::*;

/// A valid site with `groups` rule groups of 100 rules each; `expr` is the same in every rule
/// but for the job label.
fn site_with_rules(groups: usize, expr: &str) -> String {
    let mut text = String::from(
        "[site]\nname = \"huge\"\n\n[route]\nreceiver = \"team\"\n\n[[receivers]]\nname = \"team\"\nwebhook = [{ url = \"http://hooks.example.com/team\" }]\n",
    );
    for group in 0..groups {
        text.push_str(&format!("\n[[rule_groups]]\nname = \"group-{group:04}\"\nrules = [\n"));
        for rule in 0..100 {
            let expr = expr.replace("JOB", &format!("job-{rule}"));
            text.push_str(&format!("  {{ alert = \"Down{group:04}x{rule:03}\", expr = {expr:?}, labels = {{ severity = \"warning\" }} }},\n"));
        }
        text.push_str("]\n");
    }
    text
}

fn check(site: &str) -> assert_cmd::assert::Assert {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("huge.toml"), site).expect("write the site");
    let mut command = Command::cargo_bin("promsite").expect("binary is built");
    command
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .args(["check", "huge.toml"])
        .timeout(std::time::Duration::from_secs(120));
    command.assert()
}

#[test]
fn a_site_with_100000_rules_is_checked() {
    let site = site_with_rules(1_000, "up{job=\"JOB\"} == 0");
    assert!(
        site.len() < promsite::site::MAX_SITE_BYTES,
        "the site fits under the size limit"
    );
    check(&site)
        .success()
        .stdout(predicate::str::contains("huge.toml: ok (site `huge`)"));
}

#[test]
fn a_flood_of_errors_is_summarised() {
    let site = site_with_rules(200, "up{job=\"JOB\"} ==");
    let assert = check(&site).code(1);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    let shown = stderr.lines().filter(|line| line.contains(": promql::syntax")).count();
    assert_eq!(
        shown,
        promsite::diag::MAX_RENDERED,
        "only the first reports are printed"
    );
    assert!(
        stderr.contains(&format!(
            "huge.toml: {} more not shown",
            20_000 - promsite::diag::MAX_RENDERED
        )),
        "{}",
        &stderr[stderr.len().saturating_sub(500)..]
    );
    assert!(stderr.contains("huge.toml: 20000 errors, 0 warnings"));
}
