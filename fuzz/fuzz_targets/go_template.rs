//! See `portalint::fuzzing::go_template`: the fuzzed text is placed inside an otherwise valid
//! document, so the campaign explores the Go template parser and the template rules, not YAML syntax.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    portalint::fuzzing::go_template(text);
});
