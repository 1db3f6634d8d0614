//! What the checks need that can be worked out before them, on the other cores, while the main
//! thread builds the site's JSON view and runs the schema: the verdicts on every rule's PromQL and
//! the rule files, parsed. On a site with tens of thousands of rules in rule files, reading the
//! YAML and parsing the PromQL one file after another on the main thread was most of the check.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

use super::PromqlVerdicts;
use crate::diag::Included;
use crate::site::rule_file::{self, RuleFile, RuleFileError};

/// Rule files by path, parsed ahead; the check takes each out as it reads it.
pub(crate) type ParsedRuleFiles = RefCell<BTreeMap<String, Result<RuleFile, RuleFileError>>>;

/// The PromQL verdicts and parsed rule files of one site.
#[derive(Debug, Default)]
pub(crate) struct Ahead {
    pub(crate) promql: PromqlVerdicts,
    pub(crate) rule_files: ParsedRuleFiles,
}

impl Ahead {
    /// Parses the files `patterns` matched (each once, on every core) and checks the PromQL of
    /// `inline` expressions and of every rule in those files.
    pub(crate) fn compute(inline: &[String], patterns: &[String], included: &Included) -> Self {
        let paths: BTreeSet<&String> = patterns
            .iter()
            .filter_map(|pattern| included.globs.get(pattern)?.as_ref().ok())
            .flatten()
            .collect();
        let texts: Vec<(&String, &str)> = paths
            .into_iter()
            .filter_map(|path| Some((path, &**included.files.get(path)?.as_ref().ok()?)))
            .collect();
        let parsed = crate::parallel::map(&texts, |(_, text)| rule_file::parse(text));
        let in_files = parsed
            .iter()
            .filter_map(|file| file.as_ref().ok())
            .flat_map(|file| &file.groups)
            .flat_map(|group| &group.rules)
            .map(|rule| rule.expr.as_str());
        let promql = PromqlVerdicts::compute(inline.iter().map(String::as_str).chain(in_files));
        let rule_files = texts.into_iter().map(|(path, _)| path.clone()).zip(parsed).collect();
        Self {
            promql,
            rule_files: RefCell::new(rule_files),
        }
    }
}
