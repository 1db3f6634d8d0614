//! What Go's `regexp` refuses in a regex that Rust's `regex` accepts. Prometheus, Alertmanager and
//! prometheus-adapter compile regexes with Go; promql-parser and promsite compile them with Rust,
//! whose syntax is larger in a few ways. Found by fuzzing (a repetition of `{99990}` passed) and
//! checked against `promtool` and `amtool` (see `tests/it/tools.rs`). Each refusal is worded as Go
//! words it, naming the same part of the regex.
//!
//! A Unicode class must be named exactly as in Go's tables (`\pL`, `\p{Lu}`, `\p{Greek}`, `Any`):
//! Rust also reads loose spellings (`\p{letter}`), aliases (`\p{Latn}`) and properties
//! (`\p{Emoji}`). Prometheus 3.5's matchers read only exact names. Go 1.25 loosened the lookup, so
//! Alertmanager 0.33 and `label_replace` read `\p{Letter}` too: accepted there, and in a matcher
//! with a warning, since older Alertmanager releases refuse it.
//!
//! Not covered: Go's bound on a whole regex's size. Where the meaning
//! differs but both parse (`\<` is a word boundary in Rust and `<` in Go), a check cannot tell.
//! Go's `\Q…\E` and octal escapes, which Rust lacks, are rewritten for it ([`rust_form`]). The
//! other Go-only forms (`[a[]`) make promsite stricter, not wrong; so does refusing the class
//! syntax the two read differently (`[a[b]]`, `[a&&b]`), which Go would take with another meaning.

use std::borrow::Cow;

use regex_syntax::ast::{
    self, Ast, ClassSetItem, Flag, FlagsItemKind, GroupKind, HexLiteralKind, LiteralKind, RepetitionKind,
    RepetitionRange,
};
use regex_syntax::hir::{Class, HirKind};
use unicode_script::{Script, UnicodeScript};

use super::values::{Checked, Problem};

/// The most repetitions Go allows, in one counted repetition and across nested ones.
const MAX_REPEAT: u32 = 1000;

/// The general categories in Go's `unicode.Categories`, by which a class may be named.
const GO_CATEGORIES: [&str; 38] = [
    "C", "Cc", "Cf", "Cn", "Co", "Cs", "L", "LC", "Ll", "Lm", "Lo", "Lt", "Lu", "M", "Mc", "Me", "Mn", "N", "Nd", "Nl",
    "No", "P", "Pc", "Pd", "Pe", "Pf", "Pi", "Po", "Ps", "S", "Sc", "Sk", "Sm", "So", "Z", "Zl", "Zp", "Zs",
];

/// Why Go's `regexp` refuses `pattern`, or `None` if it accepts whatever Rust's `regex` accepts.
/// A pattern Rust cannot parse is left to the caller's own compilation, which reports it.
pub(crate) fn refusal(pattern: &str) -> Option<String> {
    refusal_by(pattern, false)
}

/// [`refusal`] by Go 1.25 and later, which also reads loose Unicode class names (see
/// [`go_1_25_reads`]): Alertmanager 0.33 and Prometheus' `label_replace` compile with it.
/// Prometheus' matchers use a fork of an older `regexp`.
pub(crate) fn refusal_by_go_1_25(pattern: &str) -> Option<String> {
    refusal_by(pattern, true)
}

/// Why Go before 1.25 refuses `pattern`, which Go 1.25 reads: a loose Unicode class name.
pub(crate) fn loose_class_name(pattern: &str) -> Option<String> {
    refusal_by_go_1_25(pattern)
        .is_none()
        .then(|| refusal(pattern))
        .flatten()
}

fn refusal_by(pattern: &str, go_1_25: bool) -> Option<String> {
    let parsed = ast::parse::Parser::new().parse(pattern).ok()?;
    ast::visit(&parsed, GoSyntax { pattern, go_1_25 }).err()
}

