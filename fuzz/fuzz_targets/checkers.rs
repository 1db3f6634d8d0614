//! Every string checker on arbitrary text: PromQL, matchers, Go templates, durations, quantities,
//! URLs and prometheus-adapter queries must accept or reject, never panic. The first byte picks
//! the checker so that one target covers them all.
#![no_main]

use libfuzzer_sys::fuzz_target;
use promsite::check::fuzz;

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let _ = match which % 7 {
        0 => {
            assert!(
                fuzz::promql_shortcut_is_sound(text),
                "the regex shortcut accepts invalid PromQL: {text:?}"
            );
            assert!(
                fuzz::promql_fast_is_sound(text),
                "the fast PromQL acceptor takes invalid PromQL: {text:?}"
            );
            fuzz::promql(text)
        }
        1 => fuzz::matcher(text),
        2 => fuzz::template(text),
        3 => fuzz::duration(text),
        4 => fuzz::quantity(text),
        5 => fuzz::url(text),
        _ => fuzz::adapter_query(text),
    };
});
