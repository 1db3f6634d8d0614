//! `[[scrape]]` (ServiceMonitors for Services) and `[[pod_monitor]]` (PodMonitors for pods): where
//! the targets are; and what every kind of scrape may set, `[[static_scrape]]` included: path,
//! scheme, parameters, interval and timeout, honoring, credentials, relabeling and limits, and the
//! Prometheus-wide limits of `[prometheus] scrape_limits`.

use std::collections::BTreeMap;

use super::Ctx;
use super::client::client_auth;
use super::relabel::relabels;
use super::syntax::values::{self, Problem};
use super::versions::{self, Version};
use crate::diag::Code;
use crate::model::receiver::{Authorization, TlsConfig};
use crate::model::{self, Duration, OAuth2, Scheme, ScrapeLimits, ScrapeOptions, names};
use crate::site::{escape, raw};

/// Which section is checked: `[[scrape]]` or `[[pod_monitor]]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `[[scrape]]`, a ServiceMonitor.
    Service,
    /// `[[pod_monitor]]`, a PodMonitor.
    Pod,
}

impl Kind {
    fn section(self) -> &'static str {
        match self {
            Kind::Service => "scrape",
            Kind::Pod => "pod_monitor",
        }
    }
}

/// Checks every entry of the section; returns them sorted by name.
pub(crate) fn scrapes(
    ctx: &mut Ctx<'_>,
    kind: Kind,
    raw: &[raw::Scrape],
    site_namespace: &str,
    defaults: &Defaults<'_>,
) -> Vec<model::Scrape> {
    let section = kind.section();
    ctx.unique(
        &section.replace('_', " "),
        raw.iter()
            .enumerate()
            .map(|(i, s)| (format!("/{section}/{i}/name"), s.name.as_str())),
    );
    let mut scrapes: Vec<model::Scrape> = raw
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let at = format!("/{section}/{i}");
            ctx.check(Code::NameInvalid, format!("{at}/name"), values::dns_subdomain(&s.name));
            if kind == Kind::Service {
                ctx.reserved(
                    &format!("{at}/name"),
                    &s.name,
                    "ServiceMonitor",
                    names::SERVICE_MONITORS,
                );
            }
            if let Some(namespace) = &s.namespace {
                ctx.check(
                    Code::NameInvalid,
                    format!("{at}/namespace"),
                    values::dns_label(namespace),
                );
            }
            for (j, namespace) in s.namespaces.iter().enumerate() {
                ctx.check(
                    Code::NameInvalid,
                    format!("{at}/namespaces/{j}"),
                    values::dns_label(namespace),
                );
            }
            let mut namespaces: Vec<String> = s.namespace.iter().chain(&s.namespaces).cloned().collect();
            if namespaces.is_empty() {
                namespaces.push(site_namespace.to_owned());
            }
            namespaces.sort();
            namespaces.dedup();
            for (key, value) in &s.selector {
                let pointer = format!("{at}/selector/{}", escape(key));
                if let Err(problem) = values::k8s_label(key, value) {
                    ctx.error_at_key(Code::ValueK8sLabel, &pointer, problem);
                }
            }
            if !port_name(&s.port) {
                let (what, field) = match kind {
                    Kind::Service => ("a Service port", "the Service's `ports[].name`"),
                    Kind::Pod => ("a container port", "the container's `ports[].name`"),
                };
                ctx.error(
                    Code::NameInvalid,
                    format!("{at}/port"),
                    Problem::new(
                        format!("`{}` is not the name of {what}", s.port),
                        format!("name the port as it appears in {field}: at most 15 lower-case letters, digits and `-`, with at least one letter"),
                    ),
                );
            }
            model::Scrape {
                name: s.name.clone(),
                namespaces,
                selector: s.selector.clone(),
                port: s.port.clone(),
                options: options(ctx, &at, &RawOptions::from(s), defaults),
            }
        })
        .collect();
    scrapes.sort_by(|a, b| a.name.cmp(&b.name));
    scrapes
}

