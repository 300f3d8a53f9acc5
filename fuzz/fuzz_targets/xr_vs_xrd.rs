//! An XRD and an order, both fuzzed (split at the first `\n===\n`), checked together: the
//! structural schema validator, CEL rules and defaults run on hostile schemas and objects.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (xrd, order) = text.split_once("\n===\n").unwrap_or((text, ""));
    portalint::fuzzing::check_files(&[
        ("xrds/xrd.yaml", xrd),
        ("openportal/team-a/Thing/order.yaml", order),
        ("openportal/kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n"),
    ]);
});
