//! Emitting: `Bundle` → `Tree` (file path → bytes, pure) and writing a tree into `out/<site>/`
//! atomically. This and `diff/` are the only modules that touch the file system.

mod atomic;
pub mod layout;
mod yaml;

use std::collections::{BTreeMap, BTreeSet};

pub use atomic::{Step, WriteError, WriteReport, generated_files, relative_path, write, write_injecting};
use k8s_openapi::ByteString;
use k8s_openapi::api::core::v1::Secret;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::{Deserialize, Serialize};

use crate::render::{Bundle, MANAGED_BY, MANAGED_BY_LABEL, SITE_LABEL};

/// A compiled site's files: relative path (with `/`) → contents.
pub type Tree = BTreeMap<String, String>;

/// Below this many objects, threads cost more than they save. An L site's 515 objects take a
/// third of its compile to serialize (serde-saphyr scans every string to decide its quoting), and
/// on two cores it compiles 3 to 5 ms sooner, with the same peak memory.
const PARALLEL_FROM: usize = 200;

/// Serializes the bundle into files: one per object, `alertmanager.yml`, `kustomization.yaml`
/// and the marker.
pub fn tree(bundle: &Bundle) -> Result<Tree, serde_saphyr::ser::Error> {
    let mut files = Tree::new();
    // Serializing is a tenth of an L site's compile: a large bundle is serialized on every core.
    let objects: Vec<_> = bundle.objects.iter().collect();
    let threads = crate::parallel::threads_for(objects.len(), PARALLEL_FROM);
    let documents = crate::parallel::map_with(
        &objects,
        threads,
        || (),
        |(), (key, object)| yaml::document(&bundle.site, *object).map(|text| (layout::object_path(key), text)),
    );
    for document in documents {
        let (path, text) = document?;
        files.insert(path, text);
    }
    files.insert(
        layout::ALERTMANAGER_CONFIG.to_owned(),
        yaml::document(&bundle.site, &bundle.alertmanager_config)?,
    );
    let resources: Vec<String> = files
        .keys()
        .filter(|path| path.as_str() != layout::ALERTMANAGER_CONFIG)
        .cloned()
        .collect();
    for (name, text) in &bundle.alertmanager_templates {
        files.insert(layout::alertmanager_template(name), text.clone());
    }
    files.insert(
        layout::KUSTOMIZATION.to_owned(),
        yaml::document(&bundle.site, &kustomization(bundle, resources))?,
    );
    if !bundle.crd_urls.is_empty() || !bundle.crd_files.is_empty() {
        files.insert(
            layout::SETUP_KUSTOMIZATION.to_owned(),
            yaml::document(&bundle.site, &setup_kustomization(bundle))?,
        );
    }
    // Vendored CRDs are copied as they are: they are the user's files, not promsite's rendering.
    for (path, contents) in &bundle.crd_files {
        files.insert(format!("{}/{path}", layout::SETUP_CRDS_DIR), contents.clone());
    }
    let marker = Marker {
        site: bundle.site.clone(),
        versions: bundle
            .versions
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect(),
        required_secrets: bundle
            .external_secrets
            .iter()
            .map(|(namespace, name)| format!("{namespace}/{name}"))
            .collect(),
        files: files.keys().cloned().collect(),
    };
    files.insert(layout::MARKER.to_owned(), yaml::document(&bundle.site, &marker)?);
    Ok(files)
}

/// `.promsite.yaml`: what promsite generated here, so that it never deletes anything else.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Marker {
    /// Site name.
    pub site: String,
    /// Versions the output targets.
    pub versions: BTreeMap<String, String>,
    /// Secrets (`namespace/name`) that must exist in the cluster; promsite never writes their data.
    pub required_secrets: BTreeSet<String>,
    /// Files promsite wrote (the marker itself excluded).
    pub files: BTreeSet<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Kustomization {
    api_version: &'static str,
    kind: &'static str,
    resources: Vec<String>,
    secret_generator: Vec<SecretGenerator>,
}

/// `setup/kustomization.yaml`: the operator's CRDs, applied before the main kustomization.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SetupKustomization {
    api_version: &'static str,
    kind: &'static str,
    common_annotations: BTreeMap<&'static str, &'static str>,
    resources: Vec<String>,
}

