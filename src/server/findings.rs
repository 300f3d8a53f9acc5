//! Findings as the editor sees them: LSP diagnostics (UTF-16 ranges, the rule id as code and
//! its page as code description, secondary labels as related information), the hover of a
//! finding's rule doc, and the code actions of a finding: the engine's fix where it has one
//! (a regenerated kustomization, [`crate::fix`]; the edits the finding carries, as
//! `portalint check --fix` makes them) and the inline suppression comment.

use super::position::{uri_of, LineIndex};
use crate::engine::warm::{Checked, Warm};
use crate::rules::diagnostic::Severity;
use crate::rules::RuleId;
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, Diagnostic, DiagnosticSeverity, Hover, HoverContents, Location,
    MarkupContent, MarkupKind, NumberOrString, Position, Range, TextEdit, Uri, WorkspaceEdit,
};
use std::collections::HashMap;

/// Where a rule's page is published.
pub const RULE_PAGES: &str = "https://github.com/open-service-portal/portalint/blob/main/rules";

/// One published finding.
#[derive(Debug, Clone, PartialEq)]
struct Item {
    rule: RuleId,
    diagnostic: Diagnostic,
    /// The finding's own fix, as editor edits of the text that was checked (empty: none).
    fix: Vec<TextEdit>,
}

/// What was published for one file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Published {
    items: Vec<Item>,
    /// The text the findings were computed on: a fix is offered only on that text.
    text: Option<std::sync::Arc<str>>,
}

/// Groups the findings of a check by checked file, converted (every checked file is listed,
/// with no finding when it has none).
pub fn convert(checked: &Checked) -> Vec<(String, Published)> {
    let ws = &checked.ws;
    let mut indexes: HashMap<crate::parse::source::FileId, LineIndex<'_>> = HashMap::new();
    let mut by_file: HashMap<String, Published> = checked
        .files
        .iter()
        .map(|r| (r.clone(), Published::default()))
        .collect();
    let mut range_of = |span: crate::parse::source::Span| {
        let index = indexes
            .entry(span.file)
            .or_insert_with(|| LineIndex::new(&ws.sources.get(span.file).text));
        index.range(span.start as usize, span.end as usize)
    };
    for d in &checked.diagnostics {
        let file = ws.sources.get(d.primary.span.file);
        let related: Vec<lsp_types::DiagnosticRelatedInformation> = d
            .secondary
            .iter()
            .filter_map(|l| {
                let path = &ws.sources.get(l.span.file).path;
                Some(lsp_types::DiagnosticRelatedInformation {
                    location: Location::new(uri_of(path)?, range_of(l.span)),
                    message: l.message.clone().unwrap_or_default(),
                })
            })
            .collect();
        let mut message = d.message.clone();
        if let Some(note) = &d.primary.message {
            message.push_str(&format!(" ({note})"));
        }
        if let Some(help) = &d.help {
            message.push_str(&format!("\nhelp: {help}"));
        }
        let diagnostic = Diagnostic {
            range: range_of(d.primary.span),
            severity: Some(match d.severity {
                Severity::Error => DiagnosticSeverity::ERROR,
                Severity::Warning => DiagnosticSeverity::WARNING,
                Severity::Info => DiagnosticSeverity::INFORMATION,
            }),
            code: Some(NumberOrString::String(d.rule.as_str().to_string())),
            code_description: format!("{RULE_PAGES}/{}.md", d.rule.as_str())
                .parse()
                .ok()
                .map(|href| lsp_types::CodeDescription { href }),
            source: Some("portalint".into()),
            message,
            related_information: (!related.is_empty()).then_some(related),
            tags: None,
            data: None,
        };
        let fix = d
            .fix
            .as_ref()
            .filter(|f| f.edits.iter().all(|e| e.span.file == d.primary.span.file))
            .map(|f| {
                f.edits
                    .iter()
                    .map(|e| TextEdit::new(range_of(e.span), e.replacement.clone()))
                    .collect()
            })
            .unwrap_or_default();
        let published = by_file.entry(file.rel.clone()).or_default();
        published.text = Some(file.text.clone());
        published.items.push(Item {
            rule: d.rule,
            diagnostic,
            fix,
        });
    }
    let mut out: Vec<(String, Published)> = by_file.into_iter().collect();
    for (_, p) in &mut out {
        p.items.sort_by(|a, b| {
            let key = |i: &Item| (i.diagnostic.range.start, i.diagnostic.range.end, i.rule.as_str());
            key(a).cmp(&key(b))
        });
    }
    out.sort_by(|a, b| crate::discover::walk_order(&a.0, &b.0));
    out
}

