//! A validated Prometheus duration, kept as written and as a length.

use std::fmt;

/// A Prometheus duration (`30s`, `1h30m`, `15d`): the user's text and its length in milliseconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duration {
    text: String,
    millis: u64,
}

impl Duration {
    /// Pairs validated text with its length.
    pub fn new(text: impl Into<String>, millis: u64) -> Self {
        Self {
            text: text.into(),
            millis,
        }
    }

    /// Length in milliseconds.
    pub fn millis(&self) -> u64 {
        self.millis
    }

    /// The duration as Go's `time.ParseDuration` and the operator's Go-duration fields accept it
    /// (no `d`, `w` or `y` units): `36h`, `1m30s`, `50ms`.
    pub fn go(&self) -> String {
        if self.millis == 0 {
            return "0s".to_owned();
        }
        let mut out = String::new();
        let mut rest = self.millis;
        for (unit, size) in [("h", 3_600_000), ("m", 60_000), ("s", 1_000), ("ms", 1)] {
            if rest >= size {
                out.push_str(&format!("{}{unit}", rest / size));
                rest %= size;
            }
        }
        out
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::Duration;

    #[test]
    fn go_form_has_no_day_units() {
        assert_eq!(Duration::new("1d12h", 129_600_000).go(), "36h");
        assert_eq!(Duration::new("90s", 90_000).go(), "1m30s");
        assert_eq!(Duration::new("50ms", 50).go(), "50ms");
        assert_eq!(Duration::new("0s", 0).go(), "0s");
    }
}
