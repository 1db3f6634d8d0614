//! Rule files: where the fast reading answers, it reads the same groups, values and positions as
//! the YAML parser, and neither panics. Seeds: `tests/rule-corpus/accepted` (the real-world-like
//! corpus) and `fuzz/seeds/rule_file` (regressions).
#![no_main]

use libfuzzer_sys::fuzz_target;
use promsite::check::fuzz;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    assert!(
        fuzz::rule_file_fast_is_sound(text),
        "the fast rule-file reading differs from the YAML parser: {text:?}"
    );
});
