#!/usr/bin/env python3
"""One command for the speed table in docs/benchmarks.md: generates catalog-orders repositories of
1 000 and 10 000 orders (benches/generate_orders.py, 5 % seeded defects) and a repository of
200 template packages (benches/generate.py), then times, in the same run, on the same files:

- portalint check (release): every rule, with the XRD as a source for the orders;
- the floor: the same walk, reading every YAML file and parsing it with the same parser, and
  nothing else (`cargo run --release --example floor`);
- jsonschema-cli (cargo install jsonschema-cli), check-jsonschema and yamllint (pip), when
  installed: schema-only validation of the orders against the JSON Schema hand-converted from
  the XRD, and YAML linting (relaxed) of every file.

Prints the median of 5 runs (3 for the Python tools), peak RSS, and ratios to portalint.
usage: benches/compare.py [--quick]     (--quick: 1 000 orders and 50 templates only)
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "portalint")
FLOOR = os.path.join(ROOT, "target", "release", "examples", "floor")
XRD = os.path.join(ROOT, "benches", "dnsrecord-xrd.yaml")


def timed(cmd, cwd, runs=5):
    """(median seconds, peak RSS MB) of `runs` runs."""
    times, rss = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, cwd=cwd,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        times.append(time.perf_counter() - start)
        last = proc.stderr.strip().splitlines()[-1:] or ["0"]
        if last[0].isdigit():
            rss = max(rss, int(last[0]) // 1024)
    return statistics.median(times), rss


def yaml_files(repo):
    return sorted(os.path.relpath(os.path.join(d, f), repo)
                  for d, _, fs in os.walk(repo) for f in fs if f.endswith((".yaml", ".yml")))


def row(label, results, base):
    cells = [f"{label:<22}"]
    for name, (t, rss) in results:
        if t is None:
            cells.append(f"{name}: n/a")
        else:
            ratio = "" if name == "portalint" else f" ({t / base:.1f}×)"
            cells.append(f"{name} {t:.3f}s {rss}MB{ratio}")
    print(" | ".join(cells), flush=True)


def main():
    quick = "--quick" in sys.argv
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    subprocess.run(["cargo", "build", "--release", "--quiet", "--example", "floor"], cwd=ROOT, check=True)
    tools = {t: shutil.which(t) for t in ["jsonschema-cli", "check-jsonschema", "yamllint"]}
    print("tools:", ", ".join(f"{t}={'yes' if p else 'not installed'}" for t, p in tools.items()))
    with tempfile.TemporaryDirectory() as work:
        for n in [1000] if quick else [1000, 10000]:
            out = os.path.join(work, f"orders-{n}")
            subprocess.run([sys.executable, os.path.join(ROOT, "benches", "generate_orders.py"), out, str(n)], check=True)
            repo = os.path.join(out, "orders")
            orders = [f for f in yaml_files(repo) if "/DNSRecord/" in f]
            schema = os.path.join(out, "dnsrecord.schema.json")
            results = [("portalint", timed([BIN, "check", "--isolated", "--xrds", XRD, "."], repo)),
                       ("floor", timed([FLOOR, "."], repo))]
            if tools["jsonschema-cli"]:
                results.append(("jsonschema-cli", timed([tools["jsonschema-cli"], "validate", "--errors-only", schema, "-i"] + orders, repo)))
            if tools["check-jsonschema"]:
                results.append(("check-jsonschema", timed([tools["check-jsonschema"], "--schemafile", schema] + orders, repo, 3)))
            if tools["yamllint"]:
                results.append(("yamllint", timed([tools["yamllint"], "-d", "relaxed", "."], repo, 3)))
            row(f"{n} orders", results, results[0][1][0])
        n = 50 if quick else 200
        out = os.path.join(work, f"templates-{n}")
        subprocess.run([sys.executable, os.path.join(ROOT, "benches", "generate.py"), out, str(n)], check=True,
                       stdout=subprocess.DEVNULL)
        results = [("portalint", timed([BIN, "check", "--isolated", "."], out)),
                   ("floor", timed([FLOOR, "."], out))]
        if tools["yamllint"]:
            results.append(("yamllint", timed([tools["yamllint"], "-d", "relaxed", "."], out, 3)))
        row(f"{n} templates", results, results[0][1][0])
        one = os.path.join(work, "one.yaml")
        shutil.copy(os.path.join(ROOT, "fixtures", "_repos", "template-webapp", "configuration", "xrd.yaml"), one)
        t, rss = timed([BIN, "check", "--isolated", one], work, 21)
        print(f"startup: portalint check one-file.yaml {t * 1000:.1f} ms (median of 21), {rss} MB")


if __name__ == "__main__":
    main()
