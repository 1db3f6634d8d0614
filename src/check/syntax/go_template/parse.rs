//! promsite's parser of Go's text/template grammar, as Prometheus and Alertmanager parse alert
//! templates: actions, pipelines, variables and their scopes, `if`/`with`/`range`/`else`/`end`,
//! `define`/`template`/`block`, comments, trim markers, field chains and the functions the
//! caller provides. It only decides whether a template parses; nothing is built.
//!
//! Its verdicts were first those of the gtmpl crate that checked templates before; where gtmpl
//! refused what Go accepts, they are now Go's, as `promtool check rules` 3.5 gives them: line
//! breaks inside actions are white space (Go 1.16), `$x = …` assigns (Go 1.11), `break` and
//! `continue` inside `range` (Go 1.18), `else with` after `with` (Go 1.23), and the functions
//! `html`, `js` and `slice`. Still stricter than Go, as gtmpl was: hexadecimal numbers out of
//! range. It runs after [`super::actions`], which has refused unclosed actions, non-ASCII
//! characters outside strings inside actions, escapes other than `\b \f \n \r \t \' \" \\`, and
//! nesting deeper than [`super::MAX_TEMPLATE_NESTING`].

use std::collections::BTreeMap;

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Text between actions, left after trim markers; never empty.
    Text,
    Left,
    Right,
    Space,
    /// `$` or `$name`.
    Variable,
    /// `.name`.
    Field,
    Dot,
    Identifier,
    Bool,
    Nil,
    Number,
    /// `'x'`, a number to Go.
    CharConstant,
    String,
    RawString,
    Pipe,
    LeftParen,
    RightParen,
    Declare,
    /// Any other ASCII character inside an action: `,`, `=`, `!`, …
    Char(u8),
    Keyword(Keyword),
    Eof,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Keyword {
    Block,
    Break,
    Continue,
    Define,
    Else,
    End,
    If,
    Range,
    Template,
    With,
}

#[derive(Debug, Clone, Copy)]
struct Token {
    kind: Kind,
    start: usize,
    end: usize,
}

/// Parses `text` as a template in which `variables` (with their `$`) are declared at the top
/// level and the functions in `functions` are known.
pub(super) fn parse<'t>(text: &'t str, functions: &'t [&'t [&'t str]], variables: &[&'t str]) -> Result<(), String> {
    thread_local! {
        /// The token buffer, kept from one template to the next: thousands are checked per site.
        static TOKENS: std::cell::Cell<Vec<Token>> = const { std::cell::Cell::new(Vec::new()) };
    }
    let mut tokens = TOKENS.take();
    tokens.clear();
    let lexed = lex(text, &mut tokens);
    let mut parser = Parser {
        text,
        tokens,
        at: 0,
        scopes: vec![variables.to_vec()],
        defined: BTreeMap::new(),
        functions,
        ranges: 0,
    };
    let parsed = lexed.and_then(|()| parser.top());
    TOKENS.set(parser.tokens);
    parsed
}

/// Go's white space between and inside actions (`unicode.IsSpace` on ASCII).
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0b' | b'\x0c')
}

