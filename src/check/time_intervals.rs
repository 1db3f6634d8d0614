//! `[[time_intervals]]`: times, weekdays, days of the month, months, years and time zones as
//! Alertmanager reads them, and the release that first accepts each.

use super::Ctx;
use super::syntax::values::{Checked, Problem};
use super::versions::{self, Version};
use crate::diag::Code;
use crate::model;
use crate::site::raw;

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
