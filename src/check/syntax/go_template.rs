//! Go text/templates as Prometheus expands them in alert labels and annotations.

use super::go_number;
use super::values::{Checked, Problem};

mod parse;

/// The functions of Go's text/template, which the parser knows besides Prometheus' own.
const BUILTIN_FUNCTIONS: &[&str] = &[
    "and", "call", "eq", "ge", "gt", "html", "index", "js", "le", "len", "lt", "ne", "not", "or", "print", "printf",
    "println", "slice", "urlquery",
];

/// Prometheus' template functions, so the parser knows them (bodies are never run).
const TEMPLATE_FUNCTIONS: &[&str] = &[
    "args",
    "externalURL",
    "first",
    "graphLink",
    "humanize",
    "humanize1024",
    "humanizeDuration",
    "humanizePercentage",
    "humanizeTimestamp",
    "label",
    "match",
    "parseDuration",
    "pathPrefix",
    "query",
    "reReplaceAll",
    "safeHtml",
    "sortByLabel",
    "strvalue",
    "stripDomain",
    "stripPort",
    "tableLink",
    "title",
    "toDuration",
    "toLower",
    "toTime",
    "toUpper",
    "urlQueryEscape",
    "value",
    "now",
];

/// A Go text/template as Prometheus expands it in alert labels and annotations.
pub(crate) fn template(text: &str) -> Checked<()> {
    if !crate::find::contains(text, "{{") && !crate::find::contains(text, "}}") {
        return Ok(());
    }
    let parsed = actions(text).and_then(|()| parse(text));
    parsed.map_err(|why| {
        Problem::new(
            format!("invalid Go template: {why}"),
            "check the `{{ }}` pairs and names: `{{ $labels.pod }}`, `{{ $value }}`, `{{ humanize $value }}`",
        )
    })
}

/// Whether the actions of `text` (`{{` to `}}`) are readable, or what Go's template lexer refuses and gtmpl
/// (the parser promsite used before its own, whose verdicts it first kept) mishandled, found before
/// the parser sees the text: gtmpl never returned on an action cut off by the end of the text
/// (`{{ if `), and its lexer thread panicked when it stepped back over a multi-byte character
/// inside an action (`{{ end؂ }}`). Its unquoting of strings inside actions panicked or looped on
/// some escapes ([`unreadable_escape`]). Quoted strings,
/// raw strings, character literals and comments inside actions are read as Go reads them (a `}}`
/// in a string does not close the action).
fn actions(text: &str) -> Result<(), String> {
    // Every delimiter is ASCII, and no byte of a multi-byte UTF-8 character is.
    let bytes = text.as_bytes();
    let find = |from: usize, needle: &[u8]| crate::find::find(bytes, from, needle);
    let unclosed = || Err("unclosed action".to_owned());
    let mut blocks = Blocks::default();
    let mut i = 0;
    let space = |at: usize| bytes.get(at).is_some_and(|&b| SPACE.contains(&char::from(b)));
    while let Some(start) = find(i, b"{{") {
        // A left trim marker is `-` and one white space character; the action starts after it.
        let body = if bytes.get(start + 2) == Some(&b'-') && space(start + 3) {
            start + 4
        } else {
            start + 2
        };
        let empty = |end: usize| {
            if text[body..end].trim_matches(SPACE).is_empty() {
                Err("missing value for command".to_owned())
            } else {
                Ok(())
            }
        };
        i = body;
        // A comment only starts an action and ends it, as in Go; its text is skipped unread.
        if bytes.get(body..body + 2) == Some(b"/*") {
            let end = find(body + 2, b"*/").ok_or_else(|| "unclosed comment".to_owned())? + 2;
            let delimiter = if bytes.get(end..end + 2) == Some(b"}}") {
                2
            } else if space(end) && bytes.get(end + 1..end + 4) == Some(b"-}}") {
                4
            } else {
                0
            };
            if delimiter == 0 {
                return Err("comment ends before closing delimiter".to_owned());
            }
            i = end + delimiter;
            continue;
        }
        let (mut parentheses, mut deepest) = (0_usize, 0);
        loop {
            match bytes.get(i) {
                None => return unclosed(),
                Some(b'}') if bytes.get(i + 1) == Some(&b'}') => {
                    empty(i)?;
                    i += 2;
                    blocks.enter(&text[start..i], deepest)?;
                    break;
                }
                // A right trim marker: white space, then `-}}`.
                Some(b'-') if i > body && space(i - 1) && bytes.get(i + 1..i + 3) == Some(b"}}") => {
                    empty(i)?;
                    i += 1;
                }
                // Names, variables and fields: their digits start no number.
                Some(b'$' | b'_' | b'a'..=b'z' | b'A'..=b'Z') => i = name_end(bytes, i + 1),
                Some(b'.') if !bytes.get(i + 1).is_some_and(u8::is_ascii_digit) => i = name_end(bytes, i + 1),
                Some(b'+' | b'-' | b'.' | b'0'..=b'9') => i = go_number::read(text, i)?,
                Some(b'(') => {
                    parentheses += 1;
                    deepest = deepest.max(parentheses);
                    i += 1;
                }
                Some(b')') => {
                    parentheses = parentheses.saturating_sub(1);
                    i += 1;
                }
                // gtmpl takes them for white space; Go's lexer does not (found by comparing with promtool).
                Some(&c @ (b'\x0b' | b'\x0c')) => {
                    return Err(format!("unrecognized character in action: U+{:04X}", u32::from(c)));
                }
                Some(&quote @ (b'"' | b'\'')) => {
                    i += 1;
                    loop {
                        match bytes.get(i) {
                            None => return unclosed(),
                            Some(b'\\') => {
                                if let Some(problem) = unreadable_escape(text, i) {
                                    return Err(problem);
                                }
                                i += 2;
                            }
                            Some(&c) if c == quote => break,
                            Some(_) => i += 1,
                        }
                    }
                    i += 1;
                }
                Some(b'`') => match find(i + 1, b"`") {
                    // gtmpl unquotes raw strings too, escapes and all.
                    Some(end) => match (i + 1..end)
                        .filter(|&j| bytes[j] == b'\\')
                        .find_map(|j| unreadable_escape(&text[..end], j))
                    {
                        Some(problem) => return Err(problem),
                        None => i = end + 1,
                    },
                    None => return unclosed(),
                },
                // Go would take a non-ASCII letter as part of a name; no alert template needs one
                // outside a string, and gtmpl cannot step over it safely.
                Some(&b) if !b.is_ascii() => {
                    let character = text
                        .get(i..)
                        .and_then(|rest| rest.chars().next())
                        .unwrap_or(char::REPLACEMENT_CHARACTER);
                    return Err(format!(
                        "the non-ASCII character {character:?} inside an action; write it inside a quoted string"
                    ));
                }
                Some(_) => i += 1,
            }
        }
    }
    Ok(())
}

