//! The first tier of the PromQL check: a hand-written acceptor for the PromQL that rules are
//! usually written in, which answers only "is this text certainly accepted?".
//!
//! promql-parser lexes into a vector of tokens, runs an LR parser and allocates a tree; on a site
//! whose every rule has its own skeleton that is most of a check. This reads the text once, keeps
//! no tree (each node is reduced to its type and the little the later checks read), and allocates
//! nothing unless a regex literal or a `label_replace` regex is new to the memo.
//!
//! It is sound by construction only where it is sure: everything outside the subset below, and
//! any doubt (a keyword as a name, an escape, a number or duration spelling the two lexers might
//! read differently, a type rule it does not model), is a `false`, and the full check runs as
//! before, with its messages. Accepting means that [`super::verdict`] accepts: promql-parser's
//! grammar and `check_ast`, `unparsable`, the Go regex checks, `rule_result`, the experimental
//! feature gates and `evaluable`. Property, corpus and fuzz tests hold it to that.
//!
//! The subset: selectors with a metric name and/or `=`, `!=`, `=~`, `!~` matchers on plain label
//! names; ranges, subqueries and `offset` with unit durations; number and string literals;
//! parentheses and unary `-`; every binary operator with `bool`, `on`/`ignoring` and
//! `group_left`/`group_right`; the aggregations but the experimental `limitk` and `limit_ratio`;
//! the functions of [`FUNCTIONS`]; `#` comments outside braces and brackets.

use super::{MAX_INT64_AS_FLOAT, Memo, equivalent, label_replace_regex_refusal};
use crate::check::syntax::values::MAX_DURATION_MILLIS;

/// Whether the full check certainly accepts `text` (in the form [`super::promql_parser_form`]
/// gives): `false` means "not known", never "refused".
pub(super) fn accepts(text: &str, memo: &mut Memo) -> bool {
    // Both lexers differ on these two (see `foreign_white_space`): not worth modelling.
    if text.bytes().any(|b| matches!(b, b'\x0b' | b'\x0c')) {
        return false;
    }
    let mut parser = Parser {
        text,
        bytes: text.as_bytes(),
        at: 0,
        depth: 0,
        operators: 0,
        memo,
    };
    let Some(result) = parser.expr(0) else {
        return false;
    };
    parser.skip_space();
    // A rule's result must be an instant vector or a scalar (`rule_result`).
    parser.at == parser.bytes.len() && matches!(result.kind, Type::Scalar | Type::Vector)
}

/// Far below `MAX_NESTING` and `MAX_OPERATORS`, which promql-parser's recursion needs: nothing
/// near them is decided here, and this parser's own recursion stays shallow.
const MAX_DEPTH: usize = 40;
const MAX_OPERATORS: usize = 400;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Type {
    Scalar,
    Vector,
    Matrix,
    String,
}

/// What is known of a parsed expression: its type, and what the later checks look at.
#[derive(Clone, Copy, Debug)]
struct Value<'t> {
    kind: Type,
    node: Node<'t>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Node<'t> {
    /// A vector selector, a matrix selector or a subquery, and whether it has an offset.
    Selector {
        offset: bool,
    },
    Range {
        offset: bool,
    },
    Subquery {
        offset: bool,
    },
    /// A number literal, maybe in parentheses or negated: `evaluable` reads a `topk` count.
    Number(f64),
    /// A string literal as written (no parentheses), and its value.
    Text(&'t str),
    Other,
}

impl<'t> Value<'t> {
    const fn new(kind: Type, node: Node<'t>) -> Self {
        Self { kind, node }
    }

    fn instant(self) -> bool {
        matches!(self.kind, Type::Scalar | Type::Vector)
    }
}

/// A binary operator and its precedence, lowest first (promql-parser's `%left`/`%right` list).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Operator {
    Or,
    And,
    Unless,
    Comparison,
    Additive,
    Multiplicative,
    Power,
}

impl Operator {
    const fn precedence(self) -> u8 {
        match self {
            Self::Or => 1,
            Self::And | Self::Unless => 2,
            Self::Comparison => 3,
            Self::Additive => 4,
            Self::Multiplicative => 5,
            Self::Power => 6,
        }
    }

    const fn set(self) -> bool {
        matches!(self, Self::Or | Self::And | Self::Unless)
    }
}

/// Unary minus binds as `*` does (`%prec MUL`): its operand takes only `^` and postfixes.
const UNARY_OPERAND: u8 = Operator::Power.precedence();

/// What follows a binary operator.
#[derive(Default)]
struct Modifiers<'t> {
    bool: bool,
    /// `on` or `ignoring` was written; with `on`, its labels.
    matching: bool,
    on: Vec<&'t str>,
    /// `group_left` or `group_right` was written, with these labels.
    group: Option<Vec<&'t str>>,
}

/// Keywords of promql-parser's lexer (matched case-insensitively, as it does). A word that is
/// one is never taken for a name here, whatever the grammar would make of it.
const KEYWORDS: &[&str] = &[
    "and",
    "or",
    "unless",
    "atan2",
    "sum",
    "avg",
    "count",
    "min",
    "max",
    "group",
    "stddev",
    "stdvar",
    "topk",
    "bottomk",
    "count_values",
    "quantile",
    "limitk",
    "limit_ratio",
    "offset",
    "by",
    "without",
    "on",
    "ignoring",
    "group_left",
    "group_right",
    "bool",
    "smoothed",
    "anchored",
    "fill",
    "fill_left",
    "fill_right",
    "start",
    "end",
    "step",
    "inf",
    "nan",
];

fn keyword(word: &str) -> bool {
    KEYWORDS.iter().any(|keyword| keyword.eq_ignore_ascii_case(word))
}

