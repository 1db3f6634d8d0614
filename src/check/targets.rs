//! Targets outside the cluster (`[[static_scrape]]`, `[[probe]]`) and the HTTP client settings
//! Prometheus uses for them and for remote write: addresses, labels, federation selectors, and
//! credentials that only ever come from Secrets.

use std::collections::BTreeSet;

use super::Ctx;
use super::syntax::promql;
use super::syntax::values::{self, Problem};
use crate::diag::Code;
use crate::model::receiver::{Authorization, TlsConfig};
use crate::model::{self, ClientAuth, Duration};
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

/// The `authorization` and `tls_config` of an outgoing connection, from Prometheus or Alertmanager
/// (`code` tells which): Secret references, no `Basic` authorization (the help points at
/// `basic_auth`, written as the caller's format spells it), and a client certificate only with its key.
pub(crate) fn authorization_and_tls(
    ctx: &mut Ctx<'_>,
    code: Code,
    at: &str,
    authorization: Option<&Authorization>,
    tls: Option<&TlsConfig>,
    basic_auth: &str,
) {
    if let Some(authorization) = authorization {
        ctx.secret_ref(&format!("{at}/authorization/credentials"), &authorization.credentials);
        if authorization
            .kind
            .as_deref()
            .is_some_and(|k| k.eq_ignore_ascii_case("basic"))
        {
            ctx.error(
                code,
                format!("{at}/authorization/type"),
                Problem::new(
                    "`authorization` cannot be of type `Basic`",
                    format!("use `{basic_auth}` instead"),
                ),
            );
        }
    }
    if let Some(tls) = tls {
        for (key, secret) in [("ca", &tls.ca), ("cert", &tls.cert), ("key", &tls.key)] {
            if let Some(secret) = secret {
                ctx.secret_ref(&format!("{at}/tls_config/{key}"), secret);
            }
        }
        if tls.cert.is_some() != tls.key.is_some() {
            ctx.error_at_key(
                code,
                format!("{at}/tls_config"),
                Problem::new(
                    "a client certificate needs both `cert` and `key`",
                    "give both `cert` and `key`, or neither",
                ),
            );
        }
    }
}

/// Credentials and TLS of an outgoing connection from Prometheus.
pub(crate) fn client_auth(
    ctx: &mut Ctx<'_>,
    at: &str,
    basic: Option<&raw::SecretBasicAuth>,
    authorization: Option<&Authorization>,
    tls: Option<&TlsConfig>,
) -> ClientAuth {
    if basic.is_some() && authorization.is_some() {
        ctx.error_at_key(
            Code::HttpClient,
            format!("{at}/authorization"),
            Problem::new(
                "`basic_auth` and `authorization` cannot both be set",
                "keep one of `basic_auth` and `authorization`",
            ),
        );
    }
    if let Some(basic) = basic {
        ctx.check(
            Code::NameInvalid,
            format!("{at}/basic_auth/secret"),
            values::dns_subdomain(&basic.secret),
        );
        ctx.secret_key(&format!("{at}/basic_auth/username_key"), &basic.username_key);
        ctx.secret_key(&format!("{at}/basic_auth/password_key"), &basic.password_key);
    }
    authorization_and_tls(
        ctx,
        Code::HttpClient,
        at,
        authorization,
        tls,
        "basic_auth = { secret = \"...\", username_key = \"...\", password_key = \"...\" }",
    );
    ClientAuth {
        basic_auth: basic.map(|b| (b.secret.clone(), b.username_key.clone(), b.password_key.clone())),
        authorization: authorization.cloned(),
        tls_config: tls.cloned(),
    }
}
