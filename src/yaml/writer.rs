//! A serde serializer that writes promsite's YAML style (see `crate::yaml`) byte for byte as
//! serde-saphyr does, in one pass. serde-saphyr scans each string several times, char by char, to
//! choose its style, which made serializing a third of a large site's compile. Here the common
//! string (printable ASCII that no YAML 1.1 reader could take for anything but a string) is
//! written as it is after one scan, a multi-line string as a literal block, and every other
//! scalar is styled by serde-saphyr itself, so the two cannot disagree on quoting. A shape this
//! writer does not handle (enum variants with data, tuples, bytes, serde-saphyr's own wrapper
//! types) fails with [`Unsupported`], and the caller serializes the document with serde-saphyr.

use std::fmt;

use serde::Serialize;
use serde::ser::{self, Impossible};

/// The document needs serde-saphyr: a shape or a value this writer leaves to it.
#[derive(Debug)]
pub(super) struct Unsupported;

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("left to serde-saphyr")
    }
}

impl std::error::Error for Unsupported {}

impl ser::Error for Unsupported {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Unsupported
    }
}

type Result<T = ()> = std::result::Result<T, Unsupported>;

/// Where the next value goes: this decides what precedes it and how deep its contents are.
#[derive(Clone, Copy)]
enum Slot {
    /// The document itself, at the start of a line.
    Root,
    /// After `key:`, whose key starts at `column`.
    Value { column: usize },
    /// After `- `, whose dash is at `column`.
    Item { column: usize },
}

impl Slot {
    /// The column of a collection's entries or items in this slot: two past the key or the dash
    /// (lists under a key are indented too, promsite's style).
    fn inner_column(self) -> usize {
        match self {
            Slot::Root => 0,
            Slot::Value { column } | Slot::Item { column } => column + 2,
        }
    }
}

/// Writes one document into `out`.
pub(super) struct Writer {
    out: String,
    slot: Slot,
}

impl Writer {
    /// A writer whose document follows `prefix`.
    pub(super) fn after(prefix: &str) -> Self {
        let mut out = String::with_capacity(prefix.len().max(4096));
        out.push_str(prefix);
        Writer { out, slot: Slot::Root }
    }

    pub(super) fn into_string(self) -> String {
        self.out
    }

    fn indent(&mut self, column: usize) {
        const SPACES: &str = "                                                                ";
        let mut left = column;
        while left > 0 {
            let n = left.min(SPACES.len());
            self.out.push_str(&SPACES[..n]);
            left -= n;
        }
    }

    /// The space between `key:` and a value on its line.
    fn space_after_key(&mut self) {
        if let Slot::Value { .. } = self.slot {
            self.out.push(' ');
        }
    }

    /// A scalar already in its YAML spelling, then the end of the line.
    fn scalar(&mut self, text: &str) {
        self.space_after_key();
        self.out.push_str(text);
        self.out.push('\n');
    }

    fn string(&mut self, text: &str) -> Result {
        match own_style(text) {
            Some(Style::Literal) => self.literal_block(text),
            Some(Style::Plain) => self.scalar(text),
            Some(Style::DoubleQuoted) => self.double_quoted(text),
            None => {
                let styled = saphyr_scalar(&text)?;
                self.scalar(&styled);
            }
        }
        Ok(())
    }

    /// A printable ASCII string in double quotes, where only `"` and `\\` need escaping.
    fn double_quoted(&mut self, text: &str) {
        self.space_after_key();
        self.out.push('"');
        for piece in text.split_inclusive(['"', '\\']) {
            match piece.strip_suffix(['"', '\\']) {
                Some(head) => {
                    self.out.push_str(head);
                    self.out.push('\\');
                    self.out.push_str(&piece[head.len()..]);
                }
                None => self.out.push_str(piece),
            }
        }
        self.out.push_str("\"\n");
    }