/// The white space Go's lexer takes inside an action and in trim markers.
fn is_action_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// Whether a right delimiter with a trim marker (white space, `-}}`) starts at `at`.
fn right_trim_at(bytes: &[u8], at: usize) -> bool {
    bytes.get(at).copied().is_some_and(is_action_space) && bytes.get(at + 1..at + 4) == Some(b"-}}")
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Appends the tokens of `text` to `tokens`.
fn lex(text: &str, tokens: &mut Vec<Token>) -> Result<(), String> {
    let bytes = text.as_bytes();
    let mut push = |kind, start, end| tokens.push(Token { kind, start, end });
    let mut at = 0;
    loop {
        let Some(open) = crate::find::find(bytes, at, b"{{") else {
            if at < bytes.len() {
                push(Kind::Text, at, bytes.len());
            }
            push(Kind::Eof, bytes.len(), bytes.len());
            return Ok(());
        };
        let trim = bytes.get(open + 2) == Some(&b'-') && bytes.get(open + 3).copied().is_some_and(is_action_space);
        let mut text_end = open;
        if trim {
            while text_end > at && is_space(bytes[text_end - 1]) {
                text_end -= 1;
            }
        }
        if text_end > at {
            push(Kind::Text, at, text_end);
        }
        let body = open + 2 + if trim { 2 } else { 0 };
        let right_trim = if bytes.get(body..body + 2) == Some(b"/*") {
            let close = crate::find::find(bytes, body + 2, b"*/").ok_or("unclosed comment")? + 2;
            if bytes.get(close..close + 2) == Some(b"}}") {
                at = close + 2;
                false
            } else if right_trim_at(bytes, close) {
                at = close + 4;
                true
            } else {
                return Err("comment ends before closing delimiter".to_owned());
            }
        } else {
            push(Kind::Left, open, open + 2);
            at = body;
            inside_action(bytes, &mut at, &mut push)?
        };
        if right_trim {
            while bytes.get(at).copied().is_some_and(is_space) {
                at += 1;
            }
        }
    }
}

/// Where a name, variable or field may end: before one of these, or the right delimiter.
fn at_terminator(bytes: &[u8], at: usize) -> bool {
    matches!(
        bytes.get(at),
        Some(b'.' | b',' | b'|' | b':' | b')' | b'(' | b' ' | b'\t' | b'\r' | b'\n' | b'}')
    )
}

/// Lexes one action from `at`, just after its left delimiter, to its right delimiter included;
/// returns whether that delimiter trims the text after it.
fn inside_action(bytes: &[u8], at: &mut usize, push: &mut impl FnMut(Kind, usize, usize)) -> Result<bool, String> {
    let mut parentheses = 0_usize;
    loop {
        let start = *at;
        let trim = right_trim_at(bytes, start);
        if trim || bytes.get(start..start + 2) == Some(b"}}") {
            if parentheses > 0 {
                return Err("unclosed left paren".to_owned());
            }
            let delimiter = if trim { start + 1 } else { start };
            *at = delimiter + 2 + usize::from(trim);
            push(Kind::Right, delimiter, *at);
            return Ok(trim);
        }
        let Some(&c) = bytes.get(start) else {
            return Err("unclosed action".to_owned());
        };
        *at += 1;
        let kind = match c {
            b'"' => {
                quoted(bytes, at, b'"').map_err(|()| "unterminated quoted string".to_owned())?;
                Kind::String
            }
            b'\'' => {
                quoted(bytes, at, b'\'').map_err(|()| "unterminated character constant".to_owned())?;
                Kind::CharConstant
            }
            b'`' => {
                *at = crate::find::find(bytes, start + 1, b"`").ok_or("unterminated raw quoted string")? + 1;
                Kind::RawString
            }
            b'$' | b'.' if c == b'$' || !bytes.get(*at).is_some_and(u8::is_ascii_digit) => {
                if at_terminator(bytes, *at) {
                    if c == b'$' { Kind::Variable } else { Kind::Dot }
                } else {
                    word(bytes, at)?;
                    if c == b'$' { Kind::Variable } else { Kind::Field }
                }
            }
            b'(' => {
                parentheses += 1;
                Kind::LeftParen
            }
            b')' => {
                if parentheses == 0 {
                    return Err("unexpected right paren".to_owned());
                }
                parentheses -= 1;
                Kind::RightParen
            }
            b':' if bytes.get(*at) == Some(&b'=') => {
                *at += 1;
                Kind::Declare
            }
            b':' => return Err("expected :=".to_owned()),
            b'|' => Kind::Pipe,
            b'+' | b'-' | b'.' | b'0'..=b'9' => {
                *at = start;
                number(bytes, at)?;
                Kind::Number
            }
            // A run of white space takes newlines in, and the space of a ` -}}` after another.
            c if is_space(c) => {
                while bytes.get(*at).copied().is_some_and(is_space) {
                    *at += 1;
                }
                Kind::Space
            }
            c if is_word(c) => {
                *at = start;
                word(bytes, at)?;
                match &bytes[start..*at] {
                    b"true" | b"false" => Kind::Bool,
                    b"nil" => Kind::Nil,
                    b"block" => Kind::Keyword(Keyword::Block),
                    b"break" => Kind::Keyword(Keyword::Break),
                    b"continue" => Kind::Keyword(Keyword::Continue),
                    b"define" => Kind::Keyword(Keyword::Define),
                    b"else" => Kind::Keyword(Keyword::Else),
                    b"end" => Kind::Keyword(Keyword::End),
                    b"if" => Kind::Keyword(Keyword::If),
                    b"range" => Kind::Keyword(Keyword::Range),
                    b"template" => Kind::Keyword(Keyword::Template),
                    b"with" => Kind::Keyword(Keyword::With),
                    _ => Kind::Identifier,
                }
            }
            c if c.is_ascii() => Kind::Char(c),
            _ => return Err("unrecognized character in action".to_owned()),
        };
        push(kind, start, *at);
    }
}

/// Steps over letters, digits and `_` from `at`, which must then stand before a terminator.
fn word(bytes: &[u8], at: &mut usize) -> Result<(), String> {
    while bytes.get(*at).copied().is_some_and(is_word) {
        *at += 1;
    }
    if at_terminator(bytes, *at) {
        Ok(())
    } else {
        let bad = bytes.get(*at).map_or('?', |&b| char::from(b));
        Err(format!("bad character {bad:?}"))
    }
}

/// Steps over a quoted string or character constant whose opening quote is before `at`. A
/// backslash escapes the next character unless that is a backslash too: `"a\\"` does not end at
/// its last quote (as gtmpl read it).
fn quoted(bytes: &[u8], at: &mut usize, quote: u8) -> Result<(), ()> {
    let mut escaped = false;
    loop {
        let c = bytes.get(*at).copied();
        *at += 1;
        match c {
            Some(b'\\') => {
                escaped = true;
                continue;
            }
            None | Some(b'\n') => return Err(()),
            Some(c) if c == quote && !escaped => return Ok(()),
            Some(_) => {}
        }
        escaped = false;
    }
}

/// Steps over a number from `at`: sign, `0x` and hex digits, or digits, fraction and exponent.
fn number(bytes: &[u8], at: &mut usize) -> Result<(), String> {
    let start = *at;
    let is = |at: usize, set: &[u8]| bytes.get(at).is_some_and(|b| set.contains(b));
    if is(*at, b"+-") {
        *at += 1;
    }
    let run = |at: &mut usize, digits: fn(&u8) -> bool| {
        while bytes.get(*at).is_some_and(digits) {
            *at += 1;
        }
    };
    if is(*at, b"0") && is(*at + 1, b"xX") {
        *at += 2;
        run(at, u8::is_ascii_hexdigit);
    } else {
        run(at, u8::is_ascii_digit);
        if is(*at, b".") {
            *at += 1;
            run(at, u8::is_ascii_digit);
        }
        if is(*at, b"eE") {
            *at += 1;
            if is(*at, b"+-") {
                *at += 1;
            }
            run(at, u8::is_ascii_digit);
        }
    }
    if bytes.get(*at).is_none_or(u8::is_ascii_alphanumeric) {
        let end = (*at + 1).min(bytes.len());
        return Err(format!(
            "bad number syntax: {:?}",
            String::from_utf8_lossy(&bytes[start..end])
        ));
    }
    Ok(())
}

/// Whether a number token is one gtmpl could represent: everything but an integer written
/// without `.` or exponent that fits neither `i64` nor `u64` nor converts back from `f64`
/// exactly. (Texts that are no number at all, like `-` or `0x1F`, passed.)
fn representable(text: &str) -> bool {
    if text.parse::<i64>().is_ok() || text.parse::<u64>().is_ok() {
        return true;
    }
    let Ok(float) = text.parse::<f64>() else {
        return true;
    };
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss,
        clippy::float_cmp
    )]
    let round_trips = (float as i64) as f64 == float || (float as u64) as f64 == float;
    text.contains(['.', 'e', 'E']) || round_trips
}

