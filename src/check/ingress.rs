//! `[ingress]` and web TLS: where each web UI is reached (host, path, TLS certificate), the access
//! control in front of Prometheus and Alertmanager, and the warnings about exposing them without any.

use std::collections::BTreeMap;

use super::Ctx;
use super::syntax::values::{self, Problem};
use super::versions::{self, Version};
use crate::diag::Code;
use crate::model::exposure::{BasicAuth, ExternalAuth};
use crate::model::{self, Exposure};
use crate::site::{escape, raw};

/// ingress-nginx's annotation prefix.
const NGINX: &str = "nginx.ingress.kubernetes.io/";

/// Annotations promsite derives from typed keys; `annotations` may not set them.
const DERIVED: &[(&str, &str)] = &[
    ("auth-type", "basic_auth"),
    ("auth-secret", "basic_auth"),
    ("auth-secret-type", "basic_auth.format"),
    ("auth-realm", "basic_auth.realm"),
    ("auth-url", "external_auth.url"),
    ("auth-signin", "external_auth.signin"),
    ("auth-response-headers", "external_auth.response_headers"),
    ("backend-protocol", "prometheus.web_tls` or `alertmanager.web_tls"),
];

/// Prometheus 2.24.0 added `--web.config.file`, which the operator writes web TLS into.
const PROMETHEUS_WEB_TLS: Version = Version::new(2, 24, 0);
/// Alertmanager 0.22.0 added `--web.config.file`.
const ALERTMANAGER_WEB_TLS: Version = Version::new(0, 22, 0);

/// The three components an Ingress can expose, by their key in `[ingress]`.
const COMPONENTS: [&str; 3] = ["prometheus", "alertmanager", "grafana"];

pub(crate) fn ingress(ctx: &mut Ctx<'_>, raw: &raw::Ingress, grafana: bool) -> model::Ingress {
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
    let hosts = [&raw.prometheus, &raw.alertmanager, &raw.grafana];
    let paths = [&raw.paths.prometheus, &raw.paths.alertmanager, &raw.paths.grafana];
    let tls = tls_secrets(ctx, raw);
    let mut exposures: [Option<Exposure>; 3] = [None, None, None];
    let mut seen: BTreeMap<(String, String), &str> = BTreeMap::new();
    for (i, component) in COMPONENTS.into_iter().enumerate() {
        let pointer = format!("/ingress/paths/{component}");
        let path = paths[i]
            .as_ref()
            .and_then(|p| ctx.check(Code::ValuePath, &pointer, path(p)));
        let Some(host) = hosts[i] else {
            if paths[i].is_some() {
                ctx.error(
                    Code::IngressNotExposed,
                    &pointer,
                    Problem::new(
                        format!("a path for {component}, which has no host in `[ingress]`"),
                        format!("set `ingress.{component}` to the host it is served on, or remove the path"),
                    ),
                );
            }
            continue;
        };
        let exposure = Exposure {
            host: host.clone(),
            path: path.unwrap_or_default(),
            tls_secret: tls.get(host.as_str()).cloned().or_else(|| raw.tls_secret.clone()),
        };
        // A switched-off Grafana gets no Ingress, so it cannot clash.
        let rendered = component != "grafana" || grafana;
        if rendered && let Some(other) = seen.insert((exposure.host.clone(), exposure.path.clone()), component) {
            let shown = if exposure.path.is_empty() { "/" } else { &exposure.path };
            ctx.error(
                Code::IngressPathClash,
                if paths[i].is_some() {
                    pointer
                } else {
                    format!("/ingress/{component}")
                },
                Problem::new(
                    format!("{component} and {other} are both exposed at `{host}{shown}`"),
                    format!(
                        "give each component its own host, or its own path on a shared host in `[ingress.paths]` \
                         (e.g. `{component} = \"/{component}\"`)"
                    ),
                ),
            );
        }
        exposures[i] = Some(exposure);
    }
    let [prometheus, alertmanager, grafana_exposure] = exposures;
    model::Ingress {
        class: raw.class.clone(),
        prometheus,
        alertmanager,
        grafana: grafana_exposure.filter(|_| grafana),
        basic_auth: raw.basic_auth.as_ref().map(|b| basic_auth(ctx, b)),
        external_auth: raw.external_auth.as_ref().map(|e| external_auth(ctx, e)),
        annotations: annotations(ctx, &raw.annotations),
    }
}

