//! The monitoring stack itself: Prometheus (scraping, rule evaluation, TSDB, notifications and
//! remote write when the site configures it), Alertmanager (notifications, cluster), and the
//! alerts firing.

use super::{Board, Bundle, Cx, Spec, Unit};

/// Prometheus.
pub(super) const PROMETHEUS: Spec = Spec {
    id: "prometheus",
    title: "Monitoring / Prometheus",
    bundle: Bundle::Monitoring,
    build: prometheus,
};

/// Alertmanager.
pub(super) const ALERTMANAGER: Spec = Spec {
    id: "alertmanager",
    title: "Monitoring / Alertmanager",
    bundle: Bundle::Monitoring,
    build: alertmanager,
};

/// The alerts firing.
pub(super) const ALERTS: Spec = Spec {
    id: "alerts",
    title: "Monitoring / Alerts firing",
    bundle: Bundle::Monitoring,
    build: alerts,
};

fn prometheus(cx: &Cx<'_>, b: &mut Board) {
    b.description = "Prometheus: targets, rule evaluation, TSDB, notifications and remote write.";
    b.tags = vec!["monitoring"];
    let j = format!(r#"job="{}""#, cx.jobs.prometheus);
    b.row("Health");
    b.stat("Replicas up", Unit::Short).q(format!("sum(up{{{j}}})"), "");
    b.stat("Config reloaded", Unit::Short)
        .q(format!("min(prometheus_config_last_reload_successful{{{j}}})"), "")
        .desc("1 when every replica loaded its last configuration; 0 when one refused it.");
    b.stat("Targets down", Unit::Short).q("count(up == 0) or vector(0)", "");
    b.stat("Series in head", Unit::Short)
        .q(format!("max(prometheus_tsdb_head_series{{{j}}})"), "");
    b.stat("Samples appended", Unit::PerSec).q(
        format!("max(rate(prometheus_tsdb_head_samples_appended_total{{{j}}}[5m]))"),
        "",
    );
    b.stat("Storage (blocks)", Unit::Bytes)
        .q(format!("max(prometheus_tsdb_storage_blocks_bytes{{{j}}})"), "");
    b.row("Scraping");
    b.graph("Targets down by job", Unit::Short)
        .q("count by (job) (up == 0)", "{{job}}");
    b.graph("Slowest scrapes by job", Unit::Seconds)
        .q("topk(10, max by (job) (scrape_duration_seconds))", "{{job}}");
    b.graph("Samples scraped by job (top 10)", Unit::Short).q(
        "topk(10, sum by (job) (scrape_samples_post_metric_relabeling))",
        "{{job}}",
    );
    b.graph("Scrape interval, actual p99", Unit::Seconds).q(
        format!(r#"max by (interval) (prometheus_target_interval_length_seconds{{{j}, quantile="0.99"}})"#),
        "{{interval}} target",
    );
    b.row("Rule evaluation");
    b.graph("Slowest rule groups: last duration against interval", Unit::Ratio)
        .q(
            format!(
                "topk(10, max by (rule_group) (prometheus_rule_group_last_duration_seconds{{{j}}} / prometheus_rule_group_interval_seconds{{{j}}}))"
            ),
            "{{rule_group}}",
        )
        .desc("Above 100% a group does not finish within its interval and misses evaluations.");
    b.graph("Failed and missed evaluations", Unit::PerSec)
        .q(
            format!("sum by (rule_group) (rate(prometheus_rule_evaluation_failures_total{{{j}}}[5m])) > 0"),
            "{{rule_group}} failed",
        )
        .q(
            format!("sum by (rule_group) (rate(prometheus_rule_group_iterations_missed_total{{{j}}}[5m])) > 0"),
            "{{rule_group}} missed",
        );
    b.row("TSDB");
    b.graph("Head series", Unit::Short)
        .q(format!("prometheus_tsdb_head_series{{{j}}}"), "{{pod}}");
    b.graph("Samples appended", Unit::PerSec).q(
        format!("rate(prometheus_tsdb_head_samples_appended_total{{{j}}}[5m])"),
        "{{pod}}",
    );
    b.graph("Compactions and WAL problems", Unit::PerSec)
        .q(
            format!("sum(rate(prometheus_tsdb_compactions_failed_total{{{j}}}[5m]))"),
            "compactions failed",
        )
        .q(
            format!("sum(rate(prometheus_tsdb_wal_corruptions_total{{{j}}}[5m]))"),
            "WAL corruptions",
        )
        .q(
            format!("sum(rate(prometheus_tsdb_head_truncations_failed_total{{{j}}}[5m]))"),
            "head truncations failed",
        );
    b.graph("Resident memory", Unit::Bytes)
        .q(format!("process_resident_memory_bytes{{{j}}}"), "{{pod}}");
    b.row("Notifications");
    b.graph("Alerts sent and failed", Unit::PerSec)
        .q(
            format!("sum(rate(prometheus_notifications_sent_total{{{j}}}[5m]))"),
            "sent",
        )
        .q(
            format!("sum(rate(prometheus_notifications_errors_total{{{j}}}[5m]))"),
            "errors",
        )
        .q(
            format!("sum(rate(prometheus_notifications_dropped_total{{{j}}}[5m]))"),
            "dropped",
        );
    b.graph("Notification queue", Unit::Short)
        .q(format!("max(prometheus_notifications_queue_length{{{j}}})"), "queued")
        .q(
            format!("max(prometheus_notifications_queue_capacity{{{j}}})"),
            "capacity",
        );
    if !cx.site.prometheus.remote_write.is_empty() {
        remote_write(b, &j);
    }
}

/// Remote write, for a site that configures it.
fn remote_write(b: &mut Board, j: &str) {
    b.row("Remote write");
    b.graph("Lag behind the newest sample", Unit::Seconds)
        .q(
            format!(
                "max by (remote_name, url) (prometheus_remote_storage_highest_timestamp_in_seconds{{{j}}} - ignoring (remote_name, url) group_right () prometheus_remote_storage_queue_highest_sent_timestamp_seconds{{{j}}})"
            ),
            "{{remote_name}}",
        )
        .desc("How far the newest sample sent is behind the newest sample Prometheus has, for each endpoint.");
    b.graph("Samples sent and failed", Unit::PerSec)
        .q(
            format!("sum by (remote_name) (rate(prometheus_remote_storage_samples_total{{{j}}}[5m]))"),
            "{{remote_name}} sent",
        )
        .q(
            format!("sum by (remote_name) (rate(prometheus_remote_storage_samples_failed_total{{{j}}}[5m]))"),
            "{{remote_name}} failed",
        )
        .q(
            format!("sum by (remote_name) (rate(prometheus_remote_storage_samples_retried_total{{{j}}}[5m]))"),
            "{{remote_name}} retried",
        );
    b.graph("Samples pending", Unit::Short).q(
        format!("sum by (remote_name) (prometheus_remote_storage_samples_pending{{{j}}})"),
        "{{remote_name}}",
    );
    b.graph("Shards", Unit::Short)
        .q(
            format!("max by (remote_name) (prometheus_remote_storage_shards{{{j}}})"),
            "{{remote_name}} running",
        )
        .q(
            format!("max by (remote_name) (prometheus_remote_storage_shards_desired{{{j}}})"),
            "{{remote_name}} desired",
        );
}

fn alertmanager(cx: &Cx<'_>, b: &mut Board) {
    b.description = "Alertmanager: alerts received, notifications by integration, and its cluster.";
    b.tags = vec!["monitoring"];
    let j = format!(r#"job="{}""#, cx.jobs.alertmanager);
    b.row("Alerts");
    b.stat("Replicas up", Unit::Short).q(format!("sum(up{{{j}}})"), "");
    b.stat("Config reloaded", Unit::Short)
        .q(format!("min(alertmanager_config_last_reload_successful{{{j}}})"), "");
    b.stat("Alerts active", Unit::Short)
        .q(format!(r#"max(alertmanager_alerts{{{j}, state="active"}})"#), "");
    b.stat("Alerts suppressed", Unit::Short)
        .q(format!(r#"max(alertmanager_alerts{{{j}, state="suppressed"}})"#), "");
    b.stat("Silences active", Unit::Short)
        .q(format!(r#"max(alertmanager_silences{{{j}, state="active"}})"#), "");
    b.graph("Alerts received", Unit::PerSec)
        .q(
            format!("sum by (status) (rate(alertmanager_alerts_received_total{{{j}}}[5m]))"),
            "{{status}}",
        )
        .q(
            format!("sum(rate(alertmanager_alerts_invalid_total{{{j}}}[5m]))"),
            "invalid",
        )
        .w(24);
    b.row("Notifications");
    b.graph("Notifications by integration", Unit::PerSec)
        .q(
            format!("sum by (integration) (rate(alertmanager_notifications_total{{{j}}}[5m]))"),
            "{{integration}} sent",
        )
        .q(
            format!("sum by (integration) (rate(alertmanager_notifications_failed_total{{{j}}}[5m])) > 0"),
            "{{integration}} failed",
        );
    b.graph("Notification latency p99 by integration", Unit::Seconds).q(
        format!(
            "histogram_quantile(0.99, sum by (integration, le) (rate(alertmanager_notification_latency_seconds_bucket{{{j}}}[5m])))"
        ),
        "{{integration}}",
    );
    b.row("Cluster");
    b.graph("Members seen by each replica", Unit::Short)
        .q(format!("alertmanager_cluster_members{{{j}}}"), "{{pod}}");
    b.graph("Cluster health score", Unit::Short)
        .q(format!("alertmanager_cluster_health_score{{{j}}}"), "{{pod}}")
        .desc("0 is healthy; higher means the gossip layer is struggling.");
    b.graph("Gossip messages", Unit::PerSec)
        .q(
            format!("sum by (pod) (rate(alertmanager_cluster_messages_received_total{{{j}}}[5m]))"),
            "{{pod}} received",
        )
        .q(
            format!("sum by (pod) (rate(alertmanager_cluster_messages_sent_total{{{j}}}[5m]))"),
            "{{pod}} sent",
        );
    b.graph("Peers that left or failed to reconnect", Unit::PerSec)
        .q(
            format!("sum by (pod) (rate(alertmanager_cluster_reconnections_failed_total{{{j}}}[5m]))"),
            "{{pod}} reconnections failed",
        )
        .q(
            format!("sum by (pod) (rate(alertmanager_cluster_peers_left_total{{{j}}}[5m]))"),
            "{{pod}} peers left",
        );
}

fn alerts(_cx: &Cx<'_>, b: &mut Board) {
    b.description = "The alerts Prometheus fires now and over time (without Watchdog and InfoInhibitor).";
    b.tags = vec!["monitoring", "alerts"];
    let firing = r#"ALERTS{alertstate="firing", alertname!~"Watchdog|InfoInhibitor"}"#;
    b.row("Now");
    for severity in ["critical", "warning", "info"] {
        b.stat(&format!("Firing: {severity}"), Unit::Short)
            .q(
                format!(r#"count(ALERTS{{alertstate="firing", severity="{severity}"}}) or vector(0)"#),
                "",
            )
            .w(6);
    }
    b.stat("Pending", Unit::Short)
        .q(r#"count(ALERTS{alertstate="pending"}) or vector(0)"#, "")
        .w(6);
    b.table("Alerts firing", Unit::Short)
        .q(format!("sum by (alertname, severity, namespace) ({firing})"), "")
        .desc("One row per alert name, severity and namespace; the value is how many series fire.");
    b.row("Over time");
    b.graph("Alerts firing by name", Unit::Short)
        .q(format!("sum by (alertname) ({firing})"), "{{alertname}}")
        .w(24);
    b.graph("Alerts firing by severity", Unit::Short)
        .q(format!("sum by (severity) ({firing})"), "{{severity}}")
        .w(24);
}