/// The value of a quoted or raw string token (quotes included), escapes resolved in raw strings
/// too, as gtmpl did; `None` where an escape cannot be read.
fn unquote(token: &str) -> Option<String> {
    let inner = token.get(1..token.len().checked_sub(1)?)?;
    if token.len() < 2 || !token.ends_with(&token[..1]) {
        return None;
    }
    let mut value = String::new();
    let mut rest = inner;
    while !rest.is_empty() {
        let (piece, used) = unescape(rest)?;
        value.push_str(&piece);
        rest = &rest[used..];
    }
    Some(value)
}

/// Whether [`unquote`] reads a string token; without a backslash it always does, and that is
/// nearly every string in an alert template, so the value is built only for the others.
fn readable(token: &str) -> bool {
    let bytes = token.as_bytes();
    if bytes.len() >= 2 && bytes[0] == bytes[bytes.len() - 1] && !bytes.contains(&b'\\') {
        return true;
    }
    unquote(token).is_some()
}

/// A character constant's token (quotes included) holds exactly one character or escape.
fn char_constant(token: &str) -> bool {
    let Some(inner) = token.strip_prefix('\'').and_then(|t| t.strip_suffix('\'')) else {
        return false;
    };
    matches!(unescape(inner), Some((piece, used)) if used == inner.len() && !piece.is_empty())
}

