//! Source files, file ids and byte spans. Owns the byte → line/column mapping; nothing else
//! in the crate computes lines or columns.

use std::path::PathBuf;
use std::sync::Arc;

/// Index of a file in the run's [`SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// A byte range in one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    /// The file the range points into.
    pub file: FileId,
    /// Start byte offset (inclusive).
    pub start: u32,
    /// End byte offset (exclusive).
    pub end: u32,
}

impl Span {
    /// A span over `start..end` of `file`.
    pub fn new(file: FileId, start: u32, end: u32) -> Self {
        Span {
            file,
            start,
            end: end.max(start),
        }
    }
    /// An empty span at the start of `file` (used for whole-file or missing-file findings).
    pub fn file_start(file: FileId) -> Self {
        Span { file, start: 0, end: 0 }
    }
}

/// Where a file's text comes from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Origin {
    /// The checked tree (the work tree, or the head revision with `--head`).
    #[default]
    Checked,
    /// Another revision of the repository (the base of a change): the revision as given,
    /// and the file's path in it.
    Revision {
        /// The revision (`--base`).
        rev: String,
        /// The path in that revision, relative like `rel`.
        path: String,
    },
    /// An XRD source outside the checked tree (`--xrds`).
    Source,
}

/// One file of the run: its path relative to the checked root and its text.
#[derive(Debug)]
pub struct SourceFile {
    /// Path relative to the root, `/`-separated.
    pub rel: String,
    /// Path on disk (absolute or as given).
    pub path: PathBuf,
    /// The UTF-8 text (empty for virtual entries such as a missing file or a directory).
    pub text: Arc<str>,
    /// Where the text comes from.
    pub origin: Origin,
    /// Byte offsets of the line starts, indexed on first use: most files have no finding.
    line_starts: std::sync::OnceLock<Vec<u32>>,
}

impl SourceFile {
    /// Creates a source file (its line starts are indexed when a line is first asked for).
    pub fn new(rel: String, path: PathBuf, text: Arc<str>) -> Self {
        SourceFile {
            rel,
            path,
            text,
            origin: Origin::Checked,
            line_starts: std::sync::OnceLock::new(),
        }
    }

    fn line_starts(&self) -> &[u32] {
        self.line_starts.get_or_init(|| {
            let mut starts = vec![0u32];
            for (i, b) in self.text.bytes().enumerate() {
                if b == b'\n' {
                    starts.push(i as u32 + 1);
                }
            }
            starts
        })
    }

    /// 1-based line and 1-based column (counted in Unicode scalar values) of a byte offset.
    /// The 1-based line of a byte offset (a binary search: no scan of the line).
    pub fn line_of(&self, offset: u32) -> usize {
        let offset = offset.min(self.text.len() as u32);
        match self.line_starts().binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        }
    }

    pub fn line_col(&self, offset: u32) -> (usize, usize) {
        let offset = (offset as usize).min(self.text.len());
        let line_starts = self.line_starts();
        let line = match line_starts.binary_search(&(offset as u32)) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = line_starts[line] as usize;
        let mut off = offset;
        while off > start && !self.text.is_char_boundary(off) {
            off -= 1;
        }
        let col = self.text[start..off].chars().count();
        (line + 1, col + 1)
    }

    /// The text of 1-based line `line`, without its line break.
    pub fn line_text(&self, line: usize) -> &str {
        let line_starts = self.line_starts();
        if line == 0 || line > line_starts.len() {
            return "";
        }
        let start = line_starts[line - 1] as usize;
        let end = line_starts.get(line).map(|&e| e as usize).unwrap_or(self.text.len());
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }
}

/// All files of one run, indexed by [`FileId`].
#[derive(Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    /// An empty map with room for `n` files.
    pub fn with_capacity(n: usize) -> Self {
        SourceMap {
            files: Vec::with_capacity(n),
        }
    }

    /// Adds a file and returns its id.
    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        FileId(self.files.len() as u32 - 1)
    }
    /// The file behind an id.
    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }
    /// Looks a file up by its relative path.
    pub fn find(&self, rel: &str) -> Option<FileId> {
        self.files.iter().position(|f| f.rel == rel).map(|i| FileId(i as u32))
    }
    /// Every file with its id.
    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files.iter().enumerate().map(|(i, f)| (FileId(i as u32), f))
    }
    /// Number of files.
    pub fn len(&self) -> usize {
        self.files.len()
    }
    /// True when no file was added.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}
