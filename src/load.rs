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
    let read = |relative: &str| {
        std::fs::read_to_string(base.join(relative))
            .map(Into::into)
            .map_err(|e| e.to_string())
    };
    for file in wanted.files {
        let contents = read(&file);
        included.files.insert(file, contents);
    }
    for pattern in wanted.globs {
        let matched = expand(base, &pattern);
        for file in matched.iter().flatten() {
            let contents = read(file);
            included.files.insert(file.clone(), contents);
        }
        included.globs.insert(pattern, matched);
    }
    Ok(SiteSource::new(path.display().to_string(), text).with_included(included))
}

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
