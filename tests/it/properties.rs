//! Property tests over generated valid sites: output is deterministic under reordering of
//! set-like input, and every emitted file parses back to exactly the object it came from, with
//! arbitrary Unicode in label values, annotations and external labels.

use crate::common;

use proptest::prelude::*;
use toml::{Table, Value};

/// A DNS label, without the `xn--` prefix reserved for international names (RFC 5891): one whose rest does not
/// decode is refused in a URL host, stricter than Go (docs/limitations.md).
fn dns_label() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9-]{0,10}[a-z0-9]".prop_filter("no reserved `xn--` label", |label| !label.starts_with("xn--"))
}

/// Any string, control characters and every plane of Unicode included, but no template braces
/// (those are checked as Go templates, which arbitrary text is not).
fn free_text() -> impl Strategy<Value = String> {
    any::<String>().prop_filter("no template delimiters", |s| !s.contains("{{") && !s.contains("}}"))
}

#[derive(Debug, Clone)]
struct SiteParts {
    nodes: Vec<(String, Vec<String>)>,
    replicas: usize,
    label_values: Vec<String>,
    annotation: String,
    receivers: Vec<String>,
}

fn site_parts() -> impl Strategy<Value = SiteParts> {
    let taint = prop::sample::select(vec![
        "dedicated=monitoring:NoSchedule",
        "node-role.kubernetes.io/control-plane:NoSchedule",
        "gpu:NoExecute",
        "zone=a:PreferNoSchedule",
    ]);
    (
        prop::collection::btree_map(dns_label(), prop::collection::vec(taint, 0..3), 1..5),
        1usize..4,
        prop::collection::vec(free_text(), 1..4),
        free_text(),
        prop::collection::btree_set(dns_label(), 1..4),
    )
        .prop_map(|(nodes, replicas, label_values, annotation, receivers)| {
            let nodes: Vec<(String, Vec<String>)> = nodes
                .into_iter()
                .map(|(n, t)| (n, t.into_iter().map(str::to_owned).collect()))
                .collect();
            let replicas = replicas.min(nodes.len());
            SiteParts {
                nodes,
                replicas,
                label_values,
                annotation,
                receivers: receivers.into_iter().collect(),
            }
        })
}

/// Builds the site as a TOML table; `reverse` lists every set-like array in the opposite order.
fn site(parts: &SiteParts, reverse: bool) -> String {
    let ordered = |mut items: Vec<Value>| {
        if reverse {
            items.reverse();
        }
        Value::Array(items)
    };
    let mut root = Table::new();
    root.insert(
        "site".into(),
        Value::Table(Table::from_iter([("name".to_owned(), Value::from("prop"))])),
    );
    let nodes = parts
        .nodes
        .iter()
        .enumerate()
        .map(|(i, (name, taints))| {
            Value::Table(Table::from_iter([
                ("name".to_owned(), Value::from(name.clone())),
                ("address".to_owned(), Value::from(format!("10.0.0.{}", i + 1))),
                (
                    "taints".to_owned(),
                    ordered(taints.iter().cloned().map(Value::from).collect()),
                ),
            ]))
        })
        .collect();
    root.insert("nodes".into(), ordered(nodes));
    let pinned: Vec<Value> = parts
        .nodes
        .iter()
        .take(parts.replicas.max(1))
        .map(|(n, _)| Value::from(n.clone()))
        .collect();
    let labels: Table = parts
        .label_values
        .iter()
        .enumerate()
        .map(|(i, v)| (format!("label_{i}"), Value::from(v.clone())))
        .collect();
    root.insert(
        "prometheus".into(),
        Value::Table(Table::from_iter([
            (
                "replicas".to_owned(),
                Value::from(i64::try_from(pinned.len()).unwrap_or(1)),
            ),
            ("nodes".to_owned(), ordered(pinned)),
            ("external_labels".to_owned(), Value::Table(labels.clone())),
        ])),
    );
    root.insert(
        "route".into(),
        Value::Table(Table::from_iter([(
            "receiver".to_owned(),
            Value::from(parts.receivers[0].clone()),
        )])),
    );
    let receivers = parts
        .receivers
        .iter()
        .map(|r| {
            Value::Table(Table::from_iter([
                ("name".to_owned(), Value::from(r.clone())),
                (
                    "webhook".to_owned(),
                    Value::Array(vec![Value::Table(Table::from_iter([(
                        "url".to_owned(),
                        Value::from(format!("http://{r}.example:8080/")),
                    )]))]),
                ),
            ]))
        })
        .collect();
    root.insert("receivers".into(), ordered(receivers));
    let rule = Table::from_iter([
        ("alert".to_owned(), Value::from("Generated")),
        ("expr".to_owned(), Value::from("up == 0")),
        ("labels".to_owned(), Value::Table(labels)),
        (
            "annotations".to_owned(),
            Value::Table(Table::from_iter([(
                "summary".to_owned(),
                Value::from(parts.annotation.clone()),
            )])),
        ),
    ]);
    let group = Table::from_iter([
        ("name".to_owned(), Value::from("generated")),
        ("rules".to_owned(), Value::Array(vec![Value::Table(rule)])),
    ]);
    root.insert("rule_groups".into(), Value::Array(vec![Value::Table(group)]));
    toml::to_string(&root).expect("TOML serializes")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn reordering_set_like_input_changes_no_byte(parts in site_parts()) {
        let forward = common::compile_text("forward", &site(&parts, false));
        let backward = common::compile_text("backward", &site(&parts, true));
        prop_assert_eq!(forward.tree, backward.tree);
    }

    #[test]
    fn every_file_parses_back_to_its_object(parts in site_parts()) {
        let compiled = common::compile_text("site", &site(&parts, false));
        for (key, object) in &compiled.bundle.objects {
            let path = promsite::emit::layout::object_path(key);
            let read: serde_json::Value = serde_saphyr::from_str(&compiled.tree[&path]).expect("output parses");
            prop_assert_eq!(read, serde_json::to_value(object).expect("object serializes"), "{}", path);
        }
        let config: serde_json::Value = serde_saphyr::from_str(&compiled.tree["alertmanager.yml"]).expect("config parses");
        prop_assert_eq!(config, serde_json::to_value(&compiled.bundle.alertmanager_config).expect("serializes"));
    }
}
