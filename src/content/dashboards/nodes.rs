//! The hosts (node-exporter), by the USE method: utilisation, saturation and errors of CPU,
//! memory, disks and network, across the cluster and for one node; and the persistent volumes
//! (the kubelets' volume statistics, kube-state-metrics' claims).

use super::{Board, Bundle, Cx, Spec, Unit};

/// Nodes.
pub(super) const NODES: Spec = Spec {
    id: "nodes",
    title: "Nodes",
    bundle: Bundle::Kubernetes,
    build: nodes,
};

/// Persistent volumes.
pub(super) const VOLUMES: Spec = Spec {
    id: "persistent-volumes",
    title: "Persistent volumes",
    bundle: Bundle::Kubernetes,
    build: volumes,
};

/// Block devices that are not disks (as in the `nodes` rules).
const NOT_DISKS: &str = "loop.*|ram.*|sr.*|fd.*";
/// Network devices that are not physical or pod traffic worth showing per node.
const NOT_NICS: &str = "lo|veth.*|cali.*|flannel.*|cni.*|docker.*|tunl.*|vxlan.*";

fn nodes(cx: &Cx<'_>, b: &mut Board) {
    let Some(job) = &cx.jobs.node_exporter else { return };
    b.description = "Utilisation, saturation and errors of each node's CPU, memory, disks and network.";
    b.tags = vec!["nodes"];
    let j = format!(r#"job="{job}""#);
    b.var("instance", "Node", format!("node_uname_info{{{j}}}"), "instance");
    let busy = cx.rec(
        "instance:node_cpu_busy:ratio_rate5m",
        format!(r#"1 - avg by (instance) (rate(node_cpu_seconds_total{{{j}, mode="idle"}}[5m]))"#),
    );
    let available = cx.rec(
        "instance:node_memory_available:ratio",
        format!("node_memory_MemAvailable_bytes{{{j}}} / node_memory_MemTotal_bytes{{{j}}}"),
    );
    let io_busy = cx.rec(
        "instance_device:node_disk_io_busy:ratio",
        format!(r#"rate(node_disk_io_time_seconds_total{{{j}, device!~"{NOT_DISKS}"}}[5m])"#),
    );
    let cores = format!(r#"count by (instance) (node_cpu_seconds_total{{{j}, mode="idle"}})"#);
    b.row("Cluster");
    b.stat("Nodes up", Unit::Short).q(format!("sum(up{{{j}}})"), "");
    b.stat("CPU cores", Unit::Short).q(format!("sum({cores})"), "");
    b.stat("Memory", Unit::Bytes)
        .q(format!("sum(node_memory_MemTotal_bytes{{{j}}})"), "");
    b.graph("CPU busy by node", Unit::Ratio)
        .q(busy.clone(), "{{instance}}")
        .desc("Utilisation: share of CPU time not idle.");
    b.graph("Load per core by node", Unit::Short)
        .q(format!("node_load1{{{j}}} / {cores}"), "{{instance}}")
        .desc("Saturation: runnable and waiting tasks per core over 1 minute; above 1 tasks wait.");
    b.graph("Memory used by node", Unit::Ratio)
        .q(format!("1 - {available}"), "{{instance}}");
    b.graph("Major page faults by node", Unit::PerSec)
        .q(format!("rate(node_vmstat_pgmajfault{{{j}}}[5m])"), "{{instance}}")
        .desc("Saturation: reads from disk because memory ran short.");
    b.graph("Disk busy by node", Unit::Ratio)
        .q(format!("max by (instance) ({io_busy})"), "{{instance}}")
        .desc("The busiest disk of each node.");
    b.graph("Filesystem used by node", Unit::Ratio).q(
        format!(
            r#"max by (instance) (1 - node_filesystem_avail_bytes{{{j}, fstype!="", fstype!~"tmpfs|ramfs|squashfs"}} / node_filesystem_size_bytes{{{j}, fstype!="", fstype!~"tmpfs|ramfs|squashfs"}})"#
        ),
        "{{instance}}",
    );
    let nic = format!(r#"{j}, device!~"{NOT_NICS}""#);
    b.graph("Network received by node", Unit::BytesPerSec).q(
        format!("sum by (instance) (rate(node_network_receive_bytes_total{{{nic}}}[5m]))"),
        "{{instance}}",
    );
    b.graph("Network errors and drops by node", Unit::PerSec).q(
        format!(
            "sum by (instance) (rate(node_network_receive_errs_total{{{nic}}}[5m]) + rate(node_network_transmit_errs_total{{{nic}}}[5m]) + rate(node_network_receive_drop_total{{{nic}}}[5m]) + rate(node_network_transmit_drop_total{{{nic}}}[5m]))"
        ),
        "{{instance}}",
    );
    node(b, &j, &nic);
}

/// The row of the node chosen in `$instance`.
fn node(b: &mut Board, j: &str, nic: &str) {
    let n = format!(r#"{j}, instance="$instance""#);
    let nic = format!(r#"{nic}, instance="$instance""#);
    b.row("Node $instance");
    b.graph("CPU by mode", Unit::Ratio).q(
        format!(
            r#"sum by (mode) (rate(node_cpu_seconds_total{{{n}, mode!="idle"}}[5m])) / scalar(count(node_cpu_seconds_total{{{n}, mode="idle"}}))"#
        ),
        "{{mode}}",
    );
    b.graph("Memory", Unit::Bytes)
        .q(
            format!("node_memory_MemTotal_bytes{{{n}}} - node_memory_MemAvailable_bytes{{{n}}}"),
            "used",
        )
        .q(
            format!("node_memory_Buffers_bytes{{{n}}} + node_memory_Cached_bytes{{{n}}}"),
            "buffers and cache",
        )
        .q(format!("node_memory_MemAvailable_bytes{{{n}}}"), "available");
    b.graph("Filesystem used", Unit::Ratio).q(
        format!(
            r#"1 - node_filesystem_avail_bytes{{{n}, fstype!="", fstype!~"tmpfs|ramfs|squashfs"}} / node_filesystem_size_bytes{{{n}, fstype!="", fstype!~"tmpfs|ramfs|squashfs"}}"#
        ),
        "{{mountpoint}}",
    );
    b.graph("Disk throughput", Unit::BytesPerSec)
        .q(
            format!(r#"rate(node_disk_read_bytes_total{{{n}, device!~"{NOT_DISKS}"}}[5m])"#),
            "{{device}} read",
        )
        .q(
            format!(r#"rate(node_disk_written_bytes_total{{{n}, device!~"{NOT_DISKS}"}}[5m])"#),
            "{{device}} written",
        );
    b.graph("Disk operations", Unit::Iops)
        .q(
            format!(r#"rate(node_disk_reads_completed_total{{{n}, device!~"{NOT_DISKS}"}}[5m])"#),
            "{{device}} reads",
        )
        .q(
            format!(r#"rate(node_disk_writes_completed_total{{{n}, device!~"{NOT_DISKS}"}}[5m])"#),
            "{{device}} writes",
        );
    b.graph("Disk busy", Unit::Ratio).q(
        format!(r#"rate(node_disk_io_time_seconds_total{{{n}, device!~"{NOT_DISKS}"}}[5m])"#),
        "{{device}}",
    );
    b.graph("Network", Unit::BytesPerSec)
        .q(
            format!("rate(node_network_receive_bytes_total{{{nic}}}[5m])"),
            "{{device}} received",
        )
        .q(
            format!("rate(node_network_transmit_bytes_total{{{nic}}}[5m])"),
            "{{device}} transmitted",
        );
    b.graph("Network errors", Unit::PerSec)
        .q(
            format!("rate(node_network_receive_errs_total{{{nic}}}[5m])"),
            "{{device}} receive",
        )
        .q(
            format!("rate(node_network_transmit_errs_total{{{nic}}}[5m])"),
            "{{device}} transmit",
        );
}

fn volumes(cx: &Cx<'_>, b: &mut Board) {
    let Some(kubelet) = &cx.jobs.kubelet else { return };
    b.description = "Space and inodes of the persistent volume claims mounted by pods, and the claims' phases.";
    b.tags = vec!["kubernetes", "storage"];
    let k = format!(r#"job="{kubelet}", metrics_path="/metrics""#);
    b.var(
        "namespace",
        "Namespace",
        format!("kubelet_volume_stats_capacity_bytes{{{k}}}"),
        "namespace",
    );
    let ns = format!(r#"{k}, namespace="$namespace""#);
    let by = "max by (namespace, persistentvolumeclaim)";
    b.row("All claims");
    b.table("Claims by space used", Unit::Ratio).q(
        format!(
            "sort_desc({by} (kubelet_volume_stats_used_bytes{{{k}}}) / {by} (kubelet_volume_stats_capacity_bytes{{{k}}}))"
        ),
        "",
    );
    if let Some(ksm) = &cx.jobs.kube_state_metrics {
        b.stat("Claims not bound", Unit::Short)
            .q(
                format!(r#"sum(kube_persistentvolumeclaim_status_phase{{job="{ksm}", phase!="Bound"}}) or vector(0)"#),
                "",
            )
            .w(12);
        b.stat("Volumes failed", Unit::Short)
            .q(
                format!(r#"sum(kube_persistentvolume_status_phase{{job="{ksm}", phase="Failed"}}) or vector(0)"#),
                "",
            )
            .w(12);
    }
    b.row("Namespace $namespace");
    b.graph("Space used", Unit::Ratio).q(
        format!("{by} (kubelet_volume_stats_used_bytes{{{ns}}}) / {by} (kubelet_volume_stats_capacity_bytes{{{ns}}})"),
        "{{persistentvolumeclaim}}",
    );
    b.graph("Space available", Unit::Bytes).q(
        format!("{by} (kubelet_volume_stats_available_bytes{{{ns}}})"),
        "{{persistentvolumeclaim}}",
    );
    b.graph("Inodes used", Unit::Ratio).q(
        format!("{by} (kubelet_volume_stats_inodes_used{{{ns}}}) / {by} (kubelet_volume_stats_inodes{{{ns}}})"),
        "{{persistentvolumeclaim}}",
    );
    b.graph("Space used, growth over 6h", Unit::Bytes).q(
        format!("{by} (delta(kubelet_volume_stats_used_bytes{{{ns}}}[6h]))"),
        "{{persistentvolumeclaim}}",
    );
}
