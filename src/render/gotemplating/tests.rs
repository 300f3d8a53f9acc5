//! Executor tests against Go's `text/template` semantics (expected values as Go prints them).

use super::exec::{execute, Budget};
use super::parse::parse;
use serde_json::{json, Value};

fn run(t: &str, data: &Value) -> Result<String, String> {
    let set = parse(t).map_err(|e| format!("parse: {}", e.message))?;
    execute(&set, data, Budget::default()).map_err(|e| e.message)
}

#[test]
fn go_semantics_table() {
    let data = super::yaml_out::floatify(json!({
        "s": "hello", "n": 3, "big": 1000000, "f": 1.5, "t": true, "empty": "", "l": ["a", "b", "c"],
        "m": {"b": 2, "a": 1}, "z": null
    }));
    let cases: &[(&str, &str)] = &[
        ("{{.s}}", "hello"),
        ("{{.n}}", "3"),
        ("{{.big}}", "1e+06"),
        ("{{.f}}", "1.5"),
        ("{{.missing}}", "<no value>"),
        // A missing key is Go's invalid value: a field of it is no value, not an error
        // (`{{.z.a}}`, a key holding null, is one: go_errors).
        ("{{.missing.a.b}}", "<no value>"),
        ("{{if .missing.a}}y{{else}}n{{end}}", "n"),
        ("{{print .missing}}", "<nil>"),
        ("{{if .t}}y{{else}}n{{end}}", "y"),
        ("{{if .empty}}y{{else if .t}}e{{end}}", "e"),
        ("{{range $i, $v := .l}}{{$i}}={{$v}},{{end}}", "0=a,1=b,2=c,"),
        ("{{range $k, $v := .m}}{{$k}}{{$v}}{{end}}", "a1b2"),
        ("{{range 3}}{{.}}{{end}}", "012"),
        ("{{range .l}}{{if eq . \"b\"}}{{break}}{{end}}{{.}}{{end}}", "a"),
        ("{{range .l}}{{if eq . \"b\"}}{{continue}}{{end}}{{.}}{{end}}", "ac"),
        ("{{with .s}}{{.}}{{end}}", "hello"),
        ("{{with .empty}}x{{else with .s}}{{.}}{{end}}", "hello"),
        ("a  {{- 1 -}}  b", "a1b"),
        ("{{/* c */}}x", "x"),
        ("{{`raw\\n`}}", "raw\\n"),
        ("{{'a'}}", "97"),
        ("{{0x10}} {{1e3}} {{-2}}", "16 1000 -2"),
        ("{{$x := 1}}{{$x = 2}}{{$x}}", "2"),
        ("{{define \"T\"}}[{{.}}]{{end}}{{template \"T\" .s}}", "[hello]"),
        ("{{block \"B\" .n}}<{{.}}>{{end}}", "<3>"),
        ("{{index .l 1}} {{index .m \"a\"}}", "b 1"),
        ("{{slice .l 1 2}}", "[b]"),
        ("{{len .l}} {{len .s}}", "3 5"),
        ("{{eq 1 2 1}}", "true"),
        ("{{and 1 0 (fail \"x\")}}", "0"),
        ("{{or 0 \"\" 7}}", "7"),
        ("{{not .t}}", "false"),
        (
            "{{printf \"%s-%d-%v-%q-%t-%05.2f-%x\" \"a\" 3 .f \"q\" true 3.14159 255}}",
            "a-3-1.5-\"q\"-true-03.14-ff",
        ),
        ("{{.m}}", "map[a:1 b:2]"),
        (
            "{{html \"<a&b>\"}} {{urlquery \"a b&c\"}} {{js \"it's\"}}",
            "&lt;a&amp;b&gt; a+b%26c it\\'s",
        ),
        ("{{.s | upper | quote}}", "\"HELLO\""),
        ("{{default \"d\" .empty}} {{default \"d\" .s}}", "d hello"),
        ("{{ternary \"y\" \"n\" .t}}", "y"),
        (
            "{{add 1 .n}} {{sub 5 2}} {{mul 2 3}} {{div 7 2}} {{mod 7 2}}",
            "4 3 6 3 1",
        ),
        ("{{b64enc \"hi\"}} {{b64dec \"aGk=\"}}", "aGk= hi"),
        ("{{toJson .m}}", "{\"a\":1,\"b\":2}"),
        ("{{dict \"x\" 1 | toYaml}}", "x: 1\n"),
        ("{{(fromYaml \"a: [1, b]\").a}}", "[1 b]"),
        ("{{list 1 2 | toYaml | nindent 2}}", "\n  - 1\n  - 2\n  "),
        ("{{regexReplaceAll \"a(x*)b\" \"-ab-axxb-\" \"${1}W\"}}", "-W-xxW-"),
        ("{{semverCompare \">=1.2.0\" \"1.3.0\"}}", "true"),
        ("{{include \"T\" 5}}{{define \"T\"}}({{.}}){{end}}", "(5)"),
        (
            "{{setResourceNameAnnotation \"bucket\"}}",
            "gotemplating.fn.crossplane.io/composition-resource-name: bucket",
        ),
    ];
    let mut fails = Vec::new();
    for (t, want) in cases {
        match run(t, &data) {
            Ok(got) if got == *want => {}
            other => fails.push(format!("{t}: want {want:?}, got {other:?}")),
        }
    }
    assert!(fails.is_empty(), "{}", fails.join("\n"));
}