fn contains(range: Range, pos: Position) -> bool {
    range.start <= pos && pos <= range.end
}

fn overlaps(a: Range, b: Range) -> bool {
    a.start <= b.end && b.start <= a.end
}

impl Published {
    /// True when the file has no finding.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The LSP diagnostics.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        self.items.iter().map(|i| i.diagnostic.clone()).collect()
    }

    /// The rule docs of the findings at `pos`.
    pub fn hover(&self, pos: Position) -> Option<Hover> {
        let here: Vec<&Item> = self
            .items
            .iter()
            .filter(|i| contains(i.diagnostic.range, pos))
            .collect();
        let first = here.first()?;
        let mut seen = Vec::new();
        let mut text = String::new();
        for item in &here {
            if seen.contains(&item.rule) {
                continue;
            }
            seen.push(item.rule);
            let meta = item.rule.meta();
            if !text.is_empty() {
                text.push_str("\n\n---\n\n");
            }
            text.push_str(&format!(
                "**{code0}** · {} · {} · [rule page]({RULE_PAGES}/{}.md)\n\n{}",
                meta.severity.as_str(),
                meta.category.as_str(),
                meta.id,
                meta.docs.trim(),
                code0 = crate::parse::text::code(&meta.id)
            ));
        }
        Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: text,
            }),
            range: Some(first.diagnostic.range),
        })
    }

    /// The code actions for the findings overlapping `range` of the file `rel` (its text
    /// `text`, at `uri`).
    pub fn actions(&self, uri: &Uri, rel: &str, text: &str, range: Range, warm: &Warm) -> Vec<CodeActionOrCommand> {
        let index = LineIndex::new(text);
        let mut out = Vec::new();
        let edit = |edits: Vec<TextEdit>| WorkspaceEdit {
            changes: Some(HashMap::from([(uri.clone(), edits)])),
            ..Default::default()
        };
        let mut regenerated = false;
        let mut suppressed: Vec<(RuleId, u32)> = Vec::new();
        for item in self.items.iter().filter(|i| overlaps(i.diagnostic.range, range)) {
            // The engine's fix: the kustomization regenerated from the tree, as `--fix` writes it.
            if item.rule.as_str() == "osp-ord-kustomization-sync" && !regenerated {
                let dir = rel.rsplit_once('/').map_or("", |(d, _)| d);
                let wanted = crate::fix::expected_resources(dir, warm.paths());
                let new = crate::fix::render(Some(text), &wanted);
                if new != text {
                    regenerated = true;
                    out.push(CodeActionOrCommand::CodeAction(CodeAction {
                        title: format!(
                            "Regenerate {code0} from the tree ({} resources)",
                            wanted.len(),
                            code0 = crate::parse::text::code(&rel)
                        ),
                        kind: Some(CodeActionKind::QUICKFIX),
                        diagnostics: Some(vec![item.diagnostic.clone()]),
                        edit: Some(edit(vec![TextEdit::new(index.range(0, text.len()), new)])),
                        is_preferred: Some(true),
                        ..Default::default()
                    }));
                }
            }
            // The finding's own fix, on the text it was found in.
            if !item.fix.is_empty() && self.text.as_deref() == Some(text) {
                out.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: format!("Fix: {}", first_line(&item.diagnostic.message)),
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![item.diagnostic.clone()]),
                    edit: Some(edit(item.fix.clone())),
                    is_preferred: Some(true),
                    ..Default::default()
                }));
            }
            // The inline suppression the policy reads: a comment line right above.
            let line = item.diagnostic.range.start.line;
            if suppressed.contains(&(item.rule, line)) {
                continue;
            }
            suppressed.push((item.rule, line));
            let start = index.offset(Position::new(line, 0));
            let indent: String = text[start..].chars().take_while(|c| *c == ' ' || *c == '\t').collect();
            out.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: format!(
                    "Ignore {code0} on this line",
                    code0 = crate::parse::text::code(&item.rule.as_str())
                ),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![item.diagnostic.clone()]),
                edit: Some(edit(vec![TextEdit::new(
                    Range::new(Position::new(line, 0), Position::new(line, 0)),
                    format!("{indent}# portalint: ignore[{}]\n", item.rule.as_str()),
                )])),
                ..Default::default()
            }));
        }
        out
    }
}

/// The first line of a finding's message (the help follows on the next).
fn first_line(message: &str) -> &str {
    message.lines().next().unwrap_or(message)
}
