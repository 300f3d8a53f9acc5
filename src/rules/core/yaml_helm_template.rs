use crate::model::Workspace;
use crate::parse::source::Span;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Notes, once per file, each Helm chart template that portalint skips: a file under the
    /// `templates/` folder of a chart (a folder with `Chart.yaml`) that holds template actions
    /// (`{{ … }}`). It is not YAML until `helm template` renders it, so it is not parsed and
    /// no other rule checks it. An info note: it never fails a run.
    ///
    /// ## Why is this bad?
    /// It is not: the note says what was not checked, so that a clean run is not read as
    /// "the chart was checked". To check the chart, render it into a folder
    /// (`helm template ./chart --output-dir rendered`) and check that folder.
    ///
    /// ## Example
    /// `chart/templates/configmap.yaml`, next to `chart/Chart.yaml`:
    /// ```yaml fixture=fail/chart file=templates/configmap.yaml
    /// apiVersion: v1  # expect: yaml-helm-template
    /// kind: ConfigMap
    /// metadata:
    ///   name: {{ .Release.Name }}-settings
    /// {{- with .Values.labels }}
    ///   labels: {{- toYaml . | nindent 4 }}
    /// {{- end }}
    /// ```
    ///
    /// Use instead: nothing to change; check the rendered manifests.
    pub YamlHelmTemplate {
        id: "yaml-helm-template",
        category: Correctness,
        severity: Info,
        pack: Core,
    }
}

impl Rule for YamlHelmTemplate {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for &file in &ws.helm_templates {
            out.report(
                Span::file_start(file),
                "skipped: a Helm chart template (`{{ … }}`) is not YAML until `helm template` renders it; not checked",
            );
        }
    }
}
