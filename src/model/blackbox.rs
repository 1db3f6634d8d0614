//! blackbox_exporter's modules: the site's settings, read as they are written (the site format
//! uses these types, like `scale::RelabelAction`), checked by `check/blackbox.rs` and rendered into
//! blackbox_exporter's configuration by `render/blackbox.rs`.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Duration, Placement};

/// Default blackbox_exporter image tag.
pub const DEFAULT_BLACKBOX_VERSION: &str = "v0.28.0";

/// The validated blackbox_exporter.
#[derive(Debug, Clone)]
pub struct Blackbox {
    /// Image tag.
    pub version: String,
    /// Nodes it may run on.
    pub placement: Placement,
    /// Modules by name: the defaults and the site's.
    pub modules: BTreeMap<String, Module>,
}

/// A validated module.
#[derive(Debug, Clone)]
pub struct Module {
    /// The module as written.
    pub settings: BlackboxModule,
    /// Its timeout.
    pub timeout: Option<Duration>,
}

impl Blackbox {
    /// Whether a module probes with ICMP, which needs unprivileged ICMP sockets in the pod.
    pub fn pings(&self) -> bool {
        self.modules.values().any(|m| m.settings.prober == BlackboxProber::Icmp)
    }
}

/// The modules every blackbox_exporter promsite deploys has unless the site replaces them.
pub fn default_modules() -> BTreeMap<String, BlackboxModule> {
    let module = |name: &str, prober| BlackboxModule {
        name: name.to_owned(),
        prober,
        timeout: None,
        http: None,
        tcp: None,
        icmp: None,
        dns: None,
    };
    [
        module("http_2xx", BlackboxProber::Http),
        module("icmp", BlackboxProber::Icmp),
        module("tcp_connect", BlackboxProber::Tcp),
    ]
    .into_iter()
    .map(|m| (m.name.clone(), m))
    .collect()
}

/// One blackbox_exporter module: a prober and its settings.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BlackboxModule {
    /// The module's name, unique among the modules.
    #[schemars(example = &"dns_cluster")]
    pub name: String,
    /// The prober: `http`, `tcp`, `icmp` or `dns`. Only the settings table of that prober may be set.
    #[schemars(example = &"http")]
    pub prober: BlackboxProber,
    /// How long a probe may take (Prometheus duration). Default: the scrape timeout, less half a second.
    #[schemars(example = &"5s")]
    pub timeout: Option<String>,
    /// Settings of the `http` prober.
    #[schemars(example = serde_json::json!({ "valid_status_codes": [200, 204], "method": "GET", "fail_if_not_ssl": true }))]
    pub http: Option<HttpModule>,
    /// Settings of the `tcp` prober.
    #[schemars(example = serde_json::json!({ "tls": true }))]
    pub tcp: Option<TcpModule>,
    /// Settings of the `icmp` prober.
    #[schemars(example = serde_json::json!({ "preferred_ip_protocol": "ip4" }))]
    pub icmp: Option<IcmpModule>,
    /// Settings of the `dns` prober (required with it: `query_name`).
    #[schemars(example = serde_json::json!({ "query_name": "example.com", "query_type": "A" }))]
    pub dns: Option<DnsModule>,
}

/// A blackbox_exporter prober.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum BlackboxProber {
    /// HTTP(S) requests.
    Http,
    /// TCP connections, optionally with TLS.
    Tcp,
    /// ICMP echo requests.
    Icmp,
    /// DNS queries.
    Dns,
}

impl BlackboxProber {
    /// The spelling in the site and in blackbox_exporter's configuration.
    pub fn as_str(self) -> &'static str {
        match self {
            BlackboxProber::Http => "http",
            BlackboxProber::Tcp => "tcp",
            BlackboxProber::Icmp => "icmp",
            BlackboxProber::Dns => "dns",
        }
    }
}

/// The IP version a prober resolves names to first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum IpProtocol {
    /// IPv4.
    Ip4,
    /// IPv6.
    Ip6,
}

