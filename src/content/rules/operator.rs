//! The Prometheus Operator: reconciling, readiness, the resources it rejects.

use super::{Class, Cx, Group, Severity};

/// The class.
pub(super) const CLASS: Class = Class {
    id: "operator",
    title: "Prometheus Operator",
    build,
};

fn build(cx: &Cx<'_>, g: &mut Group) {
    let Some(job) = &cx.jobs.operator else { return };
    let sel = format!(r#"job="{job}""#);
    g.alert(
        "PrometheusOperatorReconcileErrors",
        Severity::Warning,
        format!(
            "100 * sum by (controller, namespace) (rate(prometheus_operator_reconcile_errors_total{{{sel}}}[5m])) \
             / sum by (controller, namespace) (rate(prometheus_operator_reconcile_operations_total{{{sel}}}[5m])) > 10"
        ),
    )
    .for_("10m")
    .summary("The operator's {{ $labels.controller }} controller fails to reconcile.")
    .description(
        "{{ $value | humanize }}% of the reconciliations of the {{ $labels.controller }} controller of the \
         Prometheus Operator in {{ $labels.namespace }} failed in the last 5 minutes: changes to its resources are \
         not applied.",
    )
    .meaning("The operator cannot turn resources into running Prometheus or Alertmanager configuration.")
    .action(
        "Read the operator's log for the reconcile error; it names the resource and the reason (RBAC, invalid field).",
    );
    g.alert(
        "PrometheusOperatorNotReady",
        Severity::Warning,
        format!("min by (controller, namespace) (max_over_time(prometheus_operator_ready{{{sel}}}[5m])) == 0"),
    )
    .for_("5m")
    .summary("The operator's {{ $labels.controller }} controller is not ready.")
    .description(
        "The {{ $labels.controller }} controller of the Prometheus Operator in {{ $labels.namespace }} has not \
         been ready for 5 minutes: it reconciles nothing.",
    )
    .meaning("A controller of the operator has not started: its resources are not managed.")
    .action("Read the operator's log from its start: missing CRDs and RBAC denials are the usual reasons.");
    g.alert(
        "PrometheusOperatorSyncFailed",
        Severity::Warning,
        format!(r#"min_over_time(prometheus_operator_syncs{{{sel}, status="failed"}}[5m]) > 0"#),
    )
    .for_("10m")
    .summary("The operator's {{ $labels.controller }} controller has objects it cannot sync.")
    .description(
        "{{ $value }} of the objects of the {{ $labels.controller }} controller in {{ $labels.namespace }} have \
         failed to sync for 10 minutes.",
    )
    .meaning("Objects the operator manages are stuck in a failed state.")
    .action("`kubectl describe` the Prometheus and Alertmanager resources: their status conditions say what fails.");
    g.alert(
        "PrometheusOperatorRejectedResources",
        Severity::Warning,
        format!(r#"min_over_time(prometheus_operator_managed_resources{{{sel}, state="rejected"}}[5m]) > 0"#),
    )
    .for_("5m")
    .summary("The operator rejects {{ $value }} {{ $labels.resource }} resources.")
    .description(
        "The {{ $labels.controller }} controller of the Prometheus Operator rejects {{ $value }} \
         {{ $labels.resource }} resources: their scrape configuration or rules are not used.",
    )
    .meaning("A ServiceMonitor, PodMonitor, Probe, PrometheusRule or AlertmanagerConfig is invalid and ignored.")
    .action("Read the operator's log for the rejected object's name and reason, and fix the object.");
    g.alert(
        "PrometheusOperatorWatchErrors",
        Severity::Warning,
        format!(
            "100 * sum by (controller, namespace) (rate(prometheus_operator_watch_operations_failed_total{{{sel}}}[5m])) \
             / sum by (controller, namespace) (rate(prometheus_operator_watch_operations_total{{{sel}}}[5m])) > 40"
        ),
    )
    .for_("15m")
    .summary("The operator's {{ $labels.controller }} controller fails to watch the API.")
    .description(
        "{{ $value | humanize }}% of the API watches of the {{ $labels.controller }} controller in \
         {{ $labels.namespace }} failed in the last 5 minutes: it misses changes.",
    )
    .meaning("The operator loses its watches on the Kubernetes API.")
    .action("Check the API server's health and the operator's RBAC (a watch denied by RBAC fails every time).");
}
