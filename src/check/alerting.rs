//! Validators for the Prometheus and Alertmanager languages inside a site: PromQL expressions,
//! Alertmanager matchers and Go templates in rule labels and annotations.

use promql_parser::parser::{Expr, parse};
use promql_parser::util::{ExprVisitor, walk_expr};

use super::values::{Checked, Problem, label_name};
use crate::model::{MatchOp, Matcher};

/// Functions Prometheus 3 only accepts with `--enable-feature=promql-experimental-functions`,
/// which promql-parser parses unconditionally.
const EXPERIMENTAL_FUNCTIONS: &[&str] = &[
    "double_exponential_smoothing",
    "info",
    "mad_over_time",
    "sort_by_label",
    "sort_by_label_desc",
    "ts_of_first_over_time",
    "ts_of_last_over_time",
    "ts_of_max_over_time",
    "ts_of_min_over_time",
    "first_over_time",
];

/// Experimental aggregation operators, gated like the functions above.
const EXPERIMENTAL_AGGREGATIONS: &[&str] = &["limitk", "limit_ratio"];

/// A PromQL expression that Prometheus (without feature flags) accepts.
pub(crate) fn promql(text: &str) -> Checked<()> {
    let expr = parse(text).map_err(|e| {
        Problem::new(
            format!("invalid PromQL: {}", e.trim()),
            "fix the expression; `promtool check rules` and the Prometheus UI accept the same syntax",
        )
    })?;
    let mut finder = ExperimentalFinder(None);
    // The visitor's error type is Infallible-like; it only records what it saw.
    let _ = walk_expr(&mut finder, &expr);
    match finder.0 {
        Some(name) => Err(Problem::new(
            format!("`{name}` is an experimental PromQL feature that Prometheus rejects by default"),
            "rewrite the expression without it; promsite does not enable Prometheus' experimental functions",
        )),
        None => Ok(()),
    }
}

struct ExperimentalFinder(Option<String>);

impl ExprVisitor for ExperimentalFinder {
    type Error = ();

    fn pre_visit(&mut self, expr: &Expr) -> Result<bool, ()> {
        let name = match expr {
            Expr::Call(call) => Some(call.func.name.to_owned()),
            Expr::Aggregate(aggregate) => Some(aggregate.op.to_string()),
            _ => None,
        };
        if let Some(name) = name.filter(|n| EXPERIMENTAL_FUNCTIONS.contains(&n.as_str()) || EXPERIMENTAL_AGGREGATIONS.contains(&n.as_str())) {
            self.0.get_or_insert(name);
        }
        Ok(true)
    }
}

/// An Alertmanager matcher: `name="value"`, `name!="value"`, `name=~"regex"`, `name!~"regex"`
/// (an unquoted value is accepted, as Alertmanager does).
pub(crate) fn matcher(text: &str) -> Checked<Matcher> {
    let help = "write `label=\"value\"`, `label!=\"value\"`, `label=~\"regex\"` or `label!~\"regex\"`, e.g. `severity=~\"warning|critical\"`";
    let bad = |why: &str| Problem::new(format!("`{text}` is not an Alertmanager matcher: {why}"), help);
    let trimmed = text.trim();
    let op_at = trimmed.find(['=', '!']).ok_or_else(|| bad("no operator"))?;
    let name = trimmed[..op_at].trim();
    label_name(name).map_err(|p| Problem::new(p.message, help))?;
    let rest = &trimmed[op_at..];
    let (op, value) = [("=~", MatchOp::Regex), ("!~", MatchOp::NotRegex), ("!=", MatchOp::NotEqual), ("=", MatchOp::Equal)]
        .into_iter()
        .find_map(|(token, op)| rest.strip_prefix(token).map(|v| (op, v.trim())))
        .ok_or_else(|| bad("unknown operator"))?;
    let quoted = if value.starts_with('"') {
        value.to_owned()
    } else {
        if value.contains(['"', '{', '}', ',']) {
            return Err(bad("quote the value"));
        }
        serde_json::to_string(value).map_err(|_| bad("unquotable value"))?
    };
    // PromQL's label matcher grammar is Alertmanager's: let the parser unquote and compile the regex.
    let selector = format!("m{{{name}{}{quoted}}}", op.as_str());
    let parsed = parse(&selector).map_err(|e| bad(e.trim()))?;
    let Expr::VectorSelector(vector) = parsed else { return Err(bad("not a single matcher")) };
    let matcher = vector.matchers.matchers.into_iter().find(|m| m.name == name).ok_or_else(|| bad("not a single matcher"))?;
    Ok(Matcher { name: name.to_owned(), op, value: matcher.value })
}

