//! The default rule groups, one file per failure class. Each class is a [`Class`] in [`CLASSES`]:
//! an id (the group's name is `promsite-<id>`, and every alert of it carries the label
//! `promsite_group="<id>"`), a title for `docs/alerts.md`, and a function that adds alerts and
//! recording rules to a [`Group`] from what [`Cx`] says about the site. `docs/content-api.md`
//! explains how to add one.

mod alertmanager;
mod builder;
mod config_reloader;
mod coredns;
mod docs;
mod etcd;
mod jobs;
mod kubernetes;
mod meta;
mod nodes;
mod operator;
mod prometheus;
mod recording;
mod workloads;

pub use builder::{Alert, Group, Record, Severity};
pub use docs::markdown;
pub use jobs::Jobs;

use crate::model::Site;
use crate::model::default_rules::{DefaultRules, Thresholds};
use crate::site::raw;

/// One failure class: a default rule group.
pub struct Class {
    /// Group id: a DNS label, listed in `[default_rules] disabled_groups`.
    pub id: &'static str,
    /// Heading in `docs/alerts.md`.
    pub title: &'static str,
    /// Adds the group's rules; adds none when the site lacks what they watch.
    pub build: fn(&Cx<'_>, &mut Group),
}

/// Every class, in the order of `docs/alerts.md`. Adding a class is one line here (kept one per
/// line, so that classes added side by side merge cleanly).
#[rustfmt::skip]
pub const CLASSES: &[Class] = &[
    meta::CLASS,
    prometheus::CLASS,
    alertmanager::CLASS,
    config_reloader::CLASS,
    operator::CLASS,
    nodes::CLASS,
    workloads::CLASS,
    kubernetes::CLASS,
    etcd::CLASS,
    coredns::CLASS,
    recording::CLASS,
];

/// What a class may know about the site.
pub struct Cx<'a> {
    /// The validated site.
    pub site: &'a Site,
    /// The `[default_rules]` settings.
    pub settings: &'a DefaultRules,
    /// The job label of each component promsite scrapes (`None`: switched off).
    pub jobs: Jobs,
}

impl Cx<'_> {
    /// The alert thresholds.
    pub fn thresholds(&self) -> &Thresholds {
        &self.settings.thresholds
    }
}

/// A built default group: its class, its rules in the site format, and the alerts' documentation.
pub struct DefaultGroup {
    /// The class it came from.
    pub class: &'static Class,
    /// The group as a site-format rule group, for `check/` to check like the user's.
    pub group: raw::RuleGroup,
    /// The alerts, for `docs/alerts.md`.
    pub alerts: Vec<Alert>,
    /// The recording rules, for `docs/alerts.md`.
    pub records: Vec<Record>,
}

/// The PrometheusRule (and group) name of a class.
pub fn group_name(id: &str) -> String {
    format!("promsite-{id}")
}

/// The default groups of `site` (none when `[default_rules]` is off), without the disabled ones
/// and without those left empty (their component is switched off).
pub fn groups(site: &Site) -> Vec<DefaultGroup> {
    let Some(settings) = &site.default_rules else {
        return Vec::new();
    };
    build(site, settings)
        .into_iter()
        .filter(|g| !settings.disabled_groups.contains(g.class.id))
        .collect()
}

/// Every non-empty group of `site` under `settings`, disabled ones included.
pub fn build(site: &Site, settings: &DefaultRules) -> Vec<DefaultGroup> {
    let cx = Cx {
        site,
        settings,
        jobs: Jobs::of(site),
    };
    CLASSES
        .iter()
        .filter_map(|class| {
            let mut group = Group::new(class.id);
            (class.build)(&cx, &mut group);
            (!group.is_empty()).then(|| group.finish(class, settings))
        })
        .collect()
}
