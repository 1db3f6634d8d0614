//! The site schema as the fast tier reads it: JSON whose strings borrow from the schema's text.
//! serde_json's `Value` spends an allocation on every key and string and a `BTreeMap` on every
//! object: reading the 31 KB schema that way took 2 M instructions, on the critical path of every
//! check (the schema is needed before the document can be validated).

use std::borrow::Cow;

use serde_json::{Number, Value};

/// A JSON value read by [`Json::parse`].
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Json<'a> {
    Null,
    Bool(bool),
    Number(Number),
    String(Cow<'a, str>),
    Array(Vec<Json<'a>>),
    /// Members sorted by key, each key once (the last, as serde_json keeps it).
    Object(Vec<(Cow<'a, str>, Json<'a>)>),
}

/// Deeper than this is refused; the site schema is nine levels deep.
const MAX_DEPTH: usize = 128;

impl<'a> Json<'a> {
    /// The JSON value `text` holds, or `None` if it is not exactly one (RFC 8259, as serde_json
    /// reads it: no trailing commas, no comments, no lone surrogates).
    pub(crate) fn parse(text: &'a str) -> Option<Json<'a>> {
        let mut reader = Reader {
            text,
            at: 0,
            members: Vec::new(),
            items: Vec::new(),
        };
        let value = reader.value(0)?;
        reader.skip_space();
        (reader.at == text.len()).then_some(value)
    }

    /// The member `key` of an object.
    pub(crate) fn get(&self, key: &str) -> Option<&Json<'a>> {
        member(self.as_object()?, key)
    }

    pub(crate) fn as_object(&self) -> Option<&[(Cow<'a, str>, Json<'a>)]> {
        match self {
            Json::Object(members) => Some(members),
            _ => None,
        }
    }

    pub(crate) fn as_array(&self) -> Option<&[Json<'a>]> {
        match self {
            Json::Array(items) => Some(items),
            _ => None,
        }
    }

    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(text) => Some(text),
            _ => None,
        }
    }

    pub(crate) fn as_number(&self) -> Option<&Number> {
        match self {
            Json::Number(number) => Some(number),
            _ => None,
        }
    }

    pub(crate) fn as_u64(&self) -> Option<u64> {
        self.as_number()?.as_u64()
    }

    /// Whether `value` is this value, as serde_json compares two `Value`s.
    pub(crate) fn same(&self, value: &Value) -> bool {
        match (self, value) {
            (Json::Null, Value::Null) => true,
            (Json::Bool(a), Value::Bool(b)) => a == b,
            (Json::Number(a), Value::Number(b)) => a == b,
            (Json::String(a), Value::String(b)) => a == b,
            (Json::Array(a), Value::Array(b)) => a.len() == b.len() && a.iter().zip(b).all(|(a, b)| a.same(b)),
            (Json::Object(a), Value::Object(b)) => {
                a.len() == b.len() && a.iter().all(|(key, a)| b.get(key.as_ref()).is_some_and(|b| a.same(b)))
            }
            _ => false,
        }
    }
}

/// The member `key` of an object's sorted members.
pub(crate) fn member<'m, 'a>(members: &'m [(Cow<'a, str>, Json<'a>)], key: &str) -> Option<&'m Json<'a>> {
    members
        .binary_search_by(|(name, _)| name.as_ref().cmp(key))
        .ok()
        .map(|i| &members[i].1)
}

struct Reader<'a> {
    text: &'a str,
    at: usize,
    /// The members and items of the objects and arrays being read, innermost last: each is
    /// moved out in one allocation of its exact size when its container closes.
    members: Vec<(Cow<'a, str>, Json<'a>)>,
    items: Vec<Json<'a>>,
}

