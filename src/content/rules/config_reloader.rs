//! The operator's `config-reloader` sidecars: they write the configuration and rule files the
//! operator generates into the Prometheus and Alertmanager pods and tell the server to reload. A
//! failing reloader leaves the server on stale files without the server itself failing a reload.

use super::{Class, Cx, Group, Severity};

/// The class.
pub(super) const CLASS: Class = Class {
    id: "config-reloader",
    title: "Config reloaders",
    build,
};

fn build(cx: &Cx<'_>, g: &mut Group) {
    // Both jobs always exist (Prometheus and Alertmanager are always deployed): one rule for both.
    let sel = format!(
        r#"job=~"{}|{}""#,
        cx.jobs.prometheus_reloader, cx.jobs.alertmanager_reloader
    );
    let who = "The config-reloader of {{ $labels.namespace }}/{{ $labels.pod }}";
    g.alert(
        "ConfigReloaderFailing",
        Severity::Warning,
        format!("max_over_time(reloader_last_reload_successful{{{sel}}}[5m]) == 0"),
    )
    .for_("10m")
    .summary(format!("{who} cannot apply the configuration."))
    .description(format!(
        "{who} has failed to write its configuration or to trigger a reload for 10 minutes: the server runs \
         with older files."
    ))
    .meaning(
        "The sidecar that applies the operator's generated configuration and rules to Prometheus or \
         Alertmanager failed its last attempt: changes (new rules, scrape targets, routes) are not taking \
         effect.",
    )
    .action(
        "Read the `config-reloader` container's log in the pod; then the server's own log for why it refused the \
         reload (the server's reload alerts say the same when the server is at fault).",
    );
}