/// Arity as promql-parser's function table writes it: the argument types, and how many of the
/// last may be left out (`Optional`) or repeated (`Repeated`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Arity {
    Exact,
    Optional,
    Repeated,
}

/// The functions taken here, with promql-parser's signatures: those Prometheus 3.5 has without a
/// feature flag, and not `exp`/`ln`/`log2`/`log10`, whose argument types promql-parser skips for
/// some literals.
#[rustfmt::skip]
const FUNCTIONS: &[(&str, &[Type], Arity, Type)] = {
    use Arity::{Exact, Optional, Repeated};
    use Type::{Matrix as M, Scalar as S, String as T, Vector as V};
    &[
        ("abs", &[V], Exact, V), ("absent", &[V], Exact, V), ("absent_over_time", &[M], Exact, V),
        ("acos", &[V], Exact, V), ("acosh", &[V], Exact, V), ("asin", &[V], Exact, V),
        ("asinh", &[V], Exact, V), ("atan", &[V], Exact, V), ("atanh", &[V], Exact, V),
        ("avg_over_time", &[M], Exact, V), ("ceil", &[V], Exact, V), ("changes", &[M], Exact, V),
        ("clamp", &[V, S, S], Exact, V), ("clamp_max", &[V, S], Exact, V), ("clamp_min", &[V, S], Exact, V),
        ("cos", &[V], Exact, V), ("cosh", &[V], Exact, V), ("count_over_time", &[M], Exact, V),
        ("days_in_month", &[V], Optional, V), ("day_of_month", &[V], Optional, V),
        ("day_of_week", &[V], Optional, V), ("day_of_year", &[V], Optional, V), ("deg", &[V], Exact, V),
        ("delta", &[M], Exact, V), ("deriv", &[M], Exact, V), ("floor", &[V], Exact, V),
        ("histogram_avg", &[V], Exact, V), ("histogram_count", &[V], Exact, V),
        ("histogram_fraction", &[S, S, V], Exact, V), ("histogram_quantile", &[S, V], Exact, V),
        ("histogram_stddev", &[V], Exact, V), ("histogram_stdvar", &[V], Exact, V),
        ("histogram_sum", &[V], Exact, V), ("hour", &[V], Optional, V), ("idelta", &[M], Exact, V),
        ("increase", &[M], Exact, V), ("irate", &[M], Exact, V),
        ("label_join", &[V, T, T, T], Repeated, V), ("label_replace", &[V, T, T, T, T], Exact, V),
        ("last_over_time", &[M], Exact, V), ("max_over_time", &[M], Exact, V),
        ("min_over_time", &[M], Exact, V), ("minute", &[V], Optional, V), ("month", &[V], Optional, V),
        ("pi", &[], Exact, S), ("predict_linear", &[M, S], Exact, V), ("present_over_time", &[M], Exact, V),
        ("quantile_over_time", &[S, M], Exact, V), ("rad", &[V], Exact, V), ("rate", &[M], Exact, V),
        ("resets", &[M], Exact, V), ("round", &[V, S], Optional, V), ("scalar", &[V], Exact, S),
        ("sgn", &[V], Exact, V), ("sin", &[V], Exact, V), ("sinh", &[V], Exact, V), ("sort", &[V], Exact, V),
        ("sort_desc", &[V], Exact, V), ("sqrt", &[V], Exact, V), ("stddev_over_time", &[M], Exact, V),
        ("stdvar_over_time", &[M], Exact, V), ("sum_over_time", &[M], Exact, V), ("tan", &[V], Exact, V),
        ("tanh", &[V], Exact, V), ("time", &[], Exact, S), ("timestamp", &[V], Exact, V),
        ("vector", &[S], Exact, V), ("year", &[V], Optional, V),
    ]
};

struct Parser<'t, 'm> {
    text: &'t str,
    bytes: &'t [u8],
    at: usize,
    depth: usize,
    operators: usize,
    memo: &'m mut Memo,
}

