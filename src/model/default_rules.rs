//! The validated `[default_rules]` settings: which default groups ship, where their alerts go and
//! the thresholds they use. The rules themselves are content (`crate::content::rules`), built from
//! the whole site.

use std::collections::BTreeSet;

use super::Duration;

/// Name of the receiver without integrations that promsite adds for the alerts that only exist to
/// be routed nowhere (`InfoInhibitor`, and `Watchdog` without a dead-man's switch).
pub const NULL_RECEIVER: &str = "promsite-null";
/// Label every default alert carries: the id of its group.
pub const GROUP_LABEL: &str = "promsite_group";

/// Validated `[default_rules]`.
#[derive(Debug, Clone)]
pub struct DefaultRules {
    /// Base of the `runbook_url` annotations.
    pub runbook_base_url: String,
    /// Group ids left out, sorted.
    pub disabled_groups: BTreeSet<String>,
    /// Receiver of the catch-all route for default alerts.
    pub receiver: String,
    /// The dead-man's switch, if the site has one.
    pub watchdog: Option<Watchdog>,
    /// Whether `info` alerts are inhibited unless something else fires in their namespace.
    pub info_inhibitor: bool,
    /// Alert thresholds.
    pub thresholds: Thresholds,
}

/// The dead-man's switch route.
#[derive(Debug, Clone)]
pub struct Watchdog {
    /// Receiver name.
    pub receiver: String,
    /// Repeat (and group) interval.
    pub repeat_interval: Duration,
}

/// Thresholds of the default alerts (see `site::raw::Thresholds` for their meaning).
#[derive(Debug, Clone, PartialEq)]
#[allow(missing_docs)]
pub struct Thresholds {
    pub filesystem_free_percent: f64,
    pub filesystem_free_critical_percent: f64,
    pub filesystem_fill_hours: f64,
    pub inodes_free_percent: f64,
    pub volume_free_percent: f64,
    pub memory_available_percent: f64,
    pub cpu_busy_percent: f64,
    pub certificate_days_left: f64,
    pub certificate_critical_days_left: f64,
    pub restarts_per_hour: f64,
    pub cpu_throttling_percent: f64,
    pub apiserver_latency_seconds: f64,
    pub apiserver_error_percent: f64,
    pub etcd_fsync_seconds: f64,
    pub etcd_commit_seconds: f64,
    pub etcd_quota_percent: f64,
    pub clock_skew_seconds: f64,
    pub job_running_hours: f64,
    pub kubelet_pods_percent: f64,
    // nodes, workloads, control plane (content branch)
    pub disk_io_busy_percent: f64,
    pub network_error_percent: f64,
    pub pleg_relist_seconds: f64,
    pub etcd_leader_changes_per_hour: f64,
    pub etcd_grpc_error_percent: f64,
    pub coredns_servfail_percent: f64,
    pub coredns_latency_seconds: f64,
    pub kernel_table_percent: f64,
}

impl Default for Thresholds {
    /// The documented defaults.
    fn default() -> Self {
        Self {
            filesystem_free_percent: 10.0,
            filesystem_free_critical_percent: 3.0,
            filesystem_fill_hours: 24.0,
            inodes_free_percent: 5.0,
            volume_free_percent: 10.0,
            memory_available_percent: 10.0,
            cpu_busy_percent: 90.0,
            certificate_days_left: 30.0,
            certificate_critical_days_left: 7.0,
            restarts_per_hour: 3.0,
            cpu_throttling_percent: 25.0,
            apiserver_latency_seconds: 1.0,
            apiserver_error_percent: 3.0,
            etcd_fsync_seconds: 0.5,
            etcd_commit_seconds: 0.25,
            etcd_quota_percent: 80.0,
            clock_skew_seconds: 0.05,
            job_running_hours: 12.0,
            kubelet_pods_percent: 95.0,
            // nodes, workloads, control plane (content branch)
            disk_io_busy_percent: 90.0,
            network_error_percent: 1.0,
            pleg_relist_seconds: 10.0,
            etcd_leader_changes_per_hour: 4.0,
            etcd_grpc_error_percent: 5.0,
            coredns_servfail_percent: 5.0,
            coredns_latency_seconds: 1.0,
            kernel_table_percent: 90.0,
        }
    }
}
