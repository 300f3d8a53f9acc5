#!/usr/bin/env python3
"""The hostile-input campaign of issue 20: generates each case in a temporary folder, runs
`portalint check` on it under a wall-clock timeout and an address-space limit, and prints a
Markdown table (case, seconds, peak RSS, exit code, the first finding's rule).

    python3 benches/hostile_campaign.py [--bin target/release/portalint] [--only NAME]...
                                        [--timeout 60] [--limit-gb 8]

Cases are generated at run time (nothing large is committed). Exit code "timeout" or
"killed" is a failure of the budget; so is a time over 10 s or a peak over 1 GB.
"""

import argparse
import os
import resource
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time

XRD = """apiVersion: apiextensions.crossplane.io/v2
kind: CompositeResourceDefinition
metadata:
  name: things.openportal.dev
spec:
  group: openportal.dev
  names: {kind: Thing, plural: things}
  scope: Namespaced
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
            properties:
%s
"""


def indent(text, n):
    return "".join(" " * n + line + "\n" for line in text.splitlines())


def xr(spec_yaml):
    return (
        "apiVersion: openportal.dev/v1alpha1\nkind: Thing\nmetadata:\n  name: t\n  namespace: team-a\nspec:\n"
        + indent(spec_yaml, 2)
    )


def schema_case(props, spec):
    """An XRD whose spec has `props` (YAML, at the properties level) and one XR with `spec`."""
    return {
        "configuration/xrd.yaml": XRD % indent(props, 14),
        "examples/thing.yaml": xr(spec),
    }


