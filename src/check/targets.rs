//! Targets outside the cluster (`[[static_scrape]]`, `[[probe]]`): addresses, labels, federation
//! selectors, intervals and timeouts.

use std::collections::BTreeSet;

use super::Ctx;
use super::client::client_auth;
use super::syntax::promql;
use super::syntax::values::{self, Problem};
use crate::diag::Code;
use crate::model::{self, Duration};
use crate::site::{escape, raw};

/// Checks every static scrape; returns them sorted by name.
pub(crate) fn static_scrapes(
    ctx: &mut Ctx<'_>,
    raw: &[raw::StaticScrape],
    scrape_interval: &Duration,
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
            if let Some(path) = &s.path {
                if !path.starts_with('/') {
                    ctx.error(
                        Code::ValuePath,
                        format!("{at}/path"),
                        Problem::new(
                            format!("`{path}` is not an absolute URL path"),
                            "start the path with `/`, e.g. `/metrics`",
                        ),
                    );
                } else if !federate.is_empty() && path != "/federate" {
                    ctx.error(
                        Code::ValuePath,
                        format!("{at}/path"),
                        Problem::new(
                            format!("federation scrapes `/federate`, not `{path}`"),
                            "remove `path`: `federate` sets it",
                        ),
                    );
                }
            }
            let (interval, timeout) = timing(ctx, &at, s.interval.as_ref(), s.timeout.as_ref(), scrape_interval);
            model::StaticScrape {
                name: s.name.clone(),
                targets,
                labels: s.labels.clone(),
                path: s
                    .path
                    .clone()
                    .or_else(|| (!federate.is_empty()).then(|| "/federate".to_owned())),
                honor_labels: s.honor_labels.or_else(|| (!federate.is_empty()).then_some(true)),
                federate,
                scheme: s.scheme,
                interval,
                timeout,
                auth: client_auth(
                    ctx,
                    &at,
                    s.basic_auth.as_ref(),
                    s.authorization.as_ref(),
                    s.tls_config.as_ref(),
                ),
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
            ctx.check(
                Code::ValueHostPort,
                format!("{at}/prober"),
                values::host_port(&p.prober),
            );
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

/// Interval and timeout; Prometheus refuses a timeout longer than the interval it applies to.
fn timing(
    ctx: &mut Ctx<'_>,
    at: &str,
    interval: Option<&String>,
    timeout: Option<&String>,
    scrape_interval: &Duration,
) -> (Option<Duration>, Option<Duration>) {
    let interval = ctx.duration(format!("{at}/interval"), interval);
    let timeout = ctx.duration(format!("{at}/timeout"), timeout);
    if let Some(t) = &timeout {
        let applies = interval.as_ref().unwrap_or(scrape_interval);
        if t.millis() > applies.millis() {
            ctx.error(
                Code::ValueDuration,
                format!("{at}/timeout"),
                Problem::new(
                    format!("the timeout {t} is longer than the interval {applies}"),
                    format!("lower `timeout` to at most {applies}, or raise `interval`"),
                ),
            );
        }
    }
    (interval, timeout)
}