/// A Kubernetes port name (`IANA_SVC_NAME`), as monitors select ports: a number is not one.
fn port_name(text: &str) -> bool {
    (1..=15).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && text.bytes().any(|b| b.is_ascii_lowercase())
        && !text.starts_with('-')
        && !text.ends_with('-')
        && !text.contains("--")
}

/// The options as one site section spells them; every kind of scrape lends its fields.
pub(crate) struct RawOptions<'r> {
    pub(crate) path: Option<&'r String>,
    pub(crate) scheme: Option<Scheme>,
    pub(crate) params: &'r BTreeMap<String, Vec<String>>,
    pub(crate) interval: Option<&'r String>,
    pub(crate) timeout: Option<&'r String>,
    pub(crate) honor_labels: Option<bool>,
    pub(crate) honor_timestamps: Option<bool>,
    pub(crate) basic_auth: Option<&'r raw::SecretBasicAuth>,
    pub(crate) authorization: Option<&'r Authorization>,
    pub(crate) oauth2: Option<&'r OAuth2>,
    pub(crate) tls_config: Option<&'r TlsConfig>,
    pub(crate) relabelings: &'r [raw::Relabel],
    pub(crate) metric_relabelings: &'r [raw::Relabel],
    pub(crate) limits: Option<&'r raw::ScrapeLimits>,
}

/// `[[scrape]]` (and `[[pod_monitor]]`, which shares its type) and `[[static_scrape]]` spell the options with the
/// same fields; the site types cannot share one flattened struct because serde does not support `flatten`
/// together with `deny_unknown_fields`, which is what turns a misspelt key into an error.
macro_rules! raw_options_from {
    ($($site_type:ty),+) => {$(
        impl<'r> From<&'r $site_type> for RawOptions<'r> {
            fn from(s: &'r $site_type) -> Self {
                Self {
                    path: s.path.as_ref(),
                    scheme: s.scheme,
                    params: &s.params,
                    interval: s.interval.as_ref(),
                    timeout: s.timeout.as_ref(),
                    honor_labels: s.honor_labels,
                    honor_timestamps: s.honor_timestamps,
                    basic_auth: s.basic_auth.as_ref(),
                    authorization: s.authorization.as_ref(),
                    oauth2: s.oauth2.as_ref(),
                    tls_config: s.tls_config.as_ref(),
                    relabelings: &s.relabelings,
                    metric_relabelings: &s.metric_relabelings,
                    limits: s.limits.as_ref(),
                }
            }
        }
    )+};
}

raw_options_from!(raw::Scrape, raw::StaticScrape);

/// What the options are checked against: the site's defaults and the targeted release.
pub(crate) struct Defaults<'d> {
    /// Prometheus' `scrape_interval`, which a scrape without its own interval uses.
    pub(crate) scrape_interval: &'d Duration,
    /// The Prometheus release.
    pub(crate) version: Version,
}

/// OAuth 2.0 in scrape configurations: Prometheus 2.27.0.
const OAUTH2_SINCE: Version = Version::new(2, 27, 0);

/// Checks the options of the scrape at `at` (a JSON Pointer).
pub(crate) fn options(ctx: &mut Ctx<'_>, at: &str, raw: &RawOptions<'_>, defaults: &Defaults<'_>) -> ScrapeOptions {
    if let Some(path) = raw.path.filter(|p| !p.starts_with('/')) {
        ctx.error(
            Code::ValuePath,
            format!("{at}/path"),
            Problem::new(
                format!("`{path}` is not an absolute URL path"),
                "start the path with `/`, e.g. `/metrics`",
            ),
        );
    }
    if raw.oauth2.is_some() {
        gate(ctx, &format!("{at}/oauth2"), "oauth2", OAUTH2_SINCE, defaults.version);
    }
    let (interval, timeout) = timing(ctx, at, raw.interval, raw.timeout, defaults.scrape_interval);
    ScrapeOptions {
        path: raw.path.cloned(),
        scheme: raw.scheme,
        params: raw.params.clone(),
        interval,
        timeout,
        honor_labels: raw.honor_labels,
        honor_timestamps: raw.honor_timestamps,
        auth: client_auth(ctx, at, raw.basic_auth, raw.authorization, raw.oauth2, raw.tls_config),
        relabelings: relabels(ctx, &format!("{at}/relabelings"), raw.relabelings, defaults.version),
        metric_relabelings: relabels(
            ctx,
            &format!("{at}/metric_relabelings"),
            raw.metric_relabelings,
            defaults.version,
        ),
        limits: limits(ctx, &format!("{at}/limits"), raw.limits, defaults.version),
    }
}

