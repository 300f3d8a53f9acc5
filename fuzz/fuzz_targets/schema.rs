//! See `portalint::fuzzing::schema`: the fuzzed text is placed inside an otherwise valid
//! document, so the campaign explores the structural-schema checks, defaults and validation, not YAML syntax.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    portalint::fuzzing::schema(text);
});
