//! [`super::equivalent`] without compiling: whether a regex literal is valid and matches the empty
//! value exactly when its text is empty, read from the regex's syntax tree (HIR). promql-parser
//! compiles each matcher's regex with the `regex` crate, building automata only for the memo to
//! learn those two facts; that was most of checking the default rules' PromQL.
//!
//! It answers only the plainest literals, and only where the answer is certainly the compiling
//! path's: a quoted literal without backslashes, quotes or control characters (so its value is its
//! text and promsite's Go-to-Rust rewriting leaves it as it is), that Rust's parser reads in the
//! form promql-parser compiles (`^(?:…)$`, the `regex` crate's default syntax), that none of
//! promsite's Go checks refuses, with no look-around but `^` and `$` (true on the empty value), and
//! small enough that compiling cannot exceed the `regex` crate's size limit ([`MAX_WEIGHT`]).
//! Anything else gets `None`, and the caller compiles as before.

use regex_syntax::hir::{Class, Hir, HirKind, Look};

use super::super::go_regex;
use crate::model::Plain;

/// The largest [`weight`] answered without compiling. The `regex` crate refuses a regex whose
/// automaton exceeds 10 MiB; a test compiles regexes of this weight within 1 MiB.
const MAX_WEIGHT: u64 = 2_000;

/// What compiling `x{a=~LITERAL}` would answer (see [`super::equivalent`]), when it is certain
/// without compiling; `None` otherwise.
pub(super) fn equivalent(literal: &str) -> Option<bool> {
    let value = plain_value(literal)?;
    word_alternation(value).or_else(|| from_syntax_tree(value))
}

/// The commonest regexes of label matchers, answered without parsing them: the plain ones
/// (`.+`, `.*`, words between `|` as in `phase=~"Pending|Running"`: see [`Plain`]), whose match
/// of the empty value is known. Parsing each twice for Go's refusals and once for its syntax tree
/// took 120,000 instructions a regex, most of checking the default rules' PromQL.
fn word_alternation(value: &str) -> Option<bool> {
    let plain = Plain::of(value).filter(|_| value.len() <= MAX_WORDS_LEN)?;
    Some(plain.is_match("") == value.is_empty())
}

/// The longest [`word_alternation`] answered: its weight stays far below [`MAX_WEIGHT`].
const MAX_WORDS_LEN: usize = 512;

/// [`equivalent`] for the plain `value`, from its syntax tree.
fn from_syntax_tree(value: &str) -> Option<bool> {
    let pattern = format!("^(?:{value})$");
    // promql-parser's pre-checks and its Go refusals (see `GoRefusalFinder`): left to compiling.
    // (The value has no quote or backslash: its repetitions are the literal's.)
    if go_regex::oversized_repetition(value).is_some()
        || go_regex::unbalanced(value).is_some()
        || go_regex::refusal(&pattern).is_some()
    {
        return None;
    }
    // The `regex` crate's default syntax; a pattern it refuses promql-parser retries with `{`
    // escaped, which is left to compiling too.
    let hir = regex_syntax::ParserBuilder::new().build().parse(&pattern).ok()?;
    if weight(&hir) > MAX_WEIGHT {
        return None;
    }
    Some(matches_empty(&hir)? == value.is_empty())
}

/// The value of a quoted literal whose value is its text: no backslash, quote or control character
/// inside.
fn plain_value(literal: &str) -> Option<&str> {
    let quote = *literal.as_bytes().first()?;
    if !matches!(quote, b'"' | b'\'' | b'`') || literal.len() < 2 || literal.as_bytes()[literal.len() - 1] != quote {
        return None;
    }
    let value = &literal[1..literal.len() - 1];
    let plain = value
        .chars()
        .all(|c| !matches!(c, '\\' | '"' | '\'' | '`') && !c.is_control());
    plain.then_some(value)
}