/// Go 1.25's category aliases (Unicode's long names and `cntrl`, `digit`, `punct`).
const CATEGORY_ALIASES: [&str; 41] = [
    "Cased_Letter",
    "Close_Punctuation",
    "Combining_Mark",
    "Connector_Punctuation",
    "Control",
    "Currency_Symbol",
    "Dash_Punctuation",
    "Decimal_Number",
    "Enclosing_Mark",
    "Final_Punctuation",
    "Format",
    "Initial_Punctuation",
    "Letter",
    "Letter_Number",
    "Line_Separator",
    "Lowercase_Letter",
    "Mark",
    "Math_Symbol",
    "Modifier_Letter",
    "Modifier_Symbol",
    "Nonspacing_Mark",
    "Number",
    "Open_Punctuation",
    "Other",
    "Other_Letter",
    "Other_Number",
    "Other_Punctuation",
    "Other_Symbol",
    "Paragraph_Separator",
    "Private_Use",
    "Punctuation",
    "Separator",
    "Space_Separator",
    "Spacing_Mark",
    "Surrogate",
    "Symbol",
    "Titlecase_Letter",
    "Unassigned",
    "Uppercase_Letter",
    "cntrl",
    "digit",
];

/// Whether Go 1.25 reads `\p{name}`: it looks names up ignoring case, spaces, `_` and `-`, and
/// knows category aliases (`Letter`), `ASCII` and `Assigned` besides its tables' names; not
/// script aliases (`Latn`) or other properties (`Emoji`, `White_Space`). Checked with amtool 0.33.
fn go_1_25_reads(name: &str) -> bool {
    let loose = |name: &str| -> String {
        name.chars()
            .filter(|c| !matches!(c, ' ' | '_' | '-'))
            .map(|c| c.to_ascii_lowercase())
            .collect()
    };
    let wanted = loose(name);
    let known = GO_CATEGORIES
        .into_iter()
        .chain(CATEGORY_ALIASES)
        .chain(["punct", "Any", "ASCII", "Assigned"])
        .any(|known| loose(known) == wanted);
    known || go_spelling(name).is_some_and(|go| loose(go) == wanted)
}

/// `pattern` with the spellings Go reads and Rust's `regex` does not written as Rust reads them,
/// with the same meaning: a `\Q…\E` span (literal text up to `\E` or the end) as escaped
/// characters, and an octal escape (`\0`, `\12`, `\101`: up to three digits, a lone `1`–`7` being
/// a backreference Go refuses) as `\x{…}`. Inside a character class Go refuses `\Q`, so it is left
/// for Rust to refuse as well. Anything else is copied as written.
pub(crate) fn rust_form(pattern: &str) -> Cow<'_, str> {
    if !pattern.contains('\\') {
        return Cow::Borrowed(pattern);
    }
    let mut out = String::with_capacity(pattern.len());
    let mut rest = pattern;
    // Whether a class is open, and whether its first character (where `]` is literal) is next.
    let (mut in_class, mut class_start) = (false, false);
    while let Some(c) = rest.chars().next() {
        let after = &rest[c.len_utf8()..];
        let starting = std::mem::take(&mut class_start);
        match c {
            '\\' => {
                let Some(escaped) = after.chars().next() else {
                    out.push(c);
                    break;
                };
                if escaped == 'Q' && !in_class {
                    let literal = &after[1..];
                    let (text, tail) = literal.split_once("\\E").unwrap_or((literal, ""));
                    out.push_str(&regex_syntax::escape(text));
                    rest = tail;
                    continue;
                }
                let octal = after.bytes().take(3).take_while(|b| (b'0'..=b'7').contains(b)).count();
                if escaped == '0' || (escaped.is_ascii_digit() && octal >= 2) {
                    let value = after[..octal]
                        .bytes()
                        .fold(0_u32, |value, digit| value * 8 + u32::from(digit - b'0'));
                    out.push_str(&format!("\\x{{{value:x}}}"));
                    rest = &after[octal..];
                    continue;
                }
                out.push(c);
                out.push(escaped);
                rest = &after[escaped.len_utf8()..];
                continue;
            }
            '[' if !in_class => {
                in_class = true;
                class_start = true;
                if let Some(negated) = after.strip_prefix('^') {
                    out.push_str("[^");
                    rest = negated;
                    continue;
                }
            }
            '[' if after.starts_with(':') => {
                // A named class (`[:alpha:]`) inside a class: its `]` does not close the outer one.
                if let Some(end) = after.find(":]") {
                    out.push_str(&rest[..1 + end + 2]);
                    rest = &after[end + 2..];
                    continue;
                }
            }
            ']' if in_class && !starting => in_class = false,
            _ => {}
        }
        out.push(c);
        rest = after;
    }
    Cow::Owned(out)
}

