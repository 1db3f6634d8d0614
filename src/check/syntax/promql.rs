//! PromQL as Prometheus 3 accepts it, checked with promql-parser (promtool's grammar), fast enough
//! for sites with thousands of rules. An expression goes through up to three tiers:
//!
//! 1. [`fast`]: a hand-written acceptor for the forms rules are usually written in, which reads the
//!    text once and allocates next to nothing. It answers only "certainly accepted"; anything else
//!    (outside its subset, refused, or in doubt) goes on to the next tiers unchanged, so every
//!    refusal and message is theirs.
//! 2. The memo ([`Memo::shape`]), for families of rules that differ only in label values.
//! 3. promql-parser itself on the text as written, with the checks around it ([`verdict`]).
//!
//! The memo rests on two facts. First, most of the parser's time goes into compiling the regular
//! expressions of `=~`/`!~` matchers, and the same few regexes recur across a site's rules
//! (`code=~"5.."`). So each distinct regex literal is validated once, by the parser itself on a
//! one-matcher selector (the fast tier reads the same verdicts). Second, rules come in families
//! that differ only in label values (`job="svc-1"`, `job="svc-2"`), and the parser's verdict does
//! not depend on a value beyond whether it is empty. So each expression is reduced to its *shape*:
//! regex matchers become equality matchers and plain non-empty values become `"x"`, and each
//! distinct shape is parsed once. Whenever that could change the verdict (an invalid regex,
//! `__name__`, an escape, a regex matching the empty string differently than its literal does,
//! anything unexpected), the text is parsed as it is; a rejected shape is always re-parsed as
//! written, for the error message. Finding a shape needs the lexer's tokens, and those are the same
//! for a whole family too, so they are learnt once per *skeleton* (see [`Memo::shape`]).

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::ops::Range;

use lrpar::{Lexeme, Lexer, Span};
use promql_parser::label::MatchOp;
use promql_parser::parser::token::{
    T_ADD, T_AT, T_BOTTOMK, T_COLON, T_COMMA, T_COUNT_VALUES, T_DURATION, T_END, T_EQL, T_EQL_REGEX, T_FILL,
    T_FILL_LEFT, T_FILL_RIGHT, T_IDENTIFIER, T_LEFT_BRACE, T_LEFT_BRACKET, T_LEFT_PAREN, T_LOR, T_NEQ, T_NEQ_REGEX,
    T_NUMBER, T_OFFSET, T_RIGHT_BRACE, T_RIGHT_BRACKET, T_RIGHT_PAREN, T_START, T_STRING, T_SUB, T_TOPK, TokenId,
    TokenType,
};
use promql_parser::parser::value::ValueType;
use promql_parser::parser::{Expr, lexer};
use promql_parser::util::{ExprVisitor, walk_expr};

use super::go_regex;
use super::values::{self, Checked, Problem};
use crate::check::verdict_map::VerdictMap;

mod fast;
mod literal_regex;

/// Functions Prometheus 3 only accepts with `--enable-feature=promql-experimental-functions`,
/// which promql-parser parses unconditionally.
const EXPERIMENTAL_FUNCTIONS: &[&str] = &[
    "double_exponential_smoothing",
    "info",
    "mad_over_time",
    "sort_by_label",
    "sort_by_label_desc",
    "ts_of_first_over_time",
    "ts_of_last_over_time",
    "ts_of_max_over_time",
    "ts_of_min_over_time",
];

/// Functions in promql-parser's table that Prometheus 3.5 does not have at all (from later
/// versions, or promql-parser's own): Prometheus refuses them as unknown, with or without feature
/// flags. `start` and `end` are there too, reachable only after `@` (see `preprocessor_without_at`).
const UNKNOWN_FUNCTIONS: &[&str] = &[
    "first_over_time",
    "histogram_quantiles",
    "integral",
    "max_of",
    "min_of",
    "range",
    "start_timestamp",
    "step",
    "ts_of_first_over_time",
];

/// Keywords of promql-parser's lexer that Prometheus 3.5's lexer does not have and its grammar
/// never uses: to Prometheus they are names. Matched as the lexer matches keywords, ignoring case.
const NOT_KEYWORDS: [&str; 2] = ["smoothed", "anchored"];
const _: () = assert!(
    NOT_KEYWORDS[0].len() == NOT_KEYWORDS[1].len(),
    "`may_need_form` compares one length"
);

/// Experimental aggregation operators, gated like the functions above.
const EXPERIMENTAL_AGGREGATIONS: &[&str] = &["limitk", "limit_ratio"];

/// A PromQL expression that Prometheus (without feature flags) accepts.
pub(crate) fn promql(text: &str) -> Checked<()> {
    promql_with(text, &mut Memo::default())
}

/// [`promql`], reusing the verdicts on regex literals and shapes seen before.
fn promql_with(text: &str, memo: &mut Memo) -> Checked<()> {
    promql_in_tiers(text, memo, true)
}

/// [`promql_with`], with the fast tier or without it (to measure it).
fn promql_in_tiers(text: &str, memo: &mut Memo, fast: bool) -> Checked<()> {
    let text = &*promql_parser_form(text);
    if fast && fast::accepts(text, memo) {
        return Ok(());
    }
    if let Some(shape) = memo.shape(text)
        && *memo
            .shapes
            .entry(shape)
            .or_insert_with_key(|shape| verdict_on_shape(shape).is_ok())
    {
        return Ok(());
    }
    verdict(text)
}

/// `text` with what Prometheus 3 reads and promql-parser does not written as promql-parser reads
/// it, with the same meaning: a number with `_` between its digits (`1_000_000`, `0x_ff`) without
/// them, padded with spaces so that what follows keeps its position; the regex of a `=~` or `!~`
/// matcher in the form Rust's `regex` reads (see [`go_regex::rust_form`]), quoted again; and a raw
/// string (`` `\d+` ``) with a backslash double-quoted. In Go's PromQL a backtick string has no
/// escapes (a backslash is itself, and a backtick ends it), while promql-parser's lexer reads its
/// backslashes as escapes and refuses `\d`. Its double-quoted form (`"\\d+"`) has the same value,
/// which is what the checks after the parse read (a matcher's value, a `label_replace` regex or
/// label name). That form is longer than the raw string, so what follows it moves; nothing maps
/// an offset back, as promql-parser's messages carry none and promsite reports a PromQL problem
/// on the whole expression. A number Prometheus refuses (`1__0`, `1_`, `1_0m`) is left as
/// written, for the parser to refuse.
///
/// Two more, each the same length as written: a duration of zero (`0s`, `0m0s`) becomes the number
/// `0`, which promql-parser reads as the same zero seconds. It refuses every zero duration, and
/// Prometheus only a range or a subquery step of zero (`offset 0s` is fine), which `bad_time`
/// refuses as a number too. And `smoothed` or `anchored` as a name outside braces (a metric,
/// a grouping label) ends in `_` for its `d` (see [`NOT_KEYWORDS`]); followed by `(`, or when the
/// text holds that name already, it is left as written.
pub(crate) fn promql_parser_form(text: &str) -> Cow<'_, str> {
    if !may_need_form(text) {
        return Cow::Borrowed(text);
    }
    rewritten_form(text)
}

/// [`promql_parser_form`] without the cheap look first.
fn rewritten_form(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let literals = string_literals(text);
    let mut literals = literals.iter().peekable();
    let (mut out, mut copied, mut i, mut braces) = (String::new(), 0, 0, 0_usize);
    let mut replace = |out: &mut String, range: Range<usize>, with: &str| {
        out.push_str(&text[copied..range.start]);
        out.push_str(with);
        copied = range.end;
    };
    let word = |at: usize| {
        bytes
            .get(at)
            .is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b':'))
    };
    while let Some(&byte) = bytes.get(i) {
        if let Some(literal) = literals.next_if(|literal| literal.start == i) {
            let before = text[..i].trim_end();
            let written = &text[literal.clone()];
            let regex = before.ends_with("=~") || before.ends_with("!~");
            let raw = written.starts_with('`');
            if written.contains('\\')
                && (regex || raw)
                && let Ok(value) = unquote(written)
            {
                let translated = if regex {
                    go_regex::rust_form(&value)
                } else {
                    Cow::Borrowed(&*value)
                };
                if (raw || matches!(translated, Cow::Owned(_)))
                    && let Ok(quoted) = serde_json::to_string(&translated)
                {
                    replace(&mut out, literal.clone(), &quoted);
                }
            }
            i = literal.end;
            continue;
        }
        match byte {
            b'#' => i = text[i..].find('\n').map_or(bytes.len(), |end| i + end),
            b'0'..=b'9' | b'.' if bytes.get(i + 1).is_some_and(u8::is_ascii_digit) || byte != b'.' => {
                let end = number_end(bytes, i);
                if word(end) || bytes.get(end) == Some(&b'.') {
                    // A duration, or what Prometheus' lexer refuses: left as written, but a zero.
                    let unit = |at: usize| bytes.get(at).is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_');
                    let token = i..(end..bytes.len()).find(|&at| !unit(at)).unwrap_or(bytes.len());
                    if byte.is_ascii_digit() && values::duration_millis(&text[token.clone()]) == Some(0) {
                        replace(
                            &mut out,
                            token.clone(),
                            &format!("{:<width$}", "0", width = token.len()),
                        );
                    }
                    i = token.end;
                    continue;
                }
                let number = &text[i..end];
                if number.contains('_') && digits_separated(number) {
                    let digits: String = number.chars().filter(|&c| c != '_').collect();
                    replace(&mut out, i..end, &format!("{digits:<width$}", width = number.len()));
                }
                i = end;
            }
            // A name; a `:` alone may be a subquery's, before its step.
            _ if word(i) && byte != b':' => {
                let end = (i..bytes.len()).find(|&at| !word(at)).unwrap_or(bytes.len());
                let name = &text[i..end];
                if braces == 0
                    && NOT_KEYWORDS.iter().any(|keyword| keyword.eq_ignore_ascii_case(name))
                    && !text[end..].trim_start().starts_with('(')
                {
                    let neutral = format!("{}_", &name[..name.len() - 1]);
                    if !text.contains(&neutral) {
                        replace(&mut out, i..end, &neutral);
                    }
                }
                i = end;
            }
            b'{' => {
                braces += 1;
                i += 1;
            }
            b'}' => {
                braces = braces.saturating_sub(1);
                i += 1;
            }
            _ => i += 1,
        }
    }
    if copied == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

