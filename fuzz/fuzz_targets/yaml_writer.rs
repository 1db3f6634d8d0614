//! promsite's YAML writer: any text, in every position a string takes in a document (and its lines
//! as a list and a mapping), comes out exactly as serde-saphyr writes it. Seeds:
//! `fuzz/seeds/yaml_writer` (strings of every kind the quoting rules tell apart).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Some(difference) = promsite::yaml::difference_from_serde_saphyr(text) {
        panic!("{text:?} as {difference}");
    }
});
