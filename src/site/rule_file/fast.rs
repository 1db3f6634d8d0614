//! The usual shape of a rule file, read without the general YAML parser (which took a third of
//! checking 250 rules): block mappings and sequences, plain and quoted scalars on one line or
//! folded over several (as PyYAML writes long strings), literal and folded block scalars,
//! comments. It answers only where it is sure to read what the YAML parser reads; anything else
//! (flow collections, anchors, tags, escaped line breaks, tabs, unknown or repeated keys, an
//! error of any kind) is [`Unsure`], and the YAML parser reads the file. The soundness tests and
//! the `rule_file` fuzz target hold every answer to the YAML parser's.

use std::collections::BTreeMap;

use super::{At, File, FileRule, Group, Scalar};

/// The first document of a rule file (`text` ends where it does); an empty one is `None`.
pub(super) fn file(text: &str) -> Read<Option<File>> {
    if !text.chars().all(plain_char) {
        return Err(Unsure);
    }
    let lines = lines(text)?;
    let mut reader = Reader { text, lines, at: 0 };
    let Some(first) = reader.next_content() else {
        return Ok(None);
    };
    if reader.lines[first].indent != 0 {
        return Err(Unsure);
    }
    let root = reader.node(first, 0)?;
    if reader.next_content().is_some() {
        return Err(Unsure);
    }
    match root {
        Node::Null => Ok(None),
        Node::Map(entries) => {
            let mut groups = None;
            for (key, value) in entries {
                match key.as_str() {
                    "groups" => groups = Some(seq_of(value, group)?),
                    _ => return Err(Unsure),
                }
            }
            Ok(Some(File {
                groups: groups.flatten(),
            }))
        }
        _ => Err(Unsure),
    }
}

/// The fast reading does not answer: the YAML parser reads the file.
#[derive(Debug)]
pub(super) struct Unsure;

type Read<T> = Result<T, Unsure>;

/// A node of the subset: the tree the typed reading below walks.
enum Node {
    Null,
    /// A scalar, decoded, with the span the YAML parser gives it.
    Scalar(At<String>),
    /// Keys in order; a repeated key is refused while reading.
    Map(Vec<(String, Node)>),
    Seq(Vec<Node>),
    /// `[]` or `{}`.
    Empty,
}

/// One line: where it starts, its indentation, and its content without a comment-only remainder.
struct Line {
    start: usize,
    /// Bytes of the line, without the line break.
    end: usize,
    indent: usize,
    /// Whether it holds nothing but spaces or a comment.
    blank: bool,
}

fn lines(text: &str) -> Read<Vec<Line>> {
    let mut out = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let body = line.strip_suffix('\n').unwrap_or(line);
        let indent = body.len() - body.trim_start_matches(' ').len();
        let rest = &body[indent..];
        out.push(Line {
            start,
            end: start + body.len(),
            indent,
            blank: rest.is_empty() || rest.starts_with('#'),
        });
        start += line.len();
    }
    // A line of `---` starts the document only as the first content; `%` directives are not read here.
    let Some(first) = out.iter().position(|l| !l.blank) else {
        return Ok(out);
    };
    let body = &text[out[first].start..out[first].end];
    if body.starts_with('%') {
        return Err(Unsure);
    }
    if body == "---" || body.starts_with("--- #") {
        out[first].blank = true;
    } else if body.starts_with("---") {
        return Err(Unsure);
    }
    Ok(out)
}

struct Reader<'a> {
    text: &'a str,
    lines: Vec<Line>,
    /// The first line not read yet.
    at: usize,
}

impl<'a> Reader<'a> {
    /// The next line with content (not consumed).
    fn next_content(&mut self) -> Option<usize> {
        while self.at < self.lines.len() && self.lines[self.at].blank {
            self.at += 1;
        }
        (self.at < self.lines.len()).then_some(self.at)
    }

