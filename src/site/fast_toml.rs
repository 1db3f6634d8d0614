//! The usual shape of a site file, read straight into its JSON view without the general TOML
//! parser (whose document, then converted to JSON, was a third of checking a large site):
//! `[tables]` and `[[arrays of tables]]`, bare and quoted keys, dotted keys, the four kinds of
//! string, decimal integers and floats, booleans, arrays and one-line inline tables, comments.
//! It answers only where it is sure to read what the TOML parser reads; anything else (dates,
//! other radixes, `inf` and `nan`, escapes beyond TOML 1.0's, carriage returns and other control
//! characters, a table defined twice or reached through dotted keys, a repeated key, TOML 1.1's
//! multi-line inline tables, an error of any kind) is `None`, and the TOML parser reads the file
//! and reports its errors. The soundness tests and the `site` fuzz target hold every answer to
//! the TOML parser's.

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;

use serde_json::{Map, Number, Value};

/// The JSON view of `text`, if it is of the usual shape.
pub(super) fn json(text: &str) -> Option<Value> {
    read(text, SPLIT_FROM)
}

/// [`json`], reading a text of `split_from` bytes or more in two halves.
fn read(text: &str, split_from: usize) -> Option<Value> {
    // Tabs and line feeds are the only control characters a TOML file of this shape holds; a
    // byte-order mark or a carriage return sends the file to the TOML parser.
    if has_control_characters(text.as_bytes()) || text.starts_with('\u{feff}') {
        return None;
    }
    if text.len() >= split_from
        && let Some(split) = header_after_middle(text)
    {
        // The second half on another core, its sections set into the first half's tree after.
        let (first, second) = std::thread::scope(|scope| {
            let second = scope.spawn(|| Reader::new(&text[split..]).sections());
            let first = Reader::new(&text[..split]).tree();
            (first, second.join().ok().flatten())
        });
        // A half that is not a whole document of its own (the split fell inside a multi-line
        // string or array) is read whole below.
        if let (Some(mut root), Some((top, sections))) = (first, second) {
            // The second half starts with a header: nothing comes before it.
            merge(&mut root, top)?;
            set_sections(&mut root, sections)?;
            return Some(root.into_json());
        }
    }
    Reader::new(text).tree().map(Table::into_json)
}

/// From this size a site file is read in two halves, one on another core: a 1.4 MB file took 6 ms.
const SPLIT_FROM: usize = 256 * 1024;

/// Where the first line after the middle of `text` that starts with `[` (a header, unless it is
/// inside a multi-line value, which the reading of the first half finds out) begins.
fn header_after_middle(text: &str) -> Option<usize> {
    let middle = text.len() / 2;
    memchr::memmem::find(&text.as_bytes()[middle..], b"\n[").map(|at| middle + at + 1)
}

/// Sets each section into the table its header opens in `root`, in order: what reading the
/// document in one pass does.
fn set_sections(root: &mut Table, sections: Vec<(Header, Table)>) -> Option<()> {
    for (header, section) in sections {
        merge(open(root, &header)?, section)?;
    }
    Some(())
}

/// Sets the key/value pairs of `section` (read apart from the document) into `table`, the table
/// its header opened: a key both have is an error, as when they are read in order.
fn merge(table: &mut Table, section: Table) -> Option<()> {
    // Most headers open a new table: it takes the section's maps whole.
    if table.values.is_empty() && table.tables.is_empty() {
        table.values = section.values;
        table.tables = section.tables;
        return Some(());
    }
    for (key, value) in section.values {
        if table.tables.contains_key(&key) || table.values.contains_key(&key) {
            return None;
        }
        table.values.insert(key, value);
    }
    for (key, inner) in section.tables {
        if table.values.contains_key(&key) || table.tables.contains_key(&key) {
            return None;
        }
        table.tables.insert(key, inner);
    }
    Some(())
}

/// Whether `bytes` hold a control character other than a tab or a line feed. Looked at in blocks
/// without stopping at the first, which the compiler turns into vector instructions (a byte at a
/// time was a quarter of the reading).
fn has_control_characters(bytes: &[u8]) -> bool {
    bytes.chunks(64).any(|block| {
        block.iter().fold(0_u8, |found, &b| {
            found | (u8::from(b < 0x20) & u8::from(b != b'\t') & u8::from(b != b'\n')) | u8::from(b == 0x7f)
        }) != 0
    })
}

