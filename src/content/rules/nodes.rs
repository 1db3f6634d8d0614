//! Nodes: the hosts themselves, as node-exporter sees them (disks, memory, CPU, network, clock,
//! RAID, the exporter's own collectors, reboots).

use super::{Class, Cx, Group, Severity};
use crate::model::default_rules::Thresholds;

/// The class.
pub(super) const CLASS: Class = Class {
    id: "nodes",
    title: "Nodes: the hosts",
    build,
};

/// Filesystems that are read-only and full by design (snaps, ISO images).
const STATIC_FS: &str = "squashfs|iso9660|erofs|udf";
/// Block devices that are not disks.
const NOT_DISKS: &str = "loop.*|ram.*|sr.*|fd.*";

fn build(cx: &Cx<'_>, g: &mut Group) {
    let Some(job) = &cx.jobs.node_exporter else { return };
    records(job, g);
    filesystems(cx.thresholds(), job, g);
    inodes_and_read_only(cx.thresholds(), job, g);
    memory_and_cpu(cx.thresholds(), job, g);
    network_and_clock(cx.thresholds(), job, g);
    hardware_and_exporter(job, g);
    kernel_tables(cx.thresholds(), job, g);
}

/// The selector of the node filesystems worth watching.
fn filesystems_of(job: &str) -> String {
    format!(r#"job="{job}", fstype!="", fstype!~"{STATIC_FS}""#)
}

/// The node recording rule the `recording` group lacks (it has CPU and memory).
fn records(job: &str, g: &mut Group) {
    g.record(
        "instance_device:node_disk_io_busy:ratio",
        format!(r#"rate(node_disk_io_time_seconds_total{{job="{job}", device!~"{NOT_DISKS}"}}[5m])"#),
        "Share of the time each disk was busy with I/O (5m).",
    );
}

fn filesystems(t: &Thresholds, job: &str, g: &mut Group) {
    let fs = filesystems_of(job);
    g.alert(
        "NodeFilesystemFillingUp",
        Severity::Warning,
        format!(
            "predict_linear(node_filesystem_avail_bytes{{{fs}}}[6h], {hours} * 3600) < 0 \
             and node_filesystem_avail_bytes{{{fs}}} / node_filesystem_size_bytes{{{fs}}} < 0.4 \
             and node_filesystem_readonly{{{fs}}} == 0",
            hours = t.filesystem_fill_hours
        ),
    )
    .for_("1h")
    .summary("Filesystem {{ $labels.mountpoint }} on {{ $labels.instance }} is filling up.")
    .description(format!(
        "At the rate of the last 6 hours, filesystem {{{{ $labels.mountpoint }}}} (device {{{{ $labels.device }}}}) on \
         node {{{{ $labels.instance }}}} runs out of space within {} hours.",
        t.filesystem_fill_hours
    ))
    .meaning(
        "A node filesystem with less than 40% free loses space fast enough to be full within \
         `filesystem_fill_hours`, judged from the last 6 hours.",
    )
    .action(
        "Find what grows (`du -xh --max-depth=2 <mountpoint> | sort -h`): container logs and images, the kubelet's \
         volumes, journald. Clean up or grow the filesystem before it is full.",
    );
    for (severity, percent, for_) in [
        (Severity::Warning, t.filesystem_free_percent, "30m"),
        (Severity::Critical, t.filesystem_free_critical_percent, "15m"),
    ] {
        g.alert(
            "NodeFilesystemAlmostFull",
            severity,
            format!(
                "100 * node_filesystem_avail_bytes{{{fs}}} / node_filesystem_size_bytes{{{fs}}} < {percent} \
                 and node_filesystem_readonly{{{fs}}} == 0"
            ),
        )
        .for_(for_)
        .summary("Filesystem {{ $labels.mountpoint }} on {{ $labels.instance }} is almost full.")
        .description(format!(
            "Filesystem {{{{ $labels.mountpoint }}}} (device {{{{ $labels.device }}}}) on node {{{{ $labels.instance }}}} \
             has {{{{ $value | humanize }}}}% of its space left (threshold {percent}%)."
        ))
        .meaning(
            "A node filesystem has less free space than `filesystem_free_percent` (warning) or \
             `filesystem_free_critical_percent` (critical). A full root or /var stops the kubelet, the container \
             runtime and etcd.",
        )
        .action(
            "Free space now: `crictl rmi --prune` for unused images, old logs under /var/log, the kubelet's evicted \
             pods' volumes. Then find the cause and grow the filesystem if it is simply too small.",
        );
    }
}

fn inodes_and_read_only(t: &Thresholds, job: &str, g: &mut Group) {
    let fs = filesystems_of(job);
    g.alert(
        "NodeFilesystemInodesAlmostFull",
        Severity::Warning,
        format!(
            "100 * node_filesystem_files_free{{{fs}}} / node_filesystem_files{{{fs}}} < {} \
             and node_filesystem_readonly{{{fs}}} == 0",
            t.inodes_free_percent
        ),
    )
    .for_("30m")
    .summary("Filesystem {{ $labels.mountpoint }} on {{ $labels.instance }} is running out of inodes.")
    .description(format!(
        "Filesystem {{{{ $labels.mountpoint }}}} (device {{{{ $labels.device }}}}) on node {{{{ $labels.instance }}}} \
         has {{{{ $value | humanize }}}}% of its inodes left (threshold {}%).",
        t.inodes_free_percent
    ))
    .meaning("A node filesystem is running out of inodes: new files cannot be created even with space left.")
    .action(
        "Find the directories with the most files (`find <mountpoint> -xdev -type f | cut -d/ -f2-4 | sort | uniq -c \
         | sort -n | tail`), typically leaked temporary files or many tiny container layers, and remove them.",
    );
    g.alert(
        "NodeFilesystemReadOnly",
        Severity::Critical,
        format!(r#"node_filesystem_readonly{{{fs}, mountpoint!~"/(boot|media|mnt)(/.*)?"}} == 1"#),
    )
    .for_("5m")
    .summary("Filesystem {{ $labels.mountpoint }} on {{ $labels.instance }} is read-only.")
    .description(
        "Filesystem {{ $labels.mountpoint }} (device {{ $labels.device }}, {{ $labels.fstype }}) on node \
         {{ $labels.instance }} is mounted read-only.",
    )
    .meaning(
        "A writable filesystem became read-only: the kernel remounts one read-only after I/O or filesystem errors. \
         Everything writing to it fails.",
    )
    .action(
        "Read the kernel log (`journalctl -k | grep -iE 'error|remount'`) for the disk or filesystem error; drain the \
         node, then check the disk (SMART) and the filesystem (`fsck`) before remounting it.",
    );
}

fn memory_and_cpu(t: &Thresholds, job: &str, g: &mut Group) {
    g.alert(
        "NodeMemoryLow",
        Severity::Warning,
        format!(
            r#"100 * node_memory_MemAvailable_bytes{{job="{job}"}} / node_memory_MemTotal_bytes{{job="{job}"}} < {}"#,
            t.memory_available_percent
        ),
    )
    .for_("15m")
    .summary("Node {{ $labels.instance }} is low on memory.")
    .description(format!(
        "Node {{{{ $labels.instance }}}} has {{{{ $value | humanize }}}}% of its memory available (threshold {}%).",
        t.memory_available_percent
    ))
    .meaning(
        "Little memory is available to new work on a node: the kubelet soon evicts pods and the kernel kills \
         processes.",
    )
    .action(
        "See which pods use the memory (`kubectl top pods -A --sort-by=memory` filtered to the node) and whether their \
         requests fit the node; move or limit the largest, or add memory.",
    );
    g.alert(
        "NodeOOMKills",
        Severity::Warning,
        format!(r#"increase(node_vmstat_oom_kill{{job="{job}"}}[30m]) > 0"#),
    )
    .summary("The kernel killed processes for lack of memory on {{ $labels.instance }}.")
    .description(
        "The kernel's OOM killer killed {{ $value | humanize }} processes on node {{ $labels.instance }} in the last \
         30 minutes.",
    )
    .meaning(
        "The kernel killed processes because a node or a container's memory limit was exhausted (both count here).",
    )
    .action(
        "`journalctl -k | grep -i 'killed process'` on the node names the processes and their cgroups; a container \
         over its limit needs a higher limit or a fix, a node out of memory needs fewer or smaller pods.",
    );
    g.alert(
        "NodeCPUBusy",
        Severity::Warning,
        format!(
            r#"100 * (1 - avg without (cpu, mode) (rate(node_cpu_seconds_total{{job="{job}", mode="idle"}}[5m]))) > {}"#,
            t.cpu_busy_percent
        ),
    )
    .for_("30m")
    .summary("Node {{ $labels.instance }} is CPU-saturated.")
    .description(format!(
        "The CPUs of node {{{{ $labels.instance }}}} have been {{{{ $value | humanize }}}}% busy for 30 minutes \
         (threshold {}%).",
        t.cpu_busy_percent
    ))
    .meaning("A node's CPUs have been almost fully busy for half an hour: everything on it runs slower.")
    .action(
        "Find the busiest pods and processes (`kubectl top pods -A`, `top` on the node); check CPU requests against \
         the node's capacity and spread or limit the heaviest workloads.",
    );
    g.alert(
        "NodeDiskIOSaturated",
        Severity::Warning,
        format!(
            r#"100 * instance_device:node_disk_io_busy:ratio{{job="{job}"}} > {}"#,
            t.disk_io_busy_percent
        ),
    )
    .for_("30m")
    .summary("Disk {{ $labels.device }} on {{ $labels.instance }} is saturated with I/O.")
    .description(format!(
        "Disk {{{{ $labels.device }}}} on node {{{{ $labels.instance }}}} has been busy {{{{ $value | humanize }}}}% \
         of the time for 30 minutes (threshold {}%).",
        t.disk_io_busy_percent
    ))
    .meaning(
        "A disk has been busy nearly all the time for half an hour: I/O queues up, and latency-sensitive work \
         (etcd, databases) suffers.",
    )
    .action(
        "Find who does the I/O (`iotop -o`, `pidstat -d 5` on the node); move the heavy writers or give them faster \
         disks; on a control-plane node, keep etcd on a disk of its own.",
    );
}

fn network_and_clock(t: &Thresholds, job: &str, g: &mut Group) {
    for (name, direction, errors, packets) in [
        (
            "NodeNetworkReceiveErrors",
            "receive",
            "node_network_receive_errs_total",
            "node_network_receive_packets_total",
        ),
        (
            "NodeNetworkTransmitErrors",
            "transmit",
            "node_network_transmit_errs_total",
            "node_network_transmit_packets_total",
        ),
    ] {
        g.alert(
            name,
            Severity::Warning,
            format!(
                r#"100 * rate({errors}{{job="{job}"}}[5m]) / rate({packets}{{job="{job}"}}[5m]) > {}"#,
                t.network_error_percent
            ),
        )
        .for_("15m")
        .summary(format!(
            "Interface {{{{ $labels.device }}}} on {{{{ $labels.instance }}}} has {direction} errors."
        ))
        .description(format!(
            "{{{{ $value | humanize }}}}% of the packets interface {{{{ $labels.device }}}} on node \
             {{{{ $labels.instance }}}} {direction}s fail with errors (threshold {}%).",
            t.network_error_percent
        ))
        .meaning(format!(
            "A network interface has failed to {direction} more than `network_error_percent` of its packets for 15 \
             minutes: a bad cable, port, NIC or driver, or a duplex or MTU mismatch."
        ))
        .action(
            "`ip -s link show <device>` and `ethtool -S <device>` on the node tell the error kinds; check the cable, \
             the switch port's counters and the MTU on both ends.",
        );
    }
    g.alert(
        "NodeClockSkew",
        Severity::Warning,
        format!(
            r#"abs(node_timex_offset_seconds{{job="{job}"}}) > {}"#,
            t.clock_skew_seconds
        ),
    )
    .for_("10m")
    .summary("The clock of {{ $labels.instance }} is off.")
    .description(format!(
        "The clock of node {{{{ $labels.instance }}}} is {{{{ $value | humanizeDuration }}}} away from its time \
         source (threshold {}s).",
        t.clock_skew_seconds
    ))
    .meaning(
        "A node's clock is off its NTP reference by more than `clock_skew_seconds`: certificates, etcd leases and \
         log ordering go wrong.",
    )
    .action(
        "`chronyc tracking` (or `timedatectl timesync-status`) on the node: check the NTP servers are reachable and \
         the daemon runs.",
    );
    g.alert(
        "NodeClockNotSynchronised",
        Severity::Warning,
        format!(r#"min_over_time(node_timex_sync_status{{job="{job}"}}[5m]) == 0"#),
    )
    .for_("10m")
    .summary("The clock of {{ $labels.instance }} is not synchronised.")
    .description(
        "The kernel reports the clock of node {{ $labels.instance }} as not synchronised to a time source for 10 \
         minutes.",
    )
    .meaning("A node's clock is not kept in sync by NTP: it drifts, and the skew only grows.")
    .action(
        "Start or fix the time daemon (`systemctl status chronyd` or `systemd-timesyncd`), check that it reaches its \
         servers (`chronyc sources`).",
    );
}

fn hardware_and_exporter(job: &str, g: &mut Group) {
    g.alert(
        "NodeRAIDDegraded",
        Severity::Critical,
        format!(
            r#"node_md_disks_required{{job="{job}"}} - ignoring (state) node_md_disks{{job="{job}", state="active"}} > 0"#
        ),
    )
    .for_("15m")
    .summary("RAID array {{ $labels.device }} on {{ $labels.instance }} is degraded.")
    .description(
        "RAID array {{ $labels.device }} on node {{ $labels.instance }} is missing {{ $value }} of the disks it needs: \
         one more failure can lose its data.",
    )
    .meaning("A software RAID (md) array runs with fewer active disks than it needs: it has no redundancy left.")
    .action(
        "`cat /proc/mdstat` and `mdadm --detail /dev/<device>` on the node; replace the failed disk and add it back \
         (`mdadm --add`), then watch the rebuild.",
    );
    g.alert(
        "NodeRAIDDiskFailed",
        Severity::Warning,
        format!(r#"node_md_disks{{job="{job}", state="failed"}} > 0"#),
    )
    .for_("15m")
    .summary("A disk of RAID array {{ $labels.device }} on {{ $labels.instance }} failed.")
    .description("RAID array {{ $labels.device }} on node {{ $labels.instance }} has {{ $value }} failed disks.")
    .meaning("A disk of a software RAID (md) array is marked failed; the array may still have redundancy.")
    .action("`mdadm --detail /dev/<device>` names the disk; replace it (`mdadm --remove`, then `--add`).");
    g.alert(
        "NodeExporterCollectorFailed",
        Severity::Warning,
        format!(r#"node_scrape_collector_success{{job="{job}"}} == 0"#),
    )
    .for_("15m")
    .summary("node-exporter collector {{ $labels.collector }} fails on {{ $labels.instance }}.")
    .description(
        "The {{ $labels.collector }} collector of node-exporter on node {{ $labels.instance }} has failed for 15 \
         minutes: its metrics, and the alerts on them, are missing.",
    )
    .meaning("A node-exporter collector fails, so its part of the node's metrics is missing or stale.")
    .action(
        "Read the node-exporter pod's log on that node (`kubectl logs -n <namespace> <pod>`): usually a permission or \
         a missing kernel interface.",
    );
    g.alert(
        "NodeTextfileError",
        Severity::Warning,
        format!(r#"node_textfile_scrape_error{{job="{job}"}} == 1"#),
    )
    .for_("15m")
    .summary("node-exporter cannot read the textfile metrics on {{ $labels.instance }}.")
    .description(
        "node-exporter on node {{ $labels.instance }} has failed to read or parse a file of its textfile directory \
         for 15 minutes.",
    )
    .meaning("A `.prom` file dropped by a node script is unreadable or malformed; its metrics are missing.")
    .action(
        "The node-exporter log names the file and the parse error; fix the script that writes it (write to a temporary \
         file and rename it).",
    );
    g.alert(
        "NodeRebooted",
        Severity::Info,
        format!(r#"time() - node_boot_time_seconds{{job="{job}"}} < 1800"#),
    )
    .summary("Node {{ $labels.instance }} rebooted.")
    .description("Node {{ $labels.instance }} booted {{ $value | humanizeDuration }} ago.")
    .meaning("A node booted within the last 30 minutes: context for the alerts around it.")
    .action(
        "If nobody planned it, read the previous boot's journal (`journalctl -b -1 -e`) for a panic, an OOM or a \
         watchdog reset.",
    );
}

fn kernel_tables(t: &Thresholds, job: &str, g: &mut Group) {
    let percent = t.kernel_table_percent;
    for (name, used, limit, what, consequence, action) in [
        (
            "NodeConntrackTableFull",
            "node_nf_conntrack_entries",
            "node_nf_conntrack_entries_limit",
            "connection-tracking table",
            "new connections are dropped (`nf_conntrack: table full` in the kernel log)",
            "Find who opens so many connections (`conntrack -L | awk '{print $5}' | sort | uniq -c | sort -n`); raise \
             `net.netfilter.nf_conntrack_max` if the load is legitimate.",
        ),
        (
            "NodeFileDescriptorsExhausted",
            "node_filefd_allocated",
            "node_filefd_maximum",
            "file-descriptor table",
            "opening files and sockets fails with `Too many open files` everywhere on the node",
            "Find the process holding the most descriptors (`ls /proc/*/fd | wc -l` per process, or `lsof | awk \
             '{print $2}' | sort | uniq -c | sort -n`); fix its leak, or raise `fs.file-max`.",
        ),
    ] {
        g.alert(
            name,
            Severity::Warning,
            format!(r#"100 * {used}{{job="{job}"}} / {limit}{{job="{job}"}} > {percent}"#),
        )
        .for_("15m")
        .summary(format!("The {what} of {{{{ $labels.instance }}}} is almost full."))
        .description(format!(
            "The kernel's {what} on node {{{{ $labels.instance }}}} is {{{{ $value | humanize }}}}% full (threshold \
             {percent}%)."
        ))
        .meaning(format!(
            "A node's kernel {what} nears its limit; when full, {consequence}."
        ))
        .action(action);
    }
}
