//! `[etcd]`: the etcd members (nodes with role `etcd`) and the client certificate Secret.

use super::Ctx;
use super::syntax::values::{self, Problem};
use crate::diag::Code;
use crate::model::{self, NodeRole};
use crate::site::raw;

pub(crate) fn etcd(ctx: &mut Ctx<'_>, raw: &raw::Etcd, nodes: &[raw::Node]) -> Option<model::Etcd> {
    let mut members: Vec<String> = nodes
        .iter()
        .filter(|n| n.roles.contains(&NodeRole::Etcd))
        .map(|n| n.name.clone())
        .collect();
    members.sort();
    members.dedup();
    if members.is_empty() {
        ctx.error_at_key(
            Code::EtcdNoNodes,
            "/etcd",
            Problem::new(
                "`[etcd]` is set but no node has role `etcd`",
                "add `roles = [\"etcd\"]` to the nodes that run etcd members, or remove `[etcd]`",
            ),
        );
    }
    let cert = &raw.client_cert;
    ctx.check(
        Code::NameInvalid,
        "/etcd/client_cert/secret",
        values::dns_subdomain(&cert.secret),
    );
    for (key, value) in [("cert", &cert.cert), ("key", &cert.key), ("ca", &cert.ca)] {
        ctx.secret_key(&format!("/etcd/client_cert/{key}"), value);
    }
    Some(model::Etcd {
        port: u16::try_from(raw.port.unwrap_or(2379)).ok()?,
        client_cert: model::EtcdClientCert {
            secret: cert.secret.clone(),
            cert: cert.cert.clone(),
            key: cert.key.clone(),
            ca: cert.ca.clone(),
        },
        nodes: members,
    })
}