/// Whether [`promql_parser_form`] may change `text`: a cheap look for what it rewrites, in the runs
/// of letters, digits and `_` (which its tokens are made of, or split into at a `:` or `.`). A
/// backslash anywhere (it rewrites only literals with one); a run that starts with a digit and
/// holds a `_` (a separated number) or only zeros and letters (a zero duration); a run that is one
/// of [`NOT_KEYWORDS`]. Looking for any `_` or any `ed`, as before, found one in nearly every
/// expression (`node_cpu_seconds_total`, `kube_pod_status_failed`), and the full pass that
/// followed was over a third of checking the default rules' and dashboards' PromQL (callgrind).
fn may_need_form(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.contains(&b'\\') {
        return true;
    }
    let in_run = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_');
    let mut previous_in_run = false;
    for (at, &b) in bytes.iter().enumerate() {
        let this_in_run = b.is_ascii_alphanumeric() || b == b'_';
        // Only where a run starts: most bytes cost this one comparison.
        if this_in_run && !previous_in_run {
            if b.is_ascii_digit() {
                let length = bytes[at..]
                    .iter()
                    .position(|b| !in_run(Some(b)))
                    .unwrap_or(bytes.len() - at);
                let run = &bytes[at..at + length];
                let zero_duration =
                    run.iter().any(u8::is_ascii_alphabetic) && !run.iter().any(|b| matches!(b, b'1'..=b'9'));
                if run.contains(&b'_') || zero_duration {
                    return true;
                }
            } else if let Some(word) = bytes.get(at..at + NOT_KEYWORDS[0].len())
                && !in_run(bytes.get(at + word.len()))
                && NOT_KEYWORDS
                    .iter()
                    .any(|keyword| keyword.as_bytes().eq_ignore_ascii_case(word))
            {
                return true;
            }
        }
        previous_in_run = this_in_run;
    }
    false
}

/// A parser's message on the form of a text, with the names [`promql_parser_form`] made neutral
/// as they were written (their case but the last letter's follows the neutral name's).
fn as_written(message: String) -> String {
    let mut message = message.into_bytes();
    for keyword in NOT_KEYWORDS {
        let stem = &keyword.as_bytes()[..keyword.len() - 1];
        let mut at = 0;
        while at + keyword.len() <= message.len() {
            let end = at + keyword.len();
            if message[end - 1] == b'_' && message[at..end - 1].eq_ignore_ascii_case(stem) {
                message[end - 1] = if message[end - 2].is_ascii_uppercase() {
                    b'D'
                } else {
                    b'd'
                };
                at = end;
            } else {
                at += 1;
            }
        }
    }
    // Only ASCII letters were replaced by ASCII letters.
    String::from_utf8(message).unwrap_or_default()
}

/// Where the number starting at `at` ends, as Prometheus' lexer scans one: an optional `0x`, then
/// digits and `_`, a fraction, and (not in hex) an exponent with an optional sign.
fn number_end(bytes: &[u8], at: usize) -> usize {
    let hex = bytes.get(at) == Some(&b'0') && matches!(bytes.get(at + 1), Some(b'x' | b'X'));
    let digit = |b: &u8| *b == b'_' || if hex { b.is_ascii_hexdigit() } else { b.is_ascii_digit() };
    let run = |from: usize| {
        (from..bytes.len())
            .find(|&i| !bytes.get(i).is_some_and(digit))
            .unwrap_or(bytes.len())
    };
    let mut i = run(if hex { at + 2 } else { at });
    if bytes.get(i) == Some(&b'.') {
        i = run(i + 1);
    }
    if !hex && matches!(bytes.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(bytes.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        i = run(i);
    }
    i
}

/// Whether each `_` in `number` separates two digits (a base prefix counting as one), as Go's
/// `strconv` requires; a hexadecimal number with a fraction is left alone, as Prometheus refuses it.
fn digits_separated(number: &str) -> bool {
    let bytes = number.as_bytes();
    let hex = bytes.len() >= 2 && bytes[0] == b'0' && matches!(bytes[1], b'x' | b'X');
    if hex && number.contains('.') {
        return false;
    }
    // What came last: the start, a digit (or base prefix), an underscore, or anything else.
    let mut last = if hex { b'0' } else { b'^' };
    for &b in &bytes[if hex { 2 } else { 0 }..] {
        last = match b {
            _ if b.is_ascii_digit() || (hex && b.is_ascii_hexdigit()) => b'0',
            b'_' if last == b'0' => b'_',
            _ if last == b'_' => return false,
            b'_' => return false,
            _ => b'!',
        };
    }
    last != b'_'
}

/// Parses PromQL with promql-parser, refusing first what it cannot be given ([`unparsable`]).
pub(crate) fn parse(text: &str) -> Result<Expr, String> {
    parse_with(text, Regexes::Standalone)
}

/// [`parse`] for the selector an Alertmanager matcher becomes (`m{label=~"…"}`).
pub(crate) fn parse_matcher_selector(text: &str) -> Result<Expr, String> {
    parse_with(text, Regexes::Anchored)
}

fn parse_with(text: &str, regexes: Regexes) -> Result<Expr, String> {
    let text = &*promql_parser_form(text);
    // promql-parser's lexer reads escapes in a raw string left open, and words it accordingly.
    let tokens = tokens(text).map_err(|e| match scan_literals(text).1 {
        Some(b'`') => "unterminated raw string".to_owned(),
        _ => e,
    })?;
    if let Some(problem) = unparsable(text, &tokens) {
        return Err(as_written(problem));
    }
    parse_checked(text, regexes).map_err(as_written)
}

/// How a matcher's regex is compiled: Prometheus reads it on its own first (so `a)|(b` is an
/// error), Alertmanager only anchored as `^(?:a)|(b)$` (so it is not), and with Go 1.25's
/// `regexp`, which reads loose Unicode class names that Prometheus' matchers refuse.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Regexes {
    Standalone,
    Anchored,
}

/// What promql-parser must not be given (it panics or overflows the stack) or takes and
/// Prometheus refuses, found from the tokens of `text` before it parses.
fn unparsable(text: &str, tokens: &[(TokenId, Span)]) -> Option<String> {
    bad_time(text, tokens)
        .or_else(|| too_deep(tokens))
        .or_else(|| foreign_white_space(text))
        .or_else(|| oversized_regex(text, tokens))
        .or_else(|| unary_plus_on_a_range(text, tokens))
        .or_else(|| preprocessor_without_at(tokens))
        .or_else(|| later_syntax(text, tokens))
}

/// Syntax that promql-parser reads and Prometheus 3.5 does not, in Prometheus' words (checked with
/// promtool): `or` between the matchers of a selector (`x{a="b" or c="d"}`), and `fill(…)`,
/// `fill_left(…)`, `fill_right(…)` after a binary operator, which Prometheus reads as a call of a
/// function it does not have. promql-parser's lexer makes a `fill` a keyword only before a `(`.
fn later_syntax(text: &str, tokens: &[(TokenId, Span)]) -> Option<String> {
    let mut braces = 0_usize;
    for (i, &(kind, span)) in tokens.iter().enumerate() {
        let written = &text[span.start()..span.end()];
        match kind {
            T_LEFT_BRACE => braces += 1,
            T_RIGHT_BRACE => braces = braces.saturating_sub(1),
            // After a matcher's value: `or` as a label name follows `{` or `,`.
            T_LOR if braces > 0 && i > 0 && tokens[i - 1].0 == T_STRING => {
                return Some(format!(
                    "unexpected identifier \"{written}\" in label matching, expected \",\" or \"}}\""
                ));
            }
            T_FILL | T_FILL_LEFT | T_FILL_RIGHT => return Some(format!("unknown function with name \"{written}\"")),
            _ => {}
        }
    }
    None
}

/// `start()` and `end()` only follow `@` in Prometheus; promql-parser also takes them alone
/// (found by comparing with promtool).
fn preprocessor_without_at(tokens: &[(TokenId, Span)]) -> Option<String> {
    let kind = |i: usize| tokens.get(i).map(|(kind, _)| *kind);
    (0..tokens.len())
        .any(|i| {
            matches!(kind(i), Some(T_START | T_END))
                && kind(i + 1) == Some(T_LEFT_PAREN)
                && (i == 0 || kind(i - 1) != Some(T_AT))
        })
        .then(|| "unexpected \"(\": `start()` and `end()` only follow `@`".to_owned())
}

