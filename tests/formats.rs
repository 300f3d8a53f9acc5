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

/// The vendored SARIF 2.1.0 schema, compiled.
fn sarif_validator() -> jsonschema::Validator {
    let mut schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(common::root().join("schemas/sarif-schema-2.1.0.json")).expect("schema"),
    )
    .expect("schema json");
    // The OASIS file's `language` patterns have a stray `]` that a strict meta-schema check
    // rejects as a regex; they constrain a property portalint does not write.
    for def in ["run", "toolComponent"] {
        schema["definitions"][def]["properties"]["language"]["pattern"] = "^[a-zA-Z]{2}(-[a-zA-Z]{2})?$".into();
    }
    jsonschema::validator_for(&schema).expect("compile")
}

/// Parses a SARIF log and asserts that it validates against the schema.
fn valid_sarif(out: &str) -> serde_json::Value {
    let log: serde_json::Value = serde_json::from_str(out).expect("sarif json");
    let errors: Vec<String> = sarif_validator()
        .iter_errors(&log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    log
}

#[test]
fn sarif_is_valid_sarif_2_1_0() {
    let out = render(Format::Sarif);
    let log = valid_sarif(&out);
    let validator = sarif_validator();
    // The schema does reject a malformed log.
    let mut bad = log.clone();
    bad["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!validator.is_valid(&bad));
    // Every rule has help from its documentation; results point at regions and rules.
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    // Only the rules that fired, each with its page as help: no generator comment, no link
    // relative to the repository, `helpUri` to the page.
    let fired: std::collections::BTreeSet<&str> = run["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter_map(|r| r["ruleId"].as_str())
        .collect();
    let ids: Vec<&str> = rules.iter().filter_map(|r| r["id"].as_str()).collect();
    assert_eq!(ids, fired.into_iter().collect::<Vec<_>>());
    for r in rules {
        let md = r["help"]["markdown"].as_str().expect("markdown");
        assert!(md.contains("## What it does"), "{md}");
        assert!(!md.contains("<!--"), "a generator comment: {md}");
        assert!(!md.contains("](../") && !md.contains("](./"), "a relative link: {md}");
        assert_eq!(
            r["helpUri"],
            format!(
                "{}/blob/main/rules/{}.md",
                portalint::docs::REPOSITORY_URL,
                r["id"].as_str().expect("id")
            )
        );
    }
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
    assert_eq!(portalint::report::markdown::cell("a|b<c>\nd"), "a\\|b&lt;c&gt;\\nd");
    insta::assert_snapshot!("markdown", out);
}

// The canonical set: one mini repository whose findings go through every format (in the
// style of ruff's `render/snapshots/*__output.snap`). It holds a warning and errors, help,
// non-ASCII text in messages and source lines (columns count Unicode scalar values: each
// of `名`, `ß` and `🚀` is one column), spans over several lines (a flow mapping and a block
// scalar) and a label in another file (the XRD the order is validated against).

/// The XRD the order is checked against: the labelled secondary span of every
/// `x-xr-schema` finding points here.
const CANONICAL_XRD: &str = "\
apiVersion: apiextensions.crossplane.io/v2
kind: CompositeResourceDefinition
metadata:
  name: webapps.openportal.dev
spec:
  group: openportal.dev
  names:
    kind: WebApp
    plural: webapps
  versions:
  - name: v1alpha1
    served: true
    referenceable: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            required: [image]
            properties:
              image: {type: string}
              motd: {type: string, maxLength: 10}
              size: {type: string, enum: [small, large]}
              labels:
                type: object
                additionalProperties: {type: string}
";

/// The order: a reserved label prefix (warning, help, non-ASCII), `image` a flow mapping over
/// lines 9–12, `motd` a block scalar over lines 14–15, `size` non-ASCII, and a value after
/// wide characters on line 17 (column 26 in Unicode scalar values).
const CANONICAL_ORDER: &str = "\
apiVersion: openportal.dev/v1alpha1
kind: WebApp
metadata:
  name: demo
  namespace: demo
  labels:
    k8s.io/größe: groß
spec:
  image: {
    repo: traefik/whoami,
    tag: v1
  }
  motd: |
    Grüß Gott 👋
    second line
  size: 名前
  labels: {名前: größe, 🚀: 3}
";

/// Checks the canonical repository and renders its findings in `format`, asserting that no
/// temporary path leaks into the output.
fn canonical(format: Format) -> String {
    let (tmp, outcome) = canonical_outcome();
    let mut buf = Vec::new();
    report::render(format, &outcome.diagnostics, &outcome.summary, false, &mut buf).expect("render");
    let out = String::from_utf8(buf).expect("utf8");
    let real = std::fs::canonicalize(tmp.path()).expect("canonical tmp");
    for p in [tmp.path(), real.as_path()] {
        let p = p.to_string_lossy();
        assert!(!out.contains(p.as_ref()), "the temporary path leaks:\n{out}");
    }
    out
}

fn canonical_outcome() -> (tempfile::TempDir, portalint::app::Outcome) {
    let tmp = tempfile::tempdir().expect("tmp");
    common::write(tmp.path(), "configuration/xrd.yaml", CANONICAL_XRD);
    common::write(tmp.path(), "examples/webapp.yaml", CANONICAL_ORDER);
    let a = common::args(&[tmp.path().to_path_buf()], &["x-xr-schema", "k8s-reserved-prefixes"]);
    let outcome = portalint::app::check(&a).expect("check");
    (tmp, outcome)
}

/// The 1-based column, in Unicode scalar values, of the first `needle` on 1-based `line`.
fn column_of(text: &str, line: usize, needle: &str) -> usize {
    let l = text.lines().nth(line - 1).expect("line");
    l[..l.find(needle).expect("needle")].chars().count() + 1
}

#[test]
fn canonical_set_covers_the_cases() {
    let (_tmp, o) = canonical_outcome();
    let d = &o.diagnostics;
    assert_eq!((o.summary.errors, o.summary.warnings), (4, 1), "{d:#?}");
    assert_eq!((o.summary.files, o.summary.documents), (2, 2));
    use portalint::rules::diagnostic::Severity;
    assert!(d.iter().any(|x| x.severity == Severity::Warning));
    assert!(d.iter().any(|x| x.severity == Severity::Error));
    assert!(d.iter().any(|x| x.help.is_some()));
    assert!(
        d.iter().any(|x| x.primary.end_line > x.primary.line),
        "a span over lines"
    );
    assert!(
        d.iter()
            .any(|x| !x.message.is_ascii() && x.primary.excerpt().is_some_and(|l| !l.text.is_ascii())),
        "non-ASCII message and source line"
    );
    assert!(
        d.iter()
            .any(|x| x.labels.iter().any(|l| l.path != x.primary.path && l.message.is_some())),
        "a labelled span in another file"
    );
}

#[test]
fn canonical_text() {
    let out = canonical(Format::Text);
    // The value after `名前`, `größe` and `🚀`, in the order; its label in the XRD's file.
    let col = column_of(CANONICAL_ORDER, 17, "3}");
    assert_eq!(col, 26);
    assert!(out.contains(&format!(" --> examples/webapp.yaml:17:{col}\n")), "{out}");
    // The label is at the schema node that declares the field (`additionalProperties`).
    assert!(out.contains("  ::: configuration/xrd.yaml:27:17\n"), "{out}");
    assert!(
        out.contains("   |                 -------------------- the XRD's schema declares `spec.labels.🚀` here\n"),
        "{out}"
    );
    insta::assert_snapshot!("canonical-text", out);
}

#[test]
fn canonical_json() {
    let out = canonical(Format::Json);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["version"], 1);
    let diags = v["diagnostics"].as_array().expect("diagnostics");
    let pos = |x: &serde_json::Value| {
        ["line", "column", "end_line", "end_column"].map(|k| x[k].as_u64().unwrap_or_else(|| panic!("{k} in {x}")))
    };
    for d in diags {
        let [l, c, el, ec] = pos(d);
        assert!(l >= 1 && c >= 1 && (el, ec) > (l, c), "{d}");
        for label in d["labels"].as_array().expect("labels") {
            let [l, c, el, ec] = pos(label);
            assert!(l >= 1 && c >= 1 && (el, ec) > (l, c), "{label}");
            assert!(label["path"].is_string() && label["message"].is_string(), "{label}");
        }
    }
    let rocket = diags
        .iter()
        .find(|d| d["message"].as_str().is_some_and(|m| m.contains('🚀')))
        .expect("the 🚀 finding");
    assert_eq!(pos(rocket), [17, 26, 17, 27]);
    assert_eq!(rocket["labels"][0]["path"], "configuration/xrd.yaml");
    assert_eq!(pos(&rocket["labels"][0]), [27, 17, 27, 37]);
    let size = diags
        .iter()
        .find(|d| d["message"].as_str().is_some_and(|m| m.contains("名前")))
        .expect("the 名前 finding");
    assert_eq!(pos(size), [16, 9, 16, 11], "two characters, two columns");
    let image = diags
        .iter()
        .find(|d| d["message"].as_str().is_some_and(|m| m.contains("spec.image")))
        .expect("the flow mapping");
    assert_eq!(pos(image), [9, 10, 12, 4], "from `{{` to after `}}`");
    insta::assert_snapshot!("canonical-json", out);
}

#[test]
fn canonical_sarif() {
    let out = canonical(Format::Sarif);
    let mut log = valid_sarif(&out);
    let run = &mut log["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules").clone();
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), 5);
    for r in results {
        let i = r["ruleIndex"].as_u64().expect("index") as usize;
        assert_eq!(rules[i]["id"], r["ruleId"]);
        if r["ruleId"] == "x-xr-schema" {
            let rel = &r["relatedLocations"][0];
            assert!(
                rel["message"]["text"]
                    .as_str()
                    .is_some_and(|t| t.starts_with("the XRD's schema declares `spec.")),
                "{rel}"
            );
            assert_eq!(
                rel["physicalLocation"]["artifactLocation"]["uri"],
                "configuration/xrd.yaml"
            );
        }
    }
    assert_eq!(
        rules.iter().filter_map(|r| r["id"].as_str()).collect::<Vec<_>>(),
        ["k8s-reserved-prefixes", "x-xr-schema"],
        "the rules that fired, not every rule"
    );
    // Every result has a fingerprint, distinct from the others.
    let fps: std::collections::HashSet<&str> = results
        .iter()
        .map(|r| r["partialFingerprints"]["portalint/v1"].as_str().expect("fingerprint"))
        .collect();
    assert_eq!(fps.len(), results.len());
    // The rules' documentation and the version change with the crate, not with these
    // findings (they are checked above): the snapshot shows the rest of the log.
    run["tool"]["driver"]["rules"] = "[the rules that fired]".into();
    run["tool"]["driver"]["version"] = "[version]".into();
    insta::assert_snapshot!("canonical-sarif", serde_json::to_string_pretty(&log).expect("json"));
}

