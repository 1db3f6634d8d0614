//! Arbitrary bytes as a site file: the whole pipeline (parse, schema, checks, render, emit to a
//! tree) must answer with diagnostics or output, never a panic; and the schema check's fast tier
//! must be sure only where the validator agrees.
#![no_main]

use libfuzzer_sys::fuzz_target;
use promsite::diag::SiteSource;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = promsite::pipeline::compile(&SiteSource::new("fuzz.toml", text));
        assert!(promsite::check::fuzz::schema_fast_is_sound(text), "the fast schema tier contradicts the validator");
    }
});