/// promql-parser drops a unary `+`, so it never checks what it applies to, as it does for `-`:
/// Prometheus refuses `+x[5m]` as it refuses `-x[5m]` (found by comparing with promtool). The
/// same text with each unary `+` made a `-` tells, since both bind alike.
fn unary_plus_on_a_range(text: &str, tokens: &[(TokenId, Span)]) -> Option<String> {
    let pluses = unary_pluses(tokens);
    if pluses.is_empty() {
        return None;
    }
    let mut minuses = text.to_owned();
    for at in pluses {
        minuses.replace_range(at..=at, "-");
    }
    promql_parser::parser::parse(&minuses)
        .err()
        .filter(|e| e.contains("unary expression only allowed"))
}

/// Where each unary `+` of the tokens starts.
fn unary_pluses(tokens: &[(TokenId, Span)]) -> Vec<usize> {
    let unary = |i: usize| {
        i == 0 || matches!(tokens[i - 1].0, T_LEFT_PAREN | T_COMMA) || TokenType::new(tokens[i - 1].0).is_operator()
    };
    tokens
        .iter()
        .enumerate()
        .filter(|&(i, &(kind, _))| kind == T_ADD && unary(i))
        .map(|(_, (_, span))| span.start())
        .collect()
}

/// A string literal's value, as `promql_parser::util::unquote_string` reads it, except that an
/// escape of a multi-byte character is refused here: that function panics on it (found by
/// fuzzing), and Go refuses such an escape anyway. Raw strings hold no escapes.
pub(super) fn unquote(literal: &str) -> Result<String, String> {
    let mut bytes = literal.bytes();
    if !literal.starts_with('`') {
        while let Some(byte) = bytes.next() {
            if byte == b'\\' && bytes.next().is_none_or(|next| !next.is_ascii()) {
                return Err("invalid syntax".to_owned());
            }
        }
    }
    promql_parser::util::unquote_string(literal)
}

/// A regex matcher's literal with a repetition Go refuses, found before promql-parser spends long
/// compiling it (see [`go_regex::oversized_repetition`]).
fn oversized_regex(text: &str, tokens: &[(TokenId, Span)]) -> Option<String> {
    tokens.windows(2).find_map(|pair| match pair {
        [(T_EQL_REGEX | T_NEQ_REGEX, _), (T_STRING, literal)] => {
            let literal = &text[literal.start()..literal.end()];
            go_regex::oversized_repetition(literal).map(|why| {
                // The regex itself: a raw string's is quoted again by now, so its text would mislead.
                let regex = unquote(literal).unwrap_or_else(|_| literal.to_owned());
                format!("error parsing regexp `{regex}`: {why}")
            })
        }
        _ => None,
    })
}

/// A form feed or vertical tab between tokens: promql-parser takes them for white space, and
/// Prometheus' lexer refuses them (found by comparing the two on the fuzz corpus).
fn foreign_white_space(text: &str) -> Option<String> {
    if !text.contains(['\u{b}', '\u{c}']) {
        return None;
    }
    let literals = string_literals(text);
    let in_literal = |at: usize| literals.iter().any(|literal| literal.contains(&at));
    let in_comment = |at: usize| {
        let line = text[..at].rfind('\n').map_or(0, |newline| newline + 1);
        text[line..at]
            .match_indices('#')
            .any(|(hash, _)| !in_literal(line + hash))
    };
    let (_, found) = text
        .char_indices()
        .find(|&(at, c)| matches!(c, '\u{b}' | '\u{c}') && !in_literal(at) && !in_comment(at))?;
    Some(format!("unexpected character: {found:?}"))
}

/// How deeply an expression may nest brackets, and how many operators it may have. promql-parser
/// recurses once per level of the tree, and a chain of operators is a level each: 100,000
/// parentheses or `+` overflowed the main thread's stack in a release build. Both limits hold
/// with room to spare on a worker's 2 MiB in a debug build. Real rules stay far below them.
const MAX_NESTING: usize = 100;
const MAX_OPERATORS: usize = 1000;

fn too_deep(tokens: &[(TokenId, Span)]) -> Option<String> {
    let (mut depth, mut deepest, mut operators) = (0_usize, 0, 0);
    for &(kind, _) in tokens {
        match kind {
            T_LEFT_PAREN | T_LEFT_BRACKET | T_LEFT_BRACE => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            T_RIGHT_PAREN | T_RIGHT_BRACKET | T_RIGHT_BRACE => depth = depth.saturating_sub(1),
            _ if TokenType::new(kind).is_operator() => operators += 1,
            _ => {}
        }
    }
    if deepest > MAX_NESTING {
        Some(format!(
            "the expression nests {deepest} brackets deep, and promsite reads at most {MAX_NESTING}; split it with recording rules"
        ))
    } else if operators > MAX_OPERATORS {
        Some(format!(
            "the expression has {operators} operators, and promsite reads at most {MAX_OPERATORS}; split it with recording rules"
        ))
    } else {
        None
    }
}

/// promql-parser's parse, refusing too the regexes that it compiles with Rust's `regex` and
/// Prometheus' Go regexp does not (see [`go_regex`]).
fn parse_as_prometheus(text: &str) -> Result<Expr, String> {
    parse_checked(text, Regexes::Standalone)
}

fn parse_checked(text: &str, regexes: Regexes) -> Result<Expr, String> {
    let expr = promql_parser::parser::parse(text)?;
    let mut finder = GoRefusalFinder { found: None, regexes };
    let _ = walk_expr(&mut finder, &expr);
    finder.found.map_or(Ok(expr), Err)
}

/// The tokens of `text`, as promql-parser's lexer reads them.
fn tokens(text: &str) -> Result<Vec<(TokenId, Span)>, String> {
    Ok(lexer(text)?
        .iter()
        .filter_map(Result::ok)
        .map(|lexeme| (lexeme.tok_id(), lexeme.span()))
        .collect())
}

/// A duration or timestamp Prometheus refuses and promql-parser does not, or panics on (found by
/// fuzzing and by comparing with promtool):
/// - a range, subquery step or offset written as a number of seconds that no duration holds
///   (`x[1e400]`): promql-parser panics converting it. Prometheus keeps durations in int64
///   nanoseconds and refuses longer ones too;
/// - a range or subquery step of zero seconds (`x[0]`, `x[5m:0]`), which Prometheus refuses;
/// - a duration literal longer than int64 nanoseconds, anywhere (`x[7777777d]`, `2 * 7777777d`);
/// - an `@` timestamp past int64 seconds (`x @ 1e300`).
///
/// The parser does no error recovery, so only numbers right after these tokens become durations
/// or timestamps.
fn bad_time(text: &str, tokens: &[(TokenId, Span)]) -> Option<String> {
    let kind = |i: Option<usize>| i.and_then(|i| tokens.get(i)).map(|(kind, _)| *kind);
    tokens.iter().enumerate().find_map(|(i, &(token, span))| {
        let written = &text[span.start()..span.end()];
        let out_of_range = || Some(format!("duration `{written}` is out of range"));
        match token {
            T_DURATION
                if values::duration_millis(written)
                    .is_some_and(|millis| millis > u128::from(values::MAX_DURATION_MILLIS)) =>
            {
                out_of_range()
            }
            T_NUMBER => {
                let before = kind(i.checked_sub(1));
                // An offset or a timestamp may be signed.
                let after = |token| {
                    before == Some(token)
                        || (matches!(before, Some(T_ADD | T_SUB)) && kind(i.checked_sub(2)) == Some(token))
                };
                let length = matches!(before, Some(T_LEFT_BRACKET | T_COLON));
                let seconds = promql_parser::util::parse_str_radix(written).unwrap_or(f64::NAN);
                if (length || after(T_OFFSET)) && !(0.0..=MAX_DURATION_SECONDS).contains(&seconds) {
                    out_of_range()
                } else if after(T_AT) && (seconds.is_nan() || seconds >= MAX_INT64_AS_FLOAT) {
                    Some(format!("timestamp out of bounds for @ modifier: `{written}`"))
                } else if length && seconds == 0.0 {
                    Some("duration must be greater than 0".to_owned())
                } else {
                    None
                }
            }
            _ => None,
        }
    })
}

/// 2^63: the first float past `i64::MAX`, where Prometheus' int64 bounds start.
#[allow(clippy::cast_precision_loss)]
const MAX_INT64_AS_FLOAT: f64 = i64::MAX as f64;

/// The longest duration Prometheus represents, in seconds: `i64::MAX` nanoseconds.
const MAX_DURATION_SECONDS: f64 = MAX_INT64_AS_FLOAT / 1e9;

/// The parser's verdict on `text` as written, with Prometheus' feature gates.
fn verdict(text: &str) -> Checked<()> {
    verdict_with(text, parse)
}

/// [`verdict`] on a shape, whose numbers [`Memo::shape`] has checked already.
fn verdict_on_shape(shape: &str) -> Checked<()> {
    verdict_with(shape, parse_as_prometheus)
}

fn verdict_with(text: &str, parse: fn(&str) -> Result<Expr, String>) -> Checked<()> {
    let expr = parse(text).map_err(|e| {
        Problem::new(
            format!("invalid PromQL: {}", e.trim()),
            "fix the expression; `promtool check rules` and the Prometheus UI accept the same syntax",
        )
    })?;
    rule_result(&expr)?;
    let mut finder = ExperimentalFinder(None);
    // The visitor's error type is Infallible-like; it only records what it saw.
    let _ = walk_expr(&mut finder, &expr);
    if let Some(name) = finder.0 {
        return Err(Problem::new(
            format!("`{name}` is an experimental PromQL feature that Prometheus rejects by default"),
            "rewrite the expression without it; promsite does not enable Prometheus' experimental functions",
        ));
    }
    evaluable(&expr)
}