/// Go's white space inside template actions.
const SPACE: [char; 4] = [' ', '\t', '\r', '\n'];

/// Where the name, variable or field whose first character is before `at` ends.
fn name_end(bytes: &[u8], at: usize) -> usize {
    at + bytes.get(at..).map_or(0, |rest| {
        rest.iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
            .count()
    })
}

/// How deeply a template may nest blocks and parentheses. The parser recurses once per level, as
/// gtmpl's did: there, 10,000 nested `(` or `{{ if }}` overflowed the main thread's stack in a
/// release build, and about a hundred a worker's 2 MiB in a debug build (found by running the fuzz
/// corpus there). Alert templates stay far below.
const MAX_TEMPLATE_NESTING: usize = 32;

/// The blocks open at an action, for [`MAX_TEMPLATE_NESTING`]: one level for each `if`, `range`,
/// `with`, `define` or `block`, and one more for each `else if` or `else with`, which the parser
/// nests inside the block until its `end`.
#[derive(Default)]
struct Blocks(Vec<usize>);

impl Blocks {
    /// Takes in the action `action` (`{{ … }}`), whose parentheses nest `parentheses` deep.
    fn enter<'a>(&mut self, action: &'a str, parentheses: usize) -> Result<(), String> {
        let inside = action.trim_start_matches('{').trim_start_matches('-').trim_start();
        let word = |text: &'a str| {
            text.split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
                .next()
                .unwrap_or_default()
        };
        match word(inside) {
            "if" | "range" | "with" | "define" | "block" => self.0.push(1),
            "else" if matches!(word(inside["else".len()..].trim_start()), "if" | "with") => {
                if let Some(levels) = self.0.last_mut() {
                    *levels += 1;
                }
            }
            "end" => {
                self.0.pop();
            }
            _ => {}
        }
        let depth = self.0.iter().sum::<usize>() + parentheses;
        if depth > MAX_TEMPLATE_NESTING {
            return Err(format!(
                "the template nests {depth} blocks and parentheses deep, and promsite reads at most {MAX_TEMPLATE_NESTING}"
            ));
        }
        Ok(())
    }
}

