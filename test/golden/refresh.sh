#!/usr/bin/env bash
# Refreshes test/golden/ (the repository's own copy of the reference's outputs) from
# ../shared/golden, the team's source of truth. Traces and expected.json are stored
# gzipped (gzip -n: no name or time, so an unchanged file gives an unchanged blob);
# logs are already gzipped and configs are small text. Usage: npm run golden:refresh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
src="${1:-$(cd "$here/../../.." && pwd)/shared/golden}"
if [ ! -f "$src/expected.json" ]; then
  echo "golden:refresh: no golden data at $src (pass its path as the first argument)" >&2
  exit 2
fi
tmp="$(mktemp -d "$here/.refresh.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/configs" "$tmp/logs" "$tmp/traces"
cp "$src/README.md" "$tmp/README.md"
gzip -9n -c "$src/expected.json" > "$tmp/expected.json.gz"
cp "$src"/configs/*.cfg "$tmp/configs/"
cp "$src"/logs/*.txt.gz "$tmp/logs/"
for f in "$src"/traces/*.bin; do gzip -9n -c "$f" > "$tmp/traces/$(basename "$f").gz"; done
rm -rf "$here/README.md" "$here/expected.json.gz" "$here/configs" "$here/logs" "$here/traces"
mv "$tmp"/* "$here/"
echo "golden:refresh: copied $(find "$here" -type f ! -name refresh.sh | wc -l) files from $src"