/// `None` everywhere below means "not certain": the caller gives up.
impl<'t> Parser<'t, '_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    /// Skips white space and `#` comments, as both lexers do between tokens outside braces and
    /// brackets: a comment ends at a line break.
    fn skip_space(&mut self) {
        while let Some(byte) = self.peek() {
            match byte {
                b' ' | b'\t' | b'\n' | b'\r' => self.at += 1,
                b'#' => {
                    while self.peek().is_some_and(|b| b != b'\n' && b != b'\r') {
                        self.at += 1;
                    }
                }
                _ => break,
            }
        }
    }

    /// Skips white space only: inside braces promql-parser reads comments and Prometheus may not.
    fn skip_blanks(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    /// `byte`, after white space, consumed.
    fn eat(&mut self, byte: u8) -> bool {
        self.skip_space();
        let found = self.peek() == Some(byte);
        self.at += usize::from(found);
        found
    }

    fn expect(&mut self, byte: u8) -> Option<()> {
        self.eat(byte).then_some(())
    }

    /// The word at the cursor as the lexer reads one outside braces (letters, digits, `_`, `:`),
    /// without consuming it; empty unless it starts with a letter or `_`.
    fn word(&mut self) -> &'t str {
        self.skip_space();
        let start = self.at;
        if !self.peek().is_some_and(|b| b.is_ascii_alphabetic() || b == b'_') {
            return "";
        }
        let length = self.bytes[start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b':'))
            .count();
        &self.text[start..start + length]
    }

    /// Consumes the word at the cursor if it is exactly `expected`.
    fn eat_word(&mut self, expected: &str) -> bool {
        let found = self.word() == expected;
        if found {
            self.at += expected.len();
        }
        found
    }

    fn enter(&mut self) -> Option<()> {
        self.depth += 1;
        (self.depth <= MAX_DEPTH).then_some(())
    }

    fn operator(&mut self) -> Option<()> {
        self.operators += 1;
        (self.operators <= MAX_OPERATORS).then_some(())
    }

    /// An expression whose binary operators bind at least as tightly as `min`.
    fn expr(&mut self, min: u8) -> Option<Value<'t>> {
        self.enter()?;
        let mut left = self.unary()?;
        loop {
            let before = self.at;
            let Some(operator) = self.binary_operator() else {
                self.at = before;
                break;
            };
            if operator.precedence() < min {
                self.at = before;
                break;
            }
            self.operator()?;
            let modifiers = self.modifiers()?;
            // `^` is right-associative, the others left-associative.
            let next = operator.precedence() + u8::from(operator != Operator::Power);
            let right = self.expr(next)?;
            left = binary(operator, left, right, &modifiers)?;
        }
        self.depth -= 1;
        Some(left)
    }

    /// The binary operator at the cursor, consumed; `None` if there is none.
    fn binary_operator(&mut self) -> Option<Operator> {
        self.skip_space();
        let next = self.bytes.get(self.at + 1).copied();
        let (operator, length) = match self.peek()? {
            b'+' | b'-' => (Operator::Additive, 1),
            b'*' | b'/' | b'%' => (Operator::Multiplicative, 1),
            b'^' => (Operator::Power, 1),
            b'=' | b'!' | b'<' | b'>' if next == Some(b'=') => (Operator::Comparison, 2),
            b'<' | b'>' => (Operator::Comparison, 1),
            _ => {
                let operator = match self.word() {
                    "and" => Operator::And,
                    "or" => Operator::Or,
                    "unless" => Operator::Unless,
                    _ => return None,
                };
                let length = self.word().len();
                (operator, length)
            }
        };
        self.at += length;
        Some(operator)
    }

    /// `bool`, `on (…)`/`ignoring (…)`, `group_left`/`group_right` with their labels, in the
    /// grammar's order. `fill` and the rest are left for the full check.
    fn modifiers(&mut self) -> Option<Modifiers<'t>> {
        let mut modifiers = Modifiers {
            bool: self.eat_word("bool"),
            ..Modifiers::default()
        };
        let on = self.eat_word("on");
        if on || self.eat_word("ignoring") {
            modifiers.matching = true;
            let labels = self.labels()?;
            if on {
                modifiers.on = labels;
            }
            if self.eat_word("group_left") || self.eat_word("group_right") {
                // A `(` right after is always read as the labels (the grammar shifts it).
                self.skip_space();
                let labels = if self.peek() == Some(b'(') {
                    self.labels()?
                } else {
                    Vec::new()
                };
                modifiers.group = Some(labels);
            }
        }
        Some(modifiers)
    }

    /// A parenthesised list of plain label names: `by (job, instance)`, `on ()`.
    fn labels(&mut self) -> Option<Vec<&'t str>> {
        self.expect(b'(')?;
        let mut labels = Vec::new();
        if self.eat(b')') {
            return Some(labels);
        }
        loop {
            let label = self.word();
            if label.is_empty() || label.contains(':') || keyword(label) {
                return None;
            }
            self.at += label.len();
            labels.push(label);
            if self.eat(b')') {
                return Some(labels);
            }
            self.expect(b',')?;
        }
    }

    /// A unary minus and its operand, or a primary expression with its postfixes.
    fn unary(&mut self) -> Option<Value<'t>> {
        if self.eat(b'-') {
            self.operator()?;
            let operand = self.expr(UNARY_OPERAND)?;
            if !operand.instant() {
                return None;
            }
            let node = match operand.node {
                Node::Number(value) => Node::Number(-value),
                _ => Node::Other,
            };
            return Some(Value::new(operand.kind, node));
        }
        let primary = self.primary()?;
        self.postfixes(primary)
    }

    fn primary(&mut self) -> Option<Value<'t>> {
        self.skip_space();
        match self.peek()? {
            b'(' => {
                self.at += 1;
                let inner = self.expr(0)?;
                self.expect(b')')?;
                // A parenthesised range (`rate((x[5m]))`) is left to the full check.
                let node = match inner.node {
                    Node::Number(value) => Node::Number(value),
                    _ => Node::Other,
                };
                inner.instant().then_some(Value::new(inner.kind, node))
            }
            b'{' => self.selector(false),
            b'0'..=b'9' => self.number(),
            b'"' | b'\'' => {
                let (literal, _) = self.string()?;
                Some(Value::new(Type::String, Node::Text(literal)))
            }
            _ => {
                let word = self.word();
                if word.is_empty() {
                    return None;
                }
                self.at += word.len();
                if keyword(word) {
                    return self.aggregation(word);
                }
                self.skip_space();
                if self.peek() == Some(b'(') {
                    self.call(word)
                } else {
                    self.selector(true)
                }
            }
        }
    }

    /// Ranges, subqueries and offsets after an expression: they bind tighter than any operator.
    fn postfixes(&mut self, mut value: Value<'t>) -> Option<Value<'t>> {
        loop {
            if self.eat(b'[') {
                self.duration()?;
                if self.peek() == Some(b']') {
                    self.at += 1;
                    if value.node != (Node::Selector { offset: false }) {
                        return None;
                    }
                    value = Value::new(Type::Matrix, Node::Range { offset: false });
                    continue;
                }
                (self.peek() == Some(b':')).then_some(())?;
                self.at += 1;
                if self.peek() != Some(b']') {
                    self.duration()?;
                }
                (self.peek() == Some(b']')).then_some(())?;
                self.at += 1;
                if value.kind != Type::Vector || value.node == (Node::Selector { offset: true }) {
                    return None;
                }
                value = Value::new(Type::Matrix, Node::Subquery { offset: false });
            } else if self.eat_word("offset") {
                if self.eat(b'-') {
                    self.operator()?;
                }
                self.skip_space();
                self.duration()?;
                value.node = match value.node {
                    Node::Selector { offset: false } => Node::Selector { offset: true },
                    Node::Range { offset: false } => Node::Range { offset: true },
                    Node::Subquery { offset: false } => Node::Subquery { offset: true },
                    _ => return None,
                };
            } else {
                return Some(value);
            }
        }
    }

    /// A duration literal with units (`5m`, `1h30m`), consumed: each unit at most once and in
    /// decreasing order, each number without a leading zero and within 32 bits (promql-parser
    /// drops a longer one), the whole above zero and within Prometheus' int64 nanoseconds.
    fn duration(&mut self) -> Option<u128> {
        use crate::check::syntax::values::DURATION_UNITS as UNITS;
        let (mut total, mut next) = (0_u128, 0);
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            let digits = self.bytes[self.at..].iter().take_while(|b| b.is_ascii_digit()).count();
            let number = &self.text[self.at..self.at + digits];
            if (number.len() > 1 && number.starts_with('0')) || number.len() > 9 {
                return None;
            }
            self.at += digits;
            let rest = &self.text[self.at..];
            let unit = if rest.starts_with("ms") {
                6
            } else {
                UNITS[..6].iter().position(|(unit, _)| rest.starts_with(unit))?
            };
            if unit < next {
                return None;
            }
            next = unit + 1;
            self.at += UNITS[unit].0.len();
            total += number.parse::<u128>().ok()? * UNITS[unit].1;
        }
        let ends = !self
            .peek()
            .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.');
        (ends && total > 0 && total <= u128::from(MAX_DURATION_MILLIS)).then_some(total)
    }

    /// A decimal number literal: no hex, octal, `Inf`, `NaN`, nor a duration used as a number.
    fn number(&mut self) -> Option<Value<'t>> {
        let start = self.at;
        let digits = |parser: &Self| {
            parser.bytes[parser.at..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count()
        };
        let whole = digits(self);
        // promql-parser reads a number with a leading zero and no `.` in octal.
        if self.peek() == Some(b'0') && whole > 1 {
            return None;
        }
        self.at += whole;
        let fraction = self.peek() == Some(b'.') && self.bytes.get(self.at + 1).is_some_and(u8::is_ascii_digit);
        if fraction {
            self.at += 1;
            self.at += digits(self);
        } else if self.bytes[start] == b'0' && matches!(self.peek(), Some(b'e' | b'E')) {
            return None;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            let sign = usize::from(matches!(self.bytes.get(self.at + 1), Some(b'+' | b'-')));
            self.at += 1 + sign;
            let exponent = digits(self);
            if exponent == 0 {
                return None;
            }
            self.at += exponent;
        }
        if self
            .peek()
            .is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b':'))
        {
            return None;
        }
        // Go refuses a number past the float range; promql-parser makes it infinite.
        let value: f64 = self.text[start..self.at].parse().ok()?;
        value
            .is_finite()
            .then_some(Value::new(Type::Scalar, Node::Number(value)))
    }

    /// A double- or single-quoted string without escapes or control characters, consumed: the
    /// literal as written and its value.
    fn string(&mut self) -> Option<(&'t str, &'t str)> {
        let quote = self.peek().filter(|&b| b == b'"' || b == b'\'')?;
        let start = self.at;
        let length = self.bytes[start + 1..].iter().position(|&b| b == quote)?;
        let value = &self.text[start + 1..start + 1 + length];
        if value.bytes().any(|b| b == b'\\' || b.is_ascii_control()) {
            return None;
        }
        self.at = start + length + 2;
        Some((&self.text[start..self.at], value))
    }

    /// A vector selector: after its metric name if `named`, then its matchers in braces.
    fn selector(&mut self, named: bool) -> Option<Value<'t>> {
        let selector = Value::new(Type::Vector, Node::Selector { offset: false });
        if !self.eat(b'{') {
            return named.then_some(selector);
        }
        // Without a name, some matcher must not match the empty value.
        let mut selects = named;
        self.skip_blanks();
        if self.peek() == Some(b'}') {
            self.at += 1;
            return named.then_some(selector);
        }
        loop {
            self.skip_blanks();
            selects |= self.matcher()?;
            self.skip_blanks();
            match self.peek()? {
                b',' => self.at += 1,
                b'}' => {
                    self.at += 1;
                    return selects.then_some(selector);
                }
                _ => return None,
            }
        }
    }

    /// One matcher of a selector, consumed; whether it refuses the empty value.
    fn matcher(&mut self) -> Option<bool> {
        // Inside braces the lexer reads names of letters, digits and `_`, and `or ` as an operator.
        let start = self.at;
        if !self.peek().is_some_and(|b| b.is_ascii_alphabetic() || b == b'_') {
            return None;
        }
        let length = self.bytes[start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
            .count();
        let label = &self.text[start..start + length];
        if label == "__name__" || label.eq_ignore_ascii_case("or") {
            return None;
        }
        self.at += length;
        self.skip_blanks();
        let (negated, regex) = match (self.peek()?, self.bytes.get(self.at + 1)) {
            (b'=', Some(b'~')) => (false, true),
            (b'!', Some(b'~')) => (true, true),
            (b'!', Some(b'=')) => (true, false),
            (b'=', _) => (false, false),
            _ => return None,
        };
        self.at += if negated || regex { 2 } else { 1 };
        self.operator()?;
        self.skip_blanks();
        let (literal, value) = self.string()?;
        // A regex that is valid and matches the empty value exactly when its text is empty acts
        // as an equality matcher with the same text for the "non-empty matcher" rule
        // (`equivalent`, whose verdict the memo keeps, so each regex is compiled once).
        if regex && !equivalent(&mut self.memo.regexes, literal) {
            return None;
        }
        Some(value.is_empty() == negated)
    }

    /// An aggregation; `name` is a keyword, of which only the aggregators are taken here.
    fn aggregation(&mut self, name: &str) -> Option<Value<'t>> {
        let parameter = match name {
            "sum" | "avg" | "count" | "min" | "max" | "group" | "stddev" | "stdvar" => None,
            "topk" | "bottomk" | "quantile" => Some(Type::Scalar),
            "count_values" => Some(Type::String),
            _ => return None,
        };
        let grouped_first = self.grouping()?;
        self.expect(b'(')?;
        let first = self.expr(0)?;
        let vector = if let Some(kind) = parameter {
            self.expect(b',')?;
            let vector = self.expr(0)?;
            // `evaluable` refuses a `topk`/`bottomk` count past int64, read from a literal, and
            // an empty label for `count_values`, read from a literal in parentheses or not.
            let evaluable = match (name, first.node) {
                ("topk" | "bottomk", Node::Number(k)) => !k.is_nan() && k < MAX_INT64_AS_FLOAT,
                ("count_values", Node::Text(literal)) => literal.len() > 2,
                ("count_values", _) => false,
                _ => true,
            };
            (first.kind == kind && evaluable).then_some(vector)?
        } else {
            first
        };
        self.expect(b')')?;
        if !grouped_first {
            self.grouping()?;
        }
        (vector.kind == Type::Vector).then_some(Value::new(Type::Vector, Node::Other))
    }

    /// `by (…)` or `without (…)`, consumed if there; whether it was.
    fn grouping(&mut self) -> Option<bool> {
        if self.eat_word("by") || self.eat_word("without") {
            self.labels()?;
            return Some(true);
        }
        Some(false)
    }

    /// A call of a function of [`FUNCTIONS`], with promql-parser's arity and type checks.
    fn call(&mut self, name: &str) -> Option<Value<'t>> {
        let &(_, types, arity, result) = FUNCTIONS.iter().find(|(function, ..)| *function == name)?;
        self.expect(b'(')?;
        let mut count = 0;
        if !self.eat(b')') {
            loop {
                let argument = self.expr(0)?;
                let expected = *types.get(count).or(types.last())?;
                if argument.kind != expected {
                    return None;
                }
                if expected == Type::String {
                    // `evaluable` reads these; only literals are taken.
                    let Node::Text(literal) = argument.node else {
                        return None;
                    };
                    let value = &literal[1..literal.len() - 1];
                    if !self.label_argument(name, count, value) {
                        return None;
                    }
                }
                count += 1;
                if self.eat(b')') {
                    break;
                }
                self.expect(b',')?;
            }
        }
        let enough = match arity {
            Arity::Exact => count == types.len(),
            Arity::Optional => count + 1 >= types.len() && count <= types.len(),
            Arity::Repeated => count + 1 >= types.len(),
        };
        enough.then_some(Value::new(result, Node::Other))
    }

    /// Whether `evaluable` lets string argument `index` of `label_replace`/`label_join` be.
    fn label_argument(&mut self, function: &str, index: usize, value: &str) -> bool {
        match (function, index) {
            // The destination label, and `label_join`'s source labels.
            (_, 1) | ("label_join", 3..) => !value.is_empty(),
            ("label_replace", 4) => {
                if let Some(&fine) = self.memo.label_replace_regexes.get(value) {
                    return fine;
                }
                let fine = label_replace_regex_refusal(value).is_none();
                self.memo.label_replace_regexes.insert(value.to_owned(), fine);
                fine
            }
            _ => true,
        }
    }
}

