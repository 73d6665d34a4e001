#!/usr/bin/env bash
# update-abi-baseline.sh: rewrite abi-dumps/libtdx.so.1.abi from this tree.
# Run it deliberately, when the ABI changes on purpose, and commit the new
# baseline in the same commit as the CHANGELOG entry that explains it
# (scripts/check-abi.sh enforces that).  See abi-dumps/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
lib=$(scripts/abi-build.sh . "$tmp")
# Source locations are kept (no --no-show-locs): the header filter needs them.
abidw --headers-dir "$tmp/stage/include/tdx" --out-file abi-dumps/libtdx.so.1.abi "$lib"
# No temporary paths in the committed file: regenerating it is reproducible.
sed -i "s|$tmp|.|g" abi-dumps/libtdx.so.1.abi
echo "abi-dumps/libtdx.so.1.abi written from $(basename "$lib") with $(abidw --version)"
