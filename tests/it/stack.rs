//! The complete stack: the operator's CRDs in `setup/`, components switched on and off, and names
//! promsite generates being reserved.

use crate::common;

use std::collections::BTreeSet;

use promsite::diag::SiteSource;
use promsite::model::names;
use promsite::pipeline;

#[test]
fn crds_are_a_separate_pinned_kustomization_outside_the_offline_build() {
    let compiled = common::compile("sites/example.toml");
    let setup = common::yaml(&compiled.tree["setup/kustomization.yaml"]);
    let version = &compiled.bundle.versions["prometheus-operator"];
    let resources = setup["resources"].as_array().expect("resources");
    assert_eq!(resources.len(), 10, "one file per operator CRD");
    for url in resources {
        let url = url.as_str().expect("URL");
        assert!(
            url.starts_with("https://") && url.contains(&format!("/{version}/")),
            "{url} is not pinned to {version}"
        );
    }
    assert_eq!(
        setup["commonAnnotations"]["argocd.argoproj.io/sync-options"],
        "ServerSideApply=true"
    );
    assert_eq!(setup["commonAnnotations"]["argocd.argoproj.io/sync-wave"], "-1");
    let main = common::yaml(&compiled.tree["kustomization.yaml"]);
    let listed: Vec<&str> = main["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .filter_map(|r| r.as_str())
        .collect();
    assert!(
        listed.iter().all(|r| !r.starts_with("setup/") && !r.contains("://")),
        "the main kustomization must build offline"
    );
    let marker = common::yaml(&compiled.tree[".promsite.yaml"]);
    assert!(
        marker["files"]
            .as_array()
            .expect("files")
            .iter()
            .any(|f| f == "setup/kustomization.yaml")
    );
}

#[test]
fn switched_off_components_are_not_generated() {
    let compiled = common::compile("tests/fixtures/components-off/site.toml");
    let kinds: Vec<String> = compiled
        .bundle
        .objects
        .keys()
        .map(|k| format!("{}/{}", k.kind, k.name))
        .collect();
    for absent in [
        "Deployment/prometheus-operator",
        "DaemonSet/node-exporter",
        "Deployment/kube-state-metrics",
        "ServiceMonitor/kubelet",
        "ServiceMonitor/coredns",
    ] {
        assert!(
            !kinds.contains(&absent.to_owned()),
            "{absent} was generated although switched off"
        );
    }
    assert!(
        !compiled.tree.contains_key("setup/kustomization.yaml"),
        "crds = \"none\" writes no setup/"
    );
    let on = common::compile("tests/fixtures/minimal/site.toml");
    let on_kinds: Vec<String> = on
        .bundle
        .objects
        .keys()
        .map(|k| format!("{}/{}", k.kind, k.name))
        .collect();
    for present in [
        "Deployment/prometheus-operator",
        "DaemonSet/node-exporter",
        "Deployment/kube-state-metrics",
        "ServiceMonitor/kubelet",
    ] {
        assert!(on_kinds.contains(&present.to_owned()), "{present} is on by default");
    }
}

/// The names `[[scrape]]` and `[[api_clients]]` entries cannot take (`model::names`, which the
/// renderers name their objects from) are exactly the ServiceMonitors and ServiceAccounts promsite
/// generates for itself in the site's namespace with every component on: none missing, so a site
/// object never overwrites one of promsite's, and none stale, so no valid name is refused.
#[test]
fn reserved_names_are_the_generated_ones() {
    let path = "tests/fixtures/multi-node/site.toml";
    let site = match pipeline::check(&common::source(path)) {
        Ok(checked) => checked.site,
        Err(diagnostics) => panic!("{path}: {diagnostics:#?}"),
    };
    let compiled = common::compile(path);
    let generated = |kind: &str, own: &[&str]| -> BTreeSet<String> {
        compiled
            .bundle
            .objects
            .keys()
            .filter(|k| k.kind == kind && k.namespace.as_deref() == Some(site.namespace.as_str()))
            .filter(|k| !own.contains(&k.name.as_str()))
            .map(|k| k.name.clone())
            .collect()
    };
    let reserved = |names: &[&str]| -> BTreeSet<String> { names.iter().map(|n| (*n).to_owned()).collect() };
    let scrapes: Vec<&str> = site.scrapes.iter().map(|s| s.name.as_str()).collect();
    assert!(
        !scrapes.is_empty(),
        "{path} has [[scrape]] entries, so the filter is exercised"
    );
    assert_eq!(generated("ServiceMonitor", &scrapes), reserved(names::SERVICE_MONITORS));
    let clients: Vec<&str> = site
        .api_clients
        .iter()
        .filter(|c| c.namespace == site.namespace)
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(generated("ServiceAccount", &clients), reserved(names::SERVICE_ACCOUNTS));
    // And the check refuses them: one scrape and one API client per reserved name.
    let scrape = |n: &&str| format!("[[scrape]]\nname = \"{n}\"\nselector = {{ app = \"x\" }}\nport = \"metrics\"\n");
    let client = |n: &&str| {
        format!(
            "[[api_clients]]\nname = \"{n}\"\nnamespace = \"monitoring\"\nresources = [\"prometheusrules\"]\nverbs = [\"get\"]\n"
        )
    };
    for section in names::SERVICE_MONITORS
        .iter()
        .map(scrape)
        .chain(names::SERVICE_ACCOUNTS.iter().map(client))
    {
        let text = format!(
            "[site]\nname = \"reserved\"\n\n[route]\nreceiver = \"r\"\n\n[[receivers]]\nname = \"r\"\n\n{section}"
        );
        let codes: Vec<&str> = match pipeline::check(&SiteSource::new("reserved.toml", text)) {
            Ok(_) => Vec::new(),
            Err(diagnostics) => diagnostics.sorted().iter().map(|d| d.code.id()).collect(),
        };
        assert_eq!(codes, ["name::collision"], "{section} must be refused");
    }
}

/// Grafana's data source is the site's Prometheus Service, and its admin credentials come only
/// from the named Secret.
#[test]
fn grafana_points_at_the_prometheus_service_and_reads_its_admin_from_a_secret() {
    let compiled = common::compile("tests/fixtures/multi-node/site.toml");
    let object = |path: &str| common::yaml(compiled.tree.get(path).unwrap_or_else(|| panic!("{path} is generated")));
    let datasources = object("observability/configmap-grafana-datasources.yaml");
    let provisioning = common::yaml(
        datasources["data"]["prometheus.yaml"]
            .as_str()
            .expect("provisioning file"),
    );
    let url = provisioning["datasources"][0]["url"].as_str().expect("url");
    let service = object("observability/service-prometheus-k8s.yaml");
    let port = service["spec"]["ports"][0]["port"].as_u64().expect("port");
    // The fixture serves Prometheus over HTTPS under a route prefix: the data source follows both.
    let prometheus = object("observability/prometheus-k8s.yaml");
    let prefix = prometheus["spec"]["routePrefix"].as_str().expect("routePrefix");
    assert!(prometheus["spec"]["web"]["tlsConfig"].is_object());
    assert_eq!(url, format!("https://prometheus-k8s.observability.svc:{port}{prefix}"));
    let deployment = object("observability/deployment-grafana.yaml");
    let env = deployment["spec"]["template"]["spec"]["containers"][0]["env"]
        .as_array()
        .expect("env");
    for (name, key) in [
        ("GF_SECURITY_ADMIN_USER", "user"),
        ("GF_SECURITY_ADMIN_PASSWORD", "password"),
    ] {
        let var = env
            .iter()
            .find(|v| v["name"] == name)
            .unwrap_or_else(|| panic!("{name} is set"));
        assert!(var.get("value").is_none(), "{name} must not be a literal");
        assert_eq!(
            var["valueFrom"]["secretKeyRef"],
            serde_json::json!({"name": "grafana-credentials", "key": key})
        );
    }
    let marker = common::yaml(&compiled.tree[".promsite.yaml"]);
    assert!(
        marker["required-secrets"]
            .as_array()
            .expect("secrets")
            .iter()
            .any(|s| s == "observability/grafana-credentials")
    );
}

/// Each NetworkPolicy selects the pods behind one of the generated Services (so none is dangling),
/// and policies exist only when switched on.
#[test]
fn network_policies_select_the_stacks_pods() {
    let compiled = common::compile("tests/fixtures/multi-node/site.toml");
    let objects: Vec<serde_json::Value> = compiled.tree.values().map(|t| common::yaml(t)).collect();
    let selectors: Vec<&serde_json::Value> = objects
        .iter()
        .filter(|o| o["kind"] == "Service")
        .map(|s| &s["spec"]["selector"])
        .collect();
    let policies: Vec<&serde_json::Value> = objects.iter().filter(|o| o["kind"] == "NetworkPolicy").collect();
    assert_eq!(
        policies.len(),
        5,
        "Prometheus, Alertmanager, Grafana, kube-state-metrics, operator"
    );
    for policy in &policies {
        let pods = &policy["spec"]["podSelector"]["matchLabels"];
        assert!(
            selectors.contains(&pods),
            "{} selects pods no Service selects: {pods}",
            policy["metadata"]["name"]
        );
        assert_eq!(
            policy["spec"]["policyTypes"],
            serde_json::json!(["Ingress"]),
            "egress stays open so Prometheus reaches its targets"
        );
    }
    let alertmanager = policies
        .iter()
        .find(|p| p["metadata"]["name"] == "alertmanager-main")
        .expect("Alertmanager policy");
    let mesh = &alertmanager["spec"]["ingress"][1];
    assert_eq!(
        mesh["from"][0]["podSelector"]["matchLabels"], alertmanager["spec"]["podSelector"]["matchLabels"],
        "the mesh is between replicas"
    );
    // Grafana has a NodePort there: its clients come from outside the cluster, which no namespace selector admits.
    let grafana = policies
        .iter()
        .find(|p| p["metadata"]["name"] == "grafana")
        .expect("Grafana policy");
    assert!(
        grafana["spec"]["ingress"][0].get("from").is_none(),
        "a NodePort behind a namespace-only policy reaches nothing"
    );
    let prometheus = policies
        .iter()
        .find(|p| p["metadata"]["name"] == "prometheus-k8s")
        .expect("Prometheus policy");
    assert!(
        prometheus["spec"]["ingress"][0]["from"][0]["namespaceSelector"].is_object(),
        "without a NodePort, only the namespaces"
    );
    let default = common::compile("tests/fixtures/minimal/site.toml");
    assert!(
        default.bundle.objects.keys().all(|k| k.kind != "NetworkPolicy"),
        "off by default"
    );
}

/// The operator's config-reloader sidecars are scraped through ClusterIP Services of their own:
/// with NodePort web Services (components-off sets both), the reloader port never gets a node port,
/// and its Service selects the same pods as the web Service.
#[test]
fn config_reloaders_are_scraped_but_never_node_ports() {
    let compiled = common::compile("tests/fixtures/components-off/site.toml");
    let objects: Vec<serde_json::Value> = compiled.tree.values().map(|t| common::yaml(t)).collect();
    let named = |kind: &str, name: &str| {
        objects
            .iter()
            .find(|o| o["kind"] == kind && o["metadata"]["name"] == name)
            .unwrap_or_else(|| panic!("{kind} {name}"))
            .clone()
    };
    for (web, reloader) in [
        ("prometheus-k8s", "prometheus-k8s-config-reloader"),
        ("alertmanager-main", "alertmanager-main-config-reloader"),
    ] {
        let web_service = named("Service", web);
        assert_eq!(web_service["spec"]["type"], "NodePort", "the fixture exposes {web}");
        let service = named("Service", reloader);
        assert!(
            service["spec"].get("type").is_none(),
            "{reloader} is a ClusterIP Service"
        );
        assert_eq!(service["spec"]["selector"], web_service["spec"]["selector"]);
        assert_eq!(
            service["spec"]["ports"],
            serde_json::json!([{"name": "reloader-web", "port": 8080, "targetPort": "reloader-web"}])
        );
        let monitor = named("ServiceMonitor", reloader);
        assert_eq!(
            monitor["spec"]["endpoints"],
            serde_json::json!([{"port": "reloader-web"}])
        );
        let selector = monitor["spec"]["selector"]["matchLabels"]
            .as_object()
            .expect("matchLabels");
        for (key, value) in selector {
            assert_eq!(
                &service["metadata"]["labels"][key], value,
                "{reloader} selects its Service"
            );
        }
        assert!(
            selector.iter().any(|(k, v)| web_service["metadata"]["labels"][k] != *v),
            "the reloader monitor must not select the web Service"
        );
    }
    for service in objects.iter().filter(|o| o["kind"] == "Service") {
        for port in service["spec"]["ports"].as_array().into_iter().flatten() {
            assert!(
                port["name"] != "reloader-web" || port.get("nodePort").is_none(),
                "{} exposes the reloader on a node port",
                service["metadata"]["name"]
            );
        }
    }
}

/// Each dashboard file is shipped byte for byte in its own ConfigMap, mounted where Grafana's file
/// provider reads it.
#[test]
fn grafana_dashboards_are_provisioned_from_the_files() {
    let compiled = common::compile("tests/fixtures/multi-node/site.toml");
    let deployment = common::yaml(&compiled.tree["observability/deployment-grafana.yaml"]);
    let pod = &deployment["spec"]["template"]["spec"];
    let mounts = pod["containers"][0]["volumeMounts"].as_array().expect("mounts");
    for (file, slug) in [
        ("dashboards/node-overview.json", "node-overview"),
        ("dashboards/kubernetes/Pod_Restarts.json", "kubernetes-pod-restarts"),
    ] {
        let written = std::fs::read_to_string(common::root().join("tests/fixtures/multi-node").join(file))
            .expect("dashboard file");
        let config_map =
            common::yaml(&compiled.tree[&format!("observability/configmap-grafana-dashboard-{slug}.yaml")]);
        let data = config_map["data"].as_object().expect("data");
        assert_eq!(data.len(), 1);
        assert_eq!(
            data.values().next().and_then(|v| v.as_str()),
            Some(written.as_str()),
            "{file} is shipped as written"
        );
        let volume = pod["volumes"]
            .as_array()
            .expect("volumes")
            .iter()
            .find(|v| v["configMap"]["name"] == format!("grafana-dashboard-{slug}"))
            .expect("a volume");
        let mount = mounts.iter().find(|m| m["name"] == volume["name"]).expect("a mount");
        assert_eq!(mount["mountPath"], format!("/var/lib/grafana/dashboards/{slug}"));
    }
    let providers = common::yaml(&compiled.tree["observability/configmap-grafana-dashboard-providers.yaml"]);
    let provider = common::yaml(providers["data"]["promsite.yaml"].as_str().expect("provider file"));
    assert_eq!(
        provider["providers"][0]["options"]["path"],
        "/var/lib/grafana/dashboards"
    );
}

/// Whatever monitoring object a declared API client may create in its namespace is read by the
/// resource that consumes that kind: both its selector and its namespace selector are set (the
/// operator reads a missing selector as "nothing", a missing namespace selector as "own namespace
/// only"), and Prometheus may discover the targets of the client's monitors there.
#[test]
fn every_kind_an_api_client_may_create_is_selected() {
    let site = r#"
[site]
name = "clients"
namespace = "monitoring"

[route]
receiver = "r"

[[receivers]]
name = "r"
webhook = [{ url = "http://hook.example.com/alarm" }]

[[api_clients]]
name = "platform"
namespace = "platform"
resources = ["prometheusrules", "servicemonitors", "podmonitors", "probes", "scrapeconfigs", "alertmanagerconfigs"]
verbs = ["get", "create"]
"#;
    let compiled = common::compile_text("clients.toml", site);
    let prometheus = common::yaml(&compiled.tree["monitoring/prometheus-k8s.yaml"]);
    let alertmanager = common::yaml(&compiled.tree["monitoring/alertmanager-main.yaml"]);
    let selected = |spec: &serde_json::Value, selector: &str| {
        assert_eq!(
            spec[format!("{selector}Selector")],
            serde_json::json!({}),
            "{selector}Selector selects nothing"
        );
        let namespaces = &spec[format!("{selector}NamespaceSelector")]["matchExpressions"][0];
        assert_eq!(namespaces["key"], "kubernetes.io/metadata.name");
        assert!(
            namespaces["values"]
                .as_array()
                .is_some_and(|v| v.contains(&"platform".into())),
            "{selector}NamespaceSelector misses the client's namespace"
        );
    };
    for selector in ["rule", "serviceMonitor", "podMonitor", "probe", "scrapeConfig"] {
        selected(&prometheus["spec"], selector);
    }
    selected(&alertmanager["spec"], "alertmanagerConfig");
    assert!(
        compiled.tree.contains_key("platform/role-prometheus-k8s.yaml"),
        "Prometheus may not discover the client's targets"
    );
    let minimal = common::compile("tests/fixtures/minimal/site.toml");
    let alertmanager = common::yaml(&minimal.tree["monitoring/alertmanager-main.yaml"]);
    assert!(
        alertmanager["spec"].get("alertmanagerConfigSelector").is_none(),
        "no client, no AlertmanagerConfigs"
    );
}

/// A PodMonitor lives in the site's namespace, looks in its pods' namespace, is selected by the
/// Prometheus resource, and Prometheus may list the pods there; its Secrets are required.
#[test]
fn pod_monitors_are_selected_and_their_pods_discoverable() {
    let text = common::site_with(
        "[[pod_monitor]]\nname = \"jobs\"\nnamespace = \"batch\"\nnamespaces = [\"etl\", \"batch\"]\nselector = { app = \"batch\" }\nport = \"metrics\"\nbasic_auth = { secret = \"jobs-auth\", username_key = \"user\", password_key = \"pass\" }\n",
    );
    let compiled = common::compile_text("pods.toml", &text);
    let monitor = common::yaml(&compiled.tree["monitoring/podmonitor-jobs.yaml"]);
    assert_eq!(
        monitor["spec"]["namespaceSelector"]["matchNames"],
        serde_json::json!(["batch", "etl"]),
        "`namespace` and `namespaces` together, sorted, each once"
    );
    assert_eq!(monitor["spec"]["podMetricsEndpoints"][0]["port"], "metrics");
    let prometheus = common::yaml(&compiled.tree["monitoring/prometheus-k8s.yaml"]);
    assert_eq!(prometheus["spec"]["podMonitorSelector"], serde_json::json!({}));
    let namespaces = &prometheus["spec"]["podMonitorNamespaceSelector"]["matchExpressions"][0]["values"];
    assert!(
        namespaces.as_array().is_some_and(|v| v.contains(&"monitoring".into())),
        "the PodMonitor's own namespace is not selected: {namespaces}"
    );
    for namespace in ["batch", "etl"] {
        let role = common::yaml(&compiled.tree[&format!("{namespace}/role-prometheus-k8s.yaml")]);
        let grants_pods = role["rules"].as_array().is_some_and(|rules| {
            rules.iter().any(|r| {
                r["resources"]
                    .as_array()
                    .is_some_and(|res| res.contains(&"pods".into()))
                    && ["list", "watch"]
                        .iter()
                        .all(|verb| r["verbs"].as_array().is_some_and(|v| v.contains(&(*verb).into())))
            })
        });
        assert!(grants_pods, "Prometheus may not list pods in `{namespace}`: {role}");
        let binding = common::yaml(&compiled.tree[&format!("{namespace}/rolebinding-prometheus-k8s.yaml")]);
        assert_eq!(binding["subjects"][0]["namespace"], "monitoring");
    }
    assert!(
        compiled.tree[".promsite.yaml"].contains("monitoring/jobs-auth"),
        "the PodMonitor's Secret is not listed as required"
    );
    // Without PodMonitors (and no API client that may create them), Prometheus selects none.
    let minimal = common::compile("tests/fixtures/minimal/site.toml");
    let prometheus = common::yaml(&minimal.tree["monitoring/prometheus-k8s.yaml"]);
    assert!(prometheus["spec"].get("podMonitorSelector").is_none());
}
