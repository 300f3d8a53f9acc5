#!/usr/bin/env bash
# Moves the tags `vX.Y` and `vX` to the release tag TAG (vX.Y.Z) when TAG is the newest
# release of that line, and pushes them to `origin`: `uses: …@vX` and `@vX.Y` resolve through
# git tags of those names. A patch of an older line moves its `vX.Y`, not `vX`.
# usage: TAG=vX.Y.Z move-tags.sh   (in a clone with the release tags; run by release.yml)
set -euo pipefail
: "${TAG:?TAG=vX.Y.Z is required}"
if ! [[ "$TAG" =~ ^v[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
  echo "move-tags: $TAG is not a vX.Y.Z tag" >&2
  exit 2
fi
git fetch --force --tags origin
major="${TAG%%.*}"
minor="${TAG%.*}"
for line in "$minor" "$major"; do
  newest=$(git tag -l "$line.*" | grep -E '^v[0-9]+\.[0-9]+\.[0-9]+$' | sort -V | tail -n 1)
  if [ "$newest" = "$TAG" ]; then
    git tag -f "$line" "$TAG^{commit}" >/dev/null
    git push -q -f origin "refs/tags/$line"
    echo "$line -> $TAG"
  else
    echo "$line stays: $newest is newer than $TAG"
  fi
done