/// Settings of an `http` module.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HttpModule {
    /// Status codes that count as success. Default: any 2xx.
    #[serde(default)]
    #[schemars(example = serde_json::json!([200, 204]))]
    pub valid_status_codes: Vec<u16>,
    /// The request method. Default `GET`.
    #[schemars(example = &"GET")]
    pub method: Option<HttpMethod>,
    /// Request headers.
    #[serde(default)]
    #[schemars(example = serde_json::json!({ "Host": "www.example.com" }))]
    pub headers: BTreeMap<String, String>,
    /// The request body.
    #[schemars(example = &"{}")]
    pub body: Option<String>,
    /// Follow redirects. Default true.
    #[schemars(example = false)]
    pub follow_redirects: Option<bool>,
    /// Fail when the site answers over TLS.
    #[schemars(example = false)]
    pub fail_if_ssl: Option<bool>,
    /// Fail when the site does not answer over TLS.
    #[schemars(example = true)]
    pub fail_if_not_ssl: Option<bool>,
    /// Fail when the body matches one of these regular expressions (RE2).
    #[serde(default)]
    #[schemars(example = serde_json::json!(["(?i)maintenance"]))]
    pub fail_if_body_matches_regexp: Vec<String>,
    /// Fail unless the body matches every one of these regular expressions (RE2).
    #[serde(default)]
    #[schemars(example = serde_json::json!(["ok"]))]
    pub fail_if_body_not_matches_regexp: Vec<String>,
    /// The IP version to resolve to first. Default `ip6` (blackbox_exporter's).
    #[schemars(example = &"ip4")]
    pub preferred_ip_protocol: Option<IpProtocol>,
    /// Skip verifying the site's certificate (a self-signed one). Default false.
    #[schemars(example = false)]
    pub insecure_skip_verify: Option<bool>,
}

/// An HTTP request method.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, JsonSchema)]
#[allow(missing_docs, clippy::upper_case_acronyms)]
pub enum HttpMethod {
    GET,
    HEAD,
    POST,
    PUT,
    PATCH,
    DELETE,
    OPTIONS,
}

impl HttpMethod {
    /// The method's name.
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::GET => "GET",
            HttpMethod::HEAD => "HEAD",
            HttpMethod::POST => "POST",
            HttpMethod::PUT => "PUT",
            HttpMethod::PATCH => "PATCH",
            HttpMethod::DELETE => "DELETE",
            HttpMethod::OPTIONS => "OPTIONS",
        }
    }
}

/// Settings of a `tcp` module.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TcpModule {
    /// Start TLS on the connection (and report the certificate's expiry). Default false.
    #[schemars(example = true)]
    pub tls: Option<bool>,
    /// The IP version to resolve to first. Default `ip6` (blackbox_exporter's).
    #[schemars(example = &"ip4")]
    pub preferred_ip_protocol: Option<IpProtocol>,
    /// With `tls`: skip verifying the certificate. Default false.
    #[schemars(example = false)]
    pub insecure_skip_verify: Option<bool>,
}

/// Settings of an `icmp` module.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IcmpModule {
    /// The IP version to resolve to first. Default `ip6` (blackbox_exporter's).
    #[schemars(example = &"ip4")]
    pub preferred_ip_protocol: Option<IpProtocol>,
    /// Payload size of the echo request in bytes.
    #[schemars(range(min = 0, max = 65000), example = 56)]
    pub payload_size: Option<u32>,
}

/// Settings of a `dns` module.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DnsModule {
    /// The name to query.
    #[schemars(example = &"kubernetes.default.svc.cluster.local")]
    pub query_name: String,
    /// The record type. Default `ANY` (blackbox_exporter's).
    #[schemars(example = &"A")]
    pub query_type: Option<DnsType>,
    /// `udp` or `tcp`. Default `udp`.
    #[schemars(example = &"udp")]
    pub transport_protocol: Option<DnsTransport>,
    /// The IP version to resolve the server to first. Default `ip6` (blackbox_exporter's).
    #[schemars(example = &"ip4")]
    pub preferred_ip_protocol: Option<IpProtocol>,
    /// Response codes that count as success. Default `["NOERROR"]`.
    #[serde(default)]
    #[schemars(example = serde_json::json!(["NOERROR"]))]
    pub valid_rcodes: Vec<DnsRcode>,
}

/// A DNS record type.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, JsonSchema)]
#[allow(missing_docs, clippy::upper_case_acronyms)]
pub enum DnsType {
    A,
    AAAA,
    ANY,
    CAA,
    CNAME,
    MX,
    NS,
    PTR,
    SOA,
    SRV,
    TXT,
}

/// A DNS transport.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
#[allow(missing_docs)]
pub enum DnsTransport {
    Udp,
    Tcp,
}

/// A DNS response code.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, JsonSchema)]
#[allow(missing_docs, clippy::upper_case_acronyms)]
pub enum DnsRcode {
    NOERROR,
    FORMERR,
    SERVFAIL,
    NXDOMAIN,
    NOTIMP,
    REFUSED,
}
