#!/usr/bin/env bash
# Benchmark: portalint (release) on the corpus and on generated repositories of 50, 200 and
# 1000 template packages (7 files each). Prints the median wall time of 5 runs and peak RSS.
# usage: benches/run.sh            (needs python3; uses /usr/bin/time when present)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=target/release/portalint
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

measure() { # label, then the command
  local label=$1; shift
  local times=() rss=0
  for _ in 1 2 3 4 5; do
    if [ -x /usr/bin/time ]; then
      /usr/bin/time -f "%e %M" -o "$work/t" "$@" > /dev/null 2>&1 || true
      read -r t m < <(tail -n 1 "$work/t")
      times+=("$t"); [ "$m" -gt "$rss" ] && rss=$m
    else
      local s e; s=$(date +%s.%N); "$@" > /dev/null 2>&1 || true; e=$(date +%s.%N)
      times+=("$(echo "$e - $s" | bc)")
    fi
  done
  local median; median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 3p)
  printf '%-28s median %6ss  peak RSS %6s KB\n' "$label" "$median" "$rss"
}

if [ -d ../shared/corpus ]; then
  measure "corpus (52 repos)" "$bin" check --isolated ../shared/corpus/*/
fi
for n in 50 200 1000; do
  python3 benches/generate.py "$work/gen$n" "$n"
  files=$(find "$work/gen$n" -name '*.yaml' | wc -l)
  measure "generated $n templates ($files files)" "$bin" check --isolated "$work/gen$n"
done
