//! Relabeling steps (`relabelings`, `metric_relabelings`, `write_relabel`), with the constraints
//! Prometheus' relabel-config validation enforces for each action, the regex as Go's RE2 reads it,
//! and the actions the targeted Prometheus release does not know yet.
//!
//! Label names are checked in the classic syntax even for Prometheus 3, which also reads UTF-8
//! names there: knowingly stricter, as the operator's own validation is for older releases.

use std::sync::LazyLock;

use regex::Regex;

use super::Ctx;
use super::syntax::go_regex;
use super::syntax::values::{self, Problem};
use super::versions::{self, Version};
use crate::diag::Code;
use crate::model::{Relabel, RelabelAction};
use crate::site::raw;

/// Prometheus' `relabelTarget` (Go's `\w` is ASCII): a label name that may hold `$1` / `${name}` references to the regex's groups.
static TEMPLATE_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:(?:[a-zA-Z_]|\$(?:\{[0-9A-Za-z_]+\}|[0-9A-Za-z_]+))+[0-9A-Za-z_]*)+$")
        .unwrap_or_else(|e| unreachable!("{e}"))
});

/// Prometheus' defaults, which the actions that take no such field still accept written out.
const DEFAULT_SEPARATOR: &str = ";";
const DEFAULT_REPLACEMENT: &str = "$1";

/// The actions later releases added (Prometheus' CHANGELOG: 2.36.0 and 2.41.0).
fn since(action: RelabelAction) -> Option<Version> {
    match action {
        RelabelAction::Lowercase | RelabelAction::Uppercase => Some(Version::new(2, 36, 0)),
        RelabelAction::Keepequal | RelabelAction::Dropequal => Some(Version::new(2, 41, 0)),
        _ => None,
    }
}

/// Checks each step of the list at `at` (a JSON Pointer); returns them in order.
pub(crate) fn relabels(ctx: &mut Ctx<'_>, at: &str, raw: &[raw::Relabel], version: Version) -> Vec<Relabel> {
    raw.iter()
        .enumerate()
        .map(|(j, step)| relabel(ctx, &format!("{at}/{j}"), step, version))
        .collect()
}

fn relabel(ctx: &mut Ctx<'_>, at: &str, raw: &raw::Relabel, version: Version) -> Relabel {
    let action = raw.action.unwrap_or(RelabelAction::Replace);
    for (j, label) in raw.source_labels.iter().enumerate() {
        ctx.check(Code::ValueRelabel, format!("{at}/source_labels/{j}"), label_name(label));
    }
    if let Some(regex) = &raw.regex {
        ctx.check(Code::ValueRegex, format!("{at}/regex"), go_regex::regex(regex));
    }
    if let Some(since) = since(action) {
        let field = format!("action = \"{}\"", action.as_str());
        let help = format!(
            "set `prometheus.version` to {since} or newer, or use another action (Prometheus {version} refuses the whole configuration)"
        );
        ctx.check(
            Code::PrometheusVersion,
            format!("{at}/action"),
            versions::introduced("Prometheus", &field, since, version, help),
        );
    }
    if let Err(problem) = fields(action, raw) {
        ctx.error(Code::ValueRelabel, at, problem);
    } else if let Some(target) = raw.target_label.as_ref().filter(|t| !t.is_empty()) {
        let checked = if action == RelabelAction::Replace {
            template_name(target, "target_label")
        } else {
            label_name(target)
        };
        ctx.check(Code::ValueRelabel, format!("{at}/target_label"), checked);
    }
    if action == RelabelAction::Labelmap
        && let Some(replacement) = &raw.replacement
    {
        ctx.check(
            Code::ValueRelabel,
            format!("{at}/replacement"),
            template_name(replacement, "replacement"),
        );
    }
    Relabel {
        source_labels: raw.source_labels.clone(),
        separator: raw.separator.clone(),
        regex: raw.regex.clone(),
        modulus: raw.modulus,
        action: raw.action,
        target_label: raw.target_label.clone(),
        replacement: raw.replacement.clone(),
    }
}