/// The escapes gtmpl unquoted safely, which promsite accepts: a backslash and one ASCII character.
const READABLE_ESCAPES: &[u8] = b"bfnrt'\"\\";

/// The problem with the escape whose backslash is at `at`, if gtmpl could not unquote it: it
/// panicked on a backslash before a multi-byte character or at the end of a string, and looped on
/// `\x`, `\u` and `\U` without all their hex digits (found by fuzzing). Go would read `\x41`,
/// `\u00e9` and octal escapes; no alert template needs them, since the character itself can be
/// written instead.
fn unreadable_escape(text: &str, at: usize) -> Option<String> {
    match text.as_bytes().get(at + 1) {
        Some(c) if READABLE_ESCAPES.contains(c) => None,
        Some(_) => {
            let escape: String = text[at..].chars().take(2).collect();
            Some(format!(
                "the escape `{escape}` in a string inside an action; write the character itself"
            ))
        }
        None => Some("a backslash at the end of a string inside an action".to_owned()),
    }
}

/// Parses `text` as Prometheus would: its functions known, its variables declared.
fn parse(text: &str) -> Result<(), String> {
    parse::parse(text, &[BUILTIN_FUNCTIONS, TEMPLATE_FUNCTIONS], &DECLARED_VARIABLES)
}

/// The variables Prometheus defines before expanding a rule's template.
const DECLARED_VARIABLES: [&str; 4] = ["$labels", "$externalLabels", "$externalURL", "$value"];

#[cfg(test)]
mod tests {
    use super::*;

