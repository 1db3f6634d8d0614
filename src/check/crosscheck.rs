//! Checks across the rules and the routing tree (warnings): alerts that only reach the default
//! receiver, routes for a severity no rule sets, and rule severities that look like misspellings of
//! the ones the routes match.
//!
//! Only what a rule sets itself is known: its static labels (a value with `{{` is a template) and
//! `alertname`. Labels from the series, and external labels (which series labels override), may be
//! anything, so a matcher on them never counts against a rule. That keeps every warning certain.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

use super::Ctx;
use super::syntax::values::Problem;
use crate::diag::Code;
use crate::model::{self, MatchOp, Matcher, MatcherRegex};
use crate::site::escape;

const SEVERITY: &str = "severity";

/// How close a rule's severity must be to one a route names to be reported as a misspelling
/// (normalized Damerau-Levenshtein): `critcal`/`critical` is 0.875, `P2`/`P1` only 0.5.
const MISSPELLING: f64 = 0.75;

/// By the values of the routed labels (`None`: not fixed by the rule): the matcher by which each
/// child route refuses, when every child does.
type Refusals<'r> = BTreeMap<Vec<Option<String>>, Option<Vec<&'r Matcher>>>;

/// What the rule checks need to know about the routing tree.
pub(crate) struct Routes<'r> {
    root: &'r model::Route,
    severity_matchers: Vec<&'r Matcher>,
    /// Severity values the matchers name (regex alternatives that are plain words included).
    severity_words: BTreeSet<String>,
    /// Every regex of the tree, made once: the checks test it against each rule.
    regexes: BTreeMap<&'r str, MatcherRegex<'r>>,
    /// The labels the child routes match on, severity aside: only their values decide which
    /// children refuse a rule.
    routed_labels: Vec<&'r str>,
    /// By the values a rule fixes for `routed_labels`: the matcher by which each child refuses
    /// it, when every child does. Rules come in families with the same routed labels.
    /// Shared by the threads that check a large site's rule groups; a thread that finds it taken
    /// works the answer out itself rather than wait.
    refusals: Mutex<Refusals<'r>>,
}

impl<'r> Routes<'r> {
    pub(crate) fn of(root: &'r model::Route) -> Self {
        let mut severity_matchers = Vec::new();
        each_matcher(root, &mut |m| {
            if m.name == SEVERITY {
                severity_matchers.push(m);
            }
        });
        let severity_words = severity_matchers
            .iter()
            .flat_map(|m| m.value.split('|'))
            .filter(|w| !w.is_empty() && w.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-'))
            .map(str::to_owned)
            .collect();
        let mut regexes = BTreeMap::new();
        each_matcher(root, &mut |m| {
            if matches!(m.op, MatchOp::Regex | MatchOp::NotRegex) {
                regexes.entry(m.value.as_str()).or_insert_with(|| m.regex());
            }
        });
        let routed_labels: BTreeSet<&str> = root
            .routes
            .iter()
            .flat_map(|child| &child.matchers)
            .filter(|m| m.name != SEVERITY)
            .map(|m| m.name.as_str())
            .collect();
        Self {
            root,
            severity_matchers,
            severity_words,
            regexes,
            routed_labels: routed_labels.into_iter().collect(),
            refusals: Mutex::default(),
        }
    }

    /// The matcher by which each child route refuses an alert with these known labels, when every
    /// child does.
    fn refusals(&self, known: &BTreeMap<&str, &str>) -> Option<Vec<&'r Matcher>> {
        let key: Vec<Option<String>> = self
            .routed_labels
            .iter()
            .map(|name| known.get(name).map(|value| (*value).to_owned()))
            .collect();
        if let Ok(known) = self.refusals.try_lock()
            && let Some(outcome) = known.get(&key)
        {
            return outcome.clone();
        }
        let children = &self.root.routes;
        let found: Vec<&Matcher> = children
            .iter()
            .filter_map(|child| refusal(self, child, known))
            .collect();
        let outcome = (!children.is_empty() && found.len() == children.len()).then_some(found);
        if let Ok(mut known) = self.refusals.try_lock() {
            known.insert(key, outcome.clone());
        }
        outcome
    }

    /// [`Matcher::matches`], with the regex made once.
    fn matches(&self, matcher: &Matcher, value: &str) -> bool {
        match self.regexes.get(matcher.value.as_str()) {
            Some(regex) if matches!(matcher.op, MatchOp::Regex | MatchOp::NotRegex) => {
                matcher.matches_with(regex, value)
            }
            _ => matcher.matches(value),
        }
    }
}

fn each_matcher<'r>(route: &'r model::Route, f: &mut impl FnMut(&'r Matcher)) {
    route.matchers.iter().for_each(&mut *f);
    for child in &route.routes {
        each_matcher(child, f);
    }
}

