//! `[[scrape]]` (ServiceMonitors for Services) and `[[pod_monitor]]` (PodMonitors for pods): where
//! the targets are, and their scrape options.

use super::Ctx;
use super::scrape_options::{Defaults, RawOptions, options};
use super::syntax::values::{self, Problem};
use crate::diag::Code;
use crate::model::{self, names};
use crate::site::{escape, raw};

/// Which section is checked: `[[scrape]]` or `[[pod_monitor]]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `[[scrape]]`, a ServiceMonitor.
    Service,
    /// `[[pod_monitor]]`, a PodMonitor.
    Pod,
}

impl Kind {
    fn section(self) -> &'static str {
        match self {
            Kind::Service => "scrape",
            Kind::Pod => "pod_monitor",
        }
    }
}

/// Checks every entry of the section; returns them sorted by name.
pub(crate) fn scrapes(
    ctx: &mut Ctx<'_>,
    kind: Kind,
    raw: &[raw::Scrape],
    site_namespace: &str,
    defaults: &Defaults<'_>,
) -> Vec<model::Scrape> {
    let section = kind.section();
    ctx.unique(
        &section.replace('_', " "),
        raw.iter()
            .enumerate()
            .map(|(i, s)| (format!("/{section}/{i}/name"), s.name.as_str())),
    );
    let mut scrapes: Vec<model::Scrape> = raw
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let at = format!("/{section}/{i}");
            ctx.check(Code::NameInvalid, format!("{at}/name"), values::dns_subdomain(&s.name));
            if kind == Kind::Service {
                ctx.reserved(
                    &format!("{at}/name"),
                    &s.name,
                    "ServiceMonitor",
                    names::SERVICE_MONITORS,
                );
            }
            if let Some(namespace) = &s.namespace {
                ctx.check(
                    Code::NameInvalid,
                    format!("{at}/namespace"),
                    values::dns_label(namespace),
                );
            }
            for (j, namespace) in s.namespaces.iter().enumerate() {
                ctx.check(
                    Code::NameInvalid,
                    format!("{at}/namespaces/{j}"),
                    values::dns_label(namespace),
                );
            }
            let mut namespaces: Vec<String> = s.namespace.iter().chain(&s.namespaces).cloned().collect();
            if namespaces.is_empty() {
                namespaces.push(site_namespace.to_owned());
            }
            namespaces.sort();
            namespaces.dedup();
            for (key, value) in &s.selector {
                let pointer = format!("{at}/selector/{}", escape(key));
                if let Err(problem) = values::k8s_label(key, value) {
                    ctx.error_at_key(Code::ValueK8sLabel, &pointer, problem);
                }
            }
            if !port_name(&s.port) {
                let (what, field) = match kind {
                    Kind::Service => ("a Service port", "the Service's `ports[].name`"),
                    Kind::Pod => ("a container port", "the container's `ports[].name`"),
                };
                ctx.error(
                    Code::NameInvalid,
                    format!("{at}/port"),
                    Problem::new(
                        format!("`{}` is not the name of {what}", s.port),
                        format!("name the port as it appears in {field}: at most 15 lower-case letters, digits and `-`, with at least one letter"),
                    ),
                );
            }
            model::Scrape {
                name: s.name.clone(),
                namespaces,
                selector: s.selector.clone(),
                port: s.port.clone(),
                options: options(ctx, &at, &RawOptions::from(s), defaults),
            }
        })
        .collect();
    scrapes.sort_by(|a, b| a.name.cmp(&b.name));
    scrapes
}

/// A Kubernetes port name (`IANA_SVC_NAME`), as monitors select ports: a number is not one.
fn port_name(text: &str) -> bool {
    (1..=15).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && text.bytes().any(|b| b.is_ascii_lowercase())
        && !text.starts_with('-')
        && !text.ends_with('-')
        && !text.contains("--")
}