    /// `|`, with the chomping indicator that keeps the trailing line breaks exact and an
    /// indentation indicator when the first line starts with spaces, then the lines two columns
    /// past the key or dash (empty lines without indentation).
    fn literal_block(&mut self, text: &str) {
        let content = text.trim_end_matches('\n');
        let trailing = text.len() - content.len();
        let body_column = match self.slot {
            Slot::Root => 2,
            slot => slot.inner_column(),
        };
        self.space_after_key();
        self.out.push('|');
        let first_line = content.split('\n').find(|line| !line.is_empty()).unwrap_or("");
        if first_line.starts_with(' ') {
            self.out.push('2');
        }
        match trailing {
            0 => self.out.push('-'),
            1 if !content.is_empty() => {}
            _ => self.out.push('+'),
        }
        self.out.push('\n');
        if content.is_empty() {
            for _ in 0..trailing {
                self.out.push('\n');
            }
            return;
        }
        for line in content.split('\n') {
            if !line.is_empty() {
                self.indent(body_column);
                self.out.push_str(line);
            }
            self.out.push('\n');
        }
        for _ in 1..trailing {
            self.out.push('\n');
        }
    }

    fn collection(&mut self, kind: Kind) -> Collection<'_> {
        let slot = self.slot;
        Collection {
            column: slot.inner_column(),
            slot,
            kind,
            entries: 0,
            writer: self,
        }
    }
}

enum Style {
    Plain,
    DoubleQuoted,
    Literal,
}

/// The style of a string value where the writer knows serde-saphyr's choice itself.
fn own_style(text: &str) -> Option<Style> {
    if text.contains('\n') {
        fits_literal_block(text).then_some(Style::Literal)
    } else if plain_value(text) {
        Some(Style::Plain)
    } else if text.is_empty() || quoted_for_printable(text) {
        Some(Style::DoubleQuoted)
    } else {
        None
    }
}

/// Whether the writer styles `text` itself, without asking serde-saphyr.
#[cfg(test)]
pub(super) fn answers_itself(text: &str) -> bool {
    own_style(text).is_some()
}

/// How serde-saphyr writes `value` as a scalar in a block mapping's value position: its spelling
/// as a whole document, whose only line it is.
fn saphyr_scalar<T: Serialize>(value: &T) -> Result<String> {
    let document = super::saphyr(value).map_err(|_| Unsupported)?;
    match document.strip_suffix('\n') {
        Some(line) if !line.contains('\n') => Ok(line.to_owned()),
        _ => Err(Unsupported),
    }
}

/// How serde-saphyr writes `key` as a mapping key.
fn saphyr_key(key: &str) -> Result<String> {
    let document = super::saphyr(&std::collections::BTreeMap::from([(key, 0)])).map_err(|_| Unsupported)?;
    match document.strip_suffix(": 0\n") {
        Some(line) if !line.contains('\n') => Ok(line.to_owned()),
        _ => Err(Unsupported),
    }
}

/// Whether a multi-line string can be a literal block: every character printable in YAML or a
/// tab or line break, and none that editors mishandle (NEL, the line and paragraph separators,
/// the byte order mark). A carriage return would come back as a line feed.
fn fits_literal_block(text: &str) -> bool {
    if text.bytes().all(|b| matches!(b, b'\n' | b'\t' | 0x20..=0x7e)) {
        return true;
    }
    text.chars().all(|c| {
        matches!(c, '\n' | '\t')
            || matches!(c as u32, 0x20..=0x7e | 0xa0..=0xd7ff | 0xe000..=0xfffd | 0x1_0000..)
                && !matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}')
    })
}

