//! Whole-output tests: every `tests/fixtures/<case>/site.toml` compiles to exactly the files recorded in
//! `tests/fixtures/<case>/expected.snap`. `PROMSITE_BLESS=1 cargo test --test it fixtures::` rewrites the snapshots.
//!
//! One snapshot file per case instead of a copy of the tree: the cases hold close to a thousand generated files,
//! which crowded the repository, while a single file still shows in a review which outputs changed and how.
//! The format is plain text, one section per file: a header `=== <path> <length in bytes>` and then exactly that
//! many bytes and a newline, so a file's own contents can never be mistaken for the next header.

use std::collections::BTreeMap;

use crate::common;

use promsite::diff;

const HEADER: &str = "=== ";

fn snapshot(tree: &BTreeMap<String, String>) -> String {
    let mut text = String::new();
    for (path, contents) in tree {
        text.push_str(&format!("{HEADER}{path} {}\n{contents}\n", contents.len()));
    }
    text
}

fn read_snapshot(text: &str) -> Result<BTreeMap<String, String>, String> {
    let mut tree = BTreeMap::new();
    let mut rest = text;
    while !rest.is_empty() {
        let (header, after) = rest.split_once('\n').ok_or("a header without a newline")?;
        let (path, length) = header
            .strip_prefix(HEADER)
            .and_then(|h| h.rsplit_once(' '))
            .ok_or_else(|| format!("not a header: {header:?}"))?;
        let length: usize = length.parse().map_err(|_| format!("bad length in {header:?}"))?;
        let contents = after.get(..length).ok_or_else(|| format!("{path} is cut short"))?;
        rest = after[length..]
            .strip_prefix('\n')
            .ok_or_else(|| format!("{path} is not followed by a newline: its length is wrong"))?;
        tree.insert(path.to_string(), contents.to_string());
    }
    Ok(tree)
}

#[test]
fn every_fixture_compiles_to_its_snapshot() {
    let bless = std::env::var_os("PROMSITE_BLESS").is_some();
    let cases: Vec<String> = common::valid_sites()
        .into_iter()
        .filter(|s| s.starts_with("tests/fixtures/"))
        .collect();
    assert!(cases.len() >= 2, "fixture cases are missing: {cases:?}");
    let mut failures = Vec::new();
    for site in cases {
        let compiled = common::compile(&site);
        let path = common::root().join(&site).with_file_name("expected.snap");
        if bless {
            std::fs::write(&path, snapshot(&compiled.tree)).expect("snapshot is writable");
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let recorded = read_snapshot(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let diffs = diff::diff(&recorded, &compiled.tree);
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

#[test]
fn a_snapshot_reads_back_as_the_tree_it_was_written_from() {
    let tree: BTreeMap<String, String> = [
        ("a.yaml", "kind: A\n"),
        ("no-newline.txt", "x"),
        ("empty", ""),
        ("nested/looks-like-a-header.txt", "=== b.yaml 3\nabc\n\n"),
        ("unicode.yaml", "name: 東京\n"),
    ]
    .into_iter()
    .map(|(p, c)| (p.to_string(), c.to_string()))
    .collect();
    assert_eq!(read_snapshot(&snapshot(&tree)), Ok(tree));
    assert!(read_snapshot("=== a.yaml 99\nshort\n").is_err());
    assert!(read_snapshot("=== a.yaml 2\nabc\n").is_err());
    assert!(read_snapshot("garbage\n").is_err());
}
