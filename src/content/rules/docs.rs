//! `docs/alerts.md`, generated from the same classes as the rules, so it cannot drift from them.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use super::{Alert, DefaultGroup};

/// The alert reference for `groups` (those of a site with every component on). Each alert name
/// gets a `###` heading, whose anchor is the lower-case name that `runbook_url` points at.
pub fn markdown(groups: &[DefaultGroup]) -> String {
    let mut out = String::from(
        "# Default alerts\n\n\
         <!-- Generated from src/content/rules/ by `PROMSITE_BLESS=1 cargo test --test it default_rules::the_alert_reference`; do not edit. -->\n\n\
         promsite ships these alerting and recording rules with every site, one PrometheusRule `promsite-<group>` per\n\
         group below, built for what the site deploys: a component that is switched off takes its rules with it. Set them\n\
         up in `[default_rules]` (see [site-format.md](site-format.md)): `enabled = false` drops them all,\n\
         `disabled_groups` drops groups by id, `thresholds` tunes the numbers quoted below (their defaults are shown).\n\n\
         Every alert has the labels `severity` (`critical`: act now; `warning`: act within working hours; `info`: context,\n\
         muted unless something worse fires in the same namespace) and `promsite_group` (the group id), and the\n\
         annotations `summary`, `description` and `runbook_url` (`<runbook_base_url>#<alert name in lower case>`, by default\n\
         an anchor on this page). promsite routes the alerts no route of the site takes to `[default_rules] receiver`\n\
         (default: the root receiver), `Watchdog` to `[default_rules.watchdog]` (or nowhere), and `InfoInhibitor` nowhere.\n\
         The rules are unit-tested with `promtool test rules` in `tests/default_rules/`.\n",
    );
    out.push_str("\n| Group | Id | Alerts | Recording rules |\n|---|---|---|---|\n");
    for group in groups {
        let names: BTreeSet<&str> = group.alerts.iter().map(|a| a.name).collect();
        let _ = writeln!(
            out,
            "| [{}](#{}) | `{}` | {} | {} |",
            group.class.title,
            crate::content::markdown_anchor(group.class.title),
            group.class.id,
            names.len(),
            group.records.len()
        );
    }
    for group in groups {
        let _ = write!(out, "\n## {}\n\nGroup id `{}`.\n", group.class.title, group.class.id);
        let mut seen = BTreeSet::new();
        for alert in &group.alerts {
            if !seen.insert(alert.name) {
                continue;
            }
            let same: Vec<&Alert> = group.alerts.iter().filter(|a| a.name == alert.name).collect();
            let severities: BTreeSet<&str> = same.iter().map(|a| a.severity.as_str()).collect();
            let severities: Vec<String> = severities.iter().map(|s| format!("`{s}`")).collect();
            let _ = write!(
                out,
                "\n### {}\n\n- **Severity:** {}{}\n- **Means:** {}\n- **Do first:** {}\n\n```promql\n",
                alert.name,
                severities.join(", "),
                alert.for_duration.map(|f| format!(" after {f}")).unwrap_or_default(),
                alert.meaning,
                alert.action,
            );
            for a in same {
                let _ = writeln!(out, "{}", a.expr);
            }
            out.push_str("```\n");
        }
        if !group.records.is_empty() {
            out.push_str("\n| Recording rule | Holds |\n|---|---|\n");
            for record in &group.records {
                let _ = writeln!(out, "| `{}` | {} |", record.name, record.meaning);
            }
        }
    }
    out
}
