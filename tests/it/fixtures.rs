//! Whole-output tests: every `tests/fixtures/<case>/site.toml` compiles to exactly the tree in
//! `tests/fixtures/<case>/expected/`. `PROMSITE_BLESS=1 cargo test` rewrites the expected trees.

use crate::common;

use promsite::diff;

#[test]
fn every_fixture_compiles_to_its_expected_tree() {
    let bless = std::env::var_os("PROMSITE_BLESS").is_some();
    let cases: Vec<String> = common::valid_sites()
        .into_iter()
        .filter(|s| s.starts_with("tests/fixtures/"))
        .collect();
    assert!(cases.len() >= 2, "fixture cases are missing: {cases:?}");
    let mut failures = Vec::new();
    for site in cases {
        let compiled = common::compile(&site);
        let expected_dir = common::root().join(&site).with_file_name("expected");
        if bless {
            let _ = std::fs::remove_dir_all(&expected_dir);
            common::write_tree(&compiled.tree, &expected_dir);
            continue;
        }
        let on_disk = diff::read_dir(&expected_dir, &compiled.tree).expect("expected tree is readable");
        let diffs = diff::diff(&on_disk, &compiled.tree);
        if !diffs.is_empty() {
            failures.push(format!(
                "{site}:\n{}",
                diffs.iter().map(diff::FileDiff::unified).collect::<String>()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "output changed (rerun with PROMSITE_BLESS=1 if intended):\n{}",
        failures.join("\n")
    );
}
