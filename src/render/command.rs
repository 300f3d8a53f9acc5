//! `portalint render XR [--composition FILE] [--observed FILE] [--environment FILE]…`: a
//! Composition's pipeline run in process for one XR, the desired composed resources printed
//! as YAML, as `crossplane render` prints them (docs/render.md).

use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::error::{EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS};
use crate::model::{classify_doc, Composition, Doc};
use crate::parse::source::FileId;
use crate::parse::yaml;
use crate::report::escape;

use super::gotemplating::yaml_out;
use super::pipeline::{self, Rendered};
use super::{Severity, State};

/// The largest input file `render` reads.
const MAX_FILE: u64 = 16 << 20;

/// Arguments of `portalint render`.
#[derive(Debug, clap::Args, Clone)]
pub struct RenderArgs {
    /// The composite resource (XR) to render: a YAML file with one XR.
    pub xr: PathBuf,
    /// The Composition (default: the one among the current directory's YAML files whose
    /// `compositeTypeRef` is the XR's type, chosen by the XR's composition reference or
    /// selector when there are several).
    #[arg(long, value_name = "FILE")]
    pub composition: Option<PathBuf>,
    /// Observed composed resources (YAML, one per document, each with its
    /// `crossplane.io/composition-resource-name` annotation): a render after the first.
    #[arg(long, value_name = "FILE")]
    pub observed: Option<PathBuf>,
    /// EnvironmentConfigs for function-environment-configs (YAML; repeatable).
    #[arg(long, value_name = "FILE")]
    pub environment: Vec<PathBuf>,
    /// Also print each step's results as `Result` objects.
    #[arg(long, short = 'r')]
    pub include_function_results: bool,
}

/// A YAML file read and parsed, or the error that says why not, with its position.
struct Loaded {
    path: PathBuf,
    text: String,
    parsed: yaml::Parsed,
}