    fn body(&self, line: usize, column: usize) -> &'a str {
        let l = &self.lines[line];
        &self.text[l.start + column..l.end]
    }

    /// The node whose content starts on `line` at `column` (a block collection, or a scalar on a
    /// line of its own, which only the root or an item may be).
    fn node(&mut self, line: usize, column: usize) -> Read<Node> {
        let body = self.body(line, column);
        if is_item(body) {
            return self.seq(line, column);
        }
        if key_of(body).is_some() {
            return self.map(line, column);
        }
        Err(Unsure)
    }

    /// A block sequence: its items start at `column` on `line` and on following lines.
    fn seq(&mut self, first: usize, column: usize) -> Read<Node> {
        let mut items = Vec::new();
        let mut line = first;
        loop {
            self.at = line + 1;
            let body = self.body(line, column);
            let rest = &body[1..];
            let content = rest.trim_start_matches(' ');
            let item = if content.is_empty() || content.starts_with('#') {
                self.nested(column, true)?
            } else {
                let inner = column + 1 + (rest.len() - content.len());
                if key_of(content).is_some() {
                    self.map(line, inner)?
                } else {
                    // `- - x` and scalar items: not in a rule file.
                    return Err(Unsure);
                }
            };
            items.push(item);
            match self.next_content() {
                Some(next) if self.lines[next].indent == column && is_item(self.body(next, column)) => line = next,
                Some(next) if self.lines[next].indent > column => return Err(Unsure),
                _ => return Ok(Node::Seq(items)),
            }
        }
    }

    /// A block mapping: its first key at `column` on `line`, the others on following lines at the
    /// same column.
    fn map(&mut self, first: usize, column: usize) -> Read<Node> {
        let mut entries: Vec<(String, Node)> = Vec::new();
        let mut line = first;
        loop {
            self.at = line + 1;
            let body = self.body(line, column);
            let (key, after) = key_of(body).ok_or(Unsure)?;
            if entries.iter().any(|(k, _)| k == key) {
                return Err(Unsure);
            }
            let value_column = column + after + (body[after..].len() - body[after..].trim_start_matches(' ').len());
            let value = self.value(line, value_column, column)?;
            entries.push((key.to_owned(), value));
            match self.next_content() {
                Some(next) if self.lines[next].indent == column && !is_item(self.body(next, column)) => line = next,
                Some(next) if self.lines[next].indent > column => return Err(Unsure),
                _ => return Ok(Node::Map(entries)),
            }
        }
    }

    /// The value of a key on `line` whose text starts at `column` (the key at `key_column`).
    fn value(&mut self, line: usize, column: usize, key_column: usize) -> Read<Node> {
        let l = &self.lines[line];
        let start = l.start + column;
        let rest = &self.text[start..l.end];
        if rest.is_empty() || rest.starts_with('#') {
            // A nested collection, a sequence at the key's own column, or null.
            return self.nested(key_column, false);
        }
        let value = match rest.as_bytes()[0] {
            b'|' | b'>' => return self.block_scalar(rest, key_column).map(Node::Scalar),
            b'"' | b'\'' => self.quoted(line, start, key_column)?,
            b'[' | b'{' => match rest.strip_prefix("[]").or_else(|| rest.strip_prefix("{}")) {
                Some(after) if nothing_after(after) => Node::Empty,
                _ => return Err(Unsure),
            },
            _ => self.plain(line, start, key_column)?,
        };
        // A line more indented than the key would continue the scalar.
        match self.next_content() {
            Some(next) if self.lines[next].indent > key_column => Err(Unsure),
            _ => Ok(value),
        }
    }

    /// What follows a key or a `-` with nothing after it: the block collection on the next lines,
    /// or null.
    fn nested(&mut self, column: usize, in_item: bool) -> Read<Node> {
        let Some(next) = self.next_content() else {
            return Ok(Node::Null);
        };
        let indent = self.lines[next].indent;
        if indent > column || (!in_item && indent == column && is_item(self.body(next, indent))) {
            self.node(next, indent)
        } else {
            Ok(Node::Null)
        }
    }

    /// A plain scalar starting at byte `start` of `line`, under a key at `key_column`; it goes on
    /// over the more indented lines that follow.
    fn plain(&mut self, line: usize, start: usize, key_column: usize) -> Read<Node> {
        let rest = &self.text[start..self.lines[line].end];
        // Indicators that start something else; `-`, `?` and `:` only before a space.
        let first = rest.as_bytes()[0];
        if matches!(
            first,
            b'&' | b'*' | b'!' | b'%' | b'@' | b'`' | b',' | b'#' | b']' | b'}'
        ) || (matches!(first, b'-' | b'?' | b':') && rest.as_bytes().get(1).is_none_or(|&b| b == b' '))
        {
            return Err(Unsure);
        }
        let (text, commented) = match rest.find(" #") {
            Some(comment) => (&rest[..comment], true),
            None => (rest, false),
        };
        let text = text.trim_end_matches(' ');
        if !plain_part(text) {
            return Err(Unsure);
        }
        let mut segments = vec![text];
        let mut end = start + text.len();
        // More lines: each more indented than the key, of plain text; a comment ends the scalar.
        let mut next = line + 1;
        while !commented && let Some(l) = self.lines.get(next) {
            let body = &self.text[l.start + l.indent..l.end];
            if body.is_empty() {
                segments.push("");
            } else if body.starts_with('#') || l.indent <= key_column {
                break;
            } else {
                let part = body.trim_end_matches(' ');
                // Only the first line's first character is restricted; `- ` and the like are not read here.
                let indicator = matches!(part.as_bytes(), [b'-' | b'?' | b':'] | [b'-' | b'?' | b':', b' ', ..]);
                if part.contains(" #") || !plain_part(part) || indicator {
                    return Err(Unsure);
                }
                segments.push(part);
                end = l.start + l.indent + part.len();
            }
            next += 1;
        }
        while segments.last() == Some(&"") {
            segments.pop();
        }
        self.at = self.at.max(line + segments.len());
        if segments.len() == 1 && is_null(text) {
            return Ok(Node::Null);
        }
        Ok(Node::Scalar(At {
            value: fold(&segments),
            span: start..end,
        }))
    }

    /// A quoted scalar from its opening quote at byte `start` of `line` to its closing quote, on
    /// this line or a more indented later one, under a key at `key_column`. Double quotes take
    /// the escapes `\\`, `\"`, `\/`, `\n` and `\t` only.
    fn quoted(&mut self, line: usize, start: usize, key_column: usize) -> Read<Node> {
        let quote = self.text.as_bytes()[start];
        let mut segments: Vec<String> = Vec::new();
        let mut current = line;
        let mut from = start + 1;
        loop {
            let l = self.lines.get(current).ok_or(Unsure)?;
            if current > line && l.indent < l.end - l.start && l.indent <= key_column {
                return Err(Unsure);
            }
            let raw = &self.text[from..l.end];
            match closing(raw, quote)? {
                Some(at) => {
                    let after = &raw[at + 1..];
                    if !(after.is_empty() || after.starts_with(' ')) || !nothing_after(after) {
                        return Err(Unsure);
                    }
                    segments.push(unquote(&raw[..at], quote, current > line, false)?);
                    self.at = current + 1;
                    let value = if segments.len() == 1 {
                        segments.pop().unwrap_or_default()
                    } else {
                        // An empty first or last line: not read here.
                        if segments.first().is_some_and(String::is_empty)
                            || segments.last().is_some_and(String::is_empty)
                        {
                            return Err(Unsure);
                        }
                        let parts: Vec<&str> = segments.iter().map(String::as_str).collect();
                        fold(&parts)
                    };
                    return Ok(Node::Scalar(At {
                        value,
                        span: start..from + at + 1,
                    }));
                }
                None => segments.push(unquote(raw, quote, current > line, true)?),
            }
            current += 1;
            from = self.lines.get(current).ok_or(Unsure)?.start;
        }
    }

    /// A literal (`|`) or folded (`>`) block scalar under a key at `key_column`, `header` the
    /// rest of the key's line.
    fn block_scalar(&mut self, header: &str, key_column: usize) -> Read<At<String>> {
        let (style, chomp) = header.split_at(1);
        let (chomp, after) = match chomp.as_bytes().first() {
            Some(b'-') => (Chomp::Strip, &chomp[1..]),
            Some(b'+') => (Chomp::Keep, &chomp[1..]),
            _ => (Chomp::Clip, chomp),
        };
        if !(after.is_empty() || after.starts_with(' ')) || !nothing_after(after) {
            return Err(Unsure);
        }
        let first = self.at;
        let indent = match self.lines.get(first) {
            // Leading empty lines and a scalar at or left of its key: not read here.
            Some(l) if l.start < l.end && l.indent > key_column && l.indent < l.end - l.start => l.indent,
            _ => return Err(Unsure),
        };
        let mut content: Vec<&str> = Vec::new();
        let mut trailing_empty = 0;
        let mut line = first;
        while let Some(l) = self.lines.get(line) {
            let width = l.end - l.start;
            if l.indent == width {
                // A line of spaces only: more of them than the indentation would be content.
                if width > indent {
                    return Err(Unsure);
                }
                trailing_empty += 1;
            } else if l.indent < indent {
                break;
            } else {
                content.extend(std::iter::repeat_n("", trailing_empty));
                trailing_empty = 0;
                content.push(&self.text[l.start + indent..l.end]);
            }
            line += 1;
        }
        // The scalar must end in a line break for the chomping to mean what it says; keeping the
        // empty lines after it is not read here.
        let last = line - 1 - trailing_empty;
        if self.lines[last].end >= self.text.len() || (chomp == Chomp::Keep && trailing_empty > 0) {
            return Err(Unsure);
        }
        // The YAML parser's span ends where the line after the scalar has its content.
        let end = self.lines.get(line).map_or(self.text.len(), |l| l.start + l.indent);
        let start = self.lines[first].start + indent;
        self.at = line;
        let mut value = if style == "|" {
            content.join("\n")
        } else {
            // Folded as a multi-line scalar is; more-indented lines keep their line breaks, which
            // is not read here.
            if content.iter().any(|t| t.starts_with(' ')) {
                return Err(Unsure);
            }
            fold(&content)
        };
        if chomp != Chomp::Strip {
            value.push('\n');
        }
        Ok(At {
            value,
            span: start..end,
        })
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Chomp {
    Strip,
    Clip,
    Keep,
}

/// Whether `c` is read here: YAML refuses control characters (but the line break) and a few
/// others, and tabs, carriage returns, byte-order marks and Unicode's line separators have rules
/// of their own.
fn plain_char(c: char) -> bool {
    match c {
        '\n' | ' '..='~' => true,
        '\0'..='\u{9f}' | '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}' => false,
        _ => true,
    }
}

/// Whether a line (from its indentation on) is a sequence item.
fn is_item(body: &str) -> bool {
    body == "-" || body.starts_with("- ")
}

/// Whether nothing but spaces and a comment follow.
fn nothing_after(rest: &str) -> bool {
    let trimmed = rest.trim_start_matches(' ');
    trimmed.is_empty() || (trimmed.starts_with('#') && trimmed.len() < rest.len())
}

/// The key of a `key: value` line (from the key on), and the byte just after its `:`. Only
/// names of letters, digits and `_.-/`, which YAML reads as the same string whatever their form.
fn key_of(body: &str) -> Option<(&str, usize)> {
    let end = body.find(':')?;
    let key = &body[..end];
    let after = &body[end + 1..];
    let named = !key.is_empty()
        && key.len() < 1000
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-' | b'/'))
        && key.as_bytes()[0].is_ascii_alphabetic();
    (named && !is_null(key) && (after.is_empty() || after.starts_with(' '))).then_some((key, end + 1))
}

/// YAML's null in plain form.
fn is_null(text: &str) -> bool {
    matches!(text, "~" | "null" | "Null" | "NULL")
}

/// Whether `text` (trimmed) may be one line of a plain scalar here: YAML reads `: ` inside, or
/// a `:` at the end, as a mapping, which a rule file's values are not.
fn plain_part(text: &str) -> bool {
    !text.contains(": ") && !text.ends_with(':')
}

/// The lines of a multi-line scalar joined as YAML folds them: a line break between two lines of
/// text is a space, each empty line between them a line break.
fn fold(segments: &[&str]) -> String {
    let mut value = String::from(segments[0]);
    let mut empty = 0;
    for segment in &segments[1..] {
        if segment.is_empty() {
            empty += 1;
            continue;
        }
        if empty == 0 {
            value.push(' ');
        }
        value.extend(std::iter::repeat_n('\n', empty));
        empty = 0;
        value.push_str(segment);
    }
    value
}

/// Where the closing quote of a quoted scalar is in `raw` (a line's text after the opening quote
/// or from its start), if there; a backslash at the end of a line escapes its line break, which is
/// not read here.
fn closing(raw: &str, quote: u8) -> Read<Option<usize>> {
    let bytes = raw.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quote == b'"' => {
                if i + 1 == bytes.len() {
                    return Err(Unsure);
                }
                i += 2;
                continue;
            }
            b if b == quote => {
                if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') {
                    i += 2;
                    continue;
                }
                return Ok(Some(i));
            }
            _ => {}
        }
        i += 1;
    }
    Ok(None)
}

