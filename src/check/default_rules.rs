//! `[default_rules]`: the settings are checked, the default groups are built from the site (see
//! `crate::content::rules`) and checked exactly like the user's rule groups (PromQL, names,
//! templates, routing), and the routes they need are added: the dead-man's switch for `Watchdog`,
//! the silent receiver for `InfoInhibitor`, and a last child route that takes every default alert
//! no route of the site took. Problems in the generated rules themselves are promsite bugs; they
//! are reported at `[default_rules]` so that they are never silent.

use std::collections::BTreeSet;

use super::syntax::values::{self, Problem};
use super::versions::{self, Version};
use super::{Ctx, crosscheck, rules};
use crate::content::rules::{self as content, CLASSES};
use crate::diag::Code;
use crate::model::default_rules::{DefaultRules, GROUP_LABEL, NULL_RECEIVER, Thresholds, Watchdog};
use crate::model::{self, MatchOp, Matcher, Receiver};
use crate::site::raw;

/// Where promsite's alert reference is, by its path in the promsite repository.
pub(crate) const DEFAULT_RUNBOOK_BASE: &str = "docs/alerts.md";
/// Where problems in the default rules are reported.
const POINTER: &str = "/default_rules";
/// The dead-man's switch's default repeat interval.
const DEFAULT_WATCHDOG_REPEAT: &str = "5m";

/// The validated `[default_rules]` settings, or `None` when they are switched off.
pub(crate) fn settings(ctx: &mut Ctx<'_>, raw: &raw::RawSite) -> Option<DefaultRules> {
    let section = &raw.default_rules;
    let receivers: BTreeSet<&str> = raw.receivers.iter().map(|r| r.name.as_str()).collect();
    for (i, id) in section.disabled_groups.iter().enumerate() {
        if !CLASSES.iter().any(|c| c.id == id) {
            let ids: Vec<&str> = CLASSES.iter().map(|c| c.id).collect();
            let closest = ids
                .iter()
                .map(|c| (strsim::damerau_levenshtein(id, c), *c))
                .filter(|(d, c)| *d <= 2.max(c.len() / 4))
                .min()
                .map(|(_, c)| c);
            let help = match closest {
                Some(c) => format!("did you mean `{c}`?"),
                None => format!("the default groups are: {}", ids.join(", ")),
            };
            ctx.error(
                Code::RefUnknownRuleGroup,
                format!("/default_rules/disabled_groups/{i}"),
                Problem::new(format!("promsite has no default rule group `{id}`"), help),
            );
        }
    }
    let mut receiver_ref = |pointer: &str, name: &str| {
        if !receivers.contains(name) {
            ctx.error(
                Code::RefUnknownReceiver,
                pointer,
                Problem::new(
                    format!("receiver `{name}` is not declared"),
                    "declare it in a `[[receivers]]` entry, or name one that is",
                ),
            );
        }
    };
    if let Some(name) = &section.receiver {
        receiver_ref("/default_rules/receiver", name);
    }
    if let Some(watchdog) = &section.watchdog {
        receiver_ref("/default_rules/watchdog/receiver", &watchdog.receiver);
    }
    if receivers.contains(NULL_RECEIVER) && section.enabled.unwrap_or(true) {
        let at = raw
            .receivers
            .iter()
            .position(|r| r.name == NULL_RECEIVER)
            .unwrap_or_default();
        ctx.error(
            Code::NameCollision,
            format!("/receivers/{at}/name"),
            Problem::new(
                format!("promsite already generates a receiver named `{NULL_RECEIVER}` for its default rules"),
                "choose another name",
            ),
        );
    }
    let base = section
        .runbook_base_url
        .clone()
        .unwrap_or_else(|| DEFAULT_RUNBOOK_BASE.to_owned());
    if section.runbook_base_url.is_some() {
        ctx.check(
            Code::ValueUrl,
            "/default_rules/runbook_base_url",
            values::http_url(&base),
        );
    }
    let watchdog = section.watchdog.as_ref().map(|w| Watchdog {
        receiver: w.receiver.clone(),
        repeat_interval: ctx
            .duration("/default_rules/watchdog/repeat_interval", w.repeat_interval.as_ref())
            .unwrap_or_else(|| model::Duration::new(DEFAULT_WATCHDOG_REPEAT, 300_000)),
    });
    let thresholds = thresholds(ctx, &section.thresholds);
    section.enabled.unwrap_or(true).then(|| DefaultRules {
        runbook_base_url: base,
        disabled_groups: section.disabled_groups.iter().cloned().collect(),
        receiver: section
            .receiver
            .clone()
            .or_else(|| raw.route.receiver.clone())
            .unwrap_or_default(),
        watchdog,
        info_inhibitor: section.info_inhibitor.unwrap_or(true),
        thresholds,
    })
}

