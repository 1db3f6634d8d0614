//! Ports across sections: NodePorts no two Services share, and host-network ports no two replicas do.

use super::Ctx;
use super::syntax::values::Problem;
use crate::diag::Code;
use crate::model::names::{ALERTMANAGER_CLUSTER_PORT, ALERTMANAGER_PORT};
use crate::site::raw;

/// NodePorts are cluster-wide: two Services cannot share one.
pub(crate) fn ports(ctx: &mut Ctx<'_>, raw: &raw::RawSite) {
    let claims = [
        ("prometheus", raw.prometheus.node_port),
        ("alertmanager", raw.alertmanager.node_port),
        ("grafana", raw.grafana.node_port),
    ];
    let mut taken: Vec<(&str, u16)> = Vec::new();
    for (section, port) in claims {
        let Some(port) = port else { continue };
        if let Some((owner, _)) = taken.iter().find(|(_, p)| *p == port) {
            ctx.error(
                Code::PortClash,
                format!("/{section}/node_port"),
                Problem::new(
                    format!("NodePort {port} is already `{owner}.node_port`"),
                    format!("give {section} another port in 30000-32767"),
                ),
            );
        }
        taken.push((section, port));
    }
    // On the host network, two replicas on one node would fight over the web and cluster ports; only
    // pinning makes the one-per-node spread a requirement rather than a preference.
    let alertmanager = &raw.alertmanager;
    if alertmanager.host_network && alertmanager.replicas.unwrap_or(1) > 1 && alertmanager.nodes.is_empty() {
        ctx.error(
            Code::PortClash,
            "/alertmanager/host_network",
            Problem::new(
                format!(
                    "Alertmanager replicas on the host network could share a node and its ports {ALERTMANAGER_PORT} and \
                     {ALERTMANAGER_CLUSTER_PORT}"
                ),
                "list the nodes in `alertmanager.nodes` so that each replica gets its own node",
            ),
        );
    }
}
