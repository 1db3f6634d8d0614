//! The control plane: the API server, the kubelets, etcd, CoreDNS, and the controller-manager with
//! the scheduler. Each dashboard is left out with its component's scraping.

use super::{Board, Bundle, Cx, Spec, Unit};

/// The API server.
pub(super) const APISERVER: Spec = Spec {
    id: "apiserver",
    title: "Kubernetes / API server",
    bundle: Bundle::ControlPlane,
    build: apiserver,
};

/// The kubelets.
pub(super) const KUBELET: Spec = Spec {
    id: "kubelet",
    title: "Kubernetes / Kubelet",
    bundle: Bundle::ControlPlane,
    build: kubelet,
};

/// etcd.
pub(super) const ETCD: Spec = Spec {
    id: "etcd",
    title: "Kubernetes / etcd",
    bundle: Bundle::ControlPlane,
    build: etcd,
};

/// CoreDNS.
pub(super) const COREDNS: Spec = Spec {
    id: "coredns",
    title: "Kubernetes / CoreDNS",
    bundle: Bundle::ControlPlane,
    build: coredns,
};

/// kube-controller-manager and kube-scheduler.
pub(super) const CONTROLLERS: Spec = Spec {
    id: "controller-manager-scheduler",
    title: "Kubernetes / Controller manager and scheduler",
    bundle: Bundle::ControlPlane,
    build: controllers,
};

/// Requests that stay open by design, left out of latencies (as in the `kubernetes` rules).
const LONG_RUNNING: &str = r#"verb!~"WATCH|CONNECT", subresource!~"log|exec|portforward|attach|proxy""#;

/// Up, memory and CPU of a component's processes.
fn process(b: &mut Board, sel: &str) {
    b.stat("Up", Unit::Short).q(format!("sum(up{{{sel}}})"), "");
    b.graph("Resident memory", Unit::Bytes)
        .q(format!("process_resident_memory_bytes{{{sel}}}"), "{{instance}}")
        .w(10);
    b.graph("CPU (cores)", Unit::Short)
        .q(format!("rate(process_cpu_seconds_total{{{sel}}}[5m])"), "{{instance}}")
        .w(10);
}

