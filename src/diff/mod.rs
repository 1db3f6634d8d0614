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

/// Volume sizes against the previous output. The operator's StatefulSets cannot change their
/// volumeClaimTemplates, so a new `storage.size` (or StorageClass) reaches new replicas only: the
/// claims of existing ones keep theirs. `compile` and `diff --against` read the previous Prometheus
/// and Alertmanager resources here (the live diff hands over the live ones) and warn, at the
/// site's `size`, with what to do by hand.
pub mod volumes {
    use std::fs;
    use std::path::Path;

    use serde_json::Value;

    use crate::diag::{Code, Diagnostic, Diagnostics};
    use crate::emit::{Tree, layout};
    use crate::pipeline::Compiled;
    use crate::render::Object;

    const PROVISIONED_HELP: &str = "a StatefulSet's volumeClaimTemplates are immutable: if the StorageClass allows \
        expansion, apply, raise each claim's `spec.resources.requests.storage` by hand, then delete the StatefulSet with \
        `--cascade=orphan` for the operator to recreate it; otherwise move the data and recreate the claims \
        (`promsite explain storage::size-changed`)";

    const LOCAL_HELP: &str = "a local volume's size is not enforced: make sure the disk behind `path` on every node has \
        the room; the claims keep their old request, which is harmless, until they are recreated \
        (`promsite explain storage::size-changed`)";

    /// The claim template of one resource: its size and StorageClass.
    #[derive(Debug, Clone, PartialEq, Eq)]
    struct Claim {
        size: Option<String>,
        class: Option<String>,
    }

    impl Claim {
        fn of(resource: &Value) -> Option<Self> {
            let spec = resource.pointer("/spec/storage/volumeClaimTemplate/spec")?;
            let text = |pointer: &str| spec.pointer(pointer).and_then(Value::as_str).map(str::to_owned);
            Some(Self {
                size: text("/resources/requests/storage"),
                class: text("/storageClassName"),
            })
        }
    }

    /// The resources whose claims are compared: (site section, path of its file, the resource as JSON).
    fn resources(compiled: &Compiled) -> Vec<(&'static str, String, Value)> {
        compiled
            .bundle
            .objects
            .iter()
            .filter_map(|(key, object)| {
                let section = match object {
                    Object::Prometheus(_) => "prometheus",
                    Object::Alertmanager(_) => "alertmanager",
                    _ => return None,
                };
                let value = serde_json::to_value(object).ok()?;
                Some((section, layout::object_path(key), value))
            })
            .collect()
    }

    /// The previous files of the Prometheus and Alertmanager resources in `dir`, as far as they exist.
    pub fn previous(dir: &Path, compiled: &Compiled) -> Tree {
        resources(compiled)
            .into_iter()
            .filter_map(|(_, path, _)| fs::read_to_string(dir.join(&path)).ok().map(|text| (path, text)))
            .collect()
    }

    /// A warning for each resource whose claim template differs from the one in `previous` (files by
    /// relative path), at the site's `storage.size`.
    pub fn warnings(compiled: &Compiled, previous: &Tree) -> Diagnostics {
        let mut diagnostics = Diagnostics::default();
        for (section, path, value) in resources(compiled) {
            let Some(new) = Claim::of(&value) else { continue };
            let old = previous
                .get(&path)
                .and_then(|text| serde_saphyr::from_str::<Value>(text).ok())
                .and_then(|old| Claim::of(&old));
            let Some(old) = old else { continue };
            if old == new {
                continue;
            }
            let show = |v: &Option<String>| v.as_deref().unwrap_or("none").to_owned();
            let mut changes = Vec::new();
            if old.size != new.size {
                changes.push(format!("size {} → {}", show(&old.size), show(&new.size)));
            }
            if old.class != new.class {
                changes.push(format!("StorageClass {} → {}", show(&old.class), show(&new.class)));
            }
            let local_class = format!("{}-{section}-local", compiled.name);
            let span = compiled
                .anchors
                .span(&format!("/{section}/storage/size"))
                .unwrap_or(0..0);
            diagnostics.push(
                Diagnostic::warning(
                    Code::StorageSizeChanged,
                    span,
                    format!(
                        "the volumes of [{section}] change against the previous {path} ({}): the claims of existing replicas keep theirs",
                        changes.join(", ")
                    ),
                )
                .with_help(if new.class.as_deref() == Some(local_class.as_str()) {
                    LOCAL_HELP
                } else {
                    PROVISIONED_HELP
                }),
            );
        }
        diagnostics
    }
}
