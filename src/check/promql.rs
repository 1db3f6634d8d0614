//! PromQL as Prometheus 3 accepts it, checked with promql-parser (promtool's grammar), fast enough
//! for sites with thousands of rules.
//!
//! Nearly all of the parser's time goes into compiling the regular expressions of `=~`/`!~`
//! matchers (a fixed cost of each `Regex::new`), and the same few regexes recur across a site's
//! rules (`code=~"5.."`, `mode=~"idle|iowait"`). So each distinct regex literal is validated once,
//! by the parser itself on a one-matcher selector, and the expression is then parsed with its
//! regex matchers turned into equality matchers, which the grammar treats alike. Whenever that could
//! change the verdict (an invalid regex, `__name__`, a regex matching the empty string differently
//! than its literal does, anything unexpected), the original text is parsed as it is.

use std::collections::{BTreeMap, BTreeSet};

use lrpar::{Lexeme, Lexer, NonStreamingLexer};
use promql_parser::label::MatchOp;
use promql_parser::parser::token::{T_EQL_REGEX, T_IDENTIFIER, T_NEQ_REGEX, T_STRING};
use promql_parser::parser::{Expr, lexer, parse};
use promql_parser::util::{ExprVisitor, walk_expr};

use super::values::{Checked, Problem};

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
    promql_with(text, &mut RegexVerdicts::default())
}