fn thresholds(ctx: &mut Ctx<'_>, raw: &raw::Thresholds) -> Thresholds {
    let d = Thresholds::default();
    let t = Thresholds {
        filesystem_free_percent: raw.filesystem_free_percent.unwrap_or(d.filesystem_free_percent),
        filesystem_free_critical_percent: raw
            .filesystem_free_critical_percent
            .unwrap_or(d.filesystem_free_critical_percent),
        filesystem_fill_hours: raw.filesystem_fill_hours.unwrap_or(d.filesystem_fill_hours),
        inodes_free_percent: raw.inodes_free_percent.unwrap_or(d.inodes_free_percent),
        volume_free_percent: raw.volume_free_percent.unwrap_or(d.volume_free_percent),
        memory_available_percent: raw.memory_available_percent.unwrap_or(d.memory_available_percent),
        cpu_busy_percent: raw.cpu_busy_percent.unwrap_or(d.cpu_busy_percent),
        certificate_days_left: raw.certificate_days_left.unwrap_or(d.certificate_days_left),
        certificate_critical_days_left: raw
            .certificate_critical_days_left
            .unwrap_or(d.certificate_critical_days_left),
        restarts_per_hour: raw.restarts_per_hour.unwrap_or(d.restarts_per_hour),
        cpu_throttling_percent: raw.cpu_throttling_percent.unwrap_or(d.cpu_throttling_percent),
        apiserver_latency_seconds: raw.apiserver_latency_seconds.unwrap_or(d.apiserver_latency_seconds),
        apiserver_error_percent: raw.apiserver_error_percent.unwrap_or(d.apiserver_error_percent),
        etcd_fsync_seconds: raw.etcd_fsync_seconds.unwrap_or(d.etcd_fsync_seconds),
        etcd_commit_seconds: raw.etcd_commit_seconds.unwrap_or(d.etcd_commit_seconds),
        etcd_quota_percent: raw.etcd_quota_percent.unwrap_or(d.etcd_quota_percent),
        clock_skew_seconds: raw.clock_skew_seconds.unwrap_or(d.clock_skew_seconds),
        job_running_hours: raw.job_running_hours.unwrap_or(d.job_running_hours),
        kubelet_pods_percent: raw.kubelet_pods_percent.unwrap_or(d.kubelet_pods_percent),
        // nodes, workloads, control plane (content branch)
        disk_io_busy_percent: raw.disk_io_busy_percent.unwrap_or(d.disk_io_busy_percent),
        network_error_percent: raw.network_error_percent.unwrap_or(d.network_error_percent),
        pleg_relist_seconds: raw.pleg_relist_seconds.unwrap_or(d.pleg_relist_seconds),
        etcd_leader_changes_per_hour: raw
            .etcd_leader_changes_per_hour
            .unwrap_or(d.etcd_leader_changes_per_hour),
        etcd_grpc_error_percent: raw.etcd_grpc_error_percent.unwrap_or(d.etcd_grpc_error_percent),
        coredns_servfail_percent: raw.coredns_servfail_percent.unwrap_or(d.coredns_servfail_percent),
        coredns_latency_seconds: raw.coredns_latency_seconds.unwrap_or(d.coredns_latency_seconds),
        kernel_table_percent: raw.kernel_table_percent.unwrap_or(d.kernel_table_percent),
    };
    // A critical level that is not below the warning one would make the warning never show.
    for (critical, warning, key) in [
        (
            t.filesystem_free_critical_percent,
            t.filesystem_free_percent,
            "filesystem_free_critical_percent",
        ),
        (
            t.certificate_critical_days_left,
            t.certificate_days_left,
            "certificate_critical_days_left",
        ),
    ] {
        if critical >= warning {
            ctx.error(
                Code::SchemaInvalidValue,
                format!("/default_rules/thresholds/{key}"),
                Problem::new(
                    format!("the critical level {critical} is not below the warning level {warning}"),
                    "make the critical threshold the smaller one",
                ),
            );
        }
    }
    t
}

/// The default groups of a site, built (`content::groups`) and checked like the user's.
pub(crate) struct Checked {
    /// As built: the alerts are checked against the routing once it has the default routes.
    groups: Vec<content::DefaultGroup>,
    /// As the site's rule groups hold them.
    rule_groups: Vec<model::RuleGroup>,
}