/// A rule's result must be an instant vector or a scalar. promtool accepts any, and Prometheus
/// fails every evaluation of a rule that is not.
fn rule_result(expr: &Expr) -> Checked<()> {
    let result = match expr.value_type() {
        ValueType::Vector | ValueType::Scalar => return Ok(()),
        ValueType::Matrix => "a range vector",
        ValueType::String => "a string",
    };
    Err(Problem::new(
        format!(
            "invalid PromQL: the expression's result is {result}; a rule's must be an instant vector or a scalar (Prometheus: \"rule result is not a vector or scalar\")"
        ),
        "apply a function over the range (`rate(x[5m])`, `max_over_time(x[1h:5m])`), or leave the range out",
    ))
}

/// What Prometheus refuses only when it evaluates an expression that parsed: a `label_replace`
/// regex, which it compiles anchored (`^(?s:…)$`) at each evaluation; an empty label name for
/// `label_replace`, `label_join` or `count_values` to write, or for `label_join` to read; a
/// `topk` or `bottomk` count past int64. promtool accepts such a rule, and then every evaluation
/// fails. A shape keeps these arguments as written, so its verdict holds for the expression.
fn evaluable(expr: &Expr) -> Checked<()> {
    let mut finder = EvaluationFailureFinder(None);
    let _ = walk_expr(&mut finder, expr);
    finder.0.map_or(Ok(()), |why| {
        Err(Problem::new(
            format!("invalid PromQL: {why}"),
            "fix it: promtool does not check this, and Prometheus would fail every evaluation of this rule",
        ))
    })
}

/// Finds the first argument that fails every evaluation, in Prometheus' words.
struct EvaluationFailureFinder(Option<String>);

impl ExprVisitor for EvaluationFailureFinder {
    type Error = ();

    fn pre_visit(&mut self, expr: &Expr) -> Result<bool, ()> {
        self.0 = match expr {
            Expr::Call(call) if matches!(call.func.name, "label_replace" | "label_join") => {
                let argument = |n: usize| call.args.args.get(n).and_then(|argument| string_literal(argument));
                let name = call.func.name;
                if argument(1).is_some_and(str::is_empty) {
                    Some(format!("invalid destination label name in {name}(): the name is empty"))
                } else if name == "label_replace" {
                    argument(4)
                        .and_then(label_replace_regex_refusal)
                        .map(|why| format!("invalid regular expression in label_replace(): {}", why.trim()))
                } else {
                    (3..call.args.args.len())
                        .any(|n| argument(n).is_some_and(str::is_empty))
                        .then(|| "invalid source label name in label_join(): the name is empty".to_owned())
                }
            }
            Expr::Aggregate(aggregate)
                if aggregate.op.id() == T_COUNT_VALUES
                    && aggregate
                        .param
                        .as_deref()
                        .and_then(string_literal)
                        .is_some_and(str::is_empty) =>
            {
                Some("invalid label name \"\" for count_values() to write".to_owned())
            }
            Expr::Aggregate(aggregate)
                if matches!(aggregate.op.id(), T_TOPK | T_BOTTOMK)
                    && aggregate
                        .param
                        .as_deref()
                        .and_then(number_literal)
                        .is_some_and(|k| k.is_nan() || k >= MAX_INT64_AS_FLOAT) =>
            {
                Some(format!(
                    "the count of {}() overflows int64, which fails each evaluation that has series to rank",
                    aggregate.op
                ))
            }
            _ => None,
        };
        Ok(self.0.is_none())
    }
}

/// The value of a number literal, in parentheses or not, and negated by unary minuses.
fn number_literal(expr: &Expr) -> Option<f64> {
    match expr {
        Expr::NumberLiteral(literal) => Some(literal.val),
        Expr::Paren(paren) => number_literal(&paren.expr),
        Expr::Unary(unary) => number_literal(&unary.expr).map(|value| -value),
        _ => None,
    }
}

/// The value of a string literal, in parentheses or not.
fn string_literal(mut expr: &Expr) -> Option<&str> {
    while let Expr::Paren(paren) = expr {
        expr = &paren.expr;
    }
    match expr {
        Expr::StringLiteral(literal) => Some(&literal.val),
        _ => None,
    }
}

/// Why Prometheus cannot compile `regex` as `label_replace` does. It anchors the regex, as
/// Alertmanager anchors a matcher's, so it is checked as a matcher's regex is.
fn label_replace_regex_refusal(regex: &str) -> Option<String> {
    if let Some(why) = go_regex::anchored_refusal(regex) {
        return Some(format!("error parsing regexp: {why}"));
    }
    let quoted = serde_json::to_string(regex).ok()?;
    parse_matcher_selector(&format!("x{{a=~{quoted}}}")).err()
}

/// Whether the shortcut is sound for `text`: it never accepts what the parser, given the text as
/// it is, refuses (the fuzz target's differential check). The same holds for texts that differ
/// from `text` only inside its string literals, checked with what `text` taught the memo.
pub(crate) fn shortcut_is_sound(text: &str) -> bool {
    // As `promql_with` does: the shape is found on the form the parser is given.
    let text = &*promql_parser_form(text);
    let mut memo = Memo::default();
    let mut sound = |text: &str| {
        let accepted = memo.shape(text).is_some_and(|shape| verdict_on_shape(&shape).is_ok());
        !accepted || verdict(text).is_ok()
    };
    let literals = string_literals(text);
    sound(text)
        && ["", "(", ".*"]
            .iter()
            .all(|contents| sound(&with_contents(text, &literals, contents)))
}

/// How many of `texts` are accepted, checked in order with one memo as a worker checks its share,
/// with the fast tier or without it (for the benchmark).
pub(crate) fn accepted_count<'a>(texts: impl IntoIterator<Item = &'a str>, fast: bool) -> usize {
    let mut memo = Memo::default();
    texts
        .into_iter()
        .filter(|text| promql_in_tiers(text, &mut memo, fast).is_ok())
        .count()
}

/// Whether the fast tier takes `text`, as [`promql_with`] asks it.
pub(crate) fn fast_takes(text: &str) -> bool {
    fast::accepts(&promql_parser_form(text), &mut Memo::default())
}

/// Whether the fast tier is sound on `text`: it never takes what the full check refuses (the fuzz
/// target's check; `promql_with` asks it about the same form of the text).
pub(crate) fn fast_is_sound(text: &str) -> bool {
    !fast_takes(text) || verdict(&promql_parser_form(text)).is_ok()
}

/// `text` with the contents of each string literal [`skeleton`] abstracts replaced by `contents`.
fn with_contents(text: &str, literals: &[Range<usize>], contents: &str) -> String {
    let mut variant = String::with_capacity(text.len());
    let mut copied = 0;
    for literal in literals.iter().filter(|literal| abstracted(&text[(*literal).clone()])) {
        variant.push_str(&text[copied..=literal.start]);
        variant.push_str(contents);
        copied = literal.end - 1;
    }
    variant.push_str(&text[copied..]);
    variant
}

/// What one thread has learnt about regex literals, skeletons and shapes.
#[derive(Debug, Default)]
pub(crate) struct Memo {
    /// Per regex literal (as written, quotes included): whether it is valid and an equality
    /// matcher with the same text would select the same (non-)empty values for the parser's
    /// "at least one non-empty matcher" rule.
    regexes: BTreeMap<String, bool>,
    /// Skeleton → the role of each of its string literals, or `None` if its texts have no shape.
    skeletons: BTreeMap<String, Option<Vec<Role>>>,
    /// Shape → whether the parser accepts it.
    shapes: BTreeMap<String, bool>,
    /// Per `label_replace` regex (its value): whether Prometheus compiles it (see [`fast`]).
    label_replace_regexes: BTreeMap<String, bool>,
}

/// The value every plain non-empty matcher value becomes in a shape.
const ANY_VALUE: &str = "\"x\"";

/// What a string literal is to [`Memo::shape`], as the lexer's tokens around it say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// The value of a regex matcher on a named label; its operator starts this many bytes before it.
    Regex { operator: usize },
    /// The value of an equality matcher on a named label.
    Equality,
    /// Anything else: a quoted label or metric name, a function's argument, a comparison's operand.
    Other,
}

impl Memo {
    /// The shape of `text`, or `None` when the verdict on it might differ from the verdict on `text`.
    ///
    /// Lexing is most of the cost, so it is done once per *skeleton*: the text with the contents
    /// of its string literals left out. promql-parser's lexer reads a literal's contents only for
    /// backslashes and the closing quote, so texts with the same skeleton lex to the same tokens,
    /// with the same literals where the scan found them (checked on the first text).
    fn shape(&mut self, text: &str) -> Option<String> {
        let literals = string_literals(text);
        let roles = self
            .skeletons
            .entry(skeleton(text, &literals))
            .or_insert_with(|| roles(text, &literals))
            .as_deref()?;
        let mut shape = String::with_capacity(text.len());
        let mut copied = 0;
        for (literal, role) in literals.iter().zip(roles) {
            let value = &text[literal.clone()];
            if let Role::Regex { operator } = *role {
                // A regex matcher kept as it is would be compiled: no shortcut then.
                if !equivalent(&mut self.regexes, value) {
                    return None;
                }
                let at = literal.start - operator;
                shape.push_str(&text[copied..at]);
                shape.push_str(if text[at..].starts_with('!') { "!=" } else { "= " });
                copied = at + 2;
            }
            // Equality values only matter to the parser by being empty, or by escapes it may refuse.
            if *role != Role::Other && value.len() > 2 && !value.contains('\\') && !value.chars().any(char::is_control)
            {
                shape.push_str(&text[copied..literal.start]);
                shape.push_str(ANY_VALUE);
                copied = literal.end;
            }
        }
        shape.push_str(&text[copied..]);
        Some(shape)
    }
}

