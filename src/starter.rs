//! The commented starter site that `promsite init` writes. Pure: it returns the text, and
//! `cli` checks it with the ordinary pipeline before writing it anywhere.

/// A node given on the command line as `NAME=ADDRESS`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StarterNode {
    /// The node's `kubernetes.io/hostname`.
    pub name: String,
    /// Its IP address.
    pub address: String,
}

impl std::str::FromStr for StarterNode {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.split_once('=') {
            Some((name, address)) if !name.is_empty() && !address.is_empty() => Ok(Self {
                name: name.to_owned(),
                address: address.to_owned(),
            }),
            _ => Err(format!("`{text}` is not NAME=ADDRESS, e.g. `worker-1=10.0.0.11`")),
        }
    }
}

/// Everything after the nodes. `@PINNED@` becomes the example node list, `@REPLICAS@` its length,
/// and `@SITE@` the quoted site name.
const BODY: &str = r#"
# ----------------------------------------------------------- prometheus
[prometheus]
retention = "15d"
scrape_interval = "30s"
evaluation_interval = "30s"
# Pin the replicas to nodes, one per node; two replicas on two nodes make an HA pair.
# replicas = @REPLICAS@
# nodes = [@PINNED@]
# resources = { cpu = "1", memory = "4Gi" }
# external_labels = { cluster = @SITE@ }
# retention_size = "40GB"        # delete the oldest data first when the TSDB reaches this

# Local storage on each node in `nodes`. Create the directory on each node first, owned by
# uid 1000 and gid 2000. With a storage provisioner, give its StorageClass instead of the path:
# `storage_class = "standard"`.
# [prometheus.storage]
# path = "/var/lib/prometheus"
# size = "50Gi"

# --------------------------------------------------------- alertmanager
[alertmanager]
# replicas = @REPLICAS@
# nodes = [@PINNED@]
# storage = { storage_class = "standard", size = "1Gi" }   # keeps silences across restarts

[alertmanager.smtp]
smarthost = "mail.example.com:587"
from = "alertmanager@example.com"
# auth_username = "alertmanager@example.com"
# auth_password = { secret = "alertmanager-smtp", key = "password" }   # a Secret, never the password

[route]
receiver = "team"                # alerts no child route matches go here
group_by = ["alertname"]

# [[route.routes]]
# matchers = ['severity="critical"']
# receiver = "team"

[[receivers]]
name = "team"
email = [{ to = "team@example.com" }]
# webhook = [{ url = "https://hooks.example.com/alertmanager" }]

# ------------------------------------------------------------- scraping
# One ServiceMonitor per entry: the Services with these labels, on this port.
# [[scrape]]
# name = "my-app"
# namespace = "my-app"
# selector = { app = "my-app" }
# port = "metrics"

# Scrape etcd on the nodes with role "etcd", with a client certificate from a Secret.
# [etcd]
# client_cert = { secret = "etcd-certs", cert = "healthcheck-client.crt", key = "healthcheck-client.key", ca = "ca.crt" }

# -------------------------------------------------------------- exposure
# [ingress]
# class = "nginx"
# prometheus = "prometheus.example.com"
# alertmanager = "alertmanager.example.com"
# Neither has a login of its own: put authentication in front (an htpasswd file under the key
# `auth` of this Secret), or see `external_auth` for oauth2-proxy.
# basic_auth = { secret = "monitoring-basic-auth" }
# tls_secret = "monitoring-tls"   # a kubernetes.io/tls Secret: never send the password over plain HTTP

# ----------------------------------------------------------- API clients
# A platform that manages its own rules through the Kubernetes API.
# [[api_clients]]
# name = "rules-bot"
# namespace = "team-a"
# resources = ["prometheusrules", "servicemonitors"]
# verbs = ["get", "list", "watch", "create", "update", "patch", "delete"]

# ----------------------------------------------------------------- stack
# The operator (with its CRDs in out/<site name>/setup/), node-exporter, kube-state-metrics,
# Grafana and prometheus-adapter are deployed by default; each section can turn one off.
# [operator]
# enabled = false   # the cluster already runs a Prometheus Operator

# Grafana reads its admin user and password from a Secret that you create in the namespace.
# [grafana]
# admin = { secret = "grafana-admin", user_key = "admin-user", password_key = "admin-password" }

# NetworkPolicies, for a CNI that enforces them.
# [network_policies]
# enabled = true
# ingress_namespaces = ["ingress-nginx"]

# ---------------------------------------------------------------- images
# A cluster without internet access pulls every image from a mirror: `promsite images` lists
# what to copy there, and docs/air-gapped.md also covers vendored CRDs.
# [images]
# registry = "harbor.example.com/monitoring"   # host[:port][/path], no scheme
# pull_secrets = ["regcred"]                   # kubernetes.io/dockerconfigjson Secrets in the namespace