/// A dotted key (`a.b.c`): the parts before the last (`a`, `b`), and the last (`c`).
struct Key {
    path: Vec<String>,
    name: String,
}

enum Header {
    /// `[a.b]`
    Table(Key),
    /// `[[a.b]]`
    Array(Key),
}

/// How a table came to be, which decides what may add to it later.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Defined {
    /// Named on the way to a header's table (`a` of `[a.b]`): a header of its own may still
    /// define it.
    Implicit,
    /// By a header of its own (or the root).
    Header,
    /// By dotted keys (`a.b = 1` makes `a`): only more dotted keys of the same table add to it.
    Dotted,
}

/// A table being read: its values as they will be in the JSON view, and apart from them the
/// tables in it, which headers and dotted keys may still add to.
struct Table {
    defined: Defined,
    values: Map<String, Value>,
    tables: BTreeMap<String, Inner>,
}

enum Inner {
    Table(Table),
    /// An array of tables, one for each `[[header]]`.
    Tables(Vec<Table>),
}

impl Table {
    fn new(defined: Defined) -> Table {
        Table {
            defined,
            values: Map::new(),
            tables: BTreeMap::new(),
        }
    }

    fn into_json(self) -> Value {
        let mut values = self.values;
        for (key, inner) in self.tables {
            let value = match inner {
                Inner::Table(table) => table.into_json(),
                Inner::Tables(tables) => Value::Array(tables.into_iter().map(Table::into_json).collect()),
            };
            values.insert(key, value);
        }
        Value::Object(values)
    }

    /// The table `key` names in this one, made (as `defined`) if there is none; `None` where `key`
    /// names a value, which nothing may add to (a string, an array, an inline table).
    fn inner(&mut self, key: &str, defined: Defined) -> Option<&mut Inner> {
        if self.values.contains_key(key) {
            return None;
        }
        // Looked up before it is made: a key is copied only for a new table.
        if !self.tables.contains_key(key) {
            self.tables.insert(key.to_owned(), Inner::Table(Table::new(defined)));
        }
        self.tables.get_mut(key)
    }
}

/// The table a header opens: a new one, or one only named before on the way to another; the last
/// table of an array of tables on the way.
fn open<'r>(root: &'r mut Table, header: &Header) -> Option<&'r mut Table> {
    let (Header::Table(Key { path, name: last }) | Header::Array(Key { path, name: last })) = header;
    let mut table = root;
    for part in path {
        table = match table.inner(part, Defined::Implicit)? {
            // A header may reach into a table made by dotted keys, but that is rare enough to
            // leave to the TOML parser.
            Inner::Table(inner) if inner.defined != Defined::Dotted => inner,
            Inner::Tables(tables) => tables.last_mut()?,
            Inner::Table(_) => return None,
        };
    }
    if table.values.contains_key(last.as_str()) {
        return None;
    }
    match (header, table.tables.entry(last.clone())) {
        (Header::Table(_), Entry::Vacant(vacant)) => match vacant.insert(Inner::Table(Table::new(Defined::Header))) {
            Inner::Table(table) => Some(table),
            Inner::Tables(_) => None,
        },
        (Header::Table(_), Entry::Occupied(occupied)) => match occupied.into_mut() {
            Inner::Table(table) if table.defined == Defined::Implicit => {
                table.defined = Defined::Header;
                Some(table)
            }
            _ => None,
        },
        (Header::Array(_), entry) => match entry.or_insert_with(|| Inner::Tables(Vec::new())) {
            Inner::Tables(tables) => {
                tables.push(Table::new(Defined::Header));
                tables.last_mut()
            }
            Inner::Table(_) => None,
        },
    }
}

/// Sets `key` of `table` to `value`: a key set before, or a table
/// reached that dotted keys did not make, is an error (or too rare a case) for this reading.
fn insert(table: &mut Table, key: Key, value: Value) -> Option<()> {
    let Key { path, name } = key;
    let mut table = table;
    for part in &path {
        table = match table.inner(part, Defined::Dotted)? {
            Inner::Table(inner) if inner.defined == Defined::Dotted => inner,
            _ => return None,
        };
    }
    if table.tables.contains_key(&name) {
        return None;
    }
    match table.values.entry(name) {
        serde_json::map::Entry::Vacant(vacant) => {
            vacant.insert(value);
            Some(())
        }
        serde_json::map::Entry::Occupied(_) => None,
    }
}