#[test]
fn canonical_github() {
    let out = canonical(Format::Github);
    // One line per finding: the help's line break is escaped.
    assert_eq!(out.lines().count(), 5, "{out}");
    assert!(
        out.lines()
            .all(|l| l.starts_with("::error ") || l.starts_with("::warning ")),
        "{out}"
    );
    assert!(out.contains("found integer%0Ahelp: quote the value"), "{out}");
    insta::assert_snapshot!("canonical-github", out);
}

#[test]
fn canonical_markdown() {
    let out = canonical(Format::Markdown);
    assert!(
        out.starts_with("### ❌ portalint: 4 errors, 1 warning in 2 files\n"),
        "{out}"
    );
    insta::assert_snapshot!("canonical-markdown", out);
}

/// Parses `text` as XML well enough to prove it well-formed: every tag closed in order,
/// attribute values quoted, no raw `<` or `&` outside markup and entities. Returns the
/// element names in document order.
fn xml_elements(text: &str) -> Vec<String> {
    let body = text
        .strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        .expect("declaration");
    let entity = regex::Regex::new(r"^&(amp|lt|gt|quot|apos|#[0-9]+);").expect("regex");
    let (mut stack, mut names) = (Vec::<String>::new(), Vec::new());
    let mut rest = body;
    while let Some(c) = rest.chars().next() {
        match c {
            '<' => {
                let end = rest.find('>').expect("tag end");
                let tag = &rest[1..end];
                assert!(!tag.contains('<'), "{tag}");
                if let Some(name) = tag.strip_prefix('/') {
                    assert_eq!(stack.pop().as_deref(), Some(name), "closing tag");
                } else {
                    let name = tag
                        .split_whitespace()
                        .next()
                        .expect("name")
                        .trim_end_matches('/')
                        .to_string();
                    let quotes = tag.matches('"').count();
                    assert!(quotes.is_multiple_of(2), "{tag}");
                    names.push(name.clone());
                    if !tag.ends_with('/') {
                        stack.push(name);
                    }
                }
                rest = &rest[end + 1..];
            }
            '&' => {
                let m = entity
                    .find(rest)
                    .unwrap_or_else(|| panic!("raw & at {:?}", &rest[..20.min(rest.len())]));
                rest = &rest[m.end()..];
            }
            c => rest = &rest[c.len_utf8()..],
        }
    }
    assert!(stack.is_empty(), "unclosed: {stack:?}");
    names
}

