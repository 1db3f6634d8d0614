//! Arbitrary bytes as a site file: the whole pipeline (parse, schema, checks, render, emit to a
//! tree) must answer with diagnostics or output, never a panic; the schema check's fast tier
//! must be sure only where the validator agrees; and the fast reading of the TOML, where it
//! answers, must read what the TOML parser reads.
#![no_main]

use libfuzzer_sys::fuzz_target;
use promsite::diag::SiteSource;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = promsite::pipeline::compile(&SiteSource::new("fuzz.toml", text));
        assert!(promsite::check::fuzz::schema_fast_is_sound(text), "the fast schema tier contradicts the validator");
        assert!(
            promsite::check::fuzz::site_toml_fast_is_sound(text),
            "the fast TOML reading differs from the TOML parser: {text:?}"
        );
    }
});
