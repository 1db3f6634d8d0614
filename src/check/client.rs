//! The HTTP client settings of Prometheus and Alertmanager (scrapes, probes, remote write,
//! receivers): credentials only by Secret reference, one way to authenticate, consistent TLS, and a
//! warning where the server is not verified.

use super::Ctx;
use super::syntax::values::{self, Problem};
use crate::diag::Code;
use crate::model::receiver::{Authorization, TlsConfig};
use crate::model::{ClientAuth, OAuth2};
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
        if tls.insecure_skip_verify == Some(true) {
            ctx.warning(
                Code::HttpInsecureSkipVerify,
                format!("{at}/tls_config/insecure_skip_verify"),
                Problem::new(
                    "the server's certificate is not verified (`insecure_skip_verify = true`)",
                    "anyone on the path can impersonate the server and read the credentials sent to it: give the CA that signed its certificate in `ca` (and `server_name` if the address is not in the certificate) instead",
                ),
            );
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

/// Credentials and TLS of an outgoing connection from Prometheus: at most one way to authenticate.
pub(crate) fn client_auth(
    ctx: &mut Ctx<'_>,
    at: &str,
    basic: Option<&raw::SecretBasicAuth>,
    authorization: Option<&Authorization>,
    oauth2: Option<&OAuth2>,
    tls: Option<&TlsConfig>,
) -> ClientAuth {
    let set: Vec<&str> = [
        basic.map(|_| "basic_auth"),
        authorization.map(|_| "authorization"),
        oauth2.map(|_| "oauth2"),
    ]
    .into_iter()
    .flatten()
    .collect();
    if let [first, .., last] = set[..] {
        ctx.error_at_key(
            Code::HttpClient,
            format!("{at}/{last}"),
            Problem::new(
                format!("`{first}` and `{last}` cannot both be set"),
                format!("keep one of {}", or_list(&set)),
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
    if let Some(oauth2) = oauth2 {
        ctx.secret_ref(&format!("{at}/oauth2/client_id"), &oauth2.client_id);
        ctx.secret_ref(&format!("{at}/oauth2/client_secret"), &oauth2.client_secret);
        ctx.check(
            Code::ValueUrl,
            format!("{at}/oauth2/token_url"),
            values::http_url(&oauth2.token_url),
        );
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
        oauth2: oauth2.cloned(),
        tls_config: tls.cloned(),
    }
}

/// `a` and `b`, or `a`, `b` and `c`: the keys as a list in prose.
fn or_list(keys: &[&str]) -> String {
    let quoted: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => quoted.concat(),
    }
}