# ----------------------------------------------------------------- rules
[[rule_groups]]
name = "targets"

[[rule_groups.rules]]
alert = "TargetDown"
expr = 'up == 0'
for = "5m"
labels = { severity = "warning" }
annotations = { summary = "{{ $labels.job }} target {{ $labels.instance }} is down" }
"#;

/// A TOML string literal.
fn quoted(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}

/// The starter site for `name`, with `nodes` declared (or a commented example when there are none).
pub fn site(name: &str, nodes: &[StarterNode]) -> String {
    let mut text = format!(
        "# promsite site file for {site}: one cluster's monitoring stack.\n\
         # Edit it, then `promsite check` it and `promsite compile` it into out/<site name>/.\n\
         # Every key is described in docs/site-format.md; `promsite explain CODE` explains a diagnostic.\n\
         # Editors that use taplo (VS Code's Even Better TOML) complete and check keys when the first\n\
         # line is a directive such as `#:schema ../schema/site.schema.json` (a path or URL to the schema).\n\
         \n\
         [site]\n\
         name = {site}              # the output directory out/<name>/ and the promsite.dev/site label\n\
         namespace = \"monitoring\"   # where Prometheus and Alertmanager run\n\
         \n\
         # ---------------------------------------------------------------- nodes\n\
         # The nodes that monitoring runs on or scrapes. Roles: \"control-plane\", \"etcd\", \"worker\".\n\
         # Write taints as `kubectl describe node` shows them; workloads placed on a node tolerate them.\n",
        site = quoted(name),
    );
    if nodes.is_empty() {
        for (name, address) in [("node-1", "10.0.0.11"), ("node-2", "10.0.0.12")] {
            text.push_str(&format!("# [[nodes]]\n# name = \"{name}\"\n# address = \"{address}\"\n# roles = [\"control-plane\", \"etcd\"]\n\n"));
        }
    }
    for node in nodes {
        text.push_str(&format!(
            "[[nodes]]\n\
             name = {}\n\
             address = {}\n\
             # roles = [\"control-plane\", \"etcd\"]\n\
             # taints = [\"node-role.kubernetes.io/control-plane:NoSchedule\"]\n\n",
            quoted(&node.name),
            quoted(&node.address)
        ));
    }
    let pinned: Vec<String> = if nodes.is_empty() {
        vec![quoted("node-1"), quoted("node-2")]
    } else {
        nodes.iter().take(2).map(|n| quoted(&n.name)).collect()
    };
    text.push_str(
        &BODY
            .replace("@PINNED@", &pinned.join(", "))
            .replace("@REPLICAS@", &pinned.len().to_string())
            .replace("@SITE@", &quoted(name)),
    );
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_parse_from_name_equals_address() {
        assert_eq!(
            "w-1=10.0.0.1".parse(),
            Ok(StarterNode {
                name: "w-1".into(),
                address: "10.0.0.1".into()
            })
        );
        assert!("w-1".parse::<StarterNode>().is_err());
        assert!("=10.0.0.1".parse::<StarterNode>().is_err());
    }

    /// The commented-out examples (`# key = ...`, `# [table]`) are meant to be uncommented: with
    /// all of them uncommented, the site must still be valid.
    #[test]
    fn the_starter_and_its_commented_examples_are_valid() {
        let nodes = [
            StarterNode {
                name: "master-1".into(),
                address: "10.0.0.1".into(),
            },
            StarterNode {
                name: "master-2".into(),
                address: "10.0.0.2".into(),
            },
        ];
        for nodes in [&nodes[..], &[]] {
            let starter = site("lab", nodes);
            let uncommented: String = starter
                .lines()
                .map(|line| match line.strip_prefix("# ") {
                    Some(code)
                        if code.starts_with('[')
                            || code.split_once(" = ").is_some_and(|(key, _)| {
                                !key.is_empty() && key.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
                            }) =>
                    {
                        code
                    }
                    _ => line,
                })
                .fold(String::new(), |mut text, line| {
                    text.push_str(line);
                    text.push('\n');
                    text
                });
            assert!(
                uncommented.lines().filter(|l| l.starts_with("# ")).count() + 10
                    < starter.lines().filter(|l| l.starts_with("# ")).count()
            );
            for text in [starter, uncommented] {
                let checked = crate::pipeline::check(&crate::diag::SiteSource::new("starter.toml", text.as_str()));
                assert!(
                    checked.as_ref().is_ok_and(|c| c.warnings.is_empty()),
                    "{:?}\n{text}",
                    checked.err()
                );
            }
        }
    }

    #[test]
    fn names_are_escaped_as_toml_strings() {
        let text = site("a\"b", &[]);
        let table: toml::Table = toml::from_str(&text).expect("still TOML");
        assert_eq!(table["site"]["name"].as_str(), Some("a\"b"));
    }
}
