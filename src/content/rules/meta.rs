//! Meta: the alerts about alerting itself. `Watchdog` always fires, so that a dead-man's switch
//! notices when the pipeline stops; `InfoInhibitor` lets `info` alerts through only beside worse
//! ones; `TargetDown` and `JobAbsent` say when promsite's own scrapes break.

use super::{Class, Cx, Group, Severity};

/// The class.
pub(super) const CLASS: Class = Class {
    id: "meta",
    title: "Meta: the alerting pipeline and the scrapes",
    build,
};

/// Components whose absence stops the cluster itself, not only its monitoring.
const CLUSTER_JOBS: &[&str] = &[
    "the kubelets",
    "the API server",
    "CoreDNS",
    "kube-controller-manager",
    "kube-scheduler",
    "etcd",
];

fn build(cx: &Cx<'_>, g: &mut Group) {
    g.alert("Watchdog", Severity::None, "vector(1)")
        .summary("The alerting pipeline works: this alert always fires.")
        .description(
            "Watchdog fires all the time so that a dead-man's switch outside the cluster can alarm when its \
             notifications stop: then Prometheus, Alertmanager or the way between them is broken.",
        )
        .meaning("Always firing. Its notifications stopping is the alarm, not its firing.")
        .action(
            "Nothing while it fires. Route it to a dead-man's switch with `[default_rules.watchdog]`; when the switch \
             alarms, check that Prometheus and Alertmanager run and that Prometheus reaches Alertmanager.",
        );
    if cx.settings.info_inhibitor {
        g.alert(
            "InfoInhibitor",
            Severity::None,
            r#"ALERTS{alertstate="firing", severity="info"} == 1 unless on (namespace) ALERTS{alertstate="firing", severity=~"warning|critical"} == 1"#,
        )
        .summary("Mutes the info alerts of namespace {{ $labels.namespace }}.")
        .description(
            "Info alerts fire in namespace {{ $labels.namespace }} while no warning or critical alert does; an inhibit \
             rule mutes them while this alert fires. It goes to the receiver `promsite-null`.",
        )
        .meaning("Only there to keep `info` alerts quiet unless a `warning` or `critical` alert fires in the same namespace.")
        .action("Nothing. Switch it off with `info_inhibitor = false` to receive every info alert.");
    }
    g.alert(
        "TargetDown",
        Severity::Warning,
        "100 * (count by (namespace, job) (up == 0) / count by (namespace, job) (up)) > 10",
    )
    .for_("10m")
    .summary("{{ $value | humanize }}% of the targets of job {{ $labels.job }} are down.")
    .description(
        "{{ $value | humanize }}% of the {{ $labels.job }} targets in namespace {{ $labels.namespace }} have not \
         answered scrapes for 10 minutes.",
    )
    .meaning("More than 10% of a job's targets fail their scrapes: their metrics, and the alerts on them, are missing.")
    .action(
        "Open Prometheus' Targets page for the job: the scrape error says whether the target is down, refuses the \
         connection, times out or rejects the credentials.",
    );
    for (component, job) in cx.jobs.all() {
        let severity = if CLUSTER_JOBS.contains(&component) {
            Severity::Critical
        } else {
            Severity::Warning
        };
        g.alert("JobAbsent", severity, format!(r#"absent(up{{job="{job}"}} == 1)"#))
            .for_("15m")
            .label("job", job)
            .summary(format!("No target of job {job} ({component}) is up."))
            .description(format!(
                "For 15 minutes no target of job {job} ({component}) has answered scrapes: it is down, or its \
                 ServiceMonitor no longer selects it."
            ))
            .meaning(
                "A component promsite deploys or scrapes has no healthy target: it is down, or discovery lost it. One \
                 rule per component; `critical` for the cluster's own (kubelets, API server, CoreDNS, controller \
                 manager, scheduler, etcd).",
            )
            .action(
                "Check the component's pods or host processes; then its Service and Endpoints (`kubectl get \
                 endpoints`), and Prometheus' Service Discovery page for the job.",
            );
    }
}
