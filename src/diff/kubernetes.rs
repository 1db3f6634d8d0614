//! Live objects from a Kubernetes API server through kube-rs: kubeconfig contexts, exec credential
//! plugins and in-cluster configuration as `kubectl` resolves them. The client is async; a
//! current-thread tokio runtime, made here and only for the diff command, drives it.

use std::path::PathBuf;
use std::time::Duration;

use kube::api::{Api, DynamicObject, ListParams, Patch, PatchParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::core::ApiResource;
use serde_json::Value;

use super::cluster::{DryRun, LiveError, LiveSource};
use super::resources::Resource;

/// The field manager promsite applies as.
pub const FIELD_MANAGER: &str = "promsite";

/// Fail fast on a dead address instead of the client's longer default.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Which cluster to talk to.
#[derive(Debug, Clone, Default)]
pub struct ClusterOptions {
    /// A kubeconfig context other than the current one.
    pub context: Option<String>,
    /// A kubeconfig file instead of `$KUBECONFIG` / `~/.kube/config`.
    pub kubeconfig: Option<PathBuf>,
}

/// A connection to one API server.
pub struct KubeSource {
    runtime: tokio::runtime::Runtime,
    client: kube::Client,
    url: String,
}

impl KubeSource {
    /// Resolves the configuration (kubeconfig file and context, else in-cluster) and builds a
    /// client; no request is sent yet.
    pub fn connect(options: &ClusterOptions) -> Result<Self, LiveError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| LiveError::Config(format!("cannot start the Kubernetes client: {e}")))?;
        let kube_options = KubeConfigOptions {
            context: options.context.clone(),
            ..KubeConfigOptions::default()
        };
        let mut config = runtime.block_on(async {
            match (&options.kubeconfig, &options.context) {
                (Some(path), _) => {
                    let file = Kubeconfig::read_from(path).map_err(|e| {
                        LiveError::Config(format!("cannot use kubeconfig {}: {}", path.display(), chain(&e)))
                    })?;
                    kube::Config::from_custom_kubeconfig(file, &kube_options)
                        .await
                        .map_err(|e| kubeconfig_error(&e, options))
                }
                (None, Some(_)) => kube::Config::from_kubeconfig(&kube_options)
                    .await
                    .map_err(|e| kubeconfig_error(&e, options)),
                (None, None) => kube::Config::infer().await.map_err(|e| {
                    LiveError::Config(format!(
                        "no Kubernetes configuration found (kubeconfig or in-cluster): {}",
                        chain(&e)
                    ))
                }),
            }
        })?;
        config.connect_timeout = Some(CONNECT_TIMEOUT);
        let url = config.cluster_url.to_string();
        let client = {
            // Building the client's connector needs the runtime's context.
            let _entered = runtime.enter();
            kube::Client::try_from(config)
                .map_err(|e| LiveError::Config(format!("cannot build a client for {url}: {}", chain(&e))))?
        };
        Ok(Self { runtime, client, url })
    }

    /// The API server's URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    fn api(&self, resource: &Resource, namespace: Option<&str>) -> Api<DynamicObject> {
        let api_resource = ApiResource {
            group: resource.group.to_owned(),
            version: resource.version.to_owned(),
            api_version: resource.api_version(),
            kind: resource.kind.to_owned(),
            plural: resource.plural.to_owned(),
        };
        match namespace {
            Some(namespace) => Api::namespaced_with(self.client.clone(), namespace, &api_resource),
            None => Api::all_with(self.client.clone(), &api_resource),
        }
    }

    /// Turns a client error into one that says what to check.
    fn error(&self, error: kube::Error, verb: &'static str, resource: &Resource, namespace: Option<&str>) -> LiveError {
        let scope = LiveError::scope(resource, namespace);
        match error {
            kube::Error::Api(status) if status.code == 403 => LiveError::Forbidden {
                verb,
                resource: resource.qualified(),
                scope,
                message: status.message,
            },
            kube::Error::Api(status) if status.code == 401 => LiveError::Config(format!(
                "the API server at {} did not accept the credentials (401 Unauthorized): {}",
                self.url, status.message
            )),
            kube::Error::Api(status) => LiveError::Api {
                verb,
                resource: resource.qualified(),
                scope,
                code: status.code,
                message: status.message,
            },
            kube::Error::Auth(e) => {
                LiveError::Config(format!("cannot get credentials for {}: {}", self.url, chain(&e)))
            }
            other => LiveError::Unreachable {
                url: self.url.clone(),
                reason: chain(&other),
            },
        }
    }
}

