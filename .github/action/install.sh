#!/usr/bin/env bash
# Installs the portalint release binary for the GitHub Action (action.yml), into
# "$RUNNER_TEMP/portalint/bin". Never builds: action.yml builds from its own source only with
# `build-from-source: true`.
#
# Which release: VERSION (the `version` input) if set, else the action's ref (ACTION_REF) when
# it is `vX`, `vX.Y` or `vX.Y.Z`, else (a commit SHA or a branch) the version in the action's
# own Cargo.toml (ACTION_PATH). `vX` and `vX.Y` (and `latest`) resolve to the newest release
# whose tag matches, from the releases API; `vX.Y.Z` is taken as it is.
#
# The archive's SHA-256 is checked against the release's `.sha256` file before anything is
# unpacked. Environment: REPO (owner/name), RUNNER_OS, RUNNER_ARCH, RUNNER_TEMP, GITHUB_OUTPUT;
# GH_TOKEN (optional, for the API's rate limit; action.yml passes none); PORTALINT_API_URL and
# PORTALINT_DOWNLOAD_URL
# (default the GitHub API and github.com; the tests point them at a local folder).
set -euo pipefail

fail() {
  echo "::error title=portalint::$*" >&2
  exit 1
}

api="${PORTALINT_API_URL:-https://api.github.com}"
download="${PORTALINT_DOWNLOAD_URL:-https://github.com}"
: "${REPO:?REPO (owner/name) is not set}"
: "${RUNNER_TEMP:?RUNNER_TEMP is not set}"

# 1. The requested version.
request="${VERSION:-}"
if [ -z "$request" ]; then
  if [[ "${ACTION_REF:-}" =~ ^v[0-9]+(\.[0-9]+){0,2}$ ]]; then
    request="$ACTION_REF"
  elif [ -n "${ACTION_PATH:-}" ] && [ -f "$ACTION_PATH/Cargo.toml" ]; then
    own=$(sed -n 's/^version = "\([^"]*\)"$/\1/p' "$ACTION_PATH/Cargo.toml" | head -n1)
    [ -n "$own" ] || fail "no version in $ACTION_PATH/Cargo.toml"
    request="v$own"
  else
    fail "cannot tell which release to download: set the \`version\` input (e.g. v1)"
  fi
fi
if [ "$request" != latest ] && ! [[ "$request" =~ ^v?[0-9]+(\.[0-9]+){0,2}$ ]]; then
  fail "version \`$request\` is not vX, vX.Y, vX.Y.Z or latest"
fi
request="${request#v}"

# 2. The release: vX.Y.Z as it is, else the newest matching tag of the releases list.
curl_get() {
  local auth=()
  if [ -n "${GH_TOKEN:-}" ] && [[ "$1" == https://* ]]; then
    auth=(-H "Authorization: Bearer $GH_TOKEN")
  fi
  curl -fsSL --retry 3 "${auth[@]}" "$@"
}
if [[ "$request" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
  tag="v$request"
else
  releases=$(curl_get -H "Accept: application/vnd.github+json" "$api/repos/$REPO/releases?per_page=100") ||
    fail "cannot list the releases of $REPO"
  # Published releases only (no drafts, no prereleases), tags vX.Y.Z, newest first.
  tags=$(printf '%s' "$releases" | tr -d '\n' | sed 's/}, *{/}\n{/g' |
    grep -v '"draft": *true' | grep -v '"prerelease": *true' |
    sed -n 's/.*"tag_name": *"v\([0-9][0-9]*\.[0-9][0-9]*\.[0-9][0-9]*\)".*/\1/p' |
    sort -t. -k1,1nr -k2,2nr -k3,3nr)
  if [ "$request" = latest ]; then
    found=$(printf '%s\n' "$tags" | head -n1)
  else
    found=$(printf '%s\n' "$tags" | grep -E "^${request//./\\.}\." | head -n1 || true)
  fi
  [ -n "$found" ] || fail "no release of $REPO matches v$request"
  tag="v$found"
fi

# 3. The asset of this runner.
case "${RUNNER_OS:-}/${RUNNER_ARCH:-}" in
  Linux/X64) target=x86_64-unknown-linux-musl ext=tar.gz ;;
  Linux/ARM64) target=aarch64-unknown-linux-musl ext=tar.gz ;;
  macOS/X64) target=x86_64-apple-darwin ext=tar.gz ;;
  macOS/ARM64) target=aarch64-apple-darwin ext=tar.gz ;;
  Windows/X64) target=x86_64-pc-windows-msvc ext=zip ;;
  *) fail "no release binary for ${RUNNER_OS:-?}/${RUNNER_ARCH:-?}: set build-from-source: true" ;;
esac
name="portalint-$tag-$target"
asset="$name.$ext"
url="$download/$REPO/releases/download/$tag"
work="$RUNNER_TEMP/portalint-download"
rm -rf "$work"
mkdir -p "$work"
curl_get -o "$work/$asset" "$url/$asset" || fail "cannot download $url/$asset"
curl_get -o "$work/$asset.sha256" "$url/$asset.sha256" || fail "cannot download $url/$asset.sha256"

# 4. The checksum, then unpack.
expected=$(awk 'NR == 1 { print $1 }' "$work/$asset.sha256")
if command -v sha256sum >/dev/null 2>&1; then
  actual=$(sha256sum "$work/$asset" | awk '{ print $1 }')
else
  actual=$(shasum -a 256 "$work/$asset" | awk '{ print $1 }')
fi
[[ "$expected" =~ ^[0-9a-f]{64}$ ]] || fail "$asset.sha256 holds no SHA-256"
[ "$expected" = "$actual" ] || fail "checksum mismatch for $asset: expected $expected, got $actual"
if [ "$ext" = zip ]; then
  unzip -q -o "$work/$asset" -d "$work"
  exe=portalint.exe
else
  tar -xzf "$work/$asset" -C "$work"
  exe=portalint
fi
bin="$RUNNER_TEMP/portalint/bin"
mkdir -p "$bin"
[ -f "$work/$name/$exe" ] || fail "$asset has no $name/$exe"
mv -f "$work/$name/$exe" "$bin/$exe"
chmod +x "$bin/$exe"
"$bin/$exe" --version
echo "portalint $tag ($target) installed, SHA-256 $actual verified"
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  echo "version=$tag" >> "$GITHUB_OUTPUT"
fi
