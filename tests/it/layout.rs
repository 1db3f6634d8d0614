//! The module graph of `src/check/`: the hub calls the passes, the passes share `ctx` and the
//! `syntax/` wing, and nothing imports back up. A cycle there is what made `check/build.rs` both
//! hub and toolbox; this reads the sources and refuses any.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use regex::Regex;

/// Modules of `src/check/` by path (`""` is `check` itself, `syntax/promql` a file of the wing),
/// with their source outside `#[cfg(test)] mod tests`.
fn modules() -> BTreeMap<String, String> {
    fn walk(dir: &Path, root: &Path, out: &mut BTreeMap<String, String>) {
        for entry in std::fs::read_dir(dir).expect("src/check is readable") {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                walk(&path, root, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let relative = path.strip_prefix(root).expect("below root").with_extension("");
                let relative = relative.to_string_lossy().replace('\\', "/");
                let module = relative.strip_suffix("mod").unwrap_or(&relative).trim_end_matches('/');
                let text = std::fs::read_to_string(&path).expect("source is readable");
                let code = text.split("#[cfg(test)]\nmod tests").next().unwrap_or_default();
                let code: Vec<&str> = code.lines().filter(|l| !l.trim_start().starts_with("//")).collect();
                out.insert(module.to_owned(), code.join("\n"));
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/check");
    let mut out = BTreeMap::new();
    walk(&root, &root, &mut out);
    out
}

/// `a::{b, c::{d, e}}` as `a::b`, `a::c::d`, `a::c::e`.
fn expand(path: &str) -> Vec<String> {
    let path: String = path.chars().filter(|c| !c.is_whitespace()).collect();
    let Some(open) = path.find('{') else {
        return vec![path];
    };
    let (prefix, inner) = (&path[..open], &path[open + 1..path.len() - 1]);
    let (mut parts, mut depth, mut start) = (Vec::new(), 0, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[start..]);
    parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .flat_map(|p| expand(&format!("{prefix}{p}")))
        .collect()
}

fn parent(module: &str) -> &str {
    module.rsplit_once('/').map_or("", |(p, _)| p)
}

/// The module of `check` that a `super::…` or `crate::check::…` path in `from` names.
fn resolve(modules: &BTreeMap<String, String>, from: &str, path: &str) -> Option<String> {
    let mut segments = path.split("::").filter(|s| !s.is_empty() && *s != "self").peekable();
    let mut module = match segments.next()? {
        "crate" if segments.next() == Some("check") => String::new(),
        "super" => {
            let mut base = parent(from).to_owned();
            while segments.peek() == Some(&"super") {
                segments.next();
                base = parent(&base).to_owned();
            }
            base
        }
        _ => return None,
    };
    for segment in segments {
        let candidate = if module.is_empty() {
            segment.to_owned()
        } else {
            format!("{module}/{segment}")
        };
        if !modules.contains_key(&candidate) {
            // `check`'s own items are defined in (or re-exported from) their modules.
            if module.is_empty() && segment == "Ctx" {
                "ctx".clone_into(&mut module);
            }
            break;
        }
        module = candidate;
    }
    Some(module)
}

/// Depth-first search; a module met again while still on the path closes a cycle.
fn visit<'a>(
    module: &'a str,
    edges: &'a BTreeMap<&str, BTreeSet<String>>,
    path: &mut Vec<&'a str>,
    done: &mut BTreeSet<&'a str>,
) {
    if let Some(at) = path.iter().position(|m| *m == module) {
        panic!(
            "import cycle in src/check: {}",
            [&path[at..], &[module]].concat().join(" -> ")
        );
    }
    if !done.insert(module) {
        return;
    }
    path.push(module);
    for target in edges.get(module).into_iter().flatten() {
        visit(target, edges, path, done);
    }
    path.pop();
}

#[test]
fn check_has_no_import_cycle() {
    let modules = modules();
    assert!(
        modules.len() > 20 && modules.contains_key("ctx"),
        "{:?}",
        modules.keys()
    );
    let uses = Regex::new(r"\buse\s+([^;]+);").expect("pattern");
    let paths = Regex::new(r"(?:\bcrate::check|\bsuper)(?:::[A-Za-z_][A-Za-z_0-9]*)+").expect("pattern");
    let mut edges: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for (module, code) in &modules {
        let named = uses
            .captures_iter(code)
            .flat_map(|c| expand(&c[1]))
            .chain(paths.find_iter(code).map(|m| m.as_str().to_owned()));
        let targets = edges.entry(module).or_default();
        for path in named {
            let path = path.split(" as ").next().unwrap_or_default().to_owned();
            if let Some(target) = resolve(&modules, module, &path)
                // A parent declaring its children is not an import.
                && target != *module
                && !(module.is_empty() || target.starts_with(&format!("{module}/")))
            {
                targets.insert(target);
            }
        }
    }
    assert!(
        edges["site"].contains("nodes") && edges["nodes"].contains("ctx"),
        "{edges:#?}"
    );
    let mut done = BTreeSet::new();
    for module in edges.keys() {
        visit(module, &edges, &mut Vec::new(), &mut done);
    }
}