/// Whether a 404 says the resource type is not served, rather than that one object is absent:
/// an absent object's Status names it in `details.name`.
fn type_not_served(status: &kube::core::Status) -> bool {
    status.code == 404 && status.details.as_ref().is_none_or(|details| details.name.is_empty())
}

impl LiveSource for KubeSource {
    fn get(&mut self, resource: &Resource, namespace: Option<&str>, name: &str) -> Result<Option<Value>, LiveError> {
        let api = self.api(resource, namespace);
        match self.runtime.block_on(api.get(name)) {
            Ok(object) => to_value(object).map(Some),
            Err(kube::Error::Api(status)) if type_not_served(&status) => Err(LiveError::NotServed {
                resource: resource.qualified(),
            }),
            Err(kube::Error::Api(status)) if status.code == 404 => Ok(None),
            Err(e) => Err(self.error(e, "get", resource, namespace)),
        }
    }

    fn dry_run_apply(
        &mut self,
        resource: &Resource,
        namespace: Option<&str>,
        name: &str,
        object: &Value,
    ) -> Result<DryRun, LiveError> {
        let api = self.api(resource, namespace);
        let params = PatchParams::apply(FIELD_MANAGER).force().dry_run();
        match self.runtime.block_on(api.patch(name, &params, &Patch::Apply(object))) {
            Ok(applied) => to_value(applied).map(DryRun::Applied),
            // Servers without server-side apply or dry run (or a proxy in front) refuse the method or
            // the media type; the caller then compares only promsite's fields.
            Err(kube::Error::Api(status)) if matches!(status.code, 405 | 415) => Ok(DryRun::Refused(
                format!("{} {}", status.code, status.message).trim().to_owned(),
            )),
            Err(e) => Err(self.error(e, "patch", resource, namespace)),
        }
    }

    fn list(&mut self, resource: &Resource, selector: &str) -> Result<Vec<Value>, LiveError> {
        let api = self.api(resource, None);
        match self.runtime.block_on(api.list(&ListParams::default().labels(selector))) {
            Ok(list) => list
                .items
                .into_iter()
                .map(|item| {
                    // List items carry no apiVersion and kind; put them back so they read like `kubectl get`.
                    let mut value = to_value(item)?;
                    if let Some(map) = value.as_object_mut() {
                        map.insert("apiVersion".to_owned(), Value::String(resource.api_version()));
                        map.insert("kind".to_owned(), Value::String(resource.kind.to_owned()));
                    }
                    Ok(value)
                })
                .collect(),
            Err(kube::Error::Api(status)) if status.code == 404 => Err(LiveError::NotServed {
                resource: resource.qualified(),
            }),
            Err(e) => Err(self.error(e, "list", resource, None)),
        }
    }
}

fn to_value(object: DynamicObject) -> Result<Value, LiveError> {
    serde_json::to_value(object).map_err(|e| LiveError::Internal(format!("cannot read a live object: {e}")))
}

fn kubeconfig_error(error: &kube::config::KubeconfigError, options: &ClusterOptions) -> LiveError {
    let file = options.kubeconfig.as_ref().map_or_else(
        || "the kubeconfig".to_owned(),
        |path| format!("kubeconfig {}", path.display()),
    );
    let context = options
        .context
        .as_ref()
        .map(|c| format!(" (context `{c}`)"))
        .unwrap_or_default();
    LiveError::Config(format!("cannot use {file}{context}: {}", chain(error)))
}

/// An error and its causes on one line.
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}
