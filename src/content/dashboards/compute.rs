//! Compute resources, from the cluster down to one pod: CPU, memory and network used (cAdvisor,
//! through the kubelets) against what the pods request and are limited to (kube-state-metrics).

use super::{Board, Bundle, Cx, Spec, Unit};

/// The cluster: usage against capacity, requests and limits, by namespace.
pub(super) const CLUSTER: Spec = Spec {
    id: "compute-cluster",
    title: "Compute resources / Cluster",
    bundle: Bundle::Kubernetes,
    build: cluster,
};

/// One namespace, by pod.
pub(super) const NAMESPACE: Spec = Spec {
    id: "compute-namespace",
    title: "Compute resources / Namespace",
    bundle: Bundle::Kubernetes,
    build: namespace,
};

/// The pods of one workload (the pods' controller: a Deployment shows as its ReplicaSets).
pub(super) const WORKLOAD: Spec = Spec {
    id: "compute-workload",
    title: "Compute resources / Workload",
    bundle: Bundle::Kubernetes,
    build: workload,
};

/// One node: the pods on it against its allocatable capacity.
pub(super) const NODE: Spec = Spec {
    id: "compute-node",
    title: "Compute resources / Node",
    bundle: Bundle::Kubernetes,
    build: node,
};

/// One pod, by container.
pub(super) const POD: Spec = Spec {
    id: "compute-pod",
    title: "Compute resources / Pod",
    bundle: Bundle::Kubernetes,
    build: pod,
};

