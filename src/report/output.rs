//! `--output FORMAT[=PATH]`: one run writes every format it is asked for (annotations on the
//! log, SARIF to a file, the Markdown job summary), each to standard output (no PATH, or `-`)
//! or to a file. Files are written atomically: the report is written to a temporary file in
//! the same folder and renamed over PATH, so a reader never sees half a report (a PATH that
//! is not a regular file, such as `/dev/stdout` or a FIFO, is written in place).
//!
//! A run that ends in an error (exit 2) still writes its SARIF and JSON outputs: a SARIF log
//! whose invocation failed, with the error as a tool execution notification, and a JSON
//! document with an `error` member; the other formats write nothing (the error is on stderr).

use super::{Format, Located, Summary};
use std::io::Write;
use std::path::{Path, PathBuf};

/// One `--output`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputSpec {
    /// The format.
    pub format: Format,
    /// The file; `None` for standard output.
    pub path: Option<PathBuf>,
}

/// Parses `FORMAT`, `FORMAT=-` or `FORMAT=PATH`.
pub fn parse_spec(text: &str) -> Result<OutputSpec, String> {
    let (name, path) = match text.split_once('=') {
        Some((n, p)) => (n, Some(p)),
        None => (text, None),
    };
    let format = <Format as clap::ValueEnum>::from_str(name.trim(), true).map_err(|_| {
        let names: Vec<&str> = <Format as clap::ValueEnum>::value_variants()
            .iter()
            .map(|f| f.as_str())
            .collect();
        format!(
            "unknown output format {code0} (one of {})",
            names.join(", "),
            code0 = crate::parse::text::code(&name)
        )
    })?;
    let path = match path {
        None | Some("-") => None,
        Some("") => {
            return Err(format!(
                "{code0}: no path after `=` (use {code1} or {code2} for stdout)",
                code0 = crate::parse::text::code(&text),
                code1 = crate::parse::text::code(&name),
                code2 = crate::parse::text::code(&format!("{name}=-"))
            ))
        }
        Some(p) => Some(PathBuf::from(p)),
    };
    Ok(OutputSpec { format, path })
}

/// The outputs of a run: `--format` (when given) to stdout, then every `--output`; text to
/// stdout when neither is given. Two outputs to stdout, or two to one file, are a usage error.
pub fn plan(format: Option<Format>, outputs: &[OutputSpec]) -> Result<Vec<OutputSpec>, String> {
    let mut all: Vec<OutputSpec> = format
        .map(|format| OutputSpec { format, path: None })
        .into_iter()
        .collect();
    all.extend(outputs.iter().cloned());
    if all.is_empty() {
        all.push(OutputSpec {
            format: Format::Text,
            path: None,
        });
    }
    let stdout: Vec<&str> = all
        .iter()
        .filter(|o| o.path.is_none())
        .map(|o| o.format.as_str())
        .collect();
    if stdout.len() > 1 {
        return Err(format!(
            "{} outputs write to stdout ({}): give each but one a file, `--output FORMAT=PATH`",
            stdout.len(),
            stdout.join(", ")
        ));
    }
    for (i, o) in all.iter().enumerate() {
        if let Some(p) = &o.path {
            if all[..i].iter().any(|x| x.path.as_ref() == Some(p)) {
                return Err(format!(
                    "two outputs write to {code0}",
                    code0 = crate::parse::text::code(&p.display())
                ));
            }
        }
    }
    Ok(all)
}

/// Writes `bytes` to `path` atomically (a temporary file in the same folder, renamed over
/// `path`); a `path` that exists and is not a regular file is written in place.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file()) {
        return std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .and_then(|mut f| f.write_all(bytes));
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new().prefix(".portalint-").tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Where a report goes.
fn emit(spec: &OutputSpec, bytes: &[u8], stdout: &mut dyn Write) -> Result<(), String> {
    match &spec.path {
        None => match stdout.write_all(bytes).and_then(|_| stdout.flush()) {
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(format!("cannot write the report: {e}")),
            _ => Ok(()),
        },
        Some(p) => write_atomic(p, bytes).map_err(|e| {
            format!(
                "cannot write the {} report to {code0}: {e}",
                spec.format.as_str(),
                code0 = crate::parse::text::code(&p.display())
            )
        }),
    }
}

/// Renders and writes every output; `color` applies to text on stdout only.
pub fn write_all(
    specs: &[OutputSpec],
    diags: &[Located],
    summary: &Summary,
    color: bool,
    stdout: &mut dyn Write,
) -> Result<(), String> {
    for spec in specs {
        let color = color && spec.path.is_none();
        stream(spec, stdout, &mut |w| {
            super::render(spec.format, diags, summary, color, w)
        })?;
    }
    Ok(())
}

