//! Synthetic sites of four sizes, for benchmarks and scaling tests (`promsite synth`, hidden).
//! Deterministic: the same size and name give the same bytes. The document is built as a typed
//! TOML table and serialized, never concatenated.

use toml::{Table, Value};

/// A site size: counts of nodes, scrape targets, alert rules and receivers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum)]
pub enum Size {
    /// 3 nodes, 5 targets, 20 rules.
    S,
    /// 10 nodes, 50 targets, 200 rules.
    M,
    /// 50 nodes, 200 targets, 2,000 rules, 40 receivers.
    L,
    /// 200 nodes, 1,000 targets, 20,000 rules.
    Xl,
}

/// How much of each section a size holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    /// Declared nodes; the first three are control-plane and etcd nodes.
    pub nodes: usize,
    /// `[[scrape]]` entries (ServiceMonitors).
    pub targets: usize,
    /// Alerting rules, in groups of [`RULES_PER_GROUP`].
    pub rules: usize,
    /// Receivers, each with a child route.
    pub receivers: usize,
}

/// Rules in each synthetic rule group.
pub const RULES_PER_GROUP: usize = 10;

impl Size {
    /// Every size, smallest first.
    pub const ALL: [Size; 4] = [Size::S, Size::M, Size::L, Size::Xl];

    /// The counts that define this size.
    pub fn counts(self) -> Counts {
        let (nodes, targets, rules, receivers) = match self {
            Size::S => (3, 5, 20, 2),
            Size::M => (10, 50, 200, 10),
            Size::L => (50, 200, 2_000, 40),
            Size::Xl => (200, 1_000, 20_000, 100),
        };
        Counts {
            nodes,
            targets,
            rules,
            receivers,
        }
    }

    /// Lower-case label, as on the command line.
    pub fn label(self) -> &'static str {
        match self {
            Size::S => "s",
            Size::M => "m",
            Size::L => "l",
            Size::Xl => "xl",
        }
    }
}

/// The TOML text of a valid synthetic site named `name`.
pub fn site(size: Size, name: &str) -> String {
    let document = build(size.counts(), name);
    // Serializing a table of strings, integers, booleans, arrays and tables cannot fail.
    toml::to_string(&document).unwrap_or_default()
}

fn build(counts: Counts, name: &str) -> Table {
    let nodes: Vec<String> = (0..counts.nodes.max(3)).map(node_name).collect();
    let workers: Vec<&String> = nodes.iter().skip(3).collect();
    // Prometheus and Alertmanager run on workers where there are some, on the control plane otherwise.
    let stateful: Vec<&String> = if workers.len() >= 2 {
        workers.iter().take(2).copied().collect()
    } else {
        nodes.iter().take(2).collect()
    };
    let receivers: Vec<String> = (0..counts.receivers.max(1)).map(|i| format!("team-{i:03}")).collect();

    let mut document = Table::new();
    document.insert(
        "site".into(),
        table([("name", name.into()), ("namespace", "monitoring".into())]),
    );
    document.insert(
        "nodes".into(),
        Value::Array(nodes.iter().enumerate().map(|(i, node)| node_entry(i, node)).collect()),
    );
    document.insert(
        "prometheus".into(),
        table([
            ("replicas", 2.into()),
            ("retention", "15d".into()),
            ("nodes", strings(&stateful)),
            ("external_labels", table([("cluster", name.into())])),
            (
                "storage",
                table([("path", "/data/prometheus".into()), ("size", "50Gi".into())]),
            ),
        ]),
    );
    document.insert(
        "alertmanager".into(),
        table([
            ("replicas", 2.into()),
            ("nodes", strings(&stateful)),
            (
                "smtp",
                table([
                    ("smarthost", "smtp.example.com:587".into()),
                    ("from", "alerts@example.com".into()),
                    ("auth_username", "alerts".into()),
                    (
                        "auth_password",
                        table([("secret", "smtp".into()), ("key", "password".into())]),
                    ),
                ]),
            ),
        ]),
    );
    document.insert(
        "route".into(),
        table([
            ("receiver", receivers[0].as_str().into()),
            ("group_by", strings(&["alertname", "team"])),
            (
                "routes",
                Value::Array(
                    receivers
                        .iter()
                        .map(|team| {
                            table([
                                ("matchers", strings(&[format!("team=\"{team}\"")])),
                                ("receiver", team.as_str().into()),
                            ])
                        })
                        .collect(),
                ),
            ),
        ]),
    );
    document.insert(
        "receivers".into(),
        Value::Array(receivers.iter().map(|team| receiver(team)).collect()),
    );
    document.insert(
        "scrape".into(),
        Value::Array((0..counts.targets).map(scrape_entry).collect()),
    );
    document.insert(
        "etcd".into(),
        table([(
            "client_cert",
            table([
                ("secret", "etcd-certs".into()),
                ("cert", "tls.crt".into()),
                ("key", "tls.key".into()),
                ("ca", "ca.crt".into()),
            ]),
        )]),
    );
    document.insert(
        "api_clients".into(),
        Value::Array(vec![table([
            ("name", "rules-bot".into()),
            ("namespace", "platform".into()),
            ("resources", strings(&["prometheusrules", "servicemonitors"])),
            (
                "verbs",
                strings(&["get", "list", "watch", "create", "update", "patch", "delete"]),
            ),
        ])]),
    );
    let groups = counts.rules.div_ceil(RULES_PER_GROUP);
    document.insert(
        "rule_groups".into(),
        Value::Array(
            (0..groups)
                .map(|group| {
                    let rules = (group * RULES_PER_GROUP..counts.rules.min((group + 1) * RULES_PER_GROUP))
                        .map(|i| rule(i, &receivers[i % receivers.len()]))
                        .collect();
                    table([
                        ("name", format!("service-{group:05}").into()),
                        ("rules", Value::Array(rules)),
                    ])
                })
                .collect(),
        ),
    );
    document
}