impl<'a> Reader<'a> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn skip_space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    /// Consumes `byte` (after white space) if it is next.
    fn eat(&mut self, byte: u8) -> bool {
        self.skip_space();
        let next = self.peek() == Some(byte);
        self.at += usize::from(next);
        next
    }

    fn word(&mut self, word: &str, value: Json<'a>) -> Option<Json<'a>> {
        self.text[self.at..].starts_with(word).then(|| {
            self.at += word.len();
            value
        })
    }

    fn value(&mut self, depth: usize) -> Option<Json<'a>> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.skip_space();
        match self.peek()? {
            b'{' => self.object(depth),
            b'[' => self.array(depth),
            b'"' => self.string().map(Json::String),
            b't' => self.word("true", Json::Bool(true)),
            b'f' => self.word("false", Json::Bool(false)),
            b'n' => self.word("null", Json::Null),
            _ => self.number(),
        }
    }

    fn object(&mut self, depth: usize) -> Option<Json<'a>> {
        self.at += 1;
        let first = self.members.len();
        if !self.eat(b'}') {
            loop {
                self.skip_space();
                if self.peek() != Some(b'"') {
                    return None;
                }
                let key = self.string()?;
                if !self.eat(b':') {
                    return None;
                }
                let value = self.value(depth + 1)?;
                self.members.push((key, value));
                if self.eat(b'}') {
                    break;
                }
                if !self.eat(b',') {
                    return None;
                }
            }
        }
        let mut members: Vec<_> = self.members.drain(first..).collect();
        // Stable: of equal keys, the last one read stays last, and is the one kept.
        members.sort_by(|(a, _), (b, _)| a.cmp(b));
        if members.windows(2).any(|pair| pair[0].0 == pair[1].0) {
            members.reverse();
            members.dedup_by(|later, earlier| later.0 == earlier.0);
            members.reverse();
        }
        Some(Json::Object(members))
    }

    fn array(&mut self, depth: usize) -> Option<Json<'a>> {
        self.at += 1;
        let first = self.items.len();
        if !self.eat(b']') {
            loop {
                let item = self.value(depth + 1)?;
                self.items.push(item);
                if self.eat(b']') {
                    break;
                }
                if !self.eat(b',') {
                    return None;
                }
            }
        }
        Some(Json::Array(self.items.drain(first..).collect()))
    }

    /// A string at the opening quote: borrowed unless it has escapes.
    fn string(&mut self) -> Option<Cow<'a, str>> {
        let start = self.at + 1;
        let bytes = self.text.as_bytes();
        // Keys and values are short: a loop beats a search call.
        let mut end = start;
        while let Some(&byte) = bytes.get(end) {
            match byte {
                b'"' => {
                    self.at = end + 1;
                    return Some(Cow::Borrowed(&self.text[start..end]));
                }
                b'\\' => break,
                0..0x20 => return None,
                _ => end += 1,
            }
        }
        self.at = start;
        let mut out = String::new();
        loop {
            let rest = &self.text[self.at..];
            let stop = rest.find(['"', '\\'])?;
            if rest[..stop].bytes().any(|b| b < 0x20) {
                return None;
            }
            out.push_str(&rest[..stop]);
            self.at += stop + 1;
            if rest.as_bytes()[stop] == b'"' {
                return Some(Cow::Owned(out));
            }
            let escape = self.peek()?;
            self.at += 1;
            out.push(match escape {
                b'"' => '"',
                b'\\' => '\\',
                b'/' => '/',
                b'b' => '\u{8}',
                b'f' => '\u{c}',
                b'n' => '\n',
                b'r' => '\r',
                b't' => '\t',
                b'u' => self.unicode_escape()?,
                _ => return None,
            });
        }
    }

    /// The character of `\uXXXX` (after the `u`), with the low half of a surrogate pair.
    fn unicode_escape(&mut self) -> Option<char> {
        let high = self.hex4()?;
        if !(0xD800..0xE000).contains(&high) {
            return char::from_u32(high);
        }
        if high >= 0xDC00 || !self.text[self.at..].starts_with("\\u") {
            return None;
        }
        self.at += 2;
        let low = self.hex4()?;
        if !(0xDC00..0xE000).contains(&low) {
            return None;
        }
        char::from_u32(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
    }

    fn hex4(&mut self) -> Option<u32> {
        let digits = self.text.get(self.at..self.at + 4)?;
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        self.at += 4;
        u32::from_str_radix(digits, 16).ok()
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, its value as serde_json reads it.
    fn number(&mut self) -> Option<Json<'a>> {
        let bytes = self.text.as_bytes();
        let start = self.at;
        let digits = |at: &mut usize| {
            let from = *at;
            while bytes.get(*at).is_some_and(u8::is_ascii_digit) {
                *at += 1;
            }
            *at > from
        };
        let mut at = start + usize::from(bytes.get(start) == Some(&b'-'));
        if bytes.get(at) == Some(&b'0') {
            at += 1;
        } else if !digits(&mut at) {
            return None;
        }
        if bytes.get(at) == Some(&b'.') {
            at += 1;
            if !digits(&mut at) {
                return None;
            }
        }
        if matches!(bytes.get(at), Some(b'e' | b'E')) {
            at += 1;
            if matches!(bytes.get(at), Some(b'+' | b'-')) {
                at += 1;
            }
            if !digits(&mut at) {
                return None;
            }
        }
        let text = &self.text[start..at];
        // Most are small counts and bounds: read without serde_json's deserializer.
        let number = match text.parse::<u64>() {
            Ok(small) => Number::from(small),
            Err(_) => text.parse::<Number>().ok()?,
        };
        self.at = at;
        Some(Json::Number(number))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::Json;

    /// The same verdict and, where both read a value, the same value as serde_json.
    fn agrees(text: &str) {
        let ours = Json::parse(text);
        let theirs = serde_json::from_str::<Value>(text);
        match (&ours, &theirs) {
            (Some(ours), Ok(theirs)) => assert!(ours.same(theirs), "{text:?}: {ours:?} is not {theirs}"),
            (None, Err(_)) => {}
            _ => panic!("{text:?}: ours {ours:?}, serde_json {theirs:?}"),
        }
    }

    #[test]
    fn reads_the_schema_as_serde_json_does() {
        agrees(super::super::VALIDATION_SCHEMA);
        let schema = Json::parse(super::super::VALIDATION_SCHEMA).expect("the schema");
        assert!(
            schema
                .get("$defs")
                .is_some_and(|defs| defs.as_object().is_some_and(|d| d.len() > 20))
        );
    }

    #[test]
    fn reads_corners_of_the_grammar_as_serde_json_does() {
        let cases = [
            "null",
            "true",
            "false",
            "0",
            "-0",
            "1.5",
            "-1e3",
            "1E+2",
            "1e-2",
            "18446744073709551615",
            "18446744073709551616",
            "-9223372036854775808",
            "-9223372036854775809",
            "1e400",
            "01",
            "1.",
            ".5",
            "-",
            "+1",
            "1e",
            "\"\"",
            "\"a\\\"b\"",
            "\"\\u00e9\\n\\t\\/\"",
            "\"\\ud83d\\ude00\"",
            "\"\\ud83d\"",
            "\"\\ude00\"",
            "\"\\ud83dx\"",
            "\"\\x\"",
            "\"a\nb\"",
            "\"\\u12\"",
            "\"é\"",
            "[]",
            "[1,]",
            "[,1]",
            "[1 , 2 ]",
            " { } ",
            "{\"a\":1,}",
            "{\"a\" 1}",
            "{a:1}",
            "{\"b\":1,\"a\":2,\"b\":3}",
            "{\"a\":{\"b\":[null,{\"c\":\"d\"}]}}",
            "[1] x",
            "",
            " ",
            "tru",
            "nul",
            "[\"a\\\\\"]",
            "{\"\\u0061\":1,\"a\":2}",
        ];
        for case in cases {
            agrees(case);
        }
        agrees(&"[".repeat(200));
        let deep = format!("{}{}", "[".repeat(100), "]".repeat(100));
        agrees(&deep);
    }

    /// `same` is serde_json's equality, on every pair of a list of values that differ a little.
    #[test]
    fn same_is_serde_jsons_equality() {
        let texts = [
            "null",
            "false",
            "true",
            "0",
            "1",
            "1.0",
            "-1",
            "\"\"",
            "\"a\"",
            "\"A\"",
            "[]",
            "[1]",
            "[1,2]",
            "[2,1]",
            "[[1]]",
            "{}",
            "{\"a\":1}",
            "{\"a\":2}",
            "{\"b\":1}",
            "{\"a\":1,\"b\":1}",
            "{\"a\":[1]}",
            "{\"a\":{\"b\":null}}",
            "{\"a\":{\"b\":false}}",
        ];
        for ours in texts {
            for theirs in texts {
                let (a, b) = (
                    Json::parse(ours).expect("JSON"),
                    serde_json::from_str::<Value>(theirs).expect("JSON"),
                );
                let expected = serde_json::from_str::<Value>(ours).expect("JSON") == b;
                assert_eq!(a.same(&b), expected, "{ours} and {theirs}");
            }
        }
    }

    /// Every site file's JSON view, written out compact and pretty, and every one-character
    /// change of the compact text: the same verdict and value as serde_json.
    #[test]
    fn reads_site_documents_and_their_mutations_as_serde_json_does() {
        const PIECES: [&str; 12] = ["\"", "\\", ",", ":", "{", "}", "[", "]", "-", "e", "\\u00", " "];
        let mut checked = 0;
        let sites = crate::test_texts::files(&["sites", "tests/fixtures"], |path| {
            path.extension().is_some_and(|e| e == "toml")
        });
        for (path, text) in &sites {
            let source = crate::diag::SiteSource::new(path.as_str(), text.as_str());
            let Some(document) = crate::site::parse_document(&source).ok().map(|d| d.into_parsed().json) else {
                continue;
            };
            let compact = document.to_string();
            agrees(&compact);
            agrees(&serde_json::to_string_pretty(&document).expect("serializes"));
            crate::test_texts::each_mutation(&compact, 151, &PIECES, |mutated| {
                agrees(mutated);
                checked += 1;
            });
        }
        assert!(checked > 1000, "only {checked} mutations");
    }
}
