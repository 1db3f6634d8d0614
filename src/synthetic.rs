//! Synthetic sites of five sizes, for benchmarks and scaling tests (`promsite synth`, hidden).
//! Deterministic: the same size, rules and name give the same bytes. The document is built as a
//! typed TOML table and serialized, never concatenated.
//!
//! Two kinds of rule set: [`Rules::Uniform`] gives every rule one expression shape and one
//! template form, as generated rule sets do, and [`Rules::Realistic`] gives each rule its own
//! metric names, one of ten expression forms and annotations of the forms hand-written rule
//! collections use, so that no memo answers for the rest and templates cost what they cost.

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
    /// 200 nodes, 1,000 targets, 50,000 rules: the issue's scaling target, not in [`Size::ALL`].
    Xxl,
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

/// The kind of rule set a synthetic site holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, clap::ValueEnum)]
pub enum Rules {
    /// One expression shape and one template form for every rule.
    #[default]
    Uniform,
    /// Distinct metric names, label sets, expression forms and annotation templates.
    Realistic,
}

impl Rules {
    /// Both kinds, uniform first.
    pub const ALL: [Rules; 2] = [Rules::Uniform, Rules::Realistic];

    /// Lower-case label, as on the command line.
    pub fn label(self) -> &'static str {
        match self {
            Rules::Uniform => "uniform",
            Rules::Realistic => "realistic",
        }
    }
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
            Size::Xxl => (200, 1_000, 50_000, 100),
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
            Size::Xxl => "xxl",
        }
    }
}

/// The TOML text of a valid synthetic site named `name`, with uniform rules.
pub fn site(size: Size, name: &str) -> String {
    site_with(size, Rules::Uniform, name)
}

/// The TOML text of a valid synthetic site named `name`, with rules of the given kind.
pub fn site_with(size: Size, rules: Rules, name: &str) -> String {
    let document = build(size.counts(), rules, name);
    // Serializing a table of strings, integers, booleans, arrays and tables cannot fail.
    toml::to_string(&document).unwrap_or_default()
}

