//! `docs/dashboards.md`, generated from the same code as the dashboards, so it cannot drift from them.

use std::fmt::Write as _;

use super::Built;
use super::board::Item;

/// The dashboard reference for `built` (those of a site with every component on).
pub fn markdown(built: &[Built]) -> String {
    let mut out = String::from(
        "# Default dashboards\n\n\
         <!-- Generated from src/content/dashboards/ by `PROMSITE_BLESS=1 cargo test --test it dashboards::the_dashboard_reference`; do not edit. -->\n\n\
         promsite provisions these Grafana dashboards with every site that deploys Grafana, in one folder named after\n\
         the site, from a few ConfigMaps `grafana-dashboards-<group>`. A dashboard whose component is switched off\n\
         (etcd, the control plane, node-exporter, kube-state-metrics) is left out, and so are panels that need one.\n\
         `[grafana] default_dashboards = false` drops them all, `disabled_dashboards` drops some by id, and a\n\
         dashboard of the site's own (`[grafana] dashboards`) with the same uid replaces the default one.\n\n\
         Every query below is checked when the site is compiled, by the same PromQL checks as the rules; a recorded\n\
         series (`level:metric:operations`) is used only where the site's default rules record it, and its expression\n\
         otherwise. Queries use the data source variable `$datasource` (by default the provisioned Prometheus, uid\n\
         `prometheus`); `$namespace`, `$pod`, `$instance` and `$workload` are the dashboards' other variables.\n\n\
         | Dashboard | uid | ConfigMap | Panels |\n|---|---|---|---|\n",
    );
    for b in built {
        let panels = b.board.items.iter().filter(|i| matches!(i, Item::Panel(_))).count();
        let _ = writeln!(
            out,
            "| [{}](#{}) | `{}` | `grafana-dashboards-{}` | {panels} |",
            b.spec.title,
            crate::content::markdown_anchor(b.spec.title),
            b.uid(),
            b.spec.bundle.name(),
        );
    }
    for b in built {
        let _ = write!(out, "\n## {}\n\n{}\n", b.spec.title, b.board.description);
        if !b.board.vars.is_empty() {
            out.push_str("\nVariables:\n\n");
            for v in &b.board.vars {
                let _ = writeln!(
                    out,
                    "- `${}` ({}): `label_values({}, {})`",
                    v.name, v.label, v.selector, v.label_name
                );
            }
        }
        for item in &b.board.items {
            match item {
                Item::Row(title) => {
                    let _ = write!(out, "\n### {title}\n");
                }
                Item::Panel(p) => {
                    let _ = write!(out, "\n**{}** ({:?}, `{}`)", p.title, p.kind, p.unit.id());
                    if !p.description.is_empty() {
                        let _ = write!(out, ": {}", p.description);
                    }
                    out.push_str("\n\n```promql\n");
                    for q in &p.queries {
                        let _ = writeln!(out, "{}", q.expr);
                    }
                    out.push_str("```\n");
                }
            }
        }
    }
    out
}