/// promql-parser's `check_ast` on a binary expression, where it is sure: modifiers that only
/// vectors take are taken only between vectors.
fn binary<'t>(operator: Operator, left: Value<'t>, right: Value<'t>, modifiers: &Modifiers<'_>) -> Option<Value<'t>> {
    if !left.instant() || !right.instant() {
        return None;
    }
    let comparison = operator == Operator::Comparison;
    let scalars = left.kind == Type::Scalar && right.kind == Type::Scalar;
    let vectors = left.kind == Type::Vector && right.kind == Type::Vector;
    // `bool` only on a comparison, and a comparison of two scalars only with it.
    if (modifiers.bool && !comparison) || (comparison && scalars && !modifiers.bool) {
        return None;
    }
    if (operator.set() || modifiers.matching || modifiers.group.is_some()) && !vectors {
        return None;
    }
    if operator.set() && modifiers.group.is_some() {
        return None;
    }
    if let Some(group) = &modifiers.group
        && group.iter().any(|label| modifiers.on.contains(label))
    {
        return None;
    }
    let kind = if scalars { Type::Scalar } else { Type::Vector };
    Some(Value::new(kind, Node::Other))
}

#[cfg(test)]
pub(super) mod tests {
    use std::path::Path;

    use proptest::prelude::*;
    use proptest::sample::select;

