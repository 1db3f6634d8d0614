//! Images: which ones the site needs, and where each is pulled from. `Site::image` is the one place
//! an image reference is made; every renderer asks it, so a mirror or override reaches them all.

use std::collections::BTreeMap;

use super::{OPERATOR_VERSION, Site};

/// An image promsite emits or causes to be pulled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Image {
    /// The Prometheus Operator.
    Operator,
    /// The config-reloader sidecar the operator injects (its `--prometheus-config-reloader` flag).
    ConfigReloader,
    /// Prometheus (`Prometheus.spec.image`).
    Prometheus,
    /// Alertmanager (`Alertmanager.spec.image`).
    Alertmanager,
    /// The Thanos sidecar (`Prometheus.spec.thanos.image`).
    Thanos,
    /// node-exporter.
    NodeExporter,
    /// kube-state-metrics.
    KubeStateMetrics,
    /// prometheus-adapter.
    Adapter,
    /// Grafana.
    Grafana,
    /// blackbox_exporter, the prober of `[[probe]]`.
    BlackboxExporter,
}

impl Image {
    /// Every image, in the order `promsite images` documents them.
    pub const ALL: &'static [Image] = &[
        Image::Operator,
        Image::ConfigReloader,
        Image::Prometheus,
        Image::Alertmanager,
        Image::Thanos,
        Image::NodeExporter,
        Image::KubeStateMetrics,
        Image::Adapter,
        Image::Grafana,
        Image::BlackboxExporter,
    ];

    /// The name that `[images.overrides]` keys it by: the last component of its repository.
    pub fn id(self) -> &'static str {
        let source = self.source();
        source.rsplit('/').next().unwrap_or(source)
    }

    /// The upstream repository, registry host included.
    pub fn source(self) -> &'static str {
        match self {
            Image::Operator => "quay.io/prometheus-operator/prometheus-operator",
            Image::ConfigReloader => "quay.io/prometheus-operator/prometheus-config-reloader",
            Image::Prometheus => "quay.io/prometheus/prometheus",
            Image::Alertmanager => "quay.io/prometheus/alertmanager",
            Image::Thanos => "quay.io/thanos/thanos",
            Image::NodeExporter => "quay.io/prometheus/node-exporter",
            Image::KubeStateMetrics => "registry.k8s.io/kube-state-metrics/kube-state-metrics",
            Image::Adapter => "registry.k8s.io/prometheus-adapter/prometheus-adapter",
            Image::Grafana => "docker.io/grafana/grafana",
            Image::BlackboxExporter => "quay.io/prometheus/blackbox-exporter",
        }
    }

    /// The image with this override key.
    pub fn from_id(id: &str) -> Option<Image> {
        Image::ALL.iter().copied().find(|i| i.id() == id)
    }
}

/// Where images come from.
#[derive(Debug, Clone, Default)]
pub struct Images {
    /// The registry mirror (host and optional path), if any.
    pub registry: Option<String>,
    /// Keep the source registry's host as the first path component under the mirror.
    pub keep_host: bool,
    /// `imagePullSecrets`, by name, sorted.
    pub pull_secrets: Vec<String>,
    /// Per-image overrides.
    pub overrides: BTreeMap<Image, ImageOverride>,
}

/// One image's checked overrides.
#[derive(Debug, Clone, Default)]
pub struct ImageOverride {
    /// Full repository, registry included.
    pub repository: Option<String>,
    /// Tag.
    pub tag: Option<String>,
    /// `sha256:` digest.
    pub digest: Option<String>,
}

impl Images {
    /// The reference of `image` at release `version`. The rule for the mirror: drop the source
    /// registry's host (or keep it, with `keep_host`) and keep the rest of the path below it.
    pub fn reference(&self, image: Image, version: &str) -> String {
        let fixed = self.overrides.get(&image);
        let repository = match (fixed.and_then(|o| o.repository.as_deref()), &self.registry) {
            (Some(repository), _) => repository.to_owned(),
            (None, Some(registry)) => {
                let source = image.source();
                let path = if self.keep_host {
                    source
                } else {
                    source.split_once('/').map_or(source, |(_, path)| path)
                };
                format!("{}/{path}", registry.trim_end_matches('/'))
            }
            (None, None) => image.source().to_owned(),
        };
        let tag = fixed.and_then(|o| o.tag.as_deref()).unwrap_or(version);
        match fixed.and_then(|o| o.digest.as_deref()) {
            Some(digest) => format!("{repository}:{tag}@{digest}"),
            None => format!("{repository}:{tag}"),
        }
    }
}

impl Site {
    /// The reference `image` is pulled by.
    pub fn image(&self, image: Image) -> String {
        self.images.reference(image, &self.image_version(image))
    }

