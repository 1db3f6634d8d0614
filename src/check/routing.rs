//! Alertmanager's routing beyond the tree itself: inhibition rules, time intervals, notification
//! templates, and the whole-tree checks (receivers nobody routes to).

use std::collections::BTreeSet;

use super::Ctx;
use super::syntax::matchers;
use super::syntax::values::{self, Checked, Problem};
use super::versions::{self, Version};
use crate::diag::{Code, Included};
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
                    .filter_map(|(j, m)| {
                        ctx.check(
                            Code::AlertMatcher,
                            format!("/inhibit_rules/{i}/{key}/{j}"),
                            matchers::matcher(m),
                        )
                    })
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

/// Checks every time interval; returns them sorted by name.
pub(crate) fn time_intervals(
    ctx: &mut Ctx<'_>,
    raw: &[raw::TimeInterval],
    version: Option<Version>,
) -> Vec<model::TimeInterval> {
    ctx.unique(
        "time interval",
        raw.iter()
            .enumerate()
            .map(|(i, t)| (format!("/time_intervals/{i}/name"), t.name.as_str())),
    );
    let gate = |ctx: &mut Ctx<'_>, pointer: &str, feature: versions::Feature| {
        if let Some(problem) = version.and_then(|v| feature.check(v).err()) {
            ctx.error_at_key(Code::AlertmanagerVersion, pointer, problem);
        }
    };
    let mut intervals: Vec<model::TimeInterval> = raw
        .iter()
        .enumerate()
        .map(|(i, interval)| {
            gate(ctx, &format!("/time_intervals/{i}"), versions::TIME_INTERVALS);
            if interval.name.is_empty() {
                ctx.error(
                    Code::NameInvalid,
                    format!("/time_intervals/{i}/name"),
                    Problem::new("a time interval name cannot be empty", "name it, e.g. `offhours`"),
                );
            }
            let specs = interval
                .intervals
                .iter()
                .enumerate()
                .map(|(j, spec)| {
                    let at = format!("/time_intervals/{i}/intervals/{j}");
                    let mut ranges = |key: &str, list: &[String], parse: fn(&str) -> Checked<()>| -> Vec<String> {
                        list.iter()
                            .enumerate()
                            .filter_map(|(k, r)| {
                                ctx.check(Code::AlertTimeInterval, format!("{at}/{key}/{k}"), parse(r))
                                    .map(|()| r.clone())
                            })
                            .collect()
                    };
                    let weekdays = ranges("weekdays", &spec.weekdays, weekday_range);
                    let days_of_month = ranges("days_of_month", &spec.days_of_month, day_of_month_range);
                    let months = ranges("months", &spec.months, month_range);
                    let years = ranges("years", &spec.years, year_range);
                    let times = spec
                        .times
                        .iter()
                        .enumerate()
                        .filter_map(|(k, t)| {
                            ctx.check(
                                Code::AlertTimeInterval,
                                format!("{at}/times/{k}"),
                                time_range(&t.start_time, &t.end_time),
                            )
                            .map(|()| (t.start_time.clone(), t.end_time.clone()))
                        })
                        .collect();
                    if let Some(location) = &spec.location {
                        gate(ctx, &format!("{at}/location"), versions::TIME_INTERVAL_LOCATION);
                        ctx.check(Code::AlertTimeInterval, format!("{at}/location"), time_zone(location));
                    }
                    model::TimeIntervalSpec {
                        times,
                        weekdays,
                        days_of_month,
                        months,
                        years,
                        location: spec.location.clone(),
                    }
                })
                .collect();
            model::TimeInterval {
                name: interval.name.clone(),
                intervals: specs,
            }
        })
        .collect();
    intervals.sort_by(|a, b| a.name.cmp(&b.name));
    intervals
}

