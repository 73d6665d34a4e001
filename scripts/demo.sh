#!/usr/bin/env bash
# demo.sh: build libtdx and the tdx tool, then show what this machine
# offers for TDX.  Installs missing Debian packages first.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake -S . -B build/demo -G Ninja -DTDX_BUILD_TESTS=OFF >/dev/null
cmake --build build/demo >/dev/null
exec build/demo/tools/tdx info "$@"
