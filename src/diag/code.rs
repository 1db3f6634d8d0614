//! The registry of diagnostic codes. Each code is stable: it names a pattern, never a fix, and is
//! never reused for another meaning. docs/diagnostics.md lists every code (a test keeps it honest).

/// Every diagnostic promsite can report about a site file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    /// The file is not valid TOML. Fix the syntax at the marked position.
    TomlSyntax,
    /// A key that the site format does not define, usually a typo (`retension`).
    SchemaUnknownKey,
    /// A value of the wrong TOML type, e.g. a string where a number belongs.
    SchemaWrongType,
    /// A required key is absent.
    SchemaMissingKey,
    /// A value outside what the format allows (an unknown enum value, a number out of range, an empty list).
    SchemaInvalidValue,
    /// A password, token or credential-bearing URL written into the site file. Reference a Secret instead.
    SecretPlaintext,
    /// A name that Kubernetes would reject (DNS-1123), or that would write outside `out/`.
    NameInvalid,
    /// Two things of one kind share a name.
    NameDuplicate,
    /// A node name that no `[[nodes]]` entry declares.
    RefUnknownNode,
    /// A route names a receiver that no `[[receivers]]` entry declares.
    RefUnknownReceiver,
    /// A route names a time interval that no `[[time_intervals]]` entry declares.
    RefUnknownTimeInterval,
    /// A file the site names (a template, a rule file) is missing or unreadable, or a rule-file
    /// pattern matches nothing.
    RefMissingFile,
    /// `[default_rules] disabled_groups` names a default rule group that promsite does not have.
    RefUnknownRuleGroup,
    /// `[grafana] disabled_dashboards` names a default dashboard that promsite does not have.
    RefUnknownDashboard,
    /// Not a Prometheus duration such as `30s`, `5m` or `15d`.
    ValueDuration,
    /// Not a Kubernetes quantity such as `10Gi`, `500m` or `2`.
    ValueQuantity,
    /// Not a valid e-mail address.
    ValueEmail,
    /// Not a valid URL, or not an http(s) URL.
    ValueUrl,
    /// Not an IP address.
    ValueAddress,
    /// Not an absolute path, or not a path a metrics endpoint can have.
    ValuePath,
    /// Not a taint of the form `key[=value]:Effect`.
    ValueTaint,
    /// Not a valid Prometheus label name (`[a-zA-Z_][a-zA-Z0-9_]*`, no leading `__`).
    ValueLabelName,
    /// Not a valid Kubernetes label key or value.
    ValueK8sLabel,
    /// A resource name that promsite cannot map to an API group.
    ValueApiResource,
    /// Not a valid `host:port`.
    ValueHostPort,
    /// Not an Alertmanager release tag such as `v0.33.1`.
    ValueVersion,
    /// A receiver integration Alertmanager rejects: two keys that exclude each other, neither of
    /// two required alternatives, or a value outside the integration's fixed set.
    AlertReceiver,
    /// A setting that needs a newer Alertmanager than `alertmanager.version`; the message names
    /// the release that introduced it. Raise the version or drop the setting.
    AlertmanagerVersion,
    /// The PromQL expression does not parse.
    PromqlSyntax,
    /// An alert or record name that Prometheus rejects.
    RuleName,
    /// A rule that is neither an alerting nor a recording rule, or is both, or uses alert-only fields.
    RuleKind,
    /// An included rule file that is not a Prometheus rule file (YAML syntax, unknown keys, wrong
    /// types), or that has a group without a name.
    RuleFile,
    /// A rule file with more than one YAML document (warning): Prometheus reads the first only.
    RuleIgnoredDocument,
    /// A rule or group field that needs a newer Prometheus than `prometheus.version`; the message
    /// names the release that introduced it.
    PrometheusVersion,
    /// Not an Alertmanager matcher such as `severity="critical"` or `team=~"db|web"`.
    AlertMatcher,
    /// A matcher regex with a loose Unicode class name (`\p{Letter}`) that Alertmanager 0.33 reads
    /// and releases built with Go before 1.25 refuse (warning).
    AlertMatcherClassName,
    /// A Go template in a label or annotation that does not parse.
    AlertTemplate,
    /// A route tree that Alertmanager rejects (e.g. matchers on the root route).
    AlertRoute,
    /// A time interval Alertmanager rejects: a time of day, weekday, day, month or year range that
    /// does not parse or runs backwards, or a malformed time zone name.
    AlertTimeInterval,
    /// A receiver that no route sends to (warning): its integrations would never be used.
    AlertUnusedReceiver,
    /// More replicas than nodes they may run on; the extra pods would never schedule.
    PlacementReplicas,
    /// Storage declared without nodes to hold it.
    PlacementStorage,
    /// `[etcd]` is set but no node has role `etcd`.
    EtcdNoNodes,
    /// Two generated objects would land in the same file.
    NameCollision,
    /// The Prometheus admin API is enabled (warning): anyone who reaches Prometheus can delete data.
    PrometheusAdminApi,
    /// Two components want the same port (NodePorts, or host ports on a shared node).
    PortClash,
    /// A pinned workload with one replica: losing its node stops it (warning).
    PlacementSingleNode,
    /// A prometheus-adapter template with an unknown or malformed `<<.Placeholder>>`.
    AdapterTemplate,
    /// Not a valid regular expression.
    ValueRegex,
    /// The site file is larger than promsite reads (`site::MAX_SITE_BYTES`).
    SiteTooLarge,
    /// A Grafana dashboard file that is not a JSON object, shares its uid with another, or is too
    /// large for a ConfigMap.
    GrafanaDashboard,
    /// A federation `match[]` entry that is not a PromQL series selector such as `{job="node"}`.
    FederateSelector,
    /// HTTP client settings Prometheus rejects for a scrape or remote-write endpoint: more than one
    /// of `basic_auth`, `authorization` and `oauth2`, a client certificate without its key, an
    /// `Authorization` of type `Basic`, or a header Prometheus reserves.
    HttpClient,
    /// A relabeling step Prometheus rejects: `replace` without `target_label`, or `labeldrop` /
    /// `labelkeep` with source or target labels, or a label name outside the classic set.
    ValueRelabel,
    /// An alerting rule whose labels no child route of the root matches (warning): its alerts only
    /// ever reach the root's default receiver. Only the rule's own labels and `alertname` count, and
    /// `severity` matchers do not (lower severities go to the default receiver on purpose).
    AlertUnroutedRule,
    /// A route matches a `severity` that no alerting rule sets (warning): the route never fires.
    AlertSeverityNeverSet,
    /// An alerting rule's `severity` that no `severity` matcher of the routing tree accepts
    /// (warning), usually a typo such as `critcal`.
    AlertSeverityUnmatched,
    /// Prometheus or Alertmanager reachable from outside the cluster without authentication
    /// (warning): an Ingress host without `basic_auth` or `external_auth`, or a NodePort.
    ExposureUnauthenticated,
    /// The Prometheus admin API enabled while Prometheus is exposed without authentication
    /// (warning, stronger than `prometheus::admin-api`): anyone outside can delete data.
    ExposureUnauthenticatedAdminApi,
    /// Ingress authentication on a host without TLS (warning): passwords or session cookies
    /// cross the network readable.
    ExposurePlaintextCredentials,
    /// A TLS host or path in `[ingress]` for a host or component that no Ingress exposes.
    IngressNotExposed,
    /// Two components exposed at the same host and path.
    IngressPathClash,
    /// An Ingress annotation promsite cannot write: not a valid key, one promsite derives from a
    /// typed key, or a response header that is not an HTTP header name.
    IngressAnnotation,
    /// TLS without verifying the server's certificate (`insecure_skip_verify = true`, warning).
    HttpInsecureSkipVerify,
    /// Not a size in Prometheus' units such as `80GB` (`retention_size`).
    ValueByteSize,
    /// Storage with both a local `path` and a `storage_class`, or with neither.
    StorageForm,
    /// `retention_size` as large as the volume or larger: the volume fills before Prometheus deletes.
    StorageRetentionSize,
    /// `retention_size` above 90% of the volume (warning): compaction needs room.
    StorageRetentionHeadroom,
    /// A volume size differs from the previous output (warning): existing claims keep their size.
    StorageSizeChanged,
    /// Requests and limits Kubernetes refuses: a negative amount, a request above its limit, or a
    /// resource given both by a shorthand and in `requests`/`limits`.
    ResourcesInvalid,
    /// The requests of what promsite pins to a node exceed the node's declared capacity.
    PlacementCapacity,
    /// Not an image registry, repository, tag or `sha256:` digest a container runtime accepts.
    ValueImage,
    /// A vendored CRD file that is not the Prometheus Operator's CRD of the pinned release: not a
    /// CustomResourceDefinition, another API group, or another operator version.
    CrdVendored,
    /// The site emits a custom resource whose CRD is not among the vendored CRD files.
    CrdMissingKind,
    /// An emitted custom resource that the vendored CRD's OpenAPI schema refuses, e.g. a field the
    /// cluster's operator release does not know.
    CrdSchema,
    /// A `[[probe]]` without a `prober` names a module promsite's blackbox_exporter does not have,
    /// or `[blackbox_exporter]` is switched off.
    ProbeModule,
}

