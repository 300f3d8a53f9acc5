//! `.portalint.yaml` parsing, policy validation (globs, regexes, quantities, CEL) included.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = portalint::config::parse(
        std::path::Path::new(".portalint.yaml"),
        text,
        &portalint::config::Trust::User,
    );
    let _ = portalint::gate::policy::load_file(std::path::Path::new("policy.yaml"), text);
});
