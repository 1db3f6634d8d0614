//! Content promsite ships with every site: its default alerting and recording rules, and its
//! default Grafana dashboards. Built from
//! the validated `model::Site` (so they fit what the site deploys), handed to `check/` as
//! site-format rule groups that go through the same checks as the user's, and rendered like them;
//! and the drop lists of its cardinality guards. Pure: no I/O, like `render`.

pub mod cardinality;
pub mod dashboards;
pub mod resource_metrics;
pub mod rules;

/// GitHub's anchor for a heading: lower case, spaces to `-`, punctuation dropped. The generated references
/// (docs/alerts.md, docs/dashboards.md) link their tables of contents to their headings with it.
fn markdown_anchor(heading: &str) -> String {
    heading
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}
