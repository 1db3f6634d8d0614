//! Searching and counting bytes. For the checks' many short texts, `str::contains` with a `&str`
//! sets up a Two-Way searcher on every call (about 190 instructions, more than scanning a short
//! label or annotation costs), and `memchr::memmem::find` builds a searcher per call too: for a
//! needle whose first byte is rare in the text, looking for that byte and comparing the rest is
//! cheaper. For long texts, `memchr::memmem` is the right tool.

/// Where `needle` next starts in `haystack` at or after `from` (`from` itself for an empty needle
/// when `from` is within the text).
pub(crate) fn find(haystack: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    let Some((&first, rest)) = needle.split_first() else {
        return (from <= haystack.len()).then_some(from);
    };
    let mut at = from;
    loop {
        at += memchr::memchr(first, haystack.get(at..)?)?;
        if haystack.get(at + 1..at + needle.len()) == Some(rest) {
            return Some(at);
        }
        at += 1;
    }
}

/// How many of `bytes` are `counted`, in byte-wide counters that the compiler turns into vector
/// code: the default dashboards' quarter megabyte of JSON, counted a byte and a branch at a time,
/// took a fifth of building, checking and serializing them (callgrind); counting the lines before a
/// diagnostic near the end of a 1.4 MB site with an iterator took 6 M instructions.
pub(crate) fn count_bytes(bytes: &[u8], counted: impl Fn(u8) -> bool) -> usize {
    bytes
        .chunks(u8::MAX.into())
        .map(|chunk| usize::from(chunk.iter().fold(0_u8, |n, &b| n + u8::from(counted(b)))))
        .sum()
}

/// Whether `haystack` contains `needle`, as `str::contains` says.
pub(crate) fn contains(haystack: &str, needle: &str) -> bool {
    find(haystack.as_bytes(), 0, needle.as_bytes()).is_some()
}

#[cfg(test)]
mod tests {
    /// The search finds what comparing at every position finds, from every start, and agrees
    /// with `str::contains`.
    #[test]
    fn find_is_the_first_match_at_or_after_the_start() {
        let naive = |bytes: &[u8], from: usize, needle: &[u8]| {
            (from..=bytes.len()).find(|&at| bytes.get(at..at + needle.len()) == Some(needle))
        };
        let mut random = crate::test_texts::Random::new(19);
        for _ in 0..2_000 {
            let text = random.text(&["{", "}", "{{", "*", "/", "*/", "`", "a", "é", " ", ":", "//"], 12);
            let bytes = text.as_bytes();
            for needle in ["{{", "*/", "`", "}}", "://", "é", ""] {
                assert_eq!(
                    super::contains(&text, needle),
                    text.contains(needle),
                    "{text:?} {needle:?}"
                );
                for from in 0..=bytes.len() + 1 {
                    let expected = naive(bytes, from, needle.as_bytes());
                    assert_eq!(
                        super::find(bytes, from, needle.as_bytes()),
                        expected,
                        "{text:?} {needle:?} {from}"
                    );
                }
            }
        }
    }
}
