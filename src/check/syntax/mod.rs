//! The small languages inside a site's strings, each checked on its text alone: PromQL, Go's
//! regexes, numbers, URLs and templates as Prometheus and Alertmanager read them, Alertmanager
//! matchers, prometheus-adapter queries, and the value formats (durations, quantities, names,
//! addresses). Nothing here knows about sites or reports diagnostics: each check returns a
//! `values::Problem` for the semantic passes to place.

pub(super) mod adapter_query;
mod go_number;
pub(super) mod go_regex;
pub(super) mod go_template;
mod go_url;
pub(super) mod matchers;
pub(super) mod promql;
pub(super) mod values;
