#!/usr/bin/env bash
# End-to-end benchmark of `portalint check --base HEAD --only-changed-lines` on a rewritten file.
#
# Builds a git repository in a temporary folder with one YAML file, a ConfigMap with KEYS data
# keys (default 8000; the file has KEYS + 5 lines), commits it, rewrites every line (the
# object's name becomes invalid, so a diagnostic falls on a changed line and the line diff
# runs), and times the check RUNS times (default 5) under `/usr/bin/time -v`: wall clock
# (also to the millisecond, from `date`) and maximum RSS of each run, then the median wall
# and the largest RSS.
#
# Usage: benches/only_changed_lines.sh [KEYS]
#   RUNS=N       number of timed runs
#   PORTALINT=…  the binary to time (default: target/release/portalint, built first)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
keys=${1:-8000}
runs=${RUNS:-5}
if [ -z "${PORTALINT:-}" ]; then
    (cd "$root" && cargo build --release --quiet --bin portalint)
    bin=$root/target/release/portalint
else
    bin=$PORTALINT
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
repo=$tmp/repo
mkdir "$repo"
git() { command git -C "$repo" -c user.name=bench -c user.email=bench@example.invalid "$@"; }
git init -q

# $1: the object's name, $2: a suffix for every value.
config_map() {
    awk -v keys="$keys" -v name="$1" -v suffix="$2" 'BEGIN {
        print "apiVersion: v1"
        print "kind: ConfigMap"
        print "metadata:"
        print "  name: " name
        print "data:"
        for (i = 0; i < keys; i++) printf "  key-%06d: \"value %d%s\"\n", i, i, suffix
    }'
}

config_map big "" >"$repo/big.yaml"
git add big.yaml
git commit -q -m base
# Every line differs from the committed one (the header lines gain a comment).
config_map Big_Name " rewritten" | sed -e '1,3s/$/ # rewritten/' -e '5s/$/ # rewritten/' >"$repo/big.yaml"
changed=$(git diff --numstat | awk '{print $1}')
echo "big.yaml: $(wc -l <"$repo/big.yaml") lines, $changed changed; binary: $bin"

walls=()
max_rss=0
for run in $(seq 1 "$runs"); do
    start=$(date +%s%N)
    status=0
    /usr/bin/time -v "$bin" check --isolated --base HEAD --only-changed-lines "$repo" \
        >"$tmp/out" 2>"$tmp/time" || status=$?
    end=$(date +%s%N)
    if [ "$status" -gt 1 ]; then
        cat "$tmp/out" "$tmp/time" >&2
        echo "portalint exited with $status" >&2
        exit 1
    fi
    wall_ms=$(((end - start) / 1000000))
    time_wall=$(sed -n 's/^\s*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$tmp/time")
    rss_kib=$(sed -n 's/^\s*Maximum resident set size (kbytes): //p' "$tmp/time")
    diagnostics=$(grep -c '^error\|^warning' "$tmp/out" || true)
    printf 'run %d: wall %d ms (time -v: %s), max RSS %d KiB (%.1f MiB), exit %d, %d diagnostics\n' \
        "$run" "$wall_ms" "$time_wall" "$rss_kib" "$(echo "$rss_kib / 1024" | bc -l)" "$status" "$diagnostics"
    walls+=("$wall_ms")
    [ "$rss_kib" -gt "$max_rss" ] && max_rss=$rss_kib
done
median=$(printf '%s\n' "${walls[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p")
printf 'median wall %d ms, max RSS %.1f MiB over %d runs\n' "$median" "$(echo "$max_rss / 1024" | bc -l)" "$runs"