fn build(counts: Counts, kind: Rules, name: &str) -> Table {
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
                        .map(|i| {
                            let team = &receivers[i % receivers.len()];
                            match kind {
                                Rules::Uniform => rule(i, team),
                                Rules::Realistic => realistic_rule(i, team),
                            }
                        })
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

/// Rule `i` of a realistic set: its own metric names (`app0042_…`), one of ten expression forms
/// (ratios of rates, histogram quantiles, `absent`, `predict_linear`, joins with `on`/`ignoring`
/// and `group_left`, counters, gauges against limits, `topk`, staleness), and a summary, a
/// description and a runbook link whose templates use pipes, `printf`, `with`, `if`/`else`,
/// `range`, the `humanize` family and `$externalLabels`.
fn realistic_rule(i: usize, team: &str) -> Value {
    let app = format!("app{i:04}");
    let ns = format!("apps-{:02}", i % 20);
    let threshold = format!("0.{}", 1 + i % 9);
    let (alert, expr, summary, description) = match i % 10 {
        0 => (
            "HighErrorRate",
            format!(
                r#"sum by (job, instance) (rate({app}_http_requests_total{{job="{app}",code=~"5.."}}[5m])) / sum by (job, instance) (rate({app}_http_requests_total{{job="{app}"}}[5m])) > {threshold}"#
            ),
            format!(
                "{{{{ $labels.job }}}} on {{{{ $labels.instance }}}} fails {{{{ $value | humanizePercentage }}}} of {app} requests"
            ),
            format!(
                r#"{{{{ printf "%.2f" $value }}}} of the requests to {app} ({{{{ $labels.instance }}}}) in cluster {{{{ $externalLabels.cluster }}}} end in a 5xx."#
            ),
        ),
        1 => (
            "HighLatency",
            format!(
                r#"histogram_quantile(0.99, sum by (le, job, route) (rate({app}_request_duration_seconds_bucket{{job="{app}"}}[5m]))) > {threshold}"#
            ),
            format!(
                "{{{{ $labels.job }}}} p99 latency on {{{{ $labels.route }}}} is {{{{ $value | humanizeDuration }}}} ({app})"
            ),
            format!(
                r"{{{{ with $labels.route }}}}Route {{{{ . }}}} of {{{{ end }}}}{app} answers slower than {threshold}s at the 99th percentile: {{{{ $value | humanizeDuration }}}}."
            ),
        ),
        2 => (
            "Absent",
            format!(r#"absent({app}_up{{job="{app}",namespace="{ns}"}} == 1)"#),
            format!("{app} has disappeared from {{{{ $externalLabels.cluster }}}}"),
            format!(
                r"No target of {app} in {ns} has been up for 10 minutes{{{{ if $labels.namespace }}}} (namespace {{{{ $labels.namespace }}}}){{{{ end }}}}."
            ),
        ),
        3 => (
            "DiskWillFill",
            format!(
                r#"predict_linear({app}_filesystem_avail_bytes{{job="{app}",mountpoint="/data"}}[6h], 4 * 3600) < 0 and {app}_filesystem_avail_bytes{{job="{app}",mountpoint="/data"}} / {app}_filesystem_size_bytes{{job="{app}",mountpoint="/data"}} < {threshold}"#
            ),
            format!("{{{{ $labels.mountpoint }}}} on {{{{ $labels.instance }}}} ({app}) fills within four hours"),
            format!(
                r#"{{{{ $labels.device }}}} has {{{{ printf "%.1f" $value }}}} bytes left ({{{{ humanize1024 $value }}}}B) and at this rate runs out within four hours. {app}."#
            ),
        ),
        4 => (
            "PodCpuHigh",
            format!(
                r#"sum by (namespace, pod) (rate({app}_container_cpu_usage_seconds_total{{namespace="{ns}",container!=""}}[5m])) * on (namespace, pod) group_left (node) max by (namespace, pod, node) ({app}_pod_info{{namespace="{ns}"}}) > {threshold}"#
            ),
            format!(
                "{{{{ $labels.namespace }}}}/{{{{ $labels.pod }}}} on {{{{ $labels.node }}}} uses {{{{ $value | humanize }}}} CPU ({app})"
            ),
            format!(
                r#"{{{{- if gt $value 0.8 -}}}}Much{{{{- else -}}}}More{{{{- end }}}} CPU than expected for {{{{ printf "%s/%s" $labels.namespace $labels.pod }}}} of {app}: {{{{ $value | printf "%.3f" }}}} cores."#
            ),
        ),
        5 => (
            "QueueNearlyFull",
            format!(
                r#"{app}_queue_length{{job="{app}"}} / ignoring (kind) group_left {app}_queue_capacity{{job="{app}",kind="max"}} > {threshold}"#
            ),
            format!("Queue {{{{ $labels.queue }}}} of {app} is {{{{ $value | humanizePercentage }}}} full"),
            format!(
                r#"{{{{ $labels.queue | toUpper }}}} on {{{{ $labels.instance | reReplaceAll ":[0-9]+" "" }}}} holds {{{{ humanizePercentage $value }}}} of its capacity; see {{{{ externalURL }}}}/graph for {app}."#
            ),
        ),
        6 => (
            "Restarting",
            format!(r#"increase({app}_restarts_total{{job="{app}",namespace="{ns}"}}[15m]) > 3"#),
            format!("{{{{ $labels.pod }}}} of {app} restarted {{{{ $value | humanize }}}} times in 15 minutes"),
            format!(
                r#"{{{{ with query "up{{job='{app}'}} == 0" }}}}{{{{ . | first | value | humanize }}}} targets of {app} are down too.{{{{ else }}}}Every target of {app} is up.{{{{ end }}}}"#
            ),
        ),
        7 => (
            "MemoryNearLimit",
            format!(
                r#"avg_over_time({app}_memory_usage_bytes{{job="{app}"}}[10m]) / on (instance) group_left {app}_memory_limit_bytes{{job="{app}"}} > {threshold}"#
            ),
            format!(
                "{{{{ $labels.instance }}}} of {app} uses {{{{ $value | humanizePercentage }}}} of its memory limit"
            ),
            format!(
                r"VALUE = {{{{ $value }}}}
LABELS = {{{{ $labels }}}}
{{{{ range $name, $v := $labels }}}}{{{{ $name }}}}={{{{ $v }}}} {{{{ end }}}}({app})"
            ),
        ),
        8 => (
            "ErrorBurst",
            format!(r#"topk(3, sum by (instance, handler) (rate({app}_errors_total{{job="{app}"}}[5m]))) > 10"#),
            format!(
                "{{{{ $labels.handler | title }}}} on {{{{ $labels.instance | stripPort }}}} errs {{{{ printf \"%.1f\" $value }}}} times a second ({app})"
            ),
            format!(
                r"{{{{ $value | humanize }}}} errors a second; one of the three worst handlers of {app} in {{{{ $externalLabels.cluster | toUpper }}}}."
            ),
        ),
        _ => (
            "JobStale",
            format!(r#"time() - max by (job) ({app}_last_success_timestamp_seconds{{job="{app}"}}) > 3600"#),
            format!("{app} last succeeded {{{{ $value | humanizeDuration }}}} ago"),
            format!(
                r#"{{{{ $labels.job }}}} last succeeded {{{{ humanizeDuration $value }}}} ago ({{{{ $value | printf "%.0f" }}}} seconds){{{{ with $labels.instance }}}} on {{{{ . }}}}{{{{ end }}}}; {app}."#
            ),
        ),
    };
    let severity = if i.is_multiple_of(3) { "critical" } else { "warning" };
    let name = format!("App{i:04}{alert}");
    table([
        ("alert", name.as_str().into()),
        ("expr", expr.into()),
        ("for", format!("{}m", 1 + i % 15).into()),
        ("labels", table([("severity", severity.into()), ("team", team.into())])),
        (
            "annotations",
            table([
                ("summary", summary.into()),
                ("description", description.into()),
                (
                    "runbook_url",
                    format!("https://runbooks.example.com/{{{{ $labels.alertname | toLower }}}}#{name}").into(),
                ),
            ]),
        ),
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

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::diag::SiteSource;

    #[test]
    fn both_kinds_give_valid_deterministic_sites() {
        for rules in Rules::ALL {
            for size in [Size::S, Size::M] {
                let text = site_with(size, rules, "t");
                assert_eq!(
                    text,
                    site_with(size, rules, "t"),
                    "{size:?} {rules:?} is not deterministic"
                );
                let source = SiteSource::new(format!("{}-{}.toml", size.label(), rules.label()), text);
                assert!(
                    crate::pipeline::check(&source).is_ok(),
                    "the {size:?} {rules:?} site is invalid"
                );
            }
        }
        assert_eq!(site(Size::S, "t"), site_with(Size::S, Rules::Uniform, "t"));
    }

    #[test]
    fn realistic_rules_differ_in_metric_names_forms_and_templates() {
        let document: Table = site_with(Size::M, Rules::Realistic, "t").parse().expect("TOML");
        let rules: Vec<&Table> = document["rule_groups"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|group| group.get("rules")?.as_array())
            .flatten()
            .filter_map(Value::as_table)
            .collect();
        assert_eq!(rules.len(), Size::M.counts().rules);
        let text = |rule: &Table, key: &str| rule.get(key).and_then(Value::as_str).unwrap_or_default().to_owned();
        let expressions: BTreeSet<String> = rules.iter().map(|rule| text(rule, "expr")).collect();
        assert_eq!(expressions.len(), rules.len(), "two rules share an expression");
        // Each rule's metric names are its own: no two rules share the first metric they read.
        let metrics: BTreeSet<String> = expressions
            .iter()
            .filter_map(|expr| {
                expr.split(['(', '{', ' '])
                    .find(|word| word.starts_with("app"))
                    .map(str::to_owned)
            })
            .collect();
        assert_eq!(metrics.len(), rules.len(), "two rules share a metric name");
        for form in [
            "rate(",
            "histogram_quantile(",
            "absent(",
            "predict_linear(",
            "group_left",
            "ignoring (",
            "on (",
            "topk(",
            "increase(",
        ] {
            assert!(
                expressions.iter().any(|expr| expr.contains(form)),
                "no rule uses {form}"
            );
        }
        let templates: Vec<String> = rules
            .iter()
            .filter_map(|rule| rule.get("annotations")?.as_table())
            .flat_map(|annotations| annotations.values().filter_map(Value::as_str).map(str::to_owned))
            .collect();
        for form in [
            " | humanizeDuration",
            "printf ",
            "{{ with ",
            "{{ range ",
            "{{- if ",
            "humanize1024",
            "humanizePercentage",
            "$externalLabels",
            "reReplaceAll",
        ] {
            assert!(templates.iter().any(|t| t.contains(form)), "no template uses {form}");
        }
    }
}
