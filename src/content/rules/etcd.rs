//! etcd: the cluster's datastore (external members on the `etcd` nodes, scraped with the client
//! certificate of `[etcd]`): leadership, quorum, disk latency, database size and gRPC errors.

use super::{Class, Cx, Group, Severity};
use crate::model::default_rules::Thresholds;

/// The class.
pub(super) const CLASS: Class = Class {
    id: "etcd",
    title: "etcd",
    build,
};

/// gRPC codes that mean the server failed, not that the client asked for something wrong.
const SERVER_ERRORS: &str =
    "Unknown|FailedPrecondition|ResourceExhausted|Internal|Unavailable|DataLoss|DeadlineExceeded";

fn build(cx: &Cx<'_>, g: &mut Group) {
    let Some(job) = &cx.jobs.etcd else { return };
    let t = cx.thresholds();
    for (name, metric, meaning) in [
        (
            "instance:etcd_disk_wal_fsync_duration_seconds:p99_5m",
            "etcd_disk_wal_fsync_duration_seconds_bucket",
            "99th-percentile WAL fsync latency of each etcd member (5m).",
        ),
        (
            "instance:etcd_disk_backend_commit_duration_seconds:p99_5m",
            "etcd_disk_backend_commit_duration_seconds_bucket",
            "99th-percentile backend commit latency of each etcd member (5m).",
        ),
    ] {
        g.record(
            name,
            format!(r#"histogram_quantile(0.99, sum by (instance, node, le) (rate({metric}{{job="{job}"}}[5m])))"#),
            meaning,
        );
    }
    membership(t, job, g);
    performance(t, job, g);
}

fn membership(t: &Thresholds, job: &str, g: &mut Group) {
    g.alert(
        "EtcdNoLeader",
        Severity::Critical,
        format!(r#"etcd_server_has_leader{{job="{job}"}} == 0"#),
    )
    .for_("1m")
    .summary("etcd member {{ $labels.instance }} has no leader.")
    .description(
        "etcd member {{ $labels.instance }} (node {{ $labels.node }}) has had no leader for a minute: it serves \
             no writes.",
    )
    .meaning("An etcd member sees no leader: it is cut off from the others, or the cluster lost quorum.")
    .action(
        "`etcdctl endpoint status --cluster -w table` from a control-plane node (with the healthcheck client \
             certificate): which members see which leader; then the network between the etcd nodes.",
    );
    g.alert(
        "EtcdLeaderChangesFrequent",
        Severity::Warning,
        format!(
            r#"max by (job) (increase(etcd_server_leader_changes_seen_total{{job="{job}"}}[1h])) > {}"#,
            t.etcd_leader_changes_per_hour
        ),
    )
    .summary("etcd changes its leader often.")
    .description(format!(
        "The etcd cluster (job {{{{ $labels.job }}}}) changed its leader {{{{ $value | humanize }}}} times in the last \
         hour (threshold {}).",
        t.etcd_leader_changes_per_hour
    ))
    .meaning(
        "The etcd leader keeps changing: heartbeats are missed because of slow disks, CPU starvation or network \
         trouble; every change stalls writes.",
    )
    .action("Check the etcd nodes' disk latency (`EtcdFsyncSlow`), CPU and the network between them.");
    g.alert(
        "EtcdMemberDown",
        Severity::Warning,
        format!(r#"up{{job="{job}"}} == 0"#),
    )
    .for_("5m")
    .summary("etcd member {{ $labels.instance }} is down.")
    .description("etcd member {{ $labels.instance }} (node {{ $labels.node }}) has not answered scrapes for 5 minutes.")
    .meaning("An etcd member is down or unreachable; the cluster works on while it keeps quorum.")
    .action(
        "On the node: the etcd static pod or service (`crictl ps -a | grep etcd`, its logs), its disk, its \
             certificates.",
    );
    g.alert(
        "EtcdNoQuorum",
        Severity::Critical,
        format!(r#"sum by (job) (up{{job="{job}"}} == bool 1) < floor(count by (job) (up{{job="{job}"}}) / 2) + 1"#),
    )
    .for_("3m")
    .summary("etcd has lost quorum.")
    .description(
        "Only {{ $value }} members of the etcd cluster (job {{ $labels.job }}) are up: fewer than a majority, so it \
         accepts no writes.",
    )
    .meaning("Fewer than a majority of etcd members are up: the cluster is read-only and the API server fails writes.")
    .action(
        "Bring the down members back first (see `EtcdMemberDown`); restore from a snapshot only if a majority is \
         lost for good.",
    );
}

fn performance(t: &Thresholds, job: &str, g: &mut Group) {
    for (name, record, what, threshold, key) in [
        (
            "EtcdFsyncSlow",
            "instance:etcd_disk_wal_fsync_duration_seconds:p99_5m",
            "WAL fsync",
            t.etcd_fsync_seconds,
            "etcd_fsync_seconds",
        ),
        (
            "EtcdCommitSlow",
            "instance:etcd_disk_backend_commit_duration_seconds:p99_5m",
            "backend commit",
            t.etcd_commit_seconds,
            "etcd_commit_seconds",
        ),
    ] {
        g.alert(name, Severity::Warning, format!("{record} > {threshold}"))
            .for_("10m")
            .summary(format!("etcd member {{{{ $labels.instance }}}} is slow to {what}."))
            .description(format!(
                "The 99th percentile of {what} on etcd member {{{{ $labels.instance }}}} (node \
                 {{{{ $labels.node }}}}) takes {{{{ $value | humanizeDuration }}}} (threshold {threshold}s)."
            ))
            .meaning(format!(
                "An etcd member's {what} latency is above `{key}`: its disk is too slow or shared with heavy I/O, \
                 and leader elections and API latency follow."
            ))
            .action(
                "Give etcd a dedicated low-latency disk (SSD); check the node's disk saturation and that no other \
                 workload writes to it.",
            );
    }
    g.alert(
        "EtcdDatabaseNearQuota",
        Severity::Warning,
        format!(
            r#"100 * etcd_mvcc_db_total_size_in_bytes{{job="{job}"}} / etcd_server_quota_backend_bytes{{job="{job}"}} > {}"#,
            t.etcd_quota_percent
        ),
    )
    .for_("10m")
    .summary("The etcd database of {{ $labels.instance }} is near its quota.")
    .description(format!(
        "The database of etcd member {{{{ $labels.instance }}}} (node {{{{ $labels.node }}}}) uses \
         {{{{ $value | humanize }}}}% of its space quota (threshold {}%).",
        t.etcd_quota_percent
    ))
    .meaning(
        "An etcd database approaches its quota; at the quota etcd raises NOSPACE and accepts no writes until \
         defragmented or given a larger quota.",
    )
    .action(
        "Compact and defragment (`etcdctl defrag`, one member at a time); find what fills it (many Events, \
         large Secrets or CRs) and raise `--quota-backend-bytes` if needed.",
    );
    g.alert(
        "EtcdGRPCErrors",
        Severity::Warning,
        format!(
            r#"100 * sum by (job, instance, grpc_method) (rate(grpc_server_handled_total{{job="{job}", grpc_code=~"{SERVER_ERRORS}"}}[5m])) / sum by (job, instance, grpc_method) (rate(grpc_server_handled_total{{job="{job}"}}[5m])) > {}"#,
            t.etcd_grpc_error_percent
        ),
    )
    .for_("10m")
    .summary("etcd member {{ $labels.instance }} fails {{ $labels.grpc_method }} requests.")
    .description(format!(
        "{{{{ $value | humanize }}}}% of the {{{{ $labels.grpc_method }}}} requests to etcd member \
         {{{{ $labels.instance }}}} fail on the server side (threshold {}%).",
        t.etcd_grpc_error_percent
    ))
    .meaning("An etcd member fails a share of its gRPC requests with server errors (unavailable, internal, timeouts).")
    .action("Read the member's log; the cause is usually lost leadership, quorum or disk latency (see the other etcd alerts).");
}