/// The fields each action requires and refuses, as Prometheus' `relabel.Config.Validate`.
fn fields(action: RelabelAction, raw: &raw::Relabel) -> values::Checked<()> {
    use RelabelAction::{Dropequal, Hashmod, Keepequal, Labeldrop, Labelkeep, Lowercase, Replace, Uppercase};
    let name = action.as_str();
    let set = |value: Option<&String>, default: &str| value.is_some_and(|v| v != default);
    if action == Hashmod && raw.modulus.unwrap_or(0) == 0 {
        return Err(Problem::new(
            "a `hashmod` step needs a `modulus` above 0",
            "set `modulus`, e.g. the number of shards the hash spreads targets over",
        ));
    }
    let writes = matches!(
        action,
        Replace | Hashmod | Lowercase | Uppercase | Keepequal | Dropequal
    );
    if writes && raw.target_label.as_deref().is_none_or(str::is_empty) {
        let help = if action == Replace {
            "name the label to write in `target_label` (`replace` is the default action)".to_owned()
        } else if matches!(action, Keepequal | Dropequal) {
            format!("name the label whose value `{name}` compares with in `target_label`")
        } else {
            format!("name the label `{name}` writes in `target_label`")
        };
        return Err(Problem::new(format!("a `{name}` step needs `target_label`"), help));
    }
    if matches!(action, Lowercase | Uppercase | Keepequal | Dropequal)
        && set(raw.replacement.as_ref(), DEFAULT_REPLACEMENT)
    {
        return Err(Problem::new(
            format!("a `{name}` step takes no `replacement`"),
            "remove `replacement`",
        ));
    }
    let extra = || {
        raw.modulus.is_some_and(|m| m != 0)
            || set(raw.separator.as_ref(), DEFAULT_SEPARATOR)
            || set(raw.replacement.as_ref(), DEFAULT_REPLACEMENT)
    };
    // Prometheus compares the compiled regex with its default's, so any `regex` written counts.
    if matches!(action, Keepequal | Dropequal) && (raw.regex.is_some() || extra()) {
        return Err(Problem::new(
            format!("a `{name}` step takes only `source_labels` and `target_label`"),
            "remove `regex`, `modulus`, `separator` and `replacement`: the source labels' value is compared with the target label's",
        ));
    }
    if matches!(action, Labeldrop | Labelkeep)
        && (!raw.source_labels.is_empty() || set(raw.target_label.as_ref(), "") || extra())
    {
        return Err(Problem::new(
            format!("a `{name}` step takes only `regex`"),
            "remove `source_labels`, `target_label`, `separator`, `modulus` and `replacement`; the regex is matched against label names",
        ));
    }
    Ok(())
}

/// A label name in relabeling, where the internal `__name__`-style names are allowed.
fn label_name(text: &str) -> values::Checked<()> {
    let mut chars = text.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if valid {
        Ok(())
    } else {
        Err(Problem::new(
            format!("`{text}` is not a label name"),
            "label names are letters, digits and `_`, not starting with a digit, e.g. `__name__` or `instance`",
        ))
    }
}

/// A label name that may refer to the regex's groups (`${1}_total`), as `replace` writes and `labelmap` renames.
fn template_name(text: &str, field: &str) -> values::Checked<()> {
    if TEMPLATE_NAME.is_match(text) {
        Ok(())
    } else {
        Err(Problem::new(
            format!("`{text}` is not a label name for `{field}`"),
            "write a label name of letters, digits and `_`, which may refer to the regex's groups as `$1` or `${name}`",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(action: RelabelAction) -> raw::Relabel {
        raw::Relabel {
            source_labels: vec!["__name__".to_owned()],
            separator: None,
            regex: None,
            modulus: None,
            action: Some(action),
            target_label: None,
            replacement: None,
        }
    }

    #[test]
    fn each_action_takes_the_fields_prometheus_takes() {
        use RelabelAction::*;
        assert!(fields(Drop, &step(Drop)).is_ok());
        assert!(fields(Replace, &step(Replace)).is_err(), "replace writes somewhere");
        let hashmod = raw::Relabel {
            target_label: Some("__tmp_hash".to_owned()),
            ..step(Hashmod)
        };
        assert!(fields(Hashmod, &hashmod).is_err(), "no modulus");
        assert!(
            fields(
                Hashmod,
                &raw::Relabel {
                    modulus: Some(4),
                    ..hashmod
                }
            )
            .is_ok()
        );
        let lower = raw::Relabel {
            target_label: Some("lower".to_owned()),
            ..step(Lowercase)
        };
        assert!(fields(Lowercase, &lower).is_ok());
        let with_replacement = raw::Relabel {
            replacement: Some("x".to_owned()),
            ..lower
        };
        assert!(fields(Lowercase, &with_replacement).is_err());
        let equal = raw::Relabel {
            target_label: Some("instance".to_owned()),
            ..step(Keepequal)
        };
        assert!(fields(Keepequal, &equal).is_ok());
        let default_written = raw::Relabel {
            separator: Some(";".to_owned()),
            ..equal
        };
        assert!(
            fields(Keepequal, &default_written).is_ok(),
            "a default separator written out is the default"
        );
        let default_regex = raw::Relabel {
            regex: Some("(.*)".to_owned()),
            ..default_written
        };
        assert!(
            fields(Keepequal, &default_regex).is_err(),
            "Prometheus refuses any regex here"
        );
        assert!(
            fields(Labeldrop, &step(Labeldrop)).is_err(),
            "labeldrop takes no source labels"
        );
        let labeldrop = raw::Relabel {
            source_labels: Vec::new(),
            regex: Some("pod_template_hash".to_owned()),
            ..step(Labeldrop)
        };
        assert!(fields(Labeldrop, &labeldrop).is_ok());
    }

    #[test]
    fn names_may_refer_to_groups_where_prometheus_expands_them() {
        for ok in ["node", "${1}_total", "$1", "__tmp_${name}", "a$1b"] {
            assert!(template_name(ok, "target_label").is_ok(), "{ok}");
        }
        for bad in ["", "1abc", "service.name", "$", "a-b"] {
            assert!(template_name(bad, "target_label").is_err(), "{bad}");
        }
        assert!(label_name("$1").is_err() && label_name("__address__").is_ok());
    }

    #[test]
    fn newer_actions_name_their_release() {
        assert_eq!(since(RelabelAction::Uppercase), Some(Version::new(2, 36, 0)));
        assert_eq!(since(RelabelAction::Dropequal), Some(Version::new(2, 41, 0)));
        assert_eq!(since(RelabelAction::Hashmod), None);
    }
}
