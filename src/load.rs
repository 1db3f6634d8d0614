//! Loading a site: the site file and every file it names, read from disk. This is the only input
//! of a compile; the checks and everything after them read only what it returns.

use std::path::Path;

use crate::diag::{Included, SiteSource};

/// Reads a site file and every file it names (templates, rule files matched by its patterns),
/// relative to the site file's directory. Problems with the named files are recorded, not
/// returned: the checks report them against the site.
pub fn load(path: &Path) -> std::io::Result<SiteSource> {
    let text = std::fs::read_to_string(path)?;
    let base = path.parent().unwrap_or_else(|| Path::new("."));
    let wanted = crate::site::includes(&text);
    let mut included = Included::default();
    let mut names = wanted.files;
    for pattern in wanted.globs {
        let matched = expand(base, &pattern);
        names.extend(matched.iter().flatten().cloned());
        included.globs.insert(pattern, matched);
    }
    // A file that several patterns match is read once.
    names.sort_unstable();
    names.dedup();
    // Opening and reading a file takes the kernel tens of microseconds: the 44 rule files of a
    // kube-prometheus-sized site are read on every core.
    let read = |relative: &String| {
        std::fs::read_to_string(base.join(relative))
            .map(Into::into)
            .map_err(|e| e.to_string())
    };
    let threads = crate::parallel::threads_for(names.len(), READ_IN_PARALLEL_FROM);
    let contents = crate::parallel::map_with(&names, threads, || (), |(), name| read(name));
    included.files.extend(names.into_iter().zip(contents));
    Ok(SiteSource::new(path.display().to_string(), text).with_included(included))
}

/// Below this many files, threads cost more than they save.
const READ_IN_PARALLEL_FROM: usize = 16;

/// The files below `base` that `pattern` matches (`*` within a directory, `**` across them), as
/// `/`-separated paths relative to `base`, sorted.
fn expand(base: &Path, pattern: &str) -> Result<Vec<String>, String> {
    let matcher = globset::GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()
        .map_err(|e| e.to_string())?
        .compile_matcher();
    // Walk only below the pattern's literal prefix (`rules/` in `rules/**/*.yaml`).
    let prefix: Vec<&str> = pattern
        .split('/')
        .take_while(|part| !part.contains(['*', '?', '[', '{']))
        .collect();
    let prefix = if prefix.len() == pattern.split('/').count() {
        &prefix[..prefix.len() - 1]
    } else {
        &prefix[..]
    };
    let root = prefix.iter().fold(base.to_path_buf(), |dir, part| dir.join(part));
    if !root.is_dir() {
        return Ok(Vec::new());
    }
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(&root).sort_by_file_name() {
        let entry = entry.map_err(|e| e.to_string())?;
        if !entry.file_type().is_file() {
            continue;
        }
        let relative = crate::emit::relative_path(base, entry.path());
        if matcher.is_match(&relative) {
            files.push(relative);
        }
    }
    files.sort();
    Ok(files)
}

#[cfg(test)]
mod tests {
    /// Many rule files (read on every core), two patterns matching some of them, and a missing
    /// template: each path once with its own contents or its error, each pattern with its files in
    /// order.
    #[test]
    fn every_named_file_is_read_with_its_own_contents() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        std::fs::create_dir(dir.path().join("rules")).expect("mkdir");
        let names: Vec<String> = (0..40).map(|i| format!("rules/r{i:02}.yml")).collect();
        for name in &names {
            std::fs::write(dir.path().join(name), format!("# {name}\n")).expect("write");
        }
        let site = dir.path().join("site.toml");
        std::fs::write(
            &site,
            "rule_files = [\"rules/*.yml\", \"rules/r0*.yml\"]\n[alertmanager]\ntemplates = [\"missing.tmpl\"]\n",
        )
        .expect("write");
        let source = super::load(&site).expect("the site file reads");
        assert_eq!(source.included.globs["rules/*.yml"].as_ref().expect("expanded"), &names);
        assert_eq!(
            source.included.globs["rules/r0*.yml"].as_ref().expect("expanded"),
            &names[..10]
        );
        for name in &names {
            let contents = source.included.files[name].as_ref().expect("read");
            assert_eq!(&**contents, format!("# {name}\n"));
        }
        assert!(source.included.files["missing.tmpl"].is_err());
        assert_eq!(source.included.files.len(), names.len() + 1);
    }
}
