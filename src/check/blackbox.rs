//! `[blackbox_exporter]` and the probes that use it: whether it is deployed, its modules' settings
//! (only the settings table of the module's prober, regexes as Go reads them, status codes), and
//! that every `[[probe]]` without a `prober` names one of its modules.

use std::collections::BTreeMap;

use super::Ctx;
use super::nodes::placement;
use super::syntax::go_regex;
use super::syntax::values::Problem;
use super::versions;
use crate::diag::Code;
use crate::model::blackbox::{self, Blackbox, BlackboxModule, BlackboxProber, Module};
use crate::site::raw;

pub(crate) fn blackbox(ctx: &mut Ctx<'_>, raw: &raw::RawSite, declared: &[&str]) -> Option<Blackbox> {
    let section = &raw.blackbox_exporter;
    // An image tag of a release, as for the other components (`latest` would pin nothing).
    if let Some(version) = section.version.as_ref().filter(|v| versions::parse(v).is_err()) {
        ctx.error(
            Code::ValueVersion,
            "/blackbox_exporter/version",
            Problem::new(
                format!("`{version}` is not a blackbox_exporter version"),
                "write the image tag of a release, e.g. `v0.28.0`",
            ),
        );
    }
    let placement = placement(ctx, "/blackbox_exporter/nodes", &section.nodes, declared);
    let mut modules: BTreeMap<String, Module> = blackbox::default_modules()
        .into_iter()
        .map(|(name, settings)| {
            (
                name,
                Module {
                    settings,
                    timeout: None,
                },
            )
        })
        .collect();
    ctx.unique(
        "blackbox_exporter module",
        section
            .modules
            .iter()
            .enumerate()
            .map(|(i, m)| (format!("/blackbox_exporter/modules/{i}/name"), m.name.as_str())),
    );
    for (i, settings) in section.modules.iter().enumerate() {
        let at = format!("/blackbox_exporter/modules/{i}");
        let timeout = ctx.duration(format!("{at}/timeout"), settings.timeout.as_ref());
        module(ctx, &at, settings);
        modules.insert(
            settings.name.clone(),
            Module {
                settings: settings.clone(),
                timeout,
            },
        );
    }
    let uses = raw.probe.iter().any(|p| p.prober.is_none());
    let enabled = section.enabled.unwrap_or(uses);
    for (i, probe) in raw.probe.iter().enumerate().filter(|(_, p)| p.prober.is_none()) {
        if !enabled {
            ctx.error(
                Code::ProbeModule,
                format!("/probe/{i}/name"),
                Problem::new(
                    format!("probe `{}` names no `prober`, and `[blackbox_exporter]` is off", probe.name),
                    "set `prober` to the address of your prober, or remove `enabled = false` from `[blackbox_exporter]`",
                ),
            );
        } else if !modules.contains_key(&probe.module) {
            let known: Vec<&str> = modules.keys().map(String::as_str).collect();
            let closest = known
                .iter()
                .min_by_key(|k| strsim::damerau_levenshtein(k, &probe.module))
                .copied()
                .unwrap_or("http_2xx");
            ctx.error(
                Code::ProbeModule,
                format!("/probe/{i}/module"),
                Problem::new(
                    format!("blackbox_exporter has no module `{}`", probe.module),
                    format!(
                        "did you mean `{closest}`? The modules are {}; declare others under `[[blackbox_exporter.modules]]`",
                        known.join(", ")
                    ),
                ),
            );
        }
    }
    enabled.then(|| Blackbox {
        version: section
            .version
            .clone()
            .unwrap_or_else(|| blackbox::DEFAULT_BLACKBOX_VERSION.to_owned()),
        placement,
        modules,
    })
}

/// One module: only its prober's settings, and those valid.
fn module(ctx: &mut Ctx<'_>, at: &str, module: &BlackboxModule) {
    let tables = [
        ("http", BlackboxProber::Http, module.http.is_some()),
        ("tcp", BlackboxProber::Tcp, module.tcp.is_some()),
        ("icmp", BlackboxProber::Icmp, module.icmp.is_some()),
        ("dns", BlackboxProber::Dns, module.dns.is_some()),
    ];
    for (key, prober, set) in tables {
        if set && prober != module.prober {
            ctx.error_at_key(
                Code::SchemaUnknownKey,
                format!("{at}/{key}"),
                Problem::new(
                    format!(
                        "`{key}` settings in a module whose prober is `{}`",
                        module.prober.as_str()
                    ),
                    format!(
                        "move them to a module with `prober = \"{key}\"`, or write `{}` settings",
                        module.prober.as_str()
                    ),
                ),
            );
        }
    }
    if module.prober == BlackboxProber::Dns && module.dns.is_none() {
        ctx.error_at_key(
            Code::SchemaMissingKey,
            at,
            Problem::new(
                "a `dns` module needs the name to query",
                "add `dns = { query_name = \"example.com\" }`",
            ),
        );
    }
    if let Some(http) = &module.http {
        for (i, code) in http.valid_status_codes.iter().enumerate() {
            if !(100..=599).contains(code) {
                ctx.error(
                    Code::SchemaInvalidValue,
                    format!("{at}/http/valid_status_codes/{i}"),
                    Problem::new(
                        format!("`{code}` is not an HTTP status code"),
                        "use codes from 100 to 599, e.g. `[200, 204]`",
                    ),
                );
            }
        }
        for (key, regexes) in [
            ("fail_if_body_matches_regexp", &http.fail_if_body_matches_regexp),
            ("fail_if_body_not_matches_regexp", &http.fail_if_body_not_matches_regexp),
        ] {
            for (i, regex) in regexes.iter().enumerate() {
                ctx.check(Code::ValueRegex, format!("{at}/http/{key}/{i}"), go_regex::regex(regex));
            }
        }
    }
}
