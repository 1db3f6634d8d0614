//! `[ingress]`: the class, host names and TLS Secret of the web UIs' Ingresses.

use super::Ctx;
use super::syntax::values;
use crate::diag::Code;
use crate::model;
use crate::site::raw;

pub(crate) fn ingress(ctx: &mut Ctx<'_>, raw: &raw::Ingress) -> model::Ingress {
    for (key, value) in [
        ("class", &raw.class),
        ("prometheus", &raw.prometheus),
        ("alertmanager", &raw.alertmanager),
        ("grafana", &raw.grafana),
        ("tls_secret", &raw.tls_secret),
    ] {
        if let Some(value) = value {
            ctx.check(
                Code::NameInvalid,
                format!("/ingress/{key}"),
                values::dns_subdomain(value),
            );
        }
    }
    model::Ingress {
        class: raw.class.clone(),
        prometheus: raw.prometheus.clone(),
        alertmanager: raw.alertmanager.clone(),
        grafana: raw.grafana.clone(),
        tls_secret: raw.tls_secret.clone(),
    }
}
