//! Compile-time benchmarks: each stage of one site (check, render, serialize, write) at the four
//! synthetic sizes, with uniform rules and with realistic ones (`*_realistic`), and whole `promsite compile` /
//! `compile --check` processes over a directory of 50 M-sized sites, PromQL checking alone (`promql_realistic_l`,
//! with the fast acceptor and without), and the YAML writer on strings it styles itself and on strings it leaves to
//! serde-saphyr (`yaml_strings`). Run with `cargo bench --bench compile`;
//! docs/performance.md shows how peak memory is measured.

use std::path::{Path, PathBuf};
use std::process::Command;

use divan::Bencher;
use promsite::diag::SiteSource;
use promsite::synthetic::{self, Rules, Size};
use promsite::{emit, pipeline, render};

fn main() {
    divan::main();
}

fn source(size: Size, rules: Rules) -> SiteSource {
    SiteSource::new(
        format!("{}-{}.toml", size.label(), rules.label()),
        synthetic::site_with(size, rules, &format!("bench-{}", size.label())),
    )
}

fn checked(size: Size, rules: Rules) -> promsite::model::Site {
    match pipeline::check(&source(size, rules)) {
        Ok(checked) => checked.site,
        Err(diagnostics) => panic!("the synthetic {size:?} {rules:?} site is invalid: {diagnostics:?}"),
    }
}

fn bench_check(bencher: Bencher, size: Size, rules: Rules) {
    let source = source(size, rules);
    bencher.bench(|| pipeline::check(divan::black_box(&source)).is_ok());
}

fn bench_render(bencher: Bencher, size: Size, rules: Rules) {
    let model = checked(size, rules);
    bencher.bench(|| render::render(divan::black_box(&model)));
}

fn bench_serialize(bencher: Bencher, size: Size, rules: Rules) {
    let bundle = render::render(&checked(size, rules));
    bencher.bench(|| emit::tree(divan::black_box(&bundle)).is_ok());
}

fn bench_write(bencher: Bencher, size: Size, rules: Rules) {
    let tree = match emit::tree(&render::render(&checked(size, rules))) {
        Ok(tree) => tree,
        Err(e) => panic!("cannot serialize: {e}"),
    };
    bencher
        .with_inputs(|| tempfile::tempdir().expect("a temporary directory"))
        .bench_local_values(|dir| emit::write(&tree, dir.path(), "bench").is_ok());
}

/// Parse and every check, up to the validated model.
#[divan::bench(args = Size::ALL, sample_count = 10)]
fn check(bencher: Bencher, size: Size) {
    bench_check(bencher, size, Rules::Uniform);
}

/// Model → typed objects.
#[divan::bench(args = Size::ALL, sample_count = 10)]
fn render(bencher: Bencher, size: Size) {
    bench_render(bencher, size, Rules::Uniform);
}

/// Objects → file contents (YAML serialization, kustomization, marker).
#[divan::bench(args = Size::ALL, sample_count = 10)]
fn serialize(bencher: Bencher, size: Size) {
    bench_serialize(bencher, size, Rules::Uniform);
}

/// File contents → a fresh `out/<site>/` (staging directory, renames).
#[divan::bench(args = Size::ALL, sample_count = 10)]
fn write(bencher: Bencher, size: Size) {
    bench_write(bencher, size, Rules::Uniform);
}

/// [`check`] of realistic rules: each its own metric names, expression form and templates.
#[divan::bench(args = Size::ALL, sample_count = 10)]
fn check_realistic(bencher: Bencher, size: Size) {
    bench_check(bencher, size, Rules::Realistic);
}

/// [`render`] of realistic rules.
#[divan::bench(args = Size::ALL, sample_count = 10)]
fn render_realistic(bencher: Bencher, size: Size) {
    bench_render(bencher, size, Rules::Realistic);
}

/// [`serialize`] of realistic rules.
#[divan::bench(args = Size::ALL, sample_count = 10)]
fn serialize_realistic(bencher: Bencher, size: Size) {
    bench_serialize(bencher, size, Rules::Realistic);
}

/// [`write`] of realistic rules.
#[divan::bench(args = Size::ALL, sample_count = 10)]
fn write_realistic(bencher: Bencher, size: Size) {
    bench_write(bencher, size, Rules::Realistic);
}

/// The inline rules of the realistic L site, as TOML tables.
fn realistic_l_rules() -> Vec<toml::Value> {
    let site: toml::Value = toml::from_str(&synthetic::site_with(Size::L, Rules::Realistic, "bench-l")).expect("TOML");
    site["rule_groups"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|group| group["rules"].as_array().into_iter().flatten())
        .cloned()
        .collect()
}

/// PromQL checking alone, on the 2,000 rule expressions of the realistic L site (each with its own
/// skeleton, so the memo rarely helps), on one thread: with the fast acceptor and without it.
#[divan::bench(args = [true, false], sample_count = 10)]
fn promql_realistic_l(bencher: Bencher, fast: bool) {
    let rules = realistic_l_rules();
    let expressions: Vec<&str> = rules
        .iter()
        .filter_map(|rule| rule.get("expr").and_then(toml::Value::as_str))
        .collect();
    assert_eq!(expressions.len(), 2000);
    bencher.bench(|| {
        assert_eq!(
            promsite::check::bench::promql(divan::black_box(&expressions), fast),
            expressions.len()
        );
    });
}