/// The template files named in `[alertmanager] templates`, as the caller read them.
pub(crate) fn templates(ctx: &mut Ctx<'_>, paths: &[String], included: &Included) -> Vec<model::Template> {
    let names: Vec<String> = paths
        .iter()
        .map(|p| p.rsplit(['/', '\\']).next().unwrap_or(p).to_owned())
        .collect();
    ctx.unique(
        "template file name",
        names
            .iter()
            .enumerate()
            .map(|(i, n)| (format!("/alertmanager/templates/{i}"), n.as_str())),
    );
    let mut templates: Vec<model::Template> = paths
        .iter()
        .zip(&names)
        .enumerate()
        .filter_map(|(i, (path, name))| {
            let pointer = format!("/alertmanager/templates/{i}");
            let valid_key = !name.is_empty() && name != "alertmanager.yaml" && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
            if !valid_key {
                ctx.error(Code::NameInvalid, &pointer, Problem::new(format!("`{name}` cannot be a key of the configuration Secret"), "name template files with letters, digits, `-`, `_` and `.`, e.g. `slack.tmpl`"));
            }
            match included.files.get(path) {
                Some(Ok(text)) => Some(model::Template { name: name.clone(), text: text.to_string() }),
                Some(Err(error)) => {
                    ctx.error(Code::RefMissingFile, &pointer, Problem::new(format!("cannot read `{path}`: {error}"), "paths are relative to the site file; check the name and that the file is readable"));
                    None
                }
                None => {
                    ctx.error(Code::RefMissingFile, &pointer, Problem::new(format!("`{path}` was not read"), "paths are relative to the site file; compile the site from its file with `promsite compile`"));
                    None
                }
            }
        })
        .collect();
    templates.sort_by(|a, b| a.name.cmp(&b.name));
    templates
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

/// `HH:MM` to `HH:MM`, end after start, at most `24:00`.
fn time_range(start: &str, end: &str) -> Checked<()> {
    let minutes = |text: &str| -> Checked<u32> {
        let bad = || {
            Problem::new(
                format!("`{text}` is not a time of day"),
                "write `HH:MM` from `00:00` to `24:00`, e.g. `start_time = \"09:00\"`, `end_time = \"17:30\"`",
            )
        };
        let (h, m) = text.split_once(':').ok_or_else(bad)?;
        if h.len() != 2 || m.len() != 2 {
            return Err(bad());
        }
        let (h, m): (u32, u32) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
        if m >= 60 || h * 60 + m > 24 * 60 {
            return Err(bad());
        }
        Ok(h * 60 + m)
    };
    if minutes(start)? >= minutes(end)? {
        return Err(Problem::new(
            format!("the range `{start}` to `{end}` is empty"),
            "the end time must be after the start time; split a range over midnight into `start..24:00` and `00:00..end`",
        ));
    }
    Ok(())
}

/// A range `a:b` (or a single value) whose ends `parse` maps to ordered numbers.
fn range(text: &str, what: &str, example: &str, parse: impl Fn(&str) -> Option<i64>) -> Checked<()> {
    let bad = || {
        Problem::new(
            format!("`{text}` is not a {what} or a range of them"),
            format!("write one value or `start:end`, e.g. `{example}`"),
        )
    };
    let (start, end) = text.split_once(':').unwrap_or((text, text));
    let (start, end) = (parse(start.trim()).ok_or_else(bad)?, parse(end.trim()).ok_or_else(bad)?);
    if start > end {
        return Err(Problem::new(
            format!("the range `{text}` runs backwards"),
            format!("put the earlier {what} first, e.g. `{example}`"),
        ));
    }
    Ok(())
}

const WEEKDAYS: &[&str] = &[
    "sunday",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
];
const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

fn position(names: &[&str], text: &str) -> Option<i64> {
    names
        .iter()
        .position(|n| n.eq_ignore_ascii_case(text))
        .and_then(|i| i64::try_from(i).ok())
}

fn weekday_range(text: &str) -> Checked<()> {
    range(text, "weekday", "monday:friday", |t| position(WEEKDAYS, t))
}

fn month_range(text: &str) -> Checked<()> {
    range(text, "month", "january:march", |t| {
        position(MONTHS, t)
            .map(|i| i + 1)
            .or_else(|| t.parse().ok().filter(|m| (1..=12).contains(m)))
    })
}

fn year_range(text: &str) -> Checked<()> {
    range(text, "year", "2025:2027", |t| t.parse().ok().filter(|y: &i64| *y > 0))
}

/// Days count from 1, or back from -1 (the last day); a range may not mix the two directions
/// in a way that runs backwards (Alertmanager rejects `-1:5`-style ranges whose ends cross).
fn day_of_month_range(text: &str) -> Checked<()> {
    let day = |t: &str| t.parse::<i64>().ok().filter(|d| *d != 0 && (-31..=31).contains(d));
    let (start, end) = text.split_once(':').unwrap_or((text, text));
    if let (Some(s), Some(e)) = (day(start.trim()), day(end.trim())) {
        if s < 0 && e > 0 {
            return Err(Problem::new(
                format!("the range `{text}` mixes a day counted from the end with one counted from the start"),
                "count both ends the same way, e.g. `1:5` or `-3:-1`",
            ));
        }
        if s > 0 && e < 0 {
            return Ok(());
        }
    }
    range(text, "day of the month", "1:5", day)
}

/// The shape of an IANA zone name (`UTC`, `Local`, `Area/City`); whether it exists is up to the
/// zone database of the Alertmanager image, which promsite cannot see.
fn time_zone(text: &str) -> Checked<()> {
    let valid = matches!(text, "UTC" | "Local")
        || (!text.starts_with('/')
            && !text.contains("..")
            && text.split('/').all(|part| {
                !part.is_empty()
                    && part
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'+'))
            })
            && text.contains('/'));
    if valid {
        Ok(())
    } else {
        Err(Problem::new(
            format!("`{text}` is not a time zone name"),
            "use an IANA zone such as `Asia/Tokyo` or `Europe/Berlin`, or `UTC`",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_interval_values() {
        assert!(time_range("09:00", "17:30").is_ok() && time_range("18:00", "24:00").is_ok());
        for (start, end) in [
            ("17:00", "09:00"),
            ("9:00", "10:00"),
            ("24:30", "25:00"),
            ("10:60", "11:00"),
            ("10:00", "10:00"),
        ] {
            assert!(time_range(start, end).is_err(), "{start}..{end} accepted");
        }
        for good in ["monday:friday", "Saturday", "sunday"] {
            assert!(weekday_range(good).is_ok(), "{good} rejected");
        }
        for bad in ["friday:monday", "mon", "monday:"] {
            assert!(weekday_range(bad).is_err(), "{bad} accepted");
        }
        for good in ["1:5", "-3:-1", "15", "1:-1", "31"] {
            assert!(day_of_month_range(good).is_ok(), "{good} rejected");
        }
        for bad in ["0", "32", "5:1", "-1:5", "x"] {
            assert!(day_of_month_range(bad).is_err(), "{bad} accepted");
        }
        assert!(month_range("january:march").is_ok() && month_range("12").is_ok() && month_range("13").is_err());
        assert!(year_range("2025:2027").is_ok() && year_range("2027:2025").is_err());
        assert!(
            time_zone("Asia/Tokyo").is_ok()
                && time_zone("UTC").is_ok()
                && time_zone("Tokyo").is_err()
                && time_zone("../etc").is_err()
        );
    }
}