#[test]
fn go_errors() {
    let data = super::yaml_out::floatify(json!({"n": 3, "z": null}));
    for (t, want) in [
        ("{{eq .n 3}}", "incompatible types for comparison"),
        ("{{.z.a}}", "nil pointer evaluating interface {}.a"),
        ("{{nosuch 1}}", "not defined"),
        ("{{if}}", "missing value"),
        ("{{$u}}", "undefined variable"),
        ("{{range .n}}{{end}}", "range can't iterate over float64"),
        ("{{", "unclosed action"),
        ("{{if 1}}", "unexpected EOF"),
    ] {
        match run(t, &data) {
            Err(e) if e.contains(want) => {}
            other => panic!("{t}: want error containing {want:?}, got {other:?}"),
        }
    }
}

#[test]
fn hostile_templates_end_with_an_error() {
    let data = json!({});
    let deep = "{{if 1}}".repeat(5000) + &"{{end}}".repeat(5000);
    assert!(run(&deep, &data).unwrap_err().contains("too deep"));
    let rec = "{{define \"r\"}}{{template \"r\" .}}{{end}}{{template \"r\" .}}";
    assert!(run(rec, &data).unwrap_err().contains("maximum template depth"));
    let huge = "{{range 100000000}}{{range 100000000}}x{{end}}{{end}}";
    let e = run(huge, &data).unwrap_err();
    assert!(e.contains("exceeded"), "{e}");
    let blow = "{{$s := \"xxxxxxxxxxxxxxxx\"}}{{range 30}}{{$s = print $s $s}}{{end}}{{$s}}";
    let e = run(blow, &data).unwrap_err();
    assert!(e.contains("exceeded") || e.contains("bytes"), "{e}");
}

/// The function's lookups return a nil map when nothing is found (`function_maps.go`): a
/// field of it is no value, `if` of it is false, and `get` of it is empty, with no error.
#[test]
fn lookups_of_nothing_are_nil_maps() {
    let data = json!({"observed": {"resources": {}, "composite": {}}});
    for (t, want) in [
        ("{{ $r := getComposedResource . \"x\" }}{{ $r.status }}", "<no value>"),
        (
            "{{ $r := getComposedResource . \"x\" }}[{{ get $r.status \"id\" }}]",
            "[]",
        ),
        ("{{ if getComposedResource . \"x\" }}y{{ else }}n{{ end }}", "n"),
        (
            "{{ $c := getCredentialData . \"creds\" }}{{ $c.username }}",
            "<no value>",
        ),
    ] {
        assert_eq!(run(t, &data).as_deref(), Ok(want), "{t}");
    }
}

/// The request as the function reads it (protojson leaves empty maps out): on a first
/// render `.observed.resources` is no value, so the common `eq .observed.resources nil`
/// is true rather than an error comparing a map.
#[test]
fn a_first_render_has_no_observed_resources() {
    let state = crate::render::State {
        composite: json!({"apiVersion": "example.org/v1", "kind": "X", "metadata": {"name": "x"}}),
        ..Default::default()
    };
    let data = super::request_data(&state);
    assert!(data.pointer("/observed/resources").is_none(), "{data}");
    assert!(
        data.pointer("/observed/composite/connectionDetails").is_none(),
        "{data}"
    );
    assert_eq!(data.pointer("/observed/composite/resource/kind"), Some(&json!("X")));
    assert_eq!(
        run(
            "{{ if eq $.observed.resources nil }}first{{ else }}later{{ end }}",
            &data
        )
        .as_deref(),
        Ok("first")
    );
}
