//! YAML text → the byte-spanned tree: never panics, every span inside the text.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let parsed = portalint::yaml::parse(text);
    for d in &parsed.docs {
        assert!(d.root.end as usize <= text.len() && d.root.start <= d.root.end);
    }
});