#[test]
fn canonical_junit() {
    let out = canonical(Format::Junit);
    let names = xml_elements(&out);
    assert_eq!(names.iter().filter(|n| *n == "failure").count(), 5, "{out}");
    assert_eq!(names.iter().filter(|n| *n == "testcase").count(), 6, "{out}");
    assert!(
        out.contains(r#"<testsuites name="portalint" tests="6" failures="5" errors="0">"#),
        "{out}"
    );
    insta::assert_snapshot!("canonical-junit", out);
}

#[test]
fn canonical_gitlab() {
    let out = canonical(Format::Gitlab);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    let issues = v.as_array().expect("an array");
    assert_eq!(issues.len(), 5);
    let mut fps = std::collections::HashSet::new();
    for i in issues {
        // The fields GitLab documents for a Code Quality report.
        assert!(i["description"].is_string() && i["check_name"].is_string(), "{i}");
        assert!(["info", "minor", "major", "critical", "blocker"].contains(&i["severity"].as_str().expect("severity")));
        assert!(i["location"]["path"].is_string() && i["location"]["lines"]["begin"].as_u64() > Some(0));
        assert!(
            fps.insert(i["fingerprint"].as_str().expect("fingerprint").to_string()),
            "unique"
        );
    }
    insta::assert_snapshot!("canonical-gitlab", out);
}
