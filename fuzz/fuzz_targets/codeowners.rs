//! CODEOWNERS parsing and matching.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let owners = portalint::gate::codeowners::CodeOwners::parse(text);
    for p in &owners.problems {
        assert!(p.span.0 <= p.span.1 && p.span.1 as usize <= text.len());
    }
    for path in ["a", "openportal/team-a/WhoAmIApp/x.yaml", "docs/x.md", ".github/CODEOWNERS"] {
        let _ = owners.owners_of(path);
    }
});