/// Prometheus' template functions, so the parser knows them (bodies are never run).
const TEMPLATE_FUNCTIONS: &[&str] = &[
    "args", "externalURL", "first", "graphLink", "humanize", "humanize1024", "humanizeDuration",
    "humanizePercentage", "humanizeTimestamp", "label", "match", "parseDuration", "pathPrefix", "query",
    "reReplaceAll", "safeHtml", "sortByLabel", "strvalue", "stripDomain", "stripPort", "tableLink", "title",
    "toDuration", "toLower", "toTime", "toUpper", "urlQueryEscape", "value", "now",
];

fn stub(_: &[gtmpl_value::Value]) -> Result<gtmpl_value::Value, gtmpl_value::FuncError> {
    Ok(gtmpl_value::Value::Nil)
}

/// A Go text/template as Prometheus expands it in alert labels and annotations.
pub(crate) fn template(text: &str) -> Checked<()> {
    if !text.contains("{{") && !text.contains("}}") {
        return Ok(());
    }
    let mut template = gtmpl::Template::default();
    for name in TEMPLATE_FUNCTIONS {
        template.add_func(name, stub);
    }
    // Prometheus defines these variables before expanding a rule's template.
    let prelude = "{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}";
    template.parse(format!("{prelude}{text}")).map_err(|e| {
        Problem::new(
            format!("invalid Go template: {}", describe_template_error(&e.to_string())),
            "check the `{{ }}` pairs and names: `{{ $labels.pod }}`, `{{ $value }}`, `{{ humanize $value }}`",
        )
    })
}

/// gtmpl's positions count the prelude; keep only the message.
fn describe_template_error(message: &str) -> String {
    message.rsplit(": ").next().unwrap_or(message).trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn promql_accepts_the_seed_and_rejects_garbage() {
        assert!(promql(r#"changes(kube_pod_container_status_restarts_total{namespace="default"}[3m]) * on (pod) group_left(node) kube_pod_info > 0"#).is_ok());
        assert!(promql("rate(x[5m]) >").is_err());
        assert!(promql("sum(rate(x[5m])").is_err());
        assert!(promql("sort_by_label(up, \"job\")").is_err());
    }

    #[test]
    fn matchers() {
        let m = matcher(r#"product_line="新架构OCR""#).expect("valid");
        assert_eq!((m.name.as_str(), m.op, m.value.as_str()), ("product_line", MatchOp::Equal, "新架构OCR"));
        assert_eq!(matcher(r#"severity=~"warning|critical""#).expect("valid").to_string(), r#"severity=~"warning|critical""#);
        assert_eq!(matcher("severity=critical").expect("valid").to_string(), r#"severity="critical""#);
        assert_eq!(matcher(r#"team="""#).expect("valid").value, "");
        for bad in ["severity", r#"severity=~"(""#, r#"bad-name="x""#, r#"a=="x""#, r#"a="x"#] {
            assert!(matcher(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn templates() {
        assert!(template("pod {{$labels.pod}} crashed {{ $value }} times on {{$labels.node}}").is_ok());
        assert!(template("{{ humanize $value }} {{ if gt $value 1.0 }}many{{ end }}").is_ok());
        for bad in ["{{$labels.pod}", "{{ if $value }}x", "{{ nosuchfn $value }}", "{{ $lables.pod }}"] {
            assert!(template(bad).is_err(), "{bad:?} accepted");
        }
    }
}