fn node_name(i: usize) -> String {
    if i < 3 {
        format!("cp-{i}")
    } else {
        format!("worker-{i:03}")
    }
}

fn node_entry(i: usize, name: &str) -> Value {
    let address = format!("10.{}.{}.{}", 1 + i / 65_536, (i / 256) % 256, i % 256);
    if i < 3 {
        table([
            ("name", name.into()),
            ("address", address.into()),
            ("roles", strings(&["control-plane", "etcd"])),
            ("taints", strings(&["node-role.kubernetes.io/control-plane:NoSchedule"])),
        ])
    } else {
        table([
            ("name", name.into()),
            ("address", address.into()),
            ("roles", strings(&["worker"])),
        ])
    }
}

fn receiver(team: &str) -> Value {
    table([
        ("name", team.into()),
        (
            "email",
            Value::Array(vec![table([
                ("to", format!("{team}@example.com").into()),
                ("send_resolved", true.into()),
            ])]),
        ),
        (
            "webhook",
            Value::Array(vec![table([(
                "url",
                format!("http://hooks.example.com/{team}").into(),
            )])]),
        ),
    ])
}

fn scrape_entry(i: usize) -> Value {
    table([
        ("name", format!("exporter-{i:04}").into()),
        ("namespace", format!("apps-{:02}", i % 20).into()),
        (
            "selector",
            table([("app.kubernetes.io/name", format!("exporter-{i:04}").into())]),
        ),
        ("port", "metrics".into()),
        ("interval", "30s".into()),
    ])
}

fn rule(i: usize, team: &str) -> Value {
    let severity = if i.is_multiple_of(3) { "critical" } else { "warning" };
    table([
        ("alert", format!("Service{i:05}ErrorRate").into()),
        (
            "expr",
            format!(
                "sum by (job, instance) (rate(http_requests_total{{job=\"svc-{i}\",code=~\"5..\"}}[5m])) / sum by (job, instance) (rate(http_requests_total{{job=\"svc-{i}\"}}[5m])) > 0.{}",
                1 + i % 9
            )
            .into(),
        ),
        ("for", "5m".into()),
        ("labels", table([("severity", severity.into()), ("team", team.into())])),
        ("annotations", table([("summary", format!("{{{{ $labels.instance }}}} of svc-{i} fails {{{{ humanizePercentage $value }}}} of requests").into())])),
    ])
}

fn table<const N: usize>(entries: [(&str, Value); N]) -> Value {
    Value::Table(
        entries
            .into_iter()
            .map(|(key, value)| (key.to_owned(), value))
            .collect(),
    )
}

fn strings<S: AsRef<str>>(items: &[S]) -> Value {
    Value::Array(
        items
            .iter()
            .map(|item| Value::String(item.as_ref().to_owned()))
            .collect(),
    )
}