    use super::super::{Memo, promql_parser_form, verdict};
    use super::accepts;

    /// Whether the fast path takes `text`, as `promql_with` asks it.
    fn taken(text: &str) -> bool {
        accepts(&promql_parser_form(text), &mut Memo::default())
    }

    #[test]
    fn the_usual_forms_are_taken() {
        for text in [
            "up",
            r#"sum by (job, instance) (rate(x_total{job="a",code=~"5.."}[5m])) / sum by (job, instance) (rate(x_total{job="a"}[5m])) > 0.1"#,
            r#"histogram_quantile(0.99, sum by (le) (rate(x_bucket{job="a"}[5m]))) > 0.5"#,
            r#"absent(x_up{job="a",namespace="b"} == 1)"#,
            r#"predict_linear(x{a="b"}[6h], 4 * 3600) < 0 and x / y < 0.1"#,
            r#"sum by (namespace, pod) (rate(x{container!=""}[5m])) * on (namespace, pod) group_left (node) max by (namespace, pod, node) (y)"#,
            r#"x{job="a"} / ignoring (kind) group_left y{kind="max"} > 0.5"#,
            "avg_over_time(x[10m]) / on (instance) group_left y > 0.5",
            "topk(3, sum by (instance) (rate(x[5m]))) > 10",
            "time() - max by (job) (x) > 3600",
            "max_over_time(x[1h:5m] offset -1d)",
            "1_000 + x",
            r#"count by (a) (count_values by (a) ("hash", x{job="b"})) > 1"#,
            "x offset 5m unless rate(y[5m] offset 1w) > bool 1",
            "-x ^ 2 ^ -3 % 4",
            "1 < bool 2",
            "sum(x) without (a) or count(y)",
            "quantile(0.9, x) + vector(1) + scalar(y)",
            "label_replace(up, \"host\", \"$1\", \"instance\", \"(.*):.*\")",
            "label_join(up, \"a\", \",\", \"b\", \"c\")",
            "round(x) + round(x, 0.5) + day_of_week() + clamp(x, 0, 1)",
            "x # a comment\n  + y",
            "{job='a'}",
            r#"{a!=""}"#,
            r#"x{by="a", on="b"}"#,
            "increase(x[1h30m]) > 1e3",
            "quantile_over_time(0.5, x[5m:])",
        ] {
            assert!(taken(text), "{text}");
            assert!(verdict(text).is_ok(), "{text}");
        }
    }