/// The text of one line of a quoted scalar, without the spaces a line break takes with it (the
/// leading ones of a line after the first, the trailing ones of a line before the last).
fn unquote(raw: &str, quote: u8, after_break: bool, before_break: bool) -> Read<String> {
    let mut raw = raw;
    if after_break {
        raw = raw.trim_start_matches(' ');
    }
    if before_break {
        raw = raw.trim_end_matches(' ');
    }
    let mut value = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' if quote == b'\'' => {
                chars.next();
                value.push('\'');
            }
            '\\' if quote == b'"' => match chars.next().ok_or(Unsure)? {
                '\\' => value.push('\\'),
                '"' => value.push('"'),
                '/' => value.push('/'),
                'n' => value.push('\n'),
                't' => value.push('\t'),
                _ => return Err(Unsure),
            },
            c => value.push(c),
        }
    }
    Ok(value)
}

/// The items of a sequence (or none: null and `[]`), each read by `item`.
fn seq_of<T>(node: Node, item: fn(Node) -> Read<T>) -> Read<Option<Vec<T>>> {
    match node {
        Node::Null => Ok(None),
        Node::Empty => Ok(Some(Vec::new())),
        Node::Seq(items) => items.into_iter().map(item).collect::<Read<Vec<T>>>().map(Some),
        _ => Err(Unsure),
    }
}

