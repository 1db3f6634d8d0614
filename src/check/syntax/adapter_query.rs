//! prometheus-adapter's queries and resource templates: PromQL and label names with `<<.Name>>`
//! placeholders the adapter fills in.

use super::promql::promql;
use super::values::{Checked, Problem, label_name};

/// The placeholders prometheus-adapter fills into a metrics query.
const ADAPTER_QUERY_PLACEHOLDERS: &[(&str, &str)] = &[
    ("Series", "placeholder_series"),
    ("LabelMatchers", "placeholder=\"x\""),
    ("GroupBy", "placeholder"),
];
/// The placeholders of a resource template.
const ADAPTER_RESOURCE_PLACEHOLDERS: &[(&str, &str)] = &[("Resource", "resource"), ("Group", "group")];

/// Replaces prometheus-adapter's `<<.Name>>` placeholders with sample values, refusing unknown ones.
fn fill_placeholders(text: &str, known: &[(&str, &str)]) -> Checked<String> {
    let names: Vec<&str> = known.iter().map(|(name, _)| *name).collect();
    let help = format!(
        "use only {}",
        names
            .iter()
            .map(|n| format!("`<<.{n}>>`"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("<<") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after
            .find(">>")
            .ok_or_else(|| Problem::new("unclosed `<<` in the template", help.clone()))?;
        let name = after[..end].trim().trim_start_matches('.');
        let value = known
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| *v)
            .ok_or_else(|| Problem::new(format!("unknown placeholder `<<{}>>`", &after[..end]), help.clone()))?;
        out.push_str(value);
        rest = &after[end + 2..];
    }
    if rest.contains(">>") {
        return Err(Problem::new("`>>` without `<<` in the template", help));
    }
    out.push_str(rest);
    Ok(out)
}

/// A prometheus-adapter metrics query: known placeholders, and valid PromQL once they are filled in.
pub(crate) fn adapter_query(text: &str) -> Result<(), (bool, Problem)> {
    let filled = fill_placeholders(text, ADAPTER_QUERY_PLACEHOLDERS).map_err(|p| (true, p))?;
    promql(&filled).map_err(|p| (false, p))
}

/// A prometheus-adapter resource template: known placeholders, and a label name once filled in.
pub(crate) fn adapter_resource_template(text: &str) -> Checked<()> {
    let filled = fill_placeholders(text, ADAPTER_RESOURCE_PLACEHOLDERS)?;
    label_name(&filled).map_err(|_| {
        Problem::new(
            format!("`{text}` does not make a label name"),
            "write a label name around `<<.Resource>>`, e.g. `kube_<<.Resource>>`",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adapter_templates() {
        assert!(adapter_query("sum(rate(<<.Series>>{<<.LabelMatchers>>}[2m])) by (<<.GroupBy>>)").is_ok());
        assert!(matches!(adapter_query("sum(<<.Serie>>)"), Err((true, _))));
        assert!(matches!(adapter_query("sum(<<.Series>>"), Err((false, _))));
        assert!(matches!(adapter_query("sum(<<.Series)"), Err((true, _))));
        assert!(adapter_resource_template("kube_<<.Resource>>").is_ok());
        assert!(adapter_resource_template("<<.Namespace>>").is_err());
    }

    /// The resource metrics queries promsite ships are valid once the adapter fills them in.
    #[test]
    fn resource_metrics_queries() {
        let q = crate::content::resource_metrics::queries("kubelet");
        for query in [q.cpu_container, q.cpu_node, q.memory_container, q.memory_node] {
            assert!(adapter_query(&query).is_ok(), "{query}");
            assert!(
                query.contains("<<.LabelMatchers>>") && query.contains("<<.GroupBy>>"),
                "{query}"
            );
            let bare = query.replace("<<.LabelMatchers>>", "").replace("<<.GroupBy>>", "pod");
            assert!(promql(&bare).is_ok(), "{bare}");
        }
    }
}