/// Why Go refuses `pattern` once anchored as `^(?:pattern)$`, as Alertmanager compiles a matcher
/// and Prometheus a `label_replace` regex, when it accepts it alone: a `\Q` without `\E` takes
/// the closing `)$` for text.
pub(crate) fn anchored_refusal(pattern: &str) -> Option<String> {
    if !pattern.contains("\\Q") {
        return None;
    }
    let alone = ast::parse::Parser::new().parse(&rust_form(pattern)).is_ok();
    let anchored = ast::parse::Parser::new().parse(&rust_form(&format!("^(?:{pattern})$")));
    (alone && anchored.is_err())
        .then(|| "missing closing `)`: a `\\Q` without `\\E` makes the anchoring `)$` literal text".to_owned())
}

/// A counted repetition over the limit in `text` (a regex, or a PromQL string literal holding one),
/// found without parsing it: Rust's `regex` takes long to compile such a repetition before it
/// refuses it (`x{9999000}`: 50 ms), so this runs first. A `{` after a backslash is a character.
/// With spaces inside the braces (`{ 5000}`), or no lower bound (`{,5000}`), Rust repeats and Go
/// reads text, so those are refused as ambiguous.
pub(crate) fn oversized_repetition(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    (0..bytes.len()).filter(|&i| bytes[i] == b'{' && (i == 0 || bytes[i - 1] != b'\\')).find_map(|open| {
        let inside = &text[open + 1..];
        let close = inside.find('}')?;
        let counts = &inside[..close];
        let (lower, upper) = counts.split_once(',').unwrap_or((counts, ""));
        // Each bound is empty or digits; Rust allows spaces around them.
        let bound = |part: &str| match part.trim_matches(' ') {
            "" => Some(None),
            digits if digits.bytes().all(|b| b.is_ascii_digit()) => Some(Some(digits.parse::<u128>().unwrap_or(u128::MAX))),
            _ => None,
        };
        let (low, high) = (bound(lower)?, bound(upper)?);
        if low.max(high).is_none_or(|largest| largest <= u128::from(MAX_REPEAT)) {
            return None;
        }
        let written = &text[open..=open + 1 + close];
        Some(if low.is_some() && !counts.contains(' ') {
            invalid_repeat_count(written)
        } else {
            format!("ambiguous repetition: `{written}` repeats to promsite's regex parser and is text to Go's; write `\\{{` for the text, or the count without spaces")
        })
    })
}

/// Whether `pattern` leaves a parenthesis unmatched, as Go words it. Rust's parser is asked; it
/// agrees with Go on groups.
pub(crate) fn unbalanced(pattern: &str) -> Option<String> {
    let error = ast::parse::Parser::new().parse(pattern).err()?;
    let problem = match error.kind() {
        ast::ErrorKind::GroupUnopened => "unexpected `)`",
        ast::ErrorKind::GroupUnclosed => "missing closing `)`",
        _ => return None,
    };
    Some(format!(
        "{problem}; Prometheus reads a regex on its own before anchoring it"
    ))
}

/// Go's refusal of the repetition operator `written`, with its limit.
fn invalid_repeat_count(written: &str) -> String {
    format!("invalid repeat count: `{written}` (Go allows at most {MAX_REPEAT} repetitions, nested ones multiplied)")
}

