#!/usr/bin/env bash
# demo.sh: build libtdx and the tdx tool, then run the end-to-end demo:
# predict a TD's MRTD, build that TD on an emulated TDX host, extend an
# RTMR and get a report and a quote from inside it, and check the MRTD.
# Installs missing Debian packages first.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake -S . -B build/demo -G Ninja -DTDX_BUILD_TESTS=OFF >/dev/null
cmake --build build/demo >/dev/null
build/demo/tools/tdx info
echo
exec build/demo/tools/tdx demo "$@"
