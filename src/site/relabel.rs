//! The site-format relabeling step, shared by `[[scrape]]`, `[[pod_monitor]]`, `[[static_scrape]]`
//! and remote write. Like `raw`, nothing here is validated beyond its shape.

use schemars::JsonSchema;
use serde::Deserialize;

use crate::model::RelabelAction;

/// One relabeling step, as Prometheus' `relabel_config`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Relabel {
    /// Labels whose values, joined with `separator`, the regex is matched against.
    #[serde(default)]
    #[schemars(example = serde_json::json!(["__name__"]))]
    pub source_labels: Vec<String>,
    /// Separator between the source labels' values. Default `;`.
    #[schemars(example = &";")]
    pub separator: Option<String>,
    /// A regular expression (RE2, fully anchored). Default `(.*)`.
    #[schemars(example = &"go_.*")]
    pub regex: Option<String>,
    /// With `hashmod`: the modulus the hash of the source labels is taken by.
    #[schemars(range(min = 1))]
    #[schemars(example = 4)]
    pub modulus: Option<u64>,
    /// The action. Default `replace`.
    #[schemars(example = &"drop")]
    pub action: Option<RelabelAction>,
    /// With `replace`, `hashmod`, `lowercase` and `uppercase`: the label to write; with
    /// `keepequal` and `dropequal`: the label to compare with.
    #[schemars(example = &"cluster")]
    pub target_label: Option<String>,
    /// With `replace`: the value to write; with `labelmap`: the new label name. `$1`-style
    /// references name the regex's groups. Default `$1`.
    #[schemars(example = &"$1")]
    pub replacement: Option<String>,
}
