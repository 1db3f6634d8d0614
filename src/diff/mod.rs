//! Comparing what a site compiles to with what is on disk (per-file unified diffs) or in a
//! cluster (`cluster`: per-object diffs against a [`LiveSource`]). Reads the file system and the
//! cluster, never writes either: cluster requests are reads and dry runs.

pub mod cluster;
pub mod dump;
#[cfg(feature = "cluster")]
pub mod kubernetes;
pub mod normalize;
pub mod resources;

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::Path;

use similar::TextDiff;

pub use cluster::{LiveError, LiveSource, Report};

use crate::emit::{Tree, WriteError, generated_files, layout::MARKER};

/// One file that differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileDiff {
    /// Path relative to the compared directories.
    pub path: String,
    /// Contents on disk, `None` if absent.
    pub old: Option<String>,
    /// Contents compiled, `None` if no longer generated.
    pub new: Option<String>,
}

impl FileDiff {
    /// The unified diff, git-style (`a/` on disk, `b/` compiled), 3 lines of context.
    pub fn unified(&self) -> String {
        let old = self.old.as_deref().unwrap_or("");
        let new = self.new.as_deref().unwrap_or("");
        let a = if self.old.is_some() {
            format!("a/{}", self.path)
        } else {
            "/dev/null".to_owned()
        };
        let b = if self.new.is_some() {
            format!("b/{}", self.path)
        } else {
            "/dev/null".to_owned()
        };
        let mut text = TextDiff::from_lines(old, new)
            .unified_diff()
            .context_radius(3)
            .header(&a, &b)
            .to_string();
        if !text.ends_with('\n') {
            text.push('\n');
        }
        text
    }
}

/// Reads the files of `dir` that matter for a comparison with `compiled`: if promsite generated
/// `dir`, the files it generated plus those it would generate now (the user's own files are not
/// compared); otherwise every file below it.
pub fn read_dir(dir: &Path, compiled: &Tree) -> Result<Tree, WriteError> {
    let io_error = |path: &Path| {
        let path = path.to_owned();
        move |source: io::Error| WriteError::Io {
            action: "cannot read",
            path,
            source,
        }
    };
    let wanted: Option<BTreeSet<String>> = match generated_files(dir) {
        Ok(Some(mut files)) => {
            files.extend(compiled.keys().cloned());
            files.insert(MARKER.to_owned());
            Some(files)
        }
        Ok(None) => return Ok(Tree::new()),
        Err(WriteError::NotGenerated(_)) => None,
        Err(e) => return Err(e),
    };
    let mut tree = Tree::new();
    for entry in walkdir::WalkDir::new(dir).min_depth(1).sort_by_file_name() {
        let entry = entry.map_err(|e| WriteError::Io {
            action: "cannot read",
            path: e.path().unwrap_or(dir).to_owned(),
            source: e.into(),
        })?;
        if !entry.file_type().is_file() {
            continue;
        }
        let relative = crate::emit::relative_path(dir, entry.path());
        if wanted.as_ref().is_none_or(|w| w.contains(&relative)) {
            let bytes = fs::read(entry.path()).map_err(io_error(entry.path()))?;
            tree.insert(relative, String::from_utf8_lossy(&bytes).into_owned());
        }
    }
    Ok(tree)
}

/// Files that differ between `on_disk` and `compiled`, in path order.
pub fn diff(on_disk: &Tree, compiled: &Tree) -> Vec<FileDiff> {
    let paths: BTreeSet<&String> = on_disk.keys().chain(compiled.keys()).collect();
    paths
        .into_iter()
        .filter_map(|path| {
            let old = on_disk.get(path);
            let new = compiled.get(path);
            (old != new).then(|| FileDiff {
                path: path.clone(),
                old: old.cloned(),
                new: new.cloned(),
            })
        })
        .collect()
}
