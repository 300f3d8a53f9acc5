#!/usr/bin/env python3
"""Orders benchmark: generates catalog-orders repositories of 1 000 and 10 000 orders with 5 %
seeded defects (benches/generate_orders.py), then measures, median of 5 runs, on 2 cores:

- portalint's full check (schema + CEL + layout + cross-file) with the XRD as a source;
- jsonschema-cli (`cargo install jsonschema-cli`), when installed, validating the same YAML
  files against the JSON Schema hand-converted from the XRD (schema only);
- portalint on a single order file;
- changed-files mode: the repository committed to git, 3 orders changed in a second commit,
  checked with `--base HEAD~1 --head HEAD` (read from git) and `--base HEAD~1` (work tree);
and reports wall time, peak RSS, the ratio and the recall of the seeded defects.

usage: benches/orders.py [N ...]      (default: 1000 10000)
"""
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "portalint")
XRD = os.path.join(ROOT, "benches", "dnsrecord-xrd.yaml")


def timed(cmd, cwd):
    """(median seconds, peak RSS KB) of 5 runs."""
    times, rss = [], 0
    for _ in range(5):
        start = time.perf_counter()
        proc = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd if os.path.exists("/usr/bin/time") else cmd,
                              cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        times.append(time.perf_counter() - start)
        lines = proc.stderr.strip().splitlines()
        if lines and lines[-1].isdigit():
            rss = max(rss, int(lines[-1]))
    return statistics.median(times), rss


def recall(workdir):
    out = subprocess.run([BIN, "check", "--isolated", "--format", "json", "--xrds", XRD, "."],
                         cwd=os.path.join(workdir, "orders"), capture_output=True, text=True).stdout
    diags = json.loads(out)["diagnostics"]
    seeded = json.load(open(os.path.join(workdir, "seeded.json")))
    hits = {(d["path"], d["rule"]) for d in diags}
    found = sum(1 for p, r in seeded.items() if (p, r) in hits)
    clean = sum(1 for d in diags if d["path"] not in seeded)
    return found, len(seeded), clean


def changed_files(repo):
    """Commits the repository, changes 3 orders, commits again; times the PR check."""
    def git(*args):
        subprocess.run(["git", "-c", "user.name=b", "-c", "user.email=b@example.org", "-c", "commit.gpgsign=false", *args],
                       cwd=repo, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    git("init", "-q", "-b", "main")
    git("add", "-A")
    git("commit", "-q", "-m", "base")
    changed = sorted(os.path.join(d, f) for d, _, fs in os.walk(repo) if ".git" not in d for f in fs if f.startswith("rec-"))[:3]
    for path in changed:
        with open(path, "a") as f:
            f.write("  proxied: true\n")
    git("commit", "-q", "-am", "pr")
    head, _ = timed([BIN, "check", "--isolated", "--xrds", XRD, "--base", "HEAD~1", "--head", "HEAD", "."], repo)
    tree, _ = timed([BIN, "check", "--isolated", "--xrds", XRD, "--base", "HEAD~1", "."], repo)
    return head, tree


def main():
    sizes = [int(a) for a in sys.argv[1:]] or [1000, 10000]
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    baseline = shutil.which("jsonschema-cli")
    print(f"{'orders':>7} {'portalint':>10} {'RSS':>8} {'jsonschema-cli':>15} {'ratio':>6} {'recall':>10} {'clean-file findings':>20}")
    for n in sizes:
        with tempfile.TemporaryDirectory() as work:
            subprocess.run([sys.executable, os.path.join(ROOT, "benches", "generate_orders.py"), work, str(n)], check=True)
            repo = os.path.join(work, "orders")
            p_time, p_rss = timed([BIN, "check", "--isolated", "--xrds", XRD, "."], repo)
            found, seeded, clean = recall(work)
            if baseline:
                files = sorted(os.path.relpath(os.path.join(d, f), repo)
                               for d, _, fs in os.walk(repo) for f in fs if f.startswith("rec-"))
                b_time, _ = timed([baseline, "validate", "--errors-only", os.path.join(work, "dnsrecord.schema.json"), "-i"] + files, repo)
                b, ratio = f"{b_time:.3f}s", f"{p_time / b_time:.2f}"
            else:
                b, ratio = "not installed", "-"
            print(f"{n:>7} {p_time:>9.3f}s {p_rss // 1024:>6}MB {b:>15} {ratio:>6} {found:>4}/{seeded:<5} {clean:>20}")
            pr_head, pr_tree = changed_files(repo)
            print(f"   3 changed orders: {pr_head * 1000:.1f} ms with --head (from git), {pr_tree * 1000:.1f} ms from the work tree")
            if n == sizes[0]:
                one = next(os.path.join(d, f) for d, _, fs in os.walk(repo) for f in fs if f.startswith("rec-"))
                s_time, s_rss = timed([BIN, "check", "--isolated", "--xrds", XRD, one], repo)
                print(f"   one order file: {s_time * 1000:.1f} ms, {s_rss // 1024} MB")


if __name__ == "__main__":
    main()