/// A path prefix, without its trailing `/` (empty for the root).
fn path(text: &str) -> values::Checked<String> {
    let help = "write an absolute path of letters, digits, `-`, `_`, `.` and `/`, e.g. `/prometheus`";
    if !text.starts_with('/') {
        return Err(Problem::new(format!("`{text}` does not start with `/`"), help));
    }
    let trimmed = text.trim_end_matches('/');
    let valid = trimmed.split('/').skip(1).all(|segment| {
        !segment.is_empty()
            && segment != "."
            && segment != ".."
            && segment
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    });
    if !valid {
        return Err(Problem::new(
            format!("`{text}` is not a path prefix an Ingress can route"),
            help,
        ));
    }
    Ok(trimmed.to_owned())
}

/// The Secret of each host listed in `tls`, with its hosts checked against the exposed ones.
fn tls_secrets(ctx: &mut Ctx<'_>, raw: &raw::Ingress) -> BTreeMap<String, String> {
    let exposed: Vec<&str> = [&raw.prometheus, &raw.alertmanager, &raw.grafana]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect();
    let mut secrets = BTreeMap::new();
    let mut listed = Vec::new();
    for (i, entry) in raw.tls.iter().enumerate() {
        ctx.check(
            Code::NameInvalid,
            format!("/ingress/tls/{i}/secret"),
            values::dns_subdomain(&entry.secret),
        );
        for (j, host) in entry.hosts.iter().enumerate() {
            let pointer = format!("/ingress/tls/{i}/hosts/{j}");
            if exposed.contains(&host.as_str()) {
                secrets.entry(host.clone()).or_insert_with(|| entry.secret.clone());
            } else {
                ctx.error(
                    Code::IngressNotExposed,
                    &pointer,
                    Problem::new(
                        format!("TLS host `{host}` is not a host of `[ingress]`"),
                        if exposed.is_empty() {
                            "set `ingress.prometheus`, `alertmanager` or `grafana` to the hosts to expose".to_owned()
                        } else {
                            format!("list only hosts the Ingresses serve: {}", exposed.join(", "))
                        },
                    ),
                );
            }
            listed.push((pointer, host.as_str()));
        }
    }
    ctx.unique("TLS host", listed);
    secrets
}

fn basic_auth(ctx: &mut Ctx<'_>, raw: &raw::IngressBasicAuth) -> BasicAuth {
    ctx.check(
        Code::NameInvalid,
        "/ingress/basic_auth/secret",
        values::dns_subdomain(&raw.secret),
    );
    BasicAuth {
        secret: raw.secret.clone(),
        realm: raw
            .realm
            .clone()
            .unwrap_or_else(|| "Authentication required".to_owned()),
        format: raw.format.unwrap_or_default(),
    }
}

fn external_auth(ctx: &mut Ctx<'_>, raw: &raw::ExternalAuth) -> ExternalAuth {
    ctx.check(Code::ValueUrl, "/ingress/external_auth/url", values::http_url(&raw.url));
    if let Some(signin) = &raw.signin {
        ctx.check(
            Code::ValueUrl,
            "/ingress/external_auth/signin",
            values::http_url(signin),
        );
    }
    for (i, header) in raw.response_headers.iter().enumerate() {
        // RFC 9110 token characters; ingress-nginx refuses anything else in auth-response-headers.
        let token = !header.is_empty()
            && header
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
        if !token {
            ctx.error(
                Code::IngressAnnotation,
                format!("/ingress/external_auth/response_headers/{i}"),
                Problem::new(
                    format!("`{header}` is not an HTTP header name"),
                    "write a header name such as `X-Auth-Request-User`: letters, digits and `-`",
                ),
            );
        }
    }
    ExternalAuth {
        url: raw.url.clone(),
        signin: raw.signin.clone(),
        response_headers: raw.response_headers.clone(),
    }
}