/// The CRDs are too large for client-side apply's last-applied annotation (the `prometheuses` CRD
/// alone is far past 262,144 bytes), so Argo CD must apply them server-side, and in an earlier
/// sync wave than the resources that use them. Flux applies server-side already; its
/// Kustomization for the stack `dependsOn` the one for `setup/` (see docs/gitops.md).
fn setup_kustomization(bundle: &Bundle) -> SetupKustomization {
    SetupKustomization {
        api_version: "kustomize.config.k8s.io/v1beta1",
        kind: "Kustomization",
        common_annotations: BTreeMap::from([
            ("argocd.argoproj.io/sync-options", "ServerSideApply=true"),
            ("argocd.argoproj.io/sync-wave", "-1"),
        ]),
        resources: bundle
            .crd_urls
            .iter()
            .cloned()
            .chain(bundle.crd_files.iter().map(|(path, _)| format!("crds/{path}")))
            .collect(),
    }
}

#[derive(Serialize)]
struct SecretGenerator {
    name: String,
    namespace: String,
    files: Vec<String>,
    options: GeneratorOptions,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct GeneratorOptions {
    disable_name_suffix_hash: bool,
    labels: BTreeMap<&'static str, String>,
}

/// The kustomization: every object file, and the Alertmanager config Secret generated from
/// `alertmanager.yml`. The Secret keeps its plain name (no hash suffix) because the Alertmanager
/// resource refers to it in `configSecret`, a field kustomize does not rewrite; the operator
/// reloads Alertmanager when the Secret changes.
fn kustomization(bundle: &Bundle, resources: Vec<String>) -> Kustomization {
    Kustomization {
        api_version: "kustomize.config.k8s.io/v1beta1",
        kind: "Kustomization",
        resources,
        secret_generator: vec![SecretGenerator {
            name: bundle.alertmanager_secret.clone(),
            namespace: bundle.namespace.clone(),
            files: secret_files(bundle)
                .into_iter()
                .map(|(key, path)| format!("{key}={path}"))
                .collect(),
            options: GeneratorOptions {
                disable_name_suffix_hash: true,
                labels: secret_labels(bundle),
            },
        }],
    }
}

/// The Alertmanager config Secret's keys and the files they come from.
fn secret_files(bundle: &Bundle) -> Vec<(String, String)> {
    std::iter::once((
        crate::render::ALERTMANAGER_CONFIG_KEY.to_owned(),
        layout::ALERTMANAGER_CONFIG.to_owned(),
    ))
    .chain(
        bundle
            .alertmanager_templates
            .keys()
            .map(|name| (name.clone(), layout::alertmanager_template(name))),
    )
    .collect()
}

fn secret_labels(bundle: &Bundle) -> BTreeMap<&'static str, String> {
    BTreeMap::from([
        ("app.kubernetes.io/name", "alertmanager".to_owned()),
        (MANAGED_BY_LABEL, MANAGED_BY.to_owned()),
        (SITE_LABEL, bundle.site.clone()),
    ])
}

/// The Secret that kustomize's secretGenerator makes from `tree` (the output of [`tree`]): an
/// `Opaque` Secret with each file's bytes under its key, so that a live diff covers it too.
pub fn alertmanager_config_secret(bundle: &Bundle, tree: &Tree) -> Secret {
    let data = secret_files(bundle)
        .into_iter()
        .map(|(key, path)| {
            (
                key,
                ByteString(tree.get(&path).map(|text| text.as_bytes().to_vec()).unwrap_or_default()),
            )
        })
        .collect();
    Secret {
        metadata: ObjectMeta {
            name: Some(bundle.alertmanager_secret.clone()),
            namespace: Some(bundle.namespace.clone()),
            labels: Some(
                secret_labels(bundle)
                    .into_iter()
                    .map(|(k, v)| (k.to_owned(), v))
                    .collect(),
            ),
            ..ObjectMeta::default()
        },
        data: Some(data),
        type_: Some("Opaque".to_owned()),
        ..Secret::default()
    }
}
