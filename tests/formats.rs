//! The same diagnostics rendered in every output format: snapshots, the SARIF log validated
//! against the vendored SARIF 2.1.0 schema, GitHub's escaping rules, the Markdown table.

mod common;

use portalint::report::{self, Format};

fn render(format: Format) -> String {
    let mut a = common::args(&[common::root().join("tests/data/formats")], &[]);
    a.isolated = false;
    a.config = Some(common::root().join("tests/data/formats/.portalint.yaml"));
    let outcome = portalint::app::check(&a).expect("check");
    assert_eq!(outcome.summary.errors, 5, "the data set changed");
    let mut buf = Vec::new();
    report::render(format, &outcome.diagnostics, &outcome.summary, false, &mut buf).expect("render");
    String::from_utf8(buf).expect("utf8")
}

#[test]
fn sarif_is_valid_sarif_2_1_0() {
    let out = render(Format::Sarif);
    let mut schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(common::root().join("schemas/sarif-schema-2.1.0.json")).expect("schema"),
    )
    .expect("schema json");
    // The OASIS file's `language` patterns have a stray `]` that a strict meta-schema check
    // rejects as a regex; they constrain a property portalint does not write.
    for def in ["run", "toolComponent"] {
        schema["definitions"][def]["properties"]["language"]["pattern"] = "^[a-zA-Z]{2}(-[a-zA-Z]{2})?$".into();
    }
    let log: serde_json::Value = serde_json::from_str(&out).expect("sarif json");
    let validator = jsonschema::validator_for(&schema).expect("compile");
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // The schema does reject a malformed log.
    let mut bad = log.clone();
    bad["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!validator.is_valid(&bad));
    // Every rule has help from its documentation; results point at regions and rules.
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    assert_eq!(rules.len(), portalint::rules::ALL_RULES.len());
    assert!(rules.iter().all(|r| r["help"]["markdown"]
        .as_str()
        .is_some_and(|m| m.contains("## What it does"))));
    for r in run["results"].as_array().expect("results") {
        let i = r["ruleIndex"].as_u64().expect("index") as usize;
        assert_eq!(rules[i]["id"], r["ruleId"]);
        assert!(r["locations"][0]["physicalLocation"]["region"]["startLine"].as_u64() > Some(0));
    }
    // Without the rules array (large), the results are the snapshot.
    insta::assert_snapshot!(
        "sarif-results",
        serde_json::to_string_pretty(&run["results"]).expect("json")
    );
}

#[test]
fn github_annotations_are_escaped() {
    let out = render(Format::Github);
    assert!(
        out.contains("::warning file=openportal/team-a/WhoAmIApp/odd%2Cname%3A1.yaml,line=4,col=3,endLine=4,endColumn=7,title=portalint osp-ord-owner-annotation::the order has no owner annotation%0Ahelp: add `terasky.backstage.io/owner: group:default/<team>`"),
        "{out}"
    );
    assert!(
        out.lines()
            .all(|l| l.starts_with("::error ") || l.starts_with("::warning ")),
        "{out}"
    );
    assert_eq!(portalint::report::github::escape_data("100%\r\nx"), "100%25%0D%0Ax");
    assert_eq!(portalint::report::github::escape_property("a:b,c"), "a%3Ab%2Cc");
    insta::assert_snapshot!("github", out);
}

#[test]
fn markdown_summary() {
    let out = render(Format::Markdown);
    assert!(
        out.starts_with("### ❌ portalint: 5 errors, 1 warning in 5 files\n"),
        "{out}"
    );
    assert_eq!(portalint::report::markdown::cell("a|b<c>\nd"), "a\\|b&lt;c&gt; d");
    insta::assert_snapshot!("markdown", out);
}
