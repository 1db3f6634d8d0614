//! The queries prometheus-adapter answers the resource metrics API (`metrics.k8s.io`, what
//! `kubectl top` and CPU- and memory-based HorizontalPodAutoscalers read) with: CPU and
//! working-set memory of containers and nodes, from cAdvisor as the kubelets serve it. Written as
//! prometheus-adapter templates (`<<.LabelMatchers>>`, `<<.GroupBy>>`); a unit test in
//! `check/syntax/adapter_query.rs` parses them as the adapter fills them in.

/// The rate window of the CPU queries, also the window the adapter reports.
pub const WINDOW: &str = "5m";

/// The four queries of the adapter's `resourceRules`.
#[derive(Debug, Clone)]
pub struct Queries {
    /// CPU cores per container.
    pub cpu_container: String,
    /// CPU cores per node.
    pub cpu_node: String,
    /// Working-set bytes per container.
    pub memory_container: String,
    /// Working-set bytes per node.
    pub memory_node: String,
}

/// The queries over the cAdvisor series of the kubelet job `job`. Containers are the application
/// containers (not the pause container, not the pod's cgroup); a node is its root cgroup (`id="/"`),
/// as metrics-server reports it. The matchers the adapter adds come last, so the selector stays
/// valid PromQL when it adds none.
pub fn queries(job: &str) -> Queries {
    let cadvisor = format!(r#"job="{job}", metrics_path="/metrics/cadvisor""#);
    let container = format!(r#"{cadvisor}, container!="", container!="POD", pod!="", <<.LabelMatchers>>"#);
    // The root cgroup has neither a container nor an image; saying so keeps the pause containers'
    // series (which the cAdvisor drop list drops) out of the selector's reach.
    let node = format!(r#"{cadvisor}, id="/", container="", image="", <<.LabelMatchers>>"#);
    Queries {
        cpu_container: format!(
            "sum by (<<.GroupBy>>) (rate(container_cpu_usage_seconds_total{{{container}}}[{WINDOW}]))"
        ),
        cpu_node: format!("sum by (<<.GroupBy>>) (rate(container_cpu_usage_seconds_total{{{node}}}[{WINDOW}]))"),
        memory_container: format!("sum by (<<.GroupBy>>) (container_memory_working_set_bytes{{{container}}})"),
        memory_node: format!("sum by (<<.GroupBy>>) (container_memory_working_set_bytes{{{node}}})"),
    }
}