/// Whether `hir` matches the empty string; `None` if it asserts something other than `^` or `$`,
/// which could depend on more than the emptiness.
fn matches_empty(hir: &Hir) -> Option<bool> {
    Some(match hir.kind() {
        // `^` and `$` hold on the empty value.
        HirKind::Empty | HirKind::Look(Look::Start | Look::End) => true,
        HirKind::Literal(literal) => literal.0.is_empty(),
        HirKind::Class(_) => false,
        HirKind::Look(_) => return None,
        HirKind::Repetition(repetition) => {
            let sub = matches_empty(&repetition.sub)?;
            repetition.min == 0 || sub
        }
        HirKind::Capture(capture) => matches_empty(&capture.sub)?,
        HirKind::Concat(all) => {
            let mut every = true;
            for hir in all {
                every &= matches_empty(hir)?;
            }
            every
        }
        HirKind::Alternation(any) => {
            let mut some = false;
            for hir in any {
                some |= matches_empty(hir)?;
            }
            some
        }
    })
}

/// An upper bound on the size of the automaton the `regex` crate compiles for `hir`, in units
/// of a state or so: a class counts 32 per range (a range becomes at most a few UTF-8 sequences of
/// up to four bytes), a counted repetition its largest count plus one copies of what it repeats.
fn weight(hir: &Hir) -> u64 {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => 1,
        HirKind::Literal(literal) => literal.0.len() as u64 + 1,
        HirKind::Class(Class::Unicode(class)) => 32 * class.ranges().len() as u64 + 1,
        HirKind::Class(Class::Bytes(class)) => 2 * class.ranges().len() as u64 + 1,
        HirKind::Repetition(repetition) => {
            let copies = u64::from(repetition.max.unwrap_or(repetition.min).max(repetition.min)) + 1;
            weight(&repetition.sub).saturating_mul(copies).saturating_add(1)
        }
        HirKind::Capture(capture) => weight(&capture.sub).saturating_add(2),
        HirKind::Concat(all) | HirKind::Alternation(all) => all
            .iter()
            .fold(all.len() as u64 + 1, |sum, hir| sum.saturating_add(weight(hir))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The compiling answer, as [`super::super::equivalent`] had it before this module.
    fn compiled(literal: &str) -> bool {
        super::super::compiled_equivalence(literal)
    }

    #[test]
    fn plain_regexes_are_answered_as_compiling_answers() {
        for (literal, expected) in [
            (r#""5..""#, Some(true)),
            (r#"".+""#, Some(true)),
            (r#"".*""#, Some(false)),
            (r#""""#, Some(true)),
            (r#""a|""#, Some(false)),
            (r#""(a|b)?c""#, Some(true)),
            (r#""(?i)x*""#, Some(false)),
            ("'Pending|Running'", Some(true)),
            ("`x{0,3}`", Some(false)),
            // A word boundary, an escape, a refusal, a regex Rust cannot read: compiled instead.
            (r#""(?m)^x""#, None),
            (r#""\\bx""#, None),
            (r#""a\\d""#, None),
            (r#""(""#, None),
            (r#""a)|(b""#, None),
            (r#""x{1001}""#, None),
            (r#""[^a]{100}""#, None),
        ] {
            assert_eq!(equivalent(literal), expected, "{literal}");
            if let Some(answer) = expected {
                assert_eq!(answer, compiled(literal), "{literal}");
            }
        }
    }

    /// The words shortcut answers as the syntax tree and compiling do, on words of every kind of
    /// byte it takes, on the characters next to them, and at its length bound.
    #[test]
    fn word_alternations_get_the_compiling_answer() {
        let long = "a".repeat(MAX_WORDS_LEN);
        let mut values: Vec<String> = vec![
            ".+".into(),
            ".*".into(),
            long.clone(),
            format!("{long}b"),
            "a|".repeat(200) + "a",
        ];
        for word in ["a", "Z", "0", "9", "_", "-", "x-y_z9", "--", "5xx", "a0-"] {
            values.push(word.to_owned());
            values.push(format!("{word}|{word}"));
            values.push(format!("Pending|{word}|Running"));
            // Next to what the shortcut leaves to the syntax tree.
            for other in [
                "", ".", "*", "+", "?", "(", ")", "[", "]", "{", "}", "^", "$", " ", "é", "/", ":", ",", "|",
            ] {
                values.push(format!("{word}{other}"));
                values.push(format!("{other}{word}"));
                values.push(format!("{word}|{other}"));
            }
        }
        let mut answered = 0;
        for value in &values {
            if let Some(fast) = word_alternation(value) {
                answered += 1;
                let literal = format!("\"{value}\"");
                assert_eq!(Some(fast), from_syntax_tree(value), "{value}");
                assert_eq!(fast, compiled(&literal), "{value}");
            }
        }
        assert!(answered > 50, "{answered}");
        assert_eq!(word_alternation(&format!("{long}b")), None);
    }

    /// The size bound: regexes at the largest weight answered, of the kinds that compile largest,
    /// compile within a tenth of the `regex` crate's 10 MiB limit.
    #[test]
    fn the_weight_bound_keeps_far_from_the_size_limit() {
        let mut checked = 0;
        for unit in [
            ".",
            "[^a]",
            "(?i)[a-z]",
            "[\u{80}-\u{10ffff}]",
            "x",
            "(?:ab|cd)",
            "(?s:.)",
            "[0-9a-f]",
        ] {
            for count in (1..=2_000).rev() {
                let pattern = format!("^(?:{unit}{{{count}}})$");
                let Ok(hir) = regex_syntax::ParserBuilder::new().build().parse(&pattern) else {
                    continue;
                };
                if weight(&hir) > MAX_WEIGHT {
                    continue;
                }
                let built = regex::RegexBuilder::new(&pattern).size_limit(1 << 20).build();
                assert!(built.is_ok(), "{pattern}: {built:?}");
                checked += 1;
                break;
            }
        }
        assert_eq!(checked, 8);
    }

    /// The regex literals of the repository's rule expressions and default dashboards' queries.
    fn repository_literals() -> std::collections::BTreeSet<String> {
        let mut texts: Vec<String> = super::super::fast::tests::repository_expressions()
            .into_iter()
            .map(|(_, expr)| expr)
            .collect();
        // The dashboards' queries are JSON inside their ConfigMaps.
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("out/aipaas-japan/monitoring");
        for file in std::fs::read_dir(root).expect("reads").flatten() {
            if file
                .file_name()
                .to_string_lossy()
                .starts_with("configmap-grafana-dashboards")
            {
                let text = std::fs::read_to_string(file.path()).expect("reads");
                texts.extend(text.lines().filter_map(|line| {
                    let value = line.trim().strip_prefix("\"expr\": ")?.trim_end_matches(',');
                    serde_json::from_str::<String>(value).ok()
                }));
            }
        }
        let mut literals = std::collections::BTreeSet::new();
        for text in &texts {
            for literal in super::super::string_literals(text) {
                if text[..literal.start].trim_end().ends_with('~') {
                    literals.insert(text[literal].to_owned());
                }
            }
        }
        literals
    }

    /// Every regex literal of the repository and each of its single-character mutations (with
    /// characters that matter to regexes) gets the compiling answer whenever it gets one at all.
    #[test]
    fn the_repository_regexes_and_their_mutations_get_the_compiling_answer() {
        const REPLACEMENTS: [&str; 24] = [
            "",
            "(",
            ")",
            "|",
            "*",
            "+",
            "?",
            "{",
            "}",
            "{2}",
            "{0,1}",
            "[",
            "]",
            "^",
            "$",
            ".",
            ",",
            "-",
            "a",
            " ",
            "(?i)",
            "(?m)",
            "\u{e9}",
            "\u{10ffff}",
        ];
        let literals = repository_literals();
        assert!(literals.len() > 40, "{literals:?}");
        let (mut answered, mut all) = (0, 0);
        for literal in &literals {
            let value = &literal[1..literal.len() - 1];
            let mut variants = vec![literal.clone()];
            for (at, c) in value.char_indices() {
                let (before, after) = (&value[..at], &value[at + c.len_utf8()..]);
                for edit in REPLACEMENTS.iter().copied().chain([&*format!("{c}{c}")]) {
                    variants.push(format!("\"{before}{edit}{after}\""));
                }
            }
            for variant in variants {
                all += 1;
                if let Some(answer) = equivalent(&variant) {
                    answered += 1;
                    assert_eq!(answer, compiled(&variant), "{variant}");
                }
                let value = &variant[1..variant.len() - 1];
                if let Some(fast) = word_alternation(value) {
                    assert_eq!(Some(fast), from_syntax_tree(value), "{variant}");
                }
            }
        }
        // Most are answered without compiling, or the shortcut would be no shortcut.
        assert!(answered * 2 > all, "{answered} of {all}");
    }
}
