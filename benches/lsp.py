#!/usr/bin/env python3
"""The editor server's latency target of docs/benchmarks.md: from a `textDocument/didChange` of
one order to the `textDocument/publishDiagnostics` of that order, in a generated catalog-orders
repository of N orders (benches/generate_orders.py, the DNSRecord XRD of
benches/dnsrecord-xrd.yaml given with `--xrds`). Target: <= 50 ms at N = 10 000.

The script is the LSP client: it starts `portalint server`, initializes (the server checks the
whole root once), opens one order, then sends EDITS changes of the whole buffer that alternate
between a valid order and one with an unknown field, and times each change until the server
publishes the order's diagnostics (and checks that the unknown field is reported exactly when
it is in the buffer). It also times one edit of a cluster's kustomization.yaml (a shared file:
the cluster's orders are re-checked with it).

With `--instructions`, the server runs under `valgrind --tool=callgrind` twice, with 0 and
with EDITS order edits; the difference divided by EDITS is the user-space instruction count of
one edit (repeatable whatever else the machine runs; threads are serialised).

usage: benches/lsp.py [--orders N] [--edits E] [--instructions] [--no-build]
  PORTALINT=…   the binary (default: target/release/portalint, built first unless --no-build)
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import queue
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
XRD = os.path.join(ROOT, "benches", "dnsrecord-xrd.yaml")


class Client:
    def __init__(self, cmd, cwd):
        self.proc = subprocess.Popen(cmd, cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        self.messages = queue.Queue()
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        out = self.proc.stdout
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    self.messages.put(None)
                    return
                line = line.strip()
                if not line:
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            body = out.read(length)
            self.messages.put((time.perf_counter(), json.loads(body)))

    def send(self, msg):
        msg["jsonrpc"] = "2.0"
        body = json.dumps(msg).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()
        return time.perf_counter()

    def notify(self, method, params):
        return self.send({"method": method, "params": params})

    def request(self, method, params):
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params})
        return self.wait(lambda m: m.get("id") == self.next_id and "method" not in m)[1]

    def wait(self, pred, timeout=3600):
        while True:
            item = self.messages.get(timeout=timeout)
            if item is None:
                sys.exit("the server ended: " + self.proc.stderr.read().decode()[-2000:])
            if pred(item[1]):
                return item

    def finish(self):
        self.request("shutdown", None)
        self.notify("exit", None)
        code = self.proc.wait(timeout=3600)
        err = self.proc.stderr.read().decode()
        if code != 0:
            sys.exit(f"the server exited {code}: {err[-2000:]}")
        return err


def uri(path):
    return "file://" + urllib.parse.quote(path)


def pick_order(repo):
    """A leaf order to edit: the last of a folder (the first of each folder is shared), valid."""
    folder = os.path.join(repo, "openportal", "team-03", "DNSRecord")
    for name in sorted(os.listdir(folder), reverse=True):
        with open(os.path.join(folder, name)) as f:
            if "proxied_" not in f.read():
                return os.path.join(folder, name)
    sys.exit("no valid order to edit")


def session(cmd, repo, edits, kustomization=True):
    """{'edits': [seconds…], 'kustomization': seconds, 'open': seconds, 'start': seconds}."""
    started = time.perf_counter()
    c = Client(cmd, repo)
    c.request("initialize", {"processId": None, "rootUri": uri(repo), "capabilities": {}})
    c.notify("initialized", {})
    # Answered once the first check of the whole root is done.
    c.request("textDocument/hover", {"textDocument": {"uri": uri(repo + "/x.yaml")},
                                     "position": {"line": 0, "character": 0}})
    ready = time.perf_counter() - started
    path = pick_order(repo)
    with open(path) as f:
        valid = f.read()
    broken = valid.replace("spec:\n", "spec:\n  proxied_: true\n")
    assert broken != valid
    u = uri(path)
    is_pub = lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == u
    sent = c.notify("textDocument/didOpen", {"textDocument": {"uri": u, "languageId": "yaml", "version": 1,
                                                              "text": valid}})
    opened = c.wait(is_pub)[0] - sent
    times = []
    for i in range(edits):
        text = broken if i % 2 == 0 else valid
        sent = c.notify("textDocument/didChange", {"textDocument": {"uri": u, "version": i + 2},
                                                   "contentChanges": [{"text": text}]})
        at, msg = c.wait(is_pub)
        times.append(at - sent)
        found = any("proxied_" in d["message"] for d in msg["params"]["diagnostics"])
        if found != (text is broken):
            sys.exit(f"edit {i}: the unknown field is {'reported' if found else 'missing'}: {msg}")
    result = {"edits": times, "open": opened, "start": ready}
    if kustomization:
        k = os.path.join(repo, "openportal", "kustomization.yaml")
        with open(k) as f:
            ktext = f.read()
        ku = uri(k)
        c.notify("textDocument/didOpen", {"textDocument": {"uri": ku, "languageId": "yaml", "version": 1,
                                                           "text": ktext}})
        c.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == ku)
        sent = c.notify("textDocument/didChange", {"textDocument": {"uri": ku, "version": 2},
                                                   "contentChanges": [{"text": ktext + "  - gone.yaml\n"}]})
        log = c.wait(lambda m: m.get("method") == "window/logMessage" and m["params"]["message"].startswith("checked"))
        at, _ = c.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == ku)
        result["kustomization"] = at - sent
        result["kustomization_log"] = log[1]["params"]["message"]
    c.finish()
    return result


def instructions(cmd, repo, edits):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "cg")
        vg = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}"] + cmd
        c = Client(vg, repo)
        c.request("initialize", {"processId": None, "rootUri": uri(repo), "capabilities": {}})
        c.notify("initialized", {})
        c.request("textDocument/hover", {"textDocument": {"uri": uri(repo + "/x.yaml")},
                                         "position": {"line": 0, "character": 0}})
        path = pick_order(repo)
        with open(path) as f:
            valid = f.read()
        broken = valid.replace("spec:\n", "spec:\n  proxied_: true\n")
        u = uri(path)
        is_pub = lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == u
        c.notify("textDocument/didOpen", {"textDocument": {"uri": u, "languageId": "yaml", "version": 1,
                                                           "text": valid}})
        c.wait(is_pub)
        for i in range(edits):
            c.notify("textDocument/didChange", {"textDocument": {"uri": u, "version": i + 2},
                                                "contentChanges": [{"text": broken if i % 2 == 0 else valid}]})
            c.wait(is_pub)
        c.request("shutdown", None)
        c.notify("exit", None)
        c.proc.wait(timeout=36000)
        err = c.proc.stderr.read().decode()
    found = re.search(r"I\s+refs:\s+([\d,]+)", err)
    if not found:
        sys.exit("callgrind gave no count: " + err[-2000:])
    return int(found.group(1).replace(",", ""))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--orders", type=int, default=10_000)
    ap.add_argument("--edits", type=int, default=40)
    ap.add_argument("--instructions", action="store_true")
    ap.add_argument("--no-build", action="store_true")
    a = ap.parse_args()
    portalint = os.environ.get("PORTALINT")
    if not portalint:
        target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
        portalint = os.path.join(target, "release", "portalint")
        if not a.no_build:
            subprocess.run(["cargo", "build", "--release", "--locked", "--quiet"], cwd=ROOT, check=True)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, os.path.join(ROOT, "benches", "generate_orders.py"), tmp, str(a.orders),
                        "5", "--no-json"], check=True)
        repo = os.path.realpath(os.path.join(tmp, "orders"))
        cmd = [portalint, "server", "--isolated", "--xrds", XRD, repo]
        r = session(cmd, repo, a.edits)
        e = sorted(r["edits"])
        ms = lambda s: f"{s * 1000:.1f} ms"
        print(f"{a.orders} orders, portalint server (wall time, this machine, now)")
        print(f"  start (initialize + first check of the root): {ms(r['start'])}")
        print(f"  didOpen of an order -> its diagnostics:        {ms(r['open'])}")
        print(f"  didChange of an order -> its diagnostics:      median {ms(statistics.median(e))}, "
              f"p90 {ms(e[int(len(e) * 0.9) - 1])}, max {ms(e[-1])} ({len(e)} edits)")
        print(f"  didChange of a kustomization (shared: its cluster re-checked): {ms(r['kustomization'])}"
              f" (server: {r['kustomization_log']})")
        if a.instructions:
            base = instructions(cmd, repo, 0)
            more = instructions(cmd, repo, a.edits)
            print(f"  instructions per order edit (callgrind, ({more:,} - {base:,}) / {a.edits}): "
                  f"{(more - base) / a.edits / 1e6:.1f} M")


if __name__ == "__main__":
    main()