/// A scalar where one belongs: null is absent.
fn scalar(node: Node) -> Read<Option<At<Scalar>>> {
    match node {
        Node::Null => Ok(None),
        Node::Scalar(at) => Ok(Some(At {
            value: Scalar::Text(at.value),
            span: at.span,
        })),
        _ => Err(Unsure),
    }
}

/// A map of scalars (labels, annotations); null is absent.
fn scalars(node: Node) -> Read<Option<BTreeMap<String, At<Scalar>>>> {
    match node {
        Node::Null => Ok(None),
        Node::Empty => Ok(Some(BTreeMap::new())),
        Node::Map(entries) => entries
            .into_iter()
            .map(|(key, value)| Ok((key, scalar(value)?.ok_or(Unsure)?)))
            .collect::<Read<BTreeMap<_, _>>>()
            .map(Some),
        _ => Err(Unsure),
    }
}

fn group(node: Node) -> Read<Group> {
    let Node::Map(entries) = node else {
        return Err(Unsure);
    };
    let mut group = Group {
        name: At {
            value: Scalar::Text(String::new()),
            span: 0..0,
        },
        interval: None,
        query_offset: None,
        limit: None,
        labels: None,
        rules: None,
    };
    let mut named = false;
    for (key, value) in entries {
        match key.as_str() {
            "name" => {
                group.name = scalar(value)?.ok_or(Unsure)?;
                named = true;
            }
            "interval" => group.interval = scalar(value)?,
            "query_offset" => group.query_offset = scalar(value)?,
            "limit" => group.limit = integer(value)?,
            "labels" => group.labels = scalars(value)?,
            "rules" => group.rules = seq_of(value, rule)?,
            _ => return Err(Unsure),
        }
    }
    if named { Ok(group) } else { Err(Unsure) }
}