fn annotations(ctx: &mut Ctx<'_>, raw: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    for key in raw.keys() {
        let pointer = format!("/ingress/annotations/{}", escape(key));
        if let Err(problem) = values::k8s_label(key, "") {
            ctx.error_at_key(
                Code::IngressAnnotation,
                &pointer,
                Problem::new(problem.message.replace("label key", "annotation key"), problem.help),
            );
        } else if let Some((_, typed)) = DERIVED.iter().find(|(name, _)| key.strip_prefix(NGINX) == Some(*name)) {
            ctx.error_at_key(
                Code::IngressAnnotation,
                &pointer,
                Problem::new(
                    format!("promsite sets `{key}` itself"),
                    format!("use `{typed}` instead; promsite derives this annotation from it"),
                ),
            );
        }
    }
    raw.clone()
}

/// Whether the free annotations require a verified client certificate (ingress-nginx `auth-tls-*`).
fn client_certificate(raw: &raw::Ingress) -> bool {
    let get = |name: &str| raw.annotations.get(&format!("{NGINX}{name}"));
    get("auth-tls-secret").is_some() && get("auth-tls-verify-client").is_none_or(|v| v == "on")
}

/// Warns where Prometheus or Alertmanager can be reached from outside the cluster without
/// credentials, and more strongly when that includes Prometheus' admin API.
pub(crate) fn exposure(ctx: &mut Ctx<'_>, site: &raw::RawSite) {
    let ingress = site.ingress.as_ref();
    if let Some(ingress) = ingress {
        plaintext_credentials(ctx, ingress);
    }
    let authenticated =
        ingress.is_some_and(|i| i.basic_auth.is_some() || i.external_auth.is_some() || client_certificate(i));
    let mut open = |component: &str, host: Option<&String>, node_port: Option<u16>| {
        let mut open = false;
        if let Some(host) = host.filter(|_| !authenticated) {
            ctx.warning(
                Code::ExposureUnauthenticated,
                format!("/ingress/{component}"),
                Problem::new(
                    format!("{component} is exposed at `{host}` without authentication"),
                    "anyone who reaches the Ingress can use it; add `ingress.basic_auth` or `ingress.external_auth` \
                     (e.g. oauth2-proxy)",
                ),
            );
            open = true;
        }
        if let Some(port) = node_port {
            ctx.warning(
                Code::ExposureUnauthenticated,
                format!("/{component}/node_port"),
                Problem::new(
                    format!("{component} is exposed on port {port} of every node without authentication"),
                    "a NodePort bypasses the Ingress and its authentication; remove `node_port` and expose it \
                     through `[ingress]` with `basic_auth` or `external_auth`",
                ),
            );
            open = true;
        }
        open
    };
    let prometheus_open = open(
        "prometheus",
        ingress.and_then(|i| i.prometheus.as_ref()),
        site.prometheus.node_port,
    );
    open(
        "alertmanager",
        ingress.and_then(|i| i.alertmanager.as_ref()),
        site.alertmanager.node_port,
    );
    if !site.prometheus.admin_api {
        return;
    }
    if prometheus_open {
        ctx.warning(
            Code::ExposureUnauthenticatedAdminApi,
            "/prometheus/admin_api",
            Problem::new(
                "the Prometheus admin API is enabled and Prometheus is exposed without authentication",
                format!(
                    "anyone who reaches Prometheus from outside the cluster can delete series and fill its disk \
                     with snapshots; set `admin_api = false`, or put `ingress.basic_auth` or \
                     `ingress.external_auth` in front{}",
                    if site.prometheus.node_port.is_some() {
                        " and remove `prometheus.node_port`"
                    } else {
                        ""
                    }
                ),
            ),
        );
    } else {
        ctx.warning(
            Code::PrometheusAdminApi,
            "/prometheus/admin_api",
            Problem::new(
                "the Prometheus admin API is enabled",
                "anyone who can reach Prometheus can delete series and take snapshots; set `admin_api = false` unless you need that",
            ),
        );
    }
}

