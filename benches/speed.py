#!/usr/bin/env python3
"""The speed targets of docs/benchmarks.md in one run, on one generated catalog-orders repository
(benches/generate_orders.py, N DNSRecord orders, 5 % seeded defects):

1. portalint's full check against the floor (walk, read, parse: examples/floor.rs);
2. portalint against jsonschema-cli's schema-only run on the same order files;
3. changed-files mode: the repository committed, 3 orders changed in a second commit, then
   `check --base HEAD~1` (the work tree) and `check --base HEAD~1 --head HEAD` (from git);
4. the render stage: the check with the orders' Composition as a source
   (benches/dnsrecord-composition.yaml), without and with `--render` (every order rendered).

Each is measured two ways in the same run: wall time (median of RUNS runs, the commands
interleaved round by round so that a slower minute of the machine slows them all), and, with
`--instructions`, the user-space instruction count of one run under
`valgrind --tool=callgrind` (repeatable to a fraction of a percent, whatever the machine does;
threads are serialised, so it counts work, not wall time).

usage: benches/speed.py [--orders N] [--runs R] [--instructions] [--no-build]
  PORTALINT=… FLOOR=…   the binaries (default: target/release/portalint and
                        target/release/examples/floor, built first unless --no-build)
  JSONSCHEMA_CLI=…      jsonschema-cli (default: from PATH; `cargo install jsonschema-cli`)
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
XRD = os.path.join(ROOT, "benches", "dnsrecord-xrd.yaml")
COMPOSITION = os.path.join(ROOT, "benches", "dnsrecord-composition.yaml")


def run(cmd, cwd):
    """Wall seconds of one run; the exit code must be 0 or 1 (findings)."""
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        sys.exit(f"{cmd[0]} exited {proc.returncode}: {proc.stderr.decode()[-2000:]}")
    return wall


def interleaved(cmds, cwd, runs):
    """{name: median wall seconds}, the commands run in turn, `runs` rounds (one warm-up)."""
    for cmd in cmds.values():
        run(cmd, cwd)
    times = {name: [] for name in cmds}
    for _ in range(runs):
        for name, cmd in cmds.items():
            times[name].append(run(cmd, cwd))
    return {name: statistics.median(t) for name, t in times.items()}


def instructions(cmd, cwd):
    """User-space instructions of one run (callgrind's `I refs`)."""
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={tmp}/out"] + cmd,
                              cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    found = re.search(r"I\s+refs:\s+([\d,]+)", proc.stderr)
    if not found:
        sys.exit(f"callgrind gave no count for {cmd[0]}: {proc.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def git(repo, *args):
    subprocess.run(["git", "-c", "user.name=b", "-c", "user.email=b@example.org", "-c", "commit.gpgsign=false", *args],
                   cwd=repo, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def report(title, walls, counts, base):
    print(f"\n{title}")
    for name, wall in walls.items():
        ratio = "" if name == base else f"   {wall / walls[base]:.2f}× {base} (wall)"
        line = f"  {name:<16} {wall * 1000:8.1f} ms{ratio}"
        if name in counts:
            line += f"   {counts[name] / 1e6:8.1f} M instructions"
            if name != base and base in counts:
                line += f" ({counts[name] / counts[base]:.2f}×)"
        print(line)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--orders", type=int, default=10000)
    ap.add_argument("--runs", type=int, default=11)
    ap.add_argument("--instructions", action="store_true")
    ap.add_argument("--no-build", action="store_true")
    args = ap.parse_args()
    portalint = os.environ.get("PORTALINT") or os.path.join(ROOT, "target", "release", "portalint")
    floor = os.environ.get("FLOOR") or os.path.join(ROOT, "target", "release", "examples", "floor")
    if not args.no_build:
        if "PORTALINT" not in os.environ:
            subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
        if "FLOOR" not in os.environ:
            subprocess.run(["cargo", "build", "--release", "--quiet", "--example", "floor"], cwd=ROOT, check=True)
    jsc = os.environ.get("JSONSCHEMA_CLI") or shutil.which("jsonschema-cli")
    print(f"portalint: {portalint}\nfloor: {floor}\njsonschema-cli: {jsc or 'not installed'}")
    with tempfile.TemporaryDirectory() as work:
        subprocess.run([sys.executable, os.path.join(ROOT, "benches", "generate_orders.py"), work, str(args.orders)],
                       check=True, stdout=subprocess.DEVNULL)
        repo = os.path.join(work, "orders")
        orders = sorted(os.path.relpath(os.path.join(d, f), repo)
                        for d, _, fs in os.walk(repo) for f in fs if f.startswith("rec-"))
        cmds = {
            "portalint": [portalint, "check", "--isolated", "--xrds", XRD, "."],
            "floor": [floor, "."],
        }
        if jsc:
            cmds["jsonschema-cli"] = [jsc, "validate", "--errors-only", os.path.join(work, "dnsrecord.schema.json"),
                                      "-i"] + orders
        walls = interleaved(cmds, repo, args.runs)
        counts = {n: instructions(c, repo) for n, c in cmds.items()} if args.instructions else {}
        print(f"\n{args.orders} orders, {len(orders)} order files; median of {args.runs} interleaved runs")
        report("full check against the floor", {n: walls[n] for n in ["floor", "portalint"]}, counts, "floor")
        if jsc:
            report("full check against jsonschema-cli (schema only)",
                   {n: walls[n] for n in ["jsonschema-cli", "portalint"]}, counts, "jsonschema-cli")

        # Changed-files mode: 3 orders changed in a second commit.
        git(repo, "init", "-q", "-b", "main")
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", "base")
        for path in orders[:3]:
            with open(os.path.join(repo, path), "a") as f:
                f.write("  proxied: true\n")
        git(repo, "commit", "-q", "-am", "pr")
        pr = {
            "--base (tree)": [portalint, "check", "--isolated", "--xrds", XRD, "--base", "HEAD~1", "."],
            "--base --head": [portalint, "check", "--isolated", "--xrds", XRD, "--base", "HEAD~1", "--head", "HEAD",
                              "."],
        }
        walls = interleaved(pr, repo, args.runs)
        counts = {n: instructions(c, repo) for n, c in pr.items()} if args.instructions else {}
        report("changed-files mode, 3 orders changed", walls, counts, "--base (tree)")

        # The render stage: every order rendered with its Composition (docs/render.md).
        render = {
            "no --render": [portalint, "check", "--isolated", "--xrds", XRD, "--xrds", COMPOSITION, "."],
            "--render": [portalint, "check", "--isolated", "--xrds", XRD, "--xrds", COMPOSITION, "--render", "."],
        }
        walls = interleaved(render, repo, args.runs)
        counts = {n: instructions(c, repo) for n, c in render.items()} if args.instructions else {}
        report(f"render stage, {args.orders} orders", walls, counts, "no --render")


if __name__ == "__main__":
    main()
