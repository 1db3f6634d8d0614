//! The compiler, end to end and pure: site text → parse → check → model → render → files.

use crate::check::{self, Checked};
use crate::diag::{Code, Diagnostic, Diagnostics, SiteSource};
use crate::emit::{self, Tree};
use crate::render::{self, Bundle};
use crate::site;

/// A compiled site.
#[derive(Debug, Clone)]
pub struct Compiled {
    /// Site name: output goes to `<out>/<name>/`.
    pub name: String,
    /// The rendered objects.
    pub bundle: Bundle,
    /// The files to write.
    pub tree: Tree,
    /// Warnings (the site compiled nonetheless).
    pub warnings: Diagnostics,
}

/// [`compile`] for many sites, on every core; results in the order of `sources`.
pub fn compile_all(sources: &[SiteSource]) -> Vec<Result<Compiled, Diagnostics>> {
    parallel_map(sources, compile)
}

/// [`check`] for many sites, on every core; results in the order of `sources`.
pub fn check_all(sources: &[SiteSource]) -> Vec<Result<Checked, Diagnostics>> {
    parallel_map(sources, check)
}

/// `items.iter().map(f)`, spread over the available cores: each worker takes the next item until
/// none is left, so that one large site does not hold up the small ones behind it.
fn parallel_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get).min(items.len());
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut results: Vec<(usize, R)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(item) = items.get(i) else { break done };
                        done.push((i, f(item)));
                    }
                })
            })
            .collect();
        // A worker's panic is a promsite bug; surface it as one rather than losing sites.
        workers.into_iter().flat_map(|worker| worker.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))).collect()
    });
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, result)| result).collect()
}

/// Checks a site file without rendering it.
pub fn check(source: &SiteSource) -> Result<Checked, Diagnostics> {
    // Building the schema validator takes as long as parsing a large site: do both at once.
    let parsed = std::thread::scope(|scope| {
        scope.spawn(check::prepare);
        site::parse(source)
    })?;
    check::validate(&parsed)
}

/// Compiles a site file into its output files.
pub fn compile(source: &SiteSource) -> Result<Compiled, Diagnostics> {
    let Checked { site, warnings } = check(source)?;
    let bundle = render::render(&site);
    let internal = |message: String| {
        let mut diagnostics = warnings.clone();
        diagnostics.push(
            Diagnostic::error(Code::NameCollision, 0..0, message)
                .with_help("this is a promsite bug: please report it with the site file"),
        );
        diagnostics
    };
    if let Some(key) = bundle.collisions.first() {
        return Err(internal(format!("two generated objects are both {} `{}`", key.kind, key.name)));
    }
    let tree = emit::tree(&bundle).map_err(|e| internal(format!("internal: cannot serialize the output: {e}")))?;
    Ok(Compiled { name: site.name, bundle, tree, warnings })
}