/// The string literals of `text` (quotes included), found the way Prometheus' lexer finds them: a
/// quote opens one outside comments, and a backslash escapes the next character, except in a raw
/// (backtick) string. promql-parser's lexer escapes there too; the two agree on a raw string
/// without a backslash, the only kind [`promql_parser_form`] leaves.
fn string_literals(text: &str) -> Vec<Range<usize>> {
    scan_literals(text).0
}

/// [`string_literals`], and the quote of the literal that is never closed, if one is.
fn scan_literals(text: &str) -> (Vec<Range<usize>>, Option<u8>) {
    let bytes = text.as_bytes();
    let mut literals = Vec::new();
    let mut i = 0;
    while let Some(&byte) = bytes.get(i) {
        match byte {
            b'#' => i = text[i..].find('\n').map_or(bytes.len(), |end| i + end),
            b'"' | b'\'' | b'`' => {
                let start = i;
                i += 1;
                while let Some(&inner) = bytes.get(i).filter(|&&inner| inner != byte) {
                    i += if inner == b'\\' && byte != b'`' { 2 } else { 1 };
                }
                if i >= bytes.len() {
                    return (literals, Some(byte));
                }
                i += 1;
                literals.push(start..i);
            }
            _ => i += 1,
        }
    }
    (literals, None)
}

/// Whether [`skeleton`] leaves out the contents of `literal`: those without a backslash.
fn abstracted(literal: &str) -> bool {
    !literal.contains('\\')
}

/// `text` with the contents of its backslash-free string literals left out.
fn skeleton(text: &str, literals: &[Range<usize>]) -> String {
    with_contents(text, literals, "")
}

/// The role of each of `literals` in `text`, from its tokens; `None` if the text has no shape
/// (it does not lex, a number cannot be a duration, a regex matcher has no plain label name) or
/// the lexer's strings are not `literals`.
fn roles(text: &str, literals: &[Range<usize>]) -> Option<Vec<Role>> {
    let tokens = tokens(text).ok()?;
    // A unary `+` first: whether it is refused depends on the parse, which the literals' contents
    // can fail first (found by fuzzing), so a skeleton with one gets no shape. The rest of
    // `unparsable` reads numbers and tokens, which the shape keeps, so it holds for the shape too.
    if !unary_pluses(&tokens).is_empty() || unparsable(text, &tokens).is_some() {
        return None;
    }
    let strings = tokens
        .iter()
        .filter(|(kind, _)| *kind == T_STRING)
        .map(|(_, span)| span.start()..span.end());
    if !strings.eq(literals.iter().cloned()) {
        return None;
    }
    let mut roles = vec![Role::Other; literals.len()];
    for (i, &(kind, operator)) in tokens.iter().enumerate() {
        let regex = match kind {
            T_EQL_REGEX | T_NEQ_REGEX => true,
            T_EQL | T_NEQ => false,
            _ => continue,
        };
        let &(label_kind, label) = tokens.get(i.checked_sub(1)?)?;
        let named = label_kind == T_IDENTIFIER && &text[label.start()..label.end()] != "__name__";
        let value = tokens
            .get(i + 1)
            .filter(|(kind, _)| *kind == T_STRING && named)
            .map(|&(_, value)| value.start());
        if regex && value.is_none() {
            return None;
        }
        if let Some(start) = value {
            let index = literals.binary_search_by_key(&start, |literal| literal.start).ok()?;
            roles[index] = if regex {
                Role::Regex {
                    operator: start - operator.start(),
                }
            } else {
                Role::Equality
            };
        }
    }
    Some(roles)
}

/// Whether the regex `literal` is valid and, as an equality value, keeps the selector's verdict.
fn equivalent(regexes: &mut BTreeMap<String, bool>, literal: &str) -> bool {
    if let Some(&verdict) = regexes.get(literal) {
        return verdict;
    }
    let verdict = literal_regex::equivalent(literal).unwrap_or_else(|| compiled_equivalence(literal));
    regexes.insert(literal.to_owned(), verdict);
    verdict
}

/// [`equivalent`] by parsing `x{a=~LITERAL}`, which compiles the regex.
fn compiled_equivalence(literal: &str) -> bool {
    match parse(&format!("x{{a=~{literal}}}")) {
        Ok(Expr::VectorSelector(selector)) => selector.matchers.matchers.iter().any(|m| match &m.op {
            MatchOp::Re(regex) => regex.is_match("") == m.value.is_empty(),
            _ => false,
        }),
        _ => false,
    }
}

/// PromQL verdicts for many expressions, computed up front on every core: parsing, with the regex
/// compilation inside it, is most of the time it takes to check a site with thousands of rules.
#[derive(Debug, Default)]
pub(crate) struct PromqlVerdicts {
    computed: VerdictMap<Checked<()>>,
    /// For the expressions checked later (rule files, few rules): what they share is learnt once.
    /// Behind a lock so that the threads checking a large site's rule groups share it (it is
    /// seldom taken: those rules' verdicts are computed before).
    memo: std::sync::Mutex<Memo>,
}

impl PromqlVerdicts {
    /// Below this many distinct expressions, threads cost more than they save. Set as 64 when an
    /// expression cost about 30 µs; with the fast tier most cost about 1.4 µs, so the same work
    /// takes about 1,400. Whole `promsite check` processes showed no difference either way, from
    /// the seed site to 20,000 rules (the commit that set it has the numbers).
    const PARALLEL_FROM: usize = 1500;

    /// Checks each distinct expression once, on this thread, or on every core when there are many.
    /// The caller runs it beside the main thread's stages, so even the serial case is off the
    /// critical path.
    pub(crate) fn compute<'a>(expressions: impl IntoIterator<Item = &'a str>) -> Self {
        let distinct = crate::check::verdict_map::distinct(expressions);
        let threads = crate::parallel::threads_for(distinct.len(), Self::PARALLEL_FROM);
        let verdicts = crate::parallel::map_with(&distinct, threads, Memo::default, |memo, text| {
            ((*text).to_owned(), promql_with(text, memo))
        });
        Self {
            computed: verdicts.into_iter().collect(),
            memo: std::sync::Mutex::default(),
        }
    }

    /// Verdicts on each distinct expression of `expressions`, on this thread, learning in `memo`
    /// (a caller that works on many files on every core checks each file's rules in the same task
    /// as it parses the file).
    pub(crate) fn each<'a>(
        expressions: impl IntoIterator<Item = &'a str>,
        memo: &mut Memo,
    ) -> Vec<(String, Checked<()>)> {
        crate::check::verdict_map::distinct(expressions)
            .into_iter()
            .map(|text| (text.to_owned(), promql_with(text, memo)))
            .collect()
    }

    /// Whether the verdict on `text` was computed ahead.
    #[cfg(test)]
    pub(crate) fn knows(&self, text: &str) -> bool {
        self.computed.contains_key(text)
    }

    /// Adds verdicts computed elsewhere (by [`PromqlVerdicts::each`]).
    pub(crate) fn extend(&mut self, verdicts: impl IntoIterator<Item = (String, Checked<()>)>) {
        self.computed.extend(verdicts);
    }

    /// The verdict on `text`: computed before, or now.
    pub(crate) fn check(&self, text: &str) -> Checked<()> {
        match self.computed.get(text) {
            Some(verdict) => verdict.clone(),
            None => promql_with(
                text,
                &mut self.memo.lock().unwrap_or_else(std::sync::PoisonError::into_inner),
            ),
        }
    }
}

struct ExperimentalFinder(Option<String>);

impl ExprVisitor for ExperimentalFinder {
    type Error = ();

    fn pre_visit(&mut self, expr: &Expr) -> Result<bool, ()> {
        let name = match expr {
            Expr::Call(call) => Some(call.func.name.to_owned()),
            Expr::Aggregate(aggregate) => Some(aggregate.op.to_string()),
            _ => None,
        };
        if let Some(name) = name
            .filter(|n| EXPERIMENTAL_FUNCTIONS.contains(&n.as_str()) || EXPERIMENTAL_AGGREGATIONS.contains(&n.as_str()))
        {
            self.0.get_or_insert(name);
        }
        Ok(true)
    }
}

/// Finds the first regex matcher whose regex Go refuses, or the first call of a function that
/// Prometheus does not have ([`UNKNOWN_FUNCTIONS`]).
struct GoRefusalFinder {
    found: Option<String>,
    regexes: Regexes,
}

impl ExprVisitor for GoRefusalFinder {
    type Error = ();

    fn pre_visit(&mut self, expr: &Expr) -> Result<bool, ()> {
        let selector = match expr {
            Expr::VectorSelector(selector) => selector,
            Expr::MatrixSelector(matrix) => &matrix.vs,
            Expr::Call(call) if UNKNOWN_FUNCTIONS.contains(&call.func.name) => {
                self.found
                    .get_or_insert_with(|| format!("unknown function with name \"{}\"", call.func.name));
                return Ok(false);
            }
            _ => return Ok(self.found.is_none()),
        };
        let matchers = selector
            .matchers
            .matchers
            .iter()
            .chain(selector.matchers.or_matchers.iter().flatten());
        // The regex as promql-parser compiled it: anchored (`^(?:…)$`), and with each `{` that starts
        // no repetition escaped, as Go reads it.
        let mut compiled = matchers.filter_map(|m| match &m.op {
            MatchOp::Re(regex) | MatchOp::NotRe(regex) => Some((m, regex.as_str())),
            _ => None,
        });
        let standalone = |regex: &str| {
            let unanchored = regex.strip_prefix("^(?:").and_then(|rest| rest.strip_suffix(")$"));
            unanchored
                .filter(|_| self.regexes == Regexes::Standalone)
                .and_then(go_regex::unbalanced)
        };
        if self.found.is_none() {
            self.found = compiled.find_map(|(m, regex)| {
                standalone(regex)
                    .or_else(|| match self.regexes {
                        Regexes::Standalone => go_regex::refusal(regex),
                        Regexes::Anchored => go_regex::refusal_by_go_1_25(regex),
                    })
                    .map(|why| format!("error parsing regexp `{}`: {why}", m.value))
            });
        }
        Ok(self.found.is_none())
    }
}

