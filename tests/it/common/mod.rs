//! Helpers shared by the integration tests.
#![allow(
    dead_code,
    unreachable_pub,
    clippy::print_stderr,
    clippy::case_sensitive_file_extension_comparisons
)]

use std::path::{Path, PathBuf};
use std::process::Command;

use promsite::diag::SiteSource;
use promsite::emit::Tree;
use promsite::pipeline::{self, Compiled};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Reads a site file relative to the repository root.
pub fn source(relative: &str) -> SiteSource {
    let path = root().join(relative);
    let loaded = promsite::load(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    SiteSource {
        path: relative.to_owned(),
        ..loaded
    }
}

/// Compiles a site file that must be valid.
pub fn compile(relative: &str) -> Compiled {
    let source = source(relative);
    match pipeline::compile(&source) {
        Ok(compiled) => compiled,
        Err(diagnostics) => panic!("{relative} does not compile: {diagnostics:#?}"),
    }
}

/// Compiles site text that must be valid.
pub fn compile_text(name: &str, text: &str) -> Compiled {
    match pipeline::compile(&SiteSource::new(name, text)) {
        Ok(compiled) => compiled,
        Err(diagnostics) => panic!("{name} does not compile: {diagnostics:#?}"),
    }
}

/// Every `*.toml` directly in `dir` (relative to the root), sorted.
pub fn tomls(dir: &str) -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(root().join(dir))
        .unwrap_or_else(|e| panic!("cannot list {dir}: {e}"))
        .filter_map(std::result::Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".toml"))
        .map(|name| format!("{dir}/{name}"))
        .collect();
    files.sort();
    files
}

/// The sites the real-tool tests run on: the example sites and the valid fixture sites.
pub fn valid_sites() -> Vec<String> {
    let mut sites = tomls("sites");
    let mut cases: Vec<String> = std::fs::read_dir(root().join("tests/fixtures"))
        .expect("tests/fixtures exists")
        .filter_map(std::result::Result::ok)
        .filter(|e| e.path().join("site.toml").is_file())
        .map(|e| format!("tests/fixtures/{}/site.toml", e.file_name().to_string_lossy()))
        .collect();
    cases.sort();
    sites.extend(cases);
    sites
}

/// Writes a tree into a fresh directory.
pub fn write_tree(tree: &Tree, dir: &Path) {
    for (path, contents) in tree {
        let file = dir.join(path);
        std::fs::create_dir_all(file.parent().expect("files have a parent")).expect("create dir");
        std::fs::write(&file, contents).expect("write file");
    }
}

/// The release line a versioned tool must come from: the Prometheus or Alertmanager release that
/// sites target by default, whose behaviour the tests compare promsite with.
fn pinned_release(name: &str) -> Option<&'static str> {
    match name {
        "promtool" | "prometheus" => Some(promsite::model::DEFAULT_PROMETHEUS_VERSION),
        "amtool" | "prometheus-alertmanager" => Some(promsite::model::DEFAULT_ALERTMANAGER_VERSION),
        "prometheus-blackbox-exporter" => Some(promsite::model::blackbox::DEFAULT_BLACKBOX_VERSION),
        _ => None,
    }
}

/// Finds an external tool: `PROMSITE_<NAME>` if set, else `<name>` on PATH. A tool that judges
/// Prometheus or Alertmanager input must be of the pinned release line (same major and minor
/// version): an older promtool, say Debian bookworm's 2.42, refuses what Prometheus 3 reads. In CI
/// (`CI=true`) a missing or wrong tool fails the test; locally the test is skipped with a printed
/// reason naming the version found, the version needed and how to point at the right tool.
pub fn tool(name: &str) -> Option<PathBuf> {
    let env_override = format!("PROMSITE_{}", name.to_ascii_uppercase().replace('-', "_"));
    let in_ci = std::env::var("CI").as_deref() == Ok("true");
    let found = std::env::var_os(&env_override).map(PathBuf::from).or_else(|| {
        std::env::var_os("PATH")
            .into_iter()
            .flat_map(|paths| std::env::split_paths(&paths).collect::<Vec<_>>())
            .map(|dir| dir.join(name))
            .find(|candidate| candidate.is_file())
    });
    let Some(path) = found else {
        assert!(
            !in_ci,
            "{name} is required in CI but is not on PATH (set {env_override} or install it)"
        );
        eprintln!("SKIPPED: {name} is not installed; `bash .ci/run` installs it");
        return None;
    };
    let Some(pinned) = pinned_release(name) else {
        return Some(path);
    };
    let (_, text) = run_report(Command::new(&path).arg("--version"));
    let (found, needed) = (release(&text), release(pinned));
    if (found.0, found.1) == (needed.0, needed.1) {
        return Some(path);
    }
    let problem = format!(
        "{} is {name} {}.{}.{}, but the tests need {name} {}.{}.x (the {pinned} line sites target by default); \
         set {env_override}=/path/to/{name} to a {}.{} release (`bash .ci/run` fetches one)",
        path.display(),
        found.0,
        found.1,
        found.2,
        needed.0,
        needed.1,
        needed.0,
        needed.1
    );
    assert!(!in_ci, "{problem}");
    eprintln!("SKIPPED: {problem}");
    None
}

/// Runs a command and returns whether it succeeded, with its standard output and error joined (tools
/// print their verdicts on either). Panics only when the command cannot start.
pub fn run_report(command: &mut Command) -> (bool, String) {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("cannot run {command:?}: {e}"));
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), report)
}

/// Runs a command, panicking with its output when it fails.
pub fn run_ok(command: &mut Command) -> String {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("cannot run {command:?}: {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{command:?} failed ({}):\n{stdout}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// Parses a YAML document (as promsite writes it) into JSON.
pub fn yaml(text: &str) -> serde_json::Value {
    serde_saphyr::from_str(text).unwrap_or_else(|e| panic!("unparsable YAML: {e}\n{text}"))
}

/// The first `MAJOR.MINOR.PATCH` in a text (a tag such as `v0.33.1`, or a tool's `--version`
/// line), as numbers that order like releases.
pub fn release(text: &str) -> (u32, u32, u32) {
    text.split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .find_map(|word| {
            let parts: Vec<u32> = word.split('.').map(str::parse).collect::<Result<_, _>>().ok()?;
            match parts[..] {
                [major, minor, patch] => Some((major, minor, patch)),
                _ => None,
            }
        })
        .unwrap_or_else(|| panic!("no version in {text:?}"))
}

/// Whether an output file is YAML that promsite writes, one document per file: not a notification
/// template, nor a vendored CRD file (`setup/crds/`, copied as the site keeps it, possibly with
/// several documents).
pub fn is_yaml(path: &str) -> bool {
    (path.ends_with(".yaml") || path.ends_with(".yml")) && !path.starts_with("setup/crds/")
}

/// A site named `lab` with `body` and a webhook receiver for the root route: the smallest valid
/// frame for a section under test.
pub fn site_with(body: &str) -> String {
    format!(
        "[site]\nname = \"lab\"\n\n{body}\n\n[route]\nreceiver = \"team\"\n\n[[receivers]]\nname = \"team\"\nwebhook = [{{ url = \"http://alerts.example.com/hook\" }}]\n"
    )
}