/// Checks the default groups of `site` (`content::groups`) like the user's; runs
/// `crosscheck::unset_severities` on the site's own routing tree, with the default rules counted.
/// Reads the site only, so that the default dashboards can be built beside it; [`attach`] adds them.
pub(crate) fn check(ctx: &mut Ctx<'_>, site: &model::Site, groups: Vec<content::DefaultGroup>) -> Checked {
    if site.default_rules.is_some() {
        for group in &site.rule_groups {
            if CLASSES.iter().any(|c| content::group_name(c.id) == group.object) {
                ctx.error(
                    Code::NameCollision,
                    "/rule_groups",
                    Problem::new(
                        format!("promsite already generates a PrometheusRule named `{}` for its default rules", group.object),
                        "rename the rule group or rule file (`promsite-*` names are the default rules'), or switch the default group off in `[default_rules] disabled_groups`",
                    ),
                );
            }
        }
    }
    let version = prometheus_version(site);
    let rule_groups: Vec<model::RuleGroup> = groups
        .iter()
        .map(|g| model::RuleGroup {
            object: g.group.name.clone(),
            ..rules::rule_group(ctx, POINTER, &g.group, version, None)
        })
        .collect();
    // Without rules of its own the site's alerts live elsewhere: promsite does not see every rule.
    let own_alerts = site
        .rule_groups
        .iter()
        .flat_map(|g| &g.rules)
        .any(|r| matches!(r.kind, model::RuleKind::Alert(_)));
    let rules_elsewhere = !own_alerts || site.api_clients.iter().any(|c| c.manages("prometheusrules"));
    let all: Vec<&model::RuleGroup> = site.rule_groups.iter().chain(&rule_groups).collect();
    crosscheck::unset_severities(ctx, &site.route, &all, rules_elsewhere);
    Checked { groups, rule_groups }
}

/// Adds the checked default groups to `site`, and the routing they need.
pub(crate) fn attach(ctx: &mut Ctx<'_>, mut site: model::Site, checked: Checked) -> model::Site {
    let Some(settings) = site.default_rules.clone() else {
        return site;
    };
    route_defaults(&mut site, &settings);
    let routes = crosscheck::Routes::of(&site.route);
    for rule in checked.groups.iter().flat_map(|g| &g.group.rules) {
        if let Some(alert) = &rule.alert {
            crosscheck::alert_rule(ctx, POINTER, alert, &rule.labels, &routes);
        }
    }
    // The default groups' builders: freeing them took a quarter of attaching the rules.
    crate::parallel::drop_unless_exiting(checked.groups);
    site.rule_groups.extend(checked.rule_groups);
    // By object, as `rules::rule_groups` orders them; a file's groups keep their order (the sort is stable).
    site.rule_groups.sort_by(|a, b| a.object.cmp(&b.object));
    site
}

/// The Prometheus release the site targets, which decides the names and fields its rules may use.
fn prometheus_version(site: &model::Site) -> Version {
    versions::parse(&site.prometheus.version)
        .ok()
        .or_else(|| versions::parse(model::DEFAULT_PROMETHEUS_VERSION).ok())
        .unwrap_or_else(|| unreachable!("the default Prometheus version parses"))
}

/// The routes, receiver and inhibit rule the default alerts need.
fn route_defaults(site: &mut model::Site, settings: &DefaultRules) {
    let equal = |name: &str, value: &str| Matcher {
        name: name.to_owned(),
        op: MatchOp::Equal,
        value: value.to_owned(),
    };
    let child = |matchers: Vec<Matcher>, receiver: &str| model::Route {
        receiver: Some(receiver.to_owned()),
        matchers,
        group_by: None,
        group_wait: None,
        group_interval: None,
        repeat_interval: None,
        continue_matching: false,
        mute_time_intervals: Vec::new(),
        active_time_intervals: Vec::new(),
        routes: Vec::new(),
    };
    let mut first = Vec::new();
    let watchdog = equal("alertname", "Watchdog");
    first.push(match &settings.watchdog {
        Some(w) => model::Route {
            group_interval: Some(w.repeat_interval.clone()),
            repeat_interval: Some(w.repeat_interval.clone()),
            ..child(vec![watchdog], &w.receiver)
        },
        None => child(vec![watchdog], NULL_RECEIVER),
    });
    if settings.info_inhibitor {
        first.push(child(vec![equal("alertname", "InfoInhibitor")], NULL_RECEIVER));
        site.inhibit_rules.push(model::InhibitRule {
            source_matchers: vec![equal("alertname", "InfoInhibitor")],
            target_matchers: vec![equal("severity", "info")],
            equal: vec!["namespace".to_owned()],
        });
    }
    let last = child(
        vec![Matcher {
            name: GROUP_LABEL.to_owned(),
            op: MatchOp::Regex,
            value: ".+".to_owned(),
        }],
        &settings.receiver,
    );
    let user_routes = std::mem::take(&mut site.route.routes);
    site.route.routes = first.into_iter().chain(user_routes).chain([last]).collect();
    let needs_null = settings.watchdog.is_none() || settings.info_inhibitor;
    if needs_null && site.receivers.iter().all(|r| r.name != NULL_RECEIVER) {
        site.receivers.push(null_receiver());
        site.receivers.sort_by(|a, b| a.name.cmp(&b.name));
    }
}

/// A receiver without integrations: Alertmanager drops what it gets.
fn null_receiver() -> Receiver {
    Receiver {
        name: NULL_RECEIVER.to_owned(),
        email: Vec::new(),
        webhook: Vec::new(),
        slack: Vec::new(),
        pagerduty: Vec::new(),
        opsgenie: Vec::new(),
        msteams: Vec::new(),
        msteamsv2: Vec::new(),
        telegram: Vec::new(),
        wechat: Vec::new(),
    }
}
