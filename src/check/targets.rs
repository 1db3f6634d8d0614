//! Targets outside the cluster (`[[static_scrape]]`, `[[probe]]`): addresses, labels, federation
//! selectors, intervals and timeouts.

use std::collections::BTreeSet;

use super::Ctx;
use super::scrapes::{Defaults, RawOptions, options, timing};
use super::syntax::promql;
use super::syntax::values::{self, Problem};
use crate::diag::Code;
use crate::model::{self, Duration};
use crate::site::{escape, raw};

/// The federation endpoint's parameter for series selectors.
const MATCH: &str = "match[]";

/// Checks every static scrape; returns them sorted by name.
pub(crate) fn static_scrapes(
    ctx: &mut Ctx<'_>,
    raw: &[raw::StaticScrape],
    defaults: &Defaults<'_>,
) -> Vec<model::StaticScrape> {
    ctx.unique(
        "static scrape",
        raw.iter()
            .enumerate()
            .map(|(i, s)| (format!("/static_scrape/{i}/name"), s.name.as_str())),
    );
    let mut scrapes: Vec<model::StaticScrape> = raw
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let at = format!("/static_scrape/{i}");
            ctx.check(Code::NameInvalid, format!("{at}/name"), values::dns_subdomain(&s.name));
            let targets = targets(ctx, &at, &s.targets, values::host_port);
            labels(ctx, &at, &s.labels);
            for (j, selector) in s.federate.iter().enumerate() {
                ctx.check(
                    Code::FederateSelector,
                    format!("{at}/federate/{j}"),
                    promql::series_selector(selector),
                );
            }
            let mut federate = s.federate.clone();
            federate.sort();
            federate.dedup();
            if !federate.is_empty() {
                if let Some(path) = s.path.as_ref().filter(|p| p.starts_with('/') && *p != "/federate") {
                    ctx.error(
                        Code::ValuePath,
                        format!("{at}/path"),
                        Problem::new(
                            format!("federation scrapes `/federate`, not `{path}`"),
                            "remove `path`: `federate` sets it",
                        ),
                    );
                }
                if s.params.contains_key(MATCH) {
                    ctx.error_at_key(
                        Code::FederateSelector,
                        format!("{at}/params/{}", escape(MATCH)),
                        Problem::new(
                            "`federate` sets the `match[]` parameter",
                            "list the selectors in `federate` and remove `match[]` from `params`",
                        ),
                    );
                }
            }
            let mut options = options(ctx, &at, &RawOptions::from(s), defaults);
            if !federate.is_empty() {
                options.path.get_or_insert_with(|| "/federate".to_owned());
                options.honor_labels.get_or_insert(true);
                options.params.insert(MATCH.to_owned(), federate.clone());
            }
            model::StaticScrape {
                name: s.name.clone(),
                targets,
                labels: s.labels.clone(),
                federate,
                options,
            }
        })
        .collect();
    scrapes.sort_by(|a, b| a.name.cmp(&b.name));
    scrapes
}

/// Checks every probe; returns them sorted by name.
pub(crate) fn probes(ctx: &mut Ctx<'_>, raw: &[raw::Probe], scrape_interval: &Duration) -> Vec<model::Probe> {
    ctx.unique(
        "probe",
        raw.iter()
            .enumerate()
            .map(|(i, p)| (format!("/probe/{i}/name"), p.name.as_str())),
    );
    let mut probes: Vec<model::Probe> = raw
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let at = format!("/probe/{i}");
            ctx.check(Code::NameInvalid, format!("{at}/name"), values::dns_subdomain(&p.name));
            if let Some(prober) = &p.prober {
                ctx.check(Code::ValueHostPort, format!("{at}/prober"), values::host_port(prober));
            }
            if let Some(path) = p.prober_path.as_ref().filter(|p| !p.starts_with('/')) {
                ctx.error(
                    Code::ValuePath,
                    format!("{at}/prober_path"),
                    Problem::new(
                        format!("`{path}` is not an absolute URL path"),
                        "start the path with `/`, e.g. `/probe`",
                    ),
                );
            }
            let not_empty = |target: &str| {
                if target.trim().is_empty() {
                    Err(Problem::new(
                        "a probe target cannot be empty",
                        "write a URL, `host:port` or host, as the module expects",
                    ))
                } else {
                    Ok(())
                }
            };
            let targets = targets(ctx, &at, &p.targets, not_empty);
            labels(ctx, &at, &p.labels);
            let (interval, timeout) = timing(ctx, &at, p.interval.as_ref(), p.timeout.as_ref(), scrape_interval);
            model::Probe {
                name: p.name.clone(),
                prober: p.prober.clone(),
                prober_scheme: p.prober_scheme,
                prober_path: p.prober_path.clone(),
                module: p.module.clone(),
                targets,
                labels: p.labels.clone(),
                interval,
                timeout,
            }
        })
        .collect();
    probes.sort_by(|a, b| a.name.cmp(&b.name));
    probes
}

/// Each target checked, none twice (the CRDs hold them as sets); returned sorted.
fn targets(ctx: &mut Ctx<'_>, at: &str, raw: &[String], check: impl Fn(&str) -> values::Checked<()>) -> Vec<String> {
    ctx.unique(
        "target",
        raw.iter()
            .enumerate()
            .map(|(j, t)| (format!("{at}/targets/{j}"), t.as_str())),
    );
    for (j, target) in raw.iter().enumerate() {
        ctx.check(Code::ValueHostPort, format!("{at}/targets/{j}"), check(target));
    }
    let set: BTreeSet<String> = raw.iter().cloned().collect();
    set.into_iter().collect()
}

fn labels(ctx: &mut Ctx<'_>, at: &str, labels: &std::collections::BTreeMap<String, String>) {
    for key in labels.keys() {
        if let Err(problem) = values::label_name(key) {
            ctx.error_at_key(Code::ValueLabelName, format!("{at}/labels/{}", escape(key)), problem);
        }
    }
}