fn apiserver(cx: &Cx<'_>, b: &mut Board) {
    let Some(job) = &cx.jobs.apiserver else { return };
    b.description = "Requests, errors and latency of the Kubernetes API server.";
    b.tags = vec!["kubernetes", "control-plane"];
    let j = format!(r#"job="{job}""#);
    let errors = cx.rec(
        "cluster:apiserver_request_errors:ratio_rate5m",
        format!(r#"sum(rate(apiserver_request_total{{{j}, code=~"5.."}}[5m])) / sum(rate(apiserver_request_total{{{j}}}[5m]))"#),
    );
    let p99 = cx.rec(
        "cluster_verb:apiserver_request_duration_seconds:p99_5m",
        format!(
            "histogram_quantile(0.99, sum by (verb, le) (rate(apiserver_request_duration_seconds_bucket{{{j}, {LONG_RUNNING}}}[5m])))"
        ),
    );
    b.row("Health");
    process(b, &j);
    b.row("Requests");
    b.stat("Server errors", Unit::Ratio).q(errors, "").w(6);
    b.graph("Requests by code", Unit::ReqPerSec)
        .q(
            format!("sum by (code) (rate(apiserver_request_total{{{j}}}[5m]))"),
            "{{code}}",
        )
        .w(18);
    b.graph("Requests by verb", Unit::ReqPerSec).q(
        format!("sum by (verb) (rate(apiserver_request_total{{{j}}}[5m]))"),
        "{{verb}}",
    );
    b.graph("Latency p99 by verb", Unit::Seconds)
        .q(p99, "{{verb}}")
        .desc("Watches, proxies, logs and exec sessions are left out: they stay open by design.");
    b.graph("Server errors by resource", Unit::ReqPerSec).q(
        format!(r#"topk(10, sum by (resource, verb) (rate(apiserver_request_total{{{j}, code=~"5.."}}[5m])))"#),
        "{{verb}} {{resource}}",
    );
    b.graph("Requests in flight", Unit::Short).q(
        format!("sum by (request_kind) (apiserver_current_inflight_requests{{{j}}})"),
        "{{request_kind}}",
    );
    b.graph("Requests rejected by priority and fairness", Unit::ReqPerSec)
        .q(
            format!("sum by (priority_level, reason) (rate(apiserver_flowcontrol_rejected_requests_total{{{j}}}[5m]))"),
            "{{priority_level}} {{reason}}",
        );
    b.graph("Stored objects (top 10 resources)", Unit::Short).q(
        format!("topk(10, max by (resource) (apiserver_storage_objects{{{j}}}))"),
        "{{resource}}",
    );
}

fn kubelet(cx: &Cx<'_>, b: &mut Board) {
    let Some(job) = &cx.jobs.kubelet else { return };
    b.description = "The kubelets: pods and containers run, pod start and PLEG latency, runtime operations.";
    b.tags = vec!["kubernetes", "control-plane"];
    let k = format!(r#"job="{job}", metrics_path="/metrics""#);
    b.var("instance", "Kubelet", format!("kubelet_node_name{{{k}}}"), "instance");
    let running = cx.rec(
        "node:kubelet_running_pods:max",
        format!(
            "max by (node) (kubelet_running_pods{{{k}}} * on (instance) group_left (node) max by (instance, node) (kubelet_node_name{{{k}}}))"
        ),
    );
    b.row("All kubelets");
    b.stat("Kubelets up", Unit::Short).q(format!("sum(up{{{k}}})"), "");
    b.stat("Running pods", Unit::Short)
        .q(format!("sum(kubelet_running_pods{{{k}}})"), "");
    b.stat("Running containers", Unit::Short).q(
        format!(r#"sum(kubelet_running_containers{{{k}, container_state="running"}})"#),
        "",
    );
    b.graph("Running pods by node", Unit::Short).q(running, "{{node}}");
    b.graph("Pod start p99 by node", Unit::Seconds)
        .q(
            format!(
                "histogram_quantile(0.99, sum by (instance, le) (rate(kubelet_pod_start_duration_seconds_bucket{{{k}}}[5m])))"
            ),
            "{{instance}}",
        )
        .desc("From the kubelet seeing the pod to its containers started, image pulls included.");
    b.graph("PLEG relist p99 by node", Unit::Seconds)
        .q(
            format!(
                "histogram_quantile(0.99, sum by (instance, le) (rate(kubelet_pleg_relist_duration_seconds_bucket{{{k}}}[5m])))"
            ),
            "{{instance}}",
        )
        .desc("How long the kubelet takes to list the runtime's containers; slow relists make nodes NotReady.");
    b.graph("Runtime operation errors", Unit::PerSec).q(
        format!("sum by (instance, operation_type) (rate(kubelet_runtime_operations_errors_total{{{k}}}[5m]))"),
        "{{instance}} {{operation_type}}",
    );
    b.row("Kubelet $instance");
    let i = format!(r#"{k}, instance="$instance""#);
    b.graph("Runtime operations", Unit::PerSec).q(
        format!("sum by (operation_type) (rate(kubelet_runtime_operations_total{{{i}}}[5m]))"),
        "{{operation_type}}",
    );
    b.graph("Runtime operation p99", Unit::Seconds).q(
        format!(
            "histogram_quantile(0.99, sum by (operation_type, le) (rate(kubelet_runtime_operations_duration_seconds_bucket{{{i}}}[5m])))"
        ),
        "{{operation_type}}",
    );
    b.graph("API requests by code", Unit::ReqPerSec).q(
        format!("sum by (code) (rate(rest_client_requests_total{{{i}}}[5m]))"),
        "{{code}}",
    );
    b.graph("Resident memory", Unit::Bytes)
        .q(format!("process_resident_memory_bytes{{{i}}}"), "{{instance}}");
}

fn etcd(cx: &Cx<'_>, b: &mut Board) {
    let Some(job) = &cx.jobs.etcd else { return };
    b.description = "etcd: leadership, disk latency, database size, proposals and gRPC traffic.";
    b.tags = vec!["kubernetes", "control-plane", "etcd"];
    let j = format!(r#"job="{job}""#);
    b.row("Cluster");
    b.stat("Members up", Unit::Short).q(format!("sum(up{{{j}}})"), "");
    b.stat("Members with a leader", Unit::Short)
        .q(format!("sum(etcd_server_has_leader{{{j}}})"), "");
    b.stat("Leader changes (1h)", Unit::Short).q(
        format!("max(increase(etcd_server_leader_changes_seen_total{{{j}}}[1h]))"),
        "",
    );
    b.stat("Database used of quota", Unit::Ratio)
        .q(
            format!("max(etcd_mvcc_db_total_size_in_bytes{{{j}}} / etcd_server_quota_backend_bytes{{{j}}})"),
            "",
        )
        .w(6);
    b.stat("Failed proposals (1h)", Unit::Short)
        .q(
            format!("sum(increase(etcd_server_proposals_failed_total{{{j}}}[1h]))"),
            "",
        )
        .w(6);
    b.row("Disk");
    b.graph("WAL fsync p99", Unit::Seconds).q(
        format!(
            "histogram_quantile(0.99, sum by (instance, le) (rate(etcd_disk_wal_fsync_duration_seconds_bucket{{{j}}}[5m])))"
        ),
        "{{instance}}",
    );
    b.graph("Backend commit p99", Unit::Seconds).q(
        format!(
            "histogram_quantile(0.99, sum by (instance, le) (rate(etcd_disk_backend_commit_duration_seconds_bucket{{{j}}}[5m])))"
        ),
        "{{instance}}",
    );
    b.graph("Database size", Unit::Bytes)
        .q(format!("etcd_mvcc_db_total_size_in_bytes{{{j}}}"), "{{instance}} total")
        .q(
            format!("etcd_mvcc_db_total_size_in_use_in_bytes{{{j}}}"),
            "{{instance}} in use",
        );
    b.graph("Peer round trip p99", Unit::Seconds).q(
        format!(
            "histogram_quantile(0.99, sum by (instance, le) (rate(etcd_network_peer_round_trip_time_seconds_bucket{{{j}}}[5m])))"
        ),
        "{{instance}}",
    );
    b.row("Traffic");
    b.graph("Proposals", Unit::PerSec)
        .q(
            format!("sum(rate(etcd_server_proposals_committed_total{{{j}}}[5m]))"),
            "committed",
        )
        .q(
            format!("sum(rate(etcd_server_proposals_failed_total{{{j}}}[5m]))"),
            "failed",
        )
        .q(format!("sum(etcd_server_proposals_pending{{{j}}})"), "pending");
    b.graph("gRPC requests by code", Unit::ReqPerSec).q(
        format!(r#"sum by (grpc_code) (rate(grpc_server_handled_total{{{j}, grpc_type="unary"}}[5m]))"#),
        "{{grpc_code}}",
    );
    b.graph("Client traffic", Unit::BytesPerSec)
        .q(
            format!("sum by (instance) (rate(etcd_network_client_grpc_received_bytes_total{{{j}}}[5m]))"),
            "{{instance}} received",
        )
        .q(
            format!("sum by (instance) (rate(etcd_network_client_grpc_sent_bytes_total{{{j}}}[5m]))"),
            "{{instance}} sent",
        );
    b.graph("Resident memory", Unit::Bytes)
        .q(format!("process_resident_memory_bytes{{{j}}}"), "{{instance}}");
}

fn coredns(cx: &Cx<'_>, b: &mut Board) {
    let Some(job) = &cx.jobs.coredns else { return };
    b.description = "CoreDNS: queries, response codes, latency, cache and forwarding.";
    b.tags = vec!["kubernetes", "dns"];
    let j = format!(r#"job="{job}""#);
    let servfail = cx.rec(
        "job:coredns_dns_responses_servfail:ratio_rate5m",
        format!(
            r#"sum by (job) (rate(coredns_dns_responses_total{{{j}, rcode="SERVFAIL"}}[5m])) / sum by (job) (rate(coredns_dns_responses_total{{{j}}}[5m]))"#
        ),
    );
    let p99 = cx.rec(
        "job:coredns_dns_request_duration_seconds:p99_5m",
        format!(
            "histogram_quantile(0.99, sum by (job, le) (rate(coredns_dns_request_duration_seconds_bucket{{{j}}}[5m])))"
        ),
    );
    b.row("Queries");
    b.stat("Up", Unit::Short).q(format!("sum(up{{{j}}})"), "");
    b.stat("SERVFAIL", Unit::Ratio).q(servfail, "");
    b.stat("Latency p99", Unit::Seconds).q(p99, "");
    b.graph("Queries by type", Unit::ReqPerSec)
        .q(
            format!("sum by (type) (rate(coredns_dns_requests_total{{{j}}}[5m]))"),
            "{{type}}",
        )
        .w(12);
    b.graph("Responses by code", Unit::ReqPerSec).q(
        format!("sum by (rcode) (rate(coredns_dns_responses_total{{{j}}}[5m]))"),
        "{{rcode}}",
    );
    b.graph("Latency by server", Unit::Seconds)
        .q(
            format!(
                "histogram_quantile(0.99, sum by (server, le) (rate(coredns_dns_request_duration_seconds_bucket{{{j}}}[5m])))"
            ),
            "{{server}} p99",
        )
        .q(
            format!(
                "histogram_quantile(0.5, sum by (server, le) (rate(coredns_dns_request_duration_seconds_bucket{{{j}}}[5m])))"
            ),
            "{{server}} p50",
        );
    b.row("Cache and forwarding");
    b.graph("Cache hit share", Unit::Ratio).q(
        format!(
            "sum(rate(coredns_cache_hits_total{{{j}}}[5m])) / (sum(rate(coredns_cache_hits_total{{{j}}}[5m])) + sum(rate(coredns_cache_misses_total{{{j}}}[5m])))"
        ),
        "hits",
    );
    b.graph("Cache entries", Unit::Short)
        .q(format!("sum by (type) (coredns_cache_entries{{{j}}})"), "{{type}}");
    b.graph("Forwarded queries by upstream", Unit::ReqPerSec).q(
        format!("sum by (to) (rate(coredns_forward_requests_total{{{j}}}[5m]))"),
        "{{to}}",
    );
    b.graph("Forwarding latency p99 by upstream", Unit::Seconds).q(
        format!(
            "histogram_quantile(0.99, sum by (to, le) (rate(coredns_forward_request_duration_seconds_bucket{{{j}}}[5m])))"
        ),
        "{{to}}",
    );
}

fn controllers(cx: &Cx<'_>, b: &mut Board) {
    let (Some(cm), Some(sched)) = (&cx.jobs.controller_manager, &cx.jobs.scheduler) else {
        return;
    };
    b.description = "kube-controller-manager's work queues and kube-scheduler's attempts and latency.";
    b.tags = vec!["kubernetes", "control-plane"];
    let c = format!(r#"job="{cm}""#);
    let s = format!(r#"job="{sched}""#);
    b.row("Controller manager");
    process(b, &c);
    b.graph("Work queue depth (top 10)", Unit::Short)
        .q(format!("topk(10, sum by (name) (workqueue_depth{{{c}}}))"), "{{name}}");
    b.graph("Work queue wait p99 (top 10)", Unit::Seconds).q(
        format!(
            "topk(10, histogram_quantile(0.99, sum by (name, le) (rate(workqueue_queue_duration_seconds_bucket{{{c}}}[5m]))))"
        ),
        "{{name}}",
    );
    b.graph("API requests by code", Unit::ReqPerSec)
        .q(
            format!("sum by (code) (rate(rest_client_requests_total{{{c}}}[5m]))"),
            "{{code}}",
        )
        .w(24);
    b.row("Scheduler");
    process(b, &s);
    b.graph("Scheduling attempts by result", Unit::PerSec).q(
        format!("sum by (result) (rate(scheduler_schedule_attempts_total{{{s}}}[5m]))"),
        "{{result}}",
    );
    b.graph("Scheduling attempt p99", Unit::Seconds).q(
        format!(
            "histogram_quantile(0.99, sum by (le) (rate(scheduler_scheduling_attempt_duration_seconds_bucket{{{s}}}[5m])))"
        ),
        "p99",
    );
    b.graph("Pending pods by queue", Unit::Short)
        .q(format!("sum by (queue) (scheduler_pending_pods{{{s}}})"), "{{queue}}");
    b.graph("API requests by code", Unit::ReqPerSec).q(
        format!("sum by (code) (rate(rest_client_requests_total{{{s}}}[5m]))"),
        "{{code}}",
    );
}
