//! What the checks need that can be worked out before them, on the other cores, while the main
//! thread builds the site's JSON view and runs the schema: the rule files, parsed, and the
//! verdicts on every rule's PromQL and templates. On a site with thousands of rules, these were
//! most of the check, one rule after another on the main thread.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

use super::PromqlVerdicts;
use super::syntax::go_template;
use super::syntax::promql::Memo;
use super::syntax::values::Checked;
use super::verdict_map::VerdictMap;
use crate::diag::Included;
use crate::site::RuleTexts;
use crate::site::rule_file::{self, RuleFile, RuleFileError};

/// Rule files by path, parsed ahead; the check takes each out as it reads it.
pub(crate) type ParsedRuleFiles = Mutex<BTreeMap<String, Result<RuleFile, RuleFileError>>>;

/// The parsed rule files and rule verdicts of one site.
#[derive(Debug, Default)]
pub(crate) struct Ahead {
    pub(crate) promql: PromqlVerdicts,
    pub(crate) templates: TemplateVerdicts,
    pub(crate) rule_files: ParsedRuleFiles,
}

impl Ahead {
    /// Parses the files `patterns` matched and checks the PromQL and templates of their rules,
    /// each file in one task on every core, then checks those of the inline rules (`inline`).
    pub(crate) fn compute(inline: &RuleTexts, patterns: &[String], included: &Included) -> Self {
        let paths: BTreeSet<&String> = patterns
            .iter()
            .filter_map(|pattern| included.globs.get(pattern)?.as_ref().ok())
            .flatten()
            .collect();
        let texts: Vec<(&String, &str)> = paths
            .into_iter()
            .filter_map(|path| Some((path, &**included.files.get(path)?.as_ref().ok()?)))
            .collect();
        let files = crate::parallel::map_with(&texts, crate::parallel::cores(), Memo::default, |memo, (_, text)| {
            let parsed = rule_file::parse(text);
            let rules = || {
                parsed
                    .iter()
                    .flat_map(|file| &file.groups)
                    .flat_map(|group| &group.rules)
            };
            let promql = PromqlVerdicts::each(rules().map(|rule| rule.expr.as_str()), memo);
            let templates = TemplateVerdicts::each(
                rules()
                    .flat_map(|rule| rule.labels.values().chain(rule.annotations.values()))
                    .map(String::as_str),
            );
            (parsed, promql, templates)
        });
        let mut promql = PromqlVerdicts::compute(inline.expressions.iter().map(String::as_str));
        let mut templates = TemplateVerdicts::compute(inline.templates.iter().map(String::as_str));
        let mut rule_files = BTreeMap::new();
        for ((path, _), (parsed, file_promql, file_templates)) in texts.into_iter().zip(files) {
            promql.extend(file_promql);
            templates.0.extend(file_templates);
            rule_files.insert(path.clone(), parsed);
        }
        Self {
            promql,
            templates,
            rule_files: Mutex::new(rule_files),
        }
    }
}

/// Verdicts on the rules' label and annotation templates, computed up front on every core.
#[derive(Debug, Default)]
pub(crate) struct TemplateVerdicts(VerdictMap<Checked<()>>);

impl TemplateVerdicts {
    /// Below this many distinct texts, threads cost more than they save.
    const PARALLEL_FROM: usize = 64;

    /// Checks each distinct text once, on this thread, or on every core when there are many.
    fn compute<'a>(texts: impl Iterator<Item = &'a str>) -> Self {
        let distinct = super::verdict_map::distinct(texts);
        let threads = crate::parallel::threads_for(distinct.len(), Self::PARALLEL_FROM);
        let verdicts = crate::parallel::map_with(&distinct, threads, || (), |(), text| go_template::template(text));
        Self(distinct.into_iter().map(str::to_owned).zip(verdicts).collect())
    }

    /// Verdicts on each distinct text of `texts`, on this thread.
    fn each<'a>(texts: impl Iterator<Item = &'a str>) -> Vec<(String, Checked<()>)> {
        super::verdict_map::distinct(texts)
            .into_iter()
            .map(|text| (text.to_owned(), go_template::template(text)))
            .collect()
    }

    /// The verdict on `text`: computed before, or now.
    pub(crate) fn check(&self, text: &str) -> Checked<()> {
        match self.0.get(text) {
            Some(verdict) => verdict.clone(),
            None => go_template::template(text),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diag::{Code, Severity, SiteSource};
    use crate::synthetic::{self, Rules, Size};

    fn errors(text: String) -> Vec<(Code, std::ops::Range<usize>)> {
        match crate::pipeline::check(&SiteSource::new("site.toml", text)) {
            Ok(_) => Vec::new(),
            Err(diagnostics) => diagnostics
                .sorted()
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .map(|d| (d.code, d.span.clone()))
                .collect(),
        }
    }

    /// The rules are checked ahead, templates on several threads: a broken template and a broken
    /// expression among 200 realistic rules are still reported.
    #[test]
    fn broken_inline_rules_of_a_large_site_are_reported() {
        let site = synthetic::site_with(Size::M, Rules::Realistic, "ahead")
            .replacen("{{ $labels.job }}", "{{ $labels.job", 1)
            .replacen("[5m]))", "[5m])))", 1);
        let codes: Vec<Code> = errors(site).into_iter().map(|(code, _)| code).collect();
        assert_eq!(codes, [Code::PromqlSyntax, Code::AlertTemplate]);
    }

    /// The rules of rule files get their verdicts in the task that parses the file: nothing is
    /// left for the checks to work out again on the main thread.
    #[test]
    fn rules_of_rule_files_are_judged_ahead() {
        let file = "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up == 0\n    annotations:\n      summary: '{{ $labels.job }} down'\n  - record: r\n    expr: sum(rate(x[5m]\n";
        let mut included = crate::diag::Included::default();
        included.files.insert("rules/a.yml".to_owned(), Ok(file.into()));
        included
            .globs
            .insert("rules/*.yml".to_owned(), Ok(vec!["rules/a.yml".to_owned()]));
        let ahead = super::Ahead::compute(
            &crate::site::RuleTexts::default(),
            &["rules/*.yml".to_owned()],
            &included,
        );
        assert!(ahead.promql.knows("up == 0"));
        assert!(ahead.promql.knows("sum(rate(x[5m]"));
        assert!(ahead.templates.0.contains_key("{{ $labels.job }} down"));
        assert!(ahead.rule_files.lock().expect("not poisoned")["rules/a.yml"].is_ok());
    }
}