    #[test]
    fn what_is_outside_the_subset_or_refused_is_not_taken() {
        for text in [
            "",
            "# only a comment",
            "x[5m]",
            "rate(x[5m])[5m:1m]",
            r#""a""#,
            "1 > 2",
            "x and 1",
            "1 + on(a) x",
            "x + bool y",
            "x and on(a) group_left y",
            "x * on(a) group_left(a) y",
            "x * group_left y",
            "rate(x)",
            "rate(x[5m], 1)",
            "histogram_quantile(x, y)",
            "sum(x[5m])",
            "sum()",
            "sum(x) by (a) by (b)",
            "topk(x, y)",
            "topk(1e100, y)",
            "limitk(1, x)",
            "sort_by_label(x, \"a\")",
            "exp(1)",
            "{}",
            r#"{a=""}"#,
            r#"{a=~".*"}"#,
            r#"{a=~"("}"#,
            r#"x{__name__="y"}"#,
            r#"{"x"}"#,
            "x{or=\"a\"}",
            "sum",
            "Sum(x)",
            "RATE(x[5m])",
            "x OR y",
            "x atan2 y",
            "+x",
            "x @ 5",
            "x[0s]",
            "x[5]",
            "x[ 5m]",
            "x[5m5h]",
            "x[05m]",
            "x[7777777d]",
            "x offset 5m offset 5m",
            "x offset 5m [5m]",
            "(x)[5m]",
            "rate((x[5m]))",
            "-x[5m]",
            "x{a=\"b\\\\c\"}",
            "x{a=`b`}",
            "0x1f + x",
            "017 + x",
            "0e5 + x",
            "1e400 + x",
            "Inf + x",
            ".5 + x",
            "count_values(\"\", x)",
            "count_values((\"a\"), x)",
            "x\u{c}",
            "label_replace(up, \"\", \"$1\", \"a\", \"(.*)\")",
            "label_replace(up, \"b\", \"$1\", \"a\", \"(\")",
            "label_join(up, \"a\", \",\", \"\")",
            "x{a=\"b\" # no comments in braces\n}",
            "(x",
            "x)",
            "x y",
            "sum(x,)",
        ] {
            assert!(!taken(text), "{text:?}");
        }
        // Far below promql-parser's limits, nothing is decided here.
        assert!(!taken(&format!("{}1{}", "(".repeat(50), ")".repeat(50))));
        assert!(!taken(&format!("1{}", " + 1".repeat(500))));
        assert!(taken(&format!("{}x{}", "(".repeat(20), ")".repeat(20))));
    }

