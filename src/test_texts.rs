//! Texts for the tests that hold a fast reading to the full parser: the repository's files,
//! one-change mutations of them, generated texts, and a tally of how often the fast reading
//! answered.

use std::path::Path;

/// Every file below `roots` (relative to the repository) that `keep` takes, as its path and its
/// text (invalid UTF-8 replaced), sorted by path.
pub(crate) fn files(roots: &[&str], keep: impl Fn(&Path) -> bool) -> Vec<(String, String)> {
    let repository = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<(String, String)> = roots
        .iter()
        .flat_map(|root| walkdir::WalkDir::new(repository.join(root)))
        .map(|entry| entry.expect("a readable test directory"))
        .filter(|entry| entry.file_type().is_file() && keep(entry.path()))
        .map(|entry| {
            let bytes = std::fs::read(entry.path()).expect("a readable test file");
            (
                entry.path().display().to_string(),
                String::from_utf8_lossy(&bytes).into_owned(),
            )
        })
        .collect();
    files.sort();
    files
}

/// Calls `check` with `text` changed once: at one in `stride` characters, the character deleted
/// or one of `insertions` put before it; at one in `stride` lines (at least every seventh), the
/// line deleted or doubled.
pub(crate) fn each_mutation(text: &str, stride: usize, insertions: &[&str], mut check: impl FnMut(&str)) {
    let bounds: Vec<usize> = (0..=text.len()).filter(|&i| text.is_char_boundary(i)).collect();
    for pair in bounds.windows(2).step_by(stride) {
        let (at, next) = (pair[0], pair[1]);
        check(&format!("{}{}", &text[..at], &text[next..]));
        for insertion in insertions {
            check(&format!("{}{insertion}{}", &text[..at], &text[at..]));
        }
    }
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    for i in (0..lines.len()).step_by(stride.min(7)) {
        let without: String = lines
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(_, line)| *line)
            .collect();
        check(&without);
        let twice: String = lines
            .iter()
            .enumerate()
            .flat_map(|(j, line)| if j == i { vec![*line, *line] } else { vec![*line] })
            .collect();
        check(&twice);
    }
}

/// How many changed texts a soundness test held to the full parser, and for how many of them the
/// fast reading answered itself: a test in which it seldom answers proves little.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    checked: usize,
    answered: usize,
}

impl Tally {
    /// One more text checked, which the fast reading answered for or left to the parser.
    pub(crate) fn count(&mut self, answered: bool) {
        self.checked += 1;
        self.answered += usize::from(answered);
    }

    /// Asserts that more than `at_least` texts were checked, and the fast reading answered for a
    /// quarter of them.
    pub(crate) fn assert_enough(&self, at_least: usize) {
        let Self { checked, answered } = *self;
        assert!(checked > at_least, "only {checked} mutations checked");
        assert!(
            answered * 4 > checked,
            "the fast reading answered for only {answered} of {checked}"
        );
    }
}

/// A small deterministic generator (xorshift): the same texts on every run.
pub(crate) struct Random(u64);

impl Random {
    pub(crate) fn new(seed: u64) -> Self {
        Random(seed.max(1))
    }

    /// A number below `n` (which must not be 0).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        usize::try_from(self.0 % n as u64).unwrap_or(0)
    }

    /// Up to `most` of `pieces` one after another, each picked at random.
    pub(crate) fn text(&mut self, pieces: &[&str], most: usize) -> String {
        let length = self.below(most + 1);
        (0..length).map(|_| pieces[self.below(pieces.len())]).collect()
    }
}
