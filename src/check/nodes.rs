//! `[[nodes]]` and where components run: every reference to a node resolves to a declared one,
//! and replicas fit the nodes they are pinned to.

use std::collections::BTreeSet;

use super::Ctx;
use super::syntax::values::{self, Problem};
use crate::diag::Code;
use crate::model::{self, Placement};
use crate::site::raw;

pub(crate) fn nodes(ctx: &mut Ctx<'_>, raw: &[raw::Node]) -> Vec<model::Node> {
    ctx.unique(
        "node",
        raw.iter()
            .enumerate()
            .map(|(i, n)| (format!("/nodes/{i}/name"), n.name.as_str())),
    );
    let mut nodes: Vec<model::Node> = raw
        .iter()
        .enumerate()
        .filter_map(|(i, node)| {
            ctx.check(
                Code::NameInvalid,
                format!("/nodes/{i}/name"),
                values::dns_subdomain(&node.name),
            );
            let address = ctx.check(
                Code::ValueAddress,
                format!("/nodes/{i}/address"),
                values::address(&node.address),
            );
            let taints: BTreeSet<model::Taint> = node
                .taints
                .iter()
                .enumerate()
                .filter_map(|(j, t)| ctx.check(Code::ValueTaint, format!("/nodes/{i}/taints/{j}"), values::taint(t)))
                .collect();
            Some(model::Node {
                name: node.name.clone(),
                address: address?,
                roles: node.roles.iter().copied().collect(),
                taints: taints.into_iter().collect(),
                capacity: node
                    .capacity
                    .as_ref()
                    .map(|c| super::resources::capacity_of(ctx, &format!("/nodes/{i}/capacity"), c)),
            })
        })
        .collect();
    nodes.sort_by(|a, b| a.name.cmp(&b.name));
    nodes.dedup_by(|a, b| a.name == b.name);
    nodes
}

/// Resolves a list of node names against the declared nodes.
/// `declared` are the names in `[[nodes]]`, whether or not the rest of each node checked out, so
/// that one bad address does not also report every reference to that node.
pub(crate) fn placement(ctx: &mut Ctx<'_>, pointer: &str, names: &[String], declared: &[&str]) -> Placement {
    ctx.unique(
        "node",
        names
            .iter()
            .enumerate()
            .map(|(i, n)| (format!("{pointer}/{i}"), n.as_str())),
    );
    for (i, name) in names.iter().enumerate() {
        if !declared.contains(&name.as_str()) {
            let help = if declared.is_empty() {
                "declare it in a `[[nodes]]` table with its name and address".to_owned()
            } else {
                format!("declare it in `[[nodes]]`, or use one of: {}", declared.join(", "))
            };
            ctx.error(
                Code::RefUnknownNode,
                format!("{pointer}/{i}"),
                Problem::new(format!("node `{name}` is not declared"), help),
            );
        }
    }
    let set: BTreeSet<String> = names.iter().cloned().collect();
    Placement {
        nodes: set.into_iter().collect(),
    }
}

/// Replicas are spread one per node (required anti-affinity): more replicas than nodes never schedule.
pub(crate) fn replicas(ctx: &mut Ctx<'_>, section: &str, replicas: Option<u32>, placement: &Placement, storage: bool) {
    let count = replicas.unwrap_or(1);
    let nodes = placement.nodes.len();
    if nodes > 0 && count == 1 {
        let pointer = if replicas.is_some() {
            format!("/{section}/replicas")
        } else {
            format!("/{section}/nodes")
        };
        ctx.warning(
            Code::PlacementSingleNode,
            &pointer,
            Problem::new(
                format!("{section} runs one replica pinned to its nodes: losing that node stops it"),
                format!("set `replicas = 2` (or more) with as many nodes in `{section}.nodes` for high availability"),
            ),
        );
    }
    if nodes > 0 && count as usize > nodes {
        let what = if storage { "nodes with storage" } else { "nodes" };
        ctx.error(
            Code::PlacementReplicas,
            format!("/{section}/replicas"),
            Problem::new(
                format!("{count} {section} replicas but only {nodes} {what}"),
                format!(
                    "each replica needs its own node: add nodes to `{section}.nodes` or lower `replicas` to {nodes}"
                ),
            ),
        );
    }
}