/// Writes a report as `render` produces it, straight to its destination (buffered, never
/// whole in memory): standard output, or a file written atomically — a temporary file in
/// the same folder renamed over PATH once the report is complete, so a failed run leaves the
/// previous file, never half a report.
fn stream(
    spec: &OutputSpec,
    stdout: &mut dyn Write,
    render: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), String> {
    let failed = |e: std::io::Error| match &spec.path {
        None => format!("cannot write the report: {e}"),
        Some(p) => format!(
            "cannot write the {} report to {code0}: {e}",
            spec.format.as_str(),
            code0 = crate::parse::text::code(&p.display())
        ),
    };
    let Some(path) = &spec.path else {
        let mut w = std::io::BufWriter::new(stdout);
        return match render(&mut w).and_then(|_| w.flush()) {
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(failed(e)),
            _ => Ok(()),
        };
    };
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file()) {
        // `/dev/stdout`, a FIFO: written in place.
        let file = std::fs::OpenOptions::new().write(true).open(path).map_err(failed)?;
        let mut w = std::io::BufWriter::new(file);
        return render(&mut w).and_then(|_| w.flush()).map_err(failed);
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let tmp = tempfile::Builder::new()
        .prefix(".portalint-")
        .tempfile_in(dir)
        .map_err(failed)?;
    let mut w = std::io::BufWriter::new(tmp);
    render(&mut w).and_then(|_| w.flush()).map_err(failed)?;
    let tmp = w.into_inner().map_err(|e| failed(e.into_error()))?;
    tmp.as_file().sync_all().map_err(failed)?;
    tmp.persist(path).map_err(|e| failed(e.error))?;
    Ok(())
}

/// Where the error of a failed run lies (a config error): the file as findings show theirs,
/// 1-based line and column (Unicode code points, as findings).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorAt {
    /// The file, relative to the current directory when it can be.
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

/// Writes the SARIF and JSON outputs of a run that ended in `error` (see the module docs),
/// with the error's position when it has one.
pub fn write_error(
    specs: &[OutputSpec],
    error: &str,
    at: Option<&ErrorAt>,
    stdout: &mut dyn Write,
) -> Result<(), String> {
    for spec in specs {
        let doc = match spec.format {
            Format::Sarif => super::sarif::error_document(error, at),
            Format::Json => super::json::error_document(error, at),
            _ => continue,
        };
        let mut buf = Vec::new();
        super::escape::write_json_pretty(&mut buf, &doc).map_err(|e| e.to_string())?;
        buf.push(b'\n');
        emit(spec, &buf, stdout)?;
    }
    Ok(())
}

/// The `--output` values of a command line clap rejected (`--output X`, `--output=X`), the
/// unparsable ones left out: so that a usage error still leaves its SARIF file.
pub fn salvage(args: &[std::ffi::OsString]) -> Vec<OutputSpec> {
    let mut out = Vec::new();
    let mut it = args.iter().filter_map(|a| a.to_str());
    while let Some(a) = it.next() {
        let value = if a == "--output" {
            it.next()
        } else {
            a.strip_prefix("--output=")
        };
        if let Some(spec) = value.and_then(|v| parse_spec(v).ok()) {
            if spec.path.is_some() {
                out.push(spec);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs() {
        assert_eq!(
            parse_spec("github"),
            Ok(OutputSpec {
                format: Format::Github,
                path: None
            })
        );
        assert_eq!(parse_spec("sarif=-").map(|s| s.path), Ok(None));
        assert_eq!(
            parse_spec("markdown=/tmp/sum.md").map(|s| s.path),
            Ok(Some(PathBuf::from("/tmp/sum.md")))
        );
        assert!(parse_spec("sraif=x").is_err_and(|e| e.contains("one of text, json, sarif")));
        assert!(parse_spec("sarif=").is_err());
        let two = plan(Some(Format::Text), &[parse_spec("github").expect("spec")]);
        assert!(two.is_err_and(|e| e.contains("2 outputs write to stdout")));
        assert!(plan(
            None,
            &[parse_spec("sarif=a").expect("a"), parse_spec("json=a").expect("a")]
        )
        .is_err());
        assert_eq!(plan(None, &[]).expect("default")[0].format, Format::Text);
    }

    #[test]
    fn salvage_finds_the_outputs_of_a_rejected_line() {
        let args: Vec<std::ffi::OsString> = [
            "portalint",
            "check",
            "--bogus",
            "--output",
            "sarif=a.sarif",
            "--output=json=b.json",
            "--output",
            "github",
        ]
        .iter()
        .map(Into::into)
        .collect();
        let got = salvage(&args);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].format, Format::Sarif);
        assert_eq!(got[1].path, Some(PathBuf::from("b.json")));
    }

    #[test]
    fn atomic_writes_replace_the_file() {
        let tmp = tempfile::tempdir().expect("tmp");
        let p = tmp.path().join("out.sarif");
        std::fs::write(&p, "old").expect("write");
        write_atomic(&p, b"new").expect("atomic");
        assert_eq!(std::fs::read_to_string(&p).expect("read"), "new");
        let left: Vec<_> = std::fs::read_dir(tmp.path()).expect("dir").collect();
        assert_eq!(left.len(), 1, "no temporary file left");
        assert!(write_atomic(&tmp.path().join("missing/x"), b"x").is_err());
    }
}