fn position(text: &str, at: u32) -> (usize, usize) {
    let before = &text[..(at as usize).min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

fn load(path: &Path) -> Result<Loaded, String> {
    let shown = path.display();
    let meta = std::fs::metadata(path).map_err(|e| format!("{shown}: cannot read: {e}"))?;
    if !meta.is_file() {
        return Err(format!("{shown}: not a regular file"));
    }
    if meta.len() > MAX_FILE {
        return Err(format!(
            "{shown}: {} bytes, over the limit of {MAX_FILE} bytes",
            meta.len()
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("{shown}: cannot read: {e}"))?;
    let text = String::from_utf8(bytes)
        .map_err(|e| format!("{shown}: not valid UTF-8 (byte {})", e.utf8_error().valid_up_to()))?;
    let parsed = yaml::parse(&text);
    if let Some(p) = parsed.problems.first() {
        let (line, col) = position(&text, p.start);
        return Err(format!("{shown}:{line}:{col}: {}", p.message));
    }
    Ok(Loaded {
        path: path.to_path_buf(),
        text,
        parsed,
    })
}

/// The Composition's file.
struct Source {
    path: PathBuf,
    text: String,
}

/// Every document of a file as JSON, skipping empty ones.
fn objects(l: &Loaded) -> Vec<Value> {
    l.parsed
        .docs
        .iter()
        .map(|d| d.root.to_json())
        .filter(|v| !v.is_null())
        .collect()
}

/// The Composition document to run: the given file's, or the matching one of the current
/// directory.
fn composition(args: &RenderArgs, xr: &Value) -> Result<(Source, Doc), String> {
    let api = xr.get("apiVersion").and_then(Value::as_str).unwrap_or("");
    let kind = xr.get("kind").and_then(Value::as_str).unwrap_or("");
    let matches = |d: &Doc| {
        let c = Composition { doc: d, id: 0 };
        d.kind == "Composition"
            && c.type_ref()
                .is_some_and(|r| r.str_at(&["apiVersion"]) == Some(api) && r.str_at(&["kind"]) == Some(kind))
    };
    let mut candidates: Vec<(Source, Doc)> = Vec::new();
    let files: Vec<PathBuf> = match &args.composition {
        Some(p) => vec![p.clone()],
        None => crate::discover::discover(Path::new("."), "", &globset::GlobSet::empty(), MAX_FILE)
            .inputs
            .into_iter()
            .filter(|i| matches!(i.content, crate::model::InputContent::Yaml(_)))
            .map(|i| i.path.strip_prefix(".").map(Path::to_path_buf).unwrap_or(i.path))
            .collect(),
    };
    for f in files {
        let loaded = match load(&f) {
            Ok(l) => l,
            Err(e) if args.composition.is_some() => return Err(e),
            Err(_) => continue,
        };
        let rel = loaded.path.to_string_lossy().to_string();
        for d in &loaded.parsed.docs {
            let doc = classify_doc(FileId(0), &rel, d.root.clone());
            if matches(&doc) {
                candidates.push((
                    Source {
                        path: loaded.path.clone(),
                        text: loaded.text.clone(),
                    },
                    doc,
                ));
            }
        }
    }
    let name_of = |d: &Doc| d.name().unwrap_or("").to_string();
    let spec = xr.get("spec");
    let reference = spec
        .and_then(|s| {
            s.pointer("/crossplane/compositionRef/name")
                .or_else(|| s.pointer("/compositionRef/name"))
        })
        .and_then(Value::as_str);
    let selector = spec
        .and_then(|s| {
            s.pointer("/crossplane/compositionSelector/matchLabels")
                .or_else(|| s.pointer("/compositionSelector/matchLabels"))
        })
        .and_then(Value::as_object);
    if let Some(want) = reference {
        candidates.retain(|(_, d)| name_of(d) == want);
    } else if let Some(labels) = selector {
        candidates.retain(|(_, d)| {
            labels
                .iter()
                .all(|(k, v)| d.root.str_at(&["metadata", "labels", k.as_str()]) == v.as_str())
        });
    }
    let listing = |c: &[(Source, Doc)]| {
        c.iter()
            .map(|(l, d)| {
                let (line, _) = position(&l.text, d.root.start);
                format!("`{}` ({}:{line})", name_of(d), l.path.display())
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    match candidates.len() {
        1 => Ok(candidates.pop().expect("one")),
        0 => Err(match (&args.composition, reference) {
            (Some(p), Some(r)) => format!("{}: no Composition named `{r}` for {api} {kind}", p.display()),
            (Some(p), None) => format!("{}: no Composition for {api} {kind}", p.display()),
            (None, Some(r)) => format!(
                "no Composition named `{r}` for {api} {kind} in the current directory (give one with --composition)"
            ),
            (None, None) => {
                format!("no Composition for {api} {kind} in the current directory (give one with --composition)")
            }
        }),
        _ => Err(format!(
            "{} Compositions for {api} {kind}: {}; give one with --composition or set the XR's composition reference",
            candidates.len(),
            listing(&candidates)
        )),
    }
}

/// Runs `portalint render`.
pub fn run(args: &RenderArgs, out: &mut dyn Write) -> u8 {
    match render(args) {
        Ok((rendered, source)) => {
            for r in &rendered.results {
                let place = r.result.span.map_or_else(String::new, |sp| {
                    let (line, col) = position(&source.text, sp.start);
                    format!("{}:{line}:{col}: ", source.path.display())
                });
                let level = match (r.unsupported, r.result.severity) {
                    (true, _) => "info[render-unsupported]",
                    (_, Severity::Fatal) => "error",
                    (_, Severity::Warning) => "warning",
                    (_, Severity::Normal) => "info",
                };
                eprintln!(
                    "{level}: {}step `{}`: {}",
                    escape::line(&place),
                    escape::line(&r.step),
                    escape::line(&r.result.message)
                );
            }
            let mut docs = pipeline::output(&rendered);
            if args.include_function_results {
                docs.extend(pipeline::result_objects(&rendered));
            }
            let mut s = String::new();
            for d in &docs {
                s.push_str("---\n");
                s.push_str(&yaml_out::to_yaml(d));
            }
            if out.write_all(s.as_bytes()).is_err() {
                return EXIT_ERROR;
            }
            if rendered.failed {
                EXIT_FINDINGS
            } else {
                EXIT_CLEAN
            }
        }
        Err(e) => {
            eprintln!("error: {}", escape::line(&e));
            EXIT_ERROR
        }
    }
}

fn render(args: &RenderArgs) -> Result<(Rendered, Source), String> {
    let xr_file = load(&args.xr)?;
    let mut xrs = objects(&xr_file);
    let xr = match xrs.len() {
        1 => xrs.remove(0),
        0 => return Err(format!("{}: no XR in the file", args.xr.display())),
        n => return Err(format!("{}: {n} documents; give one XR per file", args.xr.display())),
    };
    if xr.get("apiVersion").and_then(Value::as_str).is_none() || xr.get("kind").and_then(Value::as_str).is_none() {
        return Err(format!("{}: the XR has no `apiVersion` or `kind`", args.xr.display()));
    }
    let (comp_file, doc) = composition(args, &xr)?;
    let mut state = State {
        composite: xr.clone(),
        ..State::default()
    };
    if let Some(p) = &args.observed {
        let l = load(p)?;
        state.observed = pipeline::observed_from(objects(&l)).map_err(|e| format!("{}: {e}", p.display()))?;
    }
    let mut envs = Vec::new();
    for p in &args.environment {
        let l = load(p)?;
        for o in objects(&l) {
            if o.get("kind").and_then(Value::as_str) != Some("EnvironmentConfig") {
                return Err(format!("{}: a document is not an EnvironmentConfig", p.display()));
            }
            envs.push(o);
        }
    }
    if !envs.is_empty() {
        state.extra.insert("environment".into(), envs);
    }
    let rendered = pipeline::run(&doc, &comp_file.text, state);
    Ok((rendered, comp_file))
}
