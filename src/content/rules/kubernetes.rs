//! Kubernetes: the nodes as the cluster sees them (conditions, kubelets, certificates) and the
//! kubeadm control plane (API server, admission webhooks, controller manager, scheduler).

use super::{Class, Cx, Group, Severity};
use crate::model::default_rules::Thresholds;

/// The class.
pub(super) const CLASS: Class = Class {
    id: "kubernetes",
    title: "Kubernetes: nodes and the control plane",
    build,
};

fn build(cx: &Cx<'_>, g: &mut Group) {
    let t = cx.thresholds();
    let jobs = &cx.jobs;
    if let Some(ksm) = &jobs.kube_state_metrics {
        node_conditions(ksm, g);
    }
    if let Some(kubelet) = &jobs.kubelet {
        kubelets(t, kubelet, jobs.kube_state_metrics.as_deref(), g);
    }
    if let Some(apiserver) = &jobs.apiserver {
        apiserver_records(apiserver, g);
        apiserver_alerts(t, apiserver, g);
        aggregated_apis(apiserver, g);
    }
    for (name, component, job) in [
        ("KubeAPIServerDown", "API server", &jobs.apiserver),
        (
            "KubeControllerManagerDown",
            "controller manager",
            &jobs.controller_manager,
        ),
        ("KubeSchedulerDown", "scheduler", &jobs.scheduler),
    ] {
        if let Some(job) = job {
            instance_down(g, name, component, &format!(r#"up{{job="{job}"}}"#));
        }
    }
    // One rule for both (promtool refuses two rules with the same name and labels).
    let leaders: Vec<&str> = [&jobs.controller_manager, &jobs.scheduler]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect();
    if !leaders.is_empty() {
        g.alert(
            "KubeControlPlaneNoLeader",
            Severity::Critical,
            format!(
                r#"sum by (job) (leader_election_master_status{{job=~"{}"}}) == 0"#,
                leaders.join("|")
            ),
        )
        .for_("10m")
        .summary("No {{ $labels.job }} instance is the leader.")
        .description(
            "None of the running instances of {{ $labels.job }} has held the leader lease for 10 minutes: its work is \
             not being done.",
        )
        .meaning(
            "The controller manager or scheduler runs but no instance leads: nothing reconciles controllers or \
             schedules pods.",
        )
        .action(
            "Read the instances' logs for lease errors (`kubectl -n kube-system logs <pod>`): usually they cannot \
             reach or authenticate to the API server, or the clocks differ.",
        );
    }
}

/// One instance of a component stopped answering scrapes.
fn instance_down(g: &mut Group, name: &'static str, component: &str, up: &str) {
    g.alert(name, Severity::Warning, format!("{up} == 0"))
        .for_("10m")
        .summary(format!(
            "{} instance {{{{ $labels.instance }}}} is down.",
            capitalize(component)
        ))
        .description(format!(
            "The {component} at {{{{ $labels.instance }}}} (job {{{{ $labels.job }}}}) has not answered scrapes for \
             10 minutes."
        ))
        .meaning(format!(
            "One {component} instance is down or unreachable; the others carry on. Every instance gone is \
             `JobAbsent` (critical)."
        ))
        .action(format!(
            "On the node, check the {component} (its static pod under /etc/kubernetes/manifests, `crictl ps -a`, \
             `crictl logs`, or `systemctl status kubelet` for the kubelet) and its certificates."
        ));
}

/// `text` with its first letter in upper case.
fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn node_conditions(ksm: &str, g: &mut Group) {
    g.alert(
        "KubeNodeNotReady",
        Severity::Warning,
        format!(r#"max by (node) (kube_node_status_condition{{job="{ksm}", condition="Ready", status="true"}}) == 0"#),
    )
    .for_("15m")
    .summary("Node {{ $labels.node }} is not ready.")
    .description("Node {{ $labels.node }} has not been Ready for 15 minutes.")
    .meaning("A node is not Ready: the kubelet does not report, or reports a problem; its pods get evicted.")
    .action(
        "`kubectl describe node <node>` (conditions and events), then on the node `systemctl status kubelet` and \
         `journalctl -u kubelet`, and the container runtime.",
    );
    g.alert(
        "KubeNodeUnreachable",
        Severity::Warning,
        format!(
            r#"max by (node) (kube_node_spec_taint{{job="{ksm}", key="node.kubernetes.io/unreachable", effect="NoSchedule"}}) == 1"#
        ),
    )
    .for_("15m")
    .summary("Node {{ $labels.node }} is unreachable.")
    .description("Node {{ $labels.node }} has carried the unreachable taint for 15 minutes: its kubelet stopped reporting.")
    .meaning("The node controller lost contact with a node's kubelet and tainted it: new pods avoid it, its pods get evicted.")
    .action("Check that the node is up and on the network (ping, console), then its kubelet.");
    g.alert(
        "KubeNodePressure",
        Severity::Warning,
        format!(
            r#"max by (node, condition) (kube_node_status_condition{{job="{ksm}", condition=~"MemoryPressure|DiskPressure|PIDPressure", status="true"}}) == 1"#
        ),
    )
    .for_("10m")
    .summary("Node {{ $labels.node }} has {{ $labels.condition }}.")
    .description("Node {{ $labels.node }} has reported {{ $labels.condition }} for 10 minutes: the kubelet evicts pods.")
    .meaning("The kubelet reports memory, disk or process-ID pressure: it evicts pods and refuses new ones.")
    .action(
        "Memory: see the node's biggest pods; disk: free image and log space (see the `nodes` alerts); PIDs: find \
         the pod that forks without end (`ps -eLf | wc -l` per container).",
    );
}

fn kubelets(t: &Thresholds, kubelet: &str, ksm: Option<&str>, g: &mut Group) {
    let sel = format!(r#"job="{kubelet}", metrics_path="/metrics""#);
    let with_node = format!("* on (instance) group_left (node) max by (instance, node) (kubelet_node_name{{{sel}}})");
    g.record(
        "node:kubelet_running_pods:max",
        format!("max by (node) (kubelet_running_pods{{{sel}}} {with_node})"),
        "Pods each node's kubelet runs.",
    );
    if let Some(ksm) = ksm {
        g.alert(
            "KubeNodeTooManyPods",
            Severity::Info,
            format!(
                r#"100 * node:kubelet_running_pods:max / max by (node) (kube_node_status_capacity{{job="{ksm}", resource="pods"}}) > {}"#,
                t.kubelet_pods_percent
            ),
        )
        .for_("15m")
        .summary("Node {{ $labels.node }} is almost out of pod slots.")
        .description(format!(
            "Node {{{{ $labels.node }}}} runs {{{{ $value | humanize }}}}% of the pods it can hold (threshold {}%).",
            t.kubelet_pods_percent
        ))
        .meaning("A node runs nearly as many pods as its `maxPods`: new pods will not fit there.")
        .action("Spread the pods (more nodes, fewer replicas) or raise the kubelet's `maxPods` if its resources allow.");
    }
    instance_down(g, "KubeletDown", "kubelet", &format!("up{{{sel}}}"));
    g.alert(
        "KubeletPLEGSlow",
        Severity::Warning,
        format!(
            "histogram_quantile(0.99, sum by (instance, le) (rate(kubelet_pleg_relist_duration_seconds_bucket{{{sel}}}[5m]))) \
             {with_node} >= {}",
            t.pleg_relist_seconds
        ),
    )
    .for_("5m")
    .summary("The kubelet of {{ $labels.node }} relists its pods slowly.")
    .description(format!(
        "The 99th percentile of the kubelet's pod lifecycle (PLEG) relist on node {{{{ $labels.node }}}} takes \
         {{{{ $value | humanizeDuration }}}} (threshold {}s).",
        t.pleg_relist_seconds
    ))
    .meaning(
        "The kubelet's pod lifecycle event generator lags: the container runtime answers slowly, and beyond 3 \
         minutes the node turns NotReady.",
    )
    .action(
        "On the node, check the container runtime (`crictl ps` latency, `journalctl -u containerd`), the number of \
         containers, and the disk and CPU load.",
    );
    kubelet_certificates(t, &sel, &with_node, g);
}

/// `sel` selects the kubelets' own metrics; `with_node` adds their node's name.
fn kubelet_certificates(t: &Thresholds, sel: &str, with_node: &str, g: &mut Group) {
    for (which, metric) in [
        ("client", "kubelet_certificate_manager_client_ttl_seconds"),
        ("server", "kubelet_certificate_manager_server_ttl_seconds"),
    ] {
        for (severity, days) in [
            (Severity::Warning, t.certificate_days_left),
            (Severity::Critical, t.certificate_critical_days_left),
        ] {
            g.alert(
                "KubeletCertificateExpiring",
                severity,
                format!("{metric}{{{sel}}} {with_node} < {days} * 86400"),
            )
            .label("certificate", which)
            .summary(format!(
                "The kubelet {which} certificate of {{{{ $labels.node }}}} expires soon."
            ))
            .description(format!(
                "The {which} certificate of the kubelet on node {{{{ $labels.node }}}} expires in \
                 {{{{ $value | humanizeDuration }}}} (threshold {days} days)."
            ))
            .meaning(
                "A kubelet's certificate nears its expiry without having been rotated: when it expires, the kubelet \
                 can no longer talk to the API server (client) or be reached by it (server).",
            )
            .action(
                "Check that rotation is on (`rotateCertificates: true`, `serverTLSBootstrap`) and that CSRs are \
                 approved (`kubectl get csr`); on kubeadm, `kubeadm certs check-expiration` on control-plane nodes.",
            );
        }
    }
    for (which, metric) in [
        ("client", "kubelet_certificate_manager_client_expiration_renew_errors"),
        ("server", "kubelet_server_expiration_renew_errors"),
    ] {
        g.alert(
            "KubeletCertificateRenewalFailing",
            Severity::Warning,
            format!("increase({metric}{{{sel}}}[15m]) {with_node} > 0"),
        )
        .label("certificate", which)
        .summary(format!(
            "The kubelet of {{{{ $labels.node }}}} fails to renew its {which} certificate."
        ))
        .description(format!(
            "The kubelet on node {{{{ $labels.node }}}} failed {{{{ $value | humanize }}}} times in 15 minutes to \
             renew its {which} certificate."
        ))
        .meaning("A kubelet tries to rotate a certificate and fails: it expires unless the cause is fixed.")
        .action(
            "`journalctl -u kubelet | grep -i certificate` on the node; check for pending CSRs (`kubectl get csr`) and \
             that the CSR approver (or the kubelet-serving approval) runs.",
        );
    }
}

/// Requests whose duration says nothing about the API server's health: watches, streams, proxies.
const LONG_RUNNING: &str = r#"verb!~"WATCH|CONNECT", subresource!~"log|exec|portforward|attach|proxy""#;

fn apiserver_records(job: &str, g: &mut Group) {
    g.record(
        "cluster:apiserver_request_errors:ratio_rate5m",
        format!(
            r#"sum(rate(apiserver_request_total{{job="{job}", code=~"5.."}}[5m])) / sum(rate(apiserver_request_total{{job="{job}"}}[5m]))"#
        ),
        "Share of API server requests answered with a 5xx (5m).",
    );
    g.record(
        "cluster_verb:apiserver_request_duration_seconds:p99_5m",
        format!(
            r#"histogram_quantile(0.99, sum by (verb, le) (rate(apiserver_request_duration_seconds_bucket{{job="{job}", {LONG_RUNNING}}}[5m])))"#
        ),
        "99th-percentile API server request latency by verb, long-running requests aside (5m).",
    );
}

fn apiserver_alerts(t: &Thresholds, job: &str, g: &mut Group) {
    g.alert(
        "KubeAPIServerErrors",
        Severity::Warning,
        format!(
            "100 * cluster:apiserver_request_errors:ratio_rate5m > {}",
            t.apiserver_error_percent
        ),
    )
    .for_("10m")
    .summary("The API server answers many requests with errors.")
    .description(format!(
        "{{{{ $value | humanize }}}}% of the API server's requests have failed with a 5xx for 10 minutes (threshold \
         {}%).",
        t.apiserver_error_percent
    ))
    .meaning("A share of the API server's requests fail on its side: controllers, kubectl and deployments misbehave.")
    .action(
        "Read the API servers' logs; the usual causes are etcd (see the `etcd` alerts), a failing aggregated API \
         (`kubectl get apiservices`) or overload.",
    );
    g.alert(
        "KubeAPIServerLatencyHigh",
        Severity::Warning,
        format!(
            "cluster_verb:apiserver_request_duration_seconds:p99_5m > {}",
            t.apiserver_latency_seconds
        ),
    )
    .for_("10m")
    .summary("The API server answers {{ $labels.verb }} requests slowly.")
    .description(format!(
        "The 99th percentile of the API server's {{{{ $labels.verb }}}} requests takes {{{{ $value | humanizeDuration }}}} \
         (threshold {}s).",
        t.apiserver_latency_seconds
    ))
    .meaning("The API server is slow for one verb: everything that calls it (controllers, the kubelets) slows down.")
    .action(
        "Check etcd's latency and the API servers' CPU; find the heavy callers (`apiserver_request_total` by \
         resource and client), large LISTs in particular.",
    );
    for (severity, days) in [
        (Severity::Warning, t.certificate_days_left),
        (Severity::Critical, t.certificate_critical_days_left),
    ] {
        g.alert(
            "KubeClientCertificateExpiring",
            severity,
            format!(
                "histogram_quantile(0.01, sum by (instance, le) (rate(apiserver_client_certificate_expiration_seconds_bucket{{job=\"{job}\"}}[5m]))) < {days} * 86400 \
                 and on (instance) sum by (instance) (rate(apiserver_client_certificate_expiration_seconds_count{{job=\"{job}\"}}[5m])) > 0"
            ),
        )
        .for_("5m")
        .summary("A client certificate used with the API server expires soon.")
        .description(format!(
            "Clients authenticate to the API server at {{{{ $labels.instance }}}} with certificates of which the \
             shortest-lived 1% expire in {{{{ $value | humanizeDuration }}}} (threshold {days} days)."
        ))
        .meaning(
            "A client (a kubelet, the controller manager, the scheduler, an admin kubeconfig) presents a certificate \
             that expires soon; when it does, that client is locked out.",
        )
        .action(
            "`kubeadm certs check-expiration` on the control-plane nodes, `kubeadm certs renew` for what it lists; \
             kubelets renew theirs when rotation works (`kubectl get csr`).",
        );
    }
    g.alert(
        "KubeAdmissionWebhookFailing",
        Severity::Warning,
        format!(
            r#"sum by (name, type, operation) (rate(apiserver_admission_webhook_rejection_count{{job="{job}", error_type=~"calling_webhook_error|apiserver_internal_error"}}[5m])) > 0"#
        ),
    )
    .for_("10m")
    .summary("Admission webhook {{ $labels.name }} fails.")
    .description(
        "The API server cannot call {{ $labels.type }} admission webhook {{ $labels.name }} for {{ $labels.operation }} \
         requests: {{ $value | printf \"%.2f\" }} requests/s are rejected for it.",
    )
    .meaning(
        "An admission webhook is unreachable or errors, and the API server rejects the requests it guards (a \
         webhook with `failurePolicy: Fail`).",
    )
    .action(
        "`kubectl get validatingwebhookconfigurations,mutatingwebhookconfigurations` names its Service: check that \
         its pods run and its certificate is valid; remove the configuration if its owner is gone.",
    );
}

fn aggregated_apis(job: &str, g: &mut Group) {
    g.alert(
        "KubeAggregatedAPIUnavailable",
        Severity::Warning,
        format!(r#"max by (name) (aggregator_unavailable_apiservice{{job="{job}"}}) == 1"#),
    )
    .for_("10m")
    .summary("Aggregated API {{ $labels.name }} is unavailable.")
    .description(
        "The API server has found the APIService {{ $labels.name }} unavailable for 10 minutes: requests to its group \
         fail.",
    )
    .meaning(
        "An aggregated API (metrics.k8s.io, custom.metrics.k8s.io from prometheus-adapter, ...) does not answer: \
         `kubectl top`, autoscalers and namespace deletion that depend on it fail.",
    )
    .action(
        "`kubectl get apiservice <name> -o yaml` says why (no endpoints, TLS, timeouts); check the pods behind its \
         Service.",
    );
}
