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
        let regex = match self.op {
            MatchOp::Regex | MatchOp::NotRegex => self.regex(),
            MatchOp::Equal | MatchOp::NotEqual => None,
        };
        self.matches_with(regex.as_ref(), value)
    }

    /// The anchored regex of a `=~`/`!~` matcher, as Alertmanager compiles it.
    pub fn regex(&self) -> Option<regex::Regex> {
        regex::Regex::new(&format!("^(?:{})$", crate::check::rust_regex_form(&self.value))).ok()
    }

    /// [`Matcher::matches`] with the regex compiled by [`Matcher::regex`] beforehand.
    pub fn matches_with(&self, regex: Option<&regex::Regex>, value: &str) -> bool {
        match self.op {
            MatchOp::Equal => self.value == value,
            MatchOp::NotEqual => self.value != value,
            MatchOp::Regex => regex.is_none_or(|re| re.is_match(value)),
            MatchOp::NotRegex => regex.is_none_or(|re| !re.is_match(value)),
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