/// [`promql`], reusing the verdicts on regex literals seen before.
fn promql_with(text: &str, regexes: &mut RegexVerdicts) -> Checked<()> {
    let cheap = regexes.without_regex_matchers(text).and_then(|substituted| parse(&substituted).ok());
    let expr = match cheap {
        Some(expr) => expr,
        None => parse(text).map_err(|e| {
            Problem::new(
                format!("invalid PromQL: {}", e.trim()),
                "fix the expression; `promtool check rules` and the Prometheus UI accept the same syntax",
            )
        })?,
    };
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

/// Whether the regex shortcut is sound for `text`: it never accepts what the parser, given the
/// text as it is, refuses (the fuzz target's differential check).
pub(crate) fn shortcut_is_sound(text: &str) -> bool {
    let cheap = RegexVerdicts::default().without_regex_matchers(text).is_some_and(|substituted| parse(&substituted).is_ok());
    !cheap || parse(text).is_ok()
}

/// Per regex literal (as written, quotes included): whether it is valid and an equality matcher
/// with the same text would select the same (non-)empty values for the parser's
/// "at least one non-empty matcher" rule.
#[derive(Debug, Default)]
struct RegexVerdicts(BTreeMap<String, bool>);

impl RegexVerdicts {
    /// `text` with every `=~`/`!~` turned into `= `/`!=`, when that provably keeps the verdict.
    fn without_regex_matchers(&mut self, text: &str) -> Option<String> {
        let lexer = lexer(text).ok()?;
        let lexemes = lexer.iter().collect::<Result<Vec<_>, _>>().ok()?;
        let mut substituted: Option<String> = None;
        for (i, lexeme) in lexemes.iter().enumerate() {
            let replacement = match lexeme.tok_id() {
                T_EQL_REGEX => "= ",
                T_NEQ_REGEX => "!=",
                _ => continue,
            };
            let (label, value) = (lexemes.get(i.checked_sub(1)?)?, lexemes.get(i + 1)?);
            if label.tok_id() != T_IDENTIFIER || lexer.span_str(label.span()) == "__name__" || value.tok_id() != T_STRING {
                return None;
            }
            if !self.equivalent(lexer.span_str(value.span())) {
                return None;
            }
            let span = lexeme.span();
            substituted.get_or_insert_with(|| text.to_owned()).replace_range(span.start()..span.end(), replacement);
        }
        substituted
    }

    fn equivalent(&mut self, literal: &str) -> bool {
        if let Some(&verdict) = self.0.get(literal) {
            return verdict;
        }
        let verdict = match parse(&format!("x{{a=~{literal}}}")) {
            Ok(Expr::VectorSelector(selector)) => selector.matchers.matchers.iter().any(|m| match &m.op {
                MatchOp::Re(regex) => regex.is_match("") == m.value.is_empty(),
                _ => false,
            }),
            _ => false,
        };
        self.0.insert(literal.to_owned(), verdict);
        verdict
    }
}

/// PromQL verdicts for many expressions, computed up front on every core: parsing, with the regex
/// compilation inside it, is most of the time it takes to check a site with thousands of rules.
#[derive(Debug, Default)]
pub(crate) struct PromqlVerdicts(BTreeMap<String, Checked<()>>);

impl PromqlVerdicts {
    /// Below this many distinct expressions, threads cost more than they save.
    const PARALLEL_FROM: usize = 64;

    /// Checks each distinct expression once, in parallel when there are many.
    pub(crate) fn compute<'a>(expressions: impl IntoIterator<Item = &'a str>) -> Self {
        let distinct: Vec<&str> = expressions.into_iter().collect::<BTreeSet<_>>().into_iter().collect();
        if distinct.len() < Self::PARALLEL_FROM {
            return Self::default();
        }
        let verdicts = crate::parallel::map_with(&distinct, crate::parallel::cores(), RegexVerdicts::default, |regexes, text| ((*text).to_owned(), promql_with(text, regexes)));
        Self(verdicts.into_iter().collect())
    }

    /// The verdict on `text`: computed before, or now.
    pub(crate) fn check(&self, text: &str) -> Checked<()> {
        self.0.get(text).cloned().unwrap_or_else(|| promql(text))
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
    fn regex_matchers_keep_their_verdicts() {
        for good in [r#"rate(x{code=~"5.."}[5m])"#, r#"{a=~".+"}"#, r#"{a!~"x", b="y"}"#, r#"up{job=~"a|b"} or up{job!~"c"}"#, r#"{a=~"x", b=~"x"}"#] {
            assert!(promql(good).is_ok(), "{good:?} rejected");
        }
        for bad in [r#"{a=~".*"}"#, r#"{a=~""}"#, r#"{a!~"x"}"#, r#"up{a=~"("}"#, r#"x{__name__=~"y"}"#, r#"{a=~".*", b!~".+"}"#] {
            assert!(promql(bad).is_err(), "{bad:?} accepted");
        }
    }

    /// Selectors built from metric names, labels, operators and regex literals, valid or not, in
    /// a few surrounding expressions.
    fn expressions() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        use proptest::sample::select;
        let matcher = (select(vec!["a", "b", "__name__", "job"]), select(vec!["=~", "!~", "=", "!=", " =~ "]), select(vec![
            r#""""#, r#"".*""#, r#"".+""#, r#""5..""#, r#""(""#, r#""a|b""#, "`x*`", "'y'", r"'\\d+'", r#""x{2}""#, r#""[""#,
        ]));
        let selector = (select(vec!["", "up", "x"]), proptest::collection::vec(matcher, 0..4), select(vec![",", " or "]), select(vec!["", "[5m]"]))
            .prop_map(|(name, matchers, joint, range)| {
                let matchers: Vec<String> = matchers.into_iter().map(|(label, op, literal)| format!("{label}{op}{literal}")).collect();
                format!("{name}{{{}}}{range}", matchers.join(joint))
            });
        (selector, select(vec!["{}", "rate({})", "sum by (a) ({}) > 1", "{} or up", "({}"]))
            .prop_map(|(selector, shape)| shape.replacen("{}", &selector, 1))
    }

    proptest::proptest! {
        /// The regex shortcut never changes a verdict: the same answer as parsing the text as it is.
        #[test]
        fn the_regex_shortcut_agrees_with_the_parser(text in expressions()) {
            // No experimental function is in the mix, so the verdicts must be the parser's.
            proptest::prop_assert_eq!(promql(&text).is_ok(), parse(&text).is_ok(), "{:?}", text);
        }
    }
}
