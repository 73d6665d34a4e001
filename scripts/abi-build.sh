#!/usr/bin/env bash
# abi-build.sh SRC_DIR OUT_DIR: build libtdx as the ABI baseline is built
# (-g -Og, source paths relative) and stage its headers; prints the path of
# the library.  Used by update-abi-baseline.sh and check-abi.sh alike, so a
# baseline and a check always compare like with like.
set -euo pipefail
src=$(cd "$1" && pwd)
out=$2
mkdir -p "$out"
out=$(cd "$out" && pwd)
cmake -S "$src" -B "$out/build" -G Ninja -DCMAKE_BUILD_TYPE=None \
	-DCMAKE_C_FLAGS="-g -Og -fdebug-prefix-map=$src=. -fdebug-prefix-map=$out=." \
	-DTDX_BUILD_TESTS=OFF -DTDX_BUILD_TOOLS=OFF >"$out/configure.log"
cmake --build "$out/build" >"$out/build.log"
rm -rf "$out/stage"
cmake --install "$out/build" --prefix "$out/stage" >"$out/install.log"
find "$out/stage" -name "libtdx.so.1.*" -type f | head -n 1
