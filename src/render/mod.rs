//! Rendering: `model::Site` → `Bundle`. Every function here is pure, infallible and total: no I/O,
//! no clock, no environment. Anything that could fail was checked in `check/`.

mod adapter;
mod alertmanager;
mod alertmanager_config;
mod api_clients;
mod blackbox;
mod common;
mod control_plane;
pub mod crd;
mod exporters;
mod exposure;
mod grafana;
mod monitors;
mod network;
mod object;
mod operator;
mod prometheus;
mod rules;
mod targets;
mod workload;

use std::collections::{BTreeMap, BTreeSet};

pub use crate::model::names::{ALERTMANAGER_CONFIG_KEY, ALERTMANAGER_CONFIG_SECRET};
pub use alertmanager_config::AlertmanagerConfig;
pub use common::{MANAGED_BY, MANAGED_BY_LABEL, SITE_LABEL};
use k8s_openapi::api::core::v1::Namespace;
pub use object::{Bundle, Object, ObjectKey};

use crate::model::{self, Site};

/// Renders every component of the site.
pub fn render(site: &Site) -> Bundle {
    let mut bundle = Bundle {
        site: site.name.clone(),
        namespace: site.namespace.clone(),
        objects: BTreeMap::new(),
        alertmanager_config: alertmanager_config::render(site),
        alertmanager_secret: ALERTMANAGER_CONFIG_SECRET.to_owned(),
        alertmanager_templates: site
            .alertmanager
            .templates
            .iter()
            .map(|t| (t.name.clone(), t.text.clone()))
            .collect(),
        versions: BTreeMap::from([
            ("alertmanager", site.alertmanager.version.clone()),
            ("prometheus", site.prometheus.version.clone()),
            ("prometheus-operator", model::OPERATOR_VERSION.to_owned()),
        ]),
        crd_urls: operator::crd_urls(site),
        crd_files: site
            .operator
            .iter()
            .flat_map(|o| o.crd_files.iter().map(|f| (f.path.clone(), f.contents.clone())))
            .collect(),
        external_secrets: site.external_secrets(),
        collisions: Vec::new(),
    };
    bundle.extend(namespaces(site));
    bundle.extend(prometheus::render(site));
    bundle.extend(alertmanager::render(site));
    bundle.extend(monitors::render(site));
    bundle.extend(targets::render(site));
    bundle.extend(blackbox::render(site));
    bundle.extend(exposure::render(site));
    bundle.extend(api_clients::render(site));
    bundle.extend(rules::render(site));
    bundle.extend(operator::render(site));
    bundle.extend(exporters::render(site));
    bundle.extend(control_plane::render(site));
    bundle.extend(grafana::render(site));
    bundle.extend(adapter::render(site));
    bundle.extend(network::render(site));
    bundle
}

/// The site's namespace and each API client's: promsite owns them. Scraped namespaces belong to
/// their applications and are not created here.
fn namespaces(site: &Site) -> Vec<Object> {
    let names: BTreeSet<&str> = std::iter::once(site.namespace.as_str())
        .chain(site.api_clients.iter().map(|c| c.namespace.as_str()))
        .collect();
    names
        .into_iter()
        .map(|name| {
            Namespace {
                metadata: common::cluster_meta(site, name, "namespace"),
                ..Namespace::default()
            }
            .into()
        })
        .collect()
}
