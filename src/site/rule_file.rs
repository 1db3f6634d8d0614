//! Prometheus rule files (`groups: [...]`, as `promtool check rules` reads them), parsed with
//! positions so that a problem inside an included file is shown in that file. The groups come
//! out as the same raw types as inline `[[rule_groups]]`, with a span index over JSON Pointers
//! (`/groups/0/rules/1/expr`), so that one set of checks serves both.
//!
//! Read as Prometheus 3's `rulefmt` reads them: only the first YAML document counts, a file with
//! no document or no `groups` has no groups, a group's `rules` may be null or absent, and a
//! scalar of any YAML type is a string where a string belongs (`expr: 1`, `tier: 1`,
//! `interval: 0`), kept exactly as written.

use std::collections::BTreeMap;
use std::ops::Range;

use serde::{Deserialize, Deserializer};
use serde_saphyr::Spanned;

use super::raw::{Rule, RuleGroup};
use super::{SpanIndex, escape};

mod fast;

#[doc(hidden)]
pub use fast::agrees as fast_reading_agrees;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    groups: Option<Vec<Group>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Group {
    name: At<Scalar>,
    interval: Option<At<Scalar>>,
    query_offset: Option<At<Scalar>>,
    limit: Option<At<i64>>,
    labels: Option<BTreeMap<String, At<Scalar>>>,
    rules: Option<Vec<FileRule>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileRule {
    alert: Option<At<Scalar>>,
    record: Option<At<Scalar>>,
    expr: Option<At<Scalar>>,
    #[serde(rename = "for")]
    for_duration: Option<At<Scalar>>,
    keep_firing_for: Option<At<Scalar>>,
    labels: Option<BTreeMap<String, At<Scalar>>>,
    annotations: Option<BTreeMap<String, At<Scalar>>>,
}

/// A value and where it is in the file (as a byte range).
#[derive(Debug)]
struct At<T> {
    value: T,
    span: Range<usize>,
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for At<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let spanned = Spanned::<T>::deserialize(deserializer)?;
        let span = spanned.referenced.span();
        let start = span.byte_offset().and_then(|o| usize::try_from(o).ok()).unwrap_or(0);
        let length = span.byte_len().and_then(|l| usize::try_from(l).ok()).unwrap_or(0);
        Ok(At {
            value: spanned.value,
            span: start..start + length,
        })
    }
}

/// A YAML scalar where Prometheus reads a string: a string as parsed, any other scalar as its
/// source text (Go's YAML decoder gives a number or boolean's text when it fills a string).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Scalar {
    Text(String),
    Integer(i64),
    Float(f64),
    Boolean(bool),
}

/// A parsed rule file.
#[derive(Debug)]
pub struct RuleFile {
    /// The groups of its first document, in order.
    pub groups: Vec<RuleGroup>,
    /// Where each value is.
    pub spans: SpanIndex,
    /// The `---` line that starts a second YAML document with content: Prometheus reads the
    /// first document only, so everything from here on is never loaded.
    pub ignored_documents: Option<Range<usize>>,
}

/// A rule file that is not a Prometheus rule file: why, and where.
#[derive(Debug, Clone)]
pub struct RuleFileError {
    /// What is wrong.
    pub message: String,
    /// Where, as a byte range in the file.
    pub span: Range<usize>,
}

/// Parses a rule file into raw groups and the spans of their values.
pub fn parse(text: &str) -> Result<RuleFile, RuleFileError> {
    parse_with(text, true)
}

/// [`parse`] with the fast reading in front of the YAML parser, or the YAML parser alone (for
/// the benchmarks).
#[doc(hidden)]
pub fn parse_with(text: &str, fast: bool) -> Result<RuleFile, RuleFileError> {
    let (end, ignored_documents) = first_document(text);
    // Most rule files are of a simple shape that is read at a fraction of the general parser's cost.
    let file = match fast.then(|| fast::file(&text[..end])) {
        Some(Ok(file)) => file,
        Some(Err(fast::Unsure)) | None => slow(&text[..end])?,
    };
    let (groups, spans) = convert(text, file);
    Ok(RuleFile {
        groups,
        spans,
        ignored_documents,
    })
}

/// The first document of a rule file (`text` ends where it does), read by the YAML parser. An
/// explicit empty document (`---` alone) is null: no groups, as for Go's YAML decoder.
fn slow(text: &str) -> Result<Option<File>, RuleFileError> {
    // `.inf` and `.nan` are text where text belongs, as for Go's decoder (serde-saphyr refuses
    // them by default).
    let options = serde_saphyr::options! {
        non_finite_float_policy: serde_saphyr::NonFiniteFloatPolicy::PassThrough,
    };
    serde_saphyr::from_str_with_options(text, options).map_err(|e| {
        let message = e.to_string();
        // Scanner errors carry their position in the message only (`line 4 column 4`).
        let start = e
            .location()
            .and_then(|l| l.span().byte_offset())
            .and_then(|o| usize::try_from(o).ok())
            .or_else(|| offset_in_message(text, &message))
            .unwrap_or(0);
        RuleFileError {
            message: message.lines().next().unwrap_or(&message).to_owned(),
            span: start..start,
        }
    })
}

