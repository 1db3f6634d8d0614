//! The Alertmanager release a site targets, and the release that introduced each configuration
//! field promsite may write. promsite writes every credential as a `*_file` field, and those
//! arrived one integration at a time; a site that targets an older Alertmanager would have its
//! configuration rejected at reload (and the operator would keep running the previous one).

use std::fmt;

use super::syntax::values::{Checked, Problem};

/// An Alertmanager release, `vMAJOR.MINOR.PATCH`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Version {
    major: u32,
    minor: u32,
    patch: u32,
}

impl Version {
    pub(crate) const fn new(major: u32, minor: u32, patch: u32) -> Self {
        Self { major, minor, patch }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "v{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// An image tag such as `v0.33.1` or `0.27.0`, optionally with a suffix (`v0.28.1-distroless`).
pub(crate) fn parse(text: &str) -> Checked<Version> {
    let bad = || {
        Problem::new(
            format!("`{text}` is not an Alertmanager version"),
            "write the image tag of a release, e.g. `v0.33.1`; promsite needs it to know which configuration fields Alertmanager accepts",
        )
    };
    let core = text.strip_prefix('v').unwrap_or(text);
    let core = core.split_once(['-', '+']).map_or(core, |(c, _)| c);
    let parts: Vec<u32> = core
        .split('.')
        .map(str::parse)
        .collect::<Result<_, _>>()
        .map_err(|_| bad())?;
    match parts[..] {
        [major, minor, patch] => Ok(Version::new(major, minor, patch)),
        _ => Err(bad()),
    }
}

/// The Prometheus release a site targets: `prometheus.version`, or the default. A tag promsite
/// cannot read is taken as the default line (the image tag itself is the operator's to judge).
pub(crate) fn prometheus(tag: Option<&str>) -> Version {
    tag.and_then(|v| parse(v).ok())
        .or_else(|| parse(crate::model::DEFAULT_PROMETHEUS_VERSION).ok())
        .unwrap_or_else(|| unreachable!("the default Prometheus version parses"))
}

/// A configuration field and the Alertmanager release that introduced it (from Alertmanager's
/// CHANGELOG.md; pull request numbers in the comments).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Feature {
    /// The field as Alertmanager spells it.
    pub(crate) field: &'static str,
    since: Version,
}

/// `slack_configs[].api_url_file`: 0.22.0 ("Add support to set the Slack URL from a file", #2534).
pub(crate) const SLACK_API_URL_FILE: Feature = Feature {
    field: "slack_configs.api_url_file",
    since: Version::new(0, 22, 0),
};
/// `opsgenie_configs[].api_key_file`: 0.24.0 (#2728, with the global `opsgenie_api_key_file`).
pub(crate) const OPSGENIE_API_KEY_FILE: Feature = Feature {
    field: "opsgenie_configs.api_key_file",
    since: Version::new(0, 24, 0),
};
/// `telegram_configs`: 0.24.0 ("Add Telegram integration", #2827).
pub(crate) const TELEGRAM: Feature = Feature {
    field: "telegram_configs",
    since: Version::new(0, 24, 0),
};
/// Top-level `time_intervals` and routes' `active_time_intervals`: 0.24.0 (#2779).
pub(crate) const TIME_INTERVALS: Feature = Feature {
    field: "time_intervals",
    since: Version::new(0, 24, 0),
};
/// `smtp_auth_password_file`: 0.25.0 ("reading global and local SMTP passwords from files", #3038).
pub(crate) const SMTP_AUTH_PASSWORD_FILE: Feature = Feature {
    field: "smtp_auth_password_file",
    since: Version::new(0, 25, 0),
};
/// `pagerduty_configs[].routing_key_file` / `service_key_file`: 0.25.0 (#3107).
pub(crate) const PAGERDUTY_KEY_FILE: Feature = Feature {
    field: "pagerduty_configs.routing_key_file",
    since: Version::new(0, 25, 0),
};
/// `time_intervals[].time_intervals[].location`: 0.25.0 ("Add Location support to time intervals", #2782).
pub(crate) const TIME_INTERVAL_LOCATION: Feature = Feature {
    field: "time_intervals.location",
    since: Version::new(0, 25, 0),
};
/// `webhook_configs[].url_file`: 0.26.0 (#3223).
pub(crate) const WEBHOOK_URL_FILE: Feature = Feature {
    field: "webhook_configs.url_file",
    since: Version::new(0, 26, 0),
};
/// `telegram_configs[].bot_token_file`: 0.26.0 (#3226).
pub(crate) const TELEGRAM_BOT_TOKEN_FILE: Feature = Feature {
    field: "telegram_configs.bot_token_file",
    since: Version::new(0, 26, 0),
};
/// `msteams_configs[].webhook_url_file`: 0.27.0 (#3555; the integration itself is 0.26.0, #3324,
/// but its URL is a credential, which promsite only writes as a file).
pub(crate) const MSTEAMS_WEBHOOK_URL_FILE: Feature = Feature {
    field: "msteams_configs.webhook_url_file",
    since: Version::new(0, 27, 0),
};
/// `msteamsv2_configs`: 0.28.0 ("a new Microsoft Teams integration based on Flows", #4024).
pub(crate) const MSTEAMSV2: Feature = Feature {
    field: "msteamsv2_configs",
    since: Version::new(0, 28, 0),
};
/// `wechat_configs[].api_secret_file`: 0.31.0 ("pass api secret via file", #4734).
pub(crate) const WECHAT_API_SECRET_FILE: Feature = Feature {
    field: "wechat_configs.api_secret_file",
    since: Version::new(0, 31, 0),
};

impl Feature {
    /// Whether `version` accepts this field; a problem naming the release that introduced it if not.
    pub(crate) fn check(self, version: Version) -> Checked<()> {
        introduced(
            "Alertmanager",
            self.field,
            self.since,
            version,
            format!(
                "Alertmanager added `{}` in {}: set `alertmanager.version` to {} or newer, or remove this setting",
                self.field, self.since, self.since
            ),
        )
    }
}

/// Whether `version` of `product` reads `field`, which `since` introduced; if not, a problem that
/// names both releases, with `help`. Alertmanager's and Prometheus' release gates share it.
pub(crate) fn introduced(product: &str, field: &str, since: Version, version: Version, help: String) -> Checked<()> {
    if version >= since {
        return Ok(());
    }
    Err(Problem::new(
        format!("`{field}` needs {product} {since} or newer, but the site targets {version}"),
        help,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_tags_and_orders_releases() {
        assert_eq!(parse("v0.33.1").map(|v| v.to_string()), Ok("v0.33.1".to_owned()));
        assert_eq!(
            parse("0.27.0-distroless").map(|v| v.to_string()),
            Ok("v0.27.0".to_owned())
        );
        for bad in ["latest", "v0.27", "v0.x.1", "", "v1.2.3.4"] {
            assert!(parse(bad).is_err(), "{bad:?} accepted");
        }
        let v = |t| parse(t).expect("valid");
        assert!(v("v0.26.0") < v("v0.27.0") && v("v0.9.0") < v("v0.10.0"));
        assert!(WEBHOOK_URL_FILE.check(v("v0.26.0")).is_ok());
        let problem = WEBHOOK_URL_FILE.check(v("v0.25.0")).expect_err("too old");
        assert!(
            problem.message.contains("v0.26.0") && problem.message.contains("v0.25.0"),
            "{}",
            problem.message
        );
    }
}
