//! Alertmanager: its configuration, its HA cluster and its notifications.

use super::{Class, Cx, Group, Severity};

/// The class.
pub(super) const CLASS: Class = Class {
    id: "alertmanager",
    title: "Alertmanager",
    build,
};

fn build(cx: &Cx<'_>, g: &mut Group) {
    let job = &cx.jobs.alertmanager;
    let sel = format!(r#"job="{job}""#);
    let who = "Alertmanager {{ $labels.namespace }}/{{ $labels.pod }}";
    g.alert(
        "AlertmanagerConfigReloadFailed",
        Severity::Critical,
        format!("max_over_time(alertmanager_config_last_reload_successful{{{sel}}}[5m]) == 0"),
    )
    .for_("10m")
    .summary(format!("{who} cannot load its configuration."))
    .description(format!(
        "{who} failed to reload its configuration for 10 minutes: it routes with an older one."
    ))
    .meaning("Alertmanager rejected its configuration and keeps the last good one.")
    .action(
        "Read the Alertmanager container's log for the error; run `amtool check-config` on the `alertmanager.yml` \
         promsite generated, and check the Secrets it references exist.",
    );
    g.alert(
        "AlertmanagerNotificationsFailing",
        Severity::Warning,
        format!(
            "100 * sum without (reason) (rate(alertmanager_notifications_failed_total{{{sel}}}[5m])) \
             / sum without (reason) (rate(alertmanager_notifications_total{{{sel}}}[5m])) > 1"
        ),
    )
    .for_("5m")
    .summary(format!(
        "{who} fails to send {{{{ $labels.integration }}}} notifications."
    ))
    .description(format!(
        "{{{{ $value | humanize }}}}% of the {{{{ $labels.integration }}}} notifications {who} sent in the last 5 \
         minutes failed."
    ))
    .meaning("An integration (e-mail, webhook, Slack, ...) fails: its receivers miss notifications.")
    .action(
        "Read the Alertmanager log for the integration's error (SMTP refused, webhook status, DNS, proxy); test \
         the endpoint from the pod's network.",
    );
    let replicas = cx.site.alertmanager.replicas;
    if replicas > 1 {
        g.alert(
            "AlertmanagerConfigInconsistent",
            Severity::Critical,
            format!(r#"count by (namespace) (count_values by (namespace) ("config_hash", alertmanager_config_hash{{{sel}}})) > 1"#),
        )
        .for_("20m")
        .summary("The Alertmanagers of {{ $labels.namespace }} run different configurations.")
        .description(
            "The Alertmanager replicas in {{ $labels.namespace }} have run {{ $value }} different configurations for \
             20 minutes: they route and silence differently.",
        )
        .meaning("Replicas of one Alertmanager cluster disagree on the configuration.")
        .action(
            "Compare `alertmanager_config_hash` per pod; restart the replica that lags, and look for a reload \
             error in its log.",
        );
        g.alert(
            "AlertmanagerClusterMembersMissing",
            Severity::Critical,
            format!("max_over_time(alertmanager_cluster_members{{{sel}}}[5m]) < {replicas}"),
        )
        .for_("15m")
        .summary(format!("{who} sees {{{{ $value }}}} of {replicas} cluster members."))
        .description(format!(
            "{who} has seen only {{{{ $value }}}} of the {replicas} members of its cluster for 15 minutes: the \
             replicas do not gossip, so notifications may be duplicated and silences not shared."
        ))
        .meaning("The Alertmanager replicas do not form one cluster.")
        .action(
            "Check the cluster port 9094 (TCP and UDP) between the pods (NetworkPolicies, host network), and the \
             `--cluster.peer` addresses in the pods' arguments.",
        );
    }
}