/// The first character or escape of `text` and how many bytes it takes. `\x` and `\u` take a
/// run of groups of 4 and 6 bytes whose last 2 and 4 are hex (with an optional `+`, as Rust's
/// `from_str_radix` reads them) and that must form UTF-8 and UTF-16; `\U` must end the text. A
/// run of no groups is refused: gtmpl never returned from one.
fn unescape(text: &str) -> Option<(String, usize)> {
    let Some(escape) = text.strip_prefix('\\') else {
        let c = text.chars().next()?;
        return Some((c.to_string(), c.len_utf8()));
    };
    let simple = |c: char| Some((c.to_string(), 2));
    let groups = |size: usize| {
        let mut digits = Vec::new();
        let mut used = 0;
        while text.len() - used >= size {
            digits.push(text.get(used + 2..used + size)?);
            used += size;
        }
        (used > 0).then_some((digits, used))
    };
    match escape.as_bytes().first()? {
        b'x' => {
            let (digits, used) = groups(4)?;
            let bytes = digits
                .into_iter()
                .map(|d| u8::from_str_radix(d, 16).ok())
                .collect::<Option<Vec<_>>>()?;
            Some((String::from_utf8(bytes).ok()?, used))
        }
        b'u' => {
            let (digits, used) = groups(6)?;
            let units = digits
                .into_iter()
                .map(|d| u16::from_str_radix(d, 16).ok())
                .collect::<Option<Vec<_>>>()?;
            Some((String::from_utf16(&units).ok()?, used))
        }
        b'U' if text.len() == 10 => {
            let c = char::from_u32(u32::from_str_radix(text.get(2..10)?, 16).ok()?)?;
            Some((c.to_string(), 10))
        }
        b'b' => simple('\u{8}'),
        b'f' => simple('\u{c}'),
        b'n' => simple('\n'),
        b'r' => simple('\r'),
        b't' => simple('\t'),
        b'\'' => simple('\''),
        b'"' => simple('"'),
        b'\\' => simple('\\'),
        _ => None,
    }
}

/// What a parsed node is, as far as the grammar cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Node {
    /// Text, an action, a control structure or a `template`.
    Content,
    Else,
    End,
}

/// What a term is, as far as pipelines care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Term {
    /// A constant or `.`: never a later stage of a pipeline, never followed by a field.
    Constant,
    Field,
    Variable,
    Function,
    Pipeline,
    Chain,
}

struct Parser<'t> {
    text: &'t str,
    tokens: Vec<Token>,
    at: usize,
    /// The variables of each template being parsed, innermost last; `define` and `block` start
    /// a template that sees none but `$`. Names borrow from the text: templates are checked by
    /// the thousand, and nothing here allocates per token.
    scopes: Vec<Vec<&'t str>>,
    /// Each template defined so far, and whether it has content: only an empty one may be
    /// defined again.
    defined: BTreeMap<String, bool>,
    functions: &'t [&'t [&'t str]],
    /// How many `range` bodies the current template is in: `break` and `continue` need one.
    ranges: usize,
}

type Parsed<T> = Result<T, String>;

impl<'t> Parser<'t> {
    fn kind(&self, token: usize) -> Kind {
        self.tokens[token].kind
    }