/// The groups of a rule file as raw groups, and the spans of their values.
fn convert(text: &str, file: Option<File>) -> (Vec<RuleGroup>, SpanIndex) {
    let mut index = SpanIndex::default();
    let index = &mut index;
    let groups = file
        .and_then(|f| f.groups)
        .unwrap_or_default()
        .into_iter()
        .enumerate()
        .map(|(i, group)| {
            let base = format!("/groups/{i}");
            let name = scalar(text, index, format!("{base}/name"), group.name);
            let interval = group
                .interval
                .map(|v| scalar(text, index, format!("{base}/interval"), v));
            let query_offset = group
                .query_offset
                .map(|v| scalar(text, index, format!("{base}/query_offset"), v));
            let limit = group.limit.map(|v| {
                index.insert(format!("{base}/limit"), None, v.span);
                v.value
            });
            let labels = map(text, index, &format!("{base}/labels"), group.labels);
            let rules = group
                .rules
                .unwrap_or_default()
                .into_iter()
                .enumerate()
                .map(|(j, rule)| {
                    let base = format!("{base}/rules/{j}");
                    // A rule's own position is where its first key's value is: its name, else its expression.
                    if let Some(first) = rule.alert.as_ref().or(rule.record.as_ref()).or(rule.expr.as_ref()) {
                        index.insert(base.clone(), None, first.span.clone());
                    }
                    let mut field = |key: &str, value: Option<At<Scalar>>| {
                        value.map(|v| scalar(text, index, format!("{base}/{key}"), v))
                    };
                    let alert = field("alert", rule.alert);
                    let record = field("record", rule.record);
                    let expr = field("expr", rule.expr);
                    let for_duration = field("for", rule.for_duration);
                    let keep_firing_for = field("keep_firing_for", rule.keep_firing_for);
                    Rule {
                        alert,
                        record,
                        expr: expr.unwrap_or_default(),
                        for_duration,
                        keep_firing_for,
                        labels: map(text, index, &format!("{base}/labels"), rule.labels),
                        annotations: map(text, index, &format!("{base}/annotations"), rule.annotations),
                    }
                })
                .collect();
            RuleGroup {
                name,
                interval,
                query_offset,
                limit,
                labels,
                rules,
            }
        })
        .collect();
    let spans = std::mem::take(index);
    (groups, spans)
}

/// The text of a scalar, its position recorded at `pointer`.
fn scalar(text: &str, index: &mut SpanIndex, pointer: String, value: At<Scalar>) -> String {
    let range = value.span;
    let string = match value.value {
        Scalar::Text(string) => string,
        Scalar::Integer(n) => source_text(text, &range).unwrap_or_else(|| n.to_string()),
        Scalar::Float(x) => source_text(text, &range).unwrap_or_else(|| x.to_string()),
        Scalar::Boolean(b) => source_text(text, &range).unwrap_or_else(|| b.to_string()),
    };
    index.insert(pointer, None, range);
    string
}

/// A map of scalars (labels, annotations), each position recorded under `section`.
fn map(
    text: &str,
    index: &mut SpanIndex,
    section: &str,
    entries: Option<BTreeMap<String, At<Scalar>>>,
) -> BTreeMap<String, String> {
    entries
        .unwrap_or_default()
        .into_iter()
        .map(|(key, value)| {
            let value = scalar(text, index, format!("{section}/{}", escape(&key)), value);
            (key, value)
        })
        .collect()
}

/// The byte offset of the first `line L column C` a message names (both 1-based).
fn offset_in_message(text: &str, message: &str) -> Option<usize> {
    let number = |s: &str| -> Option<usize> { s.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok() };
    let rest = &message[message.find("line ")? + 5..];
    let line = number(rest)?;
    let column = rest.find("column ").and_then(|at| number(&rest[at + 7..])).unwrap_or(1);
    let start = text
        .split_inclusive('\n')
        .take(line.checked_sub(1)?)
        .map(str::len)
        .sum::<usize>();
    let length = text[start..].find('\n').unwrap_or(text.len() - start);
    let within = text[start..start + length]
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(length, |(at, _)| at);
    Some(start + within)
}

