//! Rule groups as Prometheus reads them: the PrometheusRule objects that carry them, the durations
//! rules take (zero included), and the names and fields that depend on the Prometheus release the
//! site targets. Group names are Prometheus names and stay exactly as written; the object names
//! are promsite's business.

use sha2::{Digest, Sha256};

use super::syntax::values::{self, Checked, Problem};
use super::versions::{self, Version};
use crate::model::Duration;

/// Where a rule group comes from: the PrometheusRule carrying it is named after this.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source<'a> {
    /// An inline `[[rule_groups]]` entry with this group name: one object per group.
    Inline(&'a str),
    /// A rule file at this path (relative to the site file): one object for all its groups.
    File(&'a str),
}

/// Kubernetes names for the PrometheusRules of `sources`, one each, in order: valid (DNS-1123
/// subdomains), unique and stable. A source's name is its inline group name or its file's name
/// without `.yaml`/`.yml`, lower-cased, with every character a Kubernetes name cannot hold made a
/// `-`. An inline group whose name is a Kubernetes name already keeps it. Where names clash
/// (`Team A` and `team-a`, or `general.yaml` in two directories), each clashing source gets a short
/// hash of its origin appended, except an inline group named exactly so, which keeps the plain name.
pub(crate) fn object_names(sources: &[Source<'_>]) -> Vec<String> {
    let candidates: Vec<String> = sources.iter().map(|s| sanitize(base(*s))).collect();
    let exact = |i: usize| matches!(sources[i], Source::Inline(name) if candidates[i] == name);
    let mut names: Vec<String> = (0..sources.len())
        .map(|i| {
            let clashing: Vec<usize> = (0..sources.len()).filter(|&j| candidates[j] == candidates[i]).collect();
            let exact_owner = clashing.iter().copied().filter(|&j| exact(j)).collect::<Vec<_>>();
            let plain = clashing.len() == 1 || exact_owner == [i];
            if plain {
                candidates[i].clone()
            } else {
                format!("{}-{}", candidates[i], short_hash(sources[i]))
            }
        })
        .collect();
    // A hash that lands on another source's name (never seen, but cheap to rule out) takes a number.
    for i in 0..names.len() {
        let mut n = 2;
        let original = names[i].clone();
        while names[..i].contains(&names[i]) {
            names[i] = format!("{original}-{n}");
            n += 1;
        }
    }
    names
}

fn base(source: Source<'_>) -> &str {
    match source {
        Source::Inline(name) => name,
        Source::File(path) => {
            let file = path.rsplit('/').next().unwrap_or(path);
            file.strip_suffix(".yaml")
                .or_else(|| file.strip_suffix(".yml"))
                .unwrap_or(file)
        }
    }
}

fn short_hash(source: Source<'_>) -> String {
    let origin = match source {
        Source::Inline(name) => format!("inline:{name}"),
        Source::File(path) => format!("file:{path}"),
    };
    let digest = Sha256::digest(origin.as_bytes());
    digest.iter().take(4).fold(String::new(), |mut hex, b| {
        hex.push_str(&format!("{b:02x}"));
        hex
    })
}

/// The longest name before the hash suffix (`-` and 8 hex digits) within Kubernetes' 253.
const MAX_BASE: usize = 253 - 9;

/// `text` made a DNS-1123 subdomain; unchanged if it is one.
fn sanitize(text: &str) -> String {
    let mapped: String = text
        .chars()
        .map(|c| match c.to_ascii_lowercase() {
            c @ ('a'..='z' | '0'..='9' | '.' | '-') => c,
            _ => '-',
        })
        .collect();
    let mut name = String::new();
    for label in mapped.split('.') {
        let label = label.trim_matches('-');
        let label = label[..label.len().min(63)].trim_end_matches('-');
        if label.is_empty() || name.len() + 1 + label.len() > MAX_BASE {
            continue;
        }
        if !name.is_empty() {
            name.push('.');
        }
        name.push_str(label);
    }
    if name.is_empty() { "rules".to_owned() } else { name }
}

/// A duration in a rule or group (`for`, `keep_firing_for`, `interval`, `query_offset`): any
/// Prometheus duration, zero included (`0s`, `0m`, and the bare `0` Prometheus also reads).
pub(crate) fn duration(text: &str) -> Checked<Duration> {
    if text == "0" || values::duration_millis(text) == Some(0) {
        return Ok(Duration::new(text, 0));
    }
    values::duration(text)
}

/// The release that made names UTF-8: alert, record and label names of any text.
const UTF8_NAMES: Version = Version::new(3, 0, 0);

/// Whether `version` reads names as UTF-8 (Prometheus 3) rather than in the classic syntax.
fn utf8(version: Version) -> bool {
    version >= UTF8_NAMES
}

/// An alert (`what` = "alert") or record name, as the targeted Prometheus reads it.
pub(crate) fn rule_name(version: Version, name: &str, what: &str) -> Checked<()> {
    if !utf8(version) {
        return if values::metric_name(name) {
            Ok(())
        } else {
            Err(Problem::new(
                format!("`{name}` is not a valid {what} name for Prometheus {version}"),
                "use letters, digits, `_` and `:`, not starting with a digit, e.g. `OcrPodRestart`; Prometheus 3 takes any name",
            ))
        };
    }
    // Any text is a name in Prometheus 3; a record name with a selector in it is a mistake it refuses.
    if what == "record" && name.contains('{') && name.contains('}') {
        return Err(Problem::new(
            format!("`{name}` has braces: Prometheus refuses a record name that looks like a selector"),
            "put the selector in `expr`, and name the result after it, e.g. `job:http_errors:rate5m`",
        ));
    }
    Ok(())
}

/// A label name of a rule or group (`section` = "labels") or an annotation name.
pub(crate) fn label_name(version: Version, name: &str, section: &str) -> Checked<()> {
    if !utf8(version) {
        return values::label_name(name);
    }
    if name.is_empty() {
        return Err(Problem::new(
            "a label name cannot be empty",
            "name the label, e.g. `severity`",
        ));
    }
    if section == "labels" && name == "__name__" {
        return Err(Problem::new(
            "`__name__` cannot be set by a rule",
            "name the recorded series with `record`; `__name__` is the metric name Prometheus sets itself",
        ));
    }
    Ok(())
}

/// A rule-group or rule field and the Prometheus release that introduced it (from Prometheus'
/// CHANGELOG.md).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Feature {
    field: &'static str,
    since: Version,
}

/// A group's `limit`: 2.31.0.
pub(crate) const LIMIT: Feature = Feature {
    field: "limit",
    since: Version::new(2, 31, 0),
};
/// A rule's `keep_firing_for`: 2.42.0.
pub(crate) const KEEP_FIRING_FOR: Feature = Feature {
    field: "keep_firing_for",
    since: Version::new(2, 42, 0),
};
/// A group's `query_offset`: 2.53.0.
pub(crate) const QUERY_OFFSET: Feature = Feature {
    field: "query_offset",
    since: Version::new(2, 53, 0),
};
/// A group's `labels`: 3.0.0.
pub(crate) const GROUP_LABELS: Feature = Feature {
    field: "labels",
    since: Version::new(3, 0, 0),
};

impl Feature {
    /// Whether Prometheus `version` reads this field; a problem naming the release that added it if not.
    pub(crate) fn check(self, version: Version) -> Checked<()> {
        versions::introduced(
            "Prometheus",
            self.field,
            self.since,
            version,
            format!(
                "Prometheus {version} refuses the whole rule file with it: set `prometheus.version` to {} or newer, or remove `{}`",
                self.since, self.field
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_names_are_kubernetes_names_stable_and_unique() {
        use Source::{File, Inline};
        // Valid inline names are kept: the seed site's objects keep their names.
        assert_eq!(object_names(&[Inline("ocr-pod-restart")]), ["ocr-pod-restart"]);
        assert_eq!(
            object_names(&[File("rules/node.rules.yaml"), File("rules/CriteoCassandra.yml")]),
            ["node.rules", "criteocassandra"]
        );
        assert_eq!(
            object_names(&[Inline("k8s.rules.container_cpu_limits"), Inline("Überwachung (Platte)")]),
            ["k8s.rules.container-cpu-limits", "berwachung--platte"]
        );
        // Clashes get a hash of their origin; an inline group named exactly so keeps the plain name.
        let names = object_names(&[Inline("general"), File("a/general.yaml"), File("b/general.yaml")]);
        assert_eq!(names[0], "general");
        assert!(names[1].starts_with("general-") && names[2].starts_with("general-") && names[1] != names[2]);
        assert_eq!(names[1].len(), "general-".len() + 8);
        // Stable: the same origin gets the same name whatever else is there.
        assert_eq!(
            object_names(&[File("b/general.yaml"), File("c/general.yaml")])[0],
            names[2]
        );
        let names = object_names(&[Inline("Team A"), Inline("team-a")]);
        assert_eq!(names[1], "team-a");
        assert!(names[0].starts_with("team-a-"));
        // Whatever goes in, a valid name comes out.
        for text in [
            "",
            "---",
            "...",
            "a..b",
            &"x".repeat(300),
            &format!("{}.{}", "y".repeat(70), "z"),
        ] {
            let name = &object_names(&[Inline(text)])[0];
            assert!(values::dns_subdomain(name).is_ok(), "{text:?} -> {name:?}");
        }
    }

    #[test]
    fn zero_durations_are_durations_in_rules() {
        for zero in ["0", "0s", "0m", "0ms", "0h0m"] {
            assert_eq!(duration(zero).map(|d| d.millis()), Ok(0), "{zero}");
            assert_eq!(duration(zero).map(|d| d.to_string()), Ok(zero.to_owned()));
        }
        for bad in ["", "00", "5", "-1m", "5 minutes", "0x"] {
            assert!(duration(bad).is_err(), "{bad:?} accepted");
        }
        assert_eq!(duration("1h30m").map(|d| d.millis()), Ok(5_400_000));
    }

    #[test]
    fn names_follow_the_targeted_release() {
        let (v2, v3) = (Version::new(2, 55, 1), Version::new(3, 5, 0));
        assert!(rule_name(v3, "CassandraCommitlogPendingTasks(criteo)", "alert").is_ok());
        assert!(rule_name(v3, "Plattenplatz knapp", "alert").is_ok());
        assert!(rule_name(v2, "Plattenplatz knapp", "alert").is_err());
        assert!(rule_name(v3, "service:http.server.duration:rate5m", "record").is_ok());
        assert!(rule_name(v3, "up{job=\"x\"}:rate5m", "record").is_err());
        assert!(label_name(v3, "service.name", "labels").is_ok());
        assert!(label_name(v2, "service.name", "labels").is_err());
        assert!(label_name(v3, "__name__", "labels").is_err());
        assert!(label_name(v3, "__name__", "annotations").is_ok());
        assert!(label_name(v3, "", "annotations").is_err());
        assert!(GROUP_LABELS.check(v3).is_ok() && GROUP_LABELS.check(v2).is_err());
        assert!(QUERY_OFFSET.check(Version::new(2, 53, 0)).is_ok());
        let problem = KEEP_FIRING_FOR.check(Version::new(2, 41, 0)).expect_err("too old");
        assert!(problem.message.contains("v2.42.0") && problem.message.contains("v2.41.0"));
    }
}
