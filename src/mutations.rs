//! One-change mutations of a text, for the tests that hold a fast reading to the full parser.

/// Calls `check` with `text` changed once: at one in `stride` characters, the character deleted
/// or one of `insertions` put before it; at one in `stride` lines (at least every seventh), the
/// line deleted or doubled.
pub(crate) fn each(text: &str, stride: usize, insertions: &[&str], mut check: impl FnMut(&str)) {
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