/// A visitor that stops at the first construct Go refuses.
struct GoSyntax<'a> {
    pattern: &'a str,
    /// Whether the names Go 1.25 reads are accepted.
    go_1_25: bool,
}

impl GoSyntax<'_> {
    fn text(&self, start: usize, end: usize) -> &str {
        self.pattern.get(start..end).unwrap_or_default()
    }
}

impl ast::Visitor for GoSyntax<'_> {
    type Output = ();
    type Err = String;

    fn finish(self) -> Result<(), String> {
        Ok(())
    }

    fn visit_pre(&mut self, node: &Ast) -> Result<(), String> {
        match node {
            Ast::Flags(set) => self.flags(set.span.start, &set.flags),
            Ast::Group(group) => match &group.kind {
                GroupKind::NonCapturing(flags) => self.flags(group.span.start, flags),
                GroupKind::CaptureName { name, .. }
                    if !name.name.bytes().all(|b| b == b'_' || b.is_ascii_alphanumeric()) =>
                {
                    Err(format!(
                        "invalid named capture: `{}`",
                        self.text(group.span.start.offset, name.span.end.offset + 1)
                    ))
                }
                GroupKind::CaptureName { .. } | GroupKind::CaptureIndex(_) => Ok(()),
            },
            Ast::Literal(literal) => self.literal(literal),
            Ast::ClassUnicode(class) => self.unicode_class(class),
            _ => Ok(()),
        }
    }

    /// Repetitions are checked after what they repeat, so that, as in Go, the first refusal in
    /// the text is the one reported.
    fn visit_post(&mut self, node: &Ast) -> Result<(), String> {
        let Ast::Repetition(repetition) = node else {
            return Ok(());
        };
        let largest = counted(repetition, self.pattern).map(|count| count.largest());
        if largest.is_some_and(|largest| largest > MAX_REPEAT) {
            return Err(self.invalid_repeat_count(repetition));
        }
        if let Some(inner) = stacked(repetition, self.pattern) {
            return Err(self.nested_operators(inner, repetition));
        }
        // Go checks a counted repetition of two or more against the ones nested in it.
        if largest.is_some_and(|largest| largest >= 2) && !within_budget(node, MAX_REPEAT, self.pattern) {
            return Err(self.invalid_repeat_count(repetition));
        }
        Ok(())
    }

    fn visit_class_set_binary_op_pre(&mut self, operation: &ast::ClassSetBinaryOp) -> Result<(), String> {
        Err(self.ambiguous_class(&operation.span))
    }

    fn visit_class_set_item_pre(&mut self, item: &ClassSetItem) -> Result<(), String> {
        match item {
            ClassSetItem::Bracketed(nested) => Err(self.ambiguous_class(&nested.span)),
            ClassSetItem::Literal(literal) => self.literal(literal),
            ClassSetItem::Range(range) => self.literal(&range.start).and_then(|()| self.literal(&range.end)),
            ClassSetItem::Unicode(class) => self.unicode_class(class),
            _ => Ok(()),
        }
    }
}