struct Reader<'t> {
    text: &'t str,
    at: usize,
}

impl<'t> Reader<'t> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn peek_at(&self, offset: usize) -> Option<u8> {
        self.text.as_bytes().get(self.at + offset).copied()
    }

    fn rest(&self) -> &'t str {
        &self.text[self.at..]
    }

    fn eat(&mut self, byte: u8) -> Option<()> {
        (self.peek() == Some(byte)).then(|| self.at += 1)
    }

    fn skip_spaces(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.at += 1;
        }
    }

    /// Spaces, line breaks and comments, as between the values of an array.
    fn skip_blank_lines(&mut self) {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\n') => self.at += 1,
                Some(b'#') => self.skip_comment(),
                _ => return,
            }
        }
    }

    fn skip_comment(&mut self) {
        self.at = memchr::memchr(b'\n', self.rest().as_bytes()).map_or(self.text.len(), |end| self.at + end);
    }

    /// What may follow a header or a key/value pair on its line: spaces, a comment, then the line
    /// break or the end of the text.
    fn end_of_line(&mut self) -> Option<()> {
        self.skip_spaces();
        if self.peek() == Some(b'#') {
            self.skip_comment();
        }
        match self.peek() {
            None => Some(()),
            Some(b'\n') => {
                self.at += 1;
                Some(())
            }
            Some(_) => None,
        }
    }

    fn new(text: &'t str) -> Self {
        Reader { text, at: 0 }
    }

    /// The whole text as a tree of tables.
    fn tree(self) -> Option<Table> {
        let (mut root, sections) = self.sections()?;
        set_sections(&mut root, sections)?;
        Some(root)
    }

    /// The text as the key/value pairs before its first header, and each header with the pairs
    /// below it in a table of its own (set into the tree by [`set_sections`]).
    fn sections(mut self) -> Option<(Table, Vec<(Header, Table)>)> {
        let mut top = Table::new(Defined::Header);
        let mut sections: Vec<(Header, Table)> = Vec::new();
        loop {
            self.skip_blank_lines();
            match self.peek() {
                None => return Some((top, sections)),
                Some(b'[') => {
                    let header = self.header()?;
                    self.end_of_line()?;
                    sections.push((header, Table::new(Defined::Header)));
                }
                Some(_) => {
                    let table = match sections.last_mut() {
                        Some((_, table)) => table,
                        None => &mut top,
                    };
                    self.key_value(table)?;
                    self.end_of_line()?;
                }
            }
        }
    }

    /// `key = value`, set in `table`.
    fn key_value(&mut self, table: &mut Table) -> Option<()> {
        let key = self.key()?;
        self.skip_spaces();
        self.eat(b'=')?;
        self.skip_spaces();
        let value = self.value()?;
        insert(table, key, value)
    }

    fn header(&mut self) -> Option<Header> {
        self.eat(b'[')?;
        let array = self.eat(b'[').is_some();
        self.skip_spaces();
        let key = self.key()?;
        self.skip_spaces();
        self.eat(b']')?;
        if array {
            self.eat(b']')?;
            Some(Header::Array(key))
        } else {
            Some(Header::Table(key))
        }
    }

    /// A dotted key: the parts before the last, and the last.
    fn key(&mut self) -> Option<Key> {
        let mut path = Vec::new();
        let mut name = self.simple_key()?;
        loop {
            let before = self.at;
            self.skip_spaces();
            if self.eat(b'.').is_none() {
                self.at = before;
                return Some(Key { path, name });
            }
            self.skip_spaces();
            path.push(std::mem::replace(&mut name, self.simple_key()?));
        }
    }

    fn simple_key(&mut self) -> Option<String> {
        match self.peek()? {
            b'"' => self.basic_string(),
            b'\'' => self.literal_string(),
            _ => {
                let length = self
                    .rest()
                    .bytes()
                    .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-'))
                    .count();
                if length == 0 {
                    return None;
                }
                let key = self.rest()[..length].to_owned();
                self.at += length;
                Some(key)
            }
        }
    }

    fn value(&mut self) -> Option<Value> {
        match self.peek()? {
            b'"' if self.rest().starts_with("\"\"\"") => self.multi_line_basic_string().map(Value::String),
            b'"' => self.basic_string().map(Value::String),
            b'\'' if self.rest().starts_with("'''") => self.multi_line_literal_string().map(Value::String),
            b'\'' => self.literal_string().map(Value::String),
            b't' | b'f' => self.boolean(),
            b'[' => self.array(),
            b'{' => self.inline_table(),
            b'+' | b'-' | b'0'..=b'9' => self.number(),
            _ => None,
        }
    }

    fn boolean(&mut self) -> Option<Value> {
        let (word, value) = if self.rest().starts_with("true") {
            ("true", true)
        } else if self.rest().starts_with("false") {
            ("false", false)
        } else {
            return None;
        };
        self.at += word.len();
        // `trueish` is not a boolean; the caller refuses what follows but a delimiter.
        Some(Value::Bool(value))
    }

    /// A decimal integer or float. Anything else that starts like a number (a date, a time, a
    /// hexadecimal integer, a number with a leading zero, `+inf`) is not read here.
    fn number(&mut self) -> Option<Value> {
        let length = self
            .rest()
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'+' | b'-' | b'.' | b':'))
            .count();
        let token = &self.rest()[..length];
        self.at += length;
        let unsigned = token.strip_prefix(['+', '-']).unwrap_or(token);
        let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
            Some(at) => (&unsigned[..at], Some(&unsigned[at + 1..])),
            None => (unsigned, None),
        };
        let (integer, fraction) = match mantissa.split_once('.') {
            Some((integer, fraction)) => (integer, Some(fraction)),
            None => (mantissa, None),
        };
        let no_leading_zero = integer == "0" || !integer.starts_with('0');
        if !digits(integer) || !no_leading_zero {
            return None;
        }
        if fraction.is_some_and(|fraction| !digits(fraction)) {
            return None;
        }
        if let Some(exponent) = exponent
            && !digits(exponent.strip_prefix(['+', '-']).unwrap_or(exponent))
        {
            return None;
        }
        let cleaned = token.replace('_', "");
        if fraction.is_none() && exponent.is_none() {
            cleaned.parse::<i64>().ok().map(Value::from)
        } else {
            // Too large a float is infinite, which the JSON view holds as text: left to the slow path.
            cleaned
                .parse::<f64>()
                .ok()
                .and_then(Number::from_f64)
                .map(Value::Number)
        }
    }

    fn array(&mut self) -> Option<Value> {
        self.eat(b'[')?;
        let mut items = Vec::new();
        loop {
            self.skip_blank_lines();
            if self.eat(b']').is_some() {
                return Some(Value::Array(items));
            }
            items.push(self.value()?);
            self.skip_blank_lines();
            match self.peek()? {
                b',' => self.at += 1,
                b']' => {
                    self.at += 1;
                    return Some(Value::Array(items));
                }
                _ => return None,
            }
        }
    }

    /// `{ a = 1, b.c = "x" }` on one line, without a trailing comma (TOML 1.0's form).
    fn inline_table(&mut self) -> Option<Value> {
        self.eat(b'{')?;
        let mut table = Table::new(Defined::Header);
        self.skip_spaces();
        if self.eat(b'}').is_some() {
            return Some(table.into_json());
        }
        loop {
            self.key_value(&mut table)?;
            self.skip_spaces();
            match self.peek()? {
                b',' => {
                    self.at += 1;
                    self.skip_spaces();
                }
                b'}' => {
                    self.at += 1;
                    return Some(table.into_json());
                }
                _ => return None,
            }
        }
    }

    /// `"..."` on one line.
    fn basic_string(&mut self) -> Option<String> {
        self.eat(b'"')?;
        let mut out = String::new();
        loop {
            let run = memchr::memchr3(b'"', b'\\', b'\n', self.rest().as_bytes())?;
            if out.is_empty() && self.peek_at(run) == Some(b'"') {
                // Most strings hold no escape: copied at once.
                let text = self.rest()[..run].to_owned();
                self.at += run + 1;
                return Some(text);
            }
            out.push_str(&self.rest()[..run]);
            self.at += run;
            match self.peek()? {
                b'"' => {
                    self.at += 1;
                    return Some(out);
                }
                b'\\' => out.push(self.escape()?),
                _ => return None,
            }
        }
    }

    /// `"""..."""`: a line break right after the opening quotes is not part of the text; a
    /// backslash at the end of a line joins it to the next one's first non-blank character.
    fn multi_line_basic_string(&mut self) -> Option<String> {
        self.at += 3;
        self.eat(b'\n');
        let mut out = String::new();
        loop {
            let run = memchr::memchr2(b'"', b'\\', self.rest().as_bytes())?;
            out.push_str(&self.rest()[..run]);
            self.at += run;
            if self.peek()? == b'"' {
                if self.closing_quotes(b'"', &mut out)? {
                    return Some(out);
                }
                continue;
            }
            // A backslash: an escape, or a line-ending one.
            let blank = self.text.as_bytes()[self.at + 1..]
                .iter()
                .take_while(|b| matches!(b, b' ' | b'\t'))
                .count();
            if self.peek_at(1 + blank) == Some(b'\n') {
                self.at += 1;
                self.skip_blank_lines_in_string();
            } else {
                out.push(self.escape()?);
            }
        }
    }

    /// After a line-ending backslash: spaces and line breaks up to the next character.
    fn skip_blank_lines_in_string(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n')) {
            self.at += 1;
        }
    }

    /// At a run of `quote`s in a multi-line string: three end it, and up to two more before them
    /// are part of the text; fewer than three are text. Whether the string ended.
    fn closing_quotes(&mut self, quote: u8, out: &mut String) -> Option<bool> {
        let run = self.rest().bytes().take_while(|&b| b == quote).count();
        self.at += run;
        match run {
            1 | 2 => {
                out.extend(std::iter::repeat_n(char::from(quote), run));
                Some(false)
            }
            3..=5 => {
                out.extend(std::iter::repeat_n(char::from(quote), run - 3));
                Some(true)
            }
            _ => None,
        }
    }

    /// `'...'` on one line, as written.
    fn literal_string(&mut self) -> Option<String> {
        self.eat(b'\'')?;
        let end = memchr::memchr2(b'\'', b'\n', self.rest().as_bytes())?;
        let text = &self.rest()[..end];
        if self.rest().as_bytes()[end] != b'\'' {
            return None;
        }
        let text = text.to_owned();
        self.at += end + 1;
        Some(text)
    }

    /// `'''...'''` as written, but for a line break right after the opening quotes.
    fn multi_line_literal_string(&mut self) -> Option<String> {
        self.at += 3;
        self.eat(b'\n');
        let mut out = String::new();
        loop {
            let run = memchr::memchr(b'\'', self.rest().as_bytes())?;
            out.push_str(&self.rest()[..run]);
            self.at += run;
            if self.closing_quotes(b'\'', &mut out)? {
                return Some(out);
            }
        }
    }

    /// A backslash escape of TOML 1.0.
    fn escape(&mut self) -> Option<char> {
        self.eat(b'\\')?;
        let escaped = self.peek()?;
        self.at += 1;
        let hex = |reader: &mut Self, length: usize| {
            let digits = reader.rest().get(..length)?;
            if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
                return None;
            }
            reader.at += length;
            char::from_u32(u32::from_str_radix(digits, 16).ok()?)
        };
        match escaped {
            b'b' => Some('\u{8}'),
            b't' => Some('\t'),
            b'n' => Some('\n'),
            b'f' => Some('\u{c}'),
            b'r' => Some('\r'),
            b'"' => Some('"'),
            b'\\' => Some('\\'),
            b'u' => hex(self, 4),
            b'U' => hex(self, 8),
            _ => None,
        }
    }
}