/// cAdvisor's series of real containers (not the pod's own cgroup, not the pause container).
fn cadvisor(kubelet: &str) -> String {
    format!(r#"job="{kubelet}", metrics_path="/metrics/cadvisor", container!="", container!="POD""#)
}

/// cAdvisor's network series: per pod, whatever the container label.
fn network(kubelet: &str) -> String {
    format!(r#"job="{kubelet}", metrics_path="/metrics/cadvisor""#)
}

fn cluster(cx: &Cx<'_>, b: &mut Board) {
    let Some(kubelet) = &cx.jobs.kubelet else { return };
    b.description = "CPU, memory and network of the whole cluster, by namespace.";
    b.tags = vec!["kubernetes", "resources"];
    let c = cadvisor(kubelet);
    let cpu_used = cx.rec(
        "namespace:container_cpu_usage_seconds:sum_rate5m",
        format!("sum by (namespace) (rate(container_cpu_usage_seconds_total{{{c}}}[5m]))"),
    );
    let mem_used = cx.rec(
        "namespace:container_memory_working_set_bytes:sum",
        format!("sum by (namespace) (container_memory_working_set_bytes{{{c}}})"),
    );
    b.row("Headroom");
    if cx.jobs.node_exporter.is_some() {
        let job = cx.jobs.node_exporter.as_deref().unwrap_or_default();
        let busy = cx.rec(
            "cluster:node_cpu_busy:ratio_rate5m",
            format!(r#"1 - avg(rate(node_cpu_seconds_total{{job="{job}", mode="idle"}}[5m]))"#),
        );
        let available = cx.rec(
            "cluster:node_memory_available:ratio",
            format!("sum(node_memory_MemAvailable_bytes{{job=\"{job}\"}}) / sum(node_memory_MemTotal_bytes{{job=\"{job}\"}})"),
        );
        b.stat("CPU busy", Unit::Ratio)
            .q(busy, "")
            .desc("Share of all the nodes' CPU time that was not idle (node-exporter).");
        b.stat("Memory used", Unit::Ratio)
            .q(format!("1 - {available}"), "")
            .desc("Share of all the nodes' memory not available to new processes.");
    }
    if let Some(ksm) = &cx.jobs.kube_state_metrics {
        for (resource, label) in [("cpu", "CPU"), ("memory", "Memory")] {
            let alloc = format!(r#"sum(kube_node_status_allocatable{{job="{ksm}", resource="{resource}"}})"#);
            let requests = requests_sum(cx, ksm, resource);
            b.stat(&format!("{label} requested"), Unit::Ratio)
                .q(format!("sum({requests}) / {alloc}"), "")
                .desc("Requests of the pending and running pods, against the nodes' allocatable capacity.");
            b.stat(&format!("{label} limited"), Unit::Ratio)
                .q(
                    format!(
                        r#"sum(kube_pod_container_resource_limits{{job="{ksm}", resource="{resource}"}}) / {alloc}"#
                    ),
                    "",
                )
                .desc("Limits of all pods, against allocatable capacity: above 100% the nodes are overcommitted.");
        }
    }
    b.row("CPU");
    b.graph("CPU used by namespace (cores)", Unit::Short)
        .q(cpu_used.clone(), "{{namespace}}")
        .w(24);
    b.row("Memory");
    b.graph("Memory used by namespace (working set)", Unit::Bytes)
        .q(mem_used.clone(), "{{namespace}}")
        .w(24);
    b.row("Network");
    let n = network(kubelet);
    b.graph("Received by namespace", Unit::BytesPerSec).q(
        format!("sum by (namespace) (rate(container_network_receive_bytes_total{{{n}}}[5m]))"),
        "{{namespace}}",
    );
    b.graph("Transmitted by namespace", Unit::BytesPerSec).q(
        format!("sum by (namespace) (rate(container_network_transmit_bytes_total{{{n}}}[5m]))"),
        "{{namespace}}",
    );
    b.row("Namespaces");
    let t = b
        .table("Namespaces now", Unit::Short)
        .q(cpu_used, "CPU used")
        .q(mem_used, "Memory used")
        .desc("Usage and requests of each namespace (CPU in cores, memory in bytes).");
    if let Some(ksm) = &cx.jobs.kube_state_metrics {
        t.q(requests_sum(cx, ksm, "cpu"), "CPU requested")
            .q(requests_sum(cx, ksm, "memory"), "Memory requested")
            .q(
                format!(r#"count by (namespace) (kube_pod_status_phase{{job="{ksm}", phase="Running"}} == 1)"#),
                "Running pods",
            );
    }
}

/// The requests of each namespace's pending and running pods, recorded where the site records them.
fn requests_sum(cx: &Cx<'_>, ksm: &str, resource: &str) -> String {
    let record = match resource {
        "cpu" => "namespace:kube_pod_container_resource_requests_cpu_cores:sum",
        _ => "namespace:kube_pod_container_resource_requests_memory_bytes:sum",
    };
    cx.rec(
        record,
        format!(
            r#"sum by (namespace) (kube_pod_container_resource_requests{{job="{ksm}", resource="{resource}"}} * on (namespace, pod) group_left () max by (namespace, pod) (kube_pod_status_phase{{job="{ksm}", phase=~"Pending|Running"}} == 1))"#
        ),
    )
}

/// The namespace variable: the namespaces with containers.
fn namespace_var(b: &mut Board, kubelet: &str) {
    b.var(
        "namespace",
        "Namespace",
        format!("container_cpu_usage_seconds_total{{{}}}", cadvisor(kubelet)),
        "namespace",
    );
}

fn namespace(cx: &Cx<'_>, b: &mut Board) {
    let Some(kubelet) = &cx.jobs.kubelet else { return };
    b.description = "CPU, memory and network of one namespace, by pod.";
    b.tags = vec!["kubernetes", "resources"];
    namespace_var(b, kubelet);
    let sel = format!(r#"{}, namespace="$namespace""#, cadvisor(kubelet));
    let net = format!(r#"{}, namespace="$namespace""#, network(kubelet));
    pod_panels(cx, b, &sel, &net, "namespace=\"$namespace\"", None);
}

fn workload(cx: &Cx<'_>, b: &mut Board) {
    let (Some(kubelet), Some(ksm)) = (&cx.jobs.kubelet, &cx.jobs.kube_state_metrics) else {
        return;
    };
    b.description =
        "CPU, memory and network of the pods of one controller (a Deployment's pods show under their ReplicaSet).";
    b.tags = vec!["kubernetes", "resources"];
    namespace_var(b, kubelet);
    b.var(
        "workload",
        "Workload",
        format!(r#"kube_pod_owner{{job="{ksm}", namespace="$namespace"}}"#),
        "owner_name",
    );
    let sel = format!(r#"{}, namespace="$namespace""#, cadvisor(kubelet));
    let net = format!(r#"{}, namespace="$namespace""#, network(kubelet));
    let owned = format!(
        r#"* on (namespace, pod) group_left () max by (namespace, pod) (kube_pod_owner{{job="{ksm}", namespace="$namespace", owner_name="$workload"}})"#
    );
    pod_panels(cx, b, &sel, &net, "namespace=\"$namespace\"", Some(&owned));
}

/// Usage by pod against the pods' requests and limits, for the pods `sel` selects (and `owned`
/// keeps, when set).
fn pod_panels(cx: &Cx<'_>, b: &mut Board, sel: &str, net: &str, ksm_sel: &str, owned: Option<&str>) {
    let owned = owned.unwrap_or_default();
    let join = |expr: String| {
        if owned.is_empty() {
            expr
        } else {
            format!("({expr}) {owned}")
        }
    };
    let ksm = cx.jobs.kube_state_metrics.as_deref();
    b.row("CPU");
    let cpu = b.graph("CPU used by pod (cores)", Unit::Short).w(24).q(
        join(format!(
            "sum by (namespace, pod) (rate(container_cpu_usage_seconds_total{{{sel}}}[5m]))"
        )),
        "{{pod}}",
    );
    if let Some(ksm) = ksm {
        for (what, metric) in [("requests", "requests"), ("limits", "limits")] {
            cpu.q(
                format!(
                    "sum({})",
                    join(format!(
                        r#"sum by (namespace, pod) (kube_pod_container_resource_{metric}{{job="{ksm}", {ksm_sel}, resource="cpu"}})"#
                    ))
                ),
                format!("all {what}"),
            );
        }
    }
    b.graph("CPU throttled", Unit::Ratio)
        .w(24)
        .q(
            join(format!(
                "sum by (namespace, pod) (rate(container_cpu_cfs_throttled_periods_total{{{sel}}}[5m])) / sum by (namespace, pod) (rate(container_cpu_cfs_periods_total{{{sel}}}[5m]))"
            )),
            "{{pod}}",
        )
        .desc("Share of CFS periods in which the pod's containers hit their CPU limit.");
    b.row("Memory");
    let mem = b.graph("Memory used by pod (working set)", Unit::Bytes).w(24).q(
        join(format!(
            "sum by (namespace, pod) (container_memory_working_set_bytes{{{sel}}})"
        )),
        "{{pod}}",
    );
    if let Some(ksm) = ksm {
        for (what, metric) in [("requests", "requests"), ("limits", "limits")] {
            mem.q(
                format!(
                    "sum({})",
                    join(format!(
                        r#"sum by (namespace, pod) (kube_pod_container_resource_{metric}{{job="{ksm}", {ksm_sel}, resource="memory"}})"#
                    ))
                ),
                format!("all {what}"),
            );
        }
    }
    b.row("Network");
    b.graph("Received by pod", Unit::BytesPerSec).q(
        join(format!(
            "sum by (namespace, pod) (rate(container_network_receive_bytes_total{{{net}}}[5m]))"
        )),
        "{{pod}}",
    );
    b.graph("Transmitted by pod", Unit::BytesPerSec).q(
        join(format!(
            "sum by (namespace, pod) (rate(container_network_transmit_bytes_total{{{net}}}[5m]))"
        )),
        "{{pod}}",
    );
    b.graph("Packets dropped by pod", Unit::PerSec).w(24).q(
        join(format!(
            "sum by (namespace, pod) (rate(container_network_receive_packets_dropped_total{{{net}}}[5m]) + rate(container_network_transmit_packets_dropped_total{{{net}}}[5m]))"
        )),
        "{{pod}}",
    );
    if let Some(ksm) = ksm {
        b.row("Restarts");
        b.table("Container restarts in the last hour", Unit::Short).q(
            join(format!(
                r#"sum by (namespace, pod) (increase(kube_pod_container_status_restarts_total{{job="{ksm}", {ksm_sel}}}[1h])) > 0"#
            )),
            "",
        );
    }
}

fn pod(cx: &Cx<'_>, b: &mut Board) {
    let Some(kubelet) = &cx.jobs.kubelet else { return };
    b.description = "CPU, memory and network of one pod, by container, with its requests and limits.";
    b.tags = vec!["kubernetes", "resources"];
    namespace_var(b, kubelet);
    b.var(
        "pod",
        "Pod",
        format!(
            r#"container_cpu_usage_seconds_total{{{}, namespace="$namespace"}}"#,
            cadvisor(kubelet)
        ),
        "pod",
    );
    let sel = format!(r#"{}, namespace="$namespace", pod="$pod""#, cadvisor(kubelet));
    let net = format!(r#"{}, namespace="$namespace", pod="$pod""#, network(kubelet));
    let ksm = cx.jobs.kube_state_metrics.as_deref();
    let ksm_container = |ksm: &str, metric: &str, resource: &str| {
        format!(
            r#"sum by (container) (kube_pod_container_resource_{metric}{{job="{ksm}", namespace="$namespace", pod="$pod", resource="{resource}"}})"#
        )
    };
    b.row("CPU");
    let cpu = b.graph("CPU used by container (cores)", Unit::Short).q(
        format!("sum by (container) (rate(container_cpu_usage_seconds_total{{{sel}}}[5m]))"),
        "{{container}}",
    );
    if let Some(ksm) = ksm {
        cpu.q(ksm_container(ksm, "requests", "cpu"), "{{container}} request")
            .q(ksm_container(ksm, "limits", "cpu"), "{{container}} limit");
    }
    b.graph("CPU throttled", Unit::Ratio).q(
        format!(
            "sum by (container) (rate(container_cpu_cfs_throttled_periods_total{{{sel}}}[5m])) / sum by (container) (rate(container_cpu_cfs_periods_total{{{sel}}}[5m]))"
        ),
        "{{container}}",
    );
    b.row("Memory");
    let mem = b.graph("Memory used by container (working set)", Unit::Bytes).q(
        format!("sum by (container) (container_memory_working_set_bytes{{{sel}}})"),
        "{{container}}",
    );
    if let Some(ksm) = ksm {
        mem.q(ksm_container(ksm, "requests", "memory"), "{{container}} request")
            .q(ksm_container(ksm, "limits", "memory"), "{{container}} limit");
    }
    b.graph("Resident memory by container", Unit::Bytes).q(
        format!("sum by (container) (container_memory_rss{{{sel}}})"),
        "{{container}}",
    );
    b.row("Network");
    b.graph("Received", Unit::BytesPerSec).q(
        format!("sum by (interface) (rate(container_network_receive_bytes_total{{{net}}}[5m]))"),
        "{{interface}}",
    );
    b.graph("Transmitted", Unit::BytesPerSec).q(
        format!("sum by (interface) (rate(container_network_transmit_bytes_total{{{net}}}[5m]))"),
        "{{interface}}",
    );
    if let Some(ksm) = ksm {
        b.row("State");
        b.table("Containers", Unit::Short)
            .q(
                format!(
                    r#"sum by (container) (kube_pod_container_status_restarts_total{{job="{ksm}", namespace="$namespace", pod="$pod"}})"#
                ),
                "Restarts",
            )
            .q(
                format!(
                    r#"sum by (container, reason) (kube_pod_container_status_last_terminated_reason{{job="{ksm}", namespace="$namespace", pod="$pod"}})"#
                ),
                "Last terminated",
            );
    }
}

fn node(cx: &Cx<'_>, b: &mut Board) {
    let (Some(kubelet), Some(ksm)) = (&cx.jobs.kubelet, &cx.jobs.kube_state_metrics) else {
        return;
    };
    b.description = "The pods on one node: their CPU and memory against the node's allocatable capacity.";
    b.tags = vec!["kubernetes", "resources"];
    b.var("node", "Node", format!(r#"kube_node_info{{job="{ksm}"}}"#), "node");
    let c = cadvisor(kubelet);
    let on_node = format!(
        r#"* on (namespace, pod) group_left () max by (namespace, pod) (kube_pod_info{{job="{ksm}", node="$node"}})"#
    );
    let allocatable = |resource: &str| {
        format!(r#"sum(kube_node_status_allocatable{{job="{ksm}", node="$node", resource="{resource}"}})"#)
    };
    let requested = |resource: &str| {
        format!(
            r#"sum(kube_pod_container_resource_requests{{job="{ksm}", node="$node", resource="{resource}"}} * on (namespace, pod) group_left () max by (namespace, pod) (kube_pod_status_phase{{job="{ksm}", phase=~"Pending|Running"}} == 1))"#
        )
    };
    b.row("Capacity");
    b.stat("Pods", Unit::Short)
        .q(format!(r#"count(kube_pod_info{{job="{ksm}", node="$node"}})"#), "");
    b.stat("Pod capacity", Unit::Short).q(allocatable("pods"), "");
    b.stat("CPU requested", Unit::Ratio)
        .q(format!("{} / {}", requested("cpu"), allocatable("cpu")), "");
    b.stat("Memory requested", Unit::Ratio)
        .q(format!("{} / {}", requested("memory"), allocatable("memory")), "");
    b.table("Conditions", Unit::Short)
        .q(
            format!(r#"max by (condition) (kube_node_status_condition{{job="{ksm}", node="$node", status="true"}})"#),
            "",
        )
        .w(8)
        .h(4);
    b.row("CPU");
    b.graph("CPU used by pod (cores)", Unit::Short)
        .w(24)
        .q(
            format!("sum by (namespace, pod) (rate(container_cpu_usage_seconds_total{{{c}}}[5m])) {on_node}"),
            "{{namespace}}/{{pod}}",
        )
        .q(allocatable("cpu"), "allocatable")
        .q(requested("cpu"), "requested");
    b.row("Memory");
    b.graph("Memory used by pod (working set)", Unit::Bytes)
        .w(24)
        .q(
            format!("sum by (namespace, pod) (container_memory_working_set_bytes{{{c}}}) {on_node}"),
            "{{namespace}}/{{pod}}",
        )
        .q(allocatable("memory"), "allocatable")
        .q(requested("memory"), "requested");
}