/// Whether a string is certainly written plain in value position: printable ASCII without `: `
/// or ` #`, not ending in `:` or a space, that no YAML 1.1 reader takes for anything but a
/// string. It starts with a letter, `/` or `(` and is not one of [`WORDS`], or it starts with a
/// digit or `_` and has a character no number or date has (`30s`, `128Mi`, `__name__`). False
/// means "ask serde-saphyr", not "quoted".
fn plain_value(text: &str) -> bool {
    let bytes = text.as_bytes();
    let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) else {
        return false;
    };
    let starts_well = match first {
        b'a'..=b'z' | b'A'..=b'Z' => !is_word(text),
        b'/' | b'(' => true,
        b'0'..=b'9' | b'_' => bytes.iter().any(|&b| !in_numbers_or_dates(b)),
        _ => false,
    };
    if !starts_well || last == b' ' || last == b':' {
        return false;
    }
    // One look-up a byte: only `:`, `#` and what is not printable ASCII need a closer look.
    let mut rest = bytes;
    while let Some(at) = rest.iter().position(|&b| NEEDS_A_LOOK[usize::from(b)]) {
        let ok = match rest[at] {
            b':' => rest.get(at + 1) != Some(&b' '),
            // At 0 the byte before is the `:` or `#` just looked at (the text starts otherwise).
            b'#' => at == 0 || rest[at - 1] != b' ',
            _ => false,
        };
        if !ok {
            return false;
        }
        rest = &rest[at + 1..];
    }
    true
}

/// The bytes [`plain_value`] looks at twice.
const NEEDS_A_LOOK: [bool; 256] = {
    let mut table = [true; 256];
    let mut b = 0x20;
    while b <= 0x7e {
        table[b] = b == b':' as usize || b == b'#' as usize;
        b += 1;
    }
    table
};

/// Whether a string is certainly written in double quotes, and needs no escapes but `"` and `\\`:
/// printable ASCII of two characters or more that starts with a character that cannot start a
/// plain scalar (one such character alone is quoted otherwise).
fn quoted_for_printable(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() >= 2
        && matches!(
            bytes[0],
            b'{' | b'}'
                | b'['
                | b']'
                | b','
                | b'#'
                | b'&'
                | b'*'
                | b'!'
                | b'|'
                | b'>'
                | b'\''
                | b'"'
                | b'%'
                | b'@'
                | b'`'
        )
        && bytes.iter().all(|b| (0x20..=0x7e).contains(b))
}

/// The words a YAML 1.1 reader takes for a boolean, null or special float, in any case.
const WORDS: [&str; 11] = [
    "true", "false", "yes", "no", "y", "n", "on", "off", "null", "nan", "inf",
];

fn is_word(text: &str) -> bool {
    text.len() <= 5 && WORDS.iter().any(|word| word.eq_ignore_ascii_case(text))
}

/// Whether `b` can occur in a YAML 1.1 number (decimal, binary, octal, hexadecimal, base 60,
/// with `_` separators and exponents) or date and time.
fn in_numbers_or_dates(b: u8) -> bool {
    b.is_ascii_hexdigit()
        || matches!(
            b,
            b'_' | b'.'
                | b'+'
                | b'-'
                | b':'
                | b','
                | b' '
                | b'\t'
                | b'b'
                | b'B'
                | b'o'
                | b'O'
                | b'x'
                | b'X'
                | b't'
                | b'T'
                | b'z'
                | b'Z'
        )
}

/// Whether a key is certainly written plain: a letter, then letters, digits and `._/-` only, and
/// not one of [`WORDS`].
fn plain_key(key: &str) -> bool {
    let bytes = key.as_bytes();
    bytes.first().is_some_and(u8::is_ascii_alphabetic)
        && bytes
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'/' | b'-'))
        && !is_word(key)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Map,
    Seq,
}

/// An open mapping or sequence. Nothing is written until its first entry, so that an empty one
/// can still be `{}` or `[]` on its key's line.
pub(super) struct Collection<'a> {
    writer: &'a mut Writer,
    slot: Slot,
    kind: Kind,
    column: usize,
    entries: usize,
}