def w(d, files):
    for rel, content in files.items():
        p = os.path.join(d, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        mode = "wb" if isinstance(content, bytes) else "w"
        with open(p, mode) as f:
            f.write(content)


# --- YAML ------------------------------------------------------------------------------

def alias_large_scalar(d):
    big = "x" * (1 << 20)
    w(d, {"a.yaml": f'a: &a "{big}"\nb: [' + ", ".join(["*a"] * 5000) + "]\n"})


def nested_anchors(d):
    leaf = "{" + ", ".join(f"k{i}: v{i}" for i in range(20000)) + "}"
    depth = 200
    text = "".join(f"{' ' * (2 * i)}l{i}: &l{i}\n" for i in range(depth))
    text += " " * (2 * depth) + "leaf: " + leaf + "\n"
    w(d, {"a.yaml": text})


def many_small_bombs(d):
    doc = "a0: &a0 [" + ", ".join(["x"] * 10) + "]\n"
    for i in range(1, 5):
        doc += f"a{i}: &a{i} [" + ", ".join([f"*a{i-1}"] * 10) + "]\n"
    w(d, {"a.yaml": ("---\n" + doc) * 2000})


def merge_chain(d):
    lines = ["m0: &m0 {" + ", ".join(f"k{i}: {i}" for i in range(50)) + "}"]
    for i in range(1, 3000):
        lines.append(f"m{i}: &m{i}\n  <<: *m{i-1}\n  n{i}: {i}")
    w(d, {"a.yaml": "\n".join(lines) + "\n"})


def big_file_raised_limit(d):
    w(d, {".portalint.yaml": "max-file-size: 300000000\n"})
    with open(os.path.join(d, "big.yaml"), "w") as f:
        line = "key-%d: some value that is long enough to matter\n"
        chunk = "".join(line % i for i in range(100000))
        for _ in range(40):
            f.write(chunk)


def duplicate_keys(d):
    w(d, {"a.yaml": "k: v\n" * (5 * 1024 * 1024 // 5)})


def many_documents(d):
    doc = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-%d\ndata:\n  a: b\n"
    w(d, {"a.yaml": "".join("---\n" + doc % i for i in range(100000))})


def findings_on_one_line(d):
    # 100 000 bad label values on one 2 MB flow-style line.
    labels = ", ".join(f"k{i}: 'bad value {i}!'" for i in range(100000))
    w(d, {"a.yaml": "{apiVersion: v1, kind: ConfigMap, metadata: {name: x, labels: {" + labels + "}}}\n"})


# --- Schemas ---------------------------------------------------------------------------

def wide_anyof(d):
    branches = "\n".join(f"- {{required: [f{i}]}}" for i in range(20000))
    props = "items:\n  type: array\n  items:\n    type: object\n    anyOf:\n" + indent(branches, 4)
    spec = "items:\n" + "".join(f"- {{g: {i}}}\n" for i in range(2000))
    w(d, schema_case(props, spec))


def large_enum(d):
    enum = ", ".join(f"v{i}" for i in range(40000))
    props = f"items:\n  type: array\n  items:\n    type: string\n    enum: [{enum}]\n"
    spec = "items: [" + ", ".join(f"w{i}" for i in range(40000)) + "]\n"
    w(d, schema_case(props, spec))


def unique_items(d):
    props = "items:\n  type: array\n  uniqueItems: true\n  items: {type: integer}\n"
    spec = "items: [" + ", ".join(str(i) for i in range(40000)) + "]\n"
    w(d, schema_case(props, spec))


def list_type_set(d):
    props = "items:\n  type: array\n  x-kubernetes-list-type: set\n  items: {type: string}\n"
    spec = "items: [" + ", ".join(f"s{i}" for i in range(40000)) + "]\n"
    w(d, schema_case(props, spec))


def list_type_map(d):
    props = (
        "items:\n  type: array\n  x-kubernetes-list-type: map\n  x-kubernetes-list-map-keys: [name]\n"
        "  items:\n    type: object\n    required: [name]\n    properties:\n      name: {type: string}\n"
    )
    spec = "items:\n" + "".join(f"- {{name: n{i}}}\n" for i in range(40000))
    w(d, schema_case(props, spec))


def many_patterns(d):
    props = "".join(f"f{i}:\n  type: string\n  pattern: '^a{{{i % 50}}}b{i}$'\n" for i in range(20000))
    spec = "".join(f"f{i}: x\n" for i in range(20000))
    w(d, schema_case(props, spec))


def huge_default(d):
    default = "{" + ", ".join(f"k{i}: v{i}" for i in range(50000)) + "}"
    props = (
        "items:\n  type: array\n  items:\n    type: object\n    properties:\n      conf:\n"
        f"        type: object\n        x-kubernetes-preserve-unknown-fields: true\n        default: {default}\n"
    )
    spec = "items:\n" + "- {}\n" * 5000
    w(d, schema_case(props, spec))


def many_errors(d):
    props = "items:\n  type: array\n  items: {type: integer}\n"
    spec = "items: [" + ", ".join(f"s{i}" for i in range(100000)) + "]\n"
    w(d, schema_case(props, spec))


# --- CEL -------------------------------------------------------------------------------

def cel_case(rule, spec="a: 1\n", props="a: {type: integer}\n"):
    """An XRD with the CEL `rule` on an object `wrap` of `props`, and an XR with `wrap: spec`."""
    return schema_case(
        "wrap:\n  type: object\n  properties:\n" + indent(props, 4)
        + "  x-kubernetes-validations:\n  - rule: " + rule + "\n",
        "wrap:\n" + indent(spec, 2),
    )


def cel_deep(d):
    w(d, cel_case("'" + "(" * 20000 + "self.a" + ")" * 20000 + " > 0'"))


def cel_long(d):
    w(d, cel_case("'" + " + ".join(["self.a"] * 200000) + " > 0'"))


def cel_cost(d):
    props = "l:\n  type: array\n  items: {type: integer}\n"
    spec = "l: [" + ", ".join(str(i) for i in range(5000)) + "]\n"
    w(d, cel_case("'self.l.all(x, self.l.all(y, self.l.all(z, x + y + z >= 0)))'", spec, props))


def cel_strings(d):
    props = "l:\n  type: array\n  items: {type: string}\n"
    spec = "l: [" + ", ".join(["aaaaaaaaaa"] * 2000) + "]\n"
    w(d, cel_case("'self.l.map(x, self.l.map(y, x + y).join(\"\")).join(\"\").size() > 0'", spec, props))


# --- Go templates ----------------------------------------------------------------------

COMPOSITION = """apiVersion: apiextensions.crossplane.io/v1
kind: Composition
metadata:
  name: things
spec:
  compositeTypeRef: {apiVersion: openportal.dev/v1alpha1, kind: Thing}
  mode: Pipeline
  pipeline:
  - step: render
    functionRef: {name: function-go-templating}
    input:
      apiVersion: gotemplating.fn.crossplane.io/v1beta1
      kind: GoTemplate
      source: Inline
      inline:
        template: |
%s
"""


def gotpl(d, template):
    files = schema_case("a: {type: integer}\n", "a: 1\n")
    files["configuration/composition.yaml"] = COMPOSITION % indent(template, 10)
    w(d, files)


def gotpl_unclosed(d):
    gotpl(d, "{{ " * 100000)


def gotpl_nested(d):
    gotpl(d, "{{ if true }}" * 20000 + "x" + "{{ end }}" * 20000)


def gotpl_many_actions(d):
    gotpl(d, "{{ .observed.composite.resource.spec.a }}" * 100000)


# --- Special files and walks -----------------------------------------------------------

def fifo(name):
    def make(d):
        w(d, {"ok.yaml": "a: b\n"})
        p = os.path.join(d, name)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        os.mkfifo(p)
    return make


def unreadable_dir(d):
    w(d, {"ok.yaml": "a: b\n", "secret/x.yaml": "a: b\n"})
    os.chmod(os.path.join(d, "secret"), 0)


def gitignore_all(d):
    w(d, {".gitignore": "*\n", "broken.yaml": "a: [\n"})
    subprocess.run(["git", "init", "-q", d], check=True)


def exclude_all(d):
    w(d, {".portalint.yaml": "exclude: ['**']\n", "broken.yaml": "a: [\n"})


def big_gitignore(d):
    w(d, {".gitignore": "".join(f"dir{i}/file{i}-*.log\n" for i in range(250000)), "ok.yaml": "a: b\n"})
    subprocess.run(["git", "init", "-q", d], check=True)


# --- Determinism -----------------------------------------------------------------------

def cel_type_error(d):
    props = "m:\n  type: object\n  additionalProperties: {type: string}\n"
    w(d, cel_case("'self.m + 1 > 0'", "m: {a: x, b: y}\n", props))


CASES = [
    ("yaml: alias to a 1 MB scalar ×5000", alias_large_scalar),
    ("yaml: 200 nested anchors over 20 000 keys", nested_anchors),
    ("yaml: 2 000 documents of 10⁴-node bombs", many_small_bombs),
    ("yaml: merge chain of 3 000 maps", merge_chain),
    ("large: 200 MB file, max-file-size raised", big_file_raised_limit),
    ("large: 5 MiB of duplicate keys", duplicate_keys),
    ("large: 100 000 documents in one file", many_documents),
    ("findings: 100 000 on one 2 MB line", findings_on_one_line),
    ("schema: anyOf of 20 000 branches", wide_anyof),
    ("schema: enum of 40 000 values", large_enum),
    ("schema: uniqueItems over 40 000 items", unique_items),
    ("schema: list-type set of 40 000", list_type_set),
    ("schema: list-type map of 40 000", list_type_map),
    ("schema: 20 000 distinct patterns", many_patterns),
    ("schema: 50 000-key default ×5000", huge_default),
    ("schema: XR with 100 000 errors", many_errors),
    ("cel: 20 000 nested parentheses", cel_deep),
    ("cel: 200 000-term expression", cel_long),
    ("cel: triple loop over 5 000 items", cel_cost),
    ("cel: quadratic string building", cel_strings),
    ("gotpl: 100 000 unclosed actions", gotpl_unclosed),
    ("gotpl: 20 000 nested ifs", gotpl_nested),
    ("gotpl: 100 000 actions on one line", gotpl_many_actions),
    ("special: FIFO x.yaml", fifo("x.yaml")),
    ("special: FIFO .gitignore", fifo(".gitignore")),
    ("special: FIFO .portalint.yaml", fifo(".portalint.yaml")),
    ("walk: unreadable folder", unreadable_dir),
    ("walk: .gitignore of *", gitignore_all),
    ("walk: exclude ['**']", exclude_all),
    ("walk: 5 MB .gitignore", big_gitignore),
    ("determinism: CEL type error", cel_type_error),
]


def run(binary, d, timeout, limit):
    def pre():
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        os.setsid()

    start = time.monotonic()
    proc = subprocess.Popen(
        [binary, "check", d, "--format", "json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=pre,
    )
    try:
        out, err = proc.communicate(timeout=timeout)
        code = str(proc.returncode)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        code = "timeout"
    took = time.monotonic() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode is not None and proc.returncode < 0 and code != "timeout":
        code = f"signal {-proc.returncode}"
    return took, usage.ru_maxrss, code, out, err


def first_rule(out, err):
    import json

    try:
        doc = json.loads(out.decode("utf-8", "replace"))
        diags = doc.get("diagnostics", [])
        if diags:
            rules = sorted({x.get("rule", "?") for x in diags})
            return f"{len(diags)}: " + ", ".join(rules[:3])
        return "no findings"
    except Exception:
        line = err.decode("utf-8", "replace").strip().splitlines()
        return (line[0][:80] if line else "no output").replace("|", "\\|")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="target/release/portalint")
    ap.add_argument("--only", action="append", default=[])
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--limit-gb", type=float, default=8)
    a = ap.parse_args()
    binary = os.path.abspath(a.bin)
    print("| case | s | peak MB | exit | findings |\n|---|---|---|---|---|")
    for name, make in CASES:
        if a.only and not any(o in name for o in a.only):
            continue
        d = tempfile.mkdtemp(prefix="hostile-")
        try:
            make(d)
            took, rss, code, out, err = run_isolated(binary, d, a.timeout, int(a.limit_gb * (1 << 30)))
            print(f"| {name} | {took:.2f} | {rss / 1024:.0f} | {code} | {first_rule(out, err)} |", flush=True)
        finally:
            for root, dirs, _ in os.walk(d):
                for x in dirs:
                    try:
                        os.chmod(os.path.join(root, x), 0o755)
                    except OSError:
                        pass
            shutil.rmtree(d, ignore_errors=True)


def run_isolated(binary, d, timeout, limit):
    """Runs in a forked child so that RUSAGE_CHILDREN holds only this case's peak."""
    import pickle

    r, wfd = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        res = run(binary, d, timeout, limit)
        data = pickle.dumps(res)
        with os.fdopen(wfd, "wb") as f:
            f.write(data)
        os._exit(0)
    os.close(wfd)
    with os.fdopen(r, "rb") as f:
        data = f.read()
    os.waitpid(pid, 0)
    return pickle.loads(data)


if __name__ == "__main__":
    main()