/// A group's `limit`: a plain decimal integer, or null.
fn integer(node: Node) -> Read<Option<At<i64>>> {
    let Some(at) = scalar(node)? else {
        return Ok(None);
    };
    let Scalar::Text(text) = at.value else {
        return Err(Unsure);
    };
    let digits = text.strip_prefix('-').unwrap_or(&text);
    // The span tells a quoted number from a plain one: only plain ones are read here.
    let plain = at.span.len() == text.len();
    // Decimal as written, without leading zeros (`05` and `-0` are the YAML parser's to read).
    let canonical = (digits == "0" && !text.starts_with('-')) || !digits.starts_with('0');
    if !plain || !canonical || digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || digits.len() > 18 {
        return Err(Unsure);
    }
    Ok(Some(At {
        value: text.parse().map_err(|_| Unsure)?,
        span: at.span,
    }))
}

fn rule(node: Node) -> Read<FileRule> {
    let Node::Map(entries) = node else {
        return Err(Unsure);
    };
    let mut rule = FileRule {
        alert: None,
        record: None,
        expr: None,
        for_duration: None,
        keep_firing_for: None,
        labels: None,
        annotations: None,
    };
    for (key, value) in entries {
        match key.as_str() {
            "alert" => rule.alert = scalar(value)?,
            "record" => rule.record = scalar(value)?,
            "expr" => rule.expr = scalar(value)?,
            "for" => rule.for_duration = scalar(value)?,
            "keep_firing_for" => rule.keep_firing_for = scalar(value)?,
            "labels" => rule.labels = scalars(value)?,
            "annotations" => rule.annotations = scalars(value)?,
            _ => return Err(Unsure),
        }
    }
    Ok(rule)
}