impl GoSyntax<'_> {
    /// Rust reads `[` inside a class as a nested class and `&&`, `--`, `~~` as set operations; Go
    /// reads them as characters, so the two disagree on where the class ends or what it holds.
    fn ambiguous_class(&self, span: &ast::Span) -> String {
        format!(
            "ambiguous character class: `{}` is a nested class or a set operation to promsite's regex parser and characters to Go's; escape them (`\\[`, `\\&`, `\\-`, `\\~`)",
            self.text(span.start.offset, span.end.offset)
        )
    }

    fn invalid_repeat_count(&self, repetition: &ast::Repetition) -> String {
        invalid_repeat_count(self.text(repetition.op.span.start.offset, repetition.op.span.end.offset))
    }

    fn nested_operators(&self, inner: &ast::Repetition, outer: &ast::Repetition) -> String {
        format!(
            "invalid nested repetition operator: `{}` (group the inner repetition: `(?:…)`)",
            self.text(inner.op.span.start.offset, outer.op.span.end.offset)
        )
    }

    /// Go knows the flags `i`, `m`, `s` and `U`; Rust's `u`, `R` and `x` are errors there.
    fn flags(&self, start: ast::Position, flags: &ast::Flags) -> Result<(), String> {
        let unsupported = flags.items.iter().find(|item| {
            matches!(
                item.kind,
                FlagsItemKind::Flag(Flag::Unicode | Flag::CRLF | Flag::IgnoreWhitespace)
            )
        });
        unsupported.map_or(Ok(()), |item| {
            Err(format!(
                "invalid or unsupported Perl syntax: `{}`",
                self.text(start.offset, item.span.end.offset)
            ))
        })
    }

    /// Go has `\x41` and `\x{41}`, not Rust's `\u` and `\U` escapes.
    fn literal(&self, literal: &ast::Literal) -> Result<(), String> {
        match literal.kind {
            LiteralKind::HexFixed(HexLiteralKind::UnicodeShort | HexLiteralKind::UnicodeLong)
            | LiteralKind::HexBrace(HexLiteralKind::UnicodeShort | HexLiteralKind::UnicodeLong) => Err(format!(
                "invalid escape sequence: `{}`",
                self.text(literal.span.start.offset, literal.span.start.offset + 2)
            )),
            _ => Ok(()),
        }
    }

    /// Go names a class by itself (`\p{Greek}`); Rust's `\p{sc=Greek}` form is an error there, and
    /// so is a name Go's tables do not hold exactly.
    fn unicode_class(&self, class: &ast::ClassUnicode) -> Result<(), String> {
        let name = match &class.kind {
            ast::ClassUnicodeKind::OneLetter(letter) => letter.to_string(),
            ast::ClassUnicodeKind::Named(name) => name.clone(),
            ast::ClassUnicodeKind::NamedValue { value, .. } => value.clone(),
        };
        if !matches!(class.kind, ast::ClassUnicodeKind::NamedValue { .. })
            && (go_knows_class(&name) || (self.go_1_25 && go_1_25_reads(&name)))
        {
            return Ok(());
        }
        let hint = go_spelling(&name).map_or_else(
            || "Go knows only the exact names of general categories (`L`, `Lu`), scripts (`Greek`, `Old_Italic`) and `Any`".to_owned(),
            |name| format!("Go names this class `\\p{{{name}}}`"),
        );
        Err(format!(
            "invalid character class range: `{}` ({hint})",
            self.text(class.span.start.offset, class.span.end.offset)
        ))
    }
}

/// Whether `name` is, exactly, a class in Go's `unicode` tables, as Prometheus looks it up.
fn go_knows_class(name: &str) -> bool {
    name == "Any"
        || GO_CATEGORIES.contains(&name)
        || Script::from_full_name(name).is_some_and(|script| script != Script::Unknown)
}

/// The name Go knows for the general category or script that Rust reads as `\p{name}`, if any:
/// Rust reads `\p{Letter}` as Go's `\pL`, and `\p{greek}` or `\p{Grek}` as `\p{Greek}`. A script
/// is guessed from the first characters of the class, since Rust's script classes also hold some
/// characters of other scripts.
fn go_spelling(name: &str) -> Option<&'static str> {
    let translate = |name: &str| regex_syntax::Parser::new().parse(&format!("\\p{{{name}}}")).ok();
    let read = translate(name)?;
    let HirKind::Class(Class::Unicode(characters)) = read.kind() else {
        return None;
    };
    let mut scripts: Vec<Script> = characters
        .ranges()
        .iter()
        .take(8)
        .map(|range| range.start().script())
        .collect();
    scripts.dedup();
    let candidates = GO_CATEGORIES.into_iter().chain(
        scripts
            .into_iter()
            .filter(|&script| script != Script::Unknown)
            .map(Script::full_name),
    );
    candidates
        .into_iter()
        .find(|candidate| translate(candidate).as_ref() == Some(&read))
}

