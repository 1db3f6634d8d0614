//! The HTTP client settings of Prometheus and Alertmanager (scrapes, probes, remote write,
//! receivers): credentials only by Secret reference, and consistent TLS.

use super::Ctx;
use super::syntax::values::{self, Problem};
use crate::diag::Code;
use crate::model::ClientAuth;
use crate::model::receiver::{Authorization, TlsConfig};
use crate::site::raw;

/// The `authorization` and `tls_config` of an outgoing connection, from Prometheus or Alertmanager
/// (`code` tells which): Secret references, no `Basic` authorization (the help points at
/// `basic_auth`, written as the caller's format spells it), and a client certificate only with its key.
pub(crate) fn authorization_and_tls(
    ctx: &mut Ctx<'_>,
    code: Code,
    at: &str,
    authorization: Option<&Authorization>,
    tls: Option<&TlsConfig>,
    basic_auth: &str,
) {
    if let Some(authorization) = authorization {
        ctx.secret_ref(&format!("{at}/authorization/credentials"), &authorization.credentials);
        if authorization
            .kind
            .as_deref()
            .is_some_and(|k| k.eq_ignore_ascii_case("basic"))
        {
            ctx.error(
                code,
                format!("{at}/authorization/type"),
                Problem::new(
                    "`authorization` cannot be of type `Basic`",
                    format!("use `{basic_auth}` instead"),
                ),
            );
        }
    }
    if let Some(tls) = tls {
        for (key, secret) in [("ca", &tls.ca), ("cert", &tls.cert), ("key", &tls.key)] {
            if let Some(secret) = secret {
                ctx.secret_ref(&format!("{at}/tls_config/{key}"), secret);
            }
        }
        if tls.cert.is_some() != tls.key.is_some() {
            ctx.error_at_key(
                code,
                format!("{at}/tls_config"),
                Problem::new(
                    "a client certificate needs both `cert` and `key`",
                    "give both `cert` and `key`, or neither",
                ),
            );
        }
    }
}

/// Credentials and TLS of an outgoing connection from Prometheus.
pub(crate) fn client_auth(
    ctx: &mut Ctx<'_>,
    at: &str,
    basic: Option<&raw::SecretBasicAuth>,
    authorization: Option<&Authorization>,
    tls: Option<&TlsConfig>,
) -> ClientAuth {
    if basic.is_some() && authorization.is_some() {
        ctx.error_at_key(
            Code::HttpClient,
            format!("{at}/authorization"),
            Problem::new(
                "`basic_auth` and `authorization` cannot both be set",
                "keep one of `basic_auth` and `authorization`",
            ),
        );
    }
    if let Some(basic) = basic {
        ctx.check(
            Code::NameInvalid,
            format!("{at}/basic_auth/secret"),
            values::dns_subdomain(&basic.secret),
        );
        ctx.secret_key(&format!("{at}/basic_auth/username_key"), &basic.username_key);
        ctx.secret_key(&format!("{at}/basic_auth/password_key"), &basic.password_key);
    }
    authorization_and_tls(
        ctx,
        Code::HttpClient,
        at,
        authorization,
        tls,
        "basic_auth = { secret = \"...\", username_key = \"...\", password_key = \"...\" }",
    );
    ClientAuth {
        basic_auth: basic.map(|b| (b.secret.clone(), b.username_key.clone(), b.password_key.clone())),
        authorization: authorization.cloned(),
        tls_config: tls.cloned(),
    }
}
