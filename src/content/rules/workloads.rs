//! Workloads: pods, controllers, Jobs, autoscalers, volumes and quotas, from kube-state-metrics
//! (the objects' state) and the kubelets (cAdvisor's CPU throttling, volume usage).

use super::{Class, Cx, Group, Severity};
use crate::model::default_rules::Thresholds;

/// The class.
pub(super) const CLASS: Class = Class {
    id: "workloads",
    title: "Workloads: pods, controllers and volumes",
    build,
};

fn build(cx: &Cx<'_>, g: &mut Group) {
    let t = cx.thresholds();
    if let Some(ksm) = &cx.jobs.kube_state_metrics {
        pods(t, ksm, g);
        controllers(ksm, g);
        jobs_and_autoscalers(t, ksm, g);
        storage_and_quotas(ksm, g);
        disruption_budgets(ksm, g);
    }
    if let Some(kubelet) = &cx.jobs.kubelet {
        volumes_and_throttling(t, kubelet, g);
    }
}

/// cAdvisor's container series, without the pod-level and cgroup-root ones (no `container`).
fn cadvisor(job: &str) -> String {
    format!(r#"job="{job}", metrics_path="/metrics/cadvisor", container!="", container!="POD""#)
}

fn pods(t: &Thresholds, ksm: &str, g: &mut Group) {
    g.alert(
        "KubeContainerCrashLooping",
        Severity::Warning,
        format!(
            r#"max by (namespace, pod, container) (increase(kube_pod_container_status_restarts_total{{job="{ksm}"}}[1h])) >= {}"#,
            t.restarts_per_hour
        ),
    )
    .for_("10m")
    .summary("Container {{ $labels.container }} of pod {{ $labels.namespace }}/{{ $labels.pod }} is crash looping.")
    .description(
        "Container {{ $labels.container }} of pod {{ $labels.namespace }}/{{ $labels.pod }} restarted \
         {{ $value | humanize }} times in the last hour.",
    )
    .meaning("A container keeps restarting (`restarts_per_hour` or more within an hour): it crashes, or fails its liveness probe.")
    .action(
        "`kubectl logs --previous -n <namespace> <pod> -c <container>` shows why the last run ended; `kubectl describe \
         pod` shows the exit code, OOMKilled, and failed probes.",
    );
    g.alert(
        "KubePodNotReady",
        Severity::Warning,
        format!(
            r#"max by (namespace, pod) (kube_pod_status_ready{{job="{ksm}", condition=~"false|unknown"}}) == 1 unless on (namespace, pod) max by (namespace, pod) (kube_pod_status_phase{{job="{ksm}", phase=~"Succeeded|Failed"}}) == 1"#
        ),
    )
    .for_("15m")
    .summary("Pod {{ $labels.namespace }}/{{ $labels.pod }} is not ready.")
    .description("Pod {{ $labels.namespace }}/{{ $labels.pod }} has not been ready for 15 minutes.")
    .meaning(
        "A pod that should run (not completed, not failed) has not been ready for 15 minutes: it is pending, \
         starting, or failing its readiness probe, and its Services do not send it traffic.",
    )
    .action(
        "`kubectl describe pod -n <namespace> <pod>`: the events say whether it cannot be scheduled, its image cannot \
         be pulled, its volumes do not mount, or its readiness probe fails.",
    );
    g.alert(
        "KubeContainerWaiting",
        Severity::Warning,
        format!(
            r#"max by (namespace, pod, container, reason) (kube_pod_container_status_waiting_reason{{job="{ksm}"}}) == 1"#
        ),
    )
    .for_("1h")
    .summary("Container {{ $labels.container }} of pod {{ $labels.namespace }}/{{ $labels.pod }} is stuck waiting.")
    .description(
        "Container {{ $labels.container }} of pod {{ $labels.namespace }}/{{ $labels.pod }} has been waiting for an \
         hour ({{ $labels.reason }}).",
    )
    .meaning(
        "A container has not started for an hour; the reason label says why (ImagePullBackOff, \
         CreateContainerConfigError, CrashLoopBackOff, ...).",
    )
    .action(
        "`kubectl describe pod -n <namespace> <pod>`: fix the image name or pull secret, the missing ConfigMap or \
         Secret, or the crash the reason names.",
    );
}

fn controllers(ksm: &str, g: &mut Group) {
    let by = |kind: &str, metric: &str| format!(r#"max by (namespace, {kind}) ({metric}{{job="{ksm}"}})"#);
    let checks = [
        (
            "KubeDeploymentReplicasMismatch",
            "deployment",
            "Deployment",
            format!(
                "{} > {}",
                by("deployment", "kube_deployment_spec_replicas"),
                by("deployment", "kube_deployment_status_replicas_available")
            ),
            "has fewer available replicas than it wants",
        ),
        (
            "KubeDeploymentRolloutStuck",
            "deployment",
            "Deployment",
            format!(
                r#"max by (namespace, deployment) (kube_deployment_status_condition{{job="{ksm}", condition="Progressing", status="false"}}) == 1"#
            ),
            "stopped progressing: its rollout exceeded its progress deadline",
        ),
        (
            "KubeStatefulSetReplicasMismatch",
            "statefulset",
            "StatefulSet",
            format!(
                "{} > {}",
                by("statefulset", "kube_statefulset_replicas"),
                by("statefulset", "kube_statefulset_status_replicas_ready")
            ),
            "has fewer ready replicas than it wants",
        ),
        (
            "KubeStatefulSetRolloutStuck",
            "statefulset",
            "StatefulSet",
            format!(
                "{} < {} and on (namespace, statefulset) max by (namespace, statefulset) \
                 (changes(kube_statefulset_status_replicas_updated{{job=\"{ksm}\"}}[15m])) == 0",
                by("statefulset", "kube_statefulset_status_replicas_updated"),
                by("statefulset", "kube_statefulset_replicas")
            ),
            "has replicas left on the old revision and its rollout made no progress for 15 minutes",
        ),
        (
            "KubeDaemonSetPodsUnavailable",
            "daemonset",
            "DaemonSet",
            format!(
                "{} > {}",
                by("daemonset", "kube_daemonset_status_desired_number_scheduled"),
                by("daemonset", "kube_daemonset_status_number_available")
            ),
            "has nodes without an available pod of it",
        ),
        (
            "KubeDaemonSetRolloutStuck",
            "daemonset",
            "DaemonSet",
            format!(
                "{} < {} and on (namespace, daemonset) max by (namespace, daemonset) \
                 (changes(kube_daemonset_status_updated_number_scheduled{{job=\"{ksm}\"}}[15m])) == 0",
                by("daemonset", "kube_daemonset_status_updated_number_scheduled"),
                by("daemonset", "kube_daemonset_status_desired_number_scheduled")
            ),
            "has pods left on the old revision and its rollout made no progress for 15 minutes",
        ),
        (
            "KubeDaemonSetMisscheduled",
            "daemonset",
            "DaemonSet",
            format!("{} > 0", by("daemonset", "kube_daemonset_status_number_misscheduled")),
            "runs pods on nodes it should not run on",
        ),
    ];
    for (name, label, kind, expr, what) in checks {
        g.alert(name, Severity::Warning, expr)
            .for_("15m")
            .summary(format!(
                "{kind} {{{{ $labels.namespace }}}}/{{{{ $labels.{label} }}}} {what}."
            ))
            .description(format!(
                "{kind} {{{{ $labels.namespace }}}}/{{{{ $labels.{label} }}}} {what}; it has been so for 15 minutes."
            ))
            .meaning(format!("A {kind} {what}, for 15 minutes."))
            .action(format!(
                "`kubectl rollout status -n <namespace> {} <name>` and `kubectl describe` of its newest pods: they \
                 cannot be scheduled (resources, taints, affinity), pull their image, or become ready.",
                kind.to_lowercase()
            ));
    }
}

fn jobs_and_autoscalers(t: &Thresholds, ksm: &str, g: &mut Group) {
    g.alert(
        "KubeJobFailed",
        Severity::Warning,
        format!(r#"max by (namespace, job_name) (kube_job_failed{{job="{ksm}", condition="true"}}) == 1"#),
    )
    .for_("5m")
    .summary("Job {{ $labels.namespace }}/{{ $labels.job_name }} failed.")
    .description("Job {{ $labels.namespace }}/{{ $labels.job_name }} failed: it reached its backoff limit or deadline.")
    .meaning("A Job failed. The alert stays until the Job is deleted (or its CronJob's history drops it).")
    .action(
        "`kubectl describe job -n <namespace> <job>` and the logs of its failed pods; delete the Job once understood.",
    );
    g.alert(
        "KubeJobRunningTooLong",
        Severity::Warning,
        format!(
            r#"time() - max by (namespace, job_name) (kube_job_status_start_time{{job="{ksm}"}}) > {} * 3600 and on (namespace, job_name) max by (namespace, job_name) (kube_job_status_active{{job="{ksm}"}}) > 0"#,
            t.job_running_hours
        ),
    )
    .summary("Job {{ $labels.namespace }}/{{ $labels.job_name }} runs for too long.")
    .description(format!(
        "Job {{{{ $labels.namespace }}}}/{{{{ $labels.job_name }}}} has been running for \
         {{{{ $value | humanizeDuration }}}} (threshold {} hours).",
        t.job_running_hours
    ))
    .meaning("A Job still has active pods after `job_running_hours`: it hangs, or its work outgrew its schedule.")
    .action(
        "Read its pods' logs to see whether it progresses; set `activeDeadlineSeconds` so a hung run ends, and check \
         that its CronJob does not start runs that overlap.",
    );
    g.alert(
        "KubeHPAMaxedOut",
        Severity::Warning,
        format!(
            r#"max by (namespace, horizontalpodautoscaler) (kube_horizontalpodautoscaler_status_current_replicas{{job="{ksm}"}}) >= max by (namespace, horizontalpodautoscaler) (kube_horizontalpodautoscaler_spec_max_replicas{{job="{ksm}"}})"#
        ),
    )
    .for_("15m")
    .summary("HorizontalPodAutoscaler {{ $labels.namespace }}/{{ $labels.horizontalpodautoscaler }} is at its maximum.")
    .description(
        "HorizontalPodAutoscaler {{ $labels.namespace }}/{{ $labels.horizontalpodautoscaler }} has run \
         {{ $value }} replicas, its maximum, for 15 minutes: it cannot scale out further.",
    )
    .meaning("An autoscaler has been at `maxReplicas` for 15 minutes: the load may exceed what the workload can serve.")
    .action(
        "Check the workload's latency and saturation; raise `maxReplicas` if the cluster has room, or find what drives \
         the load.",
    );
}

fn storage_and_quotas(ksm: &str, g: &mut Group) {
    g.alert(
        "KubePersistentVolumeErrors",
        Severity::Critical,
        format!(
            r#"max by (persistentvolume, phase) (kube_persistentvolume_status_phase{{job="{ksm}", phase=~"Failed|Pending"}}) == 1"#
        ),
    )
    .for_("5m")
    .summary("PersistentVolume {{ $labels.persistentvolume }} is {{ $labels.phase }}.")
    .description("PersistentVolume {{ $labels.persistentvolume }} has been in phase {{ $labels.phase }} for 5 minutes.")
    .meaning(
        "A PersistentVolume failed (its reclamation failed) or is stuck pending: the claims waiting for it, and their \
         pods, do not start.",
    )
    .action(
        "`kubectl describe pv <name>`: the events name the provisioner or reclaim error; check the storage backend \
         and the provisioner's logs.",
    );
    for (name, severity, op, what) in [
        ("KubeQuotaFullyUsed", Severity::Info, ">=", "is fully used"),
        ("KubeQuotaExceeded", Severity::Warning, ">", "is exceeded"),
    ] {
        g.alert(
            name,
            severity,
            format!(
                r#"max by (namespace, resourcequota, resource) (kube_resourcequota{{job="{ksm}", type="used"}}) / max by (namespace, resourcequota, resource) (kube_resourcequota{{job="{ksm}", type="hard"}} > 0) {op} 1"#
            ),
        )
        .for_("15m")
        .summary(format!(
            "Quota {{{{ $labels.namespace }}}}/{{{{ $labels.resourcequota }}}} {what} for {{{{ $labels.resource }}}}."
        ))
        .description(format!(
            "ResourceQuota {{{{ $labels.namespace }}}}/{{{{ $labels.resourcequota }}}} {what}: \
             {{{{ $labels.resource }}}} is at {{{{ $value | humanizePercentage }}}} of its hard limit."
        ))
        .meaning(format!(
            "A namespace's ResourceQuota {what} for a resource: new pods or objects that need more of it are refused."
        ))
        .action(
            "`kubectl describe resourcequota -n <namespace>`: raise the quota with the namespace's owners, or free the \
             resource (scale down, delete what is unused).",
        );
    }
}

fn volumes_and_throttling(t: &Thresholds, kubelet: &str, g: &mut Group) {
    let stats = |metric: &str| {
        format!(r#"max by (namespace, persistentvolumeclaim) ({metric}{{job="{kubelet}", metrics_path="/metrics"}})"#)
    };
    g.alert(
        "KubePersistentVolumeFillingUp",
        Severity::Warning,
        format!(
            r#"max by (namespace, persistentvolumeclaim) (predict_linear(kubelet_volume_stats_available_bytes{{job="{kubelet}", metrics_path="/metrics"}}[6h], {} * 3600)) < 0 and {} / {} < 0.4"#,
            t.filesystem_fill_hours,
            stats("kubelet_volume_stats_available_bytes"),
            stats("kubelet_volume_stats_capacity_bytes")
        ),
    )
    .for_("1h")
    .summary("Volume of claim {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} is filling up.")
    .description(format!(
        "At the rate of the last 6 hours, the volume of PersistentVolumeClaim \
         {{{{ $labels.namespace }}}}/{{{{ $labels.persistentvolumeclaim }}}} is full within {} hours.",
        t.filesystem_fill_hours
    ))
    .meaning("A mounted PersistentVolume with less than 40% free is predicted to fill within `filesystem_fill_hours`.")
    .action("Find what grows in the volume (the application's data, logs, WAL); clean up or expand the claim.");
    for (name, free, total, what, threshold) in [
        (
            "KubePersistentVolumeAlmostFull",
            "kubelet_volume_stats_available_bytes",
            "kubelet_volume_stats_capacity_bytes",
            "space",
            t.volume_free_percent,
        ),
        (
            "KubePersistentVolumeInodesAlmostFull",
            "kubelet_volume_stats_inodes_free",
            "kubelet_volume_stats_inodes",
            "inodes",
            t.inodes_free_percent,
        ),
    ] {
        g.alert(
            name,
            Severity::Warning,
            format!("100 * {} / {} < {threshold}", stats(free), stats(total)),
        )
        .for_("15m")
        .summary(format!(
            "Volume of claim {{{{ $labels.namespace }}}}/{{{{ $labels.persistentvolumeclaim }}}} is almost out of {what}."
        ))
        .description(format!(
            "The volume of PersistentVolumeClaim {{{{ $labels.namespace }}}}/{{{{ $labels.persistentvolumeclaim }}}} \
             has {{{{ $value | humanize }}}}% of its {what} left (threshold {threshold}%)."
        ))
        .meaning(format!("A mounted PersistentVolume is almost out of {what}: its application's writes will fail."))
        .action(
            "Expand the claim (`kubectl edit pvc`, if its StorageClass allows expansion) or clean up what the \
             application keeps.",
        );
    }
    let c = cadvisor(kubelet);
    g.alert(
        "KubeContainerCPUThrottled",
        Severity::Info,
        format!(
            "100 * sum by (namespace, pod, container) (increase(container_cpu_cfs_throttled_periods_total{{{c}}}[5m])) \
             / sum by (namespace, pod, container) (increase(container_cpu_cfs_periods_total{{{c}}}[5m])) > {}",
            t.cpu_throttling_percent
        ),
    )
    .for_("15m")
    .summary("Container {{ $labels.container }} of pod {{ $labels.namespace }}/{{ $labels.pod }} is CPU-throttled.")
    .description(format!(
        "Container {{{{ $labels.container }}}} of pod {{{{ $labels.namespace }}}}/{{{{ $labels.pod }}}} was throttled \
         in {{{{ $value | humanize }}}}% of its CPU periods (threshold {}%).",
        t.cpu_throttling_percent
    ))
    .meaning("A container often hits its CPU limit and is paused until the next period: its latency suffers.")
    .action("Raise or remove the container's CPU limit, or find why it needs more CPU than it was given.");
}

fn disruption_budgets(ksm: &str, g: &mut Group) {
    g.alert(
        "KubePodDisruptionBudgetUnhealthy",
        Severity::Warning,
        format!(
            r#"max by (namespace, poddisruptionbudget) (kube_poddisruptionbudget_status_current_healthy{{job="{ksm}"}}) < max by (namespace, poddisruptionbudget) (kube_poddisruptionbudget_status_desired_healthy{{job="{ksm}"}})"#
        ),
    )
    .for_("15m")
    .summary("PodDisruptionBudget {{ $labels.namespace }}/{{ $labels.poddisruptionbudget }} is not met.")
    .description(
        "PodDisruptionBudget {{ $labels.namespace }}/{{ $labels.poddisruptionbudget }} has {{ $value }} healthy pods, \
         fewer than it requires, for 15 minutes: no pod of it may be evicted.",
    )
    .meaning(
        "Fewer pods are healthy than a PodDisruptionBudget requires: the application runs below its own minimum, \
         and node drains (upgrades, maintenance) block on it.",
    )
    .action("Find why its pods are not healthy (`KubePodNotReady`, `KubeContainerCrashLooping`) and fix that first.");
}