/// A PromQL series selector (`up`, `{job="node"}`), as federation's `match[]` takes: no function,
/// operator, range, offset or `@`.
pub(crate) fn series_selector(text: &str) -> Checked<()> {
    let help = "write a series selector: a metric name, `{label=\"value\"}` or both, e.g. `{job=\"node\"}`";
    match parse(text) {
        Ok(Expr::VectorSelector(selector)) if selector.offset.is_none() && selector.at.is_none() => Ok(()),
        Ok(_) => Err(Problem::new(
            format!("`{text}` is not a series selector"),
            format!("{help}; federate the result of a recording rule instead of computing it here"),
        )),
        Err(e) => Err(Problem::new(format!("invalid PromQL: {}", e.trim()), help)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The cheap look never skips a text the full pass would rewrite: every expression of the
    /// repository with each of the rewritten forms (and near misses) put at one in 23 of its
    /// characters, and on its own.
    #[test]
    fn the_cheap_look_finds_every_text_the_form_rewrites() {
        const PIECES: [&str; 35] = [
            "1_000",
            "0x_ff",
            "0X_F_F",
            ".5_0",
            "1.5_0",
            "1e1_0",
            "1e+1_0",
            "1._5",
            "1e+_5",
            "0s",
            "00m",
            "0m0s",
            "0.0s",
            "0s5_0",
            "5m:0s",
            "[5m:0s]",
            "x offset 0s",
            "smoothed",
            "SMOOTHED",
            "Anchored",
            "smoothed(",
            "{smoothed=\"x\"}",
            ":smoothed",
            "a:smoothed",
            // A number's duration ends at the `:`, so the name after it starts there.
            "0.a:smoothed",
            "x_smoothed",
            "`\\d`",
            "\"\\d\"",
            "=~\"a\\.b\"",
            "1_",
            "1__0",
            "_1",
            "a5_0",
            "5",
            "# 0s 1_0",
        ];
        let (mut skipped, mut rewritten) = (0, 0);
        let mut check = |text: &str| {
            if matches!(rewritten_form(text), Cow::Owned(_)) {
                rewritten += 1;
                assert!(may_need_form(text), "{text}");
            } else if !may_need_form(text) {
                skipped += 1;
            }
        };
        for piece in PIECES {
            check(piece);
        }
        for (_, expr) in fast::tests::repository_expressions() {
            check(&expr);
            crate::test_texts::each_mutation(&expr, 23, &PIECES, &mut check);
        }
        // Both sides are exercised: many texts rewritten, and most plain ones skipped.
        assert!(
            rewritten > 1_000 && skipped > 1_000,
            "{rewritten} rewritten, {skipped} skipped"
        );
    }

    #[test]
    fn series_selectors() {
        for good in ["up", r#"{job="node"}"#, r#"node_load1{instance=~"db-.*"}"#] {
            assert!(series_selector(good).is_ok(), "{good:?} rejected");
        }
        for bad in ["rate(up[5m])", "up[5m]", "up offset 5m", "sum(up)", "up == 0", "{"] {
            assert!(series_selector(bad).is_err(), "{bad:?} accepted");
        }
    }

    /// promql-parser recurses once per level of the tree: the limits hold before a stack can
    /// overflow, checked here on a thread with Rust's default stack, as the workers have, in a
    /// debug build.
    #[test]
    fn deep_expressions_are_refused_before_they_overflow_the_stack() {
        let nested = |n: usize| format!("{}1{}", "(".repeat(n), ")".repeat(n));
        let chain = |n: usize| format!("1{}", "+1".repeat(n));
        let at_limits = format!(
            "{}{}{}",
            "(".repeat(MAX_NESTING),
            chain(MAX_OPERATORS),
            ")".repeat(MAX_NESTING)
        );
        let worker = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || promql(&at_limits).is_ok());
        assert!(
            worker.expect("spawns").join().expect("no overflow"),
            "an expression at the limits refused"
        );
        for deep in [
            nested(MAX_NESTING + 1),
            nested(100_000),
            format!("abs({}1{})", "-(".repeat(MAX_NESTING), ")".repeat(MAX_NESTING)),
        ] {
            assert!(
                promql(&deep).is_err_and(|p| p.message.contains("brackets deep")),
                "{} accepted",
                &deep[..20]
            );
        }
        for long in [chain(MAX_OPERATORS + 1), chain(100_000)] {
            assert!(
                promql(&long).is_err_and(|p| p.message.contains("operators")),
                "{} accepted",
                &long[..20]
            );
        }
    }

    #[test]
    fn promql_accepts_the_seed_and_rejects_garbage() {
        assert!(promql(r#"changes(kube_pod_container_status_restarts_total{namespace="default"}[3m]) * on (pod) group_left(node) kube_pod_info > 0"#).is_ok());
        assert!(promql("rate(x[5m]) >").is_err());
        assert!(promql("sum(rate(x[5m])").is_err());
        assert!(promql("sort_by_label(up, \"job\")").is_err());
        assert!(promql("rate(x[300])").is_ok());
        assert!(promql("x offset -60").is_ok());
    }

    /// promtool accepts these, and Prometheus fails every evaluation (`promtool test rules`, as
    /// `tests/it/tools.rs` checks).
    #[test]
    fn what_prometheus_checks_only_when_it_evaluates_is_checked() {
        for (text, refused) in [
            (
                r#"sum(label_replace(up, "a", "$1", "job", ("(")))"#,
                Some("invalid regular expression in label_replace(): illegal regex for ("),
            ),
            (
                r#"label_replace(up, "a", "$1", "job", "x{1001}")"#,
                Some(
                    "invalid regular expression in label_replace(): error parsing regexp `x{1001}`: invalid repeat count",
                ),
            ),
            (
                r#"label_replace(up, "", "$1", "job", "(.*)")"#,
                Some("invalid destination label name in label_replace(): the name is empty"),
            ),
            (
                r#"1 + label_join(up, (""), ",", "job")"#,
                Some("invalid destination label name in label_join(): the name is empty"),
            ),
            (
                r#"count_values by (job) ("", up)"#,
                Some("invalid label name \"\" for count_values() to write"),
            ),
            (
                r#"label_replace(up, "a", "$1", "job", "{(.*)}") or label_replace(up, "a", "$1", "job", "a)|(b")"#,
                None,
            ),
            (
                r#"label_join(up, "a", ",", "job", "")"#,
                Some("invalid source label name in label_join(): the name is empty"),
            ),
            (
                r#"label_join(up, "a", "", "job") + count_values("1a", up) + label_replace(up, "a", "$1", "", "(.*)")"#,
                None,
            ),
            ("topk(-(-1e100), up)", Some("the count of topk() overflows int64")),
            ("bottomk((NaN), up)", Some("the count of bottomk() overflows int64")),
            (
                "topk(9223372036854775000, up) + bottomk(-Inf, up) + topk(scalar(up) * 1e100, up)",
                None,
            ),
            ("rate(x[5m])[1h:1m]", Some("the expression's result is a range vector")),
            ("(x[5m])", Some("the expression's result is a range vector")),
            (r#""a""#, Some("the expression's result is a string")),
            ("-1 + vector(1)", None),
        ] {
            let found = promql(text).err().map(|problem| problem.message);
            match refused {
                Some(words) => assert!(
                    found
                        .as_deref()
                        .is_some_and(|f| f.starts_with(&format!("invalid PromQL: {words}"))),
                    "{text}: {found:?}"
                ),
                None => assert_eq!(found, None, "{text}"),
            }
        }
    }

    /// Prometheus keeps an `@` timestamp's seconds within int64; promql-parser takes any number.
    #[test]
    fn timestamps_past_int64_seconds_are_refused() {
        for text in [
            "x @ 9.3e18",
            "rate(x[5m] @ -1e300)",
            "x @ - 0x8000000000000000",
            "x @ NaN",
        ] {
            assert!(
                promql(text).is_err_and(|p| p
                    .message
                    .starts_with("invalid PromQL: timestamp out of bounds for @ modifier")),
                "{text}"
            );
        }
        assert!(promql("x @ 9.2e18 + x @ -9.2e18 + x @ start()").is_ok());
    }

    /// promql-parser panics converting these to durations (found by fuzzing).
    #[test]
    fn durations_no_duration_holds_are_refused() {
        for text in [
            "-x[77777777777777777777777777777777777775]",
            "x[1e400]",
            "x[5m:1e30]",
            "x offset 1e20",
            "x offset - Inf",
            "x offset NaN",
            "rate(x[0x7fffffffffffffffff])",
        ] {
            let problem = promql(text).expect_err(text);
            assert!(problem.message.contains("out of range"), "{text}: {}", problem.message);
        }
        // The lexer refuses these before any duration is made.
        assert!(promql("x[Inf]").is_err() && promql("x[NaN]").is_err());
        // promql-parser takes these, promtool does not (found by comparing the two on the corpus).
        for text in [
            "rate(x[7777777d])",
            "x offset 106752d",
            "17888 * 7777777d",
            "rate(x[9223372036855ms])",
        ] {
            assert!(
                promql(text).is_err_and(|p| p.message.contains("out of range")),
                "{text}"
            );
        }
        for text in [
            "rate(x[0])",
            "rate(x[0.0])",
            "rate(x[0:5m])",
            "max_over_time(x[5m:00])",
            ":2[0:5]",
        ] {
            assert!(
                promql(text).is_err_and(|p| p.message.contains("greater than 0")),
                "{text}"
            );
        }
        for text in [
            "rate(x[106751d])",
            "x offset 0",
            "rate(x[0.0000000001])",
            "x offset -60",
        ] {
            assert!(promql(text).is_ok(), "{text}");
        }
    }

    /// Both found by comparing with promtool on the fuzz corpus.
    #[test]
    fn unary_plus_and_standalone_regexes_are_checked_as_prometheus_checks_them() {
        for text in ["+x[5m]", "changes(+x[5m])", "rate(x[5m]) + +y[1m:]"] {
            assert!(
                promql(text).is_err_and(|p| p.message.contains("unary expression only allowed")),
                "{text}"
            );
        }
        for text in [
            "+x",
            "1 + +2",
            "x offset +5m",
            "sum(+x)",
            "x @ start()",
            "rate(x[5m] @ end())",
            "start + 1",
        ] {
            assert!(promql(text).is_ok(), "{text}");
        }
        for text in ["start()", " end() ", "sum(start())"] {
            assert!(
                promql(text).is_err_and(|p| p.message.contains("only follow `@`")),
                "{text}"
            );
        }
        // Prometheus reads a matcher's regex on its own before anchoring it; Alertmanager does not.
        for (text, words) in [(r#"foo{a=~"a)|(b"}"#, "unexpected `)`"), (r#"foo{a=~"(a"}"#, "")] {
            assert!(promql(text).is_err_and(|p| p.message.contains(words)), "{text}");
        }
        assert!(parse_matcher_selector(r#"m{a=~"a)|(b"}"#).is_ok());
    }

    /// promql-parser knows these, Prometheus 3.5 does not (each checked with promtool 3.5.3 in
    /// `tests/it/tools.rs`).
    #[test]
    fn what_prometheus_3_5_does_not_have_is_refused_in_its_words() {
        for (text, words) in [
            (
                "histogram_quantiles(x, \"q\", 0.5)",
                "unknown function with name \"histogram_quantiles\"",
            ),
            ("max_of(1m, 2m) + min_of(1, 2)", "unknown function with name \"max_of\""),
            ("sum(integral(x[5m]))", "unknown function with name \"integral\""),
            ("start_timestamp(x)", "unknown function with name \"start_timestamp\""),
            ("range() + step()", "unknown function with name \"range\""),
            (
                "first_over_time(x[5m])",
                "unknown function with name \"first_over_time\"",
            ),
            (
                "ts_of_first_over_time(x[5m])",
                "unknown function with name \"ts_of_first_over_time\"",
            ),
            (
                r#"x{a="b" or c="d"}"#,
                r#"unexpected identifier "or" in label matching, expected "," or "}""#,
            ),
            (
                r#"rate({a="b", c="d" OR e="f"}[5m])"#,
                r#"unexpected identifier "OR" in label matching"#,
            ),
            ("x + fill(0) y", "unknown function with name \"fill\""),
            (
                "x * on (a) group_left fill_right (1) y",
                "unknown function with name \"fill_right\"",
            ),
            ("fill_left(x)", "unknown function with name \"fill_left\""),
        ] {
            assert!(
                promql(text).is_err_and(|p| p.message.starts_with(&format!("invalid PromQL: {words}"))),
                "{text}: {:?}",
                promql(text)
            );
            assert!(shortcut_is_sound(text) && fast_is_sound(text), "{text}");
        }
        // Still experimental (behind a flag) in Prometheus 3.5, not unknown.
        assert!(promql("ts_of_last_over_time(x[5m])").is_err_and(|p| p.message.contains("experimental")));
        for text in [
            r#"x{a="b", or="c"} or x{or="d"}"#,
            "fill + fill_left * fill_right",
            "sum by (fill, step, range) (x)",
            "step + range",
        ] {
            assert!(promql(text).is_ok(), "{text}: {:?}", promql(text));
        }
    }

    /// Prometheus 3.5 reads these and promql-parser alone does not (checked with promtool 3.5.3 in
    /// `tests/it/tools.rs`).
    #[test]
    fn names_and_zero_offsets_prometheus_reads_are_accepted() {
        for (text, form) in [
            ("x offset 0s", "x offset 0 "),
            ("rate(x[5m] offset 0m0s) + 0ms", "rate(x[5m] offset 0   ) + 0  "),
            ("x[0s]", "x[0 ]"),
            ("x offset 10s + x_0s + 0x0", "x offset 10s + x_0s + 0x0"),
            ("sum by (smoothed) (anchored)", "sum by (smoothe_) (anchore_)"),
            (
                "SMOOTHED + Anchored:x + x{anchored=\"smoothed\"}",
                "SMOOTHE_ + Anchored:x + x{anchored=\"smoothed\"}",
            ),
            ("smoothed (x) + smoothed", "smoothed (x) + smoothe_"),
            ("smoothed + smoothe_", "smoothed + smoothe_"),
            ("anchored # smoothed", "anchore_ # smoothed"),
        ] {
            assert_eq!(promql_parser_form(text), form, "{text}");
        }
        for text in [
            "x offset 0s",
            "x offset -0s + x offset 0d + x @ 0s + topk(0s, x)",
            "rate(x[5m] offset 0s)",
            "smoothed",
            "sum by (smoothed) (rate(anchored{a=\"b\"}[5m] offset 5m))",
            "x * on (smoothed) group_left (Anchored) y unless ignoring (ANCHORED) smoothed",
            "max_over_time(smoothed[5m:1m]) > bool 0",
        ] {
            assert!(promql(text).is_ok(), "{text}: {:?}", promql(text));
            assert!(shortcut_is_sound(text) && fast_is_sound(text), "{text}");
        }
        for (text, words) in [
            ("x[0s]", "duration must be greater than 0"),
            ("x[5m:0m]", "duration must be greater than 0"),
            ("smoothed(x)", ""),
            ("x[5m] smoothed", ""),
            // A message names what was written, not the neutral name.
            (
                "x + on (smoothed) group_left (smoothed) y",
                "label 'smoothed' must not occur in ON and GROUP clause at once",
            ),
        ] {
            assert!(
                promql(text).is_err_and(|p| p.message.contains(words)),
                "{text}: {:?}",
                promql(text)
            );
        }
        assert_eq!(
            as_written("a 'Smoothe_' b 'ANCHORE_'".to_owned()),
            "a 'Smoothed' b 'ANCHORED'"
        );
    }

    #[test]
    fn numbers_with_underscores_are_written_without_them() {
        for (text, form) in [
            ("up > 1_000_000", "up > 1000000  "),
            ("0x_ff + .5_0e1_0", "0xff  + .50e10  "),
            ("max_over_time(x[5m:1_0])", "max_over_time(x[5m:10 ])"),
            ("x_1_0{a=\"1_0\"} # 1_0", "x_1_0{a=\"1_0\"} # 1_0"),
            ("1__0 + 1_ + 1_0m + 1._5 + 0x1_0.8", "1__0 + 1_ + 1_0m + 1._5 + 0x1_0.8"),
        ] {
            assert_eq!(promql_parser_form(text), form, "{text}");
        }
        assert!(promql("node_filesystem_avail_bytes < 1_000_000_000").is_ok());
        assert!(promql("x > 1__0").is_err());
    }

    /// In Go's PromQL a backtick string is raw: promql-parser reads escapes in it, so it is given
    /// the double-quoted string with the same value. Verdicts checked against promtool in
    /// `tests/it/tools.rs`.
    /// promql-parser's unquoting panics on an escaped multi-byte character (found by fuzzing the
    /// matcher checker): such a literal is refused, never unquoted.
    #[test]
    fn an_escaped_multi_byte_character_is_refused_without_a_panic() {
        assert!(unquote("\"it\\\u{7ab76}Rht\"").is_err());
        assert!(unquote("'\\é'").is_err());
        assert_eq!(unquote("`a\\é`").as_deref(), Ok("a\\é"));
        assert_eq!(unquote("\"a\\\\é\"").as_deref(), Ok("a\\é"));
        assert!(!crate::check::fuzz::matcher("szverty=~\"w]\0it\\\u{7ab76}Rht)ap\"5h\0"));
        assert!(!crate::check::fuzz::promql("x{a=~\"\\é\"}"));
    }

    #[test]
    fn raw_strings_are_read_without_escapes() {
        for (text, form) in [
            (r"x{a=`\d`}", r#"x{a="\\d"}"#),
            (r#"x{a=`a"\`, b=`\`}"#, r#"x{a="a\"\\", b="\\"}"#),
            ("x{a=`\\\n`}", r#"x{a="\\\n"}"#),
            // Without a backslash promql-parser reads it as Prometheus does: left as written.
            (r#"x{a=`"é"`} # `\d`"#, r#"x{a=`"é"`} # `\d`"#),
            // A double-quoted string keeps its escapes; the backtick inside it opens nothing.
            (r#"x{a="`\\"}"#, r#"x{a="`\\"}"#),
        ] {
            assert_eq!(promql_parser_form(text), form, "{text}");
        }
        for good in [
            r#"label_replace(up, "host", "$1", "instance", `(.*):\d+`)"#,
            r"x{a=~`\d+\.\w`, b!~`\s`}",
            r"x{a=`\q`} + x{a=`a\`}",
            r"label_join(x, `a\b`, `,`, `\`) + count_values(`\d`, x)",
            r#"{`__name__`="x", `a.b`=`\d`}"#,
        ] {
            assert!(promql(good).is_ok(), "{good}: {:?}", promql(good).err());
            assert!(shortcut_is_sound(good), "{good}");
        }
        for (bad, words) in [
            (r"x{a=`\``}", "unterminated"),
            (r"x{a=`\d", "unterminated"),
            (r"x{a=~`\x`}", ""),
            (r"x{a=~`\d{1001}`}", r"error parsing regexp `\d{1001}`"),
            (r#"label_replace(up, "a", "$1", "b", `\d(`)"#, "label_replace"),
            (r#"label_join(up, "a", ",", "b", ``)"#, "the name is empty"),
        ] {
            assert!(
                promql(bad).is_err_and(|p| p.message.contains(words)),
                "{bad}: {:?}",
                promql(bad)
            );
        }
        // What the checks after the parse read is the raw value, backslashes as written.
        let Ok(Expr::Call(call)) = parse(r#"label_replace(x, `a\`, "$1", "b", `(.*):\d+`)"#) else {
            panic!("label_replace parses");
        };
        let arguments: Vec<_> = call.args.args.iter().filter_map(|a| string_literal(a)).collect();
        assert_eq!(arguments, [r"a\", "$1", "b", r"(.*):\d+"]);
        let Ok(Expr::VectorSelector(selector)) = parse(r#"x{a=`\d"`, `b\`=~`\.`}"#) else {
            panic!("the selector parses");
        };
        let matchers: Vec<_> = selector
            .matchers
            .matchers
            .iter()
            .map(|m| (m.name.as_str(), m.value.as_str()))
            .collect();
        assert!(
            matchers.contains(&("a", r#"\d""#)) && matchers.contains(&(r"b\", r"\.")),
            "{matchers:?}"
        );
        let mut memo = Memo::default();
        for value in [r"\d", r"\w", "x", r"\"] {
            let text = format!("x{{a=`{value}`, b=~`{value}.*`}}");
            assert_eq!(promql_with(&text, &mut memo).is_ok(), verdict(&text).is_ok(), "{text}");
        }
    }

    #[test]
    fn form_feeds_and_vertical_tabs_are_white_space_only_to_promql_parser() {
        for text in ["\u{c}up", "up\u{b}", "sum(up)\u{c}by(job)"] {
            assert!(
                promql(text).is_err_and(|p| p.message.contains("unexpected character")),
                "{text:?}"
            );
        }
        for text in ["up{a=\"\u{c}\"}", "up # a comment with \u{c}", "up{a='#'}\n# \u{b}"] {
            assert!(promql(text).is_ok(), "{text:?}");
        }
    }

    #[test]
    fn regex_matchers_keep_their_verdicts() {
        for good in [
            r#"rate(x{code=~"5.."}[5m])"#,
            r#"{a=~".+"}"#,
            r#"{a!~"x", b="y"}"#,
            r#"up{job=~"a|b"} or up{job!~"c"}"#,
            r#"{a=~"x", b=~"x"}"#,
        ] {
            assert!(promql(good).is_ok(), "{good:?} rejected");
        }
        for bad in [
            r#"{a=~".*"}"#,
            r#"{a=~""}"#,
            r#"{a!~"x"}"#,
            r#"up{a=~"("}"#,
            r#"x{__name__=~"y"}"#,
            r#"{a=~".*", b!~".+"}"#,
        ] {
            assert!(promql(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn a_family_of_rules_is_parsed_once() {
        let mut memo = Memo::default();
        // The fast tier takes these and learns only the regex.
        for job in ["svc-1", "svc-2", "svc-3"] {
            assert!(promql_with(&format!(r#"rate(x{{job="{job}",code=~"5.."}}[5m]) > 0.1"#), &mut memo).is_ok());
        }
        assert!(memo.shapes.is_empty() && memo.regexes.len() == 1, "{memo:?}");
        // A hexadecimal number is outside its subset: the memo answers.
        for job in ["svc-1", "svc-2", "svc-3"] {
            assert!(promql_with(&format!(r#"rate(x{{job="{job}",code=~"5.."}}[5m]) > 0x1"#), &mut memo).is_ok());
        }
        assert_eq!(memo.shapes.len(), 1, "{:?}", memo.shapes);
        // They differ only inside string literals: one skeleton, lexed once.
        assert_eq!(memo.skeletons.len(), 1, "{:?}", memo.skeletons);
        // A rejected shape is parsed again as written, so the message names the real text.
        let problem = promql_with(r#"x{job="svc-4"} +"#, &mut memo).expect_err("incomplete");
        assert!(problem.message.contains("invalid PromQL"), "{}", problem.message);
        // Empty values and escapes keep their text: the parser judges them.
        assert!(promql_with(r#"{job=""}"#, &mut memo).is_err());
        assert!(promql_with(r#"{job="\q"}"#, &mut memo).is_err());
        assert!(promql_with(r#"{job="\\q"}"#, &mut memo).is_ok());
    }

    /// Whether Prometheus refuses a unary `+` depends on the parse, and so on the literals'
    /// contents: a first text refused for another reason must not vouch for the skeleton (found
    /// by fuzzing: the corpus input `+"⏎}}{{}}"` taught the memo the skeleton of `+""`).
    #[test]
    fn a_unary_plus_is_judged_on_each_text() {
        for first in [r#"+x{a=""}[5m]"#, "+\"\n\""] {
            let mut memo = Memo::default();
            assert!(promql_with(first, &mut memo).is_err(), "{first:?}");
            for later in [r#"+x{a="b"}[5m]"#, r#"+"b""#, r#"+"""#] {
                assert_eq!(
                    promql_with(later, &mut memo).is_ok(),
                    parse(later).is_ok(),
                    "{later:?} after {first:?}"
                );
            }
        }
        assert!(shortcut_is_sound("+\"\n}}{{}}\""));
    }

    /// Expressions not computed up front (rule files, small sites) share one memo (these with a
    /// hexadecimal number, which the fast tier leaves to it).
    #[test]
    fn later_checks_share_what_was_learnt() {
        let verdicts = PromqlVerdicts::compute([]);
        for job in ["a", "b", "c"] {
            assert!(
                verdicts
                    .check(&format!(r#"up{{job="{job}",code=~"5.."}} == 0x0"#))
                    .is_ok()
            );
        }
        assert_eq!(verdicts.memo.lock().expect("not poisoned").shapes.len(), 1);
        assert_eq!(verdicts.memo.lock().expect("not poisoned").regexes.len(), 1);
    }

    /// Selectors built from metric names, labels, operators and regex literals, valid or not, in
    /// a few surrounding expressions.
    fn expressions() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        use proptest::sample::select;
        let matcher = (
            select(vec!["a", "b", "__name__", "job"]),
            select(vec!["=~", "!~", "=", "!=", " =~ "]),
            select(vec![
                r#""""#,
                r#"".*""#,
                r#"".+""#,
                r#""5..""#,
                r#""(""#,
                r#""a|b""#,
                "`x*`",
                "'y'",
                r"'\\d+'",
                r#""x{2}""#,
                r#""[""#,
                r#""\q""#,
                r#""é\"""#,
                "``",
                r"`\d+`",
                r"`\`",
                r#"`"\.`"#,
            ]),
        );
        let selector = (
            select(vec!["", "up", "x"]),
            proptest::collection::vec(matcher, 0..4),
            select(vec![",", " or "]),
            select(vec!["", "[5m]", "[1e400]", "[5m:1e30]", " offset -1e20"]),
        )
            .prop_map(|(name, matchers, joint, range)| {
                let matchers: Vec<String> = matchers
                    .into_iter()
                    .map(|(label, op, literal)| format!("{label}{op}{literal}"))
                    .collect();
                format!("{name}{{{}}}{range}", matchers.join(joint))
            });
        (
            selector,
            select(vec![
                "{}",
                "rate({})",
                "sum by (a) ({}) > 1",
                "{} or up",
                "({}",
                r#"{} != "v""#,
                "+{}",
                "1 + +{}",
                r#"label_replace({}, "a", "$1", "b", "(")"#,
                r#"label_join({}, "a", "", "")"#,
                "topk(1e100, {})",
            ]),
        )
            .prop_map(|(selector, shape)| shape.replacen("{}", &selector, 1))
    }

    proptest::proptest! {
        /// The regex shortcut never changes a verdict: the same answer as parsing the text as it is.
        #[test]
        fn the_regex_shortcut_agrees_with_the_parser(text in expressions()) {
            // No experimental function is in the mix, so the verdicts must be the slow path's: the
            // parser's, and the checks on what it parsed.
            proptest::prop_assert_eq!(promql(&text).is_ok(), verdict(&text).is_ok(), "{:?}", text);
        }

        /// Nor does what one memo learnt from other texts, most of which share a skeleton.
        #[test]
        fn a_shared_memo_agrees_with_the_parser(texts in proptest::collection::vec(expressions(), 1..24)) {
            let mut memo = Memo::default();
            for text in &texts {
                proptest::prop_assert_eq!(promql_with(text, &mut memo).is_ok(), verdict(text).is_ok(), "{:?} after {:?}", text, texts);
            }
        }

        /// The fuzz target's differential check holds on these texts too.
        #[test]
        fn the_fuzz_check_holds(text in expressions()) {
            proptest::prop_assert!(shortcut_is_sound(&text), "{:?}", text);
        }
    }
}
