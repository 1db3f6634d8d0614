//! `writer` against serde-saphyr, the reference: every scalar of a wide corpus (and its one-change
//! mutations) in every position, thousands of random documents, and whole compiled sites must
//! come out byte for byte the same.

use serde::Serialize;
use serde_json::{Value, json};

use super::{saphyr, to_string, writer};
use crate::test_texts::Random;

/// Strings of every kind the quoting rules tell apart.
const SCALARS: &[&str] = &[
    "",
    "plain",
    "app.kubernetes.io/name",
    "rate(http_requests_total{job=\"api\"}[5m]) > 0.5",
    "sum by (job) (up == 0)",
    "100 * node_filesystem_avail_bytes / node_filesystem_size_bytes < 10",
    "{{ $labels.instance }} is down",
    "Disk {{ $labels.device }}: {{ $value | humanizePercentage }} used.",
    "{{- if gt $value 0.8 -}}Much{{- end }}",
    "[\"a\", \"b\"]",
    "30s",
    "5m",
    "128Mi",
    "0.5",
    "1e3",
    "1_000",
    "0x1F",
    "0o17",
    "0b101",
    "+1",
    "-1",
    ".5",
    ".inf",
    "-.inf",
    ".NaN",
    "1:30",
    "190:20:30.15",
    "2001-12-14",
    "2001-12-14t21:59:43.10-05:00",
    "2001-12-14 21:59:43.10 -5",
    "10.1.0.1",
    "__name__",
    "_1",
    "__",
    "true",
    "True",
    "TRUE",
    "tRuE",
    "yes",
    "No",
    "on",
    "OFF",
    "y",
    "N",
    "null",
    "Null",
    "~",
    "nan",
    "inf",
    "Infinity",
    "list",
    "watch",
    "None",
    "<<",
    "=",
    "-",
    ".",
    "#",
    "?",
    "- item",
    "-item",
    "? key",
    "?key",
    "---",
    "--- x",
    "...",
    "a: b",
    "a:b",
    "ends with colon:",
    "a #comment",
    "a#b",
    " leading space",
    "trailing space ",
    "tab\there",
    "*alias",
    "&anchor",
    "!tag",
    "%directive",
    "@at",
    "`tick",
    "'single'",
    "\"double\"",
    "back\\slash",
    "a, b",
    "{a: 1}",
    "|",
    ">",
    "café",
    "\u{85}nel",
    "bom\u{feff}",
    "line\u{2028}separator",
    "bell\u{7}",
    "del\u{7f}",
    "c1\u{9f}",
    "cr\r",
    "one\ntwo",
    "one\ntwo\n",
    "one\ntwo\n\n",
    "\n",
    "\n\n",
    "\nleading line break",
    "  indented\nfirst line",
    "\n  indented after an empty line",
    "\tTab first\nline",
    "trailing spaces   \nin a block",
    "crlf\r\nline",
    "line\n\nwith an empty line\n",
    "{\n  \"panels\": []\n}\n",
    "global:\n  resolve_timeout: 5m\nroute:\n  receiver: default\n",
];

/// Characters that change a scalar's style when put anywhere in it.
const INSERTIONS: &[&str] = &[
    ":", ": ", " ", "#", " #", "\n", "\t", "\"", "\\", "'", "-", "0", "_", ".", "e", "x", "~", "{", "é", "\u{85}",
    "\r", "\u{0}",
];

fn same<T: Serialize>(value: &T) {
    let reference = saphyr(value).expect("serde-saphyr serializes every test value");
    let ours = to_string(value).expect("the writer serializes every test value");
    assert_eq!(
        ours,
        reference,
        "for {}",
        serde_json::to_string(value).unwrap_or_default()
    );
}

/// A scalar in every position, and its lines as a list and a mapping.
fn same_in_every_position(text: &str) {
    if let Some(difference) = super::difference_from_serde_saphyr(text) {
        panic!("{text:?} as {difference}");
    }
}

#[test]
fn writes_every_scalar_as_serde_saphyr() {
    let mut tally = crate::test_texts::Tally::default();
    for seed in SCALARS {
        same_in_every_position(seed);
        crate::test_texts::each_mutation(seed, 1, INSERTIONS, |text| {
            tally.count(writer::answers_itself(text));
            same_in_every_position(text);
        });
    }
    tally.assert_enough(10_000);
}

/// Random documents for the writer, from the shared generator.
impl Random {
    fn value(&mut self, depth: usize) -> Value {
        let kinds = if depth == 0 { 5 } else { 8 };
        match self.below(kinds) {
            0 => Value::Null,
            1 => Value::Bool(self.below(2) == 0),
            2 => [
                json!(0),
                json!(7),
                json!(-3),
                json!(1.5),
                json!(1e21),
                json!(-0.0),
                json!(u64::MAX),
            ][self.below(7)]
            .clone(),
            3 | 4 => Value::String(SCALARS[self.below(SCALARS.len())].to_owned()),
            5 => Value::Array(Vec::new()),
            6 => Value::Array((0..self.below(4)).map(|_| self.value(depth - 1)).collect()),
            _ => Value::Object(
                (0..self.below(4))
                    .map(|_| (SCALARS[self.below(SCALARS.len())].to_owned(), self.value(depth - 1)))
                    .collect(),
            ),
        }
    }
}

#[test]
fn writes_every_shape_as_serde_saphyr() {
    let mut random = Random::new(0x9e37_79b9_7f4a_7c15);
    for _ in 0..20_000 {
        same(&random.value(4));
    }
}

#[test]
fn writes_compiled_sites_as_serde_saphyr() {
    use crate::synthetic::{Rules, Size};
    let sources = [
        crate::diag::SiteSource::new(
            "example.toml".to_owned(),
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/sites/example.toml"))
                .expect("the example site"),
        ),
        crate::diag::SiteSource::new(
            "m.toml".to_owned(),
            crate::synthetic::site_with(Size::M, Rules::Realistic, "writer"),
        ),
    ];
    for source in &sources {
        let compiled = match crate::pipeline::compile(source) {
            Ok(compiled) => compiled,
            Err(diagnostics) => panic!("{} does not compile: {diagnostics:?}", source.path),
        };
        for object in compiled.bundle.objects.values() {
            same(object);
        }
        same(&compiled.bundle.alertmanager_config);
    }
}
