//! Alertmanager matchers, as routes and inhibit rules write them.

use promql_parser::parser::Expr;

use super::go_regex;
use super::promql::{self, parse_matcher_selector};
use super::values::{Checked, Problem, label_name};
use crate::model::{MatchOp, Matcher};

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
    let (op, value) = [
        ("=~", MatchOp::Regex),
        ("!~", MatchOp::NotRegex),
        ("!=", MatchOp::NotEqual),
        ("=", MatchOp::Equal),
    ]
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
    let parsed = parse_matcher_selector(&selector).map_err(|e| bad(e.trim()))?;
    let Expr::VectorSelector(vector) = parsed else {
        return Err(bad("not a single matcher"));
    };
    let matcher = vector
        .matchers
        .matchers
        .into_iter()
        .find(|m| m.name == name)
        .ok_or_else(|| bad("not a single matcher"))?;
    // Written back as `\u0000` and the like, Alertmanager would read other characters than these
    // (found by giving the rendered configuration to amtool).
    if let Some(control) = matcher.value.chars().find(|c| c.is_control()) {
        return Err(bad(&format!(
            "the value holds the control character {control:?}, which Alertmanager's matchers cannot hold"
        )));
    }
    // The value as written: the parser was given Go's regex spellings in the form Rust reads.
    let value = promql::unquote(&quoted).unwrap_or(matcher.value);
    if matches!(op, MatchOp::Regex | MatchOp::NotRegex)
        && let Some(why) = go_regex::anchored_refusal(&value)
    {
        return Err(bad(&format!("error parsing regexp: {why}")));
    }
    Ok(Matcher {
        name: name.to_owned(),
        op,
        value,
    })
}

/// Why Alertmanager releases built with Go before 1.25 refuse `matcher`, which 0.33 accepts: a
/// loose Unicode class name such as `\p{Letter}`.
pub(crate) fn older_alertmanager_refusal(matcher: &Matcher) -> Option<Problem> {
    if !matches!(matcher.op, MatchOp::Regex | MatchOp::NotRegex) {
        return None;
    }
    go_regex::loose_class_name(&matcher.value).map(|why| {
        Problem::new(
            format!("`{matcher}`: Alertmanager 0.33 reads this regex, and releases built with Go before 1.25 refuse it: {why}"),
            "name the class as Go's tables do (`\\p{L}` for `\\p{Letter}`), which every release reads",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matchers() {
        let m = matcher(r#"product_line="新架构OCR""#).expect("valid");
        assert_eq!(
            (m.name.as_str(), m.op, m.value.as_str()),
            ("product_line", MatchOp::Equal, "新架构OCR")
        );
        assert_eq!(
            matcher(r#"severity=~"warning|critical""#).expect("valid").to_string(),
            r#"severity=~"warning|critical""#
        );
        assert_eq!(
            matcher("severity=critical").expect("valid").to_string(),
            r#"severity="critical""#
        );
        assert_eq!(matcher(r#"team="""#).expect("valid").value, "");
        for bad in [
            "severity",
            r#"severity=~"(""#,
            r#"bad-name="x""#,
            r#"a=="x""#,
            r#"a="x"#,
        ] {
            assert!(matcher(bad).is_err(), "{bad:?} accepted");
        }
        // amtool refused these once rendered (`\u0000`), or read another value (`\t`).
        for control in ["a=\"x\u{0}\"", "a=~\"x\\ty\"", "a=\"\\u0007\""] {
            assert!(
                matcher(control).is_err_and(|p| p.message.contains("control character")),
                "{control:?}"
            );
        }
        // A `{` that starts no repetition is a character to Go; the Go check sees it so.
        assert!(matcher(r#"a=~"x{y}**""#).is_err_and(|p| p.message.contains("nested repetition")));
        assert!(matcher(r#"a=~"x{y}""#).is_ok());
    }
}