/// Decimal digits, with single underscores between them.
fn digits(text: &str) -> bool {
    !text.is_empty()
        && !text.starts_with('_')
        && !text.ends_with('_')
        && !text.contains("__")
        && text.bytes().all(|b| b.is_ascii_digit() || b == b'_')
}

/// Whether the fast reading of `text` (a whole site file) is sound: where it answers, the TOML
/// parser reads the file without an error, into the same JSON view.
#[doc(hidden)]
pub fn agrees(text: &str) -> bool {
    disagreement(text).is_none()
}

/// How the fast reading of `text` differs from the TOML parser's, if it does.
fn disagreement(text: &str) -> Option<String> {
    // Read in one piece, and in two halves whatever its size: both must read the same.
    let fast = read(text, usize::MAX);
    let halves = read(text, 0);
    if fast != halves {
        return Some(format!("read in one piece:\n{fast:?}\nin two halves:\n{halves:?}"));
    }
    let fast = fast?;
    let (document, errors) = toml::de::DeTable::parse_recoverable(text);
    if let Some(error) = errors.first() {
        return Some(format!(
            "read fast, but the TOML parser refuses it: {}",
            error.message()
        ));
    }
    let parsed = super::pointer::json(document.get_ref());
    (parsed != fast).then(|| format!("fast:\n{fast:#}\nTOML parser:\n{parsed:#}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every site file of the repository (examples, test fixtures, invalid cases, the `site` fuzz
    /// target's seeds) and a synthetic realistic site, with their names.
    fn corpus() -> Vec<(String, String)> {
        let mut files = crate::test_texts::files(&["tests", "sites", "fuzz/seeds/site"], |path| {
            path.extension().is_some_and(|e| e == "toml")
                || path.parent().is_some_and(|dir| dir.ends_with("seeds/site"))
        });
        assert!(files.len() > 200, "only {} site files", files.len());
        let realistic = crate::synthetic::site_with(
            crate::synthetic::Size::M,
            crate::synthetic::Rules::Realistic,
            "realistic",
        );
        files.push(("synthetic realistic M".to_owned(), realistic));
        files
    }

    #[test]
    fn reads_the_corpus_as_the_toml_parser_does() {
        let files = corpus();
        let mut fast = 0;
        for (name, text) in &files {
            if let Some(what) = disagreement(text) {
                panic!("{name}: {what}");
            }
            fast += usize::from(json(text).is_some());
        }
        // The point is speed on real sites: the valid ones take the fast path.
        let valid: Vec<&String> = files
            .iter()
            .filter(|(name, _)| name.contains("fixtures") || name.contains("sites/") || name.contains("synthetic"))
            .map(|(name, _)| name)
            .collect();
        for (name, text) in &files {
            if valid.contains(&name) {
                assert!(json(text).is_some(), "{name} is not read fast");
            }
        }
        assert!(fast * 2 > files.len(), "only {fast} of {} files read fast", files.len());
    }

    /// Forms that are read fast, with their values (the agreement with the TOML parser is the
    /// other tests').
    #[test]
    fn values_of_each_form() {
        let text = concat!(
            "# top\n",
            "name = \"a\\tb\\u00e9\\U0001F600\" # c\n",
            "'lit key' = 'C:\\path'\n",
            "\"q.key\" = true\n",
            "a . b=  -1_000\n",
            "a.c = [1.5, -0.0, 2e3, 1E-2,\n  # inside\n  'x', ]\n",
            "inline = { x = 1, y.z = \"w\" }\n",
            "empty = {}\n",
            "ml = \"\"\"\nline \\\n   joined\n\"two\"\"\"\"\"\n",
            "mll = '''\nraw \\n '' '''\n",
            "\n[t.u]\nk = false\n",
            "[[arr]]\nv = 1\n[arr.sub]\nw = 2\n[[arr]]\nv = 3\n",
            "[t]\nlater = 0\n",
        );
        assert_eq!(disagreement(text), None);
        let value = json(text).expect("read fast");
        assert_eq!(
            value,
            serde_json::json!({
                "name": "a\tb\u{e9}\u{1F600}",
                "lit key": "C:\\path",
                "q.key": true,
                "a": { "b": -1000, "c": [1.5, -0.0, 2000.0, 0.01, "x"] },
                "inline": { "x": 1, "y": { "z": "w" } },
                "empty": {},
                "ml": "line joined\n\"two\"\"",
                "mll": "raw \\n '' ",
                "t": { "u": { "k": false }, "later": 0 },
                "arr": [{ "v": 1, "sub": { "w": 2 } }, { "v": 3 }],
            })
        );
    }

    /// A large site is read in two halves, and into what the TOML parser reads.
    #[test]
    fn reads_a_large_site_in_two_halves() {
        let text = crate::synthetic::site_with(crate::synthetic::Size::L, crate::synthetic::Rules::Realistic, "l");
        assert!(text.len() >= SPLIT_FROM && header_after_middle(&text).is_some());
        assert_eq!(disagreement(&text), None);
        assert!(json(&text).is_some());
    }

    /// Where the middle falls inside a multi-line string or array, on a line that starts with `[`,
    /// the first half is not a document of its own: the whole is read in one piece. A table
    /// defined in both halves is an error either way.
    #[test]
    fn a_split_inside_a_value_reads_the_whole() {
        for text in [
            "[a]\nx = \"\"\"\n[b]\n\"\"\"\n[c]\ny = 1\n",
            "[a]\nx = '''\n\n\n[b]\n'''\n",
            "[a]\nx = [\n1,\n\n\n\n\n\n[2],\n]\n",
            "[a]\nx = 1\n\n\n\n\n[a]\ny = 2\n",
            "[[a]]\nx = 1\n\n\n\n[[a]]\nx = 2\n[a.b]\n",
            "x = 1\n[a.b]\nc = 1\n\n\n\n\n[a]\nb.d = 1\n",
        ] {
            assert!(header_after_middle(text).is_some(), "{text:?}");
            assert_eq!(disagreement(text), None, "{text:?}");
        }
        assert_eq!(
            read("[a]\nx = \"\"\"\n[b]\n\"\"\"\n[c]\ny = 1\n", 0),
            Some(serde_json::json!({ "a": { "x": "[b]\n" }, "c": { "y": 1 } }))
        );
        assert_eq!(
            read("[[a]]\nx = 1\n\n\n\n[[a]]\nx = 2\n[a.b]\n", 0),
            Some(serde_json::json!({ "a": [{ "x": 1 }, { "x": 2, "b": {} }] }))
        );
    }

    #[test]
    fn leaves_other_forms_to_the_toml_parser() {
        for text in [
            // Errors.
            "a = 1\na = 2\n",
            "[a]\n[a]\n",
            "[a.b]\n[a]\nb = 1\n",
            "a = [1\n",
            "a = \"x\n",
            "a = 1 b = 2\n",
            "a = 01\n",
            "a = 1__0\n",
            "a = .5\n",
            "a = 1.\n",
            "a = truex\n",
            "a = \"\\q\"\n",
            "a = \"\\uD800\"\n",
            "[[a]]\n[a]\n",
            "a = []\n[[a]]\n",
            "a.b = 1\n[a]\n",
            "a = { b = 1 }\n[a]\n",
            "a = { b = 1 }\na.c = 2\n",
            "a = { b = 1, }\n",
            "a = \"\"\"x\"\"\"\"\"\"\n",
            // Valid, but left to the TOML parser.
            "a = 0x1F\n",
            "a = 1979-05-27\n",
            "a = 07:32:00\n",
            "a = inf\n",
            "a = -nan\n",
            "a = 1e999\n",
            "a = 9223372036854775808\n",
            "a = 1\r\n",
            "\u{feff}a = 1\n",
            "a.b = 1\n[a.c]\n",
            "a = \"\\e\"\n",
            "a = { b = 1,\n c = 2 }\n",
        ] {
            assert!(json(text).is_none(), "{text:?}");
            assert!(agrees(text), "{text:?}");
        }
    }

    /// What changes a TOML document's structure, and some that does not.
    const INSERTIONS: &[&str] = &[
        " ", "\n", "=", ".", "#", "\"", "'", "[", "]", "[[", "{", "}", ",", "\\", "a", "1", "_", "e", "-", "\u{0}",
        "\r", "\"\"\"", "'''", "é",
    ];

    /// Every corpus file with one change at one in `stride` places (a byte deleted, a line
    /// deleted or duplicated, or one of [`INSERTIONS`]): where the fast reading answers, it reads
    /// what the TOML parser reads.
    fn mutations(stride: usize) {
        let mut tally = crate::test_texts::Tally::default();
        let mut check = |name: &str, mutated: &str| {
            tally.count(json(mutated).is_some());
            if let Some(what) = disagreement(mutated) {
                panic!("{name}: {mutated:?}: {what}");
            }
        };
        for (name, text) in corpus().into_iter().filter(|(name, _)| !name.contains("synthetic")) {
            crate::test_texts::each_mutation(&text, stride, INSERTIONS, |mutated| check(&name, mutated));
        }
        tally.assert_enough(2000);
    }

    #[test]
    fn reads_mutated_files_as_the_toml_parser_does() {
        mutations(151);
    }

    #[test]
    #[ignore = "every mutation: run with --release -- --ignored"]
    fn reads_every_mutated_file_as_the_toml_parser_does() {
        mutations(1);
    }
}
