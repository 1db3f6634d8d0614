//! Numbers inside Go template actions, as Go's `text/template` reads them: where its lexer ends
//! one, and whether its parser takes it (Go's `strconv` rules: base prefixes, `_` between
//! digits, 64-bit integers, finite floats). gtmpl reads numbers its own way and took some Go
//! refuses (`1e`, `0x`, `08`, a lone `-`), found by giving the fuzz corpus to promtool. gtmpl also
//! refuses some Go takes (`1_000`, `0x1p3`, `1i`); promsite stays stricter there.

/// Where the number starting at `at` ends, as Go's lexer scans it (sign, base prefix, digits,
/// fraction, exponent, `i`), and whether the lexer takes it: a letter or digit right after it
/// makes it "bad number syntax". A number is ASCII, so it ends on a character boundary.
fn scan(text: &str, at: usize) -> (usize, bool) {
    let bytes = text.as_bytes();
    let mut i = at;
    let accept = |i: &mut usize, set: &[u8]| {
        let hit = bytes.get(*i).is_some_and(|b| set.contains(b));
        *i += usize::from(hit);
        hit
    };
    let accept_run = |i: &mut usize, set: &[u8]| while accept(i, set) {};
    accept(&mut i, b"+-");
    let mut base = 10;
    if accept(&mut i, b"0") {
        for (prefix, prefixed) in [(b"xX", 16), (b"oO", 8), (b"bB", 2)] {
            if accept(&mut i, prefix) {
                base = prefixed;
                break;
            }
        }
    }
    let digits: &[u8] = match base {
        16 => b"0123456789abcdefABCDEF_",
        8 => b"01234567_",
        2 => b"01_",
        _ => b"0123456789_",
    };
    accept_run(&mut i, digits);
    if accept(&mut i, b".") {
        accept_run(&mut i, digits);
    }
    let exponent: &[u8] = match base {
        10 => b"eE",
        16 => b"pP",
        _ => b"",
    };
    if accept(&mut i, exponent) {
        accept(&mut i, b"+-");
        accept_run(&mut i, b"0123456789_");
    }
    accept(&mut i, b"i");
    // Go's test is Unicode letters and digits; Rust's is a little wider, and either way the action fails.
    (i, !text[i..].starts_with(|c: char| c.is_alphanumeric() || c == '_'))
}

/// Why Go's template parser refuses the number `text` (as [`scan`] ended it), if it does.
fn problem(text: &str) -> Option<String> {
    // An imaginary constant, then an integer, then a float: the order Go tries them in.
    if text.strip_suffix('i').is_some_and(float) || integer(text) {
        return None;
    }
    if float(text) {
        // A float that looks like an integer is one too large for 64 bits.
        return (!text.contains(['.', 'e', 'E', 'p', 'P'])).then(|| format!("integer overflow: {text:?}"));
    }
    Some(format!("illegal number syntax: {text:?}"))
}

/// Where the number at `at` in `text` (inside an action) ends, or why Go refuses it. Right after
/// it, a sign starts the imaginary part of a complex constant (`1+2i`), which must end in `i`.
pub(crate) fn read(text: &str, at: usize) -> Result<usize, String> {
    let bytes = text.as_bytes();
    // Go quotes what its lexer took: the number, and the letter or digit that spoilt it if one did.
    let bad = |end: usize, lexed: bool| {
        let spoilt = if lexed {
            0
        } else {
            text[end..].chars().next().map_or(0, char::len_utf8)
        };
        format!("bad number syntax: {:?}", &text[at..end + spoilt])
    };
    let (end, lexed) = scan(text, at);
    if !lexed {
        return Err(bad(end, lexed));
    }
    if let Some(problem) = problem(&text[at..end]) {
        return Err(problem);
    }
    if !bytes.get(end).is_some_and(|b| matches!(b, b'+' | b'-')) {
        return Ok(end);
    }
    let (complex_end, lexed) = scan(text, end);
    let imaginary = &text[end..complex_end];
    match imaginary.strip_suffix('i') {
        Some(_) if lexed => problem(imaginary).map_or(Ok(complex_end), Err),
        _ => Err(bad(complex_end, lexed)),
    }
}

/// The sign, and the text after it.
fn unsigned(text: &str) -> (Option<char>, &str) {
    match text.strip_prefix(['+', '-']) {
        Some(rest) => (text.chars().next(), rest),
        None => (None, text),
    }
}

/// Whether `_` only stands between digits, or between a base prefix and a digit.
fn underscores_ok(text: &str) -> bool {
    let (_, number) = unsigned(text);
    let lower = number.to_ascii_lowercase();
    let (hex, digits) = match lower.get(..2) {
        Some("0x") => (true, &lower[2..]),
        Some("0b" | "0o") => (false, &lower[2..]),
        _ => (false, lower.as_str()),
    };
    // What came last: a digit (or the base prefix), an underscore, or anything else.
    let mut last = if digits.len() < lower.len() { '0' } else { '^' };
    for c in digits.chars() {
        if c.is_ascii_digit() || hex && ('a'..='f').contains(&c) {
            last = '0';
        } else if c == '_' {
            if last != '0' {
                return false;
            }
            last = '_';
        } else if last == '_' {
            return false;
        } else {
            last = '!';
        }
    }
    last != '_'
}

