//! `[route]`: the routing tree, its references to receivers and time intervals, and receivers no
//! route sends to.

use std::collections::BTreeSet;

use super::Ctx;
use super::syntax::matchers;
use super::syntax::values::{self, Problem};
use crate::diag::Code;
use crate::model;
use crate::site::raw;

/// What routes may refer to.
pub(crate) struct Names<'n> {
    pub(crate) receivers: &'n BTreeSet<&'n str>,
    pub(crate) intervals: &'n BTreeSet<&'n str>,
}

pub(crate) fn route(
    ctx: &mut Ctx<'_>,
    raw: &raw::Route,
    pointer: &str,
    names: &Names<'_>,
    root: bool,
) -> Option<model::Route> {
    let receivers = names.receivers;
    if root {
        if raw.receiver.is_none() {
            ctx.error_at_key(
                Code::AlertRoute,
                pointer,
                Problem::new(
                    "the root route has no receiver",
                    "set `receiver` in `[route]`: alerts no child route matches go there",
                ),
            );
        }
        if !raw.matchers.is_empty() {
            ctx.error(
                Code::AlertRoute,
                format!("{pointer}/matchers"),
                Problem::new(
                    "the root route cannot have matchers",
                    "the root route matches every alert; move the matchers to a `[[route.routes]]` entry",
                ),
            );
        }
        if raw.continue_matching {
            ctx.error(
                Code::AlertRoute,
                format!("{pointer}/continue"),
                Problem::new(
                    "the root route cannot set `continue`",
                    "remove `continue` from `[route]`",
                ),
            );
        }
        for key in ["mute_time_intervals", "active_time_intervals"] {
            let given = if key == "mute_time_intervals" {
                &raw.mute_time_intervals
            } else {
                &raw.active_time_intervals
            };
            if !given.is_empty() {
                ctx.error_at_key(
                    Code::AlertRoute,
                    format!("{pointer}/{key}"),
                    Problem::new(
                        format!("the root route cannot have `{key}`"),
                        "move the time intervals to a `[[route.routes]]` entry",
                    ),
                );
            }
        }
    }
    for (key, list) in [
        ("mute_time_intervals", &raw.mute_time_intervals),
        ("active_time_intervals", &raw.active_time_intervals),
    ] {
        for (i, name) in list.iter().enumerate() {
            if !names.intervals.contains(name.as_str()) {
                let help = if names.intervals.is_empty() {
                    "declare it in a `[[time_intervals]]` table".to_owned()
                } else {
                    format!(
                        "declare it in `[[time_intervals]]`, or use one of: {}",
                        names.intervals.iter().copied().collect::<Vec<_>>().join(", ")
                    )
                };
                ctx.error(
                    Code::RefUnknownTimeInterval,
                    format!("{pointer}/{key}/{i}"),
                    Problem::new(format!("time interval `{name}` is not declared"), help),
                );
            }
        }
    }
    if let Some(name) = &raw.receiver
        && !receivers.contains(name.as_str())
    {
        let known: Vec<&str> = receivers.iter().copied().collect();
        ctx.error(
            Code::RefUnknownReceiver,
            format!("{pointer}/receiver"),
            Problem::new(
                format!("receiver `{name}` is not declared"),
                format!("declare it in `[[receivers]]`, or use one of: {}", known.join(", ")),
            ),
        );
    }
    let matchers: Vec<model::Matcher> = raw
        .matchers
        .iter()
        .enumerate()
        .filter_map(|(i, m)| alert_matcher(ctx, &format!("{pointer}/matchers/{i}"), m))
        .collect();
    if let Some(group_by) = &raw.group_by {
        for (i, label) in group_by.iter().enumerate() {
            if label != "..." {
                ctx.check(
                    Code::ValueLabelName,
                    format!("{pointer}/group_by/{i}"),
                    values::label_name(label),
                );
            }
        }
    }
    let routes: Vec<Option<model::Route>> = raw
        .routes
        .iter()
        .enumerate()
        .map(|(i, r)| route(ctx, r, &format!("{pointer}/routes/{i}"), names, false))
        .collect();
    Some(model::Route {
        receiver: raw.receiver.clone(),
        matchers,
        group_by: raw.group_by.clone(),
        group_wait: ctx.duration(format!("{pointer}/group_wait"), raw.group_wait.as_ref()),
        group_interval: ctx.duration(format!("{pointer}/group_interval"), raw.group_interval.as_ref()),
        repeat_interval: ctx.duration(format!("{pointer}/repeat_interval"), raw.repeat_interval.as_ref()),
        continue_matching: raw.continue_matching,
        mute_time_intervals: raw.mute_time_intervals.clone(),
        active_time_intervals: raw.active_time_intervals.clone(),
        routes: routes.into_iter().collect::<Option<Vec<_>>>()?,
    })
}

/// Warns about receivers that no route names: their notifications would never be sent.
pub(crate) fn unused_receivers(ctx: &mut Ctx<'_>, raw: &raw::RawSite) {
    fn walk<'r>(route: &'r raw::Route, used: &mut BTreeSet<&'r str>) {
        used.extend(route.receiver.as_deref());
        for child in &route.routes {
            walk(child, used);
        }
    }
    let mut used = BTreeSet::new();
    walk(&raw.route, &mut used);
    // The default rules' routes are added later, from `[default_rules]`.
    used.extend(raw.default_rules.receiver.as_deref());
    used.extend(raw.default_rules.watchdog.as_ref().map(|w| w.receiver.as_str()));
    for (i, receiver) in raw.receivers.iter().enumerate() {
        if !used.contains(receiver.name.as_str()) {
            ctx.warning(
                Code::AlertUnusedReceiver,
                format!("/receivers/{i}/name"),
                Problem::new(
                    format!("no route sends alerts to receiver `{}`", receiver.name),
                    "name it in a route's `receiver`, or remove it",
                ),
            );
        }
    }
}

/// An Alertmanager matcher checked at `pointer`, with a warning for what older releases refuse.
pub(super) fn alert_matcher(ctx: &mut Ctx<'_>, pointer: &str, text: &str) -> Option<model::Matcher> {
    let matcher = ctx.check(Code::AlertMatcher, pointer, matchers::matcher(text))?;
    if let Some(problem) = matchers::older_alertmanager_refusal(&matcher) {
        ctx.warning(Code::AlertMatcherClassName, pointer, problem);
    }
    Some(matcher)
}