    /// Each distinct regex is compiled once, by the memo's verdict that the full path uses too.
    #[test]
    fn regexes_are_judged_once_by_the_memo() {
        let mut memo = Memo::default();
        for job in ["a", "b", "c"] {
            assert!(accepts(
                &format!(r#"x{{job="{job}",code=~"5.."}} + y{{code=~"5.."}}"#),
                &mut memo
            ));
        }
        assert_eq!(memo.regexes.len(), 1);
        assert!(!accepts(r#"x{code=~"5..("}"#, &mut memo));
        assert_eq!(memo.regexes.get(r#""5..(""#), Some(&false));
    }

    /// Rule expressions of the repository: the rule corpus, the default rules in the seed site's
    /// compiled output, and the realistic synthetic L site.
    pub(in super::super) fn repository_expressions() -> Vec<(&'static str, String)> {
        fn collect(value: &serde_json::Value, found: &mut Vec<String>) {
            match value {
                serde_json::Value::Object(map) => {
                    for (key, value) in map {
                        match value {
                            serde_json::Value::String(expr) if key == "expr" => found.push(expr.clone()),
                            _ => collect(value, found),
                        }
                    }
                }
                serde_json::Value::Array(items) => items.iter().for_each(|item| collect(item, found)),
                _ => {}
            }
        }
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut expressions = Vec::new();
        for (source, dir) in [
            ("accepted corpus", "tests/rule-corpus/accepted"),
            ("refused corpus", "tests/rule-corpus/refused"),
            ("default rules", "out/aipaas-japan/monitoring"),
        ] {
            let mut found = Vec::new();
            let mut files: Vec<_> = std::fs::read_dir(root.join(dir)).expect("reads").flatten().collect();
            files.sort_by_key(std::fs::DirEntry::path);
            for file in files {
                let text = std::fs::read_to_string(file.path()).expect("reads");
                if let Ok(value) = serde_saphyr::from_str::<serde_json::Value>(&text) {
                    collect(&value, &mut found);
                }
            }
            expressions.extend(found.into_iter().map(|expr| (source, expr)));
        }
        let site = crate::synthetic::site_with(crate::synthetic::Size::L, crate::synthetic::Rules::Realistic, "l");
        let site: serde_json::Value = toml::from_str(&site).expect("the synthetic site is TOML");
        let mut found = Vec::new();
        collect(&site, &mut found);
        expressions.extend(found.into_iter().map(|expr| ("realistic L", expr)));
        expressions
    }

    /// The single-character mutations of `text`: each character deleted, doubled, or replaced by
    /// one of a few that matter to the grammar.
    fn mutations(text: &str) -> impl Iterator<Item = String> + '_ {
        const REPLACEMENTS: [char; 10] = ['(', ')', '"', '[', ' ', '0', 'x', ',', '-', ':'];
        text.char_indices().flat_map(move |(at, c)| {
            let (before, after) = (&text[..at], &text[at + c.len_utf8()..]);
            let edits = [String::new(), format!("{c}{c}")]
                .into_iter()
                .chain(REPLACEMENTS.iter().filter(move |&&r| r != c).map(char::to_string));
            edits.map(move |edit| format!("{before}{edit}{after}"))
        })
    }

    /// The soundness rule on every expression of the repository and (one in `stride` of) their
    /// single-character mutations; the counts, per source, of expressions taken.
    #[allow(clippy::print_stderr, reason = "the check prints its tally")]
    fn check_repository(stride: usize) -> (usize, usize) {
        let mut memo = Memo::default();
        let (mut texts, mut taken_texts) = (0, 0);
        let mut hits: std::collections::BTreeMap<&str, (usize, usize)> = std::collections::BTreeMap::new();
        for (source, expr) in repository_expressions() {
            let form = promql_parser_form(&expr);
            let hit = accepts(&form, &mut memo);
            assert!(!hit || verdict(&form).is_ok(), "taken and refused: {expr:?}");
            let entry = hits.entry(source).or_default();
            entry.0 += usize::from(hit);
            entry.1 += 1;
            for mutant in mutations(&expr).step_by(stride) {
                texts += 1;
                let form = promql_parser_form(&mutant);
                if accepts(&form, &mut memo) {
                    taken_texts += 1;
                    assert!(verdict(&form).is_ok(), "taken and refused: {mutant:?}");
                }
            }
        }
        eprintln!("taken per source: {hits:?}; mutations: {texts}, taken {taken_texts}");
        // The usual forms must stay inside the subset (a fast path that takes nothing is sound).
        for (source, least) in [("default rules", 1.0), ("realistic L", 1.0), ("accepted corpus", 0.85)] {
            let (hit, all) = hits[source];
            #[allow(clippy::cast_precision_loss)]
            let rate = hit as f64 / all as f64;
            assert!(rate >= least, "{source}: {hit} of {all} taken");
        }
        (texts, taken_texts)
    }

    #[test]
    fn the_repository_expressions_and_some_mutations_are_sound() {
        let (texts, taken_texts) = check_repository(151);
        assert!(
            taken_texts > 100 && texts > 10 * taken_texts / 9,
            "{texts} {taken_texts}"
        );
    }

    /// Every mutation: `cargo test --release --lib repository_mutations -- --ignored --nocapture`.
    #[test]
    #[ignore = "minutes in a debug build"]
    fn all_repository_mutations_are_sound() {
        check_repository(1);
    }

    /// Texts of the subset, each well typed: vectors, scalars and ranges built from each other.
    fn typed(depth: u32) -> (BoxedStrategy<String>, BoxedStrategy<String>) {
        let selector = (
            select(vec!["up", "x", "http_requests_total", "a:b_c", "time", "rate"]),
            proptest::collection::vec(
                (
                    select(vec!["job", "le", "_a", "by", "on"]),
                    select(vec!["=", "!=", "=~", "!~", " = "]),
                    select(vec![r#""""#, r#""x""#, "'5..'", r#"".+""#, r#""a|b""#, r#""é""#]),
                ),
                0..3,
            ),
        )
            .prop_map(|(name, matchers)| {
                let matchers: Vec<String> = matchers.iter().map(|(l, o, v)| format!("{l}{o}{v}")).collect();
                if matchers.is_empty() {
                    name.to_owned()
                } else {
                    format!("{name}{{{}}}", matchers.join(", "))
                }
            });
        let number = select(vec!["1", "0", "0.5", "1e3", "2.5E-2", "100"]).prop_map(str::to_owned);
        let duration = select(vec!["5m", "1h30m", "30s", "1d", "2w", "1y", "100ms", "1m5s"]);
        let range = (selector.clone(), duration.clone()).prop_map(|(s, d)| format!("{s}[{d}]"));
        if depth == 0 {
            return (selector.boxed(), number.boxed());
        }
        let (vector, scalar) = typed(depth - 1);
        let subquery =
            (vector.clone(), duration.clone(), select(vec!["", "1m"])).prop_map(|(v, d, s)| format!("({v})[{d}:{s}]"));
        let matrix = prop_oneof![range, subquery];
        let arithmetic = select(vec!["+", "-", "*", "/", "%", "^"]);
        let comparison = select(vec!["==", "!=", ">", "<", ">=", "<="]);
        let vectors = prop_oneof![
            selector.clone(),
            (selector, duration).prop_map(|(s, d)| format!("{s} offset -{d}")),
            (
                select(vec!["rate", "increase", "max_over_time", "changes"]),
                matrix.clone()
            )
                .prop_map(|(f, m)| format!("{f}({m})")),
            (
                select(vec!["sum", "avg", "max", "count", "group"]),
                select(vec!["by (job)", "without (le, a)", ""]),
                vector.clone()
            )
                .prop_map(|(a, g, v)| format!("{a} {g} ({v})")),
            (vector.clone(), arithmetic.clone(), vector.clone()).prop_map(|(l, o, r)| format!("({l}) {o} ({r})")),
            (vector.clone(), comparison.clone(), scalar.clone()).prop_map(|(l, o, r)| format!("({l}) {o} ({r})")),
            (vector.clone(), select(vec!["and", "or", "unless"]), vector.clone())
                .prop_map(|(l, o, r)| format!("({l}) {o} on (job) ({r})")),
            (vector.clone(), vector.clone()).prop_map(|(l, r)| format!("({l}) * on (a) group_left (b) ({r})")),
            (vector.clone(), vector.clone()).prop_map(|(l, r)| format!("({l}) / ignoring (a) group_right () ({r})")),
            (scalar.clone(), vector.clone()).prop_map(|(s, v)| format!("histogram_quantile({s}, {v})")),
            (scalar.clone(), vector.clone()).prop_map(|(s, v)| format!("topk({s}, {v})")),
            (matrix, scalar.clone()).prop_map(|(m, s)| format!("predict_linear({m}, {s})")),
            vector.clone().prop_map(|v| format!("-({v})")),
            vector.clone().prop_map(|v| format!("absent({v}) # why\n")),
            vector
                .clone()
                .prop_map(|v| format!(r#"label_replace({v}, "a", "$1", "b", "(.*)")"#)),
        ];
        let scalars = prop_oneof![
            number,
            Just("time()".to_owned()),
            vector.prop_map(|v| format!("scalar({v})")),
            (scalar.clone(), arithmetic, scalar.clone()).prop_map(|(l, o, r)| format!("({l}) {o} ({r})")),
            (scalar.clone(), comparison, scalar.clone()).prop_map(|(l, o, r)| format!("({l} {o} bool {r})")),
            scalar.prop_map(|s| format!("-{s}")),
        ];
        (vectors.boxed(), scalars.boxed())
    }

    /// Expressions of the subset and near misses of it: the same pieces in the wrong places.
    fn near_misses() -> impl Strategy<Value = String> {
        let leaf = select(vec![
            "up",
            "x{a=\"b\"}",
            "{a=\"\"}",
            "{a=~\".*\"}",
            "1",
            "0x10",
            "\"s\"",
            "x[5m]",
            "x[0s]",
            "x[5]",
            "y{a=~\"(\"}",
            "on",
            "Inf",
            "x offset 1m",
            "rate(x[5m])",
            "time()",
        ])
        .prop_map(str::to_owned);
        leaf.prop_recursive(4, 32, 3, |inner| {
            prop_oneof![
                (
                    inner.clone(),
                    select(vec!["+", "^", ">", "and", "or", "unless", "==", "atan2", "+ +", "- -"]),
                    select(vec![
                        "",
                        "bool",
                        "on (a)",
                        "ignoring (a) group_left (a)",
                        "on (a) group_left (a)",
                        "group_left",
                        "bool on (b) group_right"
                    ]),
                    inner.clone()
                )
                    .prop_map(|(l, o, m, r)| format!("{l} {o} {m} {r}")),
                (
                    select(vec![
                        "rate",
                        "abs",
                        "histogram_quantile",
                        "label_replace",
                        "vector",
                        "scalar",
                        "time",
                        "round",
                        "label_join",
                        "absent_over_time"
                    ]),
                    proptest::collection::vec(inner.clone(), 0..4)
                )
                    .prop_map(|(f, args)| format!("{f}({})", args.join(", "))),
                (
                    select(vec![
                        "sum",
                        "topk",
                        "quantile",
                        "count_values",
                        "sum by (a)",
                        "max without ()",
                        "stddev"
                    ]),
                    proptest::collection::vec(inner.clone(), 0..3),
                    select(vec!["", " by (a)", " without (on)", " by (a:b)"])
                )
                    .prop_map(|(a, args, g)| format!("{a}({}){g}", args.join(", "))),
                (
                    inner.clone(),
                    select(vec![
                        "[5m]",
                        "[5m:]",
                        "[1h:1m]",
                        " offset 5m",
                        " offset -1d",
                        "[0s:1m]",
                        "[5m:0s]",
                        "[",
                        ")"
                    ])
                )
                    .prop_map(|(e, p)| format!("{e}{p}")),
                inner.clone().prop_map(|e| format!("({e})")),
                inner.prop_map(|e| format!("-{e}")),
            ]
        })
    }

    proptest! {
        #[test]
        fn near_misses_are_never_taken_when_refused(text in near_misses()) {
            prop_assert!(super::super::fast_is_sound(&text), "taken and refused: {:?}", text);
        }

        /// The typed texts are all of the subset: each is taken, and the full check agrees.
        #[test]
        fn typed_texts_are_taken(text in typed(3).0.prop_union(typed(3).1)) {
            prop_assert!(verdict(&text).is_ok(), "refused: {:?}", text);
            prop_assert!(taken(&text), "not taken: {:?}", text);
        }
    }
}