/// Warns when basic or external authentication guards a host served over plain HTTP: the password
/// (or the session cookie) would cross the network readable.
fn plaintext_credentials(ctx: &mut Ctx<'_>, ingress: &raw::Ingress) {
    let (key, what) = if ingress.basic_auth.is_some() {
        ("basic_auth", "passwords")
    } else if ingress.external_auth.is_some() {
        ("external_auth", "session cookies")
    } else {
        return;
    };
    let with_tls = |host: &String| ingress.tls_secret.is_some() || ingress.tls.iter().any(|t| t.hosts.contains(host));
    let plain: Vec<&str> = [&ingress.prometheus, &ingress.alertmanager]
        .into_iter()
        .flatten()
        .filter(|host| !with_tls(host))
        .map(String::as_str)
        .collect();
    if plain.is_empty() {
        return;
    }
    ctx.warning(
        Code::ExposurePlaintextCredentials,
        format!("/ingress/{key}"),
        Problem::new(
            format!(
                "`{key}` guards {} over plain HTTP: {what} cross the network readable",
                plain.join(" and ")
            ),
            "give those hosts a certificate: `ingress.tls_secret`, or an `[[ingress.tls]]` entry",
        ),
    );
}

/// A component's web TLS, with the Prometheus or Alertmanager release checked against the one
/// that added it (`version` is the site's target, when it parsed).
pub(crate) fn web_tls(
    ctx: &mut Ctx<'_>,
    component: &str,
    raw: Option<&raw::WebTls>,
    version: Option<Version>,
) -> Option<model::WebTls> {
    let raw = raw?;
    let pointer = format!("/{component}/web_tls");
    ctx.check(
        Code::NameInvalid,
        format!("{pointer}/secret"),
        values::dns_subdomain(&raw.secret),
    );
    let mut key = |name: &str, value: &Option<String>, default: &str| {
        let value = value.clone().unwrap_or_else(|| default.to_owned());
        ctx.secret_key(&format!("{pointer}/{name}"), &value);
        value
    };
    let tls = model::WebTls {
        secret: raw.secret.clone(),
        cert: key("cert", &raw.cert, "tls.crt"),
        key: key("key", &raw.key, "tls.key"),
        ca: key("ca", &raw.ca, "ca.crt"),
    };
    let (product, since, code) = if component == "prometheus" {
        ("Prometheus", PROMETHEUS_WEB_TLS, Code::PrometheusVersion)
    } else {
        ("Alertmanager", ALERTMANAGER_WEB_TLS, Code::AlertmanagerVersion)
    };
    if let Some(version) = version {
        let help = format!("set `{component}.version` to {since} or newer, or remove `web_tls`");
        if let Err(problem) = versions::introduced(product, "web_tls", since, version, help) {
            ctx.error_at_key(code, &pointer, problem);
        }
    }
    Some(tls)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::SiteSource;

    const BASE: &str = "[site]\nname = \"s\"\n\n[route]\nreceiver = \"r\"\n\n[[receivers]]\nname = \"r\"\nwebhook = [{ url = \"http://hook.example.com/\" }]\n\n";

    /// The codes and 1-based lines `part` (appended to a minimal site) reports.
    fn codes(part: &str) -> Vec<(&'static str, usize)> {
        let source = SiteSource::new("s.toml", format!("{BASE}{part}"));
        let diagnostics = match crate::pipeline::check(&source) {
            Ok(checked) => checked.warnings,
            Err(diagnostics) => diagnostics,
        };
        diagnostics
            .sorted()
            .into_iter()
            .map(|d| (d.code.id(), source.line_col(d.span.start).0 - BASE.lines().count()))
            .collect()
    }

    #[test]
    fn paths_are_absolute_prefixes_without_a_trailing_slash() {
        assert_eq!(path("/"), Ok(String::new()));
        assert_eq!(path("/prometheus/"), Ok("/prometheus".to_owned()));
        assert_eq!(path("/a/b-c_d.e"), Ok("/a/b-c_d.e".to_owned()));
        for bad in ["", "prometheus", "/a//b", "/a/../b", "/a b", "/ä", "/a?x=1"] {
            assert!(path(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn each_misconfiguration_is_reported_at_its_line() {
        let auth = "basic_auth = { secret = \"auth\" }\ntls_secret = \"tls\"\n";
        // A path for a component without a host.
        assert_eq!(
            codes(&format!(
                "[ingress]\nprometheus = \"p.example.com\"\n{auth}paths = {{ alertmanager = \"/am\" }}\n"
            )),
            [("ingress::not-exposed", 5)]
        );
        // A TLS host listed twice.
        assert_eq!(
            codes(&format!(
                "[ingress]\nprometheus = \"p.example.com\"\n{auth}tls = [{{ hosts = [\"p.example.com\"], secret = \"a\" }}, {{ hosts = [\"p.example.com\"], secret = \"b\" }}]\n"
            )),
            [("name::duplicate", 5)]
        );
        // A response header that is no header name.
        assert_eq!(
            codes(
                "[ingress]\nprometheus = \"p.example.com\"\nexternal_auth = { url = \"https://a.example.com/\", response_headers = [\"X User\"] }\ntls_secret = \"t\"\n"
            ),
            [("ingress::annotation", 3)]
        );
        // Basic auth without its Secret.
        assert_eq!(
            codes("[ingress]\nprometheus = \"p.example.com\"\nbasic_auth = { realm = \"x\" }\n"),
            [("schema::missing-key", 3)]
        );
        // An annotation key Kubernetes refuses.
        assert_eq!(
            codes(&format!(
                "[ingress]\nprometheus = \"p.example.com\"\n{auth}annotations = {{ \"a b\" = \"c\" }}\n"
            )),
            [("ingress::annotation", 5)]
        );
        // Web TLS: a bad key, and an Alertmanager release before web configuration files.
        assert_eq!(
            codes("[prometheus]\nweb_tls = { secret = \"t\", ca = \"ca crt\" }\n"),
            [("name::invalid", 2)]
        );
        assert_eq!(
            codes("[alertmanager]\nversion = \"v0.21.0\"\nweb_tls = { secret = \"t\" }\n"),
            [("alertmanager::version", 3)]
        );
    }

    #[test]
    fn exposure_warnings_follow_the_authentication_in_front() {
        let exposed =
            "[ingress]\nprometheus = \"p.example.com\"\nalertmanager = \"a.example.com\"\ntls_secret = \"t\"\n";
        assert_eq!(
            codes(exposed),
            [("exposure::unauthenticated", 2), ("exposure::unauthenticated", 3)]
        );
        for auth in [
            "basic_auth = { secret = \"auth\" }",
            "external_auth = { url = \"https://oauth2.example.com/oauth2/auth\" }",
            "annotations = { \"nginx.ingress.kubernetes.io/auth-tls-secret\" = \"monitoring/ca\" }",
        ] {
            assert_eq!(codes(&format!("{exposed}{auth}\n")), [], "{auth}");
        }
        // A client certificate that is only optional is no authentication.
        let optional = "annotations = { \"nginx.ingress.kubernetes.io/auth-tls-secret\" = \"monitoring/ca\", \
                        \"nginx.ingress.kubernetes.io/auth-tls-verify-client\" = \"optional\" }\n";
        assert_eq!(codes(&format!("{exposed}{optional}")).len(), 2);
        // A NodePort bypasses the Ingress's authentication; the admin API behind it is the stronger warning.
        let node_port = "[prometheus]\nnode_port = 30090\nadmin_api = true\n\n";
        assert_eq!(
            codes(&format!(
                "{node_port}[ingress]\nprometheus = \"p.example.com\"\nbasic_auth = {{ secret = \"auth\" }}\ntls_secret = \"t\"\n"
            )),
            [
                ("exposure::unauthenticated", 2),
                ("exposure::unauthenticated-admin-api", 3)
            ]
        );
        // Authentication over plain HTTP: only the hosts it guards count, and a per-host certificate is enough.
        let basic = "[ingress]\nprometheus = \"p.example.com\"\ngrafana = \"g.example.com\"\nbasic_auth = { secret = \"auth\" }\n";
        assert_eq!(codes(basic), [("exposure::plaintext-credentials", 4)]);
        assert_eq!(
            codes(&format!(
                "{basic}tls = [{{ hosts = [\"p.example.com\"], secret = \"p\" }}]\n"
            )),
            []
        );
        // A switched-off Grafana gets no Ingress and clashes with nothing.
        let shared = "[ingress]\nprometheus = \"m.example.com\"\ngrafana = \"m.example.com\"\nbasic_auth = { secret = \"auth\" }\ntls_secret = \"t\"\n";
        assert_eq!(codes(shared), [("ingress::path-clash", 3)]);
        assert_eq!(codes(&format!("[grafana]\nenabled = false\n\n{shared}")), []);
        // The admin API reachable only inside the cluster keeps the plain warning.
        assert_eq!(
            codes("[prometheus]\nadmin_api = true\n"),
            [("prometheus::admin-api", 2)]
        );
    }
}