impl Code {
    /// All codes, in registry order.
    pub const ALL: &'static [Code] = &[
        Code::TomlSyntax,
        Code::SchemaUnknownKey,
        Code::SchemaWrongType,
        Code::SchemaMissingKey,
        Code::SchemaInvalidValue,
        Code::SecretPlaintext,
        Code::NameInvalid,
        Code::NameDuplicate,
        Code::RefUnknownNode,
        Code::RefUnknownReceiver,
        Code::RefUnknownTimeInterval,
        Code::RefMissingFile,
        Code::RefUnknownRuleGroup,
        Code::RefUnknownDashboard,
        Code::ValueDuration,
        Code::ValueQuantity,
        Code::ValueEmail,
        Code::ValueUrl,
        Code::ValueAddress,
        Code::ValuePath,
        Code::ValueTaint,
        Code::ValueLabelName,
        Code::ValueK8sLabel,
        Code::ValueApiResource,
        Code::ValueHostPort,
        Code::ValueVersion,
        Code::AlertReceiver,
        Code::AlertmanagerVersion,
        Code::PromqlSyntax,
        Code::RuleName,
        Code::RuleKind,
        Code::RuleFile,
        Code::RuleIgnoredDocument,
        Code::PrometheusVersion,
        Code::AlertMatcher,
        Code::AlertMatcherClassName,
        Code::AlertTemplate,
        Code::AlertRoute,
        Code::AlertTimeInterval,
        Code::AlertUnusedReceiver,
        Code::PlacementReplicas,
        Code::PlacementStorage,
        Code::EtcdNoNodes,
        Code::NameCollision,
        Code::PrometheusAdminApi,
        Code::PortClash,
        Code::PlacementSingleNode,
        Code::AdapterTemplate,
        Code::ValueRegex,
        Code::SiteTooLarge,
        Code::GrafanaDashboard,
        Code::FederateSelector,
        Code::HttpClient,
        Code::ValueRelabel,
        Code::AlertUnroutedRule,
        Code::AlertSeverityNeverSet,
        Code::AlertSeverityUnmatched,
        Code::ExposureUnauthenticated,
        Code::ExposureUnauthenticatedAdminApi,
        Code::ExposurePlaintextCredentials,
        Code::IngressNotExposed,
        Code::IngressPathClash,
        Code::IngressAnnotation,
        Code::HttpInsecureSkipVerify,
        Code::ValueByteSize,
        Code::StorageForm,
        Code::StorageRetentionSize,
        Code::StorageRetentionHeadroom,
        Code::StorageSizeChanged,
        Code::ResourcesInvalid,
        Code::PlacementCapacity,
        Code::ValueImage,
        Code::CrdVendored,
        Code::CrdMissingKind,
        Code::CrdSchema,
        Code::ProbeModule,
    ];

    /// Whether this code reports a warning (the site still compiles) rather than an error.
    pub fn is_warning(self) -> bool {
        matches!(
            self,
            Code::PrometheusAdminApi
                | Code::PlacementSingleNode
                | Code::AlertUnusedReceiver
                | Code::AlertUnroutedRule
                | Code::AlertSeverityNeverSet
                | Code::AlertSeverityUnmatched
                | Code::RuleIgnoredDocument
                | Code::AlertMatcherClassName
                | Code::ExposureUnauthenticated
                | Code::ExposureUnauthenticatedAdminApi
                | Code::ExposurePlaintextCredentials
                | Code::HttpInsecureSkipVerify
                | Code::StorageRetentionHeadroom
                | Code::StorageSizeChanged
        )
    }

    /// How severe a diagnostic with this code is.
    pub fn severity(self) -> super::Severity {
        if self.is_warning() {
            super::Severity::Warning
        } else {
            super::Severity::Error
        }
    }

    /// The code with this id, e.g. `schema::unknown-key`.
    pub fn from_id(id: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|code| code.id() == id)
    }

    /// The stable, namespaced id printed with every diagnostic.
    pub fn id(self) -> &'static str {
        match self {
            Code::TomlSyntax => "toml::syntax",
            Code::SchemaUnknownKey => "schema::unknown-key",
            Code::SchemaWrongType => "schema::wrong-type",
            Code::SchemaMissingKey => "schema::missing-key",
            Code::SchemaInvalidValue => "schema::invalid-value",
            Code::SecretPlaintext => "secret::plaintext",
            Code::NameInvalid => "name::invalid",
            Code::NameDuplicate => "name::duplicate",
            Code::RefUnknownNode => "ref::unknown-node",
            Code::RefUnknownReceiver => "ref::unknown-receiver",
            Code::RefUnknownTimeInterval => "ref::unknown-time-interval",
            Code::RefMissingFile => "ref::missing-file",
            Code::RefUnknownRuleGroup => "ref::unknown-rule-group",
            Code::RefUnknownDashboard => "ref::unknown-dashboard",
            Code::ValueDuration => "value::duration",
            Code::ValueQuantity => "value::quantity",
            Code::ValueEmail => "value::email",
            Code::ValueUrl => "value::url",
            Code::ValueAddress => "value::address",
            Code::ValuePath => "value::path",
            Code::ValueTaint => "value::taint",
            Code::ValueLabelName => "value::label-name",
            Code::ValueK8sLabel => "value::k8s-label",
            Code::ValueApiResource => "value::api-resource",
            Code::ValueHostPort => "value::host-port",
            Code::ValueVersion => "value::version",
            Code::AlertReceiver => "alert::receiver",
            Code::AlertmanagerVersion => "alertmanager::version",
            Code::PromqlSyntax => "promql::syntax",
            Code::RuleName => "rule::name",
            Code::RuleKind => "rule::kind",
            Code::RuleFile => "rule::file",
            Code::RuleIgnoredDocument => "rule::ignored-document",
            Code::PrometheusVersion => "prometheus::version",
            Code::AlertMatcher => "alert::matcher",
            Code::AlertMatcherClassName => "alert::matcher-class-name",
            Code::AlertTemplate => "alert::template",
            Code::AlertRoute => "alert::route",
            Code::AlertTimeInterval => "alert::time-interval",
            Code::AlertUnusedReceiver => "alert::unused-receiver",
            Code::PlacementReplicas => "placement::replicas",
            Code::PlacementStorage => "placement::storage",
            Code::EtcdNoNodes => "etcd::no-nodes",
            Code::NameCollision => "name::collision",
            Code::PrometheusAdminApi => "prometheus::admin-api",
            Code::PortClash => "port::clash",
            Code::PlacementSingleNode => "placement::single-node",
            Code::AdapterTemplate => "adapter::template",
            Code::ValueRegex => "value::regex",
            Code::SiteTooLarge => "site::too-large",
            Code::GrafanaDashboard => "grafana::dashboard",
            Code::FederateSelector => "federate::selector",
            Code::HttpClient => "http::client",
            Code::ValueRelabel => "value::relabel",
            Code::HttpInsecureSkipVerify => "http::insecure-skip-verify",
            Code::AlertUnroutedRule => "alert::unrouted-rule",
            Code::AlertSeverityNeverSet => "alert::severity-never-set",
            Code::AlertSeverityUnmatched => "alert::severity-unmatched",
            Code::ExposureUnauthenticated => "exposure::unauthenticated",
            Code::ExposureUnauthenticatedAdminApi => "exposure::unauthenticated-admin-api",
            Code::ExposurePlaintextCredentials => "exposure::plaintext-credentials",
            Code::IngressNotExposed => "ingress::not-exposed",
            Code::IngressPathClash => "ingress::path-clash",
            Code::IngressAnnotation => "ingress::annotation",
            Code::ValueByteSize => "value::byte-size",
            Code::StorageForm => "storage::form",
            Code::StorageRetentionSize => "storage::retention-size",
            Code::StorageRetentionHeadroom => "storage::retention-headroom",
            Code::StorageSizeChanged => "storage::size-changed",
            Code::ResourcesInvalid => "resources::invalid",
            Code::PlacementCapacity => "placement::capacity",
            Code::ValueImage => "value::image",
            Code::CrdVendored => "crd::vendored",
            Code::CrdMissingKind => "crd::missing-kind",
            Code::CrdSchema => "crd::schema",
            Code::ProbeModule => "probe::module",
        }
    }
}

/// Codes serialize as their stable id (`schema::unknown-key`), the form every output format uses.
impl serde::Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
}