    fn value(&self, token: usize) -> &'t str {
        let Token { start, end, .. } = self.tokens[token];
        &self.text[start..end]
    }

    fn describe(&self, token: usize) -> String {
        match self.kind(token) {
            Kind::Eof => "EOF".to_owned(),
            Kind::Keyword(_) => format!("<{}>", self.value(token)),
            _ => self.value(token).to_owned(),
        }
    }

    fn next(&mut self) -> Option<usize> {
        let token = (self.at < self.tokens.len()).then_some(self.at)?;
        self.at += 1;
        Some(token)
    }

    fn next_must(&mut self, context: &str) -> Parsed<usize> {
        self.next().ok_or_else(|| format!("unexpected end in {context}"))
    }

    fn next_non_space(&mut self) -> Option<usize> {
        loop {
            let token = self.next()?;
            if self.kind(token) != Kind::Space {
                return Some(token);
            }
        }
    }

    fn next_non_space_must(&mut self, context: &str) -> Parsed<usize> {
        self.next_non_space()
            .ok_or_else(|| format!("unexpected end in {context}"))
    }

    fn peek_non_space(&mut self, context: &str) -> Parsed<Kind> {
        let at = self.at;
        let token = self.next_non_space_must(context)?;
        self.at = at;
        Ok(self.kind(token))
    }

    fn expect(&mut self, kind: Kind, context: &str) -> Parsed<()> {
        let token = self.next_non_space_must(context)?;
        if self.kind(token) == kind {
            Ok(())
        } else {
            Err(format!("unexpected {} in {context}", self.describe(token)))
        }
    }

    fn scope(&mut self) -> &mut Vec<&'t str> {
        // There is always the top level's.
        let last = self.scopes.len() - 1;
        &mut self.scopes[last]
    }

    /// A template has been parsed in full: `define`, `block`, or the text itself (named "").
    fn add_template(&mut self, name: String, has_content: bool) -> Parsed<()> {
        if self.defined.get(&name) == Some(&true) {
            return Err(format!("template: multiple definition of template {name:?}"));
        }
        self.defined.insert(name, has_content);
        Ok(())
    }

    fn top(&mut self) -> Parsed<()> {
        let mut has_content = false;
        loop {
            let token = self.next_must("input")?;
            match self.kind(token) {
                Kind::Eof => break,
                Kind::Left
                    if self
                        .next_non_space()
                        .is_some_and(|n| self.kind(n) == Kind::Keyword(Keyword::Define)) =>
                {
                    self.definition()?;
                    continue;
                }
                _ => self.at = token,
            }
            match self.text_or_action()? {
                Node::Content => has_content = true,
                Node::Else => return Err("unexpected {{else}}".to_owned()),
                Node::End => return Err("unexpected {{end}}".to_owned()),
            }
        }
        // Only a `define` or `block` of the name "" can clash with the text itself.
        if self.defined.is_empty() {
            return Ok(());
        }
        self.add_template(String::new(), has_content)
    }

    fn definition(&mut self) -> Parsed<()> {
        let context = "define clause";
        let name = self.next_non_space_must(context)?;
        let name = self.template_name(name, context)?;
        self.expect(Kind::Right, "define end")?;
        self.scopes.push(Vec::new());
        let ranges = std::mem::take(&mut self.ranges);
        let (items, end) = self.item_list()?;
        self.ranges = ranges;
        if end != Node::End {
            return Err(format!("unexpected {{{{else}}}} in {context}"));
        }
        self.scopes.pop();
        self.add_template(name, items > 0)
    }

    /// Nodes up to an `{{ end }}` or `{{ else }}`: how many, and which ended them.
    fn item_list(&mut self) -> Parsed<(usize, Node)> {
        let mut items = 0;
        while self.peek_non_space("item list")? != Kind::Eof {
            match self.text_or_action()? {
                Node::Content => items += 1,
                end => return Ok((items, end)),
            }
        }
        Err("unexpected EOF".to_owned())
    }

    fn text_or_action(&mut self) -> Parsed<Node> {
        let token = self.next_non_space_must("input")?;
        match self.kind(token) {
            Kind::Text => Ok(Node::Content),
            Kind::Left => self.action(),
            _ => Err(format!("unexpected {} in input", self.describe(token))),
        }
    }

    fn action(&mut self) -> Parsed<Node> {
        let token = self.next_non_space_must("action")?;
        match self.kind(token) {
            Kind::Keyword(Keyword::Block) => self.block(),
            Kind::Keyword(Keyword::Else) => {
                // `else if` and `else with` leave their keyword for the enclosing `if` or `with`.
                if !matches!(self.peek_non_space("else")?, Kind::Keyword(Keyword::If | Keyword::With)) {
                    self.expect(Kind::Right, "else")?;
                }
                Ok(Node::Else)
            }
            // Go 1.18's loop controls, inside a `range` of the same template only.
            Kind::Keyword(Keyword::Break | Keyword::Continue) => {
                let name = self.value(token);
                let after = self.next_non_space_must(name)?;
                if self.kind(after) != Kind::Right {
                    return Err(format!("unexpected {} in {{{{{name}}}}}", self.describe(after)));
                }
                if self.ranges == 0 {
                    return Err(format!("{{{{{name}}}}} outside {{{{range}}}}"));
                }
                Ok(Node::Content)
            }
            Kind::Keyword(Keyword::End) => {
                self.expect(Kind::Right, "end")?;
                Ok(Node::End)
            }
            Kind::Keyword(Keyword::If) => self.control(Some(Keyword::If), "if"),
            Kind::Keyword(Keyword::Range) => self.control(None, "range"),
            Kind::Keyword(Keyword::With) => self.control(Some(Keyword::With), "with"),
            Kind::Keyword(Keyword::Template) => self.template(),
            _ => {
                self.at = token;
                self.pipeline("command")?;
                Ok(Node::Content)
            }
        }
    }

    /// `if`, `range` or `with` after its keyword, to its `end`; `chain` is the keyword that may
    /// follow its `else` (`else if` after `if`, `else with` after `with`, as Go 1.23). The
    /// variables declared inside go out of scope at the end.
    fn control(&mut self, chain: Option<Keyword>, context: &str) -> Parsed<Node> {
        let declared = self.scope().len();
        self.pipeline(context)?;
        let in_range = usize::from(context == "range");
        self.ranges += in_range;
        let (_, next) = self.item_list()?;
        self.ranges -= in_range;
        if next == Node::Else {
            if let Some(keyword) = chain.filter(|&k| self.peek_non_space("else").ok() == Some(Kind::Keyword(k))) {
                self.next_non_space();
                self.control(Some(keyword), context)?;
            } else if self.item_list()?.1 != Node::End {
                return Err("expected end; found {{else}}".to_owned());
            }
        }
        self.scope().truncate(declared);
        Ok(Node::Content)
    }

    fn template(&mut self) -> Parsed<Node> {
        let context = "template clause";
        let name = self.next_non_space_must(context)?;
        if self.kind(name) == Kind::LeftParen {
            return Err("template names computed by a pipeline are not supported".to_owned());
        }
        self.template_name(name, context)?;
        let next = self.next_non_space_must(context)?;
        if self.kind(next) != Kind::Right {
            self.at = next;
            self.pipeline(context)?;
        }
        Ok(Node::Content)
    }

    fn block(&mut self) -> Parsed<Node> {
        let context = "block clause";
        let name = self.next_non_space_must(context)?;
        let name = self.template_name(name, context)?;
        self.pipeline(context)?;
        self.scopes.push(Vec::new());
        let ranges = std::mem::take(&mut self.ranges);
        let (items, end) = self.item_list()?;
        self.ranges = ranges;
        if end != Node::End {
            return Err(format!("unexpected {{{{else}}}} in {context}"));
        }
        self.scopes.pop();
        self.add_template(name, items > 0)?;
        Ok(Node::Content)
    }

    fn template_name(&self, token: usize, context: &str) -> Parsed<String> {
        match self.kind(token) {
            Kind::String | Kind::RawString => {
                unquote(self.value(token)).ok_or_else(|| format!("cannot read the string {}", self.value(token)))
            }
            _ => Err(format!("unexpected {} in {context}", self.describe(token))),
        }
    }

    /// Declarations (`$x :=`, and `$i, $x :=` in `range`), then commands separated by `|`, up to
    /// the `}}` or `)` that ends the pipeline (a `)` is left for the caller).
    fn pipeline(&mut self, context: &str) -> Parsed<()> {
        let mut declarations = 0;
        let mut token = self.next_non_space_must("pipeline")?;
        if self.kind(token) == Kind::Variable {
            while self.kind(token) == Kind::Variable {
                let after = self.next_must("variable")?;
                let next = if self.kind(after) == Kind::Space {
                    let next = self.next_non_space_must("variable")?;
                    if !matches!(self.kind(next), Kind::Declare | Kind::Char(b'=' | b',')) {
                        self.at = token;
                        break;
                    }
                    next
                } else {
                    after
                };
                match self.kind(next) {
                    // `$x = …` (Go 1.11) assigns; to the parser, as to Go's, it declares `$x` too.
                    Kind::Declare | Kind::Char(b'=' | b',') => {
                        let name = self.value(token);
                        self.scope().push(name);
                        declarations += 1;
                        if self.kind(next) == Kind::Char(b',') {
                            if context == "range" && declarations < 2 {
                                // A token other than a variable after the comma is dropped,
                                // as gtmpl dropped it.
                                token = self.next_non_space_must("variable")?;
                                continue;
                            }
                            return Err(format!("too many declarations in {context}"));
                        }
                    }
                    _ => self.at = token,
                }
                break;
            }
        } else {
            self.at = token;
        }
        // How many commands, and the first stage after the first that starts with a constant.
        let (mut commands, mut constant_stage) = (0, None);
        loop {
            let token = self.next_non_space_must("pipeline")?;
            match self.kind(token) {
                Kind::Right | Kind::RightParen => {
                    if commands == 0 {
                        return Err(format!("missing value for {context}"));
                    }
                    if let Some(stage) = constant_stage {
                        return Err(format!("non executable command in pipeline stage {stage}"));
                    }
                    if self.kind(token) == Kind::RightParen {
                        self.at = token;
                    }
                    return Ok(());
                }
                Kind::Bool
                | Kind::CharConstant
                | Kind::Dot
                | Kind::Field
                | Kind::Identifier
                | Kind::Number
                | Kind::Nil
                | Kind::RawString
                | Kind::String
                | Kind::Variable
                | Kind::LeftParen => {
                    self.at = token;
                    let first = self.command()?;
                    commands += 1;
                    if commands > 1 && first == Term::Constant {
                        constant_stage.get_or_insert(commands);
                    }
                }
                _ => return Err(format!("unexpected {} in {context}", self.describe(token))),
            }
        }
    }

    /// Operands up to `|`, `}}` or `)`; what the first one is.
    fn command(&mut self) -> Parsed<Term> {
        let mut first = None;
        loop {
            self.peek_non_space("operand")?;
            if let Some(term) = self.operand()? {
                first.get_or_insert(term);
            }
            let token = self.next_must("command")?;
            match self.kind(token) {
                Kind::Space => continue,
                Kind::Right | Kind::RightParen => self.at = token,
                Kind::Pipe => {}
                _ => return Err(format!("unexpected {} in operand", self.describe(token))),
            }
            return first.ok_or_else(|| "empty command".to_owned());
        }
    }

    /// A term and the fields chained right after it (`$labels.job`, `(…).x`).
    fn operand(&mut self) -> Parsed<Option<Term>> {
        let Some(term) = self.term()? else {
            return Ok(None);
        };
        let next = self.next_must("operand")?;
        if self.kind(next) != Kind::Field {
            self.at = next;
            return Ok(Some(term));
        }
        if term == Term::Constant {
            return Err("unexpected . after term".to_owned());
        }
        while self.tokens.get(self.at).is_some_and(|t| t.kind == Kind::Field) {
            self.at += 1;
        }
        Ok(Some(match term {
            Term::Field | Term::Variable => term,
            _ => Term::Chain,
        }))
    }

    fn term(&mut self) -> Parsed<Option<Term>> {
        let token = self.next_non_space_must("token")?;
        let value = self.value(token);
        let term = match self.kind(token) {
            Kind::Identifier if self.functions.iter().any(|set| set.contains(&value)) => Term::Function,
            Kind::Identifier => return Err(format!("function {value} not defined")),
            Kind::Dot | Kind::Nil | Kind::Bool => Term::Constant,
            Kind::Field => Term::Field,
            Kind::Variable if value == "$" || self.scopes.last().is_some_and(|s| s.contains(&value)) => Term::Variable,
            Kind::Variable => return Err(format!("undefined variable {value}")),
            Kind::CharConstant if char_constant(value) => Term::Constant,
            Kind::CharConstant => return Err(format!("cannot read the character {value}")),
            Kind::Number if representable(value) => Term::Constant,
            Kind::Number => return Err(format!("the number {value} is out of range")),
            Kind::String | Kind::RawString if readable(value) => Term::Constant,
            Kind::String | Kind::RawString => return Err(format!("cannot read the string {value}")),
            Kind::LeftParen => {
                self.pipeline("parenthesized pipeline")?;
                let close = self.next_must("parenthesized pipeline")?;
                if self.kind(close) != Kind::RightParen {
                    return Err(format!("unclosed right paren: unexpected {}", self.describe(close)));
                }
                Term::Pipeline
            }
            _ => {
                self.at = token;
                return Ok(None);
            }
        };
        Ok(Some(term))
    }
}
