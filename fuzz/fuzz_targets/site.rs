//! Arbitrary bytes as a site file: the whole pipeline (parse, schema, checks, render, emit to a
//! tree) must answer with diagnostics or output, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use promsite::diag::SiteSource;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = promsite::pipeline::compile(&SiteSource::new("fuzz.toml", text));
    }
});
