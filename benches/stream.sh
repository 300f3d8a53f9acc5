#!/usr/bin/env bash
# Streaming benchmark. Generates a catalog-orders repository of N DNSRecord orders
# (benches/generate_orders.py; the default 800 000 is about 250 MB of YAML, three generated
# kustomizations of 8 MB each), then runs once each, with wall time and peak RSS:
#   the floor      examples/floor.rs: walk, read and parse every file, nothing else;
#   in memory      portalint check --stream-above 1G (every text and tree held at once);
#   streamed       portalint check --stream-above 0 (streamed whatever N is);
# and checks that the two portalint reports are byte-identical. One run each: a run reads
# every file, which on a 2-core VM takes about a minute of file-system time.
# usage: benches/stream.sh [N=800000] [WORKDIR=mktemp]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-800000}
work=${2:-$(mktemp -d)}
cargo build --release --quiet --bin portalint --example floor
bin=$PWD/target/release/portalint
floor=$PWD/target/release/examples/floor
if [ ! -d "$work/orders" ]; then
  python3 benches/generate_orders.py "$work" "$n" 5 --no-json
fi
# The generated kustomizations list every order: allow them past the default 5 MiB limit.
printf 'max-file-size: 64000000\nxrds: [%s]\n' "$PWD/benches/dnsrecord-xrd.yaml" > "$work/portalint.yaml"
bytes=$(find "$work/orders" -name '*.yaml' -printf '%s\n' | awk '{s+=$1} END {print s}')
echo "repository: $n orders, $((bytes / 1000000)) MB of YAML"
run() { # label, output file, command...
  local label=$1 out=$2; shift 2
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" > "$out" 2> /dev/null || true
  read -r t m < <(tail -n 1 "$work/time")
  printf '%-10s %8s s  %8s MB peak RSS\n' "$label" "$t" "$((m / 1024))"
}
run floor /dev/null "$floor" "$work/orders"
run in-memory "$work/memory.json" "$bin" check --config "$work/portalint.yaml" --format json --stream-above 1G "$work/orders"
run streamed "$work/streamed.json" "$bin" check --config "$work/portalint.yaml" --format json --stream-above 0 "$work/orders"
if cmp -s "$work/memory.json" "$work/streamed.json"; then
  echo "reports identical ($(grep -c '"rule"' "$work/streamed.json") findings)"
else
  echo "REPORTS DIFFER: $work/memory.json $work/streamed.json"; exit 1
fi
