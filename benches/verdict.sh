#!/usr/bin/env bash
# Times `portalint verdict` (release) on generated catalog-orders repositories: N clean
# DNSRecord orders in 3 clusters × 30 namespaces, a policy with a count, a sum, a field limit
# and a CEL rule per team namespace, CODEOWNERS, and a PR branch adding one order (expected
# verdict: auto-merge).
# usage: benches/verdict.sh [N...]   (default: 1000 10000); prints the median of 5 runs.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cargo build --release --quiet --manifest-path "$root/Cargo.toml"
bin="$root/target/release/portalint"
for n in "${@:-1000 10000}"; do
  for size in $n; do
    tmp="$(mktemp -d)"
    python3 "$root/benches/generate_orders.py" "$tmp" "$size" 0 >/dev/null
    repo="$tmp/orders"
    cp "$root/benches/dnsrecord-xrd.yaml" "$tmp/xrd.yaml"
    # The XRD is given on the command line: a config in the checked tree may not name a file
    # outside it.
    cat > "$repo/.portalint.yaml" <<YAML
policy:
  auto-merge-kinds: [DNSRecord]
  teams: {team-00: [b]}
  rules:
    - match: {namespace: "team-*"}
      count: [{kind: DNSRecord, soft: 1000, hard: 2000}]
      sum: [{kind: DNSRecord, field: spec.ttl, soft: 10000000, hard: 20000000}]
      fields: [{kind: DNSRecord, field: spec.ttl, max: 86400}]
      cel: [{kind: DNSRecord, expression: "object.spec.type in ['A', 'CNAME', 'AAAA', 'TXT']"}]
YAML
    { echo "* @org/platform"; for i in $(seq -w 0 29); do echo "/openportal/team-$i/ @org/team-$i"; done; } > "$repo/CODEOWNERS"
    git -C "$repo" init -q -b main
    git -C "$repo" add -A
    git -C "$repo" -c user.name=b -c user.email=b@example.org commit -qm base
    git -C "$repo" checkout -q -b create-new-resource
    sed 's/rec-000000/rec-new/g' "$repo/openportal/team-00/DNSRecord/rec-000000.yaml" > "$repo/openportal/team-00/DNSRecord/rec-new.yaml"
    git -C "$repo" add -A
    git -C "$repo" -c user.name=b -c user.email=b@example.org commit -qm order
    times=()
    for _ in 1 2 3 4 5; do
      start=$(date +%s.%N)
      code=0
      (cd "$repo" && "$bin" verdict --xrds "$tmp/xrd.yaml" --base main --author b --format json > "$tmp/verdict.json") || code=$?
      end=$(date +%s.%N)
      times+=("$(echo "$end - $start" | bc)")
    done
    median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 3p)
    decision=$(python3 -c "import json,sys; print(json.load(open('$tmp/verdict.json'))['decision'])")
    (cd "$repo" && /usr/bin/time -f %M "$bin" verdict --xrds "$tmp/xrd.yaml" --base main --author b > /dev/null 2> "$tmp/rss") || true
    echo "$size orders: verdict $decision (exit $code) in ${median}s (median of 5), peak RSS $(tail -1 "$tmp/rss") KB"
    rm -rf "$tmp"
  done
done