/// The bounds of a counted repetition as Go reads it: `{m}`, `{m,}`, `{m,n}`.
struct Count {
    min: u32,
    max: Option<u32>,
}

impl Count {
    /// The upper bound, or the lower one when there is none: what Go limits and multiplies.
    fn largest(&self) -> u32 {
        self.max.map_or(self.min, |max| max.max(self.min))
    }
}

/// Whether Go reads `repetition`'s operator as one. Rust also reads `{,n}` and counts with
/// spaces (`{ 2 }`); Go reads those as text.
fn is_go_operator(repetition: &ast::Repetition, pattern: &str) -> bool {
    let op = pattern
        .get(repetition.op.span.start.offset..repetition.op.span.end.offset)
        .unwrap_or_default();
    !op.starts_with("{,") && !op.contains(char::is_whitespace)
}

fn counted(repetition: &ast::Repetition, pattern: &str) -> Option<Count> {
    let RepetitionKind::Range(range) = &repetition.op.kind else {
        return None;
    };
    if !is_go_operator(repetition, pattern) {
        return None;
    }
    Some(match *range {
        RepetitionRange::Exactly(n) => Count { min: n, max: Some(n) },
        RepetitionRange::AtLeast(n) => Count { min: n, max: None },
        RepetitionRange::Bounded(min, max) => Count { min, max: Some(max) },
    })
}

/// The repetition that `repetition` applies to directly (`x**`, `x{2}{3}`): Go refuses a
/// repetition operator right after another.
fn stacked<'a>(repetition: &'a ast::Repetition, pattern: &str) -> Option<&'a ast::Repetition> {
    match &*repetition.ast {
        Ast::Repetition(inner) if is_go_operator(repetition, pattern) && is_go_operator(inner, pattern) => Some(inner),
        _ => None,
    }
}

/// Whether the counted repetitions in `node` fit in `budget` copies of what they repeat, as Go
/// counts them: each divides the budget by its upper bound (its lower one when unbounded), and a
/// `{0}` ends the count below it. Recursion is bounded by the parser's nesting limit.
fn within_budget(node: &Ast, mut budget: u32, pattern: &str) -> bool {
    match node {
        Ast::Repetition(repetition) => {
            if let Some(count) = counted(repetition, pattern) {
                if count.max == Some(0) {
                    return true;
                }
                let bound = count.largest();
                if bound > budget {
                    return false;
                }
                budget = budget.checked_div(bound).unwrap_or(budget);
            }
            within_budget(&repetition.ast, budget, pattern)
        }
        Ast::Group(group) => within_budget(&group.ast, budget, pattern),
        Ast::Alternation(alternation) => alternation.asts.iter().all(|ast| within_budget(ast, budget, pattern)),
        Ast::Concat(concat) => concat.asts.iter().all(|ast| within_budget(ast, budget, pattern)),
        _ => true,
    }
}

/// A regular expression (RE2 syntax, as Go and prometheus-adapter use).
pub(crate) fn regex(text: &str) -> Checked<()> {
    let help = "fix the expression (RE2 syntax, as Go reads it)";
    // Go's refusals first: they are quick to find, and Rust compiles a huge repetition slowly.
    let text = &*rust_form(text);
    if let Some(why) = oversized_repetition(text).or_else(|| refusal(text)) {
        return Err(Problem::new(format!("invalid regular expression: {why}"), help));
    }
    regex::Regex::new(text).map(|_| ()).map_err(|error| {
        // The last line names the problem, after a copy of the pattern with a caret under it.
        let detail = error.to_string();
        let last = detail.lines().last().unwrap_or(&detail).trim();
        Problem::new(
            format!(
                "invalid regular expression: {}",
                last.strip_prefix("error: ").unwrap_or(last)
            ),
            help,
        )
    })
}