impl Collection<'_> {
    /// Starts an entry: a new line at the collection's column, except the first entry of a
    /// collection that is a list item (on the dash's line) or the document.
    fn start_entry(&mut self) {
        match (self.entries, self.slot) {
            (0, Slot::Root | Slot::Item { .. }) => {}
            (0, Slot::Value { .. }) => {
                self.writer.out.push('\n');
                self.writer.indent(self.column);
            }
            _ => self.writer.indent(self.column),
        }
        self.entries += 1;
    }

    fn key(&mut self, key: &str) -> Result {
        self.start_entry();
        if plain_key(key) {
            self.writer.out.push_str(key);
        } else {
            let styled = saphyr_key(key)?;
            self.writer.out.push_str(&styled);
        }
        self.writer.out.push(':');
        Ok(())
    }

    fn value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        self.writer.slot = Slot::Value { column: self.column };
        value.serialize(&mut *self.writer)
    }

    fn item<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        self.start_entry();
        self.writer.out.push_str("- ");
        self.writer.slot = Slot::Item { column: self.column };
        value.serialize(&mut *self.writer)
    }

    fn finish(self) -> Result {
        if self.entries == 0 {
            self.writer.slot = self.slot;
            self.writer.scalar(if self.kind == Kind::Map { "{}" } else { "[]" });
        }
        Ok(())
    }
}

impl<'a> ser::Serializer for &'a mut Writer {
    type Ok = ();
    type Error = Unsupported;
    type SerializeSeq = Collection<'a>;
    type SerializeTuple = Impossible<(), Unsupported>;
    type SerializeTupleStruct = Impossible<(), Unsupported>;
    type SerializeTupleVariant = Impossible<(), Unsupported>;
    type SerializeMap = Collection<'a>;
    type SerializeStruct = Collection<'a>;
    type SerializeStructVariant = Impossible<(), Unsupported>;

    fn serialize_bool(self, v: bool) -> Result {
        self.scalar(if v { "true" } else { "false" });
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result {
        self.serialize_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> Result {
        self.serialize_i64(v.into())
    }
    fn serialize_i32(self, v: i32) -> Result {
        self.serialize_i64(v.into())
    }
    fn serialize_i64(self, v: i64) -> Result {
        self.scalar(&v.to_string());
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> Result {
        self.serialize_u64(v.into())
    }
    fn serialize_u16(self, v: u16) -> Result {
        self.serialize_u64(v.into())
    }
    fn serialize_u32(self, v: u32) -> Result {
        self.serialize_u64(v.into())
    }
    fn serialize_u64(self, v: u64) -> Result {
        self.scalar(&v.to_string());
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> Result {
        let styled = saphyr_scalar(&v)?;
        self.scalar(&styled);
        Ok(())
    }
    fn serialize_f64(self, v: f64) -> Result {
        let styled = saphyr_scalar(&v)?;
        self.scalar(&styled);
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result {
        self.string(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Result {
        self.string(v)
    }
    fn serialize_bytes(self, _: &[u8]) -> Result {
        Err(Unsupported)
    }
    fn serialize_none(self) -> Result {
        self.scalar("null");
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result {
        self.scalar("null");
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result {
        self.serialize_unit()
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result {
        self.string(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, name: &'static str, value: &T) -> Result {
        // serde-saphyr's wrapper types (flow style, anchors, comments, ...) carry their meaning in
        // the name.
        if name.starts_with("__yaml") {
            return Err(Unsupported);
        }
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result {
        Err(Unsupported)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq> {
        Ok(self.collection(Kind::Seq))
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple> {
        Err(Unsupported)
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeTupleStruct> {
        Err(Unsupported)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant> {
        Err(Unsupported)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap> {
        Ok(self.collection(Kind::Map))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct> {
        Ok(self.collection(Kind::Map))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant> {
        Err(Unsupported)
    }
}

impl ser::SerializeSeq for Collection<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        self.item(value)
    }
    fn end(self) -> Result {
        self.finish()
    }
}

impl ser::SerializeMap for Collection<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result {
        // Every key promsite writes is a string; any other key is left to serde-saphyr.
        match serde_json::to_value(key) {
            Ok(serde_json::Value::String(key)) => self.key(&key),
            _ => Err(Unsupported),
        }
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        self.value(value)
    }
    fn end(self) -> Result {
        self.finish()
    }
}

impl ser::SerializeStruct for Collection<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result {
        self.key(key)?;
        self.value(value)
    }
    fn end(self) -> Result {
        self.finish()
    }
}