    /// Where gtmpl, whose verdicts promsite first kept, read templates otherwise than Go does, and
    /// other corners of the grammar. Each verdict here was gtmpl's too (checked before it was
    /// dropped), except those marked as Go's.
    #[test]
    fn corners_of_the_grammar() {
        for (text, valid) in [
            // Line breaks inside an action are white space, as in Go since 1.16 (gtmpl ended the
            // action at one right after a token).
            ("{{ $value | humanize\n}}", true),
            ("{{ if\r\n$value }}x{{ end\n}}", true),
            ("{{ \"a\nb\" }}", false),
            ("{{ $value | humanize \n}}", true),
            ("{{ $value\n}}", true),
            // `\\` before the closing quote escapes it.
            (r#"{{ "a\\" }}"#, false),
            (r#"{{ "a\\b" }}"#, true),
            // Only a dash and a space are a trim marker, and two spaces before `-}}` leave the dash
            // out of it: a lone `-` is then a number, and passes.
            ("{{ 3  -}}", true),
            ("{{ 3 -}}", true),
            ("{{-\t3 }}", true),
            ("{{ else with $value }}", false),
            // Go 1.23's `else with`, in a `with` only; Go 1.18's `break` and `continue`, in a
            // `range` body of the same template only; Go 1.11's assignment.
            ("{{ with $value }}x{{ else with $labels }}y{{ else }}z{{ end }}", true),
            ("{{ if $value }}x{{ else with $labels }}y{{ end }}", false),
            ("{{ range $labels }}x{{ else with $value }}y{{ end }}", false),
            ("{{ with $value }}x{{ else if $labels }}y{{ end }}", false),
            (
                "{{ range $labels }}{{ if . }}{{ break }}{{ end }}{{ continue }}{{ end }}",
                true,
            ),
            ("{{ range $labels }}{{ break 1 }}{{ end }}", false),
            ("{{ range $labels }}x{{ else }}{{ break }}{{ end }}", false),
            (
                "{{ range $labels }}{{ define \"a\" }}{{ continue }}{{ end }}{{ end }}",
                false,
            ),
            ("{{ continue }}", false),
            ("{{ $x := 1 }}{{ $x = 2 }}{{ $y = $x }}{{ $y }}", true),
            ("{{ range $i, $v = $labels }}{{ $i }}{{ end }}", true),
            ("{{$x=1}}", false),
            ("{{ 1 = 2 }}", false),
            ("{{ html \"a\" | js }}{{ slice \"abc\" 1 2 }}", true),
            ("{{ with $value }}x{{ else }}y{{ end }}", true),
            ("{{ range $value }}x{{ else }}y{{ end }}", true),
            ("{{ if $value }}x{{ else if $labels }}y{{ else }}z{{ end }}", true),
            ("{{ range $i, $v := $labels }}{{ $i }}{{ $v }}{{ end }}", true),
            ("{{ range $i, $v := $labels }}{{ end }}{{ $v }}", false),
            ("{{ $x := 1 }}{{ $x }}", true),
            ("{{ $x = 1 }}", true),
            ("{{ $x, $y := 1 }}", false),
            ("{{ humanize | }}", true),
            ("{{ 1 | 2 }}", false),
            ("{{ $value | humanize | printf \"%s\" }}", true),
            ("{{ .Labels.job }}{{ $labels.job.x }}{{ (humanize 1).x }}", true),
            ("{{ \"a\".x }}", false),
            ("{{ 0x1F }}{{ 1e3 }}{{ -1.5 }}{{ 'a' }}{{ '\\n' }}", true),
            ("{{ 99999999999999999999 }}", false),
            ("{{ 'ab' }}", false),
            ("{{ nil }}{{ true }}{{ . }}", true),
            ("{{ break }}", false),
            ("{{ define \"a\" }}x{{ end }}{{ template \"a\" . }}", true),
            ("{{ define \"a\" }}x{{ end }}{{ define \"a\" }}y{{ end }}", false),
            ("{{ define \"a\" }} {{- end }}{{ define \"a\" }}y{{ end }}", true),
            ("{{ define \"\" }}x{{ end }}", false),
            ("{{ define \"a\" }}{{ $labels }}{{ end }}", false),
            ("{{ if 1 }}{{ define \"a\" }}x{{ end }}{{ end }}", false),
            ("{{ block \"b\" $value }}x{{ end }}", true),
            ("{{ block \"b\" }}x{{ end }}", false),
            ("{{ template (printf \"a\") }}", false),
            ("{{/* c */}}{{- /* c */ -}}", true),
            ("{{ (1 }}", false),
            ("{{ 1) }}", false),
            ("{{ $ }}{{ $.Labels }}", true),
            ("{{ $nope }}", false),
        ] {
            assert_eq!(template(text).is_ok(), valid, "{text:?}");
        }
    }

    #[test]
    fn templates() {
        assert!(template("pod {{$labels.pod}} crashed {{ $value }} times on {{$labels.node}}").is_ok());
        assert!(template("{{ humanize $value }} {{ if gt $value 1.0 }}many{{ end }}").is_ok());
        for bad in [
            "{{$labels.pod}",
            "{{ if $value }}x",
            "{{ nosuchfn $value }}",
            "{{ $lables.pod }}",
            "{{ $labels. }}",
            "{{-$value}}",
        ] {
            assert!(template(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn actions_cut_off_at_the_end_are_refused_without_gtmpl() {
        // gtmpl loops forever on these (found by fuzzing); Go reports "unclosed action".
        for cut in [
            "{{ if ",
            "{{ range ",
            "{{ humanize ",
            "{{ with $x := ",
            "\u{7f}\u{2}{{ if ",
            "{{ \"}}\" ",
            "{{ `}}` ",
            "a {{ $value }} {{ if ",
            "{{ `a",
            "{{ /* a",
        ] {
            assert_eq!(actions(cut).err().as_deref(), Some("unclosed action"), "{cut:?}");
            assert!(
                template(cut).is_err_and(|p| p.message.contains("unclosed action")),
                "{cut:?}"
            );
        }
        // gtmpl's lexer thread panics on these (found by fuzzing).
        for multibyte in ["{{ end\u{602} x }}", "a {{ x\u{602} }}", "{{ $labels.名 }}"] {
            assert!(
                actions(multibyte).is_err_and(|p| p.contains("non-ASCII")),
                "{multibyte:?}"
            );
        }
        // A comment starts and ends an action, or it is no comment: gtmpl's lexer thread panicked
        // on a multi-byte character after a `/*` further in (found by fuzzing).
        assert_eq!(actions("{{/* }} ").err().as_deref(), Some("unclosed comment"));
        assert_eq!(
            actions("{{/* c */ x }}").err().as_deref(),
            Some("comment ends before closing delimiter")
        );
        for comment in ["{{/* Ț */}}", "{{- /* c */ -}}", "{{/* c */ -}}"] {
            assert!(template(comment).is_ok(), "{comment:?}");
        }
        for not_a_comment in ["{{ /* Ț */ }}", "{{ x /* Ț */ }}", "{{ /* }} */ "] {
            assert!(template(not_a_comment).is_err(), "{not_a_comment:?}");
        }
        // A letter right after a number is Go's "bad number syntax" before anything else.
        assert_eq!(actions("{{ 1é }}").err().as_deref(), Some(r#"bad number syntax: "1é""#));
        // gtmpl's unquoting panics on these, or never returns (found by fuzzing).
        for escape in [
            "{{ `\\` }}",
            "{{ \"a\\é\" }}",
            "{{ 'x\\é' }}",
            "{{ `a\\é` }}",
            "{{ \"\\x\" }}",
            "{{ `\\x` }}",
            "{{ \"\\u12\" }}",
            "{{ \"\\x41aébc\" }}",
            "{{ \"\\U0001F600\" }}",
        ] {
            let problem = actions(escape).err().unwrap_or_else(|| panic!("{escape:?} passed"));
            assert!(
                problem.contains("escape") || problem.contains("backslash"),
                "{escape:?}: {problem}"
            );
            assert!(template(escape).is_err(), "{escape:?}");
        }
        for whole in [
            "{{ \"é\\n\" }}",
            "{{ `a\\nb` }}",
            "{{ printf \"%s\\t%s\" $labels.a $labels.b }}",
        ] {
            assert!(actions(whole).is_ok(), "{whole:?}");
        }
        for whole in [
            "{{ if $value }}x{{ end }}",
            "{{ \"}}\" }}",
            "{{ `a` }}",
            "{{/* c */}}",
            "{{ 'x' }}",
            "no action",
            "{{ \"a\\\"b\" }}",
            "产品 {{ $labels.pod }} 崩溃 {{ \"次数\" }}",
        ] {
            assert!(actions(whole).is_ok(), "{whole:?}");
        }
    }

    /// gtmpl's lexer thread panics trimming white space after a multi-byte character (found by
    /// fuzzing); the text between actions is given to it in ASCII.
    #[test]
    fn trim_markers_after_multi_byte_text_are_checked() {
        for valid in [
            "崩溃了{{- value }}次",
            "崩溃了{{- $value }}次",
            "崩溃了 \u{3000} {{- humanize $value -}} 次",
            "é{{- if $value }}x{{- end }}",
        ] {
            assert!(template(valid).is_ok(), "{valid:?} refused");
        }
        for invalid in ["崩溃了{{- nosuch }}次", "é {{- if $value }}"] {
            assert!(template(invalid).is_err(), "{invalid:?} accepted");
        }
        assert!(template("产品 {{ \"次数\" }} 崩溃 {{- $value | humanize }}").is_ok());
    }

    /// gtmpl recurses once per level of nesting: the limit holds before a stack can overflow,
    /// checked here on a thread with Rust's default stack, as the workers have, in a debug build.
    #[test]
    fn deep_templates_are_refused_before_they_overflow_the_stack() {
        let parentheses = |n: usize| format!("{{{{ {}1{} }}}}", "(".repeat(n), ")".repeat(n));
        let blocks = |n: usize| format!("{}x{}", "{{ if 1 }}".repeat(n), "{{ end }}".repeat(n));
        let at_limit = [
            parentheses(MAX_TEMPLATE_NESTING),
            blocks(MAX_TEMPLATE_NESTING),
            format!("{{{{ if 1 }}}}{}", parentheses(MAX_TEMPLATE_NESTING - 1) + "{{ end }}"),
        ];
        let worker = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || at_limit.iter().all(|text| template(text).is_ok()));
        assert!(
            worker.expect("spawns").join().expect("no overflow"),
            "a template at the limit refused"
        );
        let else_ifs = format!(
            "{{{{ if 1 }}}}{}{{{{ end }}}}",
            "{{ else if 1 }}".repeat(MAX_TEMPLATE_NESTING)
        );
        for deep in [
            parentheses(MAX_TEMPLATE_NESTING + 1),
            blocks(MAX_TEMPLATE_NESTING + 1),
            else_ifs,
            parentheses(100_000),
            blocks(100_000),
        ] {
            assert!(
                template(&deep).is_err_and(|p| p.message.contains("nests")),
                "{} accepted",
                &deep[..40]
            );
        }
        assert!(template("{{ 1 |\u{c}printf }}").is_err_and(|p| p.message.contains("U+000C")));
        assert!(template("{{ \"\u{c}\" }}\u{c}").is_ok());
        // Blocks that close do not add up.
        assert!(template(&"{{ if 1 }}x{{ end }}".repeat(1000)).is_ok());
    }
}