    /// Where `image` is published upstream: the reference without the mirror and repository
    /// overrides, keeping an overridden tag and digest (what `skopeo copy` reads from).
    pub fn image_source(&self, image: Image) -> String {
        let upstream = Images {
            overrides: self
                .images
                .overrides
                .iter()
                .map(|(i, o)| {
                    let o = ImageOverride {
                        repository: None,
                        ..o.clone()
                    };
                    (*i, o)
                })
                .collect(),
            ..Images::default()
        };
        upstream.reference(image, &self.image_version(image))
    }

    /// Every image the site needs, with the reference it is pulled by, in `Image` order. The
    /// config reloader is only listed when promsite runs the operator (otherwise the cluster's
    /// operator chooses it).
    pub fn images(&self) -> Vec<(Image, String)> {
        Image::ALL
            .iter()
            .copied()
            .filter(|image| match image {
                Image::Operator | Image::ConfigReloader => self.operator.is_some(),
                Image::Prometheus | Image::Alertmanager => true,
                Image::Thanos => self.prometheus.thanos.is_some(),
                Image::NodeExporter => self.node_exporter.is_some(),
                Image::KubeStateMetrics => self.kube_state_metrics.is_some(),
                Image::Adapter => self.adapter.is_some(),
                Image::Grafana => self.grafana.is_some(),
                Image::BlackboxExporter => self.blackbox.is_some(),
            })
            .map(|image| (image, self.image(image)))
            .collect()
    }

    /// The release of `image` the site runs (its default when the component is off).
    fn image_version(&self, image: Image) -> String {
        let or = |version: Option<&String>, default: &str| version.map_or_else(|| default.to_owned(), Clone::clone);
        match image {
            Image::Operator | Image::ConfigReloader => OPERATOR_VERSION.to_owned(),
            Image::Prometheus => self.prometheus.version.clone(),
            Image::Alertmanager => self.alertmanager.version.clone(),
            Image::Thanos => or(
                self.prometheus.thanos.as_ref().map(|t| &t.version),
                super::scale::DEFAULT_THANOS_VERSION,
            ),
            Image::NodeExporter => or(
                self.node_exporter.as_ref().map(|n| &n.version),
                super::DEFAULT_NODE_EXPORTER_VERSION,
            ),
            Image::KubeStateMetrics => or(
                self.kube_state_metrics.as_ref().map(|k| &k.version),
                super::DEFAULT_KUBE_STATE_METRICS_VERSION,
            ),
            Image::Adapter => or(
                self.adapter.as_ref().map(|a| &a.version),
                super::DEFAULT_ADAPTER_VERSION,
            ),
            Image::Grafana => or(
                self.grafana.as_ref().map(|g| &g.version),
                super::DEFAULT_GRAFANA_VERSION,
            ),
            Image::BlackboxExporter => or(
                self.blackbox.as_ref().map(|b| &b.version),
                super::blackbox::DEFAULT_BLACKBOX_VERSION,
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn images(registry: Option<&str>, keep_host: bool) -> Images {
        Images {
            registry: registry.map(str::to_owned),
            keep_host,
            ..Images::default()
        }
    }

    #[test]
    fn the_mirror_drops_or_keeps_the_source_host() {
        assert_eq!(
            images(None, false).reference(Image::Prometheus, "v3.5.0"),
            "quay.io/prometheus/prometheus:v3.5.0"
        );
        assert_eq!(
            images(Some("harbor.corp.local/monitoring"), false).reference(Image::Prometheus, "v3.5.0"),
            "harbor.corp.local/monitoring/prometheus/prometheus:v3.5.0"
        );
        assert_eq!(
            images(Some("mirror:5000"), true).reference(Image::KubeStateMetrics, "v2.16.0"),
            "mirror:5000/registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.16.0"
        );
    }

    #[test]
    fn overrides_replace_repository_tag_and_add_a_digest() {
        let digest = format!("sha256:{}", "a".repeat(64));
        let mut images = images(Some("mirror.local"), false);
        images.overrides.insert(
            Image::Grafana,
            ImageOverride {
                repository: Some("other.local/grafana".to_owned()),
                tag: Some("12.1.0-ubuntu".to_owned()),
                digest: Some(digest.clone()),
            },
        );
        assert_eq!(
            images.reference(Image::Grafana, "12.1.0"),
            format!("other.local/grafana:12.1.0-ubuntu@{digest}")
        );
        assert_eq!(
            images.reference(Image::Adapter, "v0.12.0"),
            "mirror.local/prometheus-adapter/prometheus-adapter:v0.12.0"
        );
    }

    #[test]
    fn ids_are_unique_and_found_again() {
        for image in Image::ALL {
            assert_eq!(Image::from_id(image.id()), Some(*image));
        }
    }
}