/// Interval and timeout; Prometheus refuses a timeout longer than the interval it applies to.
pub(crate) fn timing(
    ctx: &mut Ctx<'_>,
    at: &str,
    interval: Option<&String>,
    timeout: Option<&String>,
    scrape_interval: &Duration,
) -> (Option<Duration>, Option<Duration>) {
    let interval = ctx.duration(format!("{at}/interval"), interval);
    let timeout = ctx.duration(format!("{at}/timeout"), timeout);
    if let Some(t) = &timeout {
        let (applies, whose) = match &interval {
            Some(i) => (i, "`interval`"),
            None => (scrape_interval, "`prometheus.scrape_interval`"),
        };
        if t.millis() > applies.millis() {
            ctx.error(
                Code::ValueDuration,
                format!("{at}/timeout"),
                Problem::new(
                    format!("the timeout {t} is longer than the interval {applies} ({whose})"),
                    format!("lower `timeout` to at most {applies}, or raise {whose}: Prometheus refuses a scrape timeout longer than its interval"),
                ),
            );
        }
    }
    (interval, timeout)
}

/// The release that introduced each limit (Prometheus' CHANGELOG).
fn limit_since(field: &str) -> Option<Version> {
    match field {
        "target_limit" => Some(Version::new(2, 21, 0)),
        "label_limit" | "label_name_length_limit" | "label_value_length_limit" => Some(Version::new(2, 27, 0)),
        "body_size_limit" => Some(Version::new(2, 28, 0)),
        _ => None,
    }
}

/// Checks limits at `at` (a scrape's, or `[prometheus] scrape_limits`) against the release.
pub(crate) fn limits(ctx: &mut Ctx<'_>, at: &str, raw: Option<&raw::ScrapeLimits>, version: Version) -> ScrapeLimits {
    let Some(raw) = raw else {
        return ScrapeLimits::default();
    };
    let set = [
        ("target_limit", raw.target_limit.is_some()),
        ("label_limit", raw.label_limit.is_some()),
        ("label_name_length_limit", raw.label_name_length_limit.is_some()),
        ("label_value_length_limit", raw.label_value_length_limit.is_some()),
        ("body_size_limit", raw.body_size_limit.is_some()),
    ];
    for (field, _) in set.iter().filter(|(_, set)| *set) {
        if let Some(since) = limit_since(field) {
            gate(ctx, &format!("{at}/{field}"), field, since, version);
        }
    }
    ScrapeLimits {
        sample_limit: raw.sample_limit,
        target_limit: raw.target_limit,
        label_limit: raw.label_limit,
        label_name_length_limit: raw.label_name_length_limit,
        label_value_length_limit: raw.label_value_length_limit,
        body_size_limit: raw.body_size_limit.clone(),
    }
}

fn gate(ctx: &mut Ctx<'_>, pointer: &str, field: &str, since: Version, version: Version) {
    ctx.check(
        Code::PrometheusVersion,
        pointer,
        versions::introduced(
            "Prometheus",
            field,
            since,
            version,
            format!("set `prometheus.version` to {since} or newer, or remove `{field}` (Prometheus {version} refuses the whole configuration with it)"),
        ),
    );
}
