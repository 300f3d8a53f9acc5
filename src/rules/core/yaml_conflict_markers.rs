use crate::model::Workspace;
use crate::parse::source::Span;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Reports git merge conflict markers (`<<<<<<<`, `=======`, `>>>>>>>`) left in a YAML file.
    ///
    /// ## Why is this bad?
    /// The file was committed in the middle of a merge: it is either invalid YAML or, worse,
    /// valid YAML holding both sides of the conflict.
    ///
    /// ## Example
    /// ```yaml
    /// metadata:
    /// <<<<<<< HEAD
    ///   name: web
    /// =======
    ///   name: web-v2
    /// >>>>>>> feature
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// metadata:
    ///   name: web-v2
    /// ```
    pub YamlConflictMarkers {
        id: "yaml-conflict-markers",
        category: Correctness,
        severity: Error,
        pack: Core,
    }
}

impl Rule for YamlConflictMarkers {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for (id, file) in ws.sources.iter() {
            if !crate::discover::is_yaml(&file.path) {
                continue;
            }
            let text = &*file.text;
            let bytes = text.as_bytes();
            // Every marker starts a line with `<`, `=` or `>`: only those bytes are looked at.
            for at in memchr::memchr3_iter(b'<', b'=', b'>', bytes) {
                if at > 0 && bytes[at - 1] != b'\n' {
                    continue;
                }
                let end = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |n| at + n + 1);
                let l = text[at..end].trim_end_matches(['\n', '\r']);
                let marker = (l.starts_with("<<<<<<< ") || l == "<<<<<<<")
                    || l == "======="
                    || l.starts_with("======= ")
                    || (l.starts_with(">>>>>>> ") || l == ">>>>>>>");
                if marker {
                    let offset = at as u32;
                    out.report(Span::new(id, offset, offset + l.len() as u32), "merge conflict marker")
                        .help("resolve the conflict and remove the markers");
                }
            }
        }
    }
}
