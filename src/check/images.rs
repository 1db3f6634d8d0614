//! `[images]`: the registry mirror, pull secrets and per-image overrides, checked for the forms
//! container runtimes accept (the grammar of `distribution/reference`).

use std::sync::OnceLock;

use regex::Regex;

use super::Ctx;
use super::syntax::values::{self, Checked, Problem};
use crate::diag::Code;
use crate::model::{self, Image};
use crate::site::raw;

pub(crate) fn images(ctx: &mut Ctx<'_>, raw: &raw::Images) -> model::Images {
    let registry = raw
        .registry
        .as_ref()
        .and_then(|r| ctx.check(Code::ValueImage, "/images/registry", registry_path(r, "registry")));
    for (i, secret) in raw.pull_secrets.iter().enumerate() {
        ctx.check(
            Code::NameInvalid,
            format!("/images/pull_secrets/{i}"),
            values::dns_subdomain(secret),
        );
    }
    ctx.unique(
        "pull secret",
        raw.pull_secrets
            .iter()
            .enumerate()
            .map(|(i, s)| (format!("/images/pull_secrets/{i}"), s.as_str())),
    );
    let mut overrides = std::collections::BTreeMap::new();
    for (id, fixed) in raw.overrides.entries() {
        let pointer = format!("/images/overrides/{id}");
        // The raw type has a field for each image; a name without its `Image` is a promsite bug.
        let Some(image) = Image::from_id(id) else {
            debug_assert!(false, "no image `{id}`");
            continue;
        };
        let repository = fixed.repository.as_ref().and_then(|r| {
            ctx.check(
                Code::ValueImage,
                format!("{pointer}/repository"),
                registry_path(r, "repository"),
            )
        });
        let tag = fixed
            .tag
            .as_ref()
            .and_then(|t| ctx.check(Code::ValueImage, format!("{pointer}/tag"), tag(t)));
        let digest = fixed
            .digest
            .as_ref()
            .and_then(|d| ctx.check(Code::ValueImage, format!("{pointer}/digest"), digest(d)));
        overrides.insert(
            image,
            model::ImageOverride {
                repository,
                tag,
                digest,
            },
        );
    }
    let mut pull_secrets = raw.pull_secrets.clone();
    pull_secrets.sort();
    pull_secrets.dedup();
    model::Images {
        registry,
        keep_host: raw.keep_host.unwrap_or(false),
        pull_secrets,
        overrides,
    }
}

fn regex(cell: &'static OnceLock<Regex>, pattern: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pattern).expect("a valid pattern"))
}

/// A registry host (with optional port) and path, as in `harbor.corp.local/monitoring`: what a
/// mirror or a full repository is. The host must look like one (a dot, a port or `localhost`);
/// runtimes read a bare first name as a Docker Hub namespace instead.
fn registry_path(text: &str, what: &str) -> Checked<String> {
    static HOST: OnceLock<Regex> = OnceLock::new();
    static PATH: OnceLock<Regex> = OnceLock::new();
    let host_re = regex(
        &HOST,
        r"^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]{1,5})?$",
    );
    let path_re = regex(&PATH, r"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$");
    let example = if what == "registry" {
        "`harbor.corp.local/monitoring` or `mirror.local:5000`"
    } else {
        "`harbor.corp.local/3rdparty/grafana`"
    };
    let problem = |why: &str| {
        Problem::new(
            format!("`{text}` is not an image {what}: {why}"),
            format!(
                "write a registry host (with a dot or a port) and a lower-case path, without scheme or tag, e.g. {example}"
            ),
        )
    };
    if text.contains("://") {
        return Err(problem("it has a scheme"));
    }
    let mut parts = text.split('/');
    let host = parts.next().unwrap_or_default();
    if !host_re.is_match(host) {
        return Err(problem(&format!("`{host}` is not a registry host")));
    }
    if !(host.contains('.') || host.contains(':') || host == "localhost") {
        return Err(problem(&format!(
            "`{host}` has no dot or port, so it would be read as a Docker Hub namespace"
        )));
    }
    let path: Vec<&str> = parts.collect();
    if what == "repository" && path.is_empty() {
        return Err(problem("it names no repository below the host"));
    }
    if let Some(bad) = path.iter().find(|p| !path_re.is_match(p)) {
        return Err(problem(&format!(
            "`{bad}` is not a path component (lower-case letters, digits, `.`, `_`, `-`)"
        )));
    }
    Ok(text.to_owned())
}

/// An image tag: a word character, then up to 127 of word characters, `.` and `-`.
fn tag(text: &str) -> Checked<String> {
    static TAG: OnceLock<Regex> = OnceLock::new();
    if regex(&TAG, r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$").is_match(text) {
        Ok(text.to_owned())
    } else {
        Err(Problem::new(
            format!("`{text}` is not an image tag"),
            "a tag is letters, digits, `_`, `.` and `-` (not first), at most 128 characters, e.g. `v3.5.0`",
        ))
    }
}

/// A content digest: `sha256:` and 64 lower-case hex digits.
fn digest(text: &str) -> Checked<String> {
    static DIGEST: OnceLock<Regex> = OnceLock::new();
    if regex(&DIGEST, r"^sha256:[a-f0-9]{64}$").is_match(text) {
        Ok(text.to_owned())
    } else {
        Err(Problem::new(
            format!("`{text}` is not a sha256 digest"),
            "write `sha256:` and the 64 lower-case hex digits, as `skopeo inspect` or `crane digest` print them",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registries_need_a_host_and_a_clean_path() {
        for ok in [
            "harbor.corp.local",
            "harbor.corp.local/monitoring",
            "mirror:5000",
            "localhost/x",
            "10.0.0.5:5000/a/b",
        ] {
            assert!(registry_path(ok, "registry").is_ok(), "{ok}");
        }
        for bad in [
            "https://harbor.local",
            "harbor",
            "harbor.local/Mon",
            "harbor.local/",
            "-a.local",
            "a.local/x:v1",
        ] {
            assert!(registry_path(bad, "registry").is_err(), "{bad}");
        }
        assert!(registry_path("harbor.local", "repository").is_err());
    }

    #[test]
    fn every_image_can_be_overridden_by_its_name() {
        let all: serde_json::Map<String, serde_json::Value> = Image::ALL
            .iter()
            .map(|i| (i.id().to_owned(), serde_json::json!({ "tag": "x" })))
            .collect();
        let overrides: raw::ImageOverrides = serde_json::from_value(all.into()).expect("a key per image");
        let names: Vec<&str> = overrides.entries().into_iter().map(|(name, _)| name).collect();
        assert_eq!(names, Image::ALL.iter().map(|i| i.id()).collect::<Vec<_>>());
    }

    #[test]
    fn tags_and_digests_have_their_forms() {
        assert!(tag("v3.5.0-distroless").is_ok());
        assert!(tag(".v1").is_err());
        assert!(tag(&"a".repeat(129)).is_err());
        assert!(digest(&format!("sha256:{}", "0f".repeat(32))).is_ok());
        assert!(digest(&format!("sha256:{}", "0F".repeat(32))).is_err());
        assert!(digest(&format!("sha256:{}", "0".repeat(63))).is_err());
        assert!(digest(&format!("sha512:{}", "0".repeat(64))).is_err());
    }
}
