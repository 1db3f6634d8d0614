//! CoreDNS: the cluster's DNS (the Service `kube-system/kube-dns`): instances down, failing
//! answers, slow answers, unreachable upstreams and panics.

use super::{Class, Cx, Group, Severity};

/// The class.
pub(super) const CLASS: Class = Class {
    id: "coredns",
    title: "CoreDNS",
    build,
};

fn build(cx: &Cx<'_>, g: &mut Group) {
    let Some(job) = &cx.jobs.coredns else { return };
    let t = cx.thresholds();
    g.record(
        "job:coredns_dns_responses_servfail:ratio_rate5m",
        format!(
            r#"sum by (job) (rate(coredns_dns_responses_total{{job="{job}", rcode="SERVFAIL"}}[5m])) / sum by (job) (rate(coredns_dns_responses_total{{job="{job}"}}[5m]))"#
        ),
        "Share of CoreDNS responses that are SERVFAIL (5m).",
    );
    g.record(
        "job:coredns_dns_request_duration_seconds:p99_5m",
        format!(
            r#"histogram_quantile(0.99, sum by (job, le) (rate(coredns_dns_request_duration_seconds_bucket{{job="{job}"}}[5m])))"#
        ),
        "99th-percentile CoreDNS request latency (5m).",
    );
    g.alert("CoreDNSDown", Severity::Warning, format!(r#"up{{job="{job}"}} == 0"#))
        .for_("10m")
        .summary("CoreDNS instance {{ $labels.instance }} is down.")
        .description(
            "CoreDNS at {{ $labels.instance }} (pod {{ $labels.pod }}) has not answered scrapes for 10 minutes.",
        )
        .meaning(
            "One CoreDNS instance is down; the others answer while the Service has endpoints. Every instance gone \
             is `JobAbsent` (critical).",
        )
        .action("`kubectl -n kube-system get pods -l k8s-app=kube-dns -o wide`, then the pod's events and logs.");
    g.alert(
        "CoreDNSServfailHigh",
        Severity::Warning,
        format!(
            r#"100 * job:coredns_dns_responses_servfail:ratio_rate5m{{job="{job}"}} > {}"#,
            t.coredns_servfail_percent
        ),
    )
    .for_("10m")
    .summary("CoreDNS answers many queries with SERVFAIL.")
    .description(format!(
        "{{{{ $value | humanize }}}}% of CoreDNS's answers (job {{{{ $labels.job }}}}) have been SERVFAIL for 10 \
         minutes (threshold {}%).",
        t.coredns_servfail_percent
    ))
    .meaning(
        "CoreDNS fails to resolve a share of the queries: usually its upstream resolvers are unreachable or failing, \
         or it cannot reach the API server for cluster names.",
    )
    .action(
        "Read CoreDNS' logs (`kubectl -n kube-system logs -l k8s-app=kube-dns`); check the upstreams in the \
         `coredns` ConfigMap's `forward` and the nodes' /etc/resolv.conf.",
    );
    g.alert(
        "CoreDNSLatencyHigh",
        Severity::Warning,
        format!(
            r#"job:coredns_dns_request_duration_seconds:p99_5m{{job="{job}"}} > {}"#,
            t.coredns_latency_seconds
        ),
    )
    .for_("10m")
    .summary("CoreDNS answers slowly.")
    .description(format!(
        "The 99th percentile of CoreDNS's answers (job {{{{ $labels.job }}}}) takes {{{{ $value | humanizeDuration }}}} \
         (threshold {}s).",
        t.coredns_latency_seconds
    ))
    .meaning("CoreDNS is slow: every connection a pod opens by name waits for it.")
    .action(
        "Check the upstream resolvers' latency and CoreDNS' CPU (throttling, too few replicas); the `cache` plugin \
         absorbs repeated queries.",
    );
    g.alert(
        "CoreDNSUpstreamsDown",
        Severity::Warning,
        format!(r#"sum by (job, instance) (rate(coredns_forward_healthcheck_broken_total{{job="{job}"}}[5m])) > 0"#),
    )
    .for_("10m")
    .summary("CoreDNS {{ $labels.instance }} reaches none of its upstream resolvers.")
    .description(
        "CoreDNS at {{ $labels.instance }} has found all its upstream resolvers unhealthy for 10 minutes: names \
         outside the cluster do not resolve.",
    )
    .meaning("Every upstream of CoreDNS' `forward` plugin fails its health checks: external names do not resolve.")
    .action("Check from the node that the upstream resolvers answer (`dig @<upstream> example.com`) and the firewall.");
    g.alert(
        "CoreDNSPanics",
        Severity::Warning,
        format!(r#"increase(coredns_panics_total{{job="{job}"}}[10m]) > 0"#),
    )
    .summary("CoreDNS {{ $labels.instance }} recovered from a panic.")
    .description(
        "CoreDNS at {{ $labels.instance }} recovered from {{ $value | humanize }} panics in the last 10 minutes.",
    )
    .meaning("CoreDNS hit a bug and recovered from a panic; queries in flight failed.")
    .action("Read its logs for the stack trace; upgrade CoreDNS or change the plugin configuration that triggers it.");
}
