//! The full check of one file (every rule, Open Service Portal pack on), from memory.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    portalint::fuzzing::check_files(&[("configuration/xrd.yaml", text)]);
});
