use crate::model::Workspace;
use crate::parse::source::Span;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Reports a `.yaml`/`.yml` file that cannot be checked: binary content, invalid UTF-8,
    /// larger than `max-file-size` (default 5 MiB), a symlink pointing outside the checked
    /// root or a symlink that cannot be resolved. A folder the walk cannot list (no read
    /// permission) is reported the same way: nothing below it was checked.
    ///
    /// ## Why is this bad?
    /// Kubernetes reads YAML as UTF-8 text; a file that is none of that is either a mistake or
    /// something a gatekeeper must not silently wave through.
    ///
    /// ## Example
    /// A `.yaml` file with binary content, such as the fixture case `fail/binary`: its
    /// `blob.yaml` is `apiVersion: v1` followed by the bytes `0x00 0x01 0x02`, which no code block
    /// can show. A file saved as UTF-16 or a symlink to `/etc/passwd` is reported the same way.
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: utf8-text
    /// ```
    pub YamlUnreadable {
        id: "yaml-unreadable",
        category: Correctness,
        severity: Error,
        pack: Core,
    }
}

impl Rule for YamlUnreadable {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for (file, reason) in &ws.unreadable {
            let what = if crate::discover::is_unlisted_folder(reason) {
                "folder"
            } else {
                "file"
            };
            out.report(Span::file_start(*file), format!("cannot check this {what}: {reason}"));
        }
    }
}
