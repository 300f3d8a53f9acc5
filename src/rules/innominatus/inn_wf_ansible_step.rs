use crate::model::{innominatus, Workspace};
use crate::parse::text::code;
use crate::rules::{Rule, Sink};

crate::declare_rule! {
    /// ## What it does
    /// Checks that a `type: ansible` step names its playbook: `config.playbook`, or the legacy
    /// step-level `playbook`.
    ///
    /// ## Why is this bad?
    /// innominatus's validator rejects the step; there is nothing for the executor to run.
    ///
    /// ## Example
    /// ```yaml fixture=fail/missing.yaml
    /// steps:
    ///   - name: configure
    ///     type: ansible
    ///     config:
    ///       inventory: hosts.ini
    /// ```
    ///
    /// Use instead:
    /// ```yaml fixture=pass/playbook.yaml
    /// steps:
    ///   - name: configure
    ///     type: ansible
    ///     config:
    ///       playbook: site.yml
    /// ```
    pub InnWfAnsibleStep {
        id: "inn-wf-ansible-step",
        category: Correctness,
        severity: Error,
        pack: Innominatus,
    }
}

impl Rule for InnWfAnsibleStep {
    fn check(&self, ws: &Workspace, out: &mut Sink) {
        for doc in ws.inn_workflows() {
            for (step, config) in innominatus::steps_of_type(doc, "ansible") {
                if config.get("playbook").is_none() && step.get("playbook").is_none() {
                    let name = innominatus::step_name(step);
                    out.report(
                        doc.span_of_key(step, "config"),
                        format!("ansible step {code0} has no `config.playbook`", code0 = code(&name)),
                    );
                }
            }
        }
    }
}