/// The labels of an alert that the rule fixes, whatever the series.
fn known_labels<'a>(alert: &'a str, labels: &'a BTreeMap<String, String>) -> BTreeMap<&'a str, &'a str> {
    let mut known: BTreeMap<&str, &str> = labels
        .iter()
        .filter(|(_, v)| !v.contains("{{"))
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    known.insert("alertname", alert);
    known
}

/// The first matcher of `route` that an alert with these known labels certainly fails. Routing by
/// severity leaves the lower severities to the default receiver on purpose (critical pages, the
/// rest goes to a mailbox), so `severity` matchers do not count; a misspelt severity is
/// `alert::severity-unmatched`'s to report.
fn refusal<'r>(routes: &Routes<'_>, route: &'r model::Route, known: &BTreeMap<&str, &str>) -> Option<&'r Matcher> {
    route.matchers.iter().filter(|m| m.name != SEVERITY).find(|m| {
        known
            .get(m.name.as_str())
            .is_some_and(|value| !routes.matches(m, value))
    })
}

/// The checks for one alerting rule at `pointer` (in the site or a rule file).
pub(crate) fn alert_rule(
    ctx: &mut Ctx<'_>,
    pointer: &str,
    alert: &str,
    labels: &BTreeMap<String, String>,
    routes: &Routes<'_>,
) {
    let known = known_labels(alert, labels);
    if let Some(refusals) = routes.refusals(&known) {
        let default = routes.root.receiver.as_deref().unwrap_or_default();
        let shown: Vec<String> = refusals.iter().take(3).map(|m| format!("`{m}`")).collect();
        let more = if refusals.len() > 3 { ", ..." } else { "" };
        ctx.warning(
            Code::AlertUnroutedRule,
            format_args!("{pointer}/alert"),
            Problem::new(
                format!("alert `{alert}` matches no child route, so it only reaches the default receiver `{default}`"),
                format!("its labels fail {}{more}: set labels that a route matches, or add a `[[route.routes]]` entry for it", shown.join(", ")),
            ),
        );
        return;
    }
    let Some(severity) = known.get(SEVERITY).copied() else {
        return;
    };
    if routes.severity_matchers.is_empty() || routes.severity_matchers.iter().any(|m| routes.matches(m, severity)) {
        return;
    }
    let close = routes.severity_words.iter().find(|w| {
        w.eq_ignore_ascii_case(severity) || strsim::normalized_damerau_levenshtein(w, severity) >= MISSPELLING
    });
    if let Some(word) = close {
        ctx.warning(
            Code::AlertSeverityUnmatched,
            format!("{pointer}/labels/{}", escape(SEVERITY)),
            Problem::new(
                format!("severity `{severity}` is matched by no route, which match `{word}`"),
                format!("write `severity = \"{word}\"` if that is meant, or add a route for `{severity}`"),
            ),
        );
    }
}

/// Routes matching a severity no alerting rule sets. Only when promsite sees every rule: none
/// is templated, and no API client manages PrometheusRules of its own.
pub(crate) fn unset_severities(
    ctx: &mut Ctx<'_>,
    root: &model::Route,
    groups: &[&model::RuleGroup],
    rules_elsewhere: bool,
) {
    let alerts: Vec<&model::Rule> = groups
        .iter()
        .flat_map(|g| &g.rules)
        .filter(|r| matches!(r.kind, model::RuleKind::Alert(_)))
        .collect();
    if rules_elsewhere || alerts.is_empty() {
        return;
    }
    let mut set: BTreeSet<&str> = BTreeSet::new();
    for rule in alerts {
        match rule.labels.get(SEVERITY) {
            Some(value) if value.contains("{{") => return,
            Some(value) => {
                set.insert(value);
            }
            None => {}
        }
    }
    walk(ctx, root, "/route", &set);
}

fn walk(ctx: &mut Ctx<'_>, route: &model::Route, pointer: &str, set: &BTreeSet<&str>) {
    for (i, m) in route.matchers.iter().enumerate() {
        let selects = m.name == SEVERITY && matches!(m.op, MatchOp::Equal | MatchOp::Regex) && !m.matches("");
        if selects && !set.iter().any(|v| m.matches(v)) {
            let used: Vec<String> = set.iter().map(|v| format!("`{v}`")).collect();
            let help = if used.is_empty() {
                "no alerting rule sets `severity`: set it in the rules' `labels`, or remove this matcher".to_owned()
            } else {
                format!(
                    "the rules set {}: match one of them, or set this severity on the rules meant for this route",
                    used.join(", ")
                )
            };
            ctx.warning(
                Code::AlertSeverityNeverSet,
                format!("{pointer}/matchers/{i}"),
                Problem::new(format!("`{m}` matches no severity that an alerting rule sets"), help),
            );
        }
    }
    for (i, child) in route.routes.iter().enumerate() {
        walk(ctx, child, &format!("{pointer}/routes/{i}"), set);
    }
}