#[cfg(test)]
mod tests {
    use super::{refusal, regex};

    #[test]
    fn regexes() {
        assert!(regex("^(.*)_total$").is_ok());
        assert!(regex("^(.*_total$").is_err());
    }

    /// Each verdict here is promtool's (Prometheus 3.5) and amtool's (Alertmanager 0.33), and
    /// `tests/it/tools.rs` asks them again.
    #[test]
    fn go_refuses_what_rust_accepts_and_says_where() {
        for (pattern, refused) in [
            ("x{1001}", Some("invalid repeat count: `{1001}`")),
            ("x{1001,}", Some("invalid repeat count: `{1001,}`")),
            ("x{99990}", Some("invalid repeat count: `{99990}`")),
            ("(x{100}){11}", Some("invalid repeat count: `{11}`")),
            ("((x{2}){0,}){501}", Some("invalid repeat count: `{501}`")),
            ("(x*){1001}", Some("invalid repeat count: `{1001}`")),
            ("x{2}{3}", Some("invalid nested repetition operator: `{2}{3}`")),
            ("x*??", Some("invalid nested repetition operator: `*??`")),
            ("x+*", Some("invalid nested repetition operator: `+*`")),
            ("(?x)a", Some("invalid or unsupported Perl syntax: `(?x`")),
            ("(?i-u:a)", Some("invalid or unsupported Perl syntax: `(?i-u`")),
            ("(?R)a", Some("invalid or unsupported Perl syntax: `(?R`")),
            ("(?P<a.b>x)", Some("invalid named capture: `(?P<a.b>`")),
            ("\\u0041", Some("invalid escape sequence: `\\u`")),
            ("[\\U00000041]", Some("invalid escape sequence: `\\U`")),
            ("\\p{sc=Greek}", Some("invalid character class range: `\\p{sc=Greek}`")),
            (
                "\\p{Letter}",
                Some("invalid character class range: `\\p{Letter}` (Go names this class `\\p{L}`)"),
            ),
            (
                "[\\pl]",
                Some("invalid character class range: `\\pl` (Go names this class `\\p{L}`)"),
            ),
            (
                "\\p{greek}",
                Some("invalid character class range: `\\p{greek}` (Go names this class `\\p{Greek}`)"),
            ),
            (
                "\\P{Grek}",
                Some("invalid character class range: `\\P{Grek}` (Go names this class `\\p{Greek}`)"),
            ),
            (
                "\\p{old italic}",
                Some("invalid character class range: `\\p{old italic}` (Go names this class `\\p{Old_Italic}`)"),
            ),
            (
                "\\p{Emoji}",
                Some("invalid character class range: `\\p{Emoji}` (Go knows only the exact names"),
            ),
            (
                "\\p{ASCII}",
                Some("invalid character class range: `\\p{ASCII}` (Go knows only"),
            ),
            ("[a[bc]d]", Some("ambiguous character class: `[bc]`")),
            ("[X--]", Some("ambiguous character class: `X--`")),
            ("[a&&b]", Some("ambiguous character class: `a&&b`")),
            ("x{1000}", None),
            ("(x{100}){10}", None),
            ("(?:x{1,}){1000}", None),
            ("(x{0}){1000}", None),
            ("x*?", None),
            ("x{,5}*", None),
            ("x{ 2}{3}x{ 1001}", None),
            ("(?U)a(?i:b)(?P<name_1>c)(?<name2>d)", None),
            ("\\x41\\x{41}\\pL\\p{Greek}", None),
            (
                "\\pN\\p{Cn}\\p{LC}\\p{Any}\\P{Common}\\p{Old_Italic}[\\p{Han}\\PL]",
                None,
            ),
            ("^*\\<a\\b{start}", None),
        ] {
            assert_verdict(refusal, pattern, refused);
        }
    }

