//! `[[inhibit_rules]]`: the source and target matchers and the `equal` labels.

use super::Ctx;
use super::syntax::values;
use crate::diag::Code;
use crate::model;
use crate::site::raw;

/// Checks the inhibition rules' matchers and labels.
pub(crate) fn inhibit_rules(ctx: &mut Ctx<'_>, raw: &[raw::InhibitRule]) -> Vec<model::InhibitRule> {
    raw.iter()
        .enumerate()
        .map(|(i, rule)| {
            let mut matchers = |key: &str, list: &[String]| -> Vec<model::Matcher> {
                list.iter()
                    .enumerate()
                    .filter_map(|(j, m)| super::routes::alert_matcher(ctx, &format!("/inhibit_rules/{i}/{key}/{j}"), m))
                    .collect()
            };
            let source_matchers = matchers("source_matchers", &rule.source_matchers);
            let target_matchers = matchers("target_matchers", &rule.target_matchers);
            for (j, label) in rule.equal.iter().enumerate() {
                ctx.check(
                    Code::ValueLabelName,
                    format!("/inhibit_rules/{i}/equal/{j}"),
                    values::label_name(label),
                );
            }
            model::InhibitRule {
                source_matchers,
                target_matchers,
                equal: rule.equal.clone(),
            }
        })
        .collect()
}
