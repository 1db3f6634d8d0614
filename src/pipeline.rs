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
    /// Spans of the values that comparisons with a previous output report on (`check::ANCHORS`).
    pub anchors: check::Anchors,
}

/// [`compile`] for many sites, on every core; results in the order of `sources`.
pub fn compile_all(sources: &[SiteSource]) -> Vec<Result<Compiled, Diagnostics>> {
    crate::parallel::map(sources, compile)
}

/// [`check`] for many sites, on every core; results in the order of `sources`.
pub fn check_all(sources: &[SiteSource]) -> Vec<Result<Checked, Diagnostics>> {
    crate::parallel::map(sources, check)
}

/// Checks a site file without rendering it.
pub fn check(source: &SiteSource) -> Result<Checked, Diagnostics> {
    std::thread::scope(|scope| {
        // Reading the schema takes longer than parsing a small site: do both at once.
        scope.spawn(check::prepare);
        let document = site::parse_document(source)?;
        // The rules' PromQL and templates and the rule files are most of the work on a large site:
        // they are checked and parsed on the other cores from here on, while this one builds the JSON view and runs
        // the stages before they are needed.
        let (rules, patterns) = (document.rule_texts(), document.rule_file_patterns());
        let ahead = scope.spawn(move || check::Ahead::compute(&rules, &patterns, &source.included));
        let parsed = document.into_parsed();
        // A panicking worker only loses what it worked out ahead; the checks work it out again.
        let checked = check::validate(&parsed, || ahead.join().unwrap_or_default());
        let checked = checked.and_then(|checked| verify_vendored(checked, &parsed));
        crate::parallel::drop_in_background(parsed);
        checked
    })
}

/// With vendored CRDs, the rendered custom resources are checked against them: `check` cannot, as
/// it knows nothing of rendering. Only such sites pay for the extra rendering.
fn verify_vendored(checked: Checked, parsed: &site::ParsedSite) -> Result<Checked, Diagnostics> {
    let vendored = checked
        .site
        .operator
        .as_ref()
        .is_some_and(|o| o.crds == crate::model::CrdSource::Vendored);
    if !vendored {
        return Ok(checked);
    }
    let problems = crate::vendored::verify(
        &checked.site,
        &render::render(&checked.site),
        &parsed.json,
        &parsed.spans,
    );
    if problems.has_errors() {
        let mut diagnostics = checked.warnings;
        diagnostics.extend(problems);
        return Err(diagnostics);
    }
    Ok(checked)
}

/// Compiles a site file into its output files.
pub fn compile(source: &SiteSource) -> Result<Compiled, Diagnostics> {
    let Checked {
        site,
        warnings,
        anchors,
    } = check(source)?;
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
        return Err(internal(format!(
            "two generated objects are both {} `{}`",
            key.kind, key.name
        )));
    }
    let tree = emit::tree(&bundle).map_err(|e| internal(format!("internal: cannot serialize the output: {e}")))?;
    let name = site.name.clone();
    // Freeing a large site's model took 2 ms before the write could start.
    crate::parallel::drop_in_background(site);
    Ok(Compiled {
        name,
        bundle,
        tree,
        warnings,
        anchors,
    })
}
