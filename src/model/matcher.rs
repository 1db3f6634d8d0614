//! An Alertmanager label matcher.

use std::fmt;

/// The comparison a matcher makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchOp {
    /// `=`
    Equal,
    /// `!=`
    NotEqual,
    /// `=~` (fully anchored RE2 regex)
    Regex,
    /// `!~`
    NotRegex,
}

impl MatchOp {
    /// The operator as written in a matcher.
    pub fn as_str(self) -> &'static str {
        match self {
            MatchOp::Equal => "=",
            MatchOp::NotEqual => "!=",
            MatchOp::Regex => "=~",
            MatchOp::NotRegex => "!~",
        }
    }
}

/// A validated matcher; displays in Alertmanager's canonical form `name="value"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matcher {
    /// Label name.
    pub name: String,
    /// Operator.
    pub op: MatchOp,
    /// Value or regex.
    pub value: String,
}

impl Matcher {
    /// Whether an alert whose label has this value (`""` when absent) matches. Regexes are fully
    /// anchored, as in Alertmanager; one that does not compile (it was checked, so never) matches.
    pub fn matches(&self, value: &str) -> bool {
        match self.op {
            MatchOp::Regex | MatchOp::NotRegex => self.matches_with(&self.regex(), value),
            MatchOp::Equal | MatchOp::NotEqual => self.matches_with(&Regex::Compiled(None), value),
        }
    }

    /// The regex of a `=~`/`!~` matcher, anchored as Alertmanager anchors it: compiled, unless
    /// what it matches is plain.
    pub fn regex(&self) -> Regex<'_> {
        match Plain::of(&self.value) {
            Some(plain) => Regex::Plain(plain),
            None => Regex::Compiled(
                regex::Regex::new(&format!("^(?:{})$", crate::check::rust_regex_form(&self.value))).ok(),
            ),
        }
    }

    /// [`Matcher::matches`] with the regex made by [`Matcher::regex`] beforehand.
    pub fn matches_with(&self, regex: &Regex<'_>, value: &str) -> bool {
        match self.op {
            MatchOp::Equal => self.value == value,
            MatchOp::NotEqual => self.value != value,
            MatchOp::Regex => regex.is_match(value).is_none_or(|matched| matched),
            MatchOp::NotRegex => regex.is_match(value).is_none_or(|matched| !matched),
        }
    }
}

/// A matcher's regex, ready to match.
#[derive(Debug)]
pub enum Regex<'a> {
    /// A regex whose matches are known without compiling it. Compiling `warning|critical` took
    /// 170,000 instructions, for each check that asked (the seed site's routes: three times).
    Plain(Plain<'a>),
    /// Any other regex, compiled (`None` if it does not compile: it was checked, so never).
    Compiled(Option<regex::Regex>),
}

/// What [`Regex::Plain`] matches. `.` matches any character but a newline, in Go as in Rust.
#[derive(Debug, Clone, Copy)]
pub enum Plain<'a> {
    /// `.*`
    Any,
    /// `.+`
    NonEmpty,
    /// Words of ASCII letters, digits, `_` and `-`, none empty, between `|`: exactly those.
    Words(&'a str),
}

impl<'a> Plain<'a> {
    /// The plain regex `pattern` is, if it is one: these read the same in Go's syntax and Rust's,
    /// anchored or not.
    pub fn of(pattern: &'a str) -> Option<Self> {
        let words = || {
            pattern.split('|').all(|word| {
                !word.is_empty()
                    && word
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
            })
        };
        match pattern {
            ".*" => Some(Plain::Any),
            ".+" => Some(Plain::NonEmpty),
            _ if words() => Some(Plain::Words(pattern)),
            _ => None,
        }
    }

    /// Whether the regex, anchored, matches all of `value`.
    pub fn is_match(self, value: &str) -> bool {
        match self {
            Plain::Any => !value.contains('\n'),
            Plain::NonEmpty => !value.is_empty() && !value.contains('\n'),
            Plain::Words(words) => words.split('|').any(|word| word == value),
        }
    }
}

impl Regex<'_> {
    /// Whether the regex matches all of `value`; `None` if it does not compile.
    fn is_match(&self, value: &str) -> Option<bool> {
        match self {
            Regex::Plain(plain) => Some(plain.is_match(value)),
            Regex::Compiled(regex) => regex.as_ref().map(|regex| regex.is_match(value)),
        }
    }
}

impl fmt::Display for Matcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // serde_json's string escaping is the Go-compatible double-quoted form Alertmanager parses.
        let quoted = serde_json::to_string(&self.value).map_err(|_| fmt::Error)?;
        write!(f, "{}{}{}", self.name, self.op.as_str(), quoted)
    }
}

#[cfg(test)]
mod tests {
    use super::{MatchOp, Matcher, Regex};

    /// The plain regexes match what their compiled regexes match, on values next to theirs.
    #[test]
    fn plain_regexes_match_as_compiled() {
        let values = [
            "",
            "\n",
            "a",
            "a\n",
            "\na",
            "warning",
            "Warning",
            "warning ",
            "critical",
            "warningcritical",
            "warning|critical",
            "x-1_y",
            "x-1",
            "é",
            "-",
            "_",
            "0",
            ".",
            "..",
        ];
        let mut plain = 0;
        for pattern in [
            ".*",
            ".+",
            "warning|critical",
            "x-1_y|0",
            "-",
            "_",
            "a",
            "é",
            "a||b",
            "a|",
            ".",
            "a.b",
            "(a)",
        ] {
            for op in [MatchOp::Regex, MatchOp::NotRegex] {
                let matcher = Matcher {
                    name: "severity".to_owned(),
                    op,
                    value: pattern.to_owned(),
                };
                let regex = matcher.regex();
                plain += usize::from(matches!(regex, Regex::Plain(_)));
                let compiled = Regex::Compiled(regex::Regex::new(&format!("^(?:{pattern})$")).ok());
                for value in values {
                    assert_eq!(
                        matcher.matches_with(&regex, value),
                        matcher.matches_with(&compiled, value),
                        "{matcher} on {value:?}"
                    );
                }
            }
        }
        assert_eq!(plain, 14, "`.*`, `.+` and five word lists, each for both operators");
    }
}
