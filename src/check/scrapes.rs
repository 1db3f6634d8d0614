//! `[[scrape]]`: ServiceMonitors for Services in the cluster.

use super::Ctx;
use super::syntax::values::{self, Problem};
use crate::diag::Code;
use crate::model::{self, names};
use crate::site::{escape, raw};

pub(crate) fn scrapes(ctx: &mut Ctx<'_>, raw: &[raw::Scrape], site_namespace: &str) -> Vec<model::Scrape> {
    ctx.unique(
        "scrape",
        raw.iter()
            .enumerate()
            .map(|(i, s)| (format!("/scrape/{i}/name"), s.name.as_str())),
    );
    let mut scrapes: Vec<model::Scrape> = raw
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let at = |key: &str| format!("/scrape/{i}/{key}");
            ctx.check(Code::NameInvalid, at("name"), values::dns_subdomain(&s.name));
            ctx.reserved(&at("name"), &s.name, "ServiceMonitor", names::SERVICE_MONITORS);
            if let Some(namespace) = &s.namespace {
                ctx.check(Code::NameInvalid, at("namespace"), values::dns_label(namespace));
            }
            for (key, value) in &s.selector {
                let pointer = format!("{}/{}", at("selector"), escape(key));
                if let Err(problem) = values::k8s_label(key, value) {
                    ctx.error_at_key(Code::ValueK8sLabel, &pointer, problem);
                }
            }
            if s.port.is_empty() || s.port.len() > 15 || values::dns_label(&s.port).is_err() {
                ctx.error(Code::NameInvalid, at("port"), Problem::new(format!("`{}` is not a Service port name", s.port), "name the Service port as it appears in the Service's `ports[].name` (lower-case, at most 15 characters)"));
            }
            if let Some(path) = s.path.as_ref().filter(|p| !p.starts_with('/')) {
                ctx.error(Code::ValuePath, at("path"), Problem::new(format!("`{path}` is not an absolute URL path"), "start the path with `/`, e.g. `/metrics`"));
            }
            model::Scrape {
                name: s.name.clone(),
                namespace: s.namespace.clone().unwrap_or_else(|| site_namespace.to_owned()),
                selector: s.selector.clone(),
                port: s.port.clone(),
                path: s.path.clone(),
                interval: ctx.duration(at("interval"), s.interval.as_ref()),
                timeout: ctx.duration(at("timeout"), s.timeout.as_ref()),
                scheme: s.scheme,
            }
        })
        .collect();
    scrapes.sort_by(|a, b| a.name.cmp(&b.name));
    scrapes
}