    /// That `check` finds nothing in `text`, or a problem starting with `expected`.
    fn assert_verdict(check: fn(&str) -> Option<String>, text: &str, expected: Option<&str>) {
        let found = check(text);
        match expected {
            Some(words) => assert!(
                found.as_deref().is_some_and(|f| f.starts_with(words)),
                "{text}: expected {words:?}, got {found:?}"
            ),
            None => assert_eq!(found, None, "{text}"),
        }
    }

    #[test]
    fn go_1_25_reads_loose_class_names_and_not_aliases() {
        use super::{loose_class_name, refusal_by_go_1_25};
        for loose in [
            r"\p{Letter}",
            r"\p{greek}",
            r"\p{ASCII}",
            r"\pl",
            r"[\p{l-U}\P{Other}\p{digit}]",
        ] {
            assert!(loose_class_name(loose).is_some(), "{loose}");
        }
        for refused in [r"\p{Latn}", r"\p{Emoji}", r"\p{White_Space}", r"\p{alpha}"] {
            assert!(refusal_by_go_1_25(refused).is_some(), "{refused}");
        }
        assert_eq!(loose_class_name(r"\p{L}\p{Greek}"), None);
    }

    #[test]
    fn go_spellings_are_written_as_rust_reads_them() {
        use super::rust_form;
        for (go, rust) in [
            (r"\Qa.b\E*", r"a\.b*"),
            (r"x\Q(", r"x\("),
            (r"\\Q(", r"\\Q("),
            (r"[\Qa\E]", r"[\Qa\E]"),
            (r"[]\Q]\Q]\E", r"[]\Q]\]"),
            (r"[[:alpha:]\Q]", r"[[:alpha:]\Q]"),
            (r"\012\0\1234\08", r"\x{a}\x{0}\x{53}4\x{0}8"),
            (r"[\101-\132]", r"[\x{41}-\x{5a}]"),
            (r"\1\8\19", r"\1\8\19"),
        ] {
            assert_eq!(rust_form(go), rust, "{go}");
        }
    }

    #[test]
    fn oversized_repetitions_are_found_without_compiling() {
        use super::oversized_repetition;
        for (text, found) in [
            ("x{9999000}", Some("invalid repeat count: `{9999000}`")),
            ("\"a{2,1001}\"", Some("invalid repeat count: `{2,1001}`")),
            ("x{ 9999000}", Some("ambiguous repetition: `{ 9999000}`")),
            ("x{,5000}", Some("ambiguous repetition: `{,5000}`")),
            ("x{1000}y{5,}", None),
            ("x\\{1001}", None),
            ("{a1001}", None),
            ("x{1001", None),
        ] {
            assert_verdict(oversized_repetition, text, found);
        }
    }

    #[test]
    fn a_deep_chain_of_repetitions_is_checked_quickly() {
        // Each `{2}` is rewalked only by those around it, and the tenth exceeds the budget. (A
        // group and a repetition each count towards the parser's nesting limit of 250.)
        let deep = format!("{}x{}", "(?:".repeat(120), "){2}".repeat(120));
        assert_eq!(
            refusal(&deep).as_deref(),
            Some("invalid repeat count: `{2}` (Go allows at most 1000 repetitions, nested ones multiplied)")
        );
        let ones = format!("{}x{}", "(?:".repeat(120), "){1}".repeat(120));
        assert_eq!(refusal(&ones), None);
    }

    /// promsite's own drop lists reach Prometheus unchecked by `check`: each regex must be valid
    /// RE2, as Go reads it, also once Prometheus anchors it.
    #[test]
    fn cardinality_drop_lists() {
        for guard in crate::content::cardinality::Guard::ALL {
            for drop in crate::content::cardinality::drops(guard) {
                assert!(regex(drop.regex).is_ok(), "{}: {}", guard.key(), drop.regex);
                assert!(regex(&format!("^(?:{})$", drop.regex)).is_ok(), "{}", drop.regex);
                assert_eq!(super::anchored_refusal(drop.regex), None, "{}", drop.regex);
            }
        }
    }
}