/// Whether the fast reading of `text` (a whole rule file) is sound: where it answers, the YAML
/// parser reads the same groups, values and positions.
#[doc(hidden)]
pub fn agrees(text: &str) -> bool {
    disagreement(text).is_none()
}

/// How the fast reading of `text` differs from the YAML parser's, if it does.
fn disagreement(text: &str) -> Option<String> {
    let (end, _) = super::first_document(text);
    let fast = file(&text[..end]).ok()?;
    let show = |file: Option<File>| format!("{:#?}", super::convert(text, file));
    match super::slow(&text[..end]) {
        Err(error) => Some(format!("read fast, but the YAML parser refuses it: {error:?}")),
        Ok(parsed) => {
            let (fast, parsed) = (show(fast), show(parsed));
            let first = fast.lines().zip(parsed.lines()).position(|(a, b)| a != b)?;
            let around = |all: &str| {
                all.lines()
                    .skip(first.saturating_sub(8))
                    .take(12)
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            Some(format!("fast:\n{}\nYAML parser:\n{}", around(&fast), around(&parsed)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every YAML file of the repository's tests (the rule corpus, the default rules' rule
    /// files, fixtures and invalid cases), with its path.
    fn corpus() -> Vec<(String, String)> {
        let files = crate::test_texts::files(&["tests"], |path| {
            path.extension().is_some_and(|e| e == "yml" || e == "yaml")
        });
        assert!(files.len() > 60, "only {} YAML files", files.len());
        files
    }

    /// Whether the fast reading answers on `text`.
    fn answers(text: &str) -> bool {
        let (end, _) = super::super::first_document(text);
        file(&text[..end]).is_ok()
    }

    #[test]
    fn reads_the_corpus_as_the_yaml_parser_does() {
        let files = corpus();
        let mut read = Vec::new();
        for (name, text) in &files {
            if let Some(what) = disagreement(text) {
                panic!("{name}: {what}");
            }
            if answers(text) {
                read.push(name.as_str());
            }
        }
        // The point is speed on real rule files: most of the accepted corpus takes the fast path.
        let accepted = files.iter().filter(|(n, _)| n.contains("rule-corpus/accepted")).count();
        let fast = read.iter().filter(|n| n.contains("rule-corpus/accepted")).count();
        assert!(
            fast * 10 >= accepted * 8,
            "only {fast} of {accepted} accepted corpus files read fast: {read:?}"
        );
    }

    /// Forms that are read fast, with their values (the agreement with the YAML parser is the
    /// other tests').
    #[test]
    fn values_of_each_form() {
        let text = "---\ngroups:\n- name: 'it''s'\n  limit: 10\n  labels: {}\n  rules:\n  - alert: \"A\\\"\" # c\n    expr: |-\n      up\n\n      == 0\n    annotations:\n      summary: >\n        two\n        lines\n\n        end\n      plain: a #b\n  - record: r\n    expr: sum(up)\n      > 1\n\n      and x\n    labels:\n      single: 'one\n\n        two\n          three '\n      double: \"a\\tb\n        c\"\n";
        assert_eq!(disagreement(text), None);
        let file = file(text).expect("read fast").expect("a document");
        let group = &file.groups.as_ref().expect("groups")[0];
        let text_of = |at: &At<Scalar>| match &at.value {
            Scalar::Text(t) => t.clone(),
            _ => unreachable!("the fast reading gives text"),
        };
        assert_eq!(text_of(&group.name), "it's");
        assert_eq!(group.limit.as_ref().map(|l| l.value), Some(10));
        let rules = group.rules.as_ref().expect("rules");
        assert_eq!(text_of(rules[0].alert.as_ref().expect("alert")), "A\"");
        assert_eq!(text_of(rules[0].expr.as_ref().expect("expr")), "up\n\n== 0");
        let annotations = rules[0].annotations.as_ref().expect("annotations");
        assert_eq!(text_of(&annotations["summary"]), "two lines\nend\n");
        assert_eq!(text_of(&annotations["plain"]), "a");
        // Scalars over several lines, folded.
        assert_eq!(text_of(rules[1].expr.as_ref().expect("expr")), "sum(up) > 1\nand x");
        let labels = rules[1].labels.as_ref().expect("labels");
        assert_eq!(text_of(&labels["single"]), "one\ntwo three ");
        assert_eq!(text_of(&labels["double"]), "a\tb c");
    }

    #[test]
    fn leaves_other_forms_to_the_yaml_parser() {
        for text in [
            "groups:\n  - name: a\n    labels: &l { a: b }\n",
            "groups:\n  - name: a\n    rules:\n      - alert: A\n        expr: up\n          - 0\n",
            "groups:\n  - name: a\n    rules:\n      - alert: \"A \\\n          B\"\n",
            "groups:\n  - name: a\n    rules:\n      - alert: 'A\n        B'\n",
            "groups:\n  - name: a\n    rules: [{ alert: A }]\n",
            "groups:\n  - name: a\n    name: b\n",
            "groups:\n  - name: a\n    rulez: []\n",
            "groups:\n\t- name: a\n",
            "groups:\n  - name: !!str a\n",
            "%YAML 1.2\n---\ngroups: []\n",
            "groups:\n  - name: a\n    limit: '1'\n",
            "groups:\n  - name: a\n    limit: 05\n",
            // Control characters, which the YAML parser refuses (found by the fuzz target).
            "groups:\n  - name: a\n    rules:\n      - alert: A\n        expr: up{a!=\"\u{0}x\"}\n",
            "groups:\n  - name: \"a\u{85}b\"\n",
        ] {
            assert!(!answers(text), "{text:?}");
            assert!(agrees(text), "{text:?}");
        }
    }

    /// The rule_file fuzz target's regressions, through the assertion it makes on every input.
    #[test]
    fn reads_the_fuzz_regressions_as_the_yaml_parser_does() {
        let seeds = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds/rule_file");
        let mut checked = 0;
        for entry in std::fs::read_dir(seeds).expect("the seeds").flatten() {
            let bytes = std::fs::read(entry.path()).expect("readable");
            let text = String::from_utf8_lossy(&bytes);
            assert_eq!(disagreement(&text), None, "{}", entry.path().display());
            checked += 1;
        }
        assert!(checked > 0, "no regressions");
    }

    /// The characters that change a YAML document's structure, and some that do not.
    const INSERTIONS: &[&str] = &[
        " ", "\n", ":", "-", "#", "\"", "'", "|", ">", "a", "[", "{", "  ", "- ", ": ", "\\", "\u{0}", "\u{85}",
    ];

    /// Every corpus file with one change at one in `stride` places (a byte deleted, a line
    /// deleted or duplicated, or one of [`INSERTIONS`]): where the fast reading answers, it reads
    /// what the YAML parser reads.
    fn mutations(stride: usize) {
        let mut tally = crate::test_texts::Tally::default();
        let mut check = |name: &str, mutated: &str| {
            tally.count(answers(mutated));
            if let Some(what) = disagreement(mutated) {
                panic!("{name}: {mutated:?}: {what}");
            }
        };
        // The rule files: the other YAML files (promtool tests, CRDs) are never read fast.
        for (name, text) in corpus().into_iter().filter(|(name, _)| {
            ["rule-corpus", "rule-files", "invalid/rules"]
                .iter()
                .any(|d| name.contains(d))
        }) {
            crate::test_texts::each_mutation(&text, stride, INSERTIONS, |mutated| check(&name, mutated));
        }
        tally.assert_enough(2000);
    }

    #[test]
    fn reads_mutated_files_as_the_yaml_parser_does() {
        mutations(151);
    }

    #[test]
    #[ignore = "every mutation: run with --release -- --ignored"]
    fn reads_every_mutated_file_as_the_yaml_parser_does() {
        mutations(1);
    }
}
