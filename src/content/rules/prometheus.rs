//! Prometheus watching itself: configuration, rule evaluation, the way to Alertmanager, the TSDB,
//! remote write (when configured), scrape limits and its storage.

use super::{Class, Cx, Group, Severity};

/// The class.
pub(super) const CLASS: Class = Class {
    id: "prometheus",
    title: "Prometheus",
    build,
};

fn build(cx: &Cx<'_>, g: &mut Group) {
    let job = &cx.jobs.prometheus;
    let sel = format!(r#"job="{job}""#);
    let who = "Prometheus {{ $labels.namespace }}/{{ $labels.pod }}";
    g.alert(
        "PrometheusConfigReloadFailed",
        Severity::Warning,
        format!("max_over_time(prometheus_config_last_reload_successful{{{sel}}}[5m]) == 0"),
    )
    .for_("10m")
    .summary(format!("{who} cannot load its configuration."))
    .description(format!(
        "{who} failed to reload its configuration for 10 minutes: it runs an older one, so new scrape \
         targets, rules or Alertmanagers are not used."
    ))
    .meaning("Prometheus rejected the configuration the operator generated; it keeps running the last good one.")
    .action(
        "Read the Prometheus container's log for the reload error, and the operator's log and the \
         PrometheusRule/ServiceMonitor objects changed last (`kubectl get events`).",
    );
    g.alert(
        "PrometheusRuleEvaluationFailures",
        Severity::Critical,
        format!("increase(prometheus_rule_evaluation_failures_total{{{sel}}}[5m]) > 0"),
    )
    .for_("15m")
    .summary(format!(
        "{who} fails to evaluate rules of group {{{{ $labels.rule_group }}}}."
    ))
    .description(format!(
        "{who} failed {{{{ $value | humanize }}}} rule evaluations of group {{{{ $labels.rule_group }}}} in the \
         last 5 minutes: its alerts may not fire and its recorded series have gaps."
    ))
    .meaning("Rules fail at evaluation time: a query error, a result with duplicate label sets, or a sample limit.")
    .action(
        "Open Prometheus' Rules page: the failing rule shows its last error. Fix the rule, or the series \
         it joins on.",
    );
    g.alert(
        "PrometheusRuleGroupIterationsMissed",
        Severity::Warning,
        format!("increase(prometheus_rule_group_iterations_missed_total{{{sel}}}[5m]) > 0"),
    )
    .for_("15m")
    .summary(format!(
        "{who} skips evaluations of rule group {{{{ $labels.rule_group }}}}."
    ))
    .description(format!(
        "Rule group {{{{ $labels.rule_group }}}} of {who} takes longer than its interval: \
         {{{{ $value | humanize }}}} evaluations were skipped in the last 5 minutes."
    ))
    .meaning("A rule group's evaluation takes longer than its interval, so evaluations are skipped.")
    .action(
        "Find the slow rules on Prometheus' Rules page (evaluation time); make them cheaper, split the group \
         or raise its interval, or give Prometheus more CPU.",
    );
    g.alert(
        "PrometheusNotConnectedToAlertmanagers",
        Severity::Critical,
        format!("max_over_time(prometheus_notifications_alertmanagers_discovered{{{sel}}}[5m]) < 1"),
    )
    .for_("10m")
    .summary(format!("{who} knows no Alertmanager."))
    .description(format!(
        "{who} has discovered no Alertmanager for 10 minutes: its alerts go nowhere."
    ))
    .meaning("Prometheus has no Alertmanager to send alerts to.")
    .action(
        "Check that the Alertmanager pods run and that the Service `alertmanager-main` has endpoints; then \
         the Prometheus resource's `alerting` section.",
    );
    g.alert(
        "PrometheusNotificationsFailing",
        Severity::Critical,
        format!(
            "100 * rate(prometheus_notifications_errors_total{{{sel}}}[5m]) \
             / rate(prometheus_notifications_sent_total{{{sel}}}[5m]) > 1"
        ),
    )
    .for_("15m")
    .summary(format!("{who} fails to send alerts to {{{{ $labels.alertmanager }}}}."))
    .description(format!(
        "{{{{ $value | humanize }}}}% of the alerts {who} sent to Alertmanager {{{{ $labels.alertmanager }}}} in \
         the last 5 minutes failed."
    ))
    .meaning("Sending alerts to an Alertmanager fails: that Alertmanager does not get them.")
    .action(
        "Read Prometheus' log for the notifier's errors (refused, timeout, TLS); check the Alertmanager pod \
         and the network between them (NetworkPolicies).",
    );
    g.alert(
        "PrometheusNotificationsDropped",
        Severity::Warning,
        format!("increase(prometheus_notifications_dropped_total{{{sel}}}[5m]) > 0"),
    )
    .for_("15m")
    .summary(format!("{who} drops alerts."))
    .description(format!(
        "{who} dropped {{{{ $value | humanize }}}} alerts in the last 5 minutes instead of sending them: its \
         queue overflowed or every Alertmanager failed."
    ))
    .meaning("Alerts were lost on the way to Alertmanager.")
    .action("Look at `PrometheusNotificationsFailing` first; otherwise the notification queue is too small for the alert volume.");
    g.alert(
        "PrometheusNotificationQueueFilling",
        Severity::Warning,
        format!(
            "100 * max_over_time(prometheus_notifications_queue_length{{{sel}}}[5m]) \
             / max_over_time(prometheus_notifications_queue_capacity{{{sel}}}[5m]) > 80"
        ),
    )
    .for_("15m")
    .summary(format!(
        "The alert queue of {who} is {{{{ $value | humanize }}}}% full."
    ))
    .description(format!(
        "The queue of alerts waiting to go to Alertmanager in {who} is {{{{ $value | humanize }}}}% full: when \
         it overflows, alerts are dropped."
    ))
    .meaning("Alerts are produced faster than Alertmanager takes them.")
    .action("Check Alertmanager's latency and errors; find the rule that fires a flood of alerts.");
    tsdb(g, &sel, who);
    limits(g, &sel, who);
    storage(cx, g, &sel, who);
    remote_write(cx, g, &sel, who);
}

fn tsdb(g: &mut Group, sel: &str, who: &str) {
    for (name, metric, severity, what, meaning) in [
        (
            "PrometheusTsdbCompactionsFailing",
            "prometheus_tsdb_compactions_failed_total",
            Severity::Warning,
            "failed compactions of its TSDB",
            "Prometheus cannot compact its blocks: disk use grows and queries slow down.",
        ),
        (
            "PrometheusTsdbHeadTruncationsFailing",
            "prometheus_tsdb_head_truncations_failed_total",
            Severity::Critical,
            "failed truncations of its in-memory head block",
            "Prometheus cannot move samples out of memory: it will run out of memory.",
        ),
        (
            "PrometheusTsdbReloadsFailing",
            "prometheus_tsdb_reloads_failures_total",
            Severity::Warning,
            "failed reloads of its blocks from disk",
            "Prometheus cannot read blocks on disk: they may be corrupt, and their data is not queried.",
        ),
        (
            "PrometheusTsdbWalCorruptions",
            "prometheus_tsdb_wal_corruptions_total",
            Severity::Critical,
            "corruptions of its write-ahead log",
            "The write-ahead log is corrupt: samples not yet in blocks may be lost on the next restart.",
        ),
    ] {
        g.alert(name, severity, format!("increase({metric}{{{sel}}}[3h]) > 0"))
            .summary(format!("{who} has {what}."))
            .description(format!(
                "{who} recorded {{{{ $value | humanize }}}} {what} in the last 3 hours."
            ))
            .meaning(meaning)
            .action(
                "Read the Prometheus container's log for the TSDB error; check the volume (full, read-only, I/O \
                 errors in the node's kernel log). A corrupt block can be moved out of the data directory.",
            );
    }
    g.alert(
        "PrometheusNotIngestingSamples",
        Severity::Warning,
        format!("rate(prometheus_tsdb_head_samples_appended_total{{{sel}}}[5m]) <= 0"),
    )
    .for_("10m")
    .summary(format!("{who} stores no samples."))
    .description(format!("{who} has appended no sample to its TSDB for 10 minutes."))
    .meaning("Prometheus scrapes nothing, or cannot store what it scrapes.")
    .action("Open its Targets page (are there targets, are they up?) and its log (storage errors).");
}

fn limits(g: &mut Group, sel: &str, who: &str) {
    for (name, metric, what) in [
        (
            "PrometheusSampleLimitHit",
            "prometheus_target_scrapes_exceeded_sample_limit_total",
            "scrapes that returned more samples than their sample limit",
        ),
        (
            "PrometheusTargetLimitHit",
            "prometheus_target_scrape_pool_exceeded_target_limit_total",
            "scrape pools that discovered more targets than their target limit",
        ),
        (
            "PrometheusLabelLimitHit",
            "prometheus_target_scrape_pool_exceeded_label_limits_total",
            "scrapes that returned series over their label limits",
        ),
    ] {
        g.alert(name, Severity::Warning, format!("increase({metric}{{{sel}}}[5m]) > 0"))
            .for_("15m")
            .summary(format!("{who} rejects scrapes over a limit."))
            .description(format!(
                "{who} counted {{{{ $value | humanize }}}} {what} in the last 5 minutes; their samples were \
                 dropped."
            ))
            .meaning("A scrape limit was exceeded, and the whole scrape's samples were discarded.")
            .action(
                "Find the target on the Targets page (its error names the limit); reduce its series (relabeling, \
                 fewer labels) or raise the limit on its ServiceMonitor.",
            );
    }
}

/// The TSDB nearing the size of its local volume, when the site gives one.
fn storage(cx: &Cx<'_>, g: &mut Group, sel: &str, who: &str) {
    let Some(bytes) = cx
        .site
        .prometheus
        .storage
        .as_ref()
        .and_then(|s| quantity_bytes(&s.size.text))
    else {
        return;
    };
    let free = cx.thresholds().volume_free_percent;
    g.alert(
        "PrometheusStorageFilling",
        Severity::Warning,
        format!(
            "100 * (1 - (prometheus_tsdb_storage_blocks_bytes{{{sel}}} + prometheus_tsdb_wal_storage_size_bytes{{{sel}}}) \
             / {bytes}) < {free}"
        ),
    )
    .for_("30m")
    .summary(format!("The storage of {who} is almost full."))
    .description(format!(
        "The blocks and write-ahead log of {who} leave {{{{ $value | humanize }}}}% of its volume free: when it is \
         full, Prometheus stops storing samples."
    ))
    .meaning("The TSDB approaches the size of the local volume (`[prometheus.storage] size`).")
    .action(
        "Shorten `retention`, drop series nobody uses (relabeling), or grow the volume and `size`. The threshold \
         is `volume_free_percent`.",
    );
}

/// Remote write falling behind or failing, when the site writes anywhere.
fn remote_write(cx: &Cx<'_>, g: &mut Group, sel: &str, who: &str) {
    if cx.site.prometheus.remote_write.is_empty() {
        return;
    }
    g.alert(
        "PrometheusRemoteWriteBehind",
        Severity::Critical,
        format!(
            "max_over_time(prometheus_remote_storage_highest_timestamp_in_seconds{{{sel}}}[5m]) \
             - ignoring (remote_name, url) group_right \
             max_over_time(prometheus_remote_storage_queue_highest_sent_timestamp_seconds{{{sel}}}[5m]) > 120"
        ),
    )
    .for_("15m")
    .summary(format!(
        "{who} is behind in remote write to {{{{ $labels.remote_name }}}}."
    ))
    .description(format!(
        "Remote write from {who} to {{{{ $labels.remote_name }}}} ({{{{ $labels.url }}}}) is \
         {{{{ $value | humanizeDuration }}}} behind."
    ))
    .meaning("Samples reach the remote endpoint late; past the write-ahead log's span they are lost.")
    .action(
        "Check the endpoint's health and latency, and the remote-write errors in Prometheus' log; raise the \
         queue's `max_shards` if the endpoint is healthy but the volume grew.",
    );
    g.alert(
        "PrometheusRemoteWriteFailing",
        Severity::Critical,
        format!(
            "100 * rate(prometheus_remote_storage_samples_failed_total{{{sel}}}[5m]) \
             / (rate(prometheus_remote_storage_samples_failed_total{{{sel}}}[5m]) \
             + rate(prometheus_remote_storage_samples_total{{{sel}}}[5m])) > 1"
        ),
    )
    .for_("15m")
    .summary(format!("{who} fails to write to {{{{ $labels.remote_name }}}}."))
    .description(format!(
        "{{{{ $value | humanize }}}}% of the samples {who} sent to {{{{ $labels.remote_name }}}} \
         ({{{{ $labels.url }}}}) failed in the last 5 minutes."
    ))
    .meaning("The remote endpoint rejects samples for good (4xx): they are dropped.")
    .action(
        "Read Prometheus' log for the endpoint's answer: credentials, tenant header, limits or out-of-order samples.",
    );
}

/// A Kubernetes quantity in bytes; `None` for forms a volume size does not take.
fn quantity_bytes(text: &str) -> Option<u64> {
    let split = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (number, suffix) = text.split_at(split);
    let number: u64 = number.parse().ok()?;
    let factor: u64 = match suffix {
        "" => 1,
        "k" => 1_000,
        "M" => 1_000_000,
        "G" => 1_000_000_000,
        "T" => 1_000_000_000_000,
        "Ki" => 1 << 10,
        "Mi" => 1 << 20,
        "Gi" => 1 << 30,
        "Ti" => 1 << 40,
        "Pi" => 1 << 50,
        _ => return None,
    };
    number.checked_mul(factor)
}

#[cfg(test)]
mod tests {
    #[test]
    fn quantity_bytes() {
        assert_eq!(super::quantity_bytes("100Gi"), Some(100 << 30));
        assert_eq!(super::quantity_bytes("5G"), Some(5_000_000_000));
        assert_eq!(super::quantity_bytes("1.5Gi"), None);
    }
}