/// Checking the label and annotation templates of the realistic L site (10,000 texts in the forms
/// public rule collections use: pipes, `printf`, `with`, `range`, `humanize*`, `$externalLabels`),
/// each once, on one thread.
#[divan::bench(sample_count = 10)]
fn templates_realistic_l(bencher: Bencher) {
    let rules = realistic_l_rules();
    let texts: Vec<&str> = rules
        .iter()
        .flat_map(|rule| ["labels", "annotations"].map(|key| rule.get(key).and_then(toml::Value::as_table)))
        .flatten()
        .flat_map(|table| table.values().filter_map(toml::Value::as_str))
        .collect();
    assert!(texts.len() >= 8000, "only {} templates", texts.len());
    bencher.bench(|| {
        assert_eq!(promsite::check::bench::templates(divan::black_box(&texts)), texts.len());
    });
}

/// Reading the realistic L site file (1.4 MB) into its JSON view, with the fast reading in front of
/// the TOML parser and with the TOML parser alone (what a file the fast reading leaves, such as one
/// with Windows line breaks, takes).
#[divan::bench(args = [true, false], sample_count = 20)]
fn site_toml_realistic_l(bencher: Bencher, fast: bool) {
    let text = synthetic::site_with(Size::L, Rules::Realistic, "bench-l");
    let keys = promsite::check::bench::site_json(&text, false);
    assert!(keys >= 8, "only {keys} top-level keys");
    bencher.bench(|| {
        assert_eq!(promsite::check::bench::site_json(divan::black_box(&text), fast), keys);
    });
}

/// Reading the rule-file corpus (`tests/rule-corpus/accepted`: files in the shapes of mixin
/// output, community collections, PyYAML dumps, anchors), with the fast reading in front of the
/// YAML parser and with the YAML parser alone; the files the fast reading leaves (anchors, flow
/// collections, quoted keys) take the YAML parser in both.
#[divan::bench(args = [true, false], sample_count = 20)]
fn rule_file_corpus(bencher: Bencher, fast: bool) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/rule-corpus/accepted");
    let mut texts: Vec<String> = std::fs::read_dir(&dir)
        .expect("the rule corpus")
        .flatten()
        .map(|entry| std::fs::read_to_string(entry.path()).expect("readable"))
        .collect();
    texts.sort();
    let groups = promsite::check::bench::rule_files(&texts, false);
    assert!(groups > 40, "only {groups} groups");
    bencher.bench(|| {
        assert_eq!(
            promsite::check::bench::rule_files(divan::black_box(&texts), fast),
            groups
        );
    });
}

/// Writing 10,000 rule-like entries as YAML whose strings the writer styles itself (plain or
/// double-quoted) and whose strings it leaves to serde-saphyr one by one (a `: ` inside, a
/// non-ASCII character, a number): the case the writer's one-pass styling does not cover.
#[divan::bench(args = ["own", "serde-saphyr"], sample_count = 20)]
fn yaml_strings(bencher: Bencher, styled_by: &str) {
    use std::collections::BTreeMap;
    let entries: Vec<BTreeMap<&str, String>> = (0..10_000)
        .map(|i| {
            let (summary, value) = if styled_by == "own" {
                (
                    format!("Pod {{{{ $labels.pod }}}} restarted {i} times"),
                    format!("{{{{ $value }}}} of {i}"),
                )
            } else {
                (
                    format!("Pod {{{{ $labels.pod }}}}: restarted {i} times"),
                    format!("{i}.5"),
                )
            };
            BTreeMap::from([
                ("alert", format!("App{i}Restarting")),
                ("expr", format!("increase(app{i}_restarts_total[15m]) > 3")),
                ("summary", summary),
                ("value", value),
                (
                    "owner",
                    if styled_by == "own" {
                        "team-a".to_owned()
                    } else {
                        format!("équipe-{i}")
                    },
                ),
            ])
        })
        .collect();
    bencher.bench(|| promsite::yaml::to_string(divan::black_box(&entries)).map(|text| text.len()));
}

/// A directory of 50 M-sized sites, compiled once so that `compile --check` finds it current.
struct Fleet {
    _dir: tempfile::TempDir,
    sites: PathBuf,
    out: PathBuf,
}

fn fleet() -> Fleet {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let sites = dir.path().join("sites");
    std::fs::create_dir_all(&sites).expect("the sites directory");
    for i in 0..50 {
        std::fs::write(
            sites.join(format!("site-{i:02}.toml")),
            synthetic::site(Size::M, &format!("site-{i:02}")),
        )
        .expect("a site file");
    }
    let out = dir.path().join("out");
    assert!(
        promsite(&["compile", path(&sites), "-o", path(&out)]),
        "the fleet compiles"
    );
    Fleet { _dir: dir, sites, out }
}

fn path(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 temporary path")
}

fn promsite(args: &[&str]) -> bool {
    Command::new(env!("CARGO_BIN_EXE_promsite"))
        .args(args)
        .output()
        .expect("promsite runs")
        .status
        .success()
}

/// `promsite compile sites/` over 50 M sites, whose output is current (the everyday case).
#[divan::bench(sample_count = 10)]
fn process_compile_50_m(bencher: Bencher) {
    let fleet = fleet();
    bencher.bench(|| assert!(promsite(&["compile", path(&fleet.sites), "-o", path(&fleet.out)])));
}

/// `promsite compile --check sites/` over 50 M sites (pull-request CI).
#[divan::bench(sample_count = 10)]
fn process_check_50_m(bencher: Bencher) {
    let fleet = fleet();
    bencher.bench(|| {
        assert!(promsite(&[
            "compile",
            "--check",
            path(&fleet.sites),
            "-o",
            path(&fleet.out)
        ]));
    });
}
