//! `[[api_clients]]`: ServiceAccounts outside promsite that may read or write monitoring resources.

use super::Ctx;
use super::syntax::values::{self, Problem};
use crate::diag::Code;
use crate::model::{self, API_RESOURCES, names};
use crate::site::raw;

pub(crate) fn api_clients(ctx: &mut Ctx<'_>, raw: &[raw::ApiClient], site_namespace: &str) -> Vec<model::ApiClient> {
    let keys: Vec<String> = raw.iter().map(|c| format!("{}/{}", c.namespace, c.name)).collect();
    ctx.unique(
        "API client",
        keys.iter()
            .enumerate()
            .map(|(i, k)| (format!("/api_clients/{i}/name"), k.as_str())),
    );
    let mut clients: Vec<model::ApiClient> = raw
        .iter()
        .enumerate()
        .map(|(i, c)| {
            ctx.check(
                Code::NameInvalid,
                format!("/api_clients/{i}/name"),
                values::dns_subdomain(&c.name),
            );
            ctx.check(
                Code::NameInvalid,
                format!("/api_clients/{i}/namespace"),
                values::dns_label(&c.namespace),
            );
            if c.namespace == site_namespace {
                ctx.reserved(
                    &format!("/api_clients/{i}/name"),
                    &c.name,
                    "ServiceAccount",
                    names::SERVICE_ACCOUNTS,
                );
            }
            let resources = c
                .resources
                .iter()
                .enumerate()
                .filter_map(|(j, name)| {
                    let found = API_RESOURCES.iter().find(|r| r.name == name).copied();
                    if found.is_none() {
                        let known: Vec<&str> = API_RESOURCES.iter().map(|r| r.name).collect();
                        ctx.error(
                            Code::ValueApiResource,
                            format!("/api_clients/{i}/resources/{j}"),
                            Problem::new(
                                format!("unknown API resource `{name}`"),
                                format!("use the plural resource name of one of: {}", known.join(", ")),
                            ),
                        );
                    }
                    found
                })
                .collect();
            model::ApiClient {
                name: c.name.clone(),
                namespace: c.namespace.clone(),
                resources,
                verbs: c.verbs.iter().copied().collect(),
            }
        })
        .collect();
    clients.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
    clients
}
