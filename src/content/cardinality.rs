//! promsite's cardinality guards: for the control-plane scrapes that cost the most series, the
//! series no default rule reads and that no dashboard needs, dropped at scrape time (the
//! ServiceMonitors' `metricRelabelings`). Each list is switched on or off by `[cardinality]`.
//!
//! The lists stay conservative: whole histograms' `_bucket` series (their `_sum` and `_count`
//! stay, so rates and averages still work) and metrics of no operational use. `tests/it/cardinality.rs`
//! fails when a default rule selects a series a list drops, and measures what the lists drop on a
//! sample of documented metric names; `docs/cardinality.md` lists them for dashboard authors.

pub use crate::model::Guard;

/// One drop step: series whose `source_labels`, joined with `;`, match `regex` (fully anchored,
/// RE2) are dropped.
#[derive(Debug, Clone, Copy)]
pub struct Drop {
    /// Labels the regex is matched against.
    pub source_labels: &'static [&'static str],
    /// The regex (RE2 syntax, as Prometheus reads it).
    pub regex: &'static str,
    /// Why these series can go (for the docs).
    pub why: &'static str,
}

/// The client-go request and response size and rate-limiter histograms (host × verb × buckets).
const REST_CLIENT: Drop = Drop {
    source_labels: &["__name__"],
    regex: "rest_client_(?:request_size_bytes|response_size_bytes|rate_limiter_duration_seconds)_bucket",
    why: "client-go's request and response size and rate-limiter histograms, per host and verb; request counts \
          and latency (`rest_client_requests_total`, `rest_client_request_duration_seconds`) stay",
};

const KUBELET: &[Drop] = &[
    Drop {
        source_labels: &["__name__"],
        regex: "kubelet_(?:pod_start_sli_duration_seconds|pod_start_total_duration_seconds|image_pull_duration_seconds\
                |http_requests_duration_seconds)_bucket",
        why: "buckets of the pod-start SLI, image-pull and HTTP-handler histograms (20-50 buckets each); their \
              `_sum` and `_count` stay",
    },
    Drop {
        source_labels: &["__name__"],
        regex: "prober_probe_duration_seconds_bucket",
        why: "buckets of every liveness, readiness and startup probe's duration, per container and probe type; \
              `prober_probe_total` (the results) stays",
    },
    REST_CLIENT,
];

const CADVISOR: &[Drop] = &[
    Drop {
        source_labels: &["__name__"],
        regex: "container_(?:tasks_state|memory_failures_total|cpu_load_average_10s|threads_max|ulimits_soft\
                |last_seen|blkio_device_usage_total|spec_cpu_shares|spec_memory_reservation_limit_bytes\
                |spec_memory_swap_limit_bytes)",
        why: "per-container metrics of no operational use (task states, page-fault scopes, a load average the \
              kubelet does not collect, limits kube-state-metrics reports)",
    },
    Drop {
        source_labels: &["__name__"],
        regex: "container_fs_(?:io_current|io_time_seconds_total|io_time_weighted_seconds_total|reads_merged_total\
                |writes_merged_total|sector_reads_total|sector_writes_total|read_seconds_total|write_seconds_total)",
        why: "per-device block-layer details of each container; bytes and operations read and written \
              (`container_fs_reads_bytes_total`, `container_fs_reads_total`, …) stay",
    },
    Drop {
        source_labels: &["container", "image", "__name__"],
        regex: "(?:POD;[^;]*|;[^;]+);container_(?:cpu|memory|fs|blkio|tasks|processes|threads|sockets\
                |file_descriptors|ulimits|spec|last_seen|start_time|oom)_.*",
        why: "the pause (sandbox) container of every pod: `container=\"POD\"` (dockershim), or an image and no \
              container name (containerd, CRI-O). Its network series stay: the pod's network is counted there",
    },
];

const APISERVER: &[Drop] = &[
    Drop {
        source_labels: &["__name__"],
        regex: "apiserver_request_(?:sli|slo)_duration_seconds_bucket",
        why: "buckets of the SLI latency histograms (the SLO one is deprecated), per resource, verb and scope, \
              which repeat `apiserver_request_duration_seconds` that the rules read",
    },
    Drop {
        source_labels: &["__name__"],
        regex: "etcd_request_duration_seconds_bucket",
        why: "buckets of the API server's etcd request latency per operation and resource type, usually the \
              largest histogram of the API server; `_sum` and `_count` stay",
    },
    Drop {
        source_labels: &["__name__"],
        regex: "apiserver_(?:response_sizes|watch_events_sizes|request_body_size_bytes)_bucket",
        why: "buckets of response, watch-event and request-body size histograms per resource and verb",
    },
    Drop {
        source_labels: &["__name__"],
        regex: "apiserver_flowcontrol_(?:read_vs_write_current_requests|demand_seats|work_estimated_seats\
                |watch_count_samples)_bucket",
        why: "API Priority and Fairness' internal sampling histograms; its wait and execution times and seat \
              utilization stay",
    },
];

const ETCD: &[Drop] = &[
    Drop {
        source_labels: &["__name__"],
        regex: "etcd_debugging_.+",
        why: "etcd's debugging metrics, unstable by its own policy",
    },
    Drop {
        source_labels: &["__name__"],
        regex: "grpc_server_msg_(?:received|sent)_total|grpc_server_handling_seconds_bucket",
        why: "per-method gRPC message counts, and handling-time buckets (only with `--metrics=extensive`); \
              `grpc_server_started_total` and `grpc_server_handled_total`, which the rules read, stay",
    },
];

const CONTROLLER_MANAGER: &[Drop] = &[REST_CLIENT];

/// The drop steps of `guard`, in order.
pub fn drops(guard: Guard) -> &'static [Drop] {
    match guard {
        Guard::Kubelet => KUBELET,
        Guard::Cadvisor => CADVISOR,
        Guard::Apiserver => APISERVER,
        Guard::Etcd => ETCD,
        Guard::ControllerManager => CONTROLLER_MANAGER,
    }
}
