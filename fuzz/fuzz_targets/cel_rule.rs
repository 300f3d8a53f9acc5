//! See `portalint::fuzzing::cel_rule`: the fuzzed text is placed inside an otherwise valid
//! document, so the campaign explores the CEL parser, checker and evaluator, not YAML syntax.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    portalint::fuzzing::cel_rule(text);
});