/// `strconv.ParseUint` or `ParseInt` with base 0: the number fits in 64 bits.
fn integer(text: &str) -> bool {
    if !underscores_ok(text) {
        return false;
    }
    let (sign, number) = unsigned(text);
    let number = number.replace('_', "");
    let (radix, digits) = match number.get(..2).map(str::to_ascii_lowercase).as_deref() {
        Some("0x") => (16, &number[2..]),
        Some("0o") => (8, &number[2..]),
        Some("0b") => (2, &number[2..]),
        _ if number.len() > 1 && number.starts_with('0') => (8, &number[1..]),
        _ => (10, number.as_str()),
    };
    let Ok(magnitude) = u128::from_str_radix(digits, radix) else {
        return false;
    };
    !digits.starts_with(['+', '-'])
        && match sign {
            None => magnitude <= u128::from(u64::MAX),
            Some('-') => magnitude <= 1 << 63,
            Some(_) => magnitude < 1 << 63,
        }
}

/// `strconv.ParseFloat`: a decimal or hexadecimal float that is finite.
fn float(text: &str) -> bool {
    if !underscores_ok(text) {
        return false;
    }
    let (_, number) = unsigned(text);
    let number = number.replace('_', "");
    if let Some(hex) = number.strip_prefix("0x").or_else(|| number.strip_prefix("0X")) {
        // A hexadecimal mantissa, then a binary exponent, which it must have.
        let Some((mantissa, exponent)) = hex.split_once(['p', 'P']) else {
            return false;
        };
        let mantissa_digits = mantissa.replacen('.', "", 1);
        let exponent = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
        return !mantissa_digits.is_empty()
            && mantissa_digits.chars().all(|c| c.is_ascii_hexdigit())
            && !exponent.is_empty()
            && exponent.chars().all(|c| c.is_ascii_digit());
    }
    // Rust reads the same decimal syntax, and reads `inf` and `nan`, which the lexer never ends a
    // number with; Go refuses what overflows.
    number
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'))
        && number.parse::<f64>().is_ok_and(f64::is_finite)
}

#[cfg(test)]
mod tests {
    use super::{problem, read, scan};

    /// Each verdict is promtool's (Prometheus 3.5) on `{{ <number> }}` in an annotation.
    #[test]
    fn numbers_are_read_as_go_reads_them() {
        for valid in [
            "1",
            "-1",
            "+1",
            "1.5",
            ".5",
            "5.",
            "1e5",
            "1E-5",
            "0x1F",
            "0X_1f",
            "0o17",
            "0b101",
            "017",
            "1_000",
            "0x1p3",
            "0x1.8p-1",
            "1i",
            "09.5",
            "18446744073709551615",
            "-9223372036854775808",
            "1e-400",
        ] {
            assert_eq!(problem(valid), None, "{valid}");
        }
        for (invalid, why) in [
            ("1e", "illegal number syntax"),
            ("0x", "illegal number syntax"),
            ("+0x", "illegal number syntax"),
            ("-", "illegal number syntax"),
            ("1e+", "illegal number syntax"),
            ("1__0", "illegal number syntax"),
            ("1_", "illegal number syntax"),
            ("0x1.8", "illegal number syntax"),
            ("77777e777778", "illegal number syntax"),
            ("08", "integer overflow"),
            ("18446744073709551616", "integer overflow"),
            ("+9223372036854775808", "integer overflow"),
        ] {
            assert!(
                problem(invalid).is_some_and(|p| p.starts_with(why)),
                "{invalid}: {:?}",
                problem(invalid)
            );
        }
    }

    #[test]
    fn the_lexer_ends_a_number_where_go_does() {
        for (text, number, lexes) in [
            ("1e5 }}", "1e5", true),
            ("0x1fp2)", "0x1fp2", true),
            ("1.5.3", "1.5", true),
            ("12abc", "12", false),
            ("-.5", "-.5", true),
            ("1+2i", "1", true),
            ("0b102", "0b10", false),
        ] {
            let (end, ok) = scan(text, 0);
            assert_eq!((&text[..end], ok), (number, lexes), "{text}");
        }
        assert_eq!(read("1+2i }}", 0), Ok(4));
        assert!(read("1+2 }}", 0).is_err_and(|why| why.starts_with("bad number syntax")));
        // A character of several bytes after the number was cut in two (found by fuzzing).
        assert_eq!(read("8+\u{607}8 }}", 0), Err(r#"bad number syntax: "8+""#.to_owned()));
        assert_eq!(read("8é }}", 0), Err(r#"bad number syntax: "8é""#.to_owned()));
        assert_eq!(read("8+é }}", 0), Err(r#"bad number syntax: "8+é""#.to_owned()));
    }
}
