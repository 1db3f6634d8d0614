//! Content promsite ships with every site: its default alerting and recording rules, and its
//! default Grafana dashboards. Built from
//! the validated `model::Site` (so they fit what the site deploys), handed to `check/` as
//! site-format rule groups that go through the same checks as the user's, and rendered like them;
//! and the drop lists of its cardinality guards. Pure: no I/O, like `render`.

pub mod cardinality;
pub mod dashboards;
pub mod resource_metrics;
pub mod rules;