/// A plain scalar's source text (a quoted one is a string already).
fn source_text(text: &str, range: &Range<usize>) -> Option<String> {
    text.get(range.clone())
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

/// Where the first YAML document of `text` ends, and the `---` line of the next document if
/// anything but comments follows. A line of `---` (or `...`) at column 0 is always a document
/// marker in YAML; every value of a rule file is nested deeper, so no scalar line can look like one.
fn first_document(text: &str) -> (usize, Option<Range<usize>>) {
    let mut offset = 0;
    let mut started = false;
    let mut end = None;
    for line in text.split_inclusive('\n') {
        let content = line.trim_end();
        let marker = |m: &str| {
            content
                .strip_prefix(m)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t']))
        };
        if let Some(at) = end {
            if !content.is_empty() && !content.starts_with('#') && !marker("---") && !marker("...") {
                return (at, Some(at..at + text[at..].find('\n').unwrap_or(text.len() - at)));
            }
        } else if marker("---") {
            if started {
                end = Some(offset);
            }
            started = true;
        } else if marker("...") {
            end = Some(offset);
        } else if !content.is_empty() && !content.starts_with('#') && !content.starts_with('%') {
            started = true;
        }
        offset += line.len();
    }
    (end.unwrap_or(text.len()), None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_keep_their_positions() {
        let text = "groups:\n  - name: node\n    rules:\n      - alert: NodeDown\n        expr: up == 0\n        labels:\n          severity: critical\n";
        let file = parse(text).expect("a rule file");
        let (groups, index) = (file.groups, file.spans);
        assert_eq!(groups[0].name, "node");
        assert_eq!(groups[0].rules[0].alert.as_deref(), Some("NodeDown"));
        assert_eq!(&text[index.value("/groups/0/rules/0/expr")], "up == 0");
        assert_eq!(&text[index.value("/groups/0/rules/0/labels/severity")], "critical");
        let error = parse("groups:\n  - name: x\n    rulez: []\n").expect_err("unknown key");
        assert!(error.message.contains("rulez"), "{}", error.message);
        // A scanner error is placed where its message says.
        let text = "groups:\n  - name: x\n    rules:\n\t  - alert: A\n";
        let error = parse(text).expect_err("a tab");
        assert_eq!(text[..error.span.start].lines().count(), 4, "{error:?}");
    }

    #[test]
    fn reads_what_prometheus_reads() {
        // Empty files, comments only, no groups, and groups without rules have nothing in them.
        for text in ["", "# moved\n", "groups: []\n", "groups:\n", "---\n"] {
            assert!(parse(text).expect(text).groups.is_empty(), "{text:?}");
        }
        let file = parse("groups:\n  - name: a\n    rules:\n  - name: b\n").expect("null rules");
        assert_eq!(file.groups.len(), 2);
        assert!(file.groups.iter().all(|g| g.rules.is_empty()));
        // Non-string scalars are their source text.
        let text = "groups:\n  - name: 2024\n    interval: 0\n    limit: -1\n    labels: { tier: 1.0, on: yes }\n    rules:\n      - record: one\n        expr: 1\n";
        let group = &parse(text).expect("scalars").groups[0];
        assert_eq!(
            (group.name.as_str(), group.interval.as_deref(), group.limit),
            ("2024", Some("0"), Some(-1))
        );
        assert_eq!(group.labels["tier"], "1.0");
        // Non-finite floats too, as promtool reads them.
        let text = "groups:\n  - name: a\n    labels: { a: .INF, b: -.inf, c: .NaN }\n";
        let labels = &parse(text).expect("non-finite floats").groups[0].labels;
        assert_eq!([&labels["a"], &labels["b"], &labels["c"]], [".INF", "-.inf", ".NaN"]);
        assert_eq!(group.labels["on"], "yes");
        assert_eq!(group.rules[0].expr, "1");
        // Anchors, aliases and merge keys.
        let text = "groups:\n  - name: a\n    rules:\n      - alert: A\n        expr: up\n        labels: &l { severity: page }\n      - alert: B\n        expr: up\n        labels:\n          <<: *l\n          team: x\n";
        let group = &parse(text).expect("aliases").groups[0];
        assert_eq!(group.rules[1].labels.len(), 2);
        assert_eq!(group.rules[1].labels["severity"], "page");
    }

    #[test]
    fn only_the_first_document_counts() {
        let text =
            "groups:\n  - name: a\n---\n# never read\ngroups:\n  - name: b\n    rules: [{ record: x, expr: 'up(' }]\n";
        let file = parse(text).expect("first document");
        assert_eq!(file.groups.len(), 1);
        let ignored = file.ignored_documents.expect("the second document is reported");
        assert_eq!(&text[ignored], "---");
        // A leading marker starts the first document; a trailing one with nothing after is no document.
        let file = parse("---\ngroups:\n  - name: a\n---\n# end\n").expect("markers");
        assert_eq!((file.groups.len(), file.ignored_documents), (1, None));
        let file = parse("groups:\n  - name: a\n...\n---\ngroups: []\n").expect("end marker");
        assert_eq!(file.groups.len(), 1);
        assert!(file.ignored_documents.is_some());
    }
}
