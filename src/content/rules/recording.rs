//! Recording rules: the node, namespace and cluster aggregations that alerts and dashboards share,
//! evaluated once at the site's interval instead of in every panel and rule.

use super::{Class, Cx, Group};

/// The class.
pub(super) const CLASS: Class = Class {
    id: "recording",
    title: "Recording rules",
    build,
};

fn build(cx: &Cx<'_>, g: &mut Group) {
    if let Some(job) = &cx.jobs.node_exporter {
        let sel = format!(r#"job="{job}""#);
        g.record(
            "instance:node_cpu_busy:ratio_rate5m",
            format!(r#"1 - avg by (instance) (rate(node_cpu_seconds_total{{{sel}, mode="idle"}}[5m]))"#),
            "Share of time each node's CPUs were not idle, over 5 minutes (0-1).",
        );
        g.record(
            "instance:node_memory_available:ratio",
            format!("node_memory_MemAvailable_bytes{{{sel}}} / node_memory_MemTotal_bytes{{{sel}}}"),
            "Share of each node's memory available to new processes without swapping (0-1).",
        );
        g.record(
            "cluster:node_cpu_busy:ratio_rate5m",
            format!(r#"1 - avg(rate(node_cpu_seconds_total{{{sel}, mode="idle"}}[5m]))"#),
            "Share of time all the nodes' CPUs together were not idle (0-1).",
        );
        g.record(
            "cluster:node_memory_available:ratio",
            format!("sum(node_memory_MemAvailable_bytes{{{sel}}}) / sum(node_memory_MemTotal_bytes{{{sel}}})"),
            "Share of all the nodes' memory that is available (0-1).",
        );
    }
    if let Some(job) = &cx.jobs.kubelet {
        let sel = format!(r#"job="{job}", metrics_path="/metrics/cadvisor", container!="", container!="POD""#);
        g.record(
            "namespace:container_cpu_usage_seconds:sum_rate5m",
            format!("sum by (namespace) (rate(container_cpu_usage_seconds_total{{{sel}}}[5m]))"),
            "CPU cores used by the containers of each namespace (cAdvisor).",
        );
        g.record(
            "namespace:container_memory_working_set_bytes:sum",
            format!("sum by (namespace) (container_memory_working_set_bytes{{{sel}}})"),
            "Working-set memory of the containers of each namespace, what the kubelet evicts and OOM-kills by (cAdvisor).",
        );
    }
    if let Some(job) = &cx.jobs.kube_state_metrics {
        for (resource, record, meaning) in [
            (
                "cpu",
                "namespace:kube_pod_container_resource_requests_cpu_cores:sum",
                "CPU cores requested by the pending and running pods of each namespace.",
            ),
            (
                "memory",
                "namespace:kube_pod_container_resource_requests_memory_bytes:sum",
                "Memory bytes requested by the pending and running pods of each namespace.",
            ),
        ] {
            g.record(
                record,
                format!(
                    r#"sum by (namespace) (kube_pod_container_resource_requests{{job="{job}", resource="{resource}"}} * on (namespace, pod) group_left () max by (namespace, pod) (kube_pod_status_phase{{job="{job}", phase=~"Pending|Running"}} == 1))"#
                ),
                meaning,
            );
        }
    }
}
