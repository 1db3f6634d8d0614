//! What every kind of scrape may set (`[[scrape]]`, `[[pod_monitor]]`, `[[static_scrape]]`):
//! path, scheme, parameters, interval and timeout, honoring, credentials, relabeling and limits;
//! and the Prometheus-wide limits of `[prometheus] scrape_limits`.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;

use super::Ctx;
use super::client::client_auth;
use super::relabel::relabels;
use super::syntax::values::{Checked, Problem};
use super::versions::{self, Version};
use crate::diag::Code;
use crate::model::receiver::{Authorization, TlsConfig};
use crate::model::{Duration, OAuth2, Scheme, ScrapeLimits, ScrapeOptions};
use crate::site::raw;

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

impl<'r> From<&'r raw::Scrape> for RawOptions<'r> {
    fn from(s: &'r raw::Scrape) -> Self {
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

impl<'r> From<&'r raw::StaticScrape> for RawOptions<'r> {
    fn from(s: &'r raw::StaticScrape) -> Self {
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

/// What the options are checked against: the site's defaults and the targeted release.
pub(crate) struct Defaults<'d> {
    /// Prometheus' `scrape_interval`, which a scrape without its own interval uses.
    pub(crate) scrape_interval: &'d Duration,
    /// The Prometheus release.
    pub(crate) version: Version,
    /// `[prometheus] scrape_limits`, which cap every scrape's own.
    pub(crate) enforced: &'d ScrapeLimits,
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
        limits: limits(
            ctx,
            &format!("{at}/limits"),
            raw.limits,
            defaults.version,
            Some(defaults.enforced),
        ),
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
                Code::ScrapeTimeout,
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

/// Checks limits at `at`; with `enforced` (a scrape's own limits), warns about a limit the
/// Prometheus-wide one overrides.
pub(crate) fn limits(
    ctx: &mut Ctx<'_>,
    at: &str,
    raw: Option<&raw::ScrapeLimits>,
    version: Version,
    enforced: Option<&ScrapeLimits>,
) -> ScrapeLimits {
    let Some(raw) = raw else {
        return ScrapeLimits::default();
    };
    let counts = [
        ("sample_limit", raw.sample_limit, enforced.and_then(|e| e.sample_limit)),
        ("target_limit", raw.target_limit, enforced.and_then(|e| e.target_limit)),
        ("label_limit", raw.label_limit, enforced.and_then(|e| e.label_limit)),
        (
            "label_name_length_limit",
            raw.label_name_length_limit,
            enforced.and_then(|e| e.label_name_length_limit),
        ),
        (
            "label_value_length_limit",
            raw.label_value_length_limit,
            enforced.and_then(|e| e.label_value_length_limit),
        ),
    ];
    for (field, own, cap) in counts {
        let Some(own) = own else { continue };
        if let Some(since) = limit_since(field) {
            gate(ctx, &format!("{at}/{field}"), field, since, version);
        }
        if let Some(cap) = cap.filter(|&cap| own > cap) {
            ineffective(ctx, &format!("{at}/{field}"), field, &own.to_string(), &cap.to_string());
        }
    }
    let body_size_limit = raw.body_size_limit.as_ref().and_then(|text| {
        let pointer = format!("{at}/body_size_limit");
        gate(ctx, &pointer, "body_size_limit", Version::new(2, 28, 0), version);
        let bytes = ctx.check(Code::ValueSize, &pointer, size(text))?;
        let cap = enforced.and_then(|e| e.body_size_limit.as_ref());
        if let Some(cap) = cap.filter(|cap| size(cap).is_ok_and(|cap| bytes > cap)) {
            ineffective(ctx, &pointer, "body_size_limit", text, cap);
        }
        Some(text.clone())
    });
    ScrapeLimits {
        sample_limit: raw.sample_limit,
        target_limit: raw.target_limit,
        label_limit: raw.label_limit,
        label_name_length_limit: raw.label_name_length_limit,
        label_value_length_limit: raw.label_value_length_limit,
        body_size_limit,
    }
}

fn ineffective(ctx: &mut Ctx<'_>, pointer: &str, field: &str, own: &str, cap: &str) {
    ctx.warning(
        Code::ScrapeLimitIneffective,
        pointer,
        Problem::new(
            format!("`{field}` {own} is above `prometheus.scrape_limits.{field}` {cap}, which applies instead"),
            format!("lower `{field}` to at most {cap}, or raise or remove the Prometheus-wide limit"),
        ),
    );
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

/// A Prometheus size (`units.Base2Bytes`, as `body_size_limit` is read): `0`, or a number and a
/// unit, every unit a power of 1024. Returns the bytes. Stricter than Go in refusing a bare
/// fraction (`.5MB`) and compound sizes (`1GB512MB`).
pub(crate) fn size(text: &str) -> Checked<f64> {
    static GRAMMAR: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^([0-9]+(?:\.[0-9]+)?)(B|KB|KiB|MB|MiB|GB|GiB|TB|TiB|PB|PiB|EB|EiB)$")
            .unwrap_or_else(|e| unreachable!("{e}"))
    });
    if text == "0" {
        return Ok(0.0);
    }
    let bad = || {
        Problem::new(
            format!("`{text}` is not a Prometheus size"),
            "write a number and a unit, one of B KB MB GB TB PB EB (powers of 1024; KiB MiB … too), e.g. `10MB`, or `0` for no limit",
        )
    };
    let parts = GRAMMAR.captures(text).ok_or_else(bad)?;
    let number: f64 = parts[1].parse().map_err(|_| bad())?;
    let power = match &parts[2][..1] {
        "B" => 0,
        "K" => 1,
        "M" => 2,
        "G" => 3,
        "T" => 4,
        "P" => 5,
        _ => 6,
    };
    Ok(number * 1024f64.powi(power))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_powers_of_1024() {
        assert_eq!(size("10MB"), Ok(10.0 * 1024.0 * 1024.0));
        assert_eq!(size("10MiB"), size("10MB"));
        assert_eq!(size("1.5KB"), Ok(1536.0));
        assert_eq!(size("0"), Ok(0.0));
        assert_eq!(size("512B"), Ok(512.0));
        for bad in [
            "", "10", "10mb", "10M", "MB", "-1MB", "1e3MB", ".5MB", "10 MB", "1GB512MB",
        ] {
            assert!(size(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn limits_name_their_release() {
        assert_eq!(limit_since("sample_limit"), None);
        assert_eq!(limit_since("label_limit"), Some(Version::new(2, 27, 0)));
        assert_eq!(limit_since("body_size_limit"), Some(Version::new(2, 28, 0)));
    }
}
